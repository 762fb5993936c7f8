"""What will it cost: a pre-call estimate with a range for hidden reasoning and a hard ceiling.

:func:`estimate` takes a prompt; :func:`estimate_count` takes a request already counted by a
provider module (a :class:`~costcalc.providers.base.RequestCount`) and is what both
``estimate`` and ``estimate_batch`` price with, so a request gets the same range either way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final, Generic, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict

from costcalc.approximation import TokenProfile, token_profile_for
from costcalc.catalog import Catalog, ModelInfo, catalog_or_default
from costcalc.errors import InvalidInputError, UnpricedUsageError
from costcalc.pricing import MAX_TOKENS, Cost, Usage
from costcalc.providers.base import RequestCount
from costcalc.reasoning import EffortBand, ReasoningProfile, profile_for_model
from costcalc.tokens.chat import ImageSizes, count_messages
from costcalc.tokens.limits import check_context_window

__all__ = [
    "NO_REASONING",
    "Band",
    "Estimate",
    "Prompt",
    "RequestRange",
    "estimate",
    "estimate_count",
    "priced_range",
    "reasoning_band",
]

T = TypeVar("T")

#: The band of a model that does not reason (or a request that turns reasoning off).
NO_REASONING: Final = EffortBand(
    low=0, expected=0, high=0, evidence="not a reasoning model: no hidden reasoning"
)


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
    ``tokens_exact`` is False when the model's provider publishes no tokenizer: the prompt is then
    a range too (``input_tokens_range``, ``input_tokens`` its expected end), from the ratio band
    that ``tokens_evidence`` describes, and the ceiling uses its high end.
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
    input_tokens_range: Band[int] | None = None
    tokens_evidence: str | None = None

    def rows(self, money: Callable[[Decimal | None], str] | None = None) -> list[list[Any]]:
        """The low / expected / high rows, for HTML and the terminal alike; ``money`` formats the
        amounts (exact by default)."""
        from costcalc._display import usd

        fmt = money or usd
        rows: list[list[Any]] = []
        if self.input_tokens_range is not None:
            span = self.input_tokens_range
            rows.append(["prompt tokens (approximate)", span.low, span.expected, span.high])
        return [
            *rows,
            [
                "reasoning tokens",
                self.reasoning_tokens.low,
                self.reasoning_tokens.expected,
                self.reasoning_tokens.high,
            ],
            [
                "billed output tokens",
                self.output_tokens.low,
                self.output_tokens.expected,
                self.output_tokens.high,
            ],
            ["cost", fmt(self.cost.low.total), fmt(self.cost.expected.total), fmt(self.cost.high.total)],
        ]

    def _repr_html_(self) -> str:
        from costcalc._display import table, usd

        note = "" if self.tokens_exact else ", approximate token count"
        effort = f", effort {self.effort}" if self.effort else ""
        ceiling = usd(self.ceiling.total if self.ceiling else None)
        caption = (
            f"{self.model} ({self.tier}{effort}{note}): {self.input_tokens:,} prompt tokens, "
            f"{self.visible_output_tokens:,} visible output tokens; ceiling {ceiling}"
        )
        return table(self.rows(), ["", "low", "expected", "high"], caption)


class Prompt(NamedTuple):
    """The prompt at one end of an estimate: its tokens, and how many of them may be cache
    writes of 5-minute and 1-hour retention (or cache reads)."""

    tokens: int
    cache_5m: int = 0
    cache_1h: int = 0


class RequestRange(NamedTuple):
    """One request's estimate as plain numbers (what :class:`Estimate` and a batch row hold)."""

    model: str
    effort: str | None
    evidence: str
    input_tokens: tuple[int, int, int]
    visible_output_tokens: int
    reasoning_tokens: tuple[int, int, int]
    output_tokens: tuple[int, int, int]
    costs: tuple[Cost, Cost, Cost]
    ceiling: Cost | None
    output_cap: int | None
    exact: bool
    tokens_evidence: str | None


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
    token_profile: TokenProfile | None = None,
    tools: Sequence[Mapping[str, Any]] | None = None,
    instructions: str | None = None,
    image_sizes: ImageSizes | None = None,
    at: dt.date | dt.datetime | str | None = None,
    catalog: Catalog | None = None,
) -> Estimate:
    """Estimate one request before it is sent.

    ``prompt`` is Chat ``messages``, a Responses API ``input`` list, or a string (sent as one user
    message); it is counted exactly as billed (with ``tools`` and ``instructions``) where the
    provider publishes its tokenizer, and as a band otherwise (Claude, Gemini: o200k_base scaled
    by the family's ratio band, or by ``token_profile``, e.g. one fitted by
    :func:`costcalc.calibrate_tokens`). ``output_tokens`` is the visible answer you expect;
    hidden reasoning is added from the model's profile for ``reasoning_effort`` (or ``profile``,
    e.g. one fitted by :func:`costcalc.calibrate`). ``max_output_tokens`` is the request's output
    cap, which includes reasoning; without it the model's own output limit caps the range and
    sets the ceiling. An embedding or moderation model bills input only: ``output_tokens`` must
    be 0.
    """
    cat = catalog_or_default(catalog)
    info = cat.get_model(model)
    output_tokens = _count_argument("output_tokens", output_tokens, minimum=0)
    cached_input_tokens = _count_argument("cached_input_tokens", cached_input_tokens, minimum=0)
    if max_output_tokens is not None:
        max_output_tokens = _count_argument("max_output_tokens", max_output_tokens, minimum=1)
    if profile is not None and not isinstance(profile, ReasoningProfile):
        raise InvalidInputError(
            f"must be a ReasoningProfile (from costcalc.calibrate, say), got {type(profile).__name__}",
            field="profile",
        )
    if reasoning_effort is not None and not isinstance(reasoning_effort, str):
        raise InvalidInputError(
            f"must be an effort name such as 'medium', got {type(reasoning_effort).__name__}",
            field="reasoning_effort",
        )

    input_tokens = count_messages(
        prompt,
        model,
        tools=tools,
        instructions=instructions,
        image_sizes=image_sizes,
        catalog=cat,
        warn_approximate=False,
    )
    if cached_input_tokens > input_tokens:
        raise InvalidInputError(
            f"{cached_input_tokens} exceed the prompt's {input_tokens} tokens", field="cached_input_tokens"
        )
    count = RequestCount(
        model=info.id,
        input_tokens=input_tokens,
        output_cap=max_output_tokens,
        effort=None,
        endpoint="",
        exact=info.tokenizer_exact,
        input_only=info.kind in INPUT_ONLY_KINDS,
    )
    found = estimate_count(
        count,
        info,
        output_tokens=output_tokens,
        reasoning_effort=reasoning_effort,
        profile=profile,
        token_profile=token_profile,
        cached_input_tokens=cached_input_tokens,
        tier=tier,
        at=at,
        catalog=cat,
    )
    low, expected, high = found.input_tokens
    return Estimate(
        model=info.id,
        tier=tier,
        effort=found.effort,
        input_tokens=expected,
        cached_input_tokens=cached_input_tokens,
        visible_output_tokens=output_tokens,
        reasoning_tokens=Band[int](
            low=found.reasoning_tokens[0], expected=found.reasoning_tokens[1], high=found.reasoning_tokens[2]
        ),
        output_tokens=Band[int](
            low=found.output_tokens[0], expected=found.output_tokens[1], high=found.output_tokens[2]
        ),
        cost=Band[Cost](low=found.costs[0], expected=found.costs[1], high=found.costs[2]),
        ceiling=found.ceiling,
        output_cap=found.output_cap,
        tokens_exact=found.exact,
        evidence=found.evidence,
        input_tokens_range=None if found.exact else Band[int](low=low, expected=expected, high=high),
        tokens_evidence=found.tokens_evidence,
    )


