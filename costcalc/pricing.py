"""Usage, Rates and Cost: the numbers that go in and come out of :func:`costcalc.price`."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Final, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from costcalc._money import EXACT, ZERO, decimal_field, parse_decimal, per_token, quantize, tidy
from costcalc.errors import UnpricedUsageError

__all__ = ["MAX_TOKENS", "TIERS", "Cost", "Rates", "Tier", "Usage"]

#: Largest token count accepted in one Usage: far above any real bill, low enough to catch garbage.
MAX_TOKENS: Final = 10**15

Tier = Literal["standard", "batch", "flex", "priority", "fast"]
#: Service tiers in the order of their usual price (``fast`` is Anthropic's fast mode).
TIERS: Final[tuple[str, ...]] = get_args(Tier)

TokenCount = Annotated[
    int,
    Field(
        strict=True,
        ge=0,
        le=MAX_TOKENS,
        description="A whole number of tokens, 0 to 10**15 (booleans and floats are refused).",
    ),
]


Money = Annotated[Decimal, BeforeValidator(decimal_field("amount"))]
RatePerMillion = Annotated[Decimal, BeforeValidator(decimal_field("rate", non_negative=True))]


class Usage(BaseModel):
    """Tokens of one request, or of many summed.

    ``input_tokens`` is the whole prompt, cached and cache-write tokens included;
    ``output_tokens`` is everything billed as output, reasoning included (the OpenAI convention).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    input_tokens: TokenCount = 0
    cached_input_tokens: TokenCount = 0
    cache_write_tokens: TokenCount = 0
    output_tokens: TokenCount = 0
    reasoning_tokens: TokenCount = 0
    #: Cache writes with a 1-hour lifetime (Anthropic), priced apart from ``cache_write_tokens``.
    cache_write_1h_tokens: TokenCount = 0
    #: Uncached prompt tokens that are audio; they need an audio input rate.
    audio_input_tokens: TokenCount = 0
    #: Output tokens that are audio (not reasoning); they need an audio output rate.
    audio_output_tokens: TokenCount = 0

    @model_validator(mode="after")
    def _parts_within_totals(self) -> Usage:
        cached, total = self.cached_input_tokens, self.input_tokens
        written = self.cache_write_tokens + self.cache_write_1h_tokens
        if cached + written > total:
            raise ValueError(
                f"cached_input_tokens ({cached}) + cache_write_tokens ({self.cache_write_tokens}) "
                f"+ cache_write_1h_tokens ({self.cache_write_1h_tokens}) exceed input_tokens ({total}): "
                "input_tokens is the whole prompt, cached and cache-write tokens included (for "
                "Anthropic usage add them up, or use costcalc.usage_from_response)"
            )
        if self.audio_input_tokens > total - cached - written:
            raise ValueError(
                f"audio_input_tokens ({self.audio_input_tokens}) exceed the uncached input tokens "
                f"({total - cached - written}): audio input is part of the uncached prompt"
            )
        if self.reasoning_tokens > self.output_tokens:
            raise ValueError(
                f"reasoning_tokens ({self.reasoning_tokens}) exceed output_tokens "
                f"({self.output_tokens}): output_tokens includes reasoning"
            )
        if self.audio_output_tokens > self.output_tokens - self.reasoning_tokens:
            raise ValueError(
                f"audio_output_tokens ({self.audio_output_tokens}) exceed the visible output tokens "
                f"({self.output_tokens - self.reasoning_tokens}): audio output is part of output_tokens"
            )
        return self

    @property
    def uncached_input_tokens(self) -> int:
        """Prompt tokens billed at the plain input (or audio input) rate."""
        return (
            self.input_tokens
            - self.cached_input_tokens
            - self.cache_write_tokens
            - self.cache_write_1h_tokens
        )

    @property
    def visible_output_tokens(self) -> int:
        """Output tokens that are not hidden reasoning."""
        return self.output_tokens - self.reasoning_tokens

    def __add__(self, other: object) -> Usage:
        if not isinstance(other, Usage):
            return NotImplemented
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            cached_input_tokens=self.cached_input_tokens + other.cached_input_tokens,
            cache_write_tokens=self.cache_write_tokens + other.cache_write_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            reasoning_tokens=self.reasoning_tokens + other.reasoning_tokens,
            cache_write_1h_tokens=self.cache_write_1h_tokens + other.cache_write_1h_tokens,
            audio_input_tokens=self.audio_input_tokens + other.audio_input_tokens,
            audio_output_tokens=self.audio_output_tokens + other.audio_output_tokens,
        )

    def __radd__(self, other: object) -> Usage:
        # sum() starts from the int 0.
        if type(other) is int and other == 0:
            return self
        return NotImplemented


