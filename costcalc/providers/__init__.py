"""One module per provider: everything costcalc knows about that provider's payloads and files.

Each module (``openai``, ``anthropic``, ``gemini``; later providers go beside them) offers:

- ``SHAPES``: the payload shapes it reads, and ``detect(data) -> shape | None``;
- ``read(data, shape) -> Reading``: a response payload as Usage, model, tier, time, parts and
  whatever it could not price;
- ``batch_kind(line) -> "request" | "result" | None``, ``read_batch_result(line) -> BatchResult``
  and ``read_batch_request(line) -> BatchRequest``: its batch file formats (``BATCH_FORMAT``
  names them, ``BATCH_ID`` is the field that identifies a request);
- ``count_request(endpoint, body, info, catalog) -> RequestCount``: a request body's prompt as
  billed (exactly where the provider publishes its tokenizer, else the approximation's base);

and the shared pieces live in :mod:`costcalc.providers.base`. This module is the small
provider-neutral interface the rest of costcalc calls: :func:`detect`, :func:`read` and
:func:`batch_format`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Any, Final

from costcalc.errors import UsageParseError
from costcalc.providers import anthropic, gemini, openai
from costcalc.providers.base import Reading, is_map, kind, plain

__all__ = ["BY_PROVIDER", "MODULES", "SHAPES", "batch_format", "detect", "module_for", "read"]

#: The provider modules, in the order their shapes are listed.
MODULES: Final[tuple[ModuleType, ...]] = (openai, anthropic, gemini)
#: Every payload shape costcalc reads.
SHAPES: Final[tuple[str, ...]] = tuple(shape for module in MODULES for shape in module.SHAPES)
_BY_SHAPE: Final[dict[str, ModuleType]] = {shape: module for module in MODULES for shape in module.SHAPES}
#: The provider modules by the name of the provider whose models they describe (a model's creator).
BY_PROVIDER: Final[dict[str, ModuleType]] = {module.PROVIDER: module for module in MODULES}


def batch_format(data: Mapping[str, Any]) -> tuple[ModuleType, str] | None:
    """The provider module whose batch file ``data`` is a line of, and the kind of line
    (``"request"`` or ``"result"``); None when it is no provider's batch line."""
    for module in MODULES:  # the formats are disjoint: at most one module claims a line
        kind_ = module.batch_kind(data)
        if kind_ is not None:
            return module, kind_
    return None


def detect(data: Any) -> str:
    """The shape of ``data`` (already plain data). Every provider is asked; none or more than one
    claiming it is an error that asks for ``shape=``."""
    if not is_map(data):
        raise UsageParseError(f"a response is a JSON object, got {kind(data)}")
    claims: set[str] = {shape for module in MODULES if (shape := module.detect(data)) is not None}
    if len(claims) == 1:
        return claims.pop()
    if claims:
        raise UsageParseError(
            f"this payload could be {' or '.join(sorted(claims))}; pass shape= to say which"
        )
    raise UsageParseError(
        "cannot tell which provider's response this is (a usage block with only input_tokens and "
        "output_tokens could be OpenAI's or Anthropic's); pass shape= one of " + ", ".join(SHAPES)
    )


def module_for(shape: str) -> ModuleType:
    """The provider module that reads ``shape``."""
    module = _BY_SHAPE.get(shape) if isinstance(shape, str) else None
    if module is None:
        from costcalc.errors import InvalidInputError

        raise InvalidInputError(f"unknown shape {shape!r}; shapes are {', '.join(SHAPES)}", field="shape")
    return module


def read(payload: Any, shape: str | None = None) -> Reading:
    """The Reading of ``payload`` (a dict or an SDK object), of ``shape`` or detected."""
    data = plain(payload)
    kind_ = detect(data) if shape is None else shape
    reading: Reading = module_for(kind_).read(data, kind_)
    return reading


def as_mapping(payload: Any) -> Mapping[str, Any]:
    """``payload`` as plain data that must be an object."""
    data = plain(payload)
    if not is_map(data):
        raise UsageParseError(f"expected a JSON object, got {kind(data)}")
    return data
