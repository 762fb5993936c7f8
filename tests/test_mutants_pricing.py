"""Usage and Cost arithmetic, bill lines and displays pinned field by field.

Written against the mutants that survived the first mutation run (docs/testing.md, "Mutation
testing"). Every amount is worked out by hand from the rates below, in the comment beside it:
rates are USD per 1,000,000 tokens (so a token at $2/M costs $0.000002) and per unit for units.
"""

from __future__ import annotations

import html
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from pydantic import ValidationError

import costcalc as cc
from costcalc.errors import InvalidInputError, UnpricedUsageError
from costcalc.pricing import MAX_TOKENS, Cost, Line, Rates, Unpriced, Usage, bill_lines, compute_cost

D = Decimal
M = 1_000_000

# $2 input, $0.50 cached, $2.50 cache write, $8 output per 1M tokens; $0.01 per web search.
R = Rates(input="2", cached_input="0.5", cache_write="2.5", output="8", units={"web_search_call": "0.01"})
# 1000 prompt tokens (200 cached, 100 written, so 700 uncached), 500 output, 2 web searches.
U1 = Usage(
    input_tokens=1000,
    cached_input_tokens=200,
    cache_write_tokens=100,
    output_tokens=500,
    units={"web_search_call": 2},
)
U2 = Usage(input_tokens=100, output_tokens=50)

# U1 at R: 700 x 2 = 0.0014; 200 x 0.5 = 0.0001; 100 x 2.5 = 0.00025; 500 x 8 = 0.004 (per 1M);
# 2 x 0.01 = 0.02. Total 0.02575.
U1_LINES = (
    Line("input", 700, D(2), M, D("0.0014"), "input"),
    Line("cached_input", 200, D("0.5"), M, D("0.0001"), "cached_input"),
    Line("cache_write", 100, D("2.5"), M, D("0.00025"), "cache_write"),
    Line("output", 500, D(8), M, D("0.004"), "output"),
    Line("web_search_call", 2, D("0.01"), 1, D("0.02"), "fees"),
)
# U2 at R: 100 x 2 = 0.0002; 50 x 8 = 0.0004. Total 0.0006.
U2_LINES = (
    Line("input", 100, D(2), M, D("0.0002"), "input"),
    Line("output", 50, D(8), M, D("0.0004"), "output"),
)
IMAGE_REASON = (
    "units['image'] is 3 but 'n' has no price for 'image' (one generated image) in the catalog at "
    "this tier and date; it cannot be priced as another kind (add the rate with Catalog.extend, or "
    "pass strict=False to get the cost without it, listed in Cost.unpriced)"
)


def c1() -> Cost:
    return compute_cost(U1, R, "m", "standard")


def c2() -> Cost:
    return compute_cost(U2, R, "m", "standard")


def cu() -> Cost:
    """10 input tokens at $2/M = 0.00002, and 3 images with no price: unpriced."""
    return compute_cost(Usage(input_tokens=10, units={"image": 3}), R, "n", "standard", strict=False)


def test_a_cost_and_its_lines() -> None:
    cost = c1()
    assert (cost.input, cost.cached_input, cost.cache_write, cost.output, cost.fees, cost.total) == (
        D("0.0014"),
        D("0.0001"),
        D("0.00025"),
        D("0.004"),
        D("0.02"),
        D("0.02575"),
    )
    assert cost.lines == U1_LINES
    assert c2().lines == U2_LINES
    # A cost built from amounts alone: one line per non-zero bucket, fees per unit.
    assert Cost(input="1", fees="0.5", total="1.5").lines == (
        Line("input", None, None, M, D(1), "input"),
        Line("fees", None, None, 1, D("0.5"), "fees"),
    )


def test_adding_costs_of_the_same_model_adds_usages() -> None:
    assert c1() + c2() == Cost(
        input="0.0016",  # 0.0014 + 0.0002
        cached_input="0.0001",
        cache_write="0.00025",
        output="0.0044",  # 0.004 + 0.0004
        fees="0.02",
        total="0.02635",  # 0.02575 + 0.0006
        model="m",
        tier="standard",
        rates=R,
        usage=Usage(
            input_tokens=1100,
            cached_input_tokens=200,
            cache_write_tokens=100,
            output_tokens=550,
            units={"web_search_call": 2},
        ),
    )


