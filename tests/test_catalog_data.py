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
IDS = [f"{m.provider}/{m.id}" for m in MODELS]
TODAY = dt.date(2026, 11, 25)  # the data's check date; later days are fine for the loader


def _tier_prices(m: cc.ModelInfo) -> list[tuple[cc.PricePeriod, str, cc.TierPrice]]:
    return [(p, t, p.tier(t)) for p in m.prices for t in p.tiers]  # type: ignore[misc]


def _catalog_files() -> list[tuple[str, dict[str, object]]]:
    out = []
    for entry in sorted((resources.files("costcalc") / "data").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml") and entry.name not in {"reasoning.toml", "tokenizers.toml"}:
            out.append((entry.name, tomllib.loads(entry.read_text(encoding="utf-8"), parse_float=Decimal)))
    return out


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_entry_is_sourced_and_dated(model: cc.ModelInfo) -> None:
    url = urlparse(model.source)
    assert url.scheme == "https"
    assert url.netloc
    assert dt.date(2024, 1, 1) <= model.checked <= max(TODAY, dt.date.today())
    assert model.encoding in {"o200k_base", "cl100k_base", "o200k_harmony"}
    if model.tokenizer_exact:
        assert model.creator == "openai", "only OpenAI's models have a public tiktoken encoding"
    for period in model.prices:
        # Every period says what its rates were checked against.
        assert period.verified, f"{model.id}: a price period with no 'verified'"
        if period.source is not None:
            assert urlparse(period.source).scheme == "https"


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_periods_do_not_overlap(model: cc.ModelInfo) -> None:
    dates = [p.since for p in model.prices]
    assert all(d is not None for d in dates[1:])
    known = [d for d in dates if d is not None]
    assert known == sorted(set(known))
    for period in model.prices:
        if period.ends is not None and period.since is not None:
            assert period.ends > period.since


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_rates_are_sane(model: cc.ModelInfo) -> None:
    for _period, _tier, tp in _tier_prices(model):
        for rates in filter(None, (tp.rates, tp.long)):
            if rates.input is not None and rates.cached_input is not None:
                assert rates.cached_input <= rates.input
            if rates.input is not None and rates.cache_write is not None:
                assert rates.cache_write >= rates.input
            if rates.audio_input is not None and rates.cached_audio_input is not None:
                assert rates.cached_audio_input <= rates.audio_input
            # Published rates have at most 6 decimal places per 1M tokens (unit prices: 9 per unit).
            for value in filter(None, (getattr(rates, f) for f in cc.Rates.model_fields if f != "units")):
                assert value.as_tuple().exponent >= -6  # type: ignore[operator]
            for value in rates.units.values():
                assert value.as_tuple().exponent >= -9  # type: ignore[operator]
            if model.kind == "embedding":
                assert rates.output is None, "an embedding bills no output: output tokens must be refused"
        if tp.long is not None:
            assert tp.above is not None
            assert tp.long.input is None or tp.rates.input is None or tp.long.input > tp.rates.input
            # A tier above the context window is kept only for old bills (a 1M beta that ended) and
            # the entry's note says so.
            notes = " ".join(filter(None, [model.note, *(p.note for p in model.prices)]))
            assert model.context_window is None or tp.above < model.context_window or "context" in notes


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_tiers_are_ordered_by_price(model: cc.ModelInfo) -> None:
    for period in model.prices:
        std = period.standard.rates
        for cheap in filter(None, (period.batch, period.flex)):
            for name in ("input", "output"):
                mine, theirs = getattr(cheap.rates, name), getattr(std, name)
                assert mine is None or theirs is None or mine <= theirs
        for dear in filter(None, (period.priority, period.fast)):
            for name in ("input", "output"):
                mine, theirs = getattr(dear.rates, name), getattr(std, name)
                assert mine is None or theirs is None or mine >= theirs


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_limits(model: cc.ModelInfo) -> None:
    # Speech models take a short text and return long audio: their output limit may be larger.
    if model.context_window is not None and model.max_output_tokens is not None and model.kind != "speech":
        assert model.max_output_tokens <= model.context_window


def test_every_name_resolves_to_its_model_with_its_provider() -> None:
    for m in MODELS:
        for name in (m.id, *m.aliases):
            assert cc.get_model(f"{m.provider}/{name}").key == m.key
            assert cc.get_model(name, provider=m.provider).key == m.key


def test_bare_names_resolve_to_the_makers_own_api() -> None:
    # A name several providers sell resolves to its maker's API; never silently to a reseller.
    for name in ("gpt-4o", "claude-sonnet-4-5", "gemini-2.5-pro"):
        m = cc.get_model(name)
        assert m.provider == m.creator
    # OpenAI does not sell gpt-oss itself; the hosts that do name it their own way, and the
    # refusal lists them.
    with pytest.raises(cc.UnknownModelError, match="azure/gpt-oss-120b"):
        cc.get_model("gpt-oss-120b")
    with pytest.raises(cc.UnknownModelError):
        cc.get_model("gpt-4o", provider="nope")
    assert cc.get_model("azure/gpt-4o").provider == "azure"
    assert cc.get_model("gpt-4o", provider="azure").provider == "azure"


def test_every_data_file_is_in_the_catalog() -> None:
    count = 0
    for _name, doc in _catalog_files():
        models = doc["models"]
        assert isinstance(models, list)
        count += len(models)
        assert {m.provider for m in cc.list_models(str(doc["provider"]))} == {doc["provider"]}
    assert count == len(MODELS)


# Spot checks against the providers' published rates (USD per 1M: input, cached input, output).
PUBLISHED = [
    ("o4-mini", "standard", ("1.1", "0.275", "4.4")),  # seed article; OpenAI pricing
    ("gpt-5-mini", "standard", ("0.25", "0.025", "2")),  # seed article
    ("gpt-4.1", "standard", ("2", "0.5", "8")),  # seed article
    ("gpt-4o", "standard", ("2.5", "1.25", "10")),
    ("gpt-5", "flex", ("0.625", "0.0625", "5")),
    ("gpt-5.4-mini", "standard", ("0.75", "0.075", "4.5")),
    ("claude-haiku-4-5", "batch", ("0.5", "0.05", "2.5")),
    ("gemini-2.5-pro", "standard", ("1.25", "0.125", "10")),
]


@pytest.mark.parametrize(("model", "tier", "rates"), PUBLISHED)
def test_published_rates(model: str, tier: str, rates: tuple[str, str, str]) -> None:
    got = cc.get_model(model).rates(tier, at="2026-11-25")
    assert (got.input, got.cached_input, got.output) == tuple(Decimal(r) for r in rates)


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_reasoning_profiles_exist(model: cc.ModelInfo) -> None:
    from costcalc.reasoning import builtin_profiles

    if model.reasoning_profile is not None:
        assert model.reasoning
        assert model.reasoning_profile in builtin_profiles()


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
