"""Whole batch jobs of every provider: estimate a request file before submitting it, price its
results after, and match the two.

The formats are each provider's (read by its module in :mod:`costcalc.providers`):

- OpenAI Batch: input lines ``{custom_id, method, url, body}``, output lines ``{custom_id,
  response, error}``;
- Anthropic Message Batches: requests ``{custom_id, params}``, results ``{custom_id, result}``
  (or the SDK's ``MessageBatchIndividualResponse`` objects);
- Gemini Batch: input lines ``{key, request}`` or inline requests, output lines ``{key,
  response}`` / ``{key, error}``, the SDK's ``InlinedResponse`` objects or bare responses. Its
  lines name no model (the job does): pass ``model=``. Inline requests and responses without a
  ``metadata.key`` are known by their position (``"#3"``).

The provider is detected per file: the first line that is any provider's batch line decides,
and every other line must be of the same format. A file that is no provider's batch file, or
the wrong kind (results given to :func:`estimate_batch`, requests to
:func:`price_batch_output`), raises :class:`BatchFileError`. Otherwise files are read in a
stream (a path, an open file, or an iterable of lines, dicts or SDK objects): memory holds one
line at a time plus, with ``keep_rows``, one small row per request. Every bad line is recorded
with its number and reason (a duplicate ``custom_id`` / ``key`` too) and every good line is kept;
``raise_on_error=True`` raises at the end.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr

from costcalc import providers
from costcalc._money import EXACT, ZERO, tidy
from costcalc.approximation import TokenProfile
from costcalc.catalog import Catalog, catalog_or_default
from costcalc.errors import InvalidInputError
from costcalc.estimation import estimate_count
from costcalc.lines import (
    BadLineError,
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
from costcalc.logs import Ledger
from costcalc.pricing import TIERS
from costcalc.providers.base import BatchFailure, FastReading, is_map, kind
from costcalc.reasoning import EFFORTS

if TYPE_CHECKING:
    from costcalc.providers.line_schema import LineReading

__all__ = [
    "BatchCost",
    "BatchEstimate",
    "BatchFileError",
    "LineError",
    "ModelTotals",
    "Reconciliation",
    "RequestActual",
    "RequestEstimate",
    "estimate_batch",
    "price_batch_output",
    "reconcile",
]

OutputTokens = int | Callable[[Mapping[str, Any]], int]

_FORMATS: Final = ", ".join(m.BATCH_FORMAT for m in providers.BASE)


class RequestEstimate(BaseModel):
    """One request of an input file: its prompt tokens and its cost range.

    ``input_tokens`` is the expected count; when ``tokens_exact`` is False it is an approximation
    and ``low``/``high``/``ceiling`` price the ends of the model family's ratio band."""

    model_config = ConfigDict(frozen=True)

    line: int
    custom_id: str
    model: str
    endpoint: str
    input_tokens: int
    visible_output_tokens: int
    output_cap: int | None
    effort: str | None
    low: Decimal
    expected: Decimal
    high: Decimal
    ceiling: Decimal | None
    tokens_exact: bool = True


class ModelTotals(BaseModel):
    """Sums over the requests (or responses) of one model."""

    model_config = ConfigDict(frozen=True)

    model: str
    requests: int
    input_tokens: int
    output_tokens: int
    low: Decimal
    expected: Decimal
    high: Decimal
    ceiling: Decimal | None