#: Model kinds whose requests bill input only: no output, no reasoning.
INPUT_ONLY_KINDS: Final = frozenset({"embedding", "moderation"})


def estimate_count(
    count: RequestCount,
    info: ModelInfo,
    *,
    output_tokens: int,
    tier: str,
    at: dt.date | dt.datetime | str | None,
    catalog: Catalog,
    reasoning_effort: str | None = None,
    profile: ReasoningProfile | None = None,
    token_profile: TokenProfile | None = None,
    cached_input_tokens: int = 0,
) -> RequestRange:
    """The range and ceiling of a counted request.

    The request's own effort (``count.effort``) wins over ``reasoning_effort``, which wins over
    the model's default. ``output_tokens`` (visible, per answer) above the output cap is an error,
    as is any output on a request that bills input only. An approximate count becomes a band
    (:func:`costcalc.approximation.token_profile_for`); cacheable prompt tokens are priced as
    cache reads at the low end, as plain input at the expected one, and as cache writes at the
    high end and in the ceiling. Surcharges the request asks for scale every end.
    """
    tokens_profile = None if count.exact else token_profile_for(info, token_profile)
    if tokens_profile is None:
        ends = (count.input_tokens,) * 3
    else:
        ends = tokens_profile.tokens(count.input_tokens, count.fixed_tokens)
    cacheable = count.cache_5m_tokens + count.cache_1h_tokens
    prompts = tuple(
        Prompt(
            tokens,
            _scaled(count.cache_5m_tokens, tokens, count.input_tokens),
            _scaled(count.cache_1h_tokens, tokens, count.input_tokens),
        )
        if cacheable
        else Prompt(tokens)
        for tokens in ends
    )
    if count.input_only:
        if output_tokens:
            raise InvalidInputError(
                f"{info.id!r} is a{'n' if info.kind[0] in 'aeiou' else ''} {info.kind} model: it bills "
                f"input only, so output_tokens must be 0, got {output_tokens}",
                field="output_tokens",
            )
        band, effort, evidence, cap = NO_REASONING, None, "input only: no output, no reasoning", None
    else:
        effort = count.effort if count.effort is not None else reasoning_effort
        band, effort, evidence = reasoning_band(info, effort, profile)
        cap = count.output_cap if count.output_cap is not None else info.max_output_tokens
        if cap is not None and output_tokens > cap:
            raise InvalidInputError(
                f"{output_tokens} tokens exceed the output cap of {cap}; expect fewer "
                "(estimate_batch takes a function of the request body)",
                field="output_tokens",
            )
    check_context_window(info, ends[1], count.output_cap if count.output_cap is not None else output_tokens)
    reasoning, billed, costs, ceiling = priced_range(
        catalog,
        info.id,
        prompts,  # type: ignore[arg-type]  # three ends, built from the three-tuple ``ends``
        cached_input_tokens,
        output_tokens,
        band,
        cap,
        tier,
        at,
        choices=count.choices,
        provider=info.provider,
    )
    if count.input_only:
        ceiling = costs[0]  # input only: its one cost is its own ceiling
    for surcharge in count.surcharges:
        factor = info.surcharges.get(surcharge)
        if factor is None:
            raise UnpricedUsageError(
                f"the request asks for {surcharge!r}, but the catalog has no such surcharge for {info.id!r}",
                field=surcharge,
                model=info.id,
            )
        costs = (costs[0].scaled(factor), costs[1].scaled(factor), costs[2].scaled(factor))
        ceiling = None if ceiling is None else ceiling.scaled(factor)
    return RequestRange(
        model=info.id,
        effort=effort,
        evidence=evidence,
        input_tokens=ends,
        visible_output_tokens=output_tokens,
        reasoning_tokens=reasoning,
        output_tokens=billed,
        costs=costs,
        ceiling=ceiling,
        output_cap=cap,
        exact=tokens_profile is None,
        tokens_evidence=None if tokens_profile is None else tokens_profile.evidence,
    )


