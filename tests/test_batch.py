"""Batch files: estimates with bad lines, actual costs, reconciliation, notebook exports."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import costcalc as cc

D = Decimal
SYSTEM = {"role": "system", "content": "Answer briefly."}


def chat(cid: str, model: str, text: str, **body: Any) -> dict[str, Any]:
    return {
        "custom_id": cid,
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": {"model": model, "messages": [SYSTEM, {"role": "user", "content": text}], **body},
    }


GOOD_1 = chat("a", "gpt-4.1-mini", "Summarise the refund policy in two lines.", max_tokens=500)
GOOD_7 = {
    "custom_id": "b",
    "method": "POST",
    "url": "/v1/responses",
    "body": {
        "model": "gpt-5-mini",
        "input": "Classify: 'my card was charged twice'",
        "instructions": "One word.",
        "reasoning": {"effort": "minimal"},
        "max_output_tokens": 2_000,
    },
}
GOOD_10 = {
    "custom_id": "c",
    "method": "POST",
    "url": "/v1/embeddings",
    "body": {"model": "text-embedding-3-small", "input": ["first text", "second text here"]},
}
GOOD_13 = chat("d", "o4-mini", "Is 1,234,567 prime?", reasoning_effort="low", max_completion_tokens=5_000)

LINES: list[str] = [
    json.dumps(GOOD_1),  # 1 good
    "{not json",  # 2 invalid JSON
    json.dumps({"custom_id": "e", "method": "POST", "url": "/v1/chat/completions"}),  # 3 no body
    json.dumps(chat("f", "gpt-7", "hi")),  # 4 unknown model
    json.dumps(chat("g", "gpt-4", "hello " * 500, max_tokens=8_000)),  # 5 over the context window
    "",  # 6 blank: skipped
    json.dumps(GOOD_7),  # 7 good
    json.dumps(chat("a", "gpt-4.1-mini", "again")),  # 8 duplicate custom_id
    json.dumps(
        {"custom_id": "h", "method": "POST", "url": "/v1/images/generations", "body": {"model": "x"}}
    ),  # 9
    json.dumps(GOOD_10),  # 10 good
    json.dumps([1, 2, 3]),  # 11 not an object
    json.dumps(
        {
            "custom_id": "i",
            "method": "POST",
            "url": "/v1/chat/completions",
            "body": {"model": "gpt-4o", "messages": "hello"},
        }
    ),  # 12 messages not a list
    json.dumps(GOOD_13),  # 13 good
    json.dumps(chat("j", "o4-mini", "hi", reasoning_effort="minimal")),  # 14 effort not accepted
]
# The reasons are the provider modules' typed errors, which name the field first ("body: ...").
BAD = {
    2: "invalid JSON",
    3: "body: is missing",
    4: "unknown model 'gpt-7'",
    5: "context window",
    8: "duplicate custom_id 'a' (first on line 1)",
    9: "not a Batch endpoint",
    11: "must be a JSON object",
    12: "body.messages: must be a non-empty list",
    14: "accepted efforts: low, medium, high",
}


@pytest.fixture
def batch_file(tmp_path: Path) -> Path:
    path = tmp_path / "requests.jsonl"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return path


def test_every_bad_line_reported_every_good_line_kept(batch_file: Path) -> None:
    est = cc.estimate_batch(batch_file, output_tokens=300)
    assert {e.line: e.reason for e in est.errors}.keys() == BAD.keys()
    for error in est.errors:
        assert BAD[error.line] in error.reason, (error.line, error.reason)
    assert [r.line for r in est.rows] == [1, 7, 10, 13]
    assert est.requests == 4
    assert next(e for e in est.errors if e.line == 8).custom_id == "a"


def test_counts_and_totals_add_up(batch_file: Path) -> None:
    est = cc.estimate_batch(batch_file, output_tokens=300)
    by_line = {r.line: r for r in est.rows}
    # Each request's prompt is counted exactly as count_messages / count_tokens count it.
    assert by_line[1].input_tokens == cc.count_messages(GOOD_1["body"]["messages"], "gpt-4.1-mini")
    assert by_line[7].input_tokens == cc.count_messages(
        GOOD_7["body"]["input"], "gpt-5-mini", instructions="One word."
    )
    assert by_line[10].input_tokens == cc.count_tokens(
        "first text", "text-embedding-3-small"
    ) + cc.count_tokens("second text here", "text-embedding-3-small")
    assert by_line[13].input_tokens == cc.count_messages(GOOD_13["body"]["messages"], "o4-mini")
    assert est.input_tokens == sum(r.input_tokens for r in est.rows)
    for end in ("low", "expected", "high", "ceiling"):
        assert getattr(est, end) == sum(getattr(r, end) for r in est.rows)
        assert getattr(est, end) == sum(getattr(t, end) for t in est.per_model.values())
    # Line 1 by hand, batch gpt-4.1-mini 0.20 / 0.80 per 1M, not a reasoning model:
    row = by_line[1]
    assert (
        row.low == row.expected == row.high == (D(row.input_tokens) * D("0.2") + 300 * D("0.8")) / 1_000_000
    )
    assert row.ceiling == (D(row.input_tokens) * D("0.2") + 500 * D("0.8")) / 1_000_000  # the request's cap
    # Line 13, o4-mini at low effort (0.5 / 2 / 10 per visible token), batch 0.55 / 2.20:
    r13 = by_line[13]
    assert r13.effort == "low"
    assert r13.expected == (D(r13.input_tokens) * D("0.55") + (300 + 600) * D("2.2")) / 1_000_000
    assert r13.high == (D(r13.input_tokens) * D("0.55") + (300 + 3_000) * D("2.2")) / 1_000_000
    assert r13.ceiling == (D(r13.input_tokens) * D("0.55") + 5_000 * D("2.2")) / 1_000_000
    # Embeddings: input only; the range is one point and is its own ceiling.
    assert by_line[10].low == by_line[10].ceiling == D(by_line[10].input_tokens) * D("0.01") / 1_000_000


def test_sources_and_raising(batch_file: Path) -> None:
    from_path = cc.estimate_batch(batch_file, output_tokens=300)
    text = batch_file.read_text(encoding="utf-8")
    assert cc.estimate_batch(io.StringIO(text), output_tokens=300) == from_path
    assert cc.estimate_batch(text.splitlines(), output_tokens=300) == from_path
    with batch_file.open("rb") as handle:
        assert cc.estimate_batch(handle, output_tokens=300) == from_path
    dicts = [GOOD_1, GOOD_7]
    assert cc.estimate_batch(dicts, output_tokens=300).requests == 2
    with pytest.raises(cc.BatchFileError, match="9 bad line") as info:
        cc.estimate_batch(batch_file, output_tokens=300, raise_on_error=True)
    assert [e.line for e in info.value.errors] == sorted(BAD)
    assert isinstance(info.value, ValueError)
    per_request = cc.estimate_batch([GOOD_1], output_tokens=lambda body: body["max_tokens"] // 2)
    assert per_request.rows[0].visible_output_tokens == 250
    lean = cc.estimate_batch(batch_file, output_tokens=300, keep_rows=False)
    assert lean.rows == []
    assert lean.expected == from_path.expected


def test_progress_bar_can_be_forced(batch_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    quiet = cc.estimate_batch(batch_file, output_tokens=300, progress=False)
    shown = cc.estimate_batch(batch_file, output_tokens=300, progress=True)
    assert quiet == shown


# -- output files and reconciliation -----------------------------------------------------------------


def out_line(cid: str, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"batch_req_{cid}",
        "custom_id": cid,
        "response": {"status_code": 200, "request_id": "r", "body": body},
        "error": None,
    }


OUTPUT = [
    out_line(
        "d",
        {
            "object": "chat.completion",
            "created": 1_763_900_000,
            "model": "o4-mini-2025-04-16",
            "usage": {
                "prompt_tokens": 2_000,
                "completion_tokens": 1_500,
                "prompt_tokens_details": {"cached_tokens": 1_024},
                "completion_tokens_details": {"reasoning_tokens": 1_200},
            },
        },
    ),
    out_line(
        "b",
        {
            "object": "response",
            "created_at": 1_763_900_000,
            "model": "gpt-5-mini",
            "usage": {
                "input_tokens": 40,
                "output_tokens": 5,
                "output_tokens_details": {"reasoning_tokens": 0},
            },
        },
    ),
    {
        "id": "batch_req_a",
        "custom_id": "a",
        "response": None,
        "error": {"code": "batch_expired", "message": "expired"},
    },
    out_line("z", {"object": "list", "model": "text-embedding-3-small", "usage": {"prompt_tokens": 10}}),
    "not json at all",
]


def test_price_batch_output() -> None:
    lines = [json.dumps(x) if isinstance(x, dict) else x for x in OUTPUT]
    actual = cc.price_batch_output(lines)
    # d: o4-mini batch 0.55, cached (no extra batch discount) 0.55, output 2.20:
    #    (976 x 0.55 + 1,024 x 0.55 + 1,500 x 2.2) / 1M = 0.0044
    # b: gpt-5-mini batch 0.125 / 1.00: (40 x 0.125 + 5 x 1) / 1M = 0.00001
    # z: text-embedding-3-small batch 0.01: 10 x 0.01 / 1M = 0.0000001
    costs = {r.custom_id: r.cost for r in actual.rows}
    assert costs == {"d": D("0.0044"), "b": D("0.00001"), "z": D("0.0000001")}
    assert actual.total == D("0.0044101")
    assert [(f.line, f.custom_id) for f in actual.failed] == [(3, "a")]
    assert "batch_expired" in actual.failed[0].reason
    assert [(e.line, e.reason.split(":")[0]) for e in actual.errors] == [(5, "invalid JSON")]
    assert actual.per_model["o4-mini"].expected == D("0.0044")
    with pytest.raises(cc.BatchFileError):
        actual.raise_for_errors()


def test_reconcile(batch_file: Path) -> None:
    est = cc.estimate_batch(batch_file, output_tokens=300)
    actual = cc.price_batch_output([json.dumps(x) for x in OUTPUT if isinstance(x, dict)])
    rec = cc.reconcile(est, actual)
    by_id = {r.custom_id: r for r in rec.rows}
    assert set(by_id) == {"b", "d"}
    assert by_id["d"].actual == D("0.0044")
    assert by_id["d"].difference == D("0.0044") - by_id["d"].expected
    assert by_id["d"].position == (
        "within"
        if by_id["d"].low <= D("0.0044") <= by_id["d"].high
        else "below"
        if D("0.0044") < by_id["d"].low
        else "above"
    )
    assert rec.not_in_output == ["a", "c"]  # a expired, c (embeddings) absent from this output
    assert rec.not_in_estimate == ["z"]
    assert rec.actual == D("0.00441")
    assert rec.estimated_expected == by_id["b"].expected + by_id["d"].expected
    assert rec.below + rec.within + rec.above == 2
    assert rec.above_ceiling == []


def test_bundled_example_reconciles() -> None:
    root = Path(__file__).parents[1] / "examples"
    est = cc.estimate_batch(root / "batch_requests.jsonl", output_tokens=300)
    actual = cc.price_batch_output(root / "batch_output.jsonl")
    assert est.requests == 1_200
    assert not est.errors
    assert not actual.errors
    assert actual.requests + len(actual.failed) == 1_200
    rec = cc.reconcile(est, actual)
    assert len(rec.rows) == actual.requests
    assert rec.above_ceiling == []  # no request ever costs more than its guaranteed worst case
    assert rec.estimated_low <= rec.actual <= rec.estimated_high


# -- notebook exports ----------------------------------------------------------------------------------


def test_records_pandas_html_and_plot(batch_file: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    est = cc.estimate_batch(batch_file, output_tokens=300)
    records = est.to_records()
    assert [r["custom_id"] for r in records] == ["a", "b", "c", "d"]
    assert isinstance(records[0]["expected"], Decimal)
    frame = est.to_pandas()
    assert list(frame["custom_id"]) == ["a", "b", "c", "d"]
    assert frame["expected"].sum() == est.expected  # Decimal objects, summed exactly
    page = est._repr_html_()
    assert "<table" in page
    assert "line" in page
    assert "gpt-4.1-mini" in page
    ax = est.plot()
    assert ax.get_xlabel().startswith("cost per request")
    actual = cc.price_batch_output([json.dumps(x) for x in OUTPUT if isinstance(x, dict)])
    assert "failed requests" in actual._repr_html_()
    assert len(actual.to_pandas()) == 3
    actual.plot()
    rec = cc.reconcile(est, actual)
    assert "Estimate against actual" in rec._repr_html_()
    assert len(rec.to_pandas()) == 2
    cost = cc.price(cc.Usage(input_tokens=10, output_tokens=5), model="gpt-4o")
    assert "$0.000075" in cost._repr_html_()
    assert "ceiling" in cc.estimate("hi", "o4-mini", output_tokens=10)._repr_html_()


def test_output_lines_are_priced_at_their_own_creation_time() -> None:
    # A Responses body dates itself with created_at. o3's batch rates exist only from its
    # 2025-06-10 price cut, so a response created before it cannot be priced at the batch tier.
    def responses_body(created_at: int) -> dict[str, Any]:
        return {
            "object": "response",
            "created_at": created_at,
            "model": "o3",
            "usage": {"input_tokens": 1_000, "output_tokens": 1_000},
        }

    before = int(dt.datetime(2025, 6, 1, tzinfo=dt.UTC).timestamp())
    after = int(dt.datetime(2025, 7, 1, tzinfo=dt.UTC).timestamp())
    actual = cc.price_batch_output(
        [out_line("old", responses_body(before)), out_line("new", responses_body(after))]
    )
    assert [r.custom_id for r in actual.rows] == ["new"]
    assert actual.rows[0].cost == D("0.005")  # batch 1 / 4 per 1M
    assert actual.errors[0].custom_id == "old"
    assert "no 'batch' tier at that date" in actual.errors[0].reason