def test_adding_costs_of_different_models_merges_their_lines() -> None:
    a = c1().model_copy(update={"reported_cost": D("0.03")})
    b = compute_cost(U2, R, "other", "standard").model_copy(update={"reported_cost": D("0.0007")})
    total = a + b
    assert total == Cost(
        input="0.0016",
        cached_input="0.0001",
        cache_write="0.00025",
        output="0.0044",
        fees="0.02",
        total="0.02635",
        model=None,
        tier="standard",
        rates=None,
        usage=None,
        extra_lines=(
            Line("input", 800, D(2), M, D("0.0016"), "input"),  # 700 + 100 tokens at the same $2
            U1_LINES[1],
            U1_LINES[2],
            Line("output", 550, D(8), M, D("0.0044"), "output"),
            U1_LINES[4],
        ),
        reported_cost="0.0307",  # 0.03 + 0.0007
    )
    # One side without a reported cost: the sum has none.
    assert (a + c2()).reported_cost is None
    assert (c2() + a).reported_cost is None
    # Different tiers: no tier.
    assert (c1() + compute_cost(U2, R, "m", "batch")).tier is None


def test_merged_lines_drop_a_rate_or_quantity_that_differs() -> None:
    dearer = Rates(input="4", output="8")
    # 100 tokens at $4/M = 0.0004 input; the input lines' rates differ (2 and 4): no rate.
    total = c2() + compute_cost(U2, dearer, "m", "standard")
    assert total.rates is None
    assert total.usage is None
    assert total.model == "m"
    assert total.extra_lines == (
        Line("input", 200, None, M, D("0.0006"), "input"),
        Line("output", 100, D(8), M, D("0.0008"), "output"),
    )
    # An amount-only cost has no quantities: the merged line has none either.
    merged = Cost(input="1", total="1") + c2()
    assert merged.extra_lines == (
        Line("input", None, None, M, D("1.0002"), "input"),
        U2_LINES[1],
    )
    assert merged * 2 == Cost(
        input="2.0004",
        output="0.0008",
        total="2.0012",
        extra_lines=(
            Line("input", None, None, M, D("2.0004"), "input"),
            Line("output", 100, D(8), M, D("0.0008"), "output"),
        ),
    )
    # Summing with an empty side keeps the other side's lines as they are.
    assert (Cost() + c2()).extra_lines == U2_LINES
    assert (c2() + Cost()).extra_lines == U2_LINES


def test_adding_keeps_the_unpriced_of_both_sides() -> None:
    total = cu() + cu()
    assert total.unpriced == (Unpriced("units.image", 3, IMAGE_REASON),) * 2
    assert total.usage == Usage(input_tokens=20, units={"image": 6})
    assert total.total == D("0.00004")


def test_sum_starts_from_zero_and_nothing_else() -> None:
    assert sum([c1(), c2()]) == c1() + c2()
    cost = c1()
    assert 0 + cost is cost
    assert 0 + U2 is U2
    with pytest.raises(TypeError):
        _ = 1 + cost  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = 0.0 + cost  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = 1 + U2  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = cost + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = U2 + 1  # type: ignore[operator]


def test_multiplying_a_cost_scales_every_amount_and_count() -> None:
    assert c1() * 3 == Cost(
        input="0.0042",
        cached_input="0.0003",
        cache_write="0.00075",
        output="0.012",
        fees="0.06",
        total="0.07725",  # 3 x 0.02575
        model="m",
        tier="standard",
        rates=R,
        usage=Usage(
            input_tokens=3000,
            cached_input_tokens=600,
            cache_write_tokens=300,
            output_tokens=1500,
            units={"web_search_call": 6},
        ),
    )
    assert 3 * c1() == c1() * 3
    reported = c2().model_copy(update={"reported_cost": D("0.0007")})
    assert (reported * 2).reported_cost == D("0.0014")
    assert (cu() * 2).unpriced == (Unpriced("units.image", 6, IMAGE_REASON),)
    summed = c1() + compute_cost(U2, R, "other", "standard")
    assert (summed * 2).extra_lines == (
        Line("input", 1600, D(2), M, D("0.0032"), "input"),
        Line("cached_input", 400, D("0.5"), M, D("0.0002"), "cached_input"),
        Line("cache_write", 200, D("2.5"), M, D("0.0005"), "cache_write"),
        Line("output", 1100, D(8), M, D("0.0088"), "output"),
        Line("web_search_call", 4, D("0.01"), 1, D("0.04"), "fees"),
    )
    zero = c1() * 0
    assert (zero.total, zero.usage) == (0, Usage())


