"""Cross-check costcalc's built-in catalog against LiteLLM's price map and genai-prices' data.

A dev-time tool, not a runtime dependency of costcalc. Both datasets are read from their
installed packages (nothing is downloaded)::

    pip install -e ".[crosscheck]"                   # litellm and genai-prices
    python scripts/crosscheck_catalog.py             # writes docs/catalog.md
    python scripts/crosscheck_catalog.py --check     # compares only; prints the summary

Every model of the catalog is matched to the entries the two datasets keep for the same provider
and name, and every rate (per tier, long-context rates and threshold, unit prices) and the context
window and output cap are compared, today and (for genai-prices, which dates its prices) at every
date where either side changes a price. A disagreement is *explained* when an entry of
``docs/catalog-resolutions.toml`` matches it (provider, model, field, dataset and, when given,
the dataset's value), giving the resolution and its source. Coverage counts, per provider, the
current models both datasets list and how many of them the catalog has.

Exit status: 0 when every disagreement is explained and every provider's coverage is at least
95%; 1 otherwise (the report is still written); 2 when a dataset is not installed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
import importlib.metadata
import importlib.util
import json
import sys
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The checkout's costcalc, not an installed copy: the script checks the data next to it.
sys.path.insert(0, str(ROOT))

import costcalc as cc  # noqa: E402 - after the path is set
from costcalc.catalog import Catalog, ModelInfo, PricePeriod, TierPrice  # noqa: E402
from costcalc.importers import (  # noqa: E402
    GENAI_PRICES_PROVIDERS,
    LITELLM_PROVIDERS,
    from_genai_prices,
    from_litellm,
)

REPORT = ROOT / "docs" / "catalog.md"
RESOLUTIONS = ROOT / "docs" / "catalog-resolutions.toml"
TARGET = Decimal("0.95")

LITELLM = "litellm"
GENAI = "genai-prices"
DATASETS = (LITELLM, GENAI)

#: Our providers -> genai-prices' provider id (None: genai-prices has no such provider).
GENAI_IDS: dict[str, str | None] = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google": "google",
    "vertex_ai": "google",  # only its Claude entries (see genai_provider)
    "bedrock": "aws",
    "azure": "azure",
    "mistral": "mistral",
    "deepseek": "deepseek",
    "xai": "x-ai",
    "groq": "groq",
    "together_ai": "together",
    "fireworks_ai": "fireworks",
    "cohere": "cohere",
    "perplexity": "perplexity",
    "openrouter": "openrouter",
}
SOURCES_PAGES = {
    "openai": "sources/openai.md",
    "anthropic": "sources/anthropic-google.md",
    "google": "sources/anthropic-google.md",
    "bedrock": "sources/clouds.md",
    "vertex_ai": "sources/clouds.md",
    "azure": "sources/clouds.md",
}
RATE_FIELDS = tuple(f for f in cc.Rates.model_fields if f != "units")


# -- mapping the datasets' names to ours -----------------------------------------------------------


def litellm_provider(litellm_name: str) -> str | None:
    """Our provider for a ``litellm_provider`` value, or None when it is not one of ours."""
    if litellm_name.startswith("vertex_ai"):
        return "vertex_ai"
    known = LITELLM_PROVIDERS.get(litellm_name)
    return known[0] if known is not None and known[0] in GENAI_IDS else None


def litellm_name(key: str, entry: Mapping[str, Any]) -> tuple[str, str] | None:
    """(our provider, the model name) a LiteLLM key stands for: the key without its provider prefix
    (``gemini/gemini-2.5-pro`` -> ``("google", "gemini-2.5-pro")``), or None for other providers."""
    raw = entry.get("litellm_provider")
    if not isinstance(raw, str):
        return None
    provider = litellm_provider(raw)
    if provider is None:
        return None
    strip = LITELLM_PROVIDERS.get(
        raw, LITELLM_PROVIDERS["vertex_ai"] if raw.startswith("vertex_ai") else ("", ())
    )[1]
    name = key.strip().lower()
    for prefix in sorted(strip, key=len, reverse=True):
        if name.startswith(prefix) and len(name) > len(prefix):
            return provider, name[len(prefix) :]
    return provider, name


def genai_provider(genai_id: str, model_id: str) -> str | None:
    """Our provider for a genai-prices model. Its ``google`` provider holds Gemini API prices and,
    under ``claude-*`` ids, the prices of Claude on Vertex AI (Google sells Claude only there)."""
    if genai_id == "google":
        return "vertex_ai" if model_id.lower().startswith("claude") else "google"
    ours = GENAI_PRICES_PROVIDERS.get(genai_id, genai_id)
    return ours if ours in GENAI_IDS else None


def genai_names(model: Any) -> set[str]:
    """The exact names a genai-prices model answers to: its id and its ``equals`` clauses."""
    names = {str(model.id).lower()}

    def walk(clause: Any) -> None:
        if hasattr(clause, "equals"):
            names.add(str(clause.equals).lower())
        for child in getattr(clause, "or_", None) or []:
            walk(child)

    walk(model.match)
    # genai-prices names Bedrock's in-Region and Geo-profile entries "regional.<id>".
    return names | {n.removeprefix("regional.") for n in names if n.startswith("regional.")}


def model_names(model: ModelInfo) -> tuple[str, ...]:
    return (model.id, *model.aliases)


# -- flattening a period for field-by-field comparison --------------------------------------------


def tier_fields(tp: TierPrice) -> dict[str, Decimal | int]:
    """A tier's prices as ``{field: value}``: rates, ``units.<name>``, ``above``, ``long.<rate>``."""
    out: dict[str, Decimal | int] = {}

    def rates(r: cc.Rates, prefix: str) -> None:
        for name in RATE_FIELDS:
            value = getattr(r, name)
            if value is not None:
                out[f"{prefix}{name}"] = value
        for unit, value in r.units.items():
            out[f"{prefix}units.{unit}"] = value

    rates(tp.rates, "")
    if tp.long is not None and tp.above is not None:
        out["above"] = tp.above
        rates(tp.long, "long.")
    return out


