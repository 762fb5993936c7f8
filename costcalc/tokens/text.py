"""count_tokens: the number of tokens tiktoken produces for a text, for a model of the catalog."""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import TYPE_CHECKING

from costcalc.catalog import Catalog, ModelInfo
from costcalc.errors import ApproximateTokenCountWarning, InvalidInputError
from costcalc.tokens.checks import model_info, shown, type_name
from costcalc.tokens.vocab import get_encoding

if TYPE_CHECKING:
    import tiktoken

__all__ = ["close_process_pool", "count_tokens", "count_tokens_many", "encoding_for"]

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
    found = _by_name.get(model) if catalog is None and isinstance(model, str) else None
    if found is None:
        info = model_info(model, catalog)
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
        raise InvalidInputError(f"must be a str, got {type_name(text)}", field="text")
    enc = _by_name.get(model) if catalog is None and isinstance(model, str) else None
    if enc is not None and enc[1].tokenizer_exact:
        return len(enc[0].encode_ordinary(text))
    return len(encoding_for(model, catalog)[0].encode_ordinary(text))


def count_tokens_many(
    texts: Sequence[str],
    model: str,
    *,
    num_threads: int | None = None,
    processes: int | None = None,
    catalog: Catalog | None = None,
) -> list[int]:
    """Tokens in each of ``texts``, counted in parallel.

    By default in ``num_threads`` threads (one per core). tiktoken keeps the GIL for part of
    each encode, so threads gain 1.2-1.4x on two cores; for large jobs pass ``processes=N`` to
    count in a pool of N worker processes instead (about 1.7x on two cores once warm). The pool is
    started on first use (each worker loads the verified vocabulary, ~0.3 s), kept for later
    calls, and closed at exit or by :func:`close_process_pool`. Small batches are counted in the
    calling thread, where parallel work would cost more than it saves.
    """
    if isinstance(texts, str | bytes | bytearray) or not isinstance(texts, Sequence):
        # A str is a Sequence[str] of its characters: counting them would be silently wrong.
        raise InvalidInputError(
            f"must be a list of strings, got {type_name(texts)}; for one text, pass [text] or "
            "use count_tokens(text, model)",
            field="texts",
        )
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise InvalidInputError(f"must be a str, got {type_name(text)}", field=f"texts[{i}]")
    for name, value in (("num_threads", num_threads), ("processes", processes)):
        if value is not None and (type(value) is not int or value < 1):
            raise InvalidInputError(
                f"must be at least 1 (a whole number of workers, or None), got {shown(value)}", field=name
            )
    enc = encoding_for(model, catalog)[0]
    encode = enc.encode_ordinary
    workers = (
        processes
        if processes is not None
        else (num_threads if num_threads is not None else (os.cpu_count() or 1))
    )
    if workers == 1 or len(texts) < 2 or sum(map(len, texts)) < _PARALLEL_MIN_CHARS:
        return [len(encode(t)) for t in texts]
    if processes is not None:
        pool = _process_pool(enc.name, processes)
        size = -(-len(texts) // (processes * 4))
        shares = [list(texts[i : i + size]) for i in range(0, len(texts), size)]
        return [n for part in pool.map(_count_in_worker, shares) for n in part]

    def count(share: Sequence[str]) -> list[int]:
        return [len(encode(t)) for t in share]

    size = -(-len(texts) // workers)
    slices = [texts[i : i + size] for i in range(0, len(texts), size)]
    with ThreadPoolExecutor(max_workers=len(slices), thread_name_prefix="costcalc-count") as threads:
        return [n for part in threads.map(count, slices) for n in part]


# Below this many characters in all, parallel work costs more than it saves.
_PARALLEL_MIN_CHARS = 200_000

_pools: dict[tuple[str, int], ProcessPoolExecutor] = {}
_pool_lock = threading.Lock()
_worker_encode: Callable[[str], list[int]] | None = None


def _process_pool(encoding: str, size: int) -> ProcessPoolExecutor:
    key = (encoding, size)
    with _pool_lock:
        pool = _pools.get(key)
        if pool is None:
            context = multiprocessing.get_context("spawn")  # no fork of a process with threads
            pool = _pools[key] = ProcessPoolExecutor(
                size, mp_context=context, initializer=_init_worker, initargs=(encoding,)
            )
            if len(_pools) == 1:
                atexit.register(close_process_pool)
    return pool


def _init_worker(encoding: str) -> None:
    global _worker_encode
    _worker_encode = get_encoding(encoding).encode_ordinary


def _count_in_worker(texts: list[str]) -> list[int]:
    encode = _worker_encode
    if encode is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("worker not initialised")
    return [len(encode(t)) for t in texts]


def close_process_pool() -> None:
    """Stop the worker processes started by ``count_tokens_many(..., processes=N)``."""
    with _pool_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)
