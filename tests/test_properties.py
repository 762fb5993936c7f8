"""Properties of price() over random usages, models and tiers (strategies from costcalc.testing).

Usages with output are drawn against chat models: embedding and moderation models bill input only.
"""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import costcalc as cc
from costcalc.testing import model_names, tiers, usages

# Token-priced models (chat): the properties below are about token arithmetic.
CHAT = model_names(kind="chat")


def _name(m: cc.ModelInfo) -> str:
    return f"{m.provider}/{m.id}"


def _today_rates(m: cc.ModelInfo, tier: str) -> cc.Rates | None:
    try:
        return m.rates(tier, dt.date.today())
    except (cc.NoPriceError, cc.UnsupportedTierError):
        return None


# (model, tier) pairs offered today with input and output token rates; and those with a cached rate.
PAIRS = [
    (_name(m), tier)
    for m in cc.list_models(kind="chat")
    for tier in cc.TIERS
    if (r := _today_rates(m, tier)) is not None and r.input is not None and r.output is not None
]
CACHED_PAIRS = [
    (name, tier) for name, tier in PAIRS if cc.get_model(name).rates(tier).cached_input is not None
]


def fit(usage: cc.Usage, model: str, tier: str, at: dt.date | None = None) -> cc.Usage:
    """``usage`` without the kinds of token the model publishes no rate for (those are refused,
    which tests/test_responses.py and the unpriced tests cover)."""
    rates = cc.get_model(model).rates(tier, at, input_tokens=usage.input_tokens)
    update = {}
    if rates.cached_input is None:
        update["cached_input_tokens"] = 0
    if rates.cache_write is None:
        update["cache_write_tokens"] = 0
    if rates.input is None or rates.output is None:
        return cc.Usage()
    return usage.model_copy(update=update) if update else usage


# Dates on each side of every dated price change in the catalog, plus today.
DATES = sorted(
    {dt.date.today()}
    | {p.since for m in cc.list_models() for p in m.prices if p.since is not None}
    | {p.since - dt.timedelta(days=1) for m in cc.list_models() for p in m.prices if p.since is not None}
)


def _offered(model: str, tier: str, at: dt.date) -> bool:
    try:
        return tier in cc.get_model(model).tiers(at)
    except cc.NoPriceError:
        return False


@given(CHAT, tiers(), st.sampled_from(DATES))
def test_zero_usage_costs_zero(model: str, tier: str, at: dt.date) -> None:
    assume(_offered(model, tier, at))
    cost = cc.price(cc.Usage(), model=model, tier=tier, at=at)
    assert cost.total == 0
    assert (cost.input, cost.cached_input, cost.cache_write, cost.output) == (0, 0, 0, 0)


@given(usages(), usages(), st.sampled_from(PAIRS))
def test_additive_over_usages_below_the_long_context_threshold(
    a: cc.Usage, b: cc.Usage, pair: tuple[str, str]
) -> None:
    model, tier = pair
    at = dt.date.today()
    a, b = fit(a, model, tier), fit(b, model, tier)
    tp = cc.get_model(model).tier_price(tier, at)
    # Additivity holds within one rate band; the cliff makes a long request dearer per token.
    assume(tp.above is None or (a + b).input_tokens <= tp.above)
    total = cc.price(a + b, model=model, tier=tier).total
    assert total == cc.price(a, model=model, tier=tier).total + cc.price(b, model=model, tier=tier).total


@given(
    usages(),
    st.sampled_from(PAIRS),
    st.sampled_from(["input", "cached", "write", "output"]),
    st.integers(1, 10**6),
)
def test_monotone_in_every_token_count(usage: cc.Usage, pair: tuple[str, str], kind: str, extra: int) -> None:
    model, tier = pair
    usage = fit(usage, model, tier)
    rates = cc.get_model(model).rates(tier)
    if (kind == "cached" and rates.cached_input is None) or (kind == "write" and rates.cache_write is None):
        kind = "input"  # a kind this model does not price is refused, not monotone
    fields = usage.model_dump()
    if kind == "output":
        fields["output_tokens"] += extra
    else:
        fields["input_tokens"] += extra
        if kind == "cached":
            fields["cached_input_tokens"] += extra
        elif kind == "write":
            fields["cache_write_tokens"] += extra
    more = cc.Usage(**fields)
    # Crossing a long-context threshold can reach rates with no cached or cache-write price (Vertex
    # AI's Flex tier of Gemini 2.5 Pro above 200,000 tokens): that usage is refused by name, not priced.
    band = cc.get_model(model).rates(tier, input_tokens=more.input_tokens)
    assume(more.cached_input_tokens == 0 or band.cached_input is not None)
    assume(more.cache_write_tokens == 0 or band.cache_write is not None)
    assert cc.price(more, model=model, tier=tier).total >= cc.price(usage, model=model, tier=tier).total


@given(usages(), st.sampled_from(CACHED_PAIRS), st.integers(0, 10**6))
def test_caching_never_raises_the_cost(usage: cc.Usage, pair: tuple[str, str], moved: int) -> None:
    model, tier = pair
    usage = fit(usage, model, tier)
    moved = min(moved, usage.uncached_input_tokens)
    cached = usage.model_copy(update={"cached_input_tokens": usage.cached_input_tokens + moved})
    assert cc.price(cached, model=model, tier=tier).total <= cc.price(usage, model=model, tier=tier).total