@dataclass(frozen=True)
class Finding:
    provider: str
    model: str
    dataset: str
    key: str
    field: str
    ours: str | None
    theirs: str | None
    status: str  # "agree", "differ", "missing" (only theirs), "extra" (only ours)
    dates: tuple[dt.date, ...] = ()

    @property
    def disagreement(self) -> bool:
        return self.status in ("differ", "missing")


def show(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return (
            format(value.normalize(), "f") if value == value.to_integral_value() else str(value.normalize())
        )
    return str(value)


#: Time units, as the number of seconds one unit is: prices per unit compare per hour.
TIME_UNITS = {"units.audio_second": 1, "units.audio_minute": 60, "units.audio_hour": 3600}

#: Comparison rules applied before two tiers are compared (listed in the report).
RULES = (
    "A price per second, per minute or per hour of audio is compared per hour (x3600, x60, x1).",
    "An embedding model bills no output: a dataset's output price of 0 for it counts as no price.",
    "An image (speech) model's output tokens are images (audio): when the catalog has no text "
    "output rate, a dataset's output rate is compared with the catalog's image_output "
    "(audio_output).",
    "A dataset's input limit agrees with the catalog's context window, or with the window less the "
    "output cap (providers that keep room for the output: gpt-5's 400,000 - 128,000 = 272,000).",
    "A dataset's web-search price is compared with the catalog's Search-grounding unit when the "
    "catalog prices search that way: Gemini 2.x bills per grounded prompt (grounded_prompt), Gemini 3 "
    "and later per search query (search_query); genai-prices books either as web searches.",
    "A context window or output cap the catalog leaves out (unpublished or doubtful) is listed, not "
    "counted as a disagreement: an absent limit never prices anything.",
    "A rate only the catalog has is listed, not counted: the datasets leave out much of what "
    "providers publish (tool fees, cache writes, batch cache rates). A rate only a dataset has is a "
    "disagreement: the catalog refuses usage it has no rate for.",
)


def normalized(
    fields: dict[str, Decimal | int], kind: str, other: Mapping[str, Decimal | int]
) -> dict[str, Decimal | int]:
    """``fields`` under the comparison rules (``other`` is the other side's fields)."""
    out: dict[str, Decimal | int] = {}
    for name, value in fields.items():
        prefix, _, leaf = name.rpartition("units.")
        per = TIME_UNITS.get(f"units.{leaf}") if "units." in name else None
        if per is not None:
            out[f"{prefix}units.audio_hour"] = Decimal(value) * (3600 // per)
        elif kind == "embedding" and name.endswith("output") and value == 0:
            continue
        else:
            out[name] = value
    media = {"image": "image_output", "speech": "audio_output"}.get(kind)
    if media is not None:
        for prefix in ("", "long."):
            if f"{prefix}output" in out and f"{prefix}output" not in other and f"{prefix}{media}" in other:
                out[f"{prefix}{media}"] = out.pop(f"{prefix}output")
    return out


def compare_periods(
    ours: PricePeriod, theirs: PricePeriod, kind: str = "chat"
) -> Iterator[tuple[str, str, str | None, str | None]]:
    """(field, status, ours, theirs) for every tier and price field of two periods."""
    for tier in cc.TIERS:
        a, b = ours.tier(tier), theirs.tier(tier)
        if a is None and b is None:
            continue
        if a is None:
            yield tier, "missing", None, "offered"
            continue
        if b is None:
            yield tier, "extra", "offered", None
            continue
        raw_a, raw_b = tier_fields(a), tier_fields(b)
        fa, fb = normalized(raw_a, kind, {}), normalized(raw_b, kind, raw_a)
        for prefix in ("", "long."):
            search = f"{prefix}units.web_search_call"
            if search in fb and search not in fa:
                for unit in ("grounded_prompt", "search_query"):
                    if fa.get(f"{prefix}units.{unit}"):
                        fb[f"{prefix}units.{unit}"] = fb.pop(search)
                        break
        for name in sorted(fa.keys() | fb.keys()):
            x, y = fa.get(name), fb.get(name)
            status = "agree" if x == y else "missing" if x is None else "extra" if y is None else "differ"
            yield f"{tier}.{name}", status, show(x), show(y)


def compare_limits(
    model: ModelInfo, window: object, output: object
) -> Iterator[tuple[str, str, str | None, str | None]]:
    """Context window and output cap. A dataset's input limit agrees with the window, or with the
    window less the output cap (providers that keep room for the output, gpt-5's 400,000 -
    128,000); a limit the catalog leaves out (unpublished or doubtful) is listed, not counted."""
    for name, ours, theirs in (
        ("context_window", model.context_window, window),
        ("max_output_tokens", model.max_output_tokens, output),
    ):
        if not isinstance(theirs, int) or isinstance(theirs, bool) or theirs <= 0:
            continue
        if ours is None:
            yield name, "extra-theirs", None, str(theirs)
            continue
        same = ours == theirs
        if name == "context_window" and model.max_output_tokens is not None:
            same = same or ours - model.max_output_tokens == theirs
        yield name, "agree" if same else "differ", str(ours), str(theirs)


# -- resolutions -----------------------------------------------------------------------------------


@dataclass
class Resolution:
    """One entry of docs/catalog-resolutions.toml: which disagreements it explains (glob patterns on
    provider, model, field and dataset key; optionally the exact values, or the ratio catalog /
    dataset), how it was resolved and the source that settles it."""

    provider: str
    model: str
    field: str
    dataset: str
    resolution: str
    source: str
    key: str = "*"
    theirs: str | None = None  # the dataset's value it explains ("absent" when the dataset has none)
    ours: str | None = None  # the catalog's value ("absent" when the catalog has none)
    ratio: str | None = None  # catalog / dataset, exactly
    before: str | None = None  # only disagreements on dates before this one (a dataset's history)
    used: int = 0

    def matches(self, f: Finding) -> bool:
        if not (
            fnmatch.fnmatchcase(f.provider, self.provider)
            and fnmatch.fnmatchcase(f.model, self.model)
            and fnmatch.fnmatchcase(f.field, self.field)
            and fnmatch.fnmatchcase(f.key, self.key)
            and self.dataset in ("*", f.dataset)
        ):
            return False
        if self.theirs is not None and self.theirs != (f.theirs if f.theirs is not None else "absent"):
            return False
        if self.ours is not None and self.ours != (f.ours if f.ours is not None else "absent"):
            return False
        if self.before is not None and not (f.dates and max(f.dates) < dt.date.fromisoformat(self.before)):
            return False
        if self.ratio is not None:
            try:
                if (
                    f.ours is None
                    or f.theirs is None
                    or Decimal(f.ours) != Decimal(f.theirs) * Decimal(self.ratio)
                ):
                    return False
            except ArithmeticError:
                return False
        return True


@dataclass
class Exclusion:
    provider: str
    model: str
    reason: str
    source: str
    used: int = 0


def load_resolutions(path: Path) -> tuple[list[Resolution], list[Exclusion]]:
    doc = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    resolutions = []
    for i, raw in enumerate(doc.get("resolution", [])):
        missing = {"provider", "model", "field", "dataset", "resolution", "source"} - raw.keys()
        if missing:
            raise SystemExit(f"{path}: resolution[{i}] lacks {sorted(missing)}")
        if raw["dataset"] not in (*DATASETS, "*"):
            raise SystemExit(f"{path}: resolution[{i}]: dataset is {LITELLM!r}, {GENAI!r} or '*'")
        unknown = set(raw) - (set(Resolution.__dataclass_fields__) - {"used"})
        if unknown:
            raise SystemExit(f"{path}: resolution[{i}]: unknown keys {sorted(unknown)}")
        resolutions.append(
            Resolution(**{k: str(v) for k, v in raw.items() if k in Resolution.__dataclass_fields__})
        )
    exclusions = []
    for i, raw in enumerate(doc.get("not_in_catalog", [])):
        missing = {"provider", "model", "reason", "source"} - raw.keys()
        if missing:
            raise SystemExit(f"{path}: not_in_catalog[{i}] lacks {sorted(missing)}")
        exclusions.append(Exclusion(raw["provider"], raw["model"], raw["reason"], raw["source"]))
    return resolutions, exclusions


def resolve(finding: Finding, resolutions: Sequence[Resolution]) -> Resolution | None:
    for r in resolutions:
        if r.matches(finding):
            r.used += 1
            return r
    return None


# -- the datasets ----------------------------------------------------------------------------------


@dataclass
class Datasets:
    litellm: Mapping[str, Any]
    litellm_version: str
    genai: Sequence[Any]  # genai_prices.types.Provider
    genai_version: str


def load_datasets() -> Datasets:
    spec = importlib.util.find_spec("litellm")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(2)
    path = Path(next(iter(spec.submodule_search_locations))) / "model_prices_and_context_window_backup.json"
    litellm = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    from genai_prices.data import providers

    return Datasets(
        litellm,
        importlib.metadata.version("litellm"),
        providers,
        importlib.metadata.version("genai-prices"),
    )


@dataclass
class Index:
    """The datasets' entries by (our provider, name), and their own models in our schema."""

    litellm_keys: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    litellm_models: dict[str, ModelInfo | str] = field(default_factory=dict)  # key -> model or why not
    genai_models: dict[str, list[Any]] = field(
        default_factory=lambda: defaultdict(list)
    )  # provider -> models
    genai_converted: dict[tuple[str, str], ModelInfo | str] = field(default_factory=dict)


def build_index(data: Datasets, day: dt.date) -> Index:
    index = Index()
    for key, entry in data.litellm.items():
        if not isinstance(entry, Mapping):
            continue
        named = litellm_name(key, entry)
        if named is not None:
            index.litellm_keys[named].append(key)
    for provider in data.genai:
        for model in provider.models:
            ours = genai_provider(provider.id, model.id)
            if ours is not None:
                index.genai_models[ours].append((provider, model))
    return index


def litellm_model(index: Index, data: Datasets, key: str, day: dt.date) -> ModelInfo | str:
    found = index.litellm_models.get(key)
    if found is None:
        skipped: list[Any] = []
        cat = from_litellm({key: data.litellm[key]}, strict=False, checked=day, skipped=skipped)
        found = next(iter(cat), None) or f"not importable: {skipped[0].field}: {skipped[0].reason}"
        index.litellm_models[key] = found
    return found


def genai_model(index: Index, provider: Any, model: Any, day: dt.date) -> ModelInfo | str:
    ident = (provider.id, model.id)
    found = index.genai_converted.get(ident)
    if found is None:
        skipped: list[Any] = []
        single = type(provider)(
            id=provider.id, name=provider.name, api_pattern=provider.api_pattern, models=[model]
        )
        cat = from_genai_prices([single], strict=False, checked=day, skipped=skipped)
        found = next(iter(cat), None) or f"not importable: {skipped[0].field}: {skipped[0].reason}"
        index.genai_converted[ident] = found
    return found


def genai_match(index: Index, ours: ModelInfo) -> tuple[Any, Any, str] | None:
    """The genai-prices model that prices ``ours``: one whose id or exact names include one of ours;
    failing that, the one genai-prices' own matching picks for our id."""
    candidates = index.genai_models.get(ours.provider, [])
    for names in ({ours.id}, set(model_names(ours))):  # the id first, then the aliases
        for provider, model in candidates:
            if genai_names(model) & names:
                return provider, model, "exact"
    for provider, model in candidates:
        if model.is_match(ours.id):
            return provider, model, "pattern"
    return None


# -- the comparison --------------------------------------------------------------------------------


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    unmatched: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    not_importable: list[tuple[str, str, str, str]] = field(default_factory=list)
    compared: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))


