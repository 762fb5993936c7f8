"""What did it cost: Usage and Cost from the responses provider APIs return.

Shapes read, as plain dicts or SDK objects (anything with ``model_dump()``, ``to_dict()``, a
mapping interface or attributes), each by its provider's module in :mod:`costcalc.providers`:

- ``openai.chat``, ``openai.responses``, ``openai.embeddings``, ``openai.realtime``,
  ``openai.transcription`` and ``openai.batch`` (a Batch output line);
- ``anthropic`` (a Message, or its bare usage block) and ``anthropic.batch`` (a results line);
- ``gemini`` (``usageMetadata``, camelCase or snake_case) and ``gemini.batch``.

Never silently low: every number in a usage block is either priced or refused by name
(:class:`UnpricedUsageError`); ``strict=False`` returns the Cost with the rest listed in
:attr:`Cost.unpriced`. A payload whose shape cannot be told apart raises and asks for ``shape=``;
a provider-shaped payload that names another provider's model is an error.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final, Literal

from costcalc.catalog import Catalog, catalog_or_default
from costcalc.errors import (
    BatchRequestError,
    UnknownModelError,
    UnpricedUsageError,
    UnsupportedTierError,
    UsageParseError,
)
from costcalc.pricing import Cost, Unpriced, Usage
from costcalc.providers import SHAPES, detect, read
from costcalc.providers.base import Reading, plain

__all__ = [
    "SHAPES",
    "BatchRequestError",
    "Shape",
    "detect_shape",
    "price_reading",
    "price_response",
    "read_response",
    "usage_from_response",
]

Shape = Literal[
    "openai.chat",
    "openai.responses",
    "openai.embeddings",
    "openai.realtime",
    "openai.transcription",
    "openai.batch",
    "anthropic",
    "anthropic.batch",
    "gemini",
    "gemini.batch",
]
_DEFAULT_TIER: Final = "standard"


def detect_shape(payload: Any) -> str:
    """Which provider's response ``payload`` is (see the module docstring)."""
    return detect(plain(payload))


def read_response(payload: Any, *, shape: str | None = None) -> Reading:
    """Everything costcalc reads from one response: usage, model, tier, time, parts priced at
    another model's rates, and the quantities it does not know how to bill."""
    return read(payload, shape)


def usage_from_response(payload: Any, *, shape: str | None = None, strict: bool = True) -> Usage:
    """The :class:`Usage` that ``payload`` reports, exactly as the provider bills it.

    A number in the payload that costcalc does not know how to bill, or tokens billed at another
    model's rates (use :func:`price_response` for those), raise :class:`UnpricedUsageError` unless
    ``strict=False``.
    """
    reading = read(payload, shape)
    if strict:
        _refuse(reading.unpriced, reading.model)
        if reading.parts:
            part = reading.parts[0]
            raise UnpricedUsageError(
                f"the response also bills {part.label} tokens at {part.model!r}'s rates, which a Usage "
                "of one model cannot hold; price it with price_response (or pass strict=False)",
                field=part.label,
                model=part.model,
            )
    return reading.usage


def price_response(
    payload: Any,
    *,
    model: str | None = None,
    tier: str | None = None,
    at: dt.date | dt.datetime | str | None = None,
    shape: str | None = None,
    provider: str | None = None,
    strict: bool = True,
    catalog: Catalog | None = None,
) -> Cost:
    """The exact cost of one response, every line of its bill.

    ``model``, ``tier`` and ``at`` are read from the payload unless given: the response's
    ``model`` (Gemini: ``modelVersion``), its service tier (``service_tier``, Anthropic's
    ``speed``, Gemini's ``trafficType``; a batch line is the ``batch`` tier) and its creation time
    (``created``/``created_at``/``createTime``; otherwise today). A tier the catalog does not
    have for the model raises, rather than pricing it as standard. ``provider`` picks who sold the
    model when several do. ``strict=False`` prices what can be priced and lists the rest in
    :attr:`Cost.unpriced`.
    """
    return price_reading(
        read(payload, shape), model=model, tier=tier, at=at, provider=provider, strict=strict, catalog=catalog
    )


