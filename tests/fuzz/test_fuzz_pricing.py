"""Fuzz of the pricing core: price(), Usage arithmetic, rounding, catalogs and discounts.

A priced result is checked against an independent computation in Python fractions from the
model's published rates; every non-zero quantity of the usage must be a line of the bill.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import costcalc as cc
from costcalc.units import TOKEN_LINES, UNITS
from tests.fuzz.harness import FUZZ, GARBAGE, JSON, or_garbage, run

NAMES = [f"{m.provider}/{m.id}" for m in cc.list_models()]
DATES = sorted(
    {dt.date(2026, 11, 25), dt.date(2024, 1, 1)}
    | {p.since for m in cc.list_models() for p in m.prices if p.since is not None}
)


@st.composite
def usages(draw: st.DrawFn) -> cc.Usage:
    """Any valid Usage: every token kind, and units, within the rules."""
    n = st.integers(0, 10**7)
    total = draw(n)
    cached = draw(st.integers(0, total))
    w5 = draw(st.integers(0, total - cached))
    w1h = draw(st.integers(0, total - cached - w5))
    left = total - cached - w5 - w1h
    audio = draw(st.integers(0, left))
    image = draw(st.integers(0, left - audio))
    c_audio = draw(st.integers(0, cached))
    out = draw(n)
    reasoning = draw(st.integers(0, out))
    a_out = draw(st.integers(0, out - reasoning))
    units = draw(st.dictionaries(st.sampled_from(sorted(UNITS)), st.integers(0, 1_000), max_size=2))
    return cc.Usage(
        input_tokens=total,
        cached_input_tokens=cached,
        cache_write_tokens=w5,
        cache_write_1h_tokens=w1h,
        audio_input_tokens=audio,
        image_input_tokens=image,
        cached_audio_input_tokens=c_audio,
        output_tokens=out,
        reasoning_tokens=reasoning,
        audio_output_tokens=a_out,
        units=units,
    )


def reference(usage: cc.Usage, rates: cc.Rates) -> Fraction:
    """The bill in fractions: each token line's count times its rate per 1M, each unit times its price."""
    total = Fraction(0)
    for _line, count_field, rate_field, _bucket in TOKEN_LINES:
        count = getattr(usage, count_field)
        if count:
            total += Fraction(getattr(rates, rate_field)) * count / 1_000_000
    for unit, quantity in usage.units.items():
        total += Fraction(rates.units[unit]) * Fraction(quantity)
    return total


@FUZZ
@given(
    or_garbage(usages()),
    or_garbage(st.sampled_from(NAMES), ["", " ", "GPT-4O", "openai/", "models/", "gpt-4o-2099-01-01"]),
    or_garbage(st.sampled_from(cc.TIERS), ["Standard", "", "batch "]),
    or_garbage(
        st.sampled_from(DATES), ["2025-06-10", "2025-06-10T23:59:59+05:00", "not a date", "9999-12-31"]
    ),
    st.booleans(),
)
def test_price(usage: Any, model: Any, tier: Any, at: Any, strict: bool) -> None:
    kind, value = run(lambda: cc.price(usage, model=model, tier=tier, at=at, strict=strict))
    if kind == "error":
        return
    cost: cc.Cost = value
    info = cc.get_model(model)
    rates = info.rates(tier, at, input_tokens=usage.input_tokens)
    priced = {u.field for u in cost.unpriced}
    # Never a silent zero: a quantity is a line of the bill, or (strict=False) listed as unpriced.
    names = {line.name for line in cost.lines}
    for line, count_field, _rate, _bucket in TOKEN_LINES:
        if getattr(usage, count_field):
            assert line in names or count_field in priced, (line, count_field)
    for unit in usage.units:
        assert unit in names or f"units.{unit}" in priced
    if not cost.unpriced:
        assert Fraction(cost.total) == reference(usage, rates)
    assert cost.total == sum((line.amount for line in cost.lines), Decimal(0))


@FUZZ
@given(usages(), usages())
def test_usage_sum_and_scale(a: cc.Usage, b: cc.Usage) -> None:
    kind, total = run(lambda: a + b)
    if kind == "ok":
        assert total.input_tokens == a.input_tokens + b.input_tokens
        assert total.units.keys() == a.units.keys() | b.units.keys()
    kind, twice = run(lambda: a * 2)
    if kind == "ok":
        assert twice == a + a


