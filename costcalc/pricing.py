"""Usage, Rates and Cost: the numbers that go in and come out of :func:`costcalc.price`.

A :class:`Usage` counts what one request (or many) consumed: tokens by kind (text, audio, image
and video; uncached, cached and written to the cache; output) and other billable ``units`` (web
search calls, audio minutes, characters...). :class:`Rates` price each kind; a kind with no rate
is never billed as another: :func:`compute_cost` raises :class:`UnpricedUsageError` naming it,
or with ``strict=False`` lists it in :attr:`Cost.unpriced`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Annotated, Any, Final, Literal, NamedTuple, Self, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    field_validator,
    model_validator,
)

from costcalc._money import (
    EXACT,
    ZERO,
    decimal_field,
    exact_sum,
    parse_decimal,
    per_token,
    plain,
    quantize,
    tidy,
)
from costcalc.errors import InvalidInputError, UnpricedUsageError
from costcalc.units import TOKEN_LINES, UNIT_NAME, describe_unit

__all__ = [
    "MAX_RATE",
    "MAX_TOKENS",
    "RATE_PLACES",
    "TIERS",
    "Cost",
    "Line",
    "Rates",
    "Tier",
    "Unpriced",
    "Usage",
    "compute_cost",
    "round_to",
]

#: Largest token count accepted in one Usage: far above any real bill, low enough to catch garbage.
MAX_TOKENS: Final = 10**15
#: Rates (USD per 1M tokens, or per unit) are below this and have at most RATE_PLACES decimals,
#: so every cost is exact in a bounded number of digits (and in integer units for tables).
MAX_RATE: Final = 10**9
RATE_PLACES: Final = 18

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

_plain_json = PlainSerializer(plain, return_type=str, when_used="json")
Money = Annotated[Decimal, BeforeValidator(decimal_field("amount")), _plain_json]
RatePerMillion = Annotated[
    Decimal,
    BeforeValidator(decimal_field("rate", non_negative=True, places=RATE_PLACES, below=MAX_RATE)),
    _plain_json,
]

#: Usage fields beyond the plain five (input, cached, cache write, output, reasoning).
EXTRA_TOKEN_FIELDS: Final = (
    "cache_write_1h_tokens",
    "cache_write_12h_tokens",
    "audio_input_tokens",
    "cached_audio_input_tokens",
    "audio_output_tokens",
    "image_input_tokens",
    "cached_image_input_tokens",
    "image_output_tokens",
    "video_input_tokens",
    "cached_video_input_tokens",
)
_TOKEN_FIELDS: Final = (
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
    *EXTRA_TOKEN_FIELDS,
)


def _unit_quantity(name: str, value: object) -> int | Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise ValueError(
            f"units[{name!r}] must be a whole number or a Decimal, got {type(value).__name__}"
            + ("; pass a string or a Decimal (floats are inexact)" if isinstance(value, float) else "")
        )
    number: int | Decimal = value if isinstance(value, int) else parse_decimal(value, f"units[{name!r}]")
    if number < 0 or number > MAX_TOKENS:
        raise ValueError(f"units[{name!r}] must be between 0 and {MAX_TOKENS}, got {number}")
    if isinstance(number, Decimal):
        exponent = EXACT.normalize(number).as_tuple().exponent
        if isinstance(exponent, int) and exponent < -RATE_PLACES:
            raise ValueError(f"units[{name!r}] has more than {RATE_PLACES} decimal places: {number}")
        if number == number.to_integral_value():
            return int(number)
    return number


class Usage(BaseModel):
    """What one request (or many, summed) consumed.

    ``input_tokens`` is the whole prompt: cached reads and cache writes included, and the audio,
    image and video tokens of the prompt included. ``output_tokens`` is everything billed as output:
    reasoning, audio and image output included (the OpenAI convention). The modality fields
    say how much of a bucket is audio, image or video; the rest of the bucket is text.
    ``units`` holds other billable quantities by name (``{"web_search_call": 2}``; see
    :data:`costcalc.units.UNITS`).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    input_tokens: TokenCount = 0
    cached_input_tokens: TokenCount = 0
    cache_write_tokens: TokenCount = 0
    output_tokens: TokenCount = 0
    reasoning_tokens: TokenCount = 0
    #: Cache writes with a 1-hour lifetime (Anthropic), priced apart from ``cache_write_tokens``.
    cache_write_1h_tokens: TokenCount = 0
    #: Cache writes with a 12-hour lifetime (OpenAI extended retention).
    cache_write_12h_tokens: TokenCount = 0
    #: Uncached prompt tokens that are audio / image / video.
    audio_input_tokens: TokenCount = 0
    image_input_tokens: TokenCount = 0
    video_input_tokens: TokenCount = 0
    #: Cached prompt tokens that are audio / image / video.
    cached_audio_input_tokens: TokenCount = 0
    cached_image_input_tokens: TokenCount = 0
    cached_video_input_tokens: TokenCount = 0
    #: Output tokens that are audio / image (not reasoning).
    audio_output_tokens: TokenCount = 0
    image_output_tokens: TokenCount = 0
    #: Other billable quantities by unit name: whole numbers, or Decimals for durations.
    units: dict[str, int | Decimal] = Field(default_factory=dict)

    # True when only the plain five token fields are set: price() takes its fastest path.
    _simple: bool = PrivateAttr(default=False)

    @field_validator("units", mode="before")
    @classmethod
    def _check_units(cls, value: Any) -> Any:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise ValueError(f"units must be a mapping of unit name to quantity, got {type(value).__name__}")
        out: dict[str, int | Decimal] = {}
        for name, quantity in value.items():
            if not isinstance(name, str) or not UNIT_NAME.match(name):
                raise ValueError(f"unit name {name!r} is not lowercase snake_case (e.g. 'web_search_call')")
            number = _unit_quantity(name, quantity)
            if number:
                out[name] = number
        return dict(sorted(out.items()))

    @model_validator(mode="after")
    def _parts_within_totals(self) -> Usage:
        d = self.__dict__  # plain reads: this runs for every Usage built
        total = d["input_tokens"]
        cached = d["cached_input_tokens"]
        long_writes = d["cache_write_1h_tokens"] + d["cache_write_12h_tokens"]
        written = d["cache_write_tokens"] + long_writes
        if cached + written > total:
            raise ValueError(
                f"cached_input_tokens ({cached}) + cache writes ({written}: cache_write_tokens, "
                f"cache_write_1h_tokens, cache_write_12h_tokens) exceed input_tokens ({total}): "
                "input_tokens is the whole prompt, cached and cache-write tokens included (for "
                "Anthropic usage add them up, or use costcalc.usage_from_response)"
            )
        media_in = d["audio_input_tokens"] + d["image_input_tokens"] + d["video_input_tokens"]
        if media_in > total - cached - written:
            raise ValueError(
                f"audio_input_tokens + image_input_tokens + video_input_tokens ({media_in}) exceed "
                f"the uncached input tokens ({total - cached - written}): they are part of the "
                "uncached prompt"
            )
        media_cached = (
            d["cached_audio_input_tokens"] + d["cached_image_input_tokens"] + d["cached_video_input_tokens"]
        )
        if media_cached > cached:
            raise ValueError(
                f"cached audio/image/video input tokens ({media_cached}) exceed cached_input_tokens "
                f"({cached}): they are part of the cached prompt"
            )
        output = d["output_tokens"]
        reasoning = d["reasoning_tokens"]
        if reasoning > output:
            raise ValueError(
                f"reasoning_tokens ({reasoning}) exceed output_tokens "
                f"({output}): output_tokens includes reasoning"
            )
        media_out = d["audio_output_tokens"] + d["image_output_tokens"]
        if media_out > output - reasoning:
            raise ValueError(
                f"audio_output_tokens + image_output_tokens ({media_out}) exceed the visible output "
                f"tokens ({output - reasoning}): they are part of output_tokens"
            )
        # EXTRA_TOKEN_FIELDS are exactly the long cache writes and the media counts summed above.
        simple = not (d["units"] or long_writes or media_in or media_cached or media_out)
        private = self.__pydantic_private__
        if private is None:  # pragma: no cover - pydantic sets it before after-validators run
            self._simple = simple
        else:
            private["_simple"] = simple  # past pydantic's __setattr__, which costs a microsecond
        return self

    # A Usage is always validated: copies and constructions re-check every rule, so a Usage with
    # negative or inconsistent counts cannot reach price().

    @classmethod
    def model_construct(  # type: ignore[override]  # pydantic's plugin types the fields; any work
        cls, _fields_set: set[str] | None = None, **values: Any
    ) -> Self:
        """Same as ``Usage(**values)``: a Usage is never built unvalidated."""
        return cls(**values)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with ``update`` applied, validated again like a new Usage."""
        values = {name: getattr(self, name) for name in type(self).model_fields}
        return type(self)(**{**values, **(update or {})})

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        # Only what is set: Usage(input_tokens=12000, output_tokens=3000).
        for name, value in super().__repr_args__():
            if value:
                yield name, value

    @property
    def simple(self) -> bool:
        """Only the plain text buckets are set (no modalities, long cache writes or units)."""
        return bool(self.__pydantic_private__ and self.__pydantic_private__["_simple"])

    @property
    def uncached_input_tokens(self) -> int:
        """Prompt tokens that were neither read from nor written to a cache (all modalities)."""
        return (
            self.input_tokens
            - self.cached_input_tokens
            - self.cache_write_tokens
            - self.cache_write_1h_tokens
            - self.cache_write_12h_tokens
        )

    @property
    def text_input_tokens(self) -> int:
        """Uncached prompt tokens that are text (billed at the plain input rate)."""
        return (
            self.uncached_input_tokens
            - self.audio_input_tokens
            - self.image_input_tokens
            - self.video_input_tokens
        )

    @property
    def text_cached_input_tokens(self) -> int:
        """Cached prompt tokens that are text."""
        return (
            self.cached_input_tokens
            - self.cached_audio_input_tokens
            - self.cached_image_input_tokens
            - self.cached_video_input_tokens
        )

    @property
    def visible_output_tokens(self) -> int:
        """Output tokens that are not hidden reasoning."""
        return self.output_tokens - self.reasoning_tokens

    @property
    def text_output_tokens(self) -> int:
        """Output tokens billed at the text output rate: reasoning plus visible text."""
        return self.output_tokens - self.audio_output_tokens - self.image_output_tokens

    def __add__(self, other: object) -> Usage:
        if not isinstance(other, Usage):
            return NotImplemented
        values: dict[str, Any] = {f: getattr(self, f) + getattr(other, f) for f in _TOKEN_FIELDS}
        if self.units or other.units:
            units = dict(self.units)
            for name, quantity in other.units.items():
                units[name] = EXACT.add(units[name], quantity) if name in units else quantity
            values["units"] = units
        return Usage(**values)

    def __radd__(self, other: object) -> Usage:
        # sum() starts from the int 0.
        if type(other) is int and other == 0:
            return self
        return NotImplemented

    def __mul__(self, count: object) -> Usage:
        if type(count) is not int:
            return NotImplemented
        if count < 0:
            raise InvalidInputError(f"a usage can be scaled by a count >= 0, got {count}", field="count")
        values: dict[str, Any] = {f: getattr(self, f) * count for f in _TOKEN_FIELDS}
        values["units"] = {n: EXACT.multiply(q, count) for n, q in self.units.items()}
        return Usage(**values)

    __rmul__ = __mul__

    def __hash__(self) -> int:
        return hash((tuple(getattr(self, f) for f in _TOKEN_FIELDS), tuple(self.units.items())))


class Rates(BaseModel):
    """The price of each kind of token (USD per 1,000,000 tokens) and of each unit (USD per unit).

    ``None`` means the source publishes no such rate: usage of that kind cannot be priced and is
    refused by name, never billed as another kind.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    input: RatePerMillion | None = None
    cached_input: RatePerMillion | None = None
    cache_write: RatePerMillion | None = None
    output: RatePerMillion | None = None
    #: 1-hour (Anthropic) and 12-hour (OpenAI extended retention) cache writes.
    cache_write_1h: RatePerMillion | None = None
    cache_write_12h: RatePerMillion | None = None
    audio_input: RatePerMillion | None = None
    cached_audio_input: RatePerMillion | None = None
    audio_output: RatePerMillion | None = None
    image_input: RatePerMillion | None = None
    cached_image_input: RatePerMillion | None = None
    image_output: RatePerMillion | None = None
    video_input: RatePerMillion | None = None
    cached_video_input: RatePerMillion | None = None
    #: USD per single unit, by unit name (``{"web_search_call": Decimal("0.01")}``).
    units: dict[str, RatePerMillion] = Field(default_factory=dict)

    @field_validator("units", mode="before")
    @classmethod
    def _check_units(cls, value: Any) -> Any:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise ValueError(
                f"units must be a mapping of unit name to USD per unit, got {type(value).__name__}"
            )
        for name in value:
            if not isinstance(name, str) or not UNIT_NAME.match(name):
                raise ValueError(f"unit name {name!r} is not lowercase snake_case (e.g. 'web_search_call')")
        return dict(value)

    @model_validator(mode="after")
    def _not_empty(self) -> Rates:
        if not self.units and all(getattr(self, name) is None for name in _RATE_FIELDS):
            raise ValueError("rates need at least one token rate or unit price")
        return self

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        # Only the published rates: Rates(input=Decimal('2'), output=Decimal('8')).
        for name, value in super().__repr_args__():
            if value is not None and value != {}:
                yield name, value

    @property
    def plain(self) -> bool:
        """Input, cached input, cache write and output are all priced (the fast path's rates)."""
        return None not in (self.input, self.cached_input, self.cache_write, self.output)

    def per_token(self) -> PerToken:
        """The four plain rates in USD per single token, exact and normalised; ``None`` where absent."""
        return (
            _per_token(self.input),
            _per_token(self.cached_input),
            _per_token(self.cache_write),
            _per_token(self.output),
        )

    def scaled(self, factor: Decimal) -> Rates:
        """These rates multiplied by ``factor`` exactly (``Decimal("0.8")`` for 20% off)."""
        mul = EXACT.multiply
        values: dict[str, Any] = {
            name: mul(value, factor) for name in _RATE_FIELDS if (value := getattr(self, name)) is not None
        }
        values["units"] = {name: mul(value, factor) for name, value in self.units.items()}
        return Rates(**values)

    def values(self) -> Iterator[Decimal]:
        """Every rate and unit price that is set."""
        for name in _RATE_FIELDS:
            value = getattr(self, name)
            if value is not None:
                yield value
        yield from self.units.values()


