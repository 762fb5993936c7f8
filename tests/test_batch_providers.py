"""Batch jobs of every provider: Anthropic Message Batches and Gemini Batch files and SDK objects,
OpenAI's endpoints, detection per file, and the hostile-input findings of the batch code.

Every expected dollar amount is worked out by hand in a comment from the published rates in
costcalc/data/*.toml (USD per 1M tokens):

- claude-sonnet-4-5 batch: input 1.5, cache read 0.15, 5-minute write 1.875, 1-hour write 3,
  output 7.5; above 200,000 prompt tokens: 3, 0.3, 3.75, 6, 11.25. The cache multipliers
  (x0.1 read, x1.25 and x2 writes) stack on the batch price: 0.15 = 1.5 x 0.1, 1.875 = 1.5 x 1.25.
- claude-haiku-4-5 batch: input 0.5, cache read 0.05, 5-minute write 0.625, 1-hour write 1, output 2.5.
- gemini-2.5-flash batch: input 0.15, cached 0.15, output 1.25.
- gemini-2.5-pro batch: input 0.625, cached 0.625, output 5; above 200,000: 1.25, 1.25, 7.5.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import costcalc as cc

D = Decimal


def jsonl(path: Path, lines: list[Any]) -> Path:
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", encoding="utf-8"
    )
    return path


# -- Anthropic Message Batches: results --------------------------------------------------------------


def message(model: str, **usage: Any) -> dict[str, Any]:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": "..."}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": usage,
    }


CLAUDE_RESULTS: list[dict[str, Any]] = [
    {
        "custom_id": "s1",
        "result": {
            "type": "succeeded",
            "message": message(
                "claude-sonnet-4-5-20250929",
                input_tokens=1_000,
                cache_read_input_tokens=20_000,
                cache_creation_input_tokens=4_000,
                cache_creation={"ephemeral_5m_input_tokens": 3_000, "ephemeral_1h_input_tokens": 1_000},
                output_tokens=2_000,
                service_tier="batch",
            ),
        },
    },
    {
        "custom_id": "e1",
        "result": {
            "type": "errored",
            "error": {
                "type": "error",
                "error": {"type": "invalid_request_error", "message": "bad max_tokens"},
            },
        },
    },
    {
        "custom_id": "h1",
        "result": {
            "type": "succeeded",
            "message": message("claude-haiku-4-5", input_tokens=50_000, output_tokens=1_000),
        },
    },
    {"custom_id": "x1", "result": {"type": "expired"}},
    {"custom_id": "c1", "result": {"type": "canceled"}},
    {
        "custom_id": "long",
        "result": {
            "type": "succeeded",
            "message": message(
                "claude-sonnet-4-5", input_tokens=150_000, cache_read_input_tokens=60_000, output_tokens=1_000
            ),
        },
    },
    {
        "custom_id": "edge",
        "result": {
            "type": "succeeded",
            "message": message("claude-sonnet-4-5", input_tokens=200_000, output_tokens=0),
        },
    },
]
# s1: sonnet, a 25,000-token prompt (below 200,000): 1,000 x 1.5 + 20,000 x 0.15 + 3,000 x 1.875
#     + 1,000 x 3 + 2,000 x 7.5 = 1,500 + 3,000 + 5,625 + 3,000 + 15,000 = 28,125 -> $0.028125
# h1: haiku: 50,000 x 0.5 + 1,000 x 2.5 = 25,000 + 2,500 -> $0.0275
# long: sonnet, a 210,000-token prompt (over 200,000, cache reads included): the long-context
#     batch rates: 150,000 x 3 + 60,000 x 0.3 + 1,000 x 11.25 = 450,000 + 18,000 + 11,250 -> $0.47925
# edge: exactly 200,000 is not over the threshold: 200,000 x 1.5 -> $0.30
CLAUDE_COSTS = {"s1": D("0.028125"), "h1": D("0.0275"), "long": D("0.47925"), "edge": D("0.3")}
CLAUDE_TOTAL = D("0.834875")  # 0.028125 + 0.0275 + 0.47925 + 0.3
CLAUDE_FAILED = [("e1", "errored"), ("x1", "expired"), ("c1", "canceled")]


def check_claude(cost: cc.BatchCost) -> None:
    assert {r.custom_id: r.cost for r in cost.rows} == CLAUDE_COSTS
    assert cost.total == CLAUDE_TOTAL
    assert cost.file_format == "Anthropic Message Batches"
    assert [(f.custom_id, f.status) for f in cost.failed] == CLAUDE_FAILED
    assert cost.failed[0].reason == "invalid_request_error: bad max_tokens"
    assert cost.errors == []
    assert cost.per_model["claude-sonnet-4-5"].expected == D("0.807375")  # 0.028125 + 0.47925 + 0.3


def test_anthropic_results_file(tmp_path: Path) -> None:
    check_claude(cc.price_batch_output(jsonl(tmp_path / "results.jsonl", CLAUDE_RESULTS)))
    check_claude(cc.price_batch_output(CLAUDE_RESULTS))


def test_anthropic_results_as_sdk_objects() -> None:
    from anthropic.types import CacheCreation, Message, TextBlock, Usage
    from anthropic.types.messages import (
        MessageBatchCanceledResult,
        MessageBatchErroredResult,
        MessageBatchExpiredResult,
        MessageBatchIndividualResponse,
        MessageBatchSucceededResult,
    )
    from anthropic.types.shared import ErrorResponse, InvalidRequestError

    def succeeded(cid: str, model: str, **usage: Any) -> MessageBatchIndividualResponse:
        msg = Message(
            id="msg_1",
            type="message",
            role="assistant",
            model=model,
            content=[TextBlock(type="text", text="...")],
            stop_reason="end_turn",
            stop_sequence=None,
            usage=Usage(**usage),
        )
        return MessageBatchIndividualResponse(
            custom_id=cid, result=MessageBatchSucceededResult(type="succeeded", message=msg)
        )

    objects = [
        succeeded(
            "s1",
            "claude-sonnet-4-5-20250929",
            input_tokens=1_000,
            cache_read_input_tokens=20_000,
            cache_creation_input_tokens=4_000,
            cache_creation=CacheCreation(ephemeral_5m_input_tokens=3_000, ephemeral_1h_input_tokens=1_000),
            output_tokens=2_000,
        ),
        MessageBatchIndividualResponse(
            custom_id="e1",
            result=MessageBatchErroredResult(
                type="errored",
                error=ErrorResponse(
                    type="error",
                    error=InvalidRequestError(type="invalid_request_error", message="bad max_tokens"),
                    request_id=None,
                ),
            ),
        ),
        succeeded("h1", "claude-haiku-4-5", input_tokens=50_000, output_tokens=1_000),
        MessageBatchIndividualResponse(custom_id="x1", result=MessageBatchExpiredResult(type="expired")),
        MessageBatchIndividualResponse(custom_id="c1", result=MessageBatchCanceledResult(type="canceled")),
        succeeded(
            "long",
            "claude-sonnet-4-5",
            input_tokens=150_000,
            cache_read_input_tokens=60_000,
            output_tokens=1_000,
        ),
        succeeded("edge", "claude-sonnet-4-5", input_tokens=200_000, output_tokens=0),
    ]
    check_claude(cc.price_batch_output(objects))
    # One of them alone, through price_response: the batch tier, the same dollars.
    assert cc.price_response(objects[0]).total == D("0.028125")


# -- Gemini Batch: results ---------------------------------------------------------------------------


def gemini_response(model: str | None, **usage: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "candidates": [{"content": {"role": "model", "parts": [{"text": "..."}]}, "finishReason": "STOP"}],
        "usageMetadata": usage,
    }
    if model is not None:
        body["modelVersion"] = model
    return body


GEMINI_OUTPUT: list[dict[str, Any]] = [
    {
        "key": "g1",
        "response": gemini_response(
            "gemini-2.5-flash", promptTokenCount=10_000, candidatesTokenCount=500, thoughtsTokenCount=1_500
        ),
    },
    {
        "key": "g2",
        "response": gemini_response(
            None, promptTokenCount=8_000, cachedContentTokenCount=6_000, candidatesTokenCount=100
        ),
    },
    {"key": "g3", "error": {"code": 429, "message": "Resource exhausted", "status": "RESOURCE_EXHAUSTED"}},
]
# g1: flash, thinking billed as output: 10,000 x 0.15 + (500 + 1,500) x 1.25 = 1,500 + 2,500 -> $0.004
# g2: names no model: the job's (model=). 2,000 x 0.15 + 6,000 cached x 0.03 (Gemini's batch
#     context caching is "same as standard", 0.03) + 100 x 1.25 = 300 + 180 + 125 -> $0.000605
GEMINI_COSTS = {"g1": D("0.004"), "g2": D("0.000605")}


def test_gemini_output_file(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "output.jsonl", GEMINI_OUTPUT)
    cost = cc.price_batch_output(path, model="gemini-2.5-flash")
    assert {r.custom_id: r.cost for r in cost.rows} == GEMINI_COSTS
    assert cost.total == D("0.004605")
    assert [(f.custom_id, f.status, f.reason) for f in cost.failed] == [
        ("g3", "errored", "RESOURCE_EXHAUSTED: Resource exhausted")
    ]
    # Without model=, the line that names none is that line's error (the others are priced).
    alone = cc.price_batch_output(path)
    assert [r.custom_id for r in alone.rows] == ["g1"]
    assert alone.errors[0].custom_id == "g2"
    assert "pass model=" in alone.errors[0].reason


def test_gemini_long_context_lines() -> None:
    lines = [
        {
            "key": "long",
            "response": gemini_response(
                "gemini-2.5-pro", promptTokenCount=250_000, candidatesTokenCount=2_000
            ),
        },
        {"key": "edge", "response": gemini_response("gemini-2.5-pro", promptTokenCount=200_000)},
        {"key": "over", "response": gemini_response("gemini-2.5-pro", promptTokenCount=200_001)},
    ]
    cost = cc.price_batch_output(lines)
    # long: over 200,000: 250,000 x 1.25 + 2,000 x 7.5 = 312,500 + 15,000 -> $0.3275
    # edge: at 200,000 the standard batch rate: 200,000 x 0.625 -> $0.125
    # over: one token over, every token at the long rate: 200,001 x 1.25 -> $0.25000125
    assert {r.custom_id: r.cost for r in cost.rows} == {
        "long": D("0.3275"),
        "edge": D("0.125"),
        "over": D("0.25000125"),
    }


def test_gemini_inlined_responses_as_sdk_objects() -> None:
    from google.genai import types

    def inlined(key: str | None, model: str | None, **usage: Any) -> types.InlinedResponse:
        response = types.GenerateContentResponse(
            usage_metadata=types.GenerateContentResponseUsageMetadata(**usage), model_version=model
        )
        return types.InlinedResponse(response=response, metadata={"key": key} if key else None)

    objects = [
        inlined(
            "g1",
            "gemini-2.5-flash",
            prompt_token_count=10_000,
            candidates_token_count=500,
            thoughts_token_count=1_500,
        ),
        inlined(
            "g2", None, prompt_token_count=8_000, cached_content_token_count=6_000, candidates_token_count=100
        ),
        types.InlinedResponse(
            error=types.JobError(code=429, message="Resource exhausted"), metadata={"key": "g3"}
        ),
    ]
    cost = cc.price_batch_output(objects, model="gemini-2.5-flash")
    assert {r.custom_id: r.cost for r in cost.rows} == GEMINI_COSTS
    assert [(f.custom_id, f.status) for f in cost.failed] == [("g3", "errored")]
    # Inline responses without a metadata key are known by their position.
    anonymous = [
        inlined(None, "gemini-2.5-flash", prompt_token_count=10_000, candidates_token_count=2_000)
    ] * 2
    assert [r.custom_id for r in cc.price_batch_output(anonymous).rows] == ["#1", "#2"]
    # The bare inner responses of a batch job are the batch tier too (standard would be twice as much).
    bare = cc.price_batch_output([o.response for o in objects[:2]], model="gemini-2.5-flash")
    assert bare.total == D("0.004605")  # the same two responses as test_gemini_output_file
    assert cc.price_response(objects[0].response).total == 2 * D("0.004")  # alone: the standard tier


# -- Anthropic and Gemini requests: approximate estimates ----------------------------------------------

POLICY = "Refunds within 30 days. " * 50


def test_anthropic_request_estimates_by_hand() -> None:
    # o200k_base counts (costcalc.count_tokens with gpt-4o): the texts of the two requests.
    for text, n in [
        ("Be brief.", 3),
        ("Summarise our refund policy.", 7),
        (POLICY, 351),
        ("Which section covers refunds?", 5),
    ]:
        assert cc.count_tokens(text, "gpt-4o") == n
    requests = [
        {
            "custom_id": "r1",
            "params": {
                "model": "claude-sonnet-4-5",
                "max_tokens": 1_000,
                "system": "Be brief.",
                "messages": [{"role": "user", "content": "Summarise our refund policy."}],
            },
        },
        {
            "custom_id": "r2",
            "params": {
                "model": "claude-haiku-4-5",
                "max_tokens": 4_000,
                "thinking": {"type": "enabled", "budget_tokens": 2_048},
                "system": [
                    {"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral", "ttl": "1h"}}
                ],
                "messages": [
                    {"role": "user", "content": [{"type": "text", "text": "Which section covers refunds?"}]}
                ],
            },
        },
    ]
    est = cc.estimate_batch(requests, output_tokens=300, reasoning_effort="high")
    assert est.file_format == "Anthropic Message Batches"
    assert not est.tokens_exact
    r1, r2 = est.rows
    # r1: base = (3 + 3 system) + (3 + 7 user) + 3 priming = 19 o200k tokens; the Claude band
    #     1.05 / 1.20 / 1.40 rounds up to 20 / 23 / 27. No thinking: effort "none" (the request's
    #     own word beats reasoning_effort="high"). Sonnet batch 1.5 / 7.5, 300 visible tokens:
    #     low 20 x 1.5 + 300 x 7.5 = 2,280; expected 23 x 1.5 + 2,250 = 2,284.5;
    #     high 27 x 1.5 + 2,250 = 2,290.5; ceiling 27 x 1.5 + 1,000 x 7.5 = 7,540.5 (millionths of $)
    assert (r1.input_tokens, r1.effort, r1.tokens_exact) == (23, "none", False)
    assert (r1.low, r1.expected, r1.high, r1.ceiling) == (
        D("0.00228"),
        D("0.0022845"),
        D("0.0022905"),
        D("0.0075405"),
    )
    # r2: base = (3 + 351 system, cached for an hour up to here: 354) + (3 + 5) + 3 = 365; band
    #     ceil(365 x 1.05 / 1.20 / 1.40) = 384 / 438 / 511; the cacheable 354 of 365 scale to
    #     ceil(354 x 384 / 365) = 373, ceil(354 x 438 / 365) = 425, ceil(354 x 511 / 365) = 496.
    #     A 2,048-token thinking budget is effort "low": 0.5 / 2 / 10 reasoning per visible token,
    #     so 300 visible bill 450 / 900 / 3,300 output tokens (cap 4,000). Haiku batch 0.5 input,
    #     0.05 cache read, 1 for 1-hour writes, 2.5 output:
    #     low (cache read):  11 x 0.5 + 373 x 0.05 + 450 x 2.5 = 5.5 + 18.65 + 1,125 = 1,149.15
    #     expected (plain):  438 x 0.5 + 900 x 2.5 = 219 + 2,250 = 2,469
    #     high (1h writes):  15 x 0.5 + 496 x 1 + 3,300 x 2.5 = 7.5 + 496 + 8,250 = 8,753.5
    #     ceiling:           7.5 + 496 + 4,000 x 2.5 = 10,503.5
    assert (r2.input_tokens, r2.effort, r2.output_cap) == (438, "low", 4_000)
    assert (r2.low, r2.expected, r2.high, r2.ceiling) == (
        D("0.00114915"),
        D("0.002469"),
        D("0.0087535"),
        D("0.0105035"),
    )
    assert est.ceiling == D("0.0075405") + D("0.0105035")


def test_gemini_request_estimate_by_hand() -> None:
    assert cc.count_tokens("Is 1,234,567 prime?", "gpt-4o") == 9
    line = {
        "key": "q1",
        "request": {
            "contents": [{"role": "user", "parts": [{"text": "Is 1,234,567 prime?"}]}],
            "generationConfig": {"maxOutputTokens": 1_000, "thinkingConfig": {"thinkingBudget": 0}},
        },
    }
    with pytest.raises(cc.InvalidInputError, match="pass model=") as info:
        cc.estimate_batch([line], output_tokens=300)
    assert info.value.field == "model"
    est = cc.estimate_batch([line], output_tokens=300, model="gemini-2.5-flash")
    row = est.rows[0]
    # base 9 o200k tokens; the Gemini band 0.90 / 1.08 / 1.30 rounds up to 9 / 10 / 12. A thinking
    # budget of 0 is effort "none". Flash batch 0.15 / 1.25, 300 visible tokens:
    # low 9 x 0.15 + 300 x 1.25 = 376.35; expected 10 x 0.15 + 375 = 376.5; high 12 x 0.15 + 375 =
    # 376.8; ceiling 12 x 0.15 + 1,000 x 1.25 = 1,251.8 (millionths of $)
    assert (row.custom_id, row.input_tokens, row.effort) == ("q1", 10, "none")
    assert (row.low, row.expected, row.high, row.ceiling) == (
        D("0.00037635"),
        D("0.0003765"),
        D("0.0003768"),
        D("0.0012518"),
    )
    # The same request as an SDK InlinedRequest, naming its model: no model= needed.
    from google.genai import types

    inline = types.InlinedRequest(
        model="models/gemini-2.5-flash",
        contents=[types.Content(role="user", parts=[types.Part(text="Is 1,234,567 prime?")])],
        config=types.GenerateContentConfig(
            max_output_tokens=1_000, thinking_config=types.ThinkingConfig(thinking_budget=0)
        ),
    )
    sdk = cc.estimate_batch([inline, inline], output_tokens=300)
    assert [(r.custom_id, r.expected) for r in sdk.rows] == [("#1", D("0.0003765")), ("#2", D("0.0003765"))]


def test_ceiling_holds_under_the_band() -> None:
    # The ceiling prices the band's high end: a provider count at the high ratio, with the whole
    # cap billed, is at most the ceiling; one token above the band's high end is not.
    text = ("word " * 994).strip()  # 994 o200k tokens
    request = {
        "custom_id": "a",
        "params": {
            "model": "claude-sonnet-4-5",
            "max_tokens": 500,
            "messages": [{"role": "user", "content": text}],
        },
    }
    est = cc.estimate_batch([request], output_tokens=100)
    assert cc.count_tokens(text, "gpt-4o") + 3 + 3 == 1_000  # the base: the message rule adds 3 + 3
    high_count = 1_400  # 1,000 x 1.40
    worst = cc.price(
        cc.Usage(input_tokens=high_count, output_tokens=500), model="claude-sonnet-4-5", tier="batch"
    )
    assert worst.total == est.ceiling  # 1,400 x 1.5 + 500 x 7.5 = 2,100 + 3,750 = 5,850 -> $0.00585
    assert est.ceiling == D("0.00585")
    beyond = cc.price(
        cc.Usage(input_tokens=high_count + 1, output_tokens=500), model="claude-sonnet-4-5", tier="batch"
    )
    assert beyond.total > est.ceiling


def test_calibrate_tokens_fits_the_band_from_billed_counts() -> None:
    from costcalc.providers import anthropic

    info = cc.get_model("claude-sonnet-4-5")
    requests = [
        {
            "model": "claude-sonnet-4-5",
            "max_tokens": 100,
            "messages": [{"role": "user", "content": "refund " * (20 * i)}],
        }
        for i in range(1, 13)
    ]
    bases = [anthropic.count_request("/v1/messages", r, info, None).input_tokens for r in requests]
    # Billed counts 1.25x the base (rounded up), the first one 1.30x.
    billed = [-(-b * 13 // 10) if i == 0 else -(-b * 5 // 4) for i, b in enumerate(bases)]
    ratios = [Fraction(t, b) for t, b in zip(billed, bases, strict=True)]
    profile = cc.calibrate_tokens(zip(requests, billed, strict=True), model="claude-sonnet-4-5")
    assert profile.model == "claude-sonnet-4-5"
    assert profile.observations == 12
    # The band covers every observation (rounded outwards to 4 places); expected is the ratio of
    # the sums, rounded half-even to 4 places.
    assert profile.low <= min(ratios)
    assert profile.high >= max(ratios) >= Fraction(13, 10)
    assert profile.high - Decimal("0.0001") < max(ratios)
    assert profile.expected == (Decimal(sum(billed)) / Decimal(sum(bases))).quantize(Decimal("0.0001"))
    assert cc.TokenProfile.model_validate_json(profile.model_dump_json()) == profile
    line = {"custom_id": "x", "params": requests[5]}
    est = cc.estimate_batch([line], output_tokens=10, token_profile=profile)
    base = bases[5]
    assert est.rows[0].input_tokens == profile.tokens(base)[1]
    # A profile for another model leaves this one on its family's band.
    other = profile.model_copy(update={"model": "claude-haiku-4-5"})
    assert cc.estimate_batch([line], output_tokens=10, token_profile=other).rows[0].input_tokens == -(
        -base * 6 // 5
    )
    # Batch lines and Usage objects are accepted too; too few pairs, or an exact model, are refused.
    pairs = [
        ({"custom_id": "a", "params": r}, cc.Usage(input_tokens=b))
        for r, b in zip(requests, billed, strict=True)
    ]
    assert cc.calibrate_tokens(pairs, model="claude-sonnet-4-5") == profile.model_copy(
        update={"checked": profile.checked}
    )
    with pytest.raises(cc.NotEnoughDataError):
        cc.calibrate_tokens(pairs[:3], model="claude-sonnet-4-5")
    with pytest.raises(cc.InvalidInputError, match="exactly"):
        cc.calibrate_tokens(pairs, model="gpt-4o")
    # estimate() takes the profile too: the same band for the same model.
    single = cc.estimate("hello there", "claude-sonnet-4-5", output_tokens=10, token_profile=profile)
    assert single.input_tokens_range is not None
    assert single.tokens_evidence is not None
    assert "calibrated" in single.tokens_evidence


# -- OpenAI endpoints ---------------------------------------------------------------------------------


def openai_line(cid: str, url: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"custom_id": cid, "method": "POST", "url": url, "body": body}


def test_openai_endpoints_and_models_that_do_not_fit_them() -> None:
    lines = [
        openai_line("mod", "/v1/moderations", {"input": "is this fine?"}),  # the default moderation model
        openai_line("emb-chat", "/v1/embeddings", {"model": "gpt-4.1-mini", "input": "hello"}),
        openai_line(
            "chat-emb",
            "/v1/chat/completions",
            {"model": "text-embedding-3-small", "messages": [{"role": "user", "content": "hi"}]},
        ),
        openai_line(
            "cmp", "/v1/completions", {"model": "gpt-4o-mini", "prompt": ["a", "b"], "max_tokens": 50}
        ),
        openai_line(
            "two",
            "/v1/chat/completions",
            {
                "model": "gpt-4.1-mini",
                "n": 2,
                "max_tokens": 100,
                "messages": [{"role": "user", "content": "hi"}],
            },
        ),
        openai_line(
            "claude",
            "/v1/chat/completions",
            {"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": "hi"}]},
        ),
    ]
    est = cc.estimate_batch(lines, output_tokens=40)
    reasons = {e.custom_id: e.reason for e in est.errors}
    assert "is a chat model; /v1/embeddings takes embedding models" in reasons["emb-chat"]
    assert "is an embedding model; /v1/chat/completions takes chat" in reasons["chat-emb"]
    assert "runs in an Anthropic Message Batches file" in reasons["claude"]  # never a silent o200k count
    rows = {r.custom_id: r for r in est.rows}
    # Moderation is free (input 0): nothing billed, no output.
    assert (rows["mod"].model, rows["mod"].expected, rows["mod"].visible_output_tokens) == (
        "omni-moderation-latest",
        0,
        0,
    )
    # Completions: two prompts are two completions, each up to 40 visible tokens (cap 50 each);
    # gpt-4o-mini batch 0.075 / 0.30: the ceiling bills 2 x 50 output tokens.
    cmp = rows["cmp"]
    assert cmp.input_tokens == 2  # "a" and "b", one token each
    assert cmp.expected == (2 * D("0.075") + 80 * D("0.3")) / 1_000_000  # 0.15 + 24 = 24.15 millionths
    assert cmp.ceiling == (2 * D("0.075") + 100 * D("0.3")) / 1_000_000
    # n = 2 answers bill twice the output: gpt-4.1-mini batch 0.20 / 0.80.
    two = rows["two"]
    assert two.expected == (two.input_tokens * D("0.2") + 2 * 40 * D("0.8")) / 1_000_000
    assert two.ceiling == (two.input_tokens * D("0.2") + 2 * 100 * D("0.8")) / 1_000_000


def test_input_only_requests_never_bill_output() -> None:
    line = openai_line("e", "/v1/embeddings", {"model": "text-embedding-3-small", "input": "hello world"})
    row = cc.estimate_batch([line], output_tokens=500).rows[0]
    # 2 tokens x 0.01 (batch), no output whatever output_tokens says: its cost is its own ceiling.
    assert row.visible_output_tokens == 0
    assert row.low == row.expected == row.high == row.ceiling == D("0.00000002")
    with pytest.raises(cc.InvalidInputError, match="bills input only"):
        cc.estimate("hello world", "text-embedding-3-small", output_tokens=5)
    assert cc.estimate("hello world", "text-embedding-3-small", output_tokens=0).ceiling is not None
    # Priced output on an embedding model raises: it has no output rate.
    with pytest.raises(cc.UnpricedUsageError, match="no output rate"):
        cc.price(cc.Usage(input_tokens=10, output_tokens=5), model="text-embedding-3-small")


# -- detection per file --------------------------------------------------------------------------------


def test_the_wrong_kind_of_file_and_no_batch_file_are_errors(tmp_path: Path) -> None:
    requests = Path(__file__).parents[1] / "examples" / "batch_requests.jsonl"
    with pytest.raises(cc.BatchFileError, match="request \\(input\\) file; price_batch_output prices"):
        cc.price_batch_output(requests)
    with pytest.raises(cc.BatchFileError, match="results \\(output\\) file; estimate_batch estimates"):
        cc.estimate_batch(CLAUDE_RESULTS, output_tokens=10)
    logs = jsonl(tmp_path / "log.jsonl", [{"model": "gpt-4o", "usage": {"input_tokens": 1}}] * 3)
    with pytest.raises(cc.BatchFileError, match="not a batch file of any provider") as info:
        cc.price_batch_output(logs)
    assert [e.line for e in info.value.errors] == [1, 2, 3]
    csv = tmp_path / "costs.csv"
    csv.write_text("model,cost\ngpt-4o,1\n", encoding="utf-8")
    with pytest.raises(cc.BatchFileError, match="not a batch file"):
        cc.estimate_batch(csv, output_tokens=10)
    assert cc.price_batch_output([]).requests == 0  # an empty file is an empty batch
    # After the first batch line, a line of another format is that line's error.
    mixed = [CLAUDE_RESULTS[0], GEMINI_OUTPUT[0], CLAUDE_RESULTS[2]]
    cost = cc.price_batch_output(mixed)
    assert [r.custom_id for r in cost.rows] == ["s1", "h1"]
    assert cost.errors[0].line == 2
    assert "not an Anthropic Message Batches result line" in cost.errors[0].reason


def test_duplicate_ids_are_reported_in_every_format() -> None:
    claude = cc.price_batch_output([CLAUDE_RESULTS[0], CLAUDE_RESULTS[0]])
    assert [(e.line, e.reason) for e in claude.errors] == [(2, "duplicate custom_id 's1' (first on line 1)")]
    assert claude.total == D("0.028125")
    gemini = cc.price_batch_output([GEMINI_OUTPUT[0], GEMINI_OUTPUT[0]])
    assert gemini.errors[0].reason == "duplicate key 'g1' (first on line 1)"
    line = {"key": "q", "request": {"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}}
    est = cc.estimate_batch([line, line], output_tokens=5, model="gemini-2.5-flash")
    assert est.errors[0].reason == "duplicate key 'q' (first on line 1)"
    assert est.requests == 1


# -- the hostile-input findings (#15) in the batch code ------------------------------------------------

GOOD = openai_line(
    "ok", "/v1/chat/completions", {"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": "hi"}]}
)


def test_reconcile_reports_duplicate_ids_instead_of_keeping_the_last() -> None:
    est = cc.estimate_batch([GOOD], output_tokens=10)
    out = {
        "custom_id": "ok",
        "response": {
            "status_code": 200,
            "body": {
                "object": "chat.completion",
                "model": "gpt-4.1-mini",
                "usage": {"prompt_tokens": 10, "completion_tokens": 5},
            },
        },
    }
    actual = cc.price_batch_output([out])
    doubled = actual.model_copy(update={"rows": actual.rows * 2})  # two results files concatenated
    rec = cc.reconcile(est, doubled)
    assert rec.duplicates == ["ok"]
    assert rec.rows == []  # neither line's cost is matched to the estimate
    assert rec.actual == 0
    assert cc.reconcile(est, actual).duplicates == []
    with pytest.raises(cc.InvalidInputError, match="kept no rows"):
        cc.reconcile(cc.estimate_batch([GOOD], output_tokens=10, keep_rows=False), actual)


def test_a_byte_order_mark_does_not_spoil_line_1(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode() + b"\n")
    assert cc.estimate_batch(path, output_tokens=10).errors == []
    with path.open(encoding="utf-8") as handle:  # a text handle shows the mark as U+FEFF
        assert cc.estimate_batch(handle, output_tokens=10).requests == 1


def test_any_error_on_a_line_is_that_lines_error() -> None:
    tools = [
        {
            "type": "function",
            "function": {"name": "f", "parameters": {"type": "object", "properties": [1, 2]}},
        }
    ]
    bad_tools = openai_line(
        "tools",
        "/v1/chat/completions",
        {"model": "gpt-4.1-mini", "tools": tools, "messages": [{"role": "user", "content": "x"}]},
    )

    def explode(body: Any) -> int:
        raise RuntimeError("a bug in the caller's function")

    est = cc.estimate_batch([GOOD, bad_tools, GOOD | {"custom_id": "ok2"}], output_tokens=10)
    assert [r.custom_id for r in est.rows] == ["ok", "ok2"]
    assert [(e.line, e.custom_id) for e in est.errors] == [(2, "tools")]
    failing = cc.estimate_batch([GOOD], output_tokens=explode)
    assert failing.errors[0].reason == "RuntimeError: a bug in the caller's function"


def test_a_line_that_is_not_utf8_is_that_lines_error() -> None:
    raw = (
        json.dumps(GOOD).encode()
        + b"\n"
        + b'{"custom_id": "\xff"}\n'
        + json.dumps(GOOD | {"custom_id": "b"}).encode()
    )
    for source in (io.BytesIO(raw), io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")):
        est = cc.estimate_batch(source, output_tokens=10)
        assert [r.custom_id for r in est.rows] == ["ok", "b"]
        assert est.errors[0].line == 2
        assert "not valid UTF-8" in est.errors[0].reason
        if isinstance(source, io.TextIOWrapper):
            assert source.errors == "strict"  # the caller's handle is left as it was
    # A handle read from already cannot be switched to lenient decoding: the decode error ends the
    # file, reported on its line, and the lines read before it are kept.
    long = b"".join(json.dumps(GOOD | {"custom_id": f"c{i}"}).encode() + b"\n" for i in range(200))
    handle = io.TextIOWrapper(io.BytesIO(long + raw), encoding="utf-8")
    handle.readline()
    partial = cc.estimate_batch(handle, output_tokens=10)
    assert partial.requests > 100
    assert "the lines after it could not be read" in partial.errors[-1].reason
    out = io.TextIOWrapper(
        io.BytesIO(b'{"custom_id": "a", "response": null, "error": "\xfe"}\n'), encoding="utf-8"
    )
    with pytest.raises(cc.BatchFileError, match="not valid UTF-8"):  # its only line: no batch line at all
        cc.price_batch_output(out)


def test_output_tokens_above_a_requests_cap_is_reported_as_estimate_raises() -> None:
    capped = openai_line(
        "cap",
        "/v1/chat/completions",
        {"model": "gpt-4.1-mini", "max_tokens": 50, "messages": [{"role": "user", "content": "x"}]},
    )
    est = cc.estimate_batch([capped], output_tokens=100)
    assert est.rows == []
    assert "100 tokens exceed the output cap of 50" in est.errors[0].reason
    with pytest.raises(ValueError, match="exceed the output cap"):
        cc.estimate("x", "gpt-4.1-mini", output_tokens=100, max_output_tokens=50)


def test_arguments_that_would_spoil_every_line_are_the_calls_error() -> None:
    with pytest.raises(cc.InvalidInputError, match="output_tokens"):
        cc.estimate_batch([GOOD], output_tokens=-5)
    with pytest.raises(cc.InvalidInputError, match="unknown tier 'bogus'"):
        cc.estimate_batch([GOOD], output_tokens=5, tier="bogus")
    with pytest.raises(cc.InvalidInputError, match="unknown effort"):
        cc.estimate_batch([GOOD], output_tokens=5, reasoning_effort="extreme")


def test_token_ids_and_empty_prompts_are_refused() -> None:
    lines = [
        openai_line("neg", "/v1/embeddings", {"model": "text-embedding-3-small", "input": [[1, -2, 3]]}),
        openai_line("huge", "/v1/embeddings", {"model": "text-embedding-3-small", "input": [10**9]}),
        openai_line("empty", "/v1/chat/completions", {"model": "gpt-4.1-mini", "messages": []}),
        openai_line("no-input", "/v1/responses", {"model": "gpt-4.1-mini", "input": []}),
        openai_line("ids", "/v1/embeddings", {"model": "text-embedding-3-small", "input": [[1, 2, 3]]}),
    ]
    est = cc.estimate_batch(lines, output_tokens=5)
    reasons = {e.custom_id: e.reason for e in est.errors}
    assert "token ids in [0, " in reasons["neg"]
    assert "token ids in [0, " in reasons["huge"]
    assert "non-empty list of messages" in reasons["empty"]
    assert "must not be empty" in reasons["no-input"]
    assert [(r.custom_id, r.input_tokens) for r in est.rows] == [("ids", 3)]


def test_price_batch_output_keeps_no_rows_when_asked() -> None:
    lean = cc.price_batch_output(CLAUDE_RESULTS, keep_rows=False)
    assert lean.rows == []
    assert lean.total == CLAUDE_TOTAL
    assert [f.custom_id for f in lean.failed] == ["e1", "x1", "c1"]


# -- request bodies, field by field ----------------------------------------------------------------


def n(text: str) -> int:
    return cc.count_tokens(text, "gpt-4o")


def claude_count(params: dict[str, Any], model: str = "claude-sonnet-4-5") -> Any:
    from costcalc.providers import anthropic

    return anthropic.count_request("/v1/messages", params, cc.get_model(model), None)


def test_claude_request_bodies_are_counted_block_by_block() -> None:
    schema = {"type": "object", "properties": {"order_id": {"type": "string"}}, "required": ["order_id"]}
    params = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 500,
        "cache_control": {"type": "ephemeral"},  # automatic caching: the whole prompt is cacheable
        "tools": [
            {"name": "lookup_order", "description": "Look up an order by its id.", "input_schema": schema}
        ],
        "messages": [
            {"role": "user", "content": "Where is A-1?"},
            {
                "role": "assistant",
                "content": [
                    {"type": "thinking", "thinking": "Look it up.", "signature": "x"},
                    {"type": "tool_use", "id": "t1", "name": "lookup_order", "input": {"order_id": "A-1"}},
                ],
            },
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "Shipped."}],
            },
        ],
        "thinking": {"type": "adaptive"},
    }
    count = claude_count(params)
    texts = (
        n("lookup_order")
        + n("Look up an order by its id.")
        + n(json.dumps(schema, separators=(",", ":")))
        + 3
        + n("Where is A-1?")
        + 3
        + n("Look it up.")
        + n("lookup_order")
        + n('{"order_id":"A-1"}')
        + 3
        + n("Shipped.")
        + 3
    )
    assert count.fixed_tokens == 346  # Anthropic's tool-use system prompt for Claude 4 models
    assert count.input_tokens == texts + 346
    assert count.cache_5m_tokens == texts  # automatic caching, 5 minutes
    assert (count.effort, count.output_cap, count.exact) == ("medium", 500, False)  # adaptive: medium
    assert claude_count({**params, "tools": params["tools"]}, "claude-3-opus").fixed_tokens == 530
    efforts = {
        "none": {"type": "disabled"},
        "high": {"type": "enabled", "budget_tokens": 20_000},
        "medium": {"type": "enabled", "budget_tokens": 16_384},
    }
    for effort, thinking in efforts.items():
        assert claude_count({**params, "thinking": thinking}).effort == effort
    assert claude_count({**params, "thinking": None, "output_config": {"effort": "max"}}).effort == "high"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"max_tokens": 0}, "params.max_tokens"),
        ({"messages": []}, "params.messages"),
        ({"messages": [{"role": "robot", "content": "hi"}]}, "params.messages[0].role"),
        ({"messages": [{"role": "user"}]}, "params.messages[0].content"),
        (
            {
                "messages": [
                    {"role": "user", "content": [{"type": "image", "source": {"type": "url", "url": "x"}}]}
                ]
            },
            "params.messages[0].content[0]",
        ),
        ({"tools": [{"type": "web_search_20250305", "name": "web_search"}]}, "params.tools[0].type"),
        ({"tools": [{"name": "f", "input_schema": [1]}]}, "params.tools[0].input_schema"),
        ({"thinking": {"type": "enabled", "budget_tokens": -1}}, "params.thinking.budget_tokens"),
        ({"thinking": {"type": "sometimes"}}, "params.thinking.type"),
        ({"output_config": {"effort": "huge"}}, "params.output_config.effort"),
        ({"inference_geo": 1}, "params.inference_geo"),
        (
            {"system": [{"type": "text", "text": "x", "cache_control": {"type": "ephemeral", "ttl": "2h"}}]},
            "params.system[0].cache_control.ttl",
        ),
    ],
)
def test_claude_request_errors_name_the_field(change: dict[str, Any], field: str) -> None:
    params = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 100,
        "messages": [{"role": "user", "content": "hi"}],
    }
    with pytest.raises(cc.InvalidRequestError) as info:
        claude_count({**params, **change})
    assert info.value.field == field


def test_a_surcharge_the_catalog_lacks_is_that_lines_error() -> None:
    line = {
        "custom_id": "us",
        "params": {
            "model": "claude-sonnet-4-5",
            "max_tokens": 100,
            "inference_geo": "us",
            "messages": [{"role": "user", "content": "hi"}],
        },
    }
    est = cc.estimate_batch([line], output_tokens=10)
    assert "inference_geo_us" in est.errors[0].reason  # never priced without the US-only multiplier


def gemini_count(request: dict[str, Any]) -> Any:
    from costcalc.providers import gemini

    return gemini.count_request("generateContent", request, cc.get_model("gemini-2.5-flash"), None)


def test_gemini_request_bodies_in_both_spellings() -> None:
    declarations = [{"name": "lookup_order", "parameters": {"type": "object"}}]
    rest = {
        "systemInstruction": {"parts": [{"text": "Be brief."}]},
        "contents": [
            {"role": "user", "parts": [{"text": "Where is A-1?"}]},
            {"role": "model", "parts": [{"functionCall": {"name": "lookup_order", "args": {"id": "A-1"}}}]},
        ],
        "tools": [{"functionDeclarations": declarations}],
        "generationConfig": {
            "maxOutputTokens": 300,
            "candidateCount": 2,
            "thinkingConfig": {"thinkingLevel": "LOW"},
        },
    }
    sdk = {
        "contents": rest["contents"],
        "config": {
            "system_instruction": "Be brief.",
            "tools": [{"function_declarations": declarations}],
            "max_output_tokens": 300,
            "candidate_count": 2,
            "thinking_config": {"thinking_level": "LOW"},
        },
    }
    expected = (
        n("Be brief.")
        + n("Where is A-1?")
        + n('{"name":"lookup_order","args":{"id":"A-1"}}')
        + n(json.dumps(declarations, separators=(",", ":")))
    )
    for request in (rest, sdk):
        count = gemini_count(request)
        assert (count.input_tokens, count.output_cap, count.choices, count.effort) == (
            expected,
            300,
            2,
            "low",
        )
    budgets = {0: "none", -1: None, 1_000: "low", 5_000: "medium", 30_000: "high"}
    for budget, effort in budgets.items():
        config = {"thinkingConfig": {"thinkingBudget": budget}}
        assert gemini_count({"contents": "hi", "generationConfig": config}).effort == effort


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        ({"contents": []}, "contents"),
        (
            {"contents": [{"parts": [{"inlineData": {"mimeType": "image/png", "data": ""}}]}]},
            "contents[0].parts[0].inlineData",
        ),
        ({"contents": "hi", "tools": [{"googleSearch": {}}]}, "tools[0].googleSearch"),
        ({"contents": "hi", "cachedContent": "cachedContents/1"}, "cachedContent"),
        ({"contents": "hi", "generationConfig": {"maxOutputTokens": -1}}, "generationConfig.maxOutputTokens"),
        ({"contents": "hi", "generationConfig": {"candidateCount": 9}}, "generationConfig.candidateCount"),
        (
            {"contents": "hi", "generationConfig": {"maxOutputTokens": 5, "max_output_tokens": 5}},
            "generationConfig.maxOutputTokens",
        ),
        (
            {"contents": "hi", "generationConfig": {"thinkingConfig": {"thinkingBudget": -5}}},
            "generationConfig.thinkingConfig.thinkingBudget",
        ),
    ],
)
def test_gemini_request_errors_name_the_field(request_: dict[str, Any], field: str) -> None:
    with pytest.raises(cc.InvalidRequestError) as info:
        gemini_count(request_)
    assert info.value.field == field


def test_cached_tokens_never_exceed_a_band_end() -> None:
    prompt = "hello there my friend " * 10
    base = cc.count_messages(prompt, "gemini-2.5-flash", warn_approximate=False)
    est = cc.estimate(prompt, "gemini-2.5-flash", output_tokens=10, cached_input_tokens=base)
    assert est.input_tokens_range is not None
    low = est.input_tokens_range.low
    assert low < base  # the Gemini band's low end (0.90) counts fewer tokens than the base
    usage = est.cost.low.usage
    assert usage is not None
    assert usage.cached_input_tokens == low  # all of the low end's prompt cached, not more
    with pytest.raises(ValueError, match="cached_input_tokens"):
        cc.estimate(prompt, "gemini-2.5-flash", output_tokens=10, cached_input_tokens=base + 1)


def test_an_unknown_billable_number_is_that_lines_error_never_dropped() -> None:
    # Every batch shape goes through its provider's usage spec: a number it neither prices nor
    # knows to be free is refused (UnpricedUsageError), so the line is reported, not priced low.
    claude = {
        "custom_id": "n",
        "result": {
            "type": "succeeded",
            "message": message("claude-sonnet-4-5", input_tokens=10, output_tokens=5, audio_input_tokens=7),
        },
    }
    bare = gemini_response("gemini-2.5-flash", promptTokenCount=10, surpriseTokenCount=3)
    keyed = {"key": "k", "response": bare}
    for lines, field in (
        ([claude], "audio_input_tokens"),
        ([keyed], "surpriseTokenCount"),
        ([bare], "surpriseTokenCount"),
    ):
        cost = cc.price_batch_output(lines)
        assert cost.rows == []
        assert field in cost.errors[0].reason
