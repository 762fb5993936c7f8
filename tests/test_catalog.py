"""Model lookup, tiers, and user catalogs."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

import costcalc as cc

D = Decimal


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("gpt-4o", "gpt-4o"),
        ("GPT-4o", "gpt-4o"),
        ("  gpt-4o ", "gpt-4o"),
        ("openai/gpt-4o", "gpt-4o"),
        ("gpt-4o-2024-05-13", "gpt-4o-2024-05-13"),  # priced separately: not its family
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
        ("gpt-4-0613", "gpt-4"),
        ("gpt-4-1106-preview", "gpt-4-turbo"),
        ("gpt-4-turbo-2024-04-09", "gpt-4-turbo"),
        ("gpt-3.5-turbo-0125", "gpt-3.5-turbo"),
        ("gpt-3.5-turbo-1106", "gpt-3.5-turbo-1106"),
        ("o3-2025-04-16", "o3"),
        ("o4-mini-2025-04-16", "o4-mini"),
        ("gpt-5-mini-2025-08-07", "gpt-5-mini"),
        ("anthropic/claude-3-5-haiku-20241022", "claude-3-5-haiku"),
        ("claude-3-5-haiku-latest", "claude-3-5-haiku"),
        ("claude-sonnet-4-20250514", "claude-sonnet-4-0"),
        ("claude-opus-4-1-20250805", "claude-opus-4-1"),
        ("google/gemini-2.0-flash-001", "gemini-2.0-flash"),
        ("models/gemini-2.5-pro", "gemini-2.5-pro"),
        ("gemini-2.5-flash-preview-05-20", "gemini-2.5-flash-preview"),
        ("codex-mini-latest", "codex-mini-latest"),
        ("codex-mini", "codex-mini-latest"),  # the earlier id, kept as an alias
    ],
)
def test_names_resolve_like_the_apis_accept_them(name: str, expected: str) -> None:
    assert cc.get_model(name).id == expected


def test_unknown_model_names_close_matches() -> None:
    with pytest.raises(cc.UnknownModelError) as info:
        cc.get_model("gpt-4.2-mini")
    err = info.value
    assert isinstance(err, LookupError)
    assert "gpt-4.1-mini" in err.suggestions
    assert "gpt-4.1-mini" in str(err)
    assert str(err).startswith("unknown model 'gpt-4.2-mini'")
    with pytest.raises(cc.UnknownModelError, match="list_models"):
        cc.get_model("zzzzzzzz")
    with pytest.raises(TypeError, match="string"):
        cc.get_model(42)  # type: ignore[arg-type]


def test_model_info_fields() -> None:
    m = cc.get_model("gpt-5-mini")
    assert (m.id, m.provider, m.encoding, m.context_window, m.max_output_tokens, m.reasoning) == (
        "gpt-5-mini",
        "openai",
        "o200k_base",
        400_000,
        128_000,
        True,
    )
    assert m.tokenizer_exact
    assert m.source.startswith("https://")
    assert m.checked == dt.date(2026, 11, 25)
    assert m.tiers() == ("standard", "batch", "flex", "priority")
    flex = m.rates("flex")
    assert (flex.input, flex.cached_input, flex.cache_write, flex.output) == (
        D("0.125"),
        D("0.0125"),
        D("0.125"),
        D("1"),
    )
    assert cc.get_model("gpt-4").encoding == "cl100k_base"
    claude = cc.get_model("claude-opus-4-8")
    assert not claude.tokenizer_exact
    # Fast mode is priced until it was removed on 2026-11-30 (a dated price period in anthropic.toml).
    assert claude.tiers(at="2026-11-29") == ("standard", "batch", "fast")
    assert claude.tiers(at="2026-11-30") == ("standard", "batch")
    assert cc.get_model("gpt-5.4").rates(input_tokens=300_000).input == D("5")


def test_list_models() -> None:
    models = cc.list_models()
    assert len(models) == len(cc.default_catalog()) >= 85
    assert [(m.provider, m.id) for m in models] == sorted((m.provider, m.id) for m in models)
    assert {m.provider for m in models} == {
        "openai",
        "anthropic",
        "google",
        "azure",
        "bedrock",
        "vertex_ai",
        "mistral",
        "deepseek",
        "xai",
        "groq",
        "together_ai",
        "fireworks_ai",
        "cohere",
        "perplexity",
        "openrouter",
    }
    assert all(m.provider == "google" for m in cc.list_models("Google"))
    assert "gpt-4o" in cc.default_catalog()
    assert "nope" not in cc.default_catalog()
    assert 3 not in cc.default_catalog()


def test_no_price_before_the_first_dated_period() -> None:
    cat = cc.Catalog.from_dict(
        {
            "provider": "acme",
            "source": "https://acme.example/pricing",
            "checked": "2026-01-01",
            "models": [
                {
                    "id": "acme-1",
                    "prices": [{"since": "2026-01-01", "standard": {"input": "1", "output": "2"}}],
                }
            ],
        }
    )
    with pytest.raises(cc.NoPriceError, match="no price before 2026-01-01"):
        cat.price(cc.Usage(input_tokens=1), "acme-1", at=dt.date(2025, 12, 31))
    assert cat.price(cc.Usage(input_tokens=1_000_000), "acme-1", at="2026-01-01").total == D("1")
    with pytest.raises(ValueError, match="ISO date"):
        cat.price(cc.Usage(input_tokens=1), "acme-1", at="yesterday")
    with pytest.raises(TypeError, match="date"):
        cat.price(cc.Usage(input_tokens=1), "acme-1", at=20260101)  # type: ignore[arg-type]


ACME = {
    "provider": "acme",
    "source": "https://acme.example/pricing",
    "checked": "2026-11-01",
    "models": [
        {
            "id": "acme-large",
            "aliases": ["acme-l"],
            "context_window": 100_000,
            "prices": [
                {"standard": {"input": "3", "output": "9"}, "batch": {"input": "1.5", "output": "4.5"}}
            ],
        },
        {
            # Overrides the built-in gpt-4o with a negotiated flat price.
            "id": "gpt-4o",
            "provider": "openai",
            "prices": [{"standard": {"input": "2", "cached_input": "1", "output": "8"}}],
        },
    ],
}


def test_user_catalog_extends_and_overrides_without_global_state() -> None:
    mine = cc.default_catalog().extend(ACME)
    usage = cc.Usage(input_tokens=1_000_000, output_tokens=1_000_000)
    assert mine.price(usage, "acme-l").total == D("12")
    assert mine.price(usage, "acme-large", tier="batch").total == D("6")
    assert mine.price(usage, "gpt-4o").total == D("10")
    assert mine.price(usage, "gpt-4o-2024-08-06").total == D("10")
    # The built-in catalog is untouched: 2.50 + 10.
    assert cc.price(usage, model="gpt-4o").total == D("12.5")
    assert mine.price(usage, "gpt-4.1").total == D("10")
    assert len(mine) == len(cc.default_catalog()) + 1


def test_user_catalog_from_files(tmp_path: Path) -> None:
    toml_file = tmp_path / "mine.toml"
    toml_file.write_text(
        'provider = "acme"\nsource = "https://acme.example"\nchecked = 2026-11-01\n\n'
        '[[models]]\nid = "acme-small"\n[[models.prices]]\nstandard = { input = 0.1, output = 0.3 }\n'
    )
    cat = cc.Catalog.from_file(toml_file)
    assert cat.price(cc.Usage(input_tokens=10, output_tokens=10), "acme-small").total == D("0.000004")
    json_file = tmp_path / "mine.json"
    json_file.write_text(json.dumps(ACME).replace('"3"', "3.3"))
    jcat = cc.Catalog.from_file(json_file)
    assert jcat.get_model("acme-large").rates().input == D("3.3")
    assert cc.default_catalog().extend(json_file).get_model("acme-l").id == "acme-large"
    bad = tmp_path / "bad.toml"
    bad.write_text("models = [")
    with pytest.raises(cc.CatalogError, match="not valid TOML"):
        cc.Catalog.from_file(bad)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["models"][0]["prices"][0]["standard"].update(input=0.5), "float"),
        (lambda d: d["models"][0].pop("prices"), "prices"),
        (lambda d: d.pop("source"), "source"),
        (lambda d: d["models"][0]["prices"][0]["standard"].update(input="-1"), "negative"),
        (lambda d: d["models"][0]["prices"][0]["standard"].update(above=10), "long-context"),
        (lambda d: d["models"][0]["prices"][0].update(turbo={"input": "1", "output": "1"}), "turbo"),
        (lambda d: d.update(models=[]), "non-empty list"),
        (lambda d: d.update(extra=1), "unknown top-level keys"),
        (lambda d: d["models"].append(d["models"][0]), "appears twice"),
        (
            lambda d: d["models"][0]["prices"].append({"standard": {"input": "1", "output": "1"}}),
            "only the first price period",
        ),
        (
            lambda d: d["models"][0]["prices"].extend(
                [
                    {"since": "2026-02-01", "standard": {"input": "1", "output": "1"}},
                    {"since": "2026-01-01", "standard": {"input": "1", "output": "1"}},
                ]
            ),
            "strictly increasing",
        ),
    ],
)
def test_bad_catalog_data_is_refused_with_a_reason(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(json.dumps(ACME))
    mutate(data)
    with pytest.raises(cc.CatalogError, match=message):
        cc.Catalog.from_dict(data)


def test_catalog_document_shape_errors() -> None:
    with pytest.raises(cc.CatalogError, match="a catalog is a table"):
        cc.Catalog.from_dict([["not", "a", "table"]])  # type: ignore[list-item]
    with pytest.raises(cc.CatalogError, match=r"models\[0\] must be a table"):
        cc.Catalog.from_dict({"provider": "x", "source": "s", "checked": "2026-01-01", "models": ["gpt"]})


def test_negotiated_discount() -> None:
    cat = cc.default_catalog().with_discount("0.15", providers=["openai"], tiers=["standard"])
    usage = cc.Usage(input_tokens=1_000_000, cached_input_tokens=100_000, output_tokens=1_000_000)
    # gpt-4.1: (900,000 x 2 + 100,000 x 0.5 + 1,000,000 x 8) / 1M = 9.85; 15% off = 8.3725
    assert cat.price(usage, "gpt-4.1").total == D("8.3725")
    assert (
        cat.price(usage, "gpt-4.1", tier="batch").total
        == cc.price(usage, model="gpt-4.1", tier="batch").total
    )
    assert cat.price(usage, "claude-sonnet-4-5").total == cc.price(usage, model="claude-sonnet-4-5").total
    # A discount with more decimal places than any published rate stays exact: 0.075 x (1 - 1/3 rounded).
    odd = cc.default_catalog().with_discount("0.333", models=["gpt-4o-mini"])
    assert odd.get_model("gpt-4o-mini").rates().cached_input == D("0.050025")
    with pytest.raises(ValueError, match="fraction"):
        cc.default_catalog().with_discount("15")
    with pytest.raises(ValueError, match="unknown tiers"):
        cc.default_catalog().with_discount("0.1", tiers=["gold"])
    with pytest.raises(cc.UnknownModelError):
        cc.default_catalog().with_discount("0.1", models=["gpt-7"])


def test_catalog_default_is_shared_and_repr() -> None:
    assert cc.Catalog.default() is cc.default_catalog()
    assert repr(cc.default_catalog()).startswith("<Catalog of ")
    assert [m.id for m in cc.default_catalog()] == [m.id for m in cc.list_models()]


def test_model_info_price_matches_catalog_price() -> None:
    usage = cc.Usage(input_tokens=300_000, cached_input_tokens=1_000, output_tokens=7)
    m = cc.get_model("gpt-5.4")
    assert m.price(usage, tier="batch") == cc.price(usage, model="gpt-5.4", tier="batch")
    with pytest.raises(cc.UnsupportedTierError):
        m.price(usage, tier="fast")
    with pytest.raises(ValueError, match="unknown tier"):
        m.period().tier("gold")


@pytest.mark.parametrize(
    ("typed", "meant"), [("openai/gpt-4p", "openai/gpt-4o"), ("azure/gpt-4p", "azure/gpt-4o")]
)
def test_a_prefixed_typo_suggests_prefixed_names(typed: str, meant: str) -> None:
    # The name is compared without its provider prefix and the suggestions keep it: each resolves.
    with pytest.raises(cc.UnknownModelError) as info:
        cc.get_model(typed)
    assert meant in info.value.suggestions
    for suggestion in info.value.suggestions:
        assert cc.get_model(suggestion).provider == typed.split("/")[0]
