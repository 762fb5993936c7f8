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
    "parse_decimal",
    "per_token",
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
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise TypeError(f"{what}: expected a decimal number, got the boolean {value!r}")
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip().replace("_", ""))
        except decimal.InvalidOperation:
            raise ValueError(f"{what}: {value!r} is not a decimal number") from None
    elif isinstance(value, float):
        raise TypeError(
            f"{what}: got the float {value!r}; floats cannot hold prices exactly, "
            f"pass a string such as {str(value)!r} or a Decimal"
        )
    else:
        raise TypeError(f"{what}: expected str, int or Decimal, got {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"{what}: {value!r} is not a finite number")
    return result


def decimal_field(what: str, *, non_negative: bool = False) -> Callable[[object], Decimal]:
    """A pydantic before-validator: :func:`parse_decimal`, its refusals as ValueErrors (which
    pydantic reports as validation errors; TypeErrors it would not), optionally refusing < 0."""

    def validate(value: object) -> Decimal:
        try:
            result = parse_decimal(value, what)
        except TypeError as exc:
            raise ValueError(str(exc)) from None
        if non_negative and result < 0:
            raise ValueError(f"a {what} cannot be negative, got {result}")
        return result

    return validate


def per_token(rate_per_million: Decimal) -> Decimal:
    """USD per token from USD per 1,000,000 tokens, exactly."""
    return EXACT.scaleb(rate_per_million, -6)


def quantize(value: Decimal, exp: Decimal, rounding: str) -> Decimal:
    """Round ``value`` to the exponent of ``exp`` (``Decimal("0.01")`` for cents) with ``rounding``."""
    if rounding not in ROUNDING_MODES:
        raise ValueError(
            f"unknown rounding mode {rounding!r}; use one of the decimal module's constants, "
            f"e.g. decimal.ROUND_HALF_UP ({', '.join(sorted(ROUNDING_MODES))})"
        )
    ctx = decimal.Context(prec=200, rounding=rounding, traps=[decimal.InvalidOperation])
    return value.quantize(exp, context=ctx)


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
