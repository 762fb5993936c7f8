"""Pricing a million usage records: costcalc.price_table against genai-prices' scalar API.

    pip install -e ".[tables]" -r benchmarks/requirements.txt
    python benchmarks/bench_tables.py

One million rows (seven models across three providers, cached and reasoning tokens) priced by
price_table, median of 5 runs on one core; genai-prices has no table API, so its calc_price is
timed on a 10,000-row sample of the same rows and extrapolated. Both agree on the sample's total.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from decimal import Decimal
from importlib.metadata import version

import numpy as np
import pandas as pd
from _common import table

import costcalc as cc

MODELS = {  # costcalc name -> (genai-prices provider, model ref)
    "gpt-4o": ("openai", "gpt-4o"),
    "o4-mini": ("openai", "o4-mini"),
    "gpt-5-mini": ("openai", "gpt-5-mini"),
    "gpt-4.1-mini": ("openai", "gpt-4.1-mini"),
    "claude-sonnet-4-5": ("anthropic", "claude-sonnet-4-5"),
    "claude-haiku-4-5": ("anthropic", "claude-haiku-4-5"),
    "gemini-2.5-flash": ("google", "gemini-2.5-flash"),
}


def rows(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    names = np.array(list(MODELS))
    inp = rng.integers(100, 150_000, n)
    out = rng.integers(10, 8_000, n)
    return pd.DataFrame(
        {
            "model": names[rng.integers(0, len(names), n)],
            "input_tokens": inp,
            "cached_input_tokens": np.where(rng.random(n) < 0.4, (inp * 0.5).astype(np.int64), 0),
            "output_tokens": out,
            "reasoning_tokens": (out * rng.random(n) * 0.7).astype(np.int64),
        }
    )


def main() -> None:
    import genai_prices

    frame = rows(1_000_000)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        priced = cc.price_table(frame, tier="standard", at="2026-11-01")
        times.append(time.perf_counter() - start)
    ours = statistics.median(times)
    assert priced["cost_error"].isna().all()

    sample = frame.head(10_000)
    records = sample.to_dict("records")
    start = time.perf_counter()
    theirs_total = Decimal(0)
    for r in records:
        provider, ref = MODELS[r["model"]]
        usage = genai_prices.Usage(
            input_tokens=int(r["input_tokens"]),
            cache_read_tokens=int(r["cached_input_tokens"]),
            output_tokens=int(r["output_tokens"]),
        )
        theirs_total += genai_prices.calc_price(usage, model_ref=ref, provider_id=provider).total_price
    theirs_sample = time.perf_counter() - start
    ours_sample_total = priced["cost_total"].head(10_000).sum()
    start = time.perf_counter()
    scalar_total = sum(
        cc.price(
            cc.Usage(
                input_tokens=int(r["input_tokens"]),
                cached_input_tokens=int(r["cached_input_tokens"]),
                output_tokens=int(r["output_tokens"]),
                reasoning_tokens=int(r["reasoning_tokens"]),
            ),
            model=r["model"],
            at="2026-11-01",
        ).total
        for r in records
    )
    scalar_sample = time.perf_counter() - start
    assert scalar_total == ours_sample_total
    print(
        f"Python {platform.python_version()} on {platform.machine()} ({os.cpu_count()} cores, numpy on one), "
        f"genai-prices {version('genai-prices')}; 10,000-row sample totals: costcalc ${ours_sample_total}, "
        f"genai-prices ${theirs_total}\n"
    )
    print(
        table(
            ["1,000,000 usage records", "time", "vs price_table"],
            [
                [
                    "costcalc price_table (pandas in, decimal128 columns out), median of 5",
                    f"{ours:.2f} s",
                    "1x",
                ],
                [
                    "costcalc price() in a Python loop (10,000 measured, x100)",
                    f"{scalar_sample * 100:.1f} s",
                    f"{scalar_sample * 100 / ours:.0f}x",
                ],
                [
                    "genai-prices calc_price in a loop (10,000 measured, x100)",
                    f"{theirs_sample * 100:.0f} s",
                    f"{theirs_sample * 100 / ours:.0f}x",
                ],
            ],
        )
    )


if __name__ == "__main__":
    main()
