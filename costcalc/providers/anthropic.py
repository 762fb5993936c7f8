"""Anthropic: Messages payloads (and bare usage blocks), Message Batches files, tiers and speed.

Usage convention: ``input_tokens`` counts only the tokens after the last cache breakpoint, so the
whole prompt is ``input_tokens + cache_creation_input_tokens + cache_read_input_tokens``.
5-minute and 1-hour cache writes are kept apart. ``output_tokens`` includes thinking.

Bill lines beyond tokens: ``server_tool_use.web_search_requests`` (per search); web fetches bill
tokens only. Code execution bills container time, which the response does not report: a
response with code-execution results lists it as unpriced. ``speed: "fast"`` is the fast tier;
``service_tier`` is standard, priority or batch; ``inference_geo`` asks for the US-only inference
surcharge where the catalog has one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any, Final

from costcalc.errors import InvalidRequestError, UsageParseError
from costcalc.pricing import Unpriced
from costcalc.providers.base import (
    BatchFailure,
    BatchRequest,
    BatchResult,
    CostItem,
    ExportBucket,
    ExportPage,
    FastReading,
    Reading,
    RequestCount,
    UsageSpec,
    details,
    effort_for_budget,
    export_groups,
    export_text,
    get,
    is_map,
    kind,
    make_usage,
    money,
    plain_numbers,
    read_export_buckets,
    timestamp,
)

__all__ = [
    "BATCH_FORMAT",
    "BATCH_ID",
    "DEFAULT_ENDPOINT",
    "EXPORT_NAMES",
    "GLOBAL_GEO",
    "SHAPES",
    "TIERS",
    "batch_kind",
    "count_request",
    "detect",
    "export_kind",
    "fast_read",
    "read",
    "read_batch_request",
    "read_batch_result",
    "read_export_page",
]

PROVIDER: Final = "anthropic"
SHAPES: Final = ("anthropic", "anthropic.batch")
TIERS: Final = {"standard": "standard", "batch": "batch", "priority": "priority"}
#: The Message Batches file format, as messages name it, and the field that identifies a request.
BATCH_FORMAT: Final = "Anthropic Message Batches"
BATCH_ID: Final = "custom_id"
#: The endpoint a bare request body is counted for.
DEFAULT_ENDPOINT: Final = "/v1/messages"
#: What each kind of line holds, for messages about a line of the wrong kind.
BATCH_FIELDS: Final = {"request": "custom_id, params", "result": "custom_id, result"}

USAGE: Final = UsageSpec(
    read={
        "input_tokens": "uncached",
        "output_tokens": "output",
        "cache_creation_input_tokens": "created",
        "cache_read_input_tokens": "read",
        "cache_creation.ephemeral_5m_input_tokens": "five",
        "cache_creation.ephemeral_1h_input_tokens": "hour",
        "output_tokens_details.thinking_tokens": "thinking",
        "server_tool_use.web_search_requests": "web_search",
    },
    free=frozenset(
        {
            # Web fetch bills the fetched content as input tokens only.
            "server_tool_use.web_fetch_requests",
        }
    ),
    required=frozenset({"input_tokens", "output_tokens"}),
)
#: Keys that only Anthropic usage blocks have (OpenAI's have total_tokens and *_details).
_OWN_KEYS: Final = frozenset(
    {
        "cache_creation_input_tokens",
        "cache_read_input_tokens",
        "cache_creation",
        "server_tool_use",
        "speed",
        "inference_geo",
    }
)
#: Content blocks of server-side code execution (container time is billed, not reported).
_CODE_EXECUTION: Final = frozenset(
    {
        "code_execution_tool_result",
        "bash_code_execution_tool_result",
        "text_editor_code_execution_tool_result",
    }
)
#: inference_geo values that do not ask for US-only inference.
GLOBAL_GEO: Final = frozenset({"global", "not_available", "unspecified", ""})


def detect(data: Mapping[str, Any]) -> str | None:
    """The Anthropic shape of ``data``, or None when it is not one of Anthropic's."""
    if "custom_id" in data and "result" in data:
        return "anthropic.batch"
    if data.get("type") == "message" and "usage" in data:
        return "anthropic"
    usage = get(data.get("usage", data))
    if is_map(usage):
        # One of its own keys with a value (the SDK dumps absent keys as None), or its tier words.
        for key in _OWN_KEYS:
            if usage.get(key) is not None:
                return "anthropic"
        if usage.get("service_tier") in ("standard", "batch"):
            return "anthropic"
    return None


