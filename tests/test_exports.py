"""Usage and cost exports: pricing a usage export, reconciling it with the provider's costs.

Every expected amount is worked out by hand in a comment from the catalog's published rates:
gpt-5.6-sol $5 / $0.50 / $30 per 1M tokens (input / cached input / output) until 2026-08-20 and
$4 / $0.40 / $20 from 2026-08-21 (batch $2 / $0.20 / $10); web search $0.01 a call.
claude-sonnet-4-5 $3 / $0.30 / $3.75 (5-minute write) / $6 (1-hour write) / $15, above 200K
input tokens $6 / $0.60 / $7.50 / $12 / $22.50; claude-haiku-4-5 $1 / $0.10 / $5, batch $0.50 /
$2.50; web search $0.01.
"""

from __future__ import annotations

import decimal
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from anthropic.types.beta.organization import (
    BetaAnalyticsCostReportTimeBucket,
    BetaAnalyticsUsageReportTimeBucket,
)
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from openai.types.admin.organization.usage_completions_response import UsageCompletionsResponse
from openai.types.admin.organization.usage_costs_response import UsageCostsResponse

import costcalc as cc
from costcalc.cli import main

EXAMPLES = Path(__file__).parent.parent / "examples" / "invoice"
DAY = 86_400
AUG20 = 1_787_184_000  # 2026-08-20T00:00:00Z
AUG21 = AUG20 + DAY


# -- building pages with the SDKs' own types ----------------------------------------------------------


def _completions(**fields: Any) -> dict[str, Any]:
    return {"object": "organization.usage.completions.result", "num_model_requests": 10, **fields}


def _bucket(start: int, results: list[dict[str, Any]], end: int | None = None) -> dict[str, Any]:
    return {"object": "bucket", "start_time": start, "end_time": end or start + DAY, "results": results}


def _usage_page(*buckets: dict[str, Any]) -> UsageCompletionsResponse:
    return UsageCompletionsResponse.model_validate(
        {"object": "page", "data": list(buckets), "has_more": False, "next_page": None}
    )


def _cost(
    value: str, line_item: str | None, project: str | None, quantity: float | None = None
) -> dict[str, Any]:
    return {
        "object": "organization.costs.result",
        "amount": {"value": float(value), "currency": "usd"},
        "line_item": line_item,
        "project_id": project,
        "quantity": quantity,
    }


def _costs_page(*buckets: dict[str, Any]) -> UsageCostsResponse:
    return UsageCostsResponse.model_validate(
        {"object": "page", "data": list(buckets), "has_more": False, "next_page": None}
    )


def _openai_usage() -> list[UsageCompletionsResponse]:
    tokens = {"input_tokens": 1_000_000, "input_cached_tokens": 400_000, "output_tokens": 100_000}
    web = {"object": "organization.usage.web_searches.result", "project_id": "proj_a"}
    return [
        _usage_page(
            _bucket(AUG20, [_completions(project_id="proj_a", model="gpt-5.6-sol", batch=False, **tokens)]),
            _bucket(
                AUG21,
                [
                    _completions(project_id="proj_a", model="gpt-5.6-sol", batch=False, **tokens),
                    _completions(
                        project_id="proj_b",
                        model="gpt-5.6-sol",
                        batch=True,
                        input_tokens=2_000_000,
                        output_tokens=200_000,
                    ),
                ],
            ),
        ),
        _usage_page(_bucket(AUG21, [{**web, "num_requests": 150, "num_model_requests": 40}])),
    ]


def _openai_costs(output_aug21: str = "2.00", web: tuple[str, float] = ("1.50", 150)) -> UsageCostsResponse:
    return _costs_page(
        _bucket(
            AUG20,
            [
                _cost("3.00", "gpt-5.6-sol, input", "proj_a", 600_000),  # 600k x $5/M
                _cost("0.20", "gpt-5.6-sol, cached input", "proj_a", 400_000),  # 400k x $0.50/M
                _cost("3.00", "gpt-5.6-sol, output", "proj_a", 100_000),  # 100k x $30/M
            ],
        ),
        _bucket(
            AUG21,
            [
                _cost("2.40", "gpt-5.6-sol, input", "proj_a", 600_000),  # 600k x $4/M
                _cost("0.16", "gpt-5.6-sol, cached input", "proj_a", 400_000),  # 400k x $0.40/M
                _cost(output_aug21, "gpt-5.6-sol, output", "proj_a", 100_000),  # 100k x $20/M = $2.00
                _cost("4.00", "gpt-5.6-sol, input (batch)", "proj_b", 2_000_000),  # 2M x $2/M
                _cost("2.00", "gpt-5.6-sol, output (batch)", "proj_b", 200_000),  # 200k x $10/M
                _cost(web[0], "web search tool calls", "proj_a", web[1]),  # 150 x $0.01 = $1.50
            ],
        ),
    )


