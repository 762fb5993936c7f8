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


def _function_of(tool: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(tool, Mapping):
        raise TypeError(f"{where} must be a dict, got {type(tool).__name__}")
    if "function" in tool:  # Chat Completions: {"type": "function", "function": {...}}
        fn = tool["function"]
    elif tool.get("type", "function") == "function":  # Responses API and legacy `functions=`
        fn = tool
    else:
        raise ValueError(
            f"{where} is a {tool.get('type')!r} tool; only function tools have a published token rule"
        )
    if not isinstance(fn, Mapping) or not isinstance(fn.get("name"), str):
        raise ValueError(f"{where}: a function tool needs a 'name' string")
    return fn


def count_tools(tools: Sequence[Any], encoding: tiktoken.Encoding) -> int:
    """Tokens that the function definitions ``tools`` add to a prompt."""
    if not tools:
        return 0
    c = tool_constants(encoding.name)

    def n(text: str) -> int:
        return len(encoding.encode_ordinary(text))

    total = 0
    for i, tool in enumerate(tools):
        fn = _function_of(tool, f"tools[{i}]")
        total += c.func_init
        desc = str(fn.get("description") or "").removesuffix(".")
        total += n(f"{fn['name']}:{desc}")
        params = fn.get("parameters") or {}
        properties = params.get("properties") or {} if isinstance(params, Mapping) else {}
        if properties:
            total += c.prop_init
            for key, prop in properties.items():
                total += c.prop_key
                prop = prop if isinstance(prop, Mapping) else {}
                ptype = prop.get("type", "")
                ptype = "|".join(ptype) if isinstance(ptype, list) else str(ptype)
                if "enum" in prop:
                    total += c.enum_init
                    for item in prop["enum"]:
                        total += c.enum_item + n(str(item))
                pdesc = str(prop.get("description") or "").removesuffix(".")
                total += n(f"{key}:{ptype}:{pdesc}")
    return total + c.func_end
