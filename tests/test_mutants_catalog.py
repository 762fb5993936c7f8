"""A small user catalog priced by hand: tiers, long-context cliffs, dated periods, surcharges,
discounts, lookups and every refusal with its field.

Written against the mutants that survived the first mutation run (docs/testing.md, "Mutation
testing"). Rates are USD per 1,000,000 tokens: a token at $2/M costs $0.000002.
"""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from costcalc.catalog import Catalog, ModelInfo, PricePeriod, TierPrice, as_date, catalog_or_default
from costcalc.errors import (
    AmbiguousModelError,
    CatalogError,
    InvalidInputError,
    NoPriceError,
    UnknownModelError,
    UnsupportedTierError,
)
from costcalc.pricing import Rates, Usage

D = Decimal
UTC = dt.UTC


def doc() -> dict[str, Any]:
    return {
        "provider": "acme",
        "source": "https://example.com/prices",
        "checked": "2026-01-01",
        "models": [
            {
                "id": "Alpha",
                "aliases": [" Alpha-Latest "],
                "prices": [
                    {
                        # $2 in / $8 out; above 1,000 prompt tokens the whole request is $4 / $16.
                        "standard": {
                            "input": "2",
                            "output": "8",
                            "above": 1000,
                            "long": {"input": "4", "output": "16"},
                        },
                        "batch": {"input": "1", "output": "4"},
                    },
                    {"since": "2026-06-01", "standard": {"input": "1", "output": "4"}},
                ],
            },
            {
                "id": "beta",
                "kind": "embedding",
                "surcharges": {"geo_us": "1.1"},
                "prices": [{"standard": {"input": "3", "output": "6"}, "units": {"web_search_call": "0.01"}}],
            },
        ],
    }


CAT = Catalog.from_dict(doc())
JAN = "2026-01-15"


def test_the_long_context_cliff_is_strictly_above_the_threshold() -> None:
    # 1000 in x $2 + 10 out x $8 = 0.002 + 0.00008 = 0.00208.
    assert CAT.price(Usage(input_tokens=1000, output_tokens=10), "alpha", at=JAN).total == D("0.00208")
    # 1001 in: the long rates for the whole request, 1001 x $4 + 10 x $16 = 0.004004 + 0.00016.
    assert CAT.price(Usage(input_tokens=1001, output_tokens=10), "alpha", at=JAN).total == D("0.004164")
    model = CAT.get_model("alpha")
    assert model.price(Usage(input_tokens=1001, output_tokens=10), at=JAN).total == D("0.004164")
    assert model.price(Usage(input_tokens=1000, output_tokens=10), at=JAN).total == D("0.00208")
    assert model.rates(at=JAN, input_tokens=1001) == Rates(input="4", output="16")
    assert model.rates(at=JAN, input_tokens=1000) == Rates(input="2", output="8")
    assert model.tier_price(at=JAN).above == 1000


