"""One module per provider: everything costcalc knows about that provider's payloads and files.

Each module offers:

- ``SHAPES``: the payload shapes it reads, and ``detect(data) -> shape | None``;
- ``read(data, shape) -> Reading``: a response payload as Usage, model, tier, time, parts and
  whatever it could not price;
- for a vendor module, ``OWNERS`` (``{shape: provider}``, whose rates its payloads are priced at)
  and ``MARKS`` (the keys, at the top or in the usage block, that only its payloads have);
- optionally ``HOSTED``: ``{(provider, base shape): shape}``, the shape a payload detected as one of
  the base shapes (``openai.chat``, ``anthropic``...) is read as when the caller says who served it;
- for the makers' modules (``BASE``), ``batch_kind(line) -> "request" | "result" | None``,
  ``read_batch_result(line) -> BatchResult`` and ``read_batch_request(line) -> BatchRequest``: its
  batch file formats (``BATCH_FORMAT`` names them, ``BATCH_ID`` is the field that identifies a
  request), and ``count_request(endpoint, body, info, catalog) -> RequestCount``: a request body's
  prompt as billed (exactly where the provider publishes its tokenizer, else the approximation's
  base);

and the shared pieces live in :mod:`costcalc.providers.base`. Beside each base module, its line
readers (``openai_lines``, ``anthropic_lines``, ``gemini_lines``: msgspec schemas of its plain
responses, read straight from a log line's bytes; :mod:`costcalc.providers.line_schema` holds
what they share) are imported only when a log is priced (:func:`line_reader`). This module is the small
provider-neutral interface the rest of costcalc calls: :func:`detect`, :func:`read` and
:func:`batch_format`.

Detection. The base modules (``openai``, ``anthropic``, ``gemini``) read the makers' own formats;
the vendor modules read a host's or a vendor's format, which often looks like one of the base
ones (most vendors answer in OpenAI's Chat Completions format). A vendor claims a payload only by
a field no one else sends (its module's ``MARKS``: Groq's ``x_groq``, for one), and a vendor's
claim wins over a base module's. A payload no vendor claims is read by its base shape and priced by its model
name; ``provider=`` (or a model name that only one provider sells) reads it as that provider's,
with that provider's own fields (``HOSTED``). Two vendors claiming one payload, or a payload that
proves one vendor while ``provider=`` names another, is an error that asks for ``shape=``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final

from costcalc.errors import UsageParseError
from costcalc.providers import (
    anthropic,
    bedrock,
    cohere,
    compat,
    deepseek,
    gemini,
    openai,
    openrouter,
    perplexity,
    xai,
)
from costcalc.providers.base import FastReading, Reading, get, is_map, kind, plain

if TYPE_CHECKING:
    from costcalc.providers.line_schema import LineReading

__all__ = [
    "BASE",
    "BY_PROVIDER",
    "EXPORTERS",
    "HOSTED",
    "MODULES",
    "OWNERS",
    "SHAPES",
    "VENDORS",
    "batch_format",
    "detect",
    "fast_read",
    "line_reader",
    "module_for",
    "read",
]

#: The makers' own formats, which other vendors' payloads often look like.
BASE: Final[tuple[ModuleType, ...]] = (openai, anthropic, gemini)
#: The vendors' and hosts' modules: a claim by one of them wins over a base module's.
VENDORS: Final[tuple[ModuleType, ...]] = (compat, deepseek, xai, perplexity, openrouter, cohere, bedrock)
#: The provider modules, in the order their shapes are listed.
MODULES: Final[tuple[ModuleType, ...]] = (*BASE, *VENDORS)
#: The modules that read their provider's organization usage and cost exports.
EXPORTERS: Final[tuple[ModuleType, ...]] = tuple(m for m in MODULES if hasattr(m, "read_export_page"))
#: Every payload shape costcalc reads.
SHAPES: Final[tuple[str, ...]] = tuple(shape for module in MODULES for shape in module.SHAPES)
_BY_SHAPE: Final[dict[str, ModuleType]] = {shape: module for module in MODULES for shape in module.SHAPES}
_BASE_SHAPES: Final = frozenset(shape for module in BASE for shape in module.SHAPES)
#: (provider, base shape) -> the vendor shape that reads such a payload when that provider served it.
HOSTED: Final[dict[tuple[str, str], str]] = {
    key: shape for module in VENDORS for key, shape in getattr(module, "HOSTED", {}).items()
}
#: Keys (top-level or in the usage block) and id prefixes that some vendor's payloads alone have: a
#: payload with none of them is not asked of the vendor modules (the common, plain case is fast).
_MARKS: Final = frozenset(key for module in VENDORS for key in module.MARKS)
_ID_PREFIXES: Final = tuple(p for module in VENDORS for p in getattr(module, "ID_PREFIXES", ()))
#: The provider each vendor shape's payloads are billed by.
OWNERS: Final[dict[str, str]] = {shape: owner for module in VENDORS for shape, owner in module.OWNERS.items()}
#: The makers' modules by the provider whose models they describe (a model's creator): their
#: batch formats and request bodies.
BY_PROVIDER: Final[dict[str, ModuleType]] = {module.PROVIDER: module for module in BASE}


def batch_format(data: Mapping[str, Any]) -> tuple[ModuleType, str] | None:
    """The provider module whose batch file ``data`` is a line of, and the kind of line
    (``"request"`` or ``"result"``); None when it is no provider's batch line."""
    for module in BASE:  # the formats are disjoint: at most one module claims a line
        kind_ = module.batch_kind(data)
        if kind_ is not None:
            return module, kind_
    return None


