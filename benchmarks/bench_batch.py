"""50,000-request batch files: costcalc's estimates against raw tiktoken batch encoding.

    python benchmarks/bench_batch.py [--requests 50000] [--words 180] [--results-copies 1]

Generates an OpenAI Batch file and an Anthropic Message Batches file with
examples/generate_batch.py (about 100 MB each), then, each in a fresh process, best of three:

- estimate_batch over each file (time, throughput, peak RSS), and over its first fifth, to show
  that memory stays flat as the file grows (the file is streamed, keep_rows=False);
- tiktoken's encode_ordinary_batch over the same texts (every message, instruction, system
  prompt and embedding input, already in memory): the raw cost of the token counting;
- price_batch_output over the OpenAI job's results file, with and without rows
  (``--results-copies 10`` prices it ten times over, with distinct ids: a 211 MB file).

Prints Markdown tables for docs/performance.md.
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

ESTIMATE = """
import json, resource, sys, time
import costcalc as cc
from costcalc.tokens.vocab import get_encoding
get_encoding("o200k_base"); get_encoding("cl100k_base")  # vocabulary loading is not the job's cost
cc.get_model("gpt-4o")  # nor is loading the catalog
start = time.perf_counter()
est = cc.estimate_batch(sys.argv[1], output_tokens=300, keep_rows=False, progress=False)
elapsed = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "rss_mb": rss, "requests": est.requests, "errors": len(est.errors),
                  "input_tokens": est.input_tokens, "expected": str(est.expected)}))
"""

PRICE = """
import json, resource, sys, time
import costcalc as cc
cc.get_model("gpt-4o")
start = time.perf_counter()
cost = cc.price_batch_output(sys.argv[1], keep_rows=sys.argv[2] == "rows", progress=False)
elapsed = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "rss_mb": rss, "requests": cost.requests, "total": str(cost.total)}))
"""

RAW = """
import json, sys, time
from costcalc.tokens.vocab import get_encoding

def texts_of(content):
    if isinstance(content, str):
        return [content]
    return [block["text"] for block in content if block.get("type") == "text"]

texts = {"o200k_base": [], "cl100k_base": []}
for line in open(sys.argv[1], "rb"):
    req = json.loads(line)
    if "params" in req:  # Anthropic: system, messages, tool definitions
        params = req["params"]
        texts["o200k_base"] += texts_of(params.get("system", []))
        for message in params["messages"]:
            texts["o200k_base"] += texts_of(message["content"])
        texts["o200k_base"] += [json.dumps(t) for t in params.get("tools", [])]
        continue
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


def run(code: str, *args: str | Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def best(code: str, *args: str | Path) -> dict[str, float]:
    return min((run(code, *args) for _ in range(3)), key=lambda r: r["seconds"])


def generate(provider: str, requests: int, words: int, out: Path, results: bool) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    command = [
        sys.executable,
        str(ROOT / "examples" / "generate_batch.py"),
        "--provider",
        provider,
        "--requests",
        str(requests),
        "--words",
        str(words),
        "--out",
        str(out),
    ]
    subprocess.run(command if results else [*command, "--no-output"], check=True, env=env)


def head(path: Path, lines: int, out: Path) -> Path:
    with path.open("rb") as src, out.open("wb") as dst:
        for i, line in enumerate(src):
            if i == lines:
                break
            dst.write(line)
    return out


def copies(path: Path, times: int, out: Path) -> Path:
    """``path`` repeated ``times`` times, each copy's custom_ids made distinct (``-1``, ``-2``...)."""
    if times == 1:
        return path
    lines = path.read_bytes().splitlines()
    with out.open("w", encoding="utf-8") as dst:
        for k in range(times):
            for line in lines:
                data = json.loads(line)
                data["custom_id"] = f"{data['custom_id']}-{k}"
                dst.write(json.dumps(data, separators=(",", ":")) + "\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--words", type=int, default=180)
    parser.add_argument(
        "--results-copies", type=int, default=1, help="results file repeated, ids made distinct"
    )
    args = parser.parse_args()
    n, fifth = args.requests, args.requests // 5
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        generate("openai", n, args.words, out, results=True)
        generate("anthropic", n, args.words, out, results=False)
        files = {"OpenAI": out / "batch_requests.jsonl", "Anthropic": out / "anthropic_requests.jsonl"}
        rows = []
        memory = []
        for name, path in files.items():
            size_mb = path.stat().st_size / 1e6
            ours = best(ESTIMATE, path)
            small = best(ESTIMATE, head(path, fifth, out / f"{name}-head.jsonl"))
            raw = best(RAW, path)
            print(
                f"{name}: {n:,} requests, {size_mb:.0f} MB, {ours['input_tokens']:,} estimated prompt tokens "
                f"({raw['tokens']:,} o200k/cl100k tokens in the raw texts); expected cost ${ours['expected']}"
            )
            rows += [
                [
                    f"{name}: costcalc estimate_batch",
                    f"{ours['seconds']:.2f} s",
                    f"{size_mb / ours['seconds']:.0f} MB/s, {n / ours['seconds']:,.0f} requests/s",
                    f"{ours['rss_mb']:.0f} MB",
                ],
                [
                    f"{name}: tiktoken encode_ordinary_batch, texts in memory",
                    f"{raw['seconds']:.2f} s",
                    f"{raw['tokens'] / raw['seconds'] / 1e6:.1f} M tokens/s",
                    "-",
                ],
                [
                    f"{name}: costcalc / raw tiktoken throughput",
                    f"{raw['seconds'] / ours['seconds']:.2f}x",
                    "",
                    "",
                ],
            ]
            memory.append([name, f"{small['rss_mb']:.0f} MB", f"{ours['rss_mb']:.0f} MB"])
        results = copies(out / "batch_output.jsonl", args.results_copies, out / "results.jsonl")
        lean = best(PRICE, results, "totals")
        kept = best(PRICE, results, "rows")
        results_mb = results.stat().st_size / 1e6
    print()
    print(table(["", "time", "throughput", "peak RSS"], rows))
    print()
    print(table(["estimate_batch, keep_rows=False", f"first {fifth:,} requests", f"all {n:,}"], memory))
    print()
    print(
        table(
            [
                f"price_batch_output, OpenAI results ({results_mb:.0f} MB, {lean['requests']:,} priced)",
                "time",
                "peak RSS",
            ],
            [
                [
                    "keep_rows=False (totals; the CLI's table mode)",
                    f"{lean['seconds']:.2f} s",
                    f"{lean['rss_mb']:.0f} MB",
                ],
                [
                    "keep_rows=True (a row per request)",
                    f"{kept['seconds']:.2f} s",
                    f"{kept['rss_mb']:.0f} MB",
                ],
            ],
        )
    )


if __name__ == "__main__":
    main()
