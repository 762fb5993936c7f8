"""What did it cost: Usage (and Cost) from the responses that provider APIs return.

Shapes read, as plain dicts or SDK objects (anything with ``model_dump()``, ``to_dict()``, a
mapping interface or attributes):

- ``openai.chat``: Chat Completions, including the final chunk of a stream with usage;
  ``prompt_tokens`` includes cached tokens, ``completion_tokens`` includes reasoning.
- ``openai.responses``: the Responses API; ``input_tokens``/``output_tokens`` with details.
- ``openai.embeddings``: an Embeddings response (``"object": "list"``); input tokens only.
- ``openai.batch``: one line of a Batch API output file; a failed or expired request
  (``"response": null``) is a :class:`BatchRequestError`, never a zero cost.
- ``anthropic``: Messages API; ``input_tokens`` counts only the tokens after the last cache
  breakpoint, so the whole prompt is input + cache creation + cache read. 5-minute and 1-hour
  cache writes are kept apart (``cache_write_tokens`` and ``cache_write_1h_tokens``).
- ``gemini``: ``usageMetadata``; ``promptTokenCount`` includes cached tokens, thinking tokens
  (``thoughtsTokenCount``) are billed as output, and tool-use prompt tokens as input.

Unknown extra fields are ignored; a missing or malformed field raises :class:`UsageParseError`
naming its path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final, Literal, TypeGuard

from costcalc.catalog import Catalog, default_catalog
from costcalc.errors import UsageParseError
from costcalc.pricing import MAX_TOKENS, Cost, Usage

__all__ = ["SHAPES", "BatchRequestError", "Shape", "detect_shape", "price_response", "usage_from_response"]

Shape = Literal["openai.chat", "openai.responses", "openai.embeddings", "openai.batch", "anthropic", "gemini"]
SHAPES: Final[tuple[str, ...]] = (
    "openai.chat",
    "openai.responses",
    "openai.embeddings",
    "openai.batch",
    "anthropic",
    "gemini",
)

# OpenAI's service_tier in a response -> costcalc tier
_OPENAI_TIERS: Final = {"default": "standard", "auto": "standard", "flex": "flex", "priority": "priority"}
_ANTHROPIC_TIERS: Final = {"standard": "standard", "batch": "batch", "priority": "priority"}


class BatchRequestError(UsageParseError):
    """A Batch output line for a request that failed or expired: it has no usage to price."""

    def __init__(self, message: str, *, custom_id: str | None, error: Any) -> None:
        self.custom_id = custom_id
        self.error = error
        super().__init__(message, path="response")


# -- reading any object as plain data --------------------------------------------------------------


def _plain(obj: Any, depth: int = 0) -> Any:
    """Dicts, lists and scalars from ``obj``: a dict, an SDK (pydantic) object or attributes.

    A mapping is returned as it is, without a copy: nested SDK objects in it are converted
    where they are read (:func:`_m`).
    """
    if depth == 0 and _is_map(obj):
        return obj
    if depth > 32:
        raise UsageParseError("the payload is nested too deeply")
    if obj is None or isinstance(obj, str | int | float | bool):
        return obj
    if isinstance(obj, Mapping):
        return {str(k): _plain(v, depth + 1) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v, depth + 1) for v in obj]
    for method in ("model_dump", "to_dict"):
        fn = getattr(obj, method, None)
        if callable(fn):
            try:
                dumped = fn()
            except Exception as exc:  # an SDK object that cannot dump itself
                raise UsageParseError(f"{type(obj).__name__}.{method}() failed: {exc}") from exc
            return _plain(dumped, depth + 1)
    fields = getattr(obj, "__dict__", None)
    if isinstance(fields, dict):
        return {k: _plain(v, depth + 1) for k, v in fields.items() if not k.startswith("_")}
    raise UsageParseError(f"cannot read a {type(obj).__name__} as a response")


def _is_map(value: Any) -> TypeGuard[Mapping[str, Any]]:
    # A dict is by far the common case; the Mapping ABC check costs several times more.
    return type(value) is dict or isinstance(value, Mapping)


def _m(value: Any) -> Any:
    """A nested value as plain data: mappings, lists, scalars and None pass as they are."""
    if value is None or type(value) is dict or isinstance(value, Mapping | list | str | int | float | bool):
        return value
    return _plain(value)


def _get(obj: Any, key: str, path: str) -> Any:
    if not _is_map(obj):
        raise UsageParseError(f"expected an object, got {_kind(obj)}", path=path)
    if key not in obj:
        raise UsageParseError("is missing", path=f"{path}.{key}" if path else key)
    return _m(obj[key])


def _count(obj: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> int:
    """A token count at ``obj[key]``: a whole number >= 0; absent or null is 0 unless required."""
    value = obj.get(key)
    if type(value) is int and 0 <= value <= MAX_TOKENS:
        return value
    where = f"{path}.{key}" if path else key
    if value is None:
        if required:
            raise UsageParseError("is missing", path=where)
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise UsageParseError(f"must be a whole number of tokens, got {_kind(value)}", path=where)
    raise UsageParseError(f"must be between 0 and {MAX_TOKENS}, got {value}", path=where)


def _details(obj: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
    value = _m(obj.get(key))
    if value is None:
        return {}
    if not _is_map(value):
        raise UsageParseError(f"must be an object, got {_kind(value)}", path=f"{path}.{key}")
    return value


def _kind(value: Any) -> str:
    return "null" if value is None else f"{type(value).__name__} {value!r}"[:80]


def _usage(path: str, **fields: int) -> Usage:
    try:
        return Usage(**fields)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        message = str(exc).splitlines()
        detail = next((line.strip() for line in message[1:] if line.strip()), message[0])
        raise UsageParseError(f"inconsistent token counts: {detail}", path=path) from exc


# -- shapes -----------------------------------------------------------------------------------------


def detect_shape(payload: Any) -> Shape:
    """Which provider's response ``payload`` is (see the module docstring)."""
    return _detect(_plain(payload))


