"""The names of billable quantities: token kinds and non-token units.

A :class:`costcalc.Usage` holds tokens by kind (its fields) and other billable quantities in
``units`` (web search calls, audio minutes, characters, images...). A catalog rate for a unit is
in USD per single unit; token rates are in USD per 1,000,000 tokens. Every quantity is either
priced at its own rate or refused by name: nothing is billed as another kind.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["TOKEN_LINES", "UNITS", "UNIT_NAME", "describe_unit"]

#: Token lines of a bill: (line name, Usage field that counts it, Rates field that prices it,
#: the Cost bucket it adds to). The text lines (``input``, ``cached_input``, ``output``) count what
#: is left of their bucket once the audio, image and video parts are taken out.
TOKEN_LINES: Final[tuple[tuple[str, str, str, str], ...]] = (
    ("input", "text_input_tokens", "input", "input"),
    ("input_audio", "audio_input_tokens", "audio_input", "input"),
    ("input_image", "image_input_tokens", "image_input", "input"),
    ("input_video", "video_input_tokens", "video_input", "input"),
    ("cached_input", "text_cached_input_tokens", "cached_input", "cached_input"),
    ("cached_input_audio", "cached_audio_input_tokens", "cached_audio_input", "cached_input"),
    ("cached_input_image", "cached_image_input_tokens", "cached_image_input", "cached_input"),
    ("cached_input_video", "cached_video_input_tokens", "cached_video_input", "cached_input"),
    ("cache_write", "cache_write_tokens", "cache_write", "cache_write"),
    ("cache_write_1h", "cache_write_1h_tokens", "cache_write_1h", "cache_write"),
    ("cache_write_12h", "cache_write_12h_tokens", "cache_write_12h", "cache_write"),
    ("output", "text_output_tokens", "output", "output"),
    ("output_audio", "audio_output_tokens", "audio_output", "output"),
    ("output_image", "image_output_tokens", "image_output", "output"),
)

#: Units costcalc knows, with what one unit is. Catalogs may price other snake_case names too.
UNITS: Final[dict[str, str]] = {
    "web_search_call": "one billed web search (OpenAI web_search, Anthropic web_search_requests)",
    "file_search_call": "one OpenAI file_search tool call",
    "code_interpreter_container": "one OpenAI code interpreter container of 1 GB (the default)",
    "code_interpreter_container_4g": "one OpenAI code interpreter container of 4 GB",
    "code_interpreter_container_16g": "one OpenAI code interpreter container of 16 GB",
    "code_interpreter_container_64g": "one OpenAI code interpreter container of 64 GB",
    "container_hour": "one hour of an Anthropic code-execution container",
    "grounded_prompt": "one prompt grounded with Google Search (Gemini 2.x)",
    "search_query": "one search query issued by grounding or a search model",
    "maps_grounded_prompt": "one prompt grounded with Google Maps",
    "audio_minute": "one minute of audio (whisper-1)",
    "audio_second": "one second of audio",
    "character": "one input character (text-to-speech)",
    "image": "one generated image",
    "video_second": "one second of generated video",
    "request": "one request (a per-request fee)",
    "request_low": "one request with low search context (Perplexity)",
    "request_medium": "one request with medium search context (Perplexity)",
    "request_high": "one request with high search context (Perplexity)",
    "search_unit": "one search unit (Cohere rerank)",
}

#: What a unit name looks like: lowercase snake_case.
UNIT_NAME: Final = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def describe_unit(name: str) -> str:
    """What one ``name`` unit is, for messages and displays."""
    return UNITS.get(name, name.replace("_", " "))
