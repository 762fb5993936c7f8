"""DeepSeek: Chat Completions payloads with DeepSeek's cache fields, and its time-of-day pricing.

Usage convention: OpenAI's (``prompt_tokens`` is the whole prompt, ``completion_tokens`` includes
the reasoning tokens), plus ``prompt_cache_hit_tokens`` (billed at the cache-hit rate, costcalc's
``cached_input``) and ``prompt_cache_miss_tokens`` (the input rate), which must add up to
``prompt_tokens`` (api-docs.deepseek.com/api/create-chat-completion). A payload is DeepSeek's when
its usage carries either field.

Off-peak. Since 2026-08-16 16:00 UTC DeepSeek bills every token rate at half price off-peak
("空闲时段价格为高峰时段价格的一半", zh-cn pricing page). Peak is 01:00-04:00 and 06:00-10:00 UTC
(09:00-12:00 and 14:00-18:00 Beijing time), Monday to Friday from 2026-08-23 and every day before
(the first notice named no exempt days). Both windows fall inside one calendar day in UTC and in
Beijing time, so the UTC weekday is Beijing's. The response's ``created`` time decides: an off-peak
response asks for the catalog's ``off_peak`` surcharge (0.5, with its source in
``costcalc/data/deepseek.toml``). Chinese public holidays are off-peak all day, but costcalc holds
no holiday calendar: a holiday's peak hours are priced at the peak rate, an upper bound. A response
without ``created`` is priced at the peak (list) rate. ``at=`` picks the price period; the
off-peak decision is always the response's own time.

Dated changes. DeepSeek's price changes took effect at 2026-08-16 16:00 UTC (midnight in Beijing)
and 2026-09-10 04:00 UTC; the catalog dates them 2026-08-17 and 2026-09-10. A response created
between the instant and the catalog's day boundary is priced in the period that was in force.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from costcalc.errors import UsageParseError
from costcalc.providers.base import Reading, get, is_map
from costcalc.providers.compat import read_chat
from costcalc.providers.openai import CHAT_USAGE

__all__ = [
    "HOSTED",
    "OFF_PEAK",
    "OWNERS",
    "PEAK_WINDOWS_UTC",
    "SHAPES",
    "detect",
    "is_off_peak",
    "read",
]

PROVIDER: Final = "deepseek"
SHAPES: Final = ("deepseek.chat",)
OWNERS: Final = {"deepseek.chat": PROVIDER}
HOSTED: Final = {(PROVIDER, "openai.chat"): "deepseek.chat"}

#: The surcharge an off-peak response asks for (the catalog holds its factor and source).
OFF_PEAK: Final = "off_peak"
#: When time-of-day pricing began: "take effect at 16:00 UTC on August 16, 2026".
OFF_PEAK_FROM: Final = dt.datetime(2026, 8, 16, 16, 0, tzinfo=dt.UTC)
#: From this UTC day Saturday and Sunday are off-peak all day (genai-prices dates the rule so).
WEEKENDS_FROM: Final = dt.date(2026, 8, 23)
#: Peak hours, UTC, half-open: 04:00:00 is off-peak.
PEAK_WINDOWS_UTC: Final = ((dt.time(1), dt.time(4)), (dt.time(6), dt.time(10)))
#: (the instant a price change took effect, the day the catalog dates it).
CHANGES: Final = (
    (OFF_PEAK_FROM, dt.date(2026, 8, 17)),
    (dt.datetime(2026, 9, 10, 4, 0, tzinfo=dt.UTC), dt.date(2026, 9, 10)),
)

USAGE: Final = CHAT_USAGE.extended(
    read={"prompt_cache_hit_tokens": "hit", "prompt_cache_miss_tokens": "miss"},
    refused={
        "server_tool_use": "DeepSeek's web search and fetch tools bill per successful request "
        "(5 CNY per 1,000 on the zh-cn page); no USD price is published",
    },
)
_OWN_KEYS: Final = frozenset({"prompt_cache_hit_tokens", "prompt_cache_miss_tokens"})
#: Keys only DeepSeek's payloads have (detection asks this module only when one is there).
MARKS: Final = _OWN_KEYS


def detect(data: Mapping[str, Any]) -> str | None:
    """``deepseek.chat`` when the usage block carries DeepSeek's cache fields."""
    usage = get(data.get("usage"))
    if is_map(usage) and _OWN_KEYS & set(usage):
        return "deepseek.chat"
    return None


def read(data: Any, shape: str) -> Reading:
    """The Reading of a DeepSeek chat completion."""
    if shape not in SHAPES:
        raise UsageParseError(f"unknown DeepSeek shape {shape!r}; shapes are {', '.join(SHAPES)}")
    reading, _ = read_chat(data, shape=shape, spec=USAGE, provider=PROVIDER, creator=PROVIDER, adjust=_cache)
    if reading.at is None:
        return reading
    return replace(
        reading,
        at=_in_force(reading.at),
        surcharges=(*reading.surcharges, OFF_PEAK) if is_off_peak(reading.at) else reading.surcharges,
    )


def is_off_peak(at: dt.datetime) -> bool:
    """DeepSeek bills a request made at ``at`` at its off-peak (half) price. Holidays are not known
    to costcalc and count as ordinary days (the peak price, an upper bound)."""
    at = at.astimezone(dt.UTC) if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
    if at < OFF_PEAK_FROM:
        return False
    if at.date() >= WEEKENDS_FROM and at.weekday() >= 5:
        return True
    moment = at.time()
    return not any(start <= moment < end for start, end in PEAK_WINDOWS_UTC)


def _in_force(at: dt.datetime) -> dt.datetime:
    # The catalog dates each change by day; a response between the change's instant and that
    # day's boundary is moved into the period that was in force when it was made.
    at = at.astimezone(dt.UTC) if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
    for instant, day in CHANGES:
        if instant <= at and at.date() < day:
            return dt.datetime.combine(day, dt.time(), dt.UTC)
        if at < instant and at.date() >= day:
            return dt.datetime.combine(day - dt.timedelta(days=1), dt.time(23, 59, 59), dt.UTC)
    return at


def _cache(n: dict[str, int], block: Mapping[str, Any], path: str) -> None:
    prompt, hit, miss = n["input"], n.pop("hit"), n.pop("miss")
    where = path or "usage"
    has_hit, has_miss = "prompt_cache_hit_tokens" in block, "prompt_cache_miss_tokens" in block
    if has_hit and has_miss and hit + miss != prompt:
        raise UsageParseError(
            f"prompt_cache_hit_tokens ({hit}) + prompt_cache_miss_tokens ({miss}) do not add up to "
            f"prompt_tokens ({prompt})",
            path=where,
        )
    if not (has_hit or has_miss):
        return
    if miss > prompt:
        raise UsageParseError(
            f"prompt_cache_miss_tokens ({miss}) exceed prompt_tokens ({prompt})", path=where
        )
    cached = hit if has_hit else prompt - miss
    nested = n.get("cached", 0)
    if nested and nested != cached:
        raise UsageParseError(
            f"prompt_tokens_details.cached_tokens ({nested}) is not the cache hits ({cached})", path=where
        )
    n["cached"] = cached
