"""Prompt tokens for models whose provider publishes no tokenizer (Claude, Gemini), as a band.

Such a prompt is counted with o200k_base (the *base count*) and scaled by a :class:`TokenProfile`:
provider tokens per base token, low / expected / high, with the evidence behind it. The built-in
profiles are per model family (``costcalc/data/approximation/tokenizers.toml``); fit your own
from billed counts with :func:`calibrate_tokens` and pass it to ``estimate(token_profile=...)``
or ``estimate_batch(token_profile=...)``. An estimate prices each end of the band, and its
ceiling the high end: the ceiling is a true ceiling whenever the real ratio lies in the band.

>>> import costcalc as cc
>>> profile = cc.TokenProfile(name="mine", low="1.1", expected="1.2", high="1.3", evidence="my logs")
>>> profile.tokens(1_000)
(1100, 1200, 1300)
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import math
import threading
import tomllib
from collections.abc import Callable, Iterable
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from costcalc._money import EXACT, decimal_field, tidy
from costcalc.errors import InvalidInputError
from costcalc.pricing import Usage
from costcalc.reasoning import NotEnoughDataError

if TYPE_CHECKING:
    from costcalc.catalog import Catalog, ModelInfo

__all__ = ["TokenProfile", "builtin_token_profiles", "calibrate_tokens", "token_profile_for"]

Ratio = Annotated[Decimal, BeforeValidator(decimal_field("ratio", non_negative=True, places=6, below=100))]


class TokenProfile(BaseModel):
    """Provider tokens per o200k_base token: low <= expected <= high, and what it rests on.

    ``model`` is the model a calibrated profile was fitted for (None: a family profile, or one
    that applies to every model without a public tokenizer).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    low: Ratio
    expected: Ratio
    high: Ratio
    evidence: str = Field(min_length=1)
    model: str | None = None
    observations: int | None = Field(default=None, ge=1)
    checked: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> TokenProfile:
        if not 0 < self.low <= self.expected <= self.high:
            raise ValueError(
                "a ratio band needs 0 < low <= expected <= high, got "
                f"{self.low}, {self.expected}, {self.high}"
            )
        return self

    def tokens(self, base: int, fixed: int = 0) -> tuple[int, int, int]:
        """Provider tokens (low, expected, high) for ``base`` o200k tokens, rounded up; ``fixed``
        of them are already provider tokens (a tool-use system prompt) and are not scaled."""
        scaled = base - fixed
        return tuple(  # type: ignore[return-value]
            fixed + math.ceil(Fraction(r) * scaled) for r in (self.low, self.expected, self.high)
        )

    def applies_to(self, model_id: str) -> bool:
        """Whether this profile is for ``model_id`` (a profile with no ``model`` is for any)."""
        return self.model is None or self.model == model_id