def _row(rec: cc.InvoiceReconciliation, **match: Any) -> cc.InvoiceRow:
    found = [r for r in rec.rows if all(getattr(r, k) == v for k, v in match.items())]
    assert len(found) == 1, (match, rec.rows)
    return found[0]


# -- pricing a usage export ----------------------------------------------------------------------------


def test_openai_usage_export_lines_at_the_rate_of_each_day() -> None:
    export = cc.price_usage_export(_openai_usage())
    # Aug 20: 3.00 + 0.20 + 3.00 = 6.20; Aug 21: 2.40 + 0.16 + 2.00 = 4.56; batch 4.00 + 2.00 = 6.00;
    # web search 150 x 0.01 = 1.50. Total 18.26.
    assert export.total == Decimal("18.26")
    assert export.complete
    assert export.pages == 2
    assert export.rows == 4
    out = {(str(x.day), x.project, x.line_item, x.tier): (x.quantity, x.rate, x.amount) for x in export.lines}
    assert out[("2026-08-20", "proj_a", "output", "standard")] == (100_000, Decimal(30), Decimal(3))
    assert out[("2026-08-21", "proj_a", "output", "standard")] == (100_000, Decimal(20), Decimal(2))
    assert out[("2026-08-21", "proj_a", "cached_input", "standard")] == (
        400_000,
        Decimal("0.4"),
        Decimal("0.16"),
    )
    assert out[("2026-08-21", "proj_b", "input", "batch")] == (2_000_000, Decimal(2), Decimal(4))
    web = next(x for x in export.lines if x.line_item == "web_search_call")
    assert (web.model, web.quantity, web.unit, web.rate, web.amount) == (
        None,
        150,
        "web_search_call",
        Decimal("0.01"),
        Decimal("1.5"),
    )
    assert export.by_model() == {"gpt-5.6-sol": Decimal("16.76"), None: Decimal("1.5")}


def test_anthropic_usage_export_bands_cache_retention_and_web_search() -> None:
    export = cc.price_usage_export(_anthropic_usage())
    # short band: 500k x 3 = 1.50, 1M cached x 0.30 = 0.30, 200k 5m x 3.75 = 0.75,
    # 100k 1h x 6 = 0.60, 80k out x 15 = 1.20, 12 searches x 0.01 = 0.12 -> 4.47
    # long band: 300k x 6 = 1.80, 10k x 22.50 = 0.225 -> 2.025. Total 6.495.
    assert export.total == Decimal("6.495")
    lines = {(x.line_item, x.long_context): x.amount for x in export.lines}
    assert lines[("cache_write", False)] == Decimal("0.75")
    assert lines[("cache_write_1h", False)] == Decimal("0.6")
    assert lines[("input", True)] == Decimal("1.8")
    assert lines[("output", True)] == Decimal("0.225")
    assert lines[("web_search_call", False)] == Decimal("0.12")
    assert all(not x.tier_stated and x.tier == "standard" for x in export.lines)


def test_us_inference_surcharge_from_the_usage_report() -> None:
    # claude-opus-4-6 with inference_geo "us": 1M input x $5/M x 1.1 = $5.50.
    page = {
        "data": [
            {
                "starting_at": "2026-06-01T00:00:00Z",
                "ending_at": "2026-06-02T00:00:00Z",
                "results": [
                    {
                        "model": "claude-opus-4-6",
                        "inference_geo": "us",
                        "uncached_input_tokens": 1_000_000,
                        "cache_read_input_tokens": 0,
                        "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
                        "output_tokens": 0,
                        "server_tool_use": {"web_search_requests": 0},
                    }
                ],
            }
        ]
    }
    export = cc.price_usage_export(page)
    assert export.total == Decimal("5.5")
    assert export.lines[0].factor == Decimal("1.1")


def test_unpriced_quantities_refused_by_name_or_listed() -> None:
    page = _usage_page(
        _bucket(AUG21, [_completions(model="gpt-9-imaginary", input_tokens=1000, output_tokens=10)]),
    )
    with pytest.raises(cc.UnpricedUsageError) as info:
        cc.price_usage_export(page)
    assert info.value.field == "model"
    export = cc.price_usage_export(page, strict=False)
    assert export.total == 0
    assert export.lines == []
    assert [(u.field, u.quantity, u.cause) for u in export.unpriced] == [("model", 1010, "unknown_model")]
    assert "INCOMPLETE" in export._repr_html_()

    stores = {
        "object": "page",
        "has_more": False,
        "data": [
            _bucket(
                AUG21, [{"object": "organization.usage.vector_stores.result", "usage_bytes": 5_000_000_000}]
            )
        ],
    }
    with pytest.raises(cc.UnpricedUsageError) as info:
        cc.price_usage_export(stores)
    assert info.value.field == "usage_bytes"


def test_long_context_left_open_is_a_warning() -> None:
    # 300,000 input tokens in a row that does not say its band: gpt-5.6-sol bills requests above
    # 272,000 at 2x; priced at the short rates (300k x $4/M = $1.20) with a warning.
    page = _usage_page(
        _bucket(AUG21, [_completions(model="gpt-5.6-sol", input_tokens=300_000, output_tokens=0)])
    )
    export = cc.price_usage_export(page)
    assert export.total == Decimal("1.2")
    assert len(export.warnings) == 1
    assert "272,000" in export.warnings[0]