def test_dated_periods_switch_on_their_first_day_in_utc() -> None:
    usage = Usage(input_tokens=1000, output_tokens=10)
    # From 2026-06-01: 1000 x $1 + 10 x $4 = 0.001 + 0.00004 = 0.00104.
    assert CAT.price(usage, "alpha", at="2026-06-01").total == D("0.00104")
    assert CAT.price(usage, "alpha", at=dt.date(2026, 5, 31)).total == D("0.00208")
    # 01:00 at UTC+2 on June 1st is still May 31st in UTC.
    east = dt.datetime(2026, 6, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert CAT.price(usage, "alpha", at=east).total == D("0.00208")
    assert CAT.price(usage, "alpha", at=dt.datetime(2026, 6, 1, 0, 30)).total == D("0.00104")  # naive: UTC
    model = CAT.get_model("alpha")
    assert model.tiers(JAN) == ("standard", "batch")
    assert model.tiers("2026-06-01") == ("standard",)
    assert model.period("2026-06-01").since == dt.date(2026, 6, 1)
    # Batch until June: 1000 x $1 + 10 x $4 = 0.00104; then no batch tier.
    assert CAT.price(usage, "alpha", tier="batch", at=JAN).total == D("0.00104")
    with pytest.raises(UnsupportedTierError) as info:
        CAT.price(usage, "alpha", tier="batch", at="2026-06-01")
    assert (info.value.model, info.value.tier, info.value.offered) == ("alpha", "batch", ("standard",))
    with pytest.raises(UnsupportedTierError) as info:
        model.tier_price("flex", JAN)
    assert str(info.value) == "model 'alpha' has no 'flex' tier at that date; tiers offered: standard, batch"


def test_no_price_before_the_first_dated_period() -> None:
    data = doc()
    data["models"][0]["prices"][0]["since"] = "2026-01-01"
    cat = Catalog.from_dict(data)
    with pytest.raises(NoPriceError) as info:
        cat.price(Usage(input_tokens=1), "alpha", at="2025-12-31")
    assert str(info.value) == "model 'alpha' has no price before 2026-01-01; asked for 2025-12-31"
    with pytest.raises(NoPriceError) as info:
        cat.get_model("alpha").period("2025-12-31")
    assert str(info.value) == "model 'alpha' has no price before 2026-01-01; asked for 2025-12-31"
    assert cat.price(Usage(input_tokens=1000), "alpha", at="2026-01-01").total == D("0.002")
    assert cat.list_models(tier="batch") == []  # batch ended before today, and alpha has no earlier price


def test_units_and_surcharges() -> None:
    beta = CAT.get_model("beta")
    # A period-level units table applies to the tier: 3 web searches x $0.01.
    assert CAT.price(Usage(units={"web_search_call": 3}), "beta").total == D("0.03")
    assert beta.rates().units == {"web_search_call": D("0.01")}
    # US-only inference x1.1: 1000 x $3/M = 0.003, x 1.1 = 0.0033.
    assert CAT.price(Usage(input_tokens=1000), "beta", surcharges=["geo_us"]).total == D("0.0033")
    assert CAT.price(Usage(input_tokens=1000), "beta", surcharges="geo_us").total == D("0.0033")
    with pytest.raises(InvalidInputError) as info:
        CAT.price(Usage(input_tokens=1000), "beta", surcharges=["geo_eu"])
    assert (info.value.field, str(info.value)) == (
        "surcharges",
        "surcharges: 'beta' has no 'geo_eu' surcharge in the catalog (it has: geo_us)",
    )
    with pytest.raises(InvalidInputError) as info:
        CAT.price(Usage(input_tokens=1000), "alpha", surcharges=["geo_us"])
    assert str(info.value) == "surcharges: 'alpha' has no 'geo_us' surcharge in the catalog (it has: none)"


def test_price_refuses_bad_arguments_by_name() -> None:
    usage = Usage(input_tokens=1)
    cases: list[tuple[Any, str, str]] = [
        (lambda: CAT.price(usage, "alpha", tier="gold"), "tier", "unknown tier 'gold'; tiers are "),
        (lambda: CAT.price(usage, "alpha", tier=5), "tier", "a tier is a string such as 'batch', got int"),
        (
            lambda: CAT.price({"input_tokens": 1}, "alpha"),
            "usage",
            "usage must be a costcalc.Usage, got dict",
        ),
        (lambda: CAT.price(usage, 5), "model", "a model name is a string, got int"),
        (lambda: CAT.price(usage, "alpha", provider=5), "provider", "a provider is a string, got int"),
    ]
    for call, field, message in cases:
        with pytest.raises(InvalidInputError) as info:
            call()
        assert info.value.field == field
        assert str(info.value).startswith(f"{field}: {message}")
    with pytest.raises(
        InvalidInputError, match=r"^tier: unknown tier 'gold'; tiers are standard, batch, flex"
    ):
        CAT.price(usage, "alpha", tier="gold")


def test_tier_lookups() -> None:
    period = CAT.get_model("alpha").period(JAN)
    assert period.tier("flex") is None
    assert period.tier("batch") == TierPrice(rates=Rates(input="1", output="4"))
    with pytest.raises(InvalidInputError) as info:
        period.tier("gold")
    assert (info.value.field, str(info.value)) == (
        "tier",
        "tier: unknown tier 'gold'; tiers are standard, batch, flex, priority, fast",
    )


def test_names_resolve_in_any_case_with_prefixes_and_aliases() -> None:
    alpha = CAT.get_model("alpha")
    assert (alpha.id, alpha.provider, alpha.creator, alpha.aliases) == (
        "alpha",
        "acme",
        "acme",
        ("alpha-latest",),
    )
    for name in ("ALPHA", " alpha-latest ", "acme/alpha", "models/alpha", "Acme/Alpha-Latest"):
        assert CAT.get_model(name) is alpha
        assert name in CAT
    assert CAT.get_model("alpha", provider=" ACME ") is alpha
    assert "gamma" not in CAT
    assert 5 not in CAT
    with pytest.raises(UnknownModelError) as info:
        CAT.get_model("alpah")
    assert info.value.suggestions[0] == "alpha"
    with pytest.raises(UnknownModelError) as info:
        CAT.get_model("alpha", provider="other")
    assert info.value.provider == "other"
    with pytest.raises(InvalidInputError) as info:
        CAT.get_model(5)  # type: ignore[arg-type]
    assert info.value.field == "model"


def test_the_same_name_from_two_providers() -> None:
    other = {**doc(), "provider": "resale", "models": [{**doc()["models"][1], "creator": "acme"}]}
    both = Catalog.from_dict([doc(), other])
    # The maker's own entry wins an unprefixed name; the reseller's needs its prefix or provider=.
    assert both.get_model("beta").provider == "acme"
    assert both.get_model("resale/beta").provider == "resale"
    assert both.get_model("beta", provider="resale").provider == "resale"
    third = {**doc(), "provider": "third", "models": [{**doc()["models"][1], "creator": "nobody"}]}
    resold = Catalog.from_dict([other, third])
    with pytest.raises(AmbiguousModelError) as info:
        resold.get_model("beta")
    assert info.value.providers == ("resale", "third")


def test_as_date() -> None:
    assert as_date(" 2026-01-02 ") == dt.date(2026, 1, 2)
    assert as_date("2026-01-02T23:30:00-02:00") == dt.date(2026, 1, 3)  # 01:30 UTC next day
    assert as_date(dt.datetime(2026, 1, 2, 23, 30)) == dt.date(2026, 1, 2)
    assert as_date(dt.date(2026, 1, 2)) == dt.date(2026, 1, 2)
    today = as_date(None)
    assert today in {dt.datetime.now(UTC).date(), dt.datetime.now(UTC).date() - dt.timedelta(days=1)}
    with pytest.raises(InvalidInputError) as info:
        as_date("soon")
    assert (info.value.field, str(info.value)) == ("at", "at: 'soon' is not an ISO date such as '2025-06-10'")
    with pytest.raises(InvalidInputError) as info:
        as_date(5)  # type: ignore[arg-type]
    assert str(info.value) == "at: expected a date, a datetime, an ISO string or None, got int 5"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colour": 1}, "document 0: unknown top-level keys ['colour']"),
        ({"models": []}, "document 0: 'models' must be a non-empty list of model tables"),
        ({"models": {"id": "x"}}, "document 0: 'models' must be a non-empty list of model tables"),
        ({"models": [5]}, "document 0: models[0] must be a table, got int"),
        ({"prefixes": ["acme-"]}, "document 0: 'prefixes' must be a list of names ending in '/' or '.'"),
        ({"prefixes": "acme/"}, "document 0: 'prefixes' must be a list of names ending in '/' or '.'"),
        ({"qualified_only": "yes"}, "document 0: 'qualified_only' must be true or false"),
        (
            {"same_rate": {"image_input": 5}},
            "document 0: 'same_rate' maps a rate name to the rate name it equals",
        ),
        ({"same_rate": ["x"]}, "document 0: 'same_rate' maps a rate name to the rate name it equals"),
    ],
)
def test_catalog_documents_are_refused_with_the_reason(change: dict[str, Any], message: str) -> None:
    with pytest.raises(CatalogError) as info:
        Catalog.from_dict({**doc(), **change})
    assert str(info.value) == message