def read(data: Any, shape: str) -> Reading:
    """The Reading of an Anthropic payload of ``shape``."""
    if shape == "anthropic.batch":
        result = read_batch_result(data)
        if result.failure is not None or result.reading is None:
            from costcalc.errors import BatchRequestError

            failure = result.failure or BatchFailure("failed", "no message")
            raise BatchRequestError(failure.reason, custom_id=result.custom_id, error=failure.error)
        return result.reading
    if shape != "anthropic":
        raise UsageParseError(f"unknown Anthropic shape {shape!r}; shapes are {', '.join(SHAPES)}")
    return _message(data)


def _message(data: Any, *, batch: bool = False) -> Reading:
    if is_map(data) and "usage" in data:
        block = get(data["usage"])
        path = "usage"
        if not is_map(block):
            raise UsageParseError(f"must be an object, got {kind(block)}", path="usage")
    elif is_map(data) and "input_tokens" in data:
        block, path = data, ""
    else:
        raise UsageParseError("is missing", path="usage")
    n = USAGE.counts(block, path)
    created, read_ = n["created"], n["read"]
    split = details(block, "cache_creation", path)
    sp = f"{path}.cache_creation".lstrip(".")
    if split:
        five, hour = n["five"], n["hour"]
        if five + hour != created:
            raise UsageParseError(
                f"5-minute ({five}) and 1-hour ({hour}) cache writes do not add up to "
                f"cache_creation_input_tokens ({created})",
                path=sp,
            )
    else:
        five, hour = created, 0
    units = {"web_search_call": n["web_search"]} if n["web_search"] else {}
    usage = make_usage(
        path or "usage",
        input_tokens=n["uncached"] + created + read_,
        cached_input_tokens=read_,
        cache_write_tokens=five,
        cache_write_1h_tokens=hour,
        output_tokens=n["output"],
        reasoning_tokens=min(n["thinking"], n["output"]),
        units=units,
    )
    unpriced = list(USAGE.unknown(block, path))
    body = data if is_map(data) and block is not data else {}
    content = get(body.get("content")) or []
    executions = 0
    for block_ in content if isinstance(content, list) else []:
        item = get(block_)
        if is_map(item) and isinstance(item.get("type"), str) and item["type"] in _CODE_EXECUTION:
            executions += 1
    if executions:
        unpriced.append(
            Unpriced(
                "content[].code_execution_tool_result",
                executions,
                "code execution bills container time, which the response does not report; price the "
                "container hours apart (Usage(units={'container_hour': ...}))",
            )
        )
    model = body.get("model")
    return Reading(
        usage=usage,
        shape="anthropic",
        creator=PROVIDER,
        model=model if isinstance(model, str) and model else None,
        tier="batch" if batch else _tier(block, path),
        at=None,
        unpriced=tuple(unpriced),
        surcharges=_surcharges(block, path),
    )


def _tier(block: Mapping[str, Any], path: str) -> str | None:
    speed = get(block.get("speed"))
    raw = get(block.get("service_tier"))
    if speed not in (None, "standard", "fast"):
        raise UsageParseError(
            f"speed {speed!r} is not one costcalc prices; pass tier=", path=f"{path}.speed".lstrip(".")
        )
    if raw is not None and (not isinstance(raw, str) or raw not in TIERS):
        raise UsageParseError(
            f"service tier {raw!r} is not one costcalc prices; pass tier=",
            path=f"{path}.service_tier".lstrip("."),
        )
    if speed == "fast":
        if raw == "batch":
            raise UsageParseError(
                "fast mode is not offered with batch processing", path=f"{path}.speed".lstrip(".")
            )
        return "fast"
    return TIERS[raw] if isinstance(raw, str) else None


def _surcharges(block: Mapping[str, Any], path: str) -> tuple[str, ...]:
    geo = get(block.get("inference_geo"))
    if geo is None:
        return ()
    if not isinstance(geo, str):
        raise UsageParseError(f"must be a string, got {kind(geo)}", path=f"{path}.inference_geo".lstrip("."))
    if geo.lower() in GLOBAL_GEO:
        return ()
    return (f"inference_geo_{geo.lower()}",)


