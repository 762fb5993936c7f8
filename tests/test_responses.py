"""Usage and cost from real-shaped API responses; every expected cost is worked out by hand."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

import costcalc as cc
from costcalc.testing import usages

D = Decimal

CHAT = {
    "id": "chatcmpl-9xYz",
    "object": "chat.completion",
    "created": 1_730_000_000,  # 2024-10-27
    "model": "gpt-4o-2024-08-06",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi!"}, "finish_reason": "stop"}],
    "usage": {
        "prompt_tokens": 1_200,
        "completion_tokens": 300,
        "total_tokens": 1_500,
        "prompt_tokens_details": {"cached_tokens": 1_024, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    },
    "service_tier": "default",
    "system_fingerprint": "fp_50cad350e4",
}

RESPONSES = {
    "id": "resp_67ccd2bed1ec8190",
    "object": "response",
    "created_at": 1_760_000_000,
    "status": "completed",
    "model": "gpt-5-mini-2025-08-07",
    "service_tier": "default",
    "output": [],
    "usage": {
        "input_tokens": 940,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": 4_802,
        "output_tokens_details": {"reasoning_tokens": 4_416},
        "total_tokens": 5_742,
    },
}

ANTHROPIC = {
    "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
    "type": "message",
    "role": "assistant",
    "model": "claude-sonnet-4-5-20250929",
    "content": [{"type": "text", "text": "Hello!"}],
    "stop_reason": "end_turn",
    "usage": {
        "input_tokens": 2_000,
        "cache_creation_input_tokens": 6_000,
        "cache_read_input_tokens": 40_000,
        "cache_creation": {"ephemeral_5m_input_tokens": 4_000, "ephemeral_1h_input_tokens": 2_000},
        "output_tokens": 1_500,
        "service_tier": "standard",
    },
}

GEMINI = {
    "candidates": [{"content": {"parts": [{"text": "..."}], "role": "model"}, "finishReason": "STOP"}],
    "usageMetadata": {
        "promptTokenCount": 210_000,
        "candidatesTokenCount": 2_100,
        "totalTokenCount": 315_200,
        "cachedContentTokenCount": 100_000,
        "thoughtsTokenCount": 3_100,
    },
    "modelVersion": "gemini-2.5-pro",
}


def batch_line(custom_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"batch_req_{custom_id}",
        "custom_id": custom_id,
        "response": {"status_code": 200, "request_id": "req_abc", "body": body},
        "error": None,
    }


def test_chat_completion() -> None:
    assert cc.usage_from_response(CHAT) == cc.Usage(
        input_tokens=1_200, cached_input_tokens=1_024, output_tokens=300
    )
    cost = cc.price_response(CHAT)
    # gpt-4o 2.50 / 1.25 cached / 10: 176 x 2.5 + 1,024 x 1.25 + 300 x 10, per 1M
    assert (cost.input, cost.cached_input, cost.output) == (D("0.00044"), D("0.00128"), D("0.003"))
    assert cost.total == D("0.00472")
    assert (cost.model, cost.tier) == ("gpt-4o", "standard")


def test_chat_completion_with_reasoning_on_flex() -> None:
    payload = copy.deepcopy(CHAT) | {"model": "o4-mini-2025-04-16", "service_tier": "flex"}
    payload["usage"] = {
        "prompt_tokens": 5_000,
        "completion_tokens": 2_211,
        "prompt_tokens_details": {"cached_tokens": 4_096},
        "completion_tokens_details": {"reasoning_tokens": 1_920},
    }
    cost = cc.price_response(payload)
    # o4-mini flex 0.55 / 0.1375 / 2.20: 904 x 0.55 + 4,096 x 0.1375 + 2,211 x 2.2, per 1M
    assert cost.total == D("0.0059246")
    assert cost.tier == "flex"
    assert cc.usage_from_response(payload).reasoning_tokens == 1_920


def test_final_stream_chunk_and_chunks_without_usage() -> None:
    chunk = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1_730_000_000,
        "model": "gpt-4o-mini",
        "choices": [],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5},
    }
    # gpt-4o-mini 0.15 / 0.60: 10 x 0.15 + 5 x 0.6 per 1M = 0.0000045
    assert cc.price_response(chunk).total == D("0.0000045")
    with pytest.raises(cc.UsageParseError, match="include_usage") as info:
        cc.usage_from_response(chunk | {"usage": None})
    assert info.value.path == "usage"


def test_responses_api() -> None:
    usage = cc.usage_from_response(RESPONSES)
    assert usage == cc.Usage(input_tokens=940, output_tokens=4_802, reasoning_tokens=4_416)
    # gpt-5-mini 0.25 / 2.00: 940 x 0.25 + 4,802 x 2, per 1M
    assert cc.price_response(RESPONSES).total == D("0.009839")


def test_batch_output_lines() -> None:
    body = {
        "id": "chatcmpl-2",
        "object": "chat.completion",
        "created": 1_760_000_000,
        "model": "gpt-4.1-mini",
        "choices": [],
        "usage": {"prompt_tokens": 1_000, "completion_tokens": 200, "total_tokens": 1_200},
    }
    line = batch_line("request-1", body)
    # Batch: gpt-4.1-mini 0.20 / 0.80: 1,000 x 0.2 + 200 x 0.8 per 1M
    cost = cc.price_response(line)
    assert cost.total == D("0.00036")
    assert cost.tier == "batch"
    responses_line = batch_line("request-2", RESPONSES)
    assert cc.price_response(responses_line).total == D("0.0049195")  # half of 0.009839
    failed = {
        "id": "batch_req_3",
        "custom_id": "request-3",
        "response": None,
        "error": {
            "code": "batch_expired",
            "message": "This request could not be executed before the completion window expired.",
        },
    }
    with pytest.raises(cc.BatchRequestError, match="request-3") as info:
        cc.price_response(failed)
    assert info.value.custom_id == "request-3"
    assert info.value.error["code"] == "batch_expired"
    http_error = batch_line("request-4", {"error": {"message": "Invalid model"}})
    http_error["response"]["status_code"] = 400
    with pytest.raises(cc.BatchRequestError, match="HTTP 400"):
        cc.usage_from_response(http_error)
    broken = batch_line("request-5", {"object": "chat.completion", "usage": {"prompt_tokens": 1}})
    with pytest.raises(cc.UsageParseError) as missing:
        cc.usage_from_response(broken)
    assert missing.value.path == "response.body.usage.completion_tokens"


def test_anthropic_messages() -> None:
    usage = cc.usage_from_response(ANTHROPIC)
    assert usage == cc.Usage(
        input_tokens=48_000,
        cached_input_tokens=40_000,
        cache_write_tokens=4_000,
        cache_write_1h_tokens=2_000,
        output_tokens=1_500,
    )
    cost = cc.price_response(ANTHROPIC)
    # claude-sonnet-4-5: 3 input, 0.30 read, 3.75 5-minute write, 6 1-hour write, 15 output (per 1M)
    assert cost.input == D("0.006")  # 2,000 x 3
    assert cost.cached_input == D("0.012")  # 40,000 x 0.3
    assert cost.cache_write == D("0.027")  # 4,000 x 3.75 + 2,000 x 6
    assert cost.output == D("0.0225")  # 1,500 x 15
    assert cost.total == D("0.0675")
    # Without the split, all writes are 5-minute ones.
    flat = copy.deepcopy(ANTHROPIC)
    del flat["usage"]["cache_creation"]
    assert cc.price_response(flat).cache_write == D("0.0225")  # 6,000 x 3.75
    batch = copy.deepcopy(ANTHROPIC)
    batch["model"] = "claude-haiku-4-5"
    batch["usage"] = {"input_tokens": 9_000, "output_tokens": 800, "service_tier": "batch"}
    assert cc.price_response(batch).total == D("0.0065")  # 9,000 x 0.5 + 800 x 2.5
    bad_split = copy.deepcopy(ANTHROPIC)
    bad_split["usage"]["cache_creation"]["ephemeral_1h_input_tokens"] = 1
    with pytest.raises(cc.UsageParseError, match="do not add up"):
        cc.usage_from_response(bad_split)
    priority = copy.deepcopy(ANTHROPIC)
    priority["usage"]["service_tier"] = "priority"
    with pytest.raises(cc.UnsupportedTierError, match="priority"):
        cc.price_response(priority)


def test_gemini_usage_metadata() -> None:
    usage = cc.usage_from_response(GEMINI)
    assert usage == cc.Usage(
        input_tokens=210_000, cached_input_tokens=100_000, output_tokens=5_200, reasoning_tokens=3_100
    )
    # 210,000 > 200,000: the long-context rates 2.50 / 0.25 cached / 15 for the whole request.
    # 110,000 x 2.5 + 100,000 x 0.25 + 5,200 x 15, per 1M
    assert cc.price_response(GEMINI).total == D("0.378")
    snake = {
        "usage_metadata": {
            "prompt_token_count": 1_000,
            "candidates_token_count": 10,
            "tool_use_prompt_token_count": 500,
        },
        "model_version": "gemini-2.5-flash",
    }
    assert cc.usage_from_response(snake) == cc.Usage(input_tokens=1_500, output_tokens=10)
    # 1,500 x 0.30 + 10 x 2.50 per 1M
    assert cc.price_response(snake).total == D("0.000475")


class _Details(BaseModel):
    cached_tokens: int = 0


class _Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    prompt_tokens_details: _Details | None = None


class _Completion(BaseModel):
    object: str = "chat.completion"
    model: str
    usage: _Usage


class _Attrs:
    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(kw)
        self._private = object()


def test_sdk_objects_and_attribute_objects() -> None:
    sdk = _Completion(
        model="gpt-4o",
        usage=_Usage(
            prompt_tokens=1_200, completion_tokens=300, prompt_tokens_details=_Details(cached_tokens=1_024)
        ),
    )
    assert cc.price_response(sdk).total == D("0.00472")
    attrs = _Attrs(
        type="message",
        model="claude-sonnet-4-5",
        usage=_Attrs(input_tokens=10, output_tokens=1, cache_read_input_tokens=0),
    )
    assert cc.usage_from_response(attrs) == cc.Usage(input_tokens=10, output_tokens=1)
    with pytest.raises(cc.UsageParseError, match="cannot read"):
        cc.usage_from_response(object())


def test_model_tier_and_time_from_the_payload_or_given() -> None:
    old = copy.deepcopy(RESPONSES) | {
        "model": "o3",
        "created_at": int(dt.datetime(2025, 6, 1, tzinfo=dt.UTC).timestamp()),
    }
    # o3 before its 2025-06-10 cut: 10 / 40. 940 x 10 + 4,802 x 40 per 1M
    assert cc.price_response(old).total == D("0.20148")
    assert cc.price_response(old, at=dt.date(2025, 6, 10)).total == D("0.040296")
    assert cc.price_response(CHAT, model="gpt-4.1", tier="batch").tier == "batch"
    with pytest.raises(cc.UnsupportedTierError):
        cc.price_response(CHAT | {"model": "gpt-4.1", "service_tier": "flex"})
    with pytest.raises(cc.UsageParseError, match="'scale'"):
        cc.price_response(CHAT | {"service_tier": "scale"})
    with pytest.raises(cc.UsageParseError, match="names no model"):
        cc.price_response({k: v for k, v in CHAT.items() if k != "model"})


def test_audio_is_never_priced_as_text() -> None:
    payload = copy.deepcopy(CHAT)
    payload["usage"]["prompt_tokens_details"]["audio_tokens"] = 50
    assert cc.usage_from_response(payload).audio_input_tokens == 50
    with pytest.raises(cc.UnpricedUsageError, match="audio_input"):
        cc.price_response(payload)
    own = cc.default_catalog().extend(
        {
            "provider": "openai",
            "source": "https://example.com",
            "checked": "2026-11-01",
            "models": [
                {
                    "id": "gpt-4o-audio",
                    "prices": [
                        {
                            "standard": {
                                "input": "2.5",
                                "output": "10",
                                "audio_input": "40",
                                "audio_output": "80",
                            }
                        }
                    ],
                }
            ],
        }
    )
    usage = cc.Usage(input_tokens=1_000, audio_input_tokens=400, output_tokens=100, audio_output_tokens=60)
    cost = own.price(usage, "gpt-4o-audio")
    assert cost.input == D("0.0175")  # 600 x 2.5 + 400 x 40
    assert cost.output == D("0.0052")  # 40 x 10 + 60 x 80


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        ({"object": "chat.completion", "model": "gpt-4o"}, "usage"),
        ({"object": "chat.completion", "usage": {"completion_tokens": 1}}, "usage.prompt_tokens"),
        (
            {"object": "chat.completion", "usage": {"prompt_tokens": "12", "completion_tokens": 1}},
            "usage.prompt_tokens",
        ),
        (
            {"object": "chat.completion", "usage": {"prompt_tokens": -1, "completion_tokens": 1}},
            "usage.prompt_tokens",
        ),
        (
            {"object": "chat.completion", "usage": {"prompt_tokens": 1.5, "completion_tokens": 1}},
            "usage.prompt_tokens",
        ),
        (
            {"object": "chat.completion", "usage": {"prompt_tokens": True, "completion_tokens": 1}},
            "usage.prompt_tokens",
        ),
        (
            {
                "object": "chat.completion",
                "usage": {
                    "prompt_tokens": 1,
                    "completion_tokens": 1,
                    "prompt_tokens_details": {"cached_tokens": 2},
                },
            },
            "usage",
        ),
        (
            {
                "object": "chat.completion",
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "prompt_tokens_details": [1]},
            },
            "usage.prompt_tokens_details",
        ),
        ({"object": "response", "usage": {"input_tokens": 1}}, "usage.output_tokens"),
        ({"type": "message", "usage": {"output_tokens": 1}}, "usage.input_tokens"),
        ({"usageMetadata": {"candidatesTokenCount": 1}}, "usageMetadata.promptTokenCount"),
        ({"object": "chat.completion", "usage": [1, 2]}, "usage"),
    ],
)
def test_malformed_usage_names_the_field(payload: dict[str, Any], path: str) -> None:
    with pytest.raises(cc.UsageParseError) as info:
        cc.usage_from_response(payload)
    assert info.value.path == path
    assert isinstance(info.value, ValueError)


def test_ambiguous_payloads_ask_for_the_shape() -> None:
    bare = {"input_tokens": 10, "output_tokens": 2}
    with pytest.raises(cc.UsageParseError, match="pass shape="):
        cc.usage_from_response(bare)
    assert cc.usage_from_response(bare, shape="openai.responses") == cc.Usage(
        input_tokens=10, output_tokens=2
    )
    assert cc.usage_from_response(bare, shape="anthropic") == cc.Usage(input_tokens=10, output_tokens=2)
    assert cc.detect_shape({"prompt_tokens": 3, "completion_tokens": 1}) == "openai.chat"
    assert cc.detect_shape({"cache_read_input_tokens": 3}) == "anthropic"
    with pytest.raises(ValueError, match="unknown shape"):
        cc.usage_from_response(bare, shape="mistral")  # type: ignore[arg-type]
    with pytest.raises(cc.UsageParseError, match="JSON object"):
        cc.usage_from_response([1, 2, 3])


# -- properties ---------------------------------------------------------------------------------------

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**16), 10**16)
    | st.floats(allow_nan=True)
    | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "usage",
                    "object",
                    "type",
                    "prompt_tokens",
                    "completion_tokens",
                    "input_tokens",
                    "output_tokens",
                    "usageMetadata",
                    "promptTokenCount",
                    "custom_id",
                    "response",
                    "body",
                    "status_code",
                    "error",
                    "cache_read_input_tokens",
                    "prompt_tokens_details",
                    "cached_tokens",
                    "x",
                ]
            )
            | st.text(max_size=5),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@given(JSON)
def test_arbitrary_json_gives_a_usage_or_a_parse_error(payload: Any) -> None:
    try:
        result = cc.usage_from_response(payload)
    except (cc.UsageParseError, cc.UnpricedUsageError):
        # A number where no field is declared ({"usage": 1, "promptTokenCount": 0}) is refused by
        # name, as in damaged real payloads below.
        return
    assert isinstance(result, cc.Usage)


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, (*prefix, i))
    return out


REAL = [CHAT, RESPONSES, ANTHROPIC, GEMINI, batch_line("r-1", CHAT), batch_line("r-2", RESPONSES)]


@given(st.sampled_from(REAL), st.data())
def test_damaged_real_payloads_give_a_usage_or_a_parse_error(
    payload: dict[str, Any], data: st.DataObject
) -> None:
    damaged = copy.deepcopy(payload)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [p for p in _paths(damaged) if p]
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        parent = damaged
        for key in path[:-1]:
            parent = parent[key]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(JSON)
    try:
        result = cc.usage_from_response(damaged)
    except (cc.UsageParseError, cc.UnpricedUsageError):
        # A damaged number in a usage block is a parse error; a new number where none was is a
        # quantity costcalc does not know how to bill: refused, never left out.
        return
    assert isinstance(result, cc.Usage)


def _chat_payload(u: cc.Usage) -> dict[str, Any]:
    return {
        "object": "chat.completion",
        "model": "m",
        "usage": {
            "prompt_tokens": u.input_tokens,
            "completion_tokens": u.output_tokens,
            "total_tokens": u.input_tokens + u.output_tokens,
            "prompt_tokens_details": {
                "cached_tokens": u.cached_input_tokens,
                "cache_write_tokens": u.cache_write_tokens,
                "audio_tokens": u.audio_input_tokens,
            },
            "completion_tokens_details": {
                "reasoning_tokens": u.reasoning_tokens,
                "audio_tokens": u.audio_output_tokens,
            },
        },
    }


def _responses_payload(u: cc.Usage) -> dict[str, Any]:
    return {
        "object": "response",
        "model": "m",
        "usage": {
            "input_tokens": u.input_tokens,
            "output_tokens": u.output_tokens,
            "input_tokens_details": {
                "cached_tokens": u.cached_input_tokens,
                "cache_write_tokens": u.cache_write_tokens,
            },
            "output_tokens_details": {"reasoning_tokens": u.reasoning_tokens},
        },
    }


def _anthropic_payload(u: cc.Usage) -> dict[str, Any]:
    written = u.cache_write_tokens + u.cache_write_1h_tokens
    return {
        "type": "message",
        "model": "m",
        "usage": {
            "input_tokens": u.input_tokens - u.cached_input_tokens - written,
            "cache_creation_input_tokens": written,
            "cache_read_input_tokens": u.cached_input_tokens,
            "cache_creation": {
                "ephemeral_5m_input_tokens": u.cache_write_tokens,
                "ephemeral_1h_input_tokens": u.cache_write_1h_tokens,
            },
            "output_tokens": u.output_tokens,
        },
    }


def _gemini_payload(u: cc.Usage) -> dict[str, Any]:
    return {
        "modelVersion": "m",
        "usageMetadata": {
            "promptTokenCount": u.input_tokens,
            "cachedContentTokenCount": u.cached_input_tokens,
            "candidatesTokenCount": u.output_tokens - u.reasoning_tokens,
            "thoughtsTokenCount": u.reasoning_tokens,
        },
    }


@st.composite
def _usage_for(draw: st.DrawFn, shape: str) -> cc.Usage:
    base = draw(
        usages(
            cache_writes=shape in ("openai.chat", "openai.responses", "anthropic"),
            reasoning=shape != "anthropic",
        )
    )
    extra: dict[str, int] = {}
    if shape == "anthropic":
        extra["cache_write_1h_tokens"] = draw(st.integers(0, base.uncached_input_tokens))
    if shape == "openai.chat":
        extra["audio_input_tokens"] = draw(st.integers(0, base.uncached_input_tokens))
        extra["audio_output_tokens"] = draw(st.integers(0, base.visible_output_tokens))
    return base.model_copy(update=extra)


BUILDERS = {
    "openai.chat": _chat_payload,
    "openai.responses": _responses_payload,
    "anthropic": _anthropic_payload,
    "gemini": _gemini_payload,
}


@given(st.sampled_from(sorted(BUILDERS)).flatmap(lambda s: st.tuples(st.just(s), _usage_for(s))))
def test_round_trip_per_provider_shape(case: tuple[str, cc.Usage]) -> None:
    shape, usage = case
    payload = BUILDERS[shape](usage)
    assert cc.usage_from_response(payload) == usage
    assert cc.usage_from_response(json.loads(json.dumps(payload)), shape=shape) == usage  # type: ignore[arg-type]
    if shape == "openai.chat":
        assert cc.usage_from_response(batch_line("x", payload)) == usage


SAME_RATES = cc.Catalog.from_dict(
    [
        {
            "provider": provider,
            "source": "https://example.com",
            "checked": "2026-11-01",
            "models": [
                {
                    "id": f"same-{provider}",
                    "prices": [
                        {
                            "standard": {
                                "input": "3",
                                "cached_input": "0.3",
                                "cache_write": "3.75",
                                "output": "15",
                            }
                        }
                    ],
                }
            ],
        }
        for provider in ("openai", "anthropic", "google")
    ]
)


@given(usages(cache_writes=False))
def test_same_tokens_in_every_convention_price_the_same(usage: cc.Usage) -> None:
    costs = {
        cc.price_response(_chat_payload(usage), model="same-openai", catalog=SAME_RATES).total,
        cc.price_response(_responses_payload(usage), model="same-openai", catalog=SAME_RATES).total,
        cc.price_response(_anthropic_payload(usage), model="same-anthropic", catalog=SAME_RATES).total,
        cc.price_response(_gemini_payload(usage), model="same-google", catalog=SAME_RATES).total,
    }
    assert len(costs) == 1
