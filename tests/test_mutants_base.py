"""The payload-reading helpers every provider uses, pinned value by value.

Written against the mutants that survived the first mutation run (docs/testing.md, "Mutation
testing"): each refusal's type, path and message, and each boundary, worked out by hand.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import pytest
from pydantic import BaseModel, Field

from costcalc.errors import UsageParseError
from costcalc.pricing import MAX_TOKENS, Unpriced, Usage
from costcalc.providers.base import (
    UsageSpec,
    cached_media_bounds,
    count,
    details,
    effort_for_budget,
    get,
    is_map,
    kind,
    make_usage,
    money,
    plain,
    timestamp,
    unknown_numbers,
)

D = Decimal
UTC = dt.UTC


def parse_error(call: Any) -> tuple[str, str]:
    with pytest.raises(UsageParseError) as info:
        call()
    return info.value.path, str(info.value)


class Color(enum.Enum):
    RED = "red"


class Model(BaseModel):
    tokens: int
    color: Color


@dataclass
class Attrs:
    tokens: int
    _hidden: int = 5


class Dumps:
    def to_dict(self) -> dict[str, Any]:
        return {"tokens": 3}


class BadDump:
    def model_dump(self, **kwargs: Any) -> Any:
        raise RuntimeError("boom")


class OldDump:
    """A model_dump without keyword arguments (an older SDK): called bare."""

    def model_dump(self) -> Any:
        return {"tokens": 4}


class BadToDict:
    def to_dict(self) -> Any:
        raise RuntimeError("bang")


def test_plain_reads_every_kind_of_object() -> None:
    payload = {"a": 1}
    assert plain(payload) is payload  # a mapping at the top is returned as it is
    assert plain(Model(tokens=2, color=Color.RED)) == {"tokens": 2, "color": "red"}
    assert plain(Attrs(tokens=7)) == {"tokens": 7}  # private attributes left out
    assert plain(Dumps()) == {"tokens": 3}
    assert plain(OldDump()) == {"tokens": 4}
    assert plain([Color.RED, (1, 2.5), None, b"x"]) == ["red", [1, 2.5], None, b"x"]
    assert plain({"k": Attrs(tokens=1)}, 1) == {"k": {"tokens": 1}}
    assert plain({1: "a"}, 1) == {"1": "a"}  # keys become strings below the top
    day = dt.date(2026, 1, 2)
    assert plain(day) is day
    assert plain(D("1.5")) == D("1.5")
    assert parse_error(lambda: plain(BadDump())) == ("", "BadDump.model_dump() failed: boom")
    assert parse_error(lambda: plain(BadToDict())) == ("", "BadToDict.to_dict() failed: bang")
    assert parse_error(lambda: plain(object())) == ("", "cannot read a object as a response")


def test_plain_depth_limit_is_64() -> None:
    def nested(depth: int) -> list[Any]:
        value: list[Any] = []
        for _ in range(depth):
            value = [value]
        return value

    plain(nested(63), 1)  # the innermost list is read at depth 64: allowed
    assert parse_error(lambda: plain(nested(64), 1)) == ("", "the payload is nested too deeply")


def test_get_and_is_map_and_kind() -> None:
    payload: dict[str, Any] = {"x": 1}
    assert get(payload) is payload
    assert get(None) is None
    assert get("s") == "s"
    assert get(Attrs(tokens=2)) == {"tokens": 2}
    assert is_map({})
    assert not is_map([])
    assert kind(None) == "null"
    assert kind("12") == "str '12'"
    assert kind(1.5) == "float 1.5"
    assert kind("x" * 100) == "str '" + "x" * 75  # cut at 80 characters


def test_count_accepts_whole_numbers_in_range() -> None:
    block = {"n": 12, "f": 12.0, "top": MAX_TOKENS, "zero": 0, "null": None}
    assert count(block, "n", "usage") == 12
    assert count(block, "f", "usage") == 12  # a float with no fraction is that number
    assert count(block, "top", "usage") == MAX_TOKENS
    assert count(block, "zero", "usage", required=True) == 0
    assert count(block, "absent", "usage") == 0
    assert count(block, "null", "usage") == 0


@pytest.mark.parametrize(
    ("value", "path", "message"),
    [
        (True, "usage.n", "usage.n: must be a whole number of tokens, got bool True"),
        (1.5, "usage.n", "usage.n: must be a whole number of tokens, got float 1.5"),
        ("12", "usage.n", "usage.n: must be a whole number of tokens, got str '12'"),
        (-1, "usage.n", "usage.n: must be between 0 and 1000000000000000, got -1"),
        (-1.0, "usage.n", "usage.n: must be between 0 and 1000000000000000, got -1"),
        (
            MAX_TOKENS + 1,
            "usage.n",
            "usage.n: must be between 0 and 1000000000000000, got 1000000000000001",
        ),
    ],
)
def test_count_refusals_name_the_field(value: Any, path: str, message: str) -> None:
    assert parse_error(lambda: count({"n": value}, "n", "usage")) == (path, message)


def test_count_without_a_path_and_required_fields() -> None:
    assert parse_error(lambda: count({"n": -1}, "n", "")) == (
        "n",
        "n: must be between 0 and 1000000000000000, got -1",
    )
    assert parse_error(lambda: count({}, "n", "usage", required=True)) == ("usage.n", "usage.n: is missing")
    assert parse_error(lambda: count({"n": None}, "n", "", required=True)) == ("n", "n: is missing")


def test_details() -> None:
    assert details({"d": {"a": 1}}, "d", "usage") == {"a": 1}
    assert details({}, "d", "usage") == {}
    assert details({"d": None}, "d", "usage") == {}
    assert parse_error(lambda: details({"d": 3}, "d", "usage")) == (
        "usage.d",
        "usage.d: must be an object, got int 3",
    )
    assert parse_error(lambda: details({"d": [1]}, "d", "")) == ("d", "d: must be an object, got list [1]")


def test_make_usage_names_the_first_inconsistency() -> None:
    assert make_usage("usage", input_tokens=3) == Usage(input_tokens=3)
    path, message = parse_error(
        lambda: make_usage("response.usage", input_tokens=1, output_tokens=5, reasoning_tokens=9)
    )
    assert path == "response.usage"
    # pydantic's own first error line, from "Value error," (its input echo is pydantic's business).
    assert message.startswith(
        "response.usage: inconsistent token counts: Value error, reasoning_tokens (9) exceed "
        "output_tokens (5): output_tokens includes reasoning"
    )
    assert parse_error(lambda: make_usage("", input_tokens=-1))[0] == "usage"


def test_timestamp_reads_unix_seconds_iso_text_and_datetimes() -> None:
    assert timestamp(None, "created") is None
    assert timestamp(86_400, "created") == dt.datetime(1970, 1, 2, tzinfo=UTC)  # one day after the epoch
    assert timestamp(1.5, "created") == dt.datetime(1970, 1, 1, 0, 0, 1, 500_000, tzinfo=UTC)
    assert timestamp(32_503_679_999, "created") == dt.datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert timestamp("2026-03-04T05:06:07Z", "created") == dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert timestamp(" 2026-03-04T05:06:07 ", "created") == dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    plus_two = dt.timezone(dt.timedelta(hours=2))
    assert timestamp("2026-03-04T05:06:07+02:00", "created") == dt.datetime(
        2026, 3, 4, 5, 6, 7, tzinfo=plus_two
    )
    naive = dt.datetime(2026, 1, 1, 12)
    assert timestamp(naive, "created") == dt.datetime(2026, 1, 1, 12, tzinfo=UTC)
    aware = dt.datetime(2026, 1, 1, 12, tzinfo=plus_two)
    assert timestamp(aware, "created") is aware


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "created: is not a time: bool True"),
        (0, "created: is not a valid Unix time: 0"),
        (-5, "created: is not a valid Unix time: -5"),
        (32_503_680_000, "created: is not a valid Unix time: 32503680000"),
        ("yesterday", "created: is not an ISO time: 'yesterday'"),
        ([2026], "created: is not a time: list [2026]"),
    ],
)
def test_timestamp_refusals_name_the_field(value: Any, message: str) -> None:
    assert parse_error(lambda: timestamp(value, "created")) == ("created", message)


def test_money_reads_amounts_exactly() -> None:
    assert money(0.1, "cost") == D("0.1")  # the float's shortest repr, not its binary value
    assert money("0.0120", "cost") == D("0.012")
    assert str(money("0.0120", "cost")) == "0.012"  # tidy
    assert money(" 2 ", "cost") == D(2)
    assert money(5, "cost") == D(5)
    assert money(0, "cost") == D(0)
    assert money(D("1.50"), "cost") == D("1.5")
    # xAI's ticks of 1E-10 USD: 123456789 ticks = $0.0123456789.
    assert money(123_456_789, "cost", scale=-10) == D("0.0123456789")
    assert str(money(1_000_000, "cost", scale=-10)) == "0.0001"  # tidy after scaling too


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "cost: must be an amount of money, got bool True"),
        (None, "cost: must be an amount of money, got null"),
        ("abc", "cost: must be an amount of money, got str 'abc'"),
        (float("nan"), "cost: must be a finite amount of money, got nan"),
        (float("inf"), "cost: must be a finite amount of money, got inf"),
        (float("-inf"), "cost: must be a finite amount of money, got -inf"),
        ("Infinity", "cost: must be a finite amount of money, got 'Infinity'"),
        (-0.5, "cost: must not be negative, got -0.5"),
        ("-1", "cost: must not be negative, got '-1'"),
    ],
)
def test_money_refusals_name_the_field(value: Any, message: str) -> None:
    assert parse_error(lambda: money(value, "cost")) == ("cost", message)


def test_cached_media_bounds() -> None:
    # 100 cached tokens, room for 70 of text: at least 30 are media (audio first), at most 100.
    low, high = cached_media_bounds(70, 100, {"audio": 20, "image": 50})
    assert low == {"audio": 20, "image": 10}
    assert high == {"audio": 20, "image": 50}
    # Text room larger than the cache: no media is forced.
    assert cached_media_bounds(200, 100, {"audio": 80}) == ({"audio": 0}, {"audio": 80})
    # Negative room counts as none: all 10 cached tokens may be media.
    assert cached_media_bounds(-5, 10, {"audio": 40}) == ({"audio": 10}, {"audio": 10})


@pytest.mark.parametrize(
    ("budget", "effort"),
    [(1, "low"), (2_048, "low"), (2_049, "medium"), (16_384, "medium"), (16_385, "high")],
)
def test_effort_for_budget_boundaries(budget: int, effort: str) -> None:
    assert effort_for_budget(budget) == effort


SPEC = UsageSpec(
    read={"in": "input_tokens", "d.cached": "cached_input_tokens", "d.more": "cached_input_tokens"},
    free=frozenset({"total"}),
    open=("timings",),
    required=frozenset({"in"}),
    refused={"tools": "tool calls are billed per call", "media": "media is billed apart"},
)


def test_usage_spec_counts_nested_fields_and_adds_fields_read_into_one_name() -> None:
    block = {"in": 10, "d": {"cached": 3, "more": 2}}
    assert SPEC.counts(block, "usage") == {"input_tokens": 10, "cached_input_tokens": 5}
    assert parse_error(lambda: SPEC.counts({}, "usage")) == ("usage.in", "usage.in: is missing")
    assert parse_error(lambda: SPEC.counts({"in": 1, "d": {"cached": "x"}}, "usage")) == (
        "usage.d.cached",
        "usage.d.cached: must be a whole number of tokens, got str 'x'",
    )
    assert parse_error(lambda: SPEC.counts({"in": 1, "d": {"cached": -1}}, "")) == (
        "d.cached",
        "d.cached: must be between 0 and 1000000000000000, got -1",
    )
    # Paths through lists are read by the provider, not by counts().
    listed = UsageSpec(read={"items[].n": "input_tokens", "n": "output_tokens"})
    assert listed.counts({"items": [{"n": 5}], "n": 2}, "usage") == {"output_tokens": 2}


def test_usage_spec_unknown_lists_every_number_it_does_not_know() -> None:
    block = {
        "in": 10,
        "total": 99,
        "timings": {"ms": 5},
        "zero": 0,
        "flag": True,
        "odd": 7,
        "rate": 0.25,
        "tools": [{"calls": 2}],
        "media": 4,
        "mediaX": 1,
    }
    found = SPEC.unknown(block, "usage")
    unknown = (
        "a quantity costcalc does not know how to bill; it is refused rather than left out of the "
        "price (pass strict=False to price the rest and list it in Cost.unpriced)"
    )
    refused = (
        "it is refused rather than left out of the price (pass strict=False to price the rest and "
        "list it in Cost.unpriced)"
    )
    assert found == [
        Unpriced("usage.odd", 7, f"the payload reports 7 at 'odd', {unknown}"),
        Unpriced("usage.rate", D("0.25"), f"the payload reports 0.25 at 'rate', {unknown}"),
        Unpriced(
            "usage.tools[0].calls",
            2,
            f"the payload reports 2 at 'tools[0].calls': tool calls are billed per call; {refused}",
        ),
        Unpriced("usage.media", 4, f"the payload reports 4 at 'media': media is billed apart; {refused}"),
        Unpriced("usage.mediaX", 1, f"the payload reports 1 at 'mediaX', {unknown}"),
    ]
    assert SPEC.unknown({"in": 1, "odd": 2}, "")[0].field == "odd"


def test_unknown_numbers_refuses_an_object_where_a_known_number_belongs() -> None:
    assert parse_error(lambda: list(unknown_numbers({"in": {"x": 1}}, {"in"}))) == (
        "in",
        "in: must be a number, got dict {'x': 1}",
    )
    assert parse_error(lambda: list(unknown_numbers({"a": [{"in": [1]}]}, {"a[].in"}))) == (
        "a[0].in",
        "a[0].in: must be a number, got list [1]",
    )
    assert list(unknown_numbers({"a": {"b": [0, 3, D("1.5")]}}, set())) == [
        ("a.b[1]", 3),
        ("a.b[2]", D("1.5")),
    ]
    assert list(unknown_numbers({"a": {"b": 1}, "c": 2}, set(), ["a"])) == [("c", 2)]
    assert list(unknown_numbers([4], set())) == [("[0]", 4)]


def test_usage_spec_extended_keeps_and_adds() -> None:
    more = SPEC.extended(
        read={"out": "output_tokens"}, free={"latency"}, open=["debug"], refused={"x": "x is billed apart"}
    )
    assert more == UsageSpec(
        read={**SPEC.read, "out": "output_tokens"},
        free=frozenset({"total", "latency"}),
        open=("timings", "debug"),
        required=frozenset({"in"}),
        refused={**SPEC.refused, "x": "x is billed apart"},
    )
    assert SPEC.extended() == SPEC


class Node(BaseModel):
    child: Node | None = None


class Aliased(BaseModel):
    input_tokens: int = Field(alias="inputTokens")


class StrColor(enum.StrEnum):
    BLUE = "blue"


class Wraps:
    """An object read through its attributes (``__dict__``)."""

    def __init__(self, child: Any) -> None:
        self.child = child


class NestedToDict:
    def __init__(self, levels: int) -> None:
        self.levels = levels

    def to_dict(self) -> dict[str, Any]:
        value: dict[str, Any] = {"leaf": None}
        for _ in range(self.levels - 1):
            value = {"child": value}
        return value


def chain(make: Any, count: int) -> Any:
    value: Any = None
    for _ in range(count):
        value = make(value)
    return value


def nested_dict(levels: int) -> dict[str, Any]:
    return chain(lambda inner: {"child": inner}, levels)


def test_every_path_of_plain_counts_its_depth() -> None:
    # plain(x, 1): each container is one level deeper; a value deeper than 64 is refused.
    # Dicts: n nested dicts put the innermost value (None) at depth n + 1.
    plain(nested_dict(63), 1)
    assert parse_error(lambda: plain(nested_dict(64), 1))[1] == "the payload is nested too deeply"
    # Attribute objects: the same, one level per object.
    plain(chain(Wraps, 63), 1)
    assert parse_error(lambda: plain(chain(Wraps, 64), 1))[1] == "the payload is nested too deeply"
    assert get(chain(Wraps, 63)) == plain(chain(Wraps, 63), 1)
    assert parse_error(lambda: get(chain(Wraps, 64)))[1] == "the payload is nested too deeply"
    # A pydantic object is one level, and its dump one more: n nodes put the last None at n + 2.
    plain(chain(lambda inner: Node(child=inner), 62), 1)
    with pytest.raises(UsageParseError, match="nested too deeply"):
        plain(chain(lambda inner: Node(child=inner), 63), 1)
    # to_dict() the same: an n-level dict from one object puts its leaf at n + 2.
    plain(NestedToDict(62), 1)
    with pytest.raises(UsageParseError, match="nested too deeply"):
        plain(NestedToDict(63), 1)


def test_plain_dumps_by_field_name_without_serializer_warnings() -> None:
    assert plain(Aliased(inputTokens=3)) == {"input_tokens": 3}
    # A model built without validation holds a str where an int is declared: dumped as it is, quietly.
    loose = Model.model_construct(tokens="12", color=Color.RED)
    assert plain(loose) == {"tokens": "12", "color": "red"}
    value = plain(StrColor.BLUE, 1)
    assert (value, type(value)) == ("blue", str)  # a str enum becomes its plain value


def test_get_passes_plain_data_through_as_it_is() -> None:
    items = [Attrs(tokens=1)]
    assert get(items) is items  # lists are converted where they are read
    proxy = MappingProxyType({"a": 1})
    assert get(proxy) is proxy
    assert is_map(proxy)
    assert not is_map(None)


def test_whole_floats_at_the_bounds_are_counts() -> None:
    assert count({"n": 0.0}, "n", "usage") == 0
    assert count({"n": 1e15}, "n", "usage") == MAX_TOKENS  # 10**15, exact as a float


def test_timestamps_just_after_the_epoch() -> None:
    assert timestamp(1, "created") == dt.datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC)
    assert timestamp(0.5, "created") == dt.datetime(1970, 1, 1, 0, 0, 0, 500_000, tzinfo=UTC)


def test_cached_media_bounds_spend_the_cache_once() -> None:
    # 30 cached tokens, all of which may be media: audio takes 20 at most, image the other 10.
    assert cached_media_bounds(0, 30, {"audio": 20, "image": 50}) == (
        {"audio": 20, "image": 10},
        {"audio": 20, "image": 10},
    )
    # With room for 25 text tokens only 5 must be media.
    assert cached_media_bounds(25, 30, {"audio": 20, "image": 50}) == (
        {"audio": 5, "image": 0},
        {"audio": 20, "image": 10},
    )


def test_unknown_floats_are_reported_as_the_decimal_written() -> None:
    [(path, value)] = list(unknown_numbers({"x": 0.1}, set()))
    assert path == "x"
    assert type(value) is Decimal
    assert value == D("0.1")


# -- the one-pass usage walk (the compiled pattern tree) --------------------------------------------

NESTED = UsageSpec(
    read={
        "prompt_tokens": "input",
        "prompt_tokens_details.cached_tokens": "cached",
        "prompt_tokens_details.cached_tokens_details.audio_tokens": "cached_audio",
    },
    free=frozenset({"total_tokens"}),
)


@pytest.mark.parametrize(
    ("path", "where"),
    [
        ("usage", "usage.prompt_tokens_details.cached_tokens_details"),
        ("", "prompt_tokens_details.cached_tokens_details"),  # a bare usage block
    ],
)
def test_a_nested_object_that_is_not_one_is_named_by_its_whole_path(path: str, where: str) -> None:
    block = {"prompt_tokens": 10, "prompt_tokens_details": {"cached_tokens": 4, "cached_tokens_details": "x"}}
    with pytest.raises(UsageParseError, match=r"must be an object, got str 'x'") as info:
        NESTED.counts(block, path)
    assert info.value.path == where


def test_counts_read_whole_floats_through_the_careful_path() -> None:
    # 12.0 and 4.0 are whole numbers an SDK may write as floats: counted as 12 and 4, not skipped
    # or subtracted; a missing nested count is 0.
    block = {"prompt_tokens": 12.0, "prompt_tokens_details": {"cached_tokens": 4.0}}
    assert NESTED.counts(block, "usage") == {"input": 12, "cached": 4, "cached_audio": 0}
    assert NESTED.counts({"prompt_tokens": MAX_TOKENS}, "usage")["input"] == MAX_TOKENS


def test_unknown_numbers_inside_sdk_objects_and_other_mappings_are_found() -> None:
    class Extra(BaseModel):
        surcharge_units: int = 0

    block: dict[Any, Any] = {
        "prompt_tokens": 10,
        "total_tokens": 10,
        "extra": Extra(surcharge_units=3),  # an SDK object inside a dict: read as its fields
        "more": MappingProxyType({"tokens": 2}),  # a read-only mapping: walked like a dict
        7: 5,  # a key that is not a string: named by its text
    }
    found = [(u.field, u.quantity) for u in NESTED.unknown(block, "usage")]
    assert found == [("usage.extra.surcharge_units", 3), ("usage.more.tokens", 2), ("usage.7", 5)]
    proxy = MappingProxyType({"prompt_tokens": 10, "bonus": {"n": 1}})
    assert [(u.field, u.quantity) for u in NESTED.unknown(proxy, "")] == [("bonus.n", 1)]


def test_the_pattern_tree_knows_list_items_and_open_subtrees() -> None:
    spec = UsageSpec(
        read={"a": "input", "items[].n": "output"},
        free=frozenset({"b.c"}),
        open=("meta",),
    )
    block = {
        "a": 1,
        "b": {"c": 2, "d": 3},
        "items": [{"n": 4}, {"n": 5, "m": 6}],
        "meta": {"anything": 7, "deep": [8]},
        "grid": [[9]],
    }
    found = [(u.field, u.quantity) for u in spec.unknown(block, "usage")]
    assert found == [("usage.b.d", 3), ("usage.items[1].m", 6), ("usage.grid[0][0]", 9)]
    with pytest.raises(UsageParseError, match="must be a number") as info:
        spec.unknown({"a": [1]}, "usage")
    assert info.value.path == "a"


# -- the fast readers' allowlist -----------------------------------------------------------------------

ALLOWED: dict[str, frozenset[str] | None] = {
    "prompt_tokens": None,
    "prompt_tokens_details": frozenset({"cached_tokens"}),
}


@pytest.mark.parametrize(
    ("block", "plain"),
    [
        ({"prompt_tokens": 10, "prompt_tokens_details": {"cached_tokens": 4}}, True),
        ({"prompt_tokens": 0, "prompt_tokens_details": {"cached_tokens": None}}, True),
        ({"prompt_tokens": None, "model": "gpt-4o"}, True),  # null values and labels pass
        ({"prompt_tokens": MAX_TOKENS}, True),
        ({"prompt_tokens": MAX_TOKENS + 1}, False),
        ({"prompt_tokens": -1}, False),
        ({"prompt_tokens": 10.0}, False),  # a float goes to the careful reader
        ({"prompt_tokens": True}, False),
        ({"prompt_tokens": "10"}, False),
        ({"other_tokens": 1}, False),  # a key not on the list
        ({"prompt_tokens_details": {"audio_tokens": 1}}, False),
        ({"prompt_tokens_details": {"cached_tokens": MAX_TOKENS + 1}}, False),
        ({"prompt_tokens_details": {"cached_tokens": -1}}, False),
        ({"prompt_tokens_details": {"cached_tokens": 1.0}}, False),
        ({"prompt_tokens_details": 5}, False),  # not an object where one is listed
        ({"prompt_tokens_details": MappingProxyType({"cached_tokens": 1})}, False),
        (MappingProxyType({"prompt_tokens": 1}), False),  # only plain dicts, as orjson parses
        ([("prompt_tokens", 1)], False),
    ],
)
def test_plain_numbers_takes_only_listed_whole_counts(block: Any, plain: bool) -> None:
    from costcalc.providers.base import plain_numbers

    assert plain_numbers(block, ALLOWED, frozenset({"model"})) is plain