# -- the fast path: plain messages, read straight from the parsed JSON (logs) ----------------------

_FAST: Final[dict[str, frozenset[str] | None]] = {
    "input_tokens": None,
    "output_tokens": None,
    "cache_creation_input_tokens": None,
    "cache_read_input_tokens": None,
    "cache_creation": frozenset({"ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens"}),
    "server_tool_use": frozenset({"web_search_requests", "web_fetch_requests"}),
    "output_tokens_details": frozenset({"thinking_tokens"}),
}
_FAST_LABELS: Final = frozenset({"service_tier", "speed", "inference_geo"})
_NONE: Final[Mapping[str, Any]] = {}


def fast_read(data: Mapping[str, Any]) -> FastReading | None:
    """A plain Message (text tokens, cache reads, 5-minute cache writes, thinking; no web search,
    code execution, fast mode or regional inference), as
    :data:`~costcalc.providers.base.FastReading`; None for anything else, which :func:`read`
    reads. Every key of its usage block is one ``USAGE`` reads or knows to be free."""
    if data.get("type") != "message" or "custom_id" in data:
        return None
    usage = data.get("usage")
    if not plain_numbers(usage, _FAST, _FAST_LABELS):
        return None
    uncached = usage.get("input_tokens")
    out = usage.get("output_tokens")
    if uncached is None or out is None:
        return None
    created = usage.get("cache_creation_input_tokens") or 0
    read_ = usage.get("cache_read_input_tokens") or 0
    split = usage.get("cache_creation")
    if split and (
        split.get("ephemeral_1h_input_tokens") or (split.get("ephemeral_5m_input_tokens") or 0) != created
    ):
        return None
    tools = usage.get("server_tool_use")
    if tools and tools.get("web_search_requests"):
        return None
    speed = usage.get("speed")
    if speed is not None and speed != "standard":
        return None
    raw = usage.get("service_tier")
    tier = None
    if raw is not None:
        tier = TIERS.get(raw) if type(raw) is str else None
        if tier is None:
            return None
    geo = usage.get("inference_geo")
    if geo is not None and (type(geo) is not str or geo.lower() not in GLOBAL_GEO):
        return None
    content = data.get("content")
    if type(content) is list:
        for item in content:
            kind_ = item.get("type") if type(item) is dict else None
            if type(kind_) is str and kind_ in _CODE_EXECUTION:
                return None
    elif content is not None and type(content) is not str:
        return None
    thinking = (usage.get("output_tokens_details") or _NONE).get("thinking_tokens") or 0
    model = data.get("model")
    return (
        "anthropic",
        model if type(model) is str and model else None,
        tier,
        None,
        uncached + created + read_,
        read_,
        created,
        out,
        min(thinking, out),
    )


# -- Message Batches ------------------------------------------------------------------------------------


def batch_kind(data: Mapping[str, Any]) -> str | None:
    """``"request"`` for a Message Batches request, ``"result"`` for a results line (or an SDK
    ``MessageBatchIndividualResponse``), None for neither."""
    if "custom_id" not in data:
        return None
    if "result" in data:
        return "result"
    if "params" in data:
        return "request"
    return None


def read_batch_result(data: Any) -> BatchResult:
    """One line of a Message Batches results file (or an SDK ``MessageBatchIndividualResponse``):
    ``succeeded`` is priced at the batch tier; ``errored``, ``canceled`` and ``expired`` are
    failures with their type."""
    if not is_map(data):
        raise UsageParseError(f"a results line is a JSON object, got {kind(data)}")
    custom_id = data.get("custom_id")
    cid = custom_id if isinstance(custom_id, str) else None
    result = get(data.get("result"))
    if not is_map(result):
        raise UsageParseError(f"must be an object, got {kind(result)}", path="result")
    status = result.get("type")
    if status == "succeeded":
        message = get(result.get("message"))
        if not is_map(message):
            raise UsageParseError(f"must be an object, got {kind(message)}", path="result.message")
        try:
            reading = _message(message, batch=True)
        except UsageParseError as exc:
            raise UsageParseError(
                str(exc).removeprefix(f"{exc.path}: ") if exc.path else str(exc),
                path=f"result.message.{exc.path}" if exc.path else "result.message",
            ) from exc
        return BatchResult(cid, reading)
    if status in ("errored", "canceled", "expired"):
        error = get(result.get("error"))
        detail = ""
        if is_map(error):
            inner = get(error.get("error"))
            inner = inner if is_map(inner) else error
            detail = f": {inner.get('type')}: {inner.get('message')}"
        return BatchResult(cid, None, BatchFailure(status, f"request {custom_id!r} {status}{detail}", error))
    raise UsageParseError(
        f"result type {status!r} is not one of succeeded, errored, canceled, expired", path="result.type"
    )


