"""Catalogs from the two public price datasets: LiteLLM's price map and genai-prices' data.

A model launched this morning is in those datasets before it is in costcalc's own catalog; these
importers turn either format into a :class:`~costcalc.catalog.Catalog` so it can be priced now::

    mine = cc.default_catalog().extend(cc.Catalog.from_litellm("model_prices.json", strict=False))

Rates are read exactly (floats through their shortest text, never through binary arithmetic) and
converted to USD per 1,000,000 tokens. What maps is imported: input, output, cache reads and
writes (5-minute, 1-hour, 12-hour), audio, image and video tokens, the batch, flex and priority
tiers (Anthropic fast mode from genai-prices), one long-context threshold per tier, dated price
changes (genai-prices), per-character, per-image and per-second prices. Every period keeps its
provenance: ``source`` is ``litellm:<key>`` or ``genai-prices:<provider>/<model>``, ``checked``
the file's date (or today, or ``checked=``), ``verified`` says it was imported, and the note lists
the fields that were not imported.

Nothing is guessed. A field that would change how an imported rate applies (LiteLLM's
``tiered_pricing``, a reasoning rate unlike the output rate, two long-context thresholds, a
time-of-day price) makes the whole entry refused; a price this schema has no place for (a tier
it does not know, a per-page or per-pixel price, a tool fee) is left out and named in the note,
so usage of that kind is refused by name when priced, never billed as something else. A refused
entry raises :class:`~costcalc.errors.CatalogEntryError` naming the entry and the field; with
``strict=False`` it is skipped instead (listed in ``skipped``, and in a warning if no list is
passed).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final, NamedTuple

from pydantic import ValidationError

from costcalc._money import EXACT, tidy
from costcalc.catalog import Catalog, ModelInfo, as_date
from costcalc.errors import CatalogEntryError, CatalogError, InvalidInputError

__all__ = [
    "GENAI_PRICES_PROVIDERS",
    "LITELLM_PROVIDERS",
    "ImportSkippedWarning",
    "SkippedEntry",
    "from_genai_prices",
    "from_litellm",
]


class SkippedEntry(NamedTuple):
    """An entry that ``strict=False`` left out: the dataset's ``key``, the ``field`` at fault and why."""

    key: str
    field: str
    reason: str


class ImportSkippedWarning(UserWarning):
    """Some entries of an imported dataset were skipped (``strict=False`` and no ``skipped`` list)."""