def price_reading(
    reading: Reading,
    *,
    model: str | None = None,
    tier: str | None = None,
    at: dt.date | dt.datetime | str | None = None,
    provider: str | None = None,
    strict: bool = True,
    catalog: Catalog | None = None,
) -> Cost:
    """The exact cost of a :class:`~costcalc.providers.base.Reading` (see :func:`price_response`)."""
    cat = catalog_or_default(catalog)
    name = model or reading.model
    if not name:
        raise UsageParseError("the response names no model; pass model=", path="model")
    info = cat.get_model(name, provider)
    if reading.creator is not None and info.creator != reading.creator:
        raise UsageParseError(
            f"a {reading.shape} payload names {info.id!r}, a model of {info.creator}; a payload of one "
            "provider's shape is not priced at another provider's rates (pass the right model= or shape=)",
            path="model",
        )
    when = at if at is not None else reading.at
    chosen = tier or reading.tier or _DEFAULT_TIER
    if strict:
        _refuse(reading.unpriced, info.id)
    cost = cat.price(reading.usage, name, tier=chosen, at=when, provider=provider, strict=strict)
    for alternative in reading.alternatives:
        other = cat.price(alternative, name, tier=chosen, at=when, provider=provider, strict=strict)
        if other.total != cost.total:
            low, high = sorted((cost.total, other.total))
            reason = (
                "the payload does not say how many cached tokens are audio/image/video, and they "
                f"are priced differently: the cost is between {low} and {high}"
            )
            if strict:
                raise UnpricedUsageError(reason, field="cached_input_tokens", model=info.id)
            cost = cost.with_unpriced(
                (Unpriced("cached_input_tokens", reading.usage.cached_input_tokens, reason),)
            )
    for part in reading.parts:
        try:
            try:  # the image model as the same provider sells it, else as its maker does
                part_info = cat.get_model(part.model, info.provider)
            except UnknownModelError:
                part_info = cat.get_model(part.model)
            part_tier = chosen if chosen in part_info.tiers(when) else _DEFAULT_TIER
            sub = cat.price(
                part.usage, part_info.id, tier=part_tier, at=when, provider=part_info.provider, strict=strict
            )
        except (UnknownModelError, UnsupportedTierError, UnpricedUsageError) as exc:
            if strict:
                raise UnpricedUsageError(
                    f"the response bills {part.label} tokens at {part.model!r}'s rates, which cannot be "
                    f"priced: {exc}",
                    field=part.label,
                    model=part.model,
                ) from exc
            count = part.usage.input_tokens + part.usage.output_tokens
            cost = cost.with_unpriced((Unpriced(part.label, count, str(exc)),))
            continue
        cost = cost.with_part(part.label, sub)
    for surcharge in reading.surcharges:
        factor = info.surcharges.get(surcharge)
        if factor is None:
            reason = (
                f"the payload asks for {surcharge!r}, but the catalog has no such surcharge for "
                f"{info.id!r} (add it to the model's surcharges, or pass strict=False)"
            )
            if strict:
                raise UnpricedUsageError(reason, field=surcharge, model=info.id)
            cost = cost.with_unpriced((Unpriced(surcharge, 1, reason),))
            continue
        cost = cost.scaled(factor)
    if not strict and reading.unpriced:
        cost = cost.with_unpriced(reading.unpriced)
    return cost


def _refuse(unpriced: tuple[Unpriced, ...], model: str | None) -> None:
    if unpriced:
        first = unpriced[0]
        more = f" (and {len(unpriced) - 1} more)" if len(unpriced) > 1 else ""
        raise UnpricedUsageError(f"{first.field}: {first.reason}{more}", field=first.field, model=model)