def read_batch_request(data: Mapping[str, Any]) -> BatchRequest:
    """One Message Batches request: ``{custom_id, params}`` (params is a Messages request body)."""
    custom_id = data.get("custom_id")
    if not isinstance(custom_id, str) or not custom_id:
        raise InvalidRequestError(f"must be a non-empty string, got {kind(custom_id)}", field="custom_id")
    params = get(data.get("params"))
    if not is_map(params):
        raise InvalidRequestError(f"must be an object, got {kind(params)}", field="params")
    model = params.get("model")
    if not isinstance(model, str) or not model:
        raise InvalidRequestError(f"must be a model name, got {kind(model)}", field="params.model")
    return BatchRequest(custom_id, params, "/v1/messages", model)


# -- request bodies -----------------------------------------------------------------------------------

#: The tool-use system prompt Anthropic adds to a request that has tools, in Claude tokens: the
#: pricing page's "Tool use system prompt token count" (checked 2026-11-25), the larger of its
#: tool_choice figures (auto/none, any/tool): Claude 3 Opus 530 / 281, Sonnet 159 / 235, Haiku
#: 264 / 340; Claude 4 models 346 / 313, used for every later model too.
TOOL_PROMPT_TOKENS: Final = {"claude-3-opus": 530, "claude-3-sonnet": 235, "claude-3-haiku": 340}
TOOL_PROMPT_DEFAULT: Final = 346
#: The Chat Completions message rule, applied to Claude's turns in o200k tokens: 3 per message
#: (the system prompt counts as one) and 3 to prime the reply.
_PER_MESSAGE: Final = 3
_REPLY_PRIMING: Final = 3
#: Server tools that bill per use beyond tokens (web fetch bills tokens only).
_PER_USE_TOOLS: Final = ("web_search", "code_execution")
#: thinking.type / output_config.effort -> the effort words of the ``anthropic-thinking`` profile.
_EFFORTS: Final = {"low": "low", "medium": "medium", "high": "high", "xhigh": "high", "max": "high"}


def count_request(endpoint: str, body: Mapping[str, Any], info: Any, catalog: Any) -> RequestCount:
    """The prompt of a Messages request body (a Message Batches ``params``), approximately.

    Claude's tokenizer is not public: the count is o200k_base tokens of every text the request
    sends (system prompt, messages, tool definitions as JSON, tool calls and results) plus the
    Chat Completions message rule, which the estimate scales by the Claude ratio band
    (:mod:`costcalc.approximation`); the tool-use system prompt is added in Claude tokens.
    Tokens up to the last ``cache_control`` breakpoint are reported as cacheable (5-minute or
    1-hour). Thinking (``thinking``, ``output_config.effort``) sets the effort: off is "none".
    """
    from costcalc.tokens.text import encoding_for

    if info.kind != "chat":
        raise InvalidRequestError(
            f"{info.id!r} is a {info.kind} model; /v1/messages takes chat models", field="params.model"
        )
    enc = encoding_for(info.id, catalog, warn=False)[0]
    counter = _Counter(enc.encode_ordinary)
    if body.get("cache_control") is not None:
        counter.automatic = _ttl(body["cache_control"], "params.cache_control")
    tools = get(body.get("tools"))
    if tools is not None:
        if not isinstance(tools, list):
            raise InvalidRequestError(f"must be a list, got {kind(tools)}", field="params.tools")
        for i, tool in enumerate(tools):
            counter.tool(get(tool), f"params.tools[{i}]")
    system = get(body.get("system"))
    if system is not None:
        counter.total += _PER_MESSAGE
        counter.content(system, "params.system")
    messages = get(body.get("messages"))
    if not isinstance(messages, list) or not messages:
        raise InvalidRequestError(
            f"must be a non-empty list of messages, got {kind(messages)}", field="params.messages"
        )
    for i, message in enumerate(messages):
        message = get(message)
        where = f"params.messages[{i}]"
        if not is_map(message):
            raise InvalidRequestError(f"must be an object, got {kind(message)}", field=where)
        if message.get("role") not in ("user", "assistant"):
            raise InvalidRequestError(
                f"must be 'user' or 'assistant', got {kind(message.get('role'))}", field=f"{where}.role"
            )
        if "content" not in message:
            raise InvalidRequestError("is missing", field=f"{where}.content")
        counter.total += _PER_MESSAGE
        counter.content(get(message["content"]), f"{where}.content")
    counter.total += _REPLY_PRIMING
    counter.close()
    fixed = 0
    if tools:
        fixed = next(
            (n for prefix, n in TOOL_PROMPT_TOKENS.items() if info.id.startswith(prefix)), TOOL_PROMPT_DEFAULT
        )
    cap = body.get("max_tokens")
    if type(cap) is not int or cap <= 0:
        raise InvalidRequestError(f"must be a whole number > 0, got {cap!r}", field="params.max_tokens")
    return RequestCount(
        info.id,
        counter.total + fixed,
        cap,
        _effort(body),
        endpoint,
        info.tokenizer_exact,
        fixed_tokens=fixed,
        cache_5m_tokens=counter.cached_5m,
        cache_1h_tokens=counter.cached_1h,
        surcharges=_request_surcharges(body),
    )


