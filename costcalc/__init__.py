"""costcalc: exact, offline prices for LLM API calls.

>>> import costcalc as cc
>>> usage = cc.Usage(input_tokens=12_000, cached_input_tokens=8_000, output_tokens=3_000)
>>> cost = cc.price(usage, model="o4-mini")
>>> cost.total == cc.Decimal("0.0198")
True
>>> print(cost)
$0.0198 o4-mini (standard)

The public names are loaded on first use (PEP 562), so ``import costcalc`` costs next to nothing
and pydantic, the catalog and tiktoken load only when something needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from decimal import Decimal

    from costcalc.approximation import TokenProfile, calibrate_tokens
    from costcalc.batch import (
        BatchCost,
        BatchEstimate,
        BatchFileError,
        LineError,
        Reconciliation,
        estimate_batch,
        price_batch_output,
        reconcile,
    )
    from costcalc.catalog import (
        Catalog,
        ImageSpec,
        ModelInfo,
        PricePeriod,
        TierPrice,
        default_catalog,
        get_model,
        list_models,
        price,
    )
    from costcalc.errors import (
        AmbiguousModelError,
        ApproximateTokenCountWarning,
        BatchRequestError,
        CatalogEntryError,
        CatalogError,
        ContextWindowExceededError,
        CostcalcError,
        ExportError,
        ExportKindError,
        ImageSizeUnknownError,
        InvalidInputError,
        InvalidRequestError,
        NoPriceError,
        UnknownModelError,
        UnpricedUsageError,
        UnsupportedTierError,
        UsageParseError,
        VocabularyError,
    )
    from costcalc.estimation import Band, Estimate, estimate
    from costcalc.exports import (
        ExportLine,
        ExportRowError,
        InvoiceReconciliation,
        InvoiceRow,
        UnpricedExportItem,
        UsageExport,
        price_usage_export,
        reconcile_invoice,
    )
    from costcalc.logs import LogCost, price_log
    from costcalc.pricing import MAX_TOKENS, TIERS, Cost, Line, Rates, Tier, Unpriced, Usage, round_to
    from costcalc.reasoning import EFFORTS, EffortBand, NotEnoughDataError, ReasoningProfile, calibrate
    from costcalc.responses import detect_shape, price_response, read_response, usage_from_response
    from costcalc.tables import price_table
    from costcalc.tokens.chat import count_messages
    from costcalc.tokens.images import image_tokens
    from costcalc.tokens.limits import check_context_window
    from costcalc.tokens.text import count_tokens, count_tokens_many
    from costcalc.units import UNITS

    __version__: str

# public name -> module that defines it
_LAZY: dict[str, str] = {
    "Catalog": "costcalc.catalog",
    "ModelInfo": "costcalc.catalog",
    "PricePeriod": "costcalc.catalog",
    "TierPrice": "costcalc.catalog",
    "default_catalog": "costcalc.catalog",
    "get_model": "costcalc.catalog",
    "list_models": "costcalc.catalog",
    "price": "costcalc.catalog",
    "CatalogError": "costcalc.errors",
    "CatalogEntryError": "costcalc.errors",
    "CostcalcError": "costcalc.errors",
    "NoPriceError": "costcalc.errors",
    "UnknownModelError": "costcalc.errors",
    "UnsupportedTierError": "costcalc.errors",
    "ApproximateTokenCountWarning": "costcalc.errors",
    "ContextWindowExceededError": "costcalc.errors",
    "ImageSizeUnknownError": "costcalc.errors",
    "VocabularyError": "costcalc.errors",
    "UnpricedUsageError": "costcalc.errors",
    "UsageParseError": "costcalc.errors",
    "BatchRequestError": "costcalc.errors",
    "AmbiguousModelError": "costcalc.errors",
    "InvalidInputError": "costcalc.errors",
    "InvalidRequestError": "costcalc.errors",
    "Line": "costcalc.pricing",
    "Unpriced": "costcalc.pricing",
    "read_response": "costcalc.responses",
    "UNITS": "costcalc.units",
    "Band": "costcalc.estimation",
    "TokenProfile": "costcalc.approximation",
    "calibrate_tokens": "costcalc.approximation",
    "BatchCost": "costcalc.batch",
    "BatchEstimate": "costcalc.batch",
    "BatchFileError": "costcalc.batch",
    "LineError": "costcalc.batch",
    "Reconciliation": "costcalc.batch",
    "estimate_batch": "costcalc.batch",
    "price_batch_output": "costcalc.batch",
    "reconcile": "costcalc.batch",
    "price_table": "costcalc.tables",
    "LogCost": "costcalc.logs",
    "price_log": "costcalc.logs",
    "Estimate": "costcalc.estimation",
    "estimate": "costcalc.estimation",
    "EFFORTS": "costcalc.reasoning",
    "EffortBand": "costcalc.reasoning",
    "NotEnoughDataError": "costcalc.reasoning",
    "ReasoningProfile": "costcalc.reasoning",
    "calibrate": "costcalc.reasoning",
    "detect_shape": "costcalc.responses",
    "price_response": "costcalc.responses",
    "usage_from_response": "costcalc.responses",
    "count_messages": "costcalc.tokens.chat",
    "image_tokens": "costcalc.tokens.images",
    "check_context_window": "costcalc.tokens.limits",
    "count_tokens": "costcalc.tokens.text",
    "count_tokens_many": "costcalc.tokens.text",
    "ImageSpec": "costcalc.catalog",
    "MAX_TOKENS": "costcalc.pricing",
    "TIERS": "costcalc.pricing",
    "Cost": "costcalc.pricing",
    "Rates": "costcalc.pricing",
    "Tier": "costcalc.pricing",
    "Usage": "costcalc.pricing",
    "round_to": "costcalc.pricing",
    "Decimal": "decimal",
    "ExportError": "costcalc.errors",
    "ExportKindError": "costcalc.errors",
    "ExportLine": "costcalc.exports",
    "ExportRowError": "costcalc.exports",
    "InvoiceReconciliation": "costcalc.exports",
    "InvoiceRow": "costcalc.exports",
    "UnpricedExportItem": "costcalc.exports",
    "UsageExport": "costcalc.exports",
    "price_usage_export": "costcalc.exports",
    "reconcile_invoice": "costcalc.exports",
}

__all__ = [
    "EFFORTS",
    "MAX_TOKENS",
    "TIERS",
    "UNITS",
    "AmbiguousModelError",
    "ApproximateTokenCountWarning",
    "Band",
    "BatchCost",
    "BatchEstimate",
    "BatchFileError",
    "BatchRequestError",
    "Catalog",
    "CatalogEntryError",
    "CatalogError",
    "ContextWindowExceededError",
    "Cost",
    "CostcalcError",
    "Decimal",
    "EffortBand",
    "Estimate",
    "ExportError",
    "ExportKindError",
    "ExportLine",
    "ExportRowError",
    "ImageSizeUnknownError",
    "ImageSpec",
    "InvalidInputError",
    "InvalidRequestError",
    "InvoiceReconciliation",
    "InvoiceRow",
    "Line",
    "LineError",
    "LogCost",
    "ModelInfo",
    "NoPriceError",
    "NotEnoughDataError",
    "PricePeriod",
    "Rates",
    "ReasoningProfile",
    "Reconciliation",
    "Tier",
    "TierPrice",
    "TokenProfile",
    "UnknownModelError",
    "Unpriced",
    "UnpricedExportItem",
    "UnpricedUsageError",
    "UnsupportedTierError",
    "Usage",
    "UsageExport",
    "UsageParseError",
    "VocabularyError",
    "__version__",
    "calibrate",
    "calibrate_tokens",
    "check_context_window",
    "count_messages",
    "count_tokens",
    "count_tokens_many",
    "default_catalog",
    "detect_shape",
    "estimate",
    "estimate_batch",
    "get_model",
    "image_tokens",
    "list_models",
    "price",
    "price_batch_output",
    "price_log",
    "price_response",
    "price_table",
    "price_usage_export",
    "read_response",
    "reconcile",
    "reconcile_invoice",
    "round_to",
    "usage_from_response",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
    elif name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("costcalc")
        except PackageNotFoundError:  # pragma: no cover - a source tree that is not installed
            value = "0+unknown"
    else:
        raise AttributeError(f"module 'costcalc' has no attribute {name!r}")
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
