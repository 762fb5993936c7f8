"""Fuzz of the file and table paths and the command line: batch files, logs, tables, the CLI.

A batch or log file with garbage lines must keep every good line and report every bad one by its
number; the command line must exit 0, 1 or 2 with a message, never a traceback.
"""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import costcalc as cc
from costcalc.cli import main
from tests.fuzz.harness import FUZZ, JSON, or_garbage, run

EXAMPLE_REQUEST = {
    "custom_id": "r",
    "method": "POST",
    "url": "/v1/chat/completions",
    "body": {"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 100},
}
EXAMPLE_OUTPUT = {
    "custom_id": "r",
    "response": {
        "status_code": 200,
        "body": {
            "object": "chat.completion",
            "model": "gpt-4.1-mini",
            "usage": {"prompt_tokens": 9, "completion_tokens": 3},
        },
    },
    "error": None,
}

LINE = st.one_of(
    st.just(json.dumps(EXAMPLE_REQUEST)),
    JSON.map(json.dumps),
    st.text(max_size=40),
    st.binary(max_size=20).map(lambda b: b.decode("latin-1")),
    st.just(""),
)


def numbered(lines: list[str], good: str) -> tuple[list[bytes], int]:
    """The lines as bytes with unique custom_ids on the good ones, and how many good ones."""
    out = []
    goods = 0
    for i, line in enumerate(lines):
        if line.lstrip("\ufeff") == good:
            goods += 1
            line = line.replace('"custom_id": "r"', f'"custom_id": "r{i}"')
        out.append(line.encode("utf-8", "surrogatepass"))
    return out, goods


@FUZZ
@given(st.lists(LINE, max_size=8), or_garbage(st.integers(0, 100), [-5]), st.booleans())  # the cap is 100
def test_estimate_batch_keeps_the_good_lines(lines: list[str], output_tokens: Any, bom: bool) -> None:
    data, goods = numbered(lines, json.dumps(EXAMPLE_REQUEST))
    if bom and data:  # a byte order mark starts the file, as some editors write it
        data[0] = b"\xef\xbb\xbf" + data[0]
    kind, est = run(lambda: cc.estimate_batch(data, output_tokens=output_tokens, progress=False))
    if kind == "ok":
        # A good line expecting more output than its cap of 100 is that line's error.
        assert est.requests == (goods if output_tokens <= 100 else 0)
        blank = sum(1 for line in lines if not line.strip("\ufeff").strip())
        assert est.requests + len(est.errors) >= len(lines) - blank - goods + goods
        assert all(e.line >= 1 for e in est.errors)


OUTPUT_LINE = st.one_of(st.just(json.dumps(EXAMPLE_OUTPUT)), JSON.map(json.dumps), st.text(max_size=30))


@FUZZ
@given(st.lists(OUTPUT_LINE, max_size=8))
def test_price_batch_output_keeps_the_good_lines(lines: list[str]) -> None:
    data, goods = numbered(lines, json.dumps(EXAMPLE_OUTPUT))
    kind, cost = run(lambda: cc.price_batch_output(data, progress=False))
    if kind == "ok":
        # gpt-4.1-mini batch: 9 x 0.20 + 3 x 0.80 per 1M = 0.0000042 per good line
        assert cost.requests == goods
        assert cost.total == goods * cc.Decimal("0.0000042")


@FUZZ
@given(
    st.lists(
        st.one_of(JSON, st.just({"input_tokens": 10, "output_tokens": 1, "model": "gpt-4o"})), max_size=6
    )
)
def test_price_table_rows_price_or_carry_their_error(rows: list[Any]) -> None:
    import pyarrow as pa

    records = [r for r in rows if isinstance(r, dict)]
    columns = {
        "model": [r.get("model") if isinstance(r.get("model"), str) else None for r in records],
        "input_tokens": [
            r.get("input_tokens") if type(r.get("input_tokens")) is int else None for r in records
        ],
        "output_tokens": [
            r.get("output_tokens") if type(r.get("output_tokens")) is int else None for r in records
        ],
    }
    table = pa.table(
        {
            "model": pa.array(columns["model"], type=pa.string()),
            "input_tokens": pa.array(columns["input_tokens"], type=pa.int64()),
            "output_tokens": pa.array(columns["output_tokens"], type=pa.int64()),
        }
    )
    kind, out = run(lambda: cc.price_table(table, at="2026-11-25"))
    if kind == "ok":
        costs = out.column("cost_total").to_pylist()
        errors = out.column("cost_error").to_pylist()
        for record, cost, error in zip(records, costs, errors, strict=True):
            assert (cost is None) == (error is not None)
            if cost is not None:
                usage = cc.Usage(input_tokens=record["input_tokens"], output_tokens=record["output_tokens"])
                assert cost == cc.price(usage, record["model"], at="2026-11-25").total


ARGS = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "price",
                "gpt-4o",
                "-m",
                "o4-mini",
                "--input",
                "1000",
                "--output",
                "-5",
                "--tier",
                "bogus",
                "batch",
                "--exact",
                "--json",
                "models",
                "--kind",
                "chat",
                "count",
                "estimate",
                "--output-tokens",
                "--unit",
                "web_search_call=2",
                "catalog",
                "stale",
                "--days",
                "7",
            ]
        ),
        st.text(max_size=10),
    ),
    max_size=7,
)


@FUZZ
@given(ARGS)
def test_the_command_line_never_shows_a_traceback(args: list[str]) -> None:
    result = CliRunner().invoke(main, args, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"costcalc {' '.join(args)!r} raised {result.exception!r}") from result.exception
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
