"""What did it cost: Usage and Cost from the responses provider APIs return.

Shapes read, as plain dicts or SDK objects (anything with ``model_dump()``, ``to_dict()``, a
mapping interface or attributes), each by its provider's module in :mod:`costcalc.providers`:

- ``openai.chat``, ``openai.responses``, ``openai.embeddings``, ``openai.realtime``,
  ``openai.transcription`` and ``openai.batch`` (a Batch output line);
- ``anthropic`` (a Message, or its bare usage block) and ``anthropic.batch`` (a results line);
- ``gemini`` (``usageMetadata``, camelCase or snake_case) and ``gemini.batch``;
- ``mistral.chat``, ``groq.chat``, ``together_ai.chat`` and ``fireworks_ai.chat``: OpenAI-compatible
  payloads with each vendor's own fields;
- ``deepseek.chat`` (cache hits and misses, off-peak hours);
- ``xai.chat`` and ``xai.responses``;
- ``perplexity.chat`` (Sonar);
- ``openrouter.chat`` and ``openrouter.responses``;
- ``cohere`` (``billed_units`` of Chat, Embed, Rerank, Classify);
- ``bedrock.converse`` (Converse / ConverseStream), ``bedrock.invoke`` (InvokeModel bodies and
  headers) and ``bedrock.batch`` (a batch inference record).

A vendor's payload is told by a field only that vendor sends; a plain OpenAI-shaped payload is
``openai.chat``, priced by its model name, and ``provider=`` (or a model name only one provider
sells) reads it as that provider's (see :mod:`costcalc.providers`).

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
    AmbiguousModelError,
    BatchRequestError,
    InvalidInputError,
    UnknownModelError,
    UnpricedUsageError,
    UnsupportedTierError,
    UsageParseError,
)
from costcalc.pricing import Cost, Unpriced, Usage
from costcalc.providers import SHAPES, detect, read
from costcalc.providers.base import Reading, is_map, plain

__all__ = [
    "SHAPES",
    "BatchRequestError",
    "Shape",
    "detect_shape",
    "price_reading",
    "price_response",
    "read_response",
    "response_shape",
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
    "mistral.chat",
    "groq.chat",
    "together_ai.chat",
    "fireworks_ai.chat",
    "deepseek.chat",
    "xai.chat",
    "xai.responses",
    "perplexity.chat",
    "openrouter.chat",
    "openrouter.responses",
    "cohere",
    "bedrock.converse",
    "bedrock.invoke",
    "bedrock.batch",
]
_DEFAULT_TIER: Final = "standard"


def detect_shape(payload: Any, *, provider: str | None = None) -> str:
    """Which provider's response ``payload`` is (see the module docstring); ``provider`` says who
    served it when the payload cannot tell (an OpenAI-compatible host)."""
    return detect(plain(payload), provider)


def read_response(payload: Any, *, shape: str | None = None, provider: str | None = None) -> Reading:
    """Everything costcalc reads from one response: usage, model, tier, time, parts priced at
    another model's rates, and the quantities it does not know how to bill."""
    return read(payload, shape, provider)


def usage_from_response(
    payload: Any, *, shape: str | None = None, strict: bool = True, provider: str | None = None
) -> Usage:
    """The :class:`Usage` that ``payload`` reports, exactly as the provider bills it.

    A number in the payload that costcalc does not know how to bill, or tokens billed at another
    model's rates (use :func:`price_response` for those), raise :class:`UnpricedUsageError` unless
    ``strict=False``.
    """
    reading = read(payload, shape, provider)
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
    model when several do, and reads the payload as that provider's (its own usage fields); a
    payload that shows its vendor (OpenRouter, Groq, Bedrock...) is priced as that vendor sells the
    model. ``strict=False`` prices what can be priced and lists the rest in :attr:`Cost.unpriced`.
    What the provider itself reported the call cost, when the payload says, is kept in
    :attr:`Cost.reported_cost`.
    """
    data = plain(payload)
    if shape is None:
        shape = response_shape(data, model=model, provider=provider, catalog=catalog)
    return price_reading(
        read(data, shape), model=model, tier=tier, at=at, provider=provider, strict=strict, catalog=catalog
    )


def response_shape(
    data: Any, *, model: str | None = None, provider: str | None = None, catalog: Catalog | None = None
) -> str:
    """The shape :func:`price_response` reads ``data`` (plain data) as, with the same ``model``
    and ``provider``: who sells the model, when one provider does, picks that provider's reading."""
    hint = provider if provider is not None else _seller(data, model, catalog_or_default(catalog))
    return detect(data, hint, strict=provider is not None)


def _seller(data: Any, model: str | None, cat: Catalog) -> str | None:
    # Who sells the model (the caller's model=, else the payload's), when one provider does: a
    # payload in a shape many hosts speak is then read as that provider's, with its own fields
    # (a together_ai/ name reads Together's cached_tokens, a Groq model Groq's tier words).
    name = model if model is not None else data.get("model") if is_map(data) else None
    if not isinstance(name, str) or not name:
        return None
    try:
        return cat.get_model(name).provider
    except (UnknownModelError, AmbiguousModelError, InvalidInputError):
        return None


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
    if provider is not None and reading.provider is not None and not _same(provider, reading.provider):
        raise UsageParseError(
            f"a {reading.shape} payload is billed by {reading.provider}, but provider={provider!r}; "
            "pass shape= to read it as another provider's",
            path="provider",
        )
    provider = provider if provider is not None else reading.provider
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
    if reading.reported_cost is not None:
        cost = cost.model_copy(update={"reported_cost": reading.reported_cost})
    return cost


def _same(a: str, b: str) -> bool:
    return isinstance(a, str) and a.strip().lower() == b.strip().lower()


def _refuse(unpriced: tuple[Unpriced, ...], model: str | None) -> None:
    if unpriced:
        first = unpriced[0]
        more = f" (and {len(unpriced) - 1} more)" if len(unpriced) > 1 else ""
        raise UnpricedUsageError(f"{first.field}: {first.reason}{more}", field=first.field, model=model)
