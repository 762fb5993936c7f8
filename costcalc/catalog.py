"""The model catalog: dated prices per model and tier, name lookup, user catalogs.

The built-in data lives in ``costcalc/data/<provider>.toml``; never read at import, each model's
block is parsed and validated the first time a name it defines is looked up (everything is read
when a question needs every model). User catalogs are validated whole when they are built. A
:class:`Catalog` is immutable: extending it or applying a discount returns a new one, so there is
no global state to patch.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import json
import re
import threading
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal, Self, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from costcalc._money import EXACT, decimal_field, parse_decimal
from costcalc.errors import (
    AmbiguousModelError,
    CatalogError,
    InvalidInputError,
    NoPriceError,
    UnknownModelError,
    UnsupportedTierError,
)
from costcalc.pricing import MAX_TOKENS, TIERS, Cost, PerToken, Rates, Usage, compute_cost

if TYPE_CHECKING:
    from costcalc.importers import SkippedEntry

__all__ = [
    "KINDS",
    "Catalog",
    "ImageSpec",
    "ModelInfo",
    "PricePeriod",
    "ResolvedModel",
    "TierPrice",
    "as_date",
    "catalog_or_default",
    "default_catalog",
    "get_model",
    "list_models",
    "price",
]


class TierPrice(BaseModel):
    """The rates of one service tier; above ``above`` input tokens, ``long`` applies to the request."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rates: Rates
    above: int | None = Field(default=None, gt=0, strict=True)
    long: Rates | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_data(cls, raw: Any) -> Any:
        # Data files write a tier flat: { input = .., output = .., above = N, long = { .. } };
        # long-context rates keep the tier's unit prices unless they list their own.
        if isinstance(raw, Mapping) and "rates" not in raw:
            flat = dict(raw)
            above = flat.pop("above", None)
            long = flat.pop("long", None)
            if isinstance(long, Mapping) and "units" in flat and "units" not in long:
                long = {**long, "units": flat["units"]}
            return {"rates": flat, "above": above, "long": long}
        return raw

    @model_validator(mode="after")
    def _long_needs_threshold(self) -> TierPrice:
        if (self.above is None) != (self.long is None):
            raise ValueError("a long-context tier needs both 'above' (input tokens) and 'long' (rates)")
        return self

    def rates_for(self, input_tokens: int) -> Rates:
        """The rates that bill a request with ``input_tokens`` prompt tokens (a cliff, not brackets)."""
        if self.long is not None and self.above is not None and input_tokens > self.above:
            return self.long
        return self.rates


class PricePeriod(BaseModel):
    """Prices in force from ``since`` (``None``: since launch) until the next period starts.

    ``source``, ``checked`` and ``verified`` say where the rates come from, when they were last
    checked and what they were checked against; ``ends`` is the announced end of an introductory
    price. A period-level ``units`` table (USD per unit) applies to every tier that lists none.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    since: dt.date | None = None
    standard: TierPrice
    batch: TierPrice | None = None
    flex: TierPrice | None = None
    priority: TierPrice | None = None
    fast: TierPrice | None = None
    source: str | None = None
    checked: dt.date | None = None
    verified: tuple[str, ...] = ()
    ends: dt.date | None = None
    note: str | None = None
    #: The published rule some rates were computed by ("Batch is 50% of standard"), with its source.
    rule: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _units_to_tiers(cls, raw: Any) -> Any:
        if isinstance(raw, Mapping) and "units" in raw:
            data = dict(raw)
            units = data.pop("units")
            for name in TIERS:
                tier = data.get(name)
                if isinstance(tier, Mapping) and "rates" not in tier and "units" not in tier:
                    data[name] = {**tier, "units": units}
            return data
        return raw

    @property
    def tiers(self) -> tuple[str, ...]:
        """The service tiers offered in this period."""
        return tuple(t for t in TIERS if getattr(self, t) is not None)

    def tier(self, name: str) -> TierPrice | None:
        """The prices of tier ``name``, or ``None`` when it is not offered."""
        if name not in TIERS:
            raise InvalidInputError(f"unknown tier {name!r}; tiers are {', '.join(TIERS)}", field="tier")
        result: TierPrice | None = getattr(self, name)
        return result


class ImageSpec(BaseModel):
    """How a model bills image inputs (OpenAI "Images and vision" guide, "Calculating costs").

    ``tile``: ``base`` tokens, plus ``tile`` tokens per 512-px tile at high detail.
    ``patch``: one token per 32-px patch (at most 1,536), times ``multiplier``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    method: Literal["tile", "patch"]
    base: int | None = Field(default=None, gt=0)
    tile: int | None = Field(default=None, gt=0)
    multiplier: Decimal | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _fields_of_the_method(self) -> ImageSpec:
        if self.method == "tile" and (self.base is None or self.tile is None or self.multiplier is not None):
            raise ValueError("the tile method takes 'base' and 'tile' (tokens), not 'multiplier'")
        if self.method == "patch" and (
            self.multiplier is None or self.base is not None or self.tile is not None
        ):
            raise ValueError("the patch method takes 'multiplier', not 'base' or 'tile'")
        return self


Multiplier = Annotated[
    Decimal, BeforeValidator(decimal_field("multiplier", non_negative=True, places=6, below=100))
]

