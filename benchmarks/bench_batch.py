"""A 50,000-request Batch file: costcalc's estimate against raw tiktoken batch encoding.

    python benchmarks/bench_batch.py [--requests 50000] [--words 180]

Generates the file with examples/generate_batch.py (about 100 MB), then, each in a fresh process:
estimate_batch over it (time, throughput, peak RSS) and tiktoken's encode_ordinary_batch over the
same texts (every message, instruction and embedding input, already in memory). Prints a Markdown
table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import table

ROOT = Path(__file__).resolve().parents[1]

OURS = """
import json, resource, sys, time
import costcalc as cc
from costcalc.tokens.vocab import get_encoding
get_encoding("o200k_base"); get_encoding("cl100k_base")  # vocabulary loading is not the job's cost
start = time.perf_counter()
est = cc.estimate_batch(sys.argv[1], output_tokens=300, keep_rows=False, progress=False)
elapsed = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "rss_mb": rss, "requests": est.requests, "errors": len(est.errors),
                  "input_tokens": est.input_tokens, "expected": str(est.expected)}))
"""

RAW = """
import json, resource, sys, time
from costcalc.tokens.vocab import get_encoding
texts = {"o200k_base": [], "cl100k_base": []}
for line in open(sys.argv[1], "rb"):
    req = json.loads(line)
    body = req["body"]
    enc = "cl100k_base" if body["model"].startswith("text-embedding") else "o200k_base"
    if "messages" in body:
        texts[enc] += [m["content"] for m in body["messages"]]
    elif isinstance(body["input"][0], dict):  # Responses API input
        parts = [p["text"] for m in body["input"] for p in m["content"]]
        texts[enc] += parts + [body.get("instructions", "")]
    else:
        texts[enc] += body["input"]
encs = {name: get_encoding(name) for name in texts}
start = time.perf_counter()
tokens = 0
for name, items in texts.items():
    tokens += sum(len(t) for t in encs[name].encode_ordinary_batch(items))
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "tokens": tokens, "texts": sum(map(len, texts.values()))}))
"""


def run(code: str, path: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--words", type=int, default=180)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "examples" / "generate_batch.py"),
                "--requests",
                str(args.requests),
                "--words",
                str(args.words),
                "--out",
                tmp,
                "--no-output",
            ],
            check=True,
        )
        path = Path(tmp) / "batch_requests.jsonl"
        size_mb = path.stat().st_size / 1e6
        ours = min((run(OURS, path) for _ in range(3)), key=lambda r: r["seconds"])
        raw = min((run(RAW, path) for _ in range(3)), key=lambda r: r["seconds"])
    print(
        f"{args.requests:,} requests, {size_mb:.0f} MB, {ours['input_tokens']:,} prompt tokens "
        f"({raw['tokens']:,} in the raw texts); expected cost ${ours['expected']}\n"
    )
    print(
        table(
            ["", "time", "throughput", "peak RSS"],
            [
                [
                    "costcalc estimate_batch (parse, count, price, sum)",
                    f"{ours['seconds']:.2f} s",
                    f"{size_mb / ours['seconds']:.0f} MB/s, "
                    f"{args.requests / ours['seconds']:,.0f} requests/s",
                    f"{ours['rss_mb']:.0f} MB",
                ],
                [
                    "tiktoken encode_ordinary_batch, texts in memory",
                    f"{raw['seconds']:.2f} s",
                    f"{raw['tokens'] / raw['seconds'] / 1e6:.1f} M tokens/s",
                    "-",
                ],
                ["costcalc / raw tiktoken throughput", f"{raw['seconds'] / ours['seconds']:.2f}x", "", ""],
            ],
        )
    )


if __name__ == "__main__":
    main()
