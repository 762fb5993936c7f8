"""The OpenAI reader field by field: detection of each shape, media splits, tiers, Responses tool
calls, the fast path, Batch lines, request bodies and the organization Usage/Costs API pages.

Written against the mutants that survived the mutation run of ``costcalc/providers/openai.py``
(docs/testing.md, "Mutation testing"). The module's convention: ``prompt_tokens`` /
``input_tokens`` is the whole prompt, cached reads and cache writes included.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

import costcalc as cc
from costcalc.errors import BatchRequestError, InvalidRequestError, UsageParseError
from costcalc.providers import openai as o

D = Decimal
UTC = dt.UTC


def chat(**usage: Any) -> dict[str, Any]:
    return {"object": "chat.completion", "model": "gpt-4o", "usage": usage}


def resp(output: list[Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "object": "response",
        "model": "gpt-5",
        "usage": {"input_tokens": 10, "output_tokens": 5},
        "output": output or [],
        **extra,
    }


# -- detect and read -----------------------------------------------------------------------------


def test_detect_each_shape() -> None:
    assert o.detect({"custom_id": "c", "response": {}}) == "openai.batch"
    assert o.detect({"custom_id": "c", "error": {}}) == "openai.batch"
    assert o.detect({"custom_id": "c", "response": {}, "result": {}}) is None
    assert o.detect({"object": "chat.completion.chunk"}) == "openai.chat"
    assert o.detect({"object": "text_completion"}) == "openai.chat"
    assert o.detect({"object": "response"}) == "openai.responses"
    assert o.detect({"object": "list", "usage": {}}) == "openai.embeddings"
    assert o.detect({"object": "list"}) is None
    assert o.detect({"object": "realtime.response"}) == "openai.realtime"
    assert o.detect({"type": "response.done"}) == "openai.realtime"
    assert o.detect({"type": "message", "usage": {"input_tokens": 1, "output_tokens_details": None}}) is None
    assert o.detect({"usage": {"type": "tokens", "input_tokens": 1}, "text": "hi"}) == "openai.transcription"
    assert o.detect({"usage": {"type": "duration", "seconds": 3}}) == "openai.transcription"
    assert o.detect({"usage": {"type": "tokens"}}) is None
    assert o.detect({"usage": {"prompt_tokens": 1}, "data": []}) == "openai.embeddings"
    assert o.detect({"usage": {"prompt_tokens": 1, "completion_tokens": 1}, "data": []}) == "openai.chat"
    assert o.detect({"usage": {"prompt_tokens": 1}}) == "openai.chat"
    assert o.detect({"prompt_tokens": 1}) == "openai.chat"
    assert o.detect({"prompt_tokens": 1, "model": "m"}) is None
    assert o.detect({"usage": {"input_tokens_details": {}}}) == "openai.responses"
    assert o.detect({"usage": {"output_tokens_details": {}}}) == "openai.responses"
    assert o.detect({"usage": {"total_tokens": 3}}) == "openai.responses"
    assert o.detect({"usage": {"total_tokens": 3, "input_token_details": {}}}) == "openai.realtime"
    assert o.detect({"usage": {"output_token_details": {}}}) == "openai.realtime"
    assert (
        o.detect({"usage": {"input_tokens": 1, "prompt_tokens_details": None, "total_tokens": None}}) is None
    )
    assert o.detect({"usage": 5}) is None


def test_read_unknown_shape() -> None:
    with pytest.raises(UsageParseError) as err:
        o.read({}, "openai.images")
    assert str(err.value) == (
        "unknown OpenAI shape 'openai.images'; shapes are openai.chat, openai.responses, "
        "openai.embeddings, openai.realtime, openai.transcription, openai.batch"
    )


def test_usage_block_errors() -> None:
    with pytest.raises(UsageParseError) as err:
        o.read({"object": "chat.completion.chunk", "usage": None}, "openai.chat")
    assert str(err.value) == (
        "usage: is null; a stream reports usage only in its final chunk when the request sets "
        "stream_options={'include_usage': True}"
    )
    with pytest.raises(UsageParseError) as err:
        o.read({"object": "chat.completion", "usage": None}, "openai.chat")
    assert str(err.value) == "usage: is null"
    with pytest.raises(UsageParseError) as err:
        o.read({"object": 5, "usage": None}, "openai.chat")
    assert str(err.value) == "usage: is null"
    with pytest.raises(UsageParseError) as err:
        o.read({"usage": [1]}, "openai.chat")
    assert str(err.value) == "usage: must be an object, got list [1]"
    for key in ("object", "type", "id", "model", "choices"):
        with pytest.raises(UsageParseError) as err:
            o.read({key: "x", "prompt_tokens": 1, "completion_tokens": 1}, "openai.chat")
        assert str(err.value) == "usage: is missing"
    bare = o.read({"prompt_tokens": 4, "completion_tokens": 2}, "openai.chat")
    assert (bare.usage.input_tokens, bare.usage.output_tokens, bare.creator) == (4, 2, None)


def test_chat_fields() -> None:
    r = o.read(
        {
            **chat(
                prompt_tokens=1000,
                completion_tokens=300,
                prompt_tokens_details={"cached_tokens": 400, "cache_write_tokens": 100, "audio_tokens": 0},
                completion_tokens_details={"reasoning_tokens": 200, "audio_tokens": 50, "image_tokens": 30},
            ),
            "service_tier": "flex",
            "created": 86_400,
        },
        "openai.chat",
    )
    u = r.usage
    assert (
        u.input_tokens,
        u.cached_input_tokens,
        u.cache_write_tokens,
        u.output_tokens,
        u.reasoning_tokens,
    ) == (1000, 400, 100, 300, 200)
    assert (u.audio_output_tokens, u.image_output_tokens) == (50, 30)
    assert (r.model, r.tier, r.at, r.shape, r.creator) == (
        "gpt-4o",
        "flex",
        dt.datetime(1970, 1, 2, tzinfo=UTC),
        "openai.chat",
        None,
    )
    assert o.read({**chat(prompt_tokens=1, completion_tokens=1), "model": ""}, "openai.chat").model is None
    r = o.read({**resp(), "created_at": 86_400}, "openai.responses")
    assert r.at == dt.datetime(1970, 1, 2, tzinfo=UTC)
    assert r.creator == "openai"


def test_embeddings_and_realtime_and_transcription() -> None:
    e = o.read(
        {
            "object": "list",
            "usage": {"prompt_tokens": 8, "total_tokens": 8},
            "model": "text-embedding-3-small",
        },
        "openai.embeddings",
    )
    assert (e.usage.input_tokens, e.creator, e.shape, e.unpriced) == (8, None, "openai.embeddings", ())
    rt = o.read(
        {
            "type": "response.done",
            "response": {
                "object": "realtime.response",
                "usage": {
                    "input_tokens": 100,
                    "output_tokens": 40,
                    "input_token_details": {
                        "cached_tokens": 20,
                        "audio_tokens": 30,
                        "cached_tokens_details": {"audio_tokens": 10},
                    },
                    "output_token_details": {"audio_tokens": 25},
                },
            },
        },
        "openai.realtime",
    )
    u = rt.usage
    # Audio in 30 of which 10 cached: 20 uncached audio, 10 cached audio.
    assert (
        u.input_tokens,
        u.cached_input_tokens,
        u.audio_input_tokens,
        u.cached_audio_input_tokens,
        u.audio_output_tokens,
    ) == (100, 20, 20, 10, 25)
    assert rt.creator == "openai"
    tr = o.read(
        {"text": "hi", "usage": {"type": "tokens", "input_tokens": 7, "output_tokens": 3}},
        "openai.transcription",
    )
    assert (tr.usage.input_tokens, tr.usage.output_tokens, tr.shape) == (7, 3, "openai.transcription")


def test_transcription_by_duration() -> None:
    r = o.read({"text": "hi", "usage": {"type": "duration", "seconds": 2.5}}, "openai.transcription")
    assert r.usage.units == {"audio_second": D("2.5")}
    assert (r.shape, r.creator, r.unpriced) == ("openai.transcription", "openai", ())
    whole = o.read({"usage": {"type": "duration", "seconds": 0}}, "openai.transcription")
    assert whole.usage.units == {}
    r = o.read({"usage": {"type": "duration", "seconds": 60, "minutes_billed": 1}}, "openai.transcription")
    assert r.usage.units == {"audio_second": 60}
    assert [(u.field, u.quantity) for u in r.unpriced] == [("usage.minutes_billed", 1)]
    for bad in (True, "3", -1, 10**9, None):
        with pytest.raises(UsageParseError) as err:
            o.read({"usage": {"type": "duration", "seconds": bad}}, "openai.transcription")
        assert err.value.path == "usage.seconds"
    ok = o.read({"usage": {"type": "duration", "seconds": 10**9 - 1}}, "openai.transcription")
    assert ok.usage.units == {"audio_second": 10**9 - 1}


# -- media splits ---------------------------------------------------------------------------------


def test_split_media_known_and_unknown() -> None:
    usage, alts = o.split_media("usage", {"input": 1000, "cached": 300, "audio_in": 200, "image_in": 100})
    # Text first: 300 cached all text (700 text); media first: 200 audio + 100 image cached.
    assert (usage.cached_audio_input_tokens, usage.cached_image_input_tokens, usage.audio_input_tokens) == (
        0,
        0,
        200,
    )
    (other,) = alts
    assert (
        other.cached_audio_input_tokens,
        other.cached_image_input_tokens,
        other.audio_input_tokens,
        other.image_input_tokens,
    ) == (200, 100, 0, 0)
    known, alts = o.split_media(
        "usage", {"input": 1000, "cached": 300, "audio_in": 200, "cached_audio": 50, "cached_image": 0}
    )
    assert (known.audio_input_tokens, known.cached_audio_input_tokens, alts) == (150, 50, ())
    # A known split of zero is no split: both extremes again.
    _, alts = o.split_media("usage", {"input": 1000, "cached": 300, "audio_in": 200, "cached_audio": 0})
    assert len(alts) == 1
    # Cached image only, known.
    known, _ = o.split_media(
        "usage", {"input": 1000, "cached": 300, "image_in": 200, "cached_audio": 0, "cached_image": 20}
    )
    assert (known.image_input_tokens, known.cached_image_input_tokens) == (180, 20)
    # Cache writes sit outside the text the cached tokens may be: 1000 - 200 audio - 700 writes
    # = 100 text, so 300 cached are 100 text + 200 audio at the text-first extreme.
    low, alts = o.split_media("usage", {"input": 1000, "cached": 300, "write": 700, "audio_in": 200})
    assert (low.cached_audio_input_tokens, low.cache_write_tokens, alts) == (200, 700, ())
    plain, alts = o.split_media(
        "usage", {"input": 10, "output": 4, "reasoning": 2, "audio_out": 1, "image_out": 1}, {"x": 2}
    )
    assert (plain.output_tokens, plain.reasoning_tokens, plain.units, alts) == (4, 2, {"x": 2}, ())


def test_twelve_hour_cache_writes() -> None:
    r = o.read(
        {
            **resp(),
            "usage": {
                "input_tokens": 1000,
                "output_tokens": 1,
                "input_tokens_details": {
                    "cache_write_tokens": 300,
                    "cache_write_tokens_details": {"ttl_12h_tokens": 100, "ttl_30m_tokens": 200},
                },
            },
        },
        "openai.responses",
    )
    assert (r.usage.cache_write_tokens, r.usage.cache_write_12h_tokens) == (200, 100)
    with pytest.raises(UsageParseError) as err:
        o.read(
            {
                **resp(),
                "usage": {
                    "input_tokens": 1000,
                    "output_tokens": 1,
                    "input_tokens_details": {
                        "cache_write_tokens": 30,
                        "cache_write_tokens_details": {"ttl_12h_tokens": 100},
                    },
                },
            },
            "openai.responses",
        )
    assert (
        str(err.value)
        == "usage.input_tokens_details: 12-hour cache writes (100) exceed cache_write_tokens (30)"
    )


# -- tiers ----------------------------------------------------------------------------------------


def test_tiers() -> None:
    assert o.tier_of({}) is None
    assert o.tier_of({"service_tier": "default"}) == "standard"
    assert o.tier_of({"service_tier": "fast"}) == "priority"
    assert o.tier_of({"service_tier": "priority"}) == "priority"
    with pytest.raises(UsageParseError) as err:
        o.tier_of({"service_tier": "scale"})
    assert (
        str(err.value) == "service_tier: service tier 'scale': Scale Tier is billed by "
        "reserved units, not per token; pass tier= to price it"
    )
    with pytest.raises(UsageParseError) as err:
        o.tier_of({"service_tier": "auto"})
    assert "'auto' is the request's setting, not the tier that served it" in str(err.value)
    with pytest.raises(UsageParseError) as err:
        o.tier_of({"service_tier": "gold"})
    assert str(err.value) == (
        "service_tier: service tier 'gold' is not one costcalc prices (known: default, flex, priority, "
        "fast, auto, scale, ultrafast); pass tier= if you know its rates"
    )
    with pytest.raises(UsageParseError):
        o.tier_of({"service_tier": 1})


# -- Responses tool calls -------------------------------------------------------------------------


def test_web_search_calls() -> None:
    out = [
        {"type": "web_search_call", "action": {"type": "search"}},
        {"type": "web_search_call"},
        {"type": "web_search_call", "action": {"type": "open_page"}},
        {"type": "web_search_call", "status": "failed"},
        {"type": "message"},
    ]
    assert o.read(resp(out), "openai.responses").usage.units == {"web_search_call": 2}
    preview = o.read(resp(out, tools=[{"type": "web_search_preview_2025_03_11"}]), "openai.responses")
    assert preview.usage.units == {"web_search_preview_call": 2}
    ga = o.read(resp(out, tools=[{"type": "web_search"}, 5, {"type": 3}]), "openai.responses")
    assert ga.usage.units == {"web_search_call": 2}
    both = o.read(
        resp(out, tools=[{"type": "web_search"}, {"type": "web_search_preview"}]), "openai.responses"
    )
    assert both.usage.units == {"web_search_call": 2}
    assert [(u.field, u.quantity) for u in both.unpriced] == [("tools", 1)]
    # The reported count wins over the items.
    reported = o.read(resp(out, tool_usage={"web_search": {"num_requests": 5}}), "openai.responses")
    assert reported.usage.units == {"web_search_call": 5}


def test_file_search_code_interpreter_and_shell() -> None:
    out = [
        {"type": "file_search_call"},
        {"type": "file_search_call", "status": "failed"},
        {"type": "code_interpreter_call", "container_id": "c1"},
        {"type": "code_interpreter_call", "container_id": "c1"},
        {"type": "code_interpreter_call", "container_id": "c2"},
        {"type": "shell_call", "environment": {"type": "local"}},
        {"type": "shell_call"},
        {"type": "shell_call", "environment": {"type": "container_auto"}},
    ]
    r = o.read(
        resp(out, tools=[{"type": "code_interpreter", "container": {"type": "auto", "memory_limit": "4g"}}]),
        "openai.responses",
    )
    # One container per distinct container_id: c1 and c2.
    assert r.usage.units == {"file_search_call": 1, "code_interpreter_container_4g": 2}
    assert [(u.field, u.quantity) for u in r.unpriced] == [("output[7]", 1)]
    default = o.read(
        resp(out[2:3], tools=[{"type": "code_interpreter", "container": "cntr_1"}]), "openai.responses"
    )
    assert default.usage.units == {"code_interpreter_container": 1}
    auto = o.read(
        resp(out[2:3], tools=[{"type": "code_interpreter", "container": {"type": "auto"}}]),
        "openai.responses",
    )
    assert auto.usage.units == {"code_interpreter_container": 1}
    with pytest.raises(UsageParseError) as err:
        o.read(
            resp(out[2:3], tools=[{"type": "code_interpreter", "container": {"memory_limit": "2g"}}]),
            "openai.responses",
        )
    assert (
        str(err.value)
        == "tools[].container.memory_limit: container memory_limit '2g' is not one of 1g, 4g, 16g, 64g"
    )
    with pytest.raises(UsageParseError) as err:
        o.read(
            resp(out[2:3], tools=[{"type": "code_interpreter", "container": {"memory_limit": 4}}]),
            "openai.responses",
        )
    assert err.value.path == "tools[].container.memory_limit"
    with pytest.raises(UsageParseError) as err:
        o.read(resp([{"type": "code_interpreter_call", "container_id": ""}]), "openai.responses")
    assert str(err.value) == "output[0].container_id: must name its container"


def test_image_generation() -> None:
    gen = {
        "input_tokens": 100,
        "output_tokens": 1000,
        "input_tokens_details": {"image_tokens": 40},
        "cached_tokens": 30,
        "cached_tokens_details": {"cached_image_tokens": 10},
        "output_tokens_details": {"image_tokens": 1000},
    }
    r = o.read(
        resp(
            [{"type": "image_generation_call", "status": "completed"}],
            tool_usage={"image_gen": gen},
            tools=[{"type": "image_generation", "model": "gpt-image-1"}],
        ),
        "openai.responses",
    )
    (part,) = r.parts
    u = part.usage
    # Image input 40 of which 10 cached: 30 uncached image, 10 cached image.
    assert (part.label, part.model) == ("image_generation", "gpt-image-1")
    assert (
        u.input_tokens,
        u.cached_input_tokens,
        u.image_input_tokens,
        u.cached_image_input_tokens,
        u.output_tokens,
        u.image_output_tokens,
    ) == (100, 30, 30, 10, 1000, 1000)
    assert r.unpriced == ()
    default = o.read(
        resp(
            tool_usage={"image_gen": {"input_tokens": 1, "output_tokens": 0}},
            tools=[{"type": "image_generation", "model": ""}],
        ),
        "openai.responses",
    )
    assert default.parts[0].model == o.DEFAULT_IMAGE_MODEL
    empty = o.read(
        resp(tool_usage={"image_gen": {"input_tokens": 0, "output_tokens": 0}}), "openai.responses"
    )
    assert empty.parts == ()
    only_out = o.read(
        resp(tool_usage={"image_gen": {"input_tokens": 0, "output_tokens": 3}}), "openai.responses"
    )
    assert len(only_out.parts) == 1
    missing = o.read(
        resp(
            [
                {"type": "image_generation_call", "status": "completed"},
                {"type": "image_generation_call", "status": "completed"},
                {"type": "image_generation_call", "status": "failed"},
            ]
        ),
        "openai.responses",
    )
    assert [(u.field, u.quantity) for u in missing.unpriced] == [("output[].image_generation_call", 2)]
    odd = o.read(
        resp(tool_usage={"image_gen": {"input_tokens": 1, "output_tokens": 1, "extra_tokens": 4}}),
        "openai.responses",
    )
    assert [(u.field, u.quantity) for u in odd.unpriced] == [("tool_usage.image_gen.extra_tokens", 4)]


def test_svg_generation() -> None:
    item = {
        "type": "image_generation_call",
        "status": "completed",
        "svg_usage": {
            "input_tokens": 50,
            "output_tokens": 20,
            "reasoning_tokens": 5,
            "model": "gpt-5",
            "odd": 2,
        },
    }
    r = o.read(resp([item]), "openai.responses")
    (part,) = r.parts
    assert (
        part.label,
        part.model,
        part.usage.input_tokens,
        part.usage.output_tokens,
        part.usage.reasoning_tokens,
    ) == ("image_generation (svg)", "gpt-5", 50, 20, 5)
    assert [(u.field, u.quantity) for u in r.unpriced] == [("output[0].svg_usage.odd", 2)]
    with pytest.raises(UsageParseError) as err:
        o.read(resp([{**item, "svg_usage": {"input_tokens": 1, "output_tokens": 1}}]), "openai.responses")
    assert str(err.value) == "output[0].svg_usage.model: must name the model that drew the SVG"


def test_unknown_items_and_tool_usage() -> None:
    r = o.read(
        resp(
            [{"type": "hologram_call"}, {"type": "reasoning"}, {"status": "x"}],
            tool_usage={"voice": {"seconds": 4, "nested": {"calls": 2}}, "zeta": 1},
        ),
        "openai.responses",
    )
    assert [(u.field, u.quantity) for u in r.unpriced] == [
        ("tool_usage.voice.seconds", 4),
        ("tool_usage.voice.nested.calls", 2),
        ("tool_usage.zeta", 1),
        ("output[0].type", 1),
    ]
    assert (
        r.unpriced[2].reason
        == "the payload reports 1 at 'tool_usage.zeta', a quantity costcalc does not know how to bill"
    )
    with pytest.raises(UsageParseError) as err:
        o.read(resp(), output={"a": 1}) if False else o.read(
            {**resp(), "output": {"a": 1}}, "openai.responses"
        )
    assert str(err.value) == "output: must be a list, got dict {'a': 1}"
    with pytest.raises(UsageParseError) as err:
        o.read(resp([5]), "openai.responses")
    assert str(err.value) == "output[0]: must be an object, got int 5"


# -- the fast path --------------------------------------------------------------------------------


def test_fast_read_chat_and_responses() -> None:
    data = {
        **chat(
            prompt_tokens=1000,
            completion_tokens=300,
            total_tokens=1300,
            prompt_tokens_details={"cached_tokens": 400, "cache_write_tokens": 100, "audio_tokens": 0},
            completion_tokens_details={"reasoning_tokens": 200},
        ),
        "service_tier": "default",
        "created": 2 * 86_400 + 5,
    }
    assert o.fast_read(data) == ("openai.chat", "gpt-4o", "standard", 2, 1000, 400, 100, 300, 200)
    r = {
        **resp(
            [{"type": "message"}, {"type": "function_call"}], tools=[{"type": "function"}, {"type": "custom"}]
        ),
        "created_at": 86_399,
    }
    assert o.fast_read(r) == ("openai.responses", "gpt-5", None, 0, 10, 0, 0, 5, 0)
    assert o.fast_read({**chat(prompt_tokens=1, completion_tokens=1), "model": 4}) == (
        "openai.chat",
        None,
        None,
        None,
        1,
        0,
        0,
        1,
        0,
    )


@pytest.mark.parametrize(
    "data",
    [
        {**chat(prompt_tokens=1, completion_tokens=1), "custom_id": "c"},
        {"object": "chat.completion.chunk", "usage": {"prompt_tokens": 1, "completion_tokens": 1}},
        chat(prompt_tokens=1, completion_tokens=1, odd_tokens=1),
        chat(prompt_tokens=1),
        chat(completion_tokens=1),
        chat(prompt_tokens=1, completion_tokens=1, prompt_tokens_details={"audio_tokens": 1}),
        chat(prompt_tokens=1, completion_tokens=1, prompt_tokens_details={"image_tokens": 1}),
        chat(prompt_tokens=1, completion_tokens=1, completion_tokens_details={"audio_tokens": 1}),
        chat(prompt_tokens=1, completion_tokens=1, completion_tokens_details={"image_tokens": 1}),
        chat(
            prompt_tokens=10,
            completion_tokens=1,
            prompt_tokens_details={"cached_tokens": 6, "cache_write_tokens": 5},
        ),
        chat(prompt_tokens=10, completion_tokens=1, completion_tokens_details={"reasoning_tokens": 2}),
        {**chat(prompt_tokens=1, completion_tokens=1), "service_tier": "scale"},
        {**chat(prompt_tokens=1, completion_tokens=1), "service_tier": 1},
        {**chat(prompt_tokens=1, completion_tokens=1), "created": 0},
        {**chat(prompt_tokens=1, completion_tokens=1), "created": 32_503_680_000},
        {**chat(prompt_tokens=1, completion_tokens=1), "created": 1.5},
        {**resp(), "tool_usage": {}},
        {**resp(), "tools": {"type": "function"}},
        {**resp(), "tools": [{"type": "web_search"}]},
        {**resp(), "tools": ["function"]},
        {**resp(), "output": {"type": "message"}},
        {**resp(), "output": [{"type": "web_search_call"}]},
        {**resp(), "output": ["message"]},
    ],
)
def test_fast_read_declines(data: dict[str, Any]) -> None:
    assert o.fast_read(data) is None


def test_fast_read_bounds_that_stay_fast() -> None:
    edge = chat(
        prompt_tokens=10,
        completion_tokens=2,
        prompt_tokens_details={"cached_tokens": 6, "cache_write_tokens": 4},
        completion_tokens_details={"reasoning_tokens": 2},
    )
    assert o.fast_read({**edge, "created": 1}) == ("openai.chat", "gpt-4o", None, 0, 10, 6, 4, 2, 2)
    assert o.fast_read({**edge, "created": 32_503_679_999})[3] == 376_199  # type: ignore[index]  # 32,503,679,999 // 86,400


def test_fast_batch_result() -> None:
    body = chat(prompt_tokens=10, completion_tokens=2)
    line = {"custom_id": "r1", "response": {"status_code": 200, "body": {**body, "service_tier": "default"}}}
    assert o.fast_batch_result(line) == ("r1", ("openai.batch", "gpt-4o", "batch", None, 10, 0, 0, 2, 0))
    for stated in ("auto", "batch"):
        assert (
            o.fast_batch_result(
                {
                    "custom_id": "r1",
                    "response": {"status_code": 200, "body": {**body, "service_tier": stated}},
                }
            )
            is not None
        )
    for bad in [
        {**line, "custom_id": ""},
        {**line, "custom_id": 1},
        {**line, "error": {"x": 1}},
        {**line, "result": {}},
        {**line, "params": {}},
        {"custom_id": "r1", "response": [1]},
        {"custom_id": "r1", "response": {"status_code": 500, "body": body}},
        {"custom_id": "r1", "response": {"status_code": 200, "body": [1]}},
        {"custom_id": "r1", "response": {"status_code": 200, "body": {**body, "service_tier": "flex"}}},
        {"custom_id": "r1", "response": {"status_code": 200, "body": {**body, "service_tier": 1}}},
        {"custom_id": "r1", "response": {"status_code": 200, "body": {"object": "x"}}},
    ]:
        assert o.fast_batch_result(bad) is None
    assert o.fast_batch_result({**line, "error": None}) is not None


# -- Batch lines ----------------------------------------------------------------------------------


def test_batch_kind() -> None:
    assert o.batch_kind({"response": {}}) is None
    assert o.batch_kind({"custom_id": "c", "response": {}, "result": {}}) is None
    assert o.batch_kind({"custom_id": "c", "params": {}, "url": "u"}) is None
    assert o.batch_kind({"custom_id": "c", "response": {}}) == "result"
    assert o.batch_kind({"custom_id": "c", "error": {}}) == "result"
    assert o.batch_kind({"custom_id": "c", "url": "u"}) == "request"
    assert o.batch_kind({"custom_id": "c", "body": {}}) == "request"
    assert o.batch_kind({"custom_id": "c", "method": "POST"}) == "request"
    assert o.batch_kind({"custom_id": "c"}) is None


def test_batch_results() -> None:
    with pytest.raises(UsageParseError) as err:
        o.read_batch_result([1])
    assert str(err.value) == "a Batch output line is a JSON object, got list [1]"
    ok = o.read_batch_result(
        {
            "custom_id": "a",
            "response": {
                "status_code": 200,
                "body": {**chat(prompt_tokens=3, completion_tokens=1), "service_tier": "auto"},
            },
        }
    )
    assert ok.reading is not None
    assert (ok.reading.tier, ok.reading.shape, ok.custom_id) == (
        "batch",
        "openai.batch",
        "a",
    )
    failed = o.read_batch_result(
        {"custom_id": "a", "response": None, "error": {"code": "batch_expired", "message": "late"}}
    )
    assert failed.failure is not None
    assert (failed.failure.status, failed.failure.reason) == (
        "expired",
        "request 'a' has no response (it failed or expired): batch_expired: late",
    )
    other = o.read_batch_result({"custom_id": 3, "response": None, "error": {"message": "gone"}})
    assert other.custom_id is None
    assert other.failure is not None
    assert (other.failure.status, other.failure.reason) == (
        "failed",
        "request 3 has no response (it failed or expired): gone",
    )
    nothing = o.read_batch_result({"custom_id": "a", "response": None, "error": None})
    assert nothing.failure is not None
    assert nothing.failure.reason == "request 'a' has no response (it failed or expired): None"
    http = o.read_batch_result(
        {
            "custom_id": "a",
            "response": {
                "status_code": 400,
                "body": {"error": {"type": "invalid_request_error", "message": "bad"}},
            },
        }
    )
    assert http.failure is not None
    assert (http.failure.status, http.failure.reason) == (
        "errored",
        "request 'a' returned HTTP 400: invalid_request_error: bad",
    )
    assert http.failure.error == {"error": {"type": "invalid_request_error", "message": "bad"}}
    text = o.read_batch_result({"custom_id": "a", "response": {"status_code": 500, "body": "oops"}})
    assert text.failure is not None
    assert text.failure.reason == "request 'a' returned HTTP 500: 'oops'"
    nested = o.read_batch_result(
        {"custom_id": "a", "response": None, "error": {"error": {"code": "c", "message": "m"}}}
    )
    assert nested.failure is not None
    assert nested.failure.reason.endswith(": c: m")


def test_batch_result_errors() -> None:
    with pytest.raises(UsageParseError) as err:
        o.read_batch_result({"custom_id": "a", "response": [1]})
    assert str(err.value) == "response: must be an object, got list [1]"
    with pytest.raises(UsageParseError) as err:
        o.read_batch_result({"custom_id": "a", "response": {"status_code": 200, "body": [1]}})
    assert str(err.value) == "response.body: must be an object, got list [1]"
    with pytest.raises(UsageParseError) as err:
        o.read_batch_result(
            {
                "custom_id": "a",
                "response": {
                    "status_code": 200,
                    "body": {**chat(prompt_tokens=1, completion_tokens=1), "service_tier": "flex"},
                },
            }
        )
    assert (
        str(err.value) == "response.body.service_tier: a Batch API response bills at "
        "the batch tier, but says service tier 'flex'"
    )
    with pytest.raises(UsageParseError) as err:
        o.read_batch_result(
            {
                "custom_id": "a",
                "response": {"status_code": 200, "body": {"object": "chat.completion", "usage": 5}},
            }
        )
    assert str(err.value) == "response.body.usage: must be an object, got int 5"
    with pytest.raises(BatchRequestError) as berr:
        o.read({"custom_id": "a", "error": {"message": "m"}}, "openai.batch")
    assert berr.value.custom_id == "a"
    r = o.read(
        {
            "custom_id": "a",
            "response": {"status_code": 200, "body": chat(prompt_tokens=1, completion_tokens=1)},
        },
        "openai.batch",
    )
    assert r.tier == "batch"


def test_body_shapes() -> None:
    def shape(body: dict[str, Any]) -> str:
        r = o.read_batch_result({"custom_id": "a", "response": {"status_code": 200, "body": body}})
        assert r.reading is not None
        return r.reading.usage.model_dump_json()

    # Each body is read by the reader of its own shape (the counts land in the same fields).
    assert '"input_tokens":5' in shape(
        {"object": "response", "usage": {"input_tokens": 5, "output_tokens": 1}}
    )
    assert '"input_tokens":6' in shape({"object": "list", "usage": {"prompt_tokens": 6}})
    assert '"input_tokens":7' in shape(
        {"object": "text_completion", "usage": {"prompt_tokens": 7, "completion_tokens": 1}}
    )
    assert '"input_tokens":8' in shape({"usage": {"input_tokens": 8, "output_tokens": 1}})
    assert '"input_tokens":9' in shape({"usage": {"prompt_tokens": 9}})
    assert '"input_tokens":4' in shape({"usage": {"prompt_tokens": 4, "completion_tokens": 1}})


def test_batch_requests() -> None:
    r = o.read_batch_request(
        {"custom_id": "a", "url": "/v1/embeddings", "body": {"model": "text-embedding-3-small", "input": "x"}}
    )
    assert (r.custom_id, r.endpoint, r.model) == ("a", "/v1/embeddings", "text-embedding-3-small")
    mod = o.read_batch_request(
        {"custom_id": "a", "url": "/v1/moderations", "method": "POST", "body": {"input": "x"}}
    )
    assert mod.model == "omni-moderation-latest"
    for bad, field in [
        ({"url": "/v1/embeddings", "body": {"model": "m"}}, "custom_id"),
        ({"custom_id": "", "url": "/v1/embeddings", "body": {"model": "m"}}, "custom_id"),
        ({"custom_id": "a", "url": "/v1/images", "body": {"model": "m"}}, "url"),
        ({"custom_id": "a", "url": "/v1/embeddings", "method": "GET", "body": {"model": "m"}}, "method"),
        ({"custom_id": "a", "url": "/v1/embeddings"}, "body"),
        ({"custom_id": "a", "url": "/v1/embeddings", "body": [1]}, "body"),
        ({"custom_id": "a", "url": "/v1/embeddings", "body": {}}, "body.model"),
        ({"custom_id": "a", "url": "/v1/embeddings", "body": {"model": ""}}, "body.model"),
    ]:
        with pytest.raises(InvalidRequestError) as err:
            o.read_batch_request(bad)
        assert err.value.field == field
    with pytest.raises(InvalidRequestError) as err:
        o.read_batch_request({"custom_id": "a", "url": "/v1/x", "body": {}})
    assert str(err.value) == (
        "url: '/v1/x' is not a Batch endpoint costcalc prices (/v1/chat/completions, /v1/responses, "
        "/v1/embeddings, /v1/completions, /v1/moderations)"
    )
    with pytest.raises(InvalidRequestError) as err:
        o.read_batch_request({"custom_id": "a", "url": "/v1/embeddings", "method": "GET", "body": {}})
    assert str(err.value) == "method: must be POST, got 'GET'"


# -- request bodies -------------------------------------------------------------------------------


def n(text: str, model: str = "gpt-4o") -> int:
    return cc.count_tokens(text, model)


def count(endpoint: str, body: dict[str, Any], model: str = "gpt-4o") -> Any:
    return o.count_request(endpoint, body, cc.get_model(model), None)


def test_count_completions_and_embeddings() -> None:
    rc = count(
        "/v1/completions",
        {"model": "gpt-3.5-turbo-instruct", "prompt": ["one two", "three"], "max_tokens": 5, "n": 2},
        "gpt-3.5-turbo-instruct",
    )
    # Two prompts, n = 2 each: 4 completions.
    assert (rc.input_tokens, rc.output_cap, rc.choices) == (
        n("one two", "gpt-3.5-turbo-instruct") + n("three", "gpt-3.5-turbo-instruct"),
        5,
        4,
    )
    e = count("/v1/embeddings", {"input": ["alpha", "beta"]}, "text-embedding-3-small")
    assert (e.input_tokens, e.output_cap, e.input_only) == (
        n("alpha", "text-embedding-3-small") + n("beta", "text-embedding-3-small"),
        None,
        True,
    )
    assert count("/v1/embeddings", {"input": [1, 2, 3]}, "text-embedding-3-small").input_tokens == 3
    assert count("/v1/embeddings", {"input": [[1, 2], [3]]}, "text-embedding-3-small").input_tokens == 3
    m = count(
        "/v1/moderations", {"input": [{"type": "text", "text": "hello"}, "world"]}, "omni-moderation-latest"
    )
    assert m.input_tokens == n("hello", "omni-moderation-latest") + n("world", "omni-moderation-latest")


def test_count_chat_and_responses() -> None:
    rc = count(
        "/v1/chat/completions",
        {
            "messages": [{"role": "user", "content": "hi"}],
            "max_completion_tokens": 9,
            "reasoning_effort": "low",
            "n": 3,
        },
    )
    # The chat rule: 3 per message + the role and content + 3 priming.
    assert (rc.input_tokens, rc.output_cap, rc.effort, rc.choices, rc.input_only) == (
        3 + n("user") + n("hi") + 3,
        9,
        "low",
        3,
        False,
    )
    assert (
        count(
            "/v1/chat/completions", {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 4}
        ).output_cap
        == 4
    )
    r = count(
        "/v1/responses", {"input": "hi", "max_output_tokens": 8, "reasoning": {"effort": "high"}}, "gpt-5"
    )
    assert (r.output_cap, r.effort, r.choices) == (8, "high", 1)
    assert count("/v1/responses", {"input": "hi", "reasoning": "x"}, "gpt-5").effort is None


@pytest.mark.parametrize(
    ("endpoint", "body", "model", "field"),
    [
        ("/v1/images", {}, "gpt-4o", "url"),
        ("/v1/embeddings", {"input": "x"}, "gpt-4o", "body.model"),
        ("/v1/chat/completions", {"messages": []}, "gpt-4o", "body.messages"),
        (
            "/v1/chat/completions",
            {"messages": [{"role": "user", "content": "x"}], "max_tokens": 0},
            "gpt-4o",
            "body.max_tokens",
        ),
        (
            "/v1/chat/completions",
            {"messages": [{"role": "user", "content": "x"}], "max_completion_tokens": 1.0},
            "gpt-4o",
            "body.max_completion_tokens",
        ),
        (
            "/v1/chat/completions",
            {"messages": [{"role": "user", "content": "x"}], "n": 0},
            "gpt-4o",
            "body.n",
        ),
        (
            "/v1/chat/completions",
            {"messages": [{"role": "user", "content": "x"}], "n": 129},
            "gpt-4o",
            "body.n",
        ),
        (
            "/v1/chat/completions",
            {"messages": [{"role": "user", "content": "x"}], "reasoning_effort": 3},
            "gpt-4o",
            "body.reasoning_effort",
        ),
        ("/v1/responses", {}, "gpt-5", "body.input"),
        ("/v1/responses", {"input": []}, "gpt-5", "body.input"),
        ("/v1/embeddings", {}, "text-embedding-3-small", "body.input"),
        ("/v1/embeddings", {"input": []}, "text-embedding-3-small", "body.input"),
        ("/v1/embeddings", {"input": [[]]}, "text-embedding-3-small", "body.input[0]"),
        ("/v1/embeddings", {"input": [[-1]]}, "text-embedding-3-small", "body.input[0]"),
        ("/v1/embeddings", {"input": [[10**7]]}, "text-embedding-3-small", "body.input[0]"),
        ("/v1/embeddings", {"input": 5}, "text-embedding-3-small", "body.input"),
        ("/v1/moderations", {"input": [[1]]}, "omni-moderation-latest", "body.input[0]"),
        ("/v1/moderations", {"input": [{"type": "image_url"}]}, "omni-moderation-latest", "body.input[0]"),
        ("/v1/completions", {"prompt": []}, "gpt-3.5-turbo-instruct", "body.prompt"),
        ("/v1/completions", {"prompt": [1]}, "gpt-3.5-turbo-instruct", "body.prompt"),
    ],
)
def test_count_refuses_by_field(endpoint: str, body: dict[str, Any], model: str, field: str) -> None:
    with pytest.raises(InvalidRequestError) as err:
        count(endpoint, body, model)
    assert err.value.field == field


def test_count_error_texts() -> None:
    with pytest.raises(InvalidRequestError) as err:
        count("/v1/embeddings", {"input": "x"})
    assert str(err.value) == "body.model: 'gpt-4o' is a chat model; /v1/embeddings takes embedding models"
    with pytest.raises(InvalidRequestError) as err:
        count("/v1/responses", {"input": "x"}, "text-embedding-3-small")
    assert (
        str(err.value)
        == "body.model: 'text-embedding-3-small' is an embedding model; /v1/responses takes chat models"
    )
    with pytest.raises(InvalidRequestError) as err:
        count("/v1/chat/completions", {"messages": [{"role": "user", "content": "x"}], "n": 0})
    assert str(err.value) == "body.n: must be a whole number from 1 to 128, got 0"
    with pytest.raises(InvalidRequestError) as err:
        count("/v1/embeddings", {"input": [[-1]]}, "text-embedding-3-small")
    assert "must be a string or a non-empty array of token ids in [0, 100277)" in str(err.value)
    with pytest.raises(InvalidRequestError) as err:
        count("/v1/moderations", {"input": ["a", 5]}, "omni-moderation-latest")
    assert err.value.field == "body.input[1]"
    assert "must be a string or a text part (costcalc counts text moderation inputs), got int 5" in str(
        err.value
    )
    with pytest.raises(InvalidRequestError) as err:
        count("/v1/images", {})
    assert str(err.value) == "url: '/v1/images' is not an endpoint costcalc counts"


# -- Usage API and Costs API pages ----------------------------------------------------------------


def ubucket(*results: Any, start: int = 86_400, end: int = 2 * 86_400) -> dict[str, Any]:
    return {"object": "bucket", "start_time": start, "end_time": end, "results": list(results)}


def test_export_kind() -> None:
    assert (
        o.export_kind(
            {"object": "page", "data": [ubucket({"object": "organization.usage.completions.result"})]}
        )
        == "usage"
    )
    assert o.export_kind(ubucket({"object": "organization.costs.result"})) == "costs"
    assert o.export_kind({"object": "bucket", "result": [{"object": "organization.costs.result"}]}) == "costs"
    assert (
        o.export_kind({"object": "page", "data": [ubucket({"object": "other"}, 5), 5, {"results": 3}]})
        == "empty"
    )
    assert o.export_kind({"object": "page", "data": "x"}) is None
    assert o.export_kind({"object": "list"}) is None


def test_usage_page_completions() -> None:
    result = {
        "object": "organization.usage.completions.result",
        "input_tokens": 1000,
        "input_cached_tokens": 300,
        "input_cache_write_tokens": 150,
        "input_cache_write_12h_tokens": 50,
        "input_audio_tokens": 20,
        "output_tokens": 200,
        "num_model_requests": 4,
        "model": "gpt-4o",
        "project_id": "p",
        "api_key_id": "k",
        "batch": True,
        "service_tier": "default",
        "usage_bytes": 7,
    }
    page = o.read_export_page({"object": "page", "data": [ubucket(result)]}, "pg")
    assert (page.provider, page.kind, page.errors) == ("openai", "usage", ())
    (b,) = page.buckets
    u = b.usage
    # 150 writes of which 50 for 12 hours: 100 short writes.
    assert (
        u.input_tokens,
        u.cached_input_tokens,
        u.cache_write_tokens,
        u.cache_write_12h_tokens,
        u.audio_input_tokens,
        u.output_tokens,
    ) == (1000, 300, 100, 50, 20, 200)
    assert (b.kind, b.model, b.project, b.api_key, b.tier, b.rate_model, b.position) == (
        "completions",
        "gpt-4o",
        "p",
        "k",
        "batch",
        None,
        "pg, bucket 1, result 1",
    )
    assert (b.start, b.end) == (dt.datetime(1970, 1, 2, tzinfo=UTC), dt.datetime(1970, 1, 3, tzinfo=UTC))
    assert [(x.field, x.quantity) for x in b.unpriced] == [("usage_bytes", 7)]
    assert "vector store storage is billed per GB-day" in b.unpriced[0].reason
    assert b.groups == (
        ("kind", "completions"),
        ("project_id", "p"),
        ("api_key_id", "k"),
        ("model", "gpt-4o"),
        ("batch", "true"),
        ("service_tier", "default"),
    )


@pytest.mark.parametrize(
    ("extra", "tier"),
    [
        ({}, None),
        ({"batch": False}, "standard"),
        ({"batch": True}, "batch"),
        ({"service_tier": "flex"}, "flex"),
        ({"service_tier": "flex", "batch": False}, "flex"),
    ],
)
def test_usage_page_tiers(extra: dict[str, Any], tier: str | None) -> None:
    result = {
        "object": "organization.usage.completions.result",
        "input_tokens": 1,
        "output_tokens": 1,
        **extra,
    }
    (b,) = o.read_export_page(ubucket(result), "pg").buckets
    assert b.tier == tier


def test_usage_page_cache_write_splits() -> None:
    def writes(**counts: Any) -> tuple[int, int]:
        result = {
            "object": "organization.usage.completions.result",
            "input_tokens": 1000,
            "output_tokens": 1,
            **counts,
        }
        page = o.read_export_page(ubucket(result), "pg")
        assert page.errors == (), page.errors
        u = page.buckets[0].usage
        return u.cache_write_tokens, u.cache_write_12h_tokens

    assert writes(
        input_cache_write_tokens=100, input_cache_write_30m_tokens=60, input_cache_write_12h_tokens=40
    ) == (60, 40)
    assert writes(input_cache_write_30m_tokens=60) == (60, 0)
    assert writes(input_cache_write_tokens=100, input_cache_write_30m_tokens=None) == (100, 0)
    assert writes(input_cache_write_tokens=100, input_cache_write_12h_tokens=100) == (0, 100)
    assert writes(input_cache_write_12h_tokens=30) == (0, 30)
    assert writes() == (0, 0)


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        (
            {
                "input_cache_write_tokens": 100,
                "input_cache_write_30m_tokens": 50,
                "input_cache_write_12h_tokens": 40,
            },
            "input_cache_write_tokens: input_cache_write_30m_tokens (50) + "
            "input_cache_write_12h_tokens (40) differ from input_cache_write_tokens (100)",
        ),
        (
            {"input_cache_write_tokens": 10, "input_cache_write_12h_tokens": 40},
            "input_cache_write_12h_tokens: input_cache_write_12h_tokens "
            "(40) exceed input_cache_write_tokens (10)",
        ),
        ({"batch": "yes"}, "batch: must be true, false or null, got str 'yes'"),
        ({"service_tier": "gold"}, "service_tier: service tier 'gold' is not one costcalc knows"),
        (
            {"service_tier": "scale"},
            "service_tier: Scale Tier is billed by reserved units, not per token; it cannot be priced",
        ),
        ({"model": 5}, "model: must be a string, got int 5"),
    ],
)
def test_usage_page_result_errors(extra: dict[str, Any], error: str) -> None:
    result = {
        "object": "organization.usage.completions.result",
        "input_tokens": 1000,
        "output_tokens": 1,
        **extra,
    }
    page = o.read_export_page(ubucket(result), "pg")
    assert page.errors == (("pg, bucket 1, result 1", error),)


def test_usage_page_other_kinds() -> None:
    results = [
        {"object": "organization.usage.images.result", "images": 3, "model": "gpt-image-1"},
        {"object": "organization.usage.web_searches.result", "num_requests": 4},
        {
            "object": "organization.usage.embeddings.result",
            "input_tokens": 9,
            "model": "text-embedding-3-small",
        },
        {"object": "organization.usage.code_interpreter_sessions.result", "num_sessions": 2},
        {"object": "organization.usage.images.result", "images": 0},
    ]
    page = o.read_export_page(ubucket(*results), "pg")
    img, web, emb, code, none = page.buckets
    assert (img.usage.units, img.rate_model, img.tier) == ({"image": 3}, None, None)
    assert (web.usage.units, web.rate_model, web.model) == ({"web_search_call": 4}, o.TOOL_RATE_MODEL, None)
    assert (emb.usage.input_tokens, emb.rate_model) == (9, None)
    assert [(x.field, x.quantity) for x in code.unpriced] == [("num_sessions", 2)]
    assert code.rate_model == o.TOOL_RATE_MODEL
    assert none.usage.units == {}


def test_usage_page_errors() -> None:
    page = {
        "object": "page",
        "data": [
            5,
            {"object": "bucket", "end_time": 2},
            {"object": "bucket", "start_time": True, "end_time": 2},
            ubucket(start=10, end=10),
            {"object": "bucket", "start_time": 1, "end_time": 2, "results": 5},
            ubucket(
                {"object": "organization.usage.unknown.result"},
                {"object": "organization.usage.images"},
                {"object": 5},
                7,
                {"object": "organization.usage.images.result"},
            ),
        ],
    }
    p = o.read_export_page(page, "pg")
    assert p.errors == (
        ("pg, bucket 1", "must be an object, got int 5"),
        ("pg, bucket 2", "bucket.start_time: is missing"),
        ("pg, bucket 3", "bucket.start_time: must be Unix seconds, got bool True"),
        ("pg, bucket 4", "bucket: end_time 1970-01-01T00:00:10+00:00 is not after start_time"),
        ("pg, bucket 5", "bucket.results: must be a list, got int 5"),
        (
            "pg, bucket 6, result 1",
            "object: is not a usage or costs result kind costcalc "
            "reads: str 'organization.usage.unknown.result'",
        ),
        (
            "pg, bucket 6, result 2",
            "object: is not a usage or costs result kind costcalc reads: str 'organization.usage.images'",
        ),
        ("pg, bucket 6, result 3", "object: is not a usage or costs result kind costcalc reads: int 5"),
        ("pg, bucket 6, result 4", "must be an object, got int 7"),
        ("pg, bucket 6, result 5", "images: is missing"),
    )
    assert p.kind == "usage"
    assert p.buckets == ()
    with pytest.raises(UsageParseError) as err:
        o.read_export_page({"object": "list"}, "pg")
    assert str(err.value) == "pg: is not an OpenAI Usage or Costs API page"


def test_cost_lines() -> None:
    results = [
        {
            "object": "organization.costs.result",
            "amount": {"value": 1.25, "currency": "usd"},
            "line_item": "gpt-4o-2024-08-06, input",
            "project_id": "p",
        },
        {
            "object": "organization.costs.result",
            "amount": {"value": "-0.5", "currency": "usd"},
            "line_item": "gpt-4o, cached input (batch)",
        },
        {
            "object": "organization.costs.result",
            "amount": {"value": -2, "currency": "usd"},
            "line_item": "Web search tool calls",
        },
        {
            "object": "organization.costs.result",
            "amount": {"value": 3, "currency": "usd"},
            "line_item": "gpt-4o, Output_Tokens",
            "quantity": 10,
            "quantity_unit": "tokens",
        },
        {
            "object": "organization.costs.result",
            "amount": {"value": 4, "currency": "usd"},
            "line_item": "gpt-4o, flex audio output tokens",
        },
        {"object": "organization.costs.result", "amount": {"value": 5, "currency": "usd"}},
        {
            "object": "organization.costs.result",
            "amount": {"value": 6, "currency": "usd"},
            "line_item": "gpt-4o, mystery",
        },
    ]
    p = o.read_export_page({"object": "page", "data": [ubucket(*results)]}, "pg")
    assert p.kind == "costs"
    assert p.errors == ()
    got = [(i.amount, i.model, i.line, i.tier) for i in p.items]
    assert got == [
        (D("1.25"), "gpt-4o-2024-08-06", "input", None),
        (D("-0.5"), "gpt-4o", "cached_input", "batch"),
        (D("-2"), None, "web_search_call", None),
        (D("3"), "gpt-4o", "output", None),
        (D("4"), "gpt-4o", "output_audio", "flex"),
        (D("5"), None, None, None),
        (D("6"), "gpt-4o", None, None),
    ]
    first = p.items[0]
    assert (first.currency, first.label, first.project, first.provider) == (
        "usd",
        "gpt-4o-2024-08-06, input",
        "p",
        "openai",
    )
    assert (p.items[3].quantity, p.items[3].unit) == (D("10"), "tokens")
    assert p.items[0].quantity is None


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        (5, "amount: must be an object with value and currency, got int 5"),
        ({"currency": "usd"}, "amount.value: is missing"),
        ({"value": 1}, "amount.currency: must be a currency code, got null"),
        ({"value": 1, "currency": ""}, "amount.currency: must be a currency code, got str ''"),
    ],
)
def test_cost_line_errors(amount: Any, error: str) -> None:
    p = o.read_export_page(ubucket({"object": "organization.costs.result", "amount": amount}), "pg")
    assert p.errors == (("pg, bucket 1, result 1", error),)


# -- second round: survivors of the first run -------------------------------------------------------


def completions(**counts: Any) -> dict[str, Any]:
    return {"object": "organization.usage.completions.result", **counts}


def test_usage_row_errors_name_their_field() -> None:
    page = o.read_export_page(
        ubucket(
            completions(input_tokens=10, output_tokens=1, input_cache_write_tokens=-1),
            completions(input_tokens=10, output_tokens=1, input_cache_write_30m_tokens=-1),
            completions(input_tokens=10, input_cached_tokens=20, output_tokens=1),
            {"object": "organization.usage.audio_speeches.result"},
            completions(input_tokens=1),
            completions(output_tokens=1),
            {"object": "organization.usage.images.result"},
        ),
        "pg",
    )
    errors = dict(page.errors)
    assert errors["pg, bucket 1, result 1"] == (
        "input_cache_write_tokens: must be between 0 and 1000000000000000, got -1"
    )
    assert errors["pg, bucket 1, result 2"] == (
        "input_cache_write_30m_tokens: must be between 0 and 1000000000000000, got -1"
    )
    assert errors["pg, bucket 1, result 3"].startswith("usage: inconsistent token counts")
    assert errors["pg, bucket 1, result 4"] == "characters: is missing"
    assert errors["pg, bucket 1, result 5"] == "output_tokens: is missing"
    assert errors["pg, bucket 1, result 6"] == "input_tokens: is missing"
    assert errors["pg, bucket 1, result 7"] == "images: is missing"
    # Optional counts may be absent.
    (b,) = o.read_export_page(
        ubucket({"object": "organization.usage.embeddings.result", "input_tokens": 3}), "pg"
    ).buckets
    assert b.usage.input_tokens == 3


def test_usage_row_times_and_reasons() -> None:
    row = completions(input_tokens=10, output_tokens=1, start_time=86_400, end_time=172_800, odd_count=3)
    (b,) = o.read_export_page(ubucket(row), "pg").buckets
    # The row's own times are not quantities; the odd count is refused with its reason.
    assert [(u.field, u.quantity, u.reason) for u in b.unpriced] == [
        (
            "odd_count",
            3,
            "the export reports 3 at 'odd_count': a quantity costcalc does not know how to bill; it is "
            "refused rather than left out of the price",
        )
    ]
    assert b.provider == "openai"
    assert (b.rate_model, b.tier) == (None, None)  # a completions row without a model
    (e,) = o.read_export_page(
        ubucket({"object": "organization.usage.embeddings.result", "input_tokens": 1, "batch": True}), "pg"
    ).buckets
    assert e.tier is None  # only completions rows carry a tier


def test_bucket_result_key_and_missing_end() -> None:
    page = o.read_export_page(
        {
            "object": "page",
            "data": [
                {
                    "object": "bucket",
                    "start_time": 1,
                    "end_time": 2,
                    "result": [completions(input_tokens=1, output_tokens=1)],
                },
                {"object": "bucket", "start_time": 1},
                {"object": "bucket", "start_time": 1, "end_time": 10**13, "results": []},
            ],
        },
        "pg",
    )
    assert len(page.buckets) == 1
    assert page.errors == (
        ("pg, bucket 2", "bucket.end_time: is missing"),
        ("pg, bucket 3", "bucket.end_time: is not a valid Unix time: 10000000000000"),
    )
    assert o.read_export_page({"object": "page", "data": []}, "pg").kind == "empty"


def test_cost_item_fields_and_errors() -> None:
    row = {
        "object": "organization.costs.result",
        "amount": {"value": "2", "currency": "usd"},
        "line_item": "ft:gpt-4o:acme, org, output",
        "api_key_id": "key",
        "project_id": "p",
    }
    page = o.read_export_page(ubucket(row, start=86_400, end=172_800), "pg")
    (item,) = page.items
    # rpartition: the model is everything before the last comma.
    assert (item.model, item.line, item.api_key) == ("ft:gpt-4o:acme, org", "output", "key")
    assert (item.start, item.end, item.position) == (
        dt.datetime(1970, 1, 2, tzinfo=UTC),
        dt.datetime(1970, 1, 3, tzinfo=UTC),
        "pg, bucket 1, result 1",
    )
    assert item.groups == (
        ("project_id", "p"),
        ("api_key_id", "key"),
        ("line_item", "ft:gpt-4o:acme, org, output"),
    )
    bad = o.read_export_page(
        ubucket(
            {"object": "organization.costs.result", "amount": {"value": "abc", "currency": "usd"}},
            {
                "object": "organization.costs.result",
                "amount": {"value": 1, "currency": "usd"},
                "quantity": "q",
            },
            {"object": "organization.costs.result", "amount": {"value": True, "currency": "usd"}},
            {"object": "organization.costs.result", "amount": {"value": -0.25, "currency": "usd"}},
        ),
        "pg",
    )
    assert bad.errors[:2] == (
        ("pg, bucket 1, result 1", "amount.value: must be an amount of money, got str 'abc'"),
        ("pg, bucket 1, result 2", "quantity: must be an amount of money, got str 'q'"),
    )
    assert bad.errors[2][1].startswith("amount.value: ")
    assert bad.items[0].amount == D("-0.25")


@pytest.mark.parametrize(
    ("label", "line"),
    [
        ("gpt-4o, (cached input)", "cached_input"),
        ("gpt-4o, input1234567", None),  # seven characters cut only from a " tokens" ending
        ("gpt-4o, cached input tokens", "cached_input"),
    ],
)
def test_cost_line_words(label: str, line: str | None) -> None:
    row = {
        "object": "organization.costs.result",
        "amount": {"value": 1, "currency": "usd"},
        "line_item": label,
    }
    assert o.read_export_page(ubucket(row), "pg").items[0].line == line


def test_export_text_flags_and_empty() -> None:
    row = completions(input_tokens=1, output_tokens=1, batch=False, model="", project_id="")
    (b,) = o.read_export_page(ubucket(row), "pg").buckets
    assert (b.model, b.project) == (None, None)
    assert b.groups == (("kind", "completions"), ("batch", "false"))


def test_svg_part_counts() -> None:
    base = {"type": "image_generation_call", "status": "completed"}
    ok = o.read(
        resp(
            [{**base, "svg_usage": {"input_tokens": 5, "output_tokens": 3, "total_tokens": 8, "model": "m"}}]
        ),
        "openai.responses",
    )
    assert ok.unpriced == ()
    assert ok.parts[0].usage.reasoning_tokens == 0
    for svg, text in [
        ({"input_tokens": 1, "model": "m"}, "output[0].svg_usage.output_tokens: is missing"),
        ({"output_tokens": 1, "model": "m"}, "output[0].svg_usage.input_tokens: is missing"),
        (
            {"input_tokens": -1, "output_tokens": 1, "model": "m"},
            "output[0].svg_usage.input_tokens: must be between 0 and 1000000000000000, got -1",
        ),
        (
            {"input_tokens": 1, "output_tokens": 1, "model": ""},
            "output[0].svg_usage.model: must name the model that drew the SVG",
        ),
    ]:
        with pytest.raises(UsageParseError) as err:
            o.read(resp([{**base, "svg_usage": svg}]), "openai.responses")
        assert str(err.value) == text
    with pytest.raises(UsageParseError) as err:
        o.read(
            resp(
                [
                    {
                        **base,
                        "svg_usage": {
                            "input_tokens": 1,
                            "output_tokens": 1,
                            "reasoning_tokens": 5,
                            "model": "m",
                        },
                    }
                ]
            ),
            "openai.responses",
        )
    assert str(err.value).startswith("output[0].svg_usage: inconsistent token counts")


def test_realtime_without_an_event_and_duration_decimals() -> None:
    r = o.read(
        {"object": "realtime.response", "usage": {"input_tokens": 4, "output_tokens": 2}}, "openai.realtime"
    )
    assert (r.usage.input_tokens, r.shape) == (4, "openai.realtime")
    t = o.read({"usage": {"type": "duration", "seconds": 0.1}}, "openai.transcription")
    assert t.usage.units == {"audio_second": D("0.1")}  # the float as written, not its binary value
    with pytest.raises(UsageParseError) as err:
        o.read({"usage": {"type": "duration", "seconds": "x"}}, "openai.transcription")
    assert str(err.value) == "usage.seconds: must be a number of seconds, got str 'x'"


def test_responses_fast_path_details_and_odd_tiers() -> None:
    data = {
        **resp(),
        "usage": {
            "input_tokens": 100,
            "output_tokens": 50,
            "input_tokens_details": {"cached_tokens": 40, "cache_write_tokens": 10},
            "output_tokens_details": {"reasoning_tokens": 20},
        },
    }
    assert o.fast_read(data) == ("openai.responses", "gpt-5", None, None, 100, 40, 10, 50, 20)
    assert (
        o.fast_read({**data, "usage": {**data["usage"], "output_tokens_details": {"image_tokens": 1}}})
        is None
    )
    # An unhashable tier is declined, not a crash.
    assert o.fast_read({**chat(prompt_tokens=1, completion_tokens=1), "service_tier": ["x"]}) is None


def test_tool_lookup_skips_other_tools() -> None:
    out = [{"type": "code_interpreter_call", "container_id": "c"}]
    tools = [
        {"type": "function", "name": "f", "model": "other", "container": {"memory_limit": "64g"}},
        {"type": "code_interpreter", "container": {"memory_limit": "16g"}},
        {"type": "image_generation", "model": "gpt-image-1"},
    ]
    r = o.read(
        resp(out, tools=tools, tool_usage={"image_gen": {"input_tokens": 1, "output_tokens": 1}}),
        "openai.responses",
    )
    assert r.usage.units == {"code_interpreter_container_16g": 1}
    assert r.parts[0].model == "gpt-image-1"
    with pytest.raises(UsageParseError) as err:
        o.read(
            resp(out, tools=[{"type": "code_interpreter", "container": {"memory_limit": ["4g"]}}]),
            "openai.responses",
        )
    assert err.value.path == "tools[].container.memory_limit"


# -- third round: survivors of the second run ------------------------------------------------------


def test_count_responses_input_and_instructions() -> None:
    def tokens(endpoint: str, body: dict[str, Any]) -> int:
        return int(count(endpoint, body, "gpt-5").input_tokens)

    # 3 per message + the role + the text, and 3 to prime the reply: 3 + 1 ("user") + 1 ("hi") + 3.
    assert tokens("/v1/responses", {"input": "hi"}) == 3 + n("user", "gpt-5") + n("hi", "gpt-5") + 3
    # The instructions are a system message: 3 + 1 ("system") + 3 ("Be brief.") more.
    assert tokens("/v1/responses", {"input": "hi", "instructions": "Be brief."}) == 8 + 3 + n(
        "system", "gpt-5"
    ) + n("Be brief.", "gpt-5")
    # Tools count the same whether a Responses tool, a chat tool or a legacy chat function.
    schema = {"type": "object", "properties": {}}
    responses = tokens(
        "/v1/responses", {"input": "hi", "tools": [{"type": "function", "name": "f", "parameters": schema}]}
    )
    functions = tokens(
        "/v1/chat/completions",
        {"messages": [{"role": "user", "content": "hi"}], "functions": [{"name": "f", "parameters": schema}]},
    )
    assert responses == functions > 8
    with pytest.raises(InvalidRequestError) as err:
        count("/v1/responses", {}, "gpt-5")
    assert str(err.value) == "body.input: is missing"
    with pytest.raises(InvalidRequestError) as err:
        count("/v1/responses", {"input": []}, "gpt-5")
    assert str(err.value) == "body.input: must not be empty"
    with pytest.raises(InvalidRequestError) as err:
        count("/v1/chat/completions", {"messages": None})
    assert str(err.value) == "body.messages: must be a non-empty list of messages, got null"
    with pytest.raises(InvalidRequestError) as err:
        count("/v1/embeddings", {"input": "x"}, "gpt-5")
    assert str(err.value) == "body.model: 'gpt-5' is a chat model; /v1/embeddings takes embedding models"
    with pytest.raises(InvalidRequestError) as err:
        count("/v1/moderations", {"input": "x"}, "gpt-5")
    assert "takes moderation models" in str(err.value)
    with pytest.raises(InvalidRequestError) as err:
        count("/v1/completions", {"prompt": "x"}, "text-embedding-3-small")
    assert str(err.value).endswith("/v1/completions takes completion or chat models")


def test_responses_item_reasons_and_paths() -> None:
    r = o.read(
        resp(
            [
                {"type": "file_search_call"},
                {"type": "file_search_call"},
                {"type": "shell_call", "environment": {"type": "container"}},
                {"type": "mystery_call"},
                {"type": "image_generation_call", "status": "completed"},
            ]
        ),
        "openai.responses",
    )
    assert r.usage.units == {"file_search_call": 2}
    assert [u.reason for u in r.unpriced] == [
        "a shell call in a hosted container: costcalc has no published price for it",
        "output item 'mystery_call' is a kind costcalc does not know the billing of; it is refused rather "
        "than assumed free",
        "image generation calls whose tokens the response does not report (no tool_usage): they are billed "
        "at the image model's rates and cannot be priced from this payload",
    ]
    assert r.shape == "openai.responses"
    for body, path in [
        (resp(tool_usage=5), "tool_usage"),
        (resp(tool_usage={"web_search": 5}), "tool_usage.web_search"),
        (resp(tool_usage={"web_search": {"num_requests": -1}}), "tool_usage.web_search.num_requests"),
        (resp(tool_usage={"image_gen": 5}), "tool_usage.image_gen"),
        (
            resp(tool_usage={"image_gen": {"input_tokens": -1, "output_tokens": 1}}),
            "tool_usage.image_gen.input_tokens",
        ),
        (
            resp(tool_usage={"image_gen": {"input_tokens": 1, "output_tokens": 1, "cached_tokens": 5}}),
            "tool_usage.image_gen",
        ),
        (resp([{"type": "web_search_call", "action": 5}]), "output[0].action"),
        (resp([{"type": "image_generation_call", "svg_usage": 5}]), "output[0].svg_usage"),
        (resp([{"type": "shell_call", "environment": 5}]), "output[0].environment"),
    ]:
        with pytest.raises(UsageParseError) as err:
            o.read(body, "openai.responses")
        assert err.value.path == path, body


def test_batch_read_of_a_failure_names_the_line() -> None:
    with pytest.raises(BatchRequestError) as err:
        o.read(
            {"custom_id": "x1", "response": {"status_code": 500, "body": {"error": {"message": "down"}}}},
            "openai.batch",
        )
    assert str(err.value) == "response: request 'x1' returned HTTP 500: down"
    assert err.value.error == {"error": {"message": "down"}}
