"""Pricing 10 million usage records on Spark, on Dask and in one process, side by side.

    pip install -e ".[tables,dask,spark]"      # and a Java runtime for Spark
    python benchmarks/bench_spark.py            # 10,000,000 rows
    python benchmarks/bench_spark.py --rows 200000 --repeat 1   # a quick run

The same generated rows (seven models of three providers, cached and reasoning tokens, the
generator of bench_tables.py) are priced three ways, each summing its cost_total exactly:

- one process: costcalc.tables.price_table on a pyarrow Table, then costcalc.distributed.total;
- Spark: costcalc.spark.price_spark on a cached DataFrame on local[*], summed by Spark's own
  decimal sum (``agg(sum("cost_total"))``), so the priced rows never leave the executors;
- Dask: costcalc.distributed.price_dask on a LocalCluster of 2 single-threaded worker processes,
  with the input persisted on the workers, summed by costcalc.distributed.total.

Two reference rows show where Spark's time goes: price_table run batch by batch in one process
(what each Spark worker computes), and a mapInArrow that returns its batches untouched (Spark
moving the rows between the JVM and Python, and nothing else).

Loading the data into each engine is outside the timings; pricing, moving batches between the
JVM and Python (Spark) and summing are inside. Each side reports the median of ``--repeat``
runs. The three totals must be identical to the last digit, and no row may have a cost_error.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path
from typing import NamedTuple

import pyarrow as pa
from _common import table
from bench_tables import rows

import costcalc
from costcalc._money import EXACT
from costcalc.distributed import price_dask, total
from costcalc.spark import price_spark
from costcalc.tables import cost_scale, price_table

AT = "2026-11-01"


class Side(NamedTuple):
    first: float  # seconds of the first run: workers start, import costcalc, load the catalog
    median: float  # median seconds of the runs after it
    total: Decimal
    errors: int


def timed(fn: Callable[[], tuple[Decimal, int]], repeat: int) -> Side:
    """A first run of ``fn``, then ``repeat`` more; its (total, errors) must not change."""
    times, results = [], set()
    for _ in range(repeat + 1):
        start = time.perf_counter()
        results.add(fn())
        times.append(time.perf_counter() - start)
    assert len(results) == 1, f"runs disagree: {results}"
    ((result, errors),) = results
    return Side(times[0], statistics.median(times[1:]), result, errors)


def single_process(data: pa.Table, repeat: int) -> Side:
    def run() -> tuple[Decimal, int]:
        priced = price_table(data, tier="standard", at=AT)
        return total(priced), priced.num_rows - priced.column("cost_error").null_count

    return timed(run, repeat)


def single_process_batches(data: pa.Table, batch: int, repeat: int) -> Side:
    """What each Spark worker does, without Spark: price_table batch by batch, in one process."""
    scale = cost_scale()

    def run() -> tuple[Decimal, int]:
        sums, errors = Decimal(0), 0
        for piece in data.to_batches(max_chunksize=batch):
            priced = price_table(pa.Table.from_batches([piece]), tier="standard", at=AT, scale=scale)
            sums = EXACT.add(sums, total(priced))
            errors += priced.num_rows - priced.column("cost_error").null_count
        return sums, errors

    return timed(run, repeat)


def on_spark(data: pa.Table, partitions: int, batch: int, repeat: int) -> tuple[Side, Side, str]:
    from pyspark.sql import SparkSession
    from pyspark.sql.functions import count
    from pyspark.sql.functions import sum as spark_sum

    log4j = Path(tempfile.mkdtemp()) / "log4j2.properties"
    log4j.write_text(
        "rootLogger.level = error\nrootLogger.appenderRef.stderr.ref = console\n"
        "appender.console.type = Console\nappender.console.name = console\n"
        "appender.console.target = SYSTEM_ERR\nappender.console.layout.type = PatternLayout\n"
    )
    spark = (
        SparkSession.builder.master("local[*]")
        .appName("costcalc-bench")
        .config("spark.driver.memory", "6g")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(batch))
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={log4j}")
        .getOrCreate()
    )
    try:
        df = spark.createDataFrame(data).repartition(partitions).cache()
        assert df.count() == data.num_rows  # loaded and cached before the clock starts

        def run() -> tuple[Decimal, int]:
            priced = price_spark(df, tier="standard", at=AT)
            row = priced.agg(spark_sum("cost_total"), count("cost_error")).first()
            assert row is not None
            return row[0], row[1]

        def passthrough(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
            yield from batches

        def transfer_only() -> tuple[Decimal, int]:
            row = df.mapInArrow(passthrough, df.schema).agg(count("model")).first()
            assert row is not None
            assert row[0] == data.num_rows
            return Decimal(0), 0

        priced = timed(run, repeat)
        moved = timed(transfer_only, repeat)
        return priced, moved, f"local[{spark.sparkContext.defaultParallelism}]"
    finally:
        spark.stop()


def on_dask(data: pa.Table, partitions: int, repeat: int) -> Side:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster, wait

    frame = data.to_pandas()
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        with warnings.catch_warnings():  # the data travels in the graph, once, before the clock starts
            warnings.filterwarnings("ignore", "Sending large graph", UserWarning)
            ddf = client.persist(dd.from_pandas(frame, npartitions=partitions))
        wait(ddf)  # on the workers before the clock starts

        def run() -> tuple[Decimal, int]:
            return total(price_dask(ddf, tier="standard", at=AT)), 0

        side = timed(run, repeat)
        errors = int(price_dask(ddf, tier="standard", at=AT)["cost_error"].count().compute())  # untimed
        return side._replace(errors=errors)


def java_version() -> str:
    try:
        out = subprocess.run(["java", "-version"], capture_output=True, text=True, check=True).stderr
    except (OSError, subprocess.CalledProcessError):
        return "no java"
    return out.splitlines()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--partitions", type=int, default=8, help="Spark and Dask partitions (default 8)")
    parser.add_argument("--batch", type=int, default=10_000, help="Spark's Arrow batch size (its default)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs after the first; their median is reported"
    )
    args = parser.parse_args()

    # Spark's Python workers and Dask's worker processes must import this costcalc.
    root = str(Path(costcalc.__file__).resolve().parent.parent)
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")

    load_before = os.getloadavg()
    data = pa.Table.from_pandas(rows(args.rows), preserve_index=False)
    one = single_process(data, args.repeat)
    batched = single_process_batches(data, args.batch, args.repeat)
    spark, moved, master = on_spark(data, args.partitions, args.batch, args.repeat)
    dask = on_dask(data, args.partitions, args.repeat)
    load_after = os.getloadavg()

    totals = {one.total, batched.total, spark.total, dask.total}
    assert len(totals) == 1, f"totals differ: one process {one.total}, Spark {spark.total}, Dask {dask.total}"
    assert one.errors == batched.errors == spark.errors == dask.errors == 0, "rows with a cost_error"

    n = args.rows
    print(
        f"Python {platform.python_version()} on {platform.machine()} ({os.cpu_count()} cores); "
        f"pyspark {version('pyspark')} ({java_version()}), dask {version('dask')}, "
        f"pyarrow {version('pyarrow')}, numpy {version('numpy')}; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after"
    )
    print(
        f"{n:,} rows, {args.partitions} partitions, Spark Arrow batches of {args.batch:,}, "
        f"median of {args.repeat} runs after a first one; every total ${totals.pop()}\n"
    )
    sides = [
        ("price_table, one process (pyarrow in), total()", one),
        (f"price_spark on {master}, cached DataFrame, Spark's decimal sum", spark),
        ("price_dask, LocalCluster of 2 single-threaded workers, total()", dask),
        (f"for reference: price_table on {args.batch:,}-row batches, one process", batched),
        (f"for reference: Spark mapInArrow returning its batches untouched, {master}", moved),
    ]
    print(
        table(
            ["engine", "first run", "time", "rows/s", "vs one process"],
            [
                [
                    name,
                    f"{side.first:.2f} s",
                    f"{side.median:.2f} s",
                    f"{n / side.median / 1e6:.2f} M",
                    f"{one.median / side.median:.2f}x",
                ]
                for name, side in sides
            ],
        )
    )


if __name__ == "__main__":
    main()
