"""Price an API response: costcalc against genai-prices and LiteLLM, side by side in one run.

    pip install -e . -r benchmarks/requirements.txt
    python benchmarks/bench_responses.py

Each library turns the same Chat Completions dict into a cost (all three return 0.00472 USD).
A second case is a Responses API dict with tool calls (two web searches and one page opened on
gpt-5): the bill is 0.05025 USD (10,000 input tokens at 1.25 and 1,775 output tokens at 10 per
million, 0.03025, plus two searches at 10 per thousand; opening a page is not billed). genai-prices
prices the tokens only and returns 0.03025; the timing shows what reading every output item costs.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from importlib.metadata import version

from _common import table

import costcalc as cc

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"  # LiteLLM fetches its price map at import otherwise

PAYLOAD = {
    "id": "chatcmpl-9xYz",
    "object": "chat.completion",
    "created": 1_730_000_000,
    "model": "gpt-4o-2024-08-06",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Hello! How can I help?"},
            "finish_reason": "stop",
        }
    ],
    "usage": {
        "prompt_tokens": 1_200,
        "completion_tokens": 300,
        "total_tokens": 1_500,
        "prompt_tokens_details": {"cached_tokens": 1_024, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
    },
    "service_tier": "default",
    "system_fingerprint": "fp_50cad350e4",
}


TOOL_CALLS = {
    "id": "resp_68e1",
    "object": "response",
    "created_at": 1_760_000_000,
    "model": "gpt-5-2025-08-07",
    "status": "completed",
    "output": [
        {"type": "reasoning", "id": "rs_1", "summary": []},
        *(
            {"type": "web_search_call", "id": f"ws_{i}", "status": "completed", "action": action}
            for i, action in enumerate(
                [
                    {"type": "search", "query": "eu ai act fines"},
                    {"type": "search", "query": "eu ai act application dates"},
                    {"type": "open_page", "url": "https://example.eu/ai-act"},
                ]
            )
        ),
        {
            "type": "message",
            "id": "msg_1",
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": "The fines are...", "annotations": []}],
        },
    ],
    "tools": [{"type": "web_search"}],
    "usage": {
        "input_tokens": 10_000,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": 1_775,
        "output_tokens_details": {"reasoning_tokens": 1_200},
        "total_tokens": 11_775,
    },
}


def median_us(fn: Callable[[], object], *, calls: int = 2_000, rounds: int = 15) -> float:
    """Median over ``rounds`` of the mean time of one call, in microseconds."""
    for _ in range(calls // 10):
        fn()
    results = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        results.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(results)


def main() -> None:
    import genai_prices
    import litellm

    ours = cc.price_response(PAYLOAD).total
    theirs = (
        genai_prices.extract_usage(PAYLOAD, provider_id="openai", api_flavor="chat").calc_price().total_price
    )
    lite = litellm.completion_cost(completion_response=PAYLOAD)
    assert ours == theirs == Decimal("0.00472"), (ours, theirs)

    t_ours = median_us(lambda: cc.price_response(PAYLOAD))
    t_usage = median_us(lambda: cc.usage_from_response(PAYLOAD))
    t_gp = median_us(
        lambda: genai_prices.extract_usage(PAYLOAD, provider_id="openai", api_flavor="chat").calc_price(),
        calls=300,
    )
    t_ll = median_us(lambda: litellm.completion_cost(completion_response=PAYLOAD), calls=100, rounds=7)

    tools_ours = cc.price_response(TOOL_CALLS).total
    tools_gp = (
        genai_prices.extract_usage(TOOL_CALLS, provider_id="openai", api_flavor="responses")
        .calc_price()
        .total_price
    )
    assert tools_ours == Decimal("0.05025"), tools_ours
    t_tools = median_us(lambda: cc.price_response(TOOL_CALLS))
    t_tools_gp = median_us(
        lambda: genai_prices.extract_usage(
            TOOL_CALLS, provider_id="openai", api_flavor="responses"
        ).calc_price(),
        calls=300,
    )
    print(
        f"Python {platform.python_version()} on {platform.machine()}; "
        f"genai-prices {version('genai-prices')}, litellm {version('litellm')}\n"
    )
    print(
        table(
            ["response dict -> cost", "median per call", "result", "peer / costcalc"],
            [
                ["costcalc price_response", f"{t_ours:.2f} µs", f"Decimal {ours}", "1x"],
                ["costcalc usage_from_response alone", f"{t_usage:.2f} µs", "Usage", "-"],
                [
                    "genai-prices extract_usage().calc_price()",
                    f"{t_gp:.1f} µs",
                    f"Decimal {theirs}",
                    f"{t_gp / t_ours:.0f}x",
                ],
                ["LiteLLM completion_cost", f"{t_ll:.0f} µs", f"float {lite!r}", f"{t_ll / t_ours:.0f}x"],
            ],
        )
    )
    print()
    print(
        table(
            ["Responses dict with 2 web searches -> cost", "median per call", "result", "peer / costcalc"],
            [
                ["costcalc price_response", f"{t_tools:.2f} µs", f"Decimal {tools_ours}", "1x"],
                [
                    "genai-prices extract_usage().calc_price()",
                    f"{t_tools_gp:.1f} µs",
                    f"Decimal {tools_gp} (searches missing)",
                    f"{t_tools_gp / t_tools:.0f}x",
                ],
            ],
        )
    )


if __name__ == "__main__":
    main()
