"""scripts/crosscheck_catalog.py: its name mapping and field comparison on a small fixture, and the
whole cross-check when both datasets are installed (about 5 s)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

import costcalc as cc

SCRIPT = Path(__file__).parents[1] / "scripts" / "crosscheck_catalog.py"
DAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def xc() -> ModuleType:
    spec = importlib.util.spec_from_file_location("crosscheck_catalog", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["crosscheck_catalog"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("key", "provider", "expected"),
    [
        ("gpt-4o", "openai", ("openai", "gpt-4o")),
        ("gemini/gemini-2.5-pro", "gemini", ("google", "gemini-2.5-pro")),
        (
            "vertex_ai/claude-opus-4-5@20251101",
            "vertex_ai-anthropic_models",
            ("vertex_ai", "claude-opus-4-5@20251101"),
        ),
        ("gemini-2.5-flash", "vertex_ai-language-models", ("vertex_ai", "gemini-2.5-flash")),
        ("bedrock/converse/anthropic.claude-x", "bedrock_converse", ("bedrock", "anthropic.claude-x")),
        ("us.anthropic.claude-x", "bedrock_converse", ("bedrock", "us.anthropic.claude-x")),
        ("bedrock_mantle/openai.gpt-oss-120b", "bedrock_mantle", ("bedrock", "openai.gpt-oss-120b")),
        ("azure/gpt-4o", "azure", ("azure", "gpt-4o")),
        ("together_ai/Qwen/Qwen3.7-Max", "together_ai", ("together_ai", "qwen/qwen3.7-max")),
        (
            "fireworks_ai/accounts/fireworks/models/kimi-k3",
            "fireworks_ai",
            ("fireworks_ai", "accounts/fireworks/models/kimi-k3"),
        ),
        ("deepinfra/some-model", "deepinfra", None),
    ],
)
def test_litellm_keys_map_to_our_names(xc: Any, key: str, provider: str, expected: object) -> None:
    assert xc.litellm_name(key, {"litellm_provider": provider}) == expected


def test_genai_prices_providers_and_names(xc: Any) -> None:
    assert xc.genai_provider("google", "claude-opus-4-5") == "vertex_ai"  # Claude is sold on Vertex only
    assert xc.genai_provider("google", "gemini-2.5-pro") == "google"
    assert xc.genai_provider("aws", "amazon.nova-pro-v1:0") == "bedrock"
    assert xc.genai_provider("x-ai", "grok-4.7") == "xai"
    assert xc.genai_provider("novita", "x") is None
    eq = SimpleNamespace
    model = eq(
        id="Regional.Zai.GLM-5.3",
        match=eq(
            or_=[eq(equals="regional.zai.glm-5.3"), eq(starts_with="zai."), eq(equals="us.zai.glm-5.3")]
        ),
    )
    assert xc.genai_names(model) == {"regional.zai.glm-5.3", "zai.glm-5.3", "us.zai.glm-5.3"}


def period(**tiers: Any) -> cc.PricePeriod:
    return cc.PricePeriod.model_validate(tiers)


def test_fields_compare_under_the_rules(xc: Any) -> None:
    ours = period(
        standard={"input": "2", "output": "8", "above": 200_000, "long": {"input": "4", "output": "12"}},
        batch={"input": "1", "output": "4"},
    )
    theirs = period(standard={"input": "2", "output": "9", "cached_input": "0.5"}, flex={"input": "1"})
    got = {field: (status, a, b) for field, status, a, b in xc.compare_periods(ours, theirs)}
    assert got == {
        "standard.input": ("agree", "2", "2"),
        "standard.output": ("differ", "8", "9"),
        "standard.cached_input": ("missing", None, "0.5"),
        "standard.above": ("extra", "200000", None),
        "standard.long.input": ("extra", "4", None),
        "standard.long.output": ("extra", "12", None),
        "batch": ("extra", "offered", None),
        "flex": ("missing", None, "offered"),
    }
    # $0.006 per minute is $0.0001 per second: both are $0.36 per hour.
    minute = period(standard={"units": {"audio_minute": "0.006"}})
    second = period(standard={"units": {"audio_second": "0.0001"}})
    assert list(xc.compare_periods(minute, second, "transcription")) == [
        ("standard.units.audio_hour", "agree", "0.36", "0.36")
    ]
    # An embedding bills no output: a dataset's output price of 0 is no price.
    embed = period(standard={"input": "0.02"})
    zero = period(standard={"input": "0.02", "output": "0"})
    assert list(xc.compare_periods(embed, zero, "embedding")) == [("standard.input", "agree", "0.02", "0.02")]
    # Image models: a dataset's output rate is the catalog's image output.
    image = period(standard={"input": "5", "image_output": "40"})
    text = period(standard={"input": "5", "output": "40"})
    assert ("standard.image_output", "agree", "40", "40") in list(xc.compare_periods(image, text, "image"))
    # Gemini grounding: genai-prices' web searches are the catalog's search queries.
    grounding = period(standard={"input": "1", "units": {"search_query": "0.014"}})
    searches = period(standard={"input": "1", "units": {"web_search_call": "0.014"}})
    assert ("standard.units.search_query", "agree", "0.014", "0.014") in list(
        xc.compare_periods(grounding, searches)
    )


def test_limits_compare_with_the_window_less_the_output_cap(xc: Any) -> None:
    gpt5 = cc.get_model("gpt-5")
    assert (gpt5.context_window, gpt5.max_output_tokens) == (400_000, 128_000)
    assert list(xc.compare_limits(gpt5, 272_000, 128_000)) == [
        ("context_window", "agree", "400000", "272000"),
        ("max_output_tokens", "agree", "128000", "128000"),
    ]
    assert list(xc.compare_limits(gpt5, 1_000_000, None)) == [
        ("context_window", "differ", "400000", "1000000")
    ]
    unknown = cc.get_model("gpt-3.5-turbo-0613")
    assert unknown.context_window is None
    assert list(xc.compare_limits(unknown, 16_385, None)) == [
        ("context_window", "extra-theirs", None, "16385")
    ]


def test_resolutions_match_exactly_what_they_explain(xc: Any) -> None:
    f = xc.Finding(
        "bedrock",
        "anthropic.claude-x",
        "litellm",
        "anthropic.claude-x",
        "standard.input",
        "3.3",
        "3",
        "differ",
    )
    assert xc.Resolution("bedrock", "anthropic.*", "standard.*", "litellm", "r", "s", ratio="1.1").matches(f)
    assert not xc.Resolution(
        "bedrock", "anthropic.*", "standard.*", "litellm", "r", "s", ratio="1.2"
    ).matches(f)
    assert not xc.Resolution("bedrock", "anthropic.*", "standard.*", "genai-prices", "r", "s").matches(f)
    assert xc.Resolution("*", "*", "*", "*", "r", "s", theirs="3", ours="3.3").matches(f)
    assert not xc.Resolution("*", "*", "*", "*", "r", "s", theirs="absent").matches(f)
    old = xc.Finding(
        "openrouter", "m", "genai-prices", "k", "standard.input", "1", "2", "differ", (dt.date(2026, 10, 1),)
    )
    assert xc.Resolution("openrouter", "*", "*", "*", "r", "s", before="2026-11-25").matches(old)
    assert not xc.Resolution("openrouter", "*", "*", "*", "r", "s", before="2026-09-01").matches(old)
    assert old.disagreement
    assert not xc.Finding("p", "m", "litellm", "k", "f", "1", None, "extra").disagreement


def test_a_small_catalog_against_small_datasets(xc: Any) -> None:
    types = pytest.importorskip("genai_prices.types")
    catalog = cc.Catalog.from_dict(
        {
            "provider": "openai",
            "source": "https://openai.example/pricing",
            "checked": "2026-11-25",
            "models": [
                {
                    "id": "acme-4",
                    "aliases": ["acme-4-2026-01-01"],
                    "context_window": 100_000,
                    "prices": [
                        {
                            "verified": ["page"],
                            "standard": {"input": "1", "cached_input": "0.1", "output": "4"},
                        },
                        {
                            "since": "2026-06-01",
                            "verified": ["page"],
                            "standard": {"input": "2", "output": "8"},
                        },
                    ],
                },
                {
                    "id": "acme-lite",
                    "prices": [{"verified": ["page"], "standard": {"input": "0.1", "output": "0.4"}}],
                },
            ],
        }
    )
    litellm = {
        "acme-4": {
            "litellm_provider": "openai",
            "input_cost_per_token": 2e-06,
            "output_cost_per_token": 9e-06,
            "max_input_tokens": 100_000,
        },
        "acme-4-2026-01-01": {
            "litellm_provider": "openai",
            "input_cost_per_token": 2e-06,
            "output_cost_per_token": 8e-06,
        },
        "acme-5": {"litellm_provider": "openai", "input_cost_per_token": 1e-06},
    }
    model = types.ModelInfo(
        id="acme-4",
        match=types.ClauseEquals(equals="acme-4"),
        prices=[
            types.ConditionalPrice(
                prices=types.ModelPrice(
                    input_mtok=Decimal(1), cache_read_mtok=Decimal("0.1"), output_mtok=Decimal(4)
                )
            ),
            types.ConditionalPrice(
                constraint=types.StartDateConstraint(start_date=dt.date(2026, 7, 1)),
                prices=types.ModelPrice(input_mtok=Decimal(2), output_mtok=Decimal(8)),
            ),
        ],
    )
    five = types.ModelInfo(
        id="acme-5", match=types.ClauseEquals(equals="acme-5"), prices=types.ModelPrice(input_mtok=Decimal(1))
    )
    providers = [types.Provider(id="openai", name="OpenAI", api_pattern="x", models=[model, five])]
    data = xc.Datasets(litellm, "test", providers, "test")
    index = xc.build_index(data, DAY)
    assert index.litellm_keys[("openai", "acme-4")] == ["acme-4"]
    result = xc.compare_catalog(catalog, data, index, DAY)
    found = {(f.dataset, f.key, f.field, f.status, f.ours, f.theirs, f.dates) for f in result.findings}
    # LiteLLM, today, for each key that names the model (its id and its dated alias).
    assert ("litellm", "acme-4", "standard.output", "differ", "8", "9", (DAY,)) in found
    assert ("litellm", "acme-4-2026-01-01", "standard.output", "agree", "8", "8", (DAY,)) in found
    assert ("litellm", "acme-4", "context_window", "agree", "100000", "100000", ()) in found
    # genai-prices at every change: the catalog's price moved on 2026-06-01, genai-prices' on 07-01.
    june = dt.date(2026, 6, 1)
    assert (
        "genai-prices",
        "openai/acme-4",
        "standard.input",
        "differ",
        "2",
        "1",
        (june, dt.date(2026, 6, 30)),
    ) in found
    assert (
        "genai-prices",
        "openai/acme-4",
        "standard.cached_input",
        "missing",
        None,
        "0.1",
        (june, dt.date(2026, 6, 30)),
    ) in found
    assert result.unmatched == {
        "litellm": [("openai", "acme-lite")],
        "genai-prices": [("openai", "acme-lite")],
    }
    cover = {c.provider: c for c in xc.coverage(catalog, data, index, [], DAY)}["openai"]
    assert (cover.both, cover.covered, cover.missing) == (2, ["acme-4"], ["acme-5"])
    assert cover.ratio == Decimal("0.5")
    excluded = xc.Exclusion("openai", "acme-5", "not sold", "https://openai.example")
    cover = {c.provider: c for c in xc.coverage(catalog, data, index, [excluded], DAY)}["openai"]
    assert (cover.ratio, cover.excluded) == (Decimal(1), [("acme-5", "not sold", "https://openai.example")])


def test_the_whole_catalog_has_no_unexplained_disagreement(xc: Any) -> None:
    pytest.importorskip("genai_prices")
    if importlib.util.find_spec("litellm") is None:
        pytest.skip("litellm is not installed")
    report = xc.run(DAY)
    assert [f"{f.provider} {f.model} {f.dataset} {f.field}" for f in report.unexplained] == []
    assert report.coverage_ok
    assert [(r.provider, r.model, r.field) for r in report.resolutions if not r.used] == []
    assert "| **unexplained** | **0** |" in xc.render(report)