class _Exports:
    """Row exports shared by the batch results (each has ``rows``)."""

    rows: list[Any]

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per row (Decimals kept exact)."""
        return [row.model_dump() for row in self.rows]

    def to_pandas(self) -> Any:
        """A pandas DataFrame of the rows (``pip install "costcalc[notebook]"``)."""
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError('to_pandas() needs pandas: pip install "costcalc[notebook]"') from exc
        return pd.DataFrame.from_records(self.to_records())


class _BadLines:
    """``raise_for_errors`` for results that keep bad lines in ``errors``."""

    errors: list[LineError]

    def raise_for_errors(self) -> None:
        """Raise :class:`BatchFileError` listing every bad line, if there is any."""
        if self.errors:
            raise BatchFileError(list(self.errors))


def _line_rows(lines: list[LineError], limit: int = 50) -> list[list[Any]]:
    return [[e.line, e.custom_id or "", e.reason] for e in lines[:limit]]


class _Totals:
    """Exact running sums; a ceiling stays known only while every request has one."""

    __slots__ = ("ceiling", "expected", "high", "input_tokens", "low", "output_tokens", "requests")

    def __init__(self) -> None:
        self.requests = 0
        self.input_tokens = 0
        self.output_tokens = 0
        self.low = self.expected = self.high = ZERO
        self.ceiling: Decimal | None = ZERO

    def add(
        self, inp: int, out: int, low: Decimal, exp: Decimal, high: Decimal, ceiling: Decimal | None
    ) -> None:
        add = EXACT.add
        self.requests += 1
        self.input_tokens += inp
        self.output_tokens += out
        self.low = add(self.low, low)
        self.expected = add(self.expected, exp)
        self.high = add(self.high, high)
        self.ceiling = None if ceiling is None or self.ceiling is None else add(self.ceiling, ceiling)

    def freeze(self, model: str) -> ModelTotals:
        return ModelTotals(
            model=model,
            requests=self.requests,
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            low=tidy(self.low),
            expected=tidy(self.expected),
            high=tidy(self.high),
            ceiling=None if self.ceiling is None else tidy(self.ceiling),
        )


class BatchEstimate(_Exports, _BadLines, BaseModel):
    """The estimate of a batch request file: totals, per model, per request, and the bad lines.

    ``low``/``expected``/``high`` sum the requests' ranges; ``ceiling`` sums their worst cases
    (the prompt plus the whole output cap), the most the file can cost. ``tokens_exact`` is False
    when some prompt was approximated (a model without a public tokenizer). ``file_format`` names
    the provider format detected.
    """

    model_config = ConfigDict(frozen=True)

    COLUMNS: ClassVar = ("model", "requests", "input tokens", "low", "expected", "high", "ceiling")

    tier: str
    requests: int
    input_tokens: int
    low: Decimal
    expected: Decimal
    high: Decimal
    ceiling: Decimal | None
    per_model: dict[str, ModelTotals]
    rows: list[RequestEstimate]
    errors: list[LineError]
    tokens_exact: bool
    file_format: str | None = None

    def summary(self, money: Callable[[Decimal | None], str] | None = None) -> list[list[str]]:
        """One row per model and a total, as text (the terminal and HTML tables show these);
        ``money`` formats the amounts (exact by default)."""
        from costcalc._display import usd

        fmt = money or usd

        def row(name: str, t: Any) -> list[str]:
            return [
                name,
                f"{t.requests:,}",
                f"{t.input_tokens:,}",
                fmt(t.low),
                fmt(t.expected),
                fmt(t.high),
                fmt(t.ceiling),
            ]

        return [*(row(t.model, t) for t in self.per_model.values()), row("total", self)]

    def plot(self, ax: Any = None) -> Any:
        """A histogram of the expected cost per request, with the low-high span (matplotlib)."""
        from costcalc._display import plot_costs

        return plot_costs(
            [r.expected for r in self.rows],
            [r.high for r in self.rows],
            ax=ax,
            title=f"Estimated cost per request ({self.requests:,} requests, {self.tier})",
        )

    def _repr_html_(self) -> str:
        from costcalc._display import table

        note = "" if self.tokens_exact else ", approximate token counts"
        caption = (
            f"Batch estimate ({self.tier}{note}): {self.requests:,} requests, {len(self.errors)} bad lines"
        )
        out = table(self.summary(), self.COLUMNS, caption)
        if self.errors:
            out += table(
                _line_rows(self.errors),
                ["line", "custom_id", "reason"],
                "bad lines" + (" (first 50)" if len(self.errors) > 50 else ""),
            )
        return out


class RequestActual(BaseModel):
    """One response of a results file: its usage and what it cost."""

    model_config = ConfigDict(frozen=True)

    line: int
    custom_id: str
    model: str
    input_tokens: int
    cached_input_tokens: int
    output_tokens: int
    reasoning_tokens: int
    cost: Decimal


class BatchCost(_Exports, _BadLines, BaseModel):
    """The actual cost of a finished batch job's results file; failed requests are listed apart."""

    model_config = ConfigDict(frozen=True)

    COLUMNS: ClassVar = ("model", "requests", "input tokens", "output tokens", "cost")

    tier: str
    requests: int
    total: Decimal
    input_tokens: int
    output_tokens: int
    per_model: dict[str, ModelTotals]
    rows: list[RequestActual]
    failed: list[LineError]
    errors: list[LineError]
    file_format: str | None = None

    _rows: Any = PrivateAttr(default=None)
    _scale: int = PrivateAttr(default=0)

    def to_arrow(self) -> Any:
        """The rows as a pyarrow Table, as :meth:`costcalc.LogCost.to_arrow` gives them (``id`` is
        the ``custom_id``; ``cost`` an exact ``decimal128``); ``pip install "costcalc[tables]"``."""
        if self._rows is None:
            raise InvalidInputError("this result kept no rows (keep_rows=False)", field="keep_rows")
        return self._rows.table(self._scale)

    def summary(self, money: Callable[[Decimal | None], str] | None = None) -> list[list[str]]:
        """One row per model and a total, as text; ``money`` formats the amounts (exact by default)."""
        from costcalc._display import total_row, usd

        fmt = money or usd
        rows = [
            [t.model, f"{t.requests:,}", f"{t.input_tokens:,}", f"{t.output_tokens:,}", fmt(t.expected)]
            for t in self.per_model.values()
        ]
        rows.append(total_row(self.requests, self.input_tokens, self.output_tokens, fmt(self.total)))
        return rows

    def plot(self, ax: Any = None) -> Any:
        from costcalc._display import plot_costs

        return plot_costs(
            [r.cost for r in self.rows],
            None,
            ax=ax,
            title=f"Actual cost per request ({self.requests:,} requests)",
        )

    def _repr_html_(self) -> str:
        from costcalc._display import table

        caption = (
            f"Batch actual cost: {self.requests:,} requests priced, {len(self.failed)} failed, "
            f"{len(self.errors)} bad lines"
        )
        out = table(self.summary(), self.COLUMNS, caption)
        if self.failed:
            out += table(
                _line_rows(self.failed), ["line", "custom_id", "reason"], "failed requests (not billed)"
            )
        if self.errors:
            out += table(_line_rows(self.errors), ["line", "custom_id", "reason"], "bad lines")
        return out


