"""Perplexity: Sonar Chat Completions payloads, with Perplexity's search fields and request fees.

Usage convention: OpenAI's Chat Completions (``prompt_tokens``, ``completion_tokens``), plus
(Perplexity's OpenAPI ``UsageInfo``, docs.perplexity.ai/api-reference/chat-completions-post):

- ``search_context_size`` (``low``/``medium``/``high``): the per-request fee of Sonar, Sonar Pro
  and Sonar Reasoning (Pro), one ``request_low``/``request_medium``/``request_high`` unit; a
  response that does not report it cannot be priced whole (the fee is listed as unpriced);
- ``citation_tokens`` (``citation_token`` units), ``num_search_queries`` (``search_query``) and
  ``reasoning_tokens`` (``reasoning_token``; reported apart from ``completion_tokens``), which
  Sonar Deep Research bills;
- ``cost``: Perplexity's own bill in USD (``total_cost`` and its parts), kept as the reported cost.

A payload is Perplexity's when its usage carries any of these fields. The Agent API (a
Responses-shaped payload with ``tool_calls_details``) is not read here: its tool counters are not
documented in the stored pages, so they are refused by name where they appear.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any, Final

from costcalc.errors import UsageParseError
from costcalc.pricing import Unpriced
from costcalc.providers.base import Reading, get, is_map, kind, money
from costcalc.providers.compat import read_chat, with_units
from costcalc.providers.openai import CHAT_USAGE

__all__ = ["HOSTED", "OWNERS", "SHAPES", "detect", "read"]

PROVIDER: Final = "perplexity"
SHAPES: Final = ("perplexity.chat",)
OWNERS: Final = {"perplexity.chat": PROVIDER}
HOSTED: Final = {(PROVIDER, "openai.chat"): "perplexity.chat"}

#: usage field -> the catalog unit it counts.
UNITS: Final = {
    "citation_tokens": "citation_token",
    "num_search_queries": "search_query",
    "reasoning_tokens": "reasoning_token",
}
#: ``search_context_size`` -> the request-fee unit.
CONTEXT_SIZES: Final = {"low": "request_low", "medium": "request_medium", "high": "request_high"}
USAGE: Final = CHAT_USAGE.extended(
    read={key: f"unit:{unit}" for key, unit in UNITS.items()},
    # Perplexity's bill in USD, line by line: what was charged, not a quantity to charge.
    open=("cost",),
)
_OWN_KEYS: Final = frozenset({*UNITS, "search_context_size"})
#: Keys only Perplexity's payloads have (detection asks this module only when one is there).
MARKS: Final = _OWN_KEYS | {"cost"}


def detect(data: Mapping[str, Any]) -> str | None:
    """``perplexity.chat`` when the usage carries Perplexity's own fields."""
    usage = get(data.get("usage"))
    if not is_map(usage) or "prompt_tokens" not in usage:
        return None
    if _OWN_KEYS & set(usage) or is_map(get(usage.get("cost"))):
        return "perplexity.chat"
    return None


def read(data: Any, shape: str) -> Reading:
    """The Reading of a Sonar chat completion."""
    if shape not in SHAPES:
        raise UsageParseError(f"unknown Perplexity shape {shape!r}; shapes are {', '.join(SHAPES)}")
    reading, counted = read_chat(data, shape=shape, spec=USAGE, provider=PROVIDER)
    block, path = counted.block, counted.path
    units: dict[str, int] = {
        name.removeprefix("unit:"): quantity
        for name, quantity in counted.n.items()
        if name.startswith("unit:")
    }
    unpriced = list(reading.unpriced)
    where = f"{path}.search_context_size".lstrip(".")
    size = get(block.get("search_context_size"))
    if size is None:
        unpriced.append(
            Unpriced(
                where,
                1,
                "Sonar bills a request fee by search context size (low, medium, high), which this "
                "response does not report",
            )
        )
    elif isinstance(size, str) and size.lower() in CONTEXT_SIZES:
        units[CONTEXT_SIZES[size.lower()]] = 1
    else:
        raise UsageParseError(f"must be one of low, medium, high, got {kind(size)}", path=where)
    reading = with_units(reading, units)
    return replace(reading, unpriced=tuple(unpriced), reported_cost=_reported(block, path))


def _reported(block: Mapping[str, Any], path: str) -> Decimal | None:
    cost = get(block.get("cost"))
    where = f"{path}.cost".lstrip(".")
    if cost is None:
        return None
    if not is_map(cost):
        raise UsageParseError(f"must be an object, got {kind(cost)}", path=where)
    total = get(cost.get("total_cost"))
    return None if total is None else money(total, f"{where}.total_cost")
