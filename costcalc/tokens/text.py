"""count_tokens: the number of tokens tiktoken produces for a text, for a model of the catalog."""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from costcalc.catalog import Catalog, ModelInfo, default_catalog
from costcalc.errors import ApproximateTokenCountWarning
from costcalc.tokens.vocab import get_encoding

if TYPE_CHECKING:
    import tiktoken

__all__ = ["count_tokens", "count_tokens_many", "encoding_for"]

# model name as given -> (encoding, model), for the default catalog only
_by_name: dict[str, tuple[tiktoken.Encoding, ModelInfo]] = {}
_CACHE_LIMIT = 4096


def encoding_for(
    model: str, catalog: Catalog | None = None, *, warn: bool = True
) -> tuple[tiktoken.Encoding, ModelInfo]:
    """The tiktoken encoding that counts ``model``'s prompts, and the model's catalog entry.

    For models whose provider publishes no tokenizer (Claude, Gemini) the encoding is
    ``o200k_base`` as an approximation, and an :class:`ApproximateTokenCountWarning` is issued.
    """
    found = _by_name.get(model) if catalog is None else None
    if found is None:
        info = (catalog or default_catalog()).get_model(model)
        found = (get_encoding(info.encoding), info)
        if catalog is None and len(_by_name) < _CACHE_LIMIT:
            _by_name[model] = found
    if warn and not found[1].tokenizer_exact:
        warnings.warn(
            ApproximateTokenCountWarning(
                f"{found[1].provider} publishes no tokenizer for {found[1].id!r}: counted with "
                f"{found[0].name} as an approximation (the provider's own count may differ)"
            ),
            stacklevel=3,
        )
    return found


def count_tokens(text: str, model: str, *, catalog: Catalog | None = None) -> int:
    """Tokens in ``text`` for ``model``, exactly as tiktoken encodes it.

    Special-token text such as ``<|endoftext|>`` in user input is counted as ordinary text (as the
    API treats it), never raising.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    enc = _by_name.get(model) if catalog is None else None
    if enc is not None and enc[1].tokenizer_exact:
        return len(enc[0].encode_ordinary(text))
    return len(encoding_for(model, catalog)[0].encode_ordinary(text))


def count_tokens_many(
    texts: Sequence[str], model: str, *, num_threads: int | None = None, catalog: Catalog | None = None
) -> list[int]:
    """Tokens in each of ``texts``, counted in ``num_threads`` threads (default: one per core).

    Each thread encodes a contiguous share of the texts; tiktoken releases the GIL for most of
    its work, so this scales with cores (see docs/performance.md for what it reaches). Small
    batches are counted in the calling thread, where starting threads would cost more.
    """
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"texts[{i}] must be a str, got {type(text).__name__}")
    encode = encoding_for(model, catalog)[0].encode_ordinary
    threads = num_threads if num_threads is not None else (os.cpu_count() or 1)
    if threads < 1:
        raise ValueError(f"num_threads must be at least 1, got {threads}")
    if threads == 1 or len(texts) < 2 or sum(map(len, texts)) < _PARALLEL_MIN_CHARS:
        return [len(encode(t)) for t in texts]

    def count(share: Sequence[str]) -> list[int]:
        return [len(encode(t)) for t in share]

    size = -(-len(texts) // threads)
    shares = [texts[i : i + size] for i in range(0, len(texts), size)]
    with ThreadPoolExecutor(max_workers=len(shares), thread_name_prefix="costcalc-count") as pool:
        return [n for part in pool.map(count, shares) for n in part]


# Below this many characters in all, threads cost more than they save.
_PARALLEL_MIN_CHARS = 200_000
