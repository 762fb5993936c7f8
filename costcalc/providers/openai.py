"""OpenAI: Chat Completions, Responses, Embeddings, Realtime and transcription payloads, Batch
files, request bodies and service tiers.

Usage conventions: ``prompt_tokens`` / ``input_tokens`` is the whole prompt (cached reads and cache
writes included); ``completion_tokens`` / ``output_tokens`` includes reasoning. Audio and image
splits are totals over the prompt, cached part included.

Bill lines beyond tokens, read from a Responses object:
- ``web_search_call`` items whose action is a search (``open_page`` and ``find_in_page`` are not
  billed), or ``tool_usage.web_search.num_requests`` when the response carries it;
- ``file_search_call`` items; ``code_interpreter_call`` items, one container each distinct
  ``container_id`` (its size from the request's ``tools``);
- ``tool_usage.image_gen``: the image generation tool's tokens, billed at the image model's rates;
  an image generation call without ``tool_usage`` cannot be priced and is listed as unpriced.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Final

from costcalc.errors import InvalidRequestError, UsageParseError
from costcalc.pricing import Unpriced, Usage
from costcalc.providers.base import (
    BatchFailure,
    BatchRequest,
    BatchResult,
    CostItem,
    ExportBucket,
    ExportPage,
    FastReading,
    Part,
    Reading,
    RequestCount,
    UsageSpec,
    cached_media_bounds,
    count,
    details,
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
    unknown_numbers,
)

__all__ = [
    "BATCH_FORMAT",
    "BATCH_ID",
    "DEFAULT_ENDPOINT",
    "ENDPOINTS",
    "EXPORT_NAMES",
    "FAST_TOOLS",
    "FREE_ITEMS",
    "SHAPES",
    "TIERS",
    "batch_kind",
    "count_request",
    "detect",
    "export_kind",
    "fast_batch_result",
    "fast_read",
    "read",
    "read_batch_request",
    "read_batch_result",
    "read_export_page",
    "split_media",
    "tier_of",
    "usage_block",
]

PROVIDER: Final = "openai"
SHAPES: Final = (
    "openai.chat",
    "openai.responses",
    "openai.embeddings",
    "openai.realtime",
    "openai.transcription",
    "openai.batch",
)

#: OpenAI's ``service_tier`` in a response -> costcalc tier; ``None``: refused, with the reason.
TIERS: Final[dict[str, str | None]] = {
    "default": "standard",
    "flex": "flex",
    "priority": "priority",
    # The SDK: a fast-mode request is reported as priority; "fast" itself is the request word.
    "fast": "priority",
    "auto": None,
    "scale": None,
    "ultrafast": None,
}
_REFUSED_TIERS: Final = {
    "auto": "'auto' is the request's setting, not the tier that served it",
    "scale": "Scale Tier is billed by reserved units, not per token",
    "ultrafast": "Ultrafast Processing has no published per-token price",
}

#: The Batch API's file format, as messages name it, and the field that identifies a request.
BATCH_FORMAT: Final = "OpenAI Batch"
BATCH_ID: Final = "custom_id"
#: The endpoint a bare request body is counted for.
DEFAULT_ENDPOINT: Final = "/v1/chat/completions"
#: What each kind of line holds, for messages about a line of the wrong kind.
BATCH_FIELDS: Final = {"request": "custom_id, method, url, body", "result": "custom_id, response, error"}
#: The model a moderation request runs when its body names none (the API's default).
DEFAULT_MODERATION_MODEL: Final = "omni-moderation-latest"

#: Batch API endpoints and what each bills.
ENDPOINTS: Final = (
    "/v1/chat/completions",
    "/v1/responses",
    "/v1/embeddings",
    "/v1/completions",
    "/v1/moderations",
)
#: Model kinds each endpoint serves (a chat model on /v1/embeddings is a line error).
ENDPOINT_KINDS: Final = {
    "/v1/chat/completions": ("chat", "audio", "realtime"),
    "/v1/responses": ("chat",),
    "/v1/embeddings": ("embedding",),
    "/v1/completions": ("completion", "chat"),
    "/v1/moderations": ("moderation",),
}

# -- usage blocks as data ---------------------------------------------------------------------------

CHAT_USAGE: Final = UsageSpec(
    read={
        "prompt_tokens": "input",
        "completion_tokens": "output",
        "prompt_tokens_details.cached_tokens": "cached",
        "prompt_tokens_details.cache_write_tokens": "write",
        "prompt_tokens_details.audio_tokens": "audio_in",
        "prompt_tokens_details.image_tokens": "image_in",
        "prompt_tokens_details.cached_tokens_details.audio_tokens": "cached_audio",
        "prompt_tokens_details.cached_tokens_details.image_tokens": "cached_image",
        "completion_tokens_details.reasoning_tokens": "reasoning",
        "completion_tokens_details.audio_tokens": "audio_out",
        "completion_tokens_details.image_tokens": "image_out",
    },
    free=frozenset(
        {
            "total_tokens",
            "prompt_tokens_details.text_tokens",
            "prompt_tokens_details.cached_tokens_details.text_tokens",
            "completion_tokens_details.text_tokens",
            # Predicted Outputs: both are already inside completion_tokens.
            "completion_tokens_details.accepted_prediction_tokens",
            "completion_tokens_details.rejected_prediction_tokens",
        }
    ),
    required=frozenset({"prompt_tokens", "completion_tokens"}),
)

RESPONSES_USAGE: Final = UsageSpec(
    read={
        "input_tokens": "input",
        "output_tokens": "output",
        "input_tokens_details.cached_tokens": "cached",
        "input_tokens_details.cache_write_tokens": "write",
        "input_tokens_details.cache_write_tokens_details.ttl_12h_tokens": "write_12h",
        "input_tokens_details.audio_tokens": "audio_in",
        "input_tokens_details.image_tokens": "image_in",
        "input_tokens_details.cached_tokens_details.audio_tokens": "cached_audio",
        "input_tokens_details.cached_tokens_details.image_tokens": "cached_image",
        "output_tokens_details.reasoning_tokens": "reasoning",
        "output_tokens_details.audio_tokens": "audio_out",
        "output_tokens_details.image_tokens": "image_out",
    },
    free=frozenset(
        {
            "total_tokens",
            "input_tokens_details.text_tokens",
            "input_tokens_details.cached_tokens_details.text_tokens",
            # The 30-minute writes are the rest of cache_write_tokens.
            "input_tokens_details.cache_write_tokens_details.ttl_30m_tokens",
            "output_tokens_details.text_tokens",
        }
    ),
    required=frozenset({"input_tokens", "output_tokens"}),
)

# Realtime ``response.done`` and transcription usage (singular ``*_token_details``).
REALTIME_USAGE: Final = UsageSpec(
    read={
        "input_tokens": "input",
        "output_tokens": "output",
        "input_token_details.cached_tokens": "cached",
        "input_token_details.audio_tokens": "audio_in",
        "input_token_details.image_tokens": "image_in",
        "input_token_details.cached_tokens_details.audio_tokens": "cached_audio",
        "input_token_details.cached_tokens_details.image_tokens": "cached_image",
        "output_token_details.audio_tokens": "audio_out",
        "output_token_details.image_tokens": "image_out",
        "output_token_details.reasoning_tokens": "reasoning",
    },
    free=frozenset(
        {
            "total_tokens",
            "input_token_details.text_tokens",
            "input_token_details.cached_tokens_details.text_tokens",
            "output_token_details.text_tokens",
        }
    ),
    required=frozenset({"input_tokens", "output_tokens"}),
)

EMBEDDINGS_USAGE: Final = UsageSpec(
    read={"prompt_tokens": "input"},
    free=frozenset({"total_tokens"}),
    required=frozenset({"prompt_tokens"}),
)

IMAGE_GEN_USAGE: Final = UsageSpec(
    read={
        "input_tokens": "input",
        "output_tokens": "output",
        "input_tokens_details.image_tokens": "image_in",
        "cached_tokens": "cached",
        "cached_tokens_details.cached_image_tokens": "cached_image",
        "output_tokens_details.image_tokens": "image_out",
    },
    free=frozenset(
        {
            "total_tokens",
            "input_tokens_details.text_tokens",
            "cached_tokens_details.cached_text_tokens",
            "output_tokens_details.text_tokens",
        }
    ),
    required=frozenset({"input_tokens", "output_tokens"}),
)

#: Responses output items that bill nothing beyond the response's tokens.
FREE_ITEMS: Final = frozenset(
    {
        "message",
        "reasoning",
        "function_call",
        "function_call_output",
        "custom_tool_call",
        "custom_tool_call_output",
        "computer_call",
        "computer_call_output",
        "local_shell_call",
        "local_shell_call_output",
        "apply_patch_call",
        "apply_patch_call_output",
        "mcp_call",
        "mcp_list_tools",
        "mcp_approval_request",
        "mcp_approval_response",
        "program",
        "program_output",
        "additional_tools",
        "compaction",
        "tool_search_call",
        "tool_search_output",
    }
)
_CONTAINER_UNITS: Final = {
    "1g": "code_interpreter_container",
    "4g": "code_interpreter_container_4g",
    "16g": "code_interpreter_container_16g",
    "64g": "code_interpreter_container_64g",
}
#: The image model the image generation tool uses when the request names none (the SDK's default).
DEFAULT_IMAGE_MODEL: Final = "gpt-image-2.6-sunburst"


# -- detecting and reading responses ------------------------------------------------------------------


def detect(data: Mapping[str, Any]) -> str | None:
    """The OpenAI shape of ``data``, or None when it is not one of OpenAI's."""
    if "custom_id" in data and ("response" in data or "error" in data) and "result" not in data:
        return "openai.batch"
    obj = data.get("object")
    if isinstance(obj, str) and obj.startswith(("chat.completion", "text_completion")):
        return "openai.chat"
    if obj == "response":
        return "openai.responses"
    if obj == "list" and "usage" in data:
        return "openai.embeddings"
    if obj == "realtime.response" or data.get("type") == "response.done":
        return "openai.realtime"
    if data.get("type") == "message":
        # An Anthropic Message: the Anthropic SDK dumps output_tokens_details (null) in its usage.
        return None
    usage = get(data.get("usage", data if "model" not in data else None))
    if is_map(usage):
        usage = {k: v for k, v in usage.items() if v is not None}  # SDK dumps write absent keys as None
        if usage.get("type") in ("tokens", "duration") and ("text" in data or "seconds" in usage):
            return "openai.transcription"
        if "prompt_tokens" in usage:
            return (
                "openai.embeddings" if "completion_tokens" not in usage and "data" in data else "openai.chat"
            )
        responses_keys = "input_tokens_details" in usage or "output_tokens_details" in usage
        if (responses_keys or "total_tokens" in usage) and "input_token_details" not in usage:
            return "openai.responses"
        if "input_token_details" in usage or "output_token_details" in usage:
            return "openai.realtime"
    return None


