"""Token counting: costcalc against raw tiktoken, tokencost and LiteLLM, side by side in one run.

    pip install -e . -r benchmarks/requirements.txt
    python benchmarks/bench_tokens.py

The peers need tiktoken's vocabularies, which they download on first use; this script seeds a
temporary tiktoken cache from the verified offline copies so that no peer touches the network
(LiteLLM is also told to use its bundled price map).
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import per_call_us, table
from _text import prompt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import costcalc as cc
from costcalc.tokens.vocab import get_encoding
from tests.conftest import seed_tiktoken_cache
from tests.test_chat import data_url, png

_cache = tempfile.mkdtemp(prefix="tiktoken-cache-")
seed_tiktoken_cache(Path(_cache))
os.environ["TIKTOKEN_CACHE_DIR"] = _cache  # for the peers, in this benchmark process only
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

MODEL = "gpt-4o"


def main() -> None:
    text = prompt(1_000)
    enc = get_encoding("o200k_base")
    messages = [
        {"role": "system", "content": prompt(120, seed=1)},
        {"role": "user", "content": text},
        {"role": "assistant", "content": prompt(200, seed=2)},
        {"role": "user", "name": "analyst", "content": prompt(80, seed=3)},
    ]
    strings = [v for m in messages for v in m.values()]
    assert cc.count_tokens(text, MODEL) == len(enc.encode_ordinary(text))

    raw_text = per_call_us(lambda: enc.encode_ordinary(text))
    ours_text = per_call_us(lambda: cc.count_tokens(text, MODEL))
    raw_msgs = per_call_us(lambda: [enc.encode_ordinary(s) for s in strings])
    ours_msgs = per_call_us(lambda: cc.count_messages(messages, MODEL))

    rows = [
        [
            "count_tokens, 1,000 words",
            f"{ours_text:.1f} µs",
            f"{raw_text:.1f} µs (raw encode_ordinary)",
            f"{ours_text / raw_text:.3f}x",
        ],
        [
            "count_messages, 4 messages",
            f"{ours_msgs:.1f} µs",
            f"{raw_msgs:.1f} µs (raw encoding of the contents)",
            f"{ours_msgs / raw_msgs:.3f}x",
        ],
    ]

    import tokencost

    tc_text = per_call_us(lambda: tokencost.count_string_tokens(text, MODEL))
    tc_msgs = per_call_us(lambda: tokencost.count_message_tokens(messages, MODEL))
    rows.append(
        [
            "tokencost count_string_tokens",
            f"{ours_text:.1f} µs",
            f"{tc_text:.1f} µs",
            f"{ours_text / tc_text:.3f}x",
        ]
    )
    rows.append(
        [
            "tokencost count_message_tokens",
            f"{ours_msgs:.1f} µs",
            f"{tc_msgs:.1f} µs",
            f"{ours_msgs / tc_msgs:.3f}x",
        ]
    )

    import litellm

    ll_text = per_call_us(lambda: litellm.token_counter(model=MODEL, text=text))
    ll_msgs = per_call_us(lambda: litellm.token_counter(model=MODEL, messages=messages))
    rows.append(
        [
            "LiteLLM token_counter(text=)",
            f"{ours_text:.1f} µs",
            f"{ll_text:.1f} µs",
            f"{ours_text / ll_text:.3f}x",
        ]
    )
    rows.append(
        [
            "LiteLLM token_counter(messages=)",
            f"{ours_msgs:.1f} µs",
            f"{ll_msgs:.1f} µs",
            f"{ours_msgs / ll_msgs:.3f}x",
        ]
    )

    counts = {
        "costcalc": (cc.count_tokens(text, MODEL), cc.count_messages(messages, MODEL)),
        "tokencost": (
            tokencost.count_string_tokens(text, MODEL),
            tokencost.count_message_tokens(messages, MODEL),
        ),
        "LiteLLM": (
            litellm.token_counter(model=MODEL, text=text),
            litellm.token_counter(model=MODEL, messages=messages),
        ),
    }

    # Throughput on many texts: tiktoken's batch API in threads against a one-thread loop.
    texts = [prompt(300, seed=s) for s in range(6_000)]
    single = [len(enc.encode_ordinary(t)) for t in texts]
    assert cc.count_tokens_many(texts, MODEL) == single
    t_single = _best(lambda: [len(enc.encode_ordinary(t)) for t in texts])
    best = _best(lambda: cc.count_tokens_many(texts, MODEL))
    best_tk = _best(lambda: enc.encode_ordinary_batch(texts, num_threads=os.cpu_count() or 1))
    cores = os.cpu_count() or 1
    start = time.perf_counter()
    assert cc.count_tokens_many(texts, MODEL, processes=cores) == single  # starts the pool
    cold = time.perf_counter() - start
    best_proc = _best(lambda: cc.count_tokens_many(texts, MODEL, processes=cores))
    coverage = _coverage(tokencost, litellm)

    print(
        f"Python {platform.python_version()} on {platform.machine()} with {cores} cores; "
        f"tokencost {_version('tokencost')}, litellm {_version('litellm')}, tiktoken {_version('tiktoken')}\n"
    )
    print(table(["what", "costcalc", "other", "costcalc / other"], rows))
    print()
    print(
        table(
            ["library", "1,000-word prompt", "4 messages"],
            [[k, str(a), str(b)] for k, (a, b) in counts.items()],
        )
    )
    print()
    print(
        table(
            ["many texts: 6,000 x 300 words", "time", "throughput vs one thread"],
            [
                ["one thread, encode_ordinary in a loop", f"{t_single * 1e3:.0f} ms", "1.00x"],
                [
                    "costcalc count_tokens_many (threads, the default)",
                    f"{best * 1e3:.0f} ms",
                    f"{t_single / best:.2f}x",
                ],
                [
                    f"costcalc count_tokens_many(processes={cores}), warm pool",
                    f"{best_proc * 1e3:.0f} ms",
                    f"{t_single / best_proc:.2f}x",
                ],
                [
                    f"  the same, first call (starts {cores} workers)",
                    f"{cold * 1e3:.0f} ms",
                    f"{t_single / cold:.2f}x",
                ],
                ["tiktoken encode_ordinary_batch", f"{best_tk * 1e3:.0f} ms", f"{t_single / best_tk:.2f}x"],
            ],
        )
    )
    print()
    print(table(["input", "costcalc", "tokencost", "LiteLLM"], coverage))


def _coverage(tokencost: Any, litellm: Any) -> list[list[str]]:
    """Which inputs each library counts (a number) or fails on (the exception's name)."""
    image = data_url("image/png", png(512, 512))
    cases: list[tuple[str, str, list[dict[str, Any]]]] = [
        ("gpt-4.1, text message", "gpt-4.1", [{"role": "user", "content": "Summarise: " + prompt(40)}]),
        ("gpt-5-mini, text message", "gpt-5-mini", [{"role": "user", "content": "Hello there"}]),
        (
            "gpt-4o, image part (512x512)",
            "gpt-4o",
            [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "What is this?"},
                        {"type": "image_url", "image_url": {"url": image, "detail": "high"}},
                    ],
                }
            ],
        ),
        (
            "gpt-4o, assistant tool call",
            "gpt-4o",
            [
                {"role": "user", "content": "Weather in Paris?"},
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "c1",
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                        }
                    ],
                },
                {"role": "tool", "tool_call_id": "c1", "content": "21C"},
            ],
        ),
    ]
    rows = []
    for label, model, msgs in cases:
        row = [label]
        for fn in (
            lambda msgs=msgs, model=model: cc.count_messages(msgs, model),
            lambda msgs=msgs, model=model: tokencost.count_message_tokens(msgs, model),
            lambda msgs=msgs, model=model: litellm.token_counter(model=model, messages=msgs),
        ):
            try:
                row.append(str(fn()))
            except Exception as exc:  # a peer's failure is a result here
                row.append(type(exc).__name__)
        rows.append(row)
    return rows


def _best(fn: Any, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


if __name__ == "__main__":
    main()
