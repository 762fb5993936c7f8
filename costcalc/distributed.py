"""``price_table`` on a Dask DataFrame, partition by partition (``pip install "costcalc[dask]"``).

Each partition is priced by :func:`costcalc.tables.price_table` on a worker; the catalog is
loaded once per worker process. The result is a Dask DataFrame with the cost columns, lazily.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from costcalc.catalog import Catalog
from costcalc.tables import price_table

__all__ = ["price_dask"]


def price_dask(
    frame: Any,
    *,
    model: str | None = None,
    tier: str | None = None,
    at: Any = None,
    columns: Mapping[str, str] | None = None,
    catalog: Catalog | None = None,
) -> Any:
    """``frame`` (a dask.dataframe.DataFrame) with exact cost columns added to every partition."""
    kwargs: dict[str, Any] = {"model": model, "tier": tier, "at": at, "columns": columns, "catalog": catalog}
    meta = price_table(frame._meta, **kwargs)
    return frame.map_partitions(price_table, **kwargs, meta=meta)
