"""Regression tests for the hostile-input findings on the money paths: each failed before its fix."""

from __future__ import annotations

import datetime as dt
import decimal
import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

import costcalc as cc

D = Decimal


def acme(**model: Any) -> dict[str, Any]:
    entry = {"id": "acme-1", "prices": [{"standard": {"input": "1", "output": "2"}}], **model}
    return {"provider": "acme", "source": "https://acme.example", "checked": "2026-11-01", "models": [entry]}


# -- wrong money ---------------------------------------------------------------------------------------


def test_a_usage_copy_is_validated_like_a_new_usage() -> None:
    usage = cc.Usage(input_tokens=1_000, output_tokens=10)
    with pytest.raises(ValueError, match="greater than or equal to 0"):
        usage.model_copy(update={"input_tokens": -(10**6)})
    with pytest.raises(ValueError, match="exceed input_tokens"):
        usage.model_copy(update={"cached_input_tokens": 2_000})
    with pytest.raises(ValueError, match="less than or equal to"):
        usage.model_copy(update={"output_tokens": 10**20})
    with pytest.raises(ValueError, match="greater than or equal to 0"):
        cc.Usage.model_construct(input_tokens=-5)


def test_unknown_snapshot_suffixes_are_not_priced_as_the_base_model() -> None:
    # gpt-3.5-turbo-0301 has its own (legacy) price: 1.50 / 2.00 per 1M, not gpt-3.5-turbo's.
    legacy = cc.get_model("gpt-3.5-turbo-0301")
    assert legacy.id == "gpt-3.5-turbo-0301"
    usage = cc.Usage(input_tokens=1_000_000, output_tokens=1_000_000)
    assert cc.price(usage, "gpt-3.5-turbo-0301").total == D("3.5")
    for invented in ("o3-999", "gpt-4.1-mini-123", "text-embedding-3-small-001", "gpt-4o-2099-01-01"):
        with pytest.raises(cc.UnknownModelError):
            cc.get_model(invented)


def test_discount_filters_are_validated() -> None:
    cat = cc.default_catalog()
    usage = cc.Usage(input_tokens=1_000_000)
    # A string is one provider, not its letters: 2 x 0.9 = 1.8 for gpt-4.1.
    assert cat.with_discount("0.1", providers="openai").price(usage, "gpt-4.1").total == D("1.8")
    assert cat.with_discount("0.1", providers=["OpenAI"]).price(usage, "gpt-4.1").total == D("1.8")
    with pytest.raises(cc.InvalidInputError, match="unknown providers") as info:
        cat.with_discount("0.1", providers=["opneai"])
    assert info.value.field == "providers"
    with pytest.raises(cc.InvalidInputError, match="6 decimal places"):
        cat.with_discount("0.1234567")


def test_two_models_sharing_an_alias_are_refused() -> None:
    doc = acme(aliases=["shared"])
    doc["models"].append({"id": "acme-2", "aliases": ["shared"], "prices": [{"standard": {"input": "100"}}]})
    with pytest.raises(cc.CatalogError, match="'shared' names two acme models"):
        cc.Catalog.from_dict(doc)


def test_provider_names_are_normalised() -> None:
    doc = acme()
    doc["provider"] = "ACME"
    cat = cc.Catalog.from_dict(doc)
    assert [m.provider for m in cat.list_models("ACME")] == ["acme"]
    # 1,000,000 x 1 per 1M, half off: 0.5
    half = cat.with_discount("0.5", providers=["Acme"])
    assert half.price(cc.Usage(input_tokens=10**6), "acme-1").total == D("0.5")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"context_window": "128000"}, "context_window"),
        ({"reasoning": "no"}, "reasoning"),
        ({"max_output_tokens": 1.5}, "float"),
        ({"prices": [{"standard": {"input": "1", "above": True, "long": {"input": "2"}}}]}, "above"),
        ({"prices": [{"standard": {"input": "0." + "1" * 200}}]}, "price|characters"),
        ({"prices": [{"standard": {"input": "1E+999990"}}]}, "below"),
        ({"prices": [{"standard": {"input": "1E-30"}}]}, "decimal places"),
        ({"prices": [{"standard": {}}]}, "at least one"),
        ({"provider": "a b"}, "provider"),
    ],
)
def test_catalog_data_is_not_coerced(change: dict[str, Any], message: str) -> None:
    with pytest.raises(cc.CatalogError, match=message):
        cc.Catalog.from_dict(acme(**change))


def test_catalog_constructors_refuse_non_documents() -> None:
    with pytest.raises(cc.CatalogError, match="mapping"):
        cc.Catalog.from_dict(None)  # type: ignore[arg-type]
    with pytest.raises(cc.InvalidInputError, match="extend takes"):
        cc.default_catalog().extend(None)  # type: ignore[arg-type]
    with pytest.raises(cc.InvalidInputError, match="ModelInfo"):
        cc.Catalog("not models")  # type: ignore[arg-type]


# -- silent fallbacks ----------------------------------------------------------------------------------


def test_an_empty_catalog_is_not_swapped_for_the_builtin_one() -> None:
    empty = cc.Catalog([])
    assert len(empty) == 0
    assert empty  # a catalog, even empty
    with pytest.raises(cc.UnknownModelError):
        empty.price(cc.Usage(), "gpt-4o")
    with pytest.raises(cc.UnknownModelError):
        cc.price_response(
            {
                "object": "chat.completion",
                "model": "gpt-4o",
                "usage": {"prompt_tokens": 1, "completion_tokens": 1},
            },
            catalog=empty,
        )


