"""price_spark: every row of a Spark job equals the scalar price(), in one decimal type per job.

The first tests check the pieces that price_spark builds on, and need no JVM: price_table's
exactness whatever the worker's decimal context, its dating of sub-second timestamps, one scale
for a whole job, a catalog that travels to the workers, the pricer each executor runs.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import pickle
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from pyspark.sql import DataFrame, Row, SparkSession
from pyspark.sql.functions import lit
from pyspark.sql.functions import sum as spark_sum
from pyspark.sql.types import DecimalType

import costcalc as cc
from costcalc.errors import InvalidInputError
from costcalc.spark import price_spark
from costcalc.tables import cost_scale, price_table

pytestmark = pytest.mark.filterwarnings(
    # pyspark 4.x warns about pandas 3 when mapInArrow builds its UDF; nothing here uses pandas.
    "ignore:PySpark does not yet fully support pandas:FutureWarning"
)

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


def test_a_catalog_ships_as_its_models() -> None:
    # A Catalog pickles as its models; executors rebuild it once per process and digest.
    from costcalc import distributed

    odd = cc.default_catalog().with_discount("0.3333", models=["gpt-4o-mini"])
    shipped = distributed.ShippedCatalog(odd)
    assert shipped.catalog() is odd  # in the process that shipped it: the original
    copy = pickle.loads(pickle.dumps(shipped))
    rebuilt = copy.catalog()
    assert rebuilt is not odd
    assert pickle.loads(pickle.dumps(shipped)).catalog() is rebuilt  # once per process and digest
    usage = cc.Usage(input_tokens=123_457, cached_input_tokens=3, output_tokens=7)
    for name in ("gpt-4o-mini", "openai/gpt-4o-mini-2024-07-18", "claude-sonnet-4-5"):
        assert rebuilt.price(usage, name).total == odd.price(usage, name).total
    assert [m.id for m in rebuilt] == [m.id for m in odd]
    assert cost_scale(rebuilt) == cost_scale(odd) == 13
    # Only a few rebuilt catalogs are kept per process.
    for i in range(distributed._REBUILT_LIMIT + 1):
        other = distributed.ShippedCatalog(cc.default_catalog().with_discount(f"0.0{i + 1}"))
        pickle.loads(pickle.dumps(other)).catalog()
    assert len(distributed._REBUILT) == distributed._REBUILT_LIMIT
    assert shipped.digest not in distributed._REBUILT


def test_a_batch_keeps_its_columns_and_gets_the_types_the_driver_fixed() -> None:
    # What an executor runs, here in-process: the pickled pricer and catalog, batch by batch.
    from costcalc.distributed import ShippedCatalog
    from costcalc.spark import _BatchPricer

    odd = cc.default_catalog().with_discount("0.3333", models=["gpt-4o-mini"])
    kwargs = {"model": "gpt-4o", "tier": None, "at": dt.date(2026, 1, 1), "columns": None, "scale": 13}
    # the driver's types win, should a worker's price_table pick others (large strings here)
    added = pa.schema([("cost_total", pa.decimal128(38, 13)), ("cost_error", pa.large_string())])
    pricer = pickle.loads(pickle.dumps(_BatchPricer(ShippedCatalog(odd), kwargs, added)))
    batches = [
        pa.record_batch({"input_tokens": [1_000, -1], "output_tokens": [10, 1], "note": ["a", "b"]}),
        pa.record_batch({"input_tokens": [5], "output_tokens": [5], "note": ["c"]}).slice(0, 0),
    ]
    out = list(pricer(iter(batches)))
    assert [b.schema for b in out] == [
        pa.schema([*batches[0].schema, *added]),
        pa.schema([*batches[1].schema, *added]),
    ]
    assert out[0].column("note").to_pylist() == ["a", "b"]
    usage = cc.Usage(input_tokens=1_000, output_tokens=10)
    assert out[0].column("cost_total").to_pylist() == [
        odd.price(usage, "gpt-4o", at="2026-01-01").total,
        None,
    ]
    assert out[0].column("cost_error").to_pylist() == [None, "input_tokens is negative"]
    assert out[1].num_rows == 0


def test_importing_costcalc_does_not_import_pyspark() -> None:
    code = (
        "import sys, costcalc, costcalc.tables, costcalc.distributed, costcalc.spark; "
        "costcalc.price; assert 'pyspark' not in sys.modules, 'pyspark imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# -- on Spark ---------------------------------------------------------------------------------------

ROOT = Path(cc.__file__).resolve().parent.parent
UTC = dt.UTC
MODELS = [
    "gpt-4o",
    "o4-mini",
    "gpt-5.4",
    "claude-sonnet-4-5",  # long context above 200k input tokens, 1-hour cache writes
    "gemini-2.5-pro",  # long context above 200k, no flex or priority tier
    "o3",  # new prices from 2025-06-10
    "gpt-4.1",  # no flex tier
    "openai/GPT-4o-2024-08-06",  # a spelling of gpt-4o
    "gpt-7",  # unknown
    None,  # missing
]
TIER_CHOICES = ["standard", "standard", "batch", "flex", "priority", None]  # None: missing
TOKENS = (
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "reasoning_tokens",
)
SCHEMA = (
    "id int, model string, tier string, timestamp timestamp, input_tokens long, "
    "cached_input_tokens long, cache_write_tokens int, cache_write_1h_tokens long, "
    "output_tokens long, reasoning_tokens long"
)
COSTS = ("cost_input", "cost_cached_input", "cost_cache_write", "cost_output", "cost_total")


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkSession]:
    """A local[2] session whose Python workers import this checkout's costcalc."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs a Java runtime (java on PATH or JAVA_HOME), and none is installed")
    from pyspark.sql import SparkSession

    log4j = tmp_path_factory.mktemp("spark") / "log4j2.properties"
    log4j.write_text(
        "rootLogger.level = error\nrootLogger.appenderRef.stderr.ref = console\n"
        "appender.console.type = Console\nappender.console.name = console\n"
        "appender.console.target = SYSTEM_ERR\nappender.console.layout.type = PatternLayout\n"
    )
    env = {
        "PYSPARK_PYTHON": sys.executable,
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
        "SPARK_LOCAL_IP": "127.0.0.1",  # no slow lookup of the host's name
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # read when the JVM starts; it passes them on to the Python workers
    try:
        session = (
            SparkSession.builder.master("local[2]")
            .appName("costcalc-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.driver.host", "127.0.0.1")
            # Quiet logs; a short-lived JVM starts faster with the quick JIT only and the serial GC.
            .config(
                "spark.driver.extraJavaOptions",
                f"-Dlog4j2.configurationFile={log4j} -XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
            )
            # Timestamps are dated in UTC whatever the session's zone: use one that differs.
            .config("spark.sql.session.timeZone", "America/Los_Angeles")
            # Several Arrow batches per partition, all of which must share one schema.
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", "64")
            .getOrCreate()
        )
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def usage_rows(n: int, seed: int) -> list[dict[str, Any]]:
    """Usage records across models, tiers and dates: long prompts, and some bad rows of each kind."""
    rng = random.Random(seed)
    start = dt.datetime(2025, 1, 1, tzinfo=UTC).timestamp()
    end = dt.datetime(2027, 6, 1, tzinfo=UTC).timestamp()
    rows = []
    for i in range(n):
        inp = rng.randint(0, 6_000) if rng.random() < 0.6 else rng.randint(150_000, 450_000)
        cached = rng.randint(0, inp) if rng.random() < 0.5 else 0
        write = rng.randint(0, inp - cached) if rng.random() < 0.3 else 0
        write_1h = rng.randint(0, inp - cached - write) if rng.random() < 0.15 else 0
        out = rng.randint(0, 30_000)
        row = {
            "id": i,
            "model": rng.choice(MODELS),
            "tier": rng.choice(TIER_CHOICES),
            "timestamp": dt.datetime.fromtimestamp(rng.uniform(start, end), tz=UTC),
            "input_tokens": inp,
            "cached_input_tokens": cached,
            "cache_write_tokens": write,
            "cache_write_1h_tokens": write_1h,
            "output_tokens": out,
            "reasoning_tokens": rng.randint(0, out),
        }
        bad = rng.random()
        if bad < 0.04:
            row["cached_input_tokens"] = inp + 1
        elif bad < 0.08:
            row[rng.choice(TOKENS)] = -rng.randint(1, 1_000)
        elif bad < 0.10:
            row["timestamp"] = None
        rows.append(row)
    return rows


def expected_cost(row: dict[str, Any], catalog: cc.Catalog | None = None) -> cc.Cost | None:
    """The scalar price of a row, or None when it cannot be priced."""
    if row["timestamp"] is None:
        return None
    try:
        usage = cc.Usage(**{k: row[k] for k in TOKENS})
        return (catalog or cc.default_catalog()).price(
            usage, row["model"], tier=row["tier"], at=row["timestamp"]
        )
    except (LookupError, ValueError, TypeError):
        return None


def check_rows(got: list[Row], rows: list[dict[str, Any]], catalog: cc.Catalog | None = None) -> Decimal:
    """Every row of ``got`` against price(); the exact sum of the priced rows."""
    by_id = {r["id"]: r for r in got}
    assert sorted(by_id) == [r["id"] for r in rows]  # every row kept, once
    total = D(0)
    for row in rows:
        out = by_id[row["id"]]
        cost = expected_cost(row, catalog)
        if cost is None:
            assert out["cost_error"], row
            assert [out[c] for c in (*COSTS, "cost_model")] == [None] * 6, row
            continue
        assert out["cost_error"] is None, (row, out["cost_error"])
        assert [out[c] for c in COSTS] == [
            cost.input,
            cost.cached_input,
            cost.cache_write,
            cost.output,
            cost.total,
        ], row
        assert out["cost_model"] == cost.model
        total = cc._money.EXACT.add(total, cost.total)
    return total


@pytest.fixture(scope="module")
def generated(spark: SparkSession) -> tuple[list[dict[str, Any]], DataFrame]:
    rows = usage_rows(400, seed=2026)
    return rows, spark.createDataFrame([tuple(r.values()) for r in rows], SCHEMA)


def test_executors_run_this_checkout(spark: SparkSession) -> None:
    def where(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import costcalc

        for _ in batches:
            yield pa.RecordBatch.from_pydict({"file": [costcalc.__file__]})

    files = {r.file for r in spark.range(4, numPartitions=2).mapInArrow(where, "file string").collect()}
    assert files == {cc.__file__}


def test_every_row_equals_the_scalar_price(generated: tuple[list[dict[str, Any]], DataFrame]) -> None:
    rows, df = generated
    priced = price_spark(df)
    assert [f.name for f in priced.schema.fields] == [*df.columns, *COSTS, "cost_model", "cost_error"]
    got = priced.collect()
    total = check_rows(got, rows)
    # The sample covers what it should: long prompts at long-context rates, bad rows of each kind.
    long_rates = [
        r
        for r in rows
        if (c := expected_cost(r)) is not None
        and c.rates == cc.get_model(r["model"]).tier_price(r["tier"], r["timestamp"]).long
    ]
    assert len(long_rates) >= 10
    errors = {r["cost_error"].split(" '")[0].split(";")[0] for r in got if r["cost_error"]}
    assert {
        "unknown model",
        "model is missing",
        "tier is missing",
        "timestamp is missing",
        "cached and cache-write tokens exceed input_tokens",
    } <= errors
    assert any("is negative" in e for e in errors)
    assert sum(r["cost_error"] is None for r in got) >= 150
    # Spark's own sum of the decimal column is exact too.
    assert priced.agg(spark_sum("cost_total")).first()[0] == total


def test_the_driver_decimal_context_does_not_matter(
    generated: tuple[list[dict[str, Any]], DataFrame],
) -> None:
    rows, df = generated
    narrow = decimal.Context(prec=3, rounding=decimal.ROUND_DOWN, traps=[])
    with decimal.localcontext(narrow):
        got = price_spark(df.where("id < 150"), catalog=cc.default_catalog()).collect()
    check_rows(got, rows[:150])


def test_the_scale_is_what_the_catalog_needs(spark: SparkSession) -> None:
    odd = cc.default_catalog().with_discount("0.3333", models=["gpt-4o-mini"])  # 0.0500025 per 1M
    rows = usage_rows(120, seed=7)
    for row in rows:  # gpt-4o-mini only in the second partition: the first must get 13 places too
        row["model"] = "gpt-4o" if row["id"] < 60 else "gpt-4o-mini"
    df = spark.createDataFrame([tuple(r.values()) for r in rows], SCHEMA).repartition(2, "model")
    priced = price_spark(df, catalog=odd)
    assert {priced.schema[c].dataType for c in COSTS} == {DecimalType(38, 13)}
    assert cost_scale(odd) == 13
    check_rows(priced.collect(), rows, odd)
    assert {price_spark(df).schema[c].dataType for c in COSTS} == {DecimalType(38, 12)}


def test_dates_timestamps_and_unix_seconds(spark: SparkSession) -> None:
    # o3 cost 10 / 40 per 1M until 2025-06-09 and 2 / 8 from 2025-06-10 (UTC); in the session's
    # zone (Los Angeles) 2025-06-10 03:00 UTC is still the 9th, and must not be priced as such.
    instants = [
        dt.datetime(2025, 6, 9, 23, 0, 0, 999_999, tzinfo=UTC),
        dt.datetime(2025, 6, 10, 3, tzinfo=UTC),
    ]
    frame = spark.createDataFrame(
        [
            (i, t, t.date(), int(t.timestamp()), t.replace(tzinfo=None), 1_000, 1_000)
            for i, t in enumerate(instants)
        ],
        "i int, ts timestamp, day date, unix long, wall timestamp_ntz, prompt int, completion long",
    )
    tokens = {"input_tokens": "prompt", "output_tokens": "completion"}
    variants = {
        column: price_spark(frame, model="o3", columns={**tokens, "at": column})
        for column in ("ts", "day", "unix", "wall")
    }
    # at= is a constant for every row, over the column; with neither, today's prices
    variants["at="] = price_spark(frame, model="o3", columns={**tokens, "at": "ts"}, at="2025-06-09")
    variants["today"] = price_spark(frame, model="o3", columns=tokens)  # no 'timestamp' column
    union = None
    for name, priced in variants.items():
        part = priced.select(lit(name).alias("variant"), "i", "cost_total")
        union = part if union is None else union.unionByName(part)
    assert union is not None
    got: dict[str, list[Decimal]] = {}
    for r in union.orderBy("variant", "i").collect():  # one job for all of them
        got.setdefault(r.variant, []).append(r.cost_total)
    one_k = cc.Usage(input_tokens=1_000, output_tokens=1_000)
    assert got == {
        "ts": [D("0.05"), D("0.01")],
        "day": [D("0.05"), D("0.01")],
        "unix": [D("0.05"), D("0.01")],
        "wall": [D("0.05"), D("0.01")],
        "at=": [D("0.05"), D("0.05")],
        "today": [cc.price(one_k, "o3").total] * 2,
    }


def test_bad_arguments_are_typed_errors_naming_the_field(spark: SparkSession) -> None:
    df = spark.createDataFrame(
        [("gpt-4o", "1", 1, "x", 5, 0.0)],
        "model string, text_tokens string, output_tokens long, when string, tier int, cost_total double",
    )
    cases: list[tuple[dict[str, Any], str]] = [
        ({}, "input_tokens"),  # no such column
        ({"columns": {"input_tokens": "text_tokens"}}, "text_tokens"),  # strings, not counts
        ({"columns": {"prompt": "text_tokens"}}, "columns"),
        ({"columns": {"input_tokens": "output_tokens", "at": "when"}, "tier": "batch"}, "when"),
        ({"columns": {"input_tokens": "output_tokens"}}, "tier"),  # ints, not tier names
        ({"columns": {"input_tokens": "output_tokens"}, "tier": "batch"}, "cost_total"),  # exists
        ({"columns": {"input_tokens": "output_tokens", "model": "m"}, "tier": "batch"}, "m"),
        ({"columns": {"input_tokens": "output_tokens"}, "tier": "batch", "at": "soon"}, "at"),
    ]
    for kwargs, field in cases:
        with pytest.raises(InvalidInputError) as caught:
            price_spark(df, **kwargs)
        assert caught.value.field == field, kwargs
    ok = price_spark(df.drop("cost_total"), columns={"input_tokens": "output_tokens"}, tier="batch")
    one = cc.Usage(input_tokens=1, output_tokens=1)
    assert ok.first()["cost_total"] == cc.price(one, "gpt-4o", tier="batch").total
