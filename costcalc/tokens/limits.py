"""Does a request fit the model? Prompt plus requested output against the model's limits."""

from __future__ import annotations

from costcalc.catalog import Catalog, ModelInfo, default_catalog
from costcalc.errors import ContextWindowExceededError

__all__ = ["check_context_window"]


def check_context_window(
    model: str | ModelInfo, prompt_tokens: int, max_output_tokens: int = 0, *, catalog: Catalog | None = None
) -> None:
    """Raise :class:`ContextWindowExceededError` if ``prompt_tokens`` plus ``max_output_tokens``
    exceed the context window, or ``max_output_tokens`` the model's output limit.

    Limits the catalog does not know are not checked.
    """
    info = model if isinstance(model, ModelInfo) else (catalog or default_catalog()).get_model(model)
    for name, value in (("prompt_tokens", prompt_tokens), ("max_output_tokens", max_output_tokens)):
        if type(value) is not int or value < 0:
            raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")
    if info.max_output_tokens is not None and max_output_tokens > info.max_output_tokens:
        raise ContextWindowExceededError(
            f"{info.id}: max_output_tokens {max_output_tokens:,} exceeds the model's output limit "
            f"of {info.max_output_tokens:,}",
            model=info.id,
            requested=max_output_tokens,
            limit=info.max_output_tokens,
        )
    requested = prompt_tokens + max_output_tokens
    if info.context_window is not None and requested > info.context_window:
        raise ContextWindowExceededError(
            f"{info.id}: prompt {prompt_tokens:,} + output {max_output_tokens:,} = {requested:,} tokens "
            f"exceed the context window of {info.context_window:,}",
            model=info.id,
            requested=requested,
            limit=info.context_window,
        )
