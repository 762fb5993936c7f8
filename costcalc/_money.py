"""Decimal helpers: exact arithmetic that ignores the caller's decimal context.

Every operation on money goes through :data:`EXACT`, a private context with enough precision for
any bill this library can produce and with ``Inexact``/``Rounded`` trapped: if a result could not
be represented exactly, an error is raised instead of a silently rounded number. Rounding happens
only in :func:`quantize`, with the rounding mode named by the caller.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from decimal import Decimal
from typing import Final

__all__ = [
    "EXACT",
    "ROUNDING_MODES",
    "ZERO",
    "decimal_field",
    "exact_sum",
    "parse_decimal",
    "per_token",
    "plain",
    "quantize",
    "tidy",
]

EXACT: Final = decimal.Context(
    prec=200,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[
        decimal.InvalidOperation,
        decimal.DivisionByZero,
        decimal.Overflow,
        decimal.Underflow,
        decimal.Inexact,
        decimal.Rounded,
    ],
)
ZERO: Final = Decimal(0)

ROUNDING_MODES: Final = frozenset(
    {
        decimal.ROUND_CEILING,
        decimal.ROUND_DOWN,
        decimal.ROUND_FLOOR,
        decimal.ROUND_HALF_DOWN,
        decimal.ROUND_HALF_EVEN,
        decimal.ROUND_HALF_UP,
        decimal.ROUND_UP,
        decimal.ROUND_05UP,
    }
)


def parse_decimal(value: object, what: str) -> Decimal:
    """Turn a str, int or Decimal into a finite Decimal; refuse floats and everything else.

    Floats are refused because a binary float cannot hold most decimal prices exactly
    (``0.1`` is ``0.1000000000000000055511151231257827...``): pass the price as a string.
    Refusals are :class:`costcalc.errors.InvalidInputError` (a ValueError and a TypeError)
    naming ``what``.
    """
    from costcalc.errors import InvalidInputError

    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise InvalidInputError(f"expected a decimal number, got the boolean {value!r}", field=what)
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace("_", "")
        if len(text) > _MAX_TEXT:
            raise InvalidInputError(f"a number of {len(text)} characters is not a price", field=what)
        try:
            result = Decimal(text)
        except decimal.InvalidOperation:
            raise InvalidInputError(f"{value!r} is not a decimal number", field=what) from None
    elif isinstance(value, float):
        raise InvalidInputError(
            f"got the float {value!r}; floats cannot hold prices exactly, "
            f"pass a string such as {str(value)!r} or a Decimal",
            field=what,
        )
    else:
        raise InvalidInputError(f"expected str, int or Decimal, got {type(value).__name__}", field=what)
    if not result.is_finite():
        raise InvalidInputError(f"{value!r} is not a finite number", field=what)
    return result


#: Longest text accepted as a number (far beyond any price; keeps garbage out of Decimal).
_MAX_TEXT: Final = 100


def decimal_field(
    what: str, *, non_negative: bool = False, places: int | None = None, below: int | None = None
) -> Callable[[object], Decimal]:
    """A pydantic before-validator: :func:`parse_decimal` (its refusals are ValueErrors, which
    pydantic reports as validation errors), optionally refusing values < 0, with more than
    ``places`` decimal places, or of ``below`` or more."""

    def validate(value: object) -> Decimal:
        result = parse_decimal(value, what)
        if non_negative and result < 0:
            raise ValueError(f"a {what} cannot be negative, got {result}")
        if below is not None and result.copy_abs() >= below:
            raise ValueError(f"a {what} must be below {below:,}, got {result}")
        if places is not None:
            exponent = EXACT.normalize(result).as_tuple().exponent
            if isinstance(exponent, int) and exponent < -places:
                raise ValueError(f"a {what} has at most {places} decimal places, got {result}")
        return result

    return validate


def per_token(rate_per_million: Decimal) -> Decimal:
    """USD per token from USD per 1,000,000 tokens, exactly."""
    return EXACT.scaleb(rate_per_million, -6)


def quantize(value: Decimal, exp: Decimal, rounding: str) -> Decimal:
    """Round ``value`` to the exponent of ``exp`` (``Decimal("0.01")`` for cents) with ``rounding``.

    Computed in a context of its own, sized for the result, so neither the caller's context nor a
    very small ``exp`` can change or break it.
    """
    from costcalc.errors import InvalidInputError

    if not isinstance(rounding, str) or rounding not in ROUNDING_MODES:
        raise InvalidInputError(
            f"unknown rounding mode {rounding!r}; use one of the decimal module's constants, "
            f"e.g. decimal.ROUND_HALF_UP ({', '.join(sorted(ROUNDING_MODES))})",
            field="rounding",
        )
    if not value.is_finite():
        raise InvalidInputError(f"cannot round {value}: it is not a finite number", field="amount")
    if not exp.is_finite():
        raise InvalidInputError(f"the step to round to must be finite, got {exp}", field="exp")
    places = exp.as_tuple().exponent
    assert isinstance(places, int)  # finite, checked above
    digits = max(value.adjusted(), 0) - places + 2
    if digits > _MAX_DIGITS:
        raise InvalidInputError(
            f"rounding {value} to {exp} needs {digits} digits; the step is too small "
            f"(at most {_MAX_DIGITS} digits)",
            field="exp",
        )
    ctx = decimal.Context(
        prec=max(digits, 1), rounding=rounding, Emin=-999_999, Emax=999_999, traps=[decimal.InvalidOperation]
    )
    try:
        return value.quantize(exp, context=ctx)
    except decimal.InvalidOperation:
        # A step beyond the largest exponent (1E+1000000): the quantum cannot be represented.
        raise InvalidInputError(
            f"cannot round {value} to {exp}: the step is out of range", field="exp"
        ) from None


#: The most digits a rounded amount may have (a step of 1E-250 on a small amount is refused).
_MAX_DIGITS: Final = 1_000


def exact_sum(*values: Decimal) -> Decimal:
    """The exact sum of ``values``, however many digits it needs (rounded amounts can carry long
    runs of trailing zeros), in a context of its own."""
    finite = [v for v in values if v]
    if not finite:
        return ZERO
    top = max(v.adjusted() for v in finite) + len(finite)
    # The running total starts from ZERO, whose exponent is 0: the sum never has a larger one.
    bottom = min(0, *(int(v.as_tuple().exponent) for v in finite))
    ctx = decimal.Context(
        prec=max(top - bottom + 2, 1),
        Emin=-999_999,
        Emax=999_999,
        traps=[decimal.InvalidOperation, decimal.Inexact, decimal.Rounded, decimal.Overflow],
    )
    total = ZERO
    for v in finite:
        total = ctx.add(total, v)
    return total


def plain(value: Decimal) -> str:
    """``value`` as plain decimal text, never in exponent form (``0.00000002``, not ``2E-8``)."""
    return format(tidy(value), "f")


_ONE: Final = Decimal(1)

_normalize = EXACT.normalize


def tidy(value: Decimal) -> Decimal:
    """``value`` without trailing zeros (``0.0198``, not ``0.019800000``), exactly.

    Whole amounts of ten or more keep an exponent of 0 (``100``, not ``1E+2``).
    """
    reduced = _normalize(value)
    if reduced.adjusted() >= 1 and reduced == reduced.to_integral_value():
        return EXACT.quantize(reduced, _ONE)
    return reduced