def compare_catalog(catalog: Catalog, data: Datasets, index: Index, day: dt.date) -> Result:
    result = Result()
    for ours in catalog.list_models():
        # A retired model is compared on its last day of service.
        current = min(day, ours.retired - dt.timedelta(days=1)) if ours.retired is not None else day
        # LiteLLM: today's prices, for every key that names the model.
        keys = sorted({k for n in model_names(ours) for k in index.litellm_keys.get((ours.provider, n), [])})
        if not keys:
            result.unmatched[LITELLM].append((ours.provider, ours.id))
        for key in keys:
            theirs = litellm_model(index, data, key, day)
            if isinstance(theirs, str):
                result.not_importable.append((ours.provider, ours.id, f"{LITELLM} {key}", theirs))
                continue
            result.compared[(ours.provider, ours.id)].add(LITELLM)
            _compare_at(result, ours, theirs, LITELLM, key, [current])
            entry = data.litellm[key]
            for name, status, a, b in compare_limits(
                ours, entry.get("max_input_tokens"), entry.get("max_output_tokens")
            ):
                result.findings.append(Finding(ours.provider, ours.id, LITELLM, key, name, a, b, status))
        # genai-prices: at every date where either side changes a price.
        match = genai_match(index, ours)
        if match is None:
            result.unmatched[GENAI].append((ours.provider, ours.id))
            continue
        provider, model, how = match
        key = f"{provider.id}/{model.id}" + (" (pattern)" if how == "pattern" else "")
        theirs = genai_model(index, provider, model, day)
        if isinstance(theirs, str):
            result.not_importable.append((ours.provider, ours.id, f"{GENAI} {key}", theirs))
            continue
        result.compared[(ours.provider, ours.id)].add(GENAI)
        changes = {p.since for m in (ours, theirs) for p in m.prices if p.since is not None}
        dates = sorted({current} | changes | {d - dt.timedelta(days=1) for d in changes})
        _compare_at(result, ours, theirs, GENAI, key, dates)
        for name, status, a, b in compare_limits(ours, model.context_window, None):
            result.findings.append(Finding(ours.provider, ours.id, GENAI, key, name, a, b, status))
    return result


