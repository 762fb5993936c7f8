"""Logs of responses: exact totals, bad lines by number, every row equal to price_response."""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import io
import json
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import costcalc as cc
from costcalc.cli import main
from costcalc.providers import MODULES, detect, fast_read, line_reader, read

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
from generate_log import responses_log

D = Decimal


def chat(prompt: int, cached: int, output: int, *, model: str = "gpt-4o", **top: Any) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1_730_000_000,  # 2024-10-27 03:33:20 UTC
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi"}, "finish_reason": "stop"}],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": output,
            "total_tokens": prompt + output,
            "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
        },
        **top,
    }


def message(
    uncached: int, write: int, read_: int, output: int, model: str = "claude-haiku-4-5"
) -> dict[str, Any]:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": "Hi"}],
        "usage": {
            "input_tokens": uncached,
            "cache_creation_input_tokens": write,
            "cache_read_input_tokens": read_,
            "output_tokens": output,
            "service_tier": "standard",
        },
    }


def gemini(prompt: int, cached: int, candidates: int, thoughts: int) -> dict[str, Any]:
    return {
        "candidates": [{"content": {"parts": [{"text": "Hi"}], "role": "model"}, "finishReason": "STOP"}],
        "usageMetadata": {
            "promptTokenCount": prompt,
            "cachedContentTokenCount": cached,
            "candidatesTokenCount": candidates,
            "thoughtsTokenCount": thoughts,
            "totalTokenCount": prompt + candidates + thoughts,
        },
        "modelVersion": "gemini-2.5-flash",
        "createTime": "2025-03-01T12:00:00Z",
        "responseId": "g-1",
    }


# gpt-4o standard ($2.50 in, $1.25 cached, $10 out per 1M): 176 * 2.5 + 1024 * 1.25 + 300 * 10
# = 440 + 1280 + 3000 = 4720 micro-dollars = $0.00472.
CHAT = chat(1_200, 1_024, 300)
# claude-haiku-4-5 ($1 in, $1.25 5-minute write, $0.10 read, $5 out): 100 * 1 + 2000 * 1.25
# + 10000 * 0.1 + 500 * 5 = 100 + 2500 + 1000 + 2500 = 6100 micro-dollars = $0.0061.
MESSAGE = message(100, 2_000, 10_000, 500)
# gemini-2.5-flash ($0.30 in, $0.03 cached, $2.50 out incl. thoughts): 600 * 0.3 + 400 * 0.03
# + 300 * 2.5 = 180 + 12 + 750 = 942 micro-dollars = $0.000942.
GEMINI = gemini(1_000, 400, 200, 100)
# gpt-4o priority ($4.25 in, $17 out): 1000 * 4.25 + 100 * 17 = 4250 + 1700 = $0.00595.
PRIORITY = chat(1_000, 0, 100, service_tier="priority")


def lines(*payloads: Any) -> list[bytes]:
    return [p if isinstance(p, bytes) else orjson.dumps(p) + b"\n" for p in payloads]


def test_exact_totals_by_model_tier_and_day() -> None:
    cost = cc.price_log(lines(CHAT, MESSAGE, GEMINI, PRIORITY))
    assert cost.errors == []
    assert cost.requests == 4
    # 0.00472 + 0.0061 + 0.000942 + 0.00595
    assert cost.total == D("0.017712")
    assert cost.by_model == {
        "claude-haiku-4-5": D("0.0061"),
        "gemini-2.5-flash": D("0.000942"),
        "gpt-4o": D("0.01067"),  # 0.00472 + 0.00595
    }
    assert cost.by_tier == {"priority": D("0.00595"), "standard": D("0.011762")}
    today = dt.datetime.now(dt.UTC).date()
    assert cost.by_day == {
        dt.date(2024, 10, 27): D("0.01067"),
        dt.date(2025, 3, 1): D("0.000942"),
        today: D("0.0061"),  # an Anthropic Message carries no time: priced today
    }
    assert cost.input_tokens == 1_200 + 12_100 + 1_000 + 1_000
    assert cost.output_tokens == 300 + 500 + 300 + 100


def test_at_overrides_every_day() -> None:
    cost = cc.price_log(lines(CHAT, GEMINI), at="2025-06-01")
    assert cost.by_day == {dt.date(2025, 6, 1): D("0.005662")}  # 0.00472 + 0.000942


def test_bad_lines_by_number_good_lines_kept() -> None:
    source = [
        orjson.dumps(CHAT),  # 1 good
        b"{not json",  # 2
        b"",  # 3 blank: skipped
        b"[1, 2]",  # 4 not an object
        orjson.dumps(chat(10, 20, 5)),  # 5 cached above the prompt
        orjson.dumps(chat(10, 0, 5, model="gpt-7")),  # 6 unknown model
        orjson.dumps(MESSAGE),  # 7 good
        orjson.dumps({"object": "chat.completion", "model": "gpt-4o"}),  # 8 no usage
    ]
    cost = cc.price_log(source)
    assert [e.line for e in cost.errors] == [2, 4, 5, 6, 8]
    assert "invalid JSON" in cost.errors[0].reason
    assert "JSON object" in cost.errors[1].reason
    assert "exceed" in cost.errors[2].reason
    assert "gpt-7" in cost.errors[3].reason
    assert "usage" in cost.errors[4].reason
    assert cost.requests == 2
    assert cost.total == D("0.01082")  # 0.00472 + 0.0061
    with pytest.raises(cc.BatchFileError, match="5 bad line"):
        cost.raise_for_errors()


def test_bom_and_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf" + orjson.dumps(CHAT) + b"\n" + b'{"x": "\xff"}\n' + orjson.dumps(MESSAGE) + b"\n"
    )
    cost = cc.price_log(path)
    assert cost.total == D("0.01082")  # 0.00472 + 0.0061: the BOM is not part of line 1
    assert [(e.line, e.reason.split(":")[0]) for e in cost.errors] == [(2, "not valid UTF-8")]
    with path.open(encoding="utf-8") as handle:  # a text handle: the bad line is that line's error
        cost = cc.price_log(handle)
    assert [e.line for e in cost.errors] == [2]
    assert cost.total == D("0.01082")


