"""Chat and Responses prompts, tools and images, against published numbers.

Sources:
- [cookbook] openai/openai-cookbook, examples/How_to_count_tokens_with_tiktoken.ipynb: the
  corporate-jargon messages bill 129 prompt tokens on gpt-3.5-turbo and gpt-4, 124 on gpt-4o and
  gpt-4o-mini, 127 on gpt-3.5-turbo-0301; the weather tool example bills 105 (gpt-3.5-turbo,
  gpt-4) and 101 (gpt-4o, gpt-4o-mini). All "counted by the OpenAI API" in the notebook.
- [vision] OpenAI "Images and vision" guide, "Calculating costs": 1024x1024 high on gpt-4o =
  765; 2048x4096 high = 1105; 4096x8192 low = 85; patches: 1024x1024 = 1024, 1800x2400 = 1452.
"""

from __future__ import annotations

import base64
import decimal
import struct
import zlib
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import costcalc as cc

JARGON = [
    {
        "role": "system",
        "content": "You are a helpful, pattern-following assistant that translates corporate jargon into plain English.",  # noqa: E501 - the cookbook text verbatim
    },
    {"role": "system", "name": "example_user", "content": "New synergies will help drive top-line growth."},
    {
        "role": "system",
        "name": "example_assistant",
        "content": "Things working well together will increase revenue.",
    },
    {
        "role": "system",
        "name": "example_user",
        "content": "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",  # noqa: E501 - the cookbook text verbatim
    },
    {
        "role": "system",
        "name": "example_assistant",
        "content": "Let's talk later when we're less busy about how to do better.",
    },
    {
        "role": "user",
        "content": "This late pivot means we don't have time to boil the ocean for the client deliverable.",
    },
]

WEATHER_TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_current_weather",
            "description": "Get the current weather in a given location",
            "parameters": {
                "type": "object",
                "properties": {
                    "location": {
                        "type": "string",
                        "description": "The city and state, e.g. San Francisco, CA",
                    },
                    "unit": {
                        "type": "string",
                        "description": "The unit of temperature to return",
                        "enum": ["celsius", "fahrenheit"],
                    },
                },
                "required": ["location"],
            },
        },
    }
]
WEATHER_MESSAGES = [
    {
        "role": "system",
        "content": "You are a helpful assistant that can answer to questions about the weather.",
    },
    {"role": "user", "content": "What's the weather like in San Francisco?"},
]


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("gpt-3.5-turbo", 129),
        ("gpt-4", 129),
        ("gpt-4-0613", 129),
        ("gpt-4o", 124),
        ("gpt-4o-mini", 124),
        ("gpt-3.5-turbo-0301", 127),
    ],
)
def test_cookbook_messages(model: str, expected: int) -> None:  # [cookbook]
    assert cc.count_messages(JARGON, model) == expected


@pytest.mark.parametrize(
    ("model", "expected"), [("gpt-3.5-turbo", 105), ("gpt-4", 105), ("gpt-4o", 101), ("gpt-4o-mini", 101)]
)
def test_cookbook_tools(model: str, expected: int) -> None:  # [cookbook]
    assert cc.count_messages(WEATHER_MESSAGES, model, tools=WEATHER_TOOLS) == expected


def test_tools_in_responses_and_legacy_shape_count_the_same() -> None:
    fn = WEATHER_TOOLS[0]["function"]
    responses_shape = [{"type": "function", **fn}]
    assert cc.count_messages(WEATHER_MESSAGES, "gpt-4o", tools=responses_shape) == 101
    assert cc.count_messages(WEATHER_MESSAGES, "gpt-4o", tools=[fn]) == 101
    with pytest.raises(ValueError, match="'web_search' tool"):
        cc.count_messages(WEATHER_MESSAGES, "gpt-4o", tools=[{"type": "web_search"}])
    with pytest.raises(ValueError, match="'name'"):
        cc.count_messages(WEATHER_MESSAGES, "gpt-4o", tools=[{"type": "function", "function": {}}])


def n(text: str, model: str = "gpt-4o") -> int:
    return cc.count_tokens(text, model)


