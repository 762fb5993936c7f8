"""``price_table`` on a Dask DataFrame, partition by partition, and exact totals of the result.

``pip install "costcalc[dask]"``. Each partition is priced by :func:`costcalc.tables.price_table`
on a worker, in the one decimal type the whole catalog needs (:func:`costcalc.tables.cost_scale`),
so that every partition has the dtype the collection's metadata promises. With ``catalog=None``
each worker process loads its own built-in catalog once; a catalog of your own is pickled once,
with its digest, travels with the tasks and is rebuilt once per worker process
(:class:`ShippedCatalog`). :func:`total` sums a cost column exactly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import sys
import threading
from collections import OrderedDict
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from costcalc._money import EXACT
from costcalc.catalog import Catalog
from costcalc.errors import InvalidInputError
from costcalc.tables import DEFAULT_COLUMNS, cost_scale, price_table

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["ShippedCatalog", "price_dask", "total"]


def price_dask(
    frame: Any,
    *,
    model: str | None = None,
    tier: str | None = None,
    at: Any = None,
    columns: Mapping[str, str] | None = None,
    catalog: Catalog | None = None,
) -> Any:
    """``frame`` (a dask.dataframe.DataFrame) with exact cost columns added to every partition.

    The arguments are :func:`~costcalc.tables.price_table`'s. The cost columns are
    ``decimal128(38, cost_scale(catalog))`` in every partition. Without ``at=`` and without a
    timestamp column, rows are priced at the date (UTC) on which ``price_dask`` is called, the
    same for every partition.
    """
    scale = cost_scale(catalog)
    timestamp = {**DEFAULT_COLUMNS, **(columns or {})}["at"]
    if at is None and timestamp not in frame.columns:
        at = dt.datetime.now(dt.UTC).date()
    kwargs: dict[str, Any] = {"model": model, "tier": tier, "at": at, "columns": columns, "scale": scale}
    meta = price_table(frame._meta, catalog=catalog, **kwargs)
    shipped = None if catalog is None else ShippedCatalog(catalog)
    return frame.map_partitions(_price_partition, shipped=shipped, **kwargs, meta=meta)


def _price_partition(part: Any, *, shipped: ShippedCatalog | None, **kwargs: Any) -> Any:
    return price_table(part, catalog=None if shipped is None else shipped.catalog(), **kwargs)


def total(frame: Any, column: str = "cost_total") -> Decimal:
    """The exact sum of the decimal ``column`` of ``frame``, nulls (unpriced rows) skipped.

    ``frame`` is a Dask DataFrame (from :func:`price_dask`), a pandas or Polars DataFrame or a
    pyarrow Table. Each partition is summed where it lives, in Python integers of ``10**-scale``
    USD (never floats, never a decimal context, so the result cannot round and does not depend on
    the caller's or a worker's context); one last task adds the partition sums. A column
    that is not a decimal column is an :class:`~costcalc.errors.InvalidInputError` naming it.

    >>> import pandas as pd
    >>> from costcalc.tables import price_table
    >>> logs = pd.DataFrame({"model": ["gpt-4o", "o4-mini"], "input_tokens": [1_200, 12_000],
    ...                      "output_tokens": [300, 3_000]})
    >>> total(price_table(logs, at="2026-11-01"))
    Decimal('0.032400000000')
    """
    names = [str(c) for c in getattr(frame, "column_names", None) or frame.columns]  # pyarrow, others
    if column not in names:
        raise InvalidInputError(f"no such column; the columns are {', '.join(names)}", field=column)
    if type(frame).__module__.startswith("dask"):
        from dask.delayed import delayed

        parts = frame[column].to_delayed()
        return delayed(_add)([delayed(_partition_units)(p, column) for p in parts]).compute()  # type: ignore[no-any-return]
    return _add([_partition_units(frame, column)])


def _add(sums: list[tuple[int, int]]) -> Decimal:
    """The sum of (units, scale) pairs as a Decimal, exactly, at the largest scale."""
    scale = max((s for _, s in sums), default=0)
    units = sum(u * 10 ** (scale - s) for u, s in sums)
    return EXACT.scaleb(Decimal(units), -scale)


def _partition_units(part: Any, column: str) -> tuple[int, int]:
    """The sum of one partition's ``column`` in units of ``10**-scale``, and the scale."""
    import pyarrow as pa

    if isinstance(part, pa.Table):
        values: pa.Array | pa.ChunkedArray = part.column(column)
    elif type(part).__module__.startswith("polars"):
        values = part[column].to_arrow()
    elif hasattr(part, "columns"):  # a pandas DataFrame
        values = pa.array(part[column])
    else:  # a pandas Series (a Dask partition of one column)
        values = pa.array(part)
    if not pa.types.is_decimal(values.type):
        raise InvalidInputError(
            f"holds {values.type}, not exact decimals; sum the cost columns that price_table, "
            "price_dask or price_spark add",
            field=column,
        )
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    return sum(_chunk_units(chunk) for chunk in chunks), values.type.scale