def test_sdk_objects_and_dicts() -> None:
    from anthropic.types import Message
    from openai.types.chat import ChatCompletion

    objects = [ChatCompletion.model_validate(CHAT), Message.model_validate(MESSAGE), GEMINI]
    cost = cc.price_log(objects)
    assert cost.errors == []
    assert cost.total == D("0.011762")  # 0.00472 + 0.0061 + 0.000942


def test_strict_refuses_and_lenient_lists_an_unpriced_quantity() -> None:
    odd = chat(1_000, 0, 100)
    odd["usage"]["prompt_tokens_details"]["mystery_tokens"] = 7  # a number costcalc cannot bill
    strict = cc.price_log(lines(CHAT, odd))
    assert [e.line for e in strict.errors] == [2]
    assert "mystery_tokens" in strict.errors[0].reason
    assert strict.total == D("0.00472")
    lenient = cc.price_log(lines(CHAT, odd), strict=False)
    assert lenient.errors == []
    assert [(u.line, u.field, u.quantity) for u in lenient.unpriced] == [
        (2, "usage.prompt_tokens_details.mystery_tokens", 7)
    ]
    # line 2 priced without it: 1000 * 2.5 + 100 * 10 = 2500 + 1000 = $0.0035
    assert lenient.total == D("0.00822")


def test_a_missing_rate_is_never_a_silent_zero() -> None:
    # gemini-2.5-flash has no cache-write rate and gpt-4o-mini-audio-preview no cached-input rate.
    audio = chat(1_000, 512, 10, model="gpt-4o-mini-audio-preview")
    cost = cc.price_log(lines(GEMINI, audio))
    assert [e.line for e in cost.errors] == [2]
    assert "cached_input_tokens" in cost.errors[0].reason
    lenient = cc.price_log(lines(GEMINI, audio), strict=False)
    assert [(u.line, u.field) for u in lenient.unpriced] == [(2, "text_cached_input_tokens")]
    # line 2 without its cached tokens: 488 * 0.15 + 10 * 0.6 = 73.2 + 6 = $0.0000792
    assert lenient.total == D("0.000942") + D("0.0000792")


def test_model_for_responses_that_name_none() -> None:
    bare = chat(1_200, 1_024, 300)
    del bare["model"]
    assert [e.line for e in cc.price_log(lines(bare)).errors] == [1]
    assert cc.price_log(lines(bare), model="gpt-4o").total == D("0.00472")


