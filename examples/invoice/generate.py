"""Write the example usage and cost pages of docs/reconcile.md (hand-made, in the providers' shapes).

Run from the repository root: ``python examples/invoice/generate.py``. The amounts of the cost
pages are written by hand from the published rates (see the comments), not computed by costcalc.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
DAY = 86_400
AUG20 = 1_787_184_000  # 2026-08-20T00:00:00Z
AUG21 = AUG20 + DAY


def completions(**fields: object) -> dict[str, object]:
    return {"object": "organization.usage.completions.result", "num_model_requests": 250, **fields}


def cost(value: str, line_item: str, project: str, quantity: float | None = None) -> dict[str, object]:
    return {
        "object": "organization.costs.result",
        "amount": {"value": float(value), "currency": "usd"},
        "line_item": line_item,
        "project_id": project,
        "quantity": quantity,
    }


OPENAI_USAGE = [
    {
        "object": "page",
        "has_more": True,
        "next_page": "page_2",
        "data": [
            {
                "object": "bucket",
                "start_time": AUG20,
                "end_time": AUG21,
                "results": [
                    completions(
                        project_id="proj_web",
                        model="gpt-5.6-sol",
                        batch=False,
                        input_tokens=1_000_000,
                        input_cached_tokens=400_000,
                        output_tokens=100_000,
                    )
                ],
            },
            {
                "object": "bucket",
                "start_time": AUG21,
                "end_time": AUG21 + DAY,
                "results": [
                    completions(
                        project_id="proj_web",
                        model="gpt-5.6-sol",
                        batch=False,
                        input_tokens=1_000_000,
                        input_cached_tokens=400_000,
                        output_tokens=100_000,
                    ),
                    completions(
                        project_id="proj_batch",
                        model="gpt-5.6-sol",
                        batch=True,
                        input_tokens=2_000_000,
                        output_tokens=200_000,
                    ),
                ],
            },
        ],
    },
    {
        "object": "page",
        "has_more": False,
        "next_page": None,
        "data": [
            {
                "object": "bucket",
                "start_time": AUG21,
                "end_time": AUG21 + DAY,
                "results": [
                    {
                        "object": "organization.usage.web_searches.result",
                        "project_id": "proj_web",
                        "num_requests": 150,
                        "num_model_requests": 40,
                    }
                ],
            }
        ],
    },
]

# gpt-5.6-sol: $5 / $0.50 / $30 per 1M (input / cached / output) until 2026-08-20, $4 / $0.40 / $20
# from 2026-08-21, batch $2 / $10 from 2026-08-21; web search $10 per 1,000 calls.
OPENAI_COSTS = {
    "object": "page",
    "has_more": False,
    "next_page": None,
    "data": [
        {
            "object": "bucket",
            "start_time": AUG20,
            "end_time": AUG21,
            "results": [
                cost("3.00", "gpt-5.6-sol, input", "proj_web", 600_000),  # 600k x $5/M
                cost("0.20", "gpt-5.6-sol, cached input", "proj_web", 400_000),  # 400k x $0.50/M
                cost("3.00", "gpt-5.6-sol, output", "proj_web", 100_000),  # 100k x $30/M
            ],
        },
        {
            "object": "bucket",
            "start_time": AUG21,
            "end_time": AUG21 + DAY,
            "results": [
                cost("2.40", "gpt-5.6-sol, input", "proj_web", 600_000),  # 600k x $4/M
                cost("0.16", "gpt-5.6-sol, cached input", "proj_web", 400_000),  # 400k x $0.40/M
                # billed at the old $30/M: 100k x $30/M = $3.00 (the new rate gives $2.00)
                cost("3.00", "gpt-5.6-sol, output", "proj_web", 100_000),
                cost("4.00", "gpt-5.6-sol, input (batch)", "proj_batch", 2_000_000),  # 2M x $2/M
                cost("2.00", "gpt-5.6-sol, output (batch)", "proj_batch", 200_000),  # 200k x $10/M
                cost("1.50", "web search tool calls", "proj_web", 150),  # 150 x $0.01
            ],
        },
    ],
}


def messages(**fields: object) -> dict[str, object]:
    row: dict[str, object] = {
        "uncached_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
        "output_tokens": 0,
        "server_tool_use": {"web_search_requests": 0},
    }
    row.update(fields)
    return row


ANTHROPIC_USAGE = {
    "data": [
        {
            "starting_at": "2026-03-12T00:00:00Z",
            "ending_at": "2026-03-13T00:00:00Z",
            "results": [
                messages(
                    workspace_id="wrkspc_research",
                    model="claude-opus-4-6",
                    service_tier="standard",
                    context_window="0-200k",
                    uncached_input_tokens=800_000,
                    cache_read_input_tokens=2_000_000,
                    cache_creation={"ephemeral_5m_input_tokens": 100_000, "ephemeral_1h_input_tokens": 0},
                    output_tokens=150_000,
                    server_tool_use={"web_search_requests": 30},
                ),
                messages(
                    workspace_id="wrkspc_research",
                    model="claude-opus-4-6",
                    service_tier="standard",
                    context_window="200k-1M",
                    uncached_input_tokens=1_000_000,
                    output_tokens=50_000,
                ),
                messages(
                    workspace_id="wrkspc_support",
                    model="claude-haiku-4-5",
                    service_tier="batch",
                    context_window="0-200k",
                    uncached_input_tokens=4_000_000,
                    output_tokens=400_000,
                ),
            ],
        }
    ],
    "has_more": False,
    "next_page": None,
}


def cents(
    amount: str, workspace: str, model: str | None, cost_type: str, token_type: str | None
) -> dict[str, object]:
    return {
        "amount": amount,
        "currency": "USD",
        "workspace_id": workspace,
        "model": model,
        "cost_type": cost_type,
        "token_type": token_type,
        "description": None,
        "service_tier": None,
        "context_window": None,
    }


# claude-opus-4-6 until 2026-03-12: $5 / $0.50 / $6.25 / $25 per 1M (input, cache read, 5-minute
# write, output), above 200K input $10 / $37.50; web search $10 per 1,000. claude-haiku-4-5:
# $1 / $5, batch $0.50 / $2.50. Amounts are in cents.
ANTHROPIC_COSTS = {
    "data": [
        {
            "starting_at": "2026-03-12T00:00:00Z",
            "ending_at": "2026-03-13T00:00:00Z",
            "results": [
                # 800k x $5/M = $4.00, plus 1M long-context x $10/M = $10.00: 1400 cents
                cents("1400.00", "wrkspc_research", "claude-opus-4-6", "tokens", "uncached_input_tokens"),
                cents("100.00", "wrkspc_research", "claude-opus-4-6", "tokens", "cache_read_input_tokens"),
                cents(
                    "62.50",
                    "wrkspc_research",
                    "claude-opus-4-6",
                    "tokens",
                    "cache_creation.ephemeral_5m_input_tokens",
                ),
                # 150k x $25/M = $3.75, plus 50k long x $37.50/M = $1.875: 562.5 cents
                cents("562.50", "wrkspc_research", "claude-opus-4-6", "tokens", "output_tokens"),
                cents("30.00", "wrkspc_research", None, "web_search", None),  # 30 x $0.01
                # billed at the standard rates, not batch: 4M x $1/M = $4.00, 400k x $5/M = $2.00
                cents("400.00", "wrkspc_support", "claude-haiku-4-5", "tokens", "uncached_input_tokens"),
                cents("200.00", "wrkspc_support", "claude-haiku-4-5", "tokens", "output_tokens"),
            ],
        }
    ],
    "has_more": False,
    "next_page": None,
}


def main() -> None:
    for name, data in (
        ("openai_usage.json", OPENAI_USAGE),
        ("openai_costs.json", OPENAI_COSTS),
        ("anthropic_usage.json", ANTHROPIC_USAGE),
        ("anthropic_costs.json", ANTHROPIC_COSTS),
    ):
        (HERE / name).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
