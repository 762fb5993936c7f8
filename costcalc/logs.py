"""Price logs of responses, exactly, at close to the speed of parsing them: :func:`price_log`.

A log is JSON Lines of what :func:`costcalc.price_response` accepts (one response per line, of
any provider), or an iterable of lines, dicts or SDK objects. Each response is priced as
``price_response`` prices it: at the tier and on the day it carries (``at=`` overrides the day).

Speed. A line of a file is first decoded straight from its bytes by the line readers
(:func:`costcalc.providers.line_reader`: msgspec schemas of a plain response of each base shape,
OpenAI Chat Completions and Responses, Anthropic Messages, Gemini generateContent, whose usage
holds only text tokens, cache reads and writes and reasoning). Every key of such a response and of
its usage block is declared, so anything else (another field, a vendor's mark, a value of another
type) sends the line to the full path; the text of the answer is skipped, never built. A line
read so is exactly what its provider's ``fast_read`` gives for the parsed line (tested line by
line), and parsed responses (an iterable of dicts or SDK objects) are read by ``fast_read``. Such
a row is filed with the group of rates it is priced at, resolved once per (model, tier, day); the
first response of each (shape, model, tier) is read and priced by the full reader too, and that
key is priced that way for good when the two disagree. Rows are priced a block at a time
(:meth:`Ledger.settle`), exactly, in integers (units of 10**-28 USD). Every other line is parsed
with orjson and takes the full path.

Rows are kept in buffers (a row's integers side by side, ids, costs), not as one object per
response, and exported with :meth:`LogCost.to_arrow` (``pip install "costcalc[tables]"``); with
``parquet=`` they are written to a Parquet file in record batches as the log is read and not
kept, so memory stays flat however long the log is.
"""

from __future__ import annotations

import datetime as dt
import os
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final

from pydantic import BaseModel, ConfigDict, PrivateAttr

from costcalc._money import EXACT, ZERO, tidy
from costcalc.catalog import Catalog, ResolvedModel, as_date, catalog_or_default
from costcalc.errors import InvalidInputError, NoPriceError
from costcalc.lines import (
    BatchFileError,
    LineError,
    Source,
    advancing,
    loads,
    reason,
    record,
    records,
    size_of,
)
from costcalc.pricing import Rates
from costcalc.providers import fast_read, line_reader, read
from costcalc.providers.base import FastReading, Reading
from costcalc.responses import price_reading, response_shape

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from costcalc.providers.line_schema import LineReading

__all__ = ["COLUMNS", "SCALE", "Ledger", "LineUnpriced", "LogCost", "price_log"]

#: Decimal places of the cost column (``decimal128(38, SCALE)``) and of the integer sums: a
#: catalog rate per 1M tokens has at most 18, a token 6 more, a surcharge factor a few more.
SCALE: Final = 28
#: The columns of :meth:`LogCost.to_arrow`.
COLUMNS: Final = (
    "line",
    "id",
    "model",
    "provider",
    "tier",
    "day",
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
    "cost",
)
_EPOCH: Final = dt.date(1970, 1, 1)
_LOW_BITS: Final = 2**64 - 1
# Rows per Parquet row group when streaming, and the writer's options: small batches and
# dictionaries only for the label columns keep the writer's buffers (and so memory) small.
_BATCH_ROWS: Final = 16_384
_WRITER_OPTIONS: Final[dict[str, Any]] = {"use_dictionary": ["model", "provider", "tier"]}
_TABLES_HINT: Final = 'needs pyarrow: pip install "costcalc[tables]"'


class LineUnpriced(BaseModel):
    """A quantity on one line that could not be priced (``strict=False``): the rest of the line
    is priced, this is not."""

    model_config = ConfigDict(frozen=True)

    line: int
    field: str
    quantity: int | Decimal
    reason: str


def _ident(data: Mapping[str, Any]) -> str | None:
    """A response's id: ``id``, else Gemini's ``responseId``; None when neither is a string."""
    for key in ("id", "responseId"):
        ident = data.get(key)
        if type(ident) is str:
            return ident
    return None


def _numpy() -> Any:
    try:
        import numpy as np
    except ImportError as exc:
        raise ImportError(f"Arrow output {_TABLES_HINT}") from exc
    return np


def _pyarrow() -> Any:
    try:
        import pyarrow as pa
    except ImportError as exc:
        raise ImportError(f"Arrow output {_TABLES_HINT}") from exc
    return pa