# -- reconciling -----------------------------------------------------------------------------------------


def test_openai_reconcile_finds_the_price_change() -> None:
    # The provider billed Aug 21's output at the old $30/M: 100k x $30/M = $3.00 against costcalc's $2.00.
    rec = cc.reconcile_invoice(_openai_usage(), _openai_costs(output_aug21="3.00"))
    assert (rec.costcalc_total, rec.provider_total, rec.difference) == (
        Decimal("18.26"),
        Decimal("19.26"),
        Decimal(1),
    )
    row = _row(rec, line_item="output", project="proj_a", cause="price change")
    assert (row.costcalc_amount, row.provider_amount, row.difference) == (Decimal(2), Decimal(3), Decimal(1))
    assert "2026-08-05" in row.explanation  # the period before the 2026-08-21 price
    assert {r.cause for r in rec.rows} == {"match", "price change"}
    assert rec.causes() == {"match": Decimal(0), "price change": Decimal(1)}
    batch = _row(rec, project="proj_b", line_item="input")
    assert batch.costcalc_amount == batch.provider_amount == Decimal(4)
    web = _row(rec, line_item="web_search_call")
    assert (web.model, web.costcalc_amount, web.cause) == (None, Decimal("1.5"), "match")


def test_openai_reconcile_to_zero_with_hand_computed_costs() -> None:
    rec = cc.reconcile_invoice(_openai_usage(), _openai_costs())
    assert rec.difference == 0
    assert rec.costcalc_total == rec.provider_total == Decimal("18.26")
    assert all(r.cause == "match" and r.difference == 0 for r in rec.rows)


def test_costs_not_grouped_by_line_item_or_project_compare_per_day() -> None:
    # Day totals: Aug 20 3.00 + 0.20 + 3.00 = 6.20; Aug 21 2.40 + 0.16 + 2.00 + 4.00 + 2.00 + 1.50 = 12.06.
    costs = _costs_page(
        _bucket(AUG20, [_cost("6.20", None, None)]), _bucket(AUG21, [_cost("12.06", None, None)])
    )
    rec = cc.reconcile_invoice(_openai_usage(), costs)
    assert [(str(r.day), r.project, r.model, r.line_item, r.costcalc_amount, r.cause) for r in rec.rows] == [
        ("2026-08-20", None, None, None, Decimal("6.2"), "match"),
        ("2026-08-21", None, None, None, Decimal("12.06"), "match"),
    ]


def test_anthropic_token_costs_not_split_by_token_type() -> None:
    # Tokens of the day: 1.50 + 1.80 + 0.30 + 0.75 + 0.60 + 1.20 + 0.225 = 6.375 = 637.5 cents.
    buckets = _anthropic_costs()
    data = buckets[0].model_dump()
    data["results"] = [
        {
            "amount": "637.5",
            "list_amount": "637.5",
            "currency": "USD",
            "model": "claude-sonnet-4-5",
            "cost_type": "tokens",
        },
        {"amount": "12", "list_amount": "12", "currency": "USD", "cost_type": "web_search"},
    ]
    rec = cc.reconcile_invoice(_anthropic_usage(), [BetaAnalyticsCostReportTimeBucket.model_validate(data)])
    assert [(r.line_item, r.costcalc_amount, r.provider_amount, r.cause) for r in rec.rows] == [
        ("web_search_call", Decimal("0.12"), Decimal("0.12"), "match"),  # no model: sorted first
        ("tokens", Decimal("6.375"), Decimal("6.375"), "match"),
    ]


def test_tool_fee_count_differs() -> None:
    # The provider counted 200 searches ($2.00) where the usage export has 150 ($1.50).
    rec = cc.reconcile_invoice(_openai_usage(), _openai_costs(web=("2.00", 200)))
    row = _row(rec, line_item="web_search_call")
    assert (row.difference, row.cause) == (Decimal("0.5"), "tool fees")
    assert "200" in row.explanation


def test_tier_unstated_in_usage_but_billed_as_batch() -> None:
    # Not grouped by batch: priced at standard, 1M x $4/M = $4.00; the provider billed batch $2/M = $2.00.
    usage = _usage_page(
        _bucket(AUG21, [_completions(model="gpt-5.6-sol", input_tokens=1_000_000, output_tokens=0)])
    )
    costs = _costs_page(_bucket(AUG21, [_cost("2.00", "gpt-5.6-sol, input", None)]))
    row = _row(cc.reconcile_invoice(usage, costs), line_item="input")
    assert (row.costcalc_amount, row.provider_amount, row.cause) == (Decimal(4), Decimal(2), "tier")
    assert "'batch'" in row.explanation
    assert "did not say the tier" in row.explanation