@given(usages(), CHAT, st.sampled_from(DATES))
def test_batch_le_standard_le_priority(usage: cc.Usage, model: str, at: dt.date) -> None:
    assume(_offered(model, "standard", at))
    offered = cc.get_model(model).tiers(at)
    for tier in offered:  # only the kinds every tier prices
        usage = fit(usage, model, tier, at)
    std = cc.price(usage, model=model, at=at).total
    for cheap in {"batch", "flex"} & set(offered):
        cheap_rates = cc.get_model(model).rates(cheap, at, input_tokens=usage.input_tokens)
        std_rates = cc.get_model(model).rates("standard", at, input_tokens=usage.input_tokens)
        if (cheap_rates.cached_input or 0) > (std_rates.cached_input or 0):
            # A tier with no cached rate of its own gets no cache discount (OpenAI Batch before GPT-5,
            # Gemini Batch): a cache hit can bill more there than on standard; compare without one.
            usage = usage.model_copy(update={"cached_input_tokens": 0})
            std = cc.price(usage, model=model, at=at).total
        assert cc.price(usage, model=model, tier=cheap, at=at).total <= std
    for dear in {"priority", "fast"} & set(offered):
        assert cc.price(usage, model=model, tier=dear, at=at).total >= std


TIERED = [
    (f"{m.provider}/{m.id}", tier, p.since, tp)
    for m in cc.list_models()
    for p in m.prices
    for tier in p.tiers
    if (tp := p.tier(tier)) is not None and tp.above is not None
]


@pytest.mark.parametrize(
    ("model", "tier", "since", "tp"), TIERED, ids=[f"{t[0]}-{t[1]}-{t[2]}" for t in TIERED]
)
def test_tier_boundary_for_every_tiered_model(
    model: str, tier: str, since: dt.date | None, tp: cc.TierPrice
) -> None:
    assert tp.above is not None
    assert tp.long is not None
    at = since or dt.date(2020, 1, 1)
    if tp.rates.input is None or tp.long.output is None:
        pytest.skip("no token rates in this tier")
    if since is None and len(cc.get_model(model).prices) > 1:
        at = cc.get_model(model).prices[1].since - dt.timedelta(days=1)  # type: ignore[operator]
    n = tp.above
    at_edge = cc.price(cc.Usage(input_tokens=n, output_tokens=1), model=model, tier=tier, at=at)
    over = cc.price(cc.Usage(input_tokens=n + 1, output_tokens=1), model=model, tier=tier, at=at)
    assert at_edge.rates == tp.rates
    assert over.rates == tp.long
    assert tp.rates.input is not None
    assert tp.long.input is not None
    assert tp.long.output is not None
    # By hand: N tokens at the base rate, N + 1 at the long-context rate, per 1M.
    assert at_edge.input == tp.rates.input * n / 1_000_000
    assert over.input == tp.long.input * (n + 1) / 1_000_000
    assert over.output == tp.long.output / 1_000_000


@given(usages(), st.sampled_from(PAIRS), st.integers(1, 5))
def test_unchanged_under_a_tiny_decimal_context(usage: cc.Usage, pair: tuple[str, str], prec: int) -> None:
    model, tier = pair
    usage = fit(usage, model, tier)
    reference = cc.price(usage, model=model, tier=tier)
    with decimal.localcontext() as ctx:
        ctx.prec = prec
        ctx.rounding = decimal.ROUND_FLOOR
        again = cc.price(usage, model=model, tier=tier)
        summed = again + again
    assert again == reference
    with decimal.localcontext(decimal.Context(prec=100)):
        assert summed.total == reference.total * 2


@given(usages(), model_names(spelled=True, kind="chat"))
def test_spellings_resolve_to_the_same_model(usage: cc.Usage, name: str) -> None:
    model = cc.get_model(name)
    assume(_offered(name, "standard", dt.date.today()))
    usage = fit(usage, name, "standard")
    assert cc.price(usage, model=name) == cc.price(usage, model=model.id, provider=model.provider)


@given(usages(), st.sampled_from(PAIRS))
def test_json_round_trip_of_every_type(usage: cc.Usage, pair: tuple[str, str]) -> None:
    model, tier = pair
    usage = fit(usage, model, tier)
    assert cc.Usage.model_validate_json(usage.model_dump_json()) == usage
    cost = cc.price(usage, model=model, tier=tier)
    assert cc.Cost.model_validate_json(cost.model_dump_json()) == cost
    info = cc.get_model(model)
    assert cc.ModelInfo.model_validate_json(info.model_dump_json()) == info
    assert cc.Rates.model_validate_json(info.rates(tier).model_dump_json()) == info.rates(tier)


@given(usages(), st.sampled_from(PAIRS))
def test_cost_is_the_rates_times_the_tokens(usage: cc.Usage, pair: tuple[str, str]) -> None:
    # An independent computation with Python fractions, no Decimal context involved.
    from fractions import Fraction

    model, tier = pair
    usage = fit(usage, model, tier)
    rates = cc.get_model(model).rates(tier, input_tokens=usage.input_tokens)

    def rate(value: Decimal | None) -> Fraction:
        return Fraction(value) if value is not None else Fraction(0)  # 0 tokens of that kind

    expected = (
        rate(rates.input) * usage.uncached_input_tokens
        + rate(rates.cached_input) * usage.cached_input_tokens
        + rate(rates.cache_write) * usage.cache_write_tokens
        + rate(rates.output) * usage.output_tokens
    ) / 1_000_000
    assert Fraction(cc.price(usage, model=model, tier=tier).total) == expected
    assert isinstance(cc.price(usage, model=model, tier=tier).total, Decimal)