def _scaled(part: int, tokens: int, base: int) -> int:
    """``part`` of ``base`` tokens as a share of ``tokens`` (the same prompt counted another way)."""
    return min(tokens, -(-part * tokens // base)) if base else 0


def priced_range(
    cat: Catalog,
    model_id: str,
    prompt: int | tuple[Prompt, Prompt, Prompt],
    cached_input_tokens: int,
    visible: int,
    band: EffortBand,
    cap: int | None,
    tier: str,
    at: dt.date | dt.datetime | str | None,
    *,
    choices: int = 1,
    provider: str | None = None,
) -> tuple[tuple[int, int, int], tuple[int, int, int], tuple[Cost, Cost, Cost], Cost | None]:
    """Billed reasoning, billed output and cost at each end of ``band``, and the ceiling.

    ``prompt`` is the prompt's tokens, or one :class:`Prompt` per end (low, expected, high).
    The cap includes reasoning: the model reasons first, so a cap cuts the visible answer, then
    the reasoning. Each of ``choices`` answers bills its own output. The ceiling is the high end's
    prompt (its cacheable tokens written) plus the whole cap billed as output per answer (None:
    no cap).
    """
    prompts = (Prompt(prompt),) * 3 if isinstance(prompt, int) else prompt
    reasoning = (0, 0, 0) if band is NO_REASONING else band.reasoning_tokens(visible)
    done: dict[tuple[int, int, Prompt], tuple[int, int, Cost]] = {}
    ends = []
    for end, (r, p) in enumerate(zip(reasoning, prompts, strict=True)):
        cache = (end - 1) * bool(p.cache_5m or p.cache_1h)  # -1 read, 0 plain, 1 written
        key = (r, cache, p)
        if key not in done:
            per_answer = visible + r if cap is None else min(visible + r, cap)
            billed = min(r, per_answer)
            usage = _usage(p, cache, cached_input_tokens, per_answer * choices, billed * choices)
            done[key] = (
                billed * choices,
                per_answer * choices,
                cat.price(usage, model_id, tier=tier, at=at, provider=provider),
            )
        ends.append(done[key])
    ceiling = None
    if cap is not None:
        worst = _usage(prompts[2], 1, cached_input_tokens, cap * choices, 0)
        ceiling = cat.price(worst, model_id, tier=tier, at=at, provider=provider)
    return (
        (ends[0][0], ends[1][0], ends[2][0]),
        (ends[0][1], ends[1][1], ends[2][1]),
        (ends[0][2], ends[1][2], ends[2][2]),
        ceiling,
    )


def _usage(prompt: Prompt, cache: int, cached: int, output: int, reasoning: int) -> Usage:
    cacheable = prompt.cache_5m + prompt.cache_1h
    cached = min(cached, prompt.tokens)  # a band's low end can count fewer tokens than were cached
    if cache < 0 and cacheable:
        return Usage(
            input_tokens=prompt.tokens,
            cached_input_tokens=min(prompt.tokens, cached + cacheable),
            output_tokens=output,
            reasoning_tokens=reasoning,
        )
    if cache > 0 and cacheable:
        return Usage(
            input_tokens=prompt.tokens,
            cached_input_tokens=min(cached, prompt.tokens - cacheable),
            cache_write_tokens=prompt.cache_5m,
            cache_write_1h_tokens=prompt.cache_1h,
            output_tokens=output,
            reasoning_tokens=reasoning,
        )
    return Usage(
        input_tokens=prompt.tokens,
        cached_input_tokens=cached,
        output_tokens=output,
        reasoning_tokens=reasoning,
    )


def _count_argument(name: str, value: object, *, minimum: int) -> int:
    """A whole-number argument (an int, IntEnum included; never a bool or float) within bounds."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(f"must be a whole number, got {type(value).__name__}", field=name)
    if not minimum <= value <= MAX_TOKENS:
        raise InvalidInputError(f"must be between {minimum} and {MAX_TOKENS}, got {int(value)}", field=name)
    return int(value)


def reasoning_band(
    info: ModelInfo, effort: str | None, profile: ReasoningProfile | None = None
) -> tuple[EffortBand, str | None, str]:
    """The reasoning band of ``info`` at ``effort`` (its default when None), from ``profile`` or
    the model's built-in profile, with the effort used and the band's evidence. A model that does
    not reason takes no effort but "none"."""
    if profile is not None:
        band = profile.band(effort)
        return band, effort or profile.default, band.evidence
    builtin = profile_for_model(info.id, info.reasoning_profile)
    if builtin is None:
        if info.reasoning:
            raise InvalidInputError(
                f"{info.id!r} reasons but the catalog has no reasoning profile for it; pass profile= "
                "(for example one fitted with costcalc.calibrate)",
                field="profile",
            )
        if effort not in (None, "none"):
            raise InvalidInputError(
                f"{info.id!r} is not a reasoning model; it takes no reasoning_effort (got {effort!r})",
                field="reasoning_effort",
            )
        return NO_REASONING, None, NO_REASONING.evidence
    band = builtin.band(effort)
    return band, effort or builtin.default, band.evidence