def _compare_at(
    result: Result, ours: ModelInfo, theirs: ModelInfo, dataset: str, key: str, dates: Iterable[dt.date]
) -> None:
    seen: dict[tuple[str, str, str | None, str | None], list[dt.date]] = {}
    for day in dates:
        try:
            a = ours.period(day)
        except cc.NoPriceError:
            continue
        try:
            b = theirs.period(day)
        except cc.NoPriceError:
            continue
        for name, status, x, y in compare_periods(a, b, ours.kind):
            seen.setdefault((name, status, x, y), []).append(day)
    for (name, status, x, y), days in seen.items():
        result.findings.append(Finding(ours.provider, ours.id, dataset, key, name, x, y, status, tuple(days)))


# -- coverage --------------------------------------------------------------------------------------


@dataclass
class Coverage:
    provider: str
    both: int = 0
    covered: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    excluded: list[tuple[str, str, str]] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    litellm_only: int = 0
    genai_only: int = 0

    @property
    def ratio(self) -> Decimal | None:
        counted = len(self.covered) + len(self.missing)
        return Decimal(len(self.covered)) / counted if counted else None


def coverage(
    catalog: Catalog, data: Datasets, index: Index, exclusions: Sequence[Exclusion], day: dt.date
) -> list[Coverage]:
    out = []
    for provider in GENAI_IDS:
        cov = Coverage(provider)
        litellm_current = set()
        for (p, name), keys in index.litellm_keys.items():
            if p != provider:
                continue
            for key in keys:
                entry = data.litellm[key]
                if _litellm_current(entry, day):
                    litellm_current.add(name)
        genai_current = [(prov, m) for prov, m in index.genai_models.get(provider, []) if not m.deprecated]
        matched_litellm: set[str] = set()
        for _prov, model in genai_current:
            names = genai_names(model)
            common = names & litellm_current
            if not common:
                cov.genai_only += 1
                continue
            matched_litellm |= common
            cov.both += 1
            label = model.id.lower()
            found = _find(catalog, names, provider)
            if found is not None:
                if found.retired is not None and found.retired <= day:
                    cov.retired.append(f"{label} ({found.id}, retired {found.retired})")
                else:
                    cov.covered.append(label if found.id == label else f"{label} ({found.id})")
                continue
            why = next(
                (e for e in exclusions if e.provider == provider and fnmatch.fnmatchcase(label, e.model)),
                None,
            )
            if why is not None:
                why.used += 1
                cov.excluded.append((label, why.reason, why.source))
            else:
                cov.missing.append(label)
        cov.litellm_only = len(litellm_current - matched_litellm)
        out.append(cov)
    return out