def read(data: Any, shape: str) -> Reading:
    """The Reading of an OpenAI payload of ``shape``."""
    reader = _READERS.get(shape)
    if reader is None:
        raise UsageParseError(f"unknown OpenAI shape {shape!r}; shapes are {', '.join(SHAPES)}")
    return reader(data)


def usage_block(data: Any, key: str = "usage") -> tuple[Mapping[str, Any], str]:
    """The usage object of ``data`` and its path (``""`` when ``data`` is a bare usage block)."""
    if is_map(data) and key in data:
        block = get(data[key])
        if block is None:
            hint = (
                "; a stream reports usage only in its final chunk when the request sets "
                "stream_options={'include_usage': True}"
                if isinstance(data.get("object"), str) and data["object"].endswith(".chunk")
                else ""
            )
            raise UsageParseError(f"is null{hint}", path=key)
        if not is_map(block):
            raise UsageParseError(f"must be an object, got {kind(block)}", path=key)
        return block, key
    if is_map(data) and not any(k in data for k in ("object", "type", "id", "model", "choices")):
        return data, ""  # a bare usage block
    raise UsageParseError("is missing", path=key)


def _tokens(
    shape: str,
    spec: UsageSpec,
    data: Any,
    creator: str | None = PROVIDER,
    *,
    units: Mapping[str, int] | None = None,
    unpriced: tuple[Unpriced, ...] = (),
    parts: tuple[Part, ...] = (),
) -> Reading:
    """The Reading of a usage block read by ``spec``, with the ``units``, ``unpriced`` entries
    and ``parts`` the rest of the payload bills (the Responses API's tool calls)."""
    block, path = usage_block(data)
    n = spec.counts(block, path)
    usage, alternatives = split_media(path or "usage", n, units)
    body = data if is_map(data) else {}
    return Reading(
        usage=usage,
        shape=shape,
        creator=creator,
        model=_model(body),
        tier=tier_of(body),
        at=timestamp(get(body.get("created", body.get("created_at"))), "created"),
        unpriced=(*spec.unknown(block, path), *unpriced),
        parts=parts,
        alternatives=alternatives,
    )