def _request_surcharges(body: Mapping[str, Any]) -> tuple[str, ...]:
    try:
        return _surcharges(body, "params")
    except UsageParseError as exc:  # the same rule as for responses, reported as a request's error
        raise InvalidRequestError(str(exc).removeprefix(f"{exc.path}: "), field=exc.path) from None


def _effort(body: Mapping[str, Any]) -> str:
    """The effort a request asks for: thinking off (the API's default) is "none"."""
    thinking = get(body.get("thinking"))
    config = get(body.get("output_config"))
    stated = config.get("effort") if is_map(config) else None
    if stated is not None and stated not in _EFFORTS:
        raise InvalidRequestError(
            f"must be one of {', '.join(_EFFORTS)}, got {kind(stated)}", field="params.output_config.effort"
        )
    if thinking is None:
        return _EFFORTS[stated] if stated is not None else "none"
    if not is_map(thinking):
        raise InvalidRequestError(f"must be an object, got {kind(thinking)}", field="params.thinking")
    mode = thinking.get("type")
    if mode == "disabled":
        return "none"
    if mode == "enabled":
        budget = thinking.get("budget_tokens")
        if type(budget) is not int or budget <= 0:
            raise InvalidRequestError(
                f"must be a whole number > 0, got {budget!r}", field="params.thinking.budget_tokens"
            )
        return _EFFORTS[stated] if stated is not None else effort_for_budget(budget)
    if mode == "adaptive":
        return _EFFORTS[stated] if stated is not None else "medium"
    raise InvalidRequestError(
        f"must be 'enabled', 'disabled' or 'adaptive', got {kind(mode)}", field="params.thinking.type"
    )


def _ttl(control: Any, where: str) -> str:
    control = get(control)
    if not is_map(control) or control.get("type") != "ephemeral":
        raise InvalidRequestError(f"must be {{'type': 'ephemeral'}}, got {kind(control)}", field=where)
    ttl = control.get("ttl", "5m")
    if ttl not in ("5m", "1h"):
        raise InvalidRequestError(f"must be '5m' or '1h', got {kind(ttl)}", field=f"{where}.ttl")
    return str(ttl)


