"""The Anthropic reader field by field: detection, cache writes, tiers, speed, inference_geo, code
execution, the fast path, Message Batches lines, request bodies and the Admin API reports.

Written against the mutants that survived the mutation run of ``costcalc/providers/anthropic.py``
(docs/testing.md, "Mutation testing"). The module's convention: the whole prompt is
``input_tokens + cache_creation_input_tokens + cache_read_input_tokens``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

import costcalc as cc
from costcalc.errors import BatchRequestError, InvalidRequestError, UsageParseError
from costcalc.providers import anthropic as a

D = Decimal
UTC = dt.UTC


def msg(**usage: Any) -> dict[str, Any]:
    return {"type": "message", "model": "claude-sonnet-4-5", "usage": usage}


# -- detect and read -----------------------------------------------------------------------------


def test_detect() -> None:
    assert a.detect({"custom_id": "c", "result": {}}) == "anthropic.batch"
    assert a.detect({"custom_id": "c"}) is None
    assert a.detect({"type": "message", "usage": {}}) == "anthropic"
    assert a.detect({"type": "message"}) is None
    for key in (
        "cache_creation_input_tokens",
        "cache_read_input_tokens",
        "cache_creation",
        "server_tool_use",
        "speed",
        "inference_geo",
    ):
        assert a.detect({"usage": {key: 0}}) == "anthropic", key
        assert a.detect({key: 0}) == "anthropic", key
        assert a.detect({"usage": {key: None}}) is None, key
    assert a.detect({"usage": {"service_tier": "standard"}}) == "anthropic"
    assert a.detect({"service_tier": "batch"}) == "anthropic"
    assert a.detect({"usage": {"service_tier": "priority"}}) is None
    assert a.detect({"usage": {"input_tokens": 1}}) is None
    assert a.detect({"usage": 5}) is None


def test_read_unknown_shape() -> None:
    with pytest.raises(UsageParseError) as err:
        a.read(msg(input_tokens=1, output_tokens=1), "anthropic.chat")
    assert str(err.value) == "unknown Anthropic shape 'anthropic.chat'; shapes are anthropic, anthropic.batch"


def test_read_batch_shape() -> None:
    r = a.read(
        {
            "custom_id": "c1",
            "result": {"type": "succeeded", "message": msg(input_tokens=10, output_tokens=5)},
        },
        "anthropic.batch",
    )
    assert r.tier == "batch"
    assert r.usage.input_tokens == 10
    with pytest.raises(BatchRequestError) as err:
        a.read({"custom_id": "c2", "result": {"type": "expired"}}, "anthropic.batch")
    assert err.value.custom_id == "c2"
    assert str(err.value) == "response: request 'c2' expired"


def test_message_counts() -> None:
    r = a.read(
        msg(
            input_tokens=100,
            cache_creation_input_tokens=300,
            cache_read_input_tokens=600,
            output_tokens=50,
            output_tokens_details={"thinking_tokens": 20},
        ),
        "anthropic",
    )
    u = r.usage
    # Whole prompt 100 + 300 + 600 = 1000; 600 cached reads; 300 5-minute writes (no split).
    assert (u.input_tokens, u.cached_input_tokens, u.cache_write_tokens, u.cache_write_1h_tokens) == (
        1000,
        600,
        300,
        0,
    )
    assert (u.output_tokens, u.reasoning_tokens) == (50, 20)
    assert (r.model, r.shape, r.creator, r.tier, r.at, r.unpriced, r.surcharges) == (
        "claude-sonnet-4-5",
        "anthropic",
        "anthropic",
        None,
        None,
        (),
        (),
    )
    # Thinking above the output is capped at the output: min(90, 50).
    assert (
        a.read(
            msg(input_tokens=1, output_tokens=50, output_tokens_details={"thinking_tokens": 90}), "anthropic"
        ).usage.reasoning_tokens
        == 50
    )


def test_cache_creation_split() -> None:
    u = a.read(
        msg(
            input_tokens=10,
            cache_creation_input_tokens=300,
            cache_creation={"ephemeral_5m_input_tokens": 100, "ephemeral_1h_input_tokens": 200},
            output_tokens=1,
        ),
        "anthropic",
    ).usage
    assert (u.input_tokens, u.cache_write_tokens, u.cache_write_1h_tokens) == (310, 100, 200)
    with pytest.raises(UsageParseError) as err:
        a.read(
            msg(
                input_tokens=10,
                cache_creation_input_tokens=300,
                cache_creation={"ephemeral_5m_input_tokens": 100, "ephemeral_1h_input_tokens": 100},
                output_tokens=1,
            ),
            "anthropic",
        )
    assert str(err.value) == (
        "usage.cache_creation: 5-minute (100) and 1-hour (100) cache writes do not add up to "
        "cache_creation_input_tokens (300)"
    )
    with pytest.raises(UsageParseError) as err:
        a.read(
            {
                "input_tokens": 1,
                "output_tokens": 1,
                "cache_creation_input_tokens": 2,
                "cache_creation": {"ephemeral_1h_input_tokens": 1},
            },
            "anthropic",
        )
    assert err.value.path == "cache_creation"


def test_usage_block_forms() -> None:
    bare = a.read({"input_tokens": 5, "output_tokens": 2, "model": "claude-x"}, "anthropic")
    assert bare.usage.input_tokens == 5
    assert bare.model is None
    with pytest.raises(UsageParseError) as err:
        a.read({"usage": [1]}, "anthropic")
    assert str(err.value) == "usage: must be an object, got list [1]"
    with pytest.raises(UsageParseError) as err:
        a.read({"type": "message"}, "anthropic")
    assert str(err.value) == "usage: is missing"
    with pytest.raises(UsageParseError) as err:
        a.read([1], "anthropic")
    assert err.value.path == "usage"
    assert a.read({**msg(input_tokens=1, output_tokens=1), "model": ""}, "anthropic").model is None
    assert a.read({**msg(input_tokens=1, output_tokens=1), "model": 4}, "anthropic").model is None


def test_web_search_and_code_execution() -> None:
    r = a.read(
        {
            **msg(
                input_tokens=1,
                output_tokens=1,
                server_tool_use={"web_search_requests": 3, "web_fetch_requests": 2},
            ),
            "content": [
                {"type": "text"},
                {"type": "code_execution_tool_result"},
                {"type": "bash_code_execution_tool_result"},
                {"type": "text_editor_code_execution_tool_result"},
                {"type": 5},
                "x",
            ],
        },
        "anthropic",
    )
    assert r.usage.units == {"web_search_call": 3}
    ((field, quantity, reason),) = r.unpriced
    assert (field, quantity) == ("content[].code_execution_tool_result", 3)
    assert reason.startswith("code execution bills container time")
    plain = a.read({**msg(input_tokens=1, output_tokens=1), "content": "text"}, "anthropic")
    assert plain.unpriced == ()
    assert plain.usage.units == {}


def test_unknown_numbers_are_unpriced() -> None:
    r = a.read(msg(input_tokens=1, output_tokens=1, new_tokens=7), "anthropic")
    assert [(u.field, u.quantity) for u in r.unpriced] == [("usage.new_tokens", 7)]


@pytest.mark.parametrize(
    ("usage", "tier"),
    [
        ({}, None),
        ({"service_tier": "standard"}, "standard"),
        ({"service_tier": "priority"}, "priority"),
        ({"service_tier": "batch"}, "batch"),
        ({"speed": "standard", "service_tier": "priority"}, "priority"),
        ({"speed": "fast"}, "fast"),
        ({"speed": "fast", "service_tier": "standard"}, "fast"),
    ],
)
def test_tiers(usage: dict[str, Any], tier: str | None) -> None:
    assert a.read(msg(input_tokens=1, output_tokens=1, **usage), "anthropic").tier == tier


@pytest.mark.parametrize(
    ("usage", "message"),
    [
        ({"speed": "turbo"}, "usage.speed: speed 'turbo' is not one costcalc prices; pass tier="),
        (
            {"service_tier": "flex"},
            "usage.service_tier: service tier 'flex' is not one costcalc prices; pass tier=",
        ),
        ({"service_tier": 3}, "usage.service_tier: service tier 3 is not one costcalc prices; pass tier="),
        (
            {"speed": "fast", "service_tier": "batch"},
            "usage.speed: fast mode is not offered with batch processing",
        ),
        ({"inference_geo": 5}, "usage.inference_geo: must be a string, got int 5"),
    ],
)
def test_tier_errors(usage: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageParseError) as err:
        a.read(msg(input_tokens=1, output_tokens=1, **usage), "anthropic")
    assert str(err.value) == message


def test_bare_block_paths() -> None:
    with pytest.raises(UsageParseError) as err:
        a.read({"input_tokens": 1, "output_tokens": 1, "speed": "x"}, "anthropic")
    assert err.value.path == "speed"
    with pytest.raises(UsageParseError) as err:
        a.read({"input_tokens": 1, "output_tokens": 1, "service_tier": "x"}, "anthropic")
    assert err.value.path == "service_tier"
    with pytest.raises(UsageParseError) as err:
        a.read({"input_tokens": 1, "output_tokens": 1, "speed": "fast", "service_tier": "batch"}, "anthropic")
    assert err.value.path == "speed"
    with pytest.raises(UsageParseError) as err:
        a.read({"input_tokens": 1, "output_tokens": 1, "inference_geo": []}, "anthropic")
    assert err.value.path == "inference_geo"


def test_inference_geo() -> None:
    def geo(value: Any) -> tuple[str, ...]:
        return a.read(msg(input_tokens=1, output_tokens=1, inference_geo=value), "anthropic").surcharges

    assert geo("us") == ("inference_geo_us",)
    assert geo("US") == ("inference_geo_us",)
    for word in ("global", "GLOBAL", "not_available", "unspecified", "", None):
        assert geo(word) == ()


def test_priced_by_the_catalog() -> None:
    # claude-sonnet-4-5 $3/M in, $15/M out (prompts up to 200k tokens):
    # 100,000 in x $3/M + 10,000 out x $15/M = 0.30 + 0.15 = 0.45.
    body = msg(input_tokens=100_000, output_tokens=10_000)
    assert cc.price_response(body).total == D("0.45")


# -- the fast path --------------------------------------------------------------------------------


def test_fast_read_plain_message() -> None:
    data = {
        **msg(
            input_tokens=100,
            cache_creation_input_tokens=300,
            cache_read_input_tokens=600,
            cache_creation={"ephemeral_5m_input_tokens": 300, "ephemeral_1h_input_tokens": 0},
            server_tool_use={"web_search_requests": 0, "web_fetch_requests": 2},
            output_tokens=50,
            output_tokens_details={"thinking_tokens": 80},
            service_tier="priority",
            speed="standard",
            inference_geo="global",
        ),
        "content": [{"type": "text", "text": "hi"}, "x"],
    }
    # (shape, model, tier, day, prompt 100 + 300 + 600, read 600, writes 300, output 50, min(80, 50))
    assert a.fast_read(data) == ("anthropic", "claude-sonnet-4-5", "priority", None, 1000, 600, 300, 50, 50)
    assert a.fast_read(msg(input_tokens=3, output_tokens=4)) == (
        "anthropic",
        "claude-sonnet-4-5",
        None,
        None,
        3,
        0,
        0,
        4,
        0,
    )
    assert a.fast_read({**msg(input_tokens=3, output_tokens=4), "model": ""})[1] is None  # type: ignore[index]
    assert a.fast_read({**msg(input_tokens=3, output_tokens=4), "model": 3})[1] is None  # type: ignore[index]
    assert a.fast_read({**msg(input_tokens=3, output_tokens=4), "content": "text"}) is not None
    assert (
        a.fast_read(
            {**msg(input_tokens=3, output_tokens=4, output_tokens_details={"thinking_tokens": None})}
        )[8]
        == 0
    )  # type: ignore[index]
    assert a.fast_read(msg(input_tokens=3, output_tokens=4, service_tier="batch"))[2] == "batch"  # type: ignore[index]


@pytest.mark.parametrize(
    "data",
    [
        {"usage": {"input_tokens": 1, "output_tokens": 1}},  # not a message
        {**msg(input_tokens=1, output_tokens=1), "custom_id": "c"},
        msg(input_tokens=1, output_tokens=1, extra_tokens=1),
        msg(output_tokens=1),
        msg(input_tokens=1),
        msg(
            input_tokens=1,
            output_tokens=1,
            cache_creation_input_tokens=10,
            cache_creation={"ephemeral_1h_input_tokens": 10},
        ),
        msg(
            input_tokens=1,
            output_tokens=1,
            cache_creation_input_tokens=10,
            cache_creation={"ephemeral_5m_input_tokens": 9},
        ),
        msg(input_tokens=1, output_tokens=1, cache_creation={"ephemeral_5m_input_tokens": 9}),
        msg(input_tokens=1, output_tokens=1, server_tool_use={"web_search_requests": 1}),
        msg(input_tokens=1, output_tokens=1, speed="fast"),
        msg(input_tokens=1, output_tokens=1, service_tier="flex"),
        msg(input_tokens=1, output_tokens=1, service_tier=1),
        msg(input_tokens=1, output_tokens=1, inference_geo="us"),
        msg(input_tokens=1, output_tokens=1, inference_geo=1),
        {**msg(input_tokens=1, output_tokens=1), "content": [{"type": "code_execution_tool_result"}]},
        {**msg(input_tokens=1, output_tokens=1), "content": {"type": "text"}},
    ],
)
def test_fast_read_declines(data: dict[str, Any]) -> None:
    assert a.fast_read(data) is None


def test_fast_read_cache_split_that_matches() -> None:
    data = msg(
        input_tokens=1,
        output_tokens=1,
        cache_creation_input_tokens=10,
        cache_creation={"ephemeral_5m_input_tokens": 10},
    )
    assert a.fast_read(data) == ("anthropic", "claude-sonnet-4-5", None, None, 11, 0, 10, 1, 0)
    # An empty split with no writes is fine too.
    data = msg(input_tokens=1, output_tokens=1, cache_creation={})
    assert a.fast_read(data) == ("anthropic", "claude-sonnet-4-5", None, None, 1, 0, 0, 1, 0)


# -- Message Batches ------------------------------------------------------------------------------


def test_batch_kind() -> None:
    assert a.batch_kind({"result": {}}) is None
    assert a.batch_kind({"custom_id": "c", "result": {}, "params": {}}) == "result"
    assert a.batch_kind({"custom_id": "c", "params": {}}) == "request"
    assert a.batch_kind({"custom_id": "c"}) is None


def test_batch_results() -> None:
    with pytest.raises(UsageParseError) as err:
        a.read_batch_result([1])
    assert str(err.value) == "a results line is a JSON object, got list [1]"
    with pytest.raises(UsageParseError) as err:
        a.read_batch_result({"custom_id": "c", "result": 5})
    assert str(err.value) == "result: must be an object, got int 5"
    with pytest.raises(UsageParseError) as err:
        a.read_batch_result({"custom_id": "c", "result": {"type": "succeeded", "message": 5}})
    assert str(err.value) == "result.message: must be an object, got int 5"
    with pytest.raises(UsageParseError) as err:
        a.read_batch_result({"custom_id": "c", "result": {"type": "succeeded", "message": {"usage": 5}}})
    assert str(err.value) == "result.message.usage: must be an object, got int 5"
    with pytest.raises(UsageParseError) as err:
        a.read_batch_result({"custom_id": "c", "result": {"type": "later"}})
    assert (
        str(err.value)
        == "result.type: result type 'later' is not one of succeeded, errored, canceled, expired"
    )
    ok = a.read_batch_result(
        {
            "custom_id": 7,
            "result": {
                "type": "succeeded",
                "message": msg(input_tokens=2, output_tokens=1, service_tier="standard"),
            },
        }
    )
    assert ok.custom_id is None
    assert ok.reading is not None
    assert ok.reading.tier == "batch"


def test_batch_failures() -> None:
    r = a.read_batch_result(
        {
            "custom_id": "c",
            "result": {
                "type": "errored",
                "error": {"type": "error", "error": {"type": "overloaded_error", "message": "busy"}},
            },
        }
    )
    assert r.failure is not None
    assert r.reading is None
    assert (r.failure.status, r.failure.reason) == ("errored", "request 'c' errored: overloaded_error: busy")
    flat = a.read_batch_result(
        {"custom_id": "c", "result": {"type": "errored", "error": {"type": "invalid", "message": "no"}}}
    )
    assert flat.failure is not None
    assert flat.failure.reason == "request 'c' errored: invalid: no"
    assert flat.failure.error == {"type": "invalid", "message": "no"}
    canceled = a.read_batch_result({"custom_id": "c", "result": {"type": "canceled", "error": "x"}})
    assert canceled.failure is not None
    assert canceled.failure.reason == "request 'c' canceled"
    assert canceled.failure.status == "canceled"


def test_batch_requests() -> None:
    r = a.read_batch_request({"custom_id": "c", "params": {"model": "claude-sonnet-4-5", "max_tokens": 5}})
    assert (r.custom_id, r.endpoint, r.model) == ("c", "/v1/messages", "claude-sonnet-4-5")
    assert r.body == {"model": "claude-sonnet-4-5", "max_tokens": 5}
    for bad, field, text in [
        ({"params": {}}, "custom_id", "custom_id: must be a non-empty string, got null"),
        ({"custom_id": "", "params": {}}, "custom_id", None),
        ({"custom_id": "c", "params": 3}, "params", "params: must be an object, got int 3"),
        ({"custom_id": "c", "params": {}}, "params.model", "params.model: must be a model name, got null"),
        ({"custom_id": "c", "params": {"model": ""}}, "params.model", None),
    ]:
        with pytest.raises(InvalidRequestError) as err:
            a.read_batch_request(bad)
        assert err.value.field == field
        if text:
            assert str(err.value) == text


# -- request bodies -------------------------------------------------------------------------------

INFO = cc.get_model("claude-sonnet-4-5")


def n(text: str) -> int:
    return cc.count_tokens(text, "gpt-4o")  # o200k_base, the base count Claude requests use


def count(body: dict[str, Any], info: Any = INFO) -> Any:
    return a.count_request("/v1/messages", body, info, None)


def test_count_messages_and_system() -> None:
    body = {
        "system": "Be brief.",
        "messages": [
            {"role": "user", "content": "Is 1,234,567 prime?"},
            {
                "role": "assistant",
                "content": [
                    {"type": "text", "text": "Let me check."},
                    {"type": "thinking", "thinking": "hmm"},
                ],
            },
        ],
        "max_tokens": 100,
    }
    rc = count(body)
    # 3 per message (system counts as one: 3 messages) + 3 to prime the reply = 12, plus the texts.
    texts = n("Be brief.") + n("Is 1,234,567 prime?") + n("Let me check.") + n("hmm")
    assert rc.input_tokens == texts + 12
    assert (rc.output_cap, rc.effort, rc.endpoint, rc.model, rc.exact) == (
        100,
        "none",
        "/v1/messages",
        "claude-sonnet-4-5",
        False,
    )
    assert (rc.fixed_tokens, rc.cache_5m_tokens, rc.cache_1h_tokens, rc.surcharges) == (0, 0, 0, ())


def test_count_tools_and_tool_blocks() -> None:
    schema = {"type": "object", "properties": {"x": {"type": "integer"}}}
    body = {
        "tools": [
            {"name": "calc", "description": "Adds.", "input_schema": schema},
            {"name": "noop", "type": "custom"},
        ],
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": [{"type": "tool_use", "name": "calc", "input": {"x": 1}}]},
            {"role": "user", "content": [{"type": "tool_result", "content": "2"}, {"type": "tool_result"}]},
        ],
        "max_tokens": 10,
    }
    rc = count(body)
    texts = n("calc") + n("Adds.") + n('{"type":"object","properties":{"x":{"type":"integer"}}}') + n("noop")
    texts += n("hi") + n("calc") + n('{"x":1}') + n("2")
    # 3 messages x 3 + 3 priming = 12; the Claude 4 tool prompt adds 346 (TOOL_PROMPT_DEFAULT).
    assert rc.input_tokens == texts + 12 + 346
    assert rc.fixed_tokens == 346


@pytest.mark.parametrize(("model", "fixed"), [("claude-3-opus", 530), ("claude-3-haiku", 340)])
def test_count_tool_prompt_by_model(model: str, fixed: int) -> None:
    matches = [m for m in cc.list_models() if m.id.startswith(model) and m.kind == "chat"]
    if not matches:
        pytest.skip(f"no {model} model in the catalog")
    body = {"tools": [{"name": "t"}], "messages": [{"role": "user", "content": "x"}], "max_tokens": 1}
    assert count(body, matches[0]).fixed_tokens == fixed


def test_count_cache_breakpoints() -> None:
    five = {"type": "ephemeral"}
    hour = {"type": "ephemeral", "ttl": "1h"}
    body = {
        "tools": [{"name": "t", "cache_control": hour}],
        "system": [{"type": "text", "text": "sys", "cache_control": five}],
        "messages": [{"role": "user", "content": "after"}],
        "max_tokens": 1,
    }
    rc = count(body)
    # 1-hour up to the tool: n("t"); 5 minutes from there to the system block's end:
    # system's 3 + n("sys").
    assert rc.cache_1h_tokens == n("t")
    assert rc.cache_5m_tokens == 3 + n("sys")
    # Automatic caching (top-level cache_control) reaches the end of the prompt.
    auto = count({"cache_control": hour, "messages": [{"role": "user", "content": "hello"}], "max_tokens": 1})
    assert (auto.cache_1h_tokens, auto.cache_5m_tokens) == (auto.input_tokens, 0)
    auto5 = count(
        {"cache_control": five, "messages": [{"role": "user", "content": "hello"}], "max_tokens": 1}
    )
    assert (auto5.cache_1h_tokens, auto5.cache_5m_tokens) == (0, auto5.input_tokens)
    # A 1-hour breakpoint after a 5-minute one takes the whole prefix.
    late = count(
        {
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "a", "cache_control": five},
                        {"type": "text", "text": "b", "cache_control": hour},
                    ],
                }
            ],
            "max_tokens": 1,
        }
    )
    assert (late.cache_1h_tokens, late.cache_5m_tokens) == (3 + n("a") + n("b"), 0)


@pytest.mark.parametrize(
    ("body", "effort"),
    [
        ({}, "none"),
        ({"output_config": {"effort": "low"}}, "low"),
        ({"output_config": {"effort": "max"}}, "high"),
        ({"thinking": {"type": "disabled"}}, "none"),
        ({"thinking": {"type": "enabled", "budget_tokens": 1024}}, "low"),
        ({"thinking": {"type": "enabled", "budget_tokens": 2049}}, "medium"),
        ({"thinking": {"type": "enabled", "budget_tokens": 16385}}, "high"),
        (
            {"thinking": {"type": "enabled", "budget_tokens": 1024}, "output_config": {"effort": "xhigh"}},
            "high",
        ),
        ({"thinking": {"type": "adaptive"}}, "medium"),
        ({"thinking": {"type": "adaptive"}, "output_config": {"effort": "low"}}, "low"),
        ({"output_config": "x"}, "none"),
    ],
)
def test_count_effort(body: dict[str, Any], effort: str) -> None:
    full = {"messages": [{"role": "user", "content": "x"}], "max_tokens": 1, **body}
    assert count(full).effort == effort


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"messages": []}, "params.messages"),
        ({"messages": "x"}, "params.messages"),
        ({"messages": [5]}, "params.messages[0]"),
        ({"messages": [{"role": "system", "content": "x"}]}, "params.messages[0].role"),
        ({"messages": [{"role": "user"}]}, "params.messages[0].content"),
        ({"messages": [{"role": "user", "content": 5}]}, "params.messages[0].content"),
        ({"messages": [{"role": "user", "content": [5]}]}, "params.messages[0].content[0]"),
        ({"messages": [{"role": "user", "content": [{"type": "image"}]}]}, "params.messages[0].content[0]"),
        (
            {"messages": [{"role": "user", "content": [{"type": "text", "text": 5}]}]},
            "params.messages[0].content[0].text",
        ),
        ({"tools": {"a": 1}}, "params.tools"),
        ({"tools": [5]}, "params.tools[0]"),
        ({"tools": [{"type": "web_search_20250305", "name": "w"}]}, "params.tools[0].type"),
        ({"tools": [{"type": "code_execution_20250522", "name": "c"}]}, "params.tools[0].type"),
        ({"tools": [{"name": ""}]}, "params.tools[0].name"),
        ({"tools": [{"name": "t", "input_schema": 5}]}, "params.tools[0].input_schema"),
        ({"tools": [{"name": "t", "description": 5}]}, "params.tools[0].description"),
        ({"cache_control": {"type": "persistent"}}, "params.cache_control"),
        ({"cache_control": {"type": "ephemeral", "ttl": "2h"}}, "params.cache_control.ttl"),
        ({"tools": [{"name": "t", "cache_control": 5}]}, "params.tools[0].cache_control"),
        ({"max_tokens": 0}, "params.max_tokens"),
        ({"max_tokens": None}, "params.max_tokens"),
        ({"max_tokens": 1.0}, "params.max_tokens"),
        ({"thinking": 5}, "params.thinking"),
        ({"thinking": {"type": "on"}}, "params.thinking.type"),
        ({"thinking": {"type": "enabled"}}, "params.thinking.budget_tokens"),
        ({"thinking": {"type": "enabled", "budget_tokens": 0}}, "params.thinking.budget_tokens"),
        ({"output_config": {"effort": "extreme"}}, "params.output_config.effort"),
        ({"inference_geo": 5}, "params.inference_geo"),
    ],
)
def test_count_refuses_by_field(body: dict[str, Any], field: str) -> None:
    full = {"messages": [{"role": "user", "content": "x"}], "max_tokens": 1, **body}
    with pytest.raises(InvalidRequestError) as err:
        count(full)
    assert err.value.field == field


def test_count_messages_of_errors() -> None:
    with pytest.raises(InvalidRequestError) as err:
        count({"messages": [{"role": "user", "content": "x"}], "max_tokens": 0})
    assert str(err.value) == "params.max_tokens: must be a whole number > 0, got 0"
    with pytest.raises(InvalidRequestError) as err:
        count({"messages": [{"role": "user", "content": "x"}], "max_tokens": 1, "inference_geo": 5})
    assert str(err.value) == "params.inference_geo: must be a string, got int 5"
    with pytest.raises(InvalidRequestError) as err:
        count(
            {
                "messages": [{"role": "user", "content": "x"}],
                "max_tokens": 1,
                "cache_control": {"type": "ephemeral", "ttl": 5},
            }
        )
    assert str(err.value) == "params.cache_control.ttl: must be '5m' or '1h', got int 5"
    with pytest.raises(InvalidRequestError) as err:
        count({"messages": [{"role": "bot", "content": "x"}], "max_tokens": 1})
    assert str(err.value) == "params.messages[0].role: must be 'user' or 'assistant', got str 'bot'"
    with pytest.raises(InvalidRequestError) as err:
        count(
            {"messages": [{"role": "user", "content": "x"}], "max_tokens": 1},
            cc.get_model("gemini-embedding-001"),
        )
    assert err.value.field == "params.model"


def test_count_request_surcharge() -> None:
    body = {"messages": [{"role": "user", "content": "x"}], "max_tokens": 1, "inference_geo": "us"}
    assert count(body).surcharges == ("inference_geo_us",)


# -- Admin API reports ----------------------------------------------------------------------------


def bucket(
    *results: Any, start: str = "2026-03-01T00:00:00Z", end: str = "2026-03-02T00:00:00Z"
) -> dict[str, Any]:
    return {"starting_at": start, "ending_at": end, "results": list(results)}


def test_export_kind() -> None:
    assert a.export_kind({"data": [bucket({"uncached_input_tokens": 1})]}) == "usage"
    assert a.export_kind({"data": [bucket({"output_tokens": 1})]}) == "usage"
    assert a.export_kind({"data": [bucket({"amount": "1"})]}) == "costs"
    assert a.export_kind(bucket({"amount": "1"})) == "costs"
    assert a.export_kind({"data": [bucket()], "has_more": False}) == "empty"
    assert a.export_kind({"data": [], "has_more": False}) == "empty"
    assert a.export_kind({"data": [], "next_page": None}) == "empty"
    assert a.export_kind({"data": []}) is None
    assert a.export_kind({"data": "x"}) is None
    assert a.export_kind({"data": [{"x": 1}]}) is None
    assert a.export_kind({"data": [5]}) is None
    assert a.export_kind({"starting_at": "x"}) is None
    assert a.export_kind({"x": 1}) is None
    assert (
        a.export_kind({"data": [{"starting_at": "x", "results": "no"}, bucket({"other": 1}, 5)]}) == "empty"
    )


def test_usage_report() -> None:
    page = {
        "data": [
            bucket(
                {
                    "uncached_input_tokens": 100,
                    "cache_read_input_tokens": 200,
                    "cache_creation": {"ephemeral_5m_input_tokens": 30, "ephemeral_1h_input_tokens": 40},
                    "output_tokens": 50,
                    "server_tool_use": {"web_search_requests": 2},
                    "model": "claude-sonnet-4-5",
                    "workspace_id": "w1",
                    "api_key_id": "k1",
                    "service_tier": "batch",
                    "context_window": "200k-1M",
                    "inference_geo": "US",
                    "requests": 9,
                    "odd_tokens": 5,
                }
            )
        ],
        "has_more": False,
    }
    p = a.read_export_page(page, "page 1")
    assert (p.provider, p.kind, p.items, p.errors) == ("anthropic", "usage", (), ())
    (b,) = p.buckets
    u = b.usage
    # Whole prompt 100 + 200 + 30 + 40 = 370.
    assert (
        u.input_tokens,
        u.cached_input_tokens,
        u.cache_write_tokens,
        u.cache_write_1h_tokens,
        u.output_tokens,
    ) == (370, 200, 30, 40, 50)
    assert u.units == {"web_search_call": 2}
    assert (b.kind, b.model, b.project, b.api_key, b.tier, b.long_context, b.surcharges) == (
        "messages",
        "claude-sonnet-4-5",
        "w1",
        "k1",
        "batch",
        True,
        ("inference_geo_us",),
    )
    assert (b.start, b.end, b.position) == (
        dt.datetime(2026, 3, 1, tzinfo=UTC),
        dt.datetime(2026, 3, 2, tzinfo=UTC),
        "page 1, bucket 1, result 1",
    )
    assert [(x.field, x.quantity) for x in b.unpriced] == [("odd_tokens", 5)]
    assert b.groups == (
        ("workspace_id", "w1"),
        ("api_key_id", "k1"),
        ("model", "claude-sonnet-4-5"),
        ("service_tier", "batch"),
        ("context_window", "200k-1M"),
        ("inference_geo", "US"),
    )
    plain = a.read_export_page(
        bucket(
            {
                "uncached_input_tokens": 1,
                "output_tokens": 0,
                "context_window": "0-200k",
                "speed": "fast",
                "inference_geo": "global",
                "model": "",
            }
        ),
        "p",
    )
    (b,) = plain.buckets
    assert (b.tier, b.long_context, b.surcharges, b.model, b.usage.units) == ("fast", False, (), None, {})


@pytest.mark.parametrize(
    ("result", "error"),
    [
        (
            {"uncached_input_tokens": 1, "output_tokens": 1, "speed": "slow"},
            "speed: speed 'slow' is not one costcalc prices",
        ),
        (
            {"uncached_input_tokens": 1, "output_tokens": 1, "service_tier": "gold"},
            "service_tier: service tier 'gold' is not one costcalc knows",
        ),
        (
            {"uncached_input_tokens": 1, "output_tokens": 1, "service_tier": "flex"},
            "service_tier: service tier 'flex' has no published per-token "
            "rates in the catalog; it cannot be priced",
        ),
        (
            {"uncached_input_tokens": 1, "output_tokens": 1, "context_window": "1M+"},
            "context_window: context window '1M+' is not one costcalc knows (0-200k, 200k-1M)",
        ),
        ({"uncached_input_tokens": 1, "output_tokens": 1, "model": 5}, "model: must be a string, got int 5"),
        (5, "must be an object, got int 5"),
    ],
)
def test_usage_report_result_errors(result: Any, error: str) -> None:
    p = a.read_export_page({"data": [bucket({"uncached_input_tokens": 1, "output_tokens": 1}, result)]}, "pg")
    assert len(p.buckets) == 1
    assert p.errors == (("pg, bucket 1, result 2", error),)


def test_bucket_errors() -> None:
    page = {
        "data": [
            {"starting_at": "2026-03-01T00:00:00Z", "results": []},
            bucket(start="2026-03-02T00:00:00Z", end="2026-03-01T00:00:00Z"),
            {"starting_at": "2026-03-01T00:00:00Z", "ending_at": "2026-03-02T00:00:00Z", "results": 5},
            {"starting_at": 5, "ending_at": "2026-03-02T00:00:00Z"},
            bucket({"amount": "150", "currency": "USD"}),
        ],
        "has_more": False,
    }
    p = a.read_export_page(page, "pg")
    assert p.errors == (
        ("pg, bucket 1", "bucket.ending_at: is missing"),
        ("pg, bucket 2", "bucket: ending_at 2026-03-01T00:00:00+00:00 is not after starting_at"),
        ("pg, bucket 3", "bucket.results: must be a list, got int 5"),
        ("pg, bucket 4", "bucket.starting_at: must be an RFC 3339 time, got int 5"),
    )
    assert p.kind == "costs"
    assert len(p.items) == 1
    with pytest.raises(UsageParseError) as err:
        a.read_export_page({"x": 1}, "pg")
    assert str(err.value) == "pg: is not an Anthropic usage or cost report page"
    assert a.read_export_page({"data": [], "has_more": False}, "pg").kind == "empty"
    assert a.read_export_page({"data": [bucket()], "has_more": False}, "pg").kind == "empty"


def test_cost_report() -> None:
    results = [
        {
            "amount": "123.45",
            "currency": "USD",
            "token_type": "uncached_input_tokens",
            "model": "claude-sonnet-4-5",
            "workspace_id": "w",
            "list_amount": "200",
        },
        {"amount": " -50 ", "currency": "USD", "cost_type": "web_search", "description": "Web search"},
        {"amount": "7", "currency": "USD", "cost_type": "code_execution", "list_amount": "-7"},
        {"amount": "1", "currency": "USD", "cost_type": "tokens"},
        {"amount": "2", "currency": "USD", "cost_type": "tokens", "description": "All tokens"},
        {"amount": "3", "currency": "USD", "token_type": "mystery_tokens"},
        {"amount": "4", "currency": "USD", "cost_type": "session_usage"},
        {"amount": "5", "currency": "USD"},
        {
            "amount": "6",
            "currency": "USD",
            "token_type": "output_tokens",
            "description": "Output",
            "service_tier": "priority",
            "context_window": "0-200k",
        },
    ]
    p = a.read_export_page(bucket(*results), "pg")
    assert p.kind == "costs"
    assert p.errors == ()
    got = [(i.amount, i.line, i.label, i.list_amount) for i in p.items]
    # Cents to dollars: 123.45 cents = $1.2345; " -50 " = -$0.50; list 200 cents = $2.
    assert got == [
        (D("1.2345"), "input", "uncached_input_tokens", D("2")),
        (D("-0.5"), "web_search_call", "Web search", None),
        (D("0.07"), "container_hour", "code_execution", D("-0.07")),
        (D("0.01"), "tokens", "tokens", None),
        (D("0.02"), "tokens", "All tokens", None),
        (D("0.03"), None, "mystery_tokens", None),
        (D("0.04"), None, "session_usage", None),
        (D("0.05"), None, None, None),
        (D("0.06"), "output", "Output", None),
    ]
    first, *_, last = p.items
    assert (first.model, first.project, first.currency, first.provider, first.position) == (
        "claude-sonnet-4-5",
        "w",
        "USD",
        "anthropic",
        "pg, bucket 1, result 1",
    )
    assert (last.tier, last.long_context) == ("priority", False)
    assert first.groups == (
        ("workspace_id", "w"),
        ("model", "claude-sonnet-4-5"),
        ("token_type", "uncached_input_tokens"),
    )


@pytest.mark.parametrize(
    ("result", "error"),
    [
        ({"amount": "1"}, "currency: must be a currency code, got null"),
        ({"amount": "1", "currency": ""}, "currency: must be a currency code, got str ''"),
        ({"amount": 1, "currency": "USD"}, "amount: must be a decimal string in cents, got int 1"),
        (
            {"amount": "1", "currency": "USD", "list_amount": 1},
            "list_amount: must be a decimal string in cents, got int 1",
        ),
    ],
)
def test_cost_report_errors(result: dict[str, Any], error: str) -> None:
    p = a.read_export_page(bucket(result), "pg")
    assert p.errors == (("pg, bucket 1, result 1", error),)


# -- second round: survivors of the first run -------------------------------------------------------


def test_tool_errors_say_what_to_do() -> None:
    def error(tool: Any) -> str:
        with pytest.raises(InvalidRequestError) as err:
            count({"tools": [tool], "messages": [{"role": "user", "content": "x"}], "max_tokens": 1})
        return str(err.value)

    assert error(5) == "params.tools[0]: must be an object, got int 5"
    assert error({"type": "web_search_20250305", "name": "w"}) == (
        "params.tools[0].type: a 'web_search_20250305' tool bills per use (searches, container time), which "
        "an estimate cannot know; estimate the requests without it and add the expected uses"
    )
    assert error({"name": 5}) == "params.tools[0].name: must be a tool name, got int 5"
    assert (
        error({"name": "t", "input_schema": 5})
        == "params.tools[0].input_schema: must be an object, got int 5"
    )


def test_report_edges() -> None:
    # A page with both data and starting_at is one bucket.
    assert a.export_kind({"data": [], "starting_at": "x", "results": [{"amount": "1"}]}) == "costs"
    # A bucket whose results are not a list does not stop the search.
    assert (
        a.export_kind({"data": [{"starting_at": "x", "results": 5}, bucket({"output_tokens": 1})]}) == "usage"
    )
    same = a.read_export_page(bucket(start="2026-03-01T00:00:00Z", end="2026-03-01T00:00:00Z"), "pg")
    assert same.errors == (
        ("pg, bucket 1", "bucket: ending_at 2026-03-01T00:00:00+00:00 is not after starting_at"),
    )
    bad_time = a.read_export_page(bucket(start="yesterday"), "pg")
    assert bad_time.errors == (("pg, bucket 1", "bucket.starting_at: is not an ISO time: 'yesterday'"),)
    # A usage page whose only row is refused stays a usage page.
    refused = a.read_export_page({"data": [bucket({"uncached_input_tokens": -1, "output_tokens": 1})]}, "pg")
    assert refused.kind == "usage"
    assert refused.errors == (
        ("pg, bucket 1, result 1", "uncached_input_tokens: must be between 0 and 1000000000000000, got -1"),
    )
    costs = a.read_export_page(
        bucket({"amount": "100", "currency": "USD"}, start="2026-03-01T00:00:00Z"), "pg"
    )
    assert (costs.items[0].start, costs.items[0].end) == (
        dt.datetime(2026, 3, 1, tzinfo=UTC),
        dt.datetime(2026, 3, 2, tzinfo=UTC),
    )
    (b,) = a.read_export_page(
        bucket({"uncached_input_tokens": 1, "output_tokens": 1, "speed": "standard"}), "pg"
    ).buckets
    assert (b.tier, b.provider, b.usage.units) == (None, "anthropic", {})


def test_cost_amount_errors() -> None:
    p = a.read_export_page(
        bucket(
            {"amount": "abc", "currency": "USD"},
            {"amount": "1", "currency": "USD", "list_amount": "zz"},
            {"amount": "1", "currency": "USD", "list_amount": " -250 "},
            {"amount": "1e2", "currency": "USD"},
        ),
        "pg",
    )
    assert p.errors == (
        ("pg, bucket 1, result 1", "amount: must be an amount of money, got str 'abc'"),
        ("pg, bucket 1, result 2", "list_amount: must be an amount of money, got str 'zz'"),
    )
    # " -250 " cents = -$2.50; "1e2" cents = $1.
    assert [(i.amount, i.list_amount) for i in p.items] == [(D("0.01"), D("-2.5")), (D("1"), None)]


def test_fast_read_one_hour_split_and_odd_tier() -> None:
    zero = msg(input_tokens=1, output_tokens=1, cache_creation={"ephemeral_1h_input_tokens": 0})
    assert a.fast_read(zero) == ("anthropic", "claude-sonnet-4-5", None, None, 1, 0, 0, 1, 0)
    hour = msg(
        input_tokens=1,
        output_tokens=1,
        cache_creation_input_tokens=10,
        cache_creation={"ephemeral_5m_input_tokens": 10, "ephemeral_1h_input_tokens": 3},
    )
    assert a.fast_read(hour) is None
    assert a.fast_read(msg(input_tokens=1, output_tokens=1, service_tier=["x"])) is None
