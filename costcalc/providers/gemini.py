"""Google Gemini: ``generateContent`` responses (REST camelCase or SDK snake_case), Batch files.

Usage convention: ``promptTokenCount`` is the whole prompt (cached tokens included);
``toolUsePromptTokenCount`` is billed as input too; ``thoughtsTokenCount`` is billed as output
next to ``candidatesTokenCount``. The ``*TokensDetails`` lists split each count by modality
(TEXT, IMAGE, VIDEO, AUDIO, DOCUMENT): audio, image and video are priced at their own rates
(documents at the text rate); the cached split comes from ``cacheTokensDetails``.

Bill lines beyond tokens: grounding with Google Search, read from each candidate's
``groundingMetadata``: one ``grounded_prompt`` per grounded response and one ``search_query`` per
query issued (the catalog prices the one the model generation bills, the other at 0); grounding
with Google Maps, one ``maps_grounded_prompt``. ``trafficType`` names the tier.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any, Final

from costcalc.errors import InvalidRequestError, UsageParseError
from costcalc.pricing import MAX_TOKENS, Unpriced
from costcalc.providers.base import (
    BatchFailure,
    BatchRequest,
    BatchResult,
    FastReading,
    Reading,
    RequestCount,
    UsageSpec,
    cached_media_bounds,
    count,
    effort_for_budget,
    get,
    is_map,
    kind,
    make_usage,
    plain_numbers,
    timestamp,
)

__all__ = [
    "BATCH_FORMAT",
    "BATCH_ID",
    "DEFAULT_ENDPOINT",
    "SHAPES",
    "TRAFFIC_TIERS",
    "batch_kind",
    "count_request",
    "detect",
    "fast_read",
    "read",
    "read_batch_request",
    "read_batch_result",
]

PROVIDER: Final = "google"
SHAPES: Final = ("gemini", "gemini.batch")
#: The Batch API's file format, as messages name it, and the field that identifies a request.
BATCH_FORMAT: Final = "Gemini Batch"
BATCH_ID: Final = "key"
#: The endpoint a bare request body is counted for.
DEFAULT_ENDPOINT: Final = "generateContent"
#: What each kind of line holds, for messages about a line of the wrong kind.
BATCH_FIELDS: Final = {"request": "key, request", "result": "key, response or error"}

#: ``usageMetadata.trafficType`` -> costcalc tier; ``None``: not billed per token here.
TRAFFIC_TIERS: Final[dict[str, str | None]] = {
    "ON_DEMAND": "standard",
    "TRAFFIC_TYPE_UNSPECIFIED": None,
    "ON_DEMAND_PRIORITY": "priority",
    "ON_DEMAND_FLEX": "flex",
    "PROVISIONED_THROUGHPUT": None,
    "ON_DEMAND_OFFPEAK": None,
}

USAGE: Final = UsageSpec(
    read={
        "promptTokenCount": "prompt",
        "candidatesTokenCount": "candidates",
        "thoughtsTokenCount": "thoughts",
        "toolUsePromptTokenCount": "tool",
        "cachedContentTokenCount": "cached",
        "promptTokensDetails[].tokenCount": "-",
        "cacheTokensDetails[].tokenCount": "-",
        "candidatesTokensDetails[].tokenCount": "-",
        "toolUsePromptTokensDetails[].tokenCount": "-",
    },
    free=frozenset({"totalTokenCount"}),
    required=frozenset({"promptTokenCount"}),
)
_MODALITIES: Final = ("TEXT", "DOCUMENT", "IMAGE", "VIDEO", "AUDIO")
_CAMEL: Final = re.compile(r"_([a-z])")


def _camel(key: str) -> str:
    return _CAMEL.sub(lambda m: m.group(1).upper(), key)


def _normalise(value: Any, path: str) -> Any:
    """``value`` with every key in camelCase; the same key written both ways is an error."""
    value = get(value)
    if is_map(value):
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = _camel(str(key))
            if name in out:
                raise UsageParseError(
                    f"{name!r} is given twice (camelCase and snake_case); send one",
                    path=f"{path}.{key}".lstrip("."),
                )
            out[name] = _normalise(item, f"{path}.{key}".lstrip("."))
        return out
    if isinstance(value, list):
        return [_normalise(item, f"{path}[{i}]") for i, item in enumerate(value)]
    return value


def detect(data: Mapping[str, Any]) -> str | None:
    """The Gemini shape of ``data``, or None when it is not one of Gemini's."""
    if "key" in data and ("response" in data or "error" in data) and "custom_id" not in data:
        return "gemini.batch"
    if "response" in data and "error" in data and "custom_id" not in data and "metadata" in data:
        return "gemini.batch"  # an SDK InlinedResponse
    if "usageMetadata" in data or "usage_metadata" in data:
        return "gemini"
    if "promptTokenCount" in data or "prompt_token_count" in data:
        return "gemini"
    return None