class _RefusedError(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


#: LiteLLM's ``litellm_provider`` -> (costcalc provider, key prefixes that name it). Providers not
#: listed keep LiteLLM's name and its ``<name>/`` prefix.
LITELLM_PROVIDERS: Final[Mapping[str, tuple[str, tuple[str, ...]]]] = {
    "openai": ("openai", ("openai/",)),
    "text-completion-openai": ("openai", ("openai/",)),
    "anthropic": ("anthropic", ("anthropic/",)),
    "gemini": ("google", ("gemini/",)),
    "vertex_ai": ("vertex_ai", ("vertex_ai/",)),
    "bedrock": ("bedrock", ("bedrock/converse/", "bedrock/invoke/", "bedrock/")),
    "bedrock_converse": ("bedrock", ("bedrock/converse/", "bedrock/")),
    "bedrock_mantle": ("bedrock", ("bedrock_mantle/",)),
    "azure": ("azure", ("azure/",)),
    "azure_text": ("azure", ("azure_text/", "azure/")),
    "mistral": ("mistral", ("mistral/",)),
    "deepseek": ("deepseek", ("deepseek/",)),
    "xai": ("xai", ("xai/",)),
    "groq": ("groq", ("groq/",)),
    "together_ai": ("together_ai", ("together_ai/",)),
    "fireworks_ai": ("fireworks_ai", ("fireworks_ai/",)),
    "cohere": ("cohere", ("cohere/",)),
    "cohere_chat": ("cohere", ("cohere_chat/", "cohere/")),
    "perplexity": ("perplexity", ("perplexity/",)),
    "openrouter": ("openrouter", ("openrouter/",)),
}

#: genai-prices' provider id -> costcalc provider. Providers not listed keep genai-prices' id.
GENAI_PRICES_PROVIDERS: Final[Mapping[str, str]] = {
    "aws": "bedrock",
    "x-ai": "xai",
    "together": "together_ai",
    "fireworks": "fireworks_ai",
}

_KINDS: Final = {
    "chat": "chat",
    "responses": "chat",
    "completion": "completion",
    "embedding": "embedding",
    "image_generation": "image",
    "audio_transcription": "transcription",
    "audio_speech": "speech",
    "moderation": "moderation",
    "rerank": "rerank",
    "video_generation": "video",
    "realtime": "realtime",
}
_TIERS: Final = {"batches": "batch", "flex": "flex", "priority": "priority"}
_OTHER_TIERS: Final = ("ultrafast", "balanced", "decisions")
_LL_TOKEN_RATES: Final = {
    "input_cost_per_token": "input",
    "output_cost_per_token": "output",
    "cache_read_input_token_cost": "cached_input",
    "cache_creation_input_token_cost": "cache_write",
    "input_cost_per_audio_token": "audio_input",
    "output_cost_per_audio_token": "audio_output",
    "cache_read_input_audio_token_cost": "cached_audio_input",
    "input_cost_per_image_token": "image_input",
    "output_cost_per_image_token": "image_output",
    "cache_read_input_image_token_cost": "cached_image_input",
    "input_cost_per_video_token": "video_input",
}
_LL_RATE: Final = re.compile(
    rf"^(?P<base>{'|'.join(_LL_TOKEN_RATES)})(?P<ttl>_above_1hr|_above_12hr)?"
    rf"(?:_above_(?P<k>\d+)k_tokens)?(?:_(?P<tier>{'|'.join([*_TIERS, *_OTHER_TIERS])}))?$"
)
#: Per-unit prices (USD per unit), by field, and the modes they apply to (None: any mode).
_LL_UNITS: Final[Mapping[str, tuple[str, frozenset[str] | None]]] = {
    "input_cost_per_character": ("character", None),
    "output_cost_per_image": ("image", frozenset({"image_generation"})),
    "input_cost_per_second": ("audio_second", frozenset({"audio_transcription"})),
    "output_cost_per_second": ("video_second", frozenset({"video_generation"})),
}
_PRICE_WORDS: Final = re.compile(r"cost|price|_per_|multiplier|provider_specific_entry")


def from_litellm(
    data: Mapping[str, Any] | str | Path,
    *,
    strict: bool = True,
    checked: dt.date | str | None = None,
    skipped: list[SkippedEntry] | None = None,
) -> Catalog:
    """A catalog from LiteLLM's price map: its ``model_prices_and_context_window.json`` (a path),
    or the same data as a dict (``{"<key>": {"litellm_provider": .., "input_cost_per_token": ..}}``).

    Each key becomes a model of the costcalc provider :data:`LITELLM_PROVIDERS` maps its
    ``litellm_provider`` to, with the provider's key prefix taken off its id (``gemini/gemini-2.5-pro``
    is Google's ``gemini-2.5-pro``; the prefixed name still resolves). Per-token costs become
    rates per 1M tokens exactly; ``mode`` gives the kind, ``max_output_tokens`` the output cap and
    ``supports_reasoning`` the reasoning flag. ``max_input_tokens`` is not taken as the context
    window: LiteLLM uses it for the input limit, which can be smaller than the window.
    Token counts for imported models are approximations (``tokenizer_exact = false``).

    A bad entry raises :class:`~costcalc.errors.CatalogEntryError` naming its key and field;
    ``strict=False`` skips it (see the module documentation for what is refused and what is
    left out). ``checked`` defaults to the file's modification date, or today for a dict.
    """
    raw, day = _read(data, checked, "LiteLLM's price map")
    if not isinstance(raw, Mapping):
        raise CatalogError(f"LiteLLM's price map is a JSON object of model entries, got {type(raw).__name__}")
    models: list[ModelInfo] = []
    prefixes: dict[str, str] = {}
    seen: dict[tuple[str, str], tuple[str, ModelInfo]] = {}
    problems: list[SkippedEntry] = []
    for key, entry in raw.items():
        if key == "sample_spec":  # LiteLLM's own field documentation
            continue
        try:
            model, names = _litellm_model(str(key), entry, day)
            earlier = seen.get(model.key)
            if earlier is not None:
                if _same_prices(earlier[1], model):
                    continue  # the same model under a second key ("deepseek-chat", "deepseek/deepseek-chat")
                raise _RefusedError(
                    "litellm_provider", f"names the same model as {earlier[0]!r} at other prices"
                )
        except _RefusedError as exc:
            _refuse("LiteLLM", str(key), exc, strict, problems)
            continue
        seen[model.key] = (str(key), model)
        models.append(model)
        prefixes.update(names)
    _report(problems, skipped, "LiteLLM")
    return Catalog(models, prefixes)


def _litellm_model(key: str, entry: object, day: dt.date) -> tuple[ModelInfo, dict[str, str]]:
    if not isinstance(entry, Mapping):
        raise _RefusedError("(entry)", f"an entry is a JSON object, got {type(entry).__name__}")
    ll_provider = entry.get("litellm_provider")
    if not isinstance(ll_provider, str) or not ll_provider.strip():
        raise _RefusedError("litellm_provider", "missing: the importer needs to know who sells the model")
    ll_provider = ll_provider.strip().lower()
    provider, strip = _litellm_provider(ll_provider)
    model_id = key.strip()
    for prefix in strip:
        if model_id.lower().startswith(prefix) and len(model_id) > len(prefix):
            model_id = model_id[len(prefix) :]
            break
    mode = entry.get("mode", "chat")
    kind = _KINDS.get(mode) if isinstance(mode, str) else None
    if kind is None:
        raise _RefusedError("mode", f"{mode!r} is not a kind of model costcalc prices ({', '.join(_KINDS)})")

    tiers: dict[str, dict[str, Any]] = {}
    above: dict[str, int] = {}
    left_out: list[str] = []
    for field in sorted(map(str, entry)):
        value = entry[field]
        match = _LL_RATE.match(field)
        if match is not None:
            tier = match["tier"]
            if tier in _OTHER_TIERS:
                left_out.append(field)
                continue
            name = _LL_TOKEN_RATES[match["base"]]
            if match["ttl"] is not None:
                if name != "cache_write":
                    raise _RefusedError(field, "only cache writes have a retention time")
                name = "cache_write_1h" if match["ttl"] == "_above_1hr" else "cache_write_12h"
            table = tiers.setdefault(_TIERS[tier] if tier else "standard", {})
            rate = _scaled(value, field, 6)
            if match["k"] is not None:
                threshold = int(match["k"]) * 1000
                t = _TIERS[tier] if tier else "standard"
                if above.setdefault(t, threshold) != threshold:
                    raise _RefusedError(
                        field, f"a second long-context threshold ({above[t]:,} and {threshold:,})"
                    )
                table.setdefault("long", {})[name] = rate
            else:
                table[name] = rate
        elif field in _LL_UNITS:
            unit, modes = _LL_UNITS[field]
            if modes is not None and mode not in modes:
                left_out.append(field)
                continue
            tiers.setdefault("standard", {}).setdefault("units", {})[unit] = _scaled(value, field, 0)
        elif field == "tiered_pricing":
            if value:
                raise _RefusedError(field, "prices by ranges of tokens, which this importer cannot represent")
        elif field == "output_cost_per_reasoning_token":
            output = entry.get("output_cost_per_token")
            if output is None or _scaled(value, field, 6) != _scaled(output, field, 6):
                raise _RefusedError(
                    field, "reasoning tokens priced unlike output tokens (costcalc bills them as output)"
                )
        elif field == "input_cost_per_token_cache_hit":
            cached = entry.get("cache_read_input_token_cost")
            if cached is None:
                tiers.setdefault("standard", {})["cached_input"] = _scaled(value, field, 6)
            elif _scaled(value, field, 6) != _scaled(cached, field, 6):
                raise _RefusedError(field, "differs from cache_read_input_token_cost")
        elif _PRICE_WORDS.search(field):
            left_out.append(field)

    for name, threshold in above.items():
        tiers.setdefault(name, {})["above"] = threshold
    if "standard" not in tiers or not any(k not in ("above", "long") for k in tiers["standard"]):
        raise _RefusedError("input_cost_per_token", "no standard rate that this importer can map")
    note = [f"Imported from LiteLLM's price map, key {key!r}."]
    cited = entry.get("source")
    if isinstance(cited, str) and cited.strip():
        note.append(f"LiteLLM cites {cited.strip()}.")
    if isinstance(entry.get("deprecation_date"), str):
        note.append(f"LiteLLM's deprecation date: {entry['deprecation_date']}.")
    if left_out:
        note.append(f"Not imported: {', '.join(left_out)}.")
    data: dict[str, Any] = {
        "id": model_id,
        "provider": provider,
        "kind": kind,
        "tokenizer_exact": False,
        "reasoning": entry.get("supports_reasoning") is True,
        "source": f"litellm:{key}",
        "checked": day,
        "note": " ".join(note),
        "prices": [
            {
                "source": f"litellm:{key}",
                "checked": day,
                "verified": ["imported from LiteLLM"],
                **tiers,
            }
        ],
    }
    cap = entry.get("max_output_tokens")
    if isinstance(cap, int) and not isinstance(cap, bool) and cap > 0:
        data["max_output_tokens"] = cap
    model = _validated(data)
    names = {p: provider for p in (*strip, f"{ll_provider}/") if p.endswith(("/", "."))}
    return model, names


def _litellm_provider(name: str) -> tuple[str, tuple[str, ...]]:
    known = LITELLM_PROVIDERS.get(name)
    if known is not None:
        return known
    if name.startswith("vertex_ai"):  # vertex_ai-anthropic_models, vertex_ai-language-models...
        return LITELLM_PROVIDERS["vertex_ai"]
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", name):
        raise _RefusedError(
            "litellm_provider", f"{name!r} is not a provider name (letters, digits, '_', '-', '.')"
        )
    return name, (f"{name}/",)


# -- genai-prices --------------------------------------------------------------------------------

_GP_TOKEN_RATES: Final = {
    "input_mtok": "input",
    "output_mtok": "output",
    "cache_read_mtok": "cached_input",
    "cache_write_mtok": "cache_write",
    "cache_write_5m_mtok": "cache_write",
    "cache_write_1h_mtok": "cache_write_1h",
    "input_text_mtok": "input",
    "output_text_mtok": "output",
    "cache_text_read_mtok": "cached_input",
    "cache_text_write_mtok": "cache_write",
    "cache_text_write_5m_mtok": "cache_write",
    "cache_text_write_1h_mtok": "cache_write_1h",
    "input_audio_mtok": "audio_input",
    "output_audio_mtok": "audio_output",
    "cache_audio_read_mtok": "cached_audio_input",
    "input_image_mtok": "image_input",
    "output_image_mtok": "image_output",
    "cache_image_read_mtok": "cached_image_input",
    "input_video_mtok": "video_input",
    "cache_video_read_mtok": "cached_video_input",
    # Billed as output by costcalc: accepted only at the output rate.
    "output_reasoning_mtok": "output",
    "output_text_reasoning_mtok": "output",
}
#: Per-unit prices: field -> (unit, the number of units the price is for).
_GP_UNITS: Final = {
    "web_searches_kcount": ("web_search_call", 1_000),
    "requests_kcount": ("request", 1_000),
    "input_mchars": ("character", 1_000_000),
    "audio_hours": ("audio_hour", 1),
    "input_audio_hours": ("audio_hour", 1),
    "rerank_searches_kcount": ("search_unit", 1_000),
}
_GP_TIERS: Final = {
    ("processing", "batch"): "batch",
    ("service_tier", "default"): "standard",
    ("service_tier", "flex"): "flex",
    ("service_tier", "priority"): "priority",
    ("speed", "fast"): "fast",
}
#: OpenAI renamed priority processing "fast mode": genai-prices lists it under both names.
_GP_FAST_IS_PRIORITY: Final = frozenset({"openai", "azure"})


def from_genai_prices(
    data: Any,
    *,
    strict: bool = True,
    checked: dt.date | str | None = None,
    skipped: list[SkippedEntry] | None = None,
) -> Catalog:
    """A catalog from genai-prices' data: the ``genai_prices.data`` module (or anything with a
    ``providers`` list), a list of its ``Provider`` objects, or the same data as JSON (a path to
    its ``data.json``, or the parsed list of provider dicts).

    Provider ids map through :data:`GENAI_PRICES_PROVIDERS` (``aws`` is ``bedrock``...); a model's
    exact-name ``equals`` match clauses become aliases. Dated prices become price periods; the
    batch, flex, priority and fast variants become tiers (a variant overrides only the prices it
    lists, as in genai-prices); a threshold tier becomes the long-context rates.

    A bad entry raises :class:`~costcalc.errors.CatalogEntryError` naming the model and field;
    ``strict=False`` skips it. ``checked`` defaults to the file's modification date, or today.
    """
    module_like = hasattr(data, "providers") and not isinstance(data, Mapping | str | Path)
    raw, day = _read(data.providers if module_like else data, checked, "genai-prices' data")
    if isinstance(raw, Mapping):
        raw = raw.get("providers", [raw]) if "models" not in raw else [raw]
    if not isinstance(raw, list | tuple):
        raise CatalogError(f"genai-prices' data is a list of providers, got {type(raw).__name__}")
    models: list[ModelInfo] = []
    prefixes: dict[str, str] = {}
    problems: list[SkippedEntry] = []
    for i, raw_provider in enumerate(raw):
        provider = _plain(raw_provider)
        gp_id = provider.get("id") if isinstance(provider, Mapping) else None
        if not isinstance(gp_id, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", gp_id.lower()):
            _refuse(
                "genai-prices",
                f"providers[{i}]",
                _RefusedError("id", f"not a provider id: {gp_id!r}"),
                strict,
                problems,
            )
            continue
        ours = GENAI_PRICES_PROVIDERS.get(gp_id, gp_id.lower())
        prefixes[f"{gp_id.lower()}/"] = ours
        urls = provider.get("pricing_urls") or []
        taken: set[str] = set()
        for listed in provider.get("models") or []:
            raw_model = _plain(listed)
            key = f"{gp_id}/{raw_model.get('id') if isinstance(raw_model, Mapping) else '?'}"
            try:
                model = _genai_prices_model(gp_id, ours, raw_model, day, urls, taken)
            except _RefusedError as exc:
                _refuse("genai-prices", key, exc, strict, problems)
                continue
            taken.update((model.id, *model.aliases))
            models.append(model)
    _report(problems, skipped, "genai-prices")
    return Catalog(models, prefixes)


def _genai_prices_model(
    gp_id: str, provider: str, raw: object, day: dt.date, urls: Sequence[object], taken: set[str]
) -> ModelInfo:
    if not isinstance(raw, Mapping):
        raise _RefusedError("(model)", f"a model is a table, got {type(raw).__name__}")
    model_id = raw.get("id")
    if not isinstance(model_id, str) or not model_id.strip():
        raise _RefusedError("id", "missing")
    model_id = model_id.strip().lower()
    if model_id in taken:
        raise _RefusedError("id", "an earlier model of the provider already answers to this name")
    aliases = sorted({n for n in _exact_names(raw.get("match")) if n != model_id and n not in taken})

    prices = _plain(raw.get("prices"))
    if isinstance(prices, Mapping):
        conditional = [{"constraint": None, "prices": prices}]
    elif isinstance(prices, list | tuple) and prices:
        conditional = [_plain(c) for c in prices]
    else:
        raise _RefusedError("prices", "missing")
    variants = raw.get("price_variants") or []
    left_out: set[str] = set()
    tiers_of: list[tuple[str, dict[str, Any], dt.date | None]] = []
    for j, listed in enumerate(_plain(variants)):
        variant = _plain(listed)
        when = variant.get("when") if isinstance(variant, Mapping) else None
        if not isinstance(when, Mapping) or len(when) != 1:
            left_out.add(f"price_variants[{j}]")
            continue
        ((k, v),) = when.items()
        tier = _GP_TIERS.get((k, v))
        if (k, v) == ("service_tier", "fast") and gp_id in _GP_FAST_IS_PRIORITY:
            tier = "priority"
        if tier is None:
            left_out.add(f"price_variants[{j}] ({k}={v})")
            continue
        since = _start(variant.get("constraint"), f"price_variants[{j}].constraint")
        tiers_of.append((tier, dict(_plain(variant.get("prices")) or {}), since))

    starts: list[tuple[dt.date | None, Mapping[str, Any]]] = []
    for j, cond in enumerate(conditional):
        table = _plain(cond.get("prices")) if isinstance(cond, Mapping) else None
        if not isinstance(cond, Mapping) or not isinstance(table, Mapping):
            raise _RefusedError(f"prices[{j}]", "a conditional price needs a 'prices' table")
        starts.append((_start(cond.get("constraint"), f"prices[{j}].constraint"), table))
    dates = sorted({d for d, _ in starts if d is not None} | {d for _, _, d in tiers_of if d is not None})

    def base_at(day_: dt.date | None) -> Mapping[str, Any]:
        # genai-prices: the last conditional price in force wins; if none is, the first.
        found = starts[0][1]
        for start, in_force in reversed(starts):
            if start is None or (day_ is not None and start <= day_):
                found = in_force
                break
        return found

    periods: list[dict[str, Any]] = []
    for since in [None, *dates]:
        base = base_at(since)
        period: dict[str, Any] = {"standard": _gp_tier(base, left_out, "prices")}
        overrides: dict[str, dict[str, Any]] = {}
        for tier, table, start in tiers_of:
            if start is None or (since is not None and start <= since):
                for field, value in table.items():
                    if value is not None:
                        overrides.setdefault(tier, {}).setdefault(field, value)
        for tier, table in overrides.items():
            period[tier] = _gp_tier({**base, **table}, left_out, f"price_variants ({tier})")
        if periods and {k: v for k, v in periods[-1].items() if k != "since"} == period:
            continue
        if since is not None:
            period["since"] = since
        periods.append(period)

    key = f"{gp_id}/{raw.get('id')}"
    note = [f"Imported from genai-prices, model {key!r}."]
    if urls and isinstance(urls[0], str):
        note.append(f"genai-prices cites {urls[0]}.")
    if raw.get("deprecated") is True:
        note.append("genai-prices marks it deprecated.")
    if isinstance(raw.get("price_comments"), str):
        note.append(f"genai-prices' comment: {raw['price_comments']}")
    if left_out:
        note.append(f"Not imported: {', '.join(sorted(left_out))}.")
    for p in periods:
        p.update(source=f"genai-prices:{key}", checked=day, verified=["imported from genai-prices"])
    data: dict[str, Any] = {
        "id": model_id,
        "provider": provider,
        "aliases": aliases,
        "tokenizer_exact": False,
        "source": f"genai-prices:{key}",
        "checked": day,
        "note": " ".join(note),
        "prices": periods,
    }
    window = raw.get("context_window")
    if isinstance(window, int) and not isinstance(window, bool) and window > 0:
        data["context_window"] = window
    return _validated(data)


def _gp_tier(table: Mapping[str, Any], left_out: set[str], where: str) -> dict[str, Any]:
    """One genai-prices price table as a costcalc tier table (flat, with ``above``/``long``)."""
    rates: dict[str, Decimal] = {}
    long: dict[str, Decimal] = {}
    units: dict[str, Decimal] = {}
    above: int | None = None
    for field, value in table.items():
        if value is None or str(field).startswith("_"):
            continue
        if field in _GP_UNITS:
            unit, per = _GP_UNITS[field]
            if isinstance(value, Mapping):
                raise _RefusedError(f"{where}.{field}", "a unit price with tiers")
            units[unit] = tidy(EXACT.divide(_scaled(value, f"{where}.{field}", 0), Decimal(per)))
            continue
        name = _GP_TOKEN_RATES.get(field)
        if name is None:
            left_out.add(field)
            continue
        base, tier_price, start = _gp_value(value, f"{where}.{field}")
        if tier_price is not None:
            if above is not None and start != above:
                raise _RefusedError(
                    f"{where}.{field}", f"a second threshold ({above:,} and {start:,} tokens)"
                )
            above = start
        for target, amount in ((rates, base), (long, tier_price if tier_price is not None else base)):
            earlier = target.get(name)
            if earlier is not None and earlier != amount:
                raise _RefusedError(f"{where}.{field}", f"{name} is given twice, as {earlier} and {amount}")
            target[name] = amount
    tier: dict[str, Any] = dict(rates)
    if units:
        tier["units"] = units
    if above is not None:
        tier["above"] = above
        tier["long"] = long
    return tier


def _gp_value(value: object, where: str) -> tuple[Decimal, Decimal | None, int | None]:
    value = _plain(value)
    if isinstance(value, Mapping):
        tiers = [_plain(t) for t in value.get("tiers") or []]
        if len(tiers) != 1 or not isinstance(tiers[0], Mapping):
            raise _RefusedError(
                where, f"{len(tiers)} price tiers; costcalc models one long-context threshold"
            )
        start = tiers[0].get("start")
        if not isinstance(start, int) or isinstance(start, bool) or start <= 0:
            raise _RefusedError(where, f"a tier starts at a positive number of tokens, got {start!r}")
        return _scaled(value.get("base"), where, 0), _scaled(tiers[0].get("price"), where, 0), start
    return _scaled(value, where, 0), None, None


def _start(constraint: object, where: str) -> dt.date | None:
    constraint = _plain(constraint)
    if constraint is None:
        return None
    if isinstance(constraint, Mapping) and "start_date" in constraint and len(constraint) == 1:
        try:
            return as_date(constraint["start_date"])
        except (ValueError, TypeError):
            raise _RefusedError(where, f"not a date: {constraint['start_date']!r}") from None
    raise _RefusedError(where, f"only start dates can be imported, got {constraint!r} (a time-of-day price?)")


def _exact_names(match: object) -> Iterable[str]:
    """The exact names a genai-prices match clause accepts: its ``equals``, alone or in an ``or``."""
    match = _plain(match)
    if not isinstance(match, Mapping):
        return
    if isinstance(match.get("equals"), str):
        yield match["equals"].strip().lower()
    for child in match.get("or", match.get("or_")) or []:
        yield from _exact_names(child)


def _plain(value: Any) -> Any:
    """genai-prices' objects (dataclasses, its ModelPrice) as plain dicts and lists."""
    if value is None or isinstance(value, str | int | Decimal | float | dt.date | dt.time):
        return value
    if isinstance(value, Mapping):
        return value
    if isinstance(value, list | tuple):
        return list(value)
    fields = getattr(value, "__dataclass_fields__", None)
    if fields is not None:
        return {name.rstrip("_"): getattr(value, name) for name in fields}
    if hasattr(value, "__dict__"):
        return {k: v for k, v in vars(value).items() if not k.startswith("_")}
    return value


# -- shared ---------------------------------------------------------------------------------------


def _read(data: Any, checked: dt.date | str | None, what: str) -> tuple[Any, dt.date]:
    day = as_date(checked) if checked is not None else None
    if isinstance(data, str | Path):
        path = Path(data)
        try:
            text = path.read_text(encoding="utf-8-sig")
            stamp = path.stat().st_mtime
        except (OSError, UnicodeDecodeError) as exc:
            raise CatalogError(f"{path}: cannot read {what}: {exc}") from exc
        try:
            raw = json.loads(text, parse_float=Decimal)
        except ValueError as exc:
            raise CatalogError(f"{path}: not valid JSON: {exc}") from exc
        return raw, day or dt.datetime.fromtimestamp(stamp, dt.UTC).date()
    if isinstance(data, Mapping | list | tuple):
        return data, day or as_date(None)
    raise InvalidInputError(
        f"expected a path, or the data as parsed JSON, for {what}; got {type(data).__name__}", field="data"
    )


def _scaled(value: object, field: str, places: int) -> Decimal:
    """``value`` x 10**places, exactly; floats are read through their shortest text (``repr``)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise _RefusedError(field, f"expected a number, got {type(value).__name__}")
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
    except InvalidOperation:
        raise _RefusedError(field, f"{value!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise _RefusedError(field, f"a price is a finite number of at least 0, got {value!r}")
    return tidy(EXACT.scaleb(number, places))


def _validated(data: dict[str, Any]) -> ModelInfo:
    try:
        return ModelInfo.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(model)"
        raise _RefusedError(where, str(first["msg"]).removeprefix("Value error, ")) from None


def _same_prices(a: ModelInfo, b: ModelInfo) -> bool:
    def shape(m: ModelInfo) -> Any:
        return [p.model_dump(exclude={"source", "checked", "verified", "note"}) for p in m.prices]

    return shape(a) == shape(b) and a.kind == b.kind


def _refuse(dataset: str, key: str, exc: _RefusedError, strict: bool, problems: list[SkippedEntry]) -> None:
    if strict:
        raise CatalogEntryError(dataset, key, exc.field, exc.reason) from None
    problems.append(SkippedEntry(key, exc.field, exc.reason))


def _report(problems: list[SkippedEntry], skipped: list[SkippedEntry] | None, dataset: str) -> None:
    if skipped is not None:
        skipped.extend(problems)
    elif problems:
        shown = ", ".join(repr(p.key) for p in problems[:5])
        more = f" and {len(problems) - 5} more" if len(problems) > 5 else ""
        warnings.warn(
            f"{len(problems)} {dataset} entries skipped: {shown}{more} (pass skipped=[] to get them all)",
            ImportSkippedWarning,
            stacklevel=3,
        )