def detect(data: Any, provider: str | None = None, *, strict: bool = True) -> str:
    """The shape of ``data`` (already plain data). Every provider module is asked; a vendor's claim
    wins over a base module's; none, or two of the same rank, is an error that asks for ``shape=``.
    ``provider`` (who served the call, when the caller knows) picks that provider's reading of a
    base-shaped payload; contradicting a payload that proves another vendor is an error, or, when
    not ``strict`` (a guess from a model name), leaves the payload's own shape."""
    if not is_map(data):
        raise UsageParseError(f"a response is a JSON object, got {kind(data)}")
    modules = MODULES if _marked(data) else BASE
    claims: set[str] = {shape for module in modules if (shape := module.detect(data)) is not None}
    if provider is None and len(claims) == 1:
        return claims.pop()  # the common case
    vendor = claims - _BASE_SHAPES
    if len(vendor) > 1:
        raise UsageParseError(
            f"this payload could be {' or '.join(sorted(vendor))}; pass shape= to say which"
        )
    if vendor:
        claims = vendor
    if len(claims) > 1:
        raise UsageParseError(
            f"this payload could be {' or '.join(sorted(claims))}; pass shape= to say which"
        )
    if not claims:
        raise UsageParseError(
            "cannot tell which provider's response this is (a usage block with only input_tokens and "
            "output_tokens could be OpenAI's or Anthropic's); pass shape= one of " + ", ".join(SHAPES)
        )
    shape = claims.pop()
    if provider is None:
        return shape
    if not isinstance(provider, str):
        from costcalc.errors import InvalidInputError

        raise InvalidInputError(f"a provider is a string, got {type(provider).__name__}", field="provider")
    wanted = provider.strip().lower()
    owner = OWNERS.get(shape)
    if owner is not None and owner != wanted:
        if not strict:
            return shape
        raise UsageParseError(
            f"this payload is a {shape} response (it carries fields only {owner} sends), but "
            f"provider={provider!r}; pass shape= to read it as another provider's"
        )
    return HOSTED.get((wanted, shape), shape)


def fast_read(data: Mapping[str, Any]) -> FastReading | None:
    """A plain response of a base shape read straight from ``data`` (a parsed JSON object), by
    its module's ``fast_read``: exactly what :func:`read` would find, with a simple Usage and
    nothing unpriced, parts, surcharges or alternatives. None for anything else (a vendor's
    payload, a batch line, a payload two modules claim, any field the fast readers do not
    know): :func:`read` reads those."""
    if _marked(data) and any(module.detect(data) is not None for module in VENDORS):
        return None  # a vendor's payload (detect() asks every vendor when any vendor's mark is there)
    for module in BASE:
        found: FastReading | None = module.fast_read(data)
        if found is not None:
            # Only when no other base module claims the payload (detect() would refuse it).
            if any(other.detect(data) is not None for other in BASE if other is not module):
                return None
            return found
    return None


