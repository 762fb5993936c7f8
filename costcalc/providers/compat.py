"""OpenAI-compatible hosts: Mistral, Groq, Together AI and Fireworks AI; and the pieces every
vendor that answers in OpenAI's Chat Completions format shares (its own module reads its own
fields with them).

Usage convention: OpenAI's. ``prompt_tokens`` is the whole prompt (cached tokens included),
``completion_tokens`` everything billed as output (reasoning included). Each vendor's own usage
fields are declared below as data, read or known to be free; any other number in the usage block
is refused by name.

How a payload tells its vendor: only by a field no one else sends (Groq's ``x_groq`` block and
usage timings, Mistral's ``prompt_audio_seconds``). Together AI and Fireworks AI responses carry
nothing of their own: a plain OpenAI-shaped payload stays ``openai.chat`` and is priced by its
model name, and ``provider="together_ai"`` (or a ``together_ai/`` model name) reads it as
Together's, with Together's extra fields.

- Mistral: ``usage.prompt_audio_seconds`` (audio input, Voxtral) bills per minute of audio
  (unit ``audio_minute``) on top of the prompt's text tokens; the seconds become minutes exactly
  when they divide (90 s = 1.5 min), otherwise rounded up at the 18th decimal place of a minute
  (never low, high by less than 10^-18 of a minute's price). Whether ``prompt_tokens`` also counts
  the audio is not published: the audio is billed per minute as the price list says.
- Groq: ``queue_time``, ``prompt_time``, ``completion_time``, ``total_time`` (seconds) are free; a
  streamed response's final chunk may carry the usage in ``x_groq.usage`` instead of ``usage``;
  ``service_tier: "on_demand"`` is the standard tier.
- Together AI: a cached-token count at ``usage.cached_tokens`` (or OpenAI's
  ``prompt_tokens_details.cached_tokens``; both must agree when both are given).
- Fireworks AI: OpenAI's fields only; ``service_tier: "priority"`` is the Priority tier.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, Context, Decimal
from typing import Any, Final

from costcalc.errors import UsageParseError
from costcalc.providers.base import (
    Reading,
    UsageSpec,
    get,
    is_map,
    kind,
    timestamp,
)
from costcalc.providers.openai import CHAT_USAGE, EMBEDDINGS_USAGE, split_media, usage_block

__all__ = [
    "HOSTED",
    "OWNERS",
    "SHAPES",
    "VENDORS",
    "Counted",
    "Vendor",
    "detect",
    "model_of",
    "read",
    "read_chat",
    "tier_of",
    "with_units",
]

SHAPES: Final = ("mistral.chat", "groq.chat", "together_ai.chat", "fireworks_ai.chat")


@dataclass(frozen=True)
class Counted:
    """A usage block read by a spec: the response, the block and its path, and the counts."""

    body: Mapping[str, Any]
    block: Mapping[str, Any]
    path: str
    n: dict[str, int]


def model_of(body: Mapping[str, Any]) -> str | None:
    """The response's ``model``, if it names one."""
    value = body.get("model")
    return value if isinstance(value, str) and value else None


def tier_of(
    body: Mapping[str, Any],
    words: Mapping[str, str | None],
    provider: str,
    key: str = "service_tier",
    path: str = "",
) -> str | None:
    """The costcalc tier of ``body[key]`` by ``words`` (a vendor's tier words -> tier; ``None``:
    a word that is not a per-token price). Absent: None. An unknown word raises, never standard.
    ``path`` is where ``body`` is in the payload."""
    where = f"{path}.{key}" if path else key
    raw = get(body.get(key))
    if raw is None:
        return None
    if not isinstance(raw, str) or raw not in words:
        known = ", ".join(w for w, t in words.items() if t is not None) or "none"
        raise UsageParseError(
            f"{provider} service tier {raw!r} is not one costcalc prices (known: {known}); pass tier= "
            "if you know its rates",
            path=where,
        )
    tier = words[raw]
    if tier is None:
        raise UsageParseError(
            f"{provider} service tier {raw!r} is a request setting or a capacity plan, not a "
            "per-token price; pass tier= to price it",
            path=where,
        )
    return tier