class _Family(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    creator: str = Field(min_length=1)
    models: tuple[str, ...] = Field(min_length=1)
    low: Ratio
    expected: Ratio
    high: Ratio
    evidence: str = Field(min_length=1)


class _TokenizerData(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    checked: dt.date
    families: tuple[_Family, ...] = Field(min_length=1)


_families: tuple[tuple[_Family, TokenProfile], ...] | None = None
_lock = threading.Lock()


def _load() -> tuple[tuple[_Family, TokenProfile], ...]:
    global _families
    if _families is None:
        with _lock:
            if _families is None:
                path = resources.files("costcalc") / "data" / "approximation" / "tokenizers.toml"
                raw = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
                data = _TokenizerData.model_validate(raw)
                _families = tuple(
                    (
                        family,
                        TokenProfile(
                            name=family.name,
                            low=family.low,
                            expected=family.expected,
                            high=family.high,
                            evidence=family.evidence,
                            checked=data.checked,
                        ),
                    )
                    for family in data.families
                )
    return _families


def builtin_token_profiles() -> dict[str, TokenProfile]:
    """The built-in family profiles by name."""
    return {family.name: profile for family, profile in _load()}


def token_profile_for(info: ModelInfo, profile: TokenProfile | None = None) -> TokenProfile | None:
    """The ratio band that scales ``info``'s base counts: ``profile`` when it applies to the
    model, else its family's; None when the model's tokenizer is exact (nothing to scale)."""
    if info.tokenizer_exact:
        return None
    if profile is not None:
        if not isinstance(profile, TokenProfile):
            raise InvalidInputError(
                f"expected a costcalc.TokenProfile or None, got {type(profile).__name__}",
                field="token_profile",
            )
        if profile.applies_to(info.id):
            return profile
    for family, builtin in _load():
        if fnmatch.fnmatchcase(info.creator, family.creator) and any(
            fnmatch.fnmatchcase(info.id, pattern) for pattern in family.models
        ):
            return builtin
    raise LookupError(f"no tokenizer family matches {info.id!r}")  # pragma: no cover - "other" matches all


def calibrate_tokens(
    pairs: Iterable[tuple[Any, int | Usage]],
    *,
    model: str,
    quantiles: tuple[float, float] = (0.0, 1.0),
    min_observations: int = 10,
    catalog: Catalog | None = None,
) -> TokenProfile:
    """Fit a model's ratio band from your own ``(request, billed input tokens)`` pairs.

    ``request`` is what you estimate: a prompt or a list of messages (as ``estimate`` counts it),
    or a request body or batch line of the model's provider (a Messages ``params``, a Gemini
    ``generateContent`` request, as ``estimate_batch`` counts it). The billed count is the whole
    prompt the provider reported (Anthropic: input + cache writes + cache reads; Gemini:
    ``promptTokenCount``), an int or a :class:`~costcalc.Usage`.

    ``expected`` is the ratio of the sums (what a batch total needs); ``low`` and ``high`` are the
    ``quantiles`` of the per-request ratios (nearest rank; by default the smallest and largest, so
    the band covers every observation), rounded outwards to four places. Fewer than
    ``min_observations`` pairs raise :class:`~costcalc.NotEnoughDataError`.
    """
    from costcalc.catalog import catalog_or_default

    cat = catalog_or_default(catalog)
    info = cat.get_model(model)
    if info.tokenizer_exact:
        raise InvalidInputError(
            f"{info.id!r} is counted exactly with {info.encoding}; there is no ratio to calibrate",
            field="model",
        )
    q_low, q_high = quantiles
    if not 0 <= q_low < 0.5 < q_high <= 1:
        raise InvalidInputError(
            f"must satisfy 0 <= low < 0.5 < high <= 1, got {quantiles}", field="quantiles"
        )
    if type(min_observations) is not int or min_observations < 1:
        raise InvalidInputError(
            f"must be a whole number >= 1, got {min_observations!r}", field="min_observations"
        )
    ratios: list[Fraction] = []
    sum_base = sum_billed = 0
    for i, pair in enumerate(pairs):
        try:
            request, billed = pair
        except (TypeError, ValueError):
            raise InvalidInputError(
                f"must be a (request, billed input tokens) pair, got {type(pair).__name__}",
                field=f"pairs[{i}]",
            ) from None
        tokens = billed.input_tokens if isinstance(billed, Usage) else billed
        if type(tokens) is not int or tokens <= 0:
            raise InvalidInputError(
                f"billed input tokens must be a whole number > 0, got {tokens!r}", field=f"pairs[{i}]"
            )
        base, fixed = _base_count(request, info, cat)
        if base - fixed <= 0 or tokens - fixed <= 0:
            continue  # nothing scaled in this request
        ratios.append(Fraction(tokens - fixed, base - fixed))
        sum_base += base - fixed
        sum_billed += tokens - fixed
    if len(ratios) < min_observations:
        raise NotEnoughDataError(
            f"{len(ratios)} usable pairs; calibrating needs at least {min_observations} (lower "
            "min_observations only if you accept a band fitted on fewer requests)"
        )
    ratios.sort()

    def rank(q: float) -> Fraction:
        return ratios[max(math.ceil(q * len(ratios)) - 1, 0)]

    low, high = _decimal(rank(q_low), math.floor), _decimal(rank(q_high), math.ceil)
    expected = min(max(_decimal(Fraction(sum_billed, sum_base), round), low), high)
    return TokenProfile(
        name=f"{info.id}-calibrated",
        low=low,
        expected=expected,
        high=high,
        evidence=(
            f"calibrated on {len(ratios)} billed prompts of {info.id}: quantiles {q_low:g} and {q_high:g} "
            "of billed tokens per o200k_base token, and the ratio of their sums"
        ),
        model=info.id,
        observations=len(ratios),
        checked=dt.datetime.now(dt.UTC).date(),
    )


def _decimal(value: Fraction, rounding: Callable[[Fraction], int]) -> Decimal:
    """``value`` to four decimal places (at least 0.0001), exactly, in no decimal context."""
    return tidy(EXACT.scaleb(Decimal(max(rounding(value * 10_000), 1)), -4))


def _base_count(request: Any, info: ModelInfo, cat: Catalog) -> tuple[int, int]:
    """The o200k base count of ``request`` (and its fixed part), as the estimators count it."""
    from costcalc import providers
    from costcalc.providers.base import is_map, plain
    from costcalc.tokens.chat import count_messages

    if isinstance(request, str) or (isinstance(request, list) and not is_map(request)):
        return count_messages(request, info.id, catalog=cat, warn_approximate=False), 0
    data = plain(request)
    if not is_map(data):
        raise InvalidInputError(
            f"a request is a prompt, a message list or a request body, got {type(request).__name__}",
            field="request",
        )
    module = providers.BY_PROVIDER.get(info.creator, providers.openai)
    endpoint = module.DEFAULT_ENDPOINT
    if module.batch_kind(data) == "request":
        line = module.read_batch_request(data)
        data, endpoint = line.body, line.endpoint
    count = module.count_request(endpoint, data, info, cat)
    return count.input_tokens, count.fixed_tokens
