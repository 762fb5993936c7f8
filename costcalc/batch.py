"""Whole Batch API jobs: estimate an input file before submitting it, price its output after.

Both read JSON Lines in a stream (a path, an open file, or an iterable of lines or dicts): memory
holds one line at a time plus one small row per request. Bad lines are recorded with their line
number and reason, and every good line is kept; ``raise_on_error=True`` raises at the end.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Final, Literal

from pydantic import BaseModel, ConfigDict

from costcalc._money import EXACT, ZERO, tidy
from costcalc.catalog import Catalog, catalog_or_default
from costcalc.errors import BatchRequestError, CostcalcError, describe
from costcalc.estimation import _NO_REASONING, _band, priced_range
from costcalc.responses import price_reading, read_response
from costcalc.tokens.chat import count_messages
from costcalc.tokens.limits import check_context_window
from costcalc.tokens.text import encoding_for

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

Source = str | os.PathLike[str] | IO[str] | IO[bytes] | Iterable[str | bytes | Mapping[str, Any]]
OutputTokens = int | Callable[[Mapping[str, Any]], int]

ENDPOINTS: Final = ("/v1/chat/completions", "/v1/responses", "/v1/embeddings", "/v1/completions")


class BatchFileError(CostcalcError, ValueError):
    """A batch file with bad lines, raised at the end when ``raise_on_error=True``."""

    def __init__(self, errors: list[LineError]) -> None:
        self.errors = errors
        shown = "\n".join(f"  line {e.line}: {e.reason}" for e in errors[:20])
        more = f"\n  ... and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(f"{len(errors)} bad line(s):\n{shown}{more}")


class LineError(BaseModel):
    """One line that could not be used, and why."""

    model_config = ConfigDict(frozen=True)

    line: int
    custom_id: str | None
    reason: str


class RequestEstimate(BaseModel):
    """One request of an input file: its prompt tokens and its cost range."""

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
        return _frame(self.to_records())


class _BadLines:
    """``raise_for_errors`` for results that keep bad lines in ``errors``."""

    errors: list[LineError]

    def raise_for_errors(self) -> None:
        """Raise :class:`BatchFileError` listing every bad line, if there is any."""
        if self.errors:
            raise BatchFileError(list(self.errors))


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
    """The estimate of a Batch input file: totals, per model, per request, and the bad lines.

    ``low``/``expected``/``high`` sum the requests' ranges; ``ceiling`` sums their worst cases
    (the prompt plus the whole output cap), the most the file can cost.
    """

    model_config = ConfigDict(frozen=True)

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
        from costcalc._display import batch_estimate_html

        return batch_estimate_html(self)


class RequestActual(BaseModel):
    """One response of an output file: its usage and what it cost."""

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
    """The actual cost of a finished Batch job's output file; failed requests are listed apart."""

    model_config = ConfigDict(frozen=True)

    tier: str
    requests: int
    total: Decimal
    input_tokens: int
    output_tokens: int
    per_model: dict[str, ModelTotals]
    rows: list[RequestActual]
    failed: list[LineError]
    errors: list[LineError]

    def plot(self, ax: Any = None) -> Any:
        from costcalc._display import plot_costs

        return plot_costs(
            [r.cost for r in self.rows],
            None,
            ax=ax,
            title=f"Actual cost per request ({self.requests:,} requests)",
        )

    def _repr_html_(self) -> str:
        from costcalc._display import batch_cost_html

        return batch_cost_html(self)


# -- reading lines -----------------------------------------------------------------------------------


def _loads() -> Callable[[str | bytes], Any]:
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency; the stdlib still works
        import json

        return json.loads
    return orjson.loads


def _lines(source: Source) -> Iterator[tuple[int, str | bytes | Mapping[str, Any]]]:
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            yield from enumerate(handle, start=1)
    elif isinstance(source, io.IOBase) or hasattr(source, "readline"):
        yield from enumerate(source, start=1)
    else:
        yield from enumerate(source, start=1)


def _size_of(source: Source) -> int | None:
    if isinstance(source, str | os.PathLike):
        return Path(source).stat().st_size
    return None


def _progress(enabled: bool | None, total: int | None, description: str) -> Any:
    from costcalc._display import progress_bar

    return progress_bar(enabled, total, description)


class _SkipLineError(Exception):
    """A line to record as an error (the message is the reason)."""


