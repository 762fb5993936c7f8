"""Hostile input to the token counters: typed errors that name the bad field, never a builtin one."""

from __future__ import annotations

import ast
import decimal
import os
import re
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import costcalc as cc
from costcalc.errors import CostcalcError, InvalidInputError, InvalidRequestError
from costcalc.tokens import vocab
from costcalc.tokens.images import image_tokens_for_spec
from tests.test_chat import data_url, png

USER = [{"role": "user", "content": "What's the weather like in Paris?"}]


def chat_tool(properties: Any) -> list[dict[str, Any]]:
    """A Chat Completions tool list whose one function has ``properties``."""
    return [
        {
            "type": "function",
            "function": {"name": "get_weather", "parameters": {"type": "object", "properties": properties}},
        }
    ]


def responses_tool(properties: Any) -> list[dict[str, Any]]:
    """The same tool in the Responses API's flat shape."""
    return [
        {
            "type": "function",
            "name": "get_weather",
            "parameters": {"type": "object", "properties": properties},
        }
    ]


@pytest.mark.parametrize(
    ("tools", "field"),
    [
        # enum=5 used to iterate an int (TypeError), type=[1, 2] to join ints (TypeError).
        (
            chat_tool({"city": {"type": "string", "enum": 5}}),
            "tools[0].function.parameters.properties.city.enum",
        ),
        (chat_tool({"city": {"type": [1, 2]}}), "tools[0].function.parameters.properties.city.type[0]"),
        (chat_tool({"city": {"type": 7}}), "tools[0].function.parameters.properties.city.type"),
        (
            chat_tool({"city": {"enum": ["a", {"b": 1}]}}),
            "tools[0].function.parameters.properties.city.enum[1]",
        ),
        (chat_tool({"city": {"enum": [10**5000]}}), "tools[0].function.parameters.properties.city.enum[0]"),
        (chat_tool({"city": {"description": 3}}), "tools[0].function.parameters.properties.city.description"),
        (chat_tool({"city": "string"}), "tools[0].function.parameters.properties.city"),
        (chat_tool({1: {"type": "string"}}), "tools[0].function.parameters.properties"),
        # properties that are not a dict used to raise AttributeError ('list' has no 'items').
        (chat_tool(["city"]), "tools[0].function.parameters.properties"),
        (chat_tool("city"), "tools[0].function.parameters.properties"),
        (responses_tool(["city"]), "tools[0].parameters.properties"),
        (responses_tool(3), "tools[0].parameters.properties"),
        ([{"type": "function", "name": "f", "parameters": "object"}], "tools[0].parameters"),
        ([{"type": "function", "name": "f", "description": ["x"]}], "tools[0].description"),
        ([{"type": "function", "function": "get_weather"}], "tools[0].function"),
        ([{"type": "function", "function": {"name": 5}}], "tools[0].function.name"),
        (["get_weather"], "tools[0]"),
        ({"type": "function", "name": "f"}, "tools"),
        ("get_weather", "tools"),
    ],
)
def test_bad_tool_definitions_name_the_field(tools: Any, field: str) -> None:
    with pytest.raises(InvalidRequestError) as info:
        cc.count_messages(USER, "gpt-4o", tools=tools)
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")


def test_a_bad_tool_is_one_bad_line_not_an_aborted_batch() -> None:
    def line(n: int, properties: Any) -> dict[str, Any]:
        body = {"model": "gpt-4o", "messages": USER, "tools": chat_tool(properties)}
        return {"custom_id": f"r{n}", "method": "POST", "url": "/v1/chat/completions", "body": body}

    good = {"city": {"type": "string"}}
    estimate = cc.estimate_batch([line(1, good), line(2, ["city"]), line(3, good)], output_tokens=10)
    assert estimate.requests == 2
    assert [(e.line, e.custom_id) for e in estimate.errors] == [(2, "r2")]
    assert "tools[0].function.parameters.properties" in estimate.errors[0].reason


def test_json_schema_boolean_property_schemas_still_count() -> None:
    # `true` is a valid JSON Schema ("anything"): no type, enum or description, so the property
    # costs prop_key + tokens("city::"), as before.
    with_true = cc.count_messages(USER, "gpt-4o", tools=chat_tool({"city": True}))
    with_empty = cc.count_messages(USER, "gpt-4o", tools=chat_tool({"city": {}}))
    assert with_true == with_empty