_RATE_FIELDS: Final = tuple(name for name in Rates.model_fields if name != "units")
PerToken = tuple[Decimal | None, Decimal | None, Decimal | None, Decimal | None]


def _per_token(rate: Decimal | None) -> Decimal | None:
    return None if rate is None else EXACT.normalize(per_token(rate))


class Line(NamedTuple):
    """One line of a bill: ``quantity`` of ``name`` at ``rate`` is ``amount`` USD.

    Token lines have ``rate`` in USD per 1,000,000 tokens and ``per`` = 1,000,000; unit lines
    have ``rate`` in USD per unit and ``per`` = 1. ``bucket`` is the Cost field the line adds to
    (``input``, ``cached_input``, ``cache_write``, ``output`` or ``fees``).
    """

    name: str
    quantity: int | Decimal | None
    rate: Decimal | None
    per: int
    amount: Decimal
    bucket: str


class Unpriced(NamedTuple):
    """A billable quantity that could not be priced (only with ``strict=False``): the cost is low
    by its amount. ``field`` names it (a Usage field, a unit or a payload path)."""

    field: str
    quantity: int | Decimal
    reason: str


_BUCKETS: Final = ("input", "cached_input", "cache_write", "output", "fees")
_COST_FIELDS: Final = frozenset(
    (
        *_BUCKETS,
        "total",
        "currency",
        "model",
        "tier",
        "rates",
        "usage",
        "extra_lines",
        "unpriced",
        "reported_cost",
    )
)


