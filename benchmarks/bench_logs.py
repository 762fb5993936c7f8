"""Logs at parse speed: price_log and price_batch_output against orjson parsing the same file.

    python benchmarks/bench_logs.py [--lines 200000 | --size-mb 1000] [--repeat 3] [--old /work/main]

Generates, reproducibly (seeded, examples/generate_log.py), a mixed log of responses (OpenAI
Chat Completions and Responses, Anthropic Messages, Gemini generateContent; cache reads and
writes, reasoning, tool calls, priority and flex tiers) and an OpenAI Batch output file of the
same number of lines. Then, each in a fresh process, best of ``--repeat`` by CPU time
(``time.process_time``: the machine may be shared and noisy), with the peak RSS of the process
(``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` read by a parent that ran only it):

- ``orjson.loads`` of every line of each file (read line by line from disk);
- ``price_log`` keeping the rows, and turning them into a pyarrow Table (``to_arrow()``);
- ``price_log(parquet=...)``: rows streamed to a Parquet file, none kept;
- ``price_batch_output`` on the Batch file (rows kept), with this checkout's code and, with
  ``--old``, the code of another checkout (the code before this engine).

Prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import table

ROOT = Path(__file__).resolve().parents[1]

SETUP = """
import json, sys, time
import orjson
"""
JOBS = {
    "orjson": """
start = time.process_time()
n = 0
with open(sys.argv[1], "rb") as handle:
    for line in handle:
        orjson.loads(line)
        n += 1
out = {"lines": n}
""",
    "log": """
import costcalc as cc
cc.get_model("gpt-4o")  # loading the catalog is not the job's cost
start = time.process_time()
cost = cc.price_log(sys.argv[1], progress=False)
rows = cost.to_arrow().num_rows
out = {"lines": rows + len(cost.errors), "total": str(cost.total), "errors": len(cost.errors)}
""",
    "parquet": """
import costcalc as cc
cc.get_model("gpt-4o")
start = time.process_time()
cost = cc.price_log(sys.argv[1], progress=False, parquet=sys.argv[2])
out = {"lines": cost.requests + len(cost.errors), "total": str(cost.total), "errors": len(cost.errors)}
""",
    "batch": """
import costcalc as cc
cc.get_model("gpt-4o")
start = time.process_time()
cost = cc.price_batch_output(sys.argv[1], progress=False)
out = {"lines": cost.requests + len(cost.errors), "total": str(cost.total), "errors": len(cost.errors)}
""",
}
END = """
out["seconds"] = time.process_time() - start
print(json.dumps(out))
"""
# Runs one job as its child and reports the child's peak RSS (the parent holds nothing else).
WRAP = """
import json, resource, subprocess, sys
done = subprocess.run([sys.executable, "-c", *sys.argv[1:]], check=True, capture_output=True, text=True)
out = json.loads(done.stdout)
out["rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps(out))
"""


def run(job: str, args: list[str], code_root: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(code_root)}
    done = subprocess.run(
        [sys.executable, "-c", WRAP, SETUP + JOBS[job] + END, *args],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=code_root,  # python -c puts the working directory first on sys.path
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def best(job: str, args: list[str], repeat: int, code_root: Path = ROOT) -> dict[str, float]:
    runs = [run(job, args, code_root) for _ in range(repeat)]
    fastest = min(runs, key=lambda r: r["seconds"])
    return {**fastest, "rss_mb": max(r["rss_mb"] for r in runs)}


def generate(lines: int, out: Path, *, batch: bool) -> None:
    command = [
        sys.executable,
        str(ROOT / "examples" / "generate_log.py"),
        "--lines",
        str(lines),
        "--out",
        str(out),
    ]
    subprocess.run([*command, "--batch"] if batch else command, check=True)


def lines_for(size_mb: float, tmp: Path) -> int:
    sample = tmp / "sample.jsonl"
    generate(5_000, sample, batch=False)
    return int(size_mb * 1e6 / (sample.stat().st_size / 5_000))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--size-mb", type=float, help="generate this many MB of log instead of --lines")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--old", type=Path, help="another checkout whose price_batch_output to time too")
    parser.add_argument("--skip", nargs="*", default=[], choices=sorted(JOBS), help="jobs not to run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        n = lines_for(args.size_mb, tmp) if args.size_mb else args.lines
        log, batch, parquet = tmp / "log.jsonl", tmp / "batch.jsonl", tmp / "rows.parquet"
        generate(n, log, batch=False)
        generate(n, batch, batch=True)
        mb = {p: p.stat().st_size / 1e6 for p in (log, batch)}
        print(f"{n:,} lines: log {mb[log]:.0f} MB, Batch output {mb[batch]:.0f} MB", file=sys.stderr)
        results: dict[str, dict[str, float]] = {}
        plan = [
            ("orjson", "orjson.loads of every line (mixed log)", [str(log)], log, None),
            ("log", "price_log, rows kept, to_arrow()", [str(log)], log, "orjson"),
            ("parquet", "price_log(parquet=...), rows streamed", [str(log), str(parquet)], log, "orjson"),
            ("orjson-batch", "orjson.loads of every line (Batch output)", [str(batch)], batch, None),
            ("batch", "price_batch_output, rows kept", [str(batch)], batch, "orjson-batch"),
        ]
        if args.old is not None:
            plan.append(
                (
                    "batch-old",
                    f"price_batch_output, rows kept, code of {args.old}",
                    [str(batch)],
                    batch,
                    "orjson-batch",
                )
            )
        rows = []
        for key, label, job_args, path, against in plan:
            job = key.split("-")[0]
            if job in args.skip:
                continue
            code_root = args.old if key == "batch-old" else ROOT
            results[key] = found = best(job, job_args, args.repeat, code_root)
            print(f"{label}: {found}", file=sys.stderr)
            ratio = f"{found['seconds'] / results[against]['seconds']:.2f}x" if against in results else "1x"
            rows.append(
                [
                    label,
                    f"{mb[path]:.0f} MB",
                    f"{found['seconds']:.2f} s",
                    f"{mb[path] / found['seconds']:.0f} MB/s",
                    ratio,
                    f"{found['rss_mb']:.0f} MB",
                ]
            )
    print(table(["", "file", "CPU time (best)", "throughput", "vs orjson", "peak RSS"], rows))


if __name__ == "__main__":
    main()