class _File:
    """One batch file as it is read: its format (decided by its first batch line, then held to),
    the ids seen so far (for duplicates), and the id of the line being read (for its error)."""

    __slots__ = ("current", "first", "ids", "module", "want")

    def __init__(self, want: Literal["request", "result"]) -> None:
        self.want = want
        self.module: ModuleType | None = None
        self.first = 0
        self.ids: dict[str, int] = {}
        self.current: str | None = None

    def read_fast(self, number: int, data: Mapping[str, Any]) -> FastReading | None:
        """A results line of a plain response read by its provider's ``fast_batch_result`` (its
        id checked and recorded like :meth:`read` does); None when it has none or the line is
        not plain: :meth:`read` reads it then."""
        self.current = None
        module = self.format_of(number, data)
        fast_batch = getattr(module, "fast_batch_result", None)
        found = fast_batch(data) if fast_batch is not None else None
        if found is None:
            return None
        cid, fast = found
        self.claim(number, module, cid)
        return fast  # type: ignore[no-any-return]

    def read(self, number: int, data: Mapping[str, Any]) -> tuple[ModuleType, Any]:
        """The provider module of line ``number`` and the line as it reads it (a BatchRequest or
        a BatchResult); ``current`` names the line as soon as its id is known."""
        self.current = None
        module = self.format_of(number, data)
        stated = data.get(module.BATCH_ID)
        self.current = stated if isinstance(stated, str) and stated else None
        line = module.read_batch_request(data) if self.want == "request" else module.read_batch_result(data)
        cid = line.custom_id
        if cid is None:
            if module.BATCH_ID in data:
                raise BadLineError(f"{module.BATCH_ID} must be a non-empty string, got {kind(stated)}")
            cid = f"#{number}"  # a Gemini inline line without a key: known by its position
        self.claim(number, module, cid)
        return module, line

    def claim(self, number: int, module: ModuleType, cid: str) -> None:
        """Line ``number`` is request ``cid`` (named in its errors from now on); a BadLineError
        when an earlier line was."""
        self.current = cid
        first = self.ids.setdefault(cid, number)
        if first != number:
            raise BadLineError(f"duplicate {module.BATCH_ID} {cid!r} (first on line {first})")

    def format_of(self, number: int, data: Mapping[str, Any]) -> ModuleType:
        found = providers.batch_format(data)
        module = self.module
        if module is None:
            if found is None:
                raise BadLineError(f"not a batch line of any provider ({_FORMATS})")
            module, kind_ = found
            if kind_ != self.want:
                raise BatchFileError([], _wrong_kind(module, kind_, number))
            self.module, self.first = module, number
            return module
        if found != (module, self.want):
            fields = module.BATCH_FIELDS[self.want]
            raise BadLineError(
                f"not {_a(module.BATCH_FORMAT)} {self.want} line ({fields}), the format of this file "
                f"(from line {self.first})"
            )
        return module

    def check_found(self, errors: list[LineError]) -> None:
        """A file with lines but no batch line of any provider is an error, not an empty batch
        (when no line was one, every non-blank line is in ``errors``)."""
        if self.module is None and errors:
            raise BatchFileError(
                errors,
                f"not a batch file of any provider ({_FORMATS}): none of its {len(errors)} line(s) is one; "
                f"line {errors[0].line}: {errors[0].reason}",
            )

    def name(self) -> str | None:
        return None if self.module is None else str(self.module.BATCH_FORMAT)