def test_unknown_model_and_unmatched_line_item() -> None:
    usage = _usage_page(
        _bucket(
            AUG21, [_completions(model="gpt-9-imaginary", project_id="p", input_tokens=1000, output_tokens=0)]
        )
    )
    costs = _costs_page(
        _bucket(
            AUG21,
            [
                _cost("0.01", "gpt-9-imaginary, input", "p"),
                _cost("0.50", "gpt-5.6-sol, mystery surcharge", "p"),
            ],
        )
    )
    rec = cc.reconcile_invoice(usage, costs)
    assert _row(rec, model="gpt-9-imaginary").cause == "unknown model"
    odd = _row(rec, line_item="unmatched: gpt-5.6-sol, mystery surcharge")
    assert (odd.cause, odd.costcalc_amount, odd.provider_amount) == (
        "unmatched line item",
        None,
        Decimal("0.5"),
    )
    assert rec.costcalc_total == 0
    assert rec.provider_total == Decimal("0.51")


def test_unknown_model_billed_on_two_lines() -> None:
    usage = _usage_page(
        _bucket(AUG21, [_completions(model="gpt-9-imaginary", input_tokens=1000, output_tokens=100)])
    )
    costs = _costs_page(
        _bucket(
            AUG21,
            [_cost("0.01", "gpt-9-imaginary, input", None), _cost("0.02", "gpt-9-imaginary, output", None)],
        )
    )
    rec = cc.reconcile_invoice(usage, costs)
    assert [(r.line_item, r.provider_amount, r.cause) for r in rec.rows] == [
        ("input", Decimal("0.01"), "unknown model"),
        ("output", Decimal("0.02"), "unknown model"),
    ]
    # With no cost row for it, the unpriced quantity is a row of its own.
    alone = cc.reconcile_invoice(usage, _costs_page(_bucket(AUG21, [])))
    assert [(r.model, r.costcalc_amount, r.provider_amount, r.cause) for r in alone.rows] == [
        ("gpt-9-imaginary", None, None, "unknown model")
    ]


def test_a_costs_result_inside_a_usage_page_is_reported() -> None:
    page = _usage_page(
        _bucket(
            AUG21,
            [
                _completions(model="gpt-5.6-sol", input_tokens=1_000_000, output_tokens=0),
                _cost("4.00", "gpt-5.6-sol, input", None),
            ],
        )
    )
    export = cc.price_usage_export(page)
    assert export.total == Decimal(4)  # 1M x $4/M
    assert [e.position for e in export.errors] == ["page 1, bucket 1, result 2"]
    assert "costs result in a usage page" in export.errors[0].reason


def _anthropic_usage() -> list[BetaAnalyticsUsageReportTimeBucket]:
    def row(**fields: Any) -> dict[str, Any]:
        base = {
            "uncached_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
            "output_tokens": 0,
            "server_tool_use": {"web_search_requests": 0},
            "model": "claude-sonnet-4-5",
        }
        return {**base, **fields}

    return [
        BetaAnalyticsUsageReportTimeBucket.model_validate(
            {
                "starting_at": "2026-11-02T00:00:00Z",
                "ending_at": "2026-11-03T00:00:00Z",
                "results": [
                    row(
                        context_window="0-200k",
                        uncached_input_tokens=500_000,
                        cache_read_input_tokens=1_000_000,
                        cache_creation={
                            "ephemeral_5m_input_tokens": 200_000,
                            "ephemeral_1h_input_tokens": 100_000,
                        },
                        output_tokens=80_000,
                        server_tool_use={"web_search_requests": 12},
                    ),
                    row(context_window="200k-1M", uncached_input_tokens=300_000, output_tokens=10_000),
                ],
            }
        )
    ]


def _anthropic_costs(cached_cents: str = "30") -> list[BetaAnalyticsCostReportTimeBucket]:
    def cost(
        cents: str, token_type: str | None, band: str | None, cost_type: str = "tokens"
    ) -> dict[str, Any]:
        return {
            "amount": cents,
            "list_amount": cents,
            "currency": "USD",
            "model": "claude-sonnet-4-5" if cost_type == "tokens" else None,
            "cost_type": cost_type,
            "token_type": token_type,
            "context_window": band,
        }

    return [
        BetaAnalyticsCostReportTimeBucket.model_validate(
            {
                "starting_at": "2026-11-02T00:00:00Z",
                "ending_at": "2026-11-03T00:00:00Z",
                "results": [
                    cost("150", "uncached_input_tokens", "0-200k"),  # 500k x $3/M = $1.50
                    cost("180", "uncached_input_tokens", "200k-1M"),  # 300k x $6/M = $1.80
                    cost(cached_cents, "cache_read_input_tokens", "0-200k"),  # 1M x $0.30/M = $0.30
                    cost("75", "cache_creation.ephemeral_5m_input_tokens", "0-200k"),  # 200k x $3.75/M
                    cost("60", "cache_creation.ephemeral_1h_input_tokens", "0-200k"),  # 100k x $6/M
                    cost("120", "output_tokens", "0-200k"),  # 80k x $15/M = $1.20
                    cost("22.5", "output_tokens", "200k-1M"),  # 10k x $22.50/M = $0.225
                    cost("12", None, None, "web_search"),  # 12 x $0.01
                ],
            }
        )
    ]