def test_parts_tool_calls_and_tool_messages_by_the_same_rule() -> None:
    messages: list[dict[str, Any]] = [
        {
            "role": "user",
            "content": [{"type": "text", "text": "Weather in Paris?"}, {"type": "text", "text": " Now."}],
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_current_weather", "arguments": '{"location": "Paris"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": '{"temp": 21}'},
    ]
    expected = (
        3
        + n("user")
        + n("Weather in Paris?")
        + n(" Now.")
        + 3
        + n("assistant")
        + n("get_current_weather")
        + n('{"location": "Paris"}')
        + 3
        + n("tool")
        + n("call_1")
        + n('{"temp": 21}')
        + 3
    )
    assert cc.count_messages(messages, "gpt-4o") == expected


def test_responses_api_input() -> None:
    items = [
        {"role": "developer", "content": "Be brief."},
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Hi there"}]},
        {"type": "function_call", "call_id": "c1", "name": "lookup", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "c1", "output": "42"},
    ]
    expected = (
        3
        + n("developer")
        + n("Be brief.")
        + 3
        + n("user")
        + n("Hi there")
        + 3
        + n("lookup")
        + n("{}")
        + 3
        + n("42")
        + 3
    )
    assert cc.count_messages(items, "gpt-5-mini") == expected
    assert cc.count_messages("Hi there", "gpt-5-mini") == 3 + n("user") + n("Hi there") + 3
    with_instructions = cc.count_messages("Hi there", "gpt-5-mini", instructions="Be brief.")
    assert with_instructions == 3 + n("system") + n("Be brief.") + 3 + n("user") + n("Hi there") + 3


@pytest.mark.parametrize(
    ("messages", "error", "message"),
    [
        ({"role": "user"}, TypeError, "list of message dicts"),
        (["hello"], TypeError, r"messages\[0\]: must be a message dict"),
        ([{"role": "user", "content": 3}], TypeError, "string or a list of parts"),
        ([{"role": "user", "content": [{"type": "input_audio"}]}], ValueError, "'input_audio' part"),
        ([{"role": "user", "content": [{"type": "text"}]}], ValueError, "without a 'text'"),
        ([{"type": "reasoning", "summary": []}], ValueError, "'reasoning' item"),
        ([{"role": "user", "audio": {"id": "x"}}], TypeError, r"messages\[0\]\.audio"),
        ([{"role": "assistant", "tool_calls": [{"function": {"name": "f"}}]}], ValueError, "'arguments'"),
        (
            [{"role": "user", "content": [{"type": "image_url", "image_url": {}}]}],
            ValueError,
            "image_url.url",
        ),
    ],
)
def test_unknown_shapes_are_refused_not_dropped(messages: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message) as info:
        cc.count_messages(messages, "gpt-4o")
    assert isinstance(info.value, cc.CostcalcError)  # and still the builtin that callers catch


# -- images ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "width", "height", "detail", "expected"),
    [
        ("gpt-4o", 1024, 1024, "high", 765),  # [vision] 85 + 170 x 4
        ("gpt-4o", 2048, 4096, "high", 1105),  # [vision] 85 + 170 x 6
        ("gpt-4o", 4096, 8192, "low", 85),  # [vision]
        ("gpt-4o", 500, 500, "high", 255),  # not upscaled: one tile
        ("gpt-4o", 500, 500, "auto", 255),  # auto counted as high
        ("gpt-4o-mini", 1024, 1024, "high", 2833 + 5667 * 4),
        ("o3", 1024, 1024, "high", 75 + 150 * 4),
        ("gpt-5", 1024, 1024, "low", 70),
        ("gpt-4.1-mini", 1024, 1024, "high", 1659),  # [vision] 1024 patches x 1.62 = 1658.88, up
        ("gpt-4.1-mini", 1800, 2400, "high", 2353),  # [vision] 1452 patches x 1.62 = 2352.24, up
        ("o4-mini", 1800, 2400, "high", 2498),  # 1452 x 1.72 = 2497.44, up
        ("gpt-5-nano", 100, 100, "low", 40),  # 4 x 4 = 16 patches x 2.46 = 39.36, up
    ],
)
def test_image_tokens(model: str, width: int, height: int, detail: Any, expected: int) -> None:
    assert cc.image_tokens(width, height, model, detail=detail) == expected


