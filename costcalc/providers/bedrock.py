"""Amazon Bedrock: Converse / ConverseStream responses, InvokeModel bodies and headers, and
batch inference records.

Converse (``usage``: API_runtime_TokenUsage, docs.aws.amazon.com/bedrock/latest/APIReference;
field names as in botocore's bedrock-runtime model): ``inputTokens`` counts only the prompt tokens
that were neither read from nor written to the cache, so the whole prompt is ``inputTokens +
cacheReadInputTokens + cacheWriteInputTokens``; ``cacheDetails`` splits the writes by TTL (5m,
1h); ``totalTokens`` and the ``metrics`` block (latency) are free. ``serviceTier.type`` names the
tier (``default``, ``flex``, ``priority``; ``reserved`` capacity is not billed per token).
``performanceConfig.latency: "optimized"`` bills latency-optimized rates, asked for as the
``latency_optimized`` surcharge (refused where the catalog has none). Guardrail policy units in
``trace.guardrail`` are billed by Bedrock Guardrails at prices the catalog does not hold: refused by
name. A prompt router names the model it chose in ``trace.promptRouter.invokedModelId``;
otherwise the response names no model: pass ``model=`` the modelId you called (region-prefixed
inference profiles such as ``us.anthropic.claude-...`` and ``global.anthropic.claude-...`` are
priced as Bedrock lists them: ``global.`` has its own, lower, price).

InvokeModel bodies are each model's native format: an Anthropic Messages body (Claude) is read as
Anthropic's (``input_tokens`` uncached, cache reads and writes apart) and priced as Bedrock sells
the model; an OpenAI Chat Completions body (gpt-oss) as OpenAI's; Meta Llama
(``prompt_token_count``, ``generation_token_count``); Amazon Titan (``inputTextTokenCount``,
``results[].tokenCount``; embeddings ``inputTextTokenCount``); a streamed response's
``amazon-bedrock-invocationMetrics`` and the InvokeModel response headers
(``x-amzn-bedrock-input-token-count``...), both with Converse's convention (input uncached),
attested by public instrumentation code rather than AWS's API reference.

Batch inference output records ``{recordId, modelInput, modelOutput}`` (an ``error`` object
replaces ``modelOutput`` when the record failed) price at the batch tier; the model is the job's:
pass ``model=``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from costcalc.errors import BatchRequestError, UsageParseError
from costcalc.pricing import Unpriced
from costcalc.providers import anthropic, openai
from costcalc.providers.base import (
    BatchFailure,
    BatchResult,
    Reading,
    UsageSpec,
    count,
    details,
    get,
    is_map,
    kind,
    make_usage,
    unknown_numbers,
)

__all__ = [
    "CONVERSE_USAGE",
    "HOSTED",
    "OWNERS",
    "SHAPES",
    "TIERS",
    "detect",
    "model_id",
    "read",
    "read_batch_result",
]

PROVIDER: Final = "bedrock"
SHAPES: Final = ("bedrock.converse", "bedrock.invoke", "bedrock.batch")
OWNERS: Final = dict.fromkeys(SHAPES, PROVIDER)
HOSTED: Final = {
    (PROVIDER, "anthropic"): "bedrock.invoke",
    (PROVIDER, "openai.chat"): "bedrock.invoke",
}
#: Keys (top-level or in the usage block) and id prefixes only Bedrock's payloads have: detection
#: asks this module only when one of them is there.
MARKS: Final = frozenset(
    {
        "inputTokens",
        "outputTokens",
        "metadata",
        "recordId",
        "prompt_token_count",
        "inputTextTokenCount",
        "amazon-bedrock-invocationMetrics",
        "ResponseMetadata",
        "x-amzn-bedrock-input-token-count",
    }
)
ID_PREFIXES: Final = ("msg_bdrk_",)
#: ``serviceTier.type`` -> costcalc tier; ``None``: not billed per token.
TIERS: Final[dict[str, str | None]] = {
    "default": "standard",
    "flex": "flex",
    "priority": "priority",
    "reserved": None,
}
#: The surcharge a latency-optimized response asks for.
LATENCY_OPTIMIZED: Final = "latency_optimized"

CONVERSE_USAGE: Final = UsageSpec(
    read={
        "inputTokens": "uncached",
        "outputTokens": "output",
        "cacheReadInputTokens": "read",
        "cacheWriteInputTokens": "written",
        "cacheDetails[].inputTokens": "-",
    },
    free=frozenset({"totalTokens"}),
    required=frozenset({"inputTokens", "outputTokens"}),
)
METRICS_USAGE: Final = UsageSpec(
    read={
        "inputTokenCount": "uncached",
        "outputTokenCount": "output",
        "cacheReadInputTokenCount": "read",
        "cacheWriteInputTokenCount": "written",
    },
    free=frozenset({"invocationLatency", "firstByteLatency"}),
    required=frozenset({"inputTokenCount", "outputTokenCount"}),
)
LLAMA_USAGE: Final = UsageSpec(
    read={"prompt_token_count": "uncached", "generation_token_count": "output"},
    required=frozenset({"prompt_token_count", "generation_token_count"}),
)
TITAN_USAGE: Final = UsageSpec(
    read={"inputTextTokenCount": "uncached", "results[].tokenCount": "-"},
    # Embedding vectors are numbers, not quantities.
    open=("embedding", "embeddingsByType"),
    required=frozenset({"inputTextTokenCount"}),
)
#: InvokeModel response headers (lowercase) -> what they count.
HEADERS: Final = {
    "x-amzn-bedrock-input-token-count": "uncached",
    "x-amzn-bedrock-output-token-count": "output",
    "x-amzn-bedrock-cache-read-input-token-count": "read",
    "x-amzn-bedrock-cache-write-input-token-count": "written",
}
_METRICS: Final = "amazon-bedrock-invocationMetrics"
_ARN: Final = re.compile(
    r"^arn:aws[a-z-]*:bedrock:[a-z0-9-]*:\d*:(?:inference-profile|foundation-model)/(?P<id>[^/]+)$"
)
_CACHE_TTLS: Final = ("5m", "1h")


def model_id(name: str) -> str:
    """The model id in a Bedrock model or inference-profile ARN (``arn:aws:bedrock:us-east-1:
    123456789012:inference-profile/us.anthropic.claude-...`` -> ``us.anthropic.claude-...``);
    any other name as it is (an application inference profile's ARN names no model)."""
    match = _ARN.match(name)
    return match.group("id") if match else name


# -- detecting --------------------------------------------------------------------------------------


def detect(data: Mapping[str, Any]) -> str | None:
    """The Bedrock shape of ``data``, or None when nothing in it is Bedrock's own."""
    if "recordId" in data and ("modelOutput" in data or "error" in data):
        return "bedrock.batch"
    if _converse_block(data) is not None:
        return "bedrock.converse"
    ident = data.get("id")
    if (
        (isinstance(ident, str) and ident.startswith("msg_bdrk_"))
        or _METRICS in data
        or "prompt_token_count" in data
        or "inputTextTokenCount" in data
        or _headers(data) is not None
    ):
        return "bedrock.invoke"
    return None


def _converse_block(data: Mapping[str, Any]) -> tuple[Mapping[str, Any], Mapping[str, Any], str] | None:
    # (the response, its usage block, the block's path): a Converse response, a ConverseStream
    # metadata event (bare or wrapped as {"metadata": {...}}), or a bare TokenUsage.
    for body, prefix in ((data, ""), (get(data.get("metadata")), "metadata.")):
        if not is_map(body):
            continue
        usage = get(body.get("usage"))
        if is_map(usage) and ("inputTokens" in usage or "outputTokens" in usage):
            return body, usage, f"{prefix}usage"
    if "inputTokens" in data and "outputTokens" in data:
        return {}, data, ""
    return None


_TOKEN_HEADER: Final = "x-amzn-bedrock-input-token-count"


def _has_token_header(raw: Mapping[str, Any]) -> bool:
    # Whether a key is the input-token header in any case (a length check first: most keys of a
    # payload that is not Bedrock's are not that long, and lowercasing each costs).
    for key in raw:
        text = key if type(key) is str else str(key)
        if len(text) == len(_TOKEN_HEADER) and text.lower() == _TOKEN_HEADER:
            return True
    return False


def _headers(data: Mapping[str, Any]) -> tuple[dict[str, Any], str] | None:
    # InvokeModel's response headers: boto3's response dict, or the headers themselves.
    meta = get(data.get("ResponseMetadata"))
    raw = get(meta.get("HTTPHeaders")) if is_map(meta) else data
    if not is_map(raw) or not _has_token_header(raw):
        return None
    headers = {str(k).lower(): v for k, v in raw.items()}
    return headers, "ResponseMetadata.HTTPHeaders" if raw is not data else ""


# -- reading ----------------------------------------------------------------------------------------


def read(data: Any, shape: str) -> Reading:
    """The Reading of a Bedrock payload of ``shape``."""
    if not is_map(data):
        raise UsageParseError(f"a response is a JSON object, got {kind(data)}")
    if shape == "bedrock.converse":
        return _converse(data)
    if shape == "bedrock.invoke":
        return _invoke(data)
    if shape == "bedrock.batch":
        result = read_batch_result(data)
        if result.failure is not None or result.reading is None:
            failure = result.failure or BatchFailure("failed", "no model output")
            raise BatchRequestError(failure.reason, custom_id=result.custom_id, error=failure.error)
        return result.reading
    raise UsageParseError(f"unknown Bedrock shape {shape!r}; shapes are {', '.join(SHAPES)}")


def _converse(data: Mapping[str, Any]) -> Reading:
    found = _converse_block(data)
    if found is None:
        raise UsageParseError("is missing", path="usage")
    body, block, path = found
    n = CONVERSE_USAGE.counts(block, path)
    five, hour = _cache_writes(block, path, n["written"])
    usage = make_usage(
        path or "usage",
        input_tokens=n["uncached"] + n["read"] + n["written"],
        cached_input_tokens=n["read"],
        cache_write_tokens=five,
        cache_write_1h_tokens=hour,
        output_tokens=n["output"],
    )
    where = path.removesuffix("usage")
    return Reading(
        usage=usage,
        shape="bedrock.converse",
        creator=None,
        model=_router_model(body, where),
        tier=_tier(
            get(details(body, "serviceTier", where.rstrip(".")).get("type")), f"{where}serviceTier.type"
        ),
        unpriced=(*CONVERSE_USAGE.unknown(block, path), *_guardrails(body, where)),
        surcharges=_latency(get(details(body, "performanceConfig", where.rstrip(".")).get("latency"))),
        provider=PROVIDER,
    )


def _cache_writes(block: Mapping[str, Any], path: str, written: int) -> tuple[int, int]:
    raw = get(block.get("cacheDetails"))
    where = f"{path}.cacheDetails".lstrip(".")
    if raw is None or raw == []:
        return written, 0  # no breakdown: Bedrock's default cache TTL is 5 minutes
    if not isinstance(raw, list):
        raise UsageParseError(f"must be a list, got {kind(raw)}", path=where)
    by_ttl = dict.fromkeys(_CACHE_TTLS, 0)
    for i, entry in enumerate(raw):
        item = get(entry)
        if not is_map(item):
            raise UsageParseError(f"must be an object, got {kind(item)}", path=f"{where}[{i}]")
        ttl = item.get("ttl")
        if ttl not in by_ttl:
            raise UsageParseError(
                f"cache TTL {ttl!r} is not one costcalc prices (5m, 1h)", path=f"{where}[{i}].ttl"
            )
        by_ttl[ttl] += count(item, "inputTokens", f"{where}[{i}]", required=True)
    if sum(by_ttl.values()) != written:
        raise UsageParseError(
            f"cache writes by TTL ({by_ttl['5m']} for 5m, {by_ttl['1h']} for 1h) do not add up to "
            f"cacheWriteInputTokens ({written})",
            path=where,
        )
    return by_ttl["5m"], by_ttl["1h"]


def _tier(raw: Any, path: str) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or raw.lower() not in TIERS:
        raise UsageParseError(f"service tier {raw!r} is not one costcalc prices; pass tier=", path=path)
    tier = TIERS[raw.lower()]
    if tier is None:
        raise UsageParseError(
            f"service tier {raw!r} is reserved capacity, billed by the reservation and not per token; "
            "pass tier= to price it",
            path=path,
        )
    return tier


def _latency(raw: Any) -> tuple[str, ...]:
    return (LATENCY_OPTIMIZED,) if isinstance(raw, str) and raw.lower() == "optimized" else ()


def _router_model(body: Mapping[str, Any], where: str) -> str | None:
    trace = get(body.get("trace"))
    router = get(trace.get("promptRouter")) if is_map(trace) else None
    chosen = router.get("invokedModelId") if is_map(router) else None
    if chosen is None:
        return None
    if not isinstance(chosen, str) or not chosen:
        raise UsageParseError(
            f"must be a model id, got {kind(chosen)}", path=f"{where}trace.promptRouter.invokedModelId"
        )
    return model_id(chosen)


def _guardrails(body: Mapping[str, Any], where: str) -> list[Unpriced]:
    trace = get(body.get("trace"))
    guard = trace.get("guardrail") if is_map(trace) else None
    if guard is None:
        return []
    out = []
    for path, value in unknown_numbers(guard, frozenset()):
        parent, _, leaf = path.rpartition(".")
        if parent.endswith("invocationMetrics.usage") and not leaf.endswith("FreeUnits"):
            out.append(
                Unpriced(
                    f"{where}trace.guardrail.{path}",
                    value,
                    "Bedrock Guardrails bills policy units at prices the catalog does not hold",
                )
            )
    return out


def _invoke(data: Mapping[str, Any], *, batch: bool = False) -> Reading:
    if data.get("type") == "message" or (is_map(get(data.get("usage"))) and anthropic.detect(data)):
        reading = anthropic.read(data, "anthropic")
        return replace(
            reading, shape="bedrock.invoke", provider=PROVIDER, tier="batch" if batch else reading.tier
        )
    if _converse_block(data) is not None:  # a Nova body, or a Converse batch job's output
        reading = _converse(data)
    elif _METRICS in data:
        reading = _counted(data, METRICS_USAGE, _METRICS)
    elif "prompt_token_count" in data or "generation_token_count" in data:
        reading = _counted(data, LLAMA_USAGE, "")
    elif "inputTextTokenCount" in data:
        reading = _titan(data)
    elif openai.detect(data) == "openai.chat":
        reading = replace(openai.read(data, "openai.chat"), provider=PROVIDER)
    elif (headers := _headers(data)) is not None:
        reading = _from_headers(*headers)
    else:
        raise UsageParseError(
            "not an InvokeModel body costcalc reads (Anthropic Messages, OpenAI Chat Completions, "
            "Converse/Nova usage, Llama, Titan, invocation metrics or the token-count headers)"
        )
    return replace(reading, shape="bedrock.invoke", tier="batch" if batch else reading.tier)


def _counted(data: Mapping[str, Any], spec: UsageSpec, key: str) -> Reading:
    block = details(data, key, "") if key else data
    n = spec.counts(block, key)
    return Reading(
        usage=make_usage(
            key or "usage",
            input_tokens=n["uncached"] + n.get("read", 0) + n.get("written", 0),
            cached_input_tokens=n.get("read", 0),
            cache_write_tokens=n.get("written", 0),
            output_tokens=n["output"],
        ),
        shape="bedrock.invoke",
        creator=None,
        unpriced=tuple(spec.unknown(block, key)),
        provider=PROVIDER,
    )


def _titan(data: Mapping[str, Any]) -> Reading:
    n = TITAN_USAGE.counts(data, "")
    results = get(data.get("results")) or []
    if not isinstance(results, list):
        raise UsageParseError(f"must be a list, got {kind(results)}", path="results")
    output = 0
    for i, item in enumerate(results):
        result = get(item)
        if not is_map(result):
            raise UsageParseError(f"must be an object, got {kind(result)}", path=f"results[{i}]")
        output += count(result, "tokenCount", f"results[{i}]")
    return Reading(
        usage=make_usage("inputTextTokenCount", input_tokens=n["uncached"], output_tokens=output),
        shape="bedrock.invoke",
        creator=None,
        unpriced=tuple(TITAN_USAGE.unknown(data, "")),
        provider=PROVIDER,
    )


def _from_headers(headers: Mapping[str, Any], path: str) -> Reading:
    n: dict[str, int] = {}
    unpriced: list[Unpriced] = []
    for name, value in headers.items():
        if not name.startswith("x-amzn-bedrock-") or not name.endswith("-count"):
            continue
        where = f"{path}.{name}".lstrip(".")
        text = get(value)
        if isinstance(text, str) and text.strip().isdigit():
            number = int(text.strip())
        elif type(text) is int:
            number = text
        else:
            raise UsageParseError(f"must be a whole number of tokens, got {kind(text)}", path=where)
        if name in HEADERS:
            n[HEADERS[name]] = number
        elif number:
            unpriced.append(
                Unpriced(
                    where,
                    number,
                    f"the header reports {number} at {name!r}, which costcalc does not know how to bill",
                )
            )
    if "output" not in n:
        raise UsageParseError("is missing", path=f"{path}.x-amzn-bedrock-output-token-count".lstrip("."))
    read_, written = n.get("read", 0), n.get("written", 0)
    tier = headers.get("x-amzn-bedrock-service-tier")
    return Reading(
        usage=make_usage(
            path or "headers",
            input_tokens=n["uncached"] + read_ + written,
            cached_input_tokens=read_,
            cache_write_tokens=written,
            output_tokens=n["output"],
        ),
        shape="bedrock.invoke",
        creator=None,
        tier=_tier(get(tier), f"{path}.x-amzn-bedrock-service-tier".lstrip(".")),
        unpriced=tuple(unpriced),
        surcharges=_latency(get(headers.get("x-amzn-bedrock-performanceconfig-latency"))),
        provider=PROVIDER,
    )


# -- batch inference ---------------------------------------------------------------------------------


def read_batch_result(data: Any) -> BatchResult:
    """One record of a batch inference output file: its ``modelOutput`` (the model's InvokeModel
    body, or a Converse response for Converse jobs) priced at the batch tier, or its ``error``."""
    if not is_map(data):
        raise UsageParseError(f"a batch output record is a JSON object, got {kind(data)}")
    record = data.get("recordId")
    rid = record if isinstance(record, str) else None
    error = get(data.get("error"))
    output = get(data.get("modelOutput"))
    if error is not None or output is None:
        code = error.get("errorCode") if is_map(error) else None
        message = error.get("errorMessage") if is_map(error) else error
        return BatchResult(
            rid, None, BatchFailure("errored", f"record {record!r} failed: {code}: {message}", error)
        )
    if not is_map(output):
        raise UsageParseError(f"must be an object, got {kind(output)}", path="modelOutput")
    try:
        reading = _invoke(output, batch=True)
    except UsageParseError as exc:
        raise UsageParseError(
            str(exc).removeprefix(f"{exc.path}: ") if exc.path else str(exc),
            path=f"modelOutput.{exc.path}" if exc.path else "modelOutput",
        ) from exc
    return BatchResult(rid, replace(reading, shape="bedrock.batch"))
