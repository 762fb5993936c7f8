"""Catalogs imported from LiteLLM's price map and genai-prices' data: exact rates, provenance,
and typed errors (or a list of skipped entries) for what cannot be imported."""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import costcalc as cc
from costcalc.importers import ImportSkippedWarning, SkippedEntry, from_genai_prices, from_litellm

D = Decimal
DAY = dt.date(2026, 11, 20)

LITELLM: dict[str, Any] = {
    "sample_spec": {"input_cost_per_token": 0.0, "litellm_provider": "one of ...", "mode": "one of ..."},
    "acme-1": {
        "litellm_provider": "openai",
        "mode": "chat",
        "input_cost_per_token": 1.25e-06,
        "output_cost_per_token": 1e-05,
        "cache_read_input_token_cost": 1.25e-07,
        "input_cost_per_token_above_200k_tokens": 2.5e-06,
        "output_cost_per_token_above_200k_tokens": 1.5e-05,
        "input_cost_per_token_batches": 6.25e-07,
        "output_cost_per_token_batches": 5e-06,
        "input_cost_per_token_ultrafast": 7.5e-06,
        "output_cost_per_reasoning_token": 1e-05,
        "search_context_cost_per_query": {"search_context_size_low": 0.01},
        "max_input_tokens": 272000,
        "max_output_tokens": 128000,
        "supports_reasoning": True,
        "source": "https://acme.example/pricing",
    },
    "gemini/acme-flash": {
        "litellm_provider": "gemini",
        "input_cost_per_token": 3e-07,
        "input_cost_per_audio_token": 1e-06,
        "output_cost_per_token": 2.5e-06,
        "cache_creation_input_token_cost": 3.75e-07,
        "cache_creation_input_token_cost_above_1hr": 6e-07,
        "supports_reasoning": False,
    },
    "acme-tts": {"litellm_provider": "openai", "mode": "audio_speech", "input_cost_per_character": 1.5e-05},
    "acme/acme-tiny": {
        "litellm_provider": "acme",
        "input_cost_per_token": "0.0000001",
        "output_cost_per_token": 0,
    },
    "vertex_ai/claude-acme@001": {
        "litellm_provider": "vertex_ai-anthropic_models",
        "input_cost_per_token": 3e-06,
        "output_cost_per_token": 1.5e-05,
        "deprecation_date": "2027-01-01",
    },
    "deepseek/acme-chat": {
        "litellm_provider": "deepseek",
        "input_cost_per_token": 2.8e-07,
        "input_cost_per_token_cache_hit": 2.8e-08,
        "output_cost_per_token": 4.2e-07,
    },
    "whisper-acme": {
        "litellm_provider": "openai",
        "mode": "audio_transcription",
        "input_cost_per_second": 0.0001,
        "output_cost_per_second": 0.0001,
    },
}


def test_litellm_rates_are_exact_per_million() -> None:
    cat = from_litellm(LITELLM, checked=DAY)
    m = cat.get_model("acme-1", provider="openai")
    std = m.tier_price("standard")
    assert std.rates.input == D("1.25")
    assert std.rates.cached_input == D("0.125")
    assert std.rates.output == D("10")
    assert std.above == 200_000
    assert std.long is not None
    assert (std.long.input, std.long.output) == (D("2.5"), D("15"))
    batch = m.rates("batch")
    assert (batch.input, batch.output, batch.cached_input) == (D("0.625"), D("5"), None)
    assert m.tiers() == ("standard", "batch")  # no tier for LiteLLM's "ultrafast"
    assert m.max_output_tokens == 128_000
    assert m.context_window is None  # max_input_tokens is an input limit, not the window
    assert m.reasoning
    assert not m.tokenizer_exact
    # Above 200k the long rates bill the whole request, and LiteLLM gives no long cached rate.
    usage = cc.Usage(input_tokens=1_000_000, cached_input_tokens=200_000, output_tokens=100_000)
    with pytest.raises(cc.UnpricedUsageError, match="cached_input"):
        cat.price(usage, "openai/acme-1")
    small = cc.Usage(input_tokens=100_000, cached_input_tokens=20_000, output_tokens=1_000)
    # 80,000 x 1.25 + 20,000 x 0.125 + 1,000 x 10, per 1M = 0.1 + 0.0025 + 0.01
    assert cat.price(small, "acme-1").total == D("0.1125")
    long_usage = cc.Usage(input_tokens=300_000, output_tokens=1_000)
    assert cat.price(long_usage, "acme-1").total == D("0.765")  # 300,000 x 2.5 + 1,000 x 15, per 1M