def read(data: Any, shape: str) -> Reading:
    """The Reading of a Gemini payload of ``shape``."""
    if shape == "gemini.batch":
        result = read_batch_result(data)
        if result.failure is not None or result.reading is None:
            from costcalc.errors import BatchRequestError

            failure = result.failure or BatchFailure("failed", "no response")
            raise BatchRequestError(failure.reason, custom_id=result.custom_id, error=failure.error)
        return result.reading
    if shape != "gemini":
        raise UsageParseError(f"unknown Gemini shape {shape!r}; shapes are {', '.join(SHAPES)}")
    return _response(data)


def _response(data: Any, *, batch: bool = False) -> Reading:
    if not is_map(data):
        raise UsageParseError(f"a response is a JSON object, got {kind(data)}")
    body = _normalise(data, "")
    if "usageMetadata" in body:
        meta = body["usageMetadata"]
        path = "usageMetadata"
        if meta is None:
            raise UsageParseError("is null", path=path)
        if not is_map(meta):
            raise UsageParseError(f"must be an object, got {kind(meta)}", path=path)
    elif "promptTokenCount" in body:
        meta, path, body = body, "", {}
    else:
        raise UsageParseError("is missing", path="usageMetadata")
    n = USAGE.counts(meta, path)
    unpriced = list(USAGE.unknown(meta, path))
    prompt_split = _modalities(meta, "promptTokensDetails", path, unpriced)
    tool_split = _modalities(meta, "toolUsePromptTokensDetails", path, unpriced)
    cache_split = _modalities(meta, "cacheTokensDetails", path, unpriced)
    out_split = _modalities(meta, "candidatesTokensDetails", path, unpriced)
    prompt = n["prompt"] + n["tool"]
    cached = n["cached"]

    def media(split: dict[str, int], name: str) -> int:
        return split.get(name, 0)

    media_in = {m: media(prompt_split, m) + media(tool_split, m) for m in ("AUDIO", "IMAGE", "VIDEO")}
    output = n["candidates"] + n["thoughts"]
    units, grounding_unpriced = _grounding(body)
    unpriced += grounding_unpriced
    if cache_split or not cached or not any(media_in.values()):
        splits = [{m: media(cache_split, m) for m in media_in}]
    else:
        # Cached tokens and media, but no cacheTokensDetails: both extremes must price the same.
        low, high = cached_media_bounds(prompt - sum(media_in.values()), cached, media_in)
        splits = [low] if low == high else [low, high]
    first, *others = (
        make_usage(
            path or "usageMetadata",
            input_tokens=prompt,
            cached_input_tokens=cached,
            audio_input_tokens=media_in["AUDIO"] - split["AUDIO"],
            image_input_tokens=media_in["IMAGE"] - split["IMAGE"],
            video_input_tokens=media_in["VIDEO"] - split["VIDEO"],
            cached_audio_input_tokens=split["AUDIO"],
            cached_image_input_tokens=split["IMAGE"],
            cached_video_input_tokens=split["VIDEO"],
            output_tokens=output,
            reasoning_tokens=n["thoughts"],
            audio_output_tokens=media(out_split, "AUDIO"),
            image_output_tokens=media(out_split, "IMAGE"),
            units=units,
        )
        for split in splits
    )
    model = body.get("modelVersion")
    return Reading(
        usage=first,
        shape="gemini",
        creator=PROVIDER,
        model=model if isinstance(model, str) and model else None,
        tier="batch" if batch else _tier(meta, path),
        at=timestamp(body.get("createTime"), "createTime"),
        unpriced=tuple(unpriced),
        alternatives=tuple(others),
    )