def test_anthropic_identical_pages_reconcile_to_zero() -> None:
    rec = cc.reconcile_invoice(_anthropic_usage(), _anthropic_costs())
    # 1.50 + 1.80 + 0.30 + 0.75 + 0.60 + 1.20 + 0.225 + 0.12 = 6.495 on both sides
    assert rec.costcalc_total == rec.provider_total == Decimal("6.495")
    assert rec.difference == 0
    assert all(r.cause == "match" and r.difference == 0 for r in rec.rows)
    assert _row(rec, line_item="input").provider_amount == Decimal("3.3")


def test_cache_reads_billed_as_input() -> None:
    # The provider billed the 1M cache reads at the input rate: 1M x $3/M = $3.00 = 300 cents.
    rec = cc.reconcile_invoice(_anthropic_usage(), _anthropic_costs(cached_cents="300"))
    row = _row(rec, line_item="cached_input")
    assert (row.costcalc_amount, row.provider_amount, row.difference) == (
        Decimal("0.3"),
        Decimal(3),
        Decimal("2.7"),
    )
    assert row.cause == "cache"
    assert "uncached input" in row.explanation


def test_examples_reconcile_as_the_docs_say() -> None:
    rec = cc.reconcile_invoice(EXAMPLES / "anthropic_usage.json", EXAMPLES / "anthropic_costs.json")
    # haiku batch: 4M x $0.50/M + 400k x $2.50/M = $3.00, billed at standard $4.00 + $2.00 = $6.00
    assert rec.difference == Decimal(3)
    assert rec.causes() == {"match": Decimal(0), "tier": Decimal(3)}


# -- bad input ---------------------------------------------------------------------------------------------


def test_a_costs_page_given_as_usage_is_a_typed_error() -> None:
    with pytest.raises(cc.ExportKindError) as info:
        cc.price_usage_export(_openai_costs())
    assert "OpenAI Costs API" in info.value.found
    assert "Usage API" in info.value.expected
    with pytest.raises(cc.ExportKindError):
        cc.reconcile_invoice(_openai_usage(), _openai_usage())
    with pytest.raises(cc.ExportKindError) as info:
        cc.price_usage_export({"id": "msg_1", "usage": {"input_tokens": 3}})
    assert "keys id, usage" in info.value.found
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, cc.CostcalcError)


def test_a_missing_field_is_a_reported_row_and_the_others_are_kept() -> None:
    page = {
        "object": "page",
        "data": [
            _bucket(
                AUG21,
                [
                    {
                        "object": "organization.usage.completions.result",
                        "model": "gpt-5.6-sol",
                        "input_tokens": 5,
                    },
                    _completions(model="gpt-5.6-sol", input_tokens=1_000_000, output_tokens=0),
                ],
            ),
            {"object": "bucket", "end_time": AUG21, "results": []},
        ],
    }
    export = cc.price_usage_export(page)
    assert export.total == Decimal(4)  # the good row: 1M x $4/M
    assert [(e.position, e.reason) for e in export.errors] == [
        ("page 1, bucket 1, result 1", "output_tokens: is missing"),
        ("page 1, bucket 2", "bucket.start_time: is missing"),
    ]


def test_a_currency_other_than_usd_is_reported() -> None:
    usage = _usage_page(
        _bucket(AUG21, [_completions(model="gpt-5.6-sol", input_tokens=1_000_000, output_tokens=0)])
    )
    costs = {
        "object": "page",
        "data": [
            _bucket(
                AUG21,
                [
                    {
                        **_cost("3.70", "gpt-5.6-sol, input", None),
                        "amount": {"value": 3.70, "currency": "eur"},
                    },
                ],
            )
        ],
    }
    rec = cc.reconcile_invoice(usage, costs)
    assert len(rec.errors) == 1
    assert "'eur' is not USD" in rec.errors[0].reason
    assert rec.provider_total == 0
    assert _row(rec, line_item="input").cause == "not in costs"


def test_overlapping_buckets_are_reported_and_counted_once() -> None:
    row = _completions(model="gpt-5.6-sol", input_tokens=1_000_000, output_tokens=0)
    day = _bucket(AUG21, [row])
    hour = _bucket(AUG21 + 5 * 3600, [row], end=AUG21 + 6 * 3600)
    export = cc.price_usage_export({"object": "page", "data": [day, hour]})
    assert export.total == Decimal(4)  # one bucket of 1M x $4/M
    assert len(export.errors) == 1
    assert export.errors[0].position == "page 1, bucket 2, result 1"
    assert "overlaps page 1, bucket 1, result 1" in export.errors[0].reason
    # Another grouping key (another project) is not an overlap.
    other = _bucket(AUG21, [{**row, "project_id": "proj_z"}])
    assert cc.price_usage_export({"object": "page", "data": [day, other]}).total == Decimal(8)


