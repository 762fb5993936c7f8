"""What the fast line readers share (``openai_lines``, ``anthropic_lines``, ``gemini_lines``).

A line reader decodes the bytes of one log line with a msgspec schema of a plain response of its
shape: every key of the response and of its usage block is declared (``forbid_unknown_fields``),
so a key the schema does not list (another shape's, a vendor's mark, a new billable field) makes
the line fall back to the full reader, as does any value of another type or out of range. Values
nobody reads (the text of the answer) are skipped, not built. What a reader returns is exactly
what the provider's ``fast_read`` gives for the parsed line (tested line by line), plus its id.

Imported only by :func:`costcalc.providers.line_reader`: msgspec is loaded when a log is priced,
not with the package.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Final, TypeVar

import msgspec

from costcalc.pricing import MAX_TOKENS
from costcalc.providers.base import FastReading

__all__ = ["FAILED", "SKIP", "LineReading", "Part", "Struct", "Tokens", "Zero", "decoder"]

#: The line's id (``id``, else Gemini's ``responseId``) and its
#: :data:`~costcalc.providers.base.FastReading`.
LineReading = tuple[str | None, FastReading]

#: A token count as the full readers accept it: a whole number 0..MAX_TOKENS (not a bool, not a float).
Tokens = Annotated[int, msgspec.Meta(ge=0, le=MAX_TOKENS)]
#: A count that must be zero (or null) for the line to be plain: audio, images, web searches.
Zero = Annotated[int, msgspec.Meta(ge=0, le=0)]
#: The default of a value that is skipped, never read.
SKIP: Final = msgspec.Raw()

T = TypeVar("T")

#: What a decoder raises for a line that does not fit its schema.
FAILED: Final = (msgspec.MsgspecError, RecursionError)


class Struct(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """A schema of a JSON object: keys it does not declare are refused. (Decoded objects hold no
    cycles: the garbage collector need not track them.)"""


class Part(msgspec.Struct, gc=False):
    """A schema of a nested object of which only some keys are read; the others are skipped."""


def decoder(schema: type[T]) -> Callable[[bytes], T]:
    """A function decoding a line into ``schema``; it raises one of :data:`FAILED` when the line
    does not fit it (or is not JSON, or nests too deeply), which sends the line to the full
    reader."""
    return msgspec.json.Decoder(schema).decode