class _Columns:
    """Rows in buffers: the integers of each row side by side in one array (line, label, input,
    cached input, cache write, output and reasoning tokens, group), the ids, and the costs of the
    rows priced so far (integers in units of 10**-scale USD). A label indexes ``labels``, the
    (model, provider, tier, day) the rows share; a group is the rates a fast-path row is priced
    at when its block is settled (:meth:`Ledger.settle`), -1 for a row priced by the full path,
    whose cost waits in ``given`` until then. Appending two things a row is cheaper than twelve,
    and pricing a block of rows at once is cheaper than one at a time. Blocks of priced rows kept
    are moved to Arrow tables (``blocks``, with the scale of their costs) when pyarrow is there:
    no Python object a row."""

    __slots__ = ("blocks", "costs", "given", "ids", "ints", "labels", "scale", "settled")

    #: Integers a row holds in ``ints``.
    WIDTH: ClassVar = 8

    def __init__(self, labels: list[tuple[str, str, str, int]], scale: int) -> None:
        self.blocks: list[tuple[pa.Table, int]] = []
        self.scale = scale
        self.ints = array("q")
        self.ids: list[str | None] = []
        self.costs: list[int] = []
        self.given: list[int] = []
        self.settled = 0
        self.labels = labels

    def __len__(self) -> int:
        return int(sum(table.num_rows for table, _ in self.blocks)) + len(self.ids)

    def clear(self) -> None:
        """Drop every row (in place: a pricing loop holds the buffers' methods)."""
        self.blocks.clear()
        self._clear_buffers()

    def _clear_buffers(self) -> None:
        del self.ints[:]
        self.ids.clear()
        self.costs.clear()
        self.given.clear()
        self.settled = 0

    def seal(self) -> None:
        """Move the rows held, all priced, to an Arrow block (when pyarrow and numpy are there)."""
        if not self.ids or self.settled != len(self.ids):
            return
        try:
            block = self._buffers(self.scale)
        except ImportError:  # rows stay in the buffers: to_arrow() says what to install
            return
        self.blocks.append((block, self.scale))
        self._clear_buffers()

    def rows(self) -> Iterator[tuple[int, str | None, str, str, str, int, int, int, int, int, int, int]]:
        """Every row in :data:`COLUMNS` order (the day as days since 1970-01-01, the cost in units
        of 10**-scale)."""
        for block, scale in self.blocks:
            yield from _block_rows(block, 10 ** (self.scale - scale))
        ints = self.ints
        labels = self.labels
        width = self.WIDTH
        for i, (ident, cost) in enumerate(zip(self.ids, self.costs, strict=True)):
            line, label, inp, cached, write, out, reasoning, _ = ints[i * width : i * width + width]
            model, provider, tier, day = labels[label]
            yield line, ident, model, provider, tier, day, inp, cached, write, out, reasoning, cost

    def __eq__(self, other: object) -> bool:
        # Results holding equal rows are equal (a result compares its private attributes too).
        if not isinstance(other, _Columns):
            return NotImplemented
        return list(self.rows()) == list(other.rows())

    __hash__ = None  # type: ignore[assignment]  # mutable buffers

    def table(self, scale: int) -> pa.Table:
        """Every row as an Arrow table, costs as ``decimal128(38, scale)``."""
        pa = _pyarrow()
        cost = pa.decimal128(38, scale)
        parts = [
            block if old == scale else block.set_column(11, "cost", block.column(11).cast(cost))
            for block, old in self.blocks
        ]
        if self.ids or not parts:
            parts.append(self._buffers(scale))
        return parts[0] if len(parts) == 1 else pa.concat_tables(parts)

    def _buffers(self, scale: int) -> pa.Table:
        # Every column is built from buffers: pyarrow's conversion of Python objects imports
        # pandas (a quarter of a second and 50 MB the first time), which the rows do not need.
        pa = _pyarrow()
        np = _numpy()

        n = len(self.ids)
        ints = np.frombuffer(self.ints, dtype=np.int64).reshape(n, self.WIDTH)

        def column(k: int) -> Any:
            return pa.Array.from_buffers(
                pa.int64(),
                n,
                [None, pa.py_buffer(ints[:, k].copy())],  # a copy: the buffers are reused
            )

        labels = column(1)

        def label(k: int) -> Any:
            return _strings([str(entry[k]) for entry in self.labels]).take(labels)

        days = np.array([entry[3] for entry in self.labels], dtype=np.int32)
        # 128-bit two's complement, little-endian: the low and the high 64 bits of each cost.
        low = np.array([cost & _LOW_BITS for cost in self.costs], dtype=np.uint64).view(np.int64)
        high = np.array([cost >> 64 for cost in self.costs], dtype=np.int64)
        decimals = np.stack([low, high], axis=1) if n else np.zeros((0, 2), dtype=np.int64)
        return pa.table(
            {
                "line": column(0),
                "id": _strings(self.ids),
                "model": label(0),
                "provider": label(1),
                "tier": label(2),
                "day": pa.Array.from_buffers(pa.int32(), len(days), [None, pa.py_buffer(days)])
                .take(labels)
                .view(pa.date32()),
                "input_tokens": column(2),
                "cached_input_tokens": column(3),
                "cache_write_tokens": column(4),
                "output_tokens": column(5),
                "reasoning_tokens": column(6),
                "cost": pa.Array.from_buffers(pa.decimal128(38, scale), n, [None, pa.py_buffer(decimals)]),
            }
        )