def _modalities(meta: Mapping[str, Any], key: str, path: str, unpriced: list[Unpriced]) -> dict[str, int]:
    raw = meta.get(key)
    where = f"{path}.{key}".lstrip(".")
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise UsageParseError(f"must be a list, got {kind(raw)}", path=where)
    split: dict[str, int] = {}
    for i, entry in enumerate(raw):
        if not is_map(entry):
            raise UsageParseError(f"must be an object, got {kind(entry)}", path=f"{where}[{i}]")
        modality = entry.get("modality", "MODALITY_UNSPECIFIED")
        tokens = count(entry, "tokenCount", f"{where}[{i}]")
        if modality not in _MODALITIES:
            if tokens:
                unpriced.append(
                    Unpriced(
                        f"{where}[{i}]",
                        tokens,
                        f"tokens of modality {modality!r}, which costcalc does not know the rate of",
                    )
                )
            continue
        split[modality] = split.get(modality, 0) + tokens
    return split


def _grounding(body: Mapping[str, Any]) -> tuple[dict[str, int], list[Unpriced]]:
    candidates = body.get("candidates") or []
    if not isinstance(candidates, list):
        raise UsageParseError(f"must be a list, got {kind(candidates)}", path="candidates")
    queries = 0
    search = maps = False
    unpriced: list[Unpriced] = []
    for i, candidate in enumerate(candidates):
        if not is_map(candidate):
            continue
        meta = candidate.get("groundingMetadata")
        if not is_map(meta):
            continue
        where = f"candidates[{i}].groundingMetadata"
        web = meta.get("webSearchQueries") or []
        if not isinstance(web, list):
            raise UsageParseError(f"must be a list, got {kind(web)}", path=f"{where}.webSearchQueries")
        queries += len(web)
        chunks = meta.get("groundingChunks") or []
        chunks = chunks if isinstance(chunks, list) else []
        if web or any(is_map(c) and c.get("web") for c in chunks) or meta.get("searchEntryPoint"):
            search = True
        if any(is_map(c) and c.get("maps") for c in chunks) or meta.get("googleMapsWidgetContextToken"):
            maps = True
        if meta.get("retrievalQueries") or any(is_map(c) and c.get("retrievedContext") for c in chunks):
            unpriced.append(
                Unpriced(
                    where, 1, "grounding on a retrieval source (Vertex AI Search): not priced by costcalc"
                )
            )
        if meta.get("imageSearchQueries"):
            unpriced.append(
                Unpriced(
                    f"{where}.imageSearchQueries",
                    len(meta["imageSearchQueries"]),
                    "image search grounding queries: costcalc has no published price for them",
                )
            )
    units: dict[str, int] = {}
    if search:
        units["grounded_prompt"] = 1
        units["search_query"] = queries
    if maps:
        units["maps_grounded_prompt"] = 1
    return units, unpriced


def _tier(meta: Mapping[str, Any], path: str) -> str | None:
    raw = meta.get("trafficType")
    if raw is None:
        return None
    if not isinstance(raw, str) or raw not in TRAFFIC_TIERS:
        raise UsageParseError(
            f"traffic type {raw!r} is not one costcalc prices; pass tier=",
            path=f"{path}.trafficType".lstrip("."),
        )
    tier = TRAFFIC_TIERS[raw]
    if tier is None:
        raise UsageParseError(
            f"traffic type {raw!r} is not billed at a per-token list price; pass tier= to price it",
            path=f"{path}.trafficType".lstrip("."),
        )
    return tier


# -- the fast path: plain responses, read straight from the parsed JSON (logs) ---------------------

_FAST: Final[dict[str, frozenset[str] | None]] = {
    "promptTokenCount": None,
    "candidatesTokenCount": None,
    "totalTokenCount": None,
    "thoughtsTokenCount": None,
    "cachedContentTokenCount": None,
    "toolUsePromptTokenCount": None,
}
_FAST_DETAILS: Final = frozenset(
    {"promptTokensDetails", "cacheTokensDetails", "candidatesTokensDetails", "toolUsePromptTokensDetails"}
)
_FAST_LABELS: Final = _FAST_DETAILS | {"trafficType"}
_TEXT: Final = frozenset({"TEXT", "DOCUMENT"})
_SPLIT_KEYS: Final = frozenset({"modality", "tokenCount"})
#: Keys that make a payload a batch line (detect() decides those).
_BATCH_KEYS: Final = ("key", "response", "error", "custom_id")
_EPOCH: Final = dt.date(1970, 1, 1)


