"""What will it cost: a pre-call estimate with a range for hidden reasoning and a hard ceiling."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from costcalc.catalog import Catalog, catalog_or_default
from costcalc.pricing import Cost, Usage
from costcalc.reasoning import EffortBand, ReasoningProfile, profile_for_model
from costcalc.tokens.chat import ImageSizes, count_messages
from costcalc.tokens.limits import check_context_window

__all__ = ["Band", "Estimate", "estimate"]

T = TypeVar("T")

_NO_REASONING = EffortBand(low=0, expected=0, high=0, evidence="not a reasoning model: no hidden reasoning")


class Band(BaseModel, Generic[T]):
    """A low / expected / high triple."""

    model_config = ConfigDict(frozen=True)

    low: T
    expected: T
    high: T


class Estimate(BaseModel):
    """A pre-call estimate.

    ``reasoning_tokens`` and ``output_tokens`` (billed output: visible plus reasoning, within the
    output cap) are ranges; ``cost`` prices each end. ``ceiling`` is the guaranteed worst case:
    the prompt plus the whole output cap billed as output (``None`` when no cap is known).
    ``tokens_exact`` is False when the prompt was counted with an approximate tokenizer.
    """

    model_config = ConfigDict(frozen=True)

    model: str
    tier: str
    effort: str | None
    input_tokens: int
    cached_input_tokens: int
    visible_output_tokens: int
    reasoning_tokens: Band[int]
    output_tokens: Band[int]
    cost: Band[Cost]
    ceiling: Cost | None
    output_cap: int | None
    tokens_exact: bool
    evidence: str

    def _repr_html_(self) -> str:
        from costcalc._display import estimate_html

        return estimate_html(self)


def estimate(
    prompt: str | Sequence[Mapping[str, Any]],
    model: str,
    *,
    output_tokens: int,
    reasoning_effort: str | None = None,
    tier: str = "standard",
    cached_input_tokens: int = 0,
    max_output_tokens: int | None = None,
    profile: ReasoningProfile | None = None,
    tools: Sequence[Mapping[str, Any]] | None = None,
    instructions: str | None = None,
    image_sizes: ImageSizes | None = None,
    at: dt.date | dt.datetime | str | None = None,
    catalog: Catalog | None = None,
) -> Estimate:
    """Estimate one request before it is sent.

    ``prompt`` is Chat ``messages``, a Responses API ``input`` list, or a string (sent as one user
    message); it is counted exactly as billed (with ``tools`` and ``instructions``).
    ``output_tokens`` is the visible answer you expect; hidden reasoning is added from the model's
    profile for ``reasoning_effort`` (or ``profile``, e.g. one fitted by
    :func:`costcalc.calibrate`). ``max_output_tokens`` is the request's output cap, which includes
    reasoning; without it the model's own output limit caps the range and sets the ceiling.
    """
    cat = catalog_or_default(catalog)
    info = cat.get_model(model)
    for name, value in (("output_tokens", output_tokens), ("cached_input_tokens", cached_input_tokens)):
        if type(value) is not int or value < 0:
            raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")
    if max_output_tokens is not None and (type(max_output_tokens) is not int or max_output_tokens <= 0):
        raise ValueError(f"max_output_tokens must be a whole number > 0, got {max_output_tokens!r}")

    input_tokens = count_messages(
        prompt,
        model,
        tools=tools,
        instructions=instructions,
        image_sizes=image_sizes,
        catalog=catalog,
        warn_approximate=False,
    )
    if cached_input_tokens > input_tokens:
        raise ValueError(
            f"cached_input_tokens ({cached_input_tokens}) exceed the prompt's {input_tokens} tokens"
        )

    band, effort, evidence = _band(info.id, info.reasoning, info.reasoning_profile, reasoning_effort, profile)
    cap = max_output_tokens if max_output_tokens is not None else info.max_output_tokens
    check_context_window(
        info, input_tokens, max_output_tokens if max_output_tokens is not None else output_tokens
    )
    if cap is not None and output_tokens > cap:
        raise ValueError(f"output_tokens ({output_tokens}) exceed the output cap of {cap}")

    billed_reasoning, billed_out, costs, ceiling = priced_range(
        cat,
        info.id,
        input_tokens,
        cached_input_tokens,
        output_tokens,
        band,
        cap,
        tier,
        at,
        provider=info.provider,
    )
    return Estimate(
        model=info.id,
        tier=tier,
        effort=effort,
        input_tokens=input_tokens,
        cached_input_tokens=cached_input_tokens,
        visible_output_tokens=output_tokens,
        reasoning_tokens=Band[int](
            low=billed_reasoning[0], expected=billed_reasoning[1], high=billed_reasoning[2]
        ),
        output_tokens=Band[int](low=billed_out[0], expected=billed_out[1], high=billed_out[2]),
        cost=Band[Cost](low=costs[0], expected=costs[1], high=costs[2]),
        ceiling=ceiling,
        output_cap=cap,
        tokens_exact=info.tokenizer_exact,
        evidence=evidence,
    )


def priced_range(
    cat: Catalog,
    model_id: str,
    input_tokens: int,
    cached_input_tokens: int,
    visible: int,
    band: EffortBand,
    cap: int | None,
    tier: str,
    at: dt.date | dt.datetime | str | None,
    *,
    provider: str | None = None,
) -> tuple[tuple[int, int, int], tuple[int, int, int], tuple[Cost, Cost, Cost], Cost | None]:
    """Billed reasoning, billed output and cost at each end of ``band``, and the ceiling.

    The cap includes reasoning: the model reasons first, so a cap cuts the visible answer, then
    the reasoning. The ceiling is the prompt plus the whole cap billed as output (None: no cap).
    """
    reasoning = band.reasoning_tokens(visible)
    done: dict[int, tuple[int, int, Cost]] = {}
    for r in reasoning:
        if r not in done:
            total = visible + r if cap is None else min(visible + r, cap)
            billed = min(r, total)
            usage = Usage(
                input_tokens=input_tokens,
                cached_input_tokens=cached_input_tokens,
                output_tokens=total,
                reasoning_tokens=billed,
            )
            done[r] = (billed, total, cat.price(usage, model_id, tier=tier, at=at, provider=provider))
    ends = [done[r] for r in reasoning]
    ceiling = None
    if cap is not None:
        worst = Usage(input_tokens=input_tokens, cached_input_tokens=cached_input_tokens, output_tokens=cap)
        ceiling = cat.price(worst, model_id, tier=tier, at=at, provider=provider)
    return (
        (ends[0][0], ends[1][0], ends[2][0]),
        (ends[0][1], ends[1][1], ends[2][1]),
        (ends[0][2], ends[1][2], ends[2][2]),
        ceiling,
    )


def _band(
    model_id: str,
    reasoning: bool,
    profile_name: str | None,
    effort: str | None,
    profile: ReasoningProfile | None,
) -> tuple[EffortBand, str | None, str]:
    if profile is not None:
        band = profile.band(effort)
        return band, effort or profile.default, band.evidence
    builtin = profile_for_model(model_id, profile_name)
    if builtin is None:
        if reasoning:
            raise ValueError(
                f"{model_id!r} reasons but the catalog has no reasoning profile for it; pass profile= "
                "(for example one fitted with costcalc.calibrate)"
            )
        if effort not in (None, "none"):
            raise ValueError(
                f"{model_id!r} is not a reasoning model; it takes no reasoning_effort (got {effort!r})"
            )
        return _NO_REASONING, None, _NO_REASONING.evidence
    band = builtin.band(effort)
    return band, effort or builtin.default, band.evidence