@functools.cache
def line_reader() -> Callable[[bytes], LineReading | None]:
    """A function reading one line of a log (its bytes) as a plain response of a base shape,
    through the base modules' line readers (``openai_lines``, ``anthropic_lines``,
    ``gemini_lines``): exactly :func:`fast_read` of the parsed line, with the line's id, or None
    for anything else (not valid UTF-8 either: the full path reports that), which the full path
    then reads. msgspec is imported on the first call."""
    from costcalc.providers import anthropic_lines, gemini_lines, openai_lines

    readers = (*openai_lines.READERS, *anthropic_lines.READERS, *gemini_lines.READERS)
    prefixes = _ID_PREFIXES

    # The reader that read a line starting with these bytes (``{"id":"chatc``): most logs hold a
    # few shapes, each written by one program, so the start of a line tells its shape.
    learned: dict[bytes, Callable[[bytes], LineReading | None]] = {}

    def read_line(raw: bytes) -> LineReading | None:
        if not raw.isascii():
            try:
                raw.decode()  # the schemas skip the text of an answer without decoding it
            except UnicodeDecodeError:
                return None
        start = raw[:_START]
        guess = learned.get(start)
        if guess is not None:
            found = guess(raw)
            if found is not None:
                ident = found[0]
                # A vendor's id (Bedrock's msg_bdrk_, OpenRouter's gen-): detect() decides those.
                return None if ident is not None and ident.startswith(prefixes) else found
        # Else by what the start of the line holds, then by what the whole line holds; a line a
        # reader refuses (its mark was in the text) goes on to the others.
        for head, needle, reader in readers:
            if reader is not guess and (raw.find(head, 0, _HEAD) >= 0 or needle in raw):
                found = reader(raw)
                if found is not None:
                    if len(learned) < _LEARNED:
                        learned[start] = reader
                    ident = found[0]
                    return None if ident is not None and ident.startswith(prefixes) else found
        return None

    return read_line


#: How far into a line its shape's mark is looked for first (``{"id": "...", "object": ...``).
_HEAD: Final = 128
#: The bytes at the start of a line that pick the reader tried first, and how many such starts
#: are remembered.
_START: Final = 12
_LEARNED: Final = 64


def _marked(data: Mapping[str, Any]) -> bool:
    # Whether any vendor module could claim ``data``: one of their marks at the top or in the
    # usage block, or one of their id prefixes.
    if not _MARKS.isdisjoint(data):
        return True
    usage = get(data.get("usage"))
    if is_map(usage) and not _MARKS.isdisjoint(usage):
        return True
    ident = data.get("id")
    return isinstance(ident, str) and ident.startswith(_ID_PREFIXES)


def module_for(shape: str) -> ModuleType:
    """The provider module that reads ``shape``."""
    module = _BY_SHAPE.get(shape) if isinstance(shape, str) else None
    if module is None:
        from costcalc.errors import InvalidInputError

        raise InvalidInputError(f"unknown shape {shape!r}; shapes are {', '.join(SHAPES)}", field="shape")
    return module


def read(payload: Any, shape: str | None = None, provider: str | None = None) -> Reading:
    """The Reading of ``payload`` (a dict or an SDK object), of ``shape`` or detected (as
    ``provider``'s, when given: see :func:`detect`)."""
    data = plain(payload)
    kind_ = detect(data, provider) if shape is None else shape
    reading: Reading = module_for(kind_).read(data, kind_)
    return reading


def as_mapping(payload: Any) -> Mapping[str, Any]:
    """``payload`` as plain data that must be an object."""
    data = plain(payload)
    if not is_map(data):
        raise UsageParseError(f"expected a JSON object, got {kind(data)}")
    return data
