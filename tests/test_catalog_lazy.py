"""The built-in catalog parses a model's data the first time a name needs it, and answers every
question exactly as a catalog validated all at once does."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from importlib import resources

import pytest

import costcalc as cc
from costcalc.catalog import Catalog, _DataFile

FILES = [
    (f"costcalc/data/{e.name}", e.read_text(encoding="utf-8"))
    for e in sorted((resources.files("costcalc") / "data").iterdir(), key=lambda e: e.name)
    if e.name.endswith(".toml") and e.name not in {"reasoning.toml", "tokenizers.toml"}
]
EAGER = Catalog.from_dict([tomllib.loads(text, parse_float=Decimal) for _, text in FILES])


def fresh() -> Catalog:
    return Catalog._lazy([_DataFile(origin, text) for origin, text in FILES])


def test_every_name_is_written_quoted_in_its_own_block() -> None:
    # The lookup reads only the blocks whose text holds '"name"': every id and alias must be there.
    for origin, text in FILES:
        for chunk in _DataFile(origin, text).chunks:
            for m in chunk.models():
                for name in (m.id, *m.aliases):
                    assert f'"{name}"' in chunk.lowered, (origin, name)


def test_a_lookup_parses_only_the_blocks_it_needs() -> None:
    cat = fresh()
    total = len(cat._pending)
    assert total == len(EAGER) > 600
    assert cat.get_model("o4-mini").provider == "openai"
    # o4-mini's own block (azure sells it too, but azure names resolve only with a prefix).
    assert len(cat._by_key) == 1
    assert cat.get_model("azure/o4-mini").provider == "azure"
    assert cat.get_model("openai/gpt-5.5", provider="openrouter").provider == "openrouter"
    assert cat.providers == EAGER.providers  # known from the files' headers, nothing parsed
    assert len(cat._by_key) == 3
    assert len(cat) == len(EAGER)  # counting needs every model
    assert not cat._pending


@pytest.mark.parametrize("provider", [None, *EAGER.providers])
def test_lazy_lookups_resolve_like_the_eager_catalog(provider: str | None) -> None:
    cat = fresh()
    for m in EAGER.list_models(provider):
        for name in (m.id, *m.aliases, f"{m.provider}/{m.id}", f"models/{m.id}"):
            try:
                want: object = EAGER.get_model(name, provider).key
            except (cc.UnknownModelError, cc.AmbiguousModelError) as exc:
                want = type(exc)
            try:
                got: object = cat.get_model(name, provider).key
            except (cc.UnknownModelError, cc.AmbiguousModelError) as exc:
                got = type(exc)
            assert got == want, name


def test_lazy_catalog_errors_and_whole_catalog_operations_match() -> None:
    cat = fresh()
    with pytest.raises(cc.UnknownModelError) as lazy:
        cat.get_model("gpt-4.2-mini")
    with pytest.raises(cc.UnknownModelError) as eager:
        EAGER.get_model("gpt-4.2-mini")
    assert lazy.value.suggestions == eager.value.suggestions
    assert [m.key for m in fresh().list_models("bedrock")] == [m.key for m in EAGER.list_models("bedrock")]
    assert (
        len(
            fresh().extend(
                {
                    "provider": "acme",
                    "source": "https://acme.example/p",
                    "checked": "2026-01-01",
                    "models": [{"id": "a", "prices": [{"standard": {"input": 1}}]}],
                }
            )
        )
        == len(EAGER) + 1
    )
    assert fresh().with_discount("0.5", providers="openai").get_model("gpt-4o").rates().input == Decimal(
        "1.25"
    )


def test_a_broken_block_is_reported_when_it_is_read() -> None:
    bad = _DataFile(
        "x.toml",
        'provider = "acme"\nsource = "https://a.example"\nchecked = 2026-01-01\n'
        '[[models]]\nid = "ok"\n[[models.prices]]\nstandard = { input = 1 }\n'
        '[[models]]\nid = "broken"\n[[models.prices]]\nstandard = { input = -1 }\n',
    )
    cat = Catalog._lazy([bad])
    assert cat.get_model("ok").id == "ok"
    with pytest.raises(cc.CatalogError, match="broken"):
        cat.get_model("broken")
    with pytest.raises(cc.CatalogError, match="provider"):
        _DataFile("y.toml", "[[models]]\nid = 'x'\n")
    with pytest.raises(cc.CatalogError, match="non-empty"):
        _DataFile("z.toml", 'provider = "acme"\n')
    with pytest.raises(cc.CatalogError, match="before its first"):
        _DataFile("w.toml", 'provider = "acme\n[[models]]\n')
