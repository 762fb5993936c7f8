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