def test_litellm_modalities_cache_ttls_units_and_providers() -> None:
    cat = from_litellm(LITELLM, checked=DAY)
    flash = cat.get_model("gemini/acme-flash")
    assert (flash.provider, flash.id) == ("google", "acme-flash")
    r = flash.rates()
    assert (r.input, r.audio_input, r.output) == (D("0.3"), D("1"), D("2.5"))
    assert (r.cache_write, r.cache_write_1h) == (D("0.375"), D("0.6"))
    assert not flash.reasoning
    tts = cat.get_model("acme-tts")
    assert tts.kind == "speech"
    assert tts.rates().units == {"character": D("0.000015")}
    tiny = cat.get_model("acme/acme-tiny")
    assert (tiny.provider, tiny.rates().input, tiny.rates().output) == ("acme", D("0.1"), D("0"))
    claude = cat.get_model("vertex_ai/claude-acme@001")
    assert (claude.provider, claude.id, claude.rates().output) == ("vertex_ai", "claude-acme@001", D(15))
    assert claude.note is not None
    assert "LiteLLM's deprecation date: 2027-01-01." in claude.note
    # DeepSeek's "cache hit" price is its cached-input rate.
    assert cat.get_model("deepseek/acme-chat").rates().cached_input == D("0.028")
    whisper = cat.get_model("whisper-acme")
    assert (whisper.kind, whisper.rates().units) == ("transcription", {"audio_second": D("0.0001")})
    assert whisper.note is not None
    assert "Not imported: output_cost_per_second." in whisper.note


def test_litellm_provenance() -> None:
    m = from_litellm(LITELLM, checked="2026-11-20").get_model("acme-1")
    period = m.prices[0]
    assert m.source == period.source == "litellm:acme-1"
    assert period.checked == m.checked == DAY
    assert period.verified == ("imported from LiteLLM",)
    assert m.note is not None
    assert "LiteLLM cites https://acme.example/pricing" in m.note
    assert "Not imported: input_cost_per_token_ultrafast, search_context_cost_per_query." in m.note
    assert from_litellm(LITELLM).get_model("acme-1").checked == dt.datetime.now(dt.UTC).date()