def fast_read(data: Mapping[str, Any]) -> FastReading | None:
    """A plain generateContent response (camelCase throughout; text tokens, cached content,
    thoughts; no grounding), as :data:`~costcalc.providers.base.FastReading`; None for anything
    else, which :func:`read` reads. Every key of ``usageMetadata`` is one ``USAGE`` reads or knows
    to be free, and every modality split is text."""
    meta = data.get("usageMetadata")
    if meta is None or any(k in data for k in _BATCH_KEYS) or not plain_numbers(meta, _FAST, _FAST_LABELS):
        return None
    prompt = meta.get("promptTokenCount")
    if prompt is None:
        return None
    for key in _FAST_DETAILS:
        split = meta.get(key)
        if split is not None and not _text_split(split):
            return None
    raw = meta.get("trafficType")
    tier = None
    if raw is not None:
        tier = TRAFFIC_TIERS.get(raw) if type(raw) is str else None
        if tier is None:
            return None
    if not _camel_only(data):  # snake_case keys: the full reader normalises them
        return None
    candidates = data.get("candidates")
    if candidates is not None:
        if type(candidates) is not list:
            return None
        for candidate in candidates:
            if type(candidate) is dict and candidate.get("groundingMetadata") is not None:
                return None
    day = None
    created = data.get("createTime")
    if created is not None:
        try:
            when = timestamp(created, "createTime")
        except UsageParseError:
            return None
        day = (when.astimezone(dt.UTC).date() - _EPOCH).days if when is not None else None
    prompt += meta.get("toolUsePromptTokenCount") or 0
    cached = meta.get("cachedContentTokenCount") or 0
    thoughts = meta.get("thoughtsTokenCount") or 0
    if cached > prompt:
        return None
    model = data.get("modelVersion")
    return (
        "gemini",
        model if type(model) is str and model else None,
        tier,
        day,
        prompt,
        cached,
        0,
        (meta.get("candidatesTokenCount") or 0) + thoughts,
        thoughts,
    )


def _text_split(split: Any) -> bool:
    # A list of {modality: TEXT or DOCUMENT, tokenCount: n}.
    if type(split) is not list:
        return False
    for entry in split:
        if type(entry) is not dict or not _SPLIT_KEYS.issuperset(entry):
            return False
        modality = entry.get("modality")
        if type(modality) is not str or modality not in _TEXT:
            return False
        tokens = entry.get("tokenCount")
        if tokens is not None and (type(tokens) is not int or not 0 <= tokens <= MAX_TOKENS):
            return False
    return True


def _camel_only(value: Any) -> bool:
    # No key anywhere with an underscore (so normalising to camelCase changes nothing).
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            for key, inner in item.items():
                if "_" in key:
                    return False
                if type(inner) is dict or type(inner) is list:
                    stack.append(inner)
        elif type(item) is list:
            stack.extend(x for x in item if type(x) is dict or type(x) is list)
    return True


# -- Batch ---------------------------------------------------------------------------------------------


def batch_kind(data: Mapping[str, Any]) -> str | None:
    """``"request"`` for a Batch input line (``{"key", "request"}``) or an inline request (an SDK
    ``InlinedRequest``, or a dict with ``contents``); ``"result"`` for an output line (``{"key",
    "response"}`` / ``{"key", "error"}``), an SDK ``InlinedResponse`` or a bare response; None for
    neither."""
    if "custom_id" in data:
        return None
    if "request" in data and ("key" in data or "metadata" in data):
        return "request"
    if "response" in data or "error" in data:
        return "result" if "key" in data or "metadata" in data else None
    if "contents" in data:
        return "request"
    if "usageMetadata" in data or "usage_metadata" in data:
        return "result"
    return None


def read_batch_result(data: Any) -> BatchResult:
    """One Gemini Batch output line ``{"key", "response"}`` / ``{"key", "error"}``, an SDK
    ``InlinedResponse``, or a bare response of a batch job: a response is priced at the batch
    tier; an error is a failure. ``custom_id`` is the key (None for an inline response with none)."""
    if not is_map(data):
        raise UsageParseError(f"a batch output line is a JSON object, got {kind(data)}")
    key = data.get("key")
    metadata = get(data.get("metadata"))
    if key is None and is_map(metadata):
        key = metadata.get("key")
    cid = key if isinstance(key, str) and key else None
    error = get(data.get("error"))
    bare = "response" not in data and "error" not in data
    response = data if bare else get(data.get("response"))
    if error:
        message = error.get("message") if is_map(error) else error
        code = error.get("code") if is_map(error) else None
        return BatchResult(
            cid, None, BatchFailure("errored", f"request {key!r} failed: {code}: {message}", error)
        )
    if not is_map(response):
        raise UsageParseError(f"must be an object, got {kind(response)}", path="response")
    try:
        reading = _response(response, batch=True)
    except UsageParseError as exc:
        if bare:
            raise
        raise UsageParseError(
            str(exc).removeprefix(f"{exc.path}: ") if exc.path else str(exc),
            path=f"response.{exc.path}" if exc.path else "response",
        ) from exc
    return BatchResult(cid, reading)