def test_rows_to_arrow_pandas_polars_and_parquet(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    cost = cc.price_log(lines(CHAT, b"oops\n", MESSAGE, GEMINI))
    table = cost.to_arrow()
    assert table.column_names == list(cc.logs.COLUMNS)
    rows = table.to_pylist()
    assert [r["line"] for r in rows] == [1, 3, 4]
    assert [r["cost"] for r in rows] == [D("0.00472"), D("0.0061"), D("0.000942")]
    assert rows[0]["id"] == "chatcmpl-1"
    assert rows[2]["id"] == "g-1"
    assert [r["provider"] for r in rows] == ["openai", "anthropic", "google"]
    assert rows[1]["cached_input_tokens"] == 10_000
    assert rows[1]["cache_write_tokens"] == 2_000
    assert rows[0]["day"] == dt.date(2024, 10, 27)
    assert cost.to_pandas()["cost"].tolist() == [D("0.00472"), D("0.0061"), D("0.000942")]
    assert cost.to_polars()["cost"].to_list() == [D("0.00472"), D("0.0061"), D("0.000942")]
    out = tmp_path / "rows.parquet"
    cost.write_parquet(out)
    assert pq.read_table(out).equals(table)
    streamed = cc.price_log(lines(CHAT, b"oops\n", MESSAGE, GEMINI), parquet=tmp_path / "streamed.parquet")
    assert streamed.total == D("0.011762")
    assert pq.read_table(tmp_path / "streamed.parquet").equals(table)
    with pytest.raises(cc.InvalidInputError, match=r"streamed\.parquet"):
        streamed.to_arrow()
    with pytest.raises(cc.InvalidInputError, match="keep_rows=False"):
        cc.price_log(lines(CHAT), keep_rows=False).to_arrow()


def test_summary_and_html() -> None:
    cost = cc.price_log(lines(CHAT, PRIORITY, b"oops\n"))
    assert cost.summary() == [
        ["gpt-4o", "2", "2,200", "400", "$0.01067"],
        ["total", "2", "2,200", "400", "$0.01067"],
    ]
    html = cost._repr_html_()
    assert "oops" not in html
    assert "bad lines" in html
    assert "$0.01067" in html


def test_independent_of_the_decimal_context() -> None:
    with decimal.localcontext() as ctx:
        ctx.prec = 3
        ctx.traps[decimal.Inexact] = True
        ctx.traps[decimal.Rounded] = True
        cost = cc.price_log(lines(CHAT, MESSAGE, GEMINI, PRIORITY))
        assert cost.total == D("0.017712")
        assert cost.to_arrow().column("cost").to_pylist()[0] == D("0.00472")


# -- every row equals price_response ---------------------------------------------------------------

VARIED: list[dict[str, Any]] = [
    CHAT,
    MESSAGE,
    GEMINI,
    PRIORITY,
    chat(300_000, 0, 10, model="gpt-5.4"),  # above a long-context threshold, if the model has one
    {**message(10, 0, 0, 5), "usage": {**message(10, 0, 0, 5)["usage"], "inference_geo": "us"}},
    {
        **message(10, 3_000, 0, 5),
        "usage": {
            **message(10, 3_000, 0, 5)["usage"],
            "cache_creation": {"ephemeral_5m_input_tokens": 1_000, "ephemeral_1h_input_tokens": 2_000},
        },
    },
    {**chat(100, 0, 10), "x_groq": {"id": "req_1"}},  # a vendor's payload: the full reader's
    {**chat(100, 0, 10, model="mistral-large-latest")},  # a model only one vendor sells
]


def _check_rows(payloads: list[dict[str, Any]], **kwargs: Any) -> None:
    cost = cc.price_log(lines(*payloads), **kwargs)
    rows = {r["line"]: r for r in cost.to_arrow().to_pylist()} if cost.requests else {}
    bad = {e.line for e in cost.errors}
    for number, payload in enumerate(payloads, start=1):
        try:
            expected = cc.price_response(payload, **kwargs)
        except Exception:
            assert number in bad, (number, payload)
            continue
        assert number in rows, (number, cost.errors)
        assert rows[number]["cost"] == expected.total, (number, payload)
        assert rows[number]["model"] == expected.model
        assert rows[number]["tier"] == expected.tier


def test_every_row_equals_price_response() -> None:
    _check_rows(VARIED)
    _check_rows(list(responses_log(400, seed=11)))


def test_fast_reader_agrees_with_the_full_reader() -> None:
    for payload in [*VARIED, *responses_log(400, seed=12)]:
        fast = fast_read(payload)
        if fast is None:
            continue
        assert detect(payload) == fast[0]
        reading = read(payload)
        u = reading.usage
        assert u.simple
        assert not reading.unpriced
        assert not reading.parts
        assert not reading.surcharges
        assert (reading.model, reading.tier) == fast[1:3]
        assert (u.input_tokens, u.cached_input_tokens, u.cache_write_tokens) == fast[4:7]
        assert (u.output_tokens, u.reasoning_tokens) == fast[7:9]


counts = st.integers(min_value=0, max_value=400_000)
maybe = st.one_of(st.none(), counts)


@st.composite
def chat_payloads(draw: st.DrawFn) -> dict[str, Any]:
    payload = chat(
        draw(counts),
        draw(counts),
        draw(counts),
        model=draw(
            st.sampled_from(["gpt-4o", "o4-mini", "gpt-5-mini", "gpt-5.4", "gpt-4o-mini-audio-preview"])
        ),
    )
    usage = payload["usage"]
    usage["completion_tokens_details"]["reasoning_tokens"] = draw(maybe)
    usage["prompt_tokens_details"]["audio_tokens"] = draw(st.sampled_from([0, 0, None, 5]))
    extra = draw(st.sampled_from([None, "cache_write_tokens", "text_tokens", "odd_tokens"]))
    if extra is not None:
        usage["prompt_tokens_details"][extra] = draw(counts)
    tier = draw(st.sampled_from([None, "default", "flex", "priority", "auto"]))
    if tier is not None:
        payload["service_tier"] = tier
    return payload


@st.composite
def message_payloads(draw: st.DrawFn) -> dict[str, Any]:
    payload = message(draw(counts), draw(counts), draw(counts), draw(counts))
    usage = payload["usage"]
    if draw(st.booleans()):
        usage["cache_creation"] = {
            "ephemeral_5m_input_tokens": draw(maybe),
            "ephemeral_1h_input_tokens": draw(st.sampled_from([0, None, 7])),
        }
    usage["service_tier"] = draw(st.sampled_from(["standard", "batch", "priority", None]))
    return payload


@st.composite
def gemini_payloads(draw: st.DrawFn) -> dict[str, Any]:
    payload = gemini(draw(counts), draw(counts), draw(counts), draw(counts))
    meta = payload["usageMetadata"]
    if draw(st.booleans()):
        meta["trafficType"] = draw(st.sampled_from(["ON_DEMAND", "ON_DEMAND_FLEX", "PROVISIONED_THROUGHPUT"]))
    if draw(st.booleans()):
        meta["promptTokensDetails"] = [
            {"modality": draw(st.sampled_from(["TEXT", "AUDIO"])), "tokenCount": 1}
        ]
    return payload


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(chat_payloads(), message_payloads(), gemini_payloads()), min_size=1, max_size=6))
def test_generated_usages_price_as_price_response(payloads: list[dict[str, Any]]) -> None:
    _check_rows(payloads, at="2026-06-01")
    lenient = cc.price_log(lines(*payloads), at="2026-06-01", strict=False)
    expected = D(0)
    for payload in payloads:
        try:
            expected += cc.price_response(payload, at="2026-06-01", strict=False).total
        except Exception:  # a line error on both sides (checked above)
            continue
    assert lenient.total == expected


# -- the command ------------------------------------------------------------------------------------


def _log(tmp_path: Path, *payloads: Any) -> Path:
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"".join(lines(*payloads)))
    return path


def test_cli_cents_exact_json_and_exit_status(tmp_path: Path) -> None:
    path = _log(tmp_path, CHAT, MESSAGE, GEMINI, PRIORITY)
    runner = CliRunner()
    result = runner.invoke(main, ["log", str(path)])
    assert result.exit_code == 0, result.output
    assert "$0.02" in result.stdout  # 0.017712 rounded half-up to cents
    exact = runner.invoke(main, ["log", str(path), "--exact"])
    assert "$0.017712" in exact.stdout
    data = json.loads(runner.invoke(main, ["log", str(path), "--json"]).stdout)
    assert data["total"] == "0.017712"
    assert data["by_model"]["gpt-4o"] == "0.01067"

    bad = _log(tmp_path, CHAT, b"nope\n")
    result = runner.invoke(main, ["log", str(bad)])
    assert result.exit_code == 1
    assert "line 2: invalid JSON" in result.stderr
    assert "$0.00" in result.stdout  # 0.00472 rounds to $0.00


