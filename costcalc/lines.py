"""Reading JSON Lines files one object at a time, keeping every bad line with its number.

Shared by the batch files (:mod:`costcalc.batch`) and the response logs (:mod:`costcalc.logs`).
A source is a path, an open binary or text file, or an iterable of lines (``str``/``bytes``),
dicts or SDK objects. A byte order mark at the start, blank lines, lines that are not UTF-8,
not JSON or not a JSON object are handled here: blank lines are skipped, the others become a
:class:`LineError` with the line's number and the reason, and reading goes on.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, ConfigDict

from costcalc.errors import CostcalcError, describe
from costcalc.providers.base import is_map, plain

__all__ = [
    "BadLineError",
    "BatchFileError",
    "LineError",
    "Source",
    "Undecodable",
    "advancing",
    "loads",
    "numbered",
    "parse_line",
    "reason",
    "record",
    "records",
    "size_of",
]

Source = str | os.PathLike[str] | IO[str] | IO[bytes] | Iterable[Any]


class LineError(BaseModel):
    """One line that could not be used, or a request that failed, and why. ``status`` is a failed
    request's type (``failed``, ``errored``, ``expired``, ``canceled``)."""

    model_config = ConfigDict(frozen=True)

    line: int
    custom_id: str | None
    reason: str
    status: str | None = None


class BatchFileError(CostcalcError, ValueError):
    """A batch file or a log with bad lines (raised at the end when ``raise_on_error=True``, or by
    ``raise_for_errors()``), or a file that is not a batch file of the kind asked for (always
    raised)."""

    def __init__(self, errors: list[LineError], message: str | None = None) -> None:
        self.errors = errors
        if message is None:
            shown = "\n".join(f"  line {e.line}: {e.reason}" for e in errors[:20])
            more = f"\n  ... and {len(errors) - 20} more" if len(errors) > 20 else ""
            message = f"{len(errors)} bad line(s):\n{shown}{more}"
        super().__init__(message)


class BadLineError(Exception):
    """A line to record as an error (the message is the reason)."""


class Undecodable:
    """A line that could not be decoded (the source's own decoder failed on it)."""

    __slots__ = ("error",)

    def __init__(self, error: UnicodeDecodeError) -> None:
        self.error = error


def numbered(source: Source) -> Iterator[tuple[int, Any]]:
    """(line number, raw line or object) for every line of ``source``, from 1."""
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            yield from enumerate(handle, start=1)
    elif isinstance(source, io.TextIOWrapper) and _lenient(source):
        # Undecodable bytes become lone surrogates, which the JSON parser refuses line by line.
        try:
            yield from enumerate(source, start=1)
        finally:
            source.reconfigure(errors="strict")
    else:
        iterator = iter(source)
        number = 0
        while True:
            number += 1
            try:
                raw = next(iterator)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:  # a text source of another kind: it cannot go on
                yield number, Undecodable(exc)
                return
            yield number, raw


def _lenient(handle: io.TextIOWrapper) -> bool:
    """Switch a strict text handle to decode bad bytes as lone surrogates (each undecodable line
    becomes that line's error); False when it cannot be (it was read from already)."""
    if handle.errors != "strict":
        return False
    try:
        handle.reconfigure(errors="surrogateescape")
    except io.UnsupportedOperation:  # a decode error then ends the file: it is reported as such
        return False
    return True


def advancing(lines: Iterable[bytes], advance: Callable[[int], None]) -> Iterator[bytes]:
    """``lines``, calling ``advance`` with the size of each (a progress bar's)."""
    for line in lines:
        advance(len(line))
        yield line


def size_of(source: Source) -> int | None:
    """The size in bytes of a file given by its path (for a progress bar); None otherwise."""
    if isinstance(source, str | os.PathLike):
        return Path(source).stat().st_size
    return None


def loads() -> Callable[[str | bytes], Any]:
    """The fastest JSON parser at hand (orjson; the standard library's when it is missing)."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency; the stdlib still works
        import json

        return json.loads
    return orjson.loads


def records(
    source: Source, progress: bool | None, description: str, errors: list[LineError]
) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(line number, object) for each non-blank line; lines that are not objects go to ``errors``."""
    from costcalc._display import progress_bar

    parse = loads()
    with progress_bar(progress, size_of(source), description) as bar:
        advance = bar.advance
        for number, raw in numbered(source):
            advance(len(raw) if isinstance(raw, str | bytes) else 1)
            data = record(number, raw, parse, errors)
            if data is not None:
                yield number, data


def record(
    number: int, raw: Any, parse: Callable[[str | bytes], Any], errors: list[LineError]
) -> Mapping[str, Any] | None:
    """Line ``number`` (raw text, bytes or an object) as an object; None for a blank line or a bad
    one, which is added to ``errors``."""
    if type(raw) is bytes and number > 1:  # the common case, first: a line of a file
        try:
            data = parse(raw)
        except ValueError:
            pass  # blank, or not JSON: parse_line says which
        else:
            if type(data) is dict:
                return data
    try:
        return parse_line(raw, parse, first=number == 1)
    except BadLineError as exc:
        errors.append(LineError(line=number, custom_id=None, reason=str(exc)))
        return None


def parse_line(raw: Any, parse: Callable[[str | bytes], Any], *, first: bool) -> Mapping[str, Any] | None:
    """One line as an object: None for a blank line, :class:`BadLineError` for anything but an object."""
    if isinstance(raw, str | bytes):
        if first:  # a byte order mark some editors write at the start of a UTF-8 file
            raw = raw.removeprefix(b"\xef\xbb\xbf") if isinstance(raw, bytes) else raw.removeprefix("\ufeff")
        if not raw.strip():
            return None
        try:
            data = parse(raw)
        except ValueError as exc:
            data = _wide_numbers(raw, exc)
    elif isinstance(raw, Undecodable):
        raise BadLineError(f"not valid text: {raw.error}; the lines after it could not be read")
    else:
        try:
            data = plain(raw)
        except CostcalcError as exc:
            raise BadLineError(describe(exc)) from None
    if not is_map(data):
        raise BadLineError(f"a line must be a JSON object, got {type(data).__name__}")
    return data


def _wide_numbers(raw: str | bytes, exc: ValueError) -> Any:
    """A line refused by orjson only for a number beyond a double's range (``1e999``: valid
    JSON, which orjson cannot hold) is read by the standard library's parser, the number as an
    infinity (a count or an amount there is then refused by name; in the text of an answer it is
    nothing to price). Any other fault is the line's :class:`BadLineError`."""
    if "number is infinity" not in str(exc):
        raise BadLineError(_not_json(raw, exc)) from None
    import json

    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not JSON")

    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        data = json.loads(text, parse_constant=refuse)
        json.dumps(data, ensure_ascii=False).encode("utf-8")  # no lone surrogate anywhere
    except (ValueError, RecursionError):
        raise BadLineError(_not_json(raw, exc)) from None
    return data


def _not_json(raw: str | bytes, exc: ValueError) -> str:
    if isinstance(raw, bytes):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as bad:
            return f"not valid UTF-8: byte {raw[bad.start]:#04x} at position {bad.start}"
    elif not raw.isascii() and any("\udc80" <= c <= "\udcff" for c in raw):
        return "not valid UTF-8 (the text handle could not decode this line)"
    return f"invalid JSON: {exc}"


def reason(exc: Exception) -> str:
    """One line for an error on a line; an unexpected kind of error says what it was."""
    text = describe(exc)
    if isinstance(exc, BadLineError | CostcalcError | ValueError | LookupError | TypeError | ArithmeticError):
        return text
    return f"{type(exc).__name__}: {text}"
