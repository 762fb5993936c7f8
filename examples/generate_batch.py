"""Generate the bundled batch examples: request files and the results files finished jobs return.

    python examples/generate_batch.py                       # all three providers' examples
    python examples/generate_batch.py --provider anthropic --requests 50000 --out /tmp/big

Reproducible: the same seed gives the same files, byte for byte.

- OpenAI Batch (``batch_requests.jsonl``, 1,200 requests; ``batch_output.jsonl``): Chat
  Completions with tools and reasoning effort, Responses API with instructions, Embeddings. Its
  prompt token counts are the exact counts costcalc bills.
- Anthropic Message Batches (``anthropic_requests.jsonl``, 400 requests;
  ``anthropic_results.jsonl``): Claude Sonnet 4.5 and Haiku 4.5, a long system prompt cached with
  ``cache_control``, extended thinking, tools. Claude's tokenizer is not public: the simulated
  billed prompts are costcalc's o200k base counts times a ratio drawn inside the Claude band.
  The first request of each model writes the cache, most later ones read it.
- Gemini Batch (``gemini_requests.jsonl``, 300 ``{"key", "request"}`` lines for a
  gemini-2.5-flash job; ``gemini_output.jsonl``): thinking budgets off, small and dynamic.

The results are simulated from the requests: output and reasoning tokens are drawn around
plausible values, a few requests expire, error or are canceled, and the lines come back shuffled,
as the batch APIs return them.
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


# -- Anthropic Message Batches ----------------------------------------------------------------------

POLICY = " ".join(
    f"Section {n}. " + " ".join(WORDS[(n * 7 + i) % len(WORDS)] for i in range(50)) + "."
    for n in range(1, 17)
)
CLAUDE_TOOLS = [
    {
        "name": "lookup_order",
        "description": "Look up an order by its id.",
        "input_schema": {
            "type": "object",
            "properties": {"order_id": {"type": "string", "description": "The order id, e.g. A-1234"}},
            "required": ["order_id"],
        },
    }
]


def make_anthropic_requests(n: int, seed: int = 2027, words: int = 120) -> list[dict[str, Any]]:
    """``n`` Message Batches requests: ``{"custom_id", "params"}``."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind = rng.choices(["plain", "cached", "thinking", "tools"], [30, 40, 15, 15])[0]
        model = "claude-sonnet-4-5" if kind == "thinking" or rng.random() < 0.55 else "claude-haiku-4-5"
        ticket = f"Ticket about {rng.choice(TOPICS)}. " + _text(
            rng, max(5, int(rng.lognormvariate(0, 0.6) * words))
        )
        params: dict[str, Any] = {
            "model": model,
            "max_tokens": rng.choice([600, 1000, 1500]),
            "messages": [{"role": "user", "content": ticket}],
        }
        if kind == "cached":
            params["system"] = [
                {"type": "text", "text": SYSTEM},
                {"type": "text", "text": POLICY, "cache_control": {"type": "ephemeral"}},
            ]
        else:
            params["system"] = SYSTEM
        if kind == "thinking":
            budget = rng.choice([2_048, 4_096, 8_192])
            params["thinking"] = {"type": "enabled", "budget_tokens": budget}
            params["max_tokens"] = budget + 2_000
        if kind == "tools":
            params["tools"] = CLAUDE_TOOLS
        out.append({"custom_id": f"msg-{i:06d}", "params": params})
    return out


def make_anthropic_results(requests: list[dict[str, Any]], seed: int = 8) -> list[dict[str, Any]]:
    """The results file of a finished Message Batch for ``requests`` (simulated usage)."""
    from costcalc.providers import anthropic

    rng = random.Random(seed)
    written: set[str] = set()
    lines: list[dict[str, Any]] = []
    for req in requests:
        cid, params = req["custom_id"], req["params"]
        fate = rng.random()
        if fate < 0.02:
            lines.append({"custom_id": cid, "result": {"type": "expired"}})
            continue
        if fate < 0.03:
            lines.append({"custom_id": cid, "result": {"type": "canceled"}})
            continue
        if fate < 0.045:
            error = {"type": "invalid_request_error", "message": "max_tokens: exceeds the model's limit"}
            lines.append(
                {"custom_id": cid, "result": {"type": "errored", "error": {"type": "error", "error": error}}}
            )
            continue
        model = params["model"]
        count = anthropic.count_request("/v1/messages", params, cc.get_model(model), None)
        ratio = rng.uniform(1.10, 1.30)  # inside the Claude band (1.05-1.40)

        def billed(tokens: int, ratio: float = ratio) -> int:
            return round(tokens * ratio)

        prompt = billed(count.input_tokens - count.fixed_tokens) + count.fixed_tokens
        cacheable = min(prompt, billed(count.cache_5m_tokens))
        read = write = 0
        if cacheable:
            if model in written and rng.random() < 0.9:
                read = cacheable
            else:
                write = cacheable
                written.add(model)
        thinking = params.get("thinking")
        visible = max(20, int(rng.gauss(280, 90)))
        reasoning = int(thinking["budget_tokens"] * rng.uniform(0.1, 0.8)) if thinking else 0
        output = min(visible + reasoning, params["max_tokens"])
        message = {
            "id": f"msg_{rng.getrandbits(48):012x}",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [{"type": "text", "text": "..."}],
            "stop_reason": "end_turn" if output < params["max_tokens"] else "max_tokens",
            "stop_sequence": None,
            "usage": {
                "input_tokens": prompt - read - write,
                "cache_creation_input_tokens": write,
                "cache_read_input_tokens": read,
                "cache_creation": {"ephemeral_5m_input_tokens": write, "ephemeral_1h_input_tokens": 0},
                "output_tokens": output,
                "service_tier": "batch",
            },
        }
        lines.append({"custom_id": cid, "result": {"type": "succeeded", "message": message}})
    rng.shuffle(lines)  # results come back in any order
    return lines


