"""The model catalog: dated prices per model and tier, name lookup, user catalogs.

The built-in data lives in ``costcalc/data/<provider>.toml``; it is read and validated the first
time a price or a model is asked for, never at import. A :class:`Catalog` is immutable: extending
it or applying a discount returns a new one, so there is no global state to patch.
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
from typing import Any, Final, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from costcalc._money import EXACT, parse_decimal
from costcalc.errors import CatalogError, NoPriceError, UnknownModelError, UnsupportedTierError
from costcalc.pricing import MAX_TOKENS, TIERS, Cost, PerToken, Rates, Usage, compute_cost

__all__ = [
    "Catalog",
    "ImageSpec",
    "ModelInfo",
    "PricePeriod",
    "TierPrice",
    "default_catalog",
    "get_model",
    "list_models",
    "price",
]

_FIELDS: Final = ("input", "cached_input", "cache_write", "output")


def _fill_rates(raw: object) -> object:
    """Data shorthand: a missing cached_input or cache_write rate means "billed as input"."""
    if isinstance(raw, Mapping):
        filled = dict(raw)
        if "input" in filled:
            filled.setdefault("cached_input", filled["input"])
            filled.setdefault("cache_write", filled["input"])
        return filled
    return raw


class TierPrice(BaseModel):
    """The rates of one service tier; above ``above`` input tokens, ``long`` applies to the request."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rates: Rates
    above: int | None = Field(default=None, gt=0)
    long: Rates | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_data(cls, raw: Any) -> Any:
        # Data files write a tier flat: { input = .., output = .., above = N, long = { .. } }.
        if isinstance(raw, Mapping) and "rates" not in raw:
            flat = dict(raw)
            above = flat.pop("above", None)
            long = flat.pop("long", None)
            return {
                "rates": _fill_rates(flat),
                "above": above,
                "long": _fill_rates(long) if long is not None else None,
            }
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
    """Prices in force from ``since`` (``None``: since launch) until the next period starts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    since: dt.date | None = None
    standard: TierPrice
    batch: TierPrice | None = None
    flex: TierPrice | None = None
    priority: TierPrice | None = None
    fast: TierPrice | None = None
    source: str | None = None
    checked: dt.date | None = None

    @property
    def tiers(self) -> tuple[str, ...]:
        """The service tiers offered in this period."""
        return tuple(t for t in TIERS if getattr(self, t) is not None)

    def tier(self, name: str) -> TierPrice | None:
        """The prices of tier ``name``, or ``None`` when it is not offered."""
        if name not in TIERS:
            raise ValueError(f"unknown tier {name!r}; tiers are {', '.join(TIERS)}")
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


class ModelInfo(BaseModel):
    """One model: who serves it, how its prompts are tokenized, its limits and its dated prices."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    encoding: str = "o200k_base"
    tokenizer_exact: bool = True
    context_window: int | None = Field(default=None, gt=0)
    max_output_tokens: int | None = Field(default=None, gt=0)
    reasoning: bool = False
    #: The name of the model's reasoning-inflation profile (``costcalc/data/reasoning.toml``).
    reasoning_profile: str | None = None
    image: ImageSpec | None = None
    source: str = Field(min_length=1)
    checked: dt.date
    note: str | None = None
    prices: tuple[PricePeriod, ...] = Field(min_length=1)

    @field_validator("id", "aliases")
    @classmethod
    def _lowercase(cls, value: Any) -> Any:
        if isinstance(value, str):
            return value.lower()
        return tuple(a.lower() for a in value)

    @model_validator(mode="after")
    def _periods_in_order(self) -> ModelInfo:
        dates = [p.since for p in self.prices]
        if any(d is None for d in dates[1:]):
            raise ValueError("only the first price period may leave out 'since'")
        known = [d for d in dates if d is not None]
        if any(a >= b for a, b in itertools.pairwise(known)):
            raise ValueError(f"price periods must have strictly increasing 'since' dates, got {known}")
        return self

    def period(self, at: dt.date | dt.datetime | str | None = None) -> PricePeriod:
        """The price period in force at ``at`` (a date, a datetime taken as UTC if naive, or today)."""
        prices = self.prices
        if len(prices) == 1 and prices[0].since is None:
            return prices[0]
        day = _as_date(at)
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
        self, usage: Usage, *, tier: str = "standard", at: dt.date | dt.datetime | str | None = None
    ) -> Cost:
        """The exact cost of ``usage`` on this model."""
        rates = self.tier_price(tier, at).rates_for(usage.input_tokens)
        return compute_cost(usage, rates, self.id, tier)