#: What a model is for; the batch endpoints and the estimators check it.
Kind = Literal[
    "chat",
    "completion",
    "embedding",
    "moderation",
    "realtime",
    "audio",
    "transcription",
    "speech",
    "image",
    "video",
    "rerank",
]
KINDS: Final[tuple[str, ...]] = get_args(Kind)
_NAME: Final = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class ModelInfo(BaseModel):
    """One model as one provider sells it: how its prompts are tokenized, its limits, its prices.

    ``provider`` is who bills the call (``openai``, ``bedrock``, ``azure``...), ``creator`` who
    made the model (Claude on Bedrock: ``anthropic``). The same model sold by two providers is
    two entries, each priced from its own provider's page.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    creator: str = ""
    kind: Kind = "chat"
    aliases: tuple[str, ...] = ()
    encoding: str = "o200k_base"
    tokenizer_exact: bool = Field(default=True, strict=True)
    context_window: int | None = Field(default=None, gt=0, strict=True)
    max_output_tokens: int | None = Field(default=None, gt=0, strict=True)
    reasoning: bool = Field(default=False, strict=True)
    #: The name of the model's reasoning-inflation profile (``costcalc/data/reasoning.toml``).
    reasoning_profile: str | None = None
    image: ImageSpec | None = None
    #: The day the provider stopped serving the model (kept to price old bills).
    retired: dt.date | None = None
    #: Multipliers a payload can ask for by name (``{"inference_geo_us": "1.1"}``), with sources.
    surcharges: dict[str, Multiplier] = Field(default_factory=dict)
    source: str = Field(min_length=1)
    checked: dt.date
    note: str | None = None
    prices: tuple[PricePeriod, ...] = Field(min_length=1)

    @field_validator("id", "provider", "creator", "aliases", mode="before")
    @classmethod
    def _lowercase(cls, value: Any) -> Any:
        if isinstance(value, str):
            return value.strip().lower()
        if isinstance(value, list | tuple):
            return tuple(a.strip().lower() if isinstance(a, str) else a for a in value)
        return value

    @field_validator("provider", "creator")
    @classmethod
    def _provider_name(cls, value: str) -> str:
        if value and not _NAME.match(value):
            raise ValueError(f"a provider is lowercase letters, digits, '_', '-' or '.', got {value!r}")
        return value

    @model_validator(mode="after")
    def _periods_in_order(self) -> ModelInfo:
        if not self.creator:
            object.__setattr__(self, "creator", self.provider)
        dates = [p.since for p in self.prices]
        if any(d is None for d in dates[1:]):
            raise ValueError("only the first price period may leave out 'since'")
        known = [d for d in dates if d is not None]
        if any(a >= b for a, b in itertools.pairwise(known)):
            raise ValueError(f"price periods must have strictly increasing 'since' dates, got {known}")
        if self.reasoning_profile is not None and not self.reasoning:
            raise ValueError("a reasoning_profile is for reasoning models (reasoning = true)")
        return self

    @property
    def tokenizer(self) -> str:
        """The tiktoken encoding that counts this model's prompts exactly, or
        ``"approximate:<encoding>"`` when the provider publishes no tokenizer (Claude, Gemini...):
        counts are then estimates (see :func:`costcalc.calibrate_tokens`)."""
        return self.encoding if self.tokenizer_exact else f"approximate:{self.encoding}"

    @property
    def key(self) -> tuple[str, str]:
        """``(provider, id)``: unique in a catalog."""
        return self.provider, self.id

    def period(self, at: dt.date | dt.datetime | str | None = None) -> PricePeriod:
        """The price period in force at ``at`` (a date, a datetime taken as UTC if naive, or today)."""
        prices = self.prices
        day = as_date(at)
        for p in reversed(prices):
            if p.since is None or p.since <= day:
                return p
        raise NoPriceError(f"model {self.id!r} has no price before {prices[0].since}; asked for {day}")

    def tiers(self, at: dt.date | dt.datetime | str | None = None) -> tuple[str, ...]:
        """The service tiers offered at ``at``."""
        return self.period(at).tiers

    def tier_price(self, tier: str = "standard", at: dt.date | dt.datetime | str | None = None) -> TierPrice:
        """The prices of ``tier`` at ``at``; a tier the model does not offer is an error."""
        period = self.period(at)
        found = period.tier(tier)
        if found is None:
            raise UnsupportedTierError(self.id, tier, period.tiers)
        return found

    def rates(
        self,
        tier: str = "standard",
        at: dt.date | dt.datetime | str | None = None,
        *,
        input_tokens: int = 0,
    ) -> Rates:
        """The rates that bill a request of ``input_tokens`` prompt tokens on ``tier`` at ``at``."""
        return self.tier_price(tier, at).rates_for(input_tokens)

    def price(
        self,
        usage: Usage,
        *,
        tier: str = "standard",
        at: dt.date | dt.datetime | str | None = None,
        strict: bool = True,
    ) -> Cost:
        """The exact cost of ``usage`` on this model."""
        rates = self.tier_price(tier, at).rates_for(usage.input_tokens)
        return compute_cost(usage, rates, self.id, tier, strict=strict)


def as_date(at: dt.date | dt.datetime | str | None) -> dt.date:
    """The UTC day of ``at``: a date, a datetime (naive ones are taken as UTC), an ISO string, or
    today when ``None``. Anything else is an :class:`InvalidInputError` naming ``at``."""
    if at is None:
        return dt.datetime.now(dt.UTC).date()
    if isinstance(at, dt.datetime):
        if at.tzinfo is not None:
            at = at.astimezone(dt.UTC)
        return at.date()
    if isinstance(at, dt.date):
        return at
    if isinstance(at, str):
        try:
            return as_date(dt.datetime.fromisoformat(at.strip()))
        except ValueError:
            raise InvalidInputError(f"{at!r} is not an ISO date such as '2025-06-10'", field="at") from None
    raise InvalidInputError(
        f"expected a date, a datetime, an ISO string or None, got {type(at).__name__} {at!r}", field="at"
    )


# -- the hot path's view of a model: plain tuples, built once per model and catalog --------------

# (above, rates, per-token rates, long rates, long per-token rates); above is MAX_TOKENS if untiered.
TierRates = tuple[int, Rates, PerToken, Rates, PerToken]


class ResolvedModel:
    """A model with its prices laid out for fast lookup: ``periods`` is ``(since, {tier: TierRates})``
    oldest first; ``single`` is the one period's table when the price never changed."""

    __slots__ = ("model", "periods", "single")

    def __init__(self, model: ModelInfo) -> None:
        self.model = model
        periods = []
        for p in model.prices:
            tiers: dict[str, TierRates] = {}
            for name in p.tiers:
                tp: TierPrice = getattr(p, name)
                pt = tp.rates.per_token()
                if tp.long is not None and tp.above is not None:
                    tiers[name] = (tp.above, tp.rates, pt, tp.long, tp.long.per_token())
                else:
                    tiers[name] = (MAX_TOKENS, tp.rates, pt, tp.rates, pt)
            periods.append((p.since, tiers))
        self.periods: tuple[tuple[dt.date | None, dict[str, TierRates]], ...] = tuple(periods)
        self.single = periods[0][1] if len(periods) == 1 and periods[0][0] is None else None

    def tiers_at(self, at: dt.date | dt.datetime | str | None) -> dict[str, TierRates]:
        """The tier table in force at ``at``."""
        if self.single is not None:
            if at is not None:
                as_date(at)  # a bad date is an error even when the price never changed
            return self.single
        day = as_date(at)
        for since, tiers in reversed(self.periods):
            if since is None or since <= day:
                return tiers
        raise NoPriceError(
            f"model {self.model.id!r} has no price before {self.periods[0][0]}; asked for {day}"
        )


