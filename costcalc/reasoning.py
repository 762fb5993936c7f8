"""Reasoning-token inflation: how many hidden reasoning tokens a model bills per visible token.

A :class:`ReasoningProfile` lists the efforts a model accepts, its default effort, and per effort
an :class:`EffortBand` of reasoning tokens per visible output token (low / expected / high) with
the evidence behind it. The built-in profiles are data (``costcalc/data/reasoning.toml``); fit
your own from usage logs with :func:`calibrate` and keep them as JSON.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import threading
import tomllib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from typing import Annotated, Any, Final

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from costcalc._money import decimal_field
from costcalc.errors import CostcalcError, InvalidInputError
from costcalc.pricing import Usage

__all__ = [
    "EFFORTS",
    "EffortBand",
    "NotEnoughDataError",
    "ReasoningProfile",
    "builtin_profiles",
    "calibrate",
]

#: Effort names in increasing order of reasoning.
EFFORTS: Final = ("none", "minimal", "low", "medium", "high", "xhigh")


Multiplier = Annotated[Decimal, BeforeValidator(decimal_field("multiplier", non_negative=True))]


class NotEnoughDataError(CostcalcError, ValueError):
    """Too few observations to fit a reasoning band."""


class EffortBand(BaseModel):
    """Reasoning tokens per visible output token at one effort: low <= expected <= high."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    low: Multiplier
    expected: Multiplier
    high: Multiplier
    evidence: str = Field(min_length=1)
    observations: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> EffortBand:
        if not self.low <= self.expected <= self.high:
            raise ValueError(
                f"a band needs low <= expected <= high, got {self.low}, {self.expected}, {self.high}"
            )
        return self

    def reasoning_tokens(self, visible_output_tokens: int) -> tuple[int, int, int]:
        """Reasoning tokens (low, expected, high) for ``visible_output_tokens``, rounded up."""
        return tuple(  # type: ignore[return-value]
            math.ceil(Fraction(m) * visible_output_tokens) for m in (self.low, self.expected, self.high)
        )