def _price_results_file(
    ledger: Ledger,
    batch: _File,
    path: str | os.PathLike[str],
    progress: bool | None,
    errors: list[LineError],
    parsed: tuple[Callable[[Any], LineReading | None], Callable[[int, Any, LineReading | None], None]],
) -> None:
    """Price a results file's lines: once the file is known to be OpenAI's, a plain succeeded
    line is read from its bytes (``openai_lines.read_batch_result``: exactly what
    ``fast_batch_result`` reads of the parsed line), its id checked for duplicates as
    :meth:`_File.read_fast` does; every other line is parsed and priced by ``parsed`` (the
    reader and the fallback of parsed lines)."""
    from costcalc._display import progress_bar
    from costcalc.providers import openai
    from costcalc.providers.openai_lines import read_batch_result

    parse = loads()
    read, fallback = parsed
    number = 0

    def read_bytes(raw: bytes) -> LineReading | None:
        nonlocal number
        number += 1
        batch.current = None
        if batch.module is not openai:  # the first batch line decides the format: read in full
            return None
        found = read_batch_result(raw)
        if found is None:
            return None
        batch.claim(number, openai, found[0] or "")
        return found

    def parse_then_price(number: int, raw: bytes, found: LineReading | None) -> None:
        data = record(number, raw, parse, errors)
        if data is not None:
            item = [(number, (number, data))]
            ledger.price_all(item, read, fallback, errors, lambda: batch.current, last=False)

    with progress_bar(progress, size_of(path), "pricing") as bar, open(path, "rb") as handle:
        lines = advancing(handle, bar.advance) if bar.shown else handle
        ledger.price_all(
            enumerate(lines, start=1), read_bytes, parse_then_price, errors, lambda: batch.current
        )


