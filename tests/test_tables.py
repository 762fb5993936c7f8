"""Vectorised pricing: every row equals the scalar price(); engines agree; bad rows are reported."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import costcalc as cc
from costcalc.testing import model_names, tiers, usages

D = Decimal
MODELS = ["gpt-4o", "o4-mini", "gpt-5.4", "claude-sonnet-4-5", "gemini-2.5-pro", "o3", "gpt-4.1", "gpt-7"]


def scalar(usage: cc.Usage, model: str, tier: str, at: dt.date | None) -> Decimal | str:
    try:
        return cc.price(usage, model=model, tier=tier, at=at).total
    except (LookupError, ValueError) as exc:
        return type(exc).__name__


@st.composite
def usage_tables(draw: st.DrawFn) -> tuple[list[cc.Usage], list[str], list[str], list[dt.date]]:
    n = draw(st.integers(1, 40))
    rows = draw(st.lists(usages(max_input=400_000), min_size=n, max_size=n))
    models = draw(st.lists(st.sampled_from(MODELS) | model_names(), min_size=n, max_size=n))
    tier_list = draw(st.lists(tiers(), min_size=n, max_size=n))
    dates = draw(st.lists(st.dates(dt.date(2025, 1, 1), dt.date(2027, 6, 1)), min_size=n, max_size=n))
    return rows, models, tier_list, dates


def frame(
    rows: list[cc.Usage], models: list[str], tier_list: list[str], dates: list[dt.date]
) -> pd.DataFrame:
    data: dict[str, Any] = {
        k: [getattr(u, k) for u in rows]
        for k in (
            "input_tokens",
            "cached_input_tokens",
            "cache_write_tokens",
            "cache_write_1h_tokens",
            "output_tokens",
            "reasoning_tokens",
        )
    }
    data.update(
        model=models,
        tier=tier_list,
        timestamp=pd.to_datetime([dt.datetime.combine(d, dt.time(12)) for d in dates], utc=True),
    )
    return pd.DataFrame(data)


@settings(max_examples=60)
@given(usage_tables())
def test_every_row_equals_the_scalar_price(
    case: tuple[list[cc.Usage], list[str], list[str], list[dt.date]],
) -> None:
    rows, models, tier_list, dates = case
    out = cc.price_table(frame(rows, models, tier_list, dates))
    total = D(0)
    for i, usage in enumerate(rows):
        expected = scalar(usage, models[i], tier_list[i], dates[i])
        got = out["cost_total"].iloc[i]
        if isinstance(expected, str):
            assert got is pd.NA
            assert isinstance(out["cost_error"].iloc[i], str)
        else:
            assert got == expected
            assert out["cost_error"].iloc[i] is pd.NA
            assert out["cost_model"].iloc[i] == cc.get_model(models[i]).id
            parts = [
                out[c].iloc[i] for c in ("cost_input", "cost_cached_input", "cost_cache_write", "cost_output")
            ]
            assert sum(parts) == got
            total += expected
    assert out["cost_total"].dropna().sum() == total


def test_engines_agree() -> None:
    rng = np.random.default_rng(7)
    n = 2_000
    inp = rng.integers(0, 300_000, n)
    df = pd.DataFrame(
        {
            "model": np.array(MODELS)[rng.integers(0, len(MODELS), n)],
            "input_tokens": inp,
            "cached_input_tokens": (inp * rng.random(n) * 0.6).astype(np.int64),
            "output_tokens": rng.integers(0, 30_000, n),
        }
    )
    base = cc.price_table(df, tier="standard", at="2026-11-01")
    expected = [None if v is pd.NA else v for v in base["cost_total"]]
    arrow = cc.price_table(pa.Table.from_pandas(df), tier="standard", at="2026-11-01")
    assert arrow.column("cost_total").to_pylist() == expected
    polars = cc.price_table(pl.from_pandas(df), tier="standard", at="2026-11-01")
    assert polars["cost_total"].to_list() == expected
    assert polars["cost_error"].to_list() == [None if v is pd.NA else v for v in base["cost_error"]]

    import dask
    import dask.dataframe as dd

    from costcalc.distributed import price_dask

    ddf = dd.from_pandas(df, npartitions=4)
    with dask.config.set(scheduler="threads"):
        threaded = price_dask(ddf, tier="standard", at="2026-11-01").compute()
    assert [None if v is pd.NA else v for v in threaded["cost_total"]] == expected


def test_dask_on_a_local_cluster() -> None:
    distributed = pytest.importorskip("distributed")
    import dask.dataframe as dd

    from costcalc.distributed import price_dask, total
    from costcalc.tables import cost_scale

    df = pd.DataFrame(
        {"model": ["gpt-4o", "o4-mini"] * 50, "input_tokens": list(range(100)), "output_tokens": [10] * 100}
    )
    # A catalog of our own must reach the worker processes (pickled once, rebuilt once per worker).
    odd = cc.default_catalog().with_discount("0.3333", models=["o4-mini"])
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        ddf = dd.from_pandas(df, npartitions=4)
        out = price_dask(ddf, tier="batch").compute()
        discounted = price_dask(ddf, tier="batch", catalog=odd)
        on_workers = total(discounted)  # summed on the workers
        discounted_rows = discounted.compute()
    local = cc.price_table(df, tier="batch")
    assert list(out["cost_total"]) == list(local["cost_total"])
    usages = [cc.Usage(input_tokens=i, output_tokens=10) for i in range(100)]
    expected = [odd.price(u, m, tier="batch").total for u, m in zip(usages, df["model"], strict=True)]
    assert list(discounted_rows["cost_total"]) == expected
    assert on_workers == sum(expected)
    assert on_workers.as_tuple().exponent == -cost_scale(odd) == -14  # 4.4 x 0.6667 per 1M


def test_dask_one_decimal_type_and_exact_totals() -> None:
    import dask.dataframe as dd

    from costcalc.distributed import price_dask, total
    from costcalc.errors import InvalidInputError

    rng = np.random.default_rng(11)
    n = 600
    names = np.array(["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "gemini-2.5-pro", "gpt-7", "o3"])
    inp = rng.integers(0, 400_000, n)
    df = pd.DataFrame(
        {
            # the first partition holds no gpt-4o-mini, the only model that needs 13 places
            "model": np.where(np.arange(n) < 150, "gpt-4o", names[rng.integers(0, len(names), n)]),
            "input_tokens": inp,
            "cached_input_tokens": np.where(rng.random(n) < 0.1, inp + 1, inp // 3),  # some bad rows
            "output_tokens": rng.integers(0, 40_000, n),
            "tier": np.array(["standard", "batch", "flex", "priority"])[rng.integers(0, 4, n)],
            "timestamp": pd.to_datetime(
                rng.integers(
                    int(dt.datetime(2025, 3, 1, tzinfo=dt.UTC).timestamp()),
                    int(dt.datetime(2027, 1, 1, tzinfo=dt.UTC).timestamp()),
                    n,
                ),
                unit="s",
                utc=True,
            ),
        }
    )
    odd = cc.default_catalog().with_discount("0.3333", models=["gpt-4o-mini"])
    ddf = price_dask(dd.from_pandas(df, npartitions=4), catalog=odd)
    kind = pd.ArrowDtype(pa.decimal128(38, 13))
    assert ddf.dtypes["cost_total"] == kind
    parts = [ddf.get_partition(i).compute(scheduler="sync") for i in range(ddf.npartitions)]
    assert all(p.dtypes[c] == kind for p in parts for c in ("cost_input", "cost_output", "cost_total"))

    expected_total = D(0)
    rows = list(df.itertuples(index=False))
    for row, got in zip(rows, pd.concat(parts)["cost_total"], strict=True):
        try:
            usage = cc.Usage(
                input_tokens=int(row.input_tokens),
                cached_input_tokens=int(row.cached_input_tokens),
                output_tokens=int(row.output_tokens),
            )
            cost = odd.price(usage, row.model, tier=row.tier, at=row.timestamp.to_pydatetime()).total
        except (LookupError, ValueError):
            assert got is pd.NA
            continue
        assert got == cost
        expected_total += cost
    assert 0 < sum(p["cost_error"].notna().sum() for p in parts) < n

    import decimal

    # Summed exactly, whatever the caller's decimal context (the sync scheduler runs in this thread).
    with decimal.localcontext(decimal.Context(prec=3, rounding=decimal.ROUND_DOWN)):
        assert total(ddf).compare_total(D(0)) != 0
        narrow = total(ddf, "cost_total")
    assert narrow == expected_total
    assert total(ddf) == narrow
    assert total(pd.concat(parts)) == narrow
    assert total(pa.Table.from_pandas(pd.concat(parts))) == narrow

    with pytest.raises(InvalidInputError) as caught:
        total(ddf, "input_tokens")
    assert caught.value.field == "input_tokens"
    with pytest.raises(InvalidInputError) as caught:
        total(ddf, "cost_totl")
    assert caught.value.field == "cost_totl"


def test_exact_total_of_any_decimal_column() -> None:
    from costcalc.distributed import total

    big = 2**100 + 12345  # unscaled values far past 64 bits, both signs
    values = [D(big).scaleb(-12), D(-big + 7).scaleb(-12), D("-0.000000000001"), None, D("1.5")]
    exact = D(big).scaleb(-12) + D(-big + 7).scaleb(-12) + D("-0.000000000001") + D("1.5")
    column = pa.array(values, type=pa.decimal128(38, 12))
    assert total(pa.table({"c": column}), "c") == exact
    # a null slot whose value buffer holds garbage, and a slice that starts mid-buffer
    words = np.array([5, 0, 7, 0, 9, 0], dtype="<i8")
    validity = pa.array([True, False, True]).buffers()[1]
    garbage = pa.Array.from_buffers(pa.decimal128(38, 2), 3, [validity, pa.py_buffer(words)], null_count=1)
    assert total(pa.table({"c": garbage}), "c") == D("0.14")
    assert total(pa.table({"c": garbage.slice(1)}), "c") == D("0.09")
    chunked = pa.chunked_array([column.slice(0, 2), column.slice(2)])
    assert total(pa.table({"c": chunked}), "c") == exact
    wide = pa.array([D("1.25"), None, D("-3")], type=pa.decimal256(60, 2))
    assert total(pa.table({"c": wide}), "c") == D("-1.75")
    assert total(pl.DataFrame({"c": pl.Series(column)}), "c") == exact
    assert total(pa.table({"c": pa.array([], type=pa.decimal128(38, 12))}), "c") == D("0E-12")


def test_constants_columns_and_dates() -> None:
    table = pa.table(
        {
            "in": [1_000, 1_000],
            "out": [1_000, 1_000],
            "when": pa.array([dt.date(2025, 6, 9), dt.date(2025, 6, 10)], type=pa.date32()),
        }
    )
    out = cc.price_table(
        table, model="o3", columns={"input_tokens": "in", "output_tokens": "out", "at": "when"}
    )
    # o3 before and after its 2025-06-10 cut: 10 / 40 then 2 / 8 per 1M
    assert out.column("cost_total").to_pylist() == [D("0.05"), D("0.01")]
    unix = pa.table(
        {
            "input_tokens": [1_000],
            "output_tokens": [1_000],
            "timestamp": [int(dt.datetime(2025, 6, 9, 23, tzinfo=dt.UTC).timestamp())],
        }
    )
    assert cc.price_table(unix, model="o3").column("cost_total").to_pylist() == [D("0.05")]
    with pytest.raises(ValueError, match="no 'input_tokens' column"):
        cc.price_table(pa.table({"output_tokens": [1]}), model="gpt-4o")
    with pytest.raises(ValueError, match="unknown column roles"):
        cc.price_table(table, model="o3", columns={"prompt": "in"})
    with pytest.raises(ValueError, match="pass model="):
        cc.price_table(pa.table({"input_tokens": [1], "output_tokens": [1]}))
    with pytest.raises(TypeError, match="whole numbers of tokens"):
        cc.price_table(pa.table({"input_tokens": ["1"], "output_tokens": [1]}), model="gpt-4o")
    with pytest.raises(TypeError, match="pandas DataFrame"):
        cc.price_table([{"input_tokens": 1}], model="gpt-4o")
    with pytest.raises(TypeError, match="timestamps"):
        cc.price_table(
            pa.table({"input_tokens": [1], "output_tokens": [1], "timestamp": ["x"]}), model="gpt-4o"
        )


def test_bad_rows_are_reported_and_the_rest_priced() -> None:
    df = pd.DataFrame(
        {
            "model": ["gpt-4o", None, "gpt-4o", "gpt-4o", "gpt-4o", "gpt-4.1", "gpt-4o", "gpt-4o"],
            "input_tokens": [1_000, 1, -5, 10, 10.5, 1, float("nan"), 2_000_000],
            "cached_input_tokens": [0, 0, 0, 20, 0, 0, 0, 0],
            "output_tokens": [100, 1, 1, 1, 1, 1, 1, 1],
            "cache_write_1h_tokens": [0, 0, 0, 0, 0, 0, 0, 0],
            "tier": [
                "standard",
                "standard",
                "standard",
                "standard",
                "standard",
                "flex",
                "standard",
                "standard",
            ],
        }
    )
    out = cc.price_table(df)
    errors = list(out["cost_error"])
    assert errors[0] is pd.NA
    assert out["cost_total"].iloc[0] == D("0.0035")  # 1,000 x 2.5 + 100 x 10 per 1M
    assert errors[1] == "model is missing"
    assert errors[2] == "input_tokens is negative"
    assert errors[3] == "cached and cache-write tokens exceed input_tokens"
    assert errors[4] == "input_tokens is not a whole number"
    assert errors[5] == "model 'gpt-4.1' has no 'flex' tier at that date"
    assert errors[6] == "input_tokens is missing"
    assert errors[7] is pd.NA  # over gpt-4o's context window, but a usage record is priced as billed
    one_hour = pd.DataFrame(
        {
            "model": ["gpt-4o", "claude-sonnet-4-5"],
            "input_tokens": [100, 100],
            "cache_write_1h_tokens": [50, 50],
            "output_tokens": [0, 0],
        }
    )
    priced = cc.price_table(one_hour)
    assert (
        priced["cost_error"].iloc[0]
        == "the model has no cache_write_1h rate in the catalog, and the row has cache_write_1h tokens"
    )
    assert priced["cost_total"].iloc[1] == D("0.00045")  # 50 x 3 + 50 x 6 per 1M


def test_exact_beyond_int64_and_beyond_twelve_places() -> None:
    huge = cc.Usage(input_tokens=cc.MAX_TOKENS, output_tokens=cc.MAX_TOKENS)
    table = pa.table({"input_tokens": [huge.input_tokens], "output_tokens": [huge.output_tokens]})
    assert cc.price_table(table, model="o1-pro").column("cost_total").to_pylist() == [
        cc.price(huge, model="o1-pro").total
    ]
    odd = cc.default_catalog().with_discount("0.3333", models=["gpt-4o-mini"])  # 0.075 x 0.6667 = 0.0500025
    usage = cc.Usage(input_tokens=123_457, cached_input_tokens=3, output_tokens=7)
    out = cc.price_table(
        pa.table({"input_tokens": [123_457], "cached_input_tokens": [3], "output_tokens": [7]}),
        model="gpt-4o-mini",
        catalog=odd,
    )
    assert out.column("cost_total").to_pylist() == [odd.price(usage, "gpt-4o-mini").total]
    assert out.schema.field("cost_total").type.scale > 12