class ReasoningProfile(BaseModel):
    """The efforts a model accepts, its default, and a band per effort."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    efforts: tuple[str, ...] = Field(min_length=1)
    default: str
    bands: dict[str, EffortBand]
    note: str | None = None
    checked: dt.date | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ReasoningProfile:
        unknown = [e for e in self.efforts if e not in EFFORTS]
        if unknown:
            raise ValueError(f"unknown efforts {unknown}; efforts are {', '.join(EFFORTS)}")
        if list(self.efforts) != sorted(self.efforts, key=EFFORTS.index):
            raise ValueError(f"efforts must be listed in order {', '.join(EFFORTS)}")
        if self.default not in self.efforts:
            raise ValueError(
                f"default effort {self.default!r} is not one of the efforts {list(self.efforts)}"
            )
        missing = [e for e in self.efforts if e not in self.bands]
        if missing:
            raise ValueError(f"efforts {missing} have no band")
        return self

    def band(self, effort: str | None = None) -> EffortBand:
        """The band for ``effort`` (default: the profile's default); an effort not accepted raises."""
        chosen = self.default if effort is None else effort
        if not isinstance(chosen, str) or chosen not in self.efforts:
            raise InvalidInputError(
                f"effort {chosen!r} is not accepted here; accepted efforts: {', '.join(self.efforts)}",
                field="reasoning_effort",
            )
        return self.bands[chosen]


class _ReasoningData(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    checked: dt.date
    bands: dict[str, EffortBand]
    profiles: dict[str, dict[str, Any]]


_builtin: dict[str, ReasoningProfile] | None = None
_lock = threading.Lock()


def builtin_profiles() -> dict[str, ReasoningProfile]:
    """The built-in profiles by name, read from ``costcalc/data/reasoning.toml`` once."""
    global _builtin
    if _builtin is None:
        with _lock:
            if _builtin is None:
                text = (resources.files("costcalc") / "data" / "reasoning.toml").read_text(encoding="utf-8")
                _builtin = profiles_from_dict(tomllib.loads(text, parse_float=Decimal))
    return _builtin


def profiles_from_dict(raw: Mapping[str, Any]) -> dict[str, ReasoningProfile]:
    """Profiles from the schema of ``reasoning.toml``: shared ``bands`` and ``profiles`` using them."""
    data = _ReasoningData.model_validate(raw)
    out = {}
    for name, spec in data.profiles.items():
        efforts = spec.get("efforts", ())
        own = spec.get("bands", {})
        bands = {e: own.get(e) or data.bands.get(e) for e in efforts}
        out[name] = ReasoningProfile.model_validate(
            {
                "name": name,
                "efforts": efforts,
                "default": spec.get("default"),
                "bands": {e: b for e, b in bands.items() if b is not None},
                "note": spec.get("note"),
                "checked": data.checked,
            }
        )
    return out


def calibrate(
    usages: Iterable[Usage],
    *,
    model: str,
    effort: str | None = None,
    quantiles: tuple[float, float] = (0.1, 0.9),
    min_observations: int = 30,
) -> ReasoningProfile:
    """Fit a band from observed usages of one model at one effort.

    Each usage with visible output contributes its ratio ``reasoning_tokens / visible tokens``.
    The band is the ``quantiles`` of those ratios (nearest-rank: 10th and 90th percentiles by
    default) around their median. Fewer than ``min_observations`` usages with visible output
    raise :class:`NotEnoughDataError`. The result is a one-effort profile for ``estimate(...,
    profile=...)`` that serialises to JSON.
    """
    from costcalc.catalog import default_catalog

    info = default_catalog().get_model(model)
    base = profile_for_model(info.id, info.reasoning_profile)
    chosen = effort if effort is not None else (base.default if base is not None else "medium")
    if base is not None:
        base.band(chosen)  # the model must accept the effort
    elif chosen not in EFFORTS:
        raise InvalidInputError(
            f"unknown effort {chosen!r}; efforts are {', '.join(EFFORTS)}", field="effort"
        )
    if (
        not isinstance(quantiles, tuple | list)
        or len(quantiles) != 2
        or not all(isinstance(q, int | float) and not isinstance(q, bool) for q in quantiles)
    ):
        raise InvalidInputError(f"must be two numbers (low, high), got {quantiles!r}", field="quantiles")
    q_low, q_high = quantiles
    if not 0 <= q_low < 0.5 < q_high <= 1:
        raise InvalidInputError(
            f"must satisfy 0 <= low < 0.5 < high <= 1, got {tuple(quantiles)}", field="quantiles"
        )
    if isinstance(min_observations, bool) or not isinstance(min_observations, int) or min_observations < 1:
        raise InvalidInputError(
            f"must be a whole number >= 1, got {min_observations!r}", field="min_observations"
        )
    ratios = []
    for i, u in enumerate(usages):
        if not isinstance(u, Usage):
            raise InvalidInputError(f"must be a costcalc.Usage, got {type(u).__name__}", field=f"usages[{i}]")
        if u.visible_output_tokens > 0:
            ratios.append(Fraction(u.reasoning_tokens, u.visible_output_tokens))
    ratios.sort()
    if len(ratios) < min_observations:
        raise NotEnoughDataError(
            f"{len(ratios)} usages with visible output; calibrating needs at least {min_observations} "
            "(lower min_observations only if you accept a noisier band)"
        )

    def rank(q: float) -> Decimal:
        index = min(max(math.ceil(q * len(ratios)) - 1, 0), len(ratios) - 1)
        value = ratios[index]
        # Exact rational to four decimal places, in a context of our own (not the caller's).
        return _FOUR_PLACES.divide(Decimal(value.numerator), Decimal(value.denominator))

    band = EffortBand(
        low=_round(rank(q_low)),
        expected=_round(rank(0.5)),
        high=_round(rank(q_high)),
        evidence=(
            f"calibrated on {len(ratios)} observed usages of {info.id} at effort {chosen}: "
            f"nearest-rank quantiles {q_low:g} / 0.5 / {q_high:g} of reasoning per visible token"
        ),
        observations=len(ratios),
    )
    return ReasoningProfile(
        name=f"{info.id}-{chosen}-calibrated",
        efforts=(chosen,),
        default=chosen,
        bands={chosen: band},
        note=f"fitted with costcalc.calibrate from {len(ratios)} usages",
        checked=dt.datetime.now(dt.UTC).date(),
    )


# Enough digits for any ratio of token counts, rounded half-even as the rounding below.
_FOUR_PLACES: Final = decimal.Context(
    prec=60, rounding=decimal.ROUND_HALF_EVEN, traps=[decimal.InvalidOperation]
)


def _round(value: Decimal) -> Decimal:
    # Four decimal places are plenty for a multiplier; keep the number short in JSON.
    return value.quantize(Decimal("0.0001"), context=_FOUR_PLACES)


def profile_for_model(model_id: str, name: str | None) -> ReasoningProfile | None:
    """The built-in profile called ``name`` (a model's ``reasoning_profile``), if any."""
    if name is None:
        return None
    profiles = builtin_profiles()
    if name not in profiles:
        raise LookupError(f"model {model_id!r} names an unknown reasoning profile {name!r}")
    return profiles[name]