def _as_date(at: dt.date | dt.datetime | str | None) -> dt.date:
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
            return _as_date(dt.datetime.fromisoformat(at))
        except ValueError:
            raise ValueError(f"at={at!r} is not an ISO date such as '2025-06-10'") from None
    raise TypeError(f"at must be a date, a datetime, an ISO string or None, got {type(at).__name__}")


# -- the hot path's view of a model: plain tuples, built once per model and catalog --------------

# (above, rates, per-token rates, long rates, long per-token rates); above is MAX_TOKENS if untiered.
_TierFast = tuple[int, Rates, PerToken, Rates, PerToken]


class _Fast:
    __slots__ = ("model", "periods", "single")

    def __init__(self, model: ModelInfo) -> None:
        self.model = model
        periods = []
        for p in model.prices:
            tiers: dict[str, _TierFast] = {}
            for name in p.tiers:
                tp: TierPrice = getattr(p, name)
                pt = tp.rates.per_token()
                if tp.long is not None and tp.above is not None:
                    tiers[name] = (tp.above, tp.rates, pt, tp.long, tp.long.per_token())
                else:
                    tiers[name] = (MAX_TOKENS, tp.rates, pt, tp.rates, pt)
            periods.append((p.since, tiers))
        self.periods = tuple(periods)
        self.single = periods[0][1] if len(periods) == 1 and periods[0][0] is None else None

    def tiers_at(self, at: dt.date | dt.datetime | str | None) -> dict[str, _TierFast]:
        if self.single is not None:
            return self.single
        day = _as_date(at)
        for since, tiers in reversed(self.periods):
            if since is None or since <= day:
                return tiers
        raise NoPriceError(
            f"model {self.model.id!r} has no price before {self.periods[0][0]}; asked for {day}"
        )


# -- names ---------------------------------------------------------------------------------------

_PREFIXES: Final = ("openai/", "azure/", "anthropic/", "google/", "gemini/", "vertex_ai/", "models/")
_SNAPSHOT: Final = re.compile(
    r"^(?P<base>.+?)-(?:\d{4}-\d{2}-\d{2}|\d{8}|\d{2}-\d{2}|\d{3}|(?:0[1-9]|1[0-2])\d{2}|latest)$"
)
_CACHE_LIMIT: Final = 4096


def _normalise(name: str) -> str:
    key = name.strip().lower()
    stripped = True
    while stripped:
        stripped = False
        for prefix in _PREFIXES:
            if key.startswith(prefix):
                key = key[len(prefix) :]
                stripped = True
    return key


# -- loading -------------------------------------------------------------------------------------


def _models_from_document(doc: Mapping[str, Any], origin: str) -> list[ModelInfo]:
    """Validate one catalog document: file-level defaults plus a list of ``models``."""
    if not isinstance(doc, Mapping):
        raise CatalogError(f"{origin}: a catalog is a table with a 'models' list, got {type(doc).__name__}")
    unknown = set(doc) - {"provider", "source", "checked", "tokenizer_exact", "models"}
    if unknown:
        raise CatalogError(f"{origin}: unknown top-level keys {sorted(unknown)}")
    entries = doc.get("models")
    if not isinstance(entries, list) or not entries:
        raise CatalogError(f"{origin}: 'models' must be a non-empty list of model tables")
    defaults = {k: doc[k] for k in ("provider", "source", "checked", "tokenizer_exact") if k in doc}
    models = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise CatalogError(f"{origin}: models[{i}] must be a table, got {type(entry).__name__}")
        data = {**defaults, **entry}
        try:
            _refuse_floats(data, f"models[{i}]")
            models.append(ModelInfo.model_validate(data))
        except (ValidationError, TypeError, ValueError) as exc:
            name = entry.get("id", f"models[{i}]")
            raise CatalogError(f"{origin}: model {name!r} is invalid:\n{exc}") from exc
    return models


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
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text, parse_float=Decimal)
        return tomllib.loads(text, parse_float=Decimal)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError(f"{path}: not valid {path.suffix.lstrip('.').upper() or 'TOML'}: {exc}") from exc