def _wrong_kind(module: ModuleType, kind: str, number: int) -> str:
    if kind == "request":
        return (
            f"line {number} is {_a(module.BATCH_FORMAT)} request: this is a request (input) file; "
            "price_batch_output prices the job's results file (estimate this one with estimate_batch)"
        )
    return (
        f"line {number} is {_a(module.BATCH_FORMAT)} result: this is a results (output) file; "
        "estimate_batch estimates the file of requests (price this one with price_batch_output)"
    )


def _a(name: str) -> str:
    return f"an {name}" if name[0] in "AEIOU" else f"a {name}"


class _NoModelError(Exception):
    """Lines that name no model and no ``model=``: the call's error, not each line's."""


# -- estimating an input file --------------------------------------------------------------------------


def estimate_batch(
    source: Source,
    *,
    output_tokens: OutputTokens,
    tier: str = "batch",
    reasoning_effort: str | None = None,
    model: str | None = None,
    token_profile: TokenProfile | None = None,
    at: dt.date | dt.datetime | str | None = None,
    catalog: Catalog | None = None,
    raise_on_error: bool = False,
    progress: bool | None = None,
    keep_rows: bool = True,
) -> BatchEstimate:
    """Estimate a batch request file of any provider, request by request.

    ``output_tokens`` is the visible answer expected per request: a number, or a function of the
    request body; more than a request's output cap is that line's error (as ``estimate`` raises),
    and requests that bill input only (embeddings, moderation) bill none. Each request's own cap
    (``max_tokens``, ``max_completion_tokens``, ``max_output_tokens``, ``maxOutputTokens``) and
    effort (``reasoning_effort``, ``reasoning.effort``, Claude's ``thinking``, Gemini's
    ``thinkingConfig``; else ``reasoning_effort`` here; else the model's default) apply.
    ``model`` is the model of lines that name none (a Gemini batch job's). OpenAI bodies are
    counted exactly; Claude and Gemini prompts approximately, as a band (``token_profile``, e.g.
    from :func:`costcalc.calibrate_tokens`, replaces the family's band for its model).
    """
    cat = catalog_or_default(catalog)
    _check_arguments(tier, output_tokens, reasoning_effort, model, token_profile)
    totals = _Totals()
    per_model: dict[str, _Totals] = {}
    rows: list[RequestEstimate] = []
    errors: list[LineError] = []
    batch = _File("request")
    exact = True
    for number, data in records(source, progress, "estimating", errors):
        try:
            module, request = batch.read(number, data)
            name = request.model or model
            if name is None:
                raise _NoModelError(module.BATCH_FORMAT)
            info = cat.get_model(name)
            _check_maker(module, info)
            count = module.count_request(request.endpoint, request.body, info, cat)
            visible = 0 if count.input_only else _visible(output_tokens, request.body)
            found = estimate_count(
                count,
                info,
                output_tokens=visible,
                tier=tier,
                at=at,
                catalog=cat,
                reasoning_effort=reasoning_effort,
                token_profile=token_profile,
            )
        except BatchFileError:
            raise
        except _NoModelError as exc:
            raise InvalidInputError(
                f"{exc} lines name no model (the batch job does): pass model=", field="model"
            ) from None
        except Exception as exc:  # every error of a line is that line's, never the file's
            errors.append(LineError(line=number, custom_id=batch.current, reason=reason(exc)))
            continue
        custom_id = batch.current or ""
        low, expected, high = (cost.total for cost in found.costs)
        ceiling = None if found.ceiling is None else found.ceiling.total
        exact = exact and found.exact
        tokens = found.input_tokens[1]
        for sums in (totals, per_model.setdefault(found.model, _Totals())):
            sums.add(tokens, found.output_tokens[1], low, expected, high, ceiling)
        if keep_rows:
            rows.append(
                RequestEstimate.model_construct(
                    line=number,
                    custom_id=custom_id,
                    model=found.model,
                    endpoint=request.endpoint,
                    input_tokens=tokens,
                    visible_output_tokens=visible,
                    output_cap=found.output_cap,
                    effort=found.effort,
                    low=low,
                    expected=expected,
                    high=high,
                    ceiling=ceiling,
                    tokens_exact=found.exact,
                )
            )
    batch.check_found(errors)
    errors.sort(key=lambda e: e.line)
    result = BatchEstimate(
        tier=tier,
        requests=totals.requests,
        input_tokens=totals.input_tokens,
        low=tidy(totals.low),
        expected=tidy(totals.expected),
        high=tidy(totals.high),
        ceiling=None if totals.ceiling is None else tidy(totals.ceiling),
        per_model={m: t.freeze(m) for m, t in sorted(per_model.items())},
        rows=rows,
        errors=errors,
        tokens_exact=exact,
        file_format=batch.name(),
    )
    if raise_on_error:
        result.raise_for_errors()
    return result


