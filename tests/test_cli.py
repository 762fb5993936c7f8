"""The command line, through its real entry point (python -m costcalc) in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from tests.test_batch import LINES, OUTPUT

EXAMPLES = Path(__file__).parents[1] / "examples"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "costcalc", *args], capture_output=True, text=True, input=stdin, check=False
    )


def test_models_table_and_json() -> None:
    table = run("models", "--provider", "anthropic")
    assert table.returncode == 0
    assert "claude-sonnet-4-5" in table.stdout
    assert "gpt-4o" not in table.stdout
    data = json.loads(run("models", "--search", "gpt-4.1", "--json").stdout)
    assert {m["id"] for m in data} == {"gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano"}
    assert data[0]["prices"][0]["standard"]["rates"]["input"] in {"2", "0.4", "0.1"}


def test_count_price_estimate() -> None:
    assert run("count", "hello world", "-m", "gpt-4o").stdout.strip() == "2"
    assert run("count", "-m", "gpt-4", stdin="hello world").stdout.strip() == "2"
    priced = json.loads(
        run(
            "price", "-m", "o4-mini", "--input", "12000", "--cached", "8000", "--output", "3000", "--json"
        ).stdout
    )
    assert Decimal(priced["total"]) == Decimal("0.0198")
    table = run("price", "-m", "o4-mini", "--input", "12000", "--cached", "8000", "--output", "3000")
    assert "$0.02" in table.stdout  # 0.0198 rounded half-up to cents
    assert "rounded half-up to cents" in table.stderr
    exact = run("price", "o4-mini", "--input", "12000", "--cached", "8000", "--output", "3000", "--exact")
    assert "$0.0198" in exact.stdout  # the model as the first argument, the exact amount
    # 1,000 x 2.50 + 200 x 10 per 1M = 0.0045; two searches at $0.01
    searched = json.loads(
        run(
            "price", "gpt-4o", "--input", "1000", "--output", "200", "--unit", "web_search_call=2", "--json"
        ).stdout
    )
    assert Decimal(searched["total"]) == Decimal("0.0245")
    assert [line["name"] for line in searched["lines"]] == ["input", "output", "web_search_call"]
    assert run("price", "--input", "1").returncode == 2
    assert run("price", "gpt-4o", "--unit", "oops").returncode == 2
    est = json.loads(
        run("estimate", "Is 97 prime?", "-m", "o4-mini", "--output-tokens", "100", "--json").stdout
    )
    assert est["effort"] == "medium"
    assert est["reasoning_tokens"] == {"low": 100, "expected": 600, "high": 4000}
    shown = run("estimate", "Is 97 prime?", "-m", "o4-mini", "--output-tokens", "100")
    assert "ceiling" in shown.stdout


def test_errors_go_to_stderr_with_exit_codes() -> None:
    unknown = run("price", "-m", "gpt-7", "--input", "1")
    assert unknown.returncode == 1
    assert "unknown model 'gpt-7'" in unknown.stderr
    bad_usage = run("price", "-m", "gpt-4o", "--input", "1", "--cached", "2")
    assert bad_usage.returncode == 1
    assert "cached_input_tokens" in bad_usage.stderr
    wrong = run("batch")
    assert wrong.returncode == 2
    assert "Missing argument" in wrong.stderr


def test_batch_on_the_bundled_example() -> None:
    result = run("batch", str(EXAMPLES / "batch_requests.jsonl"), "--output-tokens", "300", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["requests"] == 1_200
    assert data["errors"] == []
    assert "rows" not in data
    assert (
        Decimal(data["low"]) <= Decimal(data["expected"]) <= Decimal(data["high"]) <= Decimal(data["ceiling"])
    )


def test_batch_with_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    result = run("batch", str(path), "--output-tokens", "300", "--json", "--rows")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["requests"] == 4
    assert [r["line"] for r in data["rows"]] == [1, 7, 10, 13]
    assert [e["line"] for e in data["errors"]] == [2, 3, 4, 5, 8, 9, 11, 12, 14]
    assert "line 2: invalid JSON" in result.stderr
    assert "line 8 (a): duplicate custom_id" in result.stderr
    table = run("batch", str(path), "--output-tokens", "300", "--no-progress")
    assert table.returncode == 1
    assert "total" in table.stdout


def test_actual_with_reconciliation(tmp_path: Path) -> None:
    requests = tmp_path / "in.jsonl"
    requests.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    output.write_text(
        "\n".join(json.dumps(x) if isinstance(x, dict) else x for x in OUTPUT) + "\n", encoding="utf-8"
    )
    result = run("actual", str(output), "--estimate", str(requests), "--output-tokens", "300", "--json")
    assert result.returncode == 1  # one malformed line in the output file
    data = json.loads(result.stdout)
    assert Decimal(data["total"]) == Decimal("0.0044101")
    assert data["reconciliation"]["not_in_output"] == ["a", "c"]
    assert "line 3 (a): batch_expired" in result.stderr
    assert "line 5: invalid JSON" in result.stderr
    human = run(
        "actual",
        str(EXAMPLES / "batch_output.jsonl"),
        "--estimate",
        str(EXAMPLES / "batch_requests.jsonl"),
        "--output-tokens",
        "300",
    )
    assert human.returncode == 0
    assert "Estimate against actual" in human.stdout
    missing = run("actual", str(output), "--estimate", str(requests))
    assert missing.returncode == 2
    assert "--estimate needs --output-tokens" in missing.stderr


def test_actual_on_anthropic_and_gemini_results(tmp_path: Path) -> None:
    from tests.test_batch_providers import CLAUDE_RESULTS, CLAUDE_TOTAL, GEMINI_OUTPUT

    claude = tmp_path / "claude.jsonl"
    claude.write_text("\n".join(json.dumps(x) for x in CLAUDE_RESULTS) + "\n", encoding="utf-8")
    result = run("actual", str(claude), "--json")
    assert result.returncode == 0, result.stderr  # failed requests are the job's outcome, not bad input
    data = json.loads(result.stdout)
    assert Decimal(data["total"]) == CLAUDE_TOTAL  # the hand-checked $0.834875
    assert data["file_format"] == "Anthropic Message Batches"
    assert [(f["custom_id"], f["status"]) for f in data["failed"]] == [
        ("e1", "errored"),
        ("x1", "expired"),
        ("c1", "canceled"),
    ]
    table = run("actual", str(claude))
    assert "$0.83" in table.stdout  # cents in the table
    assert "$0.834875" in run("actual", str(claude), "--exact").stdout
    assert "line 4 (x1): expired" in table.stderr
    gemini = tmp_path / "gemini.jsonl"
    gemini.write_text("\n".join(json.dumps(x) for x in GEMINI_OUTPUT) + "\n", encoding="utf-8")
    priced = run("actual", str(gemini), "--model", "gemini-2.5-flash", "--json")
    assert priced.returncode == 0, priced.stderr
    assert Decimal(json.loads(priced.stdout)["total"]) == Decimal("0.004605")  # as test_gemini_output_file
    unnamed = run("actual", str(gemini), "--json")  # the line that names no model is a bad line
    assert unnamed.returncode == 1
    assert "line 2 (g2)" in unnamed.stderr


def test_batch_and_reconcile_on_the_bundled_claude_and_gemini_jobs() -> None:
    import costcalc as cc

    gemini = str(EXAMPLES / "gemini_requests.jsonl")
    missing = run("batch", gemini, "--output-tokens", "300")
    assert missing.returncode == 2
    assert "pass model=" in missing.stderr
    named = run("batch", gemini, "--output-tokens", "300", "--model", "gemini-2.5-flash", "--json")
    assert named.returncode == 0, named.stderr
    mine = cc.estimate_batch(EXAMPLES / "gemini_requests.jsonl", output_tokens=300, model="gemini-2.5-flash")
    data = json.loads(named.stdout)
    assert (data["requests"], Decimal(data["expected"]), data["tokens_exact"]) == (300, mine.expected, False)
    rec = run(
        "reconcile",
        str(EXAMPLES / "anthropic_requests.jsonl"),
        str(EXAMPLES / "anthropic_results.jsonl"),
        "--output-tokens",
        "300",
        "--json",
    )
    assert rec.returncode == 0, rec.stderr
    mine = cc.reconcile(
        cc.estimate_batch(EXAMPLES / "anthropic_requests.jsonl", output_tokens=300),
        cc.price_batch_output(EXAMPLES / "anthropic_results.jsonl"),
    )
    got = json.loads(rec.stdout)
    assert Decimal(got["actual"]) == mine.actual
    assert got["above_ceiling"] == []


def test_usage_errors_and_the_wrong_file() -> None:
    requests = str(EXAMPLES / "batch_requests.jsonl")
    negative = run("batch", requests, "--output-tokens", "-5")
    assert negative.returncode == 2
    bogus = run("batch", requests, "--output-tokens", "5", "--tier", "bogus")
    assert bogus.returncode == 2
    assert "unknown tier 'bogus'" in bogus.stderr
    wrong = run("actual", requests)  # an input file given by mistake
    assert wrong.returncode == 1
    assert "this is a request (input) file" in wrong.stderr
    assert wrong.stdout == ""
