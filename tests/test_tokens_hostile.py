"""Hostile input to the token counters: typed errors that name the bad field, never a builtin one."""

from __future__ import annotations

from typing import Any

import pytest

import costcalc as cc
from costcalc.errors import InvalidRequestError

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
