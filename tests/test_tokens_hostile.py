"""Hostile input to the token counters: typed errors that name the bad field, never a builtin one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import costcalc as cc
from costcalc.errors import InvalidInputError, InvalidRequestError
from costcalc.tokens import vocab

USER = [{"role": "user", "content": "What's the weather like in Paris?"}]


def chat_tool(properties: Any) -> list[dict[str, Any]]:
    """A Chat Completions tool list whose one function has ``properties``."""
    return [
        {
            "type": "function",
            "function": {"name": "get_weather", "parameters": {"type": "object", "properties": properties}},
        }
    ]


def responses_tool(properties: Any) -> list[dict[str, Any]]:
    """The same tool in the Responses API's flat shape."""
    return [
        {
            "type": "function",
            "name": "get_weather",
            "parameters": {"type": "object", "properties": properties},
        }
    ]


@pytest.mark.parametrize(
    ("tools", "field"),
    [
        # enum=5 used to iterate an int (TypeError), type=[1, 2] to join ints (TypeError).
        (
            chat_tool({"city": {"type": "string", "enum": 5}}),
            "tools[0].function.parameters.properties.city.enum",
        ),
        (chat_tool({"city": {"type": [1, 2]}}), "tools[0].function.parameters.properties.city.type[0]"),
        (chat_tool({"city": {"type": 7}}), "tools[0].function.parameters.properties.city.type"),
        (
            chat_tool({"city": {"enum": ["a", {"b": 1}]}}),
            "tools[0].function.parameters.properties.city.enum[1]",
        ),
        (chat_tool({"city": {"enum": [10**5000]}}), "tools[0].function.parameters.properties.city.enum[0]"),
        (chat_tool({"city": {"description": 3}}), "tools[0].function.parameters.properties.city.description"),
        (chat_tool({"city": "string"}), "tools[0].function.parameters.properties.city"),
        (chat_tool({1: {"type": "string"}}), "tools[0].function.parameters.properties"),
        # properties that are not a dict used to raise AttributeError ('list' has no 'items').
        (chat_tool(["city"]), "tools[0].function.parameters.properties"),
        (chat_tool("city"), "tools[0].function.parameters.properties"),
        (responses_tool(["city"]), "tools[0].parameters.properties"),
        (responses_tool(3), "tools[0].parameters.properties"),
        ([{"type": "function", "name": "f", "parameters": "object"}], "tools[0].parameters"),
        ([{"type": "function", "name": "f", "description": ["x"]}], "tools[0].description"),
        ([{"type": "function", "function": "get_weather"}], "tools[0].function"),
        ([{"type": "function", "function": {"name": 5}}], "tools[0].function.name"),
        (["get_weather"], "tools[0]"),
        ({"type": "function", "name": "f"}, "tools"),
        ("get_weather", "tools"),
    ],
)
def test_bad_tool_definitions_name_the_field(tools: Any, field: str) -> None:
    with pytest.raises(InvalidRequestError) as info:
        cc.count_messages(USER, "gpt-4o", tools=tools)
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")


def test_a_bad_tool_is_one_bad_line_not_an_aborted_batch() -> None:
    def line(n: int, properties: Any) -> dict[str, Any]:
        body = {"model": "gpt-4o", "messages": USER, "tools": chat_tool(properties)}
        return {"custom_id": f"r{n}", "method": "POST", "url": "/v1/chat/completions", "body": body}

    good = {"city": {"type": "string"}}
    estimate = cc.estimate_batch([line(1, good), line(2, ["city"]), line(3, good)], output_tokens=10)
    assert estimate.requests == 2
    assert [(e.line, e.custom_id) for e in estimate.errors] == [(2, "r2")]
    assert "tools[0].function.parameters.properties" in estimate.errors[0].reason


def test_json_schema_boolean_property_schemas_still_count() -> None:
    # `true` is a valid JSON Schema ("anything"): no type, enum or description, so the property
    # costs prop_key + tokens("city::"), as before.
    with_true = cc.count_messages(USER, "gpt-4o", tools=chat_tool({"city": True}))
    with_empty = cc.count_messages(USER, "gpt-4o", tools=chat_tool({"city": {}}))
    assert with_true == with_empty


