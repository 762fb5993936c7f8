"""costcalc's import and price() against genai-prices, side by side in one run.

    pip install -e . -r benchmarks/requirements.txt
    python benchmarks/bench_pricing.py

Prints a Markdown table of times and ratios (peer / costcalc: above 1 means costcalc is faster).
"""

from __future__ import annotations

import platform
import sys

from _common import per_call_us, process_ms, table

import costcalc as cc


def main() -> None:
    try:
        import genai_prices
    except ImportError:
        sys.exit("genai-prices is not installed: pip install -r benchmarks/requirements.txt")

    usage = cc.Usage(input_tokens=12_000, cached_input_tokens=8_000, output_tokens=3_000)
    g_usage = genai_prices.Usage(input_tokens=12_000, cache_read_tokens=8_000, output_tokens=3_000)
    ours = cc.price(usage, model="o4-mini")
    theirs = genai_prices.calc_price(g_usage, model_ref="o4-mini", provider_id="openai")
    assert ours.total == theirs.total_price, (ours.total, theirs.total_price)

    bare = process_ms("pass")
    imp_cc = process_ms("import costcalc")
    imp_gp = process_ms("import genai_prices")
    first_cc = process_ms(
        "import costcalc as cc; cc.price(cc.Usage(input_tokens=1, output_tokens=1), model='o4-mini')"
    )
    first_gp = process_ms(
        "import genai_prices as g; g.calc_price(g.Usage(input_tokens=1, output_tokens=1),"
        " model_ref='o4-mini', provider_id='openai')"
    )
    price_cc = per_call_us(lambda: cc.price(usage, model="o4-mini"))
    price_cc_snapshot = per_call_us(lambda: cc.price(usage, model="openai/o4-mini-2025-04-16", tier="flex"))
    price_gp = per_call_us(
        lambda: genai_prices.calc_price(g_usage, model_ref="o4-mini", provider_id="openai")
    )

    def ms(x: float) -> str:
        return f"{x:.1f} ms"

    def us(x: float) -> str:
        return f"{x:.2f} µs"

    rows = [
        [
            "import (whole process, minus bare interpreter)",
            ms(imp_cc - bare),
            ms(imp_gp - bare),
            f"{(imp_gp - bare) / (imp_cc - bare):.1f}x",
        ],
        [
            "import + first price (cold catalog)",
            ms(first_cc - bare),
            ms(first_gp - bare),
            f"{(first_gp - bare) / (first_cc - bare):.1f}x",
        ],
        ["price(), o4-mini, warm", us(price_cc), us(price_gp), f"{price_gp / price_cc:.0f}x"],
        ["price(), dated snapshot + prefix, flex", us(price_cc_snapshot), "-", "-"],
    ]
    print(
        f"Python {platform.python_version()} on {platform.machine()}, "
        f"genai-prices {genai_prices.__version__ if hasattr(genai_prices, '__version__') else '?'}, "
        f"bare interpreter start {bare:.1f} ms; both totals {ours.total} USD\n"
    )
    print(table(["what", "costcalc", "genai-prices", "genai-prices / costcalc"], rows))


if __name__ == "__main__":
    main()
