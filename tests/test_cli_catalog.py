"""`costcalc models` filters and the `costcalc catalog` commands (diff, stale), through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import costcalc as cc
from costcalc.catalog import KINDS
from costcalc.cli import main

OLD = """
provider = "acme"
source = "https://acme.example/pricing"
checked = 2026-10-01

[[models]]
id = "acme-large"
context_window = 100_000

[[models.prices]]
verified = ["acme pricing page"]
standard = { input = 1, output = 4 }

[[models]]
id = "acme-small"

[[models.prices]]
checked = 2026-11-20
verified = ["acme pricing page"]
standard = { input = "0.1", output = "0.4" }
"""

NEW = """
provider = "acme"
source = "https://acme.example/pricing"
checked = 2026-11-24

[[models]]
id = "acme-large"
context_window = 200_000

[[models.prices]]
verified = ["acme pricing page", "a bill"]
standard = { input = 2, output = 4 }
batch = { input = 1, output = 2 }

[[models]]
id = "acme-xl"

[[models.prices]]
verified = ["acme pricing page"]
standard = { input = 5, output = 20 }
"""


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "old.toml").write_text(OLD, encoding="utf-8")
    (tmp_path / "new.toml").write_text(NEW, encoding="utf-8")
    return str(tmp_path / "old.toml"), str(tmp_path / "new.toml")


def test_models_filters_by_provider_kind_and_tier() -> None:
    code, out = invoke("models", "--provider", "openai", "--kind", "embedding", "--tier", "batch", "--json")
    assert code == 0
    ids = {m["id"] for m in json.loads(out)}
    assert ids == {m.id for m in cc.list_models("openai", kind="embedding", tier="batch")}
    assert ids == {"text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"}
    code, out = invoke("models", "--provider", "anthropic", "--tier", "fast", "--json")
    assert code == 0
    fast = json.loads(out)
    assert fast
    assert all(m["provider"] == "anthropic" and m["kind"] == "chat" for m in fast)
    assert {m["id"] for m in fast} == {m.id for m in cc.list_models("anthropic", tier="fast")}
    code, out = invoke("models", "--kind", "rerank")
    assert code == 0
    assert "rerank-v3.5" in out
    assert "command-a" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--tier", "bogus"), "Invalid value for '--tier': 'bogus' is not one of"),
        (("--kind", "poem"), "Invalid value for '--kind'"),
        (("--provider", "acme"), "unknown provider 'acme'; providers: anthropic, azure"),
    ],
)
def test_models_bad_filters_are_usage_errors(args: tuple[str, ...], message: str) -> None:
    code, out = invoke("models", *args)
    assert code == 2
    assert message in out


def test_models_choices_are_the_librarys() -> None:
    command = main.commands["models"]
    choices = {p.name: getattr(p.type, "choices", ()) for p in command.params}
    assert tuple(choices["tier"]) == cc.TIERS
    assert tuple(choices["kind"]) == KINDS


def test_catalog_diff(files: tuple[str, str]) -> None:
    old, new = files
    code, out = invoke("catalog", "diff", old, new, "--json")
    assert code == 1  # they differ
    data = json.loads(out)
    assert data["added"] == [{"provider": "acme", "id": "acme-xl"}]
    assert data["removed"] == [{"provider": "acme", "id": "acme-small"}]
    changed = {c["field"]: (c["old"], c["new"]) for c in data["changed"]}
    assert changed == {
        "context_window": (100_000, 200_000),
        "prices[0].standard.rates.input": ("1", "2"),
        "prices[0].batch.rates.input": (None, "1"),
        "prices[0].batch.rates.output": (None, "2"),
    }
    code, out = invoke("catalog", "diff", old, new, "--json", "--provenance")
    fields = {c["field"] for c in json.loads(out)["changed"]}
    assert {"checked", "prices[0].verified"} <= fields
    code, out = invoke("catalog", "diff", old, new)
    assert code == 1
    assert "Added in" in out
    assert "acme-xl" in out
    assert "prices[0].standard.rates.input" in out


def test_catalog_diff_same_and_builtin(files: tuple[str, str]) -> None:
    old, _ = files
    code, out = invoke("catalog", "diff", old, old)
    assert (code, out.strip()) == (0, f"{old} and {old} agree (2 models).")
    code, out = invoke("catalog", "diff", "builtin", old, "--json")
    assert code == 1
    data = json.loads(out)
    assert len(data["removed"]) == len(cc.list_models())
    assert data["added"] == [
        {"provider": "acme", "id": "acme-large"},
        {"provider": "acme", "id": "acme-small"},
    ]


def test_catalog_diff_bad_file(tmp_path: Path, files: tuple[str, str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('provider = "acme"\n[[models]]\nid = "x"\n', encoding="utf-8")
    code, out = invoke("catalog", "diff", files[0], str(bad))
    assert code == 2
    assert "Invalid value" in out
    code, out = invoke("catalog", "diff", files[0])
    assert code == 2


def test_catalog_stale(files: tuple[str, str]) -> None:
    old, _ = files
    code, out = invoke(
        "catalog", "stale", "--days", "30", "--catalog", old, "--as-of", "2026-11-25", "--json"
    )
    assert code == 1  # something is stale
    assert json.loads(out) == [
        {
            "provider": "acme",
            "id": "acme-large",
            "since": "launch",
            "checked": "2026-10-01",
            "days": 55,
            "source": "https://acme.example/pricing",
        }
    ]
    # Both periods are older than 4 days on 2026-11-25 (55 and 5 days), oldest first.
    code, out = invoke("catalog", "stale", "--days", "4", "--catalog", old, "--as-of", "2026-11-25")
    assert code == 1
    assert out.index("acme-large") < out.index("acme-small")
    code, out = invoke("catalog", "stale", "--days", "60", "--catalog", old, "--as-of", "2026-11-25")
    assert (code, out.strip()) == (0, "Every price period was checked within 60 days of 2026-11-25.")
    code, out = invoke("catalog", "stale", "--days", "-1")
    assert code == 2
    code, out = invoke("catalog", "stale")
    assert code == 2
    assert "Missing option '--days'" in out


def test_catalog_stale_builtin_is_recent() -> None:
    # The built-in data was checked on 2026-11-25: nothing is stale a week later at 30 days.
    code, out = invoke("catalog", "stale", "--days", "30", "--as-of", "2026-12-02", "--json")
    assert (code, json.loads(out)) == (0, [])