def split_media(
    path: str, n: Mapping[str, int], units: Mapping[str, int] | None = None
) -> tuple[Usage, tuple[Usage, ...]]:
    """A Usage from OpenAI counts whose audio/image splits are totals over the whole prompt.

    When the prompt has cached tokens and media tokens but no cached breakdown, the data cannot
    tell how many cached tokens are media: the Usage reads them as text first, and the other
    extreme (media first) is returned as an alternative that must price the same.
    """
    total, cached, write = n.get("input", 0), n.get("cached", 0), n.get("write", 0)
    write_12h = n.get("write_12h", 0)
    audio, image = n.get("audio_in", 0), n.get("image_in", 0)
    known_split = "cached_audio" in n and (n.get("cached_audio", 0) or n.get("cached_image", 0))
    common: dict[str, int] = {
        "input_tokens": total,
        "cached_input_tokens": cached,
        "cache_write_tokens": write - write_12h,
        "cache_write_12h_tokens": write_12h,
        "output_tokens": n.get("output", 0),
        "reasoning_tokens": n.get("reasoning", 0),
        "audio_output_tokens": n.get("audio_out", 0),
        "image_output_tokens": n.get("image_out", 0),
    }
    if units:
        common["units"] = dict(units)  # type: ignore[assignment]  # the one mapping among the counts
    if write_12h > write:
        raise UsageParseError(
            f"12-hour cache writes ({write_12h}) exceed cache_write_tokens ({write})",
            path=f"{path}.input_tokens_details",
        )
    if known_split or not (cached and (audio or image)):
        c_audio, c_image = (n.get("cached_audio", 0), n.get("cached_image", 0)) if known_split else (0, 0)
        usage = make_usage(
            path,
            **common,
            audio_input_tokens=audio - c_audio,
            image_input_tokens=image - c_image,
            cached_audio_input_tokens=c_audio,
            cached_image_input_tokens=c_image,
        )
        return usage, ()
    low, high = cached_media_bounds(total - audio - image - write, cached, {"audio": audio, "image": image})
    first, other = (
        make_usage(
            path,
            **common,
            audio_input_tokens=audio - split["audio"],
            image_input_tokens=image - split["image"],
            cached_audio_input_tokens=split["audio"],
            cached_image_input_tokens=split["image"],
        )
        for split in (low, high)
    )
    return first, (other,) if other != first else ()


def _model(body: Mapping[str, Any]) -> str | None:
    value = body.get("model")
    return value if isinstance(value, str) and value else None


def tier_of(body: Mapping[str, Any]) -> str | None:
    """The costcalc tier of a response's ``service_tier`` (None: not stated)."""
    raw = get(body.get("service_tier"))
    if raw is None:
        return None
    if not isinstance(raw, str) or raw not in TIERS:
        raise UsageParseError(
            f"service tier {raw!r} is not one costcalc prices (known: {', '.join(TIERS)}); pass tier= "
            "if you know its rates",
            path="service_tier",
        )
    tier = TIERS[raw]
    if tier is None:
        raise UsageParseError(
            f"service tier {raw!r}: {_REFUSED_TIERS[raw]}; pass tier= to price it", path="service_tier"
        )
    return tier


def _chat(data: Any) -> Reading:
    # Chat Completions is the format every OpenAI-compatible host serves many makers' models in
    # (Mistral, Groq, Together, Bedrock, OpenRouter...): the shape names no creator, and the model
    # is priced by its name. The hosts' own extra fields are read by their modules.
    return _tokens("openai.chat", CHAT_USAGE, data, creator=None)


def _embeddings(data: Any) -> Reading:
    return _tokens("openai.embeddings", EMBEDDINGS_USAGE, data, creator=None)


def _realtime(data: Any) -> Reading:
    body = get(data.get("response")) if is_map(data) and data.get("type") == "response.done" else data
    return _tokens("openai.realtime", REALTIME_USAGE, body)


def _transcription(data: Any) -> Reading:
    block, path = usage_block(data)
    if block.get("type") == "duration":
        seconds = get(block.get("seconds"))
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds < 10**9:
            raise UsageParseError(f"must be a number of seconds, got {kind(seconds)}", path=f"{path}.seconds")
        unknown = UsageSpec(read={}, free=frozenset({"seconds"})).unknown(block, path)
        from decimal import Decimal

        number = Decimal(repr(seconds)) if isinstance(seconds, float) else Decimal(seconds)
        usage = make_usage(path, units={"audio_second": number})
        return Reading(usage=usage, shape="openai.transcription", creator=PROVIDER, unpriced=tuple(unknown))
    return _tokens("openai.transcription", REALTIME_USAGE, data)


def _responses(data: Any) -> Reading:
    body = data if is_map(data) else {}
    units: dict[str, int] = {}
    unpriced: list[Unpriced] = []
    parts: list[Part] = []
    tool_usage = details(body, "tool_usage", "")
    web = details(tool_usage, "web_search", "tool_usage")
    searches_reported = "num_requests" in web
    tools = get(body.get("tools")) or []
    search_unit = _search_unit(tools, unpriced)
    if searches_reported:
        units[search_unit] = count(web, "num_requests", "tool_usage.web_search")
    image_gen = details(tool_usage, "image_gen", "tool_usage")
    if image_gen:
        image_usage = IMAGE_GEN_USAGE.counts(image_gen, "tool_usage.image_gen")
        unpriced += IMAGE_GEN_USAGE.unknown(image_gen, "tool_usage.image_gen")
        usage = make_usage(
            "tool_usage.image_gen",
            input_tokens=image_usage["input"],
            cached_input_tokens=image_usage["cached"],
            image_input_tokens=image_usage["image_in"] - image_usage["cached_image"],
            cached_image_input_tokens=image_usage["cached_image"],
            output_tokens=image_usage["output"],
            image_output_tokens=image_usage["image_out"],
        )
        if usage.input_tokens or usage.output_tokens:
            parts.append(Part("image_generation", usage, _image_model(tools)))
    unknown_tool_usage = set(tool_usage) - {"web_search", "image_gen"}
    for name in sorted(unknown_tool_usage):
        for where, value in _numbers(tool_usage[name]):
            unpriced.append(_unknown(f"tool_usage.{name}{where}", value))
    output = get(body.get("output")) or []
    if not isinstance(output, list):
        raise UsageParseError(f"must be a list, got {kind(output)}", path="output")
    containers: dict[str, str] = {}
    images_without_usage = 0
    for i, raw in enumerate(output):
        item = get(raw)
        if not is_map(item):
            raise UsageParseError(f"must be an object, got {kind(item)}", path=f"output[{i}]")
        kind_ = item.get("type")
        if kind_ == "web_search_call":
            action = details(item, "action", f"output[{i}]")
            searched = action.get("type", "search") == "search" and item.get("status") != "failed"
            if searched and not searches_reported:
                units[search_unit] = units.get(search_unit, 0) + 1
        elif kind_ == "file_search_call":
            if item.get("status") != "failed":
                units["file_search_call"] = units.get("file_search_call", 0) + 1
        elif kind_ == "code_interpreter_call":
            container = item.get("container_id")
            if not isinstance(container, str) or not container:
                raise UsageParseError("must name its container", path=f"output[{i}].container_id")
            containers.setdefault(container, _container_unit(tools))
        elif kind_ == "image_generation_call":
            svg = details(item, "svg_usage", f"output[{i}]")
            if svg:
                parts.append(_svg_part(svg, f"output[{i}].svg_usage", unpriced))
            elif not image_gen and item.get("status") == "completed":
                images_without_usage += 1
        elif kind_ == "shell_call":
            environment = details(item, "environment", f"output[{i}]")
            if environment.get("type") not in (None, "local"):
                unpriced.append(
                    Unpriced(
                        f"output[{i}]",
                        1,
                        "a shell call in a hosted container: costcalc has no published price for it",
                    )
                )
        elif isinstance(kind_, str) and kind_ not in FREE_ITEMS:
            unpriced.append(
                Unpriced(
                    f"output[{i}].type",
                    1,
                    f"output item {kind_!r} is a kind costcalc does not know the billing of; it is "
                    "refused rather than assumed free",
                )
            )
    for unit in containers.values():
        units[unit] = units.get(unit, 0) + 1
    if images_without_usage:
        unpriced.append(
            Unpriced(
                "output[].image_generation_call",
                images_without_usage,
                "image generation calls whose tokens the response does not report (no tool_usage): "
                "they are billed at the image model's rates and cannot be priced from this payload",
            )
        )
    return _tokens(
        "openai.responses", RESPONSES_USAGE, data, units=units, unpriced=tuple(unpriced), parts=tuple(parts)
    )