class _Counter:
    """o200k tokens of a request's texts, in prompt order, and where its cache breakpoints fall."""

    __slots__ = ("automatic", "cached_1h", "cached_5m", "encode", "total")

    def __init__(self, encode: Any) -> None:
        self.encode = encode
        self.total = 0
        self.cached_5m = self.cached_1h = 0
        self.automatic: str | None = None

    def text(self, value: Any, where: str) -> None:
        if not isinstance(value, str):
            raise InvalidRequestError(f"must be a string, got {kind(value)}", field=where)
        self.total += len(self.encode(value))

    def json(self, value: Any) -> None:
        self.total += len(self.encode(json.dumps(value, ensure_ascii=False, separators=(",", ":"))))

    def breakpoint(self, block: Mapping[str, Any], where: str) -> None:
        control = block.get("cache_control")
        if control is None:
            return
        # Longer retentions come first in a prompt: everything before a 1-hour breakpoint is
        # written for an hour, the rest up to the last breakpoint for 5 minutes.
        if _ttl(control, f"{where}.cache_control") == "1h":
            self.cached_1h, self.cached_5m = self.total, 0
        else:
            self.cached_5m = self.total - self.cached_1h

    def close(self) -> None:
        if self.automatic == "1h":
            self.cached_1h, self.cached_5m = self.total, 0
        elif self.automatic == "5m":
            self.cached_5m = self.total - self.cached_1h

    def tool(self, tool: Any, where: str) -> None:
        if not is_map(tool):
            raise InvalidRequestError(f"must be an object, got {kind(tool)}", field=where)
        kind_ = tool.get("type")
        if isinstance(kind_, str) and kind_.startswith(_PER_USE_TOOLS):
            raise InvalidRequestError(
                f"a {kind_!r} tool bills per use (searches, container time), which an estimate cannot "
                "know; estimate the requests without it and add the expected uses",
                field=f"{where}.type",
            )
        name = tool.get("name")
        if not isinstance(name, str) or not name:
            raise InvalidRequestError(f"must be a tool name, got {kind(name)}", field=f"{where}.name")
        self.total += len(self.encode(name))
        if tool.get("description") is not None:
            self.text(tool["description"], f"{where}.description")
        schema = get(tool.get("input_schema"))
        if schema is not None:
            if not is_map(schema):
                raise InvalidRequestError(
                    f"must be an object, got {kind(schema)}", field=f"{where}.input_schema"
                )
            self.json(schema)
        self.breakpoint(tool, where)

    def content(self, content: Any, where: str) -> None:
        if isinstance(content, str):
            self.total += len(self.encode(content))
            return
        if not isinstance(content, list):
            raise InvalidRequestError(
                f"must be a string or a list of content blocks, got {kind(content)}", field=where
            )
        for i, raw in enumerate(content):
            self.block(get(raw), f"{where}[{i}]")

    def block(self, block: Any, where: str) -> None:
        if not is_map(block):
            raise InvalidRequestError(f"must be a content block object, got {kind(block)}", field=where)
        kind_ = block.get("type")
        if kind_ == "text":
            self.text(block.get("text"), f"{where}.text")
        elif kind_ in ("tool_use", "server_tool_use"):
            self.text(block.get("name"), f"{where}.name")
            self.json(get(block.get("input")))
        elif kind_ == "tool_result":
            inner = get(block.get("content"))
            if inner is not None:
                self.content(inner, f"{where}.content")
        elif kind_ == "thinking":
            self.text(block.get("thinking"), f"{where}.thinking")
        else:
            raise InvalidRequestError(
                f"is a {kind_!r} block, which costcalc cannot estimate offline (text, tool_use, "
                "tool_result and thinking blocks are counted)",
                field=where,
            )
        self.breakpoint(block, where)


# -- usage and cost reports -----------------------------------------------------------------------------
#
# The Admin API's messages usage report and cost report (and the analytics usage_report /
# cost_report of anthropic.types.beta.organization) are pages {"data": [bucket...], "has_more",
# "next_page"}; a bucket is {"starting_at", "ending_at" (RFC 3339), "results": [...]}. A usage
# result counts uncached_input_tokens, cache_read_input_tokens, cache_creation.ephemeral_5m/1h
# input tokens, output_tokens and server_tool_use.web_search_requests, grouped by workspace_id,
# api_key_id, model, service_tier, context_window ("0-200k" / "200k-1M"), inference_geo, speed.
# A cost result's amount is a decimal string in cents ("123.45" is $1.23), with cost_type
# (tokens, web_search, code_execution, session_usage) and token_type naming the line.

