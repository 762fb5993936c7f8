"""Shared helpers for the benchmark scripts: timing, process import time, a table printer."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable


def per_call_us(fn: Callable[[], object], *, repeat: int = 7, min_time: float = 0.2) -> float:
    """Median over ``repeat`` runs of the mean time of one call, in microseconds."""
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time / 10:
            break
        number *= 4
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        runs.append((time.perf_counter() - start) / number)
    return statistics.median(runs) * 1e6


def process_ms(code: str, *, repeat: int = 15) -> float:
    """Median wall time of a fresh ``python -c code``, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table, ready to paste into docs/performance.md."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"  # noqa: E731
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers), sep, *(line(r) for r in rows)])
