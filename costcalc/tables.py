"""Price whole tables of usage records at once, exactly, with integer arithmetic.

``price_table`` takes a pandas DataFrame, a Polars DataFrame or a pyarrow Table and returns the
same kind of table with cost columns added. Every cost is computed in integer units of
10**-scale USD (pico-dollars for the built-in catalog, whose rates have at most six decimal
places per 1M tokens) and returned as an exact ``decimal128(38, scale)`` column, equal on every
row to the scalar :func:`costcalc.price`. Rows that cannot be priced (an unknown model, a tier
the model lacks, inconsistent counts) get a ``cost_error`` message and null costs; the other
rows are priced. Needs ``pip install "costcalc[tables]"`` (numpy and pyarrow; pandas or polars
for those kinds of table).

Tables priced in pieces (Dask partitions, Spark batches) must share one decimal type: pass
``scale=cost_scale(catalog)`` so that every piece uses the scale the whole catalog needs, not
the one the models present in that piece need.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from costcalc._money import EXACT
from costcalc.catalog import Catalog, ResolvedModel, as_date, catalog_or_default
from costcalc.errors import InvalidInputError, UnknownModelError
from costcalc.pricing import MAX_TOKENS, TIERS, Rates

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

__all__ = ["COST_COLUMNS", "DEFAULT_COLUMNS", "TOKEN_COLUMNS", "cost_scale", "price_table"]

#: The columns ``price_table`` reads, by default name.
DEFAULT_COLUMNS: Final = {
    "input_tokens": "input_tokens",
    "cached_input_tokens": "cached_input_tokens",
    "cache_write_tokens": "cache_write_tokens",
    "cache_write_1h_tokens": "cache_write_1h_tokens",
    "output_tokens": "output_tokens",
    "reasoning_tokens": "reasoning_tokens",
    "model": "model",
    "tier": "tier",
    "at": "timestamp",
}
#: The columns ``price_table`` adds.
COST_COLUMNS: Final = (
    "cost_input",
    "cost_cached_input",
    "cost_cache_write",
    "cost_output",
    "cost_total",
    "cost_model",
    "cost_error",
)
TOKEN_COLUMNS: Final = (
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "reasoning_tokens",
)
_EPOCH: Final = dt.date(1970, 1, 1)
_INT64_SAFE: Final = 2**62
_MAX_SCALE: Final = 38  # decimal128's precision
_PER_SECOND: Final = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}


def price_table(
    table: Any,
    *,
    model: str | None = None,
    tier: str | None = None,
    at: dt.date | dt.datetime | str | None = None,
    columns: Mapping[str, str] | None = None,
    catalog: Catalog | None = None,
    scale: int | None = None,
) -> Any:
    """``table`` with exact cost columns added (see the module docstring).

    ``model``, ``tier`` and ``at`` are constants for every row when given; otherwise they come
    from the ``model``, ``tier`` and ``timestamp`` columns (tier defaults to ``"standard"``, the
    date to today). ``columns`` renames any of :data:`DEFAULT_COLUMNS`. Token columns other than
    ``input_tokens`` and ``output_tokens`` may be absent (zero).

    ``scale`` fixes the decimal places of the cost columns (``decimal128(38, scale)``); by
    default it is the fewest that hold the costs of the models in this table exactly (12 for the
    built-in catalog). A scale too small for a model present is an
    :class:`~costcalc.errors.InvalidInputError` (see :func:`cost_scale`).
    """
    import numpy as np
    import pyarrow as pa

    names = {**DEFAULT_COLUMNS, **(columns or {})}
    unknown = set(columns or {}) - set(DEFAULT_COLUMNS)
    if unknown:
        raise ValueError(f"unknown column roles {sorted(unknown)}; roles are {', '.join(DEFAULT_COLUMNS)}")
    kind, arrow = _to_arrow(table)
    n = arrow.num_rows
    cat = catalog_or_default(catalog)
    errors = _Errors(n)

    tokens = {}
    for role in TOKEN_COLUMNS:
        name = names[role]
        if name in arrow.column_names:
            tokens[role] = _token_column(arrow.column(name), name, errors)
        elif role in ("input_tokens", "output_tokens"):
            raise ValueError(f"the table has no {name!r} column (map another with columns={{{role!r}: ...}})")
        else:
            tokens[role] = np.zeros(n, dtype=np.int64)
    inp, cached, write, w1h = (tokens[k] for k in TOKEN_COLUMNS[:4])
    out, reasoning = tokens["output_tokens"], tokens["reasoning_tokens"]
    errors.mark((cached + write + w1h) > inp, "cached and cache-write tokens exceed input_tokens")
    errors.mark(reasoning > out, "reasoning_tokens exceed output_tokens")

    model_codes, model_names = _labels(arrow, names["model"], model, "model", errors)
    tier_codes, tier_names = _labels(
        arrow,
        names["tier"],
        tier or (None if names["tier"] in arrow.column_names else "standard"),
        "tier",
        errors,
    )
    days = _days(arrow, names["at"], at, n, errors)

    # Per-row rates in integer units, filled group by group: (model, tier) x price period.
    scale = _checked_scale(scale, _scale_for(_known(cat, model_names)))
    rate_in, rate_cached, rate_write, rate_w1h, rate_out = (np.zeros(n, dtype=np.int64) for _ in range(5))
    long_in, long_cached, long_write, long_w1h, long_out = (np.zeros(n, dtype=np.int64) for _ in range(5))
    above = np.full(n, MAX_TOKENS, dtype=np.int64)
    # Per row, the token kinds its model has no rate for (bit i: TOKEN_COLUMNS[i] of the rate tuple).
    missing = np.zeros(n, dtype=np.int8)
    model_ids = np.full(n, None, dtype=object)
    for m_code, m_name in enumerate(model_names):
        rows_m = np.flatnonzero(model_codes == m_code)
        if rows_m.size == 0 or m_name is None:
            continue
        try:
            fast = cat.resolve(m_name)
        except UnknownModelError as exc:
            errors.mark_rows(rows_m, str(exc).split(" (add your own")[0])
            continue
        model_ids[rows_m] = fast.model.id
        sinces = [p[0] for p in fast.periods]
        starts = np.array([(s - _EPOCH).days if s is not None else -(10**9) for s in sinces], dtype=np.int64)
        period_of = np.searchsorted(starts, days[rows_m], side="right") - 1
        errors.mark_rows(rows_m[period_of < 0], f"model {fast.model.id!r} has no price before {sinces[0]}")
        for p_index, (_since, tiers) in enumerate(fast.periods):
            rows_p = rows_m[period_of == p_index]
            if rows_p.size == 0:
                continue
            for t_code, t_name in enumerate(tier_names):
                rows = rows_p[tier_codes[rows_p] == t_code]
                if rows.size == 0 or t_name is None:
                    continue
                found = tiers.get(t_name)
                if found is None:
                    reason = (
                        f"unknown tier {t_name!r}"
                        if t_name not in TIERS
                        else f"model {fast.model.id!r} has no {t_name!r} tier at that date"
                    )
                    errors.mark_rows(rows, reason)
                    continue
                threshold, base, _pt, long, _lpt = found
                b = _units(base, scale)
                lg = _units(long, scale)
                for arr, value in zip((rate_in, rate_cached, rate_write, rate_w1h, rate_out), b, strict=True):
                    arr[rows] = value if value is not None else 0
                for arr, value in zip(
                    (long_in, long_cached, long_write, long_w1h, long_out), lg, strict=True
                ):
                    arr[rows] = value if value is not None else 0
                above[rows] = threshold
                for bit, (short_rate, long_rate) in enumerate(zip(b, lg, strict=True)):
                    if short_rate is None or long_rate is None:
                        missing[rows] |= np.int8(1 << bit)
    uncached_all = inp - cached - write - w1h
    for bit, (count, what) in enumerate(
        (
            (uncached_all, "input"),
            (cached, "cached_input"),
            (write, "cache_write"),
            (w1h, "cache_write_1h"),
            (out, "output"),
        )
    ):
        errors.mark(
            ((missing >> bit) & 1).astype(bool) & (count > 0),
            f"the model has no {what} rate in the catalog, and the row has {what} tokens",
        )

    use_long = inp > above
    r = [
        np.where(use_long, lo, ba)
        for lo, ba in (
            (long_in, rate_in),
            (long_cached, rate_cached),
            (long_write, rate_write),
            (long_w1h, rate_w1h),
            (long_out, rate_out),
        )
    ]
    valid = errors.valid()
    uncached = inp - cached - write - w1h
    counts = [uncached, cached, write, w1h, out]
    largest_rate = max((int(x.max()) for x in r), default=0) if n else 0
    largest_count = int(sum(int(c.max()) for c in counts)) if n else 0
    if largest_rate * largest_count >= _INT64_SAFE:  # exact either way; Python ints past int64
        r = [x.astype(object) for x in r]
        counts = [c.astype(object) for c in counts]
    c_in = counts[0] * r[0]
    c_cached = counts[1] * r[1]
    c_write = counts[2] * r[2] + counts[3] * r[3]
    c_out = counts[4] * r[4]
    total = c_in + c_cached + c_write + c_out

    new = {
        "cost_input": _decimal(c_in, valid, scale),
        "cost_cached_input": _decimal(c_cached, valid, scale),
        "cost_cache_write": _decimal(c_write, valid, scale),
        "cost_output": _decimal(c_out, valid, scale),
        "cost_total": _decimal(total, valid, scale),
        "cost_model": pa.array(model_ids, type=pa.string(), mask=~valid),
        "cost_error": errors.array(),
    }
    return _from_arrow(kind, table, arrow, new)


# -- pieces -----------------------------------------------------------------------------------------


class _Errors:
    """The first reason each row cannot be priced."""

    def __init__(self, n: int) -> None:
        import numpy as np

        self.code = np.zeros(n, dtype=np.int32)
        self.messages: list[str | None] = [None]

    def _code(self, message: str) -> int:
        try:
            return self.messages.index(message)
        except ValueError:
            self.messages.append(message)
            return len(self.messages) - 1

    def mark(self, mask: np.ndarray, message: str) -> None:
        import numpy as np

        rows = np.flatnonzero(mask & (self.code == 0))
        if rows.size:
            self.code[rows] = self._code(message)

    def mark_rows(self, rows: np.ndarray, message: str) -> None:
        rows = rows[self.code[rows] == 0]
        if rows.size:
            self.code[rows] = self._code(message)

    def valid(self) -> np.ndarray:
        return self.code == 0  # type: ignore[no-any-return]

    def array(self) -> pa.Array:
        import pyarrow as pa

        return pa.DictionaryArray.from_arrays(
            pa.array(self.code, type=pa.int32()), pa.array(self.messages, type=pa.string())
        ).cast(pa.string())


def _to_arrow(table: Any) -> tuple[str, pa.Table]:
    import pyarrow as pa

    if isinstance(table, pa.Table):
        return "arrow", table
    module = type(table).__module__
    if module.startswith("pandas"):
        return "pandas", pa.Table.from_pandas(table, preserve_index=False)
    if module.startswith("polars"):
        return "polars", table.to_arrow()
    raise TypeError(
        "price_table takes a pandas DataFrame, a Polars DataFrame or a pyarrow Table, "
        f"got {type(table).__name__}"
    )


def _from_arrow(kind: str, original: Any, arrow: pa.Table, new: dict[str, pa.Array]) -> Any:
    if kind == "arrow":
        out = arrow
        for name, arr in new.items():
            out = out.append_column(name, arr)
        return out
    if kind == "pandas":
        import pandas as pd

        frame = original.copy()
        for name, arr in new.items():
            frame[name] = pd.Series(pd.arrays.ArrowExtensionArray(arr), index=original.index)
        return frame
    import polars as pl

    return original.with_columns([pl.Series(name, arr) for name, arr in new.items()])


def _token_column(column: pa.ChunkedArray, name: str, errors: _Errors) -> np.ndarray:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        nulls = column.is_null().to_numpy(zero_copy_only=False)
        if pa.types.is_floating(kind):
            raw = pc.fill_null(column, 0).to_numpy().astype(np.float64)
            bad = np.isnan(raw) | (raw != np.floor(raw)) | np.isinf(raw)
            errors.mark(bad & ~nulls, f"{name} is not a whole number")
            values = np.where(bad, 0, raw).astype(np.int64)
        else:
            values = pc.fill_null(column, 0).to_numpy().astype(np.int64)
        errors.mark(nulls, f"{name} is missing")
        errors.mark(values < 0, f"{name} is negative")
        errors.mark(values > MAX_TOKENS, f"{name} exceeds {MAX_TOKENS}")
        return np.where((values < 0) | (values > MAX_TOKENS), 0, values)
    raise TypeError(f"column {name!r} must hold whole numbers of tokens, got {kind}")


def _labels(
    arrow: pa.Table, column: str, constant: str | None, role: str, errors: _Errors
) -> tuple[np.ndarray, list[str | None]]:
    """Integer codes per row and the distinct values (model names or tiers)."""
    import numpy as np
    import pyarrow as pa

    n = arrow.num_rows
    if constant is not None:
        return np.zeros(n, dtype=np.int64), [constant]
    if column not in arrow.column_names:
        raise ValueError(f"no {role} given: pass {role}= or add a {column!r} column")
    encoded = arrow.column(column).cast(pa.string()).combine_chunks().dictionary_encode()
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    nulls = encoded.indices.is_null().to_numpy(zero_copy_only=False)
    errors.mark(nulls, f"{role} is missing")
    codes = np.where(nulls, 0, codes).astype(np.int64)
    return codes, list(encoded.dictionary.to_pylist()) or [None]


def _days(arrow: pa.Table, column: str, at: Any, n: int, errors: _Errors) -> np.ndarray:
    """Days since 1970-01-01 (UTC) of the price date of each row."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if at is not None or column not in arrow.column_names:
        return np.full(n, (as_date(at) - _EPOCH).days, dtype=np.int64)
    col = arrow.column(column)
    nulls = col.is_null().to_numpy(zero_copy_only=False)
    errors.mark(nulls, f"{column} is missing")
    if pa.types.is_timestamp(col.type):
        # The stored values count units since the epoch in UTC (naive ones: wall time taken as UTC);
        # floor them to days in integers, so fractions of a second need no lossy cast.
        per_day = 86_400 * _PER_SECOND[col.type.unit]
        return pc.fill_null(col.cast(pa.int64()), 0).to_numpy() // per_day  # type: ignore[no-any-return]
    if pa.types.is_date(col.type):
        return pc.fill_null(col.cast(pa.date32()).cast(pa.int32()), 0).to_numpy().astype(np.int64)  # type: ignore[no-any-return]
    if pa.types.is_integer(col.type):  # Unix seconds, as the APIs' "created"
        return pc.fill_null(col, 0).to_numpy().astype(np.int64) // 86_400  # type: ignore[no-any-return]
    raise TypeError(f"column {column!r} must hold timestamps, dates or Unix seconds, got {col.type}")