def read_chat(
    data: Any,
    *,
    shape: str,
    spec: UsageSpec,
    provider: str,
    creator: str | None = None,
    tiers: Mapping[str, str | None] | None = None,
    located: tuple[Mapping[str, Any], str] | None = None,
    adjust: Callable[[dict[str, int], Mapping[str, Any], str], None] | None = None,
) -> tuple[Reading, Counted]:
    """An OpenAI-compatible response (Chat Completions or Responses usage names, as ``spec``
    reads them) as a Reading of ``provider``, and the counts, for a vendor to add its own lines.
    ``located`` is the usage block and its path when it is not at ``usage``; ``adjust`` rewrites
    the counts (a vendor's own names for OpenAI's quantities) before the Usage is built."""
    block, path = located if located is not None else usage_block(data)
    n = spec.counts(block, path)
    if adjust is not None:
        adjust(n, block, path)
    usage, alternatives = split_media(path or "usage", n)
    body: Mapping[str, Any] = data if is_map(data) and block is not data else {}
    reading = Reading(
        usage=usage,
        shape=shape,
        creator=creator,
        model=model_of(body),
        tier=tier_of(body, tiers or {}, provider),
        at=timestamp(get(body.get("created", body.get("created_at"))), "created"),
        unpriced=tuple(spec.unknown(block, path)),
        alternatives=alternatives,
        provider=provider,
    )
    return reading, Counted(body, block, path, n)


def with_units(reading: Reading, units: Mapping[str, int | Decimal]) -> Reading:
    """``reading`` with more billable units (in its usage and in every alternative)."""
    units = {name: quantity for name, quantity in units.items() if quantity}
    if not units:
        return reading

    def add(usage: Any) -> Any:
        merged = dict(usage.units)
        for name, quantity in units.items():
            merged[name] = merged.get(name, 0) + quantity
        return usage.model_copy(update={"units": merged})

    return replace(
        reading, usage=add(reading.usage), alternatives=tuple(add(a) for a in reading.alternatives)
    )


# -- the plain OpenAI-compatible vendors, as data ----------------------------------------------------


@dataclass(frozen=True)
class Vendor:
    """One OpenAI-compatible vendor: its usage fields beyond OpenAI's, how its payloads show it,
    and its service-tier words."""

    provider: str
    shape: str
    usage: UsageSpec
    #: Top-level keys only this vendor's responses carry.
    marks: frozenset[str] = frozenset()
    #: Usage keys only this vendor's usage blocks carry.
    usage_marks: frozenset[str] = frozenset()
    tiers: Mapping[str, str | None] = field(default_factory=dict)
    #: Turns the counts of the vendor's own read fields into units (Mistral's audio seconds).
    units: Callable[[Mapping[str, int], str], dict[str, int | Decimal]] | None = None


_EXACT: Final = Context(prec=60, rounding=ROUND_CEILING)
_MINUTE_PLACES: Final = Decimal("1e-18")


def _audio_minutes(n: Mapping[str, int], path: str) -> dict[str, int | Decimal]:
    seconds = n.get("audio_seconds", 0)
    if not seconds:
        return {}
    minutes = _EXACT.divide(Decimal(seconds), Decimal(60))
    if minutes != minutes.quantize(_MINUTE_PLACES, context=_EXACT):
        minutes = minutes.quantize(_MINUTE_PLACES, context=_EXACT)  # rounded up: never low
    return {"audio_minute": _EXACT.normalize(minutes)}


_TOGETHER_CACHED: Final = "cached_top"