def read_batch_request(data: Mapping[str, Any]) -> BatchRequest:
    """One Gemini Batch request: an input line ``{"key", "request"}``, a REST inline request
    ``{"request", "metadata"}``, or an SDK ``InlinedRequest`` (``contents``, ``config``,
    ``model``, ``metadata``). Input lines carry no model (the job does); an inline request may."""
    metadata = get(data.get("metadata"))
    key = data.get("key")
    if key is None and is_map(metadata):
        key = metadata.get("key")
    if key is not None and (not isinstance(key, str) or not key):
        raise InvalidRequestError(f"must be a non-empty string, got {kind(key)}", field="key")
    if "key" in data and key is None:
        raise InvalidRequestError("must be a non-empty string, got null", field="key")
    if "request" in data:
        request = get(data.get("request"))
        if not is_map(request):
            raise InvalidRequestError(f"must be an object, got {kind(request)}", field="request")
    else:
        request = data
    model = request.get("model")
    if model is not None and (not isinstance(model, str) or not model):
        raise InvalidRequestError(f"must be a model name, got {kind(model)}", field="model")
    return BatchRequest(key, request, "generateContent", model.removeprefix("models/") if model else None)


# -- request bodies -----------------------------------------------------------------------------------

#: Tools whose use is billed beyond tokens (grounding per prompt or query) or whose tokens an
#: estimate cannot know (fetched URLs, retrieval) are refused; code execution bills tokens only.
_TOKEN_ONLY_TOOLS: Final = frozenset({"functionDeclarations", "codeExecution"})
#: Part fields that carry no tokens of their own, and parts counted as their JSON text.
_FREE_PART_FIELDS: Final = frozenset({"thought", "thoughtSignature", "videoMetadata", "partMetadata"})
_JSON_PARTS: Final = frozenset({"functionCall", "functionResponse", "executableCode", "codeExecutionResult"})
_SNAKE: Final = re.compile(r"[A-Z]")


def count_request(endpoint: str, body: Mapping[str, Any], info: Any, catalog: Any) -> RequestCount:
    """The prompt of a ``generateContent`` request (REST camelCase or SDK snake_case), approximately.

    Gemini's tokenizer is not public: the count is o200k_base tokens of every text the request
    sends (system instruction, contents, function declarations and calls as JSON), which the
    estimate scales by the Gemini ratio band (:mod:`costcalc.approximation`). Media parts,
    ``cachedContent`` and grounding tools are refused: their tokens or fees cannot be known
    offline. ``thinkingConfig`` sets the effort (a budget of 0 is "none", -1 the model's default).
    """
    from costcalc.tokens.text import encoding_for

    if info.kind != "chat":
        raise InvalidRequestError(
            f"{info.id!r} is a {info.kind} model; generateContent takes chat models", field="model"
        )
    config = _pick(body, "generationConfig", "") or _pick(body, "config", "") or {}
    if not is_map(config):
        raise InvalidRequestError(f"must be an object, got {kind(config)}", field="generationConfig")
    if _pick(body, "cachedContent", "") or _pick(config, "cachedContent", "config"):
        raise InvalidRequestError(
            "names cached content, whose tokens costcalc cannot count offline", field="cachedContent"
        )
    encode = encoding_for(info.id, catalog, warn=False)[0].encode_ordinary
    total = 0
    system = _pick(body, "systemInstruction", "")
    if system is None:
        system = _pick(config, "systemInstruction", "config")
    if system is not None:
        total += _content_tokens(system, "systemInstruction", encode)
    contents = get(body.get("contents"))
    if isinstance(contents, str):
        contents = [contents]
    if not isinstance(contents, list) or not contents:
        raise InvalidRequestError(
            f"must be a non-empty list of contents, got {kind(contents)}", field="contents"
        )
    for i, content in enumerate(contents):
        total += _content_tokens(get(content), f"contents[{i}]", encode)
    tools = _pick(body, "tools", "")
    if tools is None:
        tools = _pick(config, "tools", "config")
    total += _tool_tokens(tools, encode)
    cap = _pick(config, "maxOutputTokens", "generationConfig")
    if cap is not None and (type(cap) is not int or cap <= 0):
        raise InvalidRequestError(
            f"must be a whole number > 0, got {cap!r}", field="generationConfig.maxOutputTokens"
        )
    choices = _pick(config, "candidateCount", "generationConfig")
    choices = 1 if choices is None else choices
    if type(choices) is not int or not 1 <= choices <= 8:
        raise InvalidRequestError(
            f"must be a whole number from 1 to 8, got {choices!r}", field="generationConfig.candidateCount"
        )
    return RequestCount(info.id, total, cap, _effort(config), endpoint, info.tokenizer_exact, choices=choices)