@FUZZ
@given(
    or_garbage(
        st.decimals(allow_nan=False, allow_infinity=False, places=8), ["0", "-0.005", "1E+30", "1E-300"]
    ),
    or_garbage(st.sampled_from(["0.01", "1", "0.0001", "1E-250"]), ["0", "1E+5", "NaN"]),
    or_garbage(st.just(ROUND_HALF_UP), ["ROUND_HALF_UP", "up", ""]),
)
def test_round_to(amount: Any, exp: Any, rounding: Any) -> None:
    kind, value = run(lambda: cc.round_to(amount, exp, rounding=rounding))
    if kind == "ok":
        assert isinstance(value, Decimal)
        assert value.is_finite()


@FUZZ
@given(JSON)
def test_catalog_from_any_document(doc: Any) -> None:
    kind, value = run(lambda: cc.Catalog.from_dict(doc))
    if kind == "ok":
        assert isinstance(value, cc.Catalog)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """Catalog documents that are nearly right: one field at a time replaced by garbage."""
    rate = or_garbage(
        st.decimals(min_value=0, max_value=1000, places=6).map(str), ["0", "-1", "1E-30", "1e999"]
    )
    tier = {"input": draw(rate), "output": draw(rate)}
    if draw(st.booleans()):
        tier |= {"above": draw(or_garbage(st.integers(1, 10**6), [0, True])), "long": {"input": draw(rate)}}
    model = {
        "id": draw(or_garbage(st.from_regex(r"[a-z][a-z0-9.-]{0,20}", fullmatch=True), ["", "A B"])),
        "aliases": draw(or_garbage(st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), max_size=2))),
        "context_window": draw(or_garbage(st.integers(1, 10**7), [0, "128000"])),
        "reasoning": draw(or_garbage(st.booleans(), ["no", 1])),
        "prices": [
            {"standard": tier, "units": draw(or_garbage(st.just({"web_search_call": "0.01"}), [{"Bad": 1}]))}
        ],
    }
    return {
        "provider": draw(or_garbage(st.sampled_from(["acme", "ACME"]), ["", "a b"])),
        "source": "https://acme.example",
        "checked": draw(or_garbage(st.just("2026-11-01"), ["yesterday"])),
        "models": [model],
    }


@FUZZ
@given(documents(), usages(), st.sampled_from(["0", "0.15", "0.999999"]))
def test_user_catalogs_price_or_refuse(doc: dict[str, Any], usage: cc.Usage, discount: str) -> None:
    kind, catalog = run(lambda: cc.Catalog.from_dict(doc))
    if kind == "error":
        return
    model = catalog.list_models()[0]
    kind, cost = run(lambda: catalog.price(usage, model.id, strict=False))
    if kind == "ok":
        assert cost.total >= 0
        kind, cheaper = run(lambda: catalog.with_discount(discount).price(usage, model.id, strict=False))
        if kind == "ok" and cheaper.unpriced == cost.unpriced:
            assert cheaper.total <= cost.total


@FUZZ
@given(
    or_garbage(st.sampled_from(["0.1", "0", 5, Decimal("0.25")]), ["1", "-0.1", "0.1234567"]),
    st.one_of(st.none(), or_garbage(st.sampled_from([["gpt-4o"], "gpt-4o", ["nope"]]))),
    st.one_of(st.none(), or_garbage(st.sampled_from([["openai"], "OpenAI", ["opneai"], "openai,anthropic"]))),
    st.one_of(st.none(), or_garbage(st.sampled_from([["batch"], "standard", ["gold"]]))),
)
def test_discounts(discount: Any, models: Any, providers: Any, tiers: Any) -> None:
    cat = cc.default_catalog()
    kind, value = run(lambda: cat.with_discount(discount, models=models, providers=providers, tiers=tiers))
    if kind == "ok":
        assert len(value) == len(cat)


@FUZZ
@given(
    or_garbage(st.sampled_from(NAMES)),
    st.one_of(st.none(), or_garbage(st.sampled_from(cc.default_catalog().providers))),
)
def test_model_lookup(name: Any, provider: Any) -> None:
    kind, info = run(lambda: cc.get_model(name, provider))
    if kind == "ok":
        assert isinstance(info, cc.ModelInfo)
    assert GARBAGE is not None