def test_litellm_file_floats_read_exactly(tmp_path: Path) -> None:
    path = tmp_path / "prices.json"
    path.write_text(json.dumps(LITELLM), encoding="utf-8")
    stamp = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC).timestamp()
    os.utime(path, (stamp, stamp))
    cat = cc.Catalog.from_litellm(path)
    m = cat.get_model("acme-1")
    assert m.checked == dt.date(2026, 11, 21)  # the file's date
    assert m.rates().cached_input == D("0.125")
    # 3e-07 is 0.299999999999999973... as a binary float; read through its text it is 0.3 exactly.
    assert cat.get_model("gemini/acme-flash").rates().input == D("0.3")
    assert cc.Catalog.from_litellm(str(path), checked=DAY).get_model("acme-1").checked == DAY


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"input_cost_per_token": 1e-06}, "litellm_provider"),
        ({"litellm_provider": "openai", "input_cost_per_token": -1e-06}, "input_cost_per_token"),
        ({"litellm_provider": "openai", "input_cost_per_token": True}, "input_cost_per_token"),
        ({"litellm_provider": "openai", "input_cost_per_token": "cheap"}, "input_cost_per_token"),
        ({"litellm_provider": "openai", "mode": "image_edit", "input_cost_per_token": 1e-06}, "mode"),
        ({"litellm_provider": "openai", "output_cost_per_image": 0.04}, "input_cost_per_token"),
        (
            {
                "litellm_provider": "openai",
                "input_cost_per_token": 1e-06,
                "tiered_pricing": [{"range": [0, 1]}],
            },
            "tiered_pricing",
        ),
        (
            {
                "litellm_provider": "openai",
                "output_cost_per_token": 1e-06,
                "output_cost_per_reasoning_token": 2e-06,
            },
            "output_cost_per_reasoning_token",
        ),
        (
            {
                "litellm_provider": "openai",
                "input_cost_per_token": 1e-06,
                "input_cost_per_token_above_128k_tokens": 2e-06,
                "output_cost_per_token_above_200k_tokens": 2e-06,
            },
            "output_cost_per_token_above_200k_tokens",
        ),
        ({"litellm_provider": "Not A Name!", "input_cost_per_token": 1e-06}, "litellm_provider"),
        (
            {"litellm_provider": "openai", "input_cost_per_token_above_1hr": 1e-06},
            "input_cost_per_token_above_1hr",
        ),
        (
            {
                "litellm_provider": "deepseek",
                "input_cost_per_token": 1e-06,
                "cache_read_input_token_cost": 1e-07,
                "input_cost_per_token_cache_hit": 2e-07,
            },
            "input_cost_per_token_cache_hit",
        ),
        ("not an entry", "(entry)"),
    ],
)
def test_litellm_bad_entries_name_the_key_and_field(entry: object, field: str) -> None:
    with pytest.raises(cc.CatalogEntryError) as info:
        from_litellm({"bad-key": entry})
    err = info.value
    assert isinstance(err, cc.CatalogError)
    assert (err.dataset, err.key, err.field) == ("LiteLLM", "bad-key", field)
    assert f"'bad-key': {field}:" in str(err)


def test_litellm_non_strict_skips_and_lists() -> None:
    data = {
        **LITELLM,
        "broken": {"litellm_provider": "openai", "input_cost_per_token": -1},
        # The same model under a second key at another price: refused, the first kept.
        "openai/acme-1": {"litellm_provider": "openai", "input_cost_per_token": 9e-06},
        # ...and at the same price: simply the same model.
        "openai/acme-tts": {
            "litellm_provider": "openai",
            "mode": "audio_speech",
            "input_cost_per_character": 1.5e-05,
        },
    }
    skipped: list[SkippedEntry] = []
    cat = from_litellm(data, strict=False, skipped=skipped)
    assert [(s.key, s.field) for s in skipped] == [
        ("broken", "input_cost_per_token"),
        ("openai/acme-1", "litellm_provider"),
    ]
    assert "'acme-1'" in skipped[1].reason
    assert len(cat) == len(LITELLM) - 1  # sample_spec is LiteLLM's field documentation
    assert cat.get_model("acme-1").rates().input == D("1.25")
    with pytest.warns(ImportSkippedWarning, match="2 LiteLLM entries skipped: 'broken', 'openai/acme-1'"):
        from_litellm(data, strict=False)
    with pytest.raises(cc.CatalogEntryError, match="'broken'"):
        from_litellm(data)


