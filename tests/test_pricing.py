"""Pricing by hand: every expected number below is worked out from the published per-1M rates."""

from __future__ import annotations

import datetime as dt
import decimal
import json
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal

import pytest
from pydantic import ValidationError

import costcalc as cc
from costcalc.pricing import compute_cost

D = Decimal


def test_o4_mini_seed_example() -> None:
    # o4-mini: 1.10 input / 0.275 cached / 4.40 output (seed article, prices.md).
    # 4,000 uncached x 1.10/1M = 0.0044; 8,000 cached x 0.275/1M = 0.0022; 3,000 out x 4.40/1M = 0.0132.
    usage = cc.Usage(
        input_tokens=12_000, cached_input_tokens=8_000, output_tokens=3_000, reasoning_tokens=2_400
    )
    cost = cc.price(usage, model="o4-mini")
    assert (cost.input, cost.cached_input, cost.cache_write, cost.output) == (
        D("0.0044"),
        D("0.0022"),
        D(0),
        D("0.0132"),
    )
    assert cost.total == D("0.0198")
    assert cost.model == "o4-mini"
    assert cost.tier == "standard"
    assert cost.rates is not None
    assert (cost.rates.input, cost.rates.cached_input, cost.rates.cache_write, cost.rates.output) == (
        D("1.1"),
        D("0.275"),
        D("1.1"),  # OpenAI: writing the prompt cache costs the input rate
        D("4.4"),
    )


def test_gpt_5_mini_batch() -> None:
    # Batch: 0.125 / 0.0125 cached / 1.00 output. 800,000 x 0.125/1M = 0.1; 200,000 x 0.0125/1M = 0.0025;
    # 500,000 x 1/1M = 0.5.
    usage = cc.Usage(input_tokens=1_000_000, cached_input_tokens=200_000, output_tokens=500_000)
    cost = cc.price(usage, model="gpt-5-mini", tier="batch")
    assert cost.total == D("0.6025")
    assert cost.input == D("0.1")
    assert cost.cached_input == D("0.0025")


def test_gpt_4_1_standard_and_priority() -> None:
    usage = cc.Usage(input_tokens=100_000, output_tokens=20_000)
    # 100,000 x 2/1M = 0.2; 20,000 x 8/1M = 0.16
    assert cc.price(usage, model="gpt-4.1").total == D("0.36")
    # priority 3.5 / 14: 0.35 + 0.28
    assert cc.price(usage, model="gpt-4.1", tier="priority").total == D("0.63")


def test_pre_gpt5_batch_has_no_extra_cache_discount() -> None:
    # gpt-4.1 batch lists no cached rate: cached tokens bill at the batch input rate, 1.00/1M.
    usage = cc.Usage(input_tokens=1_000, cached_input_tokens=1_000)
    assert cc.price(usage, model="gpt-4.1", tier="batch").total == D("0.001")


def test_anthropic_cache_write_and_read() -> None:
    # claude-sonnet-4-5: 3 input, 0.30 cache read, 3.75 cache write (5 min), 15 output.
    usage = cc.Usage(
        input_tokens=10_000, cached_input_tokens=5_000, cache_write_tokens=4_000, output_tokens=2_000
    )
    cost = cc.price(usage, model="claude-sonnet-4-5")
    assert cost.input == D("0.003")  # 1,000 x 3/1M
    assert cost.cached_input == D("0.0015")  # 5,000 x 0.3/1M
    assert cost.cache_write == D("0.015")  # 4,000 x 3.75/1M
    assert cost.output == D("0.03")  # 2,000 x 15/1M
    assert cost.total == D("0.0495")


@pytest.mark.parametrize(
    ("input_tokens", "expected_input", "expected_output"),
    [
        # gpt-5.4: 2.50 / 15 up to 272,000 input tokens; above, 5 / 22.50 for the whole request.
        (271_999, D("0.6799975"), D("0.015")),
        (272_000, D("0.68"), D("0.015")),
        (272_001, D("1.360005"), D("0.0225")),
    ],
)
def test_long_context_cliff(input_tokens: int, expected_input: Decimal, expected_output: Decimal) -> None:
    cost = cc.price(cc.Usage(input_tokens=input_tokens, output_tokens=1_000), model="gpt-5.4")
    assert cost.input == expected_input
    assert cost.output == expected_output