IMAGE_AT = "https://example.com/cat.png"
IMAGE_MESSAGE = [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": IMAGE_AT}}]}]


@pytest.mark.parametrize(
    "size",
    [
        (512,),  # used to raise IndexError
        (1, 2, 3),  # used to be counted as 1 x 2, the extra value dropped
        ("512", "512"),
        (512.0, 512.0),
        (True, 512),  # a bool is not a pixel count
        (0, 512),
        (-1, 512),
        512,  # used to raise TypeError (not subscriptable)
        "512x512",
        {"width": 512, "height": 512},
    ],
)
def test_bad_image_sizes_name_the_url(size: Any) -> None:
    with pytest.raises(InvalidInputError) as info:
        cc.count_messages(IMAGE_MESSAGE, "gpt-4o", image_sizes={IMAGE_AT: size})
    assert info.value.field == f"image_sizes[{IMAGE_AT!r}]"
    assert "messages[0].content[0]" in str(info.value)  # and the part that needed it
    with pytest.raises(InvalidInputError) as info:
        cc.count_messages(IMAGE_MESSAGE, "o4-mini", image_sizes=lambda url: size)
    assert info.value.field == f"image_sizes({IMAGE_AT!r})"


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"instructions": ["Be brief."]}, InvalidRequestError, "instructions"),  # used to raise TypeError
        ({"instructions": 0}, InvalidRequestError, "instructions"),
        ({"image_sizes": 5}, InvalidInputError, "image_sizes"),
        ({"image_sizes": [(IMAGE_AT, (1, 1))]}, InvalidInputError, "image_sizes"),
        ({"tools": 0}, InvalidRequestError, "tools"),  # used to be ignored as "no tools"
    ],
)
def test_bad_arguments_name_the_argument(kwargs: dict[str, Any], error: type[Exception], field: str) -> None:
    with pytest.raises(error) as info:
        cc.count_messages(USER, "gpt-4o", **kwargs)
    assert getattr(info.value, "field", None) == field


def test_an_empty_message_list_is_refused() -> None:
    # The API rejects a request without messages; it used to be counted as 3 tokens.
    with pytest.raises(InvalidRequestError, match="at least one message") as info:
        cc.count_messages([], "gpt-4o")
    assert info.value.field == "messages"
    with pytest.raises(InvalidRequestError):
        cc.count_messages((), "gpt-5-mini", instructions="Be brief.")


