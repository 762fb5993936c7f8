"""Real calls of the public API that must type-check under mypy --strict (run by .ci/run).

Not collected by pytest: it is checked, not executed (the file name does not start with test_).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import costcalc as cc

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
try:
    cc.get_model("gpt-7")
except cc.UnknownModelError as err:
    suggestions: tuple[str, ...] = err.suggestions

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
