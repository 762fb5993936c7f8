"""Usage and cost exports: price a provider's usage export, and reconcile it with its cost export.

The exports are the providers' own reports of what an organization consumed and paid:

- OpenAI: the organization Usage API pages (completions, embeddings, moderations, images, audio
  speeches and transcriptions, web searches, file searches, code interpreter sessions, vector
  stores) and the Costs API pages;
- Anthropic: the messages usage report and the cost report (the Admin API's, and the analytics
  ones of ``anthropic.types.beta.organization``).

:func:`price_usage_export` prices every row of the usage pages at the catalog's rates for the
row's day, tier, context-window band and surcharges, line by line. :func:`reconcile_invoice`
sets those lines beside the provider's cost pages, day by day, project by project, model by model
and line by line, and works out why each difference is there by pricing the alternatives (another
dated price, another tier, cache reads billed as input, the other context band, another tool
rate) and keeping the one that gives the provider's amount.

Pages are SDK objects, dicts, lists of them, or a path to a ``.json`` file (one page or a list)
or a ``.jsonl`` file (one page a line). Each page's provider and kind are read from its content:
a page of another kind raises :class:`~costcalc.errors.ExportKindError`. Rows that cannot be
read, rows that overlap another row with the same grouping keys, and pages given twice are
reported (``errors``, ``duplicates``), never counted twice and never dropped in silence.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel, ConfigDict

from costcalc._money import EXACT, ZERO, exact_sum, per_token, tidy
from costcalc.catalog import Catalog, ModelInfo, TierPrice, as_date, catalog_or_default
from costcalc.errors import (
    ExportKindError,
    NoPriceError,
    UnknownModelError,
    UnpricedUsageError,
    UnsupportedTierError,
    UsageParseError,
)
from costcalc.pricing import TIERS, Rates, compute_cost
from costcalc.providers import EXPORTERS
from costcalc.providers.base import CostItem, ExportBucket, ExportPage, is_map, plain
from costcalc.units import TOKEN_LINES

__all__ = [
    "ExportLine",
    "ExportRowError",
    "InvoiceReconciliation",
    "InvoiceRow",
    "UnpricedExportItem",
    "UsageExport",
    "price_usage_export",
    "reconcile_invoice",
]

Source = str | os.PathLike[str] | Mapping[str, Any] | Iterable[Any] | Any

#: The provider modules that read export pages (``export_kind``, ``read_export_page``, ``EXPORT_NAMES``).
_READERS: Final = EXPORTERS
#: Line name -> Rates field, for the token lines.
_RATE_FIELD: Final = {line: rate for line, _count, rate, _bucket in TOKEN_LINES}
#: Amounts closer than this to the provider's are a match (providers round their amounts).
DEFAULT_TOLERANCE: Final = Decimal("0.005")


# -- results -----------------------------------------------------------------------------------------


class ExportLine(BaseModel):
    """One priced line of a usage export row: ``quantity`` ``unit`` at ``rate`` is ``amount`` USD.

    Token lines have ``unit`` ``"tokens"`` and ``rate`` in USD per 1,000,000 tokens; other lines
    (web searches, images...) have the unit's name and ``rate`` in USD per unit. ``model`` is the
    catalog id of the model the row names (``None`` for a tool row that names none, priced at
    ``rate_model``'s unit rates); ``tier_stated`` is False when the export did not say the tier
    (the row is then priced at ``standard``). ``factor`` is the surcharge multiplier applied
    (``1`` when none); the rate shown includes it.
    """

    model_config = ConfigDict(frozen=True)

    day: dt.date
    provider: str
    project: str | None
    api_key: str | None
    model: str | None
    line_item: str
    quantity: int | Decimal
    unit: str
    rate: Decimal
    amount: Decimal
    tier: str
    tier_stated: bool
    long_context: bool
    factor: Decimal
    rate_model: str
    position: str


class UnpricedExportItem(BaseModel):
    """A billable quantity of a usage export that costcalc could not price (``strict=False``):
    the total is low by its amount. ``cause`` is ``unknown_model``, ``no_model``, ``no_price``,
    ``no_rate`` or ``unknown_field``."""

    model_config = ConfigDict(frozen=True)

    position: str
    day: dt.date
    provider: str
    project: str | None
    model: str | None
    field: str
    quantity: int | Decimal
    cause: str
    reason: str


class ExportRowError(BaseModel):
    """A row, bucket or page that could not be used, where it is and why."""

    model_config = ConfigDict(frozen=True)

    position: str
    reason: str


class _Exports:
    """Row exports shared by the results."""

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per row (Decimals kept exact)."""
        return [row.model_dump() for row in self._rows()]

    def to_pandas(self) -> Any:
        """A pandas DataFrame of the rows (``pip install "costcalc[notebook]"``)."""
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError('to_pandas() needs pandas: pip install "costcalc[notebook]"') from exc
        return pd.DataFrame.from_records(self.to_records())

    def _rows(self) -> list[BaseModel]:
        raise NotImplementedError


class UsageExport(_Exports, BaseModel):
    """A usage export priced line by line. ``total`` adds up :attr:`lines`; when ``unpriced`` is
    not empty the total leaves those quantities out (a lower bound, and every display says so).
    ``errors`` lists the rows that could not be read or overlap another; ``duplicates`` the pages
    given more than once (counted once); ``warnings`` what the export leaves open (a bucket that
    may hold long-context requests, a surcharge the catalog does not publish)."""

    model_config = ConfigDict(frozen=True)

    lines: list[ExportLine]
    total: Decimal
    unpriced: list[UnpricedExportItem] = []
    errors: list[ExportRowError] = []
    duplicates: list[str] = []
    warnings: list[str] = []
    pages: int = 0
    rows: int = 0

    def _rows(self) -> list[BaseModel]:
        return list(self.lines)

    @property
    def complete(self) -> bool:
        """Every billable quantity was priced and every row read."""
        return not self.unpriced and not self.errors

    def by_model(self) -> dict[str | None, Decimal]:
        """The total of each model (``None``: tool rows that name no model)."""
        sums: dict[str | None, list[Decimal]] = {}
        for line in self.lines:
            sums.setdefault(line.model, []).append(line.amount)
        return {model: tidy(exact_sum(*amounts)) for model, amounts in sums.items()}

    def summary(self, money: Callable[[Decimal | None], str] | None = None) -> list[list[str]]:
        """The export as label / value rows; ``money`` formats the amounts (exact by default)."""
        from costcalc._display import usd

        fmt = money or usd
        rows = [
            ["pages / rows read", f"{self.pages} / {self.rows}"],
            ["priced lines", str(len(self.lines))],
        ]
        rows += [
            [f"  {model or '(tools, no model)'}", fmt(total)] for model, total in self.by_model().items()
        ]
        rows.append(
            [
                "total" + (" (INCOMPLETE: unpriced quantities left out)" if self.unpriced else ""),
                fmt(self.total),
            ]
        )
        rows += [[f"UNPRICED {u.position}: {u.field}", f"{u.quantity} ({u.cause})"] for u in self.unpriced]
        rows += [[f"bad row {e.position}", e.reason] for e in self.errors]
        rows += [["duplicate page (counted once)", d] for d in self.duplicates]
        rows += [["warning", w] for w in self.warnings]
        return rows

    def _repr_html_(self) -> str:
        from costcalc._display import table

        return table(self.summary(), caption="Usage export, priced")

    def __str__(self) -> str:
        from costcalc._display import usd

        text = f"{usd(self.total)} over {len(self.lines)} lines"
        if self.unpriced:
            text += f" + UNPRICED: {len(self.unpriced)} quantities"
        if self.errors:
            text += f"; {len(self.errors)} bad rows"
        return text


class InvoiceRow(BaseModel):
    """One day x project x model x line item: costcalc's amount beside the provider's.

    ``difference`` is the provider's amount minus costcalc's (a missing side counts as zero).
    ``cause`` says why they differ: ``match``, ``price change``, ``tier``, ``cache``,
    ``context window``, ``tool fees``, ``discount``, ``unknown model``, ``unpriced``,
    ``unmatched line item``,
    ``not in costs``, ``not in usage`` or ``unexplained``; ``explanation`` says how it was found.
    A ``None`` project, model or line item means the provider's costs are not broken down by it."""

    model_config = ConfigDict(frozen=True)

    day: dt.date
    provider: str
    project: str | None
    model: str | None
    line_item: str | None
    costcalc_amount: Decimal | None
    provider_amount: Decimal | None
    difference: Decimal
    cause: str
    explanation: str


class InvoiceReconciliation(_Exports, BaseModel):
    """A usage export priced by costcalc against the provider's cost export.

    ``costcalc_total`` and ``provider_total`` add up the rows; ``difference`` is provider minus
    costcalc. ``usage`` is the priced usage export; ``errors`` and ``duplicates`` list the cost
    rows and pages that could not be used or were given twice."""

    model_config = ConfigDict(frozen=True)

    rows: list[InvoiceRow]
    costcalc_total: Decimal
    provider_total: Decimal
    difference: Decimal
    usage: UsageExport
    errors: list[ExportRowError] = []
    duplicates: list[str] = []
    tolerance: Decimal = DEFAULT_TOLERANCE

    def _rows(self) -> list[BaseModel]:
        return list(self.rows)

    def causes(self) -> dict[str, Decimal]:
        """The difference explained by each cause (``match`` rows are within the tolerance)."""
        sums: dict[str, list[Decimal]] = {}
        for row in self.rows:
            sums.setdefault(row.cause, []).append(row.difference)
        return {cause: tidy(exact_sum(*values)) for cause, values in sorted(sums.items())}

    def summary(self, money: Callable[[Decimal | None], str] | None = None) -> list[list[str]]:
        """The reconciliation as label / value rows; ``money`` formats the amounts (exact by default)."""
        from costcalc._display import usd

        fmt = money or usd
        rows = [
            ["costcalc", fmt(self.costcalc_total)],
            ["provider", fmt(self.provider_total)],
            ["difference (provider - costcalc)", fmt(self.difference)],
        ]
        rows += [[f"  {cause}", fmt(amount)] for cause, amount in self.causes().items()]
        if self.usage.unpriced:
            rows.append(["unpriced usage quantities", str(len(self.usage.unpriced))])
        errors = len(self.errors) + len(self.usage.errors)
        if errors:
            rows.append(["bad rows (usage and costs)", str(errors)])
        duplicates = len(self.duplicates) + len(self.usage.duplicates)
        if duplicates:
            rows.append(["duplicate pages (counted once)", str(duplicates)])
        return rows

    def _repr_html_(self) -> str:
        from costcalc._display import table, usd

        head = table(self.summary(), caption="Invoice reconciliation")
        rows = [
            [
                r.day.isoformat(),
                r.project or "",
                r.model or "",
                r.line_item or "",
                usd(r.costcalc_amount),
                usd(r.provider_amount),
                usd(r.difference),
                r.cause,
            ]
            for r in self.rows
        ]
        header = ["day", "project", "model", "line item", "costcalc", "provider", "difference", "cause"]
        return head + table(rows, header, "By day, project, model and line item")


# -- reading pages -----------------------------------------------------------------------------------


def _raw_pages(source: Source) -> Iterator[tuple[str, Any]]:
    """(position, page-or-bucket) for every page of ``source``; a bad file line is yielded as a
    UsageParseError in place of the page."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ExportKindError(
                f"cannot read {path}: {exc.strerror or exc}",
                found="no file",
                expected="a .json or .jsonl file of pages",
            ) from exc
        if path.suffix.lower() == ".jsonl":
            for number, line in enumerate(text.splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    yield f"{path.name} line {number}", json.loads(line)
                except json.JSONDecodeError as exc:
                    yield f"{path.name} line {number}", UsageParseError(f"is not JSON: {exc.msg}")
            return
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ExportKindError(
                f"{path.name} is not JSON ({exc.msg} at line {exc.lineno}); "
                "a .jsonl file holds one page a line",
                found="not JSON",
                expected="a .json file of one page or a list of pages",
            ) from None
        if isinstance(data, list):
            for i, page in enumerate(data, 1):
                yield f"{path.name} page {i}", page
        else:
            yield path.name, data
        return
    if is_map(source) or not isinstance(source, Iterable) or _is_page_object(source):
        yield "page 1", source
        return
    for i, page in enumerate(source, 1):
        yield f"page {i}", page


def _is_page_object(obj: Any) -> bool:
    # An SDK page (SyncPage, SyncCursorPage...) is iterable over its items; read it whole.
    return hasattr(obj, "model_dump") or hasattr(obj, "data")


def _describe(data: Any, raw: Any) -> str:
    if is_map(data):
        for module in _READERS:
            found = module.export_kind(data)
            if found in ("usage", "costs"):
                return f"an {module.EXPORT_NAMES[found]} page"
        keys = ", ".join(list(data)[:6])
        return f"a {type(raw).__name__} with keys {keys or '(none)'}"
    return f"a {type(raw).__name__}"


def _read_pages(source: Source, wanted: str) -> tuple[list[ExportPage], list[ExportRowError], list[str], int]:
    """The pages of ``source`` read by their provider's module; ``wanted`` is ``usage`` or
    ``costs``. Returns the pages, the rows that could not be read, the duplicate pages, and how
    many pages were read."""
    pages: list[ExportPage] = []
    errors: list[ExportRowError] = []
    duplicates: list[str] = []
    seen: dict[str, str] = {}
    count = 0
    expected = " or ".join(f"an {module.EXPORT_NAMES[wanted]} page" for module in _READERS)
    for position, raw in _raw_pages(source):
        if isinstance(raw, UsageParseError):
            errors.append(ExportRowError(position=position, reason=str(raw)))
            continue
        try:
            data = plain(raw)
        except UsageParseError as exc:
            raise ExportKindError(
                str(exc), found=_describe(None, raw), expected=expected, position=position
            ) from None
        reader = None
        found = None
        if is_map(data):
            for module in _READERS:
                found = module.export_kind(data)
                if found is not None:
                    reader = module
                    break
        if reader is None or found is None:
            raise ExportKindError(
                f"{_describe(data, raw)} is not an export page; expected {expected}",
                found=_describe(data, raw),
                expected=expected,
                position=position,
            )
        if found not in (wanted, "empty"):
            raise ExportKindError(
                f"{_describe(data, raw)} was given as {wanted}; expected {expected}",
                found=_describe(data, raw),
                expected=expected,
                position=position,
            )
        fingerprint = json.dumps(data, sort_keys=True, default=str)
        if fingerprint in seen:
            duplicates.append(f"{position} repeats {seen[fingerprint]}")
            continue
        seen[fingerprint] = position
        count += 1
        page = reader.read_export_page(data, position)
        errors += [ExportRowError(position=where, reason=reason) for where, reason in page.errors]
        other = "costs" if wanted == "usage" else "usage"
        stray: tuple[ExportBucket | CostItem, ...] = page.items if wanted == "usage" else page.buckets
        errors += [
            ExportRowError(
                position=row.position,
                reason=f"a {other} result in a {wanted} page: left out here (give it with the {other} pages)",
            )
            for row in stray
        ]
        pages.append(page)
    return pages, errors, duplicates, count


def _without_overlaps(rows: Iterable[Any], errors: list[ExportRowError]) -> list[Any]:
    """The rows minus those whose time range overlaps an earlier row with the same grouping keys
    (each one reported: counting both would count the same usage twice)."""
    # Per grouping key, the kept rows' ranges never overlap: sorted by start, a new range can only
    # clash with its neighbours.
    starts: dict[tuple[Any, ...], list[dt.datetime]] = {}
    kept: dict[tuple[Any, ...], list[Any]] = {}
    out = []
    for row in rows:
        key = (row.provider, getattr(row, "kind", "costs"), tuple(sorted(row.groups)))
        begins = starts.setdefault(key, [])
        same = kept.setdefault(key, [])
        at = bisect.bisect_left(begins, row.start)
        clash = None
        if at > 0 and same[at - 1].end > row.start:
            clash = same[at - 1]
        elif at < len(same) and same[at].start < row.end:
            clash = same[at]
        if clash is not None:
            errors.append(
                ExportRowError(
                    position=row.position,
                    reason=f"overlaps {clash.position} ({clash.start.isoformat()} to "
                    f"{clash.end.isoformat()}) with the same grouping keys: left out so the same "
                    "usage is not counted twice",
                )
            )
            continue
        begins.insert(at, row.start)
        same.insert(at, row)
        out.append(row)
    return out


# -- pricing -----------------------------------------------------------------------------------------


def price_usage_export(source: Source, *, catalog: Catalog | None = None, strict: bool = True) -> UsageExport:
    """Price a usage export line by line at the catalog's rates for each row's day.

    ``source`` is one page or many: OpenAI Usage API pages, Anthropic usage report pages (SDK
    objects or dicts), or a path to a ``.json`` / ``.jsonl`` file of them. Each row is priced as
    a :class:`costcalc.Usage` at its model's rates for the row's tier (``standard`` when the
    export does not say), context-window band and surcharges, at the prices in force on the
    row's start day. A billable quantity costcalc cannot price (an unknown model, a quantity
    with no rate, a number of the export costcalc does not know) raises
    :class:`~costcalc.errors.UnpricedUsageError` naming it; with ``strict=False`` it is listed
    in :attr:`UsageExport.unpriced`. Unreadable and overlapping rows go to ``errors``.
    """
    cat = catalog_or_default(catalog)
    pages, errors, duplicates, count = _read_pages(source, "usage")
    buckets = _without_overlaps((b for page in pages for b in page.buckets), errors)
    lines: list[ExportLine] = []
    unpriced: list[UnpricedExportItem] = []
    warnings: list[str] = []
    for bucket in buckets:
        _price_bucket(bucket, cat, strict, lines, unpriced, warnings)
    return UsageExport(
        lines=lines,
        total=tidy(exact_sum(*(line.amount for line in lines))),
        unpriced=unpriced,
        errors=errors,
        duplicates=duplicates,
        warnings=warnings,
        pages=count,
        rows=len(buckets),
    )


def _price_bucket(
    b: ExportBucket,
    cat: Catalog,
    strict: bool,
    lines: list[ExportLine],
    unpriced: list[UnpricedExportItem],
    warnings: list[str],
) -> None:
    day = b.start.astimezone(dt.UTC).date()
    name = b.model or b.rate_model

    def refuse(field: str, quantity: int | Decimal, reason: str, cause: str) -> None:
        if isinstance(quantity, Decimal) and quantity == quantity.to_integral_value():
            quantity = int(quantity)
        if strict:
            raise UnpricedUsageError(f"{b.position}: {reason}", field=field, model=name)
        unpriced.append(
            UnpricedExportItem(
                position=b.position,
                day=day,
                provider=b.provider,
                project=b.project,
                model=b.model,
                field=field,
                quantity=quantity,
                cause=cause,
                reason=reason,
            )
        )

    for u in b.unpriced:
        refuse(u.field, u.quantity, u.reason, "unknown_field")
    usage = b.usage
    if not (usage.input_tokens or usage.output_tokens or usage.units):
        return
    size = tidy(
        exact_sum(Decimal(usage.input_tokens + usage.output_tokens), *map(Decimal, usage.units.values()))
    )
    if name is None:
        refuse(
            "model",
            size,
            "the row names no model, so its tokens cannot be priced: export the usage grouped by model",
            "no_model",
        )
        return
    try:
        info = cat.get_model(name, provider=b.provider)
    except UnknownModelError as exc:
        refuse("model", size, str(exc), "unknown_model")
        return
    tier = b.tier or "standard"
    try:
        tp = info.tier_price(tier, day)
    except (UnsupportedTierError, NoPriceError) as exc:
        refuse("tier", size, str(exc), "no_price")
        return
    rates = _band_rates(tp, b.long_context)
    if (
        b.long_context is None
        and tp.long is not None
        and tp.above is not None
        and usage.input_tokens > tp.above
    ):
        warnings.append(
            f"{b.position}: {info.id} bills requests above {tp.above:,} input tokens at long-context rates; "
            "the export does not say which requests were, so the row is priced at the short-context rates "
            "(a lower bound if some were long)"
        )
    factor = Decimal(1)
    for surcharge in b.surcharges:
        multiplier = info.surcharges.get(surcharge)
        if multiplier is None:
            warnings.append(
                f"{b.position}: the row asks for {surcharge!r} but {info.id} has no such surcharge in the "
                "catalog; priced without it"
            )
        else:
            factor = EXACT.multiply(factor, multiplier)
    cost = compute_cost(usage, rates, info.id, tier, strict=False)
    for line in cost.lines:
        if line.quantity is None or line.rate is None:
            continue
        lines.append(
            ExportLine.model_construct(  # values computed here, not input: no need to validate
                day=day,
                provider=b.provider,
                project=b.project,
                api_key=b.api_key,
                model=info.id if b.model else None,
                line_item=line.name,
                quantity=line.quantity,
                unit="tokens" if line.per == 1_000_000 else line.name,
                rate=tidy(EXACT.multiply(line.rate, factor)),
                amount=tidy(EXACT.multiply(line.amount, factor)),
                tier=tier,
                tier_stated=b.tier is not None,
                long_context=rates is tp.long,
                factor=tidy(factor),
                rate_model=info.id,
                position=b.position,
            )
        )
    for u in cost.unpriced:
        refuse(u.field, u.quantity, u.reason, "no_rate")


def _band_rates(tp: TierPrice, long_context: bool | None) -> Rates:
    if long_context and tp.long is not None:
        return tp.long
    return tp.rates


def _line_amount(
    line: ExportLine, rates: Rates | None, quantity: int | Decimal | None = None
) -> Decimal | None:
    """What ``line`` costs at ``rates`` (None when they have no rate for it)."""
    if rates is None:
        return None
    qty = line.quantity if quantity is None else quantity
    field = _RATE_FIELD.get(line.line_item)
    if field is not None:
        rate = getattr(rates, field)
        if rate is None:
            return None
        amount = EXACT.multiply(per_token(rate), qty)
    else:
        unit_rate = rates.units.get(line.line_item)
        if unit_rate is None:
            return None
        amount = EXACT.multiply(unit_rate, qty)
    return tidy(EXACT.multiply(amount, line.factor))


# -- reconciling -------------------------------------------------------------------------------------

_Key = tuple[dt.date, str, str | None, str | None, str | None]


class _Entry:
    """One amount on one side of the reconciliation, with its matching key (mutable while the
    keys are coarsened to what the cost export is broken down by)."""

    __slots__ = ("day", "item", "line", "model", "project", "provider", "source", "unpriced", "value")

    def __init__(
        self,
        day: dt.date,
        provider: str,
        project: str | None,
        model: str | None,
        line: str | None,
        value: Decimal,
        *,
        source: ExportLine | None = None,
        unpriced: UnpricedExportItem | None = None,
        item: CostItem | None = None,
    ) -> None:
        self.day, self.provider, self.project, self.model, self.line = day, provider, project, model, line
        self.value = value
        self.source = source
        self.unpriced = unpriced
        self.item = item

    def key(self) -> _Key:
        return (self.day, self.provider, self.project, self.model, self.line)


def reconcile_invoice(
    usage: Source,
    costs: Source,
    *,
    catalog: Catalog | None = None,
    tolerance: Decimal | str = DEFAULT_TOLERANCE,
) -> InvoiceReconciliation:
    """Compare costcalc's price of a usage export with the provider's cost export.

    ``usage`` is what :func:`price_usage_export` reads; ``costs`` the matching OpenAI Costs API
    pages or Anthropic cost report pages. The two are compared by day, project (workspace),
    model and line item, as finely as the cost export is broken down. Each row whose difference
    is more than ``tolerance`` USD (half a cent by default: providers round) gets a cause, found
    by pricing the row's usage at the alternatives (the model's other dated prices, the other
    tiers, cache reads billed as input, cache writes at the other retention, the other context
    band, other tool rates) and keeping the first that gives the provider's amount; a model or
    line item costcalc cannot price or match is named as the cause. Otherwise the cause is
    ``unexplained``.
    """
    from costcalc._money import parse_decimal

    tol = parse_decimal(tolerance, "tolerance")
    cat = catalog_or_default(catalog)
    export = price_usage_export(usage, catalog=cat, strict=False)
    pages, errors, duplicates, _count = _read_pages(costs, "costs")
    items: list[CostItem] = []
    for page in pages:
        for item in page.items:
            if item.currency.upper() != "USD":
                errors.append(
                    ExportRowError(
                        position=item.position,
                        reason=f"currency {item.currency!r} is not USD: costcalc prices in USD and cannot "
                        "compare it (convert the amount, or leave the row out of the costs)",
                    )
                )
            else:
                items.append(item)
    items = _without_overlaps(items, errors)

    ours: list[_Entry] = [
        _Entry(line.day, line.provider, line.project, line.model, line.line_item, line.amount, source=line)
        for line in export.lines
    ]
    ours += [
        _Entry(
            u.day,
            u.provider,
            u.project,
            _model_key(cat, u.model, u.provider),
            None,
            ZERO,
            unpriced=u,
        )
        for u in export.unpriced
    ]
    theirs = [
        _Entry(
            item.start.astimezone(dt.UTC).date(),
            item.provider,
            item.project,
            _model_key(cat, item.model, item.provider),
            item.line if item.line is not None or item.label is None else f"unmatched: {item.label}",
            item.amount,
            item=item,
        )
        for item in items
    ]
    _coarsen(ours, theirs)
    rows = _rows(ours, theirs, cat, tol)
    costcalc_total = tidy(exact_sum(*(r.costcalc_amount for r in rows if r.costcalc_amount is not None)))
    provider_total = tidy(exact_sum(*(r.provider_amount for r in rows if r.provider_amount is not None)))
    return InvoiceReconciliation(
        rows=rows,
        costcalc_total=costcalc_total,
        provider_total=provider_total,
        difference=tidy(EXACT.subtract(provider_total, costcalc_total)),
        usage=export,
        errors=errors,
        duplicates=duplicates,
        tolerance=tol,
    )


def _model_key(cat: Catalog, model: str | None, provider: str) -> str | None:
    if model is None:
        return None
    try:
        return cat.get_model(model, provider=provider).id
    except (UnknownModelError, LookupError):
        return model.lower()


def _coarsen(ours: list[_Entry], theirs: list[_Entry]) -> None:
    """Match the usage side to what the cost export is broken down by (and back)."""
    token_lines = set(_RATE_FIELD)
    days: dict[tuple[dt.date, str], tuple[list[_Entry], list[_Entry]]] = {}
    for e in ours:
        days.setdefault((e.day, e.provider), ([], []))[0].append(e)
    for e in theirs:
        days.setdefault((e.day, e.provider), ([], []))[1].append(e)
    for mine, provider in days.values():
        if any(e.item is not None and e.item.line is None and e.item.label is None for e in provider):
            for e in mine + provider:
                e.line = None
                e.model = None
        elif any(e.line == "tokens" for e in provider):
            for e in mine:
                if e.line in token_lines or (e.unpriced is not None and e.line is None):
                    e.line = "tokens"
        if provider and all(e.project is None for e in provider):
            for e in mine:
                e.project = None
        if mine and all(e.project is None for e in mine):
            for e in provider:
                e.project = None
        by_line: dict[str | None, tuple[list[_Entry], list[_Entry]]] = {}
        for e in mine:
            by_line.setdefault(e.line, ([], []))[0].append(e)
        for e in provider:
            by_line.setdefault(e.line, ([], []))[1].append(e)
        for line_mine, line_provider in by_line.values():
            if line_provider and all(e.model is None for e in line_provider):
                for e in line_mine:
                    e.model = None
            if line_mine and all(e.model is None for e in line_mine if e.unpriced is None):
                for e in line_provider:
                    e.model = None


def _rows(ours: list[_Entry], theirs: list[_Entry], cat: Catalog, tol: Decimal) -> list[InvoiceRow]:
    groups: dict[_Key, tuple[list[_Entry], list[_Entry]]] = {}
    unpriced: dict[tuple[dt.date, str, str | None, str | None], list[_Entry]] = {}
    for e in ours:
        if e.unpriced is not None:
            unpriced.setdefault((e.day, e.provider, e.project, e.model), []).append(e)
        else:
            groups.setdefault(e.key(), ([], []))[0].append(e)
    for e in theirs:
        groups.setdefault(e.key(), ([], []))[1].append(e)
    # An unpriced quantity belongs to the rows of its day, project and model (of its line when it
    # has one); with no such row it is a row of its own.
    attached: dict[_Key, list[UnpricedExportItem]] = {}
    for where, entries in unpriced.items():
        keys = [k for k in groups if k[:4] == where]
        for e in entries:
            assert e.unpriced is not None
            targets = [k for k in keys if e.line is None or k[4] == e.line]
            if not targets:
                targets = [e.key()]
                groups.setdefault(targets[0], ([], []))
            for k in targets:
                attached.setdefault(k, []).append(e.unpriced)
    rows = []
    for key in sorted(groups, key=lambda k: (k[0], k[1], k[2] or "", k[3] or "", k[4] or "")):
        mine, provider = groups[key]
        priced = [e.source for e in mine if e.source is not None]
        missing = attached.get(key, [])
        ours_amount = tidy(exact_sum(*(line.amount for line in priced))) if priced else None
        theirs_amount = tidy(exact_sum(*(e.value for e in provider))) if provider else None
        difference = tidy(EXACT.subtract(theirs_amount or ZERO, ours_amount or ZERO))
        cause, explanation = _cause(
            key, priced, missing, provider, ours_amount, theirs_amount, difference, cat, tol
        )
        day, provider_name, project, model, line = key
        rows.append(
            InvoiceRow(
                day=day,
                provider=provider_name,
                project=project,
                model=model,
                line_item=line,
                costcalc_amount=ours_amount,
                provider_amount=theirs_amount,
                difference=difference,
                cause=cause,
                explanation=explanation,
            )
        )
    return rows


def _cause(
    key: _Key,
    priced: list[ExportLine],
    missing: list[UnpricedExportItem],
    provider: list[_Entry],
    ours: Decimal | None,
    theirs: Decimal | None,
    difference: Decimal,
    cat: Catalog,
    tol: Decimal,
) -> tuple[str, str]:
    line = key[4]
    if difference.copy_abs() <= tol and (not missing or ours is not None or theirs is not None):
        return "match", "costcalc's amount and the provider's agree" + (
            "" if difference == 0 else f" within the tolerance of {tol} USD"
        )
    if line is not None and line.startswith("unmatched: "):
        return (
            "unmatched line item",
            f"the provider's line item {line[len('unmatched: ') :]!r} names nothing costcalc prices, so it "
            "cannot be matched to a usage line",
        )
    unknown = [u for u in missing if u.cause == "unknown_model"]
    if unknown:
        return "unknown model", f"the catalog does not know {unknown[0].model!r}: {unknown[0].reason}"
    if missing:
        fields = ", ".join(sorted({f"{u.field} ({u.quantity})" for u in missing}))
        return "unpriced", f"costcalc could not price {fields}: {missing[0].reason}"
    if theirs is None:
        return "not in costs", "the usage export has this line but the cost export has no row for it"
    if ours is None:
        return "not in usage", "the cost export charges this line but the usage export has no usage for it"
    listed = [e.item.list_amount for e in provider if e.item is not None and e.item.list_amount is not None]
    if listed and len(listed) == len(provider):
        at_list = tidy(exact_sum(*listed))
        if EXACT.subtract(at_list, ours).copy_abs() <= tol:
            return "discount", (
                f"the provider's amount at list prices (list_amount, {at_list} USD) is costcalc's: the "
                "difference is the organization's discount (price with Catalog.with_discount to include it)"
            )
    assert theirs is not None
    for cause, explanation, amount in _alternatives(priced, provider, cat):
        if amount is not None and EXACT.subtract(amount, theirs).copy_abs() <= tol:
            return cause, f"{explanation}: that gives {amount} USD, the provider's amount"
    return "unexplained", (
        "no alternative costcalc checks (another dated price, another tier, cache reads billed as input, "
        "the other cache retention, the other context band, other tool rates) gives the provider's amount"
    )


def _sum_alt(priced: list[ExportLine], rates_of: Callable[[ExportLine], Rates | None]) -> Decimal | None:
    total = []
    for line in priced:
        amount = _line_amount(line, rates_of(line))
        if amount is None:
            return None
        total.append(amount)
    return tidy(exact_sum(*total))


def _alternatives(
    priced: list[ExportLine], provider: list[_Entry], cat: Catalog
) -> Iterator[tuple[str, str, Decimal | None]]:
    infos: dict[str, ModelInfo] = {
        line.rate_model: cat.get_model(line.rate_model, provider=line.provider) for line in priced
    }

    def tier_price(line: ExportLine, tier: str, at: dt.date) -> TierPrice | None:
        period = infos[line.rate_model].period(at)
        return period.tier(tier)

    def rates(
        line: ExportLine, tier: str | None = None, at: dt.date | None = None, long: bool | None = None
    ) -> Rates | None:
        tp = tier_price(line, tier or line.tier, at or line.day)
        if tp is None:
            return None
        return _band_rates(tp, line.long_context if long is None else long)

    # another dated price period
    # nearest first: the period just before (or after) the one in force is the likeliest
    first = min(line.day for line in priced)
    changes = sorted(
        {p.since for info in infos.values() for p in info.prices if p.since is not None},
        key=lambda since: (abs((since - first).days), since),
    )
    for since in changes:
        at = as_date(since)
        if all(
            infos[line.rate_model].period(at) is infos[line.rate_model].period(line.day) for line in priced
        ):
            continue
        try:
            amount = _sum_alt(priced, functools.partial(rates, at=at))
        except NoPriceError:
            continue
        yield (
            "price change",
            f"the catalog's rates in force from {since} (another dated price period)",
            amount,
        )
    # another tier
    for tier in TIERS:
        if all(line.tier == tier for line in priced):
            continue
        yield (
            "tier",
            f"at the {tier!r} tier's rates"
            + (
                "" if all(line.tier_stated for line in priced) else " (the usage export did not say the tier)"
            ),
            _sum_alt(priced, functools.partial(rates, tier=tier)),
        )
    # cache reads billed as uncached input; cache writes at the other retention or as input
    swaps = (
        ("cache reads billed at the uncached input rate", {"cached_input": "input"}),
        ("cache writes billed at the 1-hour retention rate", {"cache_write": "cache_write_1h"}),
        ("cache writes billed at the 5-minute retention rate", {"cache_write_1h": "cache_write"}),
        (
            "cache writes billed at the uncached input rate",
            {"cache_write": "input", "cache_write_1h": "input"},
        ),
    )
    for text, swap in swaps:
        if not any(line.line_item in swap for line in priced):
            continue

        def swapped(line: ExportLine, swap: Mapping[str, str] = swap) -> Rates | None:
            base = rates(line)
            if base is None or line.line_item not in swap:
                return base
            value = getattr(base, _RATE_FIELD[swap[line.line_item]])
            if value is None:
                return None
            return base.model_copy(update={_RATE_FIELD[line.line_item]: value})

        yield "cache", text, _sum_alt(priced, swapped)
    # the other context-window band
    if any(
        (tp := tier_price(line, line.tier, line.day)) is not None and tp.long is not None for line in priced
    ):
        yield (
            "context window",
            "at the other context-window band's rates (long-context requests billed differently)",
            _sum_alt(priced, lambda line: rates(line, long=not line.long_context)),
        )
    # tool fees: the provider's own count, or another tool rate of the model
    if len(priced) == 1 and priced[0].unit != "tokens":
        line = priced[0]
        counted = [e.item.quantity for e in provider if e.item is not None and e.item.quantity is not None]
        if counted and len(counted) == len(provider):
            theirs_count = exact_sum(*counted)
            if theirs_count != line.quantity:
                yield (
                    "tool fees",
                    f"the provider counted {theirs_count} {line.line_item}, the usage export {line.quantity}",
                    _line_amount(line, rates(line), theirs_count),
                )
        stem = line.line_item.removesuffix("_call")
        info = infos[line.rate_model]
        others = sorted(
            {
                u
                for p in info.prices
                for tp in _tiers(p)
                for u in tp.rates.units
                if u != line.line_item and u.startswith(stem)
            }
        )
        base = rates(line)
        for other in others:
            if base is None or other not in base.units:
                continue
            alt = base.model_copy(update={"units": {**base.units, line.line_item: base.units[other]}})
            yield "tool fees", f"at the {other!r} rate", _line_amount(line, alt)


def _tiers(period: Any) -> Iterator[TierPrice]:
    for name in period.tiers:
        found = period.tier(name)
        if found is not None:
            yield found
