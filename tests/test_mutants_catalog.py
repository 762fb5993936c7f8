"""A small user catalog priced by hand: tiers, long-context cliffs, dated periods, surcharges,
discounts, lookups and every refusal with its field.

Written against the mutants that survived the first mutation run (docs/testing.md, "Mutation
testing"). Rates are USD per 1,000,000 tokens: a token at $2/M costs $0.000002.
"""

from __future__ import annotations

import copy
import datetime as dt
import pickle
import re
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
    UnpricedUsageError,
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


def test_importer_wrappers_pass_every_argument() -> None:
    from costcalc.errors import CatalogEntryError
    from costcalc.importers import SkippedEntry

    litellm = {
        "good": {"litellm_provider": "openai", "input_cost_per_token": "0.000001"},
        "broken": {"litellm_provider": "openai", "input_cost_per_token": -1},
    }
    skipped: list[SkippedEntry] = []
    cat = Catalog.from_litellm(litellm, strict=False, checked="2026-11-20", skipped=skipped)
    good = cat.get_model("good")
    assert (good.rates().input, good.checked) == (D(1), dt.date(2026, 11, 20))  # $0.000001 a token = $1/M
    assert [(s.key, s.field) for s in skipped] == [("broken", "input_cost_per_token")]
    with pytest.raises(CatalogEntryError):
        Catalog.from_litellm(litellm)
    genai = [
        {
            "id": "acme",
            "name": "Acme",
            "api_pattern": "https://api\\.acme\\.example",
            "pricing_urls": ["https://acme.example/pricing"],
            "models": [
                {
                    "id": "good",
                    "match": {"equals": "good"},
                    "prices": {"input_mtok": "3", "output_mtok": "15"},
                },
                {
                    "id": "peak",
                    "match": {"equals": "peak"},
                    "prices": [
                        {"prices": {"input_mtok": "1"}},
                        {
                            "constraint": {"start_time": "01:00:00", "end_time": "04:00:00"},
                            "prices": {"input_mtok": "2"},
                        },
                    ],
                },
            ],
        }
    ]
    skipped = []
    cat = Catalog.from_genai_prices(genai, strict=False, checked="2026-11-21", skipped=skipped)
    good = cat.get_model("good")
    assert (good.rates().input, good.checked) == (D(3), dt.date(2026, 11, 21))
    assert [(s.key, s.field) for s in skipped] == [("acme/peak", "prices[1].constraint")]
    with pytest.raises(CatalogEntryError):
        Catalog.from_genai_prices(genai)


def test_a_fresh_default_catalog_reads_the_data_files(monkeypatch: pytest.MonkeyPatch) -> None:
    import costcalc.catalog as catalog_module

    old = catalog_module.default_catalog()
    monkeypatch.setattr(catalog_module, "_default", None)
    fresh = catalog_module.default_catalog()
    assert fresh is not old
    assert catalog_module.default_catalog() is fresh
    # One provider per data file, reasoning.toml (not a price catalog) left out.
    assert fresh.providers == (
        "anthropic",
        "azure",
        "bedrock",
        "cohere",
        "deepseek",
        "fireworks_ai",
        "google",
        "groq",
        "mistral",
        "openai",
        "openrouter",
        "perplexity",
        "together_ai",
        "vertex_ai",
        "xai",
    )
    assert fresh.get_model("openai/gpt-4o") == old.get_model("openai/gpt-4o")
    assert fresh.get_model("azure/gpt-4o").provider == "azure"


def test_module_level_lookups_pass_every_argument() -> None:
    import costcalc as cc

    assert cc.get_model("gpt-4o", provider="azure").provider == "azure"
    embeddings = cc.list_models("openai", kind="embedding")
    assert embeddings
    assert {m.kind for m in embeddings} == {"embedding"}
    flex = cc.list_models("openai", tier="flex")
    assert flex
    assert all("flex" in m.tiers() for m in flex)
    # An image-generation count on a chat model has no price: listed, not raised, with strict=False.
    cost = cc.price(Usage(input_tokens=1, units={"image": 1}), "gpt-4o", strict=False)
    assert [u.field for u in cost.unpriced] == ["units.image"]