VENDORS: Final[dict[str, Vendor]] = {
    vendor.shape: vendor
    for vendor in (
        Vendor(
            provider="mistral",
            shape="mistral.chat",
            # Mistral's UsageInfo: prompt_tokens, completion_tokens, total_tokens and, for audio
            # input, prompt_audio_seconds (docs.mistral.ai/api, chat completions).
            usage=CHAT_USAGE.extended(read={"prompt_audio_seconds": "audio_seconds"}),
            usage_marks=frozenset({"prompt_audio_seconds"}),
            units=_audio_minutes,
        ),
        Vendor(
            provider="groq",
            shape="groq.chat",
            # groq-typescript CompletionUsage (generated from Groq's OpenAPI): the four timings
            # are seconds, not billable (console.groq.com/docs/api-reference).
            usage=CHAT_USAGE.extended(free=("queue_time", "prompt_time", "completion_time", "total_time")),
            marks=frozenset({"x_groq"}),
            usage_marks=frozenset({"queue_time", "prompt_time", "completion_time", "total_time"}),
            tiers={"on_demand": "standard", "flex": "flex", "auto": None, "performance": None},
        ),
        Vendor(
            provider="together_ai",
            shape="together_ai.chat",
            # The cached-token field was not found in Together's stored docs: both the OpenAI place
            # and a top-level usage.cached_tokens are read, and must agree.
            usage=CHAT_USAGE.extended(read={"cached_tokens": _TOGETHER_CACHED}),
        ),
        Vendor(
            provider="fireworks_ai",
            shape="fireworks_ai.chat",
            usage=CHAT_USAGE,
            # Serverless modes: service_tier "priority" selects Priority (docs.fireworks.ai).
            tiers={"standard": "standard", "default": "standard", "priority": "priority"},
        ),
    )
}
#: Keys only these vendors' payloads have (detection asks this module only when one is there).
MARKS: Final = frozenset(key for vendor in VENDORS.values() for key in vendor.marks | vendor.usage_marks)
#: The provider whose rates each shape is priced at.
OWNERS: Final = {vendor.shape: vendor.provider for vendor in VENDORS.values()}
#: (provider, the shape a plain payload is detected as) -> the shape it is read as when the caller
#: says who served it (``provider=``, or a model name that resolves to that provider).
HOSTED: Final = {
    (vendor.provider, base): vendor.shape
    for vendor in VENDORS.values()
    for base in ("openai.chat", "openai.embeddings")
}


def detect(data: Mapping[str, Any]) -> str | None:
    """The vendor shape of ``data`` when a field only that vendor sends is there, else None."""
    usage = get(data.get("usage"))
    keys = usage if is_map(usage) else ()
    for vendor in VENDORS.values():
        if not vendor.marks.isdisjoint(data) or not vendor.usage_marks.isdisjoint(keys):
            return vendor.shape
    return None


def read(data: Any, shape: str) -> Reading:
    """The Reading of an OpenAI-compatible vendor's payload of ``shape``."""
    vendor = VENDORS.get(shape)
    if vendor is None:
        raise UsageParseError(f"unknown shape {shape!r}; shapes are {', '.join(SHAPES)}")
    located = _groq_stream_usage(data) if vendor.provider == "groq" else None
    spec = vendor.usage
    if located is None and _is_embeddings(data):
        spec = EMBEDDINGS_USAGE
    reading, counted = read_chat(
        data,
        shape=shape,
        spec=spec,
        provider=vendor.provider,
        tiers=vendor.tiers,
        located=located,
        adjust=_together_cached if vendor.provider == "together_ai" else None,
    )
    n = counted.n
    if vendor.units is not None:
        reading = with_units(reading, vendor.units(n, counted.path or "usage"))
    return reading


def _is_embeddings(data: Any) -> bool:
    if not is_map(data):
        return False
    usage = get(data.get("usage"))
    return data.get("object") == "list" or (
        is_map(usage) and "completion_tokens" not in usage and "data" in data
    )


def _groq_stream_usage(data: Any) -> tuple[Mapping[str, Any], str] | None:
    # A streamed response's final chunk: usage null (or absent) and the counts in x_groq.usage.
    if not is_map(data) or get(data.get("usage")) is not None:
        return None
    x_groq = get(data.get("x_groq"))
    block = get(x_groq.get("usage")) if is_map(x_groq) else None
    if block is None:
        return None
    if not is_map(block):
        raise UsageParseError(f"must be an object, got {kind(block)}", path="x_groq.usage")
    return block, "x_groq.usage"


def _together_cached(n: dict[str, int], block: Mapping[str, Any], path: str) -> None:
    top = n.pop(_TOGETHER_CACHED, 0)
    nested = n.get("cached", 0)
    if top and nested and top != nested:
        raise UsageParseError(
            f"usage.cached_tokens ({top}) and prompt_tokens_details.cached_tokens ({nested}) disagree",
            path=f"{path}.cached_tokens".lstrip("."),
        )
    n["cached"] = nested or top