def test_cli_lenient_model_and_parquet(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    odd = chat(1_000, 0, 100)
    odd["usage"]["prompt_tokens_details"]["mystery_tokens"] = 7
    bare = chat(1_200, 1_024, 300)
    del bare["model"]
    path = _log(tmp_path, odd, bare)
    runner = CliRunner()
    assert runner.invoke(main, ["log", str(path), "--model", "gpt-4o"]).exit_code == 1  # line 1 refused
    out = tmp_path / "rows.parquet"
    result = runner.invoke(
        main, ["log", str(path), "--model", "gpt-4o", "--lenient", "--parquet", str(out), "--exact"]
    )
    assert result.exit_code == 0, result.output
    assert "line 1: not priced: usage.prompt_tokens_details.mystery_tokens" in result.stderr
    assert "$0.00822" in result.stdout  # 0.0035 + 0.00472
    assert pq.read_table(out).column("cost").to_pylist() == [D("0.0035"), D("0.00472")]


def test_arguments_are_checked() -> None:
    with pytest.raises(cc.InvalidInputError, match="shape"):
        cc.price_log([], shape="nope")
    with pytest.raises(cc.InvalidInputError, match="model"):
        cc.price_log([], model=3)  # type: ignore[arg-type]
    assert cc.price_log(io.BytesIO(b"")).total == 0


# -- price_batch_output runs on the same engine --------------------------------------------------------


def test_batch_output_rows_equal_price_response_and_export_to_arrow(tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parents[1] / "examples"
    raw = (examples / "batch_output.jsonl").read_bytes().splitlines()
    # The same file with every line's body made plain, then a duplicate id and a bad line.
    payloads = [orjson.loads(line) for line in raw]
    path = tmp_path / "out.jsonl"
    path.write_bytes(b"".join(lines(*payloads, payloads[0], b"{oops\n")))
    cost = cc.price_batch_output(path)
    n = len(payloads)
    assert [(e.line, e.reason.split(" ")[0]) for e in cost.errors] == [
        (n + 1, "duplicate"),
        (n + 2, "invalid"),
    ]
    table = cost.to_arrow().to_pylist()
    assert len(table) == len(cost.rows) == cost.requests
    for row, request in zip(table, cost.rows, strict=True):
        expected = cc.price_response(payloads[row["line"] - 1])
        assert row["cost"] == request.cost == expected.total
        assert row["id"] == request.custom_id == payloads[row["line"] - 1]["custom_id"]
        assert row["tier"] == "batch"
    assert cost.total == sum((r.cost for r in cost.rows), D(0))
    with pytest.raises(cc.InvalidInputError, match="keep_rows"):
        cc.price_batch_output(path, keep_rows=False).to_arrow()


# -- one field changed at a time: whatever the fast readers take or leave, the rows are price_response's


def _responses_payload() -> dict[str, Any]:
    return next(p for p in responses_log(50, seed=3) if p.get("object") == "response")


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(payload: dict[str, Any]) -> None:
        *parents, leaf = path.split(".")
        obj: Any = payload
        for key in parents:
            obj = obj[int(key)] if isinstance(obj, list) else obj.setdefault(key, {})
        obj[leaf] = value

    return change


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda payload: payload.pop(key, None)  # type: ignore[func-returns-value]


CHANGES: dict[str, list[Callable[[dict[str, Any]], None]]] = {
    "chat": [
        _set("usage.prompt_tokens_details.audio_tokens", 5),
        _set("usage.prompt_tokens_details.image_tokens", 5),
        _set("usage.prompt_tokens_details.cache_write_tokens", 100),
        _set("usage.prompt_tokens_details.cached_tokens_details", {"audio_tokens": 1}),
        _set("usage.completion_tokens_details.audio_tokens", 3),
        _set("usage.completion_tokens_details.reasoning_tokens", 10**7),
        _set("usage.prompt_tokens", 12.0),
        _set("usage.prompt_tokens", True),
        _set("usage.prompt_tokens", -1),
        _set("usage.prompt_tokens", None),
        _set("usage.total_tokens", "many"),
        _set("usage.total_tokens", {"n": 1}),
        _set("usage.mystery", 3),
        _set("usage", None),
        _set("usage", [1]),
        _set("service_tier", "auto"),
        _set("service_tier", "flex"),
        _set("service_tier", ["default"]),
        _set("service_tier", None),
        _set("created", 1.5e9),
        _set("created", "2025-01-01"),
        _set("created", -5),
        _set("created", None),
        _set("model", ""),
        _set("model", 7),
        _set("object", "chat.completion.chunk"),
        _set("custom_id", "x"),
        _set("x_groq", {"id": "req"}),
        _set("id", "gen-123"),
        _set("provider", "OpenAI"),
        _set("type", "message"),
        _set("usageMetadata", {"promptTokenCount": 1}),
    ],
    "responses": [
        _set("tools", [{"type": "web_search"}]),
        _set("tools", [{"type": "web_search"}, {"type": "web_search_preview"}]),
        _set("tools", "all"),
        _set("tools", [{"type": {"nested": 1}}]),
        _set("output", [{"type": "web_search_call", "status": "completed", "action": {"type": "search"}}]),
        _set("output", [{"type": "file_search_call"}]),
        _set("output", [{"type": "brand_new_item"}]),
        _set("output", [{"type": 3}]),
        _set("output", ["text"]),
        _set("output", {"type": "message"}),
        _set("tool_usage", {"web_search": {"num_requests": 2}}),
        _set("usage.input_tokens_details.cache_write_tokens", 10),
        _set("usage.input_tokens_details.cache_write_tokens_details", {"ttl_12h_tokens": 5}),
        _set("usage.output_tokens_details.image_tokens", 2),
        _set("created_at", None),
        _set("metadata", {"usage": {"inputTokens": 1}}),
        _set("service_tier", "priority"),
        _set("service_tier", "scale"),
    ],
    "message": [
        _set("usage.cache_creation", {"ephemeral_5m_input_tokens": 2_000, "ephemeral_1h_input_tokens": 0}),
        _set("usage.cache_creation", {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 2_000}),
        _set("usage.cache_creation", {"ephemeral_5m_input_tokens": 1, "ephemeral_1h_input_tokens": 1}),
        _set("usage.cache_creation", {}),
        _set("usage.server_tool_use", {"web_search_requests": 2, "web_fetch_requests": 1}),
        _set("usage.server_tool_use", {"web_fetch_requests": 4}),
        _set("usage.output_tokens_details", {"thinking_tokens": 10**6}),
        _set("usage.speed", "fast"),
        _set("usage.speed", "standard"),
        _set("usage.speed", "warp"),
        _set("usage.service_tier", "batch"),
        _set("usage.service_tier", "priority"),
        _set("usage.service_tier", "gold"),
        _set("usage.service_tier", 3),
        _set("usage.inference_geo", "us"),
        _set("usage.inference_geo", "global"),
        _set("usage.inference_geo", 1),
        _set("usage.input_tokens", None),
        _set("usage.cache_read_input_tokens", "10"),
        _set("content", [{"type": "code_execution_tool_result"}]),
        _set("content", [{"type": {"x": 1}}, "text"]),
        _set("content", "plain text"),
        _set("content", {"type": "text"}),
        _set("id", "msg_bdrk_01"),
        _set("model", "gpt-4o"),
        _drop("model"),
    ],
    "gemini": [
        _set("usageMetadata.promptTokensDetails", [{"modality": "AUDIO", "tokenCount": 10}]),
        _set("usageMetadata.promptTokensDetails", [{"modality": "TEXT", "tokenCount": 10, "extra": 1}]),
        _set("usageMetadata.promptTokensDetails", [{"modality": "WEIRD", "tokenCount": 10}]),
        _set("usageMetadata.promptTokensDetails", [{"modality": ["TEXT"], "tokenCount": 10}]),
        _set("usageMetadata.promptTokensDetails", [{"modality": "TEXT", "tokenCount": 1.5}]),
        _set("usageMetadata.promptTokensDetails", {"modality": "TEXT"}),
        _set("usageMetadata.cacheTokensDetails", [{"modality": "TEXT", "tokenCount": 400}]),
        _set("usageMetadata.toolUsePromptTokenCount", 50),
        _set("usageMetadata.trafficType", "ON_DEMAND_PRIORITY"),
        _set("usageMetadata.trafficType", "PROVISIONED_THROUGHPUT"),
        _set("usageMetadata.trafficType", 7),
        _set("usageMetadata.cachedContentTokenCount", 10**6),
        _set("usageMetadata.promptTokenCount", None),
        _set("usageMetadata.prompt_token_count", 5),
        _set("usage_metadata", {"promptTokenCount": 5}),
        _set("candidates.0.finish_reason", "STOP"),
        _set("candidates.0.groundingMetadata", {"webSearchQueries": ["a", "b"]}),
        _set("candidates", "none"),
        _set("createTime", "not a time"),
        _set("createTime", "2025-03-01T23:30:00-05:00"),
        _set("createTime", 1_740_000_000),
        _set("createTime", "2025-03-01Z"),
        _set("createTime", " 2025-03-01T10:00:00Z"),
        _set("createTime", "2025-03-01T10:00:00ZZ"),
        _set("createTime", "2025-03-01T24:00:00Z"),
        _set("createTime", "2025-03-01T10:00:00.000001Z"),
        _set("key", "k1"),
        _set("response", {}),
        _set("usageMetadata", None),
        _set("modelVersion", "claude-haiku-4-5"),
    ],
}
BASES: dict[str, Callable[[], dict[str, Any]]] = {
    "chat": lambda: chat(1_200, 1_024, 300, service_tier="default"),
    "responses": _responses_payload,
    "message": lambda: message(100, 2_000, 10_000, 500),
    "gemini": lambda: gemini(1_000, 400, 200, 100),
}


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_each_changed_field_prices_as_price_response(kind: str) -> None:
    payloads = [BASES[kind]()]
    for change in CHANGES[kind]:
        payload = BASES[kind]()
        change(payload)
        payloads.append(payload)
    # Each line twice: the second of a key is priced by the fast path when the first allowed it.
    _check_rows([p for p in payloads for _ in range(2)], at="2026-06-01")
    _check_rows([p for p in payloads for _ in range(2)], at="2026-06-01", strict=False)
    _check_rows([p for p in payloads for _ in range(2)])


RESPONSES = {
    "id": "resp_1",
    "object": "response",
    "created_at": 1_760_000_000,
    "status": "completed",
    "model": "o4-mini",
    "output": [{"type": "message", "id": "msg_1", "role": "assistant", "status": "completed", "content": []}],
    "usage": {
        "input_tokens": 2_000,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": 500,
        "output_tokens_details": {"reasoning_tokens": 300},
        "total_tokens": 2_500,
    },
}


@pytest.mark.parametrize(
    ("payload", "block", "prefix"),
    [
        (CHAT, "usage", "usage"),
        (RESPONSES, "usage", "usage"),
        (MESSAGE, "usage", "usage"),
        (GEMINI, "usageMetadata", "usageMetadata"),
    ],
    ids=["openai.chat", "openai.responses", "anthropic", "gemini"],
)
@pytest.mark.parametrize("nested", [False, True], ids=["top", "nested"])
@pytest.mark.parametrize("as_file", [False, True], ids=["parsed", "bytes"])
def test_every_plain_shape_refuses_an_unknown_number_by_name(
    tmp_path: Path, payload: dict[str, Any], block: str, prefix: str, nested: bool, as_file: bool
) -> None:
    # The fast readers take only usage blocks of known fields; a number costcalc does not know,
    # at the top of the block or inside an object of it, is never dropped: the full reader refuses
    # it by name (strict) or lists it (lenient), exactly as price_response does. Parsed lines go
    # through fast_read, a file's lines through the line readers (msgspec schemas).
    odd = json.loads(json.dumps(payload))
    if nested:
        odd[block]["mysteryDetails"] = {"units": 7}
        field = f"{prefix}.mysteryDetails.units"
    else:
        odd[block]["mysteryUnits"] = 7  # camelCase: Gemini names its fields so
        field = f"{prefix}.mysteryUnits"
    source: Any = _log(tmp_path, payload, odd) if as_file else lines(payload, odd)
    if as_file:
        assert line_reader()(orjson.dumps(payload)) is not None  # the plain line is read from bytes
        assert line_reader()(orjson.dumps(odd)) is None
    strict = cc.price_log(source)
    assert [e.line for e in strict.errors] == [2]
    assert field.rsplit(".", 1)[1] in strict.errors[0].reason
    assert strict.total == cc.price_response(payload).total
    lenient = cc.price_log(source, strict=False)
    assert lenient.errors == []
    assert [(u.line, u.field, u.quantity) for u in lenient.unpriced] == [(2, field, 7)]
    assert lenient.total == 2 * cc.price_response(payload).total
    assert cc.price_response(odd, strict=False).unpriced[0].field == field


# -- a file's lines read from their bytes (msgspec schemas): exactly what fast_read reads --------------


def _ident(payload: dict[str, Any]) -> Any:
    ident = payload.get("id")
    if not isinstance(ident, str):
        ident = payload.get("responseId")
    return ident if isinstance(ident, str) else None


def _same_reading(payload: Any) -> bool:
    """The line reader gives nothing for ``payload``'s line, or exactly what fast_read gives."""
    raw = orjson.dumps(payload)
    found = line_reader()(raw)
    if found is None:
        return False
    assert isinstance(payload, dict)
    assert found == (_ident(payload), fast_read(payload)), payload
    return True


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_line_reader_reads_what_fast_read_reads(kind: str) -> None:
    # The plain base payload is read from its bytes (else the file path would never be fast).
    assert _same_reading(BASES[kind]())
    for change in CHANGES[kind]:
        payload = BASES[kind]()
        change(payload)
        _same_reading(payload)
    for payload in [*VARIED, *responses_log(300, seed=21)]:
        _same_reading(payload)


def test_every_line_of_the_example_log_is_read_from_its_bytes() -> None:
    # examples/generate_log.py writes plain responses of the four base shapes: each is read by
    # the line readers (a regression that sent them all to the full path would show here).
    payloads = list(responses_log(2_000, seed=5))
    assert sum(_same_reading(p) for p in payloads) == len(payloads)


# Keys a line may carry that the schemas must not take as plain: every vendor's marks, other
# shapes' keys, batch keys, snake_case twins, unknown keys.
_KEYS = sorted(
    {key for module in MODULES for key in getattr(module, "MARKS", ())}
    | {"custom_id", "key", "response", "error", "result", "params", "type", "object", "usage"}
    | {"usageMetadata", "candidates", "modelVersion", "responseId"}
    | {"created", "created_at", "createTime", "service_tier", "metadata", "tools", "output", "content"}
    | {"usage_metadata", "cache_creation", "prompt_tokens", "input_tokens", "promptTokenCount", "mystery"}
)
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([0, 1, 7, -1, 10**9, 2**63, 1.0, 1.5, "", "default", "priority", "message", "TEXT"]),
    st.sampled_from([{}, [], {"inputTokens": 1}, [{"type": "function"}], {"usage": {"inputTokens": 2}}]),
    st.sampled_from(["chat.completion", "response", "gen-1", "msg_bdrk_1", "2025-01-01T00:00:00Z"]),
)


_PLAUSIBLE = st.one_of(
    st.none(),
    st.integers(0, 2_000_000),
    st.sampled_from(["default", "priority", "flex", "standard", "ON_DEMAND", "gpt-4o-mini"]),
    st.just("2026-01-02T03:04:05Z"),
)


@st.composite
def changed_payloads(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(sorted(BASES)))
    payload = BASES[kind]()
    for _ in range(draw(st.integers(1, 3))):
        blocks = [payload, *(v for v in payload.values() if isinstance(v, dict))]
        usage = payload.get("usage") or payload.get("usageMetadata")
        if isinstance(usage, dict):
            blocks += [v for v in usage.values() if isinstance(v, dict)]
        block = draw(st.sampled_from(blocks))
        if block and draw(st.booleans()):  # a plausible value for a key it has: many stay plain
            key = draw(st.sampled_from(sorted(block)))
            block[key] = draw(_PLAUSIBLE)
        else:
            keys = sorted({*block, *_KEYS})
            block[draw(st.sampled_from(keys))] = copy.deepcopy(draw(_VALUES))
    return payload


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changed_payloads())
def test_changed_lines_read_from_bytes_as_fast_read_reads(payload: dict[str, Any]) -> None:
    # About one line in eight stays plain (read from its bytes); every other one is refused.
    _same_reading(payload)