class Catalog:
    """An immutable set of models with their prices.

    ``Catalog.default()`` is the built-in data. Build your own with :meth:`from_file` or
    :meth:`from_dict`, combine with :meth:`extend`, and apply negotiated prices with
    :meth:`with_discount`; each returns a new catalog and leaves the others untouched.
    """

    __slots__ = ("_by_id", "_fast", "_index", "_lock", "_resolved")

    def __init__(self, models: Iterable[ModelInfo]) -> None:
        by_id: dict[str, ModelInfo] = {}
        for m in models:
            if m.id in by_id:
                raise CatalogError(f"model {m.id!r} appears twice; use Catalog.extend to override one")
            by_id[m.id] = m
        index: dict[str, ModelInfo] = {}
        for m in by_id.values():
            for alias in m.aliases:
                index[alias] = m
        index.update(by_id)  # an id always wins over another model's alias
        self._by_id = by_id
        self._index = index
        self._resolved: dict[str, _Fast] = {}
        self._fast: dict[str, _Fast] = {}
        self._lock = threading.Lock()

    # construction

    @classmethod
    def default(cls) -> Catalog:
        """The built-in catalog (loaded and validated once, on first use)."""
        return default_catalog()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Self:
        """A catalog from one document ``{"provider": .., "source": .., "checked": .., "models": [..]}``
        (or a list of them). Rates must be strings, ints or Decimals, never floats."""
        docs = [data] if isinstance(data, Mapping) else list(data)
        models: list[ModelInfo] = []
        for i, doc in enumerate(docs):
            models.extend(_models_from_document(doc, f"document {i}"))
        return cls(models)

    @classmethod
    def from_file(cls, path: str | Path) -> Self:
        """A catalog from a TOML or JSON file in the schema of ``costcalc/data/*.toml``."""
        p = Path(path)
        return cls(_models_from_document(_read_document(p), str(p)))

    def extend(self, other: Catalog | Mapping[str, Any] | str | Path) -> Catalog:
        """A new catalog with ``other``'s models added; a model with the same id replaces ours."""
        if isinstance(other, str | Path):
            other = Catalog.from_file(other)
        elif not isinstance(other, Catalog):
            other = Catalog.from_dict(other)
        merged = {**self._by_id, **other._by_id}
        # Aliases of replaced or kept models must not shadow the newcomers' names.
        theirs = set(other._index)
        kept = [
            m
            if m.id in other._by_id
            else m.model_copy(update={"aliases": tuple(a for a in m.aliases if a not in theirs)})
            for m in merged.values()
        ]
        return Catalog(kept)

    def with_discount(
        self,
        discount: Decimal | str | int,
        *,
        models: Iterable[str] | None = None,
        providers: Iterable[str] | None = None,
        tiers: Iterable[str] | None = None,
    ) -> Catalog:
        """A new catalog whose rates are ``discount`` lower (``"0.15"`` is 15% off), exactly.

        Restrict it to some ``models`` (any accepted names), ``providers`` or ``tiers``.
        """
        d = parse_decimal(discount, "discount")
        if not Decimal(0) <= d < 1:
            raise ValueError(f'discount is a fraction in [0, 1) ("0.15" is 15% off), got {d}')
        factor = EXACT.subtract(Decimal(1), d)
        ids = None if models is None else {self.get_model(n).id for n in models}
        provs = None if providers is None else {p.lower() for p in providers}
        tier_set = set(TIERS) if tiers is None else set(tiers)
        if unknown := tier_set - set(TIERS):
            raise ValueError(f"unknown tiers {sorted(unknown)}; tiers are {', '.join(TIERS)}")

        def scale(tp: TierPrice) -> TierPrice:
            return TierPrice(
                rates=tp.rates.scaled(factor),
                above=tp.above,
                long=tp.long.scaled(factor) if tp.long is not None else None,
            )

        out = []
        for m in self._by_id.values():
            if (ids is not None and m.id not in ids) or (provs is not None and m.provider not in provs):
                out.append(m)
                continue
            periods = tuple(
                p.model_copy(update={t: scale(tp) for t in tier_set if (tp := getattr(p, t)) is not None})
                for p in m.prices
            )
            out.append(m.model_copy(update={"prices": periods}))
        return Catalog(out)

    # lookup

    def get_model(self, name: str) -> ModelInfo:
        """The model called ``name``: an id, an alias, a dated snapshot, with or without a provider
        prefix, in any case. Unknown names raise :class:`UnknownModelError` with close matches."""
        fast = self._resolved.get(name)
        if fast is None:
            fast = self._resolve(name)
        return fast.model

    def _resolve(self, name: str) -> _Fast:
        if not isinstance(name, str):
            raise TypeError(f"a model name is a string, got {type(name).__name__}")
        key = _normalise(name)
        found = self._index.get(key)
        if found is None:
            m = _SNAPSHOT.match(key)
            if m is not None:
                found = self._index.get(m.group("base"))
        if found is None:
            close = difflib.get_close_matches(key, list(self._index), n=5, cutoff=0.6)
            raise UnknownModelError(name, close)
        with self._lock:
            fast = self._fast.get(found.id)
            if fast is None:
                fast = self._fast[found.id] = _Fast(found)
            if len(self._resolved) < _CACHE_LIMIT:
                self._resolved[name] = fast
        return fast

    def list_models(self, provider: str | None = None) -> list[ModelInfo]:
        """Every model, sorted by provider then id; only ``provider``'s if given."""
        models = sorted(self._by_id.values(), key=lambda m: (m.provider, m.id))
        if provider is not None:
            models = [m for m in models if m.provider == provider.lower()]
        return models

    def price(
        self,
        usage: Usage,
        model: str,
        *,
        tier: str = "standard",
        at: dt.date | dt.datetime | str | None = None,
    ) -> Cost:
        """The exact cost of ``usage`` on ``model`` at service ``tier``, at the prices in force ``at``."""
        if type(usage) is not Usage and not isinstance(usage, Usage):
            raise TypeError(f"usage must be a costcalc.Usage, got {type(usage).__name__}")
        fast = self._resolved.get(model)
        if fast is None:
            fast = self._resolve(model)
        tiers = fast.single if fast.single is not None else fast.tiers_at(at)
        found = tiers.get(tier)
        if found is None:
            if tier not in TIERS:
                raise ValueError(f"unknown tier {tier!r}; tiers are {', '.join(TIERS)}")
            raise UnsupportedTierError(fast.model.id, tier, tuple(tiers))
        above, rates, pt, long_rates, long_pt = found
        if usage.input_tokens > above:
            return compute_cost(usage, long_rates, fast.model.id, tier, long_pt)
        return compute_cost(usage, rates, fast.model.id, tier, pt)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        try:
            self.get_model(name)
        except UnknownModelError:
            return False
        return True

    def __iter__(self) -> Iterator[ModelInfo]:
        return iter(self.list_models())

    def __len__(self) -> int:
        return len(self._by_id)

    def __repr__(self) -> str:
        return f"<Catalog of {len(self)} models>"


