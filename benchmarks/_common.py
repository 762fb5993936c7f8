"""Shared helpers for the benchmark scripts: timing, process import time, a table printer."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path


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


def callgrind_instructions(
    command: Sequence[str], out: Path, *, paths: Sequence[Path] = (), cwd: Path | None = None
) -> int:
    """Instructions ``command`` executes under valgrind's callgrind (``out``: its profile file);
    ``paths`` are put on PYTHONPATH."""
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *command],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([*map(str, paths), os.environ.get("PYTHONPATH", "")]),
        },
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
    if found is None:
        raise SystemExit(f"callgrind printed no count:\n{result.stderr}")
    return int(found.group(1).replace(",", ""))
