"""Pre-call estimates with reasoning inflation, calibration, and the public strategies."""

from __future__ import annotations

import itertools
import json
import math
import random
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import costcalc as cc
from costcalc.approximation import token_profile_for
from costcalc.reasoning import EFFORTS, builtin_profiles
from costcalc.testing import chat_messages, efforts, reasoning_models

D = Decimal
PROMPT = "Explain the difference between a list and a tuple in Python."


@pytest.fixture(scope="module")
def prompt_tokens(tiktoken_reference: Any) -> int:
    # The cookbook rule, with tiktoken's own encoder: 3 per message + "user" + the text + 3 priming.
    enc = tiktoken_reference("o200k_base")
    return 3 + len(enc.encode("user")) + len(enc.encode(PROMPT)) + 3


def test_the_same_prompt_on_three_models(prompt_tokens: int) -> None:
    assert prompt_tokens == 19
    # gpt-4.1 (2 / 8 per 1M) does not reason: 19 x 2 + 800 x 8 = 6,438 per 1M, one point.
    flat = cc.estimate(PROMPT, "gpt-4.1", output_tokens=800)
    assert flat.input_tokens == 19
    assert flat.reasoning_tokens == cc.Band[int](low=0, expected=0, high=0)
    assert flat.cost.low == flat.cost.expected == flat.cost.high
    assert flat.cost.expected.total == D("0.006438")
    # o4-mini (1.10 / 4.40) at medium: 1, 6 and 40 reasoning tokens per visible token.
    # low: 800 + 800 = 1,600 out; expected: 800 + 4,800 = 5,600; high: 800 + 32,000 = 32,800.
    o4 = cc.estimate(PROMPT, "o4-mini", output_tokens=800)
    assert o4.effort == "medium"
    assert (o4.output_tokens.low, o4.output_tokens.expected, o4.output_tokens.high) == (1_600, 5_600, 32_800)
    assert o4.cost.low.total == D("0.0070609")  # 19 x 1.1 + 1,600 x 4.4 = 7,060.9 per 1M
    assert o4.cost.expected.total == D("0.0246609")  # 19 x 1.1 + 5,600 x 4.4
    assert o4.cost.high.total == D("0.1443409")  # 19 x 1.1 + 32,800 x 4.4
    assert o4.ceiling is not None
    assert o4.ceiling.total == D("0.4400209")  # 19 x 1.1 + 100,000 (o4-mini's cap) x 4.4
    # gpt-5-mini (0.25 / 2) at medium, its default: the same token ranges, a quarter of the price per token.
    g5 = cc.estimate(PROMPT, "gpt-5-mini", output_tokens=800)
    assert g5.cost.expected.total == D("0.01120475")  # 19 x 0.25 + 5,600 x 2
    assert g5.cost.high.total == D("0.06560475")  # 19 x 0.25 + 32,800 x 2
    # The inflation: expected o4-mini cost is 3.8x gpt-4.1's for the same visible answer.
    assert o4.cost.expected.total / flat.cost.expected.total > 3


def test_effort_output_cap_and_ceiling() -> None:
    minimal = cc.estimate(PROMPT, "gpt-5-mini", output_tokens=800, reasoning_effort="minimal")
    assert minimal.reasoning_tokens.expected == 200  # 0.25 x 800
    capped = cc.estimate(
        PROMPT, "gpt-5-mini", output_tokens=800, reasoning_effort="high", max_output_tokens=4_000
    )
    # high: 2 / 15 / 100 per visible token -> 1,600 / 12,000 / 80,000 reasoning, cut at 4,000 in all.
    assert capped.output_tokens == cc.Band[int](low=2_400, expected=4_000, high=4_000)
    assert capped.reasoning_tokens == cc.Band[int](low=1_600, expected=4_000, high=4_000)
    assert capped.ceiling is not None
    assert capped.ceiling.total == capped.cost.high.total == D("0.00800475")  # 19 x 0.25 + 4,000 x 2
    with pytest.raises(ValueError, match="accepted efforts: minimal, low, medium, high"):
        cc.estimate(PROMPT, "gpt-5-mini", output_tokens=10, reasoning_effort="none")
    with pytest.raises(ValueError, match="not a reasoning model"):
        cc.estimate(PROMPT, "gpt-4.1", output_tokens=10, reasoning_effort="high")
    assert cc.estimate(PROMPT, "gpt-4.1", output_tokens=10, reasoning_effort="none").effort is None
    assert cc.estimate(PROMPT, "gpt-5.1", output_tokens=10).effort == "none"  # gpt-5.1 defaults to none