USAGE_EXPORT: Final = UsageSpec(
    read={
        "uncached_input_tokens": "uncached",
        "cache_read_input_tokens": "read",
        "cache_creation.ephemeral_5m_input_tokens": "five",
        "cache_creation.ephemeral_1h_input_tokens": "hour",
        "output_tokens": "output",
        "server_tool_use.web_search_requests": "web_search",
    },
    free=frozenset({"requests", "server_tool_use.web_fetch_requests"}),
    required=frozenset({"uncached_input_tokens", "output_tokens"}),
)
#: A report's service_tier -> costcalc tier; None: refused (no published per-token rates).
EXPORT_TIERS: Final[dict[str, str | None]] = {
    "standard": "standard",
    "batch": "batch",
    "priority": "priority",
    "priority_on_demand": None,
    "flex": None,
    "flex_discount": None,
}
#: context_window band -> long-context rates?
CONTEXT_BANDS: Final = {"0-200k": False, "200k-1M": True}
#: A cost report's token_type -> costcalc line; cost_type (for non-token costs) -> line.
COST_TOKEN_LINES: Final = {
    "uncached_input_tokens": "input",
    "cache_read_input_tokens": "cached_input",
    "cache_creation.ephemeral_5m_input_tokens": "cache_write",
    "cache_creation.ephemeral_1h_input_tokens": "cache_write_1h",
    "output_tokens": "output",
}
COST_TYPE_LINES: Final = {"web_search": "web_search_call", "code_execution": "container_hour"}
#: Grouping fields of a report row, kept for the overlap check.
_EXPORT_GROUPS: Final = (
    "workspace_id",
    "api_key_id",
    "account_id",
    "service_account_id",
    "model",
    "service_tier",
    "context_window",
    "inference_geo",
    "speed",
    "product",
    "rbac_group_id",
    "claude_tag_category",
    "claude_tag_user_id",
    "slack_channel_id",
    "cost_type",
    "token_type",
    "description",
)


#: What this provider's export pages are called, by kind (for messages).
EXPORT_NAMES: Final = {"usage": "Anthropic usage report", "costs": "Anthropic cost report"}


def export_kind(data: Mapping[str, Any]) -> str | None:
    """``"usage"`` or ``"costs"`` for a usage or cost report page (or one time bucket),
    ``"empty"`` for one with no results, None when ``data`` is not an Anthropic report."""
    if "data" in data and "starting_at" not in data:
        buckets = get(data.get("data"))
        if not isinstance(buckets, list):
            return None
        if not all(is_map(get(b)) and "starting_at" in get(b) for b in buckets):
            return None
        if not buckets and "has_more" not in data and "next_page" not in data:
            return None  # an empty list of something else
    elif "starting_at" in data and "results" in data:
        buckets = [data]
    else:
        return None
    for bucket in buckets:
        results = get(get(bucket).get("results"))
        if not isinstance(results, list):
            continue
        for result in results:
            result = get(result)
            if is_map(result) and "amount" in result:
                return "costs"
            if is_map(result) and ("uncached_input_tokens" in result or "output_tokens" in result):
                return "usage"
    return "empty"


def _export_time(bucket: Mapping[str, Any], key: str) -> dt.datetime:
    value = get(bucket.get(key))
    if value is None:
        raise UsageParseError("is missing", path=f"bucket.{key}")
    if not isinstance(value, str | dt.datetime):
        raise UsageParseError(f"must be an RFC 3339 time, got {kind(value)}", path=f"bucket.{key}")
    at = timestamp(value, f"bucket.{key}")
    assert at is not None
    return at


def _export_tier(result: Mapping[str, Any]) -> str | None:
    raw = export_text(result, "service_tier")
    speed = export_text(result, "speed")
    if speed not in (None, "standard", "fast"):
        raise UsageParseError(f"speed {speed!r} is not one costcalc prices", path="speed")
    if raw is not None and raw not in EXPORT_TIERS:
        raise UsageParseError(f"service tier {raw!r} is not one costcalc knows", path="service_tier")
    if raw is not None and EXPORT_TIERS[raw] is None:
        raise UsageParseError(
            f"service tier {raw!r} has no published per-token rates in the catalog; it cannot be priced",
            path="service_tier",
        )
    if speed == "fast":
        return "fast"
    return None if raw is None else EXPORT_TIERS[raw]


def _export_band(result: Mapping[str, Any]) -> bool | None:
    raw = export_text(result, "context_window")
    if raw is None:
        return None
    if raw not in CONTEXT_BANDS:
        raise UsageParseError(
            f"context window {raw!r} is not one costcalc knows ({', '.join(CONTEXT_BANDS)})",
            path="context_window",
        )
    return CONTEXT_BANDS[raw]


