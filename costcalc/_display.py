"""Notebook and terminal display: HTML tables, a progress bar, a cost plot. Imported lazily.

Generic on purpose: the models build their own rows (``Estimate.rows``, ``BatchEstimate.summary``)
and call :func:`table`; nothing here knows the models it shows.
"""

from __future__ import annotations

import html
import sys
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from types import TracebackType
from typing import Any

from costcalc._money import tidy


def cents(value: Decimal | None) -> str:
    """A dollar amount rounded half-up to cents, for terminal tables (``$0.02``); exact amounts
    are in the JSON output and behind ``--exact``."""
    if value is None:
        return "-"
    from costcalc.pricing import round_to

    rounded = round_to(value, "0.01", rounding=ROUND_HALF_UP)
    return f"-${rounded.copy_abs():,.2f}" if rounded < 0 else f"${rounded:,.2f}"


def usd(value: Decimal | None) -> str:
    """A dollar amount as text: exact, never rounded (``$0.0198``)."""
    # copy_abs/copy_negate: exact, whatever the caller's decimal context
    return "-" if value is None else f"${tidy(value):f}" if value >= 0 else f"-${tidy(value.copy_abs()):f}"


def table(rows: Sequence[Sequence[Any]], header: Sequence[str] | None = None, caption: str = "") -> str:
    """An HTML table of ``rows`` (escaped), with an optional header and caption."""
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


# -- progress ---------------------------------------------------------------------------------------


def _interactive() -> bool:
    if sys.stderr is not None and sys.stderr.isatty():
        return True
    shell = sys.modules.get("IPython")
    ip = getattr(shell, "get_ipython", lambda: None)() if shell is not None else None
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


class _NoBar:
    shown = False

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def advance(self, amount: float) -> None:
        return None


class _Bar:
    shown = True

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


def total_row(requests: int, input_tokens: int, output_tokens: int, amount: str) -> list[str]:
    """The last row of a per-model summary: requests, tokens in and out, the amount as shown."""
    return ["total", f"{requests:,}", f"{input_tokens:,}", f"{output_tokens:,}", amount]


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
