"""Does a request fit the model? Prompt plus requested output against the model's limits."""

from __future__ import annotations

from costcalc.catalog import Catalog, ModelInfo
from costcalc.errors import ContextWindowExceededError, InvalidInputError
from costcalc.pricing import MAX_TOKENS
from costcalc.tokens.checks import model_info, shown

__all__ = ["check_context_window"]


def check_context_window(
    model: str | ModelInfo, prompt_tokens: int, max_output_tokens: int = 0, *, catalog: Catalog | None = None
) -> None:
    """Raise :class:`ContextWindowExceededError` if ``prompt_tokens`` plus ``max_output_tokens``
    exceed the context window, or ``max_output_tokens`` the model's output limit.

    Limits the catalog does not know are not checked. A count that is not a whole number from 0
    to ``MAX_TOKENS`` (10**15) raises :class:`InvalidInputError` naming the argument.
    """
    info = model if isinstance(model, ModelInfo) else model_info(model, catalog)
    for name, value in (("prompt_tokens", prompt_tokens), ("max_output_tokens", max_output_tokens)):
        if type(value) is not int or not 0 <= value <= MAX_TOKENS:
            raise InvalidInputError(
                f"must be a whole number >= 0 (and at most 10**15), got {shown(value)}", field=name
            )
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