_default: Catalog | None = None
_default_lock = threading.Lock()


def default_catalog() -> Catalog:
    """The built-in catalog, read from ``costcalc/data`` once (thread-safe)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                models: list[ModelInfo] = []
                for entry in sorted((resources.files("costcalc") / "data").iterdir(), key=lambda e: e.name):
                    if entry.name.endswith(".toml") and entry.name != "reasoning.toml":
                        doc = tomllib.loads(entry.read_text(encoding="utf-8"), parse_float=Decimal)
                        models.extend(_models_from_document(doc, f"costcalc/data/{entry.name}"))
                _default = Catalog(models)
    return _default


def get_model(name: str) -> ModelInfo:
    """The built-in catalog's model called ``name`` (see :meth:`Catalog.get_model`)."""
    return default_catalog().get_model(name)


def list_models(provider: str | None = None) -> list[ModelInfo]:
    """The built-in catalog's models (see :meth:`Catalog.list_models`)."""
    return default_catalog().list_models(provider)


def price(
    usage: Usage,
    model: str,
    *,
    tier: str = "standard",
    at: dt.date | dt.datetime | str | None = None,
) -> Cost:
    """The exact cost of ``usage`` on ``model`` with the built-in catalog.

    ``tier`` is ``"standard"``, ``"batch"``, ``"flex"``, ``"priority"`` (or Anthropic's ``"fast"``);
    a tier the model does not offer raises :class:`UnsupportedTierError`. ``at`` picks the price
    in force on that date (default: today, UTC).
    """
    return default_catalog().price(usage, model, tier=tier, at=at)