def _detect(data: Any) -> Shape:
    if not _is_map(data):
        raise UsageParseError(f"a response is a JSON object, got {_kind(data)}")
    if "custom_id" in data and ("response" in data or "error" in data):
        return "openai.batch"
    if "usageMetadata" in data or "usage_metadata" in data or "promptTokenCount" in data:
        return "gemini"
    obj = data.get("object")
    if isinstance(obj, str) and obj.startswith("chat.completion"):
        return "openai.chat"
    if obj == "response":
        return "openai.responses"
    if obj == "list" and "usage" in data:
        return "openai.embeddings"
    if data.get("type") == "message" and "usage" in data:
        return "anthropic"
    usage = _m(data.get("usage", data))
    if _is_map(usage):
        if "prompt_tokens" in usage:
            return "openai.chat"
        if "input_tokens_details" in usage or "output_tokens_details" in usage:
            return "openai.responses"
        if "cache_creation_input_tokens" in usage or "cache_read_input_tokens" in usage:
            return "anthropic"
    raise UsageParseError(
        "cannot tell which provider's response this is; pass shape= one of " + ", ".join(SHAPES)
    )


def usage_from_response(payload: Any, *, shape: Shape | None = None) -> Usage:
    """The :class:`Usage` that ``payload`` reports, exactly as the provider bills it."""
    data = _plain(payload)
    kind = shape or _detect(data)
    if kind not in SHAPES:
        raise ValueError(f"unknown shape {kind!r}; shapes are {', '.join(SHAPES)}")
    return _PARSERS[kind](data)


def _usage_block(data: Any, key: str = "usage") -> tuple[Mapping[str, Any], str]:
    if _is_map(data) and key in data:
        block = _m(data[key])
        if block is None:
            hint = (
                "; a stream reports usage only in its final chunk when the request sets "
                "stream_options={'include_usage': True}"
                if isinstance(data.get("object"), str) and data["object"].endswith(".chunk")
                else ""
            )
            raise UsageParseError(f"is null{hint}", path=key)
        if not _is_map(block):
            raise UsageParseError(f"must be an object, got {_kind(block)}", path=key)
        return block, key
    if _is_map(data) and not any(k in data for k in ("object", "type", "id", "model", "choices")):
        return data, ""  # a bare usage block
    raise UsageParseError("is missing", path=key)