def _block_rows(
    block: pa.Table, factor: int
) -> Iterator[tuple[int, str | None, str, str, str, int, int, int, int, int, int, int]]:
    # The rows of an Arrow block as _Columns.rows() gives them, costs multiplied by ``factor``.
    np = _numpy()

    pa = _pyarrow()
    columns = [block.column(name).combine_chunks() for name in COLUMNS]
    columns[5] = columns[5].cast(pa.int32())
    values = [column.to_pylist() for column in columns[:11]]
    cost = columns[11]
    raw = np.frombuffer(cost.buffers()[1], dtype=np.int64, count=2 * len(cost), offset=16 * cost.offset)
    for i, (low, high) in enumerate(raw.reshape(-1, 2).tolist()):
        units = (high << 64) + (low & _LOW_BITS)
        yield (*(value[i] for value in values), units * factor)


def _strings(values: list[str | None]) -> Any:
    """A pyarrow string array of ``values`` (None is null), built from its buffers."""
    pa = _pyarrow()
    np = _numpy()
    n = len(values)
    nulls = values.count(None)
    texts: list[str] = [value or "" for value in values] if nulls else values  # type: ignore[assignment]
    joined = "".join(texts)
    if joined.isascii():  # ids and names: one byte a character
        data = joined.encode("ascii")
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    else:
        encoded = [text.encode() for text in texts]
        data = b"".join(encoded)
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=n)
    large = len(data) >= 2**31
    offsets = np.zeros(n + 1, dtype=np.int64 if large else np.int32)
    np.cumsum(lengths, out=offsets[1:])
    validity = None
    if nulls:
        present = np.fromiter((value is not None for value in values), dtype=bool, count=n)
        validity = pa.py_buffer(np.packbits(present, bitorder="little"))
    kind = pa.large_string() if large else pa.string()
    buffers = [validity, pa.py_buffer(offsets), pa.py_buffer(data)]
    return pa.Array.from_buffers(kind, n, buffers, null_count=nulls).cast(pa.string())


# An entry per (shape, model name, tier, day) of the fast path: the resolved model, its provider,
# the tier, the long-context threshold, the groups of its base and long rates (-1 when a rate is
# not a whole number of units: such responses take the full path) and its rows' label (see
# _Columns). A group's rates are per token in units of 10**-scale (input, cached input, cache
# write, output; 0 when the catalog has none), with a mask of the missing ones (bit 0 input ...
# bit 3 output): a response with tokens of a missing kind takes the full path, which refuses or
# lists them; and the sums [requests, cost units, input tokens, output tokens] it adds to.
_Rates = tuple[int, ...]
# Per group of rates: its rates in units, how many times 10 divides them all, its sums.
_Groups = tuple[list[_Rates], list[int], list[list[int]]]
_Entry = tuple[str, str, str, int, int, int, int]