def test_multiplying_refuses_negative_and_non_int_counts() -> None:
    with pytest.raises(InvalidInputError) as info:
        _ = c1() * -1
    assert (info.value.field, str(info.value)) == (
        "count",
        "count: a cost can be scaled by a count of requests >= 0, got -1",
    )
    with pytest.raises(InvalidInputError) as info:
        _ = U1 * -2
    assert (info.value.field, str(info.value)) == (
        "count",
        "count: a usage can be scaled by a count >= 0, got -2",
    )
    for bad in (True, 2.0, D(2)):
        with pytest.raises(TypeError):
            _ = c1() * bad  # type: ignore[operator]
        with pytest.raises(TypeError):
            _ = U1 * bad  # type: ignore[operator]


def test_usage_arithmetic_merges_units() -> None:
    other = Usage(input_tokens=5, units={"web_search_call": 1, "image": 2})
    assert U1 + other == Usage(
        input_tokens=1005,
        cached_input_tokens=200,
        cache_write_tokens=100,
        output_tokens=500,
        units={"image": 2, "web_search_call": 3},
    )
    assert (U2 + U2).units == {}
    assert U2 + other == Usage(input_tokens=105, output_tokens=50, units={"image": 2, "web_search_call": 1})
    half = Usage(units={"audio_second": D("1.5")})
    assert (half * 2).units == {"audio_second": 3}  # 1.5 x 2 = 3, a whole number again
    assert 2 * half == half * 2
    assert (half + half).units == {"audio_second": 3}


def test_scaled_multiplies_rates_and_amounts_not_counts() -> None:
    # A 1.5x surcharge on every rate and amount of U1 at R.
    assert c1().scaled(D("1.5")) == Cost(
        input="0.0021",
        cached_input="0.00015",
        cache_write="0.000375",
        output="0.006",
        fees="0.03",
        total="0.038625",  # 1.5 x 0.02575
        model="m",
        tier="standard",
        rates=Rates(
            input="3",
            cached_input="0.75",
            cache_write="3.75",
            output="12",
            units={"web_search_call": "0.015"},
        ),
        usage=U1,
    )
    merged = Cost(input="1", total="1") + c2()
    assert merged.scaled(D(2)).extra_lines == (
        Line("input", None, None, M, D("2.0004"), "input"),
        Line("output", 50, D(16), M, D("0.0008"), "output"),
    )
    assert Cost(input="1", total="1").scaled(D(2)).rates is None


def test_with_part_adds_a_labelled_part_as_fees() -> None:
    base = c2().model_copy(update={"reported_cost": D("0.001")})
    assert base.with_part("image tool", cu()) == Cost(
        input="0.0002",
        output="0.0004",
        fees="0.00002",  # the part's total: 10 tokens at $2/M
        total="0.00062",
        model="m",
        tier="standard",
        rates=R,
        usage=U2,
        extra_lines=(Line("image tool: input", 10, D(2), M, D("0.00002"), "fees"),),
        unpriced=(Unpriced("image tool: units.image", 3, IMAGE_REASON),),
        reported_cost="0.001",
    )
    # A line of a part with a zero rate still has a quantity: kept. Its label finds the unit's name.
    free = compute_cost(Usage(units={"web_search_call": 4}), Rates(units={"web_search_call": "0"}), "f", None)
    with_free = c2().with_part("search", free)
    assert with_free.extra_lines == (Line("search: web_search_call", 4, D(0), 1, D(0), "fees"),)
    assert with_free.total == D("0.0006")


def test_with_unpriced() -> None:
    cost = c2()
    assert cost.with_unpriced(()) is cost
    item = Unpriced("units.image", 1, "no price")
    assert cost.with_unpriced((item,)).unpriced == (item,)