def test_strict_is_the_default_in_both_rate_bands() -> None:
    usage = Usage(input_tokens=10, units={"image": 1})
    with pytest.raises(UnpricedUsageError):
        CAT.price(usage, "alpha", at=JAN)
    with pytest.raises(UnpricedUsageError):
        CAT.price(Usage(input_tokens=1001, units={"image": 1}), "alpha", at=JAN)
    with pytest.raises(UnpricedUsageError):
        CAT.get_model("alpha").price(usage, at=JAN)
    assert CAT.get_model("alpha").price(usage, at=JAN, strict=False).total == D("0.00002")  # 10 x $2
    # Above the threshold: 1001 x $4 = 0.004004, the image listed.
    long = CAT.price(Usage(input_tokens=1001, units={"image": 1}), "alpha", at=JAN, strict=False)
    assert (long.total, [u.field for u in long.unpriced]) == (D("0.004004"), ["units.image"])


def test_a_usage_subclass_is_a_usage() -> None:
    class Tagged(Usage):
        pass

    assert CAT.price(Tagged(input_tokens=1000), "beta").total == D("0.003")  # 1000 x $3


def test_surcharge_names_and_listing() -> None:
    data = doc()
    data["models"][1]["surcharges"] = {"geo_us": "1.1", "zone_eu": "1.2"}
    cat = Catalog.from_dict(data)
    with pytest.raises(InvalidInputError) as info:
        cat.price(Usage(input_tokens=1), "beta", surcharges=["x"])
    assert (
        str(info.value) == "surcharges: 'beta' has no 'x' surcharge in the catalog (it has: geo_us, zone_eu)"
    )
    with pytest.raises(InvalidInputError) as info:
        cat.price(Usage(input_tokens=1), "beta", surcharges=5)  # type: ignore[arg-type]
    assert (info.value.field, str(info.value)) == (
        "surcharges",
        "surcharges: expected a name or a list of names, got int",
    )
    # Both, compounded: 1000 x $3 = 0.003, x 1.1 x 1.2 = 0.00396.
    assert cat.price(Usage(input_tokens=1000), "beta", surcharges=["geo_us", "zone_eu"]).total == D("0.00396")


def test_a_model_with_no_price_today_offers_no_tier() -> None:
    data = doc()
    data["models"][1]["prices"][0]["since"] = "2099-01-01"
    cat = Catalog.from_dict(data)
    assert [m.id for m in cat.list_models(tier="standard")] == ["alpha"]


def test_unknown_names_errors_carry_the_name_provider_and_suggestions() -> None:
    with pytest.raises(UnknownModelError) as info:
        CAT.get_model("alpha", provider="zeta")
    assert (info.value.name, info.value.suggestions, info.value.provider) == ("alpha", (), "zeta")
    with pytest.raises(UnknownModelError) as info:
        CAT.get_model("acme/alpha-lates")
    assert (info.value.name, info.value.provider) == ("acme/alpha-lates", "acme")
    # Compared without the prefix and suggested with it (closest first): each resolves.
    assert info.value.suggestions == ("acme/alpha-latest", "acme/alpha")
    assert [CAT.get_model(s).provider for s in info.value.suggestions] == ["acme", "acme"]
    many = {**doc(), "models": [{**doc()["models"][1], "id": f"model-{i}"} for i in range(8)]}
    with pytest.raises(UnknownModelError) as info:
        Catalog.from_dict(many).get_model("model-")
    assert len(info.value.suggestions) == 5  # at most five
    other = {**doc(), "provider": "resale", "models": [{**doc()["models"][1], "creator": "acme"}]}
    both = Catalog.from_dict([doc(), other])
    with pytest.raises(UnknownModelError):
        both.get_model("alpha", provider="resale")  # alpha is acme's only
    third = {**doc(), "provider": "third", "models": [{**doc()["models"][1], "creator": "nobody"}]}
    with pytest.raises(AmbiguousModelError) as amb:
        Catalog.from_dict([other, third]).get_model("BETA")
    assert amb.value.name == "BETA"


def test_lookups_share_one_resolved_model_per_model() -> None:
    # A fresh catalog: the shared one's lookups may have been cached by other tests.
    cat = Catalog.from_dict(doc())
    assert cat.resolve("alpha") is cat.resolve("ALPHA")
    assert cat.resolve("alpha", provider="acme") is cat.resolve("acme/alpha")


def test_provider_prefixes_nest_four_layers_at_most() -> None:
    cat = Catalog.from_dict(doc())  # fresh: no cached lookup answers for it
    assert cat.get_model("acme/" * 4 + "alpha").id == "alpha"
    with pytest.raises(UnknownModelError):
        cat.get_model("acme/" * 5 + "alpha")


def test_file_level_defaults_reach_every_model() -> None:
    data = {**doc(), "tokenizer_exact": False, "surcharges": {"geo_us": "1.5"}}
    cat = Catalog.from_dict(data)
    alpha = cat.get_model("alpha")
    assert (alpha.tokenizer_exact, alpha.surcharges) == (False, {"geo_us": D("1.5")})
    assert cat.get_model("beta").surcharges == {"geo_us": D("1.1")}  # its own wins