# -- the fast path: plain responses, read straight from the parsed JSON (logs) ---------------------

_CHAT_FAST: Final[dict[str, frozenset[str] | None]] = {
    "prompt_tokens": None,
    "completion_tokens": None,
    "total_tokens": None,
    "prompt_tokens_details": frozenset(
        {"cached_tokens", "cache_write_tokens", "text_tokens", "audio_tokens", "image_tokens"}
    ),
    "completion_tokens_details": frozenset(
        {
            "reasoning_tokens",
            "text_tokens",
            "audio_tokens",
            "image_tokens",
            "accepted_prediction_tokens",
            "rejected_prediction_tokens",
        }
    ),
}
_RESPONSES_FAST: Final[dict[str, frozenset[str] | None]] = {
    "input_tokens": None,
    "output_tokens": None,
    "total_tokens": None,
    "input_tokens_details": frozenset(
        {"cached_tokens", "cache_write_tokens", "text_tokens", "audio_tokens", "image_tokens"}
    ),
    "output_tokens_details": frozenset({"reasoning_tokens", "text_tokens", "audio_tokens", "image_tokens"}),
}
#: Tools whose calls bill only the response's tokens.
FAST_TOOLS: Final = frozenset({"function", "custom"})
_NONE: Final[Mapping[str, Any]] = {}
_DAY: Final = 86_400


def fast_read(data: Mapping[str, Any]) -> FastReading | None:
    """A plain Chat Completions or Responses payload (text tokens, cache reads and writes,
    reasoning; function tools), as :data:`~costcalc.providers.base.FastReading`; None for
    anything else, which :func:`read` reads. Every key of the usage block must be one
    ``CHAT_USAGE`` / ``RESPONSES_USAGE`` reads or knows to be free, with audio and image counts
    zero, so that the full reader would give the same Usage and nothing unpriced."""
    if "custom_id" in data:  # a batch line's fields: detect() decides
        return None
    return _fast(data, batch=False)


def fast_batch_result(data: Mapping[str, Any]) -> tuple[str, FastReading] | None:
    """The ``custom_id`` and the :data:`~costcalc.providers.base.FastReading` (at the batch tier)
    of a Batch output line whose request succeeded with a plain response (see :func:`fast_read`);
    None for any other line, which :func:`read_batch_result` reads."""
    custom_id = data.get("custom_id")
    if (
        type(custom_id) is not str
        or not custom_id
        or data.get("error")
        or "result" in data
        or "params" in data
    ):
        return None
    response = data.get("response")
    if type(response) is not dict or response.get("status_code") != 200:
        return None
    body = response.get("body")
    if type(body) is not dict:
        return None
    stated = body.get("service_tier")
    if stated is not None and (type(stated) is not str or stated not in ("default", "auto", "batch")):
        return None
    fast = _fast(body, batch=True)
    return None if fast is None else (custom_id, fast)


def _fast(data: Mapping[str, Any], *, batch: bool) -> FastReading | None:
    obj = data.get("object")
    if obj == "chat.completion":
        shape, spec, inp_key, out_key, in_details, out_details = (
            "openai.chat",
            _CHAT_FAST,
            "prompt_tokens",
            "completion_tokens",
            "prompt_tokens_details",
            "completion_tokens_details",
        )
    elif obj == "response":
        shape, spec, inp_key, out_key, in_details, out_details = (
            "openai.responses",
            _RESPONSES_FAST,
            "input_tokens",
            "output_tokens",
            "input_tokens_details",
            "output_tokens_details",
        )
    else:
        return None
    usage = data.get("usage")
    if not plain_numbers(usage, spec):
        return None
    inp = usage.get(inp_key)
    out = usage.get(out_key)
    if inp is None or out is None:
        return None
    pin = usage.get(in_details) or _NONE
    pout = usage.get(out_details) or _NONE
    if (
        pin.get("audio_tokens")
        or pin.get("image_tokens")
        or pout.get("audio_tokens")
        or pout.get("image_tokens")
    ):
        return None
    cached = pin.get("cached_tokens") or 0
    write = pin.get("cache_write_tokens") or 0
    reasoning = pout.get("reasoning_tokens") or 0
    if cached + write > inp or reasoning > out:
        return None
    raw = data.get("service_tier")
    tier = "batch" if batch else None  # a Batch line is the batch tier, whatever its body says
    if raw is not None and not batch:
        tier = TIERS.get(raw) if type(raw) is str else None
        if tier is None:
            return None
    created = data.get("created", data.get("created_at"))
    day = None
    if created is not None:
        if type(created) is not int or not 0 < created < 32_503_680_000:
            return None
        day = created // _DAY
    if shape == "openai.responses" and not _plain_responses(data):
        return None
    model = data.get("model")
    return (
        "openai.batch" if batch else shape,
        model if type(model) is str and model else None,
        tier,
        day,
        inp,
        cached,
        write,
        out,
        reasoning,
    )


def _plain_responses(data: Mapping[str, Any]) -> bool:
    # No tool usage, only function tools, only output items that bill nothing of their own.
    return (
        data.get("tool_usage") is None
        and _all_of(data.get("tools"), FAST_TOOLS)
        and _all_of(data.get("output"), FREE_ITEMS)
    )


def _all_of(items: Any, kinds: frozenset[str]) -> bool:
    # Absent, or a list of objects each of a type in ``kinds``.
    if items is None:
        return True
    if type(items) is not list:
        return False
    for item in items:
        kind_ = item.get("type") if type(item) is dict else None
        if type(kind_) is not str or kind_ not in kinds:
            return False
    return True


def _numbers(value: Any) -> list[tuple[str, Any]]:
    from costcalc.providers.base import unknown_numbers

    return [(f".{where}" if where else "", v) for where, v in unknown_numbers(value, frozenset())]


def _unknown(where: str, value: Any) -> Unpriced:
    return Unpriced(
        where,
        value,
        f"the payload reports {value} at {where!r}, a quantity costcalc does not know how to bill",
    )