class Cost(BaseModel):
    """What a usage costs, in USD, exact and unrounded unless :meth:`quantize` is asked.

    ``input`` prices the uncached prompt tokens (audio, image and video ones at their own rates),
    ``cached_input`` the cache reads, ``cache_write`` the cache writes (every retention),
    ``output`` every output token (reasoning, audio and image included) and ``fees`` everything
    that is not a token of this model: tool calls, per-unit charges, tokens billed at another
    model's rates (the image generation tool). ``total`` is their sum; :attr:`lines` lists the
    bill line by line. ``unpriced`` lists what could not be priced (``strict=False`` only): then
    the total is a lower bound, and every display says so. ``reported_cost`` is what the provider
    itself said the call cost (OpenRouter's ``usage.cost``, xAI's ``cost_in_usd_ticks``...), kept
    beside costcalc's own price and shown next to it; ``None`` when the payload reports none.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    input: Money = ZERO
    cached_input: Money = ZERO
    cache_write: Money = ZERO
    output: Money = ZERO
    fees: Money = ZERO
    total: Money = ZERO
    currency: Literal["USD"] = "USD"
    model: str | None = None
    tier: Tier | None = None
    rates: Rates | None = None
    #: The usage that was priced (``None`` for sums of different models, tiers or rates).
    usage: Usage | None = None
    #: Lines that ``usage`` x ``rates`` do not give: parts priced at another model's rates, and
    #: the lines of summed costs.
    extra_lines: tuple[Line, ...] = ()
    unpriced: tuple[Unpriced, ...] = ()
    #: The provider's own figure for this cost, when its payload reports one (not part of ``total``).
    reported_cost: Money | None = None

    @model_validator(mode="after")
    def _total_is_the_sum(self) -> Cost:
        add = EXACT.add
        parts = add(add(add(self.input, self.cached_input), add(self.cache_write, self.output)), self.fees)
        if parts != self.total:
            raise ValueError(
                f"total ({self.total}) is not the sum of input, cached_input, cache_write, output "
                f"and fees ({parts})"
            )
        return self

    @property
    def complete(self) -> bool:
        """Every billable quantity was priced (nothing in :attr:`unpriced`)."""
        return not self.unpriced

    @property
    def lines(self) -> tuple[Line, ...]:
        """The bill, line by line; the amounts add up to :attr:`total`."""
        if self.usage is not None and self.rates is not None:
            return bill_lines(self.usage, self.rates, strict=False)[0] + self.extra_lines
        if self.extra_lines:
            return self.extra_lines
        # A cost built from amounts alone: one line per non-zero bucket.
        return tuple(
            Line(name, None, None, 1_000_000 if name != "fees" else 1, amount, name)
            for name in _BUCKETS
            if (amount := getattr(self, name))
        )

    def __add__(self, other: object) -> Cost:
        if not isinstance(other, Cost):
            return NotImplemented
        add = EXACT.add
        same = self.model == other.model and self.tier == other.tier and self.rates == other.rates
        values: dict[str, Any] = {
            name: tidy(add(getattr(self, name), getattr(other, name))) for name in _BUCKETS
        }
        values["total"] = tidy(add(self.total, other.total))
        usage = None
        if same and self.usage is not None and other.usage is not None:
            usage = self.usage + other.usage
            extra = _merge_lines(self.extra_lines, other.extra_lines)
        else:
            extra = _merge_lines(self.lines, other.lines)
        return Cost.model_construct(
            **values,
            currency="USD",
            model=self.model if self.model == other.model else None,
            tier=self.tier if self.tier == other.tier else None,
            rates=self.rates if same else None,
            usage=usage,
            extra_lines=extra,
            unpriced=self.unpriced + other.unpriced,
            reported_cost=None
            if self.reported_cost is None or other.reported_cost is None
            else tidy(add(self.reported_cost, other.reported_cost)),
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
            raise InvalidInputError(
                f"a cost can be scaled by a count of requests >= 0, got {count}", field="count"
            )
        mul = EXACT.multiply
        update: dict[str, Any] = {
            name: tidy(mul(getattr(self, name), count)) for name in (*_BUCKETS, "total")
        }
        update["usage"] = None if self.usage is None else self.usage * count
        update["extra_lines"] = tuple(
            line._replace(
                quantity=None if line.quantity is None else mul(line.quantity, count),
                amount=tidy(mul(line.amount, count)),
            )
            for line in self.extra_lines
        )
        update["unpriced"] = tuple(u._replace(quantity=mul(u.quantity, count)) for u in self.unpriced)
        if self.reported_cost is not None:
            update["reported_cost"] = tidy(mul(self.reported_cost, count))
        return self.model_copy(update=update)

    __rmul__ = __mul__

    def with_part(self, label: str, part: Cost) -> Cost:
        """This cost plus ``part`` (priced at another model's rates) as fees, its lines labelled."""
        add = EXACT.add
        lines = tuple(
            line._replace(name=f"{label}: {line.name}", bucket="fees")
            for line in part.lines
            if line.amount or line.quantity
        )
        return Cost.model_construct(
            **{name: getattr(self, name) for name in ("input", "cached_input", "cache_write", "output")},
            fees=tidy(add(self.fees, part.total)),
            total=tidy(add(self.total, part.total)),
            currency="USD",
            model=self.model,
            tier=self.tier,
            rates=self.rates,
            usage=self.usage,
            extra_lines=self.extra_lines + lines,
            unpriced=self.unpriced + tuple(u._replace(field=f"{label}: {u.field}") for u in part.unpriced),
            reported_cost=self.reported_cost,
        )

    def scaled(self, factor: Decimal) -> Cost:
        """This cost with every rate and amount multiplied by ``factor`` exactly (a surcharge)."""
        mul = EXACT.multiply
        update: dict[str, Any] = {
            name: tidy(mul(getattr(self, name), factor)) for name in (*_BUCKETS, "total")
        }
        update["rates"] = None if self.rates is None else self.rates.scaled(factor)
        update["extra_lines"] = tuple(
            line._replace(
                rate=None if line.rate is None else mul(line.rate, factor),
                amount=tidy(mul(line.amount, factor)),
            )
            for line in self.extra_lines
        )
        return self.model_copy(update=update)

    def with_unpriced(self, items: tuple[Unpriced, ...]) -> Cost:
        """This cost with more quantities listed as unpriced."""
        return self.model_copy(update={"unpriced": self.unpriced + items}) if items else self

    def quantize(self, exp: Decimal | str = "0.01", *, rounding: str) -> Cost:
        """Every component rounded to ``exp`` with the named ``rounding`` mode.

        The total becomes the sum of the rounded components, as on an invoice whose lines are
        rounded; round :attr:`total` alone with ``costcalc.round_to`` if that is the rule instead.
        """
        step = parse_decimal(exp, "exp")
        parts = {name: quantize(getattr(self, name), step, rounding) for name in _BUCKETS}
        return self.model_copy(update={**parts, "total": exact_sum(*parts.values())})

    def _repr_html_(self) -> str:
        from costcalc._display import table, usd

        rows = [[line.name, _quantity_text(line), usd(line.amount)] for line in self.lines]
        rows.append(["total", "", usd(self.total)])
        if self.reported_cost is not None:
            rows.append(["reported by the provider", "", usd(self.reported_cost)])
        rows += [["UNPRICED " + u.field, str(u.quantity), u.reason] for u in self.unpriced]
        caption = " ".join(filter(None, [self.model, f"({self.tier})" if self.tier else None])) or "cost"
        if self.unpriced:
            caption += ": INCOMPLETE, the total leaves out the unpriced lines"
        return table(rows, ["line", "quantity", "USD"], caption)

    def __str__(self) -> str:
        name = f" {self.model}" if self.model else ""
        tier = f" ({self.tier})" if self.tier else ""
        text = f"${plain(self.total)}{name}{tier}"
        if self.reported_cost is not None:
            text += f" (provider reported ${plain(self.reported_cost)})"
        if self.unpriced:
            missing = ", ".join(f"{u.field} ({u.quantity})" for u in self.unpriced)
            text += f" + UNPRICED: {missing}"
        return text


def _quantity_text(line: Line) -> str:
    if line.quantity is None:
        return ""
    what = "tokens" if line.per == 1_000_000 else describe_unit(line.name.rpartition(": ")[2])
    return f"{line.quantity:,} {what}" if isinstance(line.quantity, int) else f"{line.quantity} {what}"


def _merge_lines(a: tuple[Line, ...], b: tuple[Line, ...]) -> tuple[Line, ...]:
    if not b:
        return a
    if not a:
        return b
    merged: dict[str, Line] = {line.name: line for line in a}
    add = EXACT.add
    for line in b:
        old = merged.get(line.name)
        if old is None:
            merged[line.name] = line
        else:
            merged[line.name] = Line(
                line.name,
                None if old.quantity is None or line.quantity is None else add(old.quantity, line.quantity),
                old.rate if old.rate == line.rate else None,
                line.per,
                tidy(add(old.amount, line.amount)),
                line.bucket,
            )
    return tuple(merged.values())


def round_to(amount: Decimal, exp: Decimal | str = "0.01", *, rounding: str) -> Decimal:
    """``amount`` rounded to ``exp`` with the named ``rounding`` mode (e.g. ``ROUND_HALF_UP``).

    ``amount`` is a Decimal, an int or a decimal string; floats are refused (they are inexact).
    """
    return quantize(parse_decimal(amount, "amount"), parse_decimal(exp, "exp"), rounding)


# -- computing a cost ---------------------------------------------------------------------------


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
    usage: Usage,
    rates: Rates,
    model: str | None,
    tier: str | None,
    per_token: PerToken | None = None,
    *,
    strict: bool = True,
) -> Cost:
    """Price ``usage`` at ``rates``: the hot path, exact, in the private context.

    ``per_token`` is ``rates.per_token()`` when the caller has it cached. A quantity with no rate
    raises :class:`UnpricedUsageError` naming it and the model; with ``strict=False`` it is left
    out of the amounts and listed in :attr:`Cost.unpriced`.
    """
    r_in, r_cached, r_write, r_out = per_token or rates.per_token()
    private = usage.__pydantic_private__
    if (
        private is None
        or not private["_simple"]
        or r_in is None
        or r_cached is None
        or r_write is None
        or r_out is None
    ):
        return _compute_general(usage, rates, model, tier, strict)
    mul = EXACT.multiply
    uncached = usage.input_tokens - usage.cached_input_tokens - usage.cache_write_tokens
    cached = usage.cached_input_tokens
    written = usage.cache_write_tokens
    out = usage.output_tokens
    c_in = tidy(mul(r_in, uncached)) if uncached else ZERO
    c_cached = tidy(mul(r_cached, cached)) if cached else ZERO
    c_write = tidy(mul(r_write, written)) if written else ZERO
    c_out = tidy(mul(r_out, out)) if out else ZERO
    add = EXACT.add
    return _new_cost(
        {
            "input": c_in,
            "cached_input": c_cached,
            "cache_write": c_write,
            "output": c_out,
            "fees": ZERO,
            "total": tidy(add(add(c_in, c_cached), add(c_write, c_out))),
            "currency": "USD",
            "model": model,
            "tier": tier,
            "rates": rates,
            "usage": usage,
            "extra_lines": (),
            "unpriced": (),
            "reported_cost": None,
        }
    )


