"""Plain Gemini generateContent responses read straight from a log line's bytes.

The schema below declares every key a plain response carries (see
:mod:`costcalc.providers.line_schema`); what :func:`read_response` returns is what
:func:`costcalc.providers.gemini.fast_read` gives for the parsed line, with its id. A line with
an underscore anywhere (a snake_case key, written ``_`` or ``\\u005f``, which the full reader
renames), grounding, a modality other than text, or a traffic type not billed per token goes to
the full reader.
"""

from __future__ import annotations

import datetime as dt
from typing import Final, Literal

import msgspec

from costcalc.errors import UsageParseError
from costcalc.providers.base import timestamp
from costcalc.providers.gemini import TRAFFIC_TIERS
from costcalc.providers.line_schema import FAILED, SKIP, LineReading, Part, Struct, Tokens, decoder

__all__ = ["READERS", "read_response"]

_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class Split(Struct):
    modality: Literal["TEXT", "DOCUMENT"]
    tokenCount: Tokens | None = None  # noqa: N815 - the API's own key


class UsageMetadata(Struct):
    promptTokenCount: Tokens  # noqa: N815
    candidatesTokenCount: Tokens | None = None  # noqa: N815
    totalTokenCount: Tokens | None = None  # noqa: N815
    thoughtsTokenCount: Tokens | None = None  # noqa: N815
    cachedContentTokenCount: Tokens | None = None  # noqa: N815
    toolUsePromptTokenCount: Tokens | None = None  # noqa: N815
    promptTokensDetails: list[Split] | None = None  # noqa: N815
    cacheTokensDetails: list[Split] | None = None  # noqa: N815
    candidatesTokensDetails: list[Split] | None = None  # noqa: N815
    toolUsePromptTokensDetails: list[Split] | None = None  # noqa: N815
    trafficType: str | None = None  # noqa: N815


class Candidate(Part):
    """A candidate: only the absence of grounding is read (the rest is skipped)."""

    groundingMetadata: None = None  # noqa: N815


class Response(Struct):
    usageMetadata: UsageMetadata  # noqa: N815
    candidates: list[Candidate] | None = None
    modelVersion: str | None = None  # noqa: N815
    responseId: str | None = None  # noqa: N815
    createTime: str | None = None  # noqa: N815
    promptFeedback: msgspec.Raw = SKIP  # noqa: N815


_response: Final = decoder(Response)


def read_response(raw: bytes) -> LineReading | None:
    """A plain generateContent response on one line (see the module docstring); None for
    anything else."""
    if b"_" in raw or (b"\\" in raw and (b"\\u005f" in raw or b"\\u005F" in raw)):
        return None  # an underscore, maybe escaped (one search for a byte is cheap, for 6 is not)
    try:
        r = _response(raw)
    except FAILED:
        return None
    meta = r.usageMetadata
    tier = None
    if meta.trafficType is not None:
        tier = TRAFFIC_TIERS.get(meta.trafficType)
        if tier is None:
            return None
    day = None
    text = r.createTime
    if text is not None:
        when: dt.datetime | None
        try:
            if text[:1].isdigit() and text[-1:] == "Z" and text.count("Z") == 1:
                # What timestamp() reads such a string as, without its general steps.
                parsed = dt.datetime.fromisoformat(text[:-1] + "+00:00")
                # A date alone ("2026-06-28Z") has no zone: as timestamp() takes it, UTC.
                when = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)
            else:
                when = timestamp(text, "createTime")
        except (UsageParseError, ValueError):
            return None
        if when is not None:  # its UTC day: the floor of the days since 1970-01-01 00:00 UTC
            day = (when - _EPOCH).days
    prompt = meta.promptTokenCount + (meta.toolUsePromptTokenCount or 0)
    cached = meta.cachedContentTokenCount or 0
    thoughts = meta.thoughtsTokenCount or 0
    if cached > prompt:
        return None
    return r.responseId, (
        "gemini",
        r.modelVersion or None,
        tier,
        day,
        prompt,
        cached,
        0,
        (meta.candidatesTokenCount or 0) + thoughts,
        thoughts,
    )


#: (bytes near the start of a line of the shape, bytes anywhere in it, its reader), for
#: :func:`costcalc.providers.line_reader`.
READERS: Final = ((b'"candidates"', b'"usageMetadata"', read_response),)