@pytest.mark.parametrize(
    ("messages", "field"),
    [
        (b"hello", "messages"),
        ([{"role": "user", "content": {"type": "text", "text": "hi"}}], "messages[0].content"),
        ([{"role": "user", "content": b"hi"}], "messages[0].content"),
        ([{"role": "user", "content": [5]}], "messages[0].content[0]"),
        ([{"role": "user", "content": [{"type": "text", "text": ["hi"]}]}], "messages[0].content[0].text"),
        (
            [{"role": "assistant", "content": [{"type": "refusal", "refusal": 3}]}],
            "messages[0].content[0].refusal",
        ),
        ([{"role": "assistant", "content": [{"type": "refusal"}]}], "messages[0].content[0].refusal"),
        (
            [
                {
                    "role": "user",
                    "content": [{"type": "image_url", "image_url": {"url": IMAGE_AT, "detail": "max"}}],
                }
            ],
            "messages[0].content[0].image_url.detail",
        ),
        (
            [
                {
                    "role": "user",
                    "content": [{"type": "image_url", "image_url": {"url": IMAGE_AT, "detail": []}}],
                }
            ],
            "messages[0].content[0].image_url.detail",
        ),
        (
            [{"role": "user", "content": [{"type": "input_image", "image_url": IMAGE_AT, "detail": 1}]}],
            "messages[0].content[0].detail",
        ),
        (
            [{"role": "user", "content": [{"type": "input_image", "image_url": 5}]}],
            "messages[0].content[0].image_url",
        ),
        ([{"role": "user", "content": [{"type": ["text"]}]}], "messages[0].content[0].type"),
        ([{"role": "assistant", "tool_calls": "get_weather"}], "messages[0].tool_calls"),
        ([{"role": "assistant", "tool_calls": ["get_weather"]}], "messages[0].tool_calls[0]"),
        ([{"role": "assistant", "tool_calls": [{"function": 5}]}], "messages[0].tool_calls[0].function"),
        (
            [{"role": "assistant", "function_call": {"name": None, "arguments": "{}"}}],
            "messages[0].function_call.name",
        ),
        ([{"type": "function_call", "name": "f", "arguments": {}}], "messages[0].arguments"),
        ([{"type": "function_call_output", "output": 42}], "messages[0].output"),
        ([{"role": "user", "content": "hi"}, {"role": ["user"]}], "messages[1].role"),
    ],
)
def test_bad_messages_name_the_field(messages: Any, field: str) -> None:
    with pytest.raises(InvalidRequestError) as info:
        cc.count_messages(messages, "gpt-4o", image_sizes={IMAGE_AT: (512, 512)})
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: cc.count_tokens(None, "gpt-4o"), "text"),
        (lambda: cc.count_tokens("hi", ["gpt-4o"]), "model"),  # was TypeError: unhashable type
        (lambda: cc.count_tokens("hi", 4), "model"),
        (lambda: cc.count_tokens("hi", "gpt-4o", catalog="openai"), "catalog"),  # was AttributeError
        (lambda: cc.count_tokens_many(["a", "b"], "gpt-4o", num_threads="2"), "num_threads"),  # was TypeError
        (lambda: cc.count_tokens_many(["a", "b"], "gpt-4o", num_threads=2.5), "num_threads"),
        (lambda: cc.count_tokens_many(["a", "b"], "gpt-4o", processes=True), "processes"),
        (lambda: cc.count_tokens_many(["a"], None), "model"),
        (lambda: cc.count_messages(USER, {"model": "gpt-4o"}), "model"),
        (lambda: cc.count_messages(USER, "gpt-4o", catalog=object()), "catalog"),
        (lambda: cc.image_tokens(True, 512, "gpt-4o"), "width"),
        (lambda: cc.image_tokens(512, 512.0, "gpt-4o"), "height"),
        (lambda: cc.image_tokens(512, -(10**5000), "gpt-4o"), "height"),  # its repr raised ValueError
        (lambda: cc.image_tokens(512, 512, "gpt-4o", detail=None), "detail"),
        (lambda: cc.image_tokens(512, 512, "gpt-3.5-turbo"), "model"),
        (lambda: cc.image_tokens(512, 512, None), "model"),
        (lambda: cc.check_context_window(None, 1), "model"),
        (lambda: cc.check_context_window("gpt-4o", True), "prompt_tokens"),
        (lambda: cc.check_context_window("gpt-4o", 1, 2.0), "max_output_tokens"),
        # A huge count used to reach the error message's "{:,}", which raises ValueError past 4300 digits.
        (lambda: cc.check_context_window("gpt-4o", 10**5000), "prompt_tokens"),
        (lambda: cc.check_context_window("gpt-4o", 10**15 + 1), "prompt_tokens"),
        (lambda: vocab.get_encoding(["o200k_base"]), "name"),  # was TypeError: unhashable type
        (lambda: image_tokens_for_spec(512, 512, "tile"), "spec"),  # was AttributeError
    ],
)
def test_bad_plain_arguments_name_the_argument(call: Callable[[], object], field: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        call()
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")


def deeply_nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


def test_deeply_nested_junk_is_named_not_echoed() -> None:
    # repr() of a value nested deeper than the recursion limit raises RecursionError; the error
    # message shows a placeholder instead of failing while being built.
    junk = deeply_nested(sys.getrecursionlimit() + 100)
    part = {"type": "image_url", "image_url": {"url": IMAGE_AT, "detail": junk}}
    with pytest.raises(InvalidRequestError, match="too large to show") as info:
        cc.count_messages([{"role": "user", "content": [part]}], "gpt-4o")
    assert info.value.field == "messages[0].content[0].image_url.detail"
    with pytest.raises(InvalidInputError) as size_info:
        cc.count_messages(IMAGE_MESSAGE, "gpt-4o", image_sizes={IMAGE_AT: junk})
    assert size_info.value.field == f"image_sizes[{IMAGE_AT!r}]"
    with pytest.raises(InvalidRequestError) as tool_info:
        cc.count_messages(USER, "gpt-4o", tools=[{"type": junk}])
    assert tool_info.value.field == "tools[0].type"


def test_huge_images_are_counted_exactly() -> None:
    # 10**400 x 1 on o4-mini: 1 x 10**400/32 patches > 1536, shrunk to the 1536 cap: ceil(1536 x
    # 1.72) = 2642. In floats, 10**400 / 32 raised OverflowError. On gpt-4o: fit in 2048 ->
    # 2048 x 2e-397 -> 4 x 1 tiles = 85 + 680 = 765.
    assert cc.image_tokens(10**400, 1, "o4-mini") == 2642
    assert cc.image_tokens(10**400, 1, "gpt-4o") == 765


# -- fuzzing -----------------------------------------------------------------------------------------
# Each entry point is driven with valid values, edge values and JSON-like junk, under a hostile
# decimal context. Every call must give what it gives under the default context (an int, or the
# same CostcalcError), and every error must say where the problem is. Raise the budget with
# COSTCALC_FUZZ_EXAMPLES=5000 (see docs/tokens.md).

EXAMPLES = int(os.environ.get("COSTCALC_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

KEYS = st.sampled_from(
    [
        *("role", "content", "name", "type", "text", "image_url", "url", "detail", "tool_calls", "function"),
        *("arguments", "output", "refusal", "file_id", "parameters", "properties", "enum", "description"),
    ]
) | st.from_regex(r"[a-z_]{1,8}", fullmatch=True)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([0, -1, 2**63, 10**30])  # (5000-digit ints: hypothesis cannot print them)
    | st.floats()
    | st.text(max_size=12)
    | st.binary(max_size=6)
)
JUNK = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.tuples(inner, inner) | st.dictionaries(KEYS, inner, max_size=3)
    ),
    max_leaves=10,
)