def test_dated_price_change_o3() -> None:
    usage = cc.Usage(input_tokens=1_000, output_tokens=1_000)
    # Launch: 10 / 40 -> 0.01 + 0.04. From 2025-06-10: 2 / 8 -> 0.002 + 0.008.
    assert cc.price(usage, model="o3", at=dt.date(2025, 6, 9)).total == D("0.05")
    assert cc.price(usage, model="o3", at=dt.date(2025, 6, 10)).total == D("0.01")
    assert cc.price(usage, model="o3", at="2025-06-10T00:00:00+00:00").total == D("0.01")
    # 23:30 on the 9th in New York is already the 10th in UTC.
    ny = dt.timezone(dt.timedelta(hours=-4))
    assert cc.price(usage, model="o3", at=dt.datetime(2025, 6, 9, 23, 30, tzinfo=ny)).total == D("0.01")
    # Launch cached rate is 2.50 (o3 launch), not the post-cut 0.50.
    cached = cc.Usage(input_tokens=1_000_000, cached_input_tokens=1_000_000)
    assert cc.price(cached, model="o3", at=dt.date(2025, 5, 1)).total == D("2.5")
    # The batch rates are known for the post-cut period only: asking before it is an error.
    with pytest.raises(cc.UnsupportedTierError, match="standard"):
        cc.price(usage, model="o3", tier="batch", at=dt.date(2025, 5, 1))


def test_future_dated_price() -> None:
    # gemini-3.6-flash: 0.75 / 3.75 until 2026-12-31, 1.50 / 7.50 from 2027-01-01.
    usage = cc.Usage(input_tokens=1_000_000)
    assert cc.price(usage, model="gemini-3.6-flash", at=dt.date(2026, 12, 31)).total == D("0.75")
    assert cc.price(usage, model="gemini-3.6-flash", at=dt.date(2027, 1, 1)).total == D("1.5")
    assert cc.price(usage, model="gemini-3.6-flash", tier="batch", at=dt.date(2026, 12, 31)).total == D(
        "0.375"
    )
    assert cc.price(usage, model="gemini-3.6-flash", tier="batch", at=dt.date(2027, 1, 1)).total == D("0.75")


def test_unsupported_tier_is_an_error_not_a_fallback() -> None:
    with pytest.raises(cc.UnsupportedTierError) as info:
        cc.price(cc.Usage(input_tokens=1), model="gpt-4.1", tier="flex")
    assert isinstance(info.value, ValueError)
    assert info.value.offered == ("standard", "batch", "priority")
    assert "'flex'" in str(info.value)
    with pytest.raises(ValueError, match="unknown tier 'turbo'"):
        cc.price(cc.Usage(input_tokens=1), model="gpt-4.1", tier="turbo")


def test_exact_under_a_hostile_decimal_context() -> None:
    usage = cc.Usage(input_tokens=123_456_789, output_tokens=987_654_321)
    # 123,456,789 x 1.10/1M = 135.8024679; 987,654,321 x 4.40/1M = 4345.6790124
    with decimal.localcontext() as ctx:
        ctx.prec = 3
        ctx.rounding = decimal.ROUND_DOWN
        cost = cc.price(usage, model="o4-mini")
        total = (cost + cost).total
    assert cost.input == D("135.8024679")
    assert cost.output == D("4345.6790124")
    assert cost.total == D("4481.4814803")
    assert total == D("8962.9629606")


def test_usage_and_cost_add_and_sum() -> None:
    a = cc.Usage(input_tokens=10, cached_input_tokens=4, output_tokens=5, reasoning_tokens=2)
    b = cc.Usage(input_tokens=1, cache_write_tokens=1, output_tokens=1)
    assert a + b == cc.Usage(
        input_tokens=11, cached_input_tokens=4, cache_write_tokens=1, output_tokens=6, reasoning_tokens=2
    )
    assert sum([a, b]) == a + b
    ca, cb = cc.price(a, model="gpt-4o"), cc.price(b, model="gpt-4o")
    assert sum([ca, cb]) == ca + cb
    assert (ca + cb).model == "gpt-4o"
    mixed = ca + cc.price(b, model="gpt-4.1")
    assert mixed.model is None
    assert mixed.rates is None
    assert (ca * 3).total == ca.total * 3
    assert 3 * ca == ca * 3
    with pytest.raises(TypeError):
        ca * 1.5  # type: ignore[operator]
    with pytest.raises(TypeError):
        ca * True  # type: ignore[operator]
    with pytest.raises(ValueError, match=">= 0"):
        ca * -1


