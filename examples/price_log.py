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
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            usage = cc.Usage.model_validate(record["usage"])
            cost = cc.price(
                usage, model=record["model"], tier=record.get("tier", "standard"), at=record.get("date")
            )
        except (ValueError, LookupError, ValidationError) as exc:
            reason = str(exc).splitlines()[0] if not isinstance(exc, ValidationError) else _first_error(exc)
            errors.append(f"line {number}: {reason}")
            continue
        costs.append(cost)
        print(f"{record.get('request_id', number):<10} {cost.model:<20} {cost.tier:<9} ${cost.total}")
    total = sum(costs, cc.Cost())
    print(
        f"\n{len(costs)} priced, {len(errors)} refused; total ${total.total} "
        f"(${cc.round_to(total.total, '0.01', rounding=ROUND_HALF_UP)} rounded half-up to cents)"
    )
    for error in errors:
        print(error, file=sys.stderr)
    return 1 if errors else 0


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "usage"
    return f"{where}: {err['msg']}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).with_name("usage_log.jsonl"))))
