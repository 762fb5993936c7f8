"""Plain Anthropic Messages read straight from a log line's bytes.

The schema below declares every key a plain Message carries (see
:mod:`costcalc.providers.line_schema`); what :func:`read_message` returns is what
:func:`costcalc.providers.anthropic.fast_read` gives for the parsed line, with its id. A
``container`` (code execution), a block of another kind than text, thinking or tool use, a web
search, fast mode or US-only inference send the line to the full reader.
"""

from __future__ import annotations

from typing import Final, Literal

import msgspec
from msgspec import UNSET, UnsetType

from costcalc.providers.anthropic import GLOBAL_GEO, TIERS
from costcalc.providers.line_schema import FAILED, SKIP, LineReading, Part, Struct, Tokens, Zero, decoder

__all__ = ["READERS", "read_message"]


class CacheCreation(Struct):
    # Unset and null are told apart: an empty object says nothing, a null count says 0.
    ephemeral_5m_input_tokens: Tokens | UnsetType | None = UNSET
    ephemeral_1h_input_tokens: Tokens | UnsetType | None = UNSET


class ServerTools(Struct):
    web_search_requests: Zero | None = None
    web_fetch_requests: Tokens | None = None


class OutputDetails(Struct):
    thinking_tokens: Tokens | None = None


class Usage(Struct):
    input_tokens: Tokens
    output_tokens: Tokens
    cache_creation_input_tokens: Tokens | None = None
    cache_read_input_tokens: Tokens | None = None
    cache_creation: CacheCreation | None = None
    server_tool_use: ServerTools | None = None
    output_tokens_details: OutputDetails | None = None
    service_tier: str | None = None
    speed: Literal["standard"] | None = None
    inference_geo: str | None = None


class Block(Part):
    """A content block: only its type is read."""

    type: Literal["text", "thinking", "redacted_thinking", "tool_use"]


class Message(Struct):
    type: Literal["message"]
    usage: Usage
    id: str | None = None
    model: str | None = None
    content: list[Block] | str | None = None
    role: msgspec.Raw = SKIP
    stop_reason: msgspec.Raw = SKIP
    stop_sequence: msgspec.Raw = SKIP
    stop_details: msgspec.Raw = SKIP


_message: Final = decoder(Message)


def read_message(raw: bytes) -> LineReading | None:
    """A plain Message on one line (see the module docstring); None for anything else."""
    try:
        r = _message(raw)
    except FAILED:
        return None
    usage = r.usage
    created = usage.cache_creation_input_tokens or 0
    split = usage.cache_creation
    if split is not None:
        e5 = split.ephemeral_5m_input_tokens
        e1 = split.ephemeral_1h_input_tokens
        if (e5 is not UNSET or e1 is not UNSET) and (e1 or (e5 or 0) != created):
            return None
    tier = None
    if usage.service_tier is not None:
        tier = TIERS.get(usage.service_tier)
        if tier is None:
            return None
    geo = usage.inference_geo
    if geo is not None and geo.lower() not in GLOBAL_GEO:
        return None
    read_ = usage.cache_read_input_tokens or 0
    out = usage.output_tokens
    details = usage.output_tokens_details
    thinking = (details.thinking_tokens or 0) if details is not None else 0
    return r.id, (
        "anthropic",
        r.model or None,
        tier,
        None,
        usage.input_tokens + created + read_,
        read_,
        created,
        out,
        min(thinking, out),
    )


#: (bytes near the start of a line of the shape, bytes anywhere in it, its reader), for
#: :func:`costcalc.providers.line_reader`.
READERS: Final = ((b'"message"', b'"message"', read_message),)