# -- loading -------------------------------------------------------------------------------------

_FILE_KEYS: Final = (
    "provider",
    "source",
    "checked",
    "tokenizer_exact",
    "prefixes",
    "qualified_only",
    "surcharges",
    "same_rate",
    "note",
    "models",
)


def _models_from_document(doc: Any, origin: str) -> tuple[list[ModelInfo], dict[str, str], set[str]]:
    """Validate one catalog document: file-level defaults plus a list of ``models``. Returns the
    models, the name prefixes the document declares (prefix -> provider), and the providers whose
    names resolve only with their prefix or ``provider=`` (``qualified_only = true``)."""
    if not isinstance(doc, Mapping):
        raise CatalogError(f"{origin}: a catalog is a table with a 'models' list, got {type(doc).__name__}")
    unknown = set(doc) - set(_FILE_KEYS)
    if unknown:
        raise CatalogError(f"{origin}: unknown top-level keys {sorted(map(str, unknown))}")
    entries = doc.get("models")
    if not isinstance(entries, list) or not entries:
        raise CatalogError(f"{origin}: 'models' must be a non-empty list of model tables")
    defaults = {
        k: doc[k] for k in ("provider", "source", "checked", "tokenizer_exact", "surcharges") if k in doc
    }
    same = _same_rate_rule(doc.get("same_rate", {}), origin)
    models = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise CatalogError(f"{origin}: models[{i}] must be a table, got {type(entry).__name__}")
        data = {**defaults, **entry}
        if same and isinstance(data.get("prices"), list):
            data["prices"] = [_apply_same_rate(p, same) for p in data["prices"]]
        try:
            _refuse_floats(data, f"models[{i}]")
            models.append(ModelInfo.model_validate(data))
        except (ValidationError, TypeError, ValueError) as exc:
            name = entry.get("id", f"models[{i}]")
            raise CatalogError(f"{origin}: model {name!r} is invalid:\n{exc}") from exc
    prefixes: dict[str, str] = {}
    raw = doc.get("prefixes", [])
    provider = doc.get("provider")
    if not isinstance(raw, list) or not all(isinstance(p, str) and p.endswith(("/", ".")) for p in raw):
        raise CatalogError(f"{origin}: 'prefixes' must be a list of names ending in '/' or '.'")
    if raw and not isinstance(provider, str):
        raise CatalogError(f"{origin}: 'prefixes' need a file-level 'provider'")
    for prefix in raw:
        prefixes[prefix.lower()] = str(provider).lower()
    qualified = doc.get("qualified_only", False)
    if not isinstance(qualified, bool):
        raise CatalogError(f"{origin}: 'qualified_only' must be true or false")
    if qualified and not isinstance(provider, str):
        raise CatalogError(f"{origin}: 'qualified_only' needs a file-level 'provider'")
    return models, prefixes, ({str(provider).lower()} if qualified else set())


def _same_rate_rule(raw: object, origin: str) -> dict[str, str]:
    """A provider's published rule that one kind of token bills at another kind's rate
    (``same_rate = { image_input = "input" }``: "text / image / video" share one price)."""
    if not isinstance(raw, Mapping) or not all(isinstance(v, str) for v in raw.values()):
        raise CatalogError(f"{origin}: 'same_rate' maps a rate name to the rate name it equals")
    fields = set(Rates.model_fields) - {"units"}
    for target, source in raw.items():
        if target not in fields or source not in fields:
            raise CatalogError(
                f"{origin}: same_rate {target!r} = {source!r}: both must be rate names "
                f"({', '.join(sorted(fields))})"
            )
    return dict(raw)


