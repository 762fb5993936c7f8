"""Logs at parse speed, counted in instructions: price_log beside orjson parsing the same lines.

    python benchmarks/bench_log_instructions.py [--lines 20000]      # needs valgrind

Wall and CPU times move with whatever else the machine runs (bench_logs.py, best of several
runs, still moves by about 10%); the number of instructions a run executes does not. Each job
runs in a fresh process under valgrind's callgrind twice, on the first 500 lines of the log and
on all ``--lines`` of it (the same generated log as bench_logs.py); the difference divided by the
extra lines is the cost of one more line, imports and the first reading of each model excluded.

- ``orjson``: ``orjson.loads`` of every line, read line by line from the file;
- ``price_log``: ``price_log(path)`` with the rows turned into a pyarrow Table (``to_arrow()``);
- ``price_log(parquet=...)``: the rows streamed to a Parquet file.

Instructions are not time (a line of C does more per instruction than the interpreter), so this
complements bench_logs.py rather than replacing it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import callgrind_instructions, table

ROOT = Path(__file__).resolve().parents[1]
SMALL = 500

JOBS = {
    "orjson.loads of every line": (
        "import orjson, sys\n"
        "with open(sys.argv[1], 'rb') as f:\n    for line in f:\n        orjson.loads(line)\n"
    ),
    "price_log, rows kept, to_arrow()": (
        "import sys, costcalc as cc\ncc.price_log(sys.argv[1], progress=False).to_arrow()\n"
    ),
    "price_log(parquet=...), rows streamed": (
        "import sys, costcalc as cc\n"
        "cc.price_log(sys.argv[1], progress=False, parquet=sys.argv[1] + '.parquet')\n"
    ),
}


def instructions(code: str, path: Path, workdir: Path) -> int:
    script = workdir / "job.py"
    script.write_text(code)
    return callgrind_instructions(
        [sys.executable, str(script), str(path)], workdir / "callgrind.out", paths=[ROOT]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        big = work / "log.jsonl"
        small = work / "small.jsonl"
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "examples" / "generate_log.py"),
                "--lines",
                str(args.lines),
                "--out",
                str(big),
            ],
            check=True,
        )
        with big.open("rb") as handle:
            small.write_bytes(b"".join(line for _, line in zip(range(SMALL), handle, strict=False)))
        per_line: dict[str, float] = {}
        for name, code in JOBS.items():
            counts = [instructions(code, path, work) for path in (small, big)]
            per_line[name] = (counts[1] - counts[0]) / (args.lines - SMALL)
            print(f"{name}: {per_line[name]:,.0f} instructions a line", file=sys.stderr)
    base = per_line["orjson.loads of every line"]
    rows = [[name, f"{count / 1e3:,.1f}k", f"{count / base:.2f}x"] for name, count in per_line.items()]
    print(table(["job", "instructions a line", "vs orjson"], rows))


if __name__ == "__main__":
    main()
