"""Deterministic benchmark inputs: English-like prompts of a given number of words."""

from __future__ import annotations

import random

_WORDS = (
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "that",
    "for",
    "it",
    "as",
    "with",
    "was",
    "on",
    "be",
    "by",
    "this",
    "are",
    "or",
    "from",
    "at",
    "an",
    "which",
    "have",
    "not",
    "they",
    "but",
    "had",
    "his",
    "one",
    "all",
    "were",
    "can",
    "there",
    "been",
    "if",
    "more",
    "when",
    "will",
    "would",
    "who",
    "so",
    "no",
    "model",
    "token",
    "price",
    "batch",
    "request",
    "invoice",
    "customer",
    "cache",
    "reasoning",
    "output",
    "input",
    "context",
    "window",
    "summary",
    "translate",
    "classify",
    "extract",
    "JSON",
    "field",
    "value",
    "2026",
    "November",
    "report",
    "quarterly",
    "revenue",
    "growth",
    "latency",
    "throughput",
    "error",
    "retry",
    "budget",
    "estimate",
    "exact",
    "decimal",
    "billing",
    "pipeline",
    "notebook",
)
_PUNCT = [",", ".", ";", ":", "?", "!"]


def prompt(words: int, seed: int = 0) -> str:
    """``words`` words of English-like text with punctuation and line breaks."""
    rng = random.Random(seed)
    out = []
    for i in range(words):
        word = rng.choice(_WORDS)
        if rng.random() < 0.1:
            word += rng.choice(_PUNCT)
        out.append(word)
        if i % 60 == 59:
            out.append("\n")
    return " ".join(out)
