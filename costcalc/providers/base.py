"""What a provider module gives the core, and the helpers every provider uses to read payloads.

A provider module turns a response payload into a :class:`Reading` (the Usage, the model, tier
and time it names, and anything billable it could not price), a batch line into a
:class:`BatchResult`, and a request body into a :class:`RequestCount`. The core (pricing,
catalog) never sees a payload; the orchestration (responses, batch, logs) never reads a field.

Never silently low: a usage block is read by a declarative :class:`UsageSpec` that lists every
field it prices and every field known to carry no charge; any other number in the block is an
:class:`Unpriced` entry naming its path, which ``price_response`` refuses (``strict``) or lists.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import Any, Final, TypeGuard

from costcalc._money import EXACT, tidy
from costcalc.errors import UsageParseError
from costcalc.pricing import MAX_TOKENS, Unpriced, Usage

__all__ = [
    "BatchFailure",
    "BatchRequest",
    "BatchResult",
    "CostItem",
    "ExportBucket",
    "ExportPage",
    "FastReading",
    "Part",
    "Reading",
    "RequestCount",
    "UsageSpec",
    "cached_media_bounds",
    "count",
    "details",
    "effort_for_budget",
    "export_groups",
    "export_text",
    "get",
    "is_map",
    "kind",
    "make_usage",
    "money",
    "plain",
    "plain_numbers",
    "read_export_buckets",
    "timestamp",
    "unknown_numbers",
]


# -- what providers return ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """Tokens billed at another model's rates inside one response (the image generation tool)."""

    label: str
    usage: Usage
    model: str


@dataclass(frozen=True)
class Reading:
    """What one response says was consumed, and how it is billed.

    ``creator`` is whose models this payload shape belongs to (an Anthropic-shaped payload that
    names an OpenAI model is an error); ``None`` for the shapes many makers' models are served in
    (OpenAI Chat Completions, a host's own format). ``provider`` is who billed the call when the
    payload shows it (an OpenRouter generation, a Groq ``x_groq`` block, a Bedrock Converse
    response): the model is then priced as that provider sells it. ``alternatives`` are other
    readings of the same payload that the data cannot tell apart (how many cached tokens are
    audio): they must price the same.
    ``unpriced`` lists numbers in the payload that costcalc does not know how to bill.
    """

    usage: Usage
    shape: str
    creator: str | None
    model: str | None = None
    tier: str | None = None
    at: dt.datetime | None = None
    unpriced: tuple[Unpriced, ...] = ()
    parts: tuple[Part, ...] = ()
    alternatives: tuple[Usage, ...] = ()
    #: What the provider itself reported as the cost (OpenRouter's ``usage.cost``, xAI's
    #: ``cost_in_usd_ticks``, Perplexity's ``usage.cost.total_cost``), kept beside costcalc's price.
    reported_cost: Decimal | None = None
    #: Multipliers the payload asks for by name (Anthropic US-only inference: "inference_geo_us").
    surcharges: tuple[str, ...] = ()
    #: Who billed the call, when the payload says so (``"openrouter"``, ``"groq"``, ``"bedrock"``...).
    provider: str | None = None


#: What a provider's ``fast_read`` gives for a plain response (one that bills only text tokens):
#: (shape, model, tier, UTC day as days since 1970-01-01 or None, input, cached input, cache
#: write, output, reasoning), exactly what its full reader would give as a Reading with a simple
#: Usage and nothing else; ``fast_read`` returns None for any other payload, which the full
#: reader then reads.
FastReading = tuple[str, str | None, str | None, int | None, int, int, int, int, int]


@dataclass(frozen=True)
class BatchFailure:
    """A batch request that produced no billable response: failed, errored, expired, canceled."""

    status: str
    reason: str
    error: Any = None


@dataclass(frozen=True)
class BatchResult:
    """One line of a batch results file: its id and either a reading or a failure."""

    custom_id: str | None
    reading: Reading | None
    failure: BatchFailure | None = None