def test_a_page_given_twice_is_reported_and_counted_once() -> None:
    pages = _openai_usage()
    export = cc.price_usage_export([pages[0], pages[1], pages[0]])
    assert export.total == Decimal("18.26")
    assert export.pages == 2
    assert export.duplicates == ["page 3 repeats page 1"]


def test_jsonl_file_with_a_bad_line(tmp_path: Path) -> None:
    pages = json.loads((EXAMPLES / "openai_usage.json").read_text())
    path = tmp_path / "usage.jsonl"
    path.write_text(json.dumps(pages[0]) + "\n{not json\n" + json.dumps(pages[1]) + "\n")
    export = cc.price_usage_export(path)
    assert export.total == Decimal("18.26")
    assert [e.position for e in export.errors] == ["usage.jsonl line 2"]


def test_exact_in_a_hostile_decimal_context() -> None:
    ctx = decimal.Context(prec=3, traps=[decimal.Inexact, decimal.Rounded, decimal.InvalidOperation])
    with decimal.localcontext(ctx):
        rec = cc.reconcile_invoice(_anthropic_usage(), _anthropic_costs(cached_cents="300"))
        export = cc.price_usage_export(_openai_usage())
    assert rec.costcalc_total == Decimal("6.495")
    assert rec.provider_total == Decimal("9.195")
    assert export.total == Decimal("18.26")


def test_displays() -> None:
    rec = cc.reconcile_invoice(_openai_usage(), _openai_costs(output_aug21="3.00"))
    html = rec._repr_html_()
    assert "price change" in html
    assert "$19.26" in html
    frame = rec.to_pandas()
    assert list(frame["cause"]).count("price change") == 1
    assert ["difference (provider - costcalc)", "$1"] in rec.summary()
    assert str(cc.price_usage_export(_openai_usage())) == "$18.26 over 9 lines"


# -- command line ------------------------------------------------------------------------------------------


def test_cli_reconcile_invoice() -> None:
    runner = CliRunner()
    usage, costs = str(EXAMPLES / "anthropic_usage.json"), str(EXAMPLES / "anthropic_costs.json")
    result = runner.invoke(main, ["reconcile-invoice", usage, costs])
    assert result.exit_code == 0, result.output
    assert "$3.00" in result.output
    assert "tier" in result.output
    assert "$0.63" in result.output  # the 5-minute cache writes, $0.625 rounded half-up
    assert (
        "2026-03-12 wrkspc_support claude-haiku-4-5 input: tier: at the 'standard' tier's rates"
        in result.output
    )
    exact = runner.invoke(main, ["reconcile-invoice", usage, costs, "--exact"])
    assert "$0.625" in exact.output
    data = json.loads(runner.invoke(main, ["reconcile-invoice", usage, costs, "--json"]).output)
    assert (data["costcalc_total"], data["provider_total"], data["difference"]) == ("24.55", "27.55", "3")


