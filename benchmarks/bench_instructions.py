"""Instructions per call, counted by valgrind's callgrind: costcalc beside genai-prices.

    pip install -e . -r benchmarks/requirements.txt     # and valgrind from the system
    python benchmarks/bench_instructions.py

Wall and CPU times move with whatever else the machine runs; the number of instructions a call
executes does not (the same binary, inputs and environment give the same count). Each case runs
in a fresh process under callgrind twice, with 0 and with N calls after one warm-up call; the
difference divided by N is the cost of one warm call. Ratios of these counts are what to compare.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from _common import callgrind_instructions, table

HERE = Path(__file__).resolve().parent

CASES: dict[str, str] = {
    "costcalc price(), o4-mini": (
        "import costcalc as cc\n"
        "u = cc.Usage(input_tokens=12_000, cached_input_tokens=8_000, output_tokens=3_000)\n"
        "call = lambda: cc.price(u, model='o4-mini')\n"
    ),
    "genai-prices calc_price(), o4-mini": (
        "import genai_prices\n"
        "u = genai_prices.Usage(input_tokens=12_000, cache_read_tokens=8_000, output_tokens=3_000)\n"
        "call = lambda: genai_prices.calc_price(u, model_ref='o4-mini', provider_id='openai')\n"
    ),
    "costcalc price_response, chat dict": (
        "import costcalc as cc\nfrom bench_responses import PAYLOAD\n"
        "call = lambda: cc.price_response(PAYLOAD)\n"
    ),
    "genai-prices extract_usage + calc_price, chat dict": (
        "import genai_prices\nfrom bench_responses import PAYLOAD\n"
        "call = lambda: genai_prices.extract_usage(PAYLOAD, provider_id='openai', api_flavor='chat')"
        ".calc_price()\n"
    ),
    "costcalc price_response, Responses with web searches": (
        "import costcalc as cc\nfrom bench_responses import TOOL_CALLS\n"
        "call = lambda: cc.price_response(TOOL_CALLS)\n"
    ),
    "genai-prices extract_usage + calc_price, Responses with web searches": (
        "import genai_prices\nfrom bench_responses import TOOL_CALLS\n"
        "call = lambda: genai_prices.extract_usage(TOOL_CALLS, provider_id='openai', "
        "api_flavor='responses').calc_price()\n"
    ),
}

PAIRS = [
    ("costcalc price(), o4-mini", "genai-prices calc_price(), o4-mini"),
    ("costcalc price_response, chat dict", "genai-prices extract_usage + calc_price, chat dict"),
    (
        "costcalc price_response, Responses with web searches",
        "genai-prices extract_usage + calc_price, Responses with web searches",
    ),
]


def instructions(setup: str, calls: int, workdir: Path) -> int:
    script = workdir / "case.py"
    script.write_text(f"{setup}call()\nfor _ in range({calls}):\n    call()\n")
    return callgrind_instructions(
        [sys.executable, str(script)], workdir / "callgrind.out", paths=[HERE], cwd=HERE
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000, help="calls counted per case")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed")
    per_call: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, setup in CASES.items():
            base = instructions(setup, 0, Path(tmp))
            more = instructions(setup, args.calls, Path(tmp))
            per_call[name] = (more - base) / args.calls
            print(f"{name}: {per_call[name]:,.0f} instructions per call", file=sys.stderr)
    rows = [
        [
            ours,
            f"{per_call[ours] / 1e3:,.1f}k",
            f"{per_call[theirs] / 1e3:,.1f}k",
            f"{per_call[theirs] / per_call[ours]:.1f}x",
        ]
        for ours, theirs in PAIRS
    ]
    print(table(["case", "costcalc", "genai-prices", "genai-prices / costcalc"], rows))


if __name__ == "__main__":
    main()
