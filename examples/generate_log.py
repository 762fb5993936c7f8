"""Generate a realistic mixed log of responses (JSON Lines), reproducibly.

    python examples/generate_log.py --lines 200000 --out log.jsonl [--seed 2026] [--batch]

OpenAI Chat Completions and Responses, Anthropic Messages and Gemini generateContent responses,
as the APIs return them: some with cache reads and writes, reasoning, tool calls, priority and
flex tiers, over a month of days. ``examples/responses_log.jsonl`` is ``--lines 12``. With
``--batch``, an OpenAI Batch output file instead: Chat Completions and Responses bodies in
Batch result lines.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

START = 1_780_000_000  # 2026-05-28 UTC
#: The service tiers each Chat Completions model is offered at (as the catalog has them).
CHAT_MODELS = {
    "gpt-4o-2024-08-06": ["default", "default", "priority"],
    "gpt-5-nano": ["default", "default", "flex"],
    "o4-mini": ["default", "default", "flex", "priority"],
    "gpt-5-mini": ["default", "default", "flex", "priority"],
}
WORDS = "the a billing model token cache price request answer tool call result invoice total".split()


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def chat(rng: random.Random, n: int) -> dict[str, Any]:
    prompt = rng.randint(50, 20_000)
    cached = rng.choice([0, 0, (prompt // 1024) * 512])
    reasoning = rng.choice([0, rng.randint(0, 2_000)])
    output = reasoning + rng.randint(1, 1_500)
    text = _text(rng, rng.randint(5, 60))
    message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None}
    if rng.random() < 0.2:
        message["tool_calls"] = [
            {
                "id": f"call_{n}",
                "type": "function",
                "function": {"name": "lookup", "arguments": json.dumps({"q": _text(rng, 3)})},
            }
        ]
    model = rng.choice(sorted(CHAT_MODELS))
    return {
        "id": f"chatcmpl-{n:08d}",
        "object": "chat.completion",
        "created": START + rng.randint(0, 30 * 86_400),
        "model": model,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": "stop"}],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": output,
            "total_tokens": prompt + output,
            "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": reasoning,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        },
        "service_tier": rng.choice(CHAT_MODELS[model]),
        "system_fingerprint": "fp_50cad350e4",
    }


def responses(rng: random.Random, n: int) -> dict[str, Any]:
    prompt = rng.randint(50, 30_000)
    cached = rng.choice([0, (prompt // 1024) * 1024])
    reasoning = rng.randint(0, 3_000)
    output = reasoning + rng.randint(1, 1_000)
    items: list[dict[str, Any]] = [{"id": f"rs_{n}", "type": "reasoning", "summary": []}]
    if rng.random() < 0.3:
        items.append(
            {
                "type": "function_call",
                "id": f"fc_{n}",
                "call_id": f"call_{n}",
                "name": "lookup",
                "arguments": "{}",
            }
        )
    items.append(
        {
            "type": "message",
            "id": f"msg_{n}",
            "status": "completed",
            "role": "assistant",
            "content": [{"type": "output_text", "text": _text(rng, rng.randint(5, 60)), "annotations": []}],
        }
    )
    return {
        "id": f"resp_{n:08d}",
        "object": "response",
        "created_at": START + rng.randint(0, 30 * 86_400),
        "status": "completed",
        "error": None,
        "model": rng.choice(["gpt-5-2025-08-07", "o4-mini", "gpt-5-mini"]),
        "output": items,
        "tools": [{"type": "function", "name": "lookup", "parameters": {"type": "object"}, "strict": True}],
        "reasoning": {"effort": "medium", "summary": None},
        "service_tier": "default",
        "metadata": {},
        "usage": {
            "input_tokens": prompt,
            "input_tokens_details": {"cached_tokens": cached},
            "output_tokens": output,
            "output_tokens_details": {"reasoning_tokens": reasoning},
            "total_tokens": prompt + output,
        },
    }


def anthropic(rng: random.Random, n: int) -> dict[str, Any]:
    uncached = rng.randint(10, 5_000)
    write = rng.choice([0, 0, rng.randint(1_024, 8_000)])
    read = rng.choice([0, rng.randint(1_024, 50_000)])
    content: list[dict[str, Any]] = [{"type": "text", "text": _text(rng, rng.randint(5, 60))}]
    if rng.random() < 0.2:
        content.append({"type": "tool_use", "id": f"toolu_{n}", "name": "lookup", "input": {"q": "x"}})
    return {
        "id": f"msg_{n:08d}",
        "type": "message",
        "role": "assistant",
        "model": rng.choice(["claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001"]),
        "content": content,
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {
            "input_tokens": uncached,
            "cache_creation_input_tokens": write,
            "cache_read_input_tokens": read,
            "cache_creation": {"ephemeral_5m_input_tokens": write, "ephemeral_1h_input_tokens": 0},
            "output_tokens": rng.randint(1, 2_000),
            "service_tier": "standard",
        },
    }


def gemini(rng: random.Random, n: int) -> dict[str, Any]:
    prompt = rng.randint(10, 20_000)
    cached = rng.choice([0, 0, prompt // 2])
    out = rng.randint(1, 1_500)
    thoughts = rng.choice([0, rng.randint(1, 2_000)])
    meta: dict[str, Any] = {
        "promptTokenCount": prompt,
        "candidatesTokenCount": out,
        "totalTokenCount": prompt + out + thoughts,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": prompt}],
    }
    if cached:
        meta["cachedContentTokenCount"] = cached
    if thoughts:
        meta["thoughtsTokenCount"] = thoughts
    return {
        "candidates": [
            {
                "content": {"parts": [{"text": _text(rng, rng.randint(5, 60))}], "role": "model"},
                "finishReason": "STOP",
                "index": 0,
            }
        ],
        "usageMetadata": meta,
        "modelVersion": rng.choice(["gemini-2.5-flash", "gemini-2.5-pro"]),
        "createTime": f"2026-06-{rng.randint(1, 28):02d}T10:00:00.000000Z",
        "responseId": f"gem-{n:08d}",
    }


def responses_log(lines: int, seed: int = 2026) -> Iterator[dict[str, Any]]:
    """``lines`` responses: 40% Chat Completions, 20% Responses, 25% Anthropic, 15% Gemini."""
    rng = random.Random(seed)
    makers = [chat] * 8 + [responses] * 4 + [anthropic] * 5 + [gemini] * 3
    for n in range(lines):
        yield rng.choice(makers)(rng, n)


def batch_output(lines: int, seed: int = 2026) -> Iterator[dict[str, Any]]:
    """``lines`` OpenAI Batch output lines: two thirds Chat Completions, a third Responses."""
    rng = random.Random(seed)
    for n in range(lines):
        body = rng.choice([chat, chat, responses])(rng, n)
        body["service_tier"] = "batch"
        yield {
            "id": f"batch_req_{n:08d}",
            "custom_id": f"request-{n}",
            "response": {"status_code": 200, "request_id": f"req_{n:08d}", "body": body},
            "error": None,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--batch", action="store_true", help="an OpenAI Batch output file")
    args = parser.parse_args()
    make = batch_output if args.batch else responses_log
    with args.out.open("w", encoding="utf-8") as handle:
        for payload in make(args.lines, args.seed):
            handle.write(json.dumps(payload, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