def _apply_same_rate(period: object, same: Mapping[str, str]) -> object:
    """``period`` with each tier's (and long tier's) missing ``same_rate`` targets filled in."""
    if not isinstance(period, Mapping):
        return period

    def fill(rates: object) -> object:
        if not isinstance(rates, Mapping):
            return rates
        out = dict(rates)
        for target, source in same.items():
            if target not in out and out.get(source) is not None:
                out[target] = out[source]
        if "long" in out:
            out["long"] = fill(out["long"])
        return out

    return {k: fill(v) if k in TIERS else v for k, v in period.items()}


def _refuse_floats(value: object, path: str) -> None:
    # Rates given as Python floats would be inexact; files are parsed with Decimal for floats.
    if isinstance(value, float):
        raise TypeError(
            f"{path}: got the float {value!r}; write rates as strings or Decimals so they stay exact"
        )
    if isinstance(value, Mapping):
        for k, v in value.items():
            _refuse_floats(v, f"{path}.{k}")
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            _refuse_floats(v, f"{path}[{i}]")


def _read_document(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path}: cannot read the catalog file: {exc}") from exc
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text, parse_float=Decimal)
        return tomllib.loads(text, parse_float=Decimal)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError(f"{path}: not valid {path.suffix.lstrip('.').upper() or 'TOML'}: {exc}") from exc


def _indexed(
    known: Mapping[tuple[str, str], ModelInfo], models: Iterable[ModelInfo]
) -> tuple[dict[tuple[str, str], ModelInfo], dict[str, list[ModelInfo]]]:
    """``known`` plus ``models`` by (provider, id), and the index name -> the models it names;
    within one provider a name (id or alias) names one model."""
    by_key = dict(known)
    for m in models:
        if not isinstance(m, ModelInfo):
            raise InvalidInputError(f"expected ModelInfo, got {type(m).__name__}", field="models")
        if m.key in by_key:
            raise CatalogError(
                f"model {m.id!r} of {m.provider!r} appears twice; use Catalog.extend to override one"
            )
        by_key[m.key] = m
    index: dict[str, list[ModelInfo]] = {}
    owner: dict[tuple[str, str], ModelInfo] = {}
    for m in by_key.values():
        for name in (m.id, *m.aliases):
            other = owner.get((m.provider, name))
            if other is not None and other is not m:
                raise CatalogError(
                    f"{name!r} names two {m.provider} models, {other.id!r} and {m.id!r}; "
                    "a name (id or alias) must name one model per provider"
                )
            if other is None:
                owner[(m.provider, name)] = m
                index.setdefault(name, []).append(m)
    return by_key, index


class _DataFile:
    """A built-in data file, split into its top-level keys and one chunk of text per model.

    TOML puts every top-level key before the first table, so the text before the first
    ``[[models]]`` says whose models the file holds and how their names are written; each
    ``[[models]]`` block (with its ``[[models.prices]]``) parses on its own. The built-in catalog
    parses and validates a model's chunk the first time a name in it is looked up.
    """

    __slots__ = ("chunks", "head", "origin", "prefixes", "provider", "qualified_only")

    def __init__(self, origin: str, text: str) -> None:
        self.origin = origin
        head, *blocks = _MODELS_TABLE.split(text)
        try:
            self.head: dict[str, Any] = tomllib.loads(head, parse_float=Decimal)
        except tomllib.TOMLDecodeError as exc:
            raise CatalogError(f"{origin}: not valid TOML before its first [[models]]: {exc}") from exc
        provider = self.head.get("provider")
        prefixes = self.head.get("prefixes", [])
        if not isinstance(provider, str) or not _NAME.match(provider):
            raise CatalogError(f"{origin}: a built-in data file needs a file-level 'provider'")
        if not isinstance(prefixes, list) or not all(isinstance(p, str) for p in prefixes):
            raise CatalogError(f"{origin}: 'prefixes' must be a list of names ending in '/' or '.'")
        if not blocks:
            raise CatalogError(f"{origin}: 'models' must be a non-empty list of model tables")
        self.provider = provider
        self.prefixes = tuple(p.lower() for p in prefixes)
        self.qualified_only = self.head.get("qualified_only") is True
        self.chunks = tuple(_Chunk(self, f"[[models]]{block}") for block in blocks)


class _Chunk:
    """One ``[[models]]`` block of a data file, not parsed yet."""

    __slots__ = ("file", "lowered", "text")

    def __init__(self, file: _DataFile, text: str) -> None:
        self.file = file
        self.text = text
        # Names are written as quoted strings: a chunk whose text lacks '"name"' cannot define it.
        self.lowered = text.lower()

    def models(self) -> list[ModelInfo]:
        try:
            body = tomllib.loads(self.text, parse_float=Decimal)
        except tomllib.TOMLDecodeError as exc:
            raise CatalogError(f"{self.file.origin}: not valid TOML: {exc}") from exc
        return _models_from_document({**self.file.head, **body}, self.file.origin)[0]


_MODELS_TABLE: Final = re.compile(r"^\[\[models\]\]", re.MULTILINE)


# -- names ---------------------------------------------------------------------------------------

#: Prefixes that name no provider: Gemini's REST form ``models/gemini-2.5-pro``.
_NEUTRAL_PREFIXES: Final = ("models/",)
_CACHE_LIMIT: Final = 4096


