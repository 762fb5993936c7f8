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
from costcalc.errors import ImageSizeUnknownError, InvalidInputError, InvalidRequestError
from costcalc.tokens.checks import shown, type_name
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

    A request that cannot be counted as billed raises :class:`InvalidRequestError`, and a bad
    plain argument :class:`InvalidInputError`; the error's ``field`` is the path of the bad value
    (``messages[2].content[0].image_url``, ``tools[0].function.parameters``, ``image_sizes``).
    """
    enc, info = encoding_for(model, catalog, warn=warn_approximate)
    if image_sizes is not None and not (isinstance(image_sizes, Mapping) or callable(image_sizes)):
        raise InvalidInputError(
            f"must be a dict {{url: (width, height)}} or a function of the URL, got {type_name(image_sizes)}",
            field="image_sizes",
        )
    if instructions is not None and not isinstance(instructions, str):
        raise InvalidRequestError(
            f"must be a string (the Responses API's system instructions), got {type_name(instructions)}",
            field="instructions",
        )
    counter = _Counter(enc, info, image_sizes)
    if isinstance(messages, str):  # Responses API: input may be a plain string
        messages = [{"role": "user", "content": messages}]
    elif isinstance(messages, Mapping | bytes | bytearray) or not isinstance(messages, Sequence):
        raise InvalidRequestError(
            "must be a list of message dicts (or, for the Responses API, a string), "
            f"got {type_name(messages)}",
            field="messages",
        )
    elif not messages:
        raise InvalidRequestError(
            "is empty, and the API rejects a request without messages; send at least one message",
            field="messages",
        )
    legacy = info.id == "gpt-3.5-turbo-0301"
    total = 0
    if instructions:
        total += TOKENS_PER_MESSAGE + counter.text("system") + counter.text(instructions)
    for i, message in enumerate(messages):
        total += counter.message(message, f"messages[{i}]", legacy=legacy)
    total += REPLY_PRIMING
    if tools is not None:
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
            raise InvalidRequestError(
                "must be a message dict such as {'role': 'user', 'content': '...'}, "
                f"got {type_name(message)}",
                field=where,
            )
        kind = message.get("type")
        if kind == "function_call":  # Responses API item
            return TOKENS_PER_MESSAGE + self._strings(message, where, ("name", "arguments"))
        if kind == "function_call_output":
            return TOKENS_PER_MESSAGE + self._strings(message, where, ("output",))
        if kind not in (None, "message"):
            raise InvalidRequestError(
                f"is a {shown(kind)} item, which costcalc cannot count; remove it or count it yourself",
                field=f"{where}.type",
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
                raise InvalidRequestError(
                    f"is a {type_name(value)}; only strings, content and tool calls are counted",
                    field=f"{where}.{key}",
                )
            if key == "name":
                total += -1 if legacy else TOKENS_PER_NAME
        return total

    def _strings(self, obj: Any, where: str, keys: tuple[str, ...]) -> int:
        if not isinstance(obj, Mapping):
            raise InvalidRequestError(f"must be a dict, got {type_name(obj)}", field=where)
        total = 0
        for key in keys:
            value = obj.get(key)
            if not isinstance(value, str):
                raise InvalidRequestError(
                    f"needs a string {key!r}, got {type_name(value)}", field=f"{where}.{key}"
                )
            total += self.text(value)
        return total

    def tool_calls(self, calls: Any, where: str) -> int:
        if isinstance(calls, str | bytes | bytearray | Mapping) or not isinstance(calls, Sequence):
            raise InvalidRequestError(f"must be a list of tool calls, got {type_name(calls)}", field=where)
        total = 0
        for i, call in enumerate(calls):
            if not isinstance(call, Mapping):
                raise InvalidRequestError(
                    f"a tool call must be a dict with a 'function', got {type_name(call)}",
                    field=f"{where}[{i}]",
                )
            total += self._strings(call.get("function"), f"{where}[{i}].function", ("name", "arguments"))
        return total

    def content(self, content: Any, where: str) -> int:
        if isinstance(content, str):
            return self.text(content)
        if isinstance(content, Mapping | bytes | bytearray) or not isinstance(content, Sequence):
            raise InvalidRequestError(
                f"must be a string or a list of parts, got {type_name(content)}", field=where
            )
        total = 0
        for i, part in enumerate(content):
            total += self.part(part, f"{where}[{i}]")
        return total

    def part(self, part: Any, where: str) -> int:
        if isinstance(part, str):
            return self.text(part)
        if not isinstance(part, Mapping):
            raise InvalidRequestError(
                "a content part must be a dict such as {'type': 'text', 'text': '...'}, "
                f"got {type_name(part)}",
                field=where,
            )
        kind = part.get("type")
        if kind in ("text", "input_text", "output_text"):
            text = part.get("text")
            if not isinstance(text, str):
                raise InvalidRequestError(
                    f"is a text part without a 'text' string (got {type_name(text)})", field=f"{where}.text"
                )
            return self.text(text)
        if kind == "refusal":
            refusal = part.get("refusal")
            if not isinstance(refusal, str):
                raise InvalidRequestError(
                    f"is a refusal part without a 'refusal' string (got {type_name(refusal)})",
                    field=f"{where}.refusal",
                )
            return self.text(refusal)
        if kind == "image_url":  # Chat: {"type": "image_url", "image_url": {"url": ..., "detail": ...}}
            image = part.get("image_url")
            if isinstance(image, str):
                return self.image(image, "auto", where)
            if not isinstance(image, Mapping) or not isinstance(image.get("url"), str):
                raise InvalidRequestError(
                    "is an image part without an image_url.url string", field=f"{where}.image_url"
                )
            detail = _detail(image.get("detail", "auto"), f"{where}.image_url.detail")
            return self.image(image["url"], detail, where)
        if kind == "input_image":  # Responses: {"type": "input_image", "image_url": ..., "detail": ...}
            url = part.get("image_url") or part.get("file_id")
            if not isinstance(url, str):
                raise InvalidRequestError(
                    "is an input_image part without an image_url (or file_id) string",
                    field=f"{where}.image_url",
                )
            return self.image(url, _detail(part.get("detail", "auto"), f"{where}.detail"), where)
        raise InvalidRequestError(
            f"is a {shown(kind)} part, which costcalc cannot count (text and image parts only)",
            field=f"{where}.type",
        )

    def image(self, url: str, detail: str, where: str) -> int:
        spec = self.info.image
        if spec is None:
            raise InvalidRequestError(
                f"costcalc has no published image-token rule for {self.info.id!r}; "
                "leave the image out or count it yourself",
                field=where,
            )
        if spec.method == "tile" and detail == "low":
            return image_tokens_for_spec(1, 1, spec, detail="low")  # the base cost; size does not matter
        size = image_size_from_data_url(url)
        if size is None and self.sizes is not None:
            if callable(self.sizes):
                size = _size(self.sizes(url), f"image_sizes({shown(url)})", where)
            else:
                size = _size(self.sizes.get(url), f"image_sizes[{shown(url)}]", where)
        if size is None:
            raise ImageSizeUnknownError(
                f"{where}: the size of image {shown(url)} is unknown; "
                "pass image_sizes={url: (width, height)} "
                "(or detail='low' on a tile-method model, which does not depend on size)"
            )
        return image_tokens_for_spec(size[0], size[1], spec, detail=detail)


def _detail(detail: Any, field: str) -> str:
    if detail not in ("low", "high", "auto"):
        raise InvalidRequestError(f"must be 'low', 'high' or 'auto', got {shown(detail)}", field=field)
    return str(detail)


def _size(size: Any, field: str, where: str) -> tuple[int, int] | None:
    """An ``image_sizes`` entry: ``None`` (unknown) or (width, height) in whole pixels > 0."""
    if size is None:
        return None
    if (
        isinstance(size, str | bytes | bytearray | Mapping)
        or not isinstance(size, Sequence)
        or len(size) != 2
        or not all(type(side) is int and side > 0 for side in size)
    ):
        raise InvalidInputError(
            f"the size of the image at {where} must be (width, height) in whole pixels > 0, "
            f"got {shown(size)}",
            field=field,
        )
    return size[0], size[1]
