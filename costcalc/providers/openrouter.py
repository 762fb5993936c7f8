"""OpenRouter: OpenAI-compatible Chat Completions and Responses payloads, with OpenRouter's
reported cost.

Usage convention: OpenAI's (``prompt_tokens`` is the whole prompt; ``prompt_tokens_details``
``cached_tokens`` and ``cache_write_tokens`` are parts of it; ``completion_tokens`` includes
``completion_tokens_details.reasoning_tokens``). OpenRouter's own fields
(openrouter.ai/docs/use-cases/usage-accounting):

- ``cost``: the credits (1 credit = 1 USD) charged for the request, kept as the reported cost
  and shown next to costcalc's price; with ``is_byok: true`` it is OpenRouter's fee only, and the
  reported cost adds ``cost_details.upstream_inference_cost`` (the upstream bill on the user's key);
- ``cost_details``: the upstream bill, line by line (money, not quantities: free);
- ``is_byok``: a flag (free);
- ``server_tool_use``: web search requests, which OpenRouter bills per search at a price the
  catalog does not hold: refused by name.

OpenRouter's model ids are other makers' names (``anthropic/claude-sonnet-4.5``): its catalog is
qualified-only, and a payload read here is priced as OpenRouter sells the model. A payload is
OpenRouter's when its id starts ``gen-``, it names the upstream ``provider``, or its usage carries
``cost``/``is_byok``/``cost_details``; when none of these is there it cannot be told from another
OpenAI-compatible payload: pass ``provider="openrouter"`` (or an ``openrouter/`` model name).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any, Final

from costcalc._money import EXACT, tidy
from costcalc.errors import UsageParseError
from costcalc.providers.base import Reading, get, is_map, kind, money
from costcalc.providers.compat import read_chat, tier_of
from costcalc.providers.openai import CHAT_USAGE, RESPONSES_USAGE

__all__ = ["HOSTED", "OWNERS", "SHAPES", "detect", "read"]

PROVIDER: Final = "openrouter"
SHAPES: Final = ("openrouter.chat", "openrouter.responses")
OWNERS: Final = dict.fromkeys(SHAPES, PROVIDER)
HOSTED: Final = {
    (PROVIDER, "openai.chat"): "openrouter.chat",
    (PROVIDER, "openai.responses"): "openrouter.responses",
}
_EXTRAS: Final[dict[str, Any]] = {
    "free": ("cost",),
    "open": ("cost_details",),
    "refused": {
        "server_tool_use": "OpenRouter bills its web search per request at a price the catalog does not hold",
    },
}
CHAT: Final = CHAT_USAGE.extended(**_EXTRAS)
RESPONSES: Final = RESPONSES_USAGE.extended(**_EXTRAS)
#: Keys and id prefixes only OpenRouter's payloads have (detection asks this module only then).
MARKS: Final = frozenset({"provider", "cost", "is_byok", "cost_details"})
ID_PREFIXES: Final = ("gen-",)
_TIERS: Final = {"default": "standard", "standard": "standard", "flex": "flex", "priority": "priority"}


def detect(data: Mapping[str, Any]) -> str | None:
    """``openrouter.chat``/``openrouter.responses`` when the payload shows OpenRouter."""
    usage = get(data.get("usage"))
    if not is_map(usage):
        return None
    ident = data.get("id")
    cost = get(usage.get("cost"))
    own = (
        (isinstance(ident, str) and ident.startswith("gen-"))
        or isinstance(data.get("provider"), str)
        or "is_byok" in usage
        or "cost_details" in usage
        or (isinstance(cost, int | float | Decimal) and not isinstance(cost, bool))
    )
    if not own:
        return None
    return "openrouter.chat" if "prompt_tokens" in usage else "openrouter.responses"


def read(data: Any, shape: str) -> Reading:
    """The Reading of an OpenRouter response of ``shape``."""
    if shape not in SHAPES:
        raise UsageParseError(f"unknown OpenRouter shape {shape!r}; shapes are {', '.join(SHAPES)}")
    spec = CHAT if shape == "openrouter.chat" else RESPONSES
    reading, counted = read_chat(data, shape=shape, spec=spec, provider=PROVIDER, tiers=_TIERS)
    block, path = counted.block, counted.path
    upstream_tier = tier_of(block, _TIERS, PROVIDER, path=path) if "service_tier" in block else None
    if upstream_tier is not None and reading.tier not in (None, upstream_tier):
        raise UsageParseError(
            f"service_tier says {reading.tier!r} but usage.service_tier says {upstream_tier!r}",
            path=f"{path}.service_tier".lstrip("."),
        )
    return replace(reading, tier=reading.tier or upstream_tier, reported_cost=_reported(block, path))


def _reported(block: Mapping[str, Any], path: str) -> Decimal | None:
    where = f"{path}.".lstrip(".")
    raw = get(block.get("cost"))
    if raw is None:
        return None
    cost = money(raw, f"{where}cost")
    byok = get(block.get("is_byok"))
    if byok is not None and not isinstance(byok, bool):
        raise UsageParseError(f"must be true or false, got {kind(byok)}", path=f"{where}is_byok")
    details = get(block.get("cost_details"))
    if byok and is_map(details):
        upstream = get(details.get("upstream_inference_cost"))
        if upstream is not None:
            return tidy(EXACT.add(cost, money(upstream, f"{where}cost_details.upstream_inference_cost")))
    return cost