@dataclass(frozen=True)
class RequestCount:
    """A request body as billed before it is sent: prompt tokens, output cap, effort, endpoint.

    ``exact`` is False when the provider publishes no tokenizer: ``input_tokens`` is then the
    :mod:`costcalc.approximation` base count (o200k_base), which the estimate scales by the model
    family's ratio band. ``fixed_tokens`` (part of ``input_tokens``) are already in the provider's
    own units (images by its published rule, the tool-use system prompt) and are not scaled.
    """

    model: str
    input_tokens: int
    output_cap: int | None
    effort: str | None
    endpoint: str
    exact: bool
    #: Requests that bill input only (embeddings, moderation): no output, no reasoning.
    input_only: bool = False
    fixed_tokens: int = 0
    #: Prompt tokens up to the request's last cache breakpoint (part of ``input_tokens``), which
    #: may bill as cache writes (5-minute and 1-hour retention) or as cache reads.
    cache_5m_tokens: int = 0
    cache_1h_tokens: int = 0
    #: How many answers the request asks for (``n``, ``candidateCount``): each bills its output.
    choices: int = 1
    #: Multipliers the request asks for by name (Anthropic US-only inference: "inference_geo_us").
    surcharges: tuple[str, ...] = ()


@dataclass(frozen=True)
class BatchRequest:
    """One line of a batch input file. ``custom_id`` is None for a Gemini inline request with no
    ``metadata.key`` (such requests are known by their position)."""

    custom_id: str | None
    body: Mapping[str, Any]
    endpoint: str
    model: str | None
    extra: Mapping[str, Any] = field(default_factory=dict)


# -- reading any object as plain data ------------------------------------------------------------------