# -- Gemini Batch ----------------------------------------------------------------------------------

#: The model of the bundled Gemini job (a Gemini batch job names its model once, not per line).
GEMINI_MODEL = "gemini-2.5-flash"


def make_gemini_requests(n: int, seed: int = 2028, words: int = 120) -> list[dict[str, Any]]:
    """``n`` Gemini Batch input lines: ``{"key", "request"}``."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        ticket = f"Ticket about {rng.choice(TOPICS)}. " + _text(
            rng, max(5, int(rng.lognormvariate(0, 0.6) * words))
        )
        request: dict[str, Any] = {"contents": [{"role": "user", "parts": [{"text": ticket}]}]}
        if rng.random() < 0.5:
            request["systemInstruction"] = {"parts": [{"text": SYSTEM}]}
        request["generationConfig"] = {
            "maxOutputTokens": rng.choice([2_048, 4_096, 8_192]),
            "thinkingConfig": {"thinkingBudget": rng.choice([0, 1_024, -1])},
        }
        out.append({"key": f"gem-{i:06d}", "request": request})
    return out


def make_gemini_outputs(requests: list[dict[str, Any]], seed: int = 9) -> list[dict[str, Any]]:
    """The output file of a finished Gemini batch job for ``requests`` (simulated usage)."""
    from costcalc.providers import gemini

    rng = random.Random(seed)
    info = cc.get_model(GEMINI_MODEL)
    lines: list[dict[str, Any]] = []
    for req in requests:
        key, request = req["key"], req["request"]
        if rng.random() < 0.03:
            error = {
                "code": 400,
                "message": "Request contains an invalid argument.",
                "status": "INVALID_ARGUMENT",
            }
            lines.append({"key": key, "error": error})
            continue
        count = gemini.count_request("generateContent", request, info, None)
        prompt = round(count.input_tokens * rng.uniform(0.95, 1.20))  # inside the Gemini band (0.90-1.30)
        config = request["generationConfig"]
        budget = config["thinkingConfig"]["thinkingBudget"]
        visible = max(20, int(rng.gauss(280, 90)))
        thoughts = 0 if budget == 0 else int(visible * rng.uniform(0.5, 4.0))
        if budget > 0:
            thoughts = min(thoughts, budget)
        thoughts = min(thoughts, config["maxOutputTokens"] - visible)
        usage = {
            "promptTokenCount": prompt,
            "candidatesTokenCount": visible,
            "totalTokenCount": prompt + visible + thoughts,
        }
        if thoughts:
            usage["thoughtsTokenCount"] = thoughts
        response = {
            "candidates": [
                {"content": {"role": "model", "parts": [{"text": "..."}]}, "finishReason": "STOP"}
            ],
            "usageMetadata": usage,
            "modelVersion": GEMINI_MODEL,
            "responseId": f"{rng.getrandbits(64):016x}",
        }
        lines.append({"key": key, "response": response})
    rng.shuffle(lines)
    return lines


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provider", choices=["openai", "anthropic", "gemini", "all"], default="all")
    parser.add_argument("--requests", type=int, help="requests per file (default 1,200 / 400 / 300)")
    parser.add_argument("--words", type=int, default=120, help="median words per ticket")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent)
    parser.add_argument("--no-output", action="store_true", help="write the request files only")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    jobs = {
        "openai": (1_200, make_requests, make_outputs, "batch_requests.jsonl", "batch_output.jsonl"),
        "anthropic": (
            400,
            make_anthropic_requests,
            make_anthropic_results,
            "anthropic_requests.jsonl",
            "anthropic_results.jsonl",
        ),
        "gemini": (
            300,
            make_gemini_requests,
            make_gemini_outputs,
            "gemini_requests.jsonl",
            "gemini_output.jsonl",
        ),
    }
    for name, (default, make, results, requests_file, results_file) in jobs.items():
        if args.provider not in (name, "all"):
            continue
        requests = make(args.requests or default, words=args.words)
        write_jsonl(args.out / requests_file, requests)
        if not args.no_output:
            write_jsonl(args.out / results_file, results(requests))


if __name__ == "__main__":
    main()
