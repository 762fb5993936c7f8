"""Plain OpenAI Chat Completions and Responses read straight from a log line's bytes.

The schemas below declare every key a plain response of each shape carries (see
:mod:`costcalc.providers.line_schema`); what :func:`read_chat` and :func:`read_responses` return
is what :func:`costcalc.providers.openai.fast_read` gives for the parsed line, with its id. Keys
not declared here (``moderation``, ``prompt_cache_diagnostics``, an Azure filter result, a
vendor's mark) send the line to the full reader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Final, Generic, Literal, TypeVar

import msgspec

from costcalc.providers.line_schema import FAILED, SKIP, LineReading, Part, Struct, Tokens, Zero, decoder
from costcalc.providers.openai import FAST_TOOLS, FREE_ITEMS, TIERS

__all__ = ["READERS", "read_batch_result", "read_chat", "read_responses"]

if TYPE_CHECKING:
    FreeItem = str
    FastTool = str
else:
    FreeItem = Literal[tuple(sorted(FREE_ITEMS))]
    FastTool = Literal[tuple(sorted(FAST_TOOLS))]

#: Unix seconds as the fast reader takes them: after 1970, before the year 3000.
Seconds = Annotated[int, msgspec.Meta(gt=0, lt=32_503_680_000)]
_DAY: Final = 86_400


class InputDetails(Struct):
    cached_tokens: Tokens | None = None
    cache_write_tokens: Tokens | None = None
    text_tokens: Tokens | None = None
    audio_tokens: Zero | None = None
    image_tokens: Zero | None = None


class ChatOutput(Struct):
    reasoning_tokens: Tokens | None = None
    text_tokens: Tokens | None = None
    audio_tokens: Zero | None = None
    image_tokens: Zero | None = None
    accepted_prediction_tokens: Tokens | None = None
    rejected_prediction_tokens: Tokens | None = None


class ChatUsage(Struct):
    prompt_tokens: Tokens
    completion_tokens: Tokens
    total_tokens: Tokens | None = None
    prompt_tokens_details: InputDetails | None = None
    completion_tokens_details: ChatOutput | None = None


class Chat(Struct):
    object: Literal["chat.completion"]
    usage: ChatUsage
    id: str | None = None
    created: Seconds | None = None
    model: str | None = None
    service_tier: str | None = None
    # Request metadata: strings only (a map there could be another provider's usage block).
    metadata: dict[str, str] | None = None
    choices: msgspec.Raw = SKIP
    system_fingerprint: msgspec.Raw = SKIP


class ResponsesOutput(Struct):
    reasoning_tokens: Tokens | None = None
    text_tokens: Tokens | None = None
    audio_tokens: Zero | None = None
    image_tokens: Zero | None = None


class ResponsesUsage(Struct):
    input_tokens: Tokens
    output_tokens: Tokens
    total_tokens: Tokens | None = None
    input_tokens_details: InputDetails | None = None
    output_tokens_details: ResponsesOutput | None = None


class OutputItem(Part):
    """An output item: only its type is read (the rest is skipped)."""

    type: FreeItem


class Tool(Part):
    """A tool offered: only its type is read."""

    type: FastTool


class Responses(Struct):
    object: Literal["response"]
    usage: ResponsesUsage
    id: str | None = None
    created_at: Seconds | None = None
    model: str | None = None
    service_tier: str | None = None
    metadata: dict[str, str] | None = None
    tool_usage: None = None
    output: list[OutputItem] | None = None
    tools: list[Tool] | None = None
    background: msgspec.Raw = SKIP
    completed_at: msgspec.Raw = SKIP
    conversation: msgspec.Raw = SKIP
    error: msgspec.Raw = SKIP
    incomplete_details: msgspec.Raw = SKIP
    instructions: msgspec.Raw = SKIP
    max_output_tokens: msgspec.Raw = SKIP
    max_tool_calls: msgspec.Raw = SKIP
    parallel_tool_calls: msgspec.Raw = SKIP
    previous_response_id: msgspec.Raw = SKIP
    prompt: msgspec.Raw = SKIP
    prompt_cache_key: msgspec.Raw = SKIP
    prompt_cache_retention: msgspec.Raw = SKIP
    reasoning: msgspec.Raw = SKIP
    safety_identifier: msgspec.Raw = SKIP
    status: msgspec.Raw = SKIP
    store: msgspec.Raw = SKIP
    temperature: msgspec.Raw = SKIP
    text: msgspec.Raw = SKIP
    tool_choice: msgspec.Raw = SKIP
    top_logprobs: msgspec.Raw = SKIP
    top_p: msgspec.Raw = SKIP
    truncation: msgspec.Raw = SKIP
    user: msgspec.Raw = SKIP


Body = TypeVar("Body", Chat, Responses)


class Result(Struct, Generic[Body]):
    status_code: Literal[200]
    body: Body
    request_id: msgspec.Raw = SKIP


class BatchLine(Struct, Generic[Body]):
    """A Batch output line of a request that succeeded with a plain response."""

    custom_id: Annotated[str, msgspec.Meta(min_length=1)]
    response: Result[Body]
    id: msgspec.Raw = SKIP
    error: None = None


_chat: Final = decoder(Chat)
_responses: Final = decoder(Responses)
_chat_batch: Final = decoder(BatchLine[Chat])
_responses_batch: Final = decoder(BatchLine[Responses])
#: A Batch line's body may state these tiers (it is billed at the batch tier whatever it says).
_BATCH_STATED: Final = frozenset({"default", "auto", "batch"})


def read_chat(raw: bytes) -> LineReading | None:
    """A plain Chat Completion on one line (see the module docstring); None for anything else."""
    try:
        r = _chat(raw)
    except FAILED:
        return None
    u = r.usage
    return _reading(
        r.id,
        "openai.chat",
        r.model,
        r.service_tier,
        r.created,
        (u.prompt_tokens, u.prompt_tokens_details, u.completion_tokens, u.completion_tokens_details),
    )


def read_responses(raw: bytes) -> LineReading | None:
    """A plain Responses payload on one line (function tools only, output items that bill
    nothing of their own); None for anything else."""
    try:
        r = _responses(raw)
    except FAILED:
        return None
    u = r.usage
    return _reading(
        r.id,
        "openai.responses",
        r.model,
        r.service_tier,
        r.created_at,
        (u.input_tokens, u.input_tokens_details, u.output_tokens, u.output_tokens_details),
    )


def read_batch_result(raw: bytes) -> LineReading | None:
    """A Batch output line whose request succeeded with a plain Chat Completion or Responses
    payload: its ``custom_id`` and what :func:`costcalc.providers.openai.fast_batch_result` gives
    for the parsed line; None for anything else."""
    try:
        if b'"object":"response"' in raw:
            line: BatchLine[Chat] | BatchLine[Responses] = _responses_batch(raw)
        else:
            line = _chat_batch(raw)
    except FAILED:
        return None
    body = line.response.body
    if body.service_tier is not None and body.service_tier not in _BATCH_STATED:
        return None
    if isinstance(body, Chat):
        u = body.usage
        return _reading(
            line.custom_id,
            "openai.batch",
            body.model,
            "batch",
            body.created,
            (u.prompt_tokens, u.prompt_tokens_details, u.completion_tokens, u.completion_tokens_details),
        )
    r = body.usage
    return _reading(
        line.custom_id,
        "openai.batch",
        body.model,
        "batch",
        body.created_at,
        (r.input_tokens, r.input_tokens_details, r.output_tokens, r.output_tokens_details),
    )


def _reading(
    ident: str | None,
    shape: str,
    model: str | None,
    service_tier: str | None,
    created: int | None,
    usage: tuple[int, InputDetails | None, int, ChatOutput | ResponsesOutput | None],
) -> LineReading | None:
    inp, details, out, done = usage
    cached = write = reasoning = 0
    if details is not None:
        cached = details.cached_tokens or 0
        write = details.cache_write_tokens or 0
    if done is not None:
        reasoning = done.reasoning_tokens or 0
    if cached + write > inp or reasoning > out:
        return None
    tier = None
    if service_tier == "batch" and shape == "openai.batch":
        tier = "batch"  # a Batch line is the batch tier, whatever its body says
    elif service_tier is not None:
        tier = TIERS.get(service_tier)
        if tier is None:
            return None
    day = None if created is None else created // _DAY
    return ident, (shape, model or None, tier, day, inp, cached, write, out, reasoning)


#: (bytes near the start of a line of the shape, bytes anywhere in it, its reader), for
#: :func:`costcalc.providers.line_reader`.
READERS: Final = (
    (b'"chat.completion"', b'"chat.completion"', read_chat),
    (b'"response"', b'"response"', read_responses),
)
