"""price_spark: every row of a Spark job equals the scalar price(), in one decimal type per job.

The first tests check the pieces of price_table that price_spark builds on (one scale for a
whole job, exactness whatever the worker's decimal context); they need no JVM.
"""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal

import pyarrow as pa
import pytest

import costcalc as cc
from costcalc.errors import InvalidInputError
from costcalc.tables import cost_scale, price_table

D = Decimal


def test_price_table_is_exact_whatever_the_decimal_context() -> None:
    # Past int64 the units go through Python Decimals: they must not round in a narrow context.
    usage = cc.Usage(input_tokens=cc.MAX_TOKENS - 1, output_tokens=cc.MAX_TOKENS - 7)
    table = pa.table({"input_tokens": [usage.input_tokens], "output_tokens": [usage.output_tokens]})
    expected = cc.price(usage, model="o1-pro").total
    with decimal.localcontext(decimal.Context(prec=5, rounding=decimal.ROUND_DOWN)):
        got = price_table(table, model="o1-pro").column("cost_total").to_pylist()
    assert got == [expected]
    assert expected == D("749999999999.99565")


def test_price_table_dates_timestamps_with_fractions_of_a_second() -> None:
    # Spark hands timestamps over in microseconds, pandas in nanoseconds: days are floored in UTC.
    # o3: 10 / 40 per 1M until 2025-06-09, 2 / 8 from 2025-06-10.
    last = dt.datetime(2025, 6, 9, 23, 59, 59, 999_999, tzinfo=dt.UTC)
    first = dt.datetime(2025, 6, 10, 0, 0, 0, 1, tzinfo=dt.UTC)
    for unit in ("s", "ms", "us", "ns"):
        for tz in ("UTC", "America/Los_Angeles", None):
            stamps = pa.array([last, first], type=pa.timestamp("us", tz="UTC")).cast(
                pa.timestamp(unit, tz="UTC"), safe=False
            )
            if tz != "UTC":
                stamps = stamps.cast(pa.timestamp(unit, tz=tz))
            table = pa.table(
                {"input_tokens": [1_000, 1_000], "output_tokens": [1_000, 1_000], "timestamp": stamps}
            )
            got = price_table(table, model="o3").column("cost_total").to_pylist()
            assert got == [D("0.05"), D("0.01")], (unit, tz)
    # Floored, not truncated: one nanosecond before 1970 is 1969-12-31.
    epoch = cc.Catalog.from_dict(
        {
            "provider": "acme",
            "source": "https://acme.example/pricing",
            "checked": "2026-01-01",
            "models": [
                {
                    "id": "acme-1",
                    "prices": [{"since": "1970-01-01", "standard": {"input": "1", "output": "2"}}],
                }
            ],
        }
    )
    near = pa.table(
        {
            "input_tokens": [1, 1],
            "output_tokens": [1, 1],
            "timestamp": pa.array([-1, 0], type=pa.timestamp("ns")),
        }
    )
    out = price_table(near, model="acme-1", catalog=epoch)
    assert out.column("cost_error").to_pylist() == ["model 'acme-1' has no price before 1970-01-01", None]


def test_one_scale_for_a_whole_catalog() -> None:
    odd = cc.default_catalog().with_discount("0.3333", models=["gpt-4o-mini"])  # 0.075 x 0.6667 = 0.0500025
    assert cost_scale() == 12
    assert cost_scale(odd) == 13
    assert cost_scale(odd, ["gpt-4o"]) == 12
    assert cost_scale(odd, ["openai/GPT-4o-mini-2024-07-18"]) == 13
    with pytest.raises(cc.UnknownModelError):
        cost_scale(odd, ["gpt-7"])

    table = pa.table({"input_tokens": [1_000], "output_tokens": [10]})
    usage = cc.Usage(input_tokens=1_000, output_tokens=10)
    # gpt-4o alone needs 12 places, but a job that may also see gpt-4o-mini asks for 13.
    out = price_table(table, model="gpt-4o", catalog=odd, scale=13)
    assert {out.schema.field(c).type for c in ("cost_input", "cost_output", "cost_total")} == {
        pa.decimal128(38, 13)
    }
    assert out.column("cost_total").to_pylist() == [odd.price(usage, "gpt-4o").total]
    assert price_table(table, model="gpt-4o", catalog=odd).schema.field("cost_total").type.scale == 12
    for bad in (12, -1, 39, True, 12.5):
        with pytest.raises(InvalidInputError) as caught:
            price_table(table, model="gpt-4o-mini", catalog=odd, scale=bad)  # type: ignore[arg-type]
        assert caught.value.field == "scale"