@pytest.mark.parametrize(
    ("model", "width", "height", "expected"),
    [
        # 1 x 49153: ceil(1/32) x ceil(49153/32) = 1 x 1537 = 1537 > 1536 patches, so it is shrunk:
        # r = sqrt(32*32*1536 / 49153) = 5.657, w*r/32 = 0.177, floor 0 -> r = 0 and 0 patches,
        # a free image. A side never takes less than one patch (a patch may extend past the image),
        # so the width stays 1 patch and the height is cut to fit: 1 x 1536 = 1536 patches, the cap.
        # o4-mini: ceil(1536 x 1.72) = ceil(2641.92) = 2642; gpt-4.1-mini: ceil(1536 x 1.62) =
        # ceil(2488.32) = 2489.
        ("o4-mini", 1, 49153, 2642),
        ("o4-mini", 49153, 1, 2642),
        ("gpt-4.1-mini", 1, 49153, 2489),
        ("o4-mini", 10, 60000, 2642),  # 1 x 1875 patches; r: w*r/32 = 0.506 -> one patch wide
        ("o4-mini", 1, 49152, 2642),  # 1 x 1536 patches: no shrink at all, the same 1536
        ("o4-mini", 1, 1, 2),  # one patch: ceil(1.72) = 2
        # 2031 x 1354 (3:2): 64 x 43 = 2752 patches; w*r/32 = sqrt(1536 x 3/2) = sqrt(2304) = 48 and
        # h*r/32 = sqrt(1536 x 2/3) = sqrt(1024) = 32 exactly, so 48 x 32 = 1536 patches:
        # ceil(1536 x 1.72) = 2642. Floats put sqrt just under 48, floor 47, and billed 1457.
        ("o4-mini", 2031, 1354, 2642),
        # Tiles with 1-pixel sides: at least one tile per side, never 0.
        ("gpt-4o", 1, 1, 85 + 170),  # 1 x 1 tile
        ("gpt-4o", 1, 49153, 85 + 170 * 4),  # fit in 2048: 0.04 x 2048 -> 1 x 4 tiles
        ("gpt-4o", 49153, 1, 85 + 170 * 4),
        ("gpt-4o", 1, 768, 85 + 170 * 2),  # no scaling: 1 x ceil(768/512) = 1 x 2 tiles
    ],
)
def test_extreme_aspect_ratios_bill_at_least_one_patch_or_tile(
    model: str, width: int, height: int, expected: int
) -> None:
    assert cc.image_tokens(width, height, model) == expected


# 3000 x 1999 on o4-mini, by the guide's rule: ceil(3000/32) x ceil(1999/32) = 94 x 63 = 5922 >
# 1536. r = sqrt(32*32*1536 / (3000*1999)) = 0.51213; w*r/32 = 48.012 (floor 48, ratio 0.99975),
# h*r/32 = 31.992 (floor 31, ratio 0.96899): r *= 0.96899, so h*r/32 = 31 and w*r/32 = 3000*31/1999
# = 46.52 -> 47. 47 x 31 = 1457 patches x 1.72 = 2506.04 -> 2507.
DECIMAL_3000x1999 = 2507


def test_patch_images_do_not_depend_on_the_callers_decimal_context() -> None:
    assert cc.image_tokens(3000, 1999, "o4-mini") == DECIMAL_3000x1999
    hostile = decimal.Context(prec=3, traps=[decimal.Inexact, decimal.Rounded])
    with decimal.localcontext(hostile):
        # It gave 2510 at prec=3 (1457 x 1.72 rounded to 2.51E+3) and raised Inexact when trapped.
        assert cc.image_tokens(3000, 1999, "o4-mini") == DECIMAL_3000x1999
        assert cc.image_tokens(1800, 2400, "gpt-4.1-mini") == 2353


def _patches_by_the_published_formula(width: int, height: int) -> int:
    """The guide's patch rule written out literally, in 60-digit decimals (an independent check).

    A value within 1e-30 of a whole number is that whole number: w*r/32 = sqrt(1536*w/h), which
    for sides below 10^6 is either a whole number or more than 1e-13 from one, and after the
    second step the sides are rationals with denominators below 10^6.
    """
    with decimal.localcontext(decimal.Context(prec=60)):

        def snap(x: Decimal) -> Decimal:
            nearest = x.to_integral_value()
            return nearest if abs(x - nearest) < Decimal("1e-30") else x

        def floor(x: Decimal) -> int:
            return int(snap(x).to_integral_value(rounding=decimal.ROUND_FLOOR))

        def ceil(x: Decimal) -> int:
            return int(snap(x).to_integral_value(rounding=decimal.ROUND_CEILING))

        w, h = Decimal(width), Decimal(height)
        patches = ceil(w / 32) * ceil(h / 32)
        if patches <= 1536:
            return patches
        r = (Decimal(32 * 32 * 1536) / (w * h)).sqrt()
        # max(1, ...): a side never takes less than one patch (see the extreme-ratio cases above)
        r *= min(max(1, floor(w * r / 32)) / (w * r / 32), max(1, floor(h * r / 32)) / (h * r / 32))
        return min(ceil(w * r / 32) * ceil(h * r / 32), 1536)


