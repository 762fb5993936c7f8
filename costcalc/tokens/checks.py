"""Helpers shared by the token counters' checks of their input."""

from __future__ import annotations

__all__ = ["shown", "type_name"]


def type_name(value: object) -> str:
    """The name of ``value``'s type, for messages such as "must be a dict, got list"."""
    return type(value).__name__


def shown(value: object, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters, so that a huge bad value does not flood a message."""
    try:
        text = repr(value)
    except ValueError:  # an int past sys.get_int_max_str_digits() has no repr
        return f"<{type_name(value)} too large to show>"
    return text if len(text) <= limit else text[: limit - 3] + "..."
