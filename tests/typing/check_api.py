"""Real calls of the public API that must type-check under mypy --strict (run by .ci/run).

Not collected by pytest: it is checked, not executed (the file name does not start with test_).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import costcalc as cc
from costcalc.importers import SkippedEntry, from_genai_prices

usage: cc.Usage = cc.Usage(input_tokens=12_000, cached_input_tokens=8_000, output_tokens=3_000)
cost: cc.Cost = cc.price(usage, model="o4-mini", tier="batch", at=dt.date(2026, 1, 1))
total: Decimal = cost.total
cents: Decimal = cc.round_to(total, "0.01", rounding=ROUND_HALF_UP)
rounded: cc.Cost = cost.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
both: cc.Cost = sum([cost, cost], cc.Cost())
scaled: cc.Cost = cost * 3
info: cc.ModelInfo = cc.get_model("gpt-5-mini")
rates: cc.Rates = info.rates(tier="flex", at=None)
window: int | None = info.context_window
models: list[cc.ModelInfo] = cc.list_models(provider="openai")
mine: cc.Catalog = cc.Catalog.default().with_discount("0.1", providers=["openai"])
again: cc.Cost = mine.price(usage, "gpt-4.1")
skipped: list[SkippedEntry] = []
launched: cc.Catalog = cc.Catalog.from_litellm(
    {"acme-2": {"litellm_provider": "openai", "input_cost_per_token": 2e-06}}, strict=False, skipped=skipped
)
imported: cc.Catalog = from_genai_prices([], checked="2026-11-25")
first_skip: str = skipped[0].key if skipped else ""
try:
    cc.Catalog.from_litellm({"x": {}})
except cc.CatalogEntryError as bad:
    bad_field: str = bad.field
try:
    cc.get_model("gpt-7")
except cc.UnknownModelError as err:
    suggestions: tuple[str, ...] = err.suggestions
payload = {
    "object": "chat.completion",
    "created": 1_793_750_400,
    "model": "llama-3.3-70b-versatile",
    "usage": {"prompt_tokens": 10, "completion_tokens": 2},
}
served: cc.Cost = cc.price_response(payload, provider="groq", shape="groq.chat", strict=False)
reported: Decimal | None = served.reported_cost
shape: str = cc.detect_shape(payload, provider="groq")
read_as: str = cc.read_response(payload, provider="groq").shape
counted: cc.Usage = cc.usage_from_response(payload, provider="groq")

# Batch files of every provider, approximate token counts and their calibration.
claude_line = {
    "custom_id": "a",
    "params": {
        "model": "claude-sonnet-4-5",
        "max_tokens": 100,
        "messages": [{"role": "user", "content": "hi"}],
    },
}
batch_estimate: cc.BatchEstimate = cc.estimate_batch(
    [claude_line], output_tokens=lambda body: 100, model=None, token_profile=None, keep_rows=True
)
gemini_line = {"key": "k", "response": {"usageMetadata": {"promptTokenCount": 10}}}
gemini_cost: cc.BatchCost = cc.price_batch_output([gemini_line], model="gemini-2.5-flash", keep_rows=True)
duplicates: list[str] = cc.reconcile(batch_estimate, gemini_cost).duplicates
fitted: cc.TokenProfile = cc.calibrate_tokens([("hello", 12)], model="claude-sonnet-4-5", min_observations=1)
ends: tuple[int, int, int] = fitted.tokens(1_000)
band: cc.Estimate = cc.estimate("hi", "claude-sonnet-4-5", output_tokens=10, token_profile=fitted)
approximate: bool = band.tokens_exact

# Usage and cost exports, and the invoice reconciliation.
export: cc.UsageExport = cc.price_usage_export("examples/invoice/openai_usage.json", strict=False)
export_total: Decimal = export.total
invoice: cc.InvoiceReconciliation = cc.reconcile_invoice(
    "examples/invoice/openai_usage.json", "examples/invoice/openai_costs.json"
)
invoice_difference: Decimal = invoice.difference
invoice_causes: list[str] = [row.cause for row in invoice.rows]

# Logs of responses of any provider.
log: cc.LogCost = cc.price_log("examples/responses_log.jsonl", strict=False, keep_rows=True)
log_total: Decimal = log.total
log_by_model: dict[str, Decimal] = log.by_model
log_bad: list[cc.LineError] = log.errors