@given(
    st.integers(1, 200_000) | st.sampled_from([1, 31, 32, 33, 1536, 2048, 49152, 49153]),
    st.integers(1, 200_000) | st.sampled_from([1, 31, 32, 33, 1536, 2048, 49152, 49153]),
)
def test_patches_equal_the_published_formula(width: int, height: int) -> None:
    patches = _patches_by_the_published_formula(width, height)
    assert 1 <= patches <= 1536
    # o4-mini's multiplier is 1.72 = 43/25: tokens = ceil(patches x 43 / 25), in integers.
    assert cc.image_tokens(width, height, "o4-mini") == -(-patches * 43 // 25)


def test_image_tokens_refuse_what_is_not_known() -> None:
    with pytest.raises(ValueError, match="no published image-token rule"):
        cc.image_tokens(100, 100, "gpt-3.5-turbo")
    with pytest.raises(ValueError, match="positive whole number"):
        cc.image_tokens(0, 100, "gpt-4o")
    with pytest.raises(ValueError, match="detail"):
        cc.image_tokens(10, 10, "gpt-4o", detail="medium")  # type: ignore[arg-type]


def png(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))


def jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def gif(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\x00\x00\x00"


def webp_vp8x(width: int, height: int) -> bytes:
    body = (
        b"VP8X"
        + struct.pack("<I", 10)
        + b"\x00\x00\x00\x00"
        + (width - 1).to_bytes(3, "little")
        + (height - 1).to_bytes(3, "little")
    )
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


def data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


@pytest.mark.parametrize(
    ("url", "size"),
    [
        (data_url("image/png", png(2048, 4096)), (2048, 4096)),
        (data_url("image/jpeg", jpeg(1024, 768)), (1024, 768)),
        (data_url("image/gif", gif(300, 200)), (300, 200)),
        (data_url("image/webp", webp_vp8x(1800, 2400)), (1800, 2400)),
    ],
)
def test_image_size_from_data_urls(url: str, size: tuple[int, int]) -> None:
    from costcalc.tokens.images import image_size_from_data_url

    assert image_size_from_data_url(url) == size


def test_images_in_messages() -> None:
    url = data_url("image/png", png(2048, 4096))
    messages = [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is this?"},
                {"type": "image_url", "image_url": {"url": url, "detail": "high"}},
            ],
        }
    ]
    assert cc.count_messages(messages, "gpt-4o") == 3 + n("user") + n("What is this?") + 1105 + 3
    # A plain URL has no size: say so, or take it from image_sizes.
    remote = [
        {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://x.example/a.png"}}]}
    ]
    with pytest.raises(cc.ImageSizeUnknownError, match="image_sizes"):
        cc.count_messages(remote, "gpt-4o")
    assert cc.count_messages(remote, "gpt-4o", image_sizes={"https://x.example/a.png": (1024, 1024)}) == (
        3 + n("user") + 765 + 3
    )
    assert cc.count_messages(remote, "gpt-4.1-mini", image_sizes=lambda u: (1024, 1024)) == (
        3 + n("user") + 1659 + 3
    )
    # Low detail on a tile model does not depend on size.
    low = [
        {
            "role": "user",
            "content": [{"type": "image_url", "image_url": {"url": "https://x/b", "detail": "low"}}],
        }
    ]
    assert cc.count_messages(low, "gpt-4o") == 3 + n("user") + 85 + 3
    # Responses API image parts.
    resp = [{"role": "user", "content": [{"type": "input_image", "image_url": url, "detail": "low"}]}]
    assert cc.count_messages(resp, "gpt-5") == 3 + n("user") + 70 + 3
    with pytest.raises(ValueError, match="no published image-token rule"):
        cc.count_messages(resp, "gpt-4")


def test_other_part_shapes_and_tool_schemas_by_the_same_rule() -> None:
    # Bare-string parts and refusal parts count their text; an image_url given as a bare string
    # is detail "auto", counted as high: 1024 x 1024 on gpt-4o = 85 + 170 x 4 = 765 [vision].
    url = data_url("image/png", png(1024, 1024))
    messages = [
        {"role": "assistant", "content": ["Plain part", {"type": "refusal", "refusal": "I can't."}]},
        {"role": "user", "content": [{"type": "image_url", "image_url": url}]},
    ]
    expected = 3 + n("assistant") + n("Plain part") + n("I can't.") + 3 + n("user") + 765 + 3
    assert cc.count_messages(messages, "gpt-4o") == expected
    # Tools (o200k constants, [cookbook]): func_init 7, prop_init 3, prop_key 3, func_end 12; a
    # function without parameters adds no prop_init; a list of types is joined with "|".
    tools = [
        {"type": "function", "name": "ping"},
        {"type": "function", "name": "f", "parameters": {"properties": {"x": {"type": ["string", "null"]}}}},
    ]
    user = [{"role": "user", "content": "hi"}]
    tool_tokens = 7 + n("ping:") + 7 + n("f:") + 3 + 3 + n("x:string|null:") + 12
    assert cc.count_messages(user, "gpt-4o", tools=tools) == 3 + n("user") + n("hi") + 3 + tool_tokens
    # An image_sizes table without the URL leaves the size unknown: refused, not guessed.
    remote = [{"role": "user", "content": [{"type": "image_url", "image_url": "https://x.example/c.png"}]}]
    with pytest.raises(cc.ImageSizeUnknownError, match=r"messages\[0\]\.content\[0\]"):
        cc.count_messages(remote, "gpt-4o", image_sizes={"https://x.example/other.png": (10, 10)})


# -- context window ----------------------------------------------------------------------------------


def test_context_window() -> None:
    cc.check_context_window("gpt-5-mini", 272_000, 128_000)  # 400K exactly fits
    with pytest.raises(cc.ContextWindowExceededError) as info:
        cc.check_context_window("gpt-5-mini", 272_001, 128_000)
    assert (info.value.requested, info.value.limit) == (400_001, 400_000)
    assert "400,001" in str(info.value)
    assert "400,000" in str(info.value)
    with pytest.raises(cc.ContextWindowExceededError, match="output limit of 32,768") as out:
        cc.check_context_window("gpt-4.1", 1_000, 40_000)
    assert (out.value.requested, out.value.limit) == (40_000, 32_768)
    with pytest.raises(ValueError, match="whole number"):
        cc.check_context_window("gpt-4.1", -1)
    cc.check_context_window("gpt-6-cyber", 10**9)  # no published limits: nothing to check


def test_image_size_readers_for_each_format_and_garbage() -> None:
    from costcalc.tokens.images import image_size, image_size_from_data_url

    # WebP lossless (VP8L): 14-bit width-1 and height-1 after the 0x2F signature byte.
    bits = (640 - 1) | ((480 - 1) << 14)
    vp8l = (
        b"RIFF"
        + struct.pack("<I", 30)
        + b"WEBPVP8L"
        + struct.pack("<I", 5)
        + b"\x2f"
        + bits.to_bytes(4, "little")
    )
    assert image_size(vp8l) == (640, 480)
    # WebP lossy (VP8 ): frame tag, start code 9d 01 2a, then 14-bit width and height.
    vp8 = (
        b"RIFF"
        + struct.pack("<I", 30)
        + b"WEBPVP8 "
        + struct.pack("<I", 10)
        + b"\x00\x00\x00"
        + b"\x9d\x01\x2a"
        + struct.pack("<HH", 320, 200)
    )
    assert image_size(vp8) == (320, 200)
    # JPEG with a fill byte and a restart-style marker before the frame header.
    sof = b"\xff\xc2" + struct.pack(">HBHHB", 11, 8, 90, 160, 1) + b"\x01\x11\x00"
    assert image_size(b"\xff\xd8\xff\xff\xd0" + sof) == (160, 90)
    assert image_size(b"\xff\xd8\x00\x00garbage") is None  # not a marker where one must be
    assert image_size(b"GIF89a\x00\x00\x00\x00") is None  # zero size
    assert image_size(b"plain text, not an image") is None
    assert image_size_from_data_url("https://example.com/x.png") is None
    assert image_size_from_data_url("data:image/png,rawbytes") is None  # not base64
    assert image_size_from_data_url("data:image/png;base64,!!!") is None