def test_document_level_requirements() -> None:
    no_provider = {k: v for k, v in doc().items() if k != "provider"}
    no_provider["models"] = [{**m, "provider": "acme"} for m in no_provider["models"]]
    assert len(Catalog.from_dict(no_provider)) == 2
    with pytest.raises(CatalogError, match=r"^document 0: 'prefixes' need a file-level 'provider'$"):
        Catalog.from_dict({**no_provider, "prefixes": ["a/"]})
    with pytest.raises(CatalogError, match=r"^document 0: 'qualified_only' needs a file-level 'provider'$"):
        Catalog.from_dict({**no_provider, "qualified_only": True})
    with pytest.raises(
        CatalogError, match=r"^a catalog document is a mapping \(or a list of them\), got int$"
    ):
        Catalog.from_dict(5)  # type: ignore[arg-type]
    with pytest.raises(
        CatalogError, match=r"^document 1: a catalog is a table with a 'models' list, got str$"
    ):
        Catalog.from_dict([doc(), "x"])  # type: ignore[list-item]
    with pytest.raises(CatalogError) as info:
        Catalog.from_dict({**doc(), "same_rate": {"image_input": "inputs"}})
    assert str(info.value).startswith(
        "document 0: same_rate 'image_input' = 'inputs': both must be rate names ("
    )