def _openai_chat(data: Any) -> Usage:
    usage, path = _usage_block(data)
    prompt = _details(usage, "prompt_tokens_details", path)
    completion = _details(usage, "completion_tokens_details", path)
    pp = "usage.prompt_tokens_details" if path else "prompt_tokens_details"
    cp = "usage.completion_tokens_details" if path else "completion_tokens_details"
    return _usage(
        path or "usage",
        input_tokens=_count(usage, "prompt_tokens", path),
        cached_input_tokens=_count(prompt, "cached_tokens", pp, required=False),
        cache_write_tokens=_count(prompt, "cache_write_tokens", pp, required=False),
        audio_input_tokens=_count(prompt, "audio_tokens", pp, required=False),
        output_tokens=_count(usage, "completion_tokens", path),
        reasoning_tokens=_count(completion, "reasoning_tokens", cp, required=False),
        audio_output_tokens=_count(completion, "audio_tokens", cp, required=False),
    )


def _openai_responses(data: Any) -> Usage:
    usage, path = _usage_block(data)
    inp = _details(usage, "input_tokens_details", path)
    out = _details(usage, "output_tokens_details", path)
    ip = "usage.input_tokens_details" if path else "input_tokens_details"
    op = "usage.output_tokens_details" if path else "output_tokens_details"
    return _usage(
        path or "usage",
        input_tokens=_count(usage, "input_tokens", path),
        cached_input_tokens=_count(inp, "cached_tokens", ip, required=False),
        cache_write_tokens=_count(inp, "cache_write_tokens", ip, required=False),
        output_tokens=_count(usage, "output_tokens", path),
        reasoning_tokens=_count(out, "reasoning_tokens", op, required=False),
    )


def _openai_batch(data: Any) -> Usage:
    body, _url = _batch_body(data)
    kind = _detect_body(body)
    try:
        return _PARSERS[kind](body)
    except UsageParseError as exc:
        raise UsageParseError(
            str(exc), path=f"response.body.{exc.path}" if exc.path else "response.body"
        ) from exc


def _batch_body(data: Any) -> tuple[Mapping[str, Any], str]:
    if not _is_map(data):
        raise UsageParseError(f"a Batch output line is a JSON object, got {_kind(data)}")
    custom_id = data.get("custom_id")
    response = _m(data.get("response"))
    if response is None or data.get("error"):
        raise BatchRequestError(
            f"request {custom_id!r} has no response (it failed or expired): {data.get('error')!r}",
            custom_id=custom_id if isinstance(custom_id, str) else None,
            error=data.get("error"),
        )
    status = _get(response, "status_code", "response") if _is_map(response) else None
    body = _get(response, "body", "response")
    if status != 200:
        detail = body.get("error") if _is_map(body) else body
        raise BatchRequestError(
            f"request {custom_id!r} returned HTTP {status}: {detail!r}",
            custom_id=custom_id if isinstance(custom_id, str) else None,
            error=body,
        )
    if not _is_map(body):
        raise UsageParseError(f"must be an object, got {_kind(body)}", path="response.body")
    return body, str(data.get("url", ""))


def _detect_body(body: Mapping[str, Any]) -> Shape:
    if body.get("object") == "response":
        return "openai.responses"
    if body.get("object") == "list":
        return "openai.embeddings"
    usage = _m(body.get("usage"))
    if _is_map(usage) and "input_tokens" in usage and "prompt_tokens" not in usage:
        return "openai.responses"
    return "openai.chat"


def _openai_embeddings(data: Any) -> Usage:
    usage, path = _usage_block(data)
    return _usage(path or "usage", input_tokens=_count(usage, "prompt_tokens", path))


def _anthropic(data: Any) -> Usage:
    usage, path = _usage_block(data)
    uncached = _count(usage, "input_tokens", path)
    created = _count(usage, "cache_creation_input_tokens", path, required=False)
    read = _count(usage, "cache_read_input_tokens", path, required=False)
    split = _details(usage, "cache_creation", path)
    sp = f"{path}.cache_creation".lstrip(".")
    if split:
        five = _count(split, "ephemeral_5m_input_tokens", sp, required=False)
        hour = _count(split, "ephemeral_1h_input_tokens", sp, required=False)
        if five + hour != created:
            raise UsageParseError(
                f"5-minute ({five}) and 1-hour ({hour}) cache writes do not add up to "
                f"cache_creation_input_tokens ({created})",
                path=sp,
            )
    else:
        five, hour = created, 0
    return _usage(
        path or "usage",
        input_tokens=uncached + created + read,
        cached_input_tokens=read,
        cache_write_tokens=five,
        cache_write_1h_tokens=hour,
        output_tokens=_count(usage, "output_tokens", path),
    )


