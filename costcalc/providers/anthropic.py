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

from collections.abc import Mapping
from typing import Any, Final

from costcalc.errors import InvalidRequestError, UsageParseError
from costcalc.pricing import Unpriced
from costcalc.providers.base import (
    BatchFailure,
    BatchRequest,
    BatchResult,
    Reading,
    UsageSpec,
    details,
    get,
    is_map,
    kind,
    make_usage,
)

__all__ = ["SHAPES", "TIERS", "detect", "read", "read_batch_request", "read_batch_result"]

PROVIDER: Final = "anthropic"
SHAPES: Final = ("anthropic", "anthropic.batch")
TIERS: Final = {"standard": "standard", "batch": "batch", "priority": "priority"}

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
_GLOBAL_GEO: Final = frozenset({"global", "not_available", "unspecified", ""})


def detect(data: Mapping[str, Any]) -> str | None:
    """The Anthropic shape of ``data``, or None when it is not one of Anthropic's."""
    if "custom_id" in data and "result" in data:
        return "anthropic.batch"
    if data.get("type") == "message" and "usage" in data:
        return "anthropic"
    usage = get(data.get("usage", data))
    if is_map(usage):
        present = {k for k, v in usage.items() if v is not None}
        if _OWN_KEYS & present or usage.get("service_tier") in ("standard", "batch"):
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
    if geo.lower() in _GLOBAL_GEO:
        return ()
    return (f"inference_geo_{geo.lower()}",)


# -- Message Batches ------------------------------------------------------------------------------------


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
