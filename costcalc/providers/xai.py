"""xAI (Grok): Chat Completions and Responses payloads with xAI's usage fields.

Usage convention: OpenAI's names (``prompt_tokens``/``input_tokens`` is the whole prompt, cached
included). Whether ``completion_tokens``/``output_tokens`` includes the reasoning tokens is not
stated in the stored docs; ``total_tokens`` tells: when it is prompt + completion + reasoning the
reasoning is billed at the output rate on top, when it is prompt + completion it is inside. When
it tells neither, the reasoning tokens are listed as unpriced (never left out).

xAI's own fields (docs.x.ai/developers/cost-tracking, .../tools/tool-usage-details):

- ``cost_in_usd_ticks``: the exact billed cost, 1 USD = 10^10 ticks, kept as the reported cost;
- ``server_side_tool_usage_details``: successful server-side tool calls, which bill per call
  (``web_search_calls`` -> ``web_search_call``, ``x_search_calls`` -> ``x_search_call``,
  ``code_interpreter_calls`` -> ``code_execution_call``, ``file_search_calls`` ->
  ``collections_search_call``); MCP, document-search and image-generation calls have no price
  in the catalog and are refused by name; ``num_server_side_tools_used`` is their total (free);
- ``num_sources_used``: Live Search sources, billed $25 per 1,000 until Live Search was retired
  (its API now answers 410 Gone): a non-zero count is refused by name, never dropped;
- ``context_details``: a split of the tokens already counted (free).

A payload is xAI's when its usage carries any of these fields. Real responses reconcile exactly:
grok-4.3, 7,583 input (3,072 cached), 3,192 output and 3 X searches bill $0.02923315, which is the
response's ``cost_in_usd_ticks`` of 292,331,500.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from costcalc.errors import UsageParseError
from costcalc.pricing import Unpriced
from costcalc.providers.base import Reading, UsageSpec, count, get, is_map, kind, money
from costcalc.providers.compat import read_chat, with_units
from costcalc.providers.openai import CHAT_USAGE, RESPONSES_USAGE

__all__ = ["HOSTED", "OWNERS", "SHAPES", "TOOLS", "detect", "read"]

PROVIDER: Final = "xai"
SHAPES: Final = ("xai.chat", "xai.responses")
OWNERS: Final = dict.fromkeys(SHAPES, PROVIDER)
HOSTED: Final = {(PROVIDER, "openai.chat"): "xai.chat", (PROVIDER, "openai.responses"): "xai.responses"}

#: ``server_side_tool_usage_details`` counters -> the catalog's per-call units.
TOOLS: Final = {
    "web_search_calls": "web_search_call",
    "x_search_calls": "x_search_call",
    "code_interpreter_calls": "code_execution_call",
    "file_search_calls": "collections_search_call",
}
#: The xAI SDK's ``response.server_side_tool_usage`` names (successful, billable calls).
SDK_TOOLS: Final = {
    "SERVER_SIDE_TOOL_WEB_SEARCH": "web_search_call",
    "SERVER_SIDE_TOOL_X_SEARCH": "x_search_call",
}
_DETAILS: Final = "server_side_tool_usage_details"
_EXTRAS: Final[dict[str, Any]] = {
    "read": {f"{_DETAILS}.{key}": f"tool:{unit}" for key, unit in TOOLS.items()},
    "free": (
        "cost_in_usd_ticks",
        "num_server_side_tools_used",
        "context_details.input_tokens",
        "context_details.output_tokens",
    ),
    "refused": {
        "num_sources_used": "Live Search sources were billed $25 per 1,000 until Live Search was "
        "retired (410 Gone); the catalog has no rate for them",
        f"{_DETAILS}.mcp_calls": "remote MCP tool calls: xAI's price for them is not in the catalog",
        f"{_DETAILS}.document_search_calls": "document search calls: which of xAI's tool prices "
        "applies to them is not published",
        f"{_DETAILS}.image_generation_calls": "images made by a server-side tool bill at the image "
        "model's price, which the response does not give",
    },
}
CHAT: Final[UsageSpec] = CHAT_USAGE.extended(**_EXTRAS)
RESPONSES: Final[UsageSpec] = RESPONSES_USAGE.extended(**_EXTRAS)
_OWN_KEYS: Final = frozenset(
    {"cost_in_usd_ticks", "num_sources_used", "num_server_side_tools_used", _DETAILS}
)
#: Keys only xAI's payloads have (detection asks this module only when one is there).
MARKS: Final = _OWN_KEYS | {"server_side_tool_usage"}
_TIERS: Final = {"default": "standard", "standard": "standard"}


def detect(data: Mapping[str, Any]) -> str | None:
    """``xai.chat`` or ``xai.responses`` when the usage carries xAI's own fields."""
    usage = get(data.get("usage"))
    if not is_map(usage):
        return None
    if _OWN_KEYS & set(usage) or "server_side_tool_usage" in data:
        return "xai.chat" if "prompt_tokens" in usage else "xai.responses"
    return None