def _hostile_lines() -> list[bytes]:
    plain = orjson.dumps(CHAT)
    return [
        b"\xef\xbb\xbf" + plain + b"\n",  # a byte order mark on line 1
        b"\n",
        b"   \r\n",
        plain.replace(b'"Hi"', b'"H\xffi"') + b"\n",  # not UTF-8 inside the text
        plain.replace(b'"Hi"', b'"\\ud800"') + b"\n",  # a lone surrogate
        plain.replace(b'"index":0', b'"index":1e999') + b"\n",  # beyond a double, in the answer
        plain.replace(b'"prompt_tokens":1200', b'"prompt_tokens":1e999') + b"\n",  # ... in the usage
        plain.replace(b'"Hi"', b'"\xc3\xa9t\xc3\xa9"') + b"\n",  # UTF-8 text
        plain.replace(b'"Hi"', b"[" * 3000 + b"]" * 3000) + b"\n",  # nested beyond any parser
        plain[:-1] + b',"usage":{"prompt_tokens":5,"completion_tokens":1}}\n',  # a duplicate key
        plain + b" trailing\n",
        b"[1, 2]\n",
        orjson.dumps(GEMINI).replace(b'"finishReason"', b'"finish\\u005freason"') + b"\n",
        orjson.dumps(GEMINI).replace(b'"finishReason"', b'"groundingMetadata"') + b"\n",
        plain.replace(b'"chatcmpl-1"', b'"msg_bdrk_9"') + b"\n",
        plain,  # the last line, without a newline
    ]