def test_quantize_names_the_rounding() -> None:
    # gpt-4o-mini: one input token 0.15/1M = 0.00000015, one output token 0.6/1M = 0.0000006.
    cost = cc.price(cc.Usage(input_tokens=1, output_tokens=1), model="gpt-4o-mini")
    assert cost.total == D("0.00000075")
    up = cost.quantize("0.01", rounding=ROUND_UP)
    assert (up.input, up.output, up.total) == (D("0.01"), D("0.01"), D("0.02"))
    even = cost.quantize(D("0.000001"), rounding=ROUND_HALF_EVEN)
    assert (even.input, even.output, even.total) == (D("0"), D("0.000001"), D("0.000001"))
    assert cc.round_to(D("0.125"), "0.01", rounding=ROUND_HALF_UP) == D("0.13")
    assert cc.round_to(D("0.125"), "0.01", rounding=ROUND_HALF_EVEN) == D("0.12")
    with pytest.raises(ValueError, match="unknown rounding mode"):
        cost.quantize("0.01", rounding="nearest")
    with pytest.raises(TypeError):
        cost.quantize("0.01")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"input_tokens": -1}, "input_tokens"),
        ({"output_tokens": 1.0}, "output_tokens"),
        ({"output_tokens": float("nan")}, "output_tokens"),
        ({"input_tokens": True}, "input_tokens"),
        ({"input_tokens": "12"}, "input_tokens"),
        ({"input_tokens": 10**16}, "input_tokens"),
        ({"input_tokens": 5, "cached_input_tokens": 6}, "cached_input_tokens"),
        ({"input_tokens": 5, "cached_input_tokens": 3, "cache_write_tokens": 3}, "cache_write_tokens"),
        ({"output_tokens": 5, "reasoning_tokens": 6}, "reasoning_tokens"),
        ({"input_tokens": 5, "prompt_tokens": 6}, "prompt_tokens"),
    ],
)
def test_bad_usage_is_refused_with_the_field_named(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        cc.Usage(**fields)  # type: ignore[arg-type]


def test_rates_refuse_floats_and_negatives() -> None:
    with pytest.raises(ValidationError, match="float"):
        cc.Rates(input=0.1, cached_input="0", cache_write="0", output="0")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="negative"):
        cc.Rates(input="-1", cached_input="0", cache_write="0", output="0")
    with pytest.raises(ValidationError, match="finite"):
        cc.Rates(input="NaN", cached_input="0", cache_write="0", output="0")


def test_cost_json_round_trip_and_integrity() -> None:
    cost = cc.price(
        cc.Usage(input_tokens=1234, cached_input_tokens=34, output_tokens=56), model="gpt-5", tier="flex"
    )
    text = cost.model_dump_json()
    assert json.loads(text)["total"] == str(cost.total)
    assert cc.Cost.model_validate_json(text) == cost
    broken = json.loads(text) | {"total": "1"}
    with pytest.raises(ValidationError, match="not the sum"):
        cc.Cost.model_validate(broken)


def test_fast_constructor_matches_model_construct() -> None:
    rates = cc.Rates(input="2", cached_input="0.5", cache_write="2", output="8")
    usage = cc.Usage(input_tokens=1_000, cached_input_tokens=500, output_tokens=100)
    fast = compute_cost(usage, rates, "gpt-4.1", "standard")
    slow = cc.Cost.model_construct(**fast.__dict__)
    assert fast == slow
    assert fast.model_fields_set == slow.model_fields_set
    assert fast.model_dump() == slow.model_dump()
    assert fast.model_copy(update={"model": "x"}).model == "x"
    assert str(fast) == "$0.00205 gpt-4.1 (standard)"


def test_price_requires_a_usage() -> None:
    with pytest.raises(TypeError, match=r"costcalc\.Usage"):
        cc.price({"input_tokens": 1}, model="gpt-4o")  # type: ignore[arg-type]


def test_amounts_are_tidy_and_never_in_exponent_form() -> None:
    # 50,000,000 x 2/1M = 100 exactly; 8,000 cached x 0.275/1M = 0.0022 (not 0.002200000).
    assert str(cc.price(cc.Usage(input_tokens=50_000_000), model="gpt-4.1").total) == "100"
    assert (
        str(cc.price(cc.Usage(input_tokens=8_000, cached_input_tokens=8_000), model="o4-mini").total)
        == "0.0022"
    )
    assert str(cc.price(cc.Usage(), model="o4-mini").total) == "0"
    two = cc.price(cc.Usage(input_tokens=5_000_000), model="gpt-4.1") * 2
    assert str(two.total) == "20"


def test_public_api_is_complete_and_sorted() -> None:
    # isort-style order (constants, classes, functions), as ruff RUF022 keeps it.
    assert cc.__all__ == sorted(cc.__all__, key=lambda n: (not n.isupper(), not n[:1].isupper(), n))
    for name in cc.__all__:
        assert getattr(cc, name) is not None
    assert set(cc.__all__) <= set(dir(cc))
    assert isinstance(cc.__version__, str)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        cc.nope  # type: ignore[attr-defined]  # noqa: B018


def test_no_public_name_is_shadowed_by_a_submodule() -> None:
    # Importing a submodule sets it as an attribute of the package: a module named like a public
    # function (costcalc.estimate) would replace the function once imported anywhere.
    import importlib
    import pkgutil
    import types

    for module in pkgutil.walk_packages(cc.__path__, "costcalc."):
        importlib.import_module(module.name)
    for name in cc.__all__:
        assert not isinstance(getattr(cc, name), types.ModuleType), name