def _records(
    source: Source, progress: bool | None, description: str, errors: list[LineError]
) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(line number, JSON object) for each non-blank line; unparsable lines go to ``errors``."""
    loads = _loads()
    with _progress(progress, _size_of(source), description) as bar:
        for number, raw in _lines(source):
            bar.advance(len(raw) if isinstance(raw, str | bytes) else 1)
            try:
                data = _parse_line(raw, loads)
            except _SkipLineError as exc:
                errors.append(LineError(line=number, custom_id=None, reason=str(exc)))
                continue
            if data is not None:
                yield number, data


def _custom_id(data: Mapping[str, Any]) -> str | None:
    cid = data.get("custom_id")
    return cid if isinstance(cid, str) else None


def _parse_line(
    raw: str | bytes | Mapping[str, Any], loads: Callable[[str | bytes], Any]
) -> Mapping[str, Any] | None:
    if isinstance(raw, Mapping):
        return raw
    if not raw.strip():
        return None
    try:
        data = loads(raw)
    except ValueError as exc:
        raise _SkipLineError(f"invalid JSON: {exc}") from None
    if not isinstance(data, Mapping):
        raise _SkipLineError(f"a line must be a JSON object, got {type(data).__name__}")
    return data


# -- estimating an input file --------------------------------------------------------------------------


def estimate_batch(
    source: Source,
    *,
    output_tokens: OutputTokens,
    tier: str = "batch",
    reasoning_effort: str | None = None,
    at: dt.date | dt.datetime | str | None = None,
    catalog: Catalog | None = None,
    raise_on_error: bool = False,
    progress: bool | None = None,
    keep_rows: bool = True,
) -> BatchEstimate:
    """Estimate an OpenAI Batch input file, request by request.

    ``output_tokens`` is the visible answer expected per request: a number, or a function of the
    request body. Each request's own cap (``max_tokens``, ``max_completion_tokens``,
    ``max_output_tokens``) and effort (``reasoning_effort``, ``reasoning.effort``; else
    ``reasoning_effort`` here; else the model's default) apply. Chat Completions, Responses,
    Embeddings and Completions bodies are counted exactly.
    """
    cat = catalog_or_default(catalog)
    totals = _Totals()
    per_model: dict[str, _Totals] = {}
    rows: list[RequestEstimate] = []
    errors: list[LineError] = []
    seen: dict[str, int] = {}
    exact = True
    for number, data in _records(source, progress, "estimating", errors):
        custom_id = _custom_id(data)
        try:
            row, approximate = _estimate_line(number, data, output_tokens, tier, reasoning_effort, at, cat)
        except _SkipLineError as exc:
            errors.append(LineError(line=number, custom_id=custom_id, reason=str(exc)))
            continue
        except (ValueError, LookupError, TypeError) as exc:
            errors.append(LineError(line=number, custom_id=custom_id, reason=describe(exc)))
            continue
        first = seen.get(row.custom_id)
        if first is not None:
            errors.append(
                LineError(
                    line=number,
                    custom_id=row.custom_id,
                    reason=f"duplicate custom_id {row.custom_id!r} (first on line {first})",
                )
            )
            continue
        seen[row.custom_id] = number
        exact = exact and not approximate
        for sums in (totals, per_model.setdefault(row.model, _Totals())):
            sums.add(
                row.input_tokens, row.visible_output_tokens, row.low, row.expected, row.high, row.ceiling
            )
        if keep_rows:
            rows.append(row)
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
    )
    if raise_on_error:
        result.raise_for_errors()
    return result


def _field(obj: Mapping[str, Any], key: str, kind: type | tuple[type, ...], what: str) -> Any:
    value = obj.get(key)
    if value is None:
        raise _SkipLineError(f"missing {what}")
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _SkipLineError(
            f"{what} must be a {getattr(kind, '__name__', 'value')}, got {type(value).__name__}"
        )
    return value


def _cap(body: Mapping[str, Any], keys: tuple[str, ...]) -> int | None:
    for key in keys:
        value = body.get(key)
        if value is not None:
            if type(value) is not int or value <= 0:
                raise _SkipLineError(f"body.{key} must be a whole number > 0, got {value!r}")
            return value
    return None


def _estimate_line(
    number: int,
    data: Mapping[str, Any],
    output_tokens: OutputTokens,
    tier: str,
    default_effort: str | None,
    at: dt.date | dt.datetime | str | None,
    cat: Catalog,
) -> tuple[RequestEstimate, bool]:
    custom_id = _field(data, "custom_id", str, "custom_id")
    url = data.get("url")
    if url not in ENDPOINTS:
        raise _SkipLineError(f"url {url!r} is not a Batch endpoint costcalc prices ({', '.join(ENDPOINTS)})")
    method = data.get("method", "POST")
    if method != "POST":
        raise _SkipLineError(f"method must be POST, got {method!r}")
    body = _field(data, "body", Mapping, "body")
    model = _field(body, "model", str, "body.model")
    info = cat.get_model(model)
    effort = default_effort
    if url == "/v1/chat/completions":
        messages = _field(body, "messages", list, "body.messages")
        tools = body.get("tools") or body.get("functions")
        input_tokens = count_messages(messages, model, tools=tools, catalog=cat, warn_approximate=False)
        cap = _cap(body, ("max_completion_tokens", "max_tokens"))
        effort = body.get("reasoning_effort", effort)
    elif url == "/v1/responses":
        if "input" not in body:
            raise _SkipLineError("missing body.input")
        instructions = body.get("instructions")
        input_tokens = count_messages(
            body["input"],
            model,
            tools=body.get("tools"),
            instructions=instructions,
            catalog=cat,
            warn_approximate=False,
        )
        cap = _cap(body, ("max_output_tokens",))
        reasoning = body.get("reasoning")
        if isinstance(reasoning, Mapping) and reasoning.get("effort") is not None:
            effort = reasoning["effort"]
    elif url == "/v1/embeddings":
        input_tokens = _embedding_tokens(body, model, cat)
        cap = None
    else:  # /v1/completions
        input_tokens = _completion_tokens(body, model, cat)
        cap = _cap(body, ("max_tokens",))
    if effort is not None and not isinstance(effort, str):
        raise _SkipLineError(f"reasoning effort must be a string, got {effort!r}")

    if url == "/v1/embeddings":
        visible = 0
        band = _NO_REASONING
        effort = None
        cap_used = None
    else:
        visible = output_tokens(body) if callable(output_tokens) else output_tokens
        if type(visible) is not int or visible < 0:
            raise ValueError(f"output_tokens must give a whole number >= 0, got {visible!r}")
        band, effort, _ = _band(info.id, info.reasoning, info.reasoning_profile, effort, None)
        cap_used = cap if cap is not None else info.max_output_tokens
        if cap_used is not None:
            visible = min(visible, cap_used)
    check_context_window(info, input_tokens, cap if cap is not None else visible)
    _, _, (low, expected, high), worst = priced_range(
        cat, info.id, input_tokens, 0, visible, band, cap_used, tier, at
    )
    # An embedding bills its input only: its one cost is its own ceiling.
    ceiling = low if url == "/v1/embeddings" else worst
    row = RequestEstimate.model_construct(
        line=number,
        custom_id=custom_id,
        model=info.id,
        endpoint=url,
        input_tokens=input_tokens,
        visible_output_tokens=visible,
        output_cap=cap_used,
        effort=effort,
        low=low.total,
        expected=expected.total,
        high=high.total,
        ceiling=None if ceiling is None else ceiling.total,
    )
    return row, not info.tokenizer_exact


def _embedding_tokens(body: Mapping[str, Any], model: str, cat: Catalog) -> int:
    if "input" not in body:
        raise _SkipLineError("missing body.input")
    value = body["input"]
    items = (
        [value]
        if isinstance(value, str) or (isinstance(value, list) and value and isinstance(value[0], int))
        else value
    )
    if not isinstance(items, list) or not items:
        raise _SkipLineError("body.input must be a string, a list of strings or token arrays")
    enc = encoding_for(model, cat, warn=False)[0]
    total = 0
    for item in items:
        if isinstance(item, str):
            total += len(enc.encode_ordinary(item))
        elif isinstance(item, list) and all(type(t) is int for t in item):
            total += len(item)
        else:
            raise _SkipLineError("body.input must be a string, a list of strings or token arrays")
    return total


def _completion_tokens(body: Mapping[str, Any], model: str, cat: Catalog) -> int:
    prompt = body.get("prompt")
    prompts = [prompt] if isinstance(prompt, str) else prompt
    if not isinstance(prompts, list) or not all(isinstance(p, str) for p in prompts):
        raise _SkipLineError("body.prompt must be a string or a list of strings")
    enc = encoding_for(model, cat, warn=False)[0]
    return sum(len(enc.encode_ordinary(p)) for p in prompts)


# -- pricing an output file -----------------------------------------------------------------------------


def price_batch_output(
    source: Source,
    *,
    at: dt.date | dt.datetime | str | None = None,
    catalog: Catalog | None = None,
    raise_on_error: bool = False,
    progress: bool | None = None,
) -> BatchCost:
    """The actual cost of a Batch output file, at the batch tier.

    Failed and expired requests (``"response": null`` or a non-200 status) are listed in
    ``failed`` with their ``custom_id``, never priced as zero; malformed lines go to ``errors``.
    ``at`` overrides each response's own creation time.
    """
    cat = catalog_or_default(catalog)
    totals = _Totals()
    per_model: dict[str, _Totals] = {}
    rows: list[RequestActual] = []
    failed: list[LineError] = []
    errors: list[LineError] = []
    for number, data in _records(source, progress, "pricing", errors):
        custom_id = _custom_id(data)
        if custom_id is None:
            errors.append(LineError(line=number, custom_id=None, reason="missing custom_id"))
            continue
        try:
            reading = read_response(data, shape="openai.batch")
            usage = reading.usage
            cost = price_reading(reading, at=at, catalog=cat)
        except BatchRequestError as exc:
            failed.append(LineError(line=number, custom_id=custom_id, reason=_failure(exc)))
            continue
        except (ValueError, LookupError, TypeError, OverflowError, OSError) as exc:
            errors.append(LineError(line=number, custom_id=custom_id, reason=describe(exc)))
            continue
        model_id = cost.model or ""
        for sums in (totals, per_model.setdefault(model_id, _Totals())):
            sums.add(usage.input_tokens, usage.output_tokens, cost.total, cost.total, cost.total, cost.total)
        rows.append(
            RequestActual.model_construct(
                line=number,
                custom_id=custom_id,
                model=model_id,
                input_tokens=usage.input_tokens,
                cached_input_tokens=usage.cached_input_tokens,
                output_tokens=usage.output_tokens,
                reasoning_tokens=usage.reasoning_tokens,
                cost=cost.total,
            )
        )
    errors.sort(key=lambda e: e.line)
    result = BatchCost(
        tier="batch",
        requests=totals.requests,
        total=tidy(totals.expected),
        input_tokens=totals.input_tokens,
        output_tokens=totals.output_tokens,
        per_model={m: t.freeze(m) for m, t in sorted(per_model.items())},
        rows=rows,
        failed=failed,
        errors=errors,
    )
    if raise_on_error:
        result.raise_for_errors()
    return result


def _failure(exc: BatchRequestError) -> str:
    error = exc.error
    if isinstance(error, Mapping):
        nested = error.get("error")
        inner: Mapping[str, Any] = nested if isinstance(nested, Mapping) else error
        code = inner.get("code") or inner.get("type")
        message = inner.get("message")
        return f"{code}: {message}" if code else str(message)
    return str(exc)


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
    """An estimate against the actual costs, by ``custom_id``."""

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

    def _repr_html_(self) -> str:
        from costcalc._display import reconciliation_html

        return reconciliation_html(self)


def reconcile(estimate: BatchEstimate, actual: BatchCost) -> Reconciliation:
    """Match an estimate's requests to an output file's by ``custom_id``, totals over the matched."""
    by_id = {r.custom_id: r for r in actual.rows}
    estimated = {r.custom_id for r in estimate.rows}
    rows = []
    add = EXACT.add
    e_low = e_exp = e_high = a_total = ZERO
    counts = {"below": 0, "within": 0, "above": 0}
    above_ceiling = []
    matched = set()
    for est in estimate.rows:
        act = by_id.get(est.custom_id)
        if act is None:
            continue
        matched.add(est.custom_id)
        position: Literal["below", "within", "above"] = (
            "below" if act.cost < est.low else "above" if act.cost > est.high else "within"
        )
        counts[position] += 1
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
    return Reconciliation(
        rows=rows,
        estimated_low=tidy(e_low),
        estimated_expected=tidy(e_exp),
        estimated_high=tidy(e_high),
        actual=tidy(a_total),
        within=counts["within"],
        below=counts["below"],
        above=counts["above"],
        above_ceiling=above_ceiling,
        not_in_output=[r.custom_id for r in estimate.rows if r.custom_id not in matched],
        not_in_estimate=[r.custom_id for r in actual.rows if r.custom_id not in estimated],
    )


def _frame(records: list[dict[str, Any]]) -> Any:
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError('to_pandas() needs pandas: pip install "costcalc[notebook]"') from exc
    return pd.DataFrame.from_records(records)