def plain(obj: Any, depth: int = 0) -> Any:
    """Dicts, lists and scalars from ``obj``: a dict, an SDK (pydantic) object or attributes.

    A mapping is returned as it is, without a copy: nested SDK objects in it are converted
    where they are read (:func:`get`). Enums become their values; datetimes and bytes are kept.
    """
    if depth == 0 and is_map(obj):
        return obj
    if depth > 64:
        raise UsageParseError("the payload is nested too deeply")
    if obj is None or isinstance(obj, str | int | float | bool | bytes | dt.date | Decimal):
        return obj.value if isinstance(obj, enum.Enum) else obj
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, Mapping):
        return {str(k): plain(v, depth + 1) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [plain(v, depth + 1) for v in obj]
    dump = getattr(obj, "model_dump", None)
    if callable(dump):
        try:
            dumped = dump(by_alias=False, warnings=False)
        except TypeError:
            dumped = dump()
        except Exception as exc:  # an SDK object that cannot dump itself
            raise UsageParseError(f"{type(obj).__name__}.model_dump() failed: {exc}") from exc
        return plain(dumped, depth + 1)
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        try:
            return plain(to_dict(), depth + 1)
        except Exception as exc:
            raise UsageParseError(f"{type(obj).__name__}.to_dict() failed: {exc}") from exc
    fields = getattr(obj, "__dict__", None)
    if isinstance(fields, dict):
        return {k: plain(v, depth + 1) for k, v in fields.items() if not k.startswith("_")}
    raise UsageParseError(f"cannot read a {type(obj).__name__} as a response")


def is_map(value: Any) -> TypeGuard[Mapping[str, Any]]:
    """``value`` is a mapping (a dict is by far the common case, and the cheapest check)."""
    return type(value) is dict or isinstance(value, Mapping)


def get(value: Any) -> Any:
    """A nested value as plain data: mappings, lists, scalars and None pass as they are."""
    if value is None or type(value) is dict or isinstance(value, Mapping | list | str | int | float | bool):
        return value
    return plain(value, 1)


def kind(value: Any) -> str:
    """A short description of a value for messages: ``null``, ``str '12'``..."""
    return "null" if value is None else f"{type(value).__name__} {value!r}"[:80]


def count(obj: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> int:
    """A token count at ``obj[key]``: a whole number 0..MAX_TOKENS; absent or null is 0 unless
    ``required``. A float with no fraction (``12.0``, as some SDKs write) is taken as that number."""
    value = obj.get(key)
    if type(value) is int and 0 <= value <= MAX_TOKENS:
        return value
    where = f"{path}.{key}" if path else key
    if value is None:
        if required:
            raise UsageParseError("is missing", path=where)
        return 0
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise UsageParseError(f"must be a whole number of tokens, got {kind(value)}", path=where)
    if not 0 <= value <= MAX_TOKENS:
        raise UsageParseError(f"must be between 0 and {MAX_TOKENS}, got {value}", path=where)
    return value


def plain_numbers(
    block: Any, allowed: Mapping[str, frozenset[str] | None], labels: frozenset[str] = frozenset()
) -> TypeGuard[dict[str, Any]]:
    """``block`` is a dict of only ``allowed`` keys, each null or a whole number of tokens
    (``None`` in ``allowed``) or a dict of only the keys listed with it, each null or a whole
    number; ``labels`` are keys whose values the caller checks. The fast readers take a usage
    block only when this holds, so that it holds nothing their full reader would price or refuse."""
    if type(block) is not dict:
        return False
    for key, value in block.items():
        if value is None or key in labels:
            continue
        if key not in allowed:
            return False
        inner = allowed[key]
        if inner is None:
            if type(value) is not int or not 0 <= value <= MAX_TOKENS:
                return False
            continue
        if type(value) is not dict:
            return False
        for k, v in value.items():
            if k not in inner or (v is not None and (type(v) is not int or not 0 <= v <= MAX_TOKENS)):
                return False
    return True


def details(obj: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
    """The object at ``obj[key]`` (``{}`` when absent or null)."""
    value = get(obj.get(key))
    if value is None:
        return {}
    if not is_map(value):
        raise UsageParseError(f"must be an object, got {kind(value)}", path=f"{path}.{key}" if path else key)
    return value


def make_usage(path: str, **fields: Any) -> Usage:
    """A Usage from counts read at ``path``; inconsistent counts are a UsageParseError there."""
    try:
        # Zero counts are the defaults: leaving them out halves the validation work.
        return Usage(**{k: v for k, v in fields.items() if type(v) is not int or v})
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        message = str(exc).splitlines()
        detail = next((line.strip() for line in message[1:] if line.strip()), message[0])
        raise UsageParseError(f"inconsistent token counts: {detail}", path=path or "usage") from exc


def timestamp(value: Any, path: str) -> dt.datetime | None:
    """A creation time: Unix seconds (int or float), an ISO string or a datetime; None if absent.
    Anything else is a UsageParseError naming the field, never "today"."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    if isinstance(value, bool):
        raise UsageParseError(f"is not a time: {kind(value)}", path=path)
    if isinstance(value, int | float):
        if not 0 < value < 32_503_680_000:  # before year 3000
            raise UsageParseError(f"is not a valid Unix time: {value}", path=path)
        return dt.datetime.fromtimestamp(value, dt.UTC)
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        except ValueError:
            raise UsageParseError(f"is not an ISO time: {value!r}", path=path) from None
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)
    raise UsageParseError(f"is not a time: {kind(value)}", path=path)


def money(value: Any, path: str, *, scale: int = 0) -> Decimal:
    """An amount of money a payload reports (a JSON number or a decimal string) as an exact,
    tidy Decimal: a float is read as the text it was parsed from (its shortest repr), never
    widened. ``scale`` shifts the decimal point (``-10``: xAI's ticks of 10^-10 USD)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise UsageParseError(f"must be an amount of money, got {kind(value)}", path=path)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise UsageParseError(f"must be a finite amount of money, got {value!r}", path=path)
        number = Decimal(repr(value))
    else:
        try:
            number = Decimal(value.strip() if isinstance(value, str) else value)
        except ArithmeticError:
            raise UsageParseError(f"must be an amount of money, got {kind(value)}", path=path) from None
        if not number.is_finite():
            raise UsageParseError(f"must be a finite amount of money, got {value!r}", path=path)
    if number < 0:
        raise UsageParseError(f"must not be negative, got {value!r}", path=path)
    return tidy(EXACT.scaleb(number, scale)) if scale else tidy(number)


def cached_media_bounds(
    text_room: int, cached: int, media: Mapping[str, int]
) -> tuple[dict[str, int], dict[str, int]]:
    """The two extreme ways ``cached`` tokens can split over text and media when a payload gives
    media totals but no cached breakdown: text first (only what ``text_room`` cannot hold is
    media), and media first. Each maps a media name to its cached tokens."""
    spill = max(0, cached - max(0, text_room))
    low: dict[str, int] = {}
    high: dict[str, int] = {}
    left_low, left_high = spill, cached
    for name, total in media.items():
        low[name] = min(total, left_low)
        left_low -= low[name]
        high[name] = min(total, left_high)
        left_high -= high[name]
    return low, high


# -- request bodies ------------------------------------------------------------------------------------

#: Thinking budgets as the effort words of the reasoning profiles: up to 2,048 tokens is "low", up
#: to 16,384 "medium", more "high". costcalc's convention (the profiles call low, medium and high
#: "small, moderate and large thinking budgets"); the request's output cap bounds the ceiling.
BUDGET_EFFORTS: tuple[tuple[int, str], ...] = ((2_048, "low"), (16_384, "medium"))


def effort_for_budget(budget: int) -> str:
    """The effort word for a thinking budget of ``budget`` tokens (> 0)."""
    for limit, effort in BUDGET_EFFORTS:
        if budget <= limit:
            return effort
    return "high"


# -- declarative usage blocks --------------------------------------------------------------------------


@dataclass(frozen=True)
class UsageSpec:
    """A usage block as data: ``read`` maps a field path to the name it is read into; ``free``
    lists the fields known to carry no charge of their own (totals, informational splits,
    timings, labels). ``open`` lists paths whose whole subtree is free. ``refused`` names fields
    (or whole subtrees) known to be billable but not priceable, with the reason given when one is
    non-zero. Paths are dotted; ``[]`` stands for every item of a list."""

    read: Mapping[str, str]
    free: frozenset[str] = frozenset()
    open: tuple[str, ...] = ()
    required: frozenset[str] = frozenset()
    refused: Mapping[str, str] = field(default_factory=dict)

    def extended(
        self,
        *,
        read: Mapping[str, str] | None = None,
        free: Iterable[str] = (),
        open: Iterable[str] = (),
        refused: Mapping[str, str] | None = None,
    ) -> UsageSpec:
        """This spec with more fields read, known free, opened or refused (a vendor's extras)."""
        return UsageSpec(
            read={**self.read, **(read or {})},
            free=self.free | frozenset(free),
            open=(*self.open, *open),
            required=self.required,
            refused={**self.refused, **(refused or {})},
        )

    @cached_property
    def _plan(
        self,
    ) -> tuple[tuple[str, tuple[tuple[str, str], ...], tuple[tuple[str, str, bool], ...], bool], ...]:
        # The read fields grouped by parent object, in the order they are declared: the dotted
        # parent, the steps to it (each part and the dotted path before it, for error paths), the
        # (leaf, name, required) of each field, and whether any of them is required.
        groups: dict[str, list[tuple[str, str, bool]]] = {}
        for key, name in self.read.items():
            if "[]" in key:
                continue
            parent, _, leaf = key.rpartition(".")
            groups.setdefault(parent, []).append((leaf, name, key in self.required))
        plan = []
        for parent, leaves in groups.items():
            parts = parent.split(".") if parent else []
            steps = tuple((part, ".".join(parts[:i])) for i, part in enumerate(parts))
            plan.append((parent, steps, tuple(leaves), any(required for _, _, required in leaves)))
        return tuple(plan)

    @cached_property
    def _names(self) -> tuple[str, ...]:
        return tuple(name for _, _, leaves, _ in self._plan for _, name, _ in leaves)

    @cached_property
    def _known(self) -> _Node:
        return _tree(frozenset(self.read) | self.free, tuple(self.open))

    def counts(self, block: Mapping[str, Any], path: str) -> dict[str, int]:
        """Every ``read`` field of ``block`` as a count (absent: 0; a ``required`` one: error)."""
        out: dict[str, int] = dict.fromkeys(self._names, 0)
        for parent, steps, leaves, needed in self._plan:
            obj: Mapping[str, Any] = block
            for part, before in steps:
                inner = obj.get(part)
                # Paths are built only for the careful reader, which names them in its errors.
                obj = inner if type(inner) is dict else details(obj, part, _joined(path, before))
                if not obj:
                    break
            if not obj and not needed:
                continue  # absent: every count is 0
            for leaf, name, required in leaves:
                value = obj.get(leaf)
                if type(value) is int and 0 <= value <= MAX_TOKENS:
                    out[name] += value
                elif value is not None or required:
                    out[name] += count(obj, leaf, _joined(path, parent), required=required)
        return out

    def unknown(self, block: Mapping[str, Any], path: str) -> list[Unpriced]:
        """Numbers in ``block`` that this spec neither reads nor knows to be free."""
        found: list[tuple[str, int | Decimal]] = []
        _walk(block, self._known, "", found)
        out: list[Unpriced] = []
        for where, value in found:
            full = f"{path}.{where}" if path else where
            reason = self._refusal(where)
            out.append(
                Unpriced(
                    full,
                    value,
                    f"the payload reports {value} at {where!r}: {reason}; it is refused rather than left "
                    "out of the price (pass strict=False to price the rest and list it in Cost.unpriced)"
                    if reason
                    else f"the payload reports {value} at {where!r}, a quantity costcalc does not know how "
                    "to bill; it is refused rather than left out of the price (pass strict=False to "
                    "price the rest and list it in Cost.unpriced)",
                )
            )
        return out

    def _refusal(self, where: str) -> str | None:
        pattern = _LIST_INDEX.sub("[]", where)
        for prefix, reason in self.refused.items():
            if pattern == prefix or pattern.startswith((f"{prefix}.", f"{prefix}[")):
                return reason
        return None


_LIST_INDEX: Final = re.compile(r"\[\d+\]")


def _joined(path: str, relative: str) -> str:
    """``relative`` (dotted, may be empty) under ``path`` (may be empty)."""
    return f"{path}.{relative}" if path and relative else relative or path


class _Node:
    """One step of a tree of field patterns: the children by key, the node of a list's items, and
    whether the pattern itself is known (a number is expected there) or open (anything goes)."""

    __slots__ = ("children", "items", "known", "open")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.items: _Node | None = None
        self.known = False
        self.open = False


@lru_cache(maxsize=256)
def _tree(known: frozenset[str], opens: tuple[str, ...]) -> _Node:
    """The patterns of ``known`` and ``opens`` (dotted, ``[]`` for every item of a list) as a tree."""
    root = _Node()

    def node_for(pattern: str) -> _Node:
        node = root
        if not pattern:
            return node
        for segment in pattern.split("."):
            key = segment
            lists = 0
            while key.endswith("[]"):
                key = key[:-2]
                lists += 1
            if key:
                node = node.children.setdefault(key, _Node())
            for _ in range(lists):
                if node.items is None:
                    node.items = _Node()
                node = node.items
        return node

    for pattern in known:
        node_for(pattern).known = True
    for pattern in opens:
        node_for(pattern).open = True
    return root


def _walk(value: Any, node: _Node | None, path: str, out: list[tuple[str, int | Decimal]]) -> None:
    """Append (path, value) for every non-zero number under ``value`` (at ``path``, whose pattern
    is ``node``; None: nothing below is known) that no known pattern covers."""
    if node is not None and node.open:
        return
    if type(value) is not dict:
        value = get(value)
    if type(value) is dict or isinstance(value, Mapping):
        if node is not None and node.known:
            raise UsageParseError(f"must be a number, got {kind(value)}", path=path)
        children = node.children if node is not None else None
        for key, item in value.items():
            name = key if type(key) is str else str(key)
            child = children.get(name) if children else None
            if type(item) is int:  # the common leaf, without building its path
                if item and (child is None or not (child.known or child.open)):
                    out.append((f"{path}.{name}" if path else name, item))
            elif item is not None and type(item) is not str and type(item) is not bool:
                _walk(item, child, f"{path}.{name}" if path else name, out)
    elif isinstance(value, list):
        if node is not None and node.known:
            raise UsageParseError(f"must be a number, got {kind(value)}", path=path)
        child = node.items if node is not None else None
        for i, item in enumerate(value):
            _walk(item, child, f"{path}[{i}]", out)
    elif (
        isinstance(value, int | float | Decimal)
        and not isinstance(value, bool)
        and value
        and (node is None or not node.known)
    ):
        out.append((path, value if isinstance(value, int | Decimal) else _float_decimal(value)))


def unknown_numbers(
    block: Any, known: set[str] | frozenset[str], open_paths: Iterable[str] = ()
) -> Iterator[tuple[str, int | Decimal]]:
    """(path, value) of every non-zero number in ``block`` whose path is not in ``known``."""
    found: list[tuple[str, int | Decimal]] = []
    _walk(block, _tree(frozenset(known), tuple(open_paths)), "", found)
    return iter(found)


def _float_decimal(value: float) -> Decimal:
    # A JSON number parsed as a float: its shortest repr is the text the payload held.
    return Decimal(repr(value))


# -- usage and cost exports ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportBucket:
    """One row of a usage export: what one group (project, API key, model, tier...) consumed in
    one time bucket, read into a :class:`Usage`.

    ``model`` is the model the row names (``None`` when the export is not grouped by model, or
    for tool rows that belong to no model); ``rate_model`` is the model whose catalog rates price
    the row when it names none (tool fees the provider publishes as the same on every model).
    ``tier`` is a costcalc tier, or ``None`` when the export does not say. ``long_context`` is the
    context-window band (``True``: the long band) or ``None`` when the row does not say.
    ``groups`` holds every grouping value of the row (for the overlap check); ``unpriced`` lists
    billable numbers of the row that costcalc cannot price.
    """

    provider: str
    kind: str
    start: dt.datetime
    end: dt.datetime
    position: str
    usage: Usage
    model: str | None = None
    rate_model: str | None = None
    project: str | None = None
    api_key: str | None = None
    tier: str | None = None
    long_context: bool | None = None
    surcharges: tuple[str, ...] = ()
    unpriced: tuple[Unpriced, ...] = ()
    groups: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CostItem:
    """One row of a cost export: an amount the provider charged, in USD.

    ``line`` is the costcalc bill line the row is for (``input``, ``cached_input``,
    ``web_search_call``...); ``None`` with ``label`` ``None`` when the export is not grouped by
    line item, ``None`` with a ``label`` when the provider's line item names nothing costcalc
    prices. ``quantity``/``unit`` are the provider's own count when it gives one.
    """

    provider: str
    start: dt.datetime
    end: dt.datetime
    position: str
    amount: Decimal
    currency: str
    line: str | None = None
    label: str | None = None
    model: str | None = None
    project: str | None = None
    api_key: str | None = None
    tier: str | None = None
    long_context: bool | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    groups: tuple[tuple[str, str], ...] = ()
    #: The amount at list prices, before the organization's discount, when the export gives it.
    list_amount: Decimal | None = None


@dataclass(frozen=True)
class ExportPage:
    """One page of a usage or cost export, read: its rows and the rows that could not be read
    (``errors``: position and reason)."""

    provider: str
    kind: str  # "usage" or "costs"
    buckets: tuple[ExportBucket, ...] = ()
    items: tuple[CostItem, ...] = ()
    errors: tuple[tuple[str, str], ...] = ()


def export_text(result: Mapping[str, Any], key: str, *, flags: bool = False) -> str | None:
    """A grouping label of an export row (``project_id``, ``model``...): None when absent or
    empty; with ``flags``, a true/false flag reads as ``"true"``/``"false"`` (OpenAI's ``batch``)."""
    value = get(result.get(key))
    if value is None or value == "":
        return None
    if flags and isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, str):
        raise UsageParseError(f"must be a string, got {kind(value)}", path=key)
    return value


def export_groups(
    result: Mapping[str, Any], keys: Iterable[str], *, flags: bool = False
) -> tuple[tuple[str, str], ...]:
    """The (key, label) of each of ``keys`` that ``result`` is grouped by (see :func:`export_text`)."""
    return tuple((key, text) for key in keys if (text := export_text(result, key, flags=flags)) is not None)


def read_export_buckets(
    provider: str,
    page_kind: str,
    raw: list[Any],
    position: str,
    *,
    bounds: tuple[str, str],
    time: Callable[[Mapping[str, Any], str], dt.datetime],
    read_result: Callable[[Mapping[str, Any], dt.datetime, dt.datetime, str], ExportBucket | CostItem],
    results: tuple[str, ...] = ("results",),
) -> ExportPage:
    """The time buckets of an export page, read: each bucket's ``bounds`` (start and end keys,
    read by ``time``) and each of its results, read by ``read_result`` into a usage bucket or a
    cost item. A bucket or result that cannot be read is an error of the page (its position and
    why); the others are kept. A page of no rows (``page_kind`` "empty") takes the kind of what it
    holds."""
    start_key, end_key = bounds
    buckets: list[ExportBucket] = []
    items: list[CostItem] = []
    errors: list[tuple[str, str]] = []
    for b, bucket in enumerate(raw, 1):
        where = f"{position}, bucket {b}"
        bucket = get(bucket)
        try:
            if not is_map(bucket):
                raise UsageParseError(f"must be an object, got {kind(bucket)}")
            start = time(bucket, start_key)
            end = time(bucket, end_key)
            if end <= start:
                raise UsageParseError(f"{end_key} {end.isoformat()} is not after {start_key}", path="bucket")
            found = get(next((bucket[k] for k in results if k in bucket), None))
            if not isinstance(found, list):
                raise UsageParseError(f"must be a list, got {kind(found)}", path="bucket.results")
        except UsageParseError as exc:
            errors.append((where, str(exc)))
            continue
        for r, result in enumerate(found, 1):
            at = f"{where}, result {r}"
            try:
                result = get(result)
                if not is_map(result):
                    raise UsageParseError(f"must be an object, got {kind(result)}")
                row = read_result(result, start, end, at)
            except UsageParseError as exc:
                errors.append((at, str(exc)))
                continue
            if isinstance(row, CostItem):
                items.append(row)
            else:
                buckets.append(row)
    if page_kind == "empty":
        page_kind = "usage" if buckets else "costs" if items else "empty"
    return ExportPage(provider, page_kind, tuple(buckets), tuple(items), tuple(errors))


#: The reader each provider registers for a shape.
ReadFn = Callable[[Any], Reading]