def _litellm_current(entry: Mapping[str, Any], day: dt.date) -> bool:
    shutdown = entry.get("deprecation_date")
    if isinstance(shutdown, str):
        try:
            if dt.date.fromisoformat(shutdown) <= day:
                return False
        except ValueError:
            pass
    return entry.get("mode", "chat") in (
        "chat",
        "responses",
        "completion",
        "embedding",
        "audio_transcription",
        "audio_speech",
        "image_generation",
        "rerank",
        "moderation",
        "video_generation",
        "realtime",
    )


def _find(catalog: Catalog, names: Iterable[str], provider: str) -> ModelInfo | None:
    for name in sorted(names):
        try:
            return catalog.get_model(name, provider)
        except (cc.UnknownModelError, cc.AmbiguousModelError):
            continue
    return None


# -- the report ------------------------------------------------------------------------------------


@dataclass
class Report:
    day: dt.date
    data: Datasets
    catalog_size: int
    result: Result
    coverage: list[Coverage]
    explained: list[tuple[Finding, Resolution]]
    unexplained: list[Finding]
    resolutions: list[Resolution]
    exclusions: list[Exclusion]

    @property
    def coverage_ok(self) -> bool:
        return all(c.ratio is None or c.ratio >= TARGET for c in self.coverage)

    @property
    def ok(self) -> bool:
        return not self.unexplained and self.coverage_ok