def test_litellm_bad_inputs(tmp_path: Path) -> None:
    with pytest.raises(cc.CatalogError, match="JSON object"):
        from_litellm([1, 2])  # type: ignore[arg-type]
    with pytest.raises(cc.CatalogError, match="cannot read"):
        from_litellm(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{nope", encoding="utf-8")
    with pytest.raises(cc.CatalogError, match="not valid JSON"):
        from_litellm(bad)
    with pytest.raises(cc.InvalidInputError, match="data"):
        from_litellm(42)  # type: ignore[arg-type]


# -- genai-prices ----------------------------------------------------------------------------------

GENAI: list[dict[str, Any]] = [
    {
        "id": "acme",
        "name": "Acme",
        "api_pattern": "https://api\\.acme\\.example",
        "pricing_urls": ["https://acme.example/pricing"],
        "models": [
            {
                "id": "acme-pro",
                "match": {
                    "or": [
                        {"equals": "acme-pro"},
                        {"equals": "acme-pro-2026-01-01"},
                        {"starts_with": "acme-pro-"},
                    ]
                },
                "context_window": 200_000,
                "price_comments": "Batch is half price.",
                "prices": [
                    {
                        "prices": {
                            "input_mtok": "3",
                            "output_mtok": "15",
                            "cache_read_mtok": "0.3",
                            "cache_write_mtok": "3.75",
                            "cache_write_1h_mtok": "6",
                            "web_searches_kcount": "10",
                        }
                    },
                    {
                        "constraint": {"start_date": "2026-06-01"},
                        "prices": {
                            "input_mtok": {"base": "2", "tiers": [{"start": 200_000, "price": "4"}]},
                            "output_mtok": "10",
                        },
                    },
                ],
                "price_variants": [
                    {"when": {"processing": "batch"}, "prices": {"input_mtok": "1", "output_mtok": "5"}},
                    {"when": {"speed": "fast"}, "prices": {"input_mtok": "6", "output_mtok": "30"}},
                    {"when": {"route": "eu"}, "prices": {"input_mtok": "2.2"}},
                ],
            },
            {
                "id": "acme-peak",
                "match": {"equals": "acme-peak"},
                "prices": [
                    {"prices": {"input_mtok": "1"}},
                    {
                        "constraint": {"start_time": "01:00:00", "end_time": "04:00:00"},
                        "prices": {"input_mtok": "2"},
                    },
                ],
            },
        ],
    },
    {
        "id": "aws",
        "name": "AWS",
        "api_pattern": "x",
        "models": [
            {
                "id": "acme.lite-v1",
                "match": {"equals": "acme.lite-v1"},
                "prices": {"input_mtok": "0.06", "output_mtok": "0.24"},
            }
        ],
    },
]


def _check_acme_pro(cat: cc.Catalog) -> None:
    m = cat.get_model("acme-pro-2026-01-01")
    assert (m.provider, m.id, m.aliases, m.context_window) == (
        "acme",
        "acme-pro",
        ("acme-pro-2026-01-01",),
        200_000,
    )
    first, second = m.prices
    assert first.since is None
    assert second.since == dt.date(2026, 6, 1)
    r = first.standard.rates
    assert (r.input, r.output, r.cached_input, r.cache_write, r.cache_write_1h) == (
        D(3),
        D(15),
        D("0.3"),
        D("3.75"),
        D(6),
    )
    assert r.units == {"web_search_call": D("0.01")}
    # A variant overrides only what it lists (as genai-prices prices it): batch keeps the cache rates.
    b = first.tier("batch")
    assert b is not None
    assert (b.rates.input, b.rates.output, b.rates.cached_input) == (D(1), D(5), D("0.3"))
    f = first.tier("fast")
    assert f is not None
    assert (f.rates.input, f.rates.output) == (D(6), D(30))
    assert first.tiers == ("standard", "batch", "fast")  # no tier for the EU route
    # A dated price replaces the whole table: no cache rates from 2026-06-01.
    s = second.standard
    assert (s.rates.input, s.rates.output, s.rates.cached_input, s.above) == (D(2), D(10), None, 200_000)
    assert s.long is not None
    assert (s.long.input, s.long.output) == (D(4), D(10))
    usage = cc.Usage(input_tokens=250_000, output_tokens=1_000)
    # 250,000 x 4 + 1,000 x 10, per 1M (the whole request at the long rate)
    assert cat.price(usage, "acme-pro", at="2026-07-01").total == D("1.01")
    # Before June: 250,000 x 3 + 1,000 x 15, per 1M
    assert cat.price(usage, "acme-pro", at="2026-05-31").total == D("0.765")
    assert m.note is not None
    assert "genai-prices cites https://acme.example/pricing" in m.note
    assert "Not imported: price_variants[2] (route=eu)." in m.note
    assert first.source == "genai-prices:acme/acme-pro"
    assert first.verified == ("imported from genai-prices",)
    assert cat.get_model("aws/acme.lite-v1").provider == "bedrock"


def test_genai_prices_dicts() -> None:
    skipped: list[SkippedEntry] = []
    cat = from_genai_prices(GENAI, strict=False, checked=DAY, skipped=skipped)
    _check_acme_pro(cat)
    assert [(s.key, s.field) for s in skipped] == [("acme/acme-peak", "prices[1].constraint")]
    assert "time-of-day" in skipped[0].reason
    with pytest.raises(cc.CatalogEntryError) as info:
        cc.Catalog.from_genai_prices(GENAI)
    assert (info.value.dataset, info.value.key, info.value.field) == (
        "genai-prices",
        "acme/acme-peak",
        "prices[1].constraint",
    )


def test_genai_prices_json_file(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text(json.dumps(GENAI), encoding="utf-8")
    stamp = dt.datetime(2026, 11, 22, 8, tzinfo=dt.UTC).timestamp()
    os.utime(path, (stamp, stamp))
    with pytest.warns(ImportSkippedWarning, match="1 genai-prices entries skipped: 'acme/acme-peak'"):
        cat = from_genai_prices(path, strict=False)
    _check_acme_pro(cat)
    assert cat.get_model("acme-pro").checked == dt.date(2026, 11, 22)
    # One provider, or {"providers": [...]}, are accepted too.
    assert len(from_genai_prices(GENAI[1], checked=DAY)) == 1
    assert len(from_genai_prices({"providers": GENAI[1:]}, checked=DAY)) == 1


def test_genai_prices_objects() -> None:
    types = pytest.importorskip("genai_prices.types")
    pro = types.ModelInfo(
        id="acme-pro",
        match=types.ClauseOr(
            or_=[types.ClauseEquals(equals="acme-pro"), types.ClauseEquals(equals="acme-pro-2026-01-01")]
        ),
        context_window=200_000,
        prices=[
            types.ConditionalPrice(
                prices=types.ModelPrice(
                    input_mtok=D(3),
                    output_mtok=D(15),
                    cache_read_mtok=D("0.3"),
                    cache_write_mtok=D("3.75"),
                    cache_write_1h_mtok=D(6),
                    web_searches_kcount=D(10),
                )
            ),
            types.ConditionalPrice(
                constraint=types.StartDateConstraint(start_date=dt.date(2026, 6, 1)),
                prices=types.ModelPrice(
                    input_mtok=types.TieredPrices(base=D(2), tiers=[types.Tier(start=200_000, price=D(4))]),
                    output_mtok=D(10),
                ),
            ),
        ],
        price_variants=[
            types.PriceVariant(
                when={"processing": "batch"}, prices=types.ModelPrice(input_mtok=D(1), output_mtok=D(5))
            ),
            types.PriceVariant(
                when={"speed": "fast"}, prices=types.ModelPrice(input_mtok=D(6), output_mtok=D(30))
            ),
            types.PriceVariant(when={"route": "eu"}, prices=types.ModelPrice(input_mtok=D("2.2"))),
        ],
    )
    lite = types.ModelInfo(
        id="acme.lite-v1",
        match=types.ClauseEquals(equals="acme.lite-v1"),
        prices=types.ModelPrice(input_mtok=D("0.06"), output_mtok=D("0.24")),
    )
    providers = [
        types.Provider(
            id="acme",
            name="Acme",
            api_pattern="x",
            pricing_urls=["https://acme.example/pricing"],
            models=[pro],
        ),
        types.Provider(id="aws", name="AWS", api_pattern="x", models=[lite]),
    ]
    _check_acme_pro(from_genai_prices(providers, checked=DAY))


def test_genai_prices_bundled_data_module() -> None:
    data = pytest.importorskip("genai_prices.data")
    skipped: list[SkippedEntry] = []
    cat = cc.Catalog.from_genai_prices(data, strict=False, skipped=skipped)
    assert len(cat) > 1_000
    assert cat.get_model("gpt-4o", provider="openai").rates().input == D("2.5")
    # DeepSeek's off-peak hours are a time-of-day price: refused, never imported as the base price.
    assert any(s.key.startswith("deepseek/") and "constraint" in s.field for s in skipped)


@pytest.mark.parametrize(
    ("model", "field"),
    [
        ({"match": {"equals": "x"}, "prices": {"input_mtok": "1"}}, "id"),
        ({"id": "x", "prices": None}, "prices"),
        ({"id": "x", "prices": {"input_mtok": "-1"}}, "prices.input_mtok"),
        ({"id": "x", "prices": {"input_mtok": "1", "input_text_mtok": "2"}}, "prices.input_text_mtok"),
        (
            {"id": "x", "prices": {"output_mtok": "1", "output_reasoning_mtok": "2"}},
            "prices.output_reasoning_mtok",
        ),
        (
            {
                "id": "x",
                "prices": {
                    "input_mtok": {
                        "base": "1",
                        "tiers": [{"start": 1, "price": "2"}, {"start": 2, "price": "3"}],
                    }
                },
            },
            "prices.input_mtok",
        ),
        (
            {"id": "x", "prices": [{"constraint": {"start_date": "soon"}, "prices": {"input_mtok": "1"}}]},
            "prices[0].constraint",
        ),
        ({"id": "x", "prices": {"input_kpages": "1"}}, "prices.0.standard.rates"),
        ({"id": "x", "prices": [{"constraint": None}]}, "prices[0]"),
        (
            {"id": "x", "prices": {"web_searches_kcount": {"base": "1", "tiers": []}}},
            "prices.web_searches_kcount",
        ),
        (
            {
                "id": "x",
                "prices": {
                    "input_mtok": {"base": "1", "tiers": [{"start": 10, "price": "2"}]},
                    "output_mtok": {"base": "1", "tiers": [{"start": 20, "price": "2"}]},
                },
            },
            "prices.output_mtok",
        ),
        (
            {"id": "x", "prices": {"input_mtok": {"base": "1", "tiers": [{"start": 0, "price": "2"}]}}},
            "prices.input_mtok",
        ),
        ("nope", "(model)"),
    ],
)
def test_genai_prices_bad_models_name_the_field(model: object, field: str) -> None:
    with pytest.raises(cc.CatalogEntryError) as info:
        from_genai_prices([{"id": "acme", "models": [model]}])
    assert info.value.field == field


def test_genai_prices_bad_inputs(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text("42", encoding="utf-8")
    with pytest.raises(cc.CatalogError, match="list of providers"):
        from_genai_prices(path)
    with pytest.raises(cc.InvalidInputError, match="data"):
        from_genai_prices(42)
    with pytest.raises(cc.CatalogEntryError, match="not a provider id"):
        from_genai_prices([{"id": "Bad Id!", "models": []}])


def test_genai_prices_names_dates_and_variants() -> None:
    skipped: list[SkippedEntry] = []
    cat = from_genai_prices(
        [
            {
                "id": "acme",
                "models": [
                    {
                        "id": "a",
                        "match": {"or": [{"equals": "a"}, {"equals": "a-1"}]},
                        "prices": {"input_mtok": "1"},
                    },
                    # An earlier model answers to "a-1" (genai-prices takes the first match): no alias.
                    {
                        "id": "b",
                        "match": {"or": [{"equals": "b"}, {"equals": "a-1"}]},
                        "prices": {"input_mtok": "2"},
                    },
                    {"id": "A", "prices": {"input_mtok": "3"}},
                    {
                        "id": "dated",
                        "prices": [
                            {"constraint": {"start_date": "2026-01-01"}, "prices": {"input_mtok": "4"}}
                        ],
                        "price_variants": [
                            {"when": {"processing": "batch", "region": "eu"}, "prices": {"input_mtok": "1"}}
                        ],
                    },
                ],
            }
        ],
        strict=False,
        skipped=skipped,
        checked=DAY,
    )
    assert cat.get_model("a-1").id == "a"
    assert cat.get_model("b").aliases == ()
    assert [(s.key, s.field) for s in skipped] == [("acme/A", "id")]
    dated = cat.get_model("dated")
    assert [p.since for p in dated.prices] == [None]  # only dated prices: the first one starts the model
    assert dated.tiers() == ("standard",)
    assert dated.note is not None
    assert "price_variants[0]" in dated.note