def cost_scale(catalog: Catalog | None = None, models: Iterable[str] | None = None) -> int:
    """Decimal places (of USD) that hold every cost of ``models`` exactly; by default of every
    model in ``catalog`` (the built-in one if not given).

    12 (pico-dollars) for the built-in catalog, whose rates have at most six decimal places per
    1M tokens; more when a rate has more places (a discount of ``"0.3333"``, say). Pass it as
    ``price_table(..., scale=...)`` to give tables priced in pieces one decimal type. An unknown
    name in ``models`` raises :class:`~costcalc.errors.UnknownModelError`.

    >>> cost_scale()
    12
    """
    cat = catalog_or_default(catalog)
    if models is None:
        return _scale_for(cat.resolve(m.id, m.provider) for m in cat.list_models())
    return _scale_for(cat.resolve(name) for name in models)


def _checked_scale(scale: object, needed: int) -> int:
    if scale is None:
        return needed
    if isinstance(scale, bool) or not isinstance(scale, int) or not 0 <= scale <= _MAX_SCALE:
        raise InvalidInputError(f"a whole number of decimal places from 0 to {_MAX_SCALE}", field="scale")
    if scale < needed:
        raise InvalidInputError(
            f"{needed} decimal places are needed to hold these models' costs exactly, got {scale} "
            "(see costcalc.tables.cost_scale)",
            field="scale",
        )
    return scale