class Catalog:
    """An immutable set of models with their prices.

    ``Catalog.default()`` is the built-in data. Build your own with :meth:`from_file` or
    :meth:`from_dict`, combine with :meth:`extend`, and apply negotiated prices with
    :meth:`with_discount`; each returns a new catalog and leaves the others untouched.

    Names resolve like the APIs accept them: ids and aliases (dated snapshots, ``-latest``), with
    or without a provider prefix (``openai/``, ``bedrock/``, ``vertex_ai/``...), in any case. A
    name sold by several providers resolves to its maker's own API unless a prefix or
    ``provider=`` says otherwise.
    """

    __slots__ = (
        "_by_key",
        "_fast",
        "_index",
        "_load_lock",
        "_lock",
        "_pending",
        "_prefixes",
        "_qualified",
        "_resolved",
        "_resolved_for",
    )

    def __init__(
        self,
        models: Iterable[ModelInfo],
        prefixes: Mapping[str, str] | None = None,
        qualified_only: Iterable[str] = (),
    ) -> None:
        if isinstance(models, Catalog | str | bytes | Mapping) or not isinstance(models, Iterable):
            raise InvalidInputError(
                f"a Catalog is built from ModelInfo objects, got {type(models).__name__}; use "
                "Catalog.from_dict or Catalog.from_file for data",
                field="models",
            )
        self._by_key, self._index = _indexed({}, models)
        self._prefixes = {f"{p}/": p for p in {m.provider for m in self._by_key.values()}}
        self._prefixes.update(prefixes or {})
        self._qualified = frozenset(qualified_only)
        self._resolved: dict[str, ResolvedModel] = {}
        self._resolved_for: dict[tuple[str, str], ResolvedModel] = {}
        self._fast: dict[tuple[str, str], ResolvedModel] = {}
        self._lock = threading.Lock()
        #: Model blocks of the built-in data not parsed yet (see :meth:`_load`).
        self._pending: tuple[_Chunk, ...] = ()
        self._load_lock = threading.Lock()

    @classmethod
    def _lazy(cls, files: Sequence[_DataFile]) -> Catalog:
        """A catalog of ``files`` that parses and validates each model the first time it is
        needed: a name lookup reads only the model blocks that can define the name; anything that
        needs every model (listing, extending, discounts, an unknown name's suggestions) reads
        them all."""
        catalog = cls(())
        for f in files:
            catalog._prefixes.setdefault(f"{f.provider}/", f.provider)
            catalog._prefixes.update(dict.fromkeys(f.prefixes, f.provider))
        catalog._qualified = frozenset(f.provider for f in files if f.qualified_only)
        catalog._pending = tuple(c for f in files for c in f.chunks)
        return catalog

    def _load(self, key: str | None = None, provider: str | None = None) -> None:
        """Parse the pending model blocks that :meth:`_find` may return for ``key`` (every one if
        ``None``): those of ``provider`` if given, else those of providers whose names resolve
        without a prefix plus those of the providers ``key``'s prefixes name; in each case only
        the blocks whose text holds one of ``key``'s spellings as a quoted string."""
        pending = self._pending
        if not pending:
            return
        if key is not None:
            names, named = self._spellings(key)
            quoted = [f'"{n}"' for n in names]
            pending = tuple(
                c
                for c in pending
                if (
                    c.file.provider == provider
                    if provider is not None
                    else not c.file.qualified_only or c.file.provider in named
                )
                and any(q in c.lowered for q in quoted)
            )
            if not pending:
                return
        with self._load_lock:
            todo = set(pending) & set(self._pending)
            if not todo:
                return
            models = [m for c in self._pending if c in todo for m in c.models()]
            # Readers never see a half-built index: new dicts are swapped in whole.
            self._by_key, self._index = _indexed(self._by_key, models)
            self._pending = tuple(c for c in self._pending if c not in todo)

    # construction

    @classmethod
    def default(cls) -> Catalog:
        """The built-in catalog (loaded and validated once, on first use)."""
        return default_catalog()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Self:
        """A catalog from one document ``{"provider": .., "source": .., "checked": .., "models": [..]}``
        (or a list of them). Rates must be strings, ints or Decimals, never floats."""
        if isinstance(data, Mapping):
            docs: list[Any] = [data]
        elif isinstance(data, list | tuple):
            docs = list(data)
        else:
            raise CatalogError(
                f"a catalog document is a mapping (or a list of them), got {type(data).__name__}"
            )
        models: list[ModelInfo] = []
        prefixes: dict[str, str] = {}
        qualified: set[str] = set()
        for i, doc in enumerate(docs):
            found, more, only = _models_from_document(doc, f"document {i}")
            models.extend(found)
            prefixes.update(more)
            qualified |= only
        return cls(models, prefixes, qualified)

    @classmethod
    def from_file(cls, path: str | Path) -> Self:
        """A catalog from a TOML or JSON file in the schema of ``costcalc/data/*.toml``."""
        if not isinstance(path, str | Path):
            raise InvalidInputError(f"expected a path, got {type(path).__name__}", field="path")
        p = Path(path)
        return cls(*_models_from_document(_read_document(p), str(p)))

    @classmethod
    def from_litellm(
        cls,
        data: Mapping[str, Any] | str | Path,
        *,
        strict: bool = True,
        checked: dt.date | str | None = None,
        skipped: list[SkippedEntry] | None = None,
    ) -> Catalog:
        """A catalog from LiteLLM's price map (a path to its JSON, or the parsed dict); see
        :func:`costcalc.importers.from_litellm`."""
        from costcalc.importers import from_litellm

        return from_litellm(data, strict=strict, checked=checked, skipped=skipped)

    @classmethod
    def from_genai_prices(
        cls,
        data: Any,
        *,
        strict: bool = True,
        checked: dt.date | str | None = None,
        skipped: list[SkippedEntry] | None = None,
    ) -> Catalog:
        """A catalog from genai-prices' data (its ``genai_prices.data`` module, its providers, or
        their JSON); see :func:`costcalc.importers.from_genai_prices`."""
        from costcalc.importers import from_genai_prices

        return from_genai_prices(data, strict=strict, checked=checked, skipped=skipped)

    def extend(self, other: Catalog | Mapping[str, Any] | str | Path) -> Catalog:
        """A new catalog with ``other``'s models added; a model of the same provider and id
        replaces ours, and ``other``'s names win over our aliases."""
        if isinstance(other, str | Path):
            other = Catalog.from_file(other)
        elif isinstance(other, Mapping | list | tuple):
            other = Catalog.from_dict(other)
        elif not isinstance(other, Catalog):
            raise InvalidInputError(
                f"extend takes a Catalog, a catalog document or a file path, got {type(other).__name__}",
                field="other",
            )
        self._load()
        other._load()
        # A replacement that lists no aliases keeps the names of the model it replaces (its dated
        # snapshots bill at the new price too).
        incoming = {
            key: m
            if "aliases" in m.model_fields_set or key not in self._by_key
            else m.model_copy(update={"aliases": self._by_key[key].aliases})
            for key, m in other._by_key.items()
        }
        merged = {**self._by_key, **incoming}
        theirs = {(m.provider, name) for m in incoming.values() for name in (m.id, *m.aliases)}
        kept = [
            m
            if m.key in incoming
            else m.model_copy(
                update={"aliases": tuple(a for a in m.aliases if (m.provider, a) not in theirs)}
            )
            for m in merged.values()
        ]
        return Catalog(kept, {**self._prefixes, **other._prefixes}, self._qualified | other._qualified)

    def with_discount(
        self,
        discount: Decimal | str | int,
        *,
        models: Iterable[str] | str | None = None,
        providers: Iterable[str] | str | None = None,
        tiers: Iterable[str] | str | None = None,
    ) -> Catalog:
        """A new catalog whose rates are ``discount`` lower (``"0.15"`` is 15% off), exactly.

        Restrict it to some ``models`` (any accepted names), ``providers`` or ``tiers``; each takes
        one name or a list. A name that matches nothing is an error, never a silent no-op.
        """
        d = parse_decimal(discount, "discount")
        if not Decimal(0) <= d < 1:
            raise InvalidInputError(f'a fraction in [0, 1) ("0.15" is 15% off), got {d}', field="discount")
        exponent = EXACT.normalize(d).as_tuple().exponent
        if isinstance(exponent, int) and exponent < -6:
            raise InvalidInputError(f"at most 6 decimal places, got {d}", field="discount")
        factor = EXACT.subtract(Decimal(1), d)
        self._load()
        keys = None if models is None else {self.get_model(n).key for n in _names(models, "models")}
        provs = None
        if providers is not None:
            known = {m.provider for m in self._by_key.values()}
            provs = {p.strip().lower() for p in _names(providers, "providers")}
            if unknown := provs - known:
                raise InvalidInputError(
                    f"unknown providers {sorted(unknown)}; this catalog has {', '.join(sorted(known))}",
                    field="providers",
                )
        tier_set = set(TIERS) if tiers is None else set(_names(tiers, "tiers"))
        if unknown := tier_set - set(TIERS):
            raise InvalidInputError(
                f"unknown tiers {sorted(unknown)}; tiers are {', '.join(TIERS)}", field="tiers"
            )

        def scale(tp: TierPrice) -> TierPrice:
            return TierPrice(
                rates=tp.rates.scaled(factor),
                above=tp.above,
                long=tp.long.scaled(factor) if tp.long is not None else None,
            )

        out = []
        for m in self._by_key.values():
            if (keys is not None and m.key not in keys) or (provs is not None and m.provider not in provs):
                out.append(m)
                continue
            periods = tuple(
                p.model_copy(update={t: scale(tp) for t in tier_set if (tp := getattr(p, t)) is not None})
                for p in m.prices
            )
            out.append(m.model_copy(update={"prices": periods}))
        return Catalog(out, self._prefixes, self._qualified)

    # lookup

    def get_model(self, name: str, provider: str | None = None) -> ModelInfo:
        """The model called ``name``: an id, an alias, a dated snapshot, with or without a provider
        prefix, in any case; ``provider`` restricts the search to one provider. Unknown names raise
        :class:`UnknownModelError` with close matches."""
        return self.resolve(name, provider).model

    def resolve(self, name: str, provider: str | None = None) -> ResolvedModel:
        """The model called ``name`` with its prices laid out for fast lookup (see :meth:`get_model`)."""
        if type(name) is not str or (provider is not None and type(provider) is not str):
            return self._resolve(name, provider)  # refuses it with a typed error
        if provider is None:
            fast = self._resolved.get(name)
        else:
            fast = self._resolved_for.get((provider, name)) if isinstance(name, str) else None
        return fast if fast is not None else self._resolve(name, provider)

    def _resolve(self, name: str, provider: str | None) -> ResolvedModel:
        if not isinstance(name, str):
            raise InvalidInputError(f"a model name is a string, got {type(name).__name__}", field="model")
        if provider is not None and not isinstance(provider, str):
            raise InvalidInputError(
                f"a provider is a string, got {type(provider).__name__}", field="provider"
            )
        wanted = provider.strip().lower() if provider is not None else None
        if wanted is not None and wanted not in self.providers:
            raise UnknownModelError(name, (), provider=wanted)
        key = name.strip().lower()
        if self._pending:
            self._load(key, wanted)
        candidates = self._find(key, wanted, 0)
        if not candidates and self._pending:  # suggestions come from every model
            self._load()
            candidates = self._find(key, wanted, 0)
        if len(candidates) > 1:
            own = [m for m in candidates if m.provider == m.creator]
            if len(own) != 1:
                raise AmbiguousModelError(name, sorted(m.provider for m in candidates))
            candidates = own
        if not candidates:
            prefix, named = next(((x, p) for x, p in self._prefixes.items() if key.startswith(x)), ("", None))
            within = wanted or named
            pool = [
                n
                for n, ms in self._index.items()
                if any(m.provider == within if within else m.provider not in self._qualified for m in ms)
            ]
            # A prefixed name is compared without its prefix, and suggested with it.
            bare = key[len(prefix) :] if named is not None else key
            close = [f"{prefix}{n}" for n in difflib.get_close_matches(bare, pool, n=5, cutoff=0.6)]
            if within is None:  # sold only where a prefix is needed (azure/, vertex_ai/...)
                close = [f"{p}/{key}" for p in sorted(m.provider for m in self._index.get(key, []))] + close
            raise UnknownModelError(name, close[:5], provider=within)
        found = candidates[0]
        with self._lock:
            fast = self._fast.get(found.key)
            if fast is None:
                fast = self._fast[found.key] = ResolvedModel(found)
            if len(self._resolved) + len(self._resolved_for) < _CACHE_LIMIT:
                if provider is None:
                    self._resolved[name] = fast
                else:
                    self._resolved_for[(provider, name)] = fast
        return fast

    def _find(self, key: str, wanted: str | None, depth: int) -> list[ModelInfo]:
        """The models ``key`` names, within ``wanted`` if given. A provider prefix that leads to a
        model of that provider wins (``openai/gpt-4o`` is OpenAI's, whatever else is called
        that); then the name as it is."""
        for prefix in _NEUTRAL_PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                key = key[len(prefix) :]
        if wanted is not None:  # within one provider, its own exact ids come first
            exact = [m for m in self._index.get(key, []) if m.provider == wanted]
            if exact:
                return exact
        if depth < 4:  # bedrock/converse/...: a few layers at most
            for prefix in self._sorted_prefixes():
                named = self._prefixes[prefix]
                if key.startswith(prefix) and len(key) > len(prefix) and wanted in (None, named):
                    found = self._find(key[len(prefix) :], named, depth + 1)
                    if found:
                        return found
        models = self._index.get(key, [])
        if wanted is None:
            return [m for m in models if m.provider not in self._qualified]
        return [m for m in models if m.provider == wanted]

    def _sorted_prefixes(self) -> list[str]:
        return sorted(self._prefixes, key=len, reverse=True)

    def _spellings(self, key: str) -> tuple[set[str], set[str]]:
        """Every name :meth:`_find` may look ``key`` up as (itself and what is left once neutral
        and provider prefixes are taken off, a few layers at most), and the providers those
        prefixes name."""
        names = {key}
        named: set[str] = set()
        todo = [(key, 0)]
        while todo:
            name, depth = todo.pop()
            for prefix in (*_NEUTRAL_PREFIXES, *self._prefixes):
                rest = name[len(prefix) :]
                if name.startswith(prefix) and rest and depth < 5:
                    named.add(self._prefixes.get(prefix, ""))
                    if rest not in names:
                        names.add(rest)
                        todo.append((rest, depth + 1))
        return names, named

    def list_models(
        self, provider: str | None = None, *, kind: str | None = None, tier: str | None = None
    ) -> list[ModelInfo]:
        """Every model, sorted by provider then id; only ``provider``'s, of ``kind``, or offering
        ``tier`` today, if given."""
        self._load()
        models = sorted(self._by_key.values(), key=lambda m: m.key)
        if provider is not None:
            if not isinstance(provider, str):
                raise InvalidInputError(
                    f"a provider is a string, got {type(provider).__name__}", field="provider"
                )
            models = [m for m in models if m.provider == provider.strip().lower()]
        if kind is not None:
            if kind not in KINDS:
                raise InvalidInputError(f"unknown kind {kind!r}; kinds are {', '.join(KINDS)}", field="kind")
            models = [m for m in models if m.kind == kind]
        if tier is not None:
            if tier not in TIERS:
                raise InvalidInputError(f"unknown tier {tier!r}; tiers are {', '.join(TIERS)}", field="tier")
            models = [m for m in models if _offers(m, tier)]
        return models

    @property
    def providers(self) -> tuple[str, ...]:
        """The providers of this catalog's models, sorted."""
        unread = {c.file.provider for c in self._pending}
        return tuple(sorted({m.provider for m in self._by_key.values()} | unread))

    def price(
        self,
        usage: Usage,
        model: str,
        *,
        tier: str = "standard",
        at: dt.date | dt.datetime | str | None = None,
        provider: str | None = None,
        strict: bool = True,
        surcharges: Iterable[str] = (),
    ) -> Cost:
        """The exact cost of ``usage`` on ``model`` at service ``tier``, at the prices in force ``at``.

        A quantity the model has no rate for raises :class:`UnpricedUsageError`; with
        ``strict=False`` it is listed in :attr:`Cost.unpriced` instead. ``surcharges`` names
        multipliers the model's data publishes (``"inference_geo_us"``, ``"data_zone_eu"``...).
        """
        if type(usage) is not Usage and not isinstance(usage, Usage):
            raise InvalidInputError(
                f"usage must be a costcalc.Usage, got {type(usage).__name__}", field="usage"
            )
        fast = self._resolved.get(model) if provider is None and type(model) is str else None
        if fast is None:
            fast = self.resolve(model, provider)
        tiers = fast.single if fast.single is not None and at is None else fast.tiers_at(at)
        found = tiers.get(tier) if type(tier) is str else None
        if found is None:
            if not isinstance(tier, str):
                raise InvalidInputError(
                    f"a tier is a string such as 'batch', got {type(tier).__name__}", field="tier"
                )
            if tier not in TIERS:
                raise InvalidInputError(f"unknown tier {tier!r}; tiers are {', '.join(TIERS)}", field="tier")
            raise UnsupportedTierError(fast.model.id, tier, tuple(tiers))
        above, rates, pt, long_rates, long_pt = found
        if usage.input_tokens > above:
            cost = compute_cost(usage, long_rates, fast.model.id, tier, long_pt, strict=strict)
        else:
            cost = compute_cost(usage, rates, fast.model.id, tier, pt, strict=strict)
        if surcharges:
            for name in _names(surcharges, "surcharges"):
                factor = fast.model.surcharges.get(name)
                if factor is None:
                    offered = ", ".join(sorted(fast.model.surcharges)) or "none"
                    raise InvalidInputError(
                        f"{fast.model.id!r} has no {name!r} surcharge in the catalog (it has: {offered})",
                        field="surcharges",
                    )
                cost = cost.scaled(factor)
        return cost

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        try:
            self.get_model(name)
        except (UnknownModelError, AmbiguousModelError):
            return False
        return True

    def __iter__(self) -> Iterator[ModelInfo]:
        return iter(self.list_models())

    def __len__(self) -> int:
        self._load()
        return len(self._by_key)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Catalog):
            return NotImplemented
        self._load()  # equal by content: every model, read or not yet
        other._load()
        return (self._by_key, self._prefixes, self._qualified) == (
            other._by_key,
            other._prefixes,
            other._qualified,
        )

    __hash__ = None  # type: ignore[assignment]  # equal by content, and mutable caches inside

    def __bool__(self) -> bool:
        # An empty catalog is still a catalog: `catalog or default_catalog()` must not swap it.
        return True

    def __repr__(self) -> str:
        return f"<Catalog of {len(self)} models>"

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickles as its models (for worker processes): caches and the lock are rebuilt.
        self._load()
        return (Catalog, (list(self._by_key.values()), dict(self._prefixes), set(self._qualified)))