IMAGE_AT = "https://example.com/cat.png"
IMAGE_MESSAGE = [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": IMAGE_AT}}]}]


@pytest.mark.parametrize(
    "size",
    [
        (512,),  # used to raise IndexError
        (1, 2, 3),  # used to be counted as 1 x 2, the extra value dropped
        ("512", "512"),
        (512.0, 512.0),
        (True, 512),  # a bool is not a pixel count
        (0, 512),
        (-1, 512),
        512,  # used to raise TypeError (not subscriptable)
        "512x512",
        {"width": 512, "height": 512},
    ],
)
def test_bad_image_sizes_name_the_url(size: Any) -> None:
    with pytest.raises(InvalidInputError) as info:
        cc.count_messages(IMAGE_MESSAGE, "gpt-4o", image_sizes={IMAGE_AT: size})
    assert info.value.field == f"image_sizes[{IMAGE_AT!r}]"
    assert "messages[0].content[0]" in str(info.value)  # and the part that needed it
    with pytest.raises(InvalidInputError) as info:
        cc.count_messages(IMAGE_MESSAGE, "o4-mini", image_sizes=lambda url: size)
    assert info.value.field == f"image_sizes({IMAGE_AT!r})"


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"instructions": ["Be brief."]}, InvalidRequestError, "instructions"),  # used to raise TypeError
        ({"instructions": 0}, InvalidRequestError, "instructions"),
        ({"image_sizes": 5}, InvalidInputError, "image_sizes"),
        ({"image_sizes": [(IMAGE_AT, (1, 1))]}, InvalidInputError, "image_sizes"),
        ({"tools": 0}, InvalidRequestError, "tools"),  # used to be ignored as "no tools"
    ],
)
def test_bad_arguments_name_the_argument(kwargs: dict[str, Any], error: type[Exception], field: str) -> None:
    with pytest.raises(error) as info:
        cc.count_messages(USER, "gpt-4o", **kwargs)
    assert getattr(info.value, "field", None) == field


def test_an_empty_message_list_is_refused() -> None:
    # The API rejects a request without messages; it used to be counted as 3 tokens.
    with pytest.raises(InvalidRequestError, match="at least one message") as info:
        cc.count_messages([], "gpt-4o")
    assert info.value.field == "messages"
    with pytest.raises(InvalidRequestError):
        cc.count_messages((), "gpt-5-mini", instructions="Be brief.")