def _check_arguments(
    tier: str,
    output_tokens: OutputTokens,
    effort: str | None,
    model: str | None,
    token_profile: TokenProfile | None,
) -> None:
    """Arguments that would make every line bad are the call's error, raised before reading."""
    if tier not in TIERS:
        raise InvalidInputError(f"unknown tier {tier!r}; tiers are {', '.join(TIERS)}", field="tier")
    if not callable(output_tokens) and (type(output_tokens) is not int or output_tokens < 0):
        raise InvalidInputError(
            f"must be a whole number >= 0 or a function of the request body, got {output_tokens!r}",
            field="output_tokens",
        )
    if effort is not None and effort not in EFFORTS:
        raise InvalidInputError(
            f"unknown effort {effort!r}; efforts are {', '.join(EFFORTS)}", field="reasoning_effort"
        )
    if model is not None and not isinstance(model, str):
        raise InvalidInputError(f"a model name is a string, got {type(model).__name__}", field="model")
    if token_profile is not None and not isinstance(token_profile, TokenProfile):
        raise InvalidInputError(
            f"expected a costcalc.TokenProfile or None, got {type(token_profile).__name__}",
            field="token_profile",
        )


def _visible(output_tokens: OutputTokens, body: Mapping[str, Any]) -> int:
    visible = output_tokens(body) if callable(output_tokens) else output_tokens
    if type(visible) is not int or visible < 0:
        raise InvalidInputError(
            f"the function must give a whole number >= 0, got {visible!r}", field="output_tokens"
        )
    return visible


def _check_maker(module: ModuleType, info: Any) -> None:
    """A model whose maker has a batch format of its own does not run in another's file."""
    owner = providers.BY_PROVIDER.get(info.creator)
    if owner is not None and owner is not module:
        raise InvalidInputError(
            f"{info.id!r} is a model of {info.creator}: it runs in {_a(owner.BATCH_FORMAT)} file, not "
            f"{_a(module.BATCH_FORMAT)} one",
            field="model",
        )


# -- pricing a results file -----------------------------------------------------------------------------


