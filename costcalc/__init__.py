"""costcalc: exact, offline prices for LLM API calls.

>>> import costcalc as cc
>>> usage = cc.Usage(input_tokens=12_000, cached_input_tokens=8_000, output_tokens=3_000)
>>> cc.price(usage, model="o4-mini").total
Decimal('0.0198000')
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from costcalc.catalog import (
    Catalog,
    ModelInfo,
    PricePeriod,
    TierPrice,
    default_catalog,
    get_model,
    list_models,
    price,
)
from costcalc.errors import (
    CatalogError,
    CostcalcError,
    NoPriceError,
    UnknownModelError,
    UnsupportedTierError,
)
from costcalc.pricing import MAX_TOKENS, TIERS, Cost, Rates, Tier, Usage, round_to

try:
    __version__ = version("costcalc")
except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "MAX_TOKENS",
    "TIERS",
    "Catalog",
    "CatalogError",
    "Cost",
    "CostcalcError",
    "ModelInfo",
    "NoPriceError",
    "PricePeriod",
    "Rates",
    "Tier",
    "TierPrice",
    "UnknownModelError",
    "UnsupportedTierError",
    "Usage",
    "__version__",
    "default_catalog",
    "get_model",
    "list_models",
    "price",
    "round_to",
]
