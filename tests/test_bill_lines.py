"""Every line of the bill, from responses built with the providers' own SDK types.

Each expected amount is worked out by hand from the rates in costcalc/data/*.toml (the comment
shows the arithmetic, USD per 1M tokens unless said otherwise).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from decimal import Decimal
from typing import Any

import anthropic.types as at
import pytest
from google.genai import types as gt
from hypothesis import given
from hypothesis import strategies as st
from openai.types.responses import Response

import costcalc as cc

D = Decimal
NOV_2025 = 1_764_000_000.5  # 2025-11-24, a float as the openai SDK types created_at


def responses(
    *,
    model: str = "gpt-5",
    output: list[dict[str, Any]] | None = None,
    tools: list[dict[str, Any]] | None = None,
    usage: dict[str, Any] | None = None,
    tool_usage: dict[str, Any] | None = None,
    created_at: float = NOV_2025,
) -> Response:
    data: dict[str, Any] = {
        "id": "resp_1",
        "object": "response",
        "created_at": created_at,
        "model": model,
        "output": output or [],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": tools or [],
        "usage": usage
        or {
            "input_tokens": 10_000,
            "input_tokens_details": {"cached_tokens": 2_000, "cache_write_tokens": 0},
            "output_tokens": 2_000,
            "output_tokens_details": {"reasoning_tokens": 1_500},
            "total_tokens": 12_000,
        },
    }
    if tool_usage is not None:
        data["tool_usage"] = tool_usage
    return Response.model_validate(data)


def search(i: int, action: str = "search") -> dict[str, Any]:
    act: dict[str, Any] = {"type": action}
    if action == "search":
        act["query"] = f"q{i}"
    elif action == "open_page":
        act["url"] = "https://example.com"
    else:
        act.update(url="https://example.com", pattern="x")
    return {"id": f"ws_{i}", "type": "web_search_call", "status": "completed", "action": act}


# gpt-5: 1.25 input, 0.125 cached, 10 output; web search $10 per 1,000 calls.
# 8,000 x 1.25 + 2,000 x 0.125 + 2,000 x 10, per 1M = 0.01 + 0.00025 + 0.02 = 0.03025
GPT5_TOKENS = D("0.03025")


def test_web_search_calls_are_billed_per_search_not_per_page_open() -> None:
    resp = responses(
        output=[search(1), search(2), search(3, "open_page"), search(4, "find_in_page")],
        tools=[{"type": "web_search"}],
    )
    cost = cc.price_response(resp)
    # Two searches at $0.01; open_page and find_in_page are not calls.
    assert cost.fees == D("0.02")
    assert cost.total == GPT5_TOKENS + D("0.02")
    line = next(line for line in cost.lines if line.name == "web_search_call")
    assert (line.quantity, line.rate, line.amount) == (2, D("0.01"), D("0.02"))


def test_tool_usage_counts_win_over_the_items() -> None:
    resp = responses(
        output=[search(1)],
        tools=[{"type": "web_search"}],
        tool_usage={
            "web_search": {"num_requests": 3},
            "image_gen": {
                "input_tokens": 0,
                "input_tokens_details": {"image_tokens": 0, "text_tokens": 0},
                "output_tokens": 0,
                "total_tokens": 0,
            },
        },
    )
    # tool_usage says 3 billable searches: 3 x $0.01.
    assert cc.price_response(resp).total == GPT5_TOKENS + D("0.03")


def test_web_search_preview_on_a_non_reasoning_model() -> None:
    usage = {
        "input_tokens": 1_000,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": 100,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": 1_100,
    }
    resp = responses(model="gpt-4o", output=[search(1)], tools=[{"type": "web_search_preview"}], usage=usage)
    # gpt-4o: 1,000 x 2.5 + 100 x 10 per 1M = 0.0035; web_search_preview on gpt-4o: $25 / 1,000.
    assert cc.price_response(resp).total == D("0.0035") + D("0.025")
    both = responses(
        model="gpt-4o",
        output=[search(1)],
        tools=[{"type": "web_search_preview"}, {"type": "web_search"}],
        usage=usage,
    )
    with pytest.raises(cc.UnpricedUsageError, match="web_search_preview"):
        cc.price_response(both)


def test_file_search_and_code_interpreter_containers() -> None:
    resp = responses(
        output=[
            {"id": "fs_1", "type": "file_search_call", "status": "completed", "queries": ["x"]},
            {"id": "ci_1", "type": "code_interpreter_call", "status": "completed", "container_id": "cntr_a"},
            {"id": "ci_2", "type": "code_interpreter_call", "status": "completed", "container_id": "cntr_a"},
            {"id": "ci_3", "type": "code_interpreter_call", "status": "completed", "container_id": "cntr_b"},
        ],
        tools=[
            {"type": "file_search", "vector_store_ids": ["vs_1"]},
            {"type": "code_interpreter", "container": {"type": "auto", "memory_limit": "4g"}},
        ],
    )
    cost = cc.price_response(resp)
    # One file search at $2.50 / 1,000; two 4 GB containers (cntr_a twice, cntr_b) at $0.12 each.
    assert cost.fees == D("0.0025") + 2 * D("0.12")
    assert cost.total == GPT5_TOKENS + D("0.2425")


IMAGE_GEN = {
    "input_tokens": 50,
    "input_tokens_details": {"image_tokens": 0, "text_tokens": 50},
    "output_tokens": 4_160,
    "output_tokens_details": {"image_tokens": 4_160, "text_tokens": 0},
    "total_tokens": 4_210,
}


def test_image_generation_tool_billed_at_the_image_models_rates() -> None:
    resp = responses(
        output=[{"id": "ig_1", "type": "image_generation_call", "status": "completed", "result": "..."}],
        tools=[{"type": "image_generation", "model": "gpt-image-1", "quality": "high"}],
        tool_usage={"web_search": {"num_requests": 0}, "image_gen": IMAGE_GEN},
        created_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC).timestamp(),
    )
    cost = cc.price_response(resp)
    # gpt-image-1: 50 text input tokens x 5 + 4,160 image output tokens x 40, per 1M
    # = 0.00025 + 0.1664 (a high-quality 1024x1024 image is 4,160 tokens).
    assert cost.fees == D("0.16665")
    assert cost.total == GPT5_TOKENS + D("0.16665")
    assert {line.name for line in cost.lines} >= {"image_generation: input", "image_generation: output_image"}
    with pytest.raises(cc.UnpricedUsageError, match="image_generation"):
        cc.usage_from_response(resp)  # a Usage of gpt-5 alone cannot hold gpt-image-1's tokens


def test_image_generation_without_tool_usage_is_refused_not_free() -> None:
    resp = responses(
        output=[{"id": "ig_1", "type": "image_generation_call", "status": "completed", "result": "..."}],
        tools=[{"type": "image_generation"}],
    )
    with pytest.raises(cc.UnpricedUsageError, match="image generation"):
        cc.price_response(resp)
    lenient = cc.price_response(resp, strict=False)
    assert lenient.total == GPT5_TOKENS
    assert [u.field for u in lenient.unpriced] == ["output[].image_generation_call"]
    assert "UNPRICED" in str(lenient)
    assert "INCOMPLETE" in lenient._repr_html_()
    assert not lenient.complete


def test_openai_created_at_float_picks_the_dated_price() -> None:
    usage = {
        "input_tokens": 1_000,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": 1_000,
        "output_tokens_details": {"reasoning_tokens": 800},
        "total_tokens": 2_000,
    }
    may = dt.datetime(2025, 5, 1, 12, tzinfo=dt.UTC).timestamp() + 0.25
    resp = responses(model="o3", usage=usage, created_at=may)
    # o3 before its 2025-06-10 cut: 1,000 x 10 + 1,000 x 40 per 1M = 0.05 (after: 0.01).
    assert cc.price_response(resp).total == D("0.05")


@pytest.mark.parametrize(
    ("word", "tier"),
    [("default", "standard"), ("flex", "flex"), ("priority", "priority"), ("fast", "priority")],
)
def test_every_openai_service_tier_is_priced_or_refused_by_name(word: str, tier: str) -> None:
    chat = {
        "object": "chat.completion",
        "model": "gpt-5",
        "service_tier": word,
        "usage": {"prompt_tokens": 1, "completion_tokens": 1},
    }
    assert cc.price_response(chat).tier == tier


@pytest.mark.parametrize("word", ["auto", "scale", "ultrafast", "batch", "nope"])
def test_service_tiers_without_a_price_are_refused(word: str) -> None:
    chat = {
        "object": "chat.completion",
        "model": "gpt-5",
        "service_tier": word,
        "usage": {"prompt_tokens": 1, "completion_tokens": 1},
    }
    with pytest.raises(cc.UsageParseError, match=repr(word)):
        cc.price_response(chat)


def test_the_sdk_declares_no_tier_we_do_not_handle() -> None:
    import typing

    from costcalc.providers import openai as provider

    declared = typing.get_args(typing.get_args(Response.model_fields["service_tier"].annotation)[0])
    assert set(declared) <= set(provider.TIERS)


# -- Anthropic ----------------------------------------------------------------------------------------


def message(model: str, **usage: Any) -> at.Message:
    return at.Message.model_validate(
        {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [{"type": "text", "text": "hi"}],
            "stop_reason": "end_turn",
            "usage": usage,
        }
    )


def test_anthropic_web_searches_are_billed() -> None:
    msg = message(
        "claude-sonnet-4-5",
        input_tokens=5_000,
        output_tokens=1_000,
        server_tool_use={"web_search_requests": 3, "web_fetch_requests": 2},
    )
    # 5,000 x 3 + 1,000 x 15 per 1M = 0.03; 3 searches x $10 / 1,000 = 0.03; fetches bill tokens only.
    assert cc.price_response(msg).total == D("0.06")
    batch = message(
        "claude-sonnet-4-5",
        input_tokens=5_000,
        output_tokens=1_000,
        service_tier="batch",
        server_tool_use={"web_search_requests": 3, "web_fetch_requests": 0},
    )
    # Batch halves the tokens (1.5 / 7.5): 0.0075 + 0.0075; searches stay $0.01 each.
    assert cc.price_response(batch).total == D("0.045")


def test_anthropic_fast_mode_is_its_own_tier() -> None:
    msg = message("claude-opus-4-8", input_tokens=1_000, output_tokens=1_000, speed="fast")
    # claude-opus-4-8 fast (until 2026-11-30): 1,000 x 10 + 1,000 x 50 per 1M = 0.06 (standard: 0.03).
    cost = cc.price_response(msg, at="2026-11-20")
    assert (cost.tier, cost.total) == ("fast", D("0.06"))
    with pytest.raises(cc.UnsupportedTierError, match="fast"):
        cc.price_response(message("claude-sonnet-4-5", input_tokens=1, output_tokens=1, speed="fast"))


def test_us_only_inference_surcharge() -> None:
    msg = message("claude-opus-4-6", input_tokens=1_000, output_tokens=1_000, inference_geo="us")
    # (1,000 x 5 + 1,000 x 25) per 1M = 0.03, times 1.1 for US-only inference = 0.033.
    assert cc.price_response(msg).total == D("0.033")
    assert cc.price_response(
        message("claude-opus-4-6", input_tokens=1_000, output_tokens=1_000, inference_geo="global")
    ).total == D("0.03")
    # Claude 4.5 and earlier publish no such surcharge: refused rather than priced without it.
    older = message("claude-sonnet-4-5", input_tokens=1, output_tokens=1, inference_geo="us")
    with pytest.raises(cc.UnpricedUsageError, match="inference_geo_us"):
        cc.price_response(older)
    # The same surcharge by name on price().
    usage = cc.Usage(input_tokens=1_000, output_tokens=1_000)
    assert cc.price(usage, "claude-opus-4-6", surcharges=["inference_geo_us"]).total == D("0.033")


def test_a_bare_anthropic_usage_block_is_read_as_anthropic() -> None:
    logged = {
        "model": "claude-sonnet-4-5",
        "usage": {
            "input_tokens": 4,
            "cache_creation_input_tokens": 1_017,
            "cache_read_input_tokens": 20_000,
            "output_tokens": 300,
        },
    }
    assert cc.detect_shape(logged) == "anthropic"
    # 4 x 3 + 1,017 x 3.75 + 20,000 x 0.3 + 300 x 15 per 1M = 0.000012 + 0.00381375 + 0.006 + 0.0045
    assert cc.price_response(logged).total == D("0.01432575")
    ambiguous = {"model": "x", "usage": {"input_tokens": 1, "output_tokens": 1}}
    with pytest.raises(cc.UsageParseError, match="shape="):
        cc.price_response(ambiguous)


def test_a_payload_of_one_provider_naming_another_providers_model_is_refused() -> None:
    msg = message("claude-sonnet-4-5", input_tokens=1, output_tokens=1)
    with pytest.raises(cc.UsageParseError, match="gpt-4o"):
        cc.price_response(msg, model="gpt-4o")
    with pytest.raises(cc.UsageParseError, match="another provider"):
        cc.price_response(
            {"type": "message", "model": "gpt-4o", "usage": {"input_tokens": 1, "output_tokens": 1}}
        )


# -- Gemini -------------------------------------------------------------------------------------------


def gemini(model: str, usage: dict[str, Any], **extra: Any) -> gt.GenerateContentResponse:
    return gt.GenerateContentResponse.model_validate(
        {"model_version": model, "usage_metadata": usage, **extra}
    )


def test_gemini_audio_input_at_the_audio_rate() -> None:
    resp = gemini(
        "gemini-2.5-flash",
        {
            "prompt_token_count": 10_000,
            "candidates_token_count": 500,
            "prompt_tokens_details": [
                {"modality": "TEXT", "token_count": 2_000},
                {"modality": "AUDIO", "token_count": 8_000},
            ],
        },
    )
    # gemini-2.5-flash: text 0.30, audio 1.00, output 2.50:
    # 2,000 x 0.3 + 8,000 x 1 + 500 x 2.5 per 1M = 0.0006 + 0.008 + 0.00125 = 0.00985 (as text: 0.00425).
    cost = cc.price_response(resp)
    assert cost.total == D("0.00985")
    assert cc.usage_from_response(resp).audio_input_tokens == 8_000


def test_gemini_cached_audio_needs_the_cached_split() -> None:
    meta = {
        "prompt_token_count": 10_000,
        "cached_content_token_count": 4_000,
        "candidates_token_count": 0,
        "prompt_tokens_details": [
            {"modality": "TEXT", "token_count": 2_000},
            {"modality": "AUDIO", "token_count": 8_000},
        ],
    }
    with pytest.raises(cc.UnpricedUsageError, match="cached"):
        cc.price_response(gemini("gemini-2.5-flash", meta))
    split = meta | {"cache_tokens_details": [{"modality": "AUDIO", "token_count": 4_000}]}
    # 2,000 text x 0.3 + 4,000 uncached audio x 1 + 4,000 cached audio x 0.1, per 1M = 0.0006 + 0.004 + 0.0004
    assert cc.price_response(gemini("gemini-2.5-flash", split)).total == D("0.005")


def test_gemini_grounding_per_prompt_and_per_query() -> None:
    grounded = {"candidates": [{"grounding_metadata": {"web_search_queries": ["a", "b", "c"]}}]}
    usage = {"prompt_token_count": 1_000, "candidates_token_count": 200}
    # gemini-2.5-pro bills the grounded prompt: 1,000 x 1.25 + 200 x 10 per 1M + $35 / 1,000 = 0.03825.
    assert cc.price_response(gemini("gemini-2.5-pro", usage, **grounded)).total == D("0.03825")
    # Gemini 3 bills each query ($14 / 1,000) since 2026-01-05:
    # 1,000 x 0.5 + 200 x 3 per 1M = 0.0011, plus 3 x 0.014 = 0.042.
    g3 = cc.price_response(gemini("gemini-3-flash-preview", usage, **grounded), at="2026-11-25")
    assert g3.total == D("0.0431")
    assert g3.fees == D("0.042")


def test_gemini_counts_in_mixed_spellings_are_all_read() -> None:
    mixed = {
        "usageMetadata": {"promptTokenCount": 1_000, "candidatesTokenCount": 100, "thoughts_token_count": 50},
        "modelVersion": "gemini-2.5-flash",
    }
    assert cc.usage_from_response(mixed) == cc.Usage(
        input_tokens=1_000, output_tokens=150, reasoning_tokens=50
    )
    both = {
        "usageMetadata": {"promptTokenCount": 1, "prompt_token_count": 2},
        "modelVersion": "gemini-2.5-flash",
    }
    with pytest.raises(cc.UsageParseError, match="twice"):
        cc.usage_from_response(both)


def test_gemini_sdk_objects_with_datetimes_and_bytes() -> None:
    resp = gemini(
        "gemini-2.5-flash",
        {"prompt_token_count": 1_000, "candidates_token_count": 100, "thoughts_token_count": 20},
        create_time=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        candidates=[
            {
                "content": {
                    "role": "model",
                    "parts": [{"text": "hi", "thought_signature": b"\x00\x01sig"}],
                },
                "finish_reason": "STOP",
            }
        ],
    )
    reading = cc.read_response(resp)
    assert reading.at == dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    # 1,000 x 0.3 + 120 x 2.5 per 1M = 0.0003 + 0.0003
    assert cc.price_response(resp).total == D("0.0006")


# -- models and units ---------------------------------------------------------------------------------

KNOWN_NOW = [
    "gpt-4o-audio-preview",
    "gpt-4o-mini-audio-preview",
    "gpt-audio",
    "gpt-audio-mini",
    "gpt-realtime",
    "gpt-realtime-mini",
    "gpt-4o-transcribe",
    "gpt-4o-mini-transcribe",
    "whisper-1",
    "tts-1",
    "tts-1-hd",
    "gpt-4o-mini-tts",
    "gpt-image-1",
    "gpt-image-1-mini",
    "gpt-4o-search-preview",
    "gpt-4o-mini-search-preview",
    "computer-use-preview",
    "gemini-2.5-flash-image",
    "gemini-3-pro-image-preview",
    "gemini-2.5-flash-preview-tts",
    "gemini-embedding-001",
]


@pytest.mark.parametrize("name", KNOWN_NOW)
def test_models_of_every_kind_are_known(name: str) -> None:
    assert cc.get_model(name).provider in {"openai", "google"}


def test_per_unit_models() -> None:
    # whisper-1: $0.006 per minute; tts-1: $15 per 1M characters.
    assert cc.price(cc.Usage(units={"audio_minute": 3}), "whisper-1").total == D("0.018")
    assert cc.price(cc.Usage(units={"character": 1_000}), "tts-1").total == D("0.015")
    transcription = {"text": "hello", "usage": {"type": "duration", "seconds": 95}}
    # 95 seconds at 0.006 / 60 = 0.0001 per second: 0.0095
    assert cc.price_response(transcription, model="whisper-1").total == D("0.0095")
    with pytest.raises(cc.UnpricedUsageError, match="character"):
        cc.price(cc.Usage(units={"character": 1}), "whisper-1")


def test_output_tokens_on_an_embedding_model_are_refused() -> None:
    with pytest.raises(cc.UnpricedUsageError, match="output"):
        cc.price(cc.Usage(input_tokens=10, output_tokens=1), "text-embedding-3-small")
    # 1,000 x 0.02 per 1M
    assert cc.price(cc.Usage(input_tokens=1_000), "text-embedding-3-small").total == D("0.00002")


def test_realtime_audio_and_cached_audio() -> None:
    done = {
        "type": "response.done",
        "response": {
            "object": "realtime.response",
            "model": "gpt-realtime",
            "usage": {
                "total_tokens": 3_300,
                "input_tokens": 3_000,
                "output_tokens": 300,
                "input_token_details": {
                    "text_tokens": 1_000,
                    "audio_tokens": 2_000,
                    "cached_tokens": 1_500,
                    "cached_tokens_details": {"text_tokens": 500, "audio_tokens": 1_000},
                },
                "output_token_details": {"text_tokens": 100, "audio_tokens": 200},
            },
        },
    }
    # gpt-realtime: text 4 / cached 0.4 / out 16; audio 32 / cached 0.4 / out 64.
    # 500 text x 4 + 1,000 audio x 32 + 500 cached text x 0.4 + 1,000 cached audio x 0.4
    # + 100 text out x 16 + 200 audio out x 64, per 1M
    # = 0.002 + 0.032 + 0.0002 + 0.0004 + 0.0016 + 0.0128 = 0.049
    assert cc.price_response(done).total == D("0.049")


# -- never silently low -------------------------------------------------------------------------------

REAL = {
    "openai.chat": {
        "object": "chat.completion",
        "model": "gpt-4o",
        "usage": {
            "prompt_tokens": 100,
            "completion_tokens": 10,
            "total_tokens": 110,
            "prompt_tokens_details": {"cached_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0},
        },
    },
    "openai.responses": responses().model_dump(mode="json"),
    "anthropic": message("claude-sonnet-4-5", input_tokens=100, output_tokens=10).model_dump(mode="json"),
    "gemini": gemini(
        "gemini-2.5-flash", {"prompt_token_count": 100, "candidates_token_count": 10}
    ).model_dump(mode="json"),
}
_USAGE_KEY = {
    "openai.chat": "usage",
    "openai.responses": "usage",
    "anthropic": "usage",
    "gemini": "usage_metadata",
}


@given(
    st.sampled_from(sorted(REAL)),
    st.from_regex(r"[a-z][a-z_]{2,20}", fullmatch=True),
    st.integers(1, 10**9),
    st.booleans(),
)
def test_an_unknown_number_in_a_usage_block_is_priced_or_refused_by_name(
    shape: str, key: str, value: int, nested: bool
) -> None:
    payload = copy.deepcopy(REAL[shape])
    block = payload[_USAGE_KEY[shape]]
    if key in block or (nested and "details" in key):
        return
    if nested:
        block[key] = {"tokens": value}
        path = f"{key}.tokens"
    else:
        block[key] = value
        path = key
    if shape == "gemini":  # Gemini paths are reported in the REST API's camelCase
        path = re.sub(r"_([a-z])", lambda m: m.group(1).upper(), path)
    with pytest.raises(cc.UnpricedUsageError) as info:
        cc.price_response(payload)
    assert path in info.value.field
    lenient = cc.price_response(payload, strict=False)
    assert any(path in u.field for u in lenient.unpriced)
    assert lenient.total == cc.price_response(REAL[shape]).total