def test_prefixes_and_qualified_only_providers() -> None:
    cat = Catalog.from_dict({**doc(), "prefixes": ["ACME.", "a/"], "qualified_only": True})
    assert cat.get_model("acme.alpha").id == "alpha"
    assert cat.get_model("a/alpha").id == "alpha"
    assert cat.get_model("alpha", provider="acme").id == "alpha"
    with pytest.raises(UnknownModelError) as info:
        cat.get_model("alpha")  # qualified only: a bare name does not reach it
    assert "acme/alpha" in info.value.suggestions


def test_floats_are_refused_with_their_path() -> None:
    data = doc()
    data["models"][1]["prices"][0]["standard"]["input"] = 3.0
    with pytest.raises(CatalogError) as info:
        Catalog.from_dict(data)
    assert str(info.value).startswith(
        "document 0: model 'beta' is invalid:\nmodels[1].prices[0].standard.input: got the float 3.0; "
        "write rates as strings or Decimals so they stay exact"
    )


def test_same_rate_fills_missing_rates_in_tiers_and_long_tiers() -> None:
    data = {
        **doc(),
        "same_rate": {"image_input": "input"},
        "models": [
            {
                "id": "gamma",
                "prices": [
                    {
                        "standard": {
                            "input": "2",
                            "output": "8",
                            "above": 10,
                            "long": {"input": "4", "output": "8"},
                        },
                        "batch": {"input": "1", "output": "4", "image_input": "3"},
                    }
                ],
            }
        ],
    }
    gamma = Catalog.from_dict(data).get_model("gamma")
    assert gamma.rates().image_input == D(2)
    assert gamma.rates(input_tokens=11).image_input == D(4)
    assert gamma.rates("batch").image_input == D(3)  # given: kept
    assert gamma.rates().audio_input is None


def test_model_info_validation() -> None:
    base: dict[str, Any] = {"id": "x", "provider": "acme", "source": "s", "checked": "2026-01-01"}
    standard = {"standard": {"rates": {"input": "1"}}}
    with pytest.raises(ValueError, match="only the first price period may leave out 'since'"):
        ModelInfo(**base, prices=[standard, standard])
    with pytest.raises(ValueError, match=r"strictly increasing 'since' dates"):
        ModelInfo(**base, prices=[{**standard, "since": "2026-02-01"}, {**standard, "since": "2026-02-01"}])
    with pytest.raises(ValueError, match="a reasoning_profile is for reasoning models"):
        ModelInfo(**base, prices=[standard], reasoning_profile="p")
    with pytest.raises(
        ValueError, match=r"a provider is lowercase letters, digits, '_', '-' or '\.', got 'a b'"
    ):
        ModelInfo(**{**base, "provider": "a b"}, prices=[standard])
    made = ModelInfo(**{**base, "creator": " Maker "}, prices=[standard])
    assert made.creator == "maker"
    assert ModelInfo(**base, prices=[standard], tokenizer_exact=False).tokenizer == "approximate:o200k_base"
    with pytest.raises(ValueError, match="needs both 'above'"):
        TierPrice(rates=Rates(input="1"), above=10)