def test_str_names_model_tier_reported_cost_and_unpriced() -> None:
    assert str(c1()) == "$0.02575 m (standard)"
    assert str(Cost(input="1.50", total="1.50")) == "$1.5"
    assert str(Cost(total="0", model="m")) == "$0 m"
    assert str(Cost(tier="batch")) == "$0 (batch)"
    reported = c1().model_copy(update={"reported_cost": D("0.03")})
    assert str(reported) == "$0.02575 m (standard) (provider reported $0.03)"
    assert str(cu() + cu()) == "$0.00004 n (standard) + UNPRICED: units.image (3), units.image (3)"


def test_html_lists_lines_total_reported_and_unpriced() -> None:
    def row(*cells: str) -> str:
        return "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>"

    head = '<table class="costcalc">'
    thead = "<thead><tr><th>line</th><th>quantity</th><th>USD</th></tr></thead><tbody>"
    assert cu()._repr_html_() == (
        head
        + "<caption>n (standard): INCOMPLETE, the total leaves out the unpriced lines</caption>"
        + thead
        + row("input", "10 tokens", "$0.00002")
        + row("total", "", "$0.00002")
        + row("UNPRICED units.image", "3", IMAGE_REASON)
        + "</tbody></table>"
    )
    big = compute_cost(Usage(input_tokens=12345), Rates(input="1"), None, None).model_copy(
        update={"reported_cost": D("0.02")}
    )
    assert big._repr_html_() == (
        head
        + "<caption>cost</caption>"
        + thead
        + row("input", "12,345 tokens", "$0.012345")
        + row("total", "", "$0.012345")
        + row("reported by the provider", "", "$0.02")
        + "</tbody></table>"
    )
    units = compute_cost(
        Usage(units={"audio_second": D("1.5")}), Rates(units={"audio_second": "0.1"}), "w", None
    ).with_part("search", compute_cost(Usage(units={"web_search_call": 2}), R, "m", None))
    assert units._repr_html_() == (
        head
        + "<caption>w</caption>"
        + thead
        + row("audio_second", "1.5 one second of audio", "$0.15")
        + row(
            "search: web_search_call",
            "2 one billed web search (OpenAI web_search, Anthropic web_search_requests)",
            "$0.02",
        )
        + row("total", "", "$0.17")
        + "</tbody></table>"
    )


def test_bill_lines_refuse_or_list_what_has_no_rate() -> None:
    usage = Usage(input_tokens=10, output_tokens=5, units={"image": 3})
    rates = Rates(input="1", cached_input="1", cache_write="1")
    output_reason = (
        "text_output_tokens is 5 but this model has no output rate in the catalog at this tier and "
        "date; it cannot be priced as another kind (add the rate with Catalog.extend, or pass "
        "strict=False to get the cost without it, listed in Cost.unpriced)"
    )
    with pytest.raises(UnpricedUsageError) as info:
        bill_lines(usage, rates, strict=True)
    assert (info.value.field, str(info.value)) == ("text_output_tokens", output_reason)
    lines, missing = bill_lines(usage, rates, strict=False)
    assert lines == (Line("input", 10, D(1), M, D("0.00001"), "input"),)
    assert missing == (
        Unpriced("text_output_tokens", 5, output_reason),
        Unpriced("units.image", 3, IMAGE_REASON.replace("'n'", "this model")),
    )
    with pytest.raises(UnpricedUsageError) as info:
        bill_lines(Usage(units={"image": 3}), rates, strict=True, model="n")
    assert info.value.field == "units.image"
    assert str(info.value) == IMAGE_REASON


