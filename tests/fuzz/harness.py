"""What every fuzz test checks: a result or a typed error, the same under every decimal context.

``run(call)`` calls ``call`` under the default context and under an adversarial one (precision
3, rounding toward minus infinity, ``Inexact`` and ``Rounded`` trapped) and returns the outcome,
failing the test when:
- anything but a result or a :class:`costcalc.CostcalcError` comes out (a builtin exception is a
  bug: bad input gets a typed error naming what is wrong);
- the two outcomes differ (money must not depend on the caller's context);
- an error says nothing.

The example budget: ``COSTCALC_FUZZ_EXAMPLES`` (default 150 per test in CI); raise it for a
longer run: ``COSTCALC_FUZZ_EXAMPLES=5000 python -m pytest tests/fuzz -p no:cacheprovider``.
"""

from __future__ import annotations

import decimal
import os
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import costcalc as cc

EXAMPLES = int(os.environ.get("COSTCALC_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)

ADVERSARIAL = decimal.Context(
    prec=3,
    rounding=decimal.ROUND_FLOOR,
    traps=[decimal.Inexact, decimal.Rounded, decimal.InvalidOperation, decimal.DivisionByZero],
)

Outcome = tuple[str, Any]


def _outcome(call: Callable[[], Any]) -> Outcome:
    try:
        return ("ok", call())
    except cc.CostcalcError as exc:
        error: cc.CostcalcError = exc
    message = str(error)
    assert message.strip(), f"{type(error).__name__} with no message"
    return ("error", (type(error), message))


def run(call: Callable[[], Any]) -> Outcome:
    """The outcome of ``call``, checked to be the same under the caller's adversarial context."""
    reference = _outcome(call)
    with decimal.localcontext(ADVERSARIAL):
        again = _outcome(call)
    assert again == reference, f"context-dependent: {reference!r} vs {again!r}"
    return reference


# -- values, edges and garbage --------------------------------------------------------------------------

GARBAGE: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.binary(max_size=10),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.just(object()),
)

JSON: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**16), 10**16) | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


def or_garbage(valid: st.SearchStrategy[Any], edge: list[Any] | None = None) -> st.SearchStrategy[Any]:
    """Mostly ``valid`` values, then edge values, then garbage."""
    edges = st.sampled_from(edge) if edge else st.nothing()
    return st.one_of(valid, valid, valid, edges, GARBAGE)