def _gemini(data: Any) -> Usage:
    if _is_map(data) and ("usageMetadata" in data or "usage_metadata" in data):
        key = "usageMetadata" if "usageMetadata" in data else "usage_metadata"
        meta, path = _usage_block(data, key)
    else:
        meta, path = _usage_block(data, "usageMetadata")
    snake = "prompt_token_count" in meta

    def name(camel: str, snake_name: str) -> str:
        return snake_name if snake else camel

    prompt = _count(meta, name("promptTokenCount", "prompt_token_count"), path)
    tool = _count(meta, name("toolUsePromptTokenCount", "tool_use_prompt_token_count"), path, required=False)
    cached = _count(meta, name("cachedContentTokenCount", "cached_content_token_count"), path, required=False)
    candidates = _count(meta, name("candidatesTokenCount", "candidates_token_count"), path, required=False)
    thoughts = _count(meta, name("thoughtsTokenCount", "thoughts_token_count"), path, required=False)
    return _usage(
        path or "usageMetadata",
        input_tokens=prompt + tool,
        cached_input_tokens=cached,
        output_tokens=candidates + thoughts,
        reasoning_tokens=thoughts,
    )


_PARSERS: Final = {
    "openai.chat": _openai_chat,
    "openai.responses": _openai_responses,
    "openai.embeddings": _openai_embeddings,
    "openai.batch": _openai_batch,
    "anthropic": _anthropic,
    "gemini": _gemini,
}


# -- pricing a response --------------------------------------------------------------------------


def price_response(
    payload: Any,
    *,
    model: str | None = None,
    tier: str | None = None,
    at: dt.date | dt.datetime | str | None = None,
    shape: Shape | None = None,
    catalog: Catalog | None = None,
) -> Cost:
    """The exact cost of one response.

    ``model``, ``tier`` and ``at`` are read from the payload unless given: the response's
    ``model`` (Gemini: ``modelVersion``), its ``service_tier`` (a Batch output line is the
    ``batch`` tier) and its creation time (``created``/``created_at``; otherwise today). A tier
    the catalog does not have for the model raises, rather than pricing it as standard.
    """
    return _usage_and_cost(payload, model=model, tier=tier, at=at, shape=shape, catalog=catalog)[1]


def _usage_and_cost(
    payload: Any,
    *,
    model: str | None = None,
    tier: str | None = None,
    at: dt.date | dt.datetime | str | None = None,
    shape: Shape | None = None,
    catalog: Catalog | None = None,
) -> tuple[Usage, Cost]:
    data = _plain(payload)
    kind = shape or _detect(data)
    usage = usage_from_response(data, shape=kind)
    body = data
    if kind == "openai.batch":
        body, _ = _batch_body(data)
    name = model or _model_of(body, kind)
    cost = (catalog or default_catalog()).price(
        usage, name, tier=tier or _tier_of(body, kind), at=at if at is not None else _time_of(body)
    )
    return usage, cost


def _model_of(body: Mapping[str, Any], kind: str) -> str:
    for key in ("model", "modelVersion", "model_version"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
    raise UsageParseError("the response names no model; pass model=", path="model")


def _tier_of(body: Mapping[str, Any], kind: str) -> str:
    if kind == "openai.batch":
        return "batch"
    if kind in ("openai.chat", "openai.responses", "openai.embeddings"):
        raw = body.get("service_tier")
        if raw is None:
            return "standard"
        if not isinstance(raw, str) or raw not in _OPENAI_TIERS:
            raise UsageParseError(
                f"service tier {raw!r} is not one costcalc prices; pass tier= if you know its rates",
                path="service_tier",
            )
        return _OPENAI_TIERS[raw]
    if kind == "anthropic":
        usage = _m(body.get("usage"))
        raw = usage.get("service_tier") if _is_map(usage) else None
        if raw is None:
            return "standard"
        if not isinstance(raw, str) or raw not in _ANTHROPIC_TIERS:
            raise UsageParseError(
                f"service tier {raw!r} is not one costcalc prices; pass tier=", path="usage.service_tier"
            )
        return _ANTHROPIC_TIERS[raw]
    return "standard"


def _time_of(body: Mapping[str, Any]) -> dt.datetime | None:
    for key in ("created", "created_at"):
        value = body.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            try:
                return dt.datetime.fromtimestamp(value, dt.UTC)
            except (OverflowError, OSError, ValueError) as exc:
                raise UsageParseError(f"is not a valid Unix time: {value}", path=key) from exc
    return None