def read(data: Any, shape: str) -> Reading:
    """The Reading of an xAI response of ``shape``."""
    if shape not in SHAPES:
        raise UsageParseError(f"unknown xAI shape {shape!r}; shapes are {', '.join(SHAPES)}")
    unclear: list[Unpriced] = []

    def reasoning(n: dict[str, int], block: Mapping[str, Any], path: str) -> None:
        unclear.extend(_reasoning(n, block, path, shape))

    spec = CHAT if shape == "xai.chat" else RESPONSES
    reading, counted = read_chat(
        data, shape=shape, spec=spec, provider=PROVIDER, creator=PROVIDER, tiers=_TIERS, adjust=reasoning
    )
    units: dict[str, int] = {}
    for name, quantity in counted.n.items():
        if name.startswith("tool:") and quantity:
            units[name.removeprefix("tool:")] = quantity
    unpriced = [*reading.unpriced, *unclear]
    if _DETAILS not in counted.block:
        sdk_units, sdk_unpriced = _sdk_tools(counted.body)
        units.update(sdk_units)
        unpriced += sdk_unpriced
    reading = with_units(reading, units)
    ticks = counted.block.get("cost_in_usd_ticks")
    where = f"{counted.path}.cost_in_usd_ticks".lstrip(".")
    reported = None if ticks is None else money(ticks, where, scale=-10)
    return replace(reading, unpriced=tuple(unpriced), reported_cost=reported)


def _reasoning(n: dict[str, int], block: Mapping[str, Any], path: str, shape: str) -> list[Unpriced]:
    thinking = n.get("reasoning", 0)
    if not thinking:
        return []
    total = block.get("total_tokens")
    prompt, output = n["input"], n["output"]
    if type(total) is int and total == prompt + output:
        return []  # inside the completion
    if (type(total) is int and total == prompt + output + thinking) or thinking > output:
        n["output"] = output + thinking  # reported apart from the completion: billed on top
        return []
    names = (
        ("prompt_tokens", "completion_tokens") if shape == "xai.chat" else ("input_tokens", "output_tokens")
    )
    details = "completion_tokens_details" if shape == "xai.chat" else "output_tokens_details"
    return [
        Unpriced(
            f"{path}.{details}.reasoning_tokens".lstrip("."),
            thinking,
            f"total_tokens ({kind(total)}) does not say whether {names[1]} includes these reasoning "
            f"tokens ({names[0]} + {names[1]} = {prompt + output}); if it does not, they bill at the "
            "output rate on top",
        )
    ]


def _sdk_tools(body: Mapping[str, Any]) -> tuple[dict[str, int], list[Unpriced]]:
    raw = get(body.get("server_side_tool_usage"))
    if raw is None:
        return {}, []
    if not is_map(raw):
        raise UsageParseError(f"must be an object, got {kind(raw)}", path="server_side_tool_usage")
    units: dict[str, int] = {}
    unpriced: list[Unpriced] = []
    for name, value in raw.items():
        quantity = count(raw, str(name), "server_side_tool_usage")
        unit = SDK_TOOLS.get(str(name))
        if unit is not None:
            units[unit] = units.get(unit, 0) + quantity
        elif quantity:
            unpriced.append(
                Unpriced(
                    f"server_side_tool_usage.{name}",
                    value,
                    f"server-side tool {name!r}: its price is not in the catalog",
                )
            )
    return units, unpriced