def test_period_units_do_not_replace_a_tiers_own() -> None:
    period = PricePeriod.model_validate(
        {
            "units": {"image": "0.04"},
            "standard": {"input": "1"},
            "batch": {"input": "1", "units": {"image": "0.02"}},
        }
    )
    assert period.standard.rates.units == {"image": D("0.04")}
    assert period.batch is not None
    assert period.batch.rates.units == {"image": D("0.02")}


def test_with_discount() -> None:
    cut = CAT.with_discount("0.25")
    # 25% off: $2 -> $1.50, $8 -> $6; long $4 -> $3; batch $1 -> $0.75.
    assert cut.get_model("alpha").rates(at=JAN) == Rates(input="1.5", output="6")
    assert cut.get_model("alpha").rates(at=JAN, input_tokens=1001) == Rates(input="3", output="12")
    assert cut.get_model("alpha").rates("batch", at=JAN) == Rates(input="0.75", output="3")
    only_batch = CAT.with_discount("0.5", tiers="batch")
    assert only_batch.get_model("alpha").rates(at=JAN) == Rates(input="2", output="8")
    assert only_batch.get_model("alpha").rates("batch", at=JAN) == Rates(input="0.5", output="2")
    only_beta = CAT.with_discount("0.5", models=["beta"])
    assert only_beta.get_model("alpha").rates(at=JAN) == Rates(input="2", output="8")
    assert only_beta.get_model("beta").rates() == Rates(
        input="1.5", output="3", units={"web_search_call": "0.005"}
    )
    by_provider = CAT.with_discount(0, providers=" ACME ")
    assert by_provider == CAT
    assert CAT.with_discount("0.000001").get_model("beta").rates().input == D("2.999997")


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"discount": "1"}, "discount", 'discount: a fraction in [0, 1) ("0.15" is 15% off), got 1'),
        ({"discount": "-0.1"}, "discount", 'discount: a fraction in [0, 1) ("0.15" is 15% off), got -0.1'),
        ({"discount": "0.0000001"}, "discount", "discount: at most 6 decimal places, got 1E-7"),
        (
            {"discount": "0.1", "providers": ["acme", "zeta"]},
            "providers",
            "providers: unknown providers ['zeta']; this catalog has acme",
        ),
        (
            {"discount": "0.1", "tiers": ["batch", "gold"]},
            "tiers",
            "tiers: unknown tiers ['gold']; tiers are standard, batch, flex, priority, fast",
        ),
        ({"discount": "0.1", "tiers": 5}, "tiers", "tiers: expected a name or a list of names, got int"),
        ({"discount": "0.1", "models": [5]}, "models", "models: expected names (strings), got int"),
        (
            {"discount": "0.1", "models": {"a": 1}},
            "models",
            "models: expected a name or a list of names, got dict",
        ),
    ],
)
def test_with_discount_refusals(kwargs: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        CAT.with_discount(**kwargs)
    assert (info.value.field, str(info.value)) == (field, message)


def test_list_models_filters() -> None:
    assert [m.id for m in CAT.list_models()] == ["alpha", "beta"]
    assert [m.id for m in CAT.list_models(" ACME ")] == ["alpha", "beta"]
    assert CAT.list_models("other") == []
    assert [m.id for m in CAT.list_models(kind="embedding")] == ["beta"]
    assert [m.id for m in CAT.list_models(tier="standard")] == ["alpha", "beta"]
    assert [m.id for m in iter(CAT)] == ["alpha", "beta"]
    for kwargs, field, message in [
        ({"provider": 5}, "provider", "provider: a provider is a string, got int"),
        ({"kind": "poem"}, "kind", "kind: unknown kind 'poem'; kinds are chat, completion, "),
        ({"tier": "gold"}, "tier", "tier: unknown tier 'gold'; tiers are standard, batch, "),
    ]:
        with pytest.raises(InvalidInputError) as info:
            CAT.list_models(**kwargs)
        assert info.value.field == field
        assert str(info.value).startswith(message)


def test_extend_replaces_and_keeps_names() -> None:
    newer = {**doc(), "models": [{"id": "alpha", "prices": [{"standard": {"input": "9", "output": "9"}}]}]}
    extended = CAT.extend(newer)
    # The replacement lists no aliases: it keeps the ones of the model it replaces.
    assert extended.get_model("alpha-latest").rates() == Rates(input="9", output="9")
    assert len(extended) == 2
    taken = {
        **doc(),
        "models": [{"id": "delta", "aliases": ["alpha-latest"], "prices": [{"standard": {"input": "5"}}]}],
    }
    moved = CAT.extend(Catalog.from_dict(taken))
    assert moved.get_model("alpha-latest").id == "delta"  # the newcomer's names win
    assert moved.get_model("alpha").aliases == ()
    with pytest.raises(InvalidInputError) as info:
        CAT.extend(5)  # type: ignore[arg-type]
    assert (info.value.field, str(info.value)) == (
        "other",
        "other: extend takes a Catalog, a catalog document or a file path, got int",
    )


def test_files(tmp_path: Path) -> None:
    json_file = tmp_path / "c.json"
    json_file.write_text(
        '{"provider": "acme", "source": "s", "checked": "2026-01-01", '
        '"models": [{"id": "f", "prices": [{"standard": {"input": 0.1}}]}]}',
        encoding="utf-8",
    )
    # JSON numbers are read as Decimals: 0.1 exactly.
    assert Catalog.from_file(json_file).get_model("f").rates().input == D("0.1")
    assert CAT.extend(str(json_file)).get_model("f").rates().input == D("0.1")
    bad = tmp_path / "c.toml"
    bad.write_text("provider = ", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"c\.toml: not valid TOML: "):
        Catalog.from_file(bad)
    bad_json = tmp_path / "d.json"
    bad_json.write_text("{", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"d\.json: not valid JSON: "):
        Catalog.from_file(bad_json)
    with pytest.raises(CatalogError, match=r"missing\.toml: cannot read the catalog file: "):
        Catalog.from_file(tmp_path / "missing.toml")
    with pytest.raises(InvalidInputError) as info:
        Catalog.from_file(5)  # type: ignore[arg-type]
    assert (info.value.field, str(info.value)) == ("path", "path: expected a path, got int")


def test_catalog_identity_pickling_and_repr() -> None:
    assert repr(CAT) == "<Catalog of 2 models>"
    assert Catalog.from_dict(doc()) == CAT
    assert Catalog.from_dict({**doc(), "models": doc()["models"][:1]}) != CAT
    assert (CAT == 5) is False
    assert pickle.loads(pickle.dumps(CAT)) == CAT
    assert copy.deepcopy(CAT) == CAT
    assert bool(Catalog([])) is True
    assert catalog_or_default(CAT) is CAT
    with pytest.raises(InvalidInputError) as info:
        catalog_or_default("acme")  # type: ignore[arg-type]
    assert (info.value.field, str(info.value)) == (
        "catalog",
        "catalog: expected a costcalc.Catalog or None, got str",
    )
    with pytest.raises(InvalidInputError) as info:
        Catalog(doc())  # type: ignore[arg-type]
    assert info.value.field == "models"
    assert str(info.value).startswith("models: a Catalog is built from ModelInfo objects, got dict; use")
    with pytest.raises(InvalidInputError) as info:
        Catalog([5])  # type: ignore[list-item]
    assert (info.value.field, str(info.value)) == ("models", "models: expected ModelInfo, got int")
    alpha = CAT.get_model("alpha")
    with pytest.raises(CatalogError, match=r"^model 'alpha' of 'acme' appears twice; use Catalog\.extend"):
        Catalog([alpha, alpha])
    twin = alpha.model_copy(update={"id": "alpha2"})
    with pytest.raises(CatalogError, match=r"^'alpha-latest' names two acme models, 'alpha' and 'alpha2'"):
        Catalog([alpha, twin])
    assert CAT.providers == ("acme",)
