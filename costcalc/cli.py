"""The ``costcalc`` command (also ``python -m costcalc``).

Exit status: 0 when everything was priced, 1 when some input was bad (the good part is still
printed; the bad lines go to stderr with their line numbers; a file that is not a batch file of
the kind the command reads is bad input too), 2 for a wrong command line (an unknown option, a
negative ``--output-tokens``, an unknown ``--tier``, a Gemini batch file without ``--model``).
Requests that failed, errored, expired or were canceled in a batch job are listed on stderr and
do not change the status: they are the job's outcome, not bad input.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

import click

from costcalc.errors import CostcalcError, describe

__all__ = ["main"]


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    console = Console(stderr=stderr, highlight=False, soft_wrap=False)
    if not console.is_terminal:  # piped: do not squeeze tables into 80 columns
        console = Console(stderr=stderr, highlight=False, soft_wrap=False, width=160)
    return console


def _usd(value: Decimal | None) -> str:
    from costcalc._display import usd

    return usd(value)


def _dump(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str, ensure_ascii=False))


def _fail(message: str) -> NoReturn:
    _console(stderr=True).print(f"[red]error:[/red] {message}", markup=True, soft_wrap=True)
    sys.exit(1)


def _table(
    title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], right: Sequence[int] = ()
) -> Any:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for i, col in enumerate(columns):
        table.add_column(col, justify="right" if i in right else "left")
    for row in rows:
        table.add_row(*(str(c) for c in row))
    return table


def _report_errors(errors: Sequence[Any], label: str = "bad line", where: str = "") -> None:
    err = _console(stderr=True)
    for e in errors:
        cid = f" ({e.custom_id})" if e.custom_id else ""
        err.print(f"{where}line {e.line}{cid}: {e.reason}", markup=False, highlight=False, soft_wrap=True)
    if errors:
        err.print(f"{where}{len(errors)} {label}(s)", markup=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="costcalc")
def main() -> None:
    """Exact, offline prices for LLM API calls."""


_TIER_CHOICES = ("standard", "batch", "flex", "priority", "fast")
_KIND_CHOICES = (
    "chat",
    "completion",
    "embedding",
    "moderation",
    "realtime",
    "audio",
    "transcription",
    "speech",
    "image",
    "video",
    "rerank",
)


@main.command()
@click.option("--provider", help="Only this provider's models (openai, anthropic, bedrock...).")
@click.option("--kind", type=click.Choice(_KIND_CHOICES), help="Only models of this kind.")
@click.option(
    "--tier",
    type=click.Choice(_TIER_CHOICES),
    default="standard",
    show_default=True,
    help="Only models offering this tier today; its rates are shown.",
)
@click.option("--search", "pattern", help="Only models whose id contains this text.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def models(provider: str | None, kind: str | None, tier: str, pattern: str | None, as_json: bool) -> None:
    """List the catalog: rates per 1M tokens, tiers, limits."""
    import costcalc as cc

    if provider is not None and provider.strip().lower() not in cc.default_catalog().providers:
        known = ", ".join(cc.default_catalog().providers)
        raise click.BadParameter(
            f"unknown provider {provider!r}; providers: {known}", param_hint="--provider"
        )
    found = [
        m
        for m in cc.list_models(provider, kind=kind, tier=tier)
        if pattern is None or pattern.lower() in m.id
    ]
    if as_json:
        _dump([m.model_dump(mode="json") for m in found])
        return
    rows = []
    for m in found:
        period = m.period()
        tp = period.tier(tier)
        if tp is None:
            continue
        r = tp.rates
        long = f" (>{tp.above:,}: {_usd(tp.long.input)})" if tp.long is not None and tp.above else ""
        rows.append(
            [
                m.id,
                m.provider,
                f"{_usd(r.input)}{long}",
                _usd(r.cached_input),
                _usd(r.output),
                ", ".join(period.tiers),
                f"{m.context_window:,}" if m.context_window else "-",
                "yes" if m.reasoning else "",
            ]
        )
    _console().print(
        _table(
            f"Models ({tier} rates, USD per 1M tokens)",
            ["model", "provider", "input", "cached", "output", "tiers", "context", "reasoning"],
            rows,
            right=(2, 3, 4, 6),
        )
    )


def _read_text(text: str) -> str:
    return sys.stdin.read() if text == "-" else text


def _read_prompt(prompt: str, messages_file: Path | None) -> Any:
    if messages_file is not None:
        try:
            return json.loads(messages_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            _fail(f"{messages_file}: {exc}")
    return _read_text(prompt)


@main.command()
@click.argument("text", default="-")
@click.option("--model", "-m", required=True, help="Model name, e.g. gpt-4.1.")
@click.option(
    "--messages",
    "messages_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Count a JSON file of chat messages (or Responses input) instead of TEXT.",
)
@click.option("--json", "as_json", is_flag=True)
def count(text: str, model: str, messages_file: Path | None, as_json: bool) -> None:
    """Count the tokens of TEXT (or stdin with -) for a model."""
    import costcalc as cc

    try:
        if messages_file is not None:
            n = cc.count_messages(_read_prompt(text, messages_file), model)
        else:
            n = cc.count_tokens(_read_text(text), model)
    except (CostcalcError, ValueError, TypeError, LookupError) as exc:
        _fail(describe(exc))
    _dump({"model": cc.get_model(model).id, "tokens": n}) if as_json else click.echo(n)


def _cents(value: Decimal | None, exact: bool) -> str:
    """A dollar amount for a table: rounded half-up to cents, or exact with ``--exact``."""
    return str(_money(exact)(value))


_CENTS_NOTE = "amounts rounded half-up to cents; --exact (or --json) for the exact amounts"
_EXACT_HELP = "Show exact amounts instead of cents."


def _money(exact: bool) -> Any:
    """The formatter of a table's amounts: cents by default, exact with --exact."""
    from costcalc._display import cents, usd

    return usd if exact else cents