def _known(cat: Catalog, names: Iterable[str | None]) -> list[ResolvedModel]:
    """The models ``names`` resolve to; names that do not resolve are left to the row errors."""
    found = []
    for name in names:
        if name is None:
            continue
        try:
            found.append(cat.resolve(name))
        except LookupError:  # unknown or ambiguous: those rows get a cost_error
            continue
    return found


def _scale_for(models: Iterable[ResolvedModel]) -> int:
    """Decimal places (of USD) that hold every cost exactly: 12 unless a token rate needs more."""
    places = 6
    for fast in models:
        for _since, tiers in fast.periods:
            for _threshold, base, _pt, long, _lpt in tiers.values():
                for rates in (base, long):
                    for field in _TOKEN_RATES:
                        value = getattr(rates, field)
                        if value is None:
                            continue
                        exponent = EXACT.normalize(value).as_tuple().exponent
                        places = max(places, -exponent if isinstance(exponent, int) else 0)
    return places + 6


#: The token rates a table prices (cache writes of every retention; the rest are not columns yet).
_TOKEN_RATES: Final = ("input", "cached_input", "cache_write", "cache_write_1h", "output")


def _units(rates: Rates, scale: int) -> tuple[int | None, int | None, int | None, int | None, int | None]:
    """Rates per token in units of 10**-scale USD (exact integers); ``None`` where there is no rate."""

    def unit(value: Decimal | None) -> int | None:
        if value is None:
            return None
        scaled = EXACT.scaleb(value, scale - 6)
        if scaled != scaled.to_integral_value():  # _scale_for chose the scale to make this whole
            raise ArithmeticError(f"rate {value} is not a whole number of 10**-{scale} USD per token")
        return int(scaled)

    return (
        unit(rates.input),
        unit(rates.cached_input),
        unit(rates.cache_write),
        unit(rates.cache_write_1h),
        unit(rates.output),
    )


def _decimal(units: np.ndarray, valid: np.ndarray, scale: int) -> pa.Array:
    """An exact decimal128(38, scale) array whose unscaled values are ``units``."""
    import numpy as np
    import pyarrow as pa

    n = len(units)
    kind = pa.decimal128(38, scale)
    if units.dtype == object:  # past int64: exact, slower
        return pa.array(
            [
                EXACT.scaleb(Decimal(int(u)), -scale) if ok else None
                for u, ok in zip(units, valid, strict=True)
            ],
            type=kind,
        )
    words = np.empty(2 * n, dtype="<i8")
    words[0::2] = np.where(valid, units, 0)
    words[1::2] = np.where(units < 0, -1, 0)
    validity = pa.array(valid, type=pa.bool_()).buffers()[1]
    nulls = int(n - np.count_nonzero(valid))
    return pa.Array.from_buffers(
        kind, n, [validity if nulls else None, pa.py_buffer(words)], null_count=nulls
    )
