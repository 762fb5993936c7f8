"""Generate the bundled Batch example: an input file and the output file a finished job returns.

    python examples/generate_batch.py                       # examples/batch_requests.jsonl (1,200 requests)
    python examples/generate_batch.py --requests 50000 --words 280 --out /tmp/big   # a large one

Reproducible: the same seed gives the same files, byte for byte. The requests mix models and
endpoints (Chat Completions with tools and reasoning effort, Responses API with instructions,
Embeddings). The output file is simulated from the inputs: its prompt token counts are the exact
counts costcalc bills, its output and reasoning tokens are drawn around plausible values, a few
requests expire, and the lines come back shuffled, as the Batch API returns them.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

import costcalc as cc

TOPICS = [
    "a refund request for a damaged blender",
    "a question about invoice INV-20931",
    "shipping delays to Osaka",
    "a password reset that never arrives",
    "upgrading from the Team plan to Enterprise",
    "a duplicate charge",
    "GDPR data export",
    "an API rate limit error 429",
    "cancelling a subscription mid-cycle",
    "a bug in the CSV export",
    "translating the onboarding guide",
    "a warranty claim for headphones",
]
WORDS = (
    "the customer writes that order arrived late and the box was open we need a clear answer about "
    "refund policy invoice totals tax shipping address account settings billing cycle support ticket "
    "priority escalation timeline apology next steps thank you regards please confirm details attached "
    "screenshot error message steps to reproduce browser version mobile app latest update"
).split()
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "lookup_order",
            "description": "Look up an order by its id.",
            "parameters": {
                "type": "object",
                "properties": {
                    "order_id": {"type": "string", "description": "The order id, e.g. A-1234"},
                    "fields": {
                        "type": "string",
                        "description": "Which fields to return",
                        "enum": ["status", "items", "all"],
                    },
                },
                "required": ["order_id"],
            },
        },
    }
]
SYSTEM = (
    "You are a careful support assistant. Answer briefly, cite the policy section, "
    "and never invent order data."
)


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def make_requests(n: int, seed: int = 2026, words: int = 120) -> list[dict[str, Any]]:
    """``n`` varied Batch input lines."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind = rng.choices(
            ["chat", "chat-tools", "reasoning", "responses", "embeddings"], [35, 15, 20, 20, 10]
        )[0]
        topic = rng.choice(TOPICS)
        body_words = max(5, int(rng.lognormvariate(0, 0.6) * words))
        ticket = f"Ticket about {topic}. " + _text(rng, body_words)
        cid = f"req-{i:06d}"
        if kind == "chat":
            body = {
                "model": rng.choice(["gpt-4.1-mini", "gpt-4o-mini"]),
                "max_tokens": rng.choice([400, 800, 1200]),
                "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": ticket}],
            }
            url = "/v1/chat/completions"
        elif kind == "chat-tools":
            body = {
                "model": "gpt-4.1",
                "max_completion_tokens": 1000,
                "tools": TOOLS,
                "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": ticket}],
            }
            url = "/v1/chat/completions"
        elif kind == "reasoning":
            body = {
                "model": "o4-mini",
                "reasoning_effort": rng.choice(["low", "medium", "high"]),
                "max_completion_tokens": rng.choice([4000, 8000, 16000]),
                "messages": [{"role": "developer", "content": SYSTEM}, {"role": "user", "content": ticket}],
            }
            url = "/v1/chat/completions"
        elif kind == "responses":
            body = {
                "model": "gpt-5-mini",
                "instructions": SYSTEM,
                "max_output_tokens": 6000,
                "reasoning": {"effort": rng.choice(["minimal", "low", "medium"])},
                "input": [{"role": "user", "content": [{"type": "input_text", "text": ticket}]}],
            }
            url = "/v1/responses"
        else:
            body = {"model": "text-embedding-3-small", "input": [ticket, _text(rng, 20)]}
            url = "/v1/embeddings"
        out.append({"custom_id": cid, "method": "POST", "url": url, "body": body})
    return out


def make_outputs(requests: list[dict[str, Any]], seed: int = 7) -> list[dict[str, Any]]:
    """The output lines a finished job would return for ``requests`` (simulated usage)."""
    rng = random.Random(seed)
    created = 1_763_900_000  # 2025-11-23
    lines = []
    for req in requests:
        body, url, cid = req["body"], req["url"], req["custom_id"]
        if rng.random() < 0.02:
            lines.append(
                {
                    "id": f"batch_req_{cid}",
                    "custom_id": cid,
                    "response": None,
                    "error": {
                        "code": "batch_expired",
                        "message": "This request could not be executed before the completion window expired.",
                    },
                }
            )
            continue
        model = body["model"]
        if url == "/v1/embeddings":
            n = sum(cc.count_tokens(t, model) for t in body["input"])
            resp = {
                "object": "list",
                "model": model,
                "data": [],
                "usage": {"prompt_tokens": n, "total_tokens": n},
            }
        else:
            if url == "/v1/responses":
                prompt = cc.count_messages(body["input"], model, instructions=body.get("instructions"))
                effort = body["reasoning"]["effort"]
                cap = body["max_output_tokens"]
            else:
                prompt = cc.count_messages(body["messages"], model, tools=body.get("tools"))
                effort = body.get("reasoning_effort")
                cap = body.get("max_completion_tokens") or body.get("max_tokens")
            visible = max(20, int(rng.gauss(300, 90)))
            factor = {None: 0, "minimal": 0.2, "low": 1.5, "medium": 5, "high": 12}[effort]
            reasoning = int(visible * factor * rng.lognormvariate(0, 0.5)) if factor else 0
            completion = min(visible + reasoning, cap)
            reasoning = min(reasoning, completion)
            cached = (prompt // 128) * 128 if prompt >= 1024 and rng.random() < 0.3 else 0
            if url == "/v1/responses":
                resp = {
                    "object": "response",
                    "created_at": created,
                    "model": f"{model}-2025-08-07",
                    "status": "completed",
                    "service_tier": "batch",
                    "output": [],
                    "usage": {
                        "input_tokens": prompt,
                        "input_tokens_details": {"cached_tokens": cached},
                        "output_tokens": completion,
                        "output_tokens_details": {"reasoning_tokens": reasoning},
                        "total_tokens": prompt + completion,
                    },
                }
            else:
                resp = {
                    "object": "chat.completion",
                    "created": created,
                    "model": model,
                    "choices": [],
                    "service_tier": "batch",
                    "usage": {
                        "prompt_tokens": prompt,
                        "completion_tokens": completion,
                        "total_tokens": prompt + completion,
                        "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
                        "completion_tokens_details": {"reasoning_tokens": reasoning, "audio_tokens": 0},
                    },
                }
        lines.append(
            {
                "id": f"batch_req_{cid}",
                "custom_id": cid,
                "response": {
                    "status_code": 200,
                    "request_id": f"req_{rng.getrandbits(48):012x}",
                    "body": resp,
                },
                "error": None,
            }
        )
    rng.shuffle(lines)  # the Batch API does not keep the input order
    return lines


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_200)
    parser.add_argument("--words", type=int, default=120, help="median words per ticket")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent)
    parser.add_argument("--no-output", action="store_true", help="write the input file only")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    requests = make_requests(args.requests, words=args.words)
    write_jsonl(args.out / "batch_requests.jsonl", requests)
    if not args.no_output:
        write_jsonl(args.out / "batch_output.jsonl", make_outputs(requests))


if __name__ == "__main__":
    main()