@pytest.mark.parametrize("options", [{}, {"strict": False}, {"at": "2026-06-01"}, {"keep_rows": False}])
def test_a_file_prices_exactly_as_its_lines(tmp_path: Path, options: dict[str, Any]) -> None:
    payloads: list[Any] = [p for kind in sorted(BASES) for p in (BASES[kind](), BASES[kind]())]
    for kind in sorted(CHANGES):
        for change in CHANGES[kind]:
            payload = BASES[kind]()
            change(payload)
            payloads += [payload, payload]
    payloads += [*VARIED, *responses_log(500, seed=8)]
    raw = [*_hostile_lines()[:-1], *lines(*payloads), _hostile_lines()[-1]]
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"".join(raw))
    from_file = cc.price_log(path, progress=False, **options)
    from_lines = cc.price_log(raw, progress=False, **options)
    assert from_file.total == from_lines.total
    assert from_file.by_day == from_lines.by_day
    assert from_file.errors == from_lines.errors
    assert from_file.unpriced == from_lines.unpriced
    if options.get("keep_rows", True):
        assert from_file.to_arrow().equals(from_lines.to_arrow())
    assert from_file == from_lines
    # The hostile lines, by number: 2-3 blank; the others are errors or priced as written.
    bad = {e.line: e.reason for e in from_file.errors}
    assert "not valid UTF-8" in bad[4]
    assert "invalid JSON" in bad[5]
    assert 6 not in bad  # 1e999 in the answer is nothing to price
    assert "usage.prompt_tokens" in bad[7]
    assert 8 not in bad
    assert "invalid JSON" in bad[9]
    assert 11 in bad
    assert 12 in bad