def run(day: dt.date, resolutions_path: Path = RESOLUTIONS) -> Report:
    data = load_datasets()
    catalog = cc.default_catalog()
    index = build_index(data, day)
    result = compare_catalog(catalog, data, index, day)
    resolutions, exclusions = load_resolutions(resolutions_path)
    explained, unexplained = [], []
    for finding in result.findings:
        if not finding.disagreement:
            continue
        found = resolve(finding, resolutions)
        if found is None:
            unexplained.append(finding)
        else:
            explained.append((finding, found))
    cover = coverage(catalog, data, index, exclusions, day)
    return Report(day, data, len(catalog), result, cover, explained, unexplained, resolutions, exclusions)


def pct(value: Decimal | None) -> str:
    return "n/a" if value is None else f"{(value * 100).quantize(Decimal('0.1'))}%"


def cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def dates(f: Finding) -> str:
    if not f.dates:
        return ""
    if len(f.dates) == 1:
        return str(f.dates[0])
    return f"{f.dates[0]} to {f.dates[-1]}"


def pair(f: Finding) -> str:
    return f"{f.field}: {f.ours if f.ours is not None else '-'} / {f.theirs if f.theirs is not None else '-'}"


def render(report: Report) -> str:
    r = report.result
    findings = r.findings
    agree = sum(f.status == "agree" for f in findings)
    differ = sum(f.disagreement for f in findings)
    only_ours = sum(f.status == "extra" for f in findings)
    limits_theirs = sum(f.status == "extra-theirs" for f in findings)
    compared = {ds: sum(ds in v for v in r.compared.values()) for ds in DATASETS}
    out = [
        "# Catalog cross-check",
        "",
        "<!-- Generated by scripts/crosscheck_catalog.py: edit the catalog data or",
        "     docs/catalog-resolutions.toml and run the script again, never this file. -->",
        "",
        f"The built-in catalog ({report.catalog_size} models) compared model by model and field by field",
        f"with LiteLLM's price map (litellm {report.data.litellm_version},",
        "`model_prices_and_context_window_backup.json`) and genai-prices' data",
        f"(genai-prices {report.data.genai_version}, `genai_prices/data.py`), as of {report.day}.",
        "",
        "The datasets are cross-checks, not sources: where one disagrees with the provider's own page,",
        "the page wins. Each disagreement below is explained by an entry of",
        "[`docs/catalog-resolutions.toml`](https://github.com/costcalc/costcalc/blob/main/docs/catalog-resolutions.toml),",
        "which gives the resolution and the source that settles it. The provider pages, figures and",
        "quotes behind the catalog are on the sources pages:",
        "[OpenAI](sources/openai.md), [Anthropic and Google](sources/anthropic-google.md),",
        "[Bedrock, Vertex AI and Azure](sources/clouds.md) and [the other vendors](sources/vendors.md).",
        "",
        "| | count |",
        "|---|---|",
        f"| models compared with LiteLLM | {compared[LITELLM]} |",
        f"| models compared with genai-prices | {compared[GENAI]} |",
        f"| fields that agree | {agree} |",
        f"| disagreements | {differ} |",
        f"| explained | {len(report.explained)} |",
        f"| **unexplained** | **{len(report.unexplained)}** |",
        f"| rates only the catalog has (listed, not counted) | {only_ours} |",
        f"| limits only a dataset gives (listed, not counted) | {limits_theirs} |",
        "",
        "## Running it",
        "",
        "```bash",
        'pip install -e ".[crosscheck]"                # litellm and genai-prices',
        "python scripts/crosscheck_catalog.py           # writes this page",
        "python scripts/crosscheck_catalog.py --check   # compares only",
        "```",
        "",
        "Exit status 0 when every disagreement is explained and every provider's coverage is at least",
        "95%, 1 otherwise. Both datasets are read from their installed packages; nothing is downloaded.",
        "",
        "Between runs, the command line answers the day-to-day questions (exit status 1 when there",
        "is something to report, 2 for a bad command line or file):",
        "",
        "```bash",
        "costcalc catalog stale --days 30               # prices not checked for 30 days",
        "costcalc catalog diff builtin my-prices.toml   # what a catalog file changes",
        "costcalc models --provider bedrock --kind embedding --tier batch",
        "```",
        "",
        "A model the catalog does not have yet can be priced from either dataset the day it launches:",
        "`Catalog.from_litellm(path_or_dict)` and `Catalog.from_genai_prices(data)` import their",
        "entries exactly, with their provenance, and `Catalog.default().extend(...)` adds them.",
        "",
        "## How fields are compared",
        "",
        "Each catalog model is matched to the LiteLLM keys that name it for the same provider (its id",
        "and aliases, with the provider's key prefix: `gemini/`, `vertex_ai/`, `azure/`, `bedrock/`...;",
        "every matching key is compared, so LiteLLM's `us.` and `bedrock_mantle/` rows are checked",
        "too) and to the genai-prices model that prices it: one whose id or exact names match, else the",
        "one genai-prices' own patterns pick (marked *pattern*). genai-prices has no Vertex AI",
        "provider: the `claude-*` entries of its `google` provider are Vertex AI's prices for Claude",
        "and are compared with `vertex_ai`; its Gemini entries are the Gemini API's and are compared",
        "with `google`.",
        "",
        "Both datasets are read with costcalc's importers (`Catalog.from_litellm`,",
        "`Catalog.from_genai_prices`), so their rates are per 1M tokens and their tiers are costcalc's.",
        "Every tier (standard, batch, flex, priority, fast), every rate, the long-context threshold and",
        "rates, and every unit price are compared; LiteLLM today, genai-prices today and at every date",
        "where either side changes a price (the date and the day before). Field names read",
        "`<tier>.<rate>`, `<tier>.long.<rate>`, `<tier>.units.<unit>`; a bare tier name means the",
        "whole tier is offered on one side only. Rules applied first:",
        "",
    ]
    out += [f"- {rule}" for rule in RULES]
    out += ["", "## Coverage", ""]
    out += [
        "For each provider: the models both datasets list as current (not deprecated, shutdown date",
        "not passed), matched by name; how many the catalog has; the ones it marks retired (with",
        "the provider's shutdown date: not current); the ones recorded as not in the catalog, with",
        "the reason (retired, free, or priced in a unit the schema cannot bill); and the ones",
        "missing. A provider one dataset does not cover has no common list (n/a); the models listed",
        "by one dataset only are counted beside it.",
        "",
    ]
    rows = []
    for c in report.coverage:
        rows.append(
            [
                c.provider,
                c.both,
                len(c.covered),
                len(c.retired),
                len(c.excluded),
                len(c.missing),
                pct(c.ratio),
                c.litellm_only,
                c.genai_only,
            ]
        )
    out += table(
        [
            "provider",
            "both list",
            "in catalog",
            "retired",
            "recorded as not in catalog",
            "missing",
            "coverage",
            "LiteLLM only",
            "genai-prices only",
        ],
        rows,
    )
    out.append("")
    details = [c for c in report.coverage if c.missing or c.excluded or c.retired]
    for c in details:
        out.append(f"**{c.provider}**")
        out.append("")
        for name in c.missing:
            out.append(f"- missing: `{name}`")
        for name in c.retired:
            out.append(f"- retired: `{name}`")
        for name, reason, source in c.excluded:
            out.append(f"- not in the catalog: `{name}`: {reason} ({source})")
        out.append("")
    out += ["## Agreement by provider", ""]
    per: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for f in findings:
        cnt = per[(f.provider, f.dataset)]
        cnt[0 if f.status == "agree" else 1 if f.disagreement else 2] += 1
    models_per: dict[tuple[str, str], int] = defaultdict(int)
    for (provider, _), seen in r.compared.items():
        for ds in seen:
            models_per[(provider, ds)] += 1
    out += table(
        [
            "provider",
            "dataset",
            "models compared",
            "fields agree",
            "disagree (all explained)",
            "only one side",
        ],
        [[p, ds, models_per[(p, ds)], v[0], v[1], v[2]] for (p, ds), v in sorted(per.items())],
    )
    out += ["", "## Disagreements and their resolutions", ""]
    if report.unexplained:
        out += ["### Unexplained", ""]
        out += table(
            ["provider", "model", "dataset (key)", "field: catalog / dataset", "dates"],
            [[f.provider, f.model, f"{f.dataset} {f.key}", pair(f), dates(f)] for f in report.unexplained],
        )
        out.append("")
    by_resolution: dict[int, list[Finding]] = defaultdict(list)
    for finding, res in report.explained:
        by_resolution[id(res)].append(finding)
    for res in report.resolutions:
        found = by_resolution.get(id(res))
        if not found:
            continue
        title = f"{res.provider} / {res.model} / {res.field} ({res.dataset})"
        out += [f"### {title}", "", res.resolution, "", f"Source: {res.source}", ""]
        grouped: dict[tuple[str, str, str], list[Finding]] = defaultdict(list)
        for f in found:
            grouped[(f.provider, f.model, f"{f.dataset} {f.key}")].append(f)
        out += table(
            ["provider", "model", "dataset (key)", "field: catalog / dataset"],
            [
                [
                    p,
                    m,
                    k,
                    "; ".join(
                        pair(f) + (f" ({dates(f)})" if f.dataset == GENAI and f.dates else "") for f in fs
                    ),
                ]
                for (p, m, k), fs in sorted(grouped.items())
            ],
        )
        out.append("")
    unused = [res for res in report.resolutions if not res.used]
    if unused:
        out += ["### Resolutions that matched nothing", ""]
        out += [f"- {res.provider} / {res.model} / {res.field} ({res.dataset})" for res in unused]
        out.append("")
    out += ["## Not compared", ""]
    out += [
        "Catalog models no dataset entry names (the provider's page is their only source), and",
        "dataset entries the importers refuse (a tiered or time-of-day price they cannot map).",
        "",
    ]
    for ds in DATASETS:
        names = r.unmatched.get(ds, [])
        out.append(f"- Not in {ds} ({len(names)}): " + ", ".join(f"`{p}/{m}`" for p, m in names))
    for p, m, key, why in r.not_importable:
        out.append(f"- `{p}/{m}`: {key} {why}")
    out.append("")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare only; do not write docs/catalog.md")
    parser.add_argument(
        "--as-of", type=dt.date.fromisoformat, help="compare as of this date (default: today, UTC)"
    )
    parser.add_argument("--output", type=Path, default=REPORT, help="where to write the report")
    args = parser.parse_args(argv)
    day = args.as_of or dt.datetime.now(dt.UTC).date()
    try:
        report = run(day)
    except ModuleNotFoundError as exc:
        print(f"{exc.name} is not installed: pip install -e '.[crosscheck]'", file=sys.stderr)
        return 2
    if not args.check:
        args.output.write_text(render(report), encoding="utf-8")
    for c in report.coverage:
        print(
            f"{c.provider:13} coverage {pct(c.ratio):>7} ({len(c.covered)}/{len(c.covered) + len(c.missing)})"
        )
    print(
        f"{sum(f.disagreement for f in report.result.findings)} disagreements: "
        f"{len(report.explained)} explained, {len(report.unexplained)} unexplained"
    )
    for f in report.unexplained[:50]:
        print(f"  unexplained: {f.provider} {f.model} [{f.dataset} {f.key}] {pair(f)} {dates(f)}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