def _offers(model: ModelInfo, tier: str) -> bool:
    try:
        return tier in model.tiers()
    except NoPriceError:
        return False


def _names(value: Iterable[str] | str, what: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, Iterable) or isinstance(value, Mapping | bytes):
        raise InvalidInputError(f"expected a name or a list of names, got {type(value).__name__}", field=what)
    names = list(value)
    for n in names:
        if not isinstance(n, str):
            raise InvalidInputError(f"expected names (strings), got {type(n).__name__}", field=what)
    return names


def catalog_or_default(catalog: Catalog | None) -> Catalog:
    """``catalog``, or the built-in one when ``None`` (an empty Catalog is a catalog too)."""
    if catalog is None:
        return default_catalog()
    if not isinstance(catalog, Catalog):
        raise InvalidInputError(
            f"expected a costcalc.Catalog or None, got {type(catalog).__name__}", field="catalog"
        )
    return catalog


_default: Catalog | None = None
_default_lock = threading.Lock()
#: Data files that are not price catalogs.
_NOT_CATALOGS: Final = frozenset({"reasoning.toml", "tokenizers.toml"})


def default_catalog() -> Catalog:
    """The built-in catalog (thread-safe). Each file of ``costcalc/data`` is read and validated
    once, the first time a name it holds is looked up (or when every model is needed)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                files = [
                    _DataFile(f"costcalc/data/{entry.name}", entry.read_text(encoding="utf-8"))
                    for entry in sorted(
                        (resources.files("costcalc") / "data").iterdir(), key=lambda e: e.name
                    )
                    if entry.name.endswith(".toml") and entry.name not in _NOT_CATALOGS
                ]
                _default = Catalog._lazy(files)
    return _default


def get_model(name: str, provider: str | None = None) -> ModelInfo:
    """The built-in catalog's model called ``name`` (see :meth:`Catalog.get_model`)."""
    return default_catalog().get_model(name, provider)