def test_compute_cost_is_strict_by_default_on_the_fast_path_too() -> None:
    # Plain usage (the fast path's kind) on rates with no output rate: refused by name.
    rates = Rates(input="1", cached_input="1", cache_write="1")
    with pytest.raises(UnpricedUsageError) as info:
        compute_cost(Usage(input_tokens=10, output_tokens=5), rates, "m", None)
    assert info.value.field == "text_output_tokens"
    # Without output tokens the missing output rate is never needed: 10 x $1/M.
    assert compute_cost(Usage(input_tokens=10), rates, "m", None).total == D("0.00001")
    cost = compute_cost(Usage(input_tokens=10, output_tokens=5), rates, "m", None, strict=False)
    assert (cost.total, [u.field for u in cost.unpriced]) == (D("0.00001"), ["text_output_tokens"])


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (1.5, "units['image'] must be a whole number or a Decimal, got float; pass a string or a Decimal"),
        (True, "units['image'] must be a whole number or a Decimal, got bool"),
        ([1], "units['image'] must be a whole number or a Decimal, got list"),
        (-1, "units['image'] must be between 0 and 1000000000000000, got -1"),
        (MAX_TOKENS + 1, "units['image'] must be between 0 and 1000000000000000, got 1000000000000001"),
        ("1E-19", "units['image'] has more than 18 decimal places: 1E-19"),
        ("x", "units['image']: 'x' is not a decimal number"),
    ],
)
def test_unit_quantities_are_refused_by_name(quantity: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("[", r"\[").replace("(", r"\(")):
        Usage(units={"image": quantity})


def test_unit_quantities_at_their_bounds() -> None:
    assert Usage(units={"image": MAX_TOKENS}).units == {"image": MAX_TOKENS}
    assert Usage(units={"image": "1E-18"}).units == {"image": D("1E-18")}
    assert Usage(units={"image": "2.000"}).units == {"image": 2}
    assert type(Usage(units={"image": "2.000"}).units["image"]) is int
    assert Usage(units={"image": 0}).units == {}  # a zero quantity is no quantity


def test_quantize_and_round_to_name_their_arguments() -> None:
    # 0.02575 half-up to cents: 0.03; each part rounded first (0.0014 -> 0.00 ... 0.02 -> 0.02).
    rounded = c1().quantize(rounding=ROUND_HALF_UP)
    assert (rounded.input, rounded.fees, rounded.total) == (D("0.00"), D("0.02"), D("0.02"))
    for call in (
        lambda: c1().quantize("cent", rounding=ROUND_HALF_UP),
        lambda: cc.round_to("1", "cent", rounding=ROUND_HALF_UP),
    ):
        with pytest.raises(InvalidInputError) as info:
            call()
        assert (info.value.field, str(info.value)) == ("exp", "exp: 'cent' is not a decimal number")
    with pytest.raises(InvalidInputError) as info:
        cc.round_to("one", rounding=ROUND_HALF_UP)
    assert (info.value.field, str(info.value)) == ("amount", "amount: 'one' is not a decimal number")


def test_rates_repr_and_values_show_only_what_is_published() -> None:
    assert repr(Rates(input="2", output="8")) == "Rates(input=Decimal('2'), output=Decimal('8'))"
    # A zero rate is published (free), unlike an absent one.
    assert repr(Rates(input="0")) == "Rates(input=Decimal('0'))"
    assert repr(Rates(units={"image": "0.04"})) == "Rates(units={'image': Decimal('0.04')})"
    # The token rates in field order, then the unit prices.
    assert list(R.values()) == [D(2), D("0.5"), D("2.5"), D(8), D("0.01")]
    assert list(Rates(output="0", cache_write_1h="4").values()) == [D(0), D(4)]


def test_usages_hash_by_tokens_and_units() -> None:
    same = Usage(
        input_tokens=1000,
        cached_input_tokens=200,
        cache_write_tokens=100,
        output_tokens=500,
        units={"web_search_call": 2},
    )
    assert hash(same) == hash(U1)
    assert len({U1, same, U2}) == 2
    assert hash(Usage(units={"image": 1})) != hash(Usage(units={"image": 2}))
    assert hash(Usage(units={"image": 1})) != hash(Usage(units={"audio_second": 1}))
    assert hash(Usage(input_tokens=1)) != hash(Usage(output_tokens=1))


def test_rates_per_token_are_the_rates_over_a_million() -> None:
    # $2/M = 0.000002 per token; $0.50/M = 5E-7; $2.50/M = 0.0000025; $8/M = 0.000008.
    assert R.per_token() == (D("0.000002"), D("5E-7"), D("0.0000025"), D("0.000008"))
    assert Rates(output="8").per_token() == (None, None, None, D("0.000008"))


