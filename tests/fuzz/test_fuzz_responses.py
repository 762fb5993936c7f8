"""Fuzz of the payload readers and estimates: damaged real payloads, junk, every option."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import costcalc as cc
from tests.fuzz.harness import FUZZ, GARBAGE, JSON, or_garbage, run
from tests.test_bill_lines import REAL

PAYLOADS = list(REAL.values())


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def damaged(draw: st.DrawFn) -> Any:
    payload = copy.deepcopy(draw(st.sampled_from(PAYLOADS)))
    for _ in range(draw(st.integers(0, 3))):
        paths = [p for p in _paths(payload) if p]
        path = draw(st.sampled_from(paths))
        parent = payload
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(JSON)
    return payload


@FUZZ
@given(
    st.one_of(damaged(), JSON, GARBAGE),
    st.one_of(st.none(), or_garbage(st.sampled_from(["gpt-4o", "claude-sonnet-4-5", "gemini-2.5-flash"]))),
    st.one_of(st.none(), or_garbage(st.sampled_from(cc.TIERS))),
    st.one_of(st.none(), or_garbage(st.sampled_from(["openai.chat", "anthropic", "gemini", "openai.batch"]))),
    st.booleans(),
)
def test_price_response(payload: Any, model: Any, tier: Any, shape: Any, strict: bool) -> None:
    kind, cost = run(lambda: cc.price_response(payload, model=model, tier=tier, shape=shape, strict=strict))
    if kind == "ok":
        assert cost.total >= 0
        assert strict is False or not cost.unpriced


@FUZZ
@given(st.one_of(damaged(), JSON, GARBAGE), st.booleans())
def test_usage_from_response(payload: Any, strict: bool) -> None:
    kind, usage = run(lambda: cc.usage_from_response(payload, strict=strict))
    if kind == "ok":
        assert isinstance(usage, cc.Usage)


MESSAGES = [
    [{"role": "user", "content": "Is 97 prime?"}],
    "Is 97 prime?",
    [{"role": "system", "content": ""}],
]


@FUZZ
@given(
    or_garbage(st.sampled_from(MESSAGES), [[], [{}], [{"role": 5}]]),
    or_garbage(st.sampled_from(["o4-mini", "gpt-4.1", "gpt-5-mini", "claude-sonnet-4-5"])),
    or_garbage(st.integers(0, 5_000), [-1, 10**16, True]),
    st.one_of(st.none(), or_garbage(st.sampled_from(["low", "medium", "high", "none"]))),
    st.one_of(st.none(), or_garbage(st.integers(1, 200_000), [0, -5])),
    or_garbage(st.sampled_from(cc.TIERS)),
    st.one_of(st.none(), or_garbage(st.just({}))),
)
def test_estimate(
    prompt: Any, model: Any, output: Any, effort: Any, cap: Any, tier: Any, profile: Any
) -> None:
    kind, est = run(
        lambda: cc.estimate(
            prompt,
            model,
            output_tokens=output,
            reasoning_effort=effort,
            max_output_tokens=cap,
            tier=tier,
            profile=profile,
        )
    )
    if kind == "ok":
        assert est.cost.low.total <= est.cost.expected.total <= est.cost.high.total
        if est.ceiling is not None:
            assert est.cost.high.total <= est.ceiling.total