def price_batch_output(
    source: Source,
    *,
    model: str | None = None,
    at: dt.date | dt.datetime | str | None = None,
    catalog: Catalog | None = None,
    raise_on_error: bool = False,
    progress: bool | None = None,
    keep_rows: bool = True,
) -> BatchCost:
    """The actual cost of a finished batch job's results file, at the batch tier.

    Requests that failed, errored, expired or were canceled are listed in ``failed`` with their
    type, never priced as zero; malformed lines and duplicate ids go to ``errors``. ``model`` is
    the model of responses that name none; ``at`` overrides each response's own creation time.
    ``keep_rows=False`` keeps only the totals (and the ids, to report duplicates).
    """
    cat = catalog_or_default(catalog)
    if model is not None and not isinstance(model, str):
        raise InvalidInputError(f"a model name is a string, got {type(model).__name__}", field="model")
    # The rows are read back as RequestActual objects: kept in the buffers, not moved to Arrow.
    ledger = Ledger(cat, model=model, at=at, keep_rows=keep_rows, compact=False)
    failed: list[LineError] = []
    errors: list[LineError] = []
    batch = _File("result")

    def read(line: tuple[int, Mapping[str, Any]]) -> LineReading | None:
        fast = batch.read_fast(*line)
        return None if fast is None else (batch.current, fast)

    def fallback(number: int, line: tuple[int, Mapping[str, Any]], found: LineReading | None) -> None:
        _, result = batch.read(*line)
        reading = result.reading
        if result.failure is not None or reading is None:
            failure = result.failure or BatchFailure("failed", "no response")
            failed.append(
                LineError(
                    line=number, custom_id=batch.current, reason=_failure(failure), status=failure.status
                )
            )
            return
        ledger.add_reading(number, reading, batch.current or "", None if found is None else found[1])

    if isinstance(source, str | os.PathLike):
        _price_results_file(ledger, batch, source, progress, errors, (read, fallback))
    else:
        numbered = ((number, (number, data)) for number, data in records(source, progress, "pricing", errors))
        ledger.price_all(numbered, read, fallback, errors, lambda: batch.current)
    batch.check_found(errors)
    errors.sort(key=lambda e: e.line)
    per_model: dict[str, list[int]] = {}
    for (model_id, _provider, _tier, _day), (n, units, inp, out) in ledger.sums.items():
        if n:
            sums = per_model.setdefault(model_id, [0, 0, 0, 0])
            for i, value in enumerate((n, units, inp, out)):
                sums[i] += value
    money = ledger.money
    totals = [sum(v[i] for v in per_model.values()) for i in range(4)]
    columns = ledger.rows
    rows: list[RequestActual] = []
    if keep_rows:
        for line, cid, model_id, _p, _t, _d, inp, cached, _w, out, reasoning, units in columns.rows():
            rows.append(
                RequestActual.model_construct(
                    line=line,
                    custom_id=cid or "",
                    model=model_id,
                    input_tokens=inp,
                    cached_input_tokens=cached,
                    output_tokens=out,
                    reasoning_tokens=reasoning,
                    cost=money(units),
                )
            )
    result_ = BatchCost(
        tier="batch",
        requests=totals[0],
        total=money(totals[1]),
        input_tokens=totals[2],
        output_tokens=totals[3],
        per_model={
            m: ModelTotals(
                model=m,
                requests=v[0],
                input_tokens=v[2],
                output_tokens=v[3],
                low=money(v[1]),
                expected=money(v[1]),
                high=money(v[1]),
                ceiling=money(v[1]),
            )
            for m, v in sorted(per_model.items())
        },
        rows=rows,
        failed=failed,
        errors=errors,
        file_format=batch.name(),
    )
    if keep_rows:
        result_._rows, result_._scale = ledger.rows, ledger.scale
    if raise_on_error:
        result_.raise_for_errors()
    return result_


def _failure(failure: BatchFailure) -> str:
    """A failed request's error as ``code: message``, or its type when it carries none."""
    error = failure.error
    if is_map(error):
        nested = error.get("error")
        inner: Mapping[str, Any] = nested if is_map(nested) else error
        code = next(
            (
                c
                for c in (inner.get("code"), inner.get("status"), inner.get("type"))
                if isinstance(c, str) and c
            ),
            inner.get("code"),
        )
        message = inner.get("message")
        if code is not None or message is not None:
            return f"{code}: {message}" if code is not None else str(message)
    return failure.status


# -- reconciliation ----------------------------------------------------------------------------------


class ReconciledRequest(BaseModel):
    """One request's estimate next to what it cost."""

    model_config = ConfigDict(frozen=True)

    custom_id: str
    model: str
    low: Decimal
    expected: Decimal
    high: Decimal
    ceiling: Decimal | None
    actual: Decimal
    difference: Decimal  # actual - expected
    position: Literal["below", "within", "above"]  # the actual against the low-high range