class Ledger:
    """The engine of :func:`price_log`: prices one response at a time into column buffers and
    exact integer sums per (model, provider, tier, day). Errors of a line are raised before
    anything of it is recorded."""

    def __init__(
        self,
        catalog: Catalog,
        *,
        model: str | None = None,
        provider: str | None = None,
        shape: str | None = None,
        at: dt.date | dt.datetime | str | None = None,
        strict: bool = True,
        keep_rows: bool = True,
        parquet: str | os.PathLike[str] | None = None,
        compact: bool = True,
    ) -> None:
        self.catalog = catalog
        self.model = model
        self.provider = provider
        self.shape = shape
        self.at = at
        self.at_day = None if at is None else (as_date(at) - _EPOCH).days
        self.today = (dt.datetime.now(dt.UTC).date() - _EPOCH).days
        self.strict = strict
        self.keep = keep_rows or parquet is not None
        #: Rows kept are moved to Arrow blocks as they are priced (a caller that reads every row
        #: back as Python objects, like price_batch_output, keeps them in the buffers).
        self.compact = compact
        #: The (model, provider, tier, day) of the rows, and where each is in that list.
        self.labels: list[tuple[str, str, str, int]] = []
        self.label_of: dict[tuple[str, str, str, int], int] = {}
        self.rows = _Columns(self.labels, SCALE)
        self.entries: dict[tuple[str, str | None, str | None, int], _Entry | None] = {}
        #: The (shape, model name, tier) keys whose first response the full reader read as the
        #: fast reader did, with their model: another day of theirs needs only its rates.
        self.verified: dict[tuple[str, str | None, str | None], ResolvedModel] = {}
        self.sums: dict[tuple[str, str, str, int], list[int]] = {}
        #: Per group: its rates, the mask of its missing rates and the sums it adds to.
        self.group_rates: list[_Rates] = []
        self.group_gaps: list[int] = []
        self.group_sums: list[list[int]] = []
        #: Per group: how many times 10 divides all its rates (the block arithmetic divides them).
        self.group_tens: list[int] = []
        #: Catalog rates in units (by the id of the rates object, kept alive in the value).
        self.units_of: dict[int, tuple[Rates, tuple[int, int, int, int, int] | None]] = {}
        self.unpriced: list[LineUnpriced] = []
        self.parquet = parquet
        self.writer: pq.ParquetWriter | None = None
        if parquet is not None:
            _pyarrow()

    @property
    def scale(self) -> int:
        """Decimal places of the costs held (:data:`SCALE`, more when a cost needs them)."""
        return self.rows.scale

    # -- one response ---------------------------------------------------------------------------

    def add(self, number: int, data: Mapping[str, Any]) -> None:
        """Price the response on line ``number`` by the full reader (a first response of its key
        sets the key's rates, see :meth:`add_reading`); its errors are raised, nothing recorded."""
        self.add_full(number, data, _ident(data), fast_read(data) if self.shape is None else None)

    def add_full(
        self, number: int, data: Mapping[str, Any], ident: str | None, fast: FastReading | None
    ) -> None:
        """:meth:`add` for a response whose id and fast reading (None: none) are known already."""
        cat = self.catalog
        named = data.get("model")
        hint = None if isinstance(named, str) and named else self.model
        shape = self.shape or response_shape(data, model=hint, provider=self.provider, catalog=cat)
        self.add_reading(number, read(data, shape), ident, fast)

    def price_all(
        self,
        items: Iterable[tuple[int, Any]],
        read: Callable[[Any], LineReading | None],
        fallback: Callable[[int, Any, LineReading | None], None],
        errors: list[LineError],
        error_id: Callable[[], str | None] = lambda: None,
        *,
        last: bool = True,
    ) -> None:
        """Price every (number, item): ``read`` gives the id and the fast reading of a plain
        response (None for any other), which is priced here in integers from the rates of its
        (shape, model, tier, day); any other item, the first of its key, and tokens of a kind the
        model has no rate for go to ``fallback`` (with what ``read`` gave), which reads it in
        full (:meth:`add_reading`).
        An error of an item is added to ``errors`` with its number (and ``error_id()``); a
        :class:`BatchFileError` (a file of another kind) ends the job. ``last=False``: more items
        follow (a fallback pricing one item), the rows held are priced later."""
        entries = self.entries
        at_day = self.at_day
        today = self.today
        gaps_of = self.group_gaps
        rows = self.rows
        extend, add_id, held = rows.ints.extend, rows.ids.append, rows.ids
        limit = rows.settled + _BATCH_ROWS
        for number, item in items:
            if len(held) >= limit:  # a block's worth of rows: price them
                self.settle()
                limit = rows.settled + _BATCH_ROWS
            try:
                found = read(item)
                if found is not None:
                    ident, (shape, name, tier, day, inp, cached, write, out, reasoning) = found
                    if at_day is not None:
                        day = at_day
                    elif day is None:
                        day = today
                    entry = entries.get((shape, name, tier, day))
                    if entry is None:
                        entry = self._derive(shape, name, tier, day)
                    if entry is not None:
                        group = entry[5] if inp > entry[3] else entry[4]
                        if group >= 0:
                            gaps = gaps_of[group]
                            if not gaps or not (
                                (gaps & 1 and inp - cached - write)
                                or (gaps & 2 and cached)
                                or (gaps & 4 and write)
                                or (gaps & 8 and out)
                            ):
                                extend((number, entry[6], inp, cached, write, out, reasoning, group))
                                add_id(ident)
                                continue
                fallback(number, item, found)
            except BatchFileError:
                raise
            except Exception as exc:  # every error of a line is that line's, never the file's
                errors.append(LineError(line=number, custom_id=error_id(), reason=reason(exc)))
        if last:
            self.settle()

    def settle(self) -> None:
        """Price the rows of the fast path held since the last call, all at once (in integers,
        exactly; with numpy when it is there), and add them to the sums; then write the rows to
        the Parquet file (``parquet=``), or drop them (``keep_rows=False``)."""
        rows = self.rows
        start, end = rows.settled, len(rows.ids)
        if end > start:
            rows.costs += block_costs(
                rows.ints, start, end, rows.given, (self.group_rates, self.group_tens, self.group_sums)
            )
            rows.given.clear()
            rows.settled = end
        if self.parquet is not None:
            self.flush()
        elif not self.keep:
            rows.clear()
        elif self.compact:
            rows.seal()

    def add_lines(self, lines: Iterable[bytes], errors: list[LineError]) -> None:
        """Price every line of a binary file (numbered from 1): plain responses are read by the
        line readers (:func:`costcalc.providers.line_reader`, which give what :func:`fast_read`
        gives for the parsed line), every other line is parsed and read in full."""
        parse = loads()

        def fallback(number: int, raw: bytes, found: LineReading | None) -> None:
            data = record(number, raw, parse, errors)
            if data is None:
                return
            if found is None:  # the line reader's schemas are stricter than fast_read
                self.add(number, data)
            else:  # what a line reader reads is what fast_read reads (tested)
                self.add_full(number, data, *found)

        self.price_all(enumerate(lines, start=1), line_reader(), fallback, errors)

    def add_records(self, records: Iterable[tuple[int, Mapping[str, Any]]], errors: list[LineError]) -> None:
        """Price parsed responses, numbered: plain ones read by :func:`fast_read`."""

        def read(data: Mapping[str, Any]) -> LineReading | None:
            fast = fast_read(data) if self.shape is None else None
            return None if fast is None else (_ident(data), fast)

        def fallback(number: int, data: Mapping[str, Any], found: LineReading | None) -> None:
            if found is None:  # fast_read read nothing
                self.add_full(number, data, _ident(data), None)
            else:
                self.add_full(number, data, *found)

        self.price_all(records, read, fallback, errors)

    def add_reading(
        self, number: int, reading: Reading, ident: str | None, fast: FastReading | None = None
    ) -> None:
        """Price a response as :func:`costcalc.price_response` does and record it; ``fast`` is
        what the fast reader read of it, if anything: the first response of a key sets how the
        others of that key are priced."""
        cat = self.catalog
        name = reading.model or self.model
        cost = price_reading(
            reading,
            model=None if reading.model else self.model,
            at=self.at,
            provider=self.provider,
            strict=self.strict,
            catalog=cat,
        )
        seller = self.provider if self.provider is not None else reading.provider
        resolved = cat.resolve(name or "", seller)
        when = self.at if self.at is not None else reading.at
        day = (as_date(when) - _EPOCH).days
        units = self._units(cost.total)
        if fast is not None:
            key = (fast[0], fast[1], fast[2], day if fast[3] is None or self.at_day is not None else fast[3])
            if key not in self.entries:
                self.entries[key] = self._entry(fast, reading, day) if day == key[3] else None
        usage = reading.usage
        tier = cost.tier or "standard"
        model_id = resolved.model.id
        sums = self.sums.setdefault((model_id, resolved.model.provider, tier, day), [0, 0, 0, 0])
        sums[0] += 1
        sums[1] += units
        sums[2] += usage.input_tokens
        sums[3] += usage.output_tokens
        for item in cost.unpriced:
            self.unpriced.append(
                LineUnpriced(line=number, field=item.field, quantity=item.quantity, reason=item.reason)
            )
        if self.keep:
            self._row(
                number,
                ident,
                model_id,
                resolved.model.provider,
                tier,
                day,
                usage.input_tokens,
                usage.cached_input_tokens,
                usage.cache_write_tokens + usage.cache_write_1h_tokens + usage.cache_write_12h_tokens,
                usage.output_tokens,
                usage.reasoning_tokens,
                units,
            )

    def _entry(self, fast: FastReading, reading: Reading, day: int) -> _Entry | None:
        """The fast path's prices for a key, when the full reader reads its first response as
        the fast reader did (a check of the fast reader), else None: that key takes the full path."""
        shape, name, tier, _, inp, cached, write, out, reasoning = fast
        usage = reading.usage
        if (
            reading.shape != shape
            or reading.model != name
            or reading.tier != tier
            or reading.provider is not None
            or reading.unpriced
            or reading.parts
            or reading.alternatives
            or reading.surcharges
            or not usage.simple
            or (usage.input_tokens, usage.cached_input_tokens, usage.cache_write_tokens)
            != (inp, cached, write)
            or (usage.output_tokens, usage.reasoning_tokens) != (out, reasoning)
        ):
            return None
        resolved = self.catalog.resolve(name or self.model or "", self.provider)
        self.verified[shape, name, tier] = resolved
        return self._entry_at(resolved, tier, day)

    def _derive(self, shape: str, name: str | None, tier: str | None, day: int) -> _Entry | None:
        """The entry of a new day of a (shape, model, tier) whose reading was checked on another
        day: the rates in force that day (nothing but the rates depends on the day). None when
        the key is unchecked, or the model has no rate for it (the full path says why)."""
        key = (shape, name, tier, day)
        resolved = self.verified.get(key[:3])
        if resolved is None or key in self.entries:
            return None
        entry = self.entries[key] = self._entry_at(resolved, tier, day)
        return entry

    def _entry_at(self, resolved: ResolvedModel, tier: str | None, day: int) -> _Entry | None:
        chosen = tier or "standard"
        try:
            found = resolved.tiers_at(_EPOCH + dt.timedelta(days=day)).get(chosen)
        except NoPriceError:  # a day before its first price
            return None
        if found is None:
            return None
        above, base, _pt, long, _lpt = found
        sums = self.sums.setdefault((resolved.model.id, resolved.model.provider, chosen, day), [0, 0, 0, 0])
        return (
            resolved.model.id,
            resolved.model.provider,
            chosen,
            above,
            self._group(base, sums),
            self._group(long, sums),
            self._label(resolved.model.id, resolved.model.provider, chosen, day),
        )

    def _label(self, model: str, provider: str, tier: str, day: int) -> int:
        """The index in ``labels`` of a row's (model, provider, tier, day)."""
        key = (model, provider, tier, day)
        found = self.label_of.get(key)
        if found is None:
            found = self.label_of[key] = len(self.labels)
            self.labels.append(key)
        return found

    def _group(self, rates: Rates, sums: list[int]) -> int:
        """A new group of ``rates`` adding to ``sums``; -1 when a rate is not a whole number of
        units (the full path prices those responses)."""
        cached = self.units_of.get(id(rates))
        if cached is None:  # the same rates are in force over many days: convert them once
            cached = self.units_of[id(rates)] = (rates, self._rates(rates))
        found = cached[1]
        if found is None:
            return -1
        self.group_rates.append(found[:4])
        self.group_gaps.append(found[4])
        self.group_tens.append(min((_tens(rate) for rate in found[:4] if rate), default=_NO_TENS))
        self.group_sums.append(sums)
        return len(self.group_rates) - 1

    def _rates(self, rates: Rates) -> tuple[int, int, int, int, int] | None:
        out = []
        gaps = 0
        for bit, rate in enumerate((rates.input, rates.cached_input, rates.cache_write, rates.output)):
            if rate is None:
                gaps |= 1 << bit
                out.append(0)
                continue
            units = EXACT.scaleb(rate, self.scale - 6)
            if units != units.to_integral_value():
                return None
            out.append(int(units))
        return out[0], out[1], out[2], out[3], gaps

    def _units(self, amount: Decimal) -> int:
        """``amount`` in units of 10**-scale (the scale grows when an amount needs it)."""
        exponent = amount.as_tuple().exponent
        assert isinstance(exponent, int)  # a cost is finite
        if -exponent > self.scale:
            self._rescale(-exponent)
        return int(EXACT.scaleb(amount, self.scale))

    def _rescale(self, scale: int) -> None:
        if self.writer is not None:
            raise InvalidInputError(
                f"a cost needs {scale} decimal places, more than the {self.scale} of the Parquet "
                "file being written; price this log without parquet= (then write_parquet)",
                field="parquet",
            )
        self.settle()  # the rows held are priced at the old scale
        old = self.scale
        factor = 10 ** (scale - old)
        self.rows.scale = scale
        self.rows.costs[:] = [c * factor for c in self.rows.costs]
        for sums in self.sums.values():
            sums[1] *= factor
        self.group_rates[:] = [tuple(rate * factor for rate in rates) for rates in self.group_rates]
        self.group_tens[:] = [tens if tens == _NO_TENS else tens + scale - old for tens in self.group_tens]
        self.units_of.clear()

    def _row(
        self,
        number: int,
        ident: str | None,
        model: str,
        provider: str,
        tier: str,
        day: int,
        inp: int,
        cached: int,
        write: int,
        out: int,
        reasoning: int,
        cost: int,
    ) -> None:
        rows = self.rows
        rows.ints.extend(
            (number, self._label(model, provider, tier, day), inp, cached, write, out, reasoning, -1)
        )
        rows.ids.append(ident)
        rows.given.append(cost)

    # -- output ---------------------------------------------------------------------------------

    def flush(self) -> None:
        """Write the rows held (priced) to the Parquet file (opened on first use) and drop them."""
        if self.parquet is None or (not len(self.rows) and self.writer is not None):
            return
        table = self.rows.table(self.scale)
        if self.writer is None:
            import pyarrow.parquet as pq

            self.writer = pq.ParquetWriter(str(Path(self.parquet)), table.schema, **_WRITER_OPTIONS)
        self.writer.write_table(table)
        self.rows.clear()
        del table
        _pyarrow().default_memory_pool().release_unused()  # keep memory flat between batches

    def close(self) -> None:
        """Price the rows held; finish the Parquet file, if one is written."""
        self.settle()
        if self.writer is not None:
            self.writer.close()

    def money(self, units: int) -> Decimal:
        """``units`` of 10**-scale USD as an exact, tidy Decimal."""
        return tidy(EXACT.scaleb(Decimal(units), -self.scale)) if units else ZERO


