"""Hypothesis strategies for property-testing code that prices LLM usage.

This module is public API for your own tests (``pip install costcalc[testing]``); it is the only
part of costcalc that imports hypothesis::

    from hypothesis import given
    from costcalc.testing import usages, model_names

    @given(usages(), model_names())
    def test_invoice_never_negative(usage, model):
        assert my_invoice_line(usage, model).amount >= 0
"""

from __future__ import annotations

from hypothesis import strategies as st

from costcalc.catalog import Catalog, ModelInfo, default_catalog
from costcalc.pricing import TIERS, Usage
from costcalc.reasoning import EFFORTS

__all__ = ["chat_messages", "efforts", "model_names", "reasoning_models", "tiers", "token_counts", "usages"]


def token_counts(max_value: int = 2_000_000) -> st.SearchStrategy[int]:
    """Token counts from 0 to ``max_value``, with the edges (0, 1, max) tried early."""
    return st.integers(min_value=0, max_value=max_value)


@st.composite
def usages(
    draw: st.DrawFn,
    *,
    max_input: int = 2_000_000,
    max_output: int = 200_000,
    cached: bool = True,
    cache_writes: bool = True,
    reasoning: bool = True,
) -> Usage:
    """Valid :class:`~costcalc.Usage` values: cached and cache-write tokens within the prompt,
    reasoning within the output. Switch off the kinds your code does not handle."""
    input_tokens = draw(token_counts(max_input))
    cached_tokens = draw(st.integers(0, input_tokens)) if cached else 0
    written = draw(st.integers(0, input_tokens - cached_tokens)) if cache_writes else 0
    output_tokens = draw(token_counts(max_output))
    reasoning_tokens = draw(st.integers(0, output_tokens)) if reasoning else 0
    return Usage(
        input_tokens=input_tokens,
        cached_input_tokens=cached_tokens,
        cache_write_tokens=written,
        output_tokens=output_tokens,
        reasoning_tokens=reasoning_tokens,
    )


def model_names(
    catalog: Catalog | None = None,
    *,
    provider: str | None = None,
    spelled: bool = False,
    kind: str | None = None,
) -> st.SearchStrategy[str]:
    """Ids of the catalog's models; with ``spelled=True`` also the other ways the APIs accept them:
    their aliases (dated snapshots, ``-latest``), their provider's prefix (``openai/``), any case.
    Every name drawn resolves to one model of the catalog. ``kind="chat"`` draws chat models only:
    embedding and moderation models bill input only, so a usage with output raises for them."""
    cat = catalog if catalog is not None else default_catalog()
    models = cat.list_models(provider, kind=kind)
    if not spelled:
        return st.sampled_from([m.id for m in models if _names_itself(cat, m.id, m)])
    names = [
        spelling
        for m in models
        for name in (m.id, *m.aliases)
        for spelling in (name, f"{m.provider}/{name}", f"{m.provider}/{name}".upper(), name.upper())
        if _names_itself(cat, spelling, m)
    ]
    return st.sampled_from(names)


def _names_itself(cat: Catalog, name: str, model: ModelInfo) -> bool:
    try:
        return cat.get_model(name).key == model.key
    except LookupError:  # sold by several providers: needs a prefix
        return False


def tiers() -> st.SearchStrategy[str]:
    """The service tier names (not every model offers every tier)."""
    return st.sampled_from(TIERS)


def efforts() -> st.SearchStrategy[str]:
    """Reasoning effort names (not every model accepts every effort)."""
    return st.sampled_from(EFFORTS)


def reasoning_models(catalog: Catalog | None = None) -> st.SearchStrategy[str]:
    """Ids of the catalog's models that bill hidden reasoning and have a reasoning profile."""
    cat = catalog if catalog is not None else default_catalog()
    return st.sampled_from([m.id for m in cat.list_models() if m.reasoning_profile is not None])


_ROLES = ("system", "developer", "user", "assistant")


def chat_messages(
    *, min_size: int = 1, max_size: int = 6, max_text: int = 200
) -> st.SearchStrategy[list[dict[str, str]]]:
    """Chat Completions ``messages``: text messages with any role, sometimes with a ``name``."""
    text = st.text(max_size=max_text)
    plain = st.builds(lambda role, content: {"role": role, "content": content}, st.sampled_from(_ROLES), text)
    named = st.builds(
        lambda role, content, name: {"role": role, "content": content, "name": name},
        st.sampled_from(_ROLES),
        text,
        st.from_regex(r"[A-Za-z0-9_-]{1,16}", fullmatch=True),
    )
    return st.lists(plain | named, min_size=min_size, max_size=max_size)