def test_a_wide_number_in_the_text_is_read_as_json(tmp_path: Path) -> None:
    # 1e999 is JSON (RFC 8259 leaves the range to the reader); orjson cannot hold it, the line is
    # read by the standard library then. CHAT costs $0.00472 (see CHAT); twice: $0.00944.
    line = orjson.dumps(CHAT).replace(b'"index":0', b'"index":1e999') + b"\n"
    path = tmp_path / "wide.jsonl"
    path.write_bytes(line * 2)
    cost = cc.price_log(path, progress=False)
    assert cost.errors == []
    assert cost.total == D("0.00944")


# -- rows priced a block at a time ----------------------------------------------------------------------


def test_rows_held_when_the_scale_grows_keep_their_exact_costs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Costs start with 20 decimal places here (28 in use: no published rate needs more); a rate
    # with 18 decimals per 1M tokens makes one token cost 24. The rows held before it are priced
    # at 20 places, those after it at 24.
    import costcalc.logs

    monkeypatch.setattr(costcalc.logs, "SCALE", 20)
    cat = cc.default_catalog().extend(
        {
            "provider": "anthropic",
            "source": "https://example.com/fine",
            "checked": "2026-01-01",
            "models": [{"id": "claude-fine", "prices": [{"standard": {"input": "1.000000000000000001"}}]}],
        }
    )
    fine = message(1, 0, 0, 0, model="claude-fine")
    payloads = [CHAT, CHAT, CHAT, fine, CHAT, CHAT]
    cost = cc.price_log(_log(tmp_path, *payloads), catalog=cat, progress=False)
    # 5 x $0.00472 (see CHAT) + 1 token x $1.000000000000000001 / 1M
    # = 0.0236 + 0.000001000000000000000001 = 0.023601000000000000000001
    assert cost.errors == []
    assert cost.total == D("0.023601000000000000000001")
    assert str(cost.to_arrow().schema.field("cost").type) == "decimal128(38, 24)"
    assert cost.to_arrow().column("cost").to_pylist() == [
        *[D("0.00472")] * 3,
        D("0.000001000000000000000001"),
        *[D("0.00472")] * 2,
    ]
    assert cost == cc.price_log(lines(*payloads), catalog=cat, progress=False)


@pytest.mark.parametrize("numpy", [True, False])
def test_blocks_priced_with_and_without_numpy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, numpy: bool
) -> None:
    if not numpy:  # the core install: no numpy, every row priced one at a time
        monkeypatch.setitem(sys.modules, "numpy", None)
        with pytest.raises(ImportError):
            import numpy
    # gpt-4o: 10**15 prompt tokens at $2.50 per 1M = $2,500,000,000 a line; ten such lines are
    # beyond what float64 sums exactly (10 x 10**15 > 2**53), so they are priced one at a time.
    huge = chat(10**15, 0, 0)
    path = _log(tmp_path, *([CHAT] * 40), *([huge] * 10), *([PRIORITY] * 30))
    cost = cc.price_log(path, progress=False, keep_rows=False)
    # 40 x $0.00472 + 10 x $2,500,000,000 + 30 x $0.00595 = 0.1888 + 25,000,000,000 + 0.1785
    assert cost.total == D("25000000000.3673")
    assert cost.requests == 80
    assert cost.by_tier == {"priority": D("0.1785"), "standard": D("25000000000.1888")}
    kept = cc.price_log(path, progress=False)  # rows kept: in Arrow blocks, or in the buffers
    assert kept.total == cost.total
    if numpy:
        assert kept.to_arrow().column("cost").to_pylist()[40] == D("2500000000")
    else:
        with pytest.raises(ImportError, match=r"costcalc\[tables\]"):
            kept.to_arrow()


def test_arrow_rows_are_built_without_pandas(tmp_path: Path) -> None:
    # pyarrow's conversion of Python lists imports pandas (0.25 s and 50 MB the first time);
    # the rows are built from buffers instead. Ids: ASCII, not ASCII, none.
    accented = chat(1_200, 1_024, 300)
    accented["id"] = "réponse-1"
    anonymous = chat(1_200, 1_024, 300)
    del anonymous["id"]
    path = _log(tmp_path, CHAT, accented, anonymous, CHAT)
    script = (
        "import sys, json, costcalc as cc\n"
        f"cost = cc.price_log({str(path)!r}, progress=False)\n"
        "ids = cost.to_arrow().column('id').to_pylist()\n"
        f"cc.price_log({str(path)!r}, progress=False, parquet={str(tmp_path / 'rows.parquet')!r})\n"
        "print(json.dumps({'pandas': 'pandas' in sys.modules, 'ids': ids}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == {
        "pandas": False,
        "ids": ["chatcmpl-1", "réponse-1", None, "chatcmpl-1"],
    }


def test_a_free_model_in_a_block_with_priced_ones(tmp_path: Path) -> None:
    # Rates of 0 (every power of ten divides them) beside gpt-4o's: the free rows cost 0, the
    # others their price. 3 x $0.00472 (see CHAT) = $0.01416.
    cat = cc.default_catalog().extend(
        {
            "provider": "openai",
            "source": "https://example.com/free",
            "checked": "2026-01-01",
            "models": [{"id": "gpt-free", "prices": [{"standard": {"input": "0", "output": "0"}}]}],
        }
    )
    free = chat(1_000, 0, 500, model="gpt-free")
    cost = cc.price_log(_log(tmp_path, free, CHAT, free, CHAT, free, CHAT), catalog=cat, progress=False)
    assert cost.errors == []
    assert cost.total == D("0.01416")
    assert cost.by_model == {"gpt-4o": D("0.01416"), "gpt-free": D("0")}