def test_estimate_checks_limits_and_inputs() -> None:
    with pytest.raises(cc.ContextWindowExceededError):
        cc.estimate(PROMPT, "gpt-4", output_tokens=100, max_output_tokens=8_190)
    with pytest.raises(cc.ContextWindowExceededError, match="output limit"):
        cc.estimate(PROMPT, "gpt-4.1", output_tokens=100, max_output_tokens=40_000)
    with pytest.raises(ValueError, match="exceed the output cap"):
        cc.estimate(PROMPT, "gpt-4.1", output_tokens=500, max_output_tokens=100)
    with pytest.raises(cc.InvalidInputError, match="output_tokens: must be"):
        cc.estimate(PROMPT, "gpt-4.1", output_tokens=-1)
    with pytest.raises(cc.InvalidInputError, match="max_output_tokens: must be"):
        cc.estimate(PROMPT, "gpt-4.1", output_tokens=1, max_output_tokens=0)
    with pytest.raises(ValueError, match="cached_input_tokens"):
        cc.estimate(PROMPT, "gpt-4.1", output_tokens=1, cached_input_tokens=20)
    cached = cc.estimate(PROMPT, "gpt-4.1", output_tokens=0, cached_input_tokens=19, tier="batch")
    assert cached.cost.expected.total == D("0.000019")  # 19 cached at the batch input rate 1.00


def test_approximate_counts_are_flagged_not_warned(recwarn: pytest.WarningsRecorder) -> None:
    est = cc.estimate(PROMPT, "claude-sonnet-4-5", output_tokens=100)
    assert not est.tokens_exact
    assert est.effort == "none"
    assert not [w for w in recwarn if issubclass(w.category, cc.ApproximateTokenCountWarning)]
    assert cc.estimate(PROMPT, "gpt-4o", output_tokens=1).tokens_exact


def test_estimate_json_round_trip() -> None:
    est = cc.estimate([{"role": "user", "content": PROMPT}], "o3", output_tokens=300, tier="flex")
    assert cc.Estimate.model_validate_json(est.model_dump_json()) == est


# -- properties -------------------------------------------------------------------------------------


@given(reasoning_models(), st.integers(0, 20_000), st.data())
def test_low_le_expected_le_high_le_ceiling(model: str, out: int, data: st.DataObject) -> None:
    info = cc.get_model(model)
    profile = builtin_profiles()[info.reasoning_profile or ""]
    effort = data.draw(st.sampled_from(profile.efforts))
    # The output cap is bounded by the published one and by the context window less room for the
    # prompt (some models publish an output cap as large as their whole window).
    room = (info.context_window or 201_000) - 1_000
    top = min(info.max_output_tokens or room, room)
    cap = data.draw(st.none() | st.integers(max(out, 1), top))
    assume(info.max_output_tokens is None or out <= info.max_output_tokens)
    est = cc.estimate(PROMPT, model, output_tokens=out, reasoning_effort=effort, max_output_tokens=cap)
    c = est.cost
    assert c.low.total <= c.expected.total <= c.high.total
    if est.ceiling is not None:
        assert c.high.total <= est.ceiling.total
    assert est.output_tokens.low <= est.output_tokens.expected <= est.output_tokens.high


@given(reasoning_models(), st.integers(0, 5_000), st.integers(1, 5_000), st.data())
def test_monotone_in_output_tokens_and_effort(model: str, out: int, more: int, data: st.DataObject) -> None:
    info = cc.get_model(model)
    profile = builtin_profiles()[info.reasoning_profile or ""]
    effort = data.draw(st.sampled_from(profile.efforts))
    a = cc.estimate(PROMPT, model, output_tokens=out, reasoning_effort=effort)
    b = cc.estimate(PROMPT, model, output_tokens=out + more, reasoning_effort=effort)
    for end in ("low", "expected", "high"):
        assert getattr(a.cost, end).total <= getattr(b.cost, end).total
    ordered = list(profile.efforts)
    for lower, higher in itertools.pairwise(ordered):
        x = cc.estimate(PROMPT, model, output_tokens=out, reasoning_effort=lower)
        y = cc.estimate(PROMPT, model, output_tokens=out, reasoning_effort=higher)
        for end in ("low", "expected", "high"):
            assert getattr(x.cost, end).total <= getattr(y.cost, end).total


# Chat models that bill input and output tokens and do not reason, each by a name that resolves
# to it (provider-qualified where the bare id is another provider's).
NON_REASONING = [
    f"{m.provider}/{m.id}"
    for m in cc.list_models(kind="chat")
    if not m.reasoning
    and m.prices[-1].standard.rates.input is not None
    and m.prices[-1].standard.rates.output is not None
]