def _export_surcharges(result: Mapping[str, Any]) -> tuple[str, ...]:
    geo = export_text(result, "inference_geo")
    if geo is None or geo.lower() in GLOBAL_GEO:
        return ()
    return (f"inference_geo_{geo.lower()}",)


def read_export_page(data: Any, position: str) -> ExportPage:
    """A usage report or cost report page (or one time bucket) as provider-neutral records.

    A result that cannot be read is an error of the page (its position and why); the others are
    kept."""
    page_kind = export_kind(data)
    if page_kind is None:
        raise UsageParseError("is not an Anthropic usage or cost report page", path=position)
    raw = get(data.get("data")) if "starting_at" not in data else [data]
    assert isinstance(raw, list)
    return read_export_buckets(
        PROVIDER,
        page_kind,
        raw,
        position,
        bounds=("starting_at", "ending_at"),
        time=_export_time,
        read_result=_export_row,
    )


def _export_row(
    result: Mapping[str, Any], start: dt.datetime, end: dt.datetime, at: str
) -> ExportBucket | CostItem:
    # A cost report's results carry an amount; a usage report's token counts.
    if "amount" in result:
        return _cost_item(result, start, end, at)
    return _usage_bucket(result, start, end, at)


def _usage_bucket(result: Mapping[str, Any], start: dt.datetime, end: dt.datetime, at: str) -> ExportBucket:
    n = USAGE_EXPORT.counts(result, "")
    unpriced = USAGE_EXPORT.unknown(result, "")
    usage = make_usage(
        "",
        input_tokens=n["uncached"] + n["read"] + n["five"] + n["hour"],
        cached_input_tokens=n["read"],
        cache_write_tokens=n["five"],
        cache_write_1h_tokens=n["hour"],
        output_tokens=n["output"],
        units={"web_search_call": n["web_search"]} if n["web_search"] else None,
    )
    return ExportBucket(
        provider=PROVIDER,
        kind="messages",
        start=start,
        end=end,
        position=at,
        usage=usage,
        model=export_text(result, "model"),
        project=export_text(result, "workspace_id"),
        api_key=export_text(result, "api_key_id"),
        tier=_export_tier(result),
        long_context=_export_band(result),
        surcharges=_export_surcharges(result),
        unpriced=tuple(unpriced),
        groups=export_groups(result, _EXPORT_GROUPS),
    )


def _cost_item(result: Mapping[str, Any], start: dt.datetime, end: dt.datetime, at: str) -> CostItem:
    currency = get(result.get("currency"))
    if not isinstance(currency, str) or not currency:
        raise UsageParseError(f"must be a currency code, got {kind(currency)}", path="currency")
    raw = get(result.get("amount"))
    if not isinstance(raw, str):
        raise UsageParseError(f"must be a decimal string in cents, got {kind(raw)}", path="amount")
    text = raw.strip()
    negative = text.startswith("-")
    cents = money(text[1:] if negative else text, "amount")
    amount = money(cents, "amount", scale=-2)
    listed = get(result.get("list_amount"))
    list_amount = None
    if listed is not None:
        if not isinstance(listed, str):
            raise UsageParseError(
                f"must be a decimal string in cents, got {kind(listed)}", path="list_amount"
            )
        list_text = listed.strip()
        list_amount = money(list_text.lstrip("-"), "list_amount", scale=-2)
        if list_text.startswith("-"):
            list_amount = list_amount.copy_negate()
    cost_type = export_text(result, "cost_type")
    token_type = export_text(result, "token_type")
    description = export_text(result, "description")
    line: str | None = None
    label: str | None = None
    if token_type is not None:
        line = COST_TOKEN_LINES.get(token_type)
        label = description or token_type
    elif cost_type is not None and cost_type != "tokens":
        line = COST_TYPE_LINES.get(cost_type)
        label = description or cost_type
    elif cost_type == "tokens":
        line = "tokens"  # every token line of the row, not split by token type
        label = description or "tokens"
    return CostItem(
        provider=PROVIDER,
        start=start,
        end=end,
        position=at,
        amount=amount.copy_negate() if negative else amount,
        currency=currency,
        line=line,
        label=label,
        model=export_text(result, "model"),
        project=export_text(result, "workspace_id"),
        api_key=export_text(result, "api_key_id"),
        tier=_export_tier(result),
        long_context=_export_band(result),
        groups=export_groups(result, _EXPORT_GROUPS),
        list_amount=list_amount,
    )