@pytest.mark.parametrize("options", [{}, {"keep_rows": False}, {"parquet": True}, {"strict": False}])
def test_many_blocks_price_as_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: dict[str, Any]
) -> None:
    # Blocks of 4 rows (16,384 in use): fast rows, rows read in full and bad lines fall across
    # block ends, and each block is priced, summed, written or dropped on its own.
    import costcalc.logs

    payloads: list[Any] = [*VARIED, *responses_log(60, seed=31)]
    raw = lines(*payloads)
    raw[7:7] = [b"not json\n", b"\n"]
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"".join(raw))
    whole = cc.price_log(raw, progress=False, strict=options.get("strict", True))
    monkeypatch.setattr(costcalc.logs, "_BATCH_ROWS", 4)
    kwargs = {k: v for k, v in options.items() if k != "parquet"}
    if options.get("parquet"):
        kwargs["parquet"] = tmp_path / "rows.parquet"
    cost = cc.price_log(path, progress=False, **kwargs)
    assert cost.total == whole.total
    assert (cost.by_model, cost.by_tier, cost.by_day) == (whole.by_model, whole.by_tier, whole.by_day)
    assert (cost.requests, cost.input_tokens, cost.output_tokens) == (
        whole.requests,
        whole.input_tokens,
        whole.output_tokens,
    )
    assert cost.errors == whole.errors
    assert 8 in {e.line for e in cost.errors}  # "not json"; line 9 is blank
    if options.get("parquet"):
        import pyarrow.parquet as pq

        assert pq.read_table(kwargs["parquet"]).equals(whole.to_arrow())
    elif options.get("keep_rows", True):
        assert cost.to_arrow().equals(whole.to_arrow())


# -- OpenAI Batch output lines read from their bytes ------------------------------------------------


def _batch_line(body: dict[str, Any], cid: str = "req-1") -> dict[str, Any]:
    return {
        "id": "batch_req_1",
        "custom_id": cid,
        "response": {"status_code": 200, "request_id": "r1", "body": body},
        "error": None,
    }


_BATCH_CHANGES: list[Callable[[dict[str, Any]], None]] = [
    _set("error", {"code": "server_error"}),
    _set("error", ""),
    _set("response.status_code", 500),
    _set("response.status_code", 200.0),
    _set("response.body.service_tier", "flex"),
    _set("response.body.service_tier", "batch"),
    _set("response.body.service_tier", "auto"),
    _set("response.body.service_tier", 7),
    _set("response.body", None),
    _set("response.extra", 1),
    _set("custom_id", ""),
    _set("custom_id", 5),
    _set("result", {"type": "succeeded"}),
    _set("params", {}),
    _set("mystery", True),
    _drop("custom_id"),
    _drop("response"),
]


def _batch_payloads() -> list[dict[str, Any]]:
    bodies = [BASES["chat"](), BASES["responses"](), chat(500, 0, 20, model="gpt-4o-mini")]
    for kind in ("chat", "responses"):
        for change in CHANGES[kind]:
            body = BASES[kind]()
            change(body)
            bodies.append(body)
    out = [_batch_line(body, f"req-{i}") for i, body in enumerate(bodies)]
    for i, change in enumerate(_BATCH_CHANGES):
        line = _batch_line(BASES["chat"](), f"changed-{i}")
        change(line)
        out.append(line)
    return out


def test_batch_line_reader_reads_what_fast_batch_result_reads() -> None:
    from costcalc.providers.openai import fast_batch_result
    from costcalc.providers.openai_lines import read_batch_result

    read = 0
    for payload in _batch_payloads():
        found = read_batch_result(orjson.dumps(payload))
        if found is not None:
            read += 1
            assert found == fast_batch_result(payload), payload
    assert read >= 10  # the plain lines (and the harmless changes) are read from their bytes


@pytest.mark.parametrize("kind", ["chat", "responses"])
@pytest.mark.parametrize("nested", [False, True], ids=["top", "nested"])
def test_a_batch_line_with_an_unknown_number_is_refused_by_name(
    tmp_path: Path, kind: str, nested: bool
) -> None:
    # A Batch output file read from its bytes: the plain lines by read_batch_result, the line
    # whose body's usage holds a number costcalc does not know by the full reader, which refuses
    # it by name: the line is an error, never priced without it.
    from costcalc.providers.openai_lines import read_batch_result

    plain = [_batch_line(BASES[kind](), f"req-{i}") for i in range(3)]
    odd = _batch_line(BASES[kind](), "odd")
    usage = odd["response"]["body"]["usage"]
    if nested:
        usage["mystery_details"] = {"units": 7}
    else:
        usage["mystery_units"] = 7
    assert read_batch_result(orjson.dumps(plain[1])) is not None
    assert read_batch_result(orjson.dumps(odd)) is None
    cost = cc.price_batch_output(_log(tmp_path, plain[0], odd, *plain[1:]), progress=False)
    assert [(e.line, e.custom_id) for e in cost.errors] == [(2, "odd")]
    assert ("mystery_details" if nested else "mystery_units") in cost.errors[0].reason
    # Three plain lines priced: three times one line's batch price.
    one = cc.price_batch_output(lines(plain[0]), progress=False).total
    assert one > 0
    assert cost.total == 3 * one
    assert cost.requests == 3


@pytest.mark.parametrize("options", [{}, {"keep_rows": False}, {"at": "2026-06-01"}])
def test_a_batch_file_prices_exactly_as_its_lines(tmp_path: Path, options: dict[str, Any]) -> None:
    payloads: list[Any] = _batch_payloads()
    payloads += [payloads[0], payloads[1]]  # duplicate ids: one read from bytes, one in full
    raw = [
        b"\xef\xbb\xbf" + orjson.dumps(payloads[5]) + b"\n",  # the first line decides the format
        *lines(*payloads),
        b"{oops\n",
        b"\n",
        orjson.dumps({"custom_id": "a-1", "result": {"type": "succeeded", "message": MESSAGE}}) + b"\n",
    ]
    path = tmp_path / "out.jsonl"
    path.write_bytes(b"".join(raw))
    from_file = cc.price_batch_output(path, progress=False, **options)
    from_lines = cc.price_batch_output(raw, progress=False, **options)
    assert from_file == from_lines
    assert from_file.total == from_lines.total > 0
    reasons = [e.reason for e in from_file.errors]
    # payloads[5] is on line 1 and again on line 7; payloads[0] and [1] twice at the end.
    assert sum(r.startswith("duplicate") for r in reasons) == 3
    assert any("not an OpenAI Batch result line" in r for r in reasons), reasons
