"""Cohere: v2 Chat, Embed, Rerank and Classify responses, billed by ``billed_units``.

Usage convention (docs.cohere.com/reference/chat, /reference/embed, /reference/rerank): Chat v2
puts ``usage.billed_units`` and ``usage.tokens``; Embed, Rerank, Classify and v1 Chat put the same
under ``meta``. ``billed_units`` is what is billed: ``input_tokens`` and ``output_tokens`` at the
token rates, ``search_units`` as ``search_unit`` units (one query with up to 100 documents,
Rerank) and ``classifications`` as ``classification`` units. ``tokens`` counts what the model
processed (the prompt template included) and is not billed. Any other number under
``billed_units`` (image counts of Embed v4 were not confirmed in a stored page) is refused by name.

Cohere's responses do not name the model: pass ``model=``. A payload is Cohere's when it carries
``billed_units`` under ``usage`` or ``meta``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from costcalc.errors import UsageParseError
from costcalc.providers.base import Reading, UsageSpec, get, is_map, kind, make_usage
from costcalc.providers.compat import model_of

__all__ = ["HOSTED", "OWNERS", "SHAPES", "USAGE", "detect", "read"]

PROVIDER: Final = "cohere"
SHAPES: Final = ("cohere",)
OWNERS: Final = {"cohere": PROVIDER}
HOSTED: Final[dict[tuple[str, str], str]] = {}

#: Keys only Cohere's payloads have (detection asks this module only when one is there).
MARKS: Final = frozenset({"billed_units", "meta"})
USAGE: Final = UsageSpec(
    read={
        "billed_units.input_tokens": "input",
        "billed_units.output_tokens": "output",
        "billed_units.search_units": "search_unit",
        "billed_units.classifications": "classification",
    },
    free=frozenset({"tokens.input_tokens", "tokens.output_tokens"}),
    # Labels and warnings only (api_version.version is a string, its flags booleans).
    open=("api_version", "warnings"),
)


def detect(data: Mapping[str, Any]) -> str | None:
    """``cohere`` when ``billed_units`` is under ``usage`` or ``meta``."""
    for key in ("usage", "meta"):
        block = get(data.get(key))
        if is_map(block) and "billed_units" in block:
            return "cohere"
    if "billed_units" in data:  # a bare usage/meta block
        return "cohere"
    return None


def read(data: Any, shape: str) -> Reading:
    """The Reading of a Cohere response."""
    if shape not in SHAPES:
        raise UsageParseError(f"unknown Cohere shape {shape!r}; shapes are {', '.join(SHAPES)}")
    if not is_map(data):
        raise UsageParseError(f"a response is a JSON object, got {kind(data)}")
    block, path = _block(data)
    if "billed_units" not in block:
        raise UsageParseError("is missing", path=f"{path}.billed_units".lstrip("."))
    n = USAGE.counts(block, path)
    units = {name: n[name] for name in ("search_unit", "classification") if n[name]}
    usage = make_usage(path or "usage", input_tokens=n["input"], output_tokens=n["output"], units=units)
    body = data if block is not data else {}
    return Reading(
        usage=usage,
        shape="cohere",
        creator=PROVIDER,
        model=model_of(body),
        unpriced=tuple(USAGE.unknown(block, path)),
        provider=PROVIDER,
    )


def _block(data: Mapping[str, Any]) -> tuple[Mapping[str, Any], str]:
    for key in ("usage", "meta"):
        if key in data:
            block = get(data[key])
            if is_map(block) and ("billed_units" in block or key == "usage"):
                return block, key
            if not is_map(block) and block is not None:
                raise UsageParseError(f"must be an object, got {kind(block)}", path=key)
    if "billed_units" in data:
        return data, ""
    raise UsageParseError("is missing", path="usage")