def list_models(
    provider: str | None = None, *, kind: str | None = None, tier: str | None = None
) -> list[ModelInfo]:
    """The built-in catalog's models (see :meth:`Catalog.list_models`)."""
    return default_catalog().list_models(provider, kind=kind, tier=tier)


def price(
    usage: Usage,
    model: str,
    *,
    tier: str = "standard",
    at: dt.date | dt.datetime | str | None = None,
    provider: str | None = None,
    strict: bool = True,
    surcharges: Iterable[str] = (),
) -> Cost:
    """The exact cost of ``usage`` on ``model`` with the built-in catalog.

    ``tier`` is ``"standard"``, ``"batch"``, ``"flex"``, ``"priority"`` (or Anthropic's ``"fast"``);
    a tier the model does not offer raises :class:`UnsupportedTierError`. ``at`` picks the price
    in force on that date (default: today, UTC). ``provider`` picks who sells the model when
    several do (``"bedrock"``, ``"azure"``...). A quantity the model has no rate for raises
    :class:`UnpricedUsageError`; ``strict=False`` lists it in :attr:`Cost.unpriced` instead.
    ``surcharges`` applies published multipliers by name (a data-zone deployment, US-only
    inference...); :attr:`ModelInfo.surcharges` lists a model's.
    """
    return default_catalog().price(
        usage, model, tier=tier, at=at, provider=provider, strict=strict, surcharges=surcharges
    )