@pytest.mark.parametrize("absent", ["input", "cached_input", "cache_write", "output"])
def test_a_missing_plain_rate_is_refused_by_name_even_for_plain_usage(absent: str) -> None:
    rates = Rates(
        **{name: "1" for name in ("input", "cached_input", "cache_write", "output") if name != absent}
    )
    usage = Usage(input_tokens=10, cached_input_tokens=3, cache_write_tokens=2, output_tokens=5)
    field = {
        "input": "text_input_tokens",
        "cached_input": "text_cached_input_tokens",
        "cache_write": "cache_write_tokens",
        "output": "text_output_tokens",
    }[absent]
    with pytest.raises(UnpricedUsageError) as info:
        compute_cost(usage, rates, "m", None)
    assert (info.value.field, info.value.model) == (field, "m")
    # strict=False: the other three kinds priced at $1/M. 5 uncached + 3 cached + 2 written + 5 output
    # = 15 tokens, less the missing kind's.
    cost = compute_cost(usage, rates, "m", None, strict=False)
    missing = {"input": 5, "cached_input": 3, "cache_write": 2, "output": 5}[absent]
    assert cost.total == D(15 - missing).scaleb(-6)
    assert [(u.field, u.quantity) for u in cost.unpriced] == [(field, missing)]


def test_a_missing_rate_skips_only_its_own_line() -> None:
    # No input rate: the output line (5 x $8/M = 0.00004) is still billed, and named for model 'n'.
    lines, missing = bill_lines(
        Usage(input_tokens=10, output_tokens=5), Rates(output="8"), strict=False, model="n"
    )
    assert lines == (Line("output", 5, D(8), M, D("0.00004"), "output"),)
    assert missing[0].reason.startswith("text_input_tokens is 10 but 'n' has no input rate in the catalog")
    # No price for audio_second (sorted first): the image line (2 x $0.04 = 0.08) is still billed.
    usage = Usage(units={"image": 2, "audio_second": 1})
    lines, missing = bill_lines(usage, Rates(units={"image": "0.04"}), strict=False, model="n")
    assert lines == (Line("image", 2, D("0.04"), 1, D("0.08"), "fees"),)
    assert [u.field for u in missing] == ["units.audio_second"]
    with pytest.raises(UnpricedUsageError) as info:
        bill_lines(usage, Rates(units={"image": "0.04"}), strict=True, model="n")
    assert (info.value.field, info.value.model) == ("units.audio_second", "n")


def test_unit_refusal_messages_end_where_they_should() -> None:
    with pytest.raises(ValidationError, match=r"got bool \[type=value_error"):
        Usage(units={"image": True})
    with pytest.raises(
        ValidationError, match=r"got float; pass a string or a Decimal \(floats are inexact\) \["
    ):
        Usage(units={"image": 1.5})


def test_amount_only_lines_and_thousands_in_unit_quantities_display() -> None:
    cost = Cost(input="1", total="1")
    assert "<tr><td>input</td><td></td><td>$1</td></tr>" in cost._repr_html_()
    # A Decimal quantity is shown as it is, without thousands separators: 1500.5 seconds.
    long = compute_cost(
        Usage(units={"audio_second": D("1500.5")}), Rates(units={"audio_second": "0.1"}), "w", None
    )
    assert "<td>1500.5 one second of audio</td><td>$150.05</td>" in long._repr_html_()


def test_costs_pickle_and_copy() -> None:
    # Spark and Dask workers send costs between processes: pickling must give the same cost back.
    import copy
    import pickle

    for cost in (c1(), c2(), cu(), c1() + c2()):
        assert pickle.loads(pickle.dumps(cost)) == cost
        assert copy.deepcopy(cost) == cost


def test_adding_costs_of_the_same_model_merges_their_parts() -> None:
    # Each has a 10-token part at $2/M (0.00002) as fees: the sum has one line of 20 tokens, 0.00004.
    part = compute_cost(Usage(input_tokens=10), R, "p", None)
    a = c2().with_part("tool", part)
    total = a + a
    assert total.extra_lines == (Line("tool: input", 20, D(2), M, D("0.00004"), "fees"),)
    assert total.usage == U2 * 2
    assert total.fees == D("0.00004")