@given(st.sampled_from(NON_REASONING), chat_messages(), st.integers(0, 2_000))
def test_non_reasoning_range_collapses(model: str, messages: list[dict[str, str]], out: int) -> None:
    info = cc.get_model(model)
    assume(info.max_output_tokens is None or out <= info.max_output_tokens)
    est = cc.estimate(messages, model, output_tokens=out)
    assert est.reasoning_tokens.high == 0
    base = cc.count_messages(messages, model, warn_approximate=False)
    if info.tokenizer_exact:
        assert est.cost.low == est.cost.expected == est.cost.high
        assert est.input_tokens == base
        assert est.input_tokens_range is None
    else:  # no public tokenizer: the prompt is a band, the only thing that widens the range
        band = token_profile_for(info)
        assert band is not None
        assert est.input_tokens_range is not None
        span = est.input_tokens_range
        assert (span.low, span.expected, span.high) == band.tokens(base)
        assert est.input_tokens == span.expected
        assert est.cost.low.output == est.cost.expected.output == est.cost.high.output
        assert est.cost.low.total <= est.cost.expected.total <= est.cost.high.total


# -- calibration ---------------------------------------------------------------------------------------


def _observed(ratio: float, n: int, seed: int) -> list[cc.Usage]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        visible = rng.randint(50, 2_000)
        reasoning = max(0, round(visible * ratio * rng.lognormvariate(0, 0.3)))
        out.append(
            cc.Usage(
                input_tokens=rng.randint(10, 5_000),
                output_tokens=visible + reasoning,
                reasoning_tokens=reasoning,
            )
        )
    return out


@given(st.sampled_from([0.5, 2.0, 6.4, 15.0]), st.integers(0, 10_000))
def test_calibration_recovers_a_known_ratio(ratio: float, seed: int) -> None:
    fitted = cc.calibrate(_observed(ratio, 400, seed), model="o4-mini", effort="medium")
    band = fitted.bands["medium"]
    # Median of a lognormal(0, 0.3) noise is 1; with 400 samples the sample median is within ~6%
    # (3 standard errors: 1.2533 x 0.3 / sqrt(400) x 3 = 0.056), plus rounding of small counts.
    assert abs(band.expected / D(str(ratio)) - 1) < D("0.08")
    assert band.low < band.expected < band.high
    assert band.observations == 400
    assert fitted.efforts == ("medium",)


def test_calibrated_profile_round_trips_and_drives_estimates() -> None:
    fitted = cc.calibrate(_observed(2.0, 200, 1), model="o4-mini", effort="high")
    again = cc.ReasoningProfile.model_validate_json(fitted.model_dump_json())
    assert again == fitted
    est = cc.estimate(PROMPT, "o4-mini", output_tokens=1_000, profile=again)
    assert est.effort == "high"
    band = fitted.bands["high"]
    assert est.reasoning_tokens.expected == math.ceil(band.expected * 1_000)
    assert json.loads(fitted.model_dump_json())["bands"]["high"]["observations"] == 200


def test_calibration_refuses_too_few_observations() -> None:
    with pytest.raises(cc.NotEnoughDataError, match="at least 30"):
        cc.calibrate(_observed(2.0, 29, 1), model="o4-mini")
    # Usages without visible output (cut off while reasoning) carry no ratio.
    cut = [cc.Usage(input_tokens=10, output_tokens=100, reasoning_tokens=100)] * 50
    with pytest.raises(cc.NotEnoughDataError, match="0 usages"):
        cc.calibrate(cut, model="o4-mini")
    with pytest.raises(ValueError, match="accepted efforts"):
        cc.calibrate(_observed(2.0, 50, 1), model="o4-mini", effort="minimal")
    with pytest.raises(ValueError, match="quantiles"):
        cc.calibrate(_observed(2.0, 50, 1), model="o4-mini", quantiles=(0.6, 0.9))


def test_profiles_validate() -> None:
    band = {"low": "1", "expected": "2", "high": "3", "evidence": "mine"}
    with pytest.raises(ValueError, match="default effort"):
        cc.ReasoningProfile(name="x", efforts=("low",), default="high", bands={"low": band})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="in order"):
        cc.ReasoningProfile(
            name="x", efforts=("high", "low"), default="low", bands={"low": band, "high": band}
        )  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="low <= expected <= high"):
        cc.EffortBand(low="3", expected="2", high="1", evidence="mine")
    with pytest.raises(ValueError, match="no band"):
        cc.ReasoningProfile(name="x", efforts=("low", "high"), default="low", bands={"low": band})  # type: ignore[dict-item]
    assert set(EFFORTS) >= {"none", "minimal", "low", "medium", "high"}


@given(efforts())
def test_effort_strategy_names_known_efforts(effort: str) -> None:
    assert effort in EFFORTS
