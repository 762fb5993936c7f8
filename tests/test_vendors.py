"""Bills from the payloads of the vendors and clouds beyond OpenAI, Anthropic and Gemini, one
module each in ``costcalc.providers``.

Every payload follows its vendor's documented response shape (the Bedrock ones go through
botocore's own response parser, so they are exactly what boto3 returns; the OpenAI-compatible
ones through the OpenAI SDK's types where the vendor's users do so), and every expected cost is
worked out by hand in a comment from the rates in ``costcalc/data/<vendor>.toml``.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any, get_args

import botocore.parsers  # type: ignore[import-untyped]
import botocore.session  # type: ignore[import-untyped]
import pytest
from anthropic.types import Message
from hypothesis import given
from hypothesis import strategies as st
from openai.types.chat import ChatCompletion

import costcalc as cc
from costcalc.providers import MODULES, OWNERS, SHAPES, deepseek
from costcalc.providers.bedrock import model_id
from costcalc.responses import Shape

D = Decimal


def ts(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    """Unix seconds of a UTC time."""
    return int(dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC).timestamp())


_BEDROCK = botocore.session.get_session().get_service_model("bedrock-runtime")


def boto3_response(operation: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    """What boto3's bedrock-runtime client returns for ``body``: botocore's own parser drops any
    member its service model does not define, so a misspelt field would not survive."""
    parser = botocore.parsers.create_parser(_BEDROCK.metadata["protocol"])
    raw = {"status_code": 200, "headers": headers or {}, "body": json.dumps(body).encode()}
    return parser.parse(raw, _BEDROCK.operation_model(operation).output_shape)


# -- registry ------------------------------------------------------------------------------------------


def test_every_shape_is_registered_typed_and_owned() -> None:
    assert get_args(Shape) == SHAPES
    assert len(set(SHAPES)) == len(SHAPES)
    for module in MODULES:
        for shape in module.SHAPES:
            assert shape in SHAPES
    for shape, owner in OWNERS.items():
        assert owner in cc.default_catalog().providers, shape


def test_an_anthropic_sdk_message_is_not_read_as_openai() -> None:
    # The Anthropic SDK dumps output_tokens_details (null) in a Message's usage.
    message = Message.model_validate(
        {
            "id": "msg_01",
            "type": "message",
            "role": "assistant",
            "model": "claude-sonnet-4-5-20250929",
            "content": [],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": 10, "output_tokens": 2},
        }
    )
    assert "output_tokens_details" in message.model_dump()["usage"]
    assert cc.detect_shape(message) == "anthropic"


def test_a_reported_cost_is_kept_beside_the_price_and_shown() -> None:
    one = cc.Cost(total=D("1"), fees=D("1"), reported_cost=D("1.5"))
    assert "(provider reported $1.5)" in str(one)
    assert "reported by the provider" in one._repr_html_()
    # Summed costs keep a reported total only when every part reported one.
    assert (one + one).reported_cost == D("3")
    assert (one * 3).reported_cost == D("4.5")
    assert (one + cc.Cost(total=D("1"), fees=D("1"))).reported_cost is None
    assert one.scaled(D("2")).reported_cost == D("1.5")  # a surcharge scales the price, not the report
    assert cc.Cost().reported_cost is None


# -- Mistral, Groq, Together AI, Fireworks AI ----------------------------------------------------------


def chat(model: str, created: int, usage: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
    return {
        "id": "cmpl-e5cc70bb28c444948073e77776eb30ef",
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "..."}, "finish_reason": "stop"}
        ],
        "usage": usage,
        **extra,
    }


def test_mistral_audio_minutes_and_dated_output_price() -> None:
    usage = {
        "prompt_tokens": 1_000,
        "completion_tokens": 100,
        "total_tokens": 1_100,
        "prompt_audio_seconds": 90,
    }
    before = chat("voxtral-small-2507", ts(2026, 8, 1), usage)
    assert cc.detect_shape(before) == "mistral.chat"
    # 1,000 x 0.1 + 100 x 0.3 = 130 per 1M, + 90 s = 1.5 min x $0.004 = 0.006
    assert cc.price_response(before).total == D("0.00613")
    # Output went to 0.4 on 2026-08-11: 100 + 40 = 140 per 1M + 0.006
    assert cc.price_response(before | {"created": ts(2026, 8, 20)}).total == D("0.00614")
    odd = chat("voxtral-small-2507", ts(2026, 8, 20), usage | {"prompt_audio_seconds": 61})
    # 61/60 min is not a finite decimal: rounded up at the 18th place, never down.
    assert cc.usage_from_response(odd).units == {"audio_minute": D("1.016666666666666667")}


@pytest.mark.parametrize(
    ("created", "total"),
    [
        # 8,000 x 0.68 + 2,000 x 0.07 + 1,000 x 2.09 = 5,440 + 140 + 2,090: launch promotion
        (ts(2026, 10, 15), D("0.00767")),
        # 8,000 x 1.36 + 2,000 x 0.14 + 1,000 x 4.18 = 10,880 + 280 + 4,180: list rates
        (ts(2026, 10, 25), D("0.01534")),
        # 8,000 x 0.7 + 2,000 x 0.07 + 1,000 x 2.1 = 5,600 + 140 + 2,100: from 2026-10-29
        (ts(2026, 11, 1), D("0.00784")),
    ],
)
def test_mistral_dated_periods(created: int, total: Decimal) -> None:
    usage = {
        "prompt_tokens": 10_000,
        "completion_tokens": 1_000,
        "total_tokens": 11_000,
        "prompt_tokens_details": {"cached_tokens": 2_000},
    }
    payload = chat("mistral-large-4-0", created, usage)
    # Nothing in it is Mistral's own: a plain Chat Completions payload, priced by its model name.
    assert cc.detect_shape(payload) == "openai.chat"
    assert cc.price_response(payload).total == total
    assert cc.price_response(payload, provider="mistral").total == total
    assert cc.read_response(payload, provider="mistral").shape == "mistral.chat"
    assert cc.price_response(payload, model="mistralai/mistral-large-4").total == total


def test_mistral_embeddings() -> None:
    payload = {
        "id": "embd-aad6fc62b17349b192ef09225058bc45",
        "object": "list",
        "data": [{"object": "embedding", "embedding": [-0.0165, 0.0712], "index": 0}],
        "model": "mistral-embed",
        "usage": {"prompt_tokens": 100, "total_tokens": 100, "completion_tokens": 0},
    }
    # mistral-embed 0.1: 100 x 0.1 per 1M
    assert cc.price_response(payload).total == D("0.00001")
    assert cc.read_response(payload, provider="mistral").shape == "mistral.chat"


GROQ_USAGE = {
    "prompt_tokens": 2_000,
    "completion_tokens": 500,
    "total_tokens": 2_500,
    "prompt_tokens_details": {"cached_tokens": 1_024},
    "completion_tokens_details": {"reasoning_tokens": 300},
    "queue_time": 0.012,
    "prompt_time": 0.009,
    "completion_time": 0.774,
    "total_time": 0.783,
}


def test_groq_timings_are_free_and_x_groq_tells_the_vendor() -> None:
    payload = chat(
        "openai/gpt-oss-120b",
        ts(2026, 11, 3),
        GROQ_USAGE,
        service_tier="on_demand",
        x_groq={"id": "req_01htzpsmfmew5b4rbmbjy2kv74"},
    )
    assert cc.detect_shape(payload) == "groq.chat"
    cost = cc.price_response(payload)
    # gpt-oss-120b on Groq 0.15 / 0.075 cached / 0.6:
    # 976 x 0.15 + 1,024 x 0.075 + 500 x 0.6 = 146.4 + 76.8 + 300 = 523.2 per 1M
    assert (cost.model, cost.tier, cost.total) == ("openai/gpt-oss-120b", "standard", D("0.0005232"))
    # Batch does not stack with caching: cached tokens at the batch input rate 0.075, output 0.3:
    # 976 x 0.075 + 1,024 x 0.075 + 500 x 0.3 = 300 per 1M
    assert cc.price_response(payload, tier="batch").total == D("0.0003")
    # A streamed response's last chunk: usage null, the counts in x_groq.usage.
    chunk = chat("openai/gpt-oss-120b", ts(2026, 11, 3), None) | {
        "object": "chat.completion.chunk",
        "x_groq": {"id": "req_01", "usage": GROQ_USAGE},
    }
    assert cc.price_response(chunk).total == D("0.0005232")
    with pytest.raises(cc.UsageParseError, match="not a per-token price") as info:
        cc.price_response(payload | {"service_tier": "performance"})
    assert info.value.path == "service_tier"
    with pytest.raises(cc.UnsupportedTierError):  # Groq sells Flex; its rates are not in the catalog
        cc.price_response(payload | {"service_tier": "flex"})
    with pytest.raises(cc.UsageParseError, match="only groq sends"):
        cc.price_response(payload, provider="together_ai")


def test_groq_prefixed_names() -> None:
    plain = chat("openai/gpt-oss-120b", ts(2026, 11, 3), {"prompt_tokens": 2_000, "completion_tokens": 500})
    # openai/gpt-oss-120b is sold by several hosts: the payload alone cannot tell which.
    with pytest.raises(cc.AmbiguousModelError):
        cc.price_response(plain)
    # 2,000 x 0.15 + 500 x 0.6 = 600 per 1M
    assert cc.price_response(plain, model="groq/openai/gpt-oss-120b").total == D("0.0006")
    assert cc.price_response(plain, provider="groq").total == D("0.0006")
    # llama-3.3-70b-versatile is Groq's name alone: 2,000 x 0.59 + 500 x 0.79 = 1,575 per 1M
    assert cc.price_response(plain | {"model": "llama-3.3-70b-versatile"}).total == D("0.001575")


def test_together_cached_tokens_and_prefixes() -> None:
    payload = chat(
        "moonshotai/Kimi-K3",
        ts(2026, 11, 3),
        {"prompt_tokens": 1_000, "completion_tokens": 100, "total_tokens": 1_100, "cached_tokens": 400},
    )
    # Kimi K3 on Together 3 / 0.3 cached / 15: 600 x 3 + 400 x 0.3 + 100 x 15 = 1,800 + 120 + 1,500
    assert cc.price_response(payload, provider="together_ai").total == D("0.00342")
    assert cc.price_response(payload, model="together_ai/moonshotai/kimi-k3").total == D("0.00342")
    assert cc.price_response(payload, model="together/moonshotai/Kimi-K3").total == D("0.00342")
    # Read as a plain OpenAI payload, Together's cached_tokens is a number nobody declared: refused.
    with pytest.raises(cc.UnpricedUsageError) as info:
        cc.price_response(payload, model="moonshotai/kimi-k3", shape="openai.chat")
    assert info.value.field == "usage.cached_tokens"
    # Together lists no cached rate for gpt-oss-120b: cache hits there cannot be priced.
    oss = payload | {"model": "openai/gpt-oss-120b"}
    with pytest.raises(cc.UnpricedUsageError) as no_rate:
        cc.price_response(oss, provider="together_ai")
    assert no_rate.value.field == "text_cached_input_tokens"
    both = copy.deepcopy(payload)
    both["usage"]["prompt_tokens_details"] = {"cached_tokens": 300}
    with pytest.raises(cc.UsageParseError, match="disagree"):
        cc.price_response(both, provider="together_ai")


def test_fireworks_priority_tier_and_prefixes() -> None:
    payload = chat(
        "accounts/fireworks/models/kimi-k3",
        ts(2026, 11, 3),
        {
            "prompt_tokens": 5_000,
            "completion_tokens": 1_000,
            "total_tokens": 6_000,
            "prompt_tokens_details": {"cached_tokens": 4_000},
        },
        service_tier="priority",
    )
    # Nothing in it is Fireworks' own, but the model name is Fireworks' alone: read as Fireworks'.
    assert cc.detect_shape(payload) == "openai.chat"
    reading = cc.read_response(payload, provider="fireworks_ai")
    assert (reading.shape, reading.tier) == ("fireworks_ai.chat", "priority")
    # Priority 3.75 / 0.375 / 18.75: 1,000 x 3.75 + 4,000 x 0.375 + 1,000 x 18.75 = 24,000 per 1M
    assert cc.price_response(payload).total == D("0.024")
    prefixed = payload | {"service_tier": None}
    # Standard 3 / 0.3 / 15: 3,000 + 1,200 + 15,000 = 19,200 per 1M
    assert cc.price_response(prefixed, model="fireworks_ai/accounts/fireworks/models/kimi-k3").total == D(
        "0.0192"
    )


# -- DeepSeek -----------------------------------------------------------------------------------------


def deepseek_payload(created: int, model: str = "deepseek-v4-pro") -> ChatCompletion:
    # What the OpenAI SDK returns from base_url="https://api.deepseek.com": DeepSeek's fields are
    # kept as the SDK's extra fields.
    return ChatCompletion.model_validate(
        {
            "id": "930c60df-bf64-41c9-a88e-3ec75f81e00e",
            "object": "chat.completion",
            "created": created,
            "model": model,
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": "Hello!"}, "finish_reason": "stop"}
            ],
            "usage": {
                "prompt_tokens": 10_000,
                "completion_tokens": 1_500,
                "total_tokens": 11_500,
                "prompt_tokens_details": {"cached_tokens": 8_000},
                "completion_tokens_details": {"reasoning_tokens": 1_200},
                "prompt_cache_hit_tokens": 8_000,
                "prompt_cache_miss_tokens": 2_000,
            },
            "system_fingerprint": "fp_8802369eaa_prod0820_fp8_kvcache",
        }
    )


def test_deepseek_cache_fields_and_peak_hours() -> None:
    peak = deepseek_payload(ts(2026, 10, 14, 2, 30))  # a Wednesday, 10:30 in Beijing
    assert cc.detect_shape(peak) == "deepseek.chat"
    assert cc.usage_from_response(peak) == cc.Usage(
        input_tokens=10_000, cached_input_tokens=8_000, output_tokens=1_500, reasoning_tokens=1_200
    )
    # deepseek-v4-pro peak 1.32 miss / 0.044 hit / 3.96 out:
    # 2,000 x 1.32 + 8,000 x 0.044 + 1,500 x 3.96 = 2,640 + 352 + 5,940 = 8,932 per 1M
    assert cc.price_response(peak).total == D("0.008932")


@pytest.mark.parametrize(
    ("created", "total"),
    [
        (ts(2026, 10, 14, 12, 0), D("0.004466")),  # Wednesday 12:00 UTC: off-peak, half of 8,932
        (ts(2026, 10, 17, 2, 30), D("0.004466")),  # Saturday in a peak window: weekends are off-peak
        (ts(2026, 8, 22, 2, 30), D("0.008932")),  # a Saturday before the weekend rule (2026-08-23)
        # Before 2026-08-16 16:00 UTC the flat rate 0.435 / 0.003625 / 0.87:
        # 2,000 x 0.435 + 8,000 x 0.003625 + 1,500 x 0.87 = 870 + 29 + 1,305 = 2,204 per 1M
        (ts(2026, 8, 16, 12, 0), D("0.002204")),
        # 20:00 UTC the same day: the new prices were in force (midnight in Beijing), off-peak,
        # although the catalog dates them 2026-08-17.
        (ts(2026, 8, 16, 20, 0), D("0.004466")),
    ],
)
def test_deepseek_off_peak_and_dated_changes(created: int, total: Decimal) -> None:
    assert cc.price_response(deepseek_payload(created)).total == total


def test_deepseek_peak_window_edges() -> None:
    wednesday = dt.datetime(2026, 10, 14, tzinfo=dt.UTC)
    for hour, minute, second, off in [
        (0, 59, 59, True),
        (1, 0, 0, False),
        (3, 59, 59, False),
        (4, 0, 0, True),
        (5, 59, 59, True),
        (6, 0, 0, False),
        (9, 59, 59, False),
        (10, 0, 0, True),
    ]:
        at = wednesday.replace(hour=hour, minute=minute, second=second)
        assert deepseek.is_off_peak(at) is off, at
    assert deepseek.is_off_peak(dt.datetime(2026, 8, 16, 15, 59, tzinfo=dt.UTC)) is False  # flat rate then


def test_deepseek_refusals() -> None:
    # deepseek-flash was first billed 2026-09-10 04:00 UTC: two hours earlier it had no price.
    with pytest.raises(cc.NoPriceError, match="no price before"):
        cc.price_response(deepseek_payload(ts(2026, 9, 10, 2, 0), model="deepseek-flash"))
    # 0.3 / 0.006 / 1.2 peak from then: 600 + 48 + 1,800 = 2,448 per 1M (05:00 UTC is off-peak: half)
    assert cc.price_response(deepseek_payload(ts(2026, 9, 10, 7, 0), "deepseek-flash")).total == D("0.002448")
    assert cc.price_response(deepseek_payload(ts(2026, 9, 10, 5, 0), "deepseek-flash")).total == D("0.001224")

    broken = deepseek_payload(ts(2026, 10, 14, 2, 30)).model_dump()
    broken["usage"]["prompt_cache_miss_tokens"] = 2_001
    with pytest.raises(cc.UsageParseError, match="do not add up to prompt_tokens") as info:
        cc.price_response(broken)
    assert info.value.path == "usage"
    tools = deepseek_payload(ts(2026, 10, 14, 2, 30)).model_dump()
    tools["usage"]["server_tool_use"] = {"web_search_requests": 2}
    with pytest.raises(cc.UnpricedUsageError, match="no USD price is published") as refused:
        cc.price_response(tools)
    assert refused.value.field == "usage.server_tool_use.web_search_requests"


# -- xAI ----------------------------------------------------------------------------------------------

# A grok-4.3 Responses API call with three X searches, as logged on 2026-08-24 (usage verbatim).
XAI: dict[str, Any] = {
    "id": "fc4345ca-ac5b-9434-869c-8998c66464d1",
    "object": "response",
    "created_at": ts(2026, 8, 24, 19, 11),
    "model": "grok-4.3",
    "status": "completed",
    "output": [],
    "usage": {
        "input_tokens": 7_583,
        "input_tokens_details": {"cached_tokens": 3_072},
        "output_tokens": 3_192,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": 10_775,
        "num_sources_used": 0,
        "num_server_side_tools_used": 3,
        "cost_in_usd_ticks": 292_331_500,
        "server_side_tool_usage_details": {
            "web_search_calls": 0,
            "x_search_calls": 3,
            "code_interpreter_calls": 0,
            "file_search_calls": 0,
            "mcp_calls": 0,
            "document_search_calls": 0,
            "image_generation_calls": 0,
        },
        "context_details": {"input_tokens": 5_993, "output_tokens": 2_995},
    },
}


def test_xai_responses_reconcile_with_the_ticks() -> None:
    assert cc.detect_shape(XAI) == "xai.responses"
    cost = cc.price_response(XAI)
    # grok-4.3 1.25 / 0.20 / 2.50: 4,511 x 1.25 + 3,072 x 0.2 + 3,192 x 2.5
    # = 5,638.75 + 614.4 + 7,980 = 14,233.15 per 1M; 3 X searches x $0.005 = 0.015
    assert cost.total == D("0.02923315")
    # cost_in_usd_ticks 292,331,500 / 10^10 USD: xAI's own bill, kept beside costcalc's
    assert cost.reported_cost == D("0.02923315")
    assert "provider reported $0.02923315" in str(cost)


def xai_chat(**usage: Any) -> dict[str, Any]:
    return {
        "id": "0daf962f-a275-4a3c-839a-047854645532",
        "object": "chat.completion",
        "created": ts(2026, 11, 2, 9, 0),
        "model": "grok-4.3",
        "choices": [],
        "usage": {
            "prompt_tokens": 125,
            "completion_tokens": 48,
            "total_tokens": 173,
            "prompt_tokens_details": {
                "text_tokens": 125,
                "audio_tokens": 0,
                "image_tokens": 0,
                "cached_tokens": 98,
            },
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
            "num_sources_used": 0,
        }
        | usage,
    }


def test_xai_chat_and_where_the_reasoning_is() -> None:
    # grok-4.3: 27 x 1.25 + 98 x 0.2 + 48 x 2.5 = 33.75 + 19.6 + 120 = 173.35 per 1M
    assert cc.price_response(xai_chat()).total == D("0.00017335")
    details = {"reasoning_tokens": 200}
    # total_tokens = 125 + 48 + 200: the reasoning was reported apart and bills as output on top:
    # 33.75 + 19.6 + 248 x 2.5 = 673.35 per 1M
    apart = xai_chat(total_tokens=373, completion_tokens_details=details)
    assert cc.price_response(apart).total == D("0.00067335")
    # total_tokens = 125 + 248 with the 200 inside 248: 33.75 + 19.6 + 620
    inside = xai_chat(completion_tokens=248, total_tokens=373, completion_tokens_details=details)
    assert cc.price_response(inside).total == D("0.00067335")
    unclear = xai_chat(completion_tokens=248, total_tokens=999, completion_tokens_details=details)
    with pytest.raises(
        cc.UnpricedUsageError, match="does not say whether completion_tokens includes"
    ) as info:
        cc.price_response(unclear)
    assert info.value.field == "usage.completion_tokens_details.reasoning_tokens"


def test_xai_refusals_and_a_dated_change() -> None:
    with pytest.raises(cc.UnpricedUsageError, match="Live Search") as info:
        cc.price_response(xai_chat(num_sources_used=3))
    assert info.value.field == "usage.num_sources_used"
    image = xai_chat()
    image["usage"]["prompt_tokens_details"] |= {"text_tokens": 25, "image_tokens": 100}
    with pytest.raises(cc.UnpricedUsageError) as no_rate:
        cc.price_response(image)  # xAI publishes no image-input rate: never billed as text
    assert no_rate.value.field == "image_input_tokens"
    mcp = copy.deepcopy(XAI)
    mcp["usage"]["server_side_tool_usage_details"]["mcp_calls"] = 1
    with pytest.raises(cc.UnpricedUsageError, match="MCP"):
        cc.price_response(mcp)

    # grok-4.20 was cut from 2 / 0.2 / 6 to 1.25 / 0.2 / 2.5 on 2026-04-30.
    old = xai_chat() | {"model": "grok-4.20-0309-reasoning", "created": ts(2026, 4, 1)}
    new = old | {"created": ts(2026, 5, 1)}
    # 27 x 2 + 98 x 0.2 + 48 x 6 = 54 + 19.6 + 288 = 361.6; after: 33.75 + 19.6 + 120 = 173.35
    assert cc.price_response(old).total == D("0.0003616")
    assert cc.price_response(new).total == D("0.00017335")
    # Tool calls had no published price before the cut (the period lists no units).
    searched = copy.deepcopy(old)
    searched["usage"]["server_side_tool_usage_details"] = {"web_search_calls": 1}
    with pytest.raises(cc.UnpricedUsageError) as unit:
        cc.price_response(searched)
    assert unit.value.field == "units.web_search_call"


# -- Perplexity ---------------------------------------------------------------------------------------


def test_perplexity_request_fee_by_search_context() -> None:
    payload = chat(
        "sonar-pro",
        ts(2026, 6, 1),
        {
            "prompt_tokens": 19,
            "completion_tokens": 498,
            "total_tokens": 517,
            "search_context_size": "high",
            "cost": {
                "input_tokens_cost": 0.000057,
                "output_tokens_cost": 0.00747,
                "request_cost": 0.014,
                "total_cost": 0.021527,
            },
        },
        citations=["https://example.com/a"],
    )
    assert cc.detect_shape(payload) == "perplexity.chat"
    cost = cc.price_response(payload)
    # Sonar Pro 3 / 15: 19 x 3 + 498 x 15 = 7,527 per 1M, + a high-context request $0.014
    assert cost.total == D("0.021527")
    assert cost.reported_cost == D("0.021527")
    no_size = copy.deepcopy(payload)
    del no_size["usage"]["search_context_size"]
    with pytest.raises(cc.UnpricedUsageError, match="request fee") as info:
        cc.price_response(no_size)
    assert info.value.field == "usage.search_context_size"
    assert cc.price_response(no_size, strict=False).total == D("0.007527")


def test_perplexity_deep_research() -> None:
    payload = chat(
        "sonar-deep-research",
        ts(2026, 5, 1),
        {
            "prompt_tokens": 19,
            "completion_tokens": 498,
            "total_tokens": 517,
            "citation_tokens": 10_175,
            "num_search_queries": 48,
            "reasoning_tokens": 95_305,
            "search_context_size": "low",
        },
    )
    # 19 x 2 + 498 x 8 = 4,022 per 1M = 0.004022; citations 10,175 x 0.000002 = 0.02035;
    # 48 searches x 0.005 = 0.24; reasoning 95,305 x 0.000003 = 0.285915; no request fee
    assert cc.price_response(payload).total == D("0.550287")


# -- OpenRouter ---------------------------------------------------------------------------------------

OPENROUTER = chat(
    "anthropic/claude-sonnet-4.5",
    ts(2026, 11, 3),
    {
        "prompt_tokens": 194,
        "completion_tokens": 2,
        "total_tokens": 196,
        "prompt_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 100, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0},
        "cost": 0.000687,
        "is_byok": False,
        "cost_details": {"upstream_inference_cost": None},
    },
    provider="Anthropic",
) | {"id": "gen-1762183925-pPHzcKbGdmVsO0lbnLJp"}


def test_openrouter_reported_cost_beside_its_own_price() -> None:
    assert cc.detect_shape(OPENROUTER) == "openrouter.chat"
    cost = cc.price_response(OPENROUTER)
    # Sonnet 4.5 through OpenRouter 3 / 3.75 write / 15: 94 x 3 + 100 x 3.75 + 2 x 15 = 687 per 1M
    assert (cost.model, cost.total, cost.reported_cost) == (
        "anthropic/claude-sonnet-4.5",
        D("0.000687"),
        D("0.000687"),
    )
    byok = copy.deepcopy(OPENROUTER)
    byok["usage"] |= {
        "cost": 0.0000344,
        "is_byok": True,
        "cost_details": {"upstream_inference_cost": 0.000687},
    }
    # With a user's own key the credits are OpenRouter's fee; the upstream bill is added.
    assert cc.price_response(byok).reported_cost == D("0.0007214")


def test_openrouter_models_are_qualified() -> None:
    plain = chat(
        "anthropic/claude-sonnet-4.5", ts(2026, 11, 3), {"prompt_tokens": 194, "completion_tokens": 2}
    )
    # Nothing shows OpenRouter: its ids are other makers' names, which resolve only when qualified.
    with pytest.raises(cc.UnknownModelError):
        cc.price_response(plain)
    # 194 x 3 + 2 x 15 = 612 per 1M
    assert cc.price_response(plain, provider="openrouter").total == D("0.000612")
    assert cc.price_response(plain, model="openrouter/anthropic/claude-sonnet-4.5").total == D("0.000612")
    searched = copy.deepcopy(OPENROUTER)
    searched["usage"]["server_tool_use"] = {"web_search_requests": 1}
    with pytest.raises(cc.UnpricedUsageError, match="web search"):
        cc.price_response(searched)


# -- Cohere -------------------------------------------------------------------------------------------


def test_cohere_bills_billed_units_not_tokens() -> None:
    chat_v2 = {
        "id": "c14c80c3-18eb-4519-9460-6c92edd8cfb4",
        "finish_reason": "COMPLETE",
        "message": {"role": "assistant", "content": [{"type": "text", "text": "..."}]},
        "usage": {
            "billed_units": {"input_tokens": 1_200, "output_tokens": 300},
            "tokens": {"input_tokens": 1_371, "output_tokens": 302},
        },
    }
    assert cc.detect_shape(chat_v2) == "cohere"
    # Command A 2.5 / 10 on the billed units: 1,200 x 2.5 + 300 x 10 = 6,000 per 1M
    assert cc.price_response(chat_v2, model="command-a-03-2025").total == D("0.006")
    assert cc.price_response(chat_v2, model="cohere/command-a-03-2025").total == D("0.006")
    with pytest.raises(cc.UsageParseError, match="pass model="):
        cc.price_response(chat_v2)

    rerank = {
        "id": "07734bd2-2473-4f07-94e1-0d9f0e6843cf",
        "results": [{"index": 3, "relevance_score": 0.999071}, {"index": 4, "relevance_score": 0.7867867}],
        "meta": {
            "api_version": {"version": "2", "is_experimental": False},
            "billed_units": {"search_units": 2},
        },
    }
    # Rerank 4 Pro $0.0025 per search unit: 2 units
    assert cc.price_response(rerank, model="rerank-v4.0-pro").total == D("0.005")
    embed = {
        "id": "da6e531f-54c6-4a73-bf92-f60566d8d753",
        "embeddings": {"float": [[0.016296387, -0.008354187]]},
        "texts": ["hello"],
        "meta": {"api_version": {"version": "2"}, "billed_units": {"input_tokens": 1_000}},
        "response_type": "embeddings_by_type",
    }
    # Embed 4 0.12 per 1M text tokens
    assert cc.price_response(embed, model="embed-v4.0").total == D("0.00012")
    classify = {"id": "x", "classifications": [], "meta": {"billed_units": {"classifications": 3}}}
    with pytest.raises(cc.UnpricedUsageError) as info:
        cc.price_response(classify, model="command-r-08-2024")
    assert info.value.field == "units.classification"


# -- Amazon Bedrock -----------------------------------------------------------------------------------

CONVERSE: dict[str, Any] = {
    "output": {"message": {"role": "assistant", "content": [{"text": "Hello!"}]}},
    "stopReason": "end_turn",
    "usage": {
        "inputTokens": 2_000,
        "outputTokens": 1_500,
        "totalTokens": 49_500,
        "cacheReadInputTokens": 40_000,
        "cacheWriteInputTokens": 6_000,
        "cacheDetails": [{"ttl": "1h", "inputTokens": 2_000}, {"ttl": "5m", "inputTokens": 4_000}],
    },
    "metrics": {"latencyMs": 1_870},
}


def test_bedrock_converse_region_prefixed_and_global_profiles() -> None:
    response = boto3_response("Converse", CONVERSE)
    assert cc.detect_shape(response) == "bedrock.converse"
    usage = cc.usage_from_response(response)
    # inputTokens leaves out the cache: the whole prompt is 2,000 + 40,000 + 6,000.
    assert usage == cc.Usage(
        input_tokens=48_000,
        cached_input_tokens=40_000,
        cache_write_tokens=4_000,
        cache_write_1h_tokens=2_000,
        output_tokens=1_500,
    )
    # us. profile = in-Region price, Sonnet 4.5 3.3 / 0.33 / 4.125 (5m) / 6.6 (1h) / 16.5:
    # 2,000 x 3.3 + 40,000 x 0.33 + 4,000 x 4.125 + 2,000 x 6.6 + 1,500 x 16.5
    # = 6,600 + 13,200 + 16,500 + 13,200 + 24,750 = 74,250 per 1M
    regional = cc.price_response(response, model="us.anthropic.claude-sonnet-4-5-20250929-v1:0")
    assert regional.total == D("0.07425")
    assert regional.model == "anthropic.claude-sonnet-4-5-20250929-v1:0"
    # global. is its own entry at Anthropic's list price 3 / 0.3 / 3.75 / 6 / 15:
    # 6,000 + 12,000 + 15,000 + 12,000 + 22,500 = 67,500 per 1M (10% below the geo profile)
    world = cc.price_response(
        response, model="bedrock/converse/global.anthropic.claude-sonnet-4-5-20250929-v1:0"
    )
    assert world.total == D("0.0675")
    assert world.model == "global.anthropic.claude-sonnet-4-5-20250929-v1:0"
    # Every prefixed form of the regional id names the same entry.
    for name in (
        "bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0",
        "bedrock/converse/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    ):
        assert cc.price_response(response, model=model_id(name)).total == D("0.07425"), name
    with pytest.raises(cc.UsageParseError, match="names no model; pass model="):
        cc.price_response(response)


def test_bedrock_converse_stream_metadata_on_the_flex_tier() -> None:
    event: dict[str, Any] = {
        "metadata": {
            "usage": {"inputTokens": 10_000, "outputTokens": 2_000, "totalTokens": 12_000},
            "metrics": {"latencyMs": 640},
            "serviceTier": {"type": "flex"},
        }
    }
    cost = cc.price_response(event, model="us.amazon.nova-pro-v1:0")
    # Nova Pro flex 0.4 / 1.6: 10,000 x 0.4 + 2,000 x 1.6 = 7,200 per 1M
    assert (cost.tier, cost.total) == ("flex", D("0.0072"))
    # Flex publishes no cached-input rate: cache reads there cannot be priced.
    event["metadata"]["usage"]["cacheReadInputTokens"] = 1_000
    with pytest.raises(cc.UnpricedUsageError) as info:
        cc.price_response(event, model="amazon.nova-pro-v1:0")
    assert isinstance(info.value, cc.NoPriceError)
    assert info.value.field == "text_cached_input_tokens"
    event["metadata"]["serviceTier"] = {"type": "reserved"}
    with pytest.raises(cc.UsageParseError, match="reserved capacity") as parse:
        cc.price_response(event, model="amazon.nova-pro-v1:0")
    assert parse.value.path == "metadata.serviceTier.type"


def test_bedrock_prompt_router_guardrails_and_latency_optimized() -> None:
    body = copy.deepcopy(CONVERSE)
    body["usage"] = {"inputTokens": 1_000, "outputTokens": 200, "totalTokens": 1_200}
    body["trace"] = {
        "promptRouter": {
            "invokedModelId": "arn:aws:bedrock:us-east-1:123456789012:inference-profile/"
            "us.anthropic.claude-3-haiku-20240307-v1:0"
        },
    }
    response = boto3_response("Converse", body)
    cost = cc.price_response(response)
    # The router names the model it chose. Claude 3 Haiku 0.25 / 1.25: 250 + 250 per 1M
    assert (cost.model, cost.total) == ("anthropic.claude-3-haiku-20240307-v1:0", D("0.0005"))

    body["trace"]["guardrail"] = {
        "inputAssessment": {
            "gr-1": {
                "invocationMetrics": {
                    "guardrailProcessingLatency": 120,
                    "usage": {
                        "topicPolicyUnits": 1,
                        "contentPolicyUnits": 2,
                        "sensitiveInformationPolicyFreeUnits": 1,
                    },
                    "guardrailCoverage": {"textCharacters": {"guarded": 300, "total": 300}},
                }
            }
        }
    }
    guarded = boto3_response("Converse", body)
    with pytest.raises(cc.UnpricedUsageError, match="Guardrails") as info:
        cc.price_response(guarded)
    assert info.value.field == "trace.guardrail.inputAssessment.gr-1.invocationMetrics.usage.topicPolicyUnits"
    lax = cc.price_response(guarded, strict=False)
    assert lax.total == D("0.0005")
    assert [(u.field.rpartition(".")[2], u.quantity) for u in lax.unpriced] == [
        ("topicPolicyUnits", 1),
        ("contentPolicyUnits", 2),
    ]

    body = {
        "output": {"message": {"role": "assistant", "content": [{"text": "Hi"}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 1_000, "outputTokens": 200, "totalTokens": 1_200},
        "metrics": {"latencyMs": 300},
        "performanceConfig": {"latency": "optimized"},
    }
    with pytest.raises(cc.UnpricedUsageError, match="latency_optimized") as info:
        cc.price_response(boto3_response("Converse", body), model="anthropic.claude-3-5-haiku-20241022-v1:0")
    assert info.value.field == "latency_optimized"


def test_bedrock_invoke_model_anthropic_body() -> None:
    # The Anthropic SDK's Bedrock client returns an anthropic Message; Bedrock's ids start msg_bdrk_.
    message = Message.model_validate(
        {
            "id": "msg_bdrk_01Hb2Wq5",
            "type": "message",
            "role": "assistant",
            "model": "claude-haiku-4-5-20251001",
            "content": [{"type": "text", "text": "Hi"}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {
                "input_tokens": 1_000,
                "cache_creation_input_tokens": 2_000,
                "cache_read_input_tokens": 10_000,
                "output_tokens": 500,
            },
        }
    )
    assert cc.detect_shape(message) == "bedrock.invoke"
    cost = cc.price_response(message, model="bedrock/anthropic.claude-haiku-4-5-20251001-v1:0")
    # In-Region Haiku 4.5 1.1 / 0.11 / 1.375 / 5.5: 1,000 x 1.1 + 10,000 x 0.11 + 2,000 x 1.375
    # + 500 x 5.5 = 1,100 + 1,100 + 2,750 + 2,750 = 7,700 per 1M
    assert cost.total == D("0.0077")
    # The body names Anthropic's model id, not the Bedrock modelId that sets the price (in-Region
    # and global. differ): Bedrock's candidates are offered instead of a guess.
    with pytest.raises(cc.UnknownModelError, match=re.escape("'anthropic.claude-haiku-4-5-20251001-v1:0'")):
        cc.price_response(message)
    # An Anthropic body without Bedrock's id is Anthropic's unless the caller says Bedrock served it.
    plain = message.model_dump() | {"id": "msg_01"}
    assert cc.detect_shape(plain) == "anthropic"
    assert cc.detect_shape(plain, provider="bedrock") == "bedrock.invoke"
    assert cc.price_response(plain, model="us.anthropic.claude-haiku-4-5-20251001-v1:0").total == D("0.0077")


def test_bedrock_invoke_native_bodies_headers_and_metrics() -> None:
    llama = {
        "generation": "Paris.",
        "prompt_token_count": 12,
        "generation_token_count": 8,
        "stop_reason": "stop",
    }
    # Llama 3.3 70B 0.72 / 0.72, served through the us. profile: 20 x 0.72 per 1M
    assert cc.price_response(llama, model="us.meta.llama3-3-70b-instruct-v1:0").total == D("0.0000144")

    titan = {
        "inputTextTokenCount": 8,
        "results": [{"tokenCount": 3, "outputText": "blue\n", "completionReason": "FINISH"}],
    }
    # Titan Text Express 0.2 / 0.6: 8 x 0.2 + 3 x 0.6 = 3.4 per 1M
    assert cc.price_response(titan, model="amazon.titan-text-express-v1").total == D("0.0000034")
    embedding = {"embedding": [0.018, -0.257, 0.331], "inputTextTokenCount": 7}
    # Titan Embeddings v2 0.02: the vector's numbers are not quantities
    assert cc.price_response(embedding, model="amazon.titan-embed-text-v2:0").total == D("0.00000014")

    response = boto3_response(
        "InvokeModel",
        llama,
        headers={
            "x-amzn-bedrock-input-token-count": "100",
            "x-amzn-bedrock-output-token-count": "20",
            "x-amzn-bedrock-invocation-latency": "512",
            "content-type": "application/json",
        },
    )
    response.pop("body")  # boto3 returns a StreamingBody here: the headers are what is read
    assert cc.detect_shape(response) == "bedrock.invoke"
    # 120 x 0.72 per 1M
    assert cc.price_response(response, model="meta.llama3-3-70b-instruct-v1:0").total == D("0.0000864")

    chunk = {
        "type": "message_stop",
        "amazon-bedrock-invocationMetrics": {
            "inputTokenCount": 1_000,
            "outputTokenCount": 200,
            "invocationLatency": 2_100,
            "firstByteLatency": 300,
        },
    }
    # Claude 3 Haiku 0.25 / 1.25: 250 + 250 per 1M
    assert cc.price_response(chunk, model="anthropic.claude-3-haiku-20240307-v1:0").total == D("0.0005")


def test_bedrock_batch_records() -> None:
    record = {
        "recordId": "CALL0000001",
        "modelInput": {"prompt": "Capital of France?"},
        "modelOutput": {"generation": "Paris.", "prompt_token_count": 12, "generation_token_count": 8},
    }
    cost = cc.price_response(record, model="us.meta.llama3-3-70b-instruct-v1:0")
    # Llama 3.3 70B batch 0.36 / 0.36: 20 x 0.36 per 1M
    assert (cost.tier, cost.total) == ("batch", D("0.0000072"))
    failed = {
        "recordId": "1223213ABCD",
        "modelInput": {"inputText": "Hello"},
        "error": {"errorCode": 400, "errorMessage": "bad request"},
    }
    with pytest.raises(cc.BatchRequestError, match="bad request") as info:
        cc.price_response(failed, model="meta.llama3-3-70b-instruct-v1:0")
    assert info.value.custom_id == "1223213ABCD"
    # Titan has no batch rate on Bedrock: never priced at on-demand instead.
    titan = {
        "recordId": "3223593EFGH",
        "modelInput": {},
        "modelOutput": {"inputTextTokenCount": 8, "results": []},
    }
    with pytest.raises(cc.UnsupportedTierError):
        cc.price_response(titan, model="amazon.titan-text-express-v1")


# -- malformed payloads name the field ---------------------------------------------------------------


def _converse(**usage: Any) -> dict[str, Any]:
    return {"stopReason": "end_turn", "usage": {"inputTokens": 10, "outputTokens": 2} | usage}


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        (_converse(cacheDetails={"ttl": "5m"}), "usage.cacheDetails"),
        (_converse(cacheDetails=[7]), "usage.cacheDetails[0]"),
        (
            _converse(cacheWriteInputTokens=5, cacheDetails=[{"ttl": "2h", "inputTokens": 5}]),
            "usage.cacheDetails[0].ttl",
        ),
        (
            _converse(cacheWriteInputTokens=5, cacheDetails=[{"ttl": "5m", "inputTokens": 4}]),
            "usage.cacheDetails",
        ),
        (_converse() | {"serviceTier": {"type": "turbo"}}, "serviceTier.type"),
        (
            _converse() | {"trace": {"promptRouter": {"invokedModelId": 7}}},
            "trace.promptRouter.invokedModelId",
        ),
        ({"inputTextTokenCount": 8, "results": {"tokenCount": 3}}, "results"),
        ({"inputTextTokenCount": 8, "results": [3]}, "results[0]"),
        (
            {"x-amzn-bedrock-input-token-count": "12", "x-amzn-bedrock-output-token-count": "many"},
            "x-amzn-bedrock-output-token-count",
        ),
        ({"x-amzn-bedrock-input-token-count": "12"}, "x-amzn-bedrock-output-token-count"),
        ({"recordId": "r", "modelOutput": [1]}, "modelOutput"),
        (
            {"recordId": "r", "modelOutput": {"prompt_token_count": "12", "generation_token_count": 1}},
            "modelOutput.prompt_token_count",
        ),
        ({"id": "msg_bdrk_1", "type": "message_delta", "note": "no usage"}, ""),
        (
            {
                "usage": {
                    "prompt_tokens": 10,
                    "completion_tokens": 1,
                    "prompt_cache_hit_tokens": 1,
                    "prompt_cache_miss_tokens": 11,
                }
            },
            "usage",
        ),
        ({"usage": {"prompt_tokens": 10, "completion_tokens": 1, "prompt_cache_miss_tokens": 11}}, "usage"),
        (
            {
                "usage": {
                    "prompt_tokens": 10,
                    "completion_tokens": 1,
                    "prompt_cache_hit_tokens": 4,
                    "prompt_tokens_details": {"cached_tokens": 3},
                }
            },
            "usage",
        ),
        (
            {"usage": {"prompt_tokens": 10, "completion_tokens": 1, "cost_in_usd_ticks": -5}},
            "usage.cost_in_usd_ticks",
        ),
        (
            {"usage": {"prompt_tokens": 10, "completion_tokens": 1}, "server_side_tool_usage": [3]},
            "server_side_tool_usage",
        ),
        (
            {"usage": {"prompt_tokens": 10, "completion_tokens": 1, "search_context_size": "huge"}},
            "usage.search_context_size",
        ),
        (
            {"usage": {"prompt_tokens": 10, "completion_tokens": 1, "citation_tokens": 1, "cost": "0.5"}},
            "usage.cost",
        ),
        (
            {
                "usage": {
                    "prompt_tokens": 10,
                    "completion_tokens": 1,
                    "citation_tokens": 1,
                    "cost": {"total_cost": "n/a"},
                }
            },
            "usage.cost.total_cost",
        ),
        (
            {"id": "gen-1", "usage": {"prompt_tokens": 10, "completion_tokens": 1, "cost": float("nan")}},
            "usage.cost",
        ),
        (
            {
                "id": "gen-1",
                "usage": {"prompt_tokens": 10, "completion_tokens": 1, "cost": 0.1, "is_byok": "no"},
            },
            "usage.is_byok",
        ),
        (
            {
                "id": "gen-1",
                "service_tier": "flex",
                "usage": {"prompt_tokens": 10, "completion_tokens": 1, "service_tier": "priority"},
            },
            "usage.service_tier",
        ),
        (
            {"id": "gen-1", "service_tier": "turbo", "usage": {"prompt_tokens": 10, "completion_tokens": 1}},
            "service_tier",
        ),
        (
            {"id": "gen-1", "usage": {"prompt_tokens": 10, "completion_tokens": 1, "service_tier": "turbo"}},
            "usage.service_tier",
        ),
        ({"x_groq": {"usage": [1]}}, "x_groq.usage"),
        (
            {"usage": {"prompt_tokens": 10, "completion_tokens": 1, "prompt_audio_seconds": 1.5}},
            "usage.prompt_audio_seconds",
        ),
        ({"meta": {"billed_units": {"input_tokens": -1}}}, "meta.billed_units.input_tokens"),
        ({"usage": {"tokens": {"input_tokens": 3}}, "meta": {"billed_units": {}}}, "usage.billed_units"),
        ({"usage": 7, "meta": {"billed_units": {}}}, "usage"),
    ],
)
def test_malformed_vendor_payloads_name_the_field(payload: dict[str, Any], path: str) -> None:
    with pytest.raises(cc.UsageParseError) as info:
        cc.price_response(payload, model="m")
    assert info.value.path == path


def test_more_invoke_bodies_and_readings() -> None:
    # gpt-oss on Bedrock answers InvokeModel in OpenAI's Chat Completions format.
    oss = chat("openai.gpt-oss-120b-1:0", ts(2026, 11, 3), {"prompt_tokens": 1_000, "completion_tokens": 500})
    assert cc.read_response(oss, provider="bedrock").shape == "bedrock.invoke"
    cost = cc.price_response(oss, provider="bedrock")
    assert cost.model == "openai.gpt-oss-120b-1:0"
    assert (
        cost.total
        == cc.price(cc.Usage(input_tokens=1_000, output_tokens=500), "bedrock/openai.gpt-oss-120b").total
    )
    # A Converse batch job's records carry Converse responses.
    record = {"recordId": "R1", "modelInput": {}, "modelOutput": CONVERSE}
    usage = cc.usage_from_response(record)
    assert usage.input_tokens == 48_000
    assert cc.read_response(record).tier == "batch"
    # A bare TokenUsage block, and a ConverseStream metadata event given unwrapped.
    assert cc.usage_from_response(CONVERSE["usage"]) == usage
    assert cc.usage_from_response({"usage": CONVERSE["usage"], "metrics": {"latencyMs": 3}}) == usage
    # A Cohere usage block on its own.
    assert cc.usage_from_response({"billed_units": {"input_tokens": 3}}) == cc.Usage(input_tokens=3)
    # xAI's SDK puts the successful tool calls beside the usage.
    sdk = xai_chat() | {"server_side_tool_usage": {"SERVER_SIDE_TOOL_X_SEARCH": 2, "SERVER_SIDE_TOOL_MCP": 1}}
    assert cc.read_response(sdk).usage.units == {"x_search_call": 2}
    with pytest.raises(cc.UnpricedUsageError, match="SERVER_SIDE_TOOL_MCP"):
        cc.price_response(sdk)
    # Reading a shape the module does not have is an error, whichever module is asked.
    from costcalc.providers import module_for

    for shape in SHAPES:
        module = module_for(shape)
        if module in MODULES[3:]:
            with pytest.raises(cc.UsageParseError, match="unknown"):
                module.read({"usage": {}}, "no.such.shape")


def test_contradictions_and_ambiguity() -> None:
    both = {
        "usage": {
            "prompt_tokens": 10,
            "completion_tokens": 1,
            "prompt_cache_hit_tokens": 1,
            "queue_time": 0.1,
        }
    }
    with pytest.raises(cc.UsageParseError, match=r"could be deepseek\.chat or groq\.chat"):
        cc.detect_shape(both)
    assert cc.usage_from_response(both, shape="deepseek.chat", strict=False).cached_input_tokens == 1
    with pytest.raises(cc.InvalidInputError):
        cc.detect_shape(both | {"usage": {"prompt_tokens": 1}}, provider=7)  # type: ignore[arg-type]
    groq = chat(
        "llama-3.3-70b-versatile", ts(2026, 11, 3), {"prompt_tokens": 1, "completion_tokens": 1}, x_groq={}
    )
    with pytest.raises(cc.UsageParseError, match="billed by groq") as info:
        cc.price_response(groq, shape="groq.chat", provider="together_ai")
    assert info.value.path == "provider"
    # A model= of another host does not override what the payload proves: Groq does not sell it.
    assert cc.read_response(groq).provider == "groq"
    with pytest.raises(cc.UnknownModelError, match="for provider 'groq'"):
        cc.price_response(groq, model="together_ai/moonshotai/kimi-k3")


# -- every vendor -------------------------------------------------------------------------------------

#: (payload, model=, the usage block's path, the subtrees its spec declares money or labels)
VENDOR_PAYLOADS: dict[str, tuple[Any, str | None, tuple[str, ...], tuple[str, ...]]] = {
    "bedrock.converse": (CONVERSE, "us.anthropic.claude-sonnet-4-5-20250929-v1:0", ("usage",), ()),
    "bedrock.invoke": (
        {"generation": ".", "prompt_token_count": 12, "generation_token_count": 8},
        "us.meta.llama3-3-70b-instruct-v1:0",
        (),
        (),
    ),
    "deepseek.chat": (deepseek_payload(ts(2026, 10, 14, 2, 30)).model_dump(), None, ("usage",), ()),
    "xai.responses": (XAI, None, ("usage",), ()),
    "mistral.chat": (
        chat(
            "voxtral-small-2507",
            ts(2026, 8, 20),
            {"prompt_tokens": 10, "completion_tokens": 1, "prompt_audio_seconds": 60},
        ),
        None,
        ("usage",),
        (),
    ),
    "groq.chat": (
        chat("openai/gpt-oss-120b", 0, GROQ_USAGE, x_groq={"id": "req_1"}) | {"created": ts(2026, 11, 3)},
        None,
        ("usage",),
        (),
    ),
    "cohere": (
        {
            "id": "c",
            "usage": {
                "billed_units": {"input_tokens": 5, "output_tokens": 418},
                "tokens": {"input_tokens": 71},
            },
        },
        "command-r-08-2024",
        ("usage",),
        (),
    ),
    "perplexity.chat": (
        chat(
            "sonar",
            ts(2026, 6, 1),
            {
                "prompt_tokens": 19,
                "completion_tokens": 4,
                "search_context_size": "low",
                "cost": {"total_cost": 0.005},
            },
        ),
        None,
        ("usage",),
        ("cost",),
    ),
    "openrouter.chat": (OPENROUTER, None, ("usage",), ("cost_details",)),
}


def _maps(obj: Any, path: tuple[str, ...], skip: tuple[str, ...]) -> list[tuple[str, ...]]:
    out = [path]
    if isinstance(obj, dict):
        for key, value in obj.items():
            if isinstance(value, dict) and key not in skip:
                out += _maps(value, (*path, key), skip)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, dict):
                        out += _maps(item, (*path, key, f"[{i}]"), skip)
    return out


@pytest.mark.parametrize("shape", sorted(VENDOR_PAYLOADS))
def test_each_vendor_payload_prices_as_its_own_shape(shape: str) -> None:
    payload, model, _, _ = VENDOR_PAYLOADS[shape]
    assert cc.detect_shape(payload) == shape
    owner = OWNERS[shape]
    # provider= names who served it: the same reading, the same bill.
    assert cc.price_response(payload, model=model, provider=owner) == cc.price_response(payload, model=model)


@given(st.sampled_from(sorted(VENDOR_PAYLOADS)), st.data())
def test_extra_numbers_in_a_vendor_usage_block_are_refused_by_name(shape: str, data: st.DataObject) -> None:
    payload, model, root, skip = VENDOR_PAYLOADS[shape]
    damaged = copy.deepcopy(payload)
    block: Any = damaged
    for key in root:
        block = block[key]
    where = data.draw(st.sampled_from(_maps(block, (), skip)))
    target = block
    for key in where:
        target = target[int(key[1:-1])] if key.startswith("[") else target[key]
    name = data.draw(st.from_regex(r"zz[a-z_]{0,8}", fullmatch=True))
    value = data.draw(st.integers(1, 10**9) | st.decimals("0.000001", "1000", places=6).map(float))
    target[name] = value
    path = ".".join((*root, *where, name)).replace(".[", "[")
    with pytest.raises(cc.UnpricedUsageError) as info:
        cc.price_response(damaged, model=model)
    assert info.value.field == path
    lax = cc.price_response(damaged, model=model, strict=False)
    assert path in [u.field for u in lax.unpriced]
    assert lax.total == cc.price_response(payload, model=model).total