def _pick(obj: Mapping[str, Any], name: str, path: str) -> Any:
    """``obj[name]`` written in camelCase (REST) or snake_case (the SDK), plain; both is an error."""
    snake = _SNAKE.sub(lambda m: "_" + m.group(0).lower(), name)
    camel, other = obj.get(name), obj.get(snake) if snake != name else None
    if camel is not None and other is not None:
        raise InvalidRequestError(
            f"{name!r} is given twice (camelCase and snake_case); send one",
            field=f"{path}.{name}".lstrip("."),
        )
    return get(camel if camel is not None else other)


def _tool_tokens(tools: Any, encode: Any) -> int:
    if tools is None:
        return 0
    if not isinstance(tools, list):
        raise InvalidRequestError(f"must be a list, got {kind(tools)}", field="tools")
    total = 0
    for i, raw in enumerate(tools):
        tool = get(raw)
        if not is_map(tool):
            raise InvalidRequestError(f"must be an object, got {kind(tool)}", field=f"tools[{i}]")
        for name, value in tool.items():
            if value is None:
                continue
            camel = _camel(str(name))
            if camel not in _TOKEN_ONLY_TOOLS:
                raise InvalidRequestError(
                    f"the {camel!r} tool bills per use or adds tokens that an estimate cannot know; "
                    "estimate the requests without it",
                    field=f"tools[{i}].{name}",
                )
            if camel == "functionDeclarations":
                total += _json_tokens(get(value), encode)
    return total


def _effort(config: Mapping[str, Any]) -> str | None:
    path = "generationConfig.thinkingConfig"
    thinking = _pick(config, "thinkingConfig", "generationConfig")
    if thinking is None:
        return None  # dynamic thinking: the model's default
    if not is_map(thinking):
        raise InvalidRequestError(f"must be an object, got {kind(thinking)}", field=path)
    level = _pick(thinking, "thinkingLevel", path)
    if level is not None:
        if not isinstance(level, str):
            raise InvalidRequestError(f"must be a string, got {kind(level)}", field=f"{path}.thinkingLevel")
        return level.lower()
    budget = _pick(thinking, "thinkingBudget", path)
    if budget is None or budget == -1:
        return None
    if type(budget) is not int or budget < 0:
        raise InvalidRequestError(
            f"must be -1 (dynamic), 0 (off) or a number of tokens, got {budget!r}",
            field=f"{path}.thinkingBudget",
        )
    return "none" if budget == 0 else effort_for_budget(budget)


def _content_tokens(content: Any, where: str, encode: Any) -> int:
    if isinstance(content, str):
        return len(encode(content))
    if is_map(content):
        parts = get(content.get("parts"))
        if "parts" not in content and any(k in content for k in ("text", "functionCall", "function_call")):
            parts = [content]  # a bare part
    else:
        parts = content
    if not isinstance(parts, list):
        raise InvalidRequestError(f"must be a Content with a list of parts, got {kind(content)}", field=where)
    total = 0
    for i, raw in enumerate(parts):
        part = get(raw)
        at = f"{where}.parts[{i}]"
        if isinstance(part, str):
            total += len(encode(part))
            continue
        if not is_map(part):
            raise InvalidRequestError(f"must be an object, got {kind(part)}", field=at)
        for name, value in part.items():
            camel = _camel(str(name))
            if value is None or camel in _FREE_PART_FIELDS:
                continue
            if camel == "text":
                if not isinstance(value, str):
                    raise InvalidRequestError(f"must be a string, got {kind(value)}", field=f"{at}.text")
                total += len(encode(value))
            elif camel in _JSON_PARTS:
                total += _json_tokens(get(value), encode)
            else:
                raise InvalidRequestError(
                    f"is a {camel!r} part, which costcalc cannot estimate offline (text and function "
                    "parts are counted)",
                    field=f"{at}.{name}",
                )
    return total


def _json_tokens(value: Any, encode: Any) -> int:
    return len(encode(json.dumps(value, ensure_ascii=False, separators=(",", ":"))))