def test_an_invalid_model_without_an_id_is_named_by_its_position() -> None:
    data = doc()
    del data["models"][1]["id"]
    with pytest.raises(CatalogError, match=r"^document 0: model 'models\[1\]' is invalid:\n"):
        Catalog.from_dict(data)


def test_same_rate_cannot_target_units() -> None:
    with pytest.raises(CatalogError) as info:
        Catalog.from_dict({**doc(), "same_rate": {"units": "input"}})
    assert str(info.value).startswith(
        "document 0: same_rate 'units' = 'input': both must be rate names (audio_input, audio_output, "
        "cache_write, cache_write_12h, cache_write_1h, cached_audio_input, cached_image_input, "
    )


def test_files_with_a_bom_or_without_a_suffix(tmp_path: Path) -> None:
    text = 'provider = "acme"\nsource = "s"\nchecked = 2026-01-01\n[[models]]\nid = "f"\n'
    text += '[[models.prices]]\nstandard = { input = "1" }\n'
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert Catalog.from_file(bom).get_model("f").rates().input == D(1)
    bare = tmp_path / "catalog"
    bare.write_text("provider = ", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"catalog: not valid TOML: "):
        Catalog.from_file(bare)
    invalid = tmp_path / "invalid.toml"
    invalid.write_text(text.replace('input = "1"', 'input = "-1"'), encoding="utf-8")
    with pytest.raises(CatalogError, match=rf"^{re.escape(str(invalid))}: model 'f' is invalid:\n"):
        Catalog.from_file(invalid)


def test_catalog_messages_in_full() -> None:
    with pytest.raises(InvalidInputError) as info:
        Catalog(doc())  # type: ignore[arg-type]
    assert str(info.value) == (
        "models: a Catalog is built from ModelInfo objects, got dict; use Catalog.from_dict or "
        "Catalog.from_file for data"
    )
    alpha = CAT.get_model("alpha")
    with pytest.raises(CatalogError) as err:
        Catalog([alpha, alpha.model_copy(update={"id": "alpha2"})])
    assert str(err.value) == (
        "'alpha-latest' names two acme models, 'alpha' and 'alpha2'; a name (id or alias) must name "
        "one model per provider"
    )


def test_documents_combine_their_qualified_providers() -> None:
    hidden = {**doc(), "qualified_only": True}
    other = {
        **doc(),
        "provider": "other",
        "models": [{"id": "gamma", "prices": [{"standard": {"input": "1"}}]}],
    }
    cat = Catalog.from_dict([hidden, other])
    with pytest.raises(UnknownModelError):
        cat.get_model("alpha")
    assert cat.get_model("gamma").provider == "other"


def test_extend_and_discount_keep_prefixes_and_qualified_providers() -> None:
    hidden = Catalog.from_dict({**doc(), "prefixes": ["a/"], "qualified_only": True})
    other = Catalog.from_dict(
        {**doc(), "provider": "other", "models": [{"id": "gamma", "prices": [{"standard": {"input": "1"}}]}]}
    )
    for cat in (hidden.extend(other), other.extend(hidden), hidden.with_discount("0.1")):
        assert cat.get_model("a/alpha").id == "alpha"
        with pytest.raises(UnknownModelError):
            cat.get_model("alpha")
    # A replacement that lists its aliases (even none) keeps only those.
    newer = {**doc(), "models": [{"id": "alpha", "aliases": [], "prices": [{"standard": {"input": "9"}}]}]}
    with pytest.raises(UnknownModelError):
        CAT.extend(newer).get_model("alpha-latest")


def test_discount_arguments_are_named() -> None:
    two = Catalog.from_dict(
        [
            doc(),
            {
                **doc(),
                "provider": "other",
                "models": [{"id": "gamma", "prices": [{"standard": {"input": "1"}}]}],
            },
        ]
    )
    for kwargs, field, message in [
        ({"discount": "abc"}, "discount", "discount: 'abc' is not a decimal number"),
        (
            {"discount": "0.1", "providers": 5},
            "providers",
            "providers: expected a name or a list of names, got int",
        ),
        (
            {"discount": "0.1", "providers": "zeta"},
            "providers",
            "providers: unknown providers ['zeta']; this catalog has acme, other",
        ),
    ]:
        with pytest.raises(InvalidInputError) as info:
            two.with_discount(**kwargs)
        assert (info.value.field, str(info.value)) == (field, message)