def _cents_note(exact: bool) -> None:
    if not exact:
        click.echo(_CENTS_NOTE, err=True)


def _unit_pairs(values: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        name, sep, quantity = item.partition("=")
        if not sep or not name or not quantity:
            raise click.BadParameter(
                f"{item!r} is not NAME=QUANTITY (e.g. web_search_call=2)", param_hint="--unit"
            )
        out[name.strip()] = quantity.strip()
    return out


@main.command()
@click.argument("model_name", required=False, metavar="[MODEL]")
@click.option("--model", "-m", help="Model name, e.g. gpt-4o (or give it as the first argument).")
@click.option(
    "--input", "input_tokens", type=int, default=0, show_default=True, help="Whole prompt, cached included."
)
@click.option("--cached", type=int, default=0, show_default=True)
@click.option("--cache-write", type=int, default=0, show_default=True)
@click.option("--output", "output_tokens", type=int, default=0, show_default=True, help="Reasoning included.")
@click.option("--reasoning", type=int, default=0, show_default=True)
@click.option(
    "--unit",
    "units",
    multiple=True,
    metavar="NAME=QTY",
    help="A billable unit, e.g. web_search_call=2 (repeat).",
)
@click.option("--tier", default="standard", show_default=True)
@click.option("--provider", help="Who sells the model, when several do (bedrock, azure, ...).")
@click.option("--surcharge", "surcharges", multiple=True, help="A published surcharge by name (repeat).")
@click.option("--at", help="Date of the prices (YYYY-MM-DD); default today.")
@click.option("--exact", is_flag=True, help="Show exact amounts instead of cents.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output, exact amounts.")
def price(
    model_name: str | None,
    model: str | None,
    input_tokens: int,
    cached: int,
    cache_write: int,
    output_tokens: int,
    reasoning: int,
    units: tuple[str, ...],
    tier: str,
    provider: str | None,
    surcharges: tuple[str, ...],
    at: str | None,
    exact: bool,
    as_json: bool,
) -> None:
    """Price a usage exactly: costcalc price gpt-4o --input 1000 --output 200"""
    import costcalc as cc

    if model_name and model and model_name != model:
        raise click.UsageError(f"two models given: {model_name!r} and --model {model!r}")
    name = model_name or model
    if not name:
        raise click.UsageError("give the model: costcalc price gpt-4o --input 1000 (or -m gpt-4o)")
    try:
        usage = cc.Usage(
            input_tokens=input_tokens,
            cached_input_tokens=cached,
            cache_write_tokens=cache_write,
            output_tokens=output_tokens,
            reasoning_tokens=reasoning,
            units=_unit_pairs(units),
        )
        cost = cc.price(usage, model=name, tier=tier, at=at, provider=provider, surcharges=surcharges)
    except (CostcalcError, ValueError, LookupError) as exc:
        _fail(describe(exc))
    if as_json:
        data = cost.model_dump(mode="json")
        data["lines"] = [
            {
                "name": line.name,
                "quantity": None if line.quantity is None else str(line.quantity),
                "rate": None if line.rate is None else _usd(line.rate).lstrip("$"),
                "per": line.per,
                "amount": _usd(line.amount).lstrip("$"),
            }
            for line in cost.lines
        ]
        _dump(data)
        return
    rows = [
        [
            line.name,
            f"{line.quantity:,}" if isinstance(line.quantity, int) else str(line.quantity or ""),
            _cents(line.amount, exact),
        ]
        for line in cost.lines
    ]
    rows.append(["total", "", _cents(cost.total, exact)])
    _console().print(_table(f"{cost.model} ({cost.tier})", ["line", "quantity", "USD"], rows, right=(1, 2)))
    _cents_note(exact)


@main.command()
@click.argument("prompt", default="-")
@click.option("--model", "-m", required=True)
@click.option("--output-tokens", type=int, required=True, help="Visible answer tokens you expect.")
@click.option("--effort", help="Reasoning effort (default: the model's).")
@click.option("--max-output-tokens", type=int, help="The request's output cap (includes reasoning).")
@click.option("--tier", default="standard", show_default=True)
@click.option(
    "--messages",
    "messages_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A JSON file of chat messages (or Responses input) instead of PROMPT.",
)
@click.option("--exact", is_flag=True, help=_EXACT_HELP)
@click.option("--json", "as_json", is_flag=True)
def estimate(
    prompt: str,
    model: str,
    output_tokens: int,
    effort: str | None,
    max_output_tokens: int | None,
    tier: str,
    messages_file: Path | None,
    exact: bool,
    as_json: bool,
) -> None:
    """Estimate one request before sending it: a low / expected / high range and the ceiling."""
    import costcalc as cc

    try:
        est = cc.estimate(
            _read_prompt(prompt, messages_file),
            model,
            output_tokens=output_tokens,
            reasoning_effort=effort,
            max_output_tokens=max_output_tokens,
            tier=tier,
        )
    except (CostcalcError, ValueError, TypeError, LookupError) as exc:
        _fail(describe(exc))
    if as_json:
        _dump(est.model_dump(mode="json"))
        return
    money = _money(exact)
    rows = est.rows(money)
    effort_note = f", effort {est.effort}" if est.effort else ""
    _console().print(
        _table(
            f"{est.model} ({est.tier}{effort_note}): {est.input_tokens:,} prompt tokens",
            ["", "low", "expected", "high"],
            rows,
            right=(1, 2, 3),
        )
    )
    click.echo(f"ceiling: {money(est.ceiling.total) if est.ceiling else '-'} (the whole output cap billed)")
    _cents_note(exact)


def _batch_call(call: Any) -> Any:
    """Run a batch function: its argument errors are the command line's (exit 2), a file that is
    not a batch file of the right kind is bad input (exit 1)."""
    from costcalc.batch import BatchFileError
    from costcalc.errors import InvalidInputError

    try:
        return call()
    except BatchFileError as exc:
        _fail(str(exc))
    except InvalidInputError as exc:
        raise click.UsageError(str(exc)) from None


def _token_profile(path: Path | None) -> Any:
    if path is None:
        return None
    import costcalc as cc

    try:
        return cc.TokenProfile.model_validate_json(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise click.BadParameter(f"{path}: {describe(exc)}", param_hint="--token-profile") from None


_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_OUTPUT_TOKENS = click.IntRange(min=0)
_MODEL_HELP = "The model of lines that name none (a Gemini batch job's model)."


@main.command()
@click.argument("file", type=_FILE)
@click.option(
    "--output-tokens", type=_OUTPUT_TOKENS, required=True, help="Visible answer tokens expected per request."
)
@click.option("--tier", default="batch", show_default=True)
@click.option("--effort", help="Reasoning effort for requests that set none.")
@click.option("--model", "-m", help=_MODEL_HELP)
@click.option(
    "--token-profile",
    "profile_file",
    type=_FILE,
    help="A JSON TokenProfile (from costcalc.calibrate_tokens) for the model it was fitted for.",
)
@click.option("--json", "as_json", is_flag=True, help="Totals, per model and bad lines as JSON.")
@click.option("--rows", is_flag=True, help="With --json: include every request.")
@click.option("--exact", is_flag=True, help=_EXACT_HELP)
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when interactive).")
def batch(
    file: Path,
    output_tokens: int,
    tier: str,
    effort: str | None,
    model: str | None,
    profile_file: Path | None,
    as_json: bool,
    rows: bool,
    exact: bool,
    progress: bool | None,
) -> None:
    """Estimate a batch request FILE (OpenAI, Anthropic or Gemini) before submitting it."""
    import costcalc as cc

    profile = _token_profile(profile_file)
    est = _batch_call(
        lambda: cc.estimate_batch(
            file,
            output_tokens=output_tokens,
            tier=tier,
            reasoning_effort=effort,
            model=model,
            token_profile=profile,
            progress=progress,
            keep_rows=as_json and rows,
        )
    )
    if as_json:
        _dump(est.model_dump(mode="json", exclude=None if rows else {"rows"}))
    else:
        note = "" if est.tokens_exact else " (approximate token counts: Claude/Gemini prompts as a band)"
        _console().print(
            _table(
                f"{file.name} ({est.file_format}): {est.requests:,} requests at the {tier} tier{note}",
                est.COLUMNS,
                est.summary(_money(exact)),
                right=(1, 2, 3, 4, 5, 6),
            )
        )
        _cents_note(exact)
    _report_errors(est.errors)
    sys.exit(1 if est.errors else 0)


def _print_actual(cost: Any, name: str, exact: bool) -> None:
    _console().print(
        _table(
            f"{name} ({cost.file_format}): {cost.requests:,} responses priced, {len(cost.failed)} failed",
            cost.COLUMNS,
            cost.summary(_money(exact)),
            right=(1, 2, 3, 4),
        )
    )
    _cents_note(exact)


def _print_reconciliation(rec: Any, exact: bool) -> None:
    _console().print(
        _table(
            "Estimate against actual (matched requests)", ["", "USD"], rec.summary(_money(exact)), right=(1,)
        )
    )


def _compare(
    results: Path,
    requests: Path | None,
    output_tokens: int | None,
    model: str | None,
    profile_file: Path | None,
    progress: bool | None,
) -> tuple[Any, Any, Any]:
    """The results priced and, given the requests, the estimate and the reconciliation."""
    import costcalc as cc

    profile = _token_profile(profile_file)
    cost = _batch_call(
        lambda: cc.price_batch_output(results, model=model, progress=progress, keep_rows=requests is not None)
    )
    if requests is None or output_tokens is None:
        return cost, None, None
    est = _batch_call(
        lambda: cc.estimate_batch(
            requests, output_tokens=output_tokens, model=model, token_profile=profile, progress=progress
        )
    )
    return cost, est, cc.reconcile(est, cost)


def _finish(cost: Any, est: Any, results: Path, requests: Path | None) -> NoReturn:
    """Failed requests and bad lines to stderr; exit 1 when either file had bad lines."""
    both = est is not None
    _report_errors(cost.failed, "failed request", f"{results.name}: " if both else "")
    _report_errors(cost.errors, "bad line", f"{results.name}: " if both else "")
    if est is not None and requests is not None:
        _report_errors(est.errors, "bad line", f"{requests.name}: ")
    sys.exit(1 if cost.errors or (est is not None and est.errors) else 0)


@main.command()
@click.argument("file", type=_FILE)
@click.option(
    "--estimate",
    "input_file",
    type=_FILE,
    help="The job's input file, to reconcile the estimate with the actual costs.",
)
@click.option(
    "--output-tokens",
    type=_OUTPUT_TOKENS,
    help="With --estimate: visible answer tokens expected per request.",
)
@click.option("--model", "-m", help=_MODEL_HELP)
@click.option("--token-profile", "profile_file", type=_FILE, help="With --estimate: a JSON TokenProfile.")
@click.option("--exact", is_flag=True, help=_EXACT_HELP)
@click.option("--json", "as_json", is_flag=True)
@click.option("--progress/--no-progress", default=None)
def actual(
    file: Path,
    input_file: Path | None,
    output_tokens: int | None,
    model: str | None,
    profile_file: Path | None,
    exact: bool,
    as_json: bool,
    progress: bool | None,
) -> None:
    """Price a finished batch job's results FILE; with --estimate, compare it with the estimate."""
    if input_file is not None and output_tokens is None:
        raise click.UsageError("--estimate needs --output-tokens")
    cost, est, rec = _compare(file, input_file, output_tokens, model, profile_file, progress)
    if as_json:
        data = cost.model_dump(mode="json", exclude={"rows"})
        if rec is not None:
            data["reconciliation"] = rec.model_dump(mode="json", exclude={"rows"})
        _dump(data)
    else:
        _print_actual(cost, file.name, exact)
        if rec is not None:
            _print_reconciliation(rec, exact)
    _finish(cost, est, file, input_file)


@main.command()
@click.argument("requests", type=_FILE)
@click.argument("results", type=_FILE)
@click.option(
    "--output-tokens", type=_OUTPUT_TOKENS, required=True, help="Visible answer tokens expected per request."
)
@click.option("--model", "-m", help=_MODEL_HELP)
@click.option("--token-profile", "profile_file", type=_FILE, help="A JSON TokenProfile for the estimate.")
@click.option("--json", "as_json", is_flag=True, help="The reconciliation, with every matched request.")
@click.option("--exact", is_flag=True, help=_EXACT_HELP)
@click.option("--progress/--no-progress", default=None)
def reconcile(
    requests: Path,
    results: Path,
    output_tokens: int,
    model: str | None,
    profile_file: Path | None,
    as_json: bool,
    exact: bool,
    progress: bool | None,
) -> None:
    """Compare a batch job's estimate (its REQUESTS file) with what it cost (its RESULTS file)."""
    cost, est, rec = _compare(results, requests, output_tokens, model, profile_file, progress)
    if as_json:
        _dump(rec.model_dump(mode="json"))
    else:
        _print_actual(cost, results.name, exact)
        _print_reconciliation(rec, exact)
    _finish(cost, est, results, requests)


# -- catalog maintenance ---------------------------------------------------------------------------


@main.group()
def catalog() -> None:
    """Compare catalogs and find prices due for a check.

    \b
    costcalc catalog diff A B       what changed from catalog A to catalog B
    costcalc catalog stale --days N  prices not checked for N days
    """


def _load_catalog(spec: str) -> Any:
    import costcalc as cc

    if spec == "builtin":
        return cc.default_catalog()
    try:
        return cc.Catalog.from_file(spec)
    except (CostcalcError, ValueError) as exc:
        raise click.BadParameter(describe(exc), param_hint=repr(spec)) from None


#: Where a value came from and when it was checked: left out of a diff unless asked for.
_PROVENANCE = frozenset({"source", "checked", "verified", "note", "rule"})


def _flat(value: Any, path: str, out: dict[str, Any], provenance: bool) -> dict[str, Any]:
    if isinstance(value, dict):
        for k, v in value.items():
            if provenance or k not in _PROVENANCE:
                _flat(v, f"{path}.{k}" if path else str(k), out, provenance)
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        for i, v in enumerate(value):
            _flat(v, f"{path}[{i}]", out, provenance)
    elif value is not None and value != [] and value != {}:
        out[path] = value
    return out


@catalog.command()
@click.argument("old", metavar="A")
@click.argument("new", metavar="B")
@click.option("--provenance", is_flag=True, help="Also list changed sources, check dates and notes.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def diff(old: str, new: str, provenance: bool, as_json: bool) -> None:
    """What changed from catalog A to catalog B: models added and removed, and every field that
    differs (rates by period and tier, limits, names). A and B are catalog files (TOML or JSON, the
    schema of costcalc/data/*.toml) or the word "builtin".

    Exit status: 0 when the catalogs agree, 1 when they differ, 2 for a bad command line or file.
    """
    a, b = _load_catalog(old), _load_catalog(new)
    before = {m.key: m for m in a.list_models()}
    after = {m.key: m for m in b.list_models()}
    added = sorted(after.keys() - before.keys())
    removed = sorted(before.keys() - after.keys())
    changed: list[tuple[str, str, str, Any, Any]] = []
    for key in sorted(before.keys() & after.keys()):
        x = _flat(before[key].model_dump(mode="json"), "", {}, provenance)
        y = _flat(after[key].model_dump(mode="json"), "", {}, provenance)
        for field in sorted(x.keys() | y.keys()):
            if x.get(field) != y.get(field):
                changed.append((key[0], key[1], field, x.get(field), y.get(field)))
    if as_json:
        _dump(
            {
                "added": [{"provider": p, "id": i} for p, i in added],
                "removed": [{"provider": p, "id": i} for p, i in removed],
                "changed": [
                    {"provider": p, "id": i, "field": f, "old": o, "new": n} for p, i, f, o, n in changed
                ],
            }
        )
    else:
        console = _console()
        if added:
            console.print(_table(f"Added in {new} ({len(added)})", ["provider", "model"], added))
        if removed:
            console.print(_table(f"Removed from {old} ({len(removed)})", ["provider", "model"], removed))
        if changed:
            rows = [(p, i, f, "-" if o is None else o, "-" if n is None else n) for p, i, f, o, n in changed]
            console.print(
                _table(f"Changed ({len(changed)} fields)", ["provider", "model", "field", old, new], rows)
            )
        if not (added or removed or changed):
            click.echo(f"{old} and {new} agree ({len(before)} models).")
    sys.exit(1 if added or removed or changed else 0)


@catalog.command()
@click.option("--days", type=click.IntRange(min=0), required=True, help="Checked more than N days ago.")
@click.option(
    "--catalog",
    "spec",
    default="builtin",
    show_default=True,
    help='A catalog file (TOML or JSON), or "builtin".',
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Count the days up to this date (YYYY-MM-DD) instead of today (UTC).",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def stale(days: int, spec: str, as_of: Any, as_json: bool) -> None:
    """List the price periods whose rates were last checked more than N days ago (a period without
    a date of its own takes its model's), oldest first.

    Exit status: 0 when none is stale, 1 when some are, 2 for a bad command line or file.
    """
    import datetime as dt

    today = as_of.date() if as_of is not None else dt.datetime.now(dt.UTC).date()
    rows = []
    for m in _load_catalog(spec).list_models():
        for period in m.prices:
            checked = period.checked or m.checked
            age = (today - checked).days
            if age > days:
                since = period.since.isoformat() if period.since else "launch"
                rows.append((m.provider, m.id, since, checked.isoformat(), age, period.source or m.source))
    rows.sort(key=lambda r: (-r[4], r[0], r[1], r[2]))
    if as_json:
        keys = ("provider", "id", "since", "checked", "days", "source")
        _dump([dict(zip(keys, r, strict=True)) for r in rows])
    elif rows:
        _console().print(
            _table(
                f"{len(rows)} price periods not checked for more than {days} days (as of {today})",
                ["provider", "model", "since", "checked", "days", "source"],
                rows,
                right=(4,),
            )
        )
    else:
        click.echo(f"Every price period was checked within {days} days of {today}.")
    sys.exit(1 if rows else 0)


# -- usage and cost exports --------------------------------------------------------------------------


def _export_call(call: Any) -> Any:
    """Run ``call``; a file that is not an export of the expected kind is bad input (exit 1)."""
    try:
        return call()
    except CostcalcError as exc:
        _fail(describe(exc))


def _report_export_problems(
    errors: Sequence[Any], unpriced: Sequence[Any], duplicates: Sequence[str]
) -> None:
    err = _console(stderr=True)
    for e in errors:
        err.print(f"{e.position}: {e.reason}", markup=False, highlight=False, soft_wrap=True)
    for u in unpriced:
        err.print(
            f"UNPRICED {u.position}: {u.field} ({u.quantity}): {u.reason}", markup=False, soft_wrap=True
        )
    for d in duplicates:
        err.print(f"duplicate page, counted once: {d}", markup=False, soft_wrap=True)


@main.command("usage-export")
@click.argument("file", type=_FILE)
@click.option("--json", "as_json", is_flag=True, help="Every priced line, exact amounts.")
@click.option("--exact", is_flag=True, help=_EXACT_HELP)
def usage_export(file: Path, as_json: bool, exact: bool) -> None:
    """Price a usage export (OpenAI Usage API pages, Anthropic usage report pages) line by line.

    FILE is a .json file (one page or a list of pages) or a .jsonl file (one page a line).
    Exit status 1 when some row could not be read or priced (the rest is still printed).
    """
    from costcalc.exports import price_usage_export

    export = _export_call(lambda: price_usage_export(file, strict=False))
    if as_json:
        _dump(export.model_dump(mode="json"))
    else:
        money = _money(exact)
        rows = [
            (
                line.day.isoformat(),
                line.project or "",
                line.model or "",
                line.line_item,
                f"{line.quantity:,}",
                line.tier + (" (long context)" if line.long_context else ""),
                money(line.amount),
            )
            for line in export.lines
        ]
        console = _console()
        console.print(
            _table(
                f"{file.name}: {len(export.lines)} lines",
                ["day", "project", "model", "line item", "quantity", "tier", "USD"],
                rows,
                right=(4, 6),
            )
        )
        console.print(_table("Totals", ["", "USD"], export.summary(money), right=(1,)))
        _cents_note(exact)
    _report_export_problems(export.errors, export.unpriced, export.duplicates)
    sys.exit(1 if export.errors or export.unpriced else 0)


@main.command("reconcile-invoice")
@click.argument("usage", type=_FILE)
@click.argument("costs", type=_FILE)
@click.option("--json", "as_json", is_flag=True, help="Every row, exact amounts.")
@click.option("--exact", is_flag=True, help=_EXACT_HELP)
def reconcile_invoice(usage: Path, costs: Path, as_json: bool, exact: bool) -> None:
    """Compare costcalc's price of a USAGE export with the provider's COSTS export, by day,
    project, model and line item, with the likely cause of each difference.

    Exit status 1 when some row could not be read or priced (the rest is still compared).
    """
    from costcalc.exports import reconcile_invoice as reconcile_pages

    rec = _export_call(lambda: reconcile_pages(usage, costs))
    if as_json:
        _dump(rec.model_dump(mode="json"))
    else:
        money = _money(exact)
        rows = [
            (
                r.day.isoformat(),
                r.project or "",
                r.model or "",
                r.line_item or "",
                money(r.costcalc_amount),
                money(r.provider_amount),
                money(r.difference),
                r.cause,
            )
            for r in rec.rows
        ]
        console = _console()
        console.print(
            _table(
                f"{usage.name} against {costs.name}",
                ["day", "project", "model", "line item", "costcalc", "provider", "difference", "cause"],
                rows,
                right=(4, 5, 6),
            )
        )
        console.print(_table("Totals", ["", "USD"], rec.summary(money), right=(1,)))
        for r in rec.rows:
            if r.cause != "match":
                where = " ".join(filter(None, [r.day.isoformat(), r.project, r.model, r.line_item]))
                console.print(
                    f"{where}: {r.cause}: {r.explanation}", markup=False, highlight=False, soft_wrap=True
                )
        _cents_note(exact)
    _report_export_problems(
        rec.errors + rec.usage.errors, rec.usage.unpriced, rec.duplicates + rec.usage.duplicates
    )
    bad = rec.errors or rec.usage.errors or rec.usage.unpriced
    sys.exit(1 if bad else 0)


# -- log -----------------------------------------------------------------------------------------------


@main.command()
@click.argument("file", type=_FILE)
@click.option("--model", "-m", help="The model of responses that name none.")
@click.option(
    "--provider", help="Who served the responses, when the payloads cannot tell (groq, bedrock...)."
)
@click.option(
    "--parquet", "parquet", type=click.Path(dir_okay=False, path_type=Path), help="Write every row here."
)
@click.option("--lenient", is_flag=True, help="Price lines with an unpriced quantity without it (listed).")
@click.option("--exact", is_flag=True, help=_EXACT_HELP)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output, exact amounts.")
@click.option("--progress/--no-progress", default=None)
def log(
    file: Path,
    model: str | None,
    provider: str | None,
    parquet: Path | None,
    lenient: bool,
    exact: bool,
    as_json: bool,
    progress: bool | None,
) -> None:
    """Price a log of responses, one JSON response per line, of any provider.

    Prints the totals by model (in cents; exact with --exact or --json) and, on stderr, every bad
    line with its number. With --lenient a quantity that has no rate is left out of its line's
    price and listed; without it, the line is bad. --parquet writes every priced row (exact
    decimal costs) to a Parquet file.

    Exit status: 0 when every line was priced, 1 when some line was bad (the others are still
    priced and totalled), 2 for a wrong command line.
    """
    from costcalc.errors import InvalidInputError
    from costcalc.logs import price_log

    try:
        cost = price_log(
            file,
            model=model,
            provider=provider,
            strict=not lenient,
            progress=progress,
            keep_rows=False,
            parquet=parquet,
        )
    except InvalidInputError as exc:
        raise click.UsageError(str(exc)) from None
    except ImportError as exc:
        _fail(str(exc))
    if as_json:
        _dump(cost.model_dump(mode="json"))
    else:
        _console().print(
            _table(
                f"{file.name}: {cost.requests:,} responses priced, {len(cost.errors)} bad lines",
                cost.COLUMNS,
                cost.summary(_money(exact)),
                right=(1, 2, 3, 4),
            )
        )
        _cents_note(exact)
        err = _console(stderr=True)
        for item in cost.unpriced:
            err.print(f"line {item.line}: not priced: {item.field}", markup=False, soft_wrap=True)
        if parquet is not None:
            click.echo(f"rows written to {parquet}", err=True)
    _report_errors(cost.errors)
    sys.exit(1 if cost.errors else 0)
