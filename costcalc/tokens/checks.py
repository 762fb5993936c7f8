"""Checks shared by the token counters: typed errors that name the bad argument."""

from __future__ import annotations

from costcalc.catalog import Catalog, ModelInfo, catalog_or_default
from costcalc.errors import InvalidInputError

__all__ = ["model_info", "shown", "type_name"]


def type_name(value: object) -> str:
    """The name of ``value``'s type, for messages such as "must be a dict, got list"."""
    return type(value).__name__


def shown(value: object, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters, so that a huge bad value does not flood a message."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # an int past sys.get_int_max_str_digits(); deep nesting
        return f"<{type_name(value)} too large to show>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def model_info(model: object, catalog: object) -> ModelInfo:
    """The catalog entry of ``model``; a model name that is not a string, or a ``catalog`` that is
    not a :class:`~costcalc.Catalog`, raises :class:`InvalidInputError` naming the argument."""
    if catalog is not None and not isinstance(catalog, Catalog):
        raise InvalidInputError(
            f"must be a costcalc.Catalog (or None for the built-in one), got {type_name(catalog)}",
            field="catalog",
        )
    if not isinstance(model, str):
        raise InvalidInputError(
            f"a model name is a string such as 'gpt-4o', got {type_name(model)}", field="model"
        )
    return catalog_or_default(catalog).get_model(model)
