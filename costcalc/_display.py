"""Notebook and terminal display: HTML tables, a progress bar, a cost plot. Imported lazily."""

from __future__ import annotations

import html
import sys
from collections.abc import Sequence
from decimal import Decimal
from types import TracebackType
from typing import TYPE_CHECKING, Any

from costcalc._money import tidy

if TYPE_CHECKING:
    from costcalc.batch import BatchCost, BatchEstimate, Reconciliation
    from costcalc.estimation import Estimate


def usd(value: Decimal | None) -> str:
    """A dollar amount as text: exact, never rounded (``$0.0198``)."""
    # copy_abs/copy_negate: exact, whatever the caller's decimal context
    return "-" if value is None else f"${tidy(value):f}" if value >= 0 else f"-${tidy(value.copy_abs()):f}"


def table(rows: Sequence[Sequence[Any]], header: Sequence[str] | None = None, caption: str = "") -> str:
    esc = html.escape
    parts = ['<table class="costcalc">']
    if caption:
        parts.append(f"<caption>{esc(caption)}</caption>")
    if header:
        parts.append("<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr></thead>")
    parts.append("<tbody>")
    for row in rows:
        parts.append("<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in row) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def estimate_rows(est: Estimate) -> list[list[Any]]:
    """The low / expected / high rows of an estimate, for HTML and the terminal alike."""
    return [
        [
            "reasoning tokens",
            est.reasoning_tokens.low,
            est.reasoning_tokens.expected,
            est.reasoning_tokens.high,
        ],
        ["billed output tokens", est.output_tokens.low, est.output_tokens.expected, est.output_tokens.high],
        ["cost", usd(est.cost.low.total), usd(est.cost.expected.total), usd(est.cost.high.total)],
    ]


def estimate_html(est: Estimate) -> str:
    rows = estimate_rows(est)
    note = "" if est.tokens_exact else ", approximate token count"
    effort = f", effort {est.effort}" if est.effort else ""
    ceiling = usd(est.ceiling.total if est.ceiling else None)
    caption = (
        f"{est.model} ({est.tier}{effort}{note}): {est.input_tokens:,} prompt tokens, "
        f"{est.visible_output_tokens:,} visible output tokens; ceiling {ceiling}"
    )
    return table(rows, ["", "low", "expected", "high"], caption)


def _per_model_rows(per_model: dict[str, Any], actual: bool) -> list[list[Any]]:
    if actual:
        return [
            [t.model, f"{t.requests:,}", f"{t.input_tokens:,}", f"{t.output_tokens:,}", usd(t.expected)]
            for t in per_model.values()
        ]
    return [
        [
            t.model,
            f"{t.requests:,}",
            f"{t.input_tokens:,}",
            usd(t.low),
            usd(t.expected),
            usd(t.high),
            usd(t.ceiling),
        ]
        for t in per_model.values()
    ]


def batch_estimate_html(est: BatchEstimate) -> str:
    rows = _per_model_rows(est.per_model, actual=False)
    rows.append(
        [
            "total",
            f"{est.requests:,}",
            f"{est.input_tokens:,}",
            usd(est.low),
            usd(est.expected),
            usd(est.high),
            usd(est.ceiling),
        ]
    )
    caption = f"Batch estimate ({est.tier}): {est.requests:,} requests, {len(est.errors)} bad lines"
    out = table(rows, ["model", "requests", "input tokens", "low", "expected", "high", "ceiling"], caption)
    if est.errors:
        out += table(
            [[e.line, e.custom_id or "", e.reason] for e in est.errors[:50]],
            ["line", "custom_id", "reason"],
            "bad lines" + (" (first 50)" if len(est.errors) > 50 else ""),
        )
    return out


def batch_cost_html(cost: BatchCost) -> str:
    rows = _per_model_rows(cost.per_model, actual=True)
    rows.append(
        ["total", f"{cost.requests:,}", f"{cost.input_tokens:,}", f"{cost.output_tokens:,}", usd(cost.total)]
    )
    caption = (
        f"Batch actual cost: {cost.requests:,} requests priced, {len(cost.failed)} failed, "
        f"{len(cost.errors)} bad lines"
    )
    out = table(rows, ["model", "requests", "input tokens", "output tokens", "cost"], caption)
    if cost.failed:
        out += table(
            [[e.line, e.custom_id or "", e.reason] for e in cost.failed[:50]],
            ["line", "custom_id", "reason"],
            "failed requests (not billed)",
        )
    return out


def reconciliation_html(rec: Reconciliation) -> str:
    rows: list[list[Any]] = [
        [
            "estimated (low / expected / high)",
            f"{usd(rec.estimated_low)} / {usd(rec.estimated_expected)} / {usd(rec.estimated_high)}",
        ],
        ["actual", usd(rec.actual)],
        ["requests below / within / above the range", f"{rec.below} / {rec.within} / {rec.above}"],
        ["above the ceiling", len(rec.above_ceiling)],
        ["estimated but not in the output", len(rec.not_in_output)],
        ["in the output but not estimated", len(rec.not_in_estimate)],
    ]
    return table(rows, caption="Estimate against actual, by custom_id")


# -- progress ---------------------------------------------------------------------------------------


def _interactive() -> bool:
    if sys.stderr is not None and sys.stderr.isatty():
        return True
    shell = sys.modules.get("IPython")
    ip = getattr(shell, "get_ipython", lambda: None)() if shell is not None else None
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


class _NoBar:
    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def advance(self, amount: float) -> None:
        return None


class _Bar:
    def __init__(self, total: int | None, description: str) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

        columns = [TextColumn("{task.description}"), BarColumn()]
        columns += (
            [TransferSpeedColumn(), TimeRemainingColumn()]
            if total
            else [TextColumn("{task.completed:,.0f} lines")]
        )
        self._progress = Progress(*columns, console=Console(stderr=True), transient=True)
        self._task = self._progress.add_task(description, total=total)
        self._pending = 0.0

    def __enter__(self) -> _Bar:
        self._progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._progress.update(self._task, advance=self._pending)
        self._progress.stop()

    def advance(self, amount: float) -> None:
        # Update the bar every ~256 KiB: rich's own bookkeeping costs more than a line's work.
        self._pending += amount
        if self._pending >= 262_144:
            self._progress.update(self._task, advance=self._pending)
            self._pending = 0.0


def progress_bar(enabled: bool | None, total: int | None, description: str) -> _Bar | _NoBar:
    """A progress bar on stderr (terminal or notebook); none when not interactive or switched off."""
    if enabled is None:
        enabled = _interactive()
    return _Bar(total, description) if enabled else _NoBar()


# -- plot ---------------------------------------------------------------------------------------------


def plot_costs(
    expected: Sequence[Decimal], high: Sequence[Decimal] | None, *, ax: Any = None, title: str = ""
) -> Any:
    """A histogram of per-request costs (matplotlib; ``pip install "costcalc[notebook]"``)."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError('plot() needs matplotlib: pip install "costcalc[notebook]"') from exc
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    # float ok: plotting only; the amounts themselves stay Decimal everywhere else.
    values = [float(v) * 1000 for v in expected]  # float ok
    bins = min(60, max(5, len(values) // 20))
    ax.hist(values, bins=bins, color="#4C72B0", alpha=0.85, label="expected")
    if high is not None:
        highs = [float(v) * 1000 for v in high]  # float ok
        ax.hist(
            highs,
            bins=bins,
            color="#DD8452",
            alpha=0.45,
            label="high",
        )
        ax.legend()
    ax.set_xlabel("cost per request (USD per 1,000 requests)")
    ax.set_ylabel("requests")
    ax.set_title(title)
    return ax
