"""Image input tokens, by the rules of OpenAI's "Images and vision" guide ("Calculating costs").

Two methods, chosen per model by the catalog (``ModelInfo.image``):

- **tile** (gpt-4o, gpt-4.1, o1, o3, gpt-5 ...): ``detail="low"`` costs ``base`` tokens. At high
  detail the image is scaled to fit within 2048 x 2048, then so that its shortest side is 768 px
  (never upscaled), and each 512-px tile costs ``tile`` tokens on top of ``base``.
- **patch** (gpt-4.1-mini/nano, o4-mini, gpt-5-mini/nano): one token per 32 x 32 patch; above
  1,536 patches the image is scaled down to fit 1,536 (each side keeping at least one patch), and
  the count is multiplied by the model's multiplier (rounded up: the guide gives no rounding, and
  an estimate should not fall short). All of it is computed exactly, in integers and fractions.

``detail="auto"`` lets the API choose; it is counted as ``"high"``, the most it can bill.
"""

from __future__ import annotations

import base64
import binascii
import math
import struct
from fractions import Fraction
from typing import Literal

from costcalc.catalog import Catalog, ImageSpec
from costcalc.errors import InvalidInputError
from costcalc.tokens.checks import model_info, shown, type_name

__all__ = ["image_size_from_data_url", "image_tokens", "image_tokens_for_spec"]

Detail = Literal["low", "high", "auto"]

_MAX_SIDE = 2048
_SHORT_SIDE = 768
_TILE = 512
_PATCH = 32
_MAX_PATCHES = 1536


def image_tokens(
    width: int, height: int, model: str, *, detail: Detail = "high", catalog: Catalog | None = None
) -> int:
    """Input tokens billed for one ``width`` x ``height`` image sent to ``model``.

    Bad arguments raise :class:`InvalidInputError` naming the argument.
    """
    info = model_info(model, catalog)
    if info.image is None:
        raise InvalidInputError(
            f"costcalc has no published image-token rule for {info.id!r}; image inputs to it "
            "cannot be counted (the catalog's 'image' field says how a model bills images)",
            field="model",
        )
    return image_tokens_for_spec(width, height, info.image, detail=detail)


def image_tokens_for_spec(width: int, height: int, spec: ImageSpec, *, detail: str = "high") -> int:
    """Input tokens for one image under ``spec`` (see the module docstring for the rules)."""
    for name, value in (("width", width), ("height", height)):
        if type(value) is not int or value <= 0:
            raise InvalidInputError(
                f"image {name} must be a positive whole number of pixels, got {shown(value)}", field=name
            )
    if detail not in ("low", "high", "auto"):
        raise InvalidInputError(f"must be 'low', 'high' or 'auto', got {shown(detail)}", field="detail")
    if not isinstance(spec, ImageSpec):
        raise InvalidInputError(f"must be a costcalc.ImageSpec, got {type_name(spec)}", field="spec")
    if spec.method == "tile" and spec.base is not None and spec.tile is not None:
        if detail == "low":
            return spec.base
        return spec.base + spec.tile * _tiles(width, height)
    if spec.method == "patch" and spec.multiplier is not None:
        # As a Fraction, exactly: Decimal arithmetic would round (or trap) in the caller's context.
        return math.ceil(_patches(width, height) * Fraction(spec.multiplier))
    raise ValueError(f"incomplete image rule {spec!r}")  # pragma: no cover - ImageSpec validates this


def _tiles(width: int, height: int) -> int:
    w, h = Fraction(width), Fraction(height)
    if max(w, h) > _MAX_SIDE:  # fit within 2048 x 2048
        scale = _MAX_SIDE / max(w, h)
        w, h = w * scale, h * scale
    if min(w, h) > _SHORT_SIDE:  # shortest side to 768, never upscaling
        scale = _SHORT_SIDE / min(w, h)
        w, h = w * scale, h * scale
    return math.ceil(w / _TILE) * math.ceil(h / _TILE)


def _patches(width: int, height: int) -> int:
    """Patches of the guide's rule, computed exactly in integers (never in floats or Decimals).

    The guide: if ceil(w/32) x ceil(h/32) > 1536, r = sqrt(32*32*1536 / (w*h)), then
    r *= min(floor(w*r/32) / (w*r/32), floor(h*r/32) / (h*r/32)), and the image costs
    ceil(w*r/32) x ceil(h*r/32) patches, at most 1536. Since w*r/32 = sqrt(1536*w/h), and
    floor(sqrt(x)) = isqrt(floor(x)), the floors are whole numbers ``cols`` and ``rows``, and the
    second step makes r = min(32*cols/w, 32*rows/h): a rational, with no rounding anywhere.

    A side that the first step scales below one patch (a 1 x 49153 image) has floor(...) = 0,
    which would make r = 0 and the image free. A patch may extend past the image (its outside
    pixels are black), so such a side still takes one patch: ``cols`` and ``rows`` are at least 1.
    """
    patches = -(-width // _PATCH) * -(-height // _PATCH)
    if patches <= _MAX_PATCHES:
        return patches
    cols = max(1, math.isqrt(_MAX_PATCHES * width // height))
    rows = max(1, math.isqrt(_MAX_PATCHES * height // width))
    r = min(Fraction(_PATCH * cols, width), Fraction(_PATCH * rows, height))
    scaled = math.ceil(width * r / _PATCH) * math.ceil(height * r / _PATCH)
    return min(scaled, _MAX_PATCHES)


def image_size_from_data_url(url: str) -> tuple[int, int] | None:
    """(width, height) of a base64 ``data:`` URL holding a PNG, JPEG, GIF or WebP; else ``None``."""
    if not url.startswith("data:"):
        return None
    header, sep, payload = url.partition(",")
    if not sep or not header.endswith(";base64"):
        return None
    try:
        data = base64.b64decode(payload, validate=False)
    except (binascii.Error, ValueError):
        return None
    return image_size(data)


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) read from the header of PNG, JPEG, GIF or WebP bytes; ``None`` otherwise."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR" and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return (w, h) if w and h else None
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return (w, h) if w and h else None
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_size(data)
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        w = int.from_bytes(data[24:27], "little") + 1
        h = int.from_bytes(data[27:30], "little") + 1
        return w, h
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        w, h = struct.unpack("<HH", data[26:30])
        return (w & 0x3FFF, h & 0x3FFF) if w & 0x3FFF and h & 0x3FFF else None
    return None


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if marker in _SOF and i + 9 <= len(data):
            h, w = struct.unpack(">HH", data[i + 5 : i + 9])
            return (w, h) if w and h else None
        i += 2 + length
    return None