def test_cli_usage_export_and_wrong_kind() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["usage-export", str(EXAMPLES / "openai_usage.json"), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["total"] == "18.26"
    wrong = runner.invoke(main, ["usage-export", str(EXAMPLES / "openai_costs.json")])
    assert wrong.exit_code == 1
    assert "Costs API page was given as usage" in wrong.output + (wrong.stderr if wrong.stderr_bytes else "")


# -- more causes and edge rows ---------------------------------------------------------------------------


def _sonnet_row(**fields: Any) -> dict[str, Any]:
    return {
        "model": "claude-sonnet-4-5",
        "uncached_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
        "output_tokens": 0,
        "server_tool_use": {"web_search_requests": 0},
        **fields,
    }


def _report(*results: dict[str, Any]) -> dict[str, Any]:
    return {
        "data": [
            {
                "starting_at": "2026-11-02T00:00:00Z",
                "ending_at": "2026-11-03T00:00:00Z",
                "results": list(results),
            }
        ],
        "has_more": False,
        "next_page": None,
    }


def _cents(amount: str, token_type: str, model: str = "claude-sonnet-4-5") -> dict[str, Any]:
    return {
        "amount": amount,
        "currency": "USD",
        "model": model,
        "cost_type": "tokens",
        "token_type": token_type,
    }


def test_context_window_cause() -> None:
    # 500k input in the 0-200k band: 500k x $3/M = $1.50; billed at the long band's $6/M = $3.00.
    usage = _report(_sonnet_row(context_window="0-200k", uncached_input_tokens=500_000))
    row = cc.reconcile_invoice(usage, _report(_cents("300", "uncached_input_tokens"))).rows[0]
    assert (row.costcalc_amount, row.provider_amount, row.cause) == (
        Decimal("1.5"),
        Decimal(3),
        "context window",
    )


def test_cache_write_retention_cause() -> None:
    # 200k 5-minute writes: 200k x $3.75/M = $0.75; billed at the 1-hour $6/M = $1.20 (120 cents).
    usage = _report(
        _sonnet_row(cache_creation={"ephemeral_5m_input_tokens": 200_000, "ephemeral_1h_input_tokens": 0})
    )
    costs = _report(_cents("120", "cache_creation.ephemeral_5m_input_tokens"))
    row = cc.reconcile_invoice(usage, costs).rows[0]
    assert (row.line_item, row.costcalc_amount, row.provider_amount) == (
        "cache_write",
        Decimal("0.75"),
        Decimal("1.2"),
    )
    assert row.cause == "cache"
    assert "1-hour" in row.explanation


def test_unexplained_and_one_sided_rows() -> None:
    # 500k x $3/M = $1.50 against an arbitrary $1.23: no alternative gives it.
    usage = _report(_sonnet_row(uncached_input_tokens=500_000, output_tokens=10_000))
    costs = _report(_cents("123", "uncached_input_tokens"), _cents("5", "cache_read_input_tokens"))
    rec = cc.reconcile_invoice(usage, costs)
    causes = {r.line_item: (r.costcalc_amount, r.provider_amount, r.cause) for r in rec.rows}
    assert causes["input"] == (Decimal("1.5"), Decimal("1.23"), "unexplained")
    assert causes["cached_input"] == (None, Decimal("0.05"), "not in usage")
    assert causes["output"] == (Decimal("0.15"), None, "not in costs")  # 10k x $15/M


def test_fast_mode_and_refused_tiers() -> None:
    # claude-opus-4-6 fast mode on 2026-11-02: 100k input x $30/M = $3.00.
    fast = _report(_sonnet_row(model="claude-opus-4-6", speed="fast", uncached_input_tokens=100_000))
    assert cc.price_usage_export(fast).total == Decimal(3)
    flex = cc.price_usage_export(_report(_sonnet_row(service_tier="flex", uncached_input_tokens=5)))
    assert flex.total == 0
    assert "service tier 'flex' has no published per-token rates" in flex.errors[0].reason
    scale = cc.price_usage_export(
        _usage_page(
            _bucket(
                AUG21,
                [_completions(model="gpt-5.6-sol", service_tier="scale", input_tokens=5, output_tokens=0)],
            )
        )
    )
    assert "Scale Tier" in scale.errors[0].reason


def test_openai_cache_writes_and_unknown_fields() -> None:
    # 1M prompt with 100k 30-minute cache writes on 2026-08-21: 900k x $4/M = $3.60, 100k x $5/M = $0.50.
    row = _completions(
        model="gpt-5.6-sol",
        input_tokens=1_000_000,
        input_cache_write_tokens=100_000,
        input_cache_write_30m_tokens=100_000,
        output_tokens=0,
    )
    assert cc.price_usage_export(_usage_page(_bucket(AUG21, [row]))).total == Decimal("4.1")
    # gpt-5.6-sol publishes no 12-hour cache-write rate: refused by name.
    long = {**row, "input_cache_write_tokens": 100_000, "input_cache_write_30m_tokens": 0}
    long["input_cache_write_12h_tokens"] = 100_000
    with pytest.raises(cc.UnpricedUsageError) as info:
        cc.price_usage_export(_usage_page(_bucket(AUG21, [long])))
    assert info.value.field == "cache_write_12h_tokens"
    bad = {**row, "input_cache_write_30m_tokens": 7}
    assert (
        "differ from input_cache_write_tokens"
        in cc.price_usage_export({"object": "page", "data": [_bucket(AUG21, [bad])]}).errors[0].reason
    )
    odd = {**row, "input_video_tokens": 5}
    with pytest.raises(cc.UnpricedUsageError) as info:
        cc.price_usage_export({"object": "page", "data": [_bucket(AUG21, [odd])]})
    assert info.value.field == "input_video_tokens"


def test_files_that_are_not_exports(tmp_path: Path) -> None:
    broken = tmp_path / "usage.json"
    broken.write_text("{not json")
    with pytest.raises(cc.ExportKindError, match="not JSON"):
        cc.price_usage_export(broken)
    with pytest.raises(cc.ExportKindError, match="cannot read"):
        cc.price_usage_export(tmp_path / "missing.json")
    with pytest.raises(cc.ExportKindError):
        cc.price_usage_export(42)


def test_other_openai_usage_kinds() -> None:
    def result(kind: str, **fields: Any) -> dict[str, Any]:
        return {"object": f"organization.usage.{kind}.result", "num_model_requests": 3, **fields}

    page = {
        "object": "page",
        "data": [
            _bucket(
                AUG21,
                [
                    # text-embedding-3-small $0.02/M: 1M tokens = $0.02
                    result("embeddings", model="text-embedding-3-small", input_tokens=1_000_000),
                    # tts-1 $15 per 1M characters: 100,000 x $0.000015 = $1.50
                    result("audio_speeches", model="tts-1", characters=100_000),
                    # whisper-1 $0.006 a minute billed by the second: 600 x $0.0001 = $0.06
                    result("audio_transcriptions", model="whisper-1", seconds=600),
                    # dall-e-3 prices images by quality and size; the export gives no quality
                    result("images", model="dall-e-3", images=4, size="1024x1024"),
                    # code interpreter sessions of an unknown container size
                    {"object": "organization.usage.code_interpreter_sessions.result", "num_sessions": 2},
                ],
            )
        ],
    }
    export = cc.price_usage_export(page, strict=False)
    assert export.total == Decimal("1.58")  # 0.02 + 1.50 + 0.06
    assert sorted((u.field, u.quantity, u.cause) for u in export.unpriced) == [
        ("num_sessions", 2, "unknown_field"),
        ("units.image", 4, "no_rate"),
    ]


def test_discount_seen_in_the_list_amount() -> None:
    # 500k x $3/M = $1.50 at list price (150 cents); the organization paid 10% less: 135 cents.
    usage = _report(_sonnet_row(uncached_input_tokens=500_000))
    costs = _report({**_cents("135", "uncached_input_tokens"), "list_amount": "150"})
    row = cc.reconcile_invoice(usage, costs).rows[0]
    assert (row.costcalc_amount, row.provider_amount, row.difference) == (
        Decimal("1.5"),
        Decimal("1.35"),
        Decimal("-0.15"),
    )
    assert row.cause == "discount"


@given(
    uncached=st.integers(0, 10**9),
    cached=st.integers(0, 10**9),
    output=st.integers(0, 10**9),
    searches=st.integers(0, 10**6),
    repeat=st.booleans(),
)
@settings(max_examples=60, deadline=None)
def test_any_openai_row_prices_by_the_published_formula(
    uncached: int, cached: int, output: int, searches: int, repeat: bool
) -> None:
    # gpt-5.6-sol on 2026-08-20: ($5 x uncached + $0.50 x cached + $30 x output) / 1M, and $0.01 a
    # search; a page given twice counts once.
    page = _usage_page(
        _bucket(
            AUG20,
            [
                _completions(
                    model="gpt-5.6-sol",
                    batch=False,
                    input_tokens=uncached + cached,
                    input_cached_tokens=cached,
                    output_tokens=output,
                ),
                {
                    "object": "organization.usage.web_searches.result",
                    "num_requests": searches,
                    "num_model_requests": 1,
                },
            ],
        )
    )
    expected = (Decimal(5) * uncached + Decimal("0.5") * cached + Decimal(30) * output) / 1_000_000
    expected += Decimal("0.01") * searches
    with decimal.localcontext(decimal.Context(prec=50)):
        export = cc.price_usage_export([page, page] if repeat else page)
    assert export.total == expected
    assert len(export.duplicates) == int(repeat)


def test_rows_that_cannot_be_priced_as_they_are() -> None:
    # Not grouped by model: 1,000 + 10 tokens with no model to price them.
    no_model = _usage_page(_bucket(AUG21, [_completions(input_tokens=1000, output_tokens=10)]))
    export = cc.price_usage_export(no_model, strict=False)
    assert [(u.field, u.quantity, u.cause) for u in export.unpriced] == [("model", 1010, "no_model")]
    # gpt-5.6-sol had no priority tier before 2026-07-30.
    jul10 = AUG20 - 41 * DAY
    early = _usage_page(
        _bucket(
            jul10,
            [_completions(model="gpt-5.6-sol", service_tier="priority", input_tokens=5, output_tokens=0)],
        )
    )
    with pytest.raises(cc.UnpricedUsageError) as info:
        cc.price_usage_export(early)
    assert info.value.field == "tier"
    # claude-haiku-4-5 publishes no US-inference surcharge: priced without it ($1/M x 1M), with a warning.
    geo = cc.price_usage_export(
        _report(_sonnet_row(model="claude-haiku-4-5", inference_geo="us", uncached_input_tokens=1_000_000))
    )
    assert geo.total == Decimal(1)
    assert "inference_geo_us" in geo.warnings[0]


def test_tool_fees_at_another_tool_rate() -> None:
    # 100 web searches on gpt-4o: $0.01 each = $1.00; billed at web_search_preview's $0.025 = $2.50.
    usage = {
        "object": "page",
        "data": [
            _bucket(
                AUG21,
                [
                    {
                        "object": "organization.usage.web_searches.result",
                        "model": "gpt-4o",
                        "num_requests": 100,
                        "num_model_requests": 100,
                    }
                ],
            )
        ],
    }
    costs = _costs_page(_bucket(AUG21, [_cost("2.50", "gpt-4o, web search tool calls", None)]))
    row = cc.reconcile_invoice(usage, costs).rows[0]
    assert (row.model, row.line_item, row.costcalc_amount, row.provider_amount) == (
        "gpt-4o",
        "web_search_call",
        Decimal(1),
        Decimal("2.5"),
    )
    assert row.cause == "tool fees"
    assert "web_search_preview_call" in row.explanation