@pytest.mark.parametrize(
    ("messages", "field"),
    [
        (b"hello", "messages"),
        ([{"role": "user", "content": {"type": "text", "text": "hi"}}], "messages[0].content"),
        ([{"role": "user", "content": b"hi"}], "messages[0].content"),
        ([{"role": "user", "content": [5]}], "messages[0].content[0]"),
        ([{"role": "user", "content": [{"type": "text", "text": ["hi"]}]}], "messages[0].content[0].text"),
        (
            [{"role": "assistant", "content": [{"type": "refusal", "refusal": 3}]}],
            "messages[0].content[0].refusal",
        ),
        ([{"role": "assistant", "content": [{"type": "refusal"}]}], "messages[0].content[0].refusal"),
        (
            [
                {
                    "role": "user",
                    "content": [{"type": "image_url", "image_url": {"url": IMAGE_AT, "detail": "max"}}],
                }
            ],
            "messages[0].content[0].image_url.detail",
        ),
        (
            [
                {
                    "role": "user",
                    "content": [{"type": "image_url", "image_url": {"url": IMAGE_AT, "detail": []}}],
                }
            ],
            "messages[0].content[0].image_url.detail",
        ),
        (
            [{"role": "user", "content": [{"type": "input_image", "image_url": IMAGE_AT, "detail": 1}]}],
            "messages[0].content[0].detail",
        ),
        (
            [{"role": "user", "content": [{"type": "input_image", "image_url": 5}]}],
            "messages[0].content[0].image_url",
        ),
        ([{"role": "user", "content": [{"type": ["text"]}]}], "messages[0].content[0].type"),
        ([{"role": "assistant", "tool_calls": "get_weather"}], "messages[0].tool_calls"),
        ([{"role": "assistant", "tool_calls": ["get_weather"]}], "messages[0].tool_calls[0]"),
        ([{"role": "assistant", "tool_calls": [{"function": 5}]}], "messages[0].tool_calls[0].function"),
        (
            [{"role": "assistant", "function_call": {"name": None, "arguments": "{}"}}],
            "messages[0].function_call.name",
        ),
        ([{"type": "function_call", "name": "f", "arguments": {}}], "messages[0].arguments"),
        ([{"type": "function_call_output", "output": 42}], "messages[0].output"),
        ([{"role": "user", "content": "hi"}, {"role": ["user"]}], "messages[1].role"),
    ],
)
def test_bad_messages_name_the_field(messages: Any, field: str) -> None:
    with pytest.raises(InvalidRequestError) as info:
        cc.count_messages(messages, "gpt-4o", image_sizes={IMAGE_AT: (512, 512)})
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: cc.count_tokens(None, "gpt-4o"), "text"),
        (lambda: cc.count_tokens("hi", ["gpt-4o"]), "model"),  # was TypeError: unhashable type
        (lambda: cc.count_tokens("hi", 4), "model"),
        (lambda: cc.count_tokens("hi", "gpt-4o", catalog="openai"), "catalog"),  # was AttributeError
        (lambda: cc.count_tokens_many(["a", "b"], "gpt-4o", num_threads="2"), "num_threads"),  # was TypeError
        (lambda: cc.count_tokens_many(["a", "b"], "gpt-4o", num_threads=2.5), "num_threads"),
        (lambda: cc.count_tokens_many(["a", "b"], "gpt-4o", processes=True), "processes"),
        (lambda: cc.count_tokens_many(["a"], None), "model"),
        (lambda: cc.count_messages(USER, {"model": "gpt-4o"}), "model"),
        (lambda: cc.count_messages(USER, "gpt-4o", catalog=object()), "catalog"),
        (lambda: cc.image_tokens(True, 512, "gpt-4o"), "width"),
        (lambda: cc.image_tokens(512, 512.0, "gpt-4o"), "height"),
        (lambda: cc.image_tokens(512, -(10**5000), "gpt-4o"), "height"),  # its repr raised ValueError
        (lambda: cc.image_tokens(512, 512, "gpt-4o", detail=None), "detail"),
        (lambda: cc.image_tokens(512, 512, "gpt-3.5-turbo"), "model"),
        (lambda: cc.image_tokens(512, 512, None), "model"),
        (lambda: cc.check_context_window(None, 1), "model"),
        (lambda: cc.check_context_window("gpt-4o", True), "prompt_tokens"),
        (lambda: cc.check_context_window("gpt-4o", 1, 2.0), "max_output_tokens"),
        # A huge count used to reach the error message's "{:,}", which raises ValueError past 4300 digits.
        (lambda: cc.check_context_window("gpt-4o", 10**5000), "prompt_tokens"),
        (lambda: cc.check_context_window("gpt-4o", 10**15 + 1), "prompt_tokens"),
        (lambda: vocab.get_encoding(["o200k_base"]), "name"),  # was TypeError: unhashable type
    ],
)
def test_bad_plain_arguments_name_the_argument(call: Callable[[], object], field: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        call()
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")


def test_huge_images_are_counted_exactly() -> None:
    # 10**400 x 1 on o4-mini: 1 x 10**400/32 patches > 1536, shrunk to the 1536 cap: ceil(1536 x
    # 1.72) = 2642. In floats, 10**400 / 32 raised OverflowError. On gpt-4o: fit in 2048 ->
    # 2048 x 2e-397 -> 4 x 1 tiles = 85 + 680 = 765.
    assert cc.image_tokens(10**400, 1, "o4-mini") == 2642
    assert cc.image_tokens(10**400, 1, "gpt-4o") == 765
