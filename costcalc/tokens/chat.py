"""Prompt tokens of a Chat Completions ``messages`` list, or a Responses API ``input``, as billed.

The rule is the OpenAI cookbook's ("How to count tokens with tiktoken", which states that it
matches the API for gpt-3.5-turbo, gpt-4, gpt-4o and gpt-4o-mini): every message costs 3 tokens
plus the tokens of each of its string values (role, content, name, ...); a ``name`` adds 1; the
reply is primed with 3 more. ``gpt-3.5-turbo-0301`` costs 4 per message and a name replaces the
role (-1). Tool definitions follow :mod:`costcalc.tokens.tools`.

Beyond the cookbook (counted by the same rule, with no published constant of their own):
list-of-parts content (each text part's text; each image by :mod:`costcalc.tokens.images`),
assistant ``tool_calls`` (each call's function name and arguments), ``tool`` messages, and the
Responses API's items (``input_text``/``output_text`` parts, ``function_call`` and
``function_call_output`` items, each as one message).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from costcalc.catalog import Catalog, ModelInfo
from costcalc.errors import ImageSizeUnknownError
from costcalc.tokens.images import image_size_from_data_url, image_tokens_for_spec
from costcalc.tokens.text import encoding_for
from costcalc.tokens.tools import count_tools

if TYPE_CHECKING:
    import tiktoken

__all__ = ["count_messages"]

TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING = 3

ImageSizes = Mapping[str, tuple[int, int]] | Callable[[str], tuple[int, int] | None]


def count_messages(
    messages: str | Sequence[Mapping[str, Any]],
    model: str,
    *,
    tools: Sequence[Mapping[str, Any]] | None = None,
    instructions: str | None = None,
    image_sizes: ImageSizes | None = None,
    catalog: Catalog | None = None,
    warn_approximate: bool = True,
) -> int:
    """Prompt tokens billed for ``messages`` (Chat Completions) or a Responses API ``input``.

    ``tools``: function definitions sent with the request (Chat or Responses shape).
    ``instructions``: the Responses API's ``instructions``, counted as a system message.
    ``image_sizes``: ``{url: (width, height)}`` or a function of the URL, for image parts whose
    size cannot be read from the part itself (``data:`` URLs of PNG, JPEG, GIF and WebP can).
    An image of unknown size raises :class:`ImageSizeUnknownError` instead of being guessed.
    ``warn_approximate=False`` leaves out the :class:`ApproximateTokenCountWarning` for callers
    that report approximation themselves (``Estimate.tokens_exact``).
    """
    enc, info = encoding_for(model, catalog, warn=warn_approximate)
    counter = _Counter(enc, info, image_sizes)
    if isinstance(messages, str):  # Responses API: input may be a plain string
        messages = [{"role": "user", "content": messages}]
    elif isinstance(messages, Mapping) or not isinstance(messages, Sequence):
        raise TypeError("messages must be a list of message dicts (or, for the Responses API, a string)")
    legacy = info.id == "gpt-3.5-turbo-0301"
    total = 0
    if instructions:
        total += TOKENS_PER_MESSAGE + counter.text("system") + counter.text(instructions)
    for i, message in enumerate(messages):
        total += counter.message(message, f"messages[{i}]", legacy=legacy)
    total += REPLY_PRIMING
    if tools:
        total += count_tools(tools, enc)
    return total


class _Counter:
    __slots__ = ("enc", "info", "sizes")

    def __init__(self, enc: tiktoken.Encoding, info: ModelInfo, sizes: ImageSizes | None) -> None:
        self.enc = enc
        self.info = info
        self.sizes = sizes

    def text(self, text: str) -> int:
        return len(self.enc.encode_ordinary(text))

    def message(self, message: Any, where: str, *, legacy: bool) -> int:
        if not isinstance(message, Mapping):
            raise TypeError(f"{where} must be a dict, got {type(message).__name__}")
        kind = message.get("type")
        if kind == "function_call":  # Responses API item
            return TOKENS_PER_MESSAGE + self._strings(message, where, ("name", "arguments"))
        if kind == "function_call_output":
            return TOKENS_PER_MESSAGE + self._strings(message, where, ("output",))
        if kind not in (None, "message"):
            raise ValueError(
                f"{where} is a {kind!r} item, which costcalc cannot count; remove it or count it yourself"
            )
        total = 4 if legacy else TOKENS_PER_MESSAGE
        for key, value in message.items():
            if key == "type" or value is None:
                continue
            if key == "content":
                total += self.content(value, f"{where}.content")
            elif key == "tool_calls":
                total += self.tool_calls(value, f"{where}.tool_calls")
            elif key == "function_call":  # legacy assistant function call
                total += self._strings(value, f"{where}.function_call", ("name", "arguments"))
            elif isinstance(value, str):
                total += self.text(value)
            else:
                raise TypeError(
                    f"{where}.{key} is a {type(value).__name__}; "
                    "only strings, content and tool calls are counted"
                )
            if key == "name":
                total += -1 if legacy else TOKENS_PER_NAME
        return total

    def _strings(self, obj: Any, where: str, keys: tuple[str, ...]) -> int:
        if not isinstance(obj, Mapping):
            raise TypeError(f"{where} must be a dict, got {type(obj).__name__}")
        total = 0
        for key in keys:
            value = obj.get(key)
            if not isinstance(value, str):
                raise ValueError(f"{where} needs a string {key!r}")
            total += self.text(value)
        return total

    def tool_calls(self, calls: Any, where: str) -> int:
        if not isinstance(calls, Sequence):
            raise TypeError(f"{where} must be a list")
        return sum(
            self._strings(
                call.get("function") if isinstance(call, Mapping) else call,
                f"{where}[{i}].function",
                ("name", "arguments"),
            )
            for i, call in enumerate(calls)
        )

    def content(self, content: Any, where: str) -> int:
        if isinstance(content, str):
            return self.text(content)
        if not isinstance(content, Sequence):
            raise TypeError(f"{where} must be a string or a list of parts, got {type(content).__name__}")
        total = 0
        for i, part in enumerate(content):
            total += self.part(part, f"{where}[{i}]")
        return total

    def part(self, part: Any, where: str) -> int:
        if isinstance(part, str):
            return self.text(part)
        if not isinstance(part, Mapping):
            raise TypeError(f"{where} must be a dict, got {type(part).__name__}")
        kind = part.get("type")
        if kind in ("text", "input_text", "output_text"):
            text = part.get("text")
            if not isinstance(text, str):
                raise ValueError(f"{where} is a text part without a 'text' string")
            return self.text(text)
        if kind == "refusal":
            return self.text(str(part.get("refusal", "")))
        if kind == "image_url":  # Chat: {"type": "image_url", "image_url": {"url": ..., "detail": ...}}
            image = part.get("image_url")
            if isinstance(image, str):
                return self.image(image, "auto", where)
            if not isinstance(image, Mapping) or not isinstance(image.get("url"), str):
                raise ValueError(f"{where} is an image part without an image_url.url")
            return self.image(image["url"], image.get("detail", "auto"), where)
        if kind == "input_image":  # Responses: {"type": "input_image", "image_url": ..., "detail": ...}
            url = part.get("image_url") or part.get("file_id")
            if not isinstance(url, str):
                raise ValueError(f"{where} is an input_image part without an image_url")
            return self.image(url, part.get("detail", "auto"), where)
        raise ValueError(
            f"{where} is a {kind!r} part, which costcalc cannot count (text and image parts only)"
        )

    def image(self, url: str, detail: str, where: str) -> int:
        spec = self.info.image
        if spec is None:
            raise ValueError(f"{where}: costcalc has no published image-token rule for {self.info.id!r}")
        if spec.method == "tile" and detail == "low":
            return image_tokens_for_spec(1, 1, spec, detail="low")  # the base cost; size does not matter
        size = image_size_from_data_url(url)
        if size is None and self.sizes is not None:
            size = self.sizes(url) if callable(self.sizes) else self.sizes.get(url)
        if size is None:
            shown = url if len(url) <= 80 else url[:77] + "..."
            raise ImageSizeUnknownError(
                f"{where}: the size of image {shown!r} is unknown; pass image_sizes={{url: (width, height)}} "
                "(or detail='low' on a tile-method model, which does not depend on size)"
            )
        return image_tokens_for_spec(size[0], size[1], spec, detail=detail)