_BLOCK: Final = 2**30  # rows summed at once: 2**30 values below 2**32 cannot overflow int64


def _chunk_units(chunk: pa.Array) -> int:
    """The sum of a decimal array's unscaled values, exactly, as a Python int."""
    import numpy as np
    import pyarrow as pa

    n = len(chunk)
    if n == chunk.null_count:
        return 0
    if not pa.types.is_decimal128(chunk.type) or sys.byteorder != "little":  # rare: exact, slower
        scale = chunk.type.scale
        return sum(int(EXACT.scaleb(v, scale)) for v in chunk.to_pylist() if v is not None)
    # Each value is two little-endian 64-bit words: low (unsigned) and high (signed, two's complement).
    words = np.frombuffer(chunk.buffers()[1], dtype="<u8")[2 * chunk.offset : 2 * (chunk.offset + n)]
    low, high = words[0::2], words[1::2].view("<i8")
    if chunk.null_count:  # the value slots under nulls hold anything
        valid = chunk.is_valid().to_numpy(zero_copy_only=False)
        low, high = low[valid], high[valid]
    result = 0
    for start in range(0, len(low), _BLOCK):
        lo, hi = low[start : start + _BLOCK], high[start : start + _BLOCK]
        # Split every word into 32-bit halves so that numpy's 64-bit sums stay exact.
        lo_sum = int((lo & 0xFFFFFFFF).sum(dtype=np.uint64)) + (int((lo >> 32).sum(dtype=np.uint64)) << 32)
        hi_sum = int((hi & 0xFFFFFFFF).sum(dtype=np.int64)) + (int((hi >> 32).sum(dtype=np.int64)) << 32)
        result += (hi_sum << 64) + lo_sum
    return result


# -- shipping a catalog to workers ---------------------------------------------------------------------

_REBUILT: OrderedDict[str, Catalog] = OrderedDict()
_REBUILT_LIMIT: Final = 8
_REBUILT_LOCK = threading.Lock()


class ShippedCatalog:
    """A :class:`~costcalc.Catalog` in a form that pickles: its validated models, and their digest.

    Pickle it into tasks (Dask graphs, Spark closures); :meth:`catalog` gives the catalog back,
    rebuilt once per worker process and digest (the process it was made in gets the original).
    Dask tokenizes it by its digest.
    """

    __slots__ = ("_local", "digest", "payload")

    def __init__(self, catalog: Catalog) -> None:
        self.payload = pickle.dumps(catalog, protocol=pickle.HIGHEST_PROTOCOL)
        self.digest = hashlib.sha256(self.payload).hexdigest()
        self._local: Catalog | None = catalog

    def catalog(self) -> Catalog:
        """The catalog: the original in the process that shipped it, else rebuilt once per digest."""
        if self._local is not None:
            return self._local
        with _REBUILT_LOCK:
            found = _REBUILT.get(self.digest)
            if found is None:
                found = pickle.loads(self.payload)  # bytes that our own client pickled
                _REBUILT[self.digest] = found
                while len(_REBUILT) > _REBUILT_LIMIT:
                    _REBUILT.popitem(last=False)
            else:
                _REBUILT.move_to_end(self.digest)
        self._local = found
        return found

    def __getstate__(self) -> tuple[bytes, str]:
        return self.payload, self.digest

    def __setstate__(self, state: tuple[bytes, str]) -> None:
        self.payload, self.digest = state
        self._local = None

    def __dask_tokenize__(self) -> str:
        return self.digest