# -- pricing a block of rows at once -------------------------------------------------------------------

# Bounds under which int64 and float64 arithmetic on a block is exact.
_INT64: Final = 2**62
# The tens of a group whose rates are all zero (any power of ten divides them).
_NO_TENS: Final = 10**6
_FLOAT64: Final = 2**53


def block_costs(
    ints: array[int],
    start: int,
    end: int,
    given: list[int],
    groups: _Groups,
) -> list[int]:
    """The costs (in units) of rows ``start`` to ``end`` of ``ints`` (``_Columns.WIDTH`` integers a
    row: line, label, input, cached input, cache write, output, reasoning, group), in order: a row
    of group -1 takes the next of ``given``, the others are priced at their group's rates and
    added to its sums [requests, cost, input, output] (``groups``: rates, tens, sums). Exact:
    with numpy in int64 where the block's numbers are bounded so that nothing can overflow, else
    one row at a time."""
    rates, tens, sums = groups
    width = _Columns.WIDTH
    try:
        import numpy as np
    except ImportError:  # the core install: numpy comes with the tables extra
        return _costs_one_by_one(ints, start, end, given, rates, sums)
    block = np.frombuffer(ints, dtype=np.int64, count=(end - start) * width, offset=start * width * 8)
    block = block.reshape(-1, width)
    group = block[:, 7]
    fast = group >= 0
    if not fast.any():
        return list(given)
    g = group[fast]
    inp, cached, write, out = (block[fast, k] for k in (2, 3, 4, 5))
    tokens = (inp - cached - write, cached, write, out)
    present: list[int] = np.unique(g).tolist()
    held = set(present)
    # Rates divided by their common power of ten: small integers, the same costs.
    ten = min(tens[k] for k in present)
    ten = 0 if ten >= _NO_TENS else ten
    scale = 10**ten
    mantissas = [
        [rate // scale for rate in rates[k]] if k in held else [0, 0, 0, 0] for k in range(len(rates))
    ]
    highest = [int(t.max()) for t in tokens]
    bound = sum(highest[j] * max(mantissas[k][j] for k in present) for j in range(4))
    n = len(g)
    if bound >= _INT64 or n * max(*highest, int(inp.max())) >= _FLOAT64:
        return _costs_one_by_one(ints, start, end, given, rates, sums)
    table = np.array(mantissas, dtype=np.int64)
    units = sum(tokens[j] * table[g, j] for j in range(4))
    costs: list[int] = units.tolist()
    if scale != 1:
        costs = [cost * scale for cost in costs]
    count = len(rates)
    requests = np.bincount(g, minlength=count).tolist()
    # Per group token sums, exact in float64 (every partial sum is an integer below 2**53).
    totals = [np.bincount(g, weights=t, minlength=count).astype(np.int64).tolist() for t in (*tokens, inp)]
    for k in present:
        into = sums[k]
        into[0] += requests[k]
        into[1] += sum(rates[k][j] * totals[j][k] for j in range(4))
        into[2] += totals[4][k]
        into[3] += totals[3][k]
    if len(costs) == end - start:
        return costs
    fast_costs = iter(costs)
    given_costs = iter(given)
    return [next(fast_costs) if is_fast else next(given_costs) for is_fast in fast.tolist()]


def _tens(number: int) -> int:
    # How many times 10 divides a positive ``number``.
    count = 0
    while number % 10 == 0:
        number //= 10
        count += 1
    return count


def _costs_one_by_one(
    ints: array[int], start: int, end: int, given: list[int], rates: list[_Rates], sums: list[list[int]]
) -> list[int]:
    width = _Columns.WIDTH
    costs = []
    given_costs = iter(given)
    for i in range(start, end):
        _, _, inp, cached, write, out, _, group = ints[i * width : i * width + width]
        if group < 0:
            costs.append(next(given_costs))
            continue
        r = rates[group]
        cost = (inp - cached - write) * r[0] + cached * r[1] + write * r[2] + out * r[3]
        into = sums[group]
        into[0] += 1
        into[1] += cost
        into[2] += inp
        into[3] += out
        costs.append(cost)
    return costs


class LogCost(BaseModel):
    """What a log of responses cost: the total, the requests priced, exact sums by model, tier
    and day, every bad line and every unpriced quantity (``strict=False``); the rows with
    :meth:`to_arrow` (unless ``keep_rows=False`` or ``parquet=``)."""

    model_config = ConfigDict(frozen=True)

    COLUMNS: ClassVar = ("model", "requests", "input tokens", "output tokens", "cost")

    total: Decimal
    requests: int
    input_tokens: int
    output_tokens: int
    by_model: dict[str, Decimal]
    by_tier: dict[str, Decimal]
    by_day: dict[dt.date, Decimal]
    requests_by_model: dict[str, int]
    errors: list[LineError]
    unpriced: list[LineUnpriced]
    parquet: str | None = None

    _rows: Any = PrivateAttr(default=None)
    _scale: int = PrivateAttr(default=SCALE)
    _tokens: dict[str, tuple[int, int]] = PrivateAttr(default_factory=dict)

    def raise_for_errors(self) -> None:
        """Raise :class:`~costcalc.BatchFileError` listing every bad line, if there is any."""
        if self.errors:
            raise BatchFileError(list(self.errors))

    def _table(self) -> pa.Table:
        if self._rows is None:
            where = f"they were written to {self.parquet}" if self.parquet else "keep_rows=False"
            raise InvalidInputError(f"this result kept no rows ({where})", field="keep_rows")
        table: pa.Table = self._rows.table(self._scale)
        return table

    def to_arrow(self) -> pa.Table:
        """The rows as a pyarrow Table (:data:`COLUMNS`; ``cost`` is an exact ``decimal128``)."""
        return self._table()

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame (``cost`` as exact Decimal objects)."""
        return self._table().to_pandas()

    def to_polars(self) -> Any:
        """The rows as a Polars DataFrame (``cost`` as an exact Decimal column)."""
        try:
            import polars as pl
        except ImportError as exc:
            raise ImportError("to_polars() needs polars: pip install polars") from exc
        return pl.from_arrow(self._table())

    def write_parquet(self, path: str | os.PathLike[str]) -> None:
        """Write the rows to a Parquet file (``cost`` as exact ``decimal128``)."""
        import pyarrow.parquet as pq

        pq.write_table(self._table(), str(path))

    def summary(self, money: Callable[[Decimal | None], str] | None = None) -> list[list[str]]:
        """One row per model and a total, as text; ``money`` formats the amounts (exact by default)."""
        from costcalc._display import total_row, usd

        fmt = money or usd
        rows = []
        for name, amount in self.by_model.items():
            inp, out = self._tokens.get(name, (0, 0))
            rows.append([name, f"{self.requests_by_model[name]:,}", f"{inp:,}", f"{out:,}", fmt(amount)])
        rows.append(total_row(self.requests, self.input_tokens, self.output_tokens, fmt(self.total)))
        return rows

    def _repr_html_(self) -> str:
        from costcalc._display import table

        caption = (
            f"Log cost: {self.requests:,} responses priced, {len(self.errors)} bad lines, "
            f"{len(self.unpriced)} unpriced quantities"
        )
        out = table(self.summary(), self.COLUMNS, caption)
        if self.errors:
            shown = [[e.line, e.reason] for e in self.errors[:50]]
            out += table(
                shown, ["line", "reason"], "bad lines" + (" (first 50)" if len(self.errors) > 50 else "")
            )
        if self.unpriced:
            shown = [[u.line, u.field, u.reason] for u in self.unpriced[:50]]
            out += table(shown, ["line", "field", "reason"], "not priced")
        return out


def price_log(
    source: Source,
    *,
    shape: str | None = None,
    provider: str | None = None,
    model: str | None = None,
    at: dt.date | dt.datetime | str | None = None,
    catalog: Catalog | None = None,
    strict: bool = True,
    progress: bool | None = None,
    keep_rows: bool = True,
    parquet: str | os.PathLike[str] | None = None,
) -> LogCost:
    """The exact cost of a log of responses, one per line (see the module docstring).

    ``shape`` and ``provider`` are passed to the reader as :func:`costcalc.price_response` takes
    them; ``model`` prices responses that name none; ``at`` overrides each response's own
    creation time. A line that cannot be priced is listed in ``errors`` with its number and the
    reason, and the other lines are priced. With ``strict=True`` a billable quantity with no rate
    makes its line an error that names it; with ``strict=False`` the line is priced without it
    and the quantity is listed in ``unpriced``. ``keep_rows=False`` keeps the totals only;
    ``parquet=path`` streams the rows to a Parquet file and keeps none in memory.
    """
    cat = catalog_or_default(catalog)
    for value, what in ((model, "model"), (provider, "provider"), (shape, "shape")):
        if value is not None and not isinstance(value, str):
            raise InvalidInputError(f"expected a string, got {type(value).__name__}", field=what)
    if shape is not None:
        from costcalc.providers import module_for

        module_for(shape)  # an unknown shape is the call's error
    ledger = Ledger(
        cat,
        model=model,
        provider=provider,
        shape=shape,
        at=at,
        strict=strict,
        keep_rows=keep_rows,
        parquet=parquet,
    )
    errors: list[LineError] = []
    try:
        if isinstance(source, str | os.PathLike) and shape is None:
            from costcalc._display import progress_bar

            with progress_bar(progress, size_of(source), "pricing") as bar, open(source, "rb") as handle:
                ledger.add_lines(advancing(handle, bar.advance) if bar.shown else handle, errors)
        else:
            ledger.add_records(records(source, progress, "pricing", errors), errors)
    finally:
        ledger.close()
    errors.sort(key=lambda e: e.line)
    return _result(ledger, errors, keep_rows and parquet is None, parquet)


def _result(ledger: Ledger, errors: list[LineError], rows: bool, parquet: Any) -> LogCost:
    money = ledger.money
    by_model: dict[str, int] = {}
    by_tier: dict[str, int] = {}
    by_day: dict[int, int] = {}
    requests: dict[str, int] = {}
    tokens: dict[str, tuple[int, int]] = {}
    total = count = inp = out = 0
    for (model, _provider, tier, day), (n, units, i, o) in ledger.sums.items():
        if not n:
            continue
        by_model[model] = by_model.get(model, 0) + units
        by_tier[tier] = by_tier.get(tier, 0) + units
        by_day[day] = by_day.get(day, 0) + units
        requests[model] = requests.get(model, 0) + n
        ti, to = tokens.get(model, (0, 0))
        tokens[model] = (ti + i, to + o)
        total += units
        count += n
        inp += i
        out += o
    result = LogCost(
        total=money(total),
        requests=count,
        input_tokens=inp,
        output_tokens=out,
        by_model={m: money(by_model[m]) for m in sorted(by_model)},
        by_tier={t: money(by_tier[t]) for t in sorted(by_tier)},
        by_day={_EPOCH + dt.timedelta(days=d): money(by_day[d]) for d in sorted(by_day)},
        requests_by_model={m: requests[m] for m in sorted(requests)},
        errors=errors,
        unpriced=ledger.unpriced,
        parquet=None if parquet is None else str(parquet),
    )
    result._rows = ledger.rows if rows else None
    result._scale = ledger.scale
    result._tokens = tokens
    return result