class Reconciliation(_Exports, BaseModel):
    """An estimate against the actual costs, by ``custom_id`` (or ``key``).

    Ids that occur more than once on either side are listed in ``duplicates`` and left out of
    the matching: which line's cost belongs to which estimate cannot be told.
    """

    model_config = ConfigDict(frozen=True)

    rows: list[ReconciledRequest]
    estimated_expected: Decimal
    estimated_low: Decimal
    estimated_high: Decimal
    actual: Decimal
    within: int
    below: int
    above: int
    above_ceiling: list[str]
    not_in_output: list[str]
    not_in_estimate: list[str]
    duplicates: list[str] = []

    def summary(self, money: Callable[[Decimal | None], str] | None = None) -> list[list[Any]]:
        """The comparison as label / value rows; ``money`` formats the amounts (exact by default)."""
        from costcalc._display import usd

        fmt = money or usd
        return [
            [
                "estimated (low / expected / high)",
                f"{fmt(self.estimated_low)} / {fmt(self.estimated_expected)} / {fmt(self.estimated_high)}",
            ],
            ["actual", fmt(self.actual)],
            ["requests below / within / above the range", f"{self.below} / {self.within} / {self.above}"],
            ["above the ceiling", len(self.above_ceiling)],
            ["estimated but not in the output (failed or expired)", len(self.not_in_output)],
            ["in the output but not estimated", len(self.not_in_estimate)],
            ["duplicate ids (left out)", len(self.duplicates)],
        ]

    def _repr_html_(self) -> str:
        from costcalc._display import table

        return table(self.summary(), caption="Estimate against actual, by custom_id")


def reconcile(estimate: BatchEstimate, actual: BatchCost) -> Reconciliation:
    """Match an estimate's requests to a results file's by id; totals over the matched.

    Both need their rows (``keep_rows=True``, the default). An id found twice on either side is
    reported in ``duplicates``, never silently matched to one of its lines.
    """
    for name, result in (("estimate", estimate), ("actual", actual)):
        if result.requests and not result.rows:
            raise InvalidInputError(
                f"the {name} kept no rows (keep_rows=False); reconcile matches requests row by row",
                field=name,
            )
    counts = Counter(r.custom_id for r in estimate.rows)
    counts.update({cid: 2 for cid, n in Counter(r.custom_id for r in actual.rows).items() if n > 1})
    duplicates = sorted(cid for cid, n in counts.items() if n > 1)
    left_out = set(duplicates)
    by_id = {r.custom_id: r for r in actual.rows if r.custom_id not in left_out}
    estimated = {r.custom_id for r in estimate.rows}
    rows = []
    add = EXACT.add
    e_low = e_exp = e_high = a_total = ZERO
    positions = {"below": 0, "within": 0, "above": 0}
    above_ceiling = []
    for est in estimate.rows:
        act = by_id.get(est.custom_id) if est.custom_id not in left_out else None
        if act is None:
            continue
        position: Literal["below", "within", "above"] = (
            "below" if act.cost < est.low else "above" if act.cost > est.high else "within"
        )
        positions[position] += 1
        if est.ceiling is not None and act.cost > est.ceiling:
            above_ceiling.append(est.custom_id)
        rows.append(
            ReconciledRequest(
                custom_id=est.custom_id,
                model=est.model,
                low=est.low,
                expected=est.expected,
                high=est.high,
                ceiling=est.ceiling,
                actual=act.cost,
                difference=tidy(EXACT.subtract(act.cost, est.expected)),
                position=position,
            )
        )
        e_low, e_exp, e_high = add(e_low, est.low), add(e_exp, est.expected), add(e_high, est.high)
        a_total = add(a_total, act.cost)
    in_output = {r.custom_id for r in actual.rows}
    return Reconciliation(
        rows=rows,
        estimated_low=tidy(e_low),
        estimated_expected=tidy(e_exp),
        estimated_high=tidy(e_high),
        actual=tidy(a_total),
        within=positions["within"],
        below=positions["below"],
        above=positions["above"],
        above_ceiling=above_ceiling,
        not_in_output=[
            r.custom_id for r in estimate.rows if r.custom_id not in in_output and r.custom_id not in left_out
        ],
        not_in_estimate=[
            r.custom_id for r in actual.rows if r.custom_id not in estimated and r.custom_id not in left_out
        ],
        duplicates=duplicates,
    )
