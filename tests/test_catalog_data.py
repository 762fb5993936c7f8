"""Every built-in catalog entry, checked against the rules the data must follow."""

from __future__ import annotations

import datetime as dt
import itertools
import tomllib
from decimal import Decimal
from importlib import resources
from urllib.parse import urlparse

import pytest

import costcalc as cc

MODELS = cc.list_models()
IDS = [m.id for m in MODELS]


def _tier_prices(m: cc.ModelInfo) -> list[tuple[cc.PricePeriod, str, cc.TierPrice]]:
    return [(p, t, p.tier(t)) for p in m.prices for t in p.tiers]  # type: ignore[misc]


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_entry_is_sourced_and_dated(model: cc.ModelInfo) -> None:
    url = urlparse(model.source)
    assert url.scheme == "https"
    assert url.netloc
    assert dt.date(2024, 1, 1) <= model.checked <= dt.date.today()
    assert model.encoding in {"o200k_base", "cl100k_base", "o200k_harmony"}
    assert model.tokenizer_exact == (model.provider == "openai")


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_periods_do_not_overlap(model: cc.ModelInfo) -> None:
    dates = [p.since for p in model.prices]
    assert all(d is not None for d in dates[1:])
    known = [d for d in dates if d is not None]
    assert known == sorted(set(known))


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_rates_are_sane(model: cc.ModelInfo) -> None:
    for _period, _tier, tp in _tier_prices(model):
        for rates in filter(None, (tp.rates, tp.long)):
            assert rates.cached_input <= rates.input
            if rates.output is None:  # embedding and moderation models bill input only
                assert model.kind in ("embedding", "moderation")
            else:
                assert (
                    rates.input <= rates.output
                    or model.provider == "google"
                    or model.id.startswith("text-embedding")
                )
            assert rates.cache_write >= rates.input
            # Published rates have at most 6 decimal places per 1M tokens: whole pico-dollars per token.
            for value in (rates.input, rates.cached_input, rates.cache_write, rates.output):
                assert value is None or value.as_tuple().exponent >= -6  # type: ignore[operator]
        if tp.long is not None:
            assert tp.above is not None
            assert tp.long.input > tp.rates.input
            assert model.context_window is None or tp.above < model.context_window


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_tiers_are_ordered_by_price(model: cc.ModelInfo) -> None:
    for period in model.prices:
        std = period.standard.rates
        for cheap in filter(None, (period.batch, period.flex)):
            assert cheap.rates.input <= std.input
            assert (cheap.rates.output is None) == (std.output is None)  # input-only models
            assert cheap.rates.output is None or cheap.rates.output <= std.output  # type: ignore[operator]
        for dear in filter(None, (period.priority, period.fast)):
            assert dear.rates.input >= std.input
            assert dear.rates.output >= std.output


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_limits(model: cc.ModelInfo) -> None:
    if model.context_window is not None and model.max_output_tokens is not None:
        assert model.max_output_tokens <= model.context_window


def test_names_are_unique_across_providers() -> None:
    names: dict[str, str] = {}
    for m in MODELS:
        for name in (m.id, *m.aliases):
            assert name not in names, f"{name} is both {names[name]} and {m.id}"
            names[name] = m.id


def test_every_data_file_is_in_the_catalog() -> None:
    count = 0
    for entry in (resources.files("costcalc") / "data").iterdir():
        if entry.name.endswith(".toml") and entry.name != "reasoning.toml":
            doc = tomllib.loads(entry.read_text(encoding="utf-8"), parse_float=Decimal)
            count += len(doc["models"])
            assert {m.provider for m in cc.list_models(doc["provider"])} == {doc["provider"]}
    assert count == len(MODELS)


# Spot checks against the providers' published rates (USD per 1M: input, cached input, output).
PUBLISHED = [
    ("o4-mini", "standard", ("1.1", "0.275", "4.4")),  # seed article; OpenAI pricing
    ("gpt-5-mini", "standard", ("0.25", "0.025", "2")),  # seed article
    ("gpt-4.1", "standard", ("2", "0.5", "8")),  # seed article
    ("gpt-4o", "standard", ("2.5", "1.25", "10")),
    ("gpt-5", "flex", ("0.625", "0.0625", "5")),
    ("gpt-5.5", "standard", ("5", "0.5", "30")),
    ("gpt-5.4-mini", "standard", ("0.75", "0.075", "4.5")),
    ("claude-haiku-4-5", "batch", ("0.5", "0.05", "2.5")),
    ("gemini-2.5-pro", "standard", ("1.25", "0.125", "10")),
]


@pytest.mark.parametrize(("model", "tier", "rates"), PUBLISHED)
def test_published_rates(model: str, tier: str, rates: tuple[str, str, str]) -> None:
    got = cc.get_model(model).rates(tier)
    assert (got.input, got.cached_input, got.output) == tuple(Decimal(r) for r in rates)


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_reasoning_models_have_a_profile(model: cc.ModelInfo) -> None:
    from costcalc.reasoning import builtin_profiles

    if model.reasoning:
        assert model.reasoning_profile in builtin_profiles()
    else:
        assert model.reasoning_profile is None


def test_profiles_widen_with_effort_and_cite_evidence() -> None:
    from costcalc.reasoning import EFFORTS, builtin_profiles

    for profile in builtin_profiles().values():
        bands = [profile.bands[e] for e in profile.efforts]
        for lower, higher in itertools.pairwise(bands):
            assert lower.low <= higher.low
            assert lower.expected <= higher.expected
            assert lower.high <= higher.high
        for effort, band in profile.bands.items():
            assert effort in EFFORTS
            assert len(band.evidence) > 20
            if effort != "none":
                assert band.high >= 2 * band.expected or "exact" in band.evidence  # thin evidence: wide
