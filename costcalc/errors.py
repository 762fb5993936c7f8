"""The errors costcalc raises. Each subclasses the builtin that existing ``except`` clauses expect."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AmbiguousModelError",
    "ApproximateTokenCountWarning",
    "BatchRequestError",
    "CatalogEntryError",
    "CatalogError",
    "ContextWindowExceededError",
    "CostcalcError",
    "ExportError",
    "ExportKindError",
    "ImageSizeUnknownError",
    "InvalidInputError",
    "InvalidRequestError",
    "NoPriceError",
    "UnknownModelError",
    "UnpricedUsageError",
    "UnsupportedTierError",
    "UsageParseError",
    "VocabularyError",
    "describe",
]


class CostcalcError(Exception):
    """Base class of every error raised by costcalc."""


class InvalidInputError(CostcalcError, ValueError, TypeError):
    """An argument or input value that costcalc cannot use. ``field`` names it.

    It is both a ``ValueError`` and a ``TypeError``, so ``except`` clauses written for either
    builtin still catch it.
    """

    def __init__(self, message: str, *, field: str = "") -> None:
        self.field = field
        super().__init__(f"{field}: {message}" if field else message)


class InvalidRequestError(InvalidInputError):
    """A prompt, message list, tool definition or request body that cannot be counted as billed;
    ``field`` is the path of the bad value (``messages[2].content[0].image_url``)."""


class UnknownModelError(CostcalcError, LookupError):
    """A model name that the catalog does not know. ``suggestions`` holds the closest known names."""

    def __init__(self, name: str, suggestions: Sequence[str] = (), *, provider: str | None = None) -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        self.provider = provider
        hint = (
            f"; did you mean {', '.join(repr(s) for s in self.suggestions)}?"
            if self.suggestions
            else "; costcalc.list_models() lists the known models"
        )
        where = f" for provider {provider!r}" if provider else ""
        super().__init__(
            f"unknown model {name!r}{where}{hint} (add your own with Catalog.from_file(...) or "
            "Catalog.extend(...))"
        )

    def __str__(self) -> str:
        # LookupError.__str__ would quote the message like a KeyError does.
        return str(self.args[0])


class AmbiguousModelError(CostcalcError, LookupError):
    """A model name that several providers sell, none of them its maker: say which one."""

    def __init__(self, name: str, providers: Sequence[str]) -> None:
        self.name = name
        self.providers = tuple(providers)
        super().__init__(
            f"model {name!r} is sold by {', '.join(self.providers)}: pass provider= one of them, "
            f"or prefix the name ('{self.providers[0]}/{name}')"
        )

    def __str__(self) -> str:
        return str(self.args[0])


class UnsupportedTierError(CostcalcError, ValueError):
    """A service tier that the model does not offer (never silently priced as another tier)."""

    def __init__(self, model: str, tier: str, offered: Sequence[str]) -> None:
        self.model = model
        self.tier = tier
        self.offered = tuple(offered)
        super().__init__(
            f"model {model!r} has no {tier!r} tier at that date; tiers offered: {', '.join(self.offered)}"
        )


class NoPriceError(CostcalcError, LookupError):
    """No price was in force for the model at the requested date."""

    def __str__(self) -> str:
        return str(self.args[0])


class CatalogError(CostcalcError, ValueError):
    """A catalog file or dict that does not follow the schema (the message says where)."""


class CatalogEntryError(CatalogError):
    """An entry of an imported dataset (LiteLLM's price map, genai-prices' data) that cannot be
    imported as it is: ``dataset`` names the dataset, ``key`` the entry, ``field`` the field."""

    def __init__(self, dataset: str, key: str, field: str, reason: str) -> None:
        self.dataset = dataset
        self.key = key
        self.field = field
        self.reason = reason
        super().__init__(f"{dataset} entry {key!r}: {field}: {reason}")


class VocabularyError(CostcalcError, RuntimeError):
    """A tokenizer vocabulary could not be loaded offline, or failed its SHA-256 check."""


class ContextWindowExceededError(CostcalcError, ValueError):
    """A prompt plus its requested output does not fit the model's limits."""

    def __init__(self, message: str, *, model: str, requested: int, limit: int) -> None:
        self.model = model
        self.requested = requested
        self.limit = limit
        super().__init__(message)


class ImageSizeUnknownError(CostcalcError, ValueError):
    """An image part whose pixel size cannot be known offline (a plain URL, say)."""


class ApproximateTokenCountWarning(UserWarning):
    """Token counts for a provider with no public tokenizer (Claude, Gemini) are approximations."""


class UnpricedUsageError(NoPriceError, ValueError):
    """A billable quantity with no rate for the model (audio tokens, a tool call, a unit...), or a
    field of a payload that costcalc does not know how to bill. ``field`` names the quantity or
    payload path, ``model`` the model; nothing is ever priced as another kind or left out silently.
    """

    def __init__(self, message: str, *, field: str = "", model: str | None = None) -> None:
        self.field = field
        self.model = model
        super().__init__(message)


class UsageParseError(CostcalcError, ValueError):
    """A response whose usage block is missing or malformed; ``path`` names the field."""

    def __init__(self, message: str, *, path: str = "") -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


def describe(exc: BaseException) -> str:
    """One line saying what was wrong: for a pydantic ValidationError, its first error and field."""
    errors = getattr(exc, "errors", None)
    if callable(errors) and type(exc).__name__ == "ValidationError":
        first = errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        return f"{where}: {message}" if where else message
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


class BatchRequestError(UsageParseError):
    """A batch line for a request that failed, errored, expired or was canceled: it has no usage to
    price (it is listed, never billed as zero)."""

    def __init__(self, message: str, *, custom_id: str | None, error: object) -> None:
        self.custom_id = custom_id
        self.error = error
        super().__init__(message, path="response")


class ExportError(CostcalcError, ValueError):
    """A usage or cost export (an organization Usage/Costs API page, a usage or cost report) that
    cannot be read. ``position`` says where (``page 2, bucket 3, result 1``), ``field`` names the
    field."""

    def __init__(self, message: str, *, position: str = "", field: str = "") -> None:
        self.position = position
        self.field = field
        where = ", ".join(filter(None, [position, field]))
        super().__init__(f"{where}: {message}" if where else message)


class ExportKindError(ExportError):
    """A page of another kind than the one expected (a costs page passed as usage, an object that
    is no export page at all): ``found`` says what it is, ``expected`` what was wanted."""

    def __init__(self, message: str, *, found: str, expected: str, position: str = "") -> None:
        self.found = found
        self.expected = expected
        super().__init__(message, position=position)