def _search_unit(tools: Any, unpriced: list[Unpriced]) -> str:
    """The unit a web search bills as: the GA ``web_search`` tool, or the older
    ``web_search_preview`` (priced apart on non-reasoning models). The response's ``tools`` say
    which was offered; when both were, the calls cannot be told apart."""
    kinds: set[str] = set()
    for tool in tools if isinstance(tools, list) else []:
        tool = get(tool)
        if is_map(tool) and isinstance(tool.get("type"), str):
            kinds.add(tool["type"])
    preview = any(k.startswith("web_search_preview") for k in kinds)
    ga = any(k.startswith("web_search") and not k.startswith("web_search_preview") for k in kinds)
    if preview and ga:
        unpriced.append(
            Unpriced(
                "tools",
                1,
                "both web_search and web_search_preview were offered and they are priced apart; the "
                "response does not say which made each call",
            )
        )
    return "web_search_preview_call" if preview and not ga else "web_search_call"


def _image_model(tools: Any) -> str:
    for tool in tools if isinstance(tools, list) else []:
        tool = get(tool)
        if is_map(tool) and tool.get("type") == "image_generation":
            model = tool.get("model")
            if isinstance(model, str) and model:
                return model
    return DEFAULT_IMAGE_MODEL


def _container_unit(tools: Any) -> str:
    for tool in tools if isinstance(tools, list) else []:
        tool = get(tool)
        if is_map(tool) and tool.get("type") == "code_interpreter":
            container = get(tool.get("container"))
            if is_map(container):
                size = container.get("memory_limit") or "1g"
                unit = _CONTAINER_UNITS.get(size) if isinstance(size, str) else None
                if unit is None:
                    raise UsageParseError(
                        f"container memory_limit {size!r} is not one of {', '.join(_CONTAINER_UNITS)}",
                        path="tools[].container.memory_limit",
                    )
                return unit
    return "code_interpreter_container"


def _svg_part(svg: Mapping[str, Any], path: str, unpriced: list[Unpriced]) -> Part:
    spec = UsageSpec(
        read={"input_tokens": "input", "output_tokens": "output", "reasoning_tokens": "reasoning"},
        free=frozenset({"total_tokens"}),
        required=frozenset({"input_tokens", "output_tokens"}),
    )
    n = spec.counts(svg, path)
    unpriced += spec.unknown(svg, path)
    model = svg.get("model")
    if not isinstance(model, str) or not model:
        raise UsageParseError("must name the model that drew the SVG", path=f"{path}.model")
    usage = make_usage(
        path, input_tokens=n["input"], output_tokens=n["output"], reasoning_tokens=n["reasoning"]
    )
    return Part("image_generation (svg)", usage, model)


_READERS: Final[dict[str, Callable[[Any], Reading]]] = {
    "openai.chat": _chat,
    "openai.responses": _responses,
    "openai.embeddings": _embeddings,
    "openai.realtime": _realtime,
    "openai.transcription": _transcription,
    "openai.batch": lambda data: _batch_reading(data),  # defined below
}


# -- Batch files --------------------------------------------------------------------------------------


def batch_kind(data: Mapping[str, Any]) -> str | None:
    """``"request"`` for a Batch input line, ``"result"`` for an output line, None for neither."""
    if "custom_id" not in data or "result" in data or "params" in data:
        return None  # the last two are Anthropic's
    if "response" in data or "error" in data:
        return "result"
    if "url" in data or "body" in data or "method" in data:
        return "request"
    return None


def _batch_reading(data: Any) -> Reading:
    result = read_batch_result(data)
    if result.failure is not None or result.reading is None:
        from costcalc.errors import BatchRequestError

        failure = result.failure or BatchFailure("failed", "no response")
        raise BatchRequestError(failure.reason, custom_id=result.custom_id, error=failure.error)
    return result.reading


def read_batch_result(data: Any) -> BatchResult:
    """One line of a Batch output file: a priced response at the batch tier, or a failure."""
    if not is_map(data):
        raise UsageParseError(f"a Batch output line is a JSON object, got {kind(data)}")
    custom_id = data.get("custom_id")
    cid = custom_id if isinstance(custom_id, str) else None
    response = get(data.get("response"))
    error = get(data.get("error"))
    if response is None or error:
        return BatchResult(
            cid,
            None,
            BatchFailure(
                _failure_status(error),
                f"request {custom_id!r} has no response (it failed or expired): {_failure_text(error)}",
                error,
            ),
        )
    if not is_map(response):
        raise UsageParseError(f"must be an object, got {kind(response)}", path="response")
    status = response.get("status_code")
    body = get(response.get("body"))
    if status != 200:
        detail = body.get("error") if is_map(body) else body
        return BatchResult(
            cid,
            None,
            BatchFailure(
                "errored", f"request {custom_id!r} returned HTTP {status}: {_failure_text(detail)}", body
            ),
        )
    if not is_map(body):
        raise UsageParseError(f"must be an object, got {kind(body)}", path="response.body")
    shape = _body_shape(body)
    stated = get(body.get("service_tier"))
    if stated not in (None, "default", "auto", "batch"):
        raise UsageParseError(
            f"a Batch API response bills at the batch tier, but says service tier {stated!r}",
            path="response.body.service_tier",
        )
    if stated is not None:  # the line is the batch tier whatever the body says
        body = {k: v for k, v in body.items() if k != "service_tier"}
    try:
        reading = read(body, shape)
    except UsageParseError as exc:
        raise UsageParseError(
            str(exc).removeprefix(f"{exc.path}: ") if exc.path else str(exc),
            path=f"response.body.{exc.path}" if exc.path else "response.body",
        ) from exc
    return BatchResult(cid, _at_batch(reading))


def _at_batch(reading: Reading) -> Reading:
    from dataclasses import replace

    return replace(reading, tier="batch", shape="openai.batch")


def _body_shape(body: Mapping[str, Any]) -> str:
    obj = body.get("object")
    if obj == "response":
        return "openai.responses"
    if obj == "list":
        return "openai.embeddings"
    if isinstance(obj, str) and obj.startswith(("chat.completion", "text_completion")):
        return "openai.chat"
    usage = get(body.get("usage"))
    if is_map(usage) and "input_tokens" in usage and "prompt_tokens" not in usage:
        return "openai.responses"
    if is_map(usage) and "completion_tokens" not in usage and "prompt_tokens" in usage:
        return "openai.embeddings"
    return "openai.chat"


def _failure_status(error: Any) -> str:
    code = error.get("code") if is_map(error) else None
    return "expired" if code == "batch_expired" else "failed"


def _failure_text(error: Any) -> str:
    if is_map(error):
        nested = get(error.get("error"))
        inner: Mapping[str, Any] = nested if is_map(nested) else error
        code = inner.get("code") or inner.get("type")
        message = inner.get("message")
        return f"{code}: {message}" if code else str(message)
    return repr(error)


