"""Tokens of tool (function) definitions, by the OpenAI cookbook's published rule.

Source: openai/openai-cookbook, "How to count tokens with tiktoken", section "counting tokens for
tool calls". Function definitions are injected into the system message and billed as input.
Per function: ``func_init``, then ``name:description`` (a trailing "." dropped); if it has
parameters, ``prop_init`` and per property ``prop_key`` + ``name:type:description``; an enum adds
``enum_init`` and per item ``enum_item`` + the item's tokens; ``func_end`` once for all of them.
The cookbook publishes the constants for gpt-4o/gpt-4o-mini (o200k_base) and gpt-3.5-turbo/gpt-4
(cl100k_base); other models of those encodings use the same constants.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from costcalc.errors import InvalidRequestError
from costcalc.tokens.checks import shown, type_name

if TYPE_CHECKING:
    import tiktoken

__all__ = ["ToolConstants", "count_tools", "tool_constants"]


class ToolConstants(NamedTuple):
    func_init: int
    prop_init: int
    prop_key: int
    enum_init: int
    enum_item: int
    func_end: int


_CONSTANTS: Final = {
    "o200k_base": ToolConstants(func_init=7, prop_init=3, prop_key=3, enum_init=-3, enum_item=3, func_end=12),
    "o200k_harmony": ToolConstants(
        func_init=7, prop_init=3, prop_key=3, enum_init=-3, enum_item=3, func_end=12
    ),
    "cl100k_base": ToolConstants(
        func_init=10, prop_init=3, prop_key=3, enum_init=-3, enum_item=3, func_end=12
    ),
}


def tool_constants(encoding: str) -> ToolConstants:
    """The cookbook's constants for models of ``encoding``."""
    return _CONSTANTS[encoding]


def _function_of(tool: Any, where: str) -> tuple[Mapping[str, Any], str]:
    """The function definition inside ``tool`` and its path (Chat: ``tools[i].function``)."""
    if not isinstance(tool, Mapping):
        raise InvalidRequestError(
            f"a tool definition must be a dict such as {{'type': 'function', 'function': {{...}}}}, "
            f"got {type_name(tool)}",
            field=where,
        )
    if "function" in tool:  # Chat Completions: {"type": "function", "function": {...}}
        fn, where = tool["function"], f"{where}.function"
    elif tool.get("type", "function") == "function":  # Responses API and legacy `functions=`
        fn = tool
    else:
        raise InvalidRequestError(
            f"is a {shown(tool.get('type'))} tool; only function tools have a published token rule "
            "(leave it out of tools= and count it yourself)",
            field=f"{where}.type",
        )
    if not isinstance(fn, Mapping):
        raise InvalidRequestError(f"a function definition must be a dict, got {type_name(fn)}", field=where)
    if not isinstance(fn.get("name"), str):
        raise InvalidRequestError("a function tool needs a 'name' string", field=f"{where}.name")
    return fn, where


def _description(schema: Mapping[str, Any], where: str) -> str:
    """``schema``'s description (a string or absent), without the trailing "." the rule drops."""
    desc = schema.get("description")
    if desc is None:
        return ""
    if not isinstance(desc, str):
        raise InvalidRequestError(f"must be a string, got {type_name(desc)}", field=f"{where}.description")
    return desc.removesuffix(".")


def _properties(fn: Mapping[str, Any], where: str) -> Mapping[Any, Any]:
    """The ``parameters.properties`` of a function definition: a dict, or empty when absent."""
    params = fn.get("parameters")
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise InvalidRequestError(
            f"must be a JSON Schema object (a dict with 'properties'), got {type_name(params)}",
            field=f"{where}.parameters",
        )
    properties = params.get("properties")
    if properties is None:
        return {}
    if not isinstance(properties, Mapping):
        raise InvalidRequestError(
            f"must be a dict of property name -> JSON Schema, got {type_name(properties)}",
            field=f"{where}.parameters.properties",
        )
    return properties


def _type_name(prop: Mapping[str, Any], where: str) -> str:
    """A property's JSON Schema ``type``: a name, or a list of names joined with "|"."""
    ptype = prop.get("type", "")
    if isinstance(ptype, str):
        return ptype
    if isinstance(ptype, list | tuple):
        for j, name in enumerate(ptype):
            if not isinstance(name, str):
                raise InvalidRequestError(
                    f"a JSON Schema type name is a string such as 'string', got {type_name(name)}",
                    field=f"{where}.type[{j}]",
                )
        return "|".join(ptype)
    raise InvalidRequestError(
        f"must be a JSON Schema type name such as 'string', or a list of them, got {type_name(ptype)}",
        field=f"{where}.type",
    )


def _enum_items(prop: Mapping[str, Any], where: str) -> list[str]:
    """A property's ``enum`` values as the text the rule counts; each must be a JSON scalar."""
    values = prop["enum"]
    if isinstance(values, str | bytes | bytearray | Mapping) or not isinstance(values, Sequence):
        raise InvalidRequestError(f"must be a list of values, got {type_name(values)}", field=f"{where}.enum")
    items = []
    for j, item in enumerate(values):
        if not (item is None or isinstance(item, str | int | float)):
            raise InvalidRequestError(
                f"an enum value must be a string, number, boolean or null, got {type_name(item)}",
                field=f"{where}.enum[{j}]",
            )
        try:
            items.append(str(item))
        except ValueError:  # an int past sys.get_int_max_str_digits() has no decimal text
            raise InvalidRequestError(
                "is a number too large to write out; no API accepts it", field=f"{where}.enum[{j}]"
            ) from None
    return items


def count_tools(tools: Sequence[Any], encoding: tiktoken.Encoding) -> int:
    """Tokens that the function definitions ``tools`` add to a prompt.

    A definition that is not the shape the rule counts raises :class:`InvalidRequestError` whose
    ``field`` is the path of the bad value (``tools[0].function.parameters.properties.unit.enum``).
    """
    if isinstance(tools, str | bytes | bytearray | Mapping) or not isinstance(tools, Sequence):
        raise InvalidRequestError(
            f"must be a list of tool definitions, got {type_name(tools)}", field="tools"
        )
    if not tools:
        return 0
    c = tool_constants(encoding.name)

    def n(text: str) -> int:
        return len(encoding.encode_ordinary(text))

    total = 0
    for i, tool in enumerate(tools):
        fn, where = _function_of(tool, f"tools[{i}]")
        total += c.func_init
        total += n(f"{fn['name']}:{_description(fn, where)}")
        properties = _properties(fn, where)
        if properties:
            total += c.prop_init
            for key, prop in properties.items():
                at = f"{where}.parameters.properties.{key}"
                if not isinstance(key, str):
                    raise InvalidRequestError(
                        f"a property name must be a string, got {type_name(key)} {shown(key)}",
                        field=f"{where}.parameters.properties",
                    )
                if isinstance(prop, bool):  # JSON Schema's true/false schemas: no type, enum or text
                    prop = {}
                elif not isinstance(prop, Mapping):
                    raise InvalidRequestError(
                        "a property's schema must be a dict such as {'type': 'string'}, "
                        f"got {type_name(prop)}",
                        field=at,
                    )
                total += c.prop_key
                ptype = _type_name(prop, at)
                if "enum" in prop:
                    total += c.enum_init
                    for item in _enum_items(prop, at):
                        total += c.enum_item + n(item)
                total += n(f"{key}:{ptype}:{_description(prop, at)}")
    return total + c.func_end
