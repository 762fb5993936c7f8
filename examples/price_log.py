"""Price a usage log exactly: one JSON object per line with model, tier, date and usage.

    python examples/price_log.py examples/usage_log.jsonl

Every good line is priced; every bad line is reported with its line number and the reason, and
the script exits with status 1 if there was any, after printing the total of the good ones.
"""

from __future__ import annotations

import json
import sys
from decimal import ROUND_HALF_UP
from pathlib import Path

from pydantic import ValidationError

import costcalc as cc


def main(path: str) -> int:
    costs: list[cc.Cost] = []
    errors: list[str] = []
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                cost, request_id = price_line(raw)
            except (cc.CostcalcError, ValidationError, ValueError, TypeError) as exc:
                errors.append(f"line {number}: {_reason(exc)}")
                continue
            costs.append(cost)
            print(f"{request_id or number:<10} {cost.model:<20} {cost.tier:<9} ${cost.total}")
    total = sum(costs, cc.Cost())
    print(
        f"\n{len(costs)} priced, {len(errors)} refused; total ${total.total} "
        f"(${cc.round_to(total.total, '0.01', rounding=ROUND_HALF_UP)} rounded half-up to cents)"
    )
    for error in errors:
        print(error, file=sys.stderr)
    return 1 if errors else 0


def price_line(raw: bytes) -> tuple[cc.Cost, str | None]:
    """One log line: a JSON object with model, tier, date and usage. Anything else is refused."""
    try:
        record = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text ({exc.reason})") from None
    if not isinstance(record, dict):
        raise TypeError(f"a line must be a JSON object, got {type(record).__name__}")
    if "usage" not in record or "model" not in record:
        raise ValueError("a line needs 'model' and 'usage'")
    usage = cc.Usage.model_validate(record["usage"])
    cost = cc.price(usage, model=record["model"], tier=record.get("tier", "standard"), at=record.get("date"))
    request_id = record.get("request_id")
    return cost, request_id if isinstance(request_id, str) else None


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "usage"
        return f"usage.{where}: {err['msg']}".replace("usage.usage", "usage")
    return str(exc).splitlines()[0]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).with_name("usage_log.jsonl"))))