def read_batch_request(data: Mapping[str, Any]) -> BatchRequest:
    """One line of a Batch input file: ``{custom_id, method, url, body}``."""
    custom_id = data.get("custom_id")
    if not isinstance(custom_id, str) or not custom_id:
        raise InvalidRequestError(f"must be a non-empty string, got {kind(custom_id)}", field="custom_id")
    url = data.get("url")
    if url not in ENDPOINTS:
        raise InvalidRequestError(
            f"{url!r} is not a Batch endpoint costcalc prices ({', '.join(ENDPOINTS)})", field="url"
        )
    method = data.get("method", "POST")
    if method != "POST":
        raise InvalidRequestError(f"must be POST, got {method!r}", field="method")
    body = get(data.get("body"))
    if body is None:
        raise InvalidRequestError("is missing", field="body")
    if not is_map(body):
        raise InvalidRequestError(f"must be an object, got {kind(body)}", field="body")
    model = body.get("model")
    if model is None and url == "/v1/moderations":
        model = DEFAULT_MODERATION_MODEL
    if not isinstance(model, str) or not model:
        raise InvalidRequestError(f"must be a model name, got {kind(model)}", field="body.model")
    return BatchRequest(custom_id, body, str(url), model)


# -- request bodies -----------------------------------------------------------------------------------


def count_request(endpoint: str, body: Mapping[str, Any], info: Any, catalog: Any) -> RequestCount:
    """The billed prompt of an OpenAI request body for ``endpoint``, exactly (tiktoken), with the
    request's own output cap, reasoning effort and number of choices. ``info`` is the resolved
    ModelInfo; a model that the endpoint does not serve is an error."""
    from costcalc.tokens.chat import count_messages
    from costcalc.tokens.text import encoding_for

    allowed = ENDPOINT_KINDS.get(endpoint)
    if allowed is None:
        raise InvalidRequestError(f"{endpoint!r} is not an endpoint costcalc counts", field="url")
    if info.kind not in allowed:
        raise InvalidRequestError(
            f"{info.id!r} is a{'n' if info.kind[0] in 'aeiou' else ''} {info.kind} model; {endpoint} "
            f"takes {' or '.join(allowed)} models",
            field="body.model",
        )
    effort: Any = None
    input_only = False
    choices = 1
    # The name as sent: a dated snapshot can count differently (gpt-3.5-turbo-0301's message rule).
    stated = body.get("model")
    name: str = stated if isinstance(stated, str) and stated else info.id
    if endpoint == "/v1/chat/completions":
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise InvalidRequestError(
                f"must be a non-empty list of messages, got {kind(messages)}", field="body.messages"
            )
        tools = body.get("tools") or body.get("functions")
        tokens = count_messages(messages, name, tools=tools, catalog=catalog, warn_approximate=False)
        cap = _cap(body, ("max_completion_tokens", "max_tokens"))
        effort = body.get("reasoning_effort")
        choices = _choices(body)
    elif endpoint == "/v1/responses":
        if "input" not in body:
            raise InvalidRequestError("is missing", field="body.input")
        if body["input"] == []:
            raise InvalidRequestError("must not be empty", field="body.input")
        tokens = count_messages(
            body["input"],
            name,
            tools=body.get("tools"),
            instructions=body.get("instructions"),
            catalog=catalog,
            warn_approximate=False,
        )
        cap = _cap(body, ("max_output_tokens",))
        reasoning = get(body.get("reasoning"))
        if is_map(reasoning):
            effort = reasoning.get("effort")
    elif endpoint in ("/v1/embeddings", "/v1/moderations"):
        enc = encoding_for(info.id, catalog, warn=False)[0]
        tokens = _embedding_tokens(body, enc, moderation=endpoint == "/v1/moderations")
        cap = None
        input_only = True
    else:  # /v1/completions
        enc = encoding_for(info.id, catalog, warn=False)[0]
        prompt = body.get("prompt")
        prompts = [prompt] if isinstance(prompt, str) else prompt
        if not isinstance(prompts, list) or not prompts or not all(isinstance(p, str) for p in prompts):
            raise InvalidRequestError("must be a string or a non-empty list of strings", field="body.prompt")
        tokens = sum(len(enc.encode_ordinary(p)) for p in prompts)
        cap = _cap(body, ("max_tokens",))
        # Each prompt of the list is its own completion (n of them, each billing its output).
        choices = _choices(body) * len(prompts)
    if effort is not None and not isinstance(effort, str):
        raise InvalidRequestError(f"must be a string, got {kind(effort)}", field="body.reasoning_effort")
    return RequestCount(
        info.id, tokens, cap, effort, endpoint, info.tokenizer_exact, input_only, choices=choices
    )


def _cap(body: Mapping[str, Any], keys: tuple[str, ...]) -> int | None:
    for key in keys:
        value = body.get(key)
        if value is not None:
            if type(value) is not int or value <= 0:
                raise InvalidRequestError(f"must be a whole number > 0, got {value!r}", field=f"body.{key}")
            return value
    return None


def _choices(body: Mapping[str, Any]) -> int:
    value = body.get("n")
    if value is None:
        return 1
    if type(value) is not int or not 1 <= value <= 128:
        raise InvalidRequestError(f"must be a whole number from 1 to 128, got {value!r}", field="body.n")
    return value


def _embedding_tokens(body: Mapping[str, Any], enc: Any, *, moderation: bool = False) -> int:
    if "input" not in body:
        raise InvalidRequestError("is missing", field="body.input")
    value = body["input"]
    items = (
        [value]
        if isinstance(value, str) or (isinstance(value, list) and value and type(value[0]) is int)
        else value
    )
    if not isinstance(items, list) or not items:
        raise InvalidRequestError(
            "must be a string, a list of strings or a list of token arrays", field="body.input"
        )
    total = 0
    for i, item in enumerate(items):
        where = f"body.input[{i}]" if items is value else "body.input"
        if isinstance(item, str):
            total += len(enc.encode_ordinary(item))
        elif moderation and is_map(item) and item.get("type") == "text" and isinstance(item.get("text"), str):
            total += len(enc.encode_ordinary(item["text"]))
        elif (
            not moderation
            and isinstance(item, list)
            and item
            and all(type(t) is int and 0 <= t < enc.n_vocab for t in item)
        ):
            total += len(item)
        else:
            wanted = (
                "a string or a text part (costcalc counts text moderation inputs)"
                if moderation
                else f"a string or a non-empty array of token ids in [0, {enc.n_vocab})"
            )
            raise InvalidRequestError(f"must be {wanted}, got {kind(item)}", field=where)
    return total


# -- organization Usage API and Costs API pages -------------------------------------------------------
#
# A page is {"object": "page", "data": [bucket...], "has_more", "next_page"}; a bucket is
# {"object": "bucket", "start_time", "end_time" (Unix seconds), "results": [...]}; each result
# names its kind in "object" ("organization.usage.completions.result", "organization.costs.result").
# Token counts: input_tokens is the whole prompt (cached and cache-write tokens included);
# input_audio_tokens / input_image_tokens are the uncached audio / image part, input_cached_*_tokens
# the cached one. Costs: amount.value in USD (a JSON number), amount.currency "usd".