def or_junk(valid: st.SearchStrategy[Any], one_in: int = 6) -> st.SearchStrategy[Any]:
    """``valid``, or about one time in ``one_in`` junk: mostly valid, so that the counting code
    behind the first check is reached too."""
    return st.sampled_from(range(one_in)).flatmap(lambda n: JUNK if n == one_in - 1 else valid)


TEXT = st.text(max_size=40) | st.sampled_from(["", "<|endoftext|>", "a\ud800b", "日本語🙂", " \n\t"])
MODELS = or_junk(
    st.sampled_from(
        [
            *("gpt-4o", "gpt-4o-mini", "gpt-4", "gpt-3.5-turbo-0301", "o3", "o4-mini", "gpt-4.1-mini"),
            *("gpt-5-nano", "gpt-5", "claude-sonnet-4-5", "gemini-2.5-pro", "gpt-9-imaginary", ""),
        ]
    )
)
SIDES = st.integers(1, 10_000) | st.sampled_from([1, 31, 32, 33, 768, 2048, 49152, 49153, 2**31 - 1, 10**30])
SIZES = or_junk(st.tuples(SIDES, SIDES) | st.lists(SIDES, min_size=0, max_size=3))
DATA_URLS = [data_url("image/png", png(w, h)) for w, h in ((1, 1), (2048, 4096), (1, 49153), (3000, 1999))]
URLS = st.sampled_from(
    ["https://x.example/a.png", "https://x.example/b.png", "data:image/png;base64,!!", *DATA_URLS]
)
DETAILS = or_junk(st.sampled_from(["low", "high", "auto"]))

TEXT_PART = st.fixed_dictionaries(
    {"type": st.sampled_from(["text", "input_text", "output_text"]), "text": or_junk(TEXT)}
)
CHAT_IMAGE = st.fixed_dictionaries(
    {
        "type": st.just("image_url"),
        "image_url": or_junk(
            st.fixed_dictionaries({"url": or_junk(URLS)}, optional={"detail": DETAILS}) | URLS
        ),
    }
)
RESPONSES_IMAGE = st.fixed_dictionaries(
    {"type": st.just("input_image")},
    optional={"image_url": or_junk(URLS), "file_id": JUNK, "detail": DETAILS},
)
REFUSAL = st.fixed_dictionaries({"type": st.just("refusal")}, optional={"refusal": or_junk(TEXT)})
PART = or_junk(TEXT_PART | CHAT_IMAGE | RESPONSES_IMAGE | REFUSAL | TEXT)
CONTENT = or_junk(TEXT | st.lists(PART, max_size=3))
CALL = or_junk(
    st.fixed_dictionaries(
        {
            "id": TEXT,
            "type": st.just("function"),
            "function": or_junk(st.fixed_dictionaries({"name": TEXT, "arguments": TEXT})),
        }
    )
)
MESSAGE = or_junk(
    st.fixed_dictionaries(
        {
            "role": or_junk(st.sampled_from(["system", "developer", "user", "assistant", "tool"])),
            "content": CONTENT,
        },
        optional={
            "name": or_junk(TEXT),
            "tool_calls": or_junk(st.lists(CALL, max_size=2)),
            "type": st.just("message"),
        },
    )
    | st.fixed_dictionaries(
        {"type": st.just("function_call"), "call_id": TEXT, "name": or_junk(TEXT), "arguments": or_junk(TEXT)}
    )
    | st.fixed_dictionaries(
        {"type": st.just("function_call_output"), "call_id": TEXT, "output": or_junk(TEXT)}
    )
)
MESSAGES = or_junk(st.lists(MESSAGE, min_size=1, max_size=4) | TEXT)