class Rates(BaseModel):
    """USD per 1,000,000 tokens, by kind of token."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    input: RatePerMillion
    cached_input: RatePerMillion
    cache_write: RatePerMillion
    output: RatePerMillion
    #: 1-hour cache writes (Anthropic: 2x input); ``None`` where the provider has no such writes.
    cache_write_1h: RatePerMillion | None = None
    #: Audio tokens; ``None`` where the catalog has no audio price (audio usage is then an error).
    audio_input: RatePerMillion | None = None
    audio_output: RatePerMillion | None = None

    def per_token(self) -> PerToken:
        """The four rates in USD per single token, exact and normalised (no trailing zeros)."""
        return (
            EXACT.normalize(per_token(self.input)),
            EXACT.normalize(per_token(self.cached_input)),
            EXACT.normalize(per_token(self.cache_write)),
            EXACT.normalize(per_token(self.output)),
        )

    def scaled(self, factor: Decimal) -> Rates:
        """These rates multiplied by ``factor`` exactly (``Decimal("0.8")`` for 20% off)."""
        mul = EXACT.multiply
        optional = {
            name: mul(value, factor)
            for name in ("cache_write_1h", "audio_input", "audio_output")
            if (value := getattr(self, name)) is not None
        }
        return Rates(
            input=mul(self.input, factor),
            cached_input=mul(self.cached_input, factor),
            cache_write=mul(self.cache_write, factor),
            output=mul(self.output, factor),
            **optional,
        )


PerToken = tuple[Decimal, Decimal, Decimal, Decimal]
_COMPONENTS: Final = ("input", "cached_input", "cache_write", "output")
_COST_FIELDS: Final = frozenset(
    ("input", "cached_input", "cache_write", "output", "total", "currency", "model", "tier", "rates")
)


class Cost(BaseModel):
    """What a usage costs, in USD, exact and unrounded unless :meth:`quantize` is asked.

    ``input`` prices the uncached prompt tokens (audio ones at the audio rate), ``cached_input``
    the cache reads, ``cache_write`` the cache writes (5-minute and 1-hour) and ``output`` every
    output token, reasoning included;
    ``total`` is their sum. ``model``, ``tier`` and ``rates`` say how it was priced (``None``
    once costs of different models, tiers or rates are added up).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    input: Money = ZERO
    cached_input: Money = ZERO
    cache_write: Money = ZERO
    output: Money = ZERO
    total: Money = ZERO
    currency: Literal["USD"] = "USD"
    model: str | None = None
    tier: Tier | None = None
    rates: Rates | None = None

    @model_validator(mode="after")
    def _total_is_the_sum(self) -> Cost:
        parts = EXACT.add(EXACT.add(self.input, self.cached_input), EXACT.add(self.cache_write, self.output))
        if parts != self.total:
            raise ValueError(
                f"total ({self.total}) is not the sum of input, cached_input, cache_write "
                f"and output ({parts})"
            )
        return self

    def __add__(self, other: object) -> Cost:
        if not isinstance(other, Cost):
            return NotImplemented
        add = EXACT.add
        return Cost.model_construct(
            input=tidy(add(self.input, other.input)),
            cached_input=tidy(add(self.cached_input, other.cached_input)),
            cache_write=tidy(add(self.cache_write, other.cache_write)),
            output=tidy(add(self.output, other.output)),
            total=tidy(add(self.total, other.total)),
            currency="USD",
            model=self.model if self.model == other.model else None,
            tier=self.tier if self.tier == other.tier else None,
            rates=self.rates if self.rates == other.rates else None,
        )

    def __radd__(self, other: object) -> Cost:
        # sum() starts from the int 0.
        if type(other) is int and other == 0:
            return self
        return NotImplemented

    def __mul__(self, count: object) -> Cost:
        if type(count) is not int:
            return NotImplemented
        if count < 0:
            raise ValueError(f"a cost can be scaled by a count of requests >= 0, got {count}")
        mul = EXACT.multiply
        return self.model_copy(
            update={
                "input": tidy(mul(self.input, count)),
                "cached_input": tidy(mul(self.cached_input, count)),
                "cache_write": tidy(mul(self.cache_write, count)),
                "output": tidy(mul(self.output, count)),
                "total": tidy(mul(self.total, count)),
            }
        )

    __rmul__ = __mul__

    def quantize(self, exp: Decimal | str = "0.01", *, rounding: str) -> Cost:
        """Every component rounded to ``exp`` with the named ``rounding`` mode.

        The total becomes the sum of the rounded components, as on an invoice whose lines are
        rounded; round :attr:`total` alone with ``costcalc.round_to`` if that is the rule instead.
        """
        step = parse_decimal(exp, "exp")
        parts = {name: quantize(getattr(self, name), step, rounding) for name in _COMPONENTS}
        total = EXACT.add(
            EXACT.add(parts["input"], parts["cached_input"]),
            EXACT.add(parts["cache_write"], parts["output"]),
        )
        return self.model_copy(update={**parts, "total": total})

    def _repr_html_(self) -> str:
        from costcalc._display import cost_html

        return cost_html(self)

    def __str__(self) -> str:
        name = f" {self.model}" if self.model else ""
        tier = f" ({self.tier})" if self.tier else ""
        return f"${tidy(self.total)}{name}{tier}"