#: Usage result kinds (the middle of "organization.usage.<kind>.result").
USAGE_KINDS: Final = (
    "completions",
    "embeddings",
    "moderations",
    "images",
    "audio_speeches",
    "audio_transcriptions",
    "vector_stores",
    "code_interpreter_sessions",
    "file_searches",
    "web_searches",
)
COSTS_OBJECT: Final = "organization.costs.result"
#: Tool fees that the pricing page lists as the same on every model (the 'Tools' table): a tool
#: row that names no model is priced at this model's unit rates.
TOOL_RATE_MODEL: Final = "gpt-5.6-sol"

#: Fields of a usage result that carry no charge of their own: labels, totals, splits of a
#: read field, request counts.
_EXPORT_FREE: Final = frozenset(
    {
        "num_model_requests",
        "input_text_tokens",
        "input_uncached_tokens",
        "input_cached_text_tokens",
        "output_text_tokens",
        "input_cache_write_tokens",
        "input_cache_write_30m_tokens",
    }
)
#: Grouping fields of a usage or cost result (strings or flags), kept for the overlap check.
_EXPORT_GROUPS: Final = (
    "project_id",
    "user_id",
    "api_key_id",
    "model",
    "batch",
    "service_tier",
    "api_source",
    "size",
    "source",
    "context_level",
    "vector_store_id",
    "line_item",
)
#: What each usage kind reads: result field -> (Usage field or "units.<name>").
_EXPORT_READ: Final[dict[str, dict[str, str]]] = {
    "completions": {
        "input_tokens": "input_tokens",
        "input_cached_tokens": "cached_input_tokens",
        "input_cache_write_12h_tokens": "cache_write_12h_tokens",
        "input_audio_tokens": "audio_input_tokens",
        "input_image_tokens": "image_input_tokens",
        "input_cached_audio_tokens": "cached_audio_input_tokens",
        "input_cached_image_tokens": "cached_image_input_tokens",
        "output_tokens": "output_tokens",
        "output_audio_tokens": "audio_output_tokens",
        "output_image_tokens": "image_output_tokens",
    },
    "embeddings": {"input_tokens": "input_tokens"},
    "moderations": {"input_tokens": "input_tokens"},
    "images": {"images": "units.image"},
    "audio_speeches": {"characters": "units.character"},
    "audio_transcriptions": {"seconds": "units.audio_second"},
    "web_searches": {"num_requests": "units.web_search_call"},
    "file_searches": {"num_requests": "units.file_search_call"},
    "code_interpreter_sessions": {},
    "vector_stores": {},
}
#: Billable numbers of a usage export that costcalc cannot price, and why.
_EXPORT_REFUSED: Final = {
    "usage_bytes": "vector store storage is billed per GB-day, which the catalog does not price",
    "num_sessions": "the export does not say the container size (1, 4, 16 or 64 GB) nor whether "
    "sessions billed per 20-minute session or per minute",
}
#: Kinds whose rows name no model: tool fees priced at TOOL_RATE_MODEL's unit rates.
_MODELLESS: Final = frozenset({"web_searches", "file_searches", "code_interpreter_sessions", "vector_stores"})

#: A Costs API line item is "<model>, <item>" (e.g. "gpt-4o-2024-08-06, input") or a tool's
#: name; the item words (lowercase, "_" as spaces, a trailing "tokens" dropped) -> costcalc line.
COST_LINES: Final = {
    "input": "input",
    "uncached input": "input",
    "text input": "input",
    "cached input": "cached_input",
    "cached text input": "cached_input",
    "input cached": "cached_input",
    "cache write": "cache_write",
    "cache write 30m": "cache_write",
    "input cache write": "cache_write",
    "cache write 12h": "cache_write_12h",
    "input cache write 12h": "cache_write_12h",
    "output": "output",
    "text output": "output",
    "audio input": "input_audio",
    "input audio": "input_audio",
    "cached audio input": "cached_input_audio",
    "input cached audio": "cached_input_audio",
    "image input": "input_image",
    "input image": "input_image",
    "cached image input": "cached_input_image",
    "input cached image": "cached_input_image",
    "audio output": "output_audio",
    "output audio": "output_audio",
    "image output": "output_image",
    "output image": "output_image",
    "web search tool calls": "web_search_call",
    "web search calls": "web_search_call",
    "web search": "web_search_call",
    "web searches": "web_search_call",
    "file search tool calls": "file_search_call",
    "file search calls": "file_search_call",
    "file search": "file_search_call",
    "file searches": "file_search_call",
    "code interpreter sessions": "code_interpreter_container",
    "code interpreter": "code_interpreter_container",
    "images": "image",
    "characters": "character",
}
#: Tier words a line item may carry ("gpt-4o, input (batch)", "gpt-4o, batch input").
_COST_TIER_WORDS: Final = {"batch": "batch", "flex": "flex", "priority": "priority"}
_TIER_WORD: Final = re.compile(r"\(?\b(batch|flex|priority)\b\)?")


#: What this provider's export pages are called, by kind (for messages).
EXPORT_NAMES: Final = {"usage": "OpenAI Usage API", "costs": "OpenAI Costs API"}


def export_kind(data: Mapping[str, Any]) -> str | None:
    """``"usage"`` or ``"costs"`` for an organization Usage/Costs API page or bucket, ``"empty"``
    for one with no results, None when ``data`` is not one of OpenAI's export pages."""
    obj = data.get("object")
    if obj == "page":
        buckets = get(data.get("data"))
    elif obj == "bucket":
        buckets = [data]
    else:
        return None
    if not isinstance(buckets, list):
        return None
    for bucket in buckets:
        bucket = get(bucket)
        results = get(bucket.get("results", bucket.get("result"))) if is_map(bucket) else None
        if not isinstance(results, list):
            continue
        for result in results:
            result = get(result)
            name = result.get("object") if is_map(result) else None
            if name == COSTS_OBJECT:
                return "costs"
            if isinstance(name, str) and name.startswith("organization.usage."):
                return "usage"
    return "empty"


def _export_time(bucket: Mapping[str, Any], key: str, where: str) -> dt.datetime:
    value = get(bucket.get(key))
    if value is None:
        raise UsageParseError("is missing", path=f"{where}.{key}")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UsageParseError(f"must be Unix seconds, got {kind(value)}", path=f"{where}.{key}")
    at = timestamp(value, f"{where}.{key}")
    assert at is not None
    return at


