"""price_spark: every row of a Spark job equals the scalar price(), in one decimal type per job.

The first tests check the pieces of price_table that price_spark builds on (one scale for a
whole job, exactness whatever the worker's decimal context); they need no JVM.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

import pyarrow as pa

import costcalc as cc
from costcalc.tables import price_table

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