def bill_lines(
    usage: Usage, rates: Rates, *, strict: bool, model: str | None = None
) -> tuple[tuple[Line, ...], tuple[Unpriced, ...]]:
    """Every line of the bill for ``usage`` at ``rates``, and what had no rate.

    A line with a zero quantity is left out. A non-zero quantity with no rate raises
    :class:`UnpricedUsageError` (``strict``) or is returned as :class:`Unpriced`.
    """
    lines: list[Line] = []
    missing: list[Unpriced] = []
    mul = EXACT.multiply
    for line, count_field, rate_field, bucket in TOKEN_LINES:
        count = getattr(usage, count_field)
        if not count:
            continue
        rate = getattr(rates, rate_field)
        if rate is None:
            reason = _no_rate(model, f"{rate_field} rate", count, count_field)
            if strict:
                raise UnpricedUsageError(reason, field=count_field, model=model)
            missing.append(Unpriced(count_field, count, reason))
            continue
        lines.append(Line(line, count, rate, 1_000_000, tidy(mul(per_token(rate), count)), bucket))
    for unit, quantity in usage.units.items():
        price = rates.units.get(unit)
        if price is None:
            reason = _no_rate(
                model, f"price for {unit!r} ({describe_unit(unit)})", quantity, f"units[{unit!r}]"
            )
            if strict:
                raise UnpricedUsageError(reason, field=f"units.{unit}", model=model)
            missing.append(Unpriced(f"units.{unit}", quantity, reason))
            continue
        lines.append(Line(unit, quantity, price, 1, tidy(mul(price, quantity)), "fees"))
    return tuple(lines), tuple(missing)


def _no_rate(model: str | None, what: str, count: int | Decimal, field: str) -> str:
    name = repr(model) if model else "this model"
    return (
        f"{field} is {count} but {name} has no {what} in the catalog at this tier and date; it "
        "cannot be priced as another kind (add the rate with Catalog.extend, or pass strict=False "
        "to get the cost without it, listed in Cost.unpriced)"
    )


def _compute_general(usage: Usage, rates: Rates, model: str | None, tier: str | None, strict: bool) -> Cost:
    lines, missing = bill_lines(usage, rates, strict=strict, model=model)
    add = EXACT.add
    sums = dict.fromkeys(_BUCKETS, ZERO)
    for line in lines:
        sums[line.bucket] = add(sums[line.bucket], line.amount)
    total = ZERO
    for name in _BUCKETS:
        sums[name] = tidy(sums[name])
        total = add(total, sums[name])
    return _new_cost(
        {
            **sums,
            "total": tidy(total),
            "currency": "USD",
            "model": model,
            "tier": tier,
            "rates": rates,
            "usage": usage,
            "extra_lines": (),
            "unpriced": missing,
            "reported_cost": None,
        }
    )
