"""The decimal helpers pinned value by value: each refusal's type, field and message, each boundary.

Written against the mutants that survived the first mutation run (docs/testing.md, "Mutation
testing"): every number here is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

import costcalc as cc
from costcalc._money import decimal_field, exact_sum, parse_decimal, plain, quantize, tidy
from costcalc.errors import InvalidInputError

D = Decimal


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "price: expected a decimal number, got the boolean True"),
        (
            0.1,
            "price: got the float 0.1; floats cannot hold prices exactly, "
            "pass a string such as '0.1' or a Decimal",
        ),
        ([1], "price: expected str, int or Decimal, got list"),
        ("abc", "price: 'abc' is not a decimal number"),
        ("NaN", "price: 'NaN' is not a finite number"),
        ("-Infinity", "price: '-Infinity' is not a finite number"),
        ("1" * 101, "price: a number of 101 characters is not a price"),
    ],
)
def test_parse_decimal_refusals_name_the_field(value: Any, message: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        parse_decimal(value, "price")
    assert info.value.field == "price"
    assert str(info.value) == message


def test_parse_decimal_accepts_underscores_whitespace_and_exactly_100_characters() -> None:
    # Underscores are removed before parsing, all of them: "1__000.5" is 1000.5 (Decimal alone refuses "__").
    assert parse_decimal("1__000.5", "price") == D("1000.5")
    assert parse_decimal(" 2.25\n", "price") == D("2.25")
    # 100 digits once the underscore is gone (101 characters as typed): accepted, it is 10**99.
    assert parse_decimal("1_" + "0" * 99, "price") == D(10) ** 99
    assert parse_decimal(7, "price") == D(7)
    assert parse_decimal(D("0.5"), "price") == D("0.5")


def test_decimal_field_bounds_and_places() -> None:
    rate = decimal_field("rate", non_negative=True, places=2, below=10)
    assert rate("0") == 0  # zero is not negative
    assert rate("0.01") == D("0.01")  # two places, the limit
    assert rate("1.100") == D("1.100")  # trailing zeros are not places: 1.1
    assert rate("9.99") == D("9.99")  # just below 10
    with pytest.raises(ValueError, match=r"^a rate cannot be negative, got -0\.01$"):
        rate("-0.01")
    with pytest.raises(ValueError, match=r"^a rate must be below 10, got 10$"):
        rate("10")
    with pytest.raises(ValueError, match=r"^a rate has at most 2 decimal places, got 0\.001$"):
        rate("0.001")
    with pytest.raises(InvalidInputError) as info:
        rate("ten")
    assert (info.value.field, str(info.value)) == ("rate", "rate: 'ten' is not a decimal number")


def test_decimal_field_defaults_check_nothing_but_the_number() -> None:
    amount = decimal_field("amount")
    assert amount("-5") == D(-5)  # negative allowed unless asked
    assert amount("1E+30") == D("1E+30")  # no upper bound unless asked
    assert amount("0.123456789") == D("0.123456789")  # any number of places unless asked
    whole = decimal_field("count", places=0)
    assert whole("3") == D(3)  # exponent 0, not below -0
    assert whole("300") == D(300)  # 3E+2: a positive exponent is whole
    with pytest.raises(ValueError, match=r"^a count has at most 0 decimal places, got 0\.5$"):
        whole("0.5")
    # The bound is on the magnitude, and printed with thousands separators.
    big = decimal_field("multiplier", below=1_000_000_000)
    with pytest.raises(ValueError, match=r"^a multiplier must be below 1,000,000,000, got -1E\+9$"):
        big("-1E+9")


def test_quantize_refusals_name_the_argument() -> None:
    with pytest.raises(InvalidInputError) as info:
        quantize(D("1.5"), D("0.01"), "HALF_UP")
    assert info.value.field == "rounding"
    assert str(info.value) == (
        "rounding: unknown rounding mode 'HALF_UP'; use one of the decimal module's constants, "
        "e.g. decimal.ROUND_HALF_UP (ROUND_05UP, ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, "
        "ROUND_HALF_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP)"
    )
    with pytest.raises(InvalidInputError) as info:
        quantize(D("NaN"), D("0.01"), ROUND_HALF_UP)
    assert (info.value.field, str(info.value)) == (
        "amount",
        "amount: cannot round NaN: it is not a finite number",
    )
    with pytest.raises(InvalidInputError) as info:
        quantize(D("1"), D("Infinity"), ROUND_HALF_UP)
    assert (info.value.field, str(info.value)) == (
        "exp",
        "exp: the step to round to must be finite, got Infinity",
    )


def test_quantize_digit_limit_is_exactly_1000() -> None:
    # 0.5 to a step of 1E-998: max(adjusted -1, 0) + 998 + 2 = 1000 digits, the most allowed.
    half = quantize(D("0.5"), D("1E-998"), ROUND_HALF_UP)
    assert half == D("0.5")
    assert half.as_tuple().exponent == -998
    # 12.5 (adjusted 1) to 1E-997: 1 + 997 + 2 = 1000 digits, allowed too.
    assert quantize(D("12.5"), D("1E-997"), ROUND_HALF_UP) == D("12.5")
    with pytest.raises(InvalidInputError) as info:
        quantize(D("0.5"), D("1E-999"), ROUND_HALF_UP)
    assert (info.value.field, str(info.value)) == (
        "exp",
        "exp: rounding 0.5 to 1E-999 needs 1001 digits; the step is too small (at most 1000 digits)",
    )


def test_a_step_beyond_the_largest_exponent_is_refused_not_nan() -> None:
    # 1E+1000000 cannot be a quantum (exponents stop at 999999); this used to return Decimal('NaN').
    with pytest.raises(InvalidInputError) as info:
        cc.round_to("1", "1E+1000000", rounding=ROUND_HALF_UP)
    assert (info.value.field, str(info.value)) == (
        "exp",
        "exp: cannot round 1 to 1E+1000000: the step is out of range",
    )
    # The largest step that is a quantum: 1 rounds half-up to 0 of them.
    assert cc.round_to("1", "1E+999999", rounding=ROUND_HALF_UP) == 0


def test_exact_sum_sizes_its_precision_for_the_carries() -> None:
    assert exact_sum() == 0
    assert exact_sum(D(0), D("0.000")) == 0
    # Ten nines carry into a second digit: 90.
    assert exact_sum(*[D(9)] * 10) == D(90)
    # 0.01 + 1E+30: 31 digits, all kept.
    assert exact_sum(D("0.01"), D("1E+30")) == D("1000000000000000000000000000000.01")


@pytest.fixture
def tampered_default_context() -> Iterator[None]:
    """decimal.DefaultContext with exponents limited to +-10 (new contexts inherit what they omit)."""
    saved = (decimal.DefaultContext.Emin, decimal.DefaultContext.Emax)
    decimal.DefaultContext.Emin, decimal.DefaultContext.Emax = -10, 10
    try:
        yield
    finally:
        decimal.DefaultContext.Emin, decimal.DefaultContext.Emax = saved


@pytest.mark.usefixtures("tampered_default_context")
def test_money_ignores_a_tampered_default_context() -> None:
    # 1E+20 + 1E+20 = 2E+20, beyond an exponent limit of 10 but not beyond costcalc's own contexts.
    assert exact_sum(D("1E+20"), D("1E+20")) == D("2E+20")
    assert exact_sum(D("1E-20"), D("1E-20")) == D("2E-20")
    assert quantize(D("1E+20"), D("1E+20"), ROUND_HALF_UP) == D("1E+20")


def test_plain_and_tidy() -> None:
    assert plain(D("2E-8")) == "0.00000002"
    assert plain(D("1.50")) == "1.5"
    assert plain(D("1E+2")) == "100"
    assert tidy(D("0.019800000")) == D("0.0198")
    assert str(tidy(D("1E+2"))) == "100"
    assert str(tidy(D("5.0"))) == "5"  # adjusted 0: normalised, no exponent needed


def test_sums_of_amounts_with_positive_exponents_are_exact() -> None:
    # 5E+3 alone needs 4 digits once added to zero (5000); this used to raise decimal.Rounded.
    assert exact_sum(D("5E+3")) == D(5000)
    assert exact_sum(D("1E+20"), D("1E+20")) == D("2E+20")
    # A cost rounded to whole thousands: $4,600 half-up is $5,000, and so is its total.
    cost = cc.Cost(input="4600", output="0", total="4600")
    rounded = cost.quantize("1E+3", rounding=ROUND_HALF_UP)
    assert (rounded.input, rounded.total) == (D(5000), D(5000))