SCHEMA_TYPES = st.sampled_from(["string", "integer", "number", "boolean", "array", "object", "null"])
PROPERTY = or_junk(
    st.fixed_dictionaries(
        {},
        optional={
            "type": or_junk(SCHEMA_TYPES | st.lists(SCHEMA_TYPES, max_size=3)),
            "description": or_junk(TEXT),
            "enum": or_junk(
                st.lists(st.text(max_size=8) | st.integers() | st.floats() | st.none(), max_size=4)
            ),
        },
    )
)
FUNCTION = st.fixed_dictionaries(
    {"name": or_junk(st.from_regex(r"[a-z_]{1,12}", fullmatch=True))},
    optional={
        "description": or_junk(TEXT),
        "parameters": or_junk(
            st.fixed_dictionaries(
                {"type": st.just("object")},
                optional={
                    "properties": or_junk(
                        st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), PROPERTY, max_size=3)
                    )
                },
            )
        ),
    },
)
TOOL = or_junk(
    st.builds(lambda fn: {"type": "function", "function": fn}, or_junk(FUNCTION))
    | st.builds(lambda fn: {"type": "function", **fn}, FUNCTION)
    | st.just({"type": "web_search"})
)
TOOLS = st.none() | or_junk(st.lists(TOOL, max_size=3))
INSTRUCTIONS = st.none() | or_junk(TEXT)
SIZE_TABLES = st.dictionaries(URLS, SIZES, max_size=3)
IMAGE_SIZES = (
    st.none()
    | SIZE_TABLES
    | st.builds(lambda table: table.get, SIZE_TABLES)  # a function of the URL
    | JUNK
)
CATALOGS = or_junk(st.none() | st.just(cc.default_catalog()))
COUNTS = or_junk(st.integers(0, 2_000_000) | st.sampled_from([0, 128_000, 400_000, 10**15, 10**15 + 1]))


def hostile_context() -> decimal.Context:
    return decimal.Context(
        prec=3, traps=[decimal.Inexact, decimal.Rounded, decimal.InvalidOperation, decimal.DivisionByZero]
    )


