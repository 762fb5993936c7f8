"""``price_table`` on a Spark DataFrame, in Arrow batches (``pip install "costcalc[spark]"``).

:func:`price_spark` adds the cost columns to a Spark DataFrame, lazily, as a ``withColumn``
would. The executors price each Arrow record batch with :func:`costcalc.tables.price_table`
(``DataFrame.mapInArrow``), so every cost is a ``DecimalType(38, scale)`` equal to
:func:`costcalc.price` on that row. The output schema is fixed on the driver before any row is
read: the new columns are whatever ``price_table`` adds to a table of these columns, and the scale
is the one the whole catalog needs (:func:`costcalc.tables.cost_scale`; 12 for the built-in
catalog), so every batch of the job has the same decimal type.

The catalog the driver used travels inside the job's closure as its validated models (about
60 kB for the built-in one; Spark sends a stage's closure to each executor once) and is rebuilt
once per Python worker process, so the executors price with exactly the driver's prices. They
need costcalc, numpy and pyarrow installed. pyspark is imported only when :func:`price_spark`
is called.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final

from costcalc.catalog import Catalog, as_date, catalog_or_default
from costcalc.distributed import ShippedCatalog
from costcalc.errors import CostcalcError, InvalidInputError
from costcalc.tables import DEFAULT_COLUMNS, TOKEN_COLUMNS, cost_scale, price_table

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame
    from pyspark.sql.types import StructField

__all__ = ["price_spark"]

_REQUIRED: Final = ("input_tokens", "output_tokens")


def price_spark(
    df: DataFrame,
    *,
    model: str | None = None,
    tier: str | None = None,
    at: dt.date | dt.datetime | str | None = None,
    columns: Mapping[str, str] | None = None,
    catalog: Catalog | None = None,
) -> DataFrame:
    """``df`` with the cost columns that :func:`costcalc.tables.price_table` adds, exact: today
    ``cost_input``, ``cost_cached_input``, ``cost_cache_write``, ``cost_output``, ``cost_total``
    (``DecimalType(38, scale)``), ``cost_model`` and ``cost_error`` (strings).

    The arguments are ``price_table``'s. ``model``, ``tier`` and ``at`` are constants for every
    row when given; otherwise they come from the ``model``, ``tier`` and ``timestamp`` columns
    (timestamps, dates or Unix seconds; a timestamp is dated in UTC whatever the session time
    zone). Without ``at=`` and without a timestamp column, rows are priced at the date (UTC) on
    which ``price_spark`` is called, on every executor. Rows that cannot be priced get a
    ``cost_error`` and null costs; the others are priced.

    Bad arguments are found on the driver, before the job runs: a missing column, a column of the
    wrong type, an unknown role in ``columns``, a cost column that ``df`` already has, an ``at``
    that is not a date raise :class:`~costcalc.errors.InvalidInputError` naming the field.
    """
    import pyarrow as pa
    from pyspark.sql.pandas.types import from_arrow_schema
    from pyspark.sql.types import StructType

    cat = catalog_or_default(catalog)
    names = _roles(columns)
    fields = {f.name: f for f in df.schema.fields}
    read = _columns_read(fields, names, model, tier, at)
    kwargs: dict[str, Any] = {
        "model": model,
        "tier": tier,
        "at": _price_date(at, names["at"] in fields),
        "columns": columns,
        "scale": cost_scale(cat),
    }

    # The output schema: what price_table adds to an empty table of the columns it reads.
    probe_in = pa.schema(read).empty_table()
    try:
        probe = price_table(probe_in, catalog=cat, **kwargs)
    except (TypeError, ValueError) as exc:  # a check of price_table's that the ones above lack
        if isinstance(exc, CostcalcError):
            raise
        raise InvalidInputError(str(exc)) from exc
    added = pa.schema([f for f in probe.schema if f.name not in probe_in.schema.names])
    for name in added.names:
        if name in fields:
            raise InvalidInputError(
                "the DataFrame already has this column, which price_spark adds; drop or rename it",
                field=name,
            )
    schema = StructType([*df.schema.fields, *from_arrow_schema(added).fields])
    return df.mapInArrow(_BatchPricer(ShippedCatalog(cat), kwargs, added), schema)


class _BatchPricer:
    """The function each executor runs: Arrow record batches in, the same batches with costs out."""

    def __init__(self, shipped: ShippedCatalog, kwargs: dict[str, Any], added: pa.Schema) -> None:
        self.shipped = shipped
        self.kwargs = kwargs
        self.added = added

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        catalog = self.shipped.catalog()
        for batch in batches:
            priced = price_table(pa.Table.from_batches([batch]), catalog=catalog, **self.kwargs)
            arrays = list(batch.columns)
            for field in self.added:
                array = priced.column(field.name).combine_chunks()
                # The driver fixed the types; a worker's price_table must not change them (cast is safe).
                arrays.append(array if array.type == field.type else array.cast(field.type))
            yield pa.RecordBatch.from_arrays(arrays, schema=pa.schema([*batch.schema, *self.added]))


def _roles(columns: Mapping[str, str] | None) -> dict[str, str]:
    unknown = set(columns or {}) - set(DEFAULT_COLUMNS)
    if unknown:
        raise InvalidInputError(
            f"unknown column roles {sorted(unknown)}; roles are {', '.join(DEFAULT_COLUMNS)}", field="columns"
        )
    return {**DEFAULT_COLUMNS, **(columns or {})}


def _columns_read(
    fields: dict[str, StructField], names: dict[str, str], model: str | None, tier: str | None, at: object
) -> list[pa.Field]:
    """Arrow fields for the columns price_table will read; a column it cannot read is an error."""
    import pyarrow as pa
    from pyspark.sql.types import (
        DateType,
        DoubleType,
        FloatType,
        IntegralType,
        StringType,
        TimestampNTZType,
        TimestampType,
    )

    read = []
    for role in TOKEN_COLUMNS:
        name = names[role]
        if name not in fields:
            if role in _REQUIRED:
                raise InvalidInputError(
                    f"no such column (map another with columns={{{role!r}: ...}})", field=name
                )
            continue
        kind = fields[name].dataType
        if not isinstance(kind, IntegralType | FloatType | DoubleType):
            raise InvalidInputError(
                f"must hold whole numbers of tokens (integers), got {kind.simpleString()}", field=name
            )
        read.append(pa.field(name, pa.int64() if isinstance(kind, IntegralType) else pa.float64()))
    for role, constant in (("model", model), ("tier", tier)):
        name = names[role]
        if constant is not None or name not in fields:
            if role == "model" and constant is None:
                raise InvalidInputError("no model given: pass model= or add this column", field=name)
            continue
        kind = fields[name].dataType
        if not isinstance(kind, StringType):
            raise InvalidInputError(
                f"must hold {role} names (strings), got {kind.simpleString()}", field=name
            )
        read.append(pa.field(name, pa.string()))
    stamp = names["at"]
    if at is None and stamp in fields:
        kind = fields[stamp].dataType
        if isinstance(kind, TimestampType):
            read.append(pa.field(stamp, pa.timestamp("us", tz="UTC")))
        elif isinstance(kind, TimestampNTZType):
            read.append(pa.field(stamp, pa.timestamp("us")))
        elif isinstance(kind, DateType):
            read.append(pa.field(stamp, pa.date32()))
        elif isinstance(kind, IntegralType):  # Unix seconds
            read.append(pa.field(stamp, pa.int64()))
        else:
            raise InvalidInputError(
                f"must hold timestamps, dates or Unix seconds, got {kind.simpleString()}", field=stamp
            )
    return list({f.name: f for f in read}.values())  # two roles may read one column


def _price_date(at: dt.date | dt.datetime | str | None, has_column: bool) -> dt.date | None:
    """``at`` as a date, fixed on the driver (today, UTC, when neither ``at`` nor a column dates rows)."""
    if at is None:
        return None if has_column else dt.datetime.now(dt.UTC).date()
    try:
        return as_date(at)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(str(exc), field="at") from None