def round_to(amount: Decimal, exp: Decimal | str = "0.01", *, rounding: str) -> Decimal:
    """``amount`` rounded to ``exp`` with the named ``rounding`` mode (e.g. ``ROUND_HALF_UP``)."""
    return quantize(amount, parse_decimal(exp, "exp"), rounding)


def _new_cost(values: dict[str, Any]) -> Cost:
    # What Cost.model_construct does, minus its per-call bookkeeping: the hot path builds a Cost
    # from values it computed itself. tests/test_pricing.py checks it equals model_construct.
    cost = _new(Cost)
    _set(cost, "__dict__", values)
    _set(cost, "__pydantic_fields_set__", set(_COST_FIELDS))
    _set(cost, "__pydantic_extra__", None)
    _set(cost, "__pydantic_private__", None)
    return cost


_new = object.__new__
_set = object.__setattr__


def compute_cost(
    usage: Usage, rates: Rates, model: str | None, tier: str | None, per_token: PerToken | None = None
) -> Cost:
    """Price ``usage`` at ``rates``: the hot path, exact, in the private context.

    ``per_token`` is ``rates.per_token()`` when the caller has it cached.
    """
    r_in, r_cached, r_write, r_out = per_token or rates.per_token()
    mul = EXACT.multiply
    uncached = usage.input_tokens - usage.cached_input_tokens - usage.cache_write_tokens
    cached = usage.cached_input_tokens
    written = usage.cache_write_tokens
    out = usage.output_tokens
    if usage.cache_write_1h_tokens or usage.audio_input_tokens or usage.audio_output_tokens:
        return _compute_with_extras(usage, rates, model, tier, (r_in, r_cached, r_write, r_out))
    c_in = tidy(mul(r_in, uncached)) if uncached else ZERO
    c_cached = tidy(mul(r_cached, cached)) if cached else ZERO
    c_write = tidy(mul(r_write, written)) if written else ZERO
    c_out = tidy(mul(r_out, out)) if out else ZERO
    return _cost_of(c_in, c_cached, c_write, c_out, model, tier, rates)


def _cost_of(
    c_in: Decimal,
    c_cached: Decimal,
    c_write: Decimal,
    c_out: Decimal,
    model: str | None,
    tier: str | None,
    rates: Rates,
) -> Cost:
    add = EXACT.add
    return _new_cost(
        {
            "input": c_in,
            "cached_input": c_cached,
            "cache_write": c_write,
            "output": c_out,
            "total": tidy(add(add(c_in, c_cached), add(c_write, c_out))),
            "currency": "USD",
            "model": model,
            "tier": tier,
            "rates": rates,
        }
    )


def _compute_with_extras(
    usage: Usage, rates: Rates, model: str | None, tier: str | None, pt: PerToken
) -> Cost:
    """The rarer kinds: 1-hour cache writes and audio tokens, each at its own rate or refused."""
    r_in, r_cached, r_write, r_out = pt
    mul, add = EXACT.multiply, EXACT.add
    name = model or "this model"

    def rate(value: Decimal | None, what: str, count: int) -> Decimal:
        if value is None:
            raise UnpricedUsageError(
                f"the usage has {count} {what} tokens but {name} has no {what} rate in the catalog; "
                "they cannot be priced as another kind (add the rate with Catalog.extend)"
            )
        return per_token(value)

    audio_in, audio_out, w1h = (
        usage.audio_input_tokens,
        usage.audio_output_tokens,
        usage.cache_write_1h_tokens,
    )
    text_in = usage.uncached_input_tokens - audio_in
    c_in = mul(r_in, text_in)
    if audio_in:
        c_in = add(c_in, mul(rate(rates.audio_input, "audio input", audio_in), audio_in))
    c_write = mul(r_write, usage.cache_write_tokens)
    if w1h:
        c_write = add(c_write, mul(rate(rates.cache_write_1h, "1-hour cache write", w1h), w1h))
    c_out = mul(r_out, usage.output_tokens - audio_out)
    if audio_out:
        c_out = add(c_out, mul(rate(rates.audio_output, "audio output", audio_out), audio_out))
    c_cached = mul(r_cached, usage.cached_input_tokens)
    return _cost_of(tidy(c_in), tidy(c_cached), tidy(c_write), tidy(c_out), model, tier, rates)