@pytest.mark.parametrize("bad", ["not a date", True, 12345, 1.5, ["2025-01-01"]])
def test_bad_dates_are_refused_even_for_a_price_that_never_changed(bad: Any) -> None:
    assert len(cc.get_model("gpt-4o-mini").prices) == 1
    with pytest.raises(cc.InvalidInputError) as info:
        cc.price(cc.Usage(input_tokens=1), "gpt-4o-mini", at=bad)
    assert info.value.field == "at"


def test_model_names_must_be_strings() -> None:
    for bad in (["gpt-4o"], 5, None, b"gpt-4o"):
        with pytest.raises(cc.InvalidInputError, match="string") as info:
            cc.price(cc.Usage(), model=bad)  # type: ignore[arg-type]
        assert info.value.field == "model"


# -- rounding and display ------------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "message"), [(1.5, "float"), ("NaN", "finite"), (object(), "expected")])
def test_round_to_refuses_what_is_not_an_amount(amount: Any, message: str) -> None:
    with pytest.raises(cc.InvalidInputError, match=message):
        cc.round_to(amount, rounding=ROUND_HALF_UP)


def test_round_to_takes_exact_text_and_any_step() -> None:
    assert cc.round_to("1.005", rounding=ROUND_HALF_UP) == D("1.01")  # type: ignore[arg-type]
    assert cc.round_to(D("0.000000123"), "1E-250", rounding=ROUND_HALF_UP) == D("0.000000123")
    with pytest.raises(cc.InvalidInputError, match="too small"):
        cc.round_to(D("1E+900"), "1E-250", rounding=ROUND_HALF_UP)
    with pytest.raises(cc.InvalidInputError, match="rounding mode"):
        cc.round_to(D(1), rounding="up")
    cost = cc.price(cc.Usage(input_tokens=3), "gpt-4o")
    assert cost.quantize("1E-250", rounding=ROUND_HALF_UP).total == D("0.0000075")


def test_small_amounts_are_shown_as_plain_decimals() -> None:
    cost = cc.price(cc.Usage(input_tokens=1), "text-embedding-3-small")  # 1 x 0.02 per 1M
    assert cost.total == D("2E-8")
    assert str(cost) == "$0.00000002 text-embedding-3-small (standard)"
    data = json.loads(cost.model_dump_json())
    assert data["total"] == "0.00000002"
    assert data["rates"]["input"] == "0.02"
    assert "$0.00000002" in cost._repr_html_()


# -- context independence ------------------------------------------------------------------------------


def test_calibrate_ignores_the_callers_decimal_context() -> None:
    usages = [
        cc.Usage(input_tokens=100, output_tokens=100 + i, reasoning_tokens=37 * i % 100) for i in range(40)
    ]
    reference = cc.calibrate(usages, model="o4-mini")
    with decimal.localcontext() as ctx:
        ctx.prec = 3
        ctx.traps[decimal.Inexact] = True
        ctx.traps[decimal.Rounded] = True
        assert cc.calibrate(usages, model="o4-mini").bands == reference.bands


def test_calibrate_refuses_bad_arguments_by_name() -> None:
    with pytest.raises(cc.InvalidInputError) as info:
        cc.calibrate([], model="o4-mini", min_observations=0)
    assert info.value.field == "min_observations"
    with pytest.raises(cc.NotEnoughDataError):
        cc.calibrate([], model="o4-mini", min_observations=1)
    assert issubclass(cc.NotEnoughDataError, cc.CostcalcError)
    with pytest.raises(cc.InvalidInputError) as info:
        cc.calibrate([{"reasoning_tokens": 1}], model="o4-mini")  # type: ignore[list-item]
    assert info.value.field == "usages[0]"


def test_money_is_the_same_under_every_context() -> None:
    usage = cc.Usage(input_tokens=123_457, cached_input_tokens=3, output_tokens=7)
    reference = cc.price(usage, "gpt-4o-mini", at=dt.date(2026, 11, 25))
    with decimal.localcontext(decimal.Context(prec=2, rounding=decimal.ROUND_FLOOR, traps=[decimal.Inexact])):
        assert cc.price(usage, "gpt-4o-mini", at=dt.date(2026, 11, 25)) == reference


def test_the_billing_example_reports_bad_lines_and_prices_the_good_ones(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "price_log_example", Path(__file__).parents[1] / "examples" / "price_log.py"
    )
    assert spec is not None
    assert spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    log = tmp_path / "log.jsonl"
    log.write_bytes(
        b'[1, 2]\n{"model": 5, "usage": {"input_tokens": 1}}\n\xff\xfe\n'
        b'{"request_id": "r1", "model": "gpt-4o", "usage": {"input_tokens": 1000}}\n'
    )
    assert example.main(str(log)) == 1
    out, err = capsys.readouterr()
    # 1,000 x 2.50 per 1M = 0.0025
    assert "1 priced, 3 refused; total $0.0025" in out
    assert "line 1: a line must be a JSON object" in err
    assert "line 2: model:" in err
    assert "line 3: not UTF-8" in err