_PATH_STEP = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]|\[('[^']*'|\"[^\"]*\")\]|\((.*)\)$")


def resolves(field: str, arguments: dict[str, Any]) -> bool:
    """Does ``field`` (``messages[0].content[1].image_url``) lead to a value in ``arguments``?

    Every step but the last must exist; the last may be the missing key that the error is about.
    """
    root = re.match(r"[A-Za-z_]+", field)
    if root is None or root.group() not in arguments:
        return False
    value = arguments[root.group()]
    if root.group() == "messages" and isinstance(value, str):
        value = [{"role": "user", "content": value}]  # how a Responses string input is counted
    rest = field[root.end() :]
    steps = []
    while rest:
        step = _PATH_STEP.match(rest)
        if step is None:
            return False
        steps.append(step)
        rest = rest[step.end() :]
    for n, step in enumerate(steps):
        last = n == len(steps) - 1
        key, index, quoted, called = step.groups()
        if called is not None:
            if not callable(value):
                return False
            value = value(ast.literal_eval(called))
        elif index is not None:
            if not isinstance(value, Sequence) or int(index) >= len(value):
                return False
            value = value[int(index)]
        else:
            name = key if key is not None else ast.literal_eval(quoted)
            if not isinstance(value, Mapping):
                return False
            if name not in value:
                return last
            value = value[name]
    return True


def check_where(exc: CostcalcError, arguments: dict[str, Any]) -> None:
    """The error names the place of the problem: a field that leads to it, or the model."""
    if isinstance(exc, InvalidInputError):
        assert exc.field, f"{exc!r} names no field"
        assert str(exc).startswith(f"{exc.field}: ")
        assert resolves(exc.field, arguments), f"{exc.field!r} is not a path into the arguments: {exc}"
    elif isinstance(exc, cc.UnknownModelError):
        assert exc.name == arguments["model"]
    elif isinstance(exc, cc.ImageSizeUnknownError):
        where = str(exc).split(":", 1)[0]
        assert where.startswith("messages[")
        assert resolves(where, arguments), exc
    elif isinstance(exc, cc.ContextWindowExceededError):
        assert exc.model
        assert "max_output_tokens" in str(exc) or "prompt" in str(exc)
    else:  # pragma: no cover - only reached by a new kind of error, which this test must learn
        pytest.fail(f"{type(exc).__name__} does not say where the problem is: {exc}")


def outcome(call: Callable[[], object]) -> tuple[str, object]:
    """("value", result) or ("error", the CostcalcError); a builtin exception propagates."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ApproximateTokenCountWarning)
        try:
            return "value", call()
        except CostcalcError as exc:
            return "error", exc


def check(call: Callable[[], object], arguments: dict[str, Any], result_type: type) -> object:
    """Run ``call`` under the hostile context and the default one; return its result (or None)."""
    with decimal.localcontext(hostile_context()):
        kind, got = outcome(call)
    assert decimal.getcontext().prec == decimal.DefaultContext.prec
    kind_default, got_default = outcome(call)
    assert kind == kind_default, (got, got_default)
    # --hypothesis-show-statistics shows how often each outcome was reached
    event(kind if kind == "value" else f"{type(got).__name__} {getattr(got, 'field', '')[:24]}")
    if kind == "value":
        assert type(got) is result_type
        assert got == got_default
        return got
    assert isinstance(got, CostcalcError)
    assert (type(got), str(got)) == (type(got_default), str(got_default))
    check_where(got, arguments)
    return None


@FUZZ
@given(text=or_junk(TEXT), model=MODELS, catalog=CATALOGS)
def test_fuzz_count_tokens(text: Any, model: Any, catalog: Any) -> None:
    check(lambda: cc.count_tokens(text, model, catalog=catalog), locals(), int)


@FUZZ
@given(
    texts=or_junk(st.lists(or_junk(TEXT), max_size=4) | TEXT),
    model=MODELS,
    num_threads=st.none() | or_junk(st.integers(1, 4)),
    processes=st.none() | or_junk(st.integers(1, 2)),  # small inputs: counted in-thread, no pool
)
def test_fuzz_count_tokens_many(texts: Any, model: Any, num_threads: Any, processes: Any) -> None:
    arguments = {"texts": texts, "model": model, "num_threads": num_threads, "processes": processes}
    check(
        lambda: cc.count_tokens_many(texts, model, num_threads=num_threads, processes=processes),
        arguments,
        list,
    )


@FUZZ
@given(messages=MESSAGES, model=MODELS, tools=TOOLS, instructions=INSTRUCTIONS, image_sizes=IMAGE_SIZES)
def test_fuzz_count_messages(
    messages: Any, model: Any, tools: Any, instructions: Any, image_sizes: Any
) -> None:
    arguments = {
        "messages": messages,
        "model": model,
        "tools": tools,
        "instructions": instructions,
        "image_sizes": image_sizes,
    }
    check(
        lambda: cc.count_messages(
            messages, model, tools=tools, instructions=instructions, image_sizes=image_sizes
        ),
        arguments,
        int,
    )


@FUZZ
@given(width=or_junk(SIDES), height=or_junk(SIDES), model=MODELS, detail=DETAILS)
def test_fuzz_image_tokens(width: Any, height: Any, model: Any, detail: Any) -> None:
    arguments = {"width": width, "height": height, "model": model, "detail": detail}
    tokens = check(lambda: cc.image_tokens(width, height, model, detail=detail), arguments, int)
    assert tokens is None or tokens > 0  # a real image always bills something


@FUZZ
@given(model=MODELS, prompt_tokens=COUNTS, max_output_tokens=COUNTS)
def test_fuzz_check_context_window(model: Any, prompt_tokens: Any, max_output_tokens: Any) -> None:
    arguments = {"model": model, "prompt_tokens": prompt_tokens, "max_output_tokens": max_output_tokens}
    check(lambda: cc.check_context_window(model, prompt_tokens, max_output_tokens), arguments, type(None))