def _export_tier(result: Mapping[str, Any]) -> str | None:
    batch = get(result.get("batch"))
    raw = export_text(result, "service_tier", flags=True)
    if batch is not None and not isinstance(batch, bool):
        raise UsageParseError(f"must be true, false or null, got {kind(batch)}", path="batch")
    if raw is not None:
        if raw not in TIERS:
            raise UsageParseError(f"service tier {raw!r} is not one costcalc knows", path="service_tier")
        tier = TIERS[raw]
        if tier is None:
            raise UsageParseError(f"{_REFUSED_TIERS[raw]}; it cannot be priced", path="service_tier")
        if batch:
            return "batch"
        return tier
    return "batch" if batch else ("standard" if batch is False else None)


def _usage_row(kind_name: str, result: Mapping[str, Any]) -> tuple[Usage, list[Unpriced]]:
    read = _EXPORT_READ[kind_name]
    values: dict[str, Any] = {}
    units: dict[str, int] = {}
    for key, target in read.items():
        n = count(result, key, "", required=key in ("input_tokens", "output_tokens", "images", "characters"))
        if target.startswith("units."):
            if n:
                units[target[6:]] = n
        else:
            values[target] = n
    if kind_name == "completions":
        total = count(result, "input_cache_write_tokens", "")
        long = values.get("cache_write_12h_tokens", 0)
        if (
            "input_cache_write_30m_tokens" in result
            and result.get("input_cache_write_30m_tokens") is not None
        ):
            short = count(result, "input_cache_write_30m_tokens", "")
            if total and short + long != total:
                raise UsageParseError(
                    f"input_cache_write_30m_tokens ({short}) + input_cache_write_12h_tokens ({long}) "
                    f"differ from input_cache_write_tokens ({total})",
                    path="input_cache_write_tokens",
                )
        else:
            if long > total and total:
                raise UsageParseError(
                    f"input_cache_write_12h_tokens ({long}) exceed input_cache_write_tokens ({total})",
                    path="input_cache_write_12h_tokens",
                )
            short = max(0, total - long) if total else 0
        values["cache_write_tokens"] = short
    known = set(read) | _EXPORT_FREE | {"object", "start_time", "end_time"}
    unpriced = []
    for where, value in unknown_numbers(result, known):
        reason = _EXPORT_REFUSED.get(where)
        unpriced.append(
            Unpriced(
                where,
                value,
                f"the export reports {value} at {where!r}: "
                + (reason or "a quantity costcalc does not know how to bill")
                + "; it is refused rather than left out of the price",
            )
        )
    usage = make_usage("", **values, units=units)
    return usage, unpriced


def _cost_line(label: str) -> tuple[str | None, str | None, str | None]:
    """(model, costcalc line, tier) of a Costs API line item; line None when it names nothing
    costcalc prices."""
    model, sep, item = label.rpartition(",")
    if not sep:
        model, item = "", label
    words = item.strip().lower().replace("_", " ")
    tier = None
    found = _TIER_WORD.search(words)
    if found:
        tier = _COST_TIER_WORDS[found.group(1)]
        words = _TIER_WORD.sub(" ", words)
    words = " ".join(words.replace("(", " ").replace(")", " ").split())
    if words.endswith(" tokens") and words not in COST_LINES:
        words = words[: -len(" tokens")]
    return (model.strip() or None), COST_LINES.get(words), tier


def read_export_page(data: Any, position: str) -> ExportPage:
    """An organization Usage API or Costs API page (or one bucket) as provider-neutral records.

    A result that cannot be read is an error of the page (its position and why); the others are
    kept."""
    page_kind = export_kind(data)
    if page_kind is None:
        raise UsageParseError("is not an OpenAI Usage or Costs API page", path=position)
    buckets_raw = get(data.get("data")) if data.get("object") == "page" else [data]
    if not isinstance(buckets_raw, list):
        raise UsageParseError(f"must be a list of buckets, got {kind(buckets_raw)}", path=f"{position}.data")
    return read_export_buckets(
        PROVIDER,
        page_kind,
        buckets_raw,
        position,
        bounds=("start_time", "end_time"),
        time=lambda bucket, key: _export_time(bucket, key, "bucket"),
        read_result=_export_row,
        results=("results", "result"),
    )


def _export_row(
    result: Mapping[str, Any], start: dt.datetime, end: dt.datetime, at: str
) -> ExportBucket | CostItem:
    # Each result names its kind: a Costs API result, or one of the Usage API's kinds.
    obj = result.get("object")
    if obj == COSTS_OBJECT:
        return _cost_item(result, start, end, at)
    name = obj[len("organization.usage.") : -len(".result")] if isinstance(obj, str) else None
    if name not in _EXPORT_READ or not isinstance(obj, str) or not obj.endswith(".result"):
        raise UsageParseError(
            f"is not a usage or costs result kind costcalc reads: {kind(obj)}", path="object"
        )
    usage, unpriced = _usage_row(name, result)
    model = export_text(result, "model", flags=True)
    return ExportBucket(
        provider=PROVIDER,
        kind=name,
        start=start,
        end=end,
        position=at,
        usage=usage,
        model=model,
        rate_model=TOOL_RATE_MODEL if name in _MODELLESS and model is None else None,
        project=export_text(result, "project_id", flags=True),
        api_key=export_text(result, "api_key_id", flags=True),
        tier=_export_tier(result) if name == "completions" else None,
        unpriced=tuple(unpriced),
        groups=(("kind", name), *export_groups(result, _EXPORT_GROUPS, flags=True)),
    )


def _cost_item(result: Mapping[str, Any], start: dt.datetime, end: dt.datetime, at: str) -> CostItem:
    amount = get(result.get("amount"))
    if not is_map(amount):
        raise UsageParseError(f"must be an object with value and currency, got {kind(amount)}", path="amount")
    value = get(amount.get("value"))
    if value is None:
        raise UsageParseError("is missing", path="amount.value")
    currency = get(amount.get("currency"))
    if not isinstance(currency, str) or not currency:
        raise UsageParseError(f"must be a currency code, got {kind(currency)}", path="amount.currency")
    label = export_text(result, "line_item", flags=True)
    model = line = tier = None
    if label is not None:
        model, line, tier = _cost_line(label)
    quantity = get(result.get("quantity"))
    return CostItem(
        provider=PROVIDER,
        start=start,
        end=end,
        position=at,
        amount=_signed_money(value, "amount.value"),
        currency=currency,
        line=line,
        label=label,
        model=model,
        project=export_text(result, "project_id", flags=True),
        api_key=export_text(result, "api_key_id", flags=True),
        tier=tier,
        quantity=None if quantity is None else money(quantity, "quantity"),
        unit=export_text(result, "quantity_unit", flags=True),
        groups=export_groups(result, _EXPORT_GROUPS, flags=True),
    )


def _signed_money(value: Any, path: str) -> Decimal:
    # Credits and refunds may be negative lines.
    if isinstance(value, int | float | Decimal | str) and not isinstance(value, bool):
        text = str(value).strip() if not isinstance(value, float) else repr(value)
        if text.startswith("-"):
            return money(text[1:], path).copy_negate()
    return money(value, path)
