"""price_reading on hand-built readings and a small catalog: model, provider and creator checks,
tier and date choice, alternatives, parts, surcharges, unpriced numbers and reported costs.

Written against the mutants that survived the first mutation run (docs/testing.md, "Mutation
testing"). Rates are USD per 1,000,000 tokens: a token at $2/M costs $0.000002.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

import costcalc as cc
from costcalc.catalog import Catalog
from costcalc.errors import UnknownModelError, UnpricedUsageError, UsageParseError
from costcalc.pricing import Unpriced, Usage
from costcalc.providers.base import Part, Reading
from costcalc.responses import price_reading, usage_from_response

D = Decimal
UTC = dt.UTC

CAT = Catalog.from_dict(
    [
        {
            "provider": "acme",
            "source": "https://example.com/prices",
            "checked": "2026-01-01",
            "models": [
                {
                    "id": "chat1",
                    "surcharges": {"geo_us": "1.1"},
                    "prices": [
                        {
                            # $2 in, $0.50 cached, $8 out; cached audio $0.10. Batch half.
                            "standard": {
                                "input": "2",
                                "cached_input": "0.5",
                                "cached_audio_input": "0.1",
                                "output": "8",
                            },
                            "batch": {"input": "1", "cached_input": "0.25", "output": "4"},
                        },
                        {
                            "since": "2026-06-01",
                            "standard": {"input": "1", "cached_input": "0.5", "output": "4"},
                        },
                    ],
                },
                # An image model sold only at standard: $5 in, $40 out.
                {"id": "img1", "prices": [{"standard": {"input": "5", "output": "40"}}]},
            ],
        },
        {
            "provider": "other",
            "source": "https://example.org/prices",
            "checked": "2026-01-01",
            "models": [{"id": "chat2", "prices": [{"standard": {"input": "3", "output": "3"}}]}],
        },
    ]
)
JAN = dt.datetime(2026, 1, 15, tzinfo=UTC)
# 1000 in, 500 out at chat1's January standard rates: 1000 x $2 + 500 x $8 = 0.002 + 0.004 = 0.006.
USAGE = Usage(input_tokens=1000, output_tokens=500)


def reading(**kwargs: Any) -> Reading:
    values: dict[str, Any] = {
        "usage": USAGE,
        "shape": "acme.chat",
        "creator": None,
        "model": "chat1",
        "at": JAN,
    }
    return Reading(**{**values, **kwargs})


def priced(r: Reading, **kwargs: Any) -> cc.Cost:
    return price_reading(r, catalog=CAT, **kwargs)


def test_model_tier_and_date_come_from_the_reading_unless_given() -> None:
    assert priced(reading()).total == D("0.006")
    assert priced(reading()).tier == "standard"
    # Batch: 1000 x $1 + 500 x $4 = 0.003.
    assert priced(reading(tier="batch")).total == D("0.003")
    assert priced(reading(tier="batch"), tier="standard").total == D("0.006")
    # From June: 1000 x $1 + 500 x $4 = 0.003; at= wins over the reading's time.
    assert priced(reading(at=dt.datetime(2026, 6, 2, tzinfo=UTC))).total == D("0.003")
    assert priced(reading(at=dt.datetime(2026, 6, 2, tzinfo=UTC)), at="2026-01-02").total == D("0.006")
    # model= wins over the reading's model: chat2 at $3/$3, 1500 x $3 = 0.0045.
    assert priced(reading(), model="chat2").total == D("0.0045")
    assert priced(reading(model=None), model="chat1").model == "chat1"


def test_a_reading_without_a_model_is_refused_by_name() -> None:
    with pytest.raises(UsageParseError) as info:
        priced(reading(model=None))
    assert (info.value.path, str(info.value)) == ("model", "model: the response names no model; pass model=")
    with pytest.raises(UsageParseError):
        priced(reading(model=""))


def test_provider_must_match_the_payloads_biller() -> None:
    r = reading(provider="acme")
    assert priced(r, provider=" ACME ").total == D("0.006")
    with pytest.raises(UsageParseError) as info:
        priced(r, provider="other")
    assert (info.value.path, str(info.value)) == (
        "provider",
        "provider: a acme.chat payload is billed by acme, but provider='other'; "
        "pass shape= to read it as another provider's",
    )
    # The payload's biller picks the provider when the caller names none: chat2 is not acme's.
    with pytest.raises(UnknownModelError):
        priced(reading(provider="acme", model="chat2"))
    assert priced(reading(model="chat2"), provider="other").total == D("0.0045")


def test_a_payload_of_one_makers_shape_is_not_priced_as_anothers_model() -> None:
    assert priced(reading(creator="acme")).total == D("0.006")
    with pytest.raises(UsageParseError) as info:
        priced(reading(creator="acme", model="chat2"))
    assert (info.value.path, str(info.value)) == (
        "model",
        "model: a acme.chat payload names 'chat2', a model of other; a payload of one provider's "
        "shape is not priced at another provider's rates (pass the right model= or shape=)",
    )


def test_unpriced_numbers_are_refused_or_listed() -> None:
    items = (Unpriced("usage.odd", 7, "unknown"), Unpriced("usage.odder", 8, "unknown too"))
    with pytest.raises(UnpricedUsageError) as info:
        priced(reading(unpriced=items))
    assert (info.value.field, info.value.model, str(info.value)) == (
        "usage.odd",
        "chat1",
        "usage.odd: unknown (and 1 more)",
    )
    with pytest.raises(UnpricedUsageError) as info:
        priced(reading(unpriced=items[:1]))
    assert str(info.value) == "usage.odd: unknown"
    cost = priced(reading(unpriced=items), strict=False)
    assert (cost.total, cost.unpriced) == (D("0.006"), items)


def test_alternatives_that_price_differently_are_refused_or_listed() -> None:
    # 100 cached tokens: text at $0.50 (0.00005) or audio at $0.10 (0.00001); 900 uncached at $2.
    text = Usage(input_tokens=1000, cached_input_tokens=100, output_tokens=500)
    audio = Usage(
        input_tokens=1000, cached_input_tokens=100, cached_audio_input_tokens=100, output_tokens=500
    )
    # text: 900 x 2 + 100 x 0.5 + 500 x 8 = 0.0018 + 0.00005 + 0.004 = 0.00585; audio: 0.00581.
    reason = (
        "the payload does not say how many cached tokens are audio/image/video, and they are priced "
        "differently: the cost is between 0.00581 and 0.00585"
    )
    with pytest.raises(UnpricedUsageError) as info:
        priced(reading(usage=text, alternatives=(audio,)))
    assert (info.value.field, info.value.model, str(info.value)) == ("cached_input_tokens", "chat1", reason)
    cost = priced(reading(usage=text, alternatives=(audio,)), strict=False)
    assert cost.total == D("0.00585")
    assert cost.unpriced == (Unpriced("cached_input_tokens", 100, reason),)
    # An alternative that prices the same is no doubt at all.
    assert priced(reading(usage=text, alternatives=(text,))).unpriced == ()


def test_parts_are_priced_at_their_own_models_rates() -> None:
    # 10 in x $5 + 100 out x $40 = 0.00005 + 0.004 = 0.00405, as fees.
    part = Part("image_generation", Usage(input_tokens=10, output_tokens=100), "img1")
    cost = priced(reading(parts=(part,)))
    assert (cost.fees, cost.total) == (D("0.00405"), D("0.01005"))
    assert [line.name for line in cost.extra_lines] == ["image_generation: input", "image_generation: output"]
    # A batch response: img1 has no batch tier, so its part is at standard; the rest at batch (0.003).
    assert priced(reading(parts=(part,), tier="batch")).total == D("0.00705")
    # The image model of another provider, found by its own name.
    other = Part("image_generation", Usage(input_tokens=10), "chat2")
    assert priced(reading(parts=(other,))).fees == D("0.00003")  # 10 x $3


def test_a_part_that_cannot_be_priced_is_refused_or_listed() -> None:
    part = Part("image_generation", Usage(input_tokens=10, output_tokens=100), "nope")
    with pytest.raises(UnpricedUsageError) as info:
        priced(reading(parts=(part,)))
    assert (info.value.field, info.value.model) == ("image_generation", "nope")
    assert str(info.value).startswith(
        "the response bills image_generation tokens at 'nope''s rates, which cannot be priced: "
    )
    cost = priced(reading(parts=(part,)), strict=False)
    assert cost.total == D("0.006")
    assert len(cost.unpriced) == 1
    assert cost.unpriced[0][:2] == ("image_generation", 110)  # 10 + 100 tokens
    assert cost.unpriced[0].reason.startswith("unknown model 'nope'")


def test_surcharges_the_payload_asks_for() -> None:
    # US-only inference x1.1: 0.006 x 1.1 = 0.0066.
    assert priced(reading(surcharges=("geo_us",))).total == D("0.0066")
    reason = (
        "the payload asks for 'geo_eu', but the catalog has no such surcharge for 'chat1' (add it to "
        "the model's surcharges, or pass strict=False)"
    )
    with pytest.raises(UnpricedUsageError) as info:
        priced(reading(surcharges=("geo_eu",)))
    assert (info.value.field, info.value.model, str(info.value)) == ("geo_eu", "chat1", reason)
    cost = priced(reading(surcharges=("geo_eu", "geo_us")), strict=False)
    assert cost.total == D("0.0066")
    assert cost.unpriced == (Unpriced("geo_eu", 1, reason),)


def test_the_reported_cost_is_kept() -> None:
    assert priced(reading(reported_cost=D("0.0061"))).reported_cost == D("0.0061")
    assert priced(reading()).reported_cost is None


def test_usage_from_response_refuses_what_it_cannot_hold() -> None:
    payload = {"model": "gpt-4o", "usage": {"prompt_tokens": 10, "completion_tokens": 5, "surprise": 3}}
    with pytest.raises(UnpricedUsageError) as info:
        usage_from_response(payload)
    assert info.value.field == "usage.surprise"
    assert info.value.model == "gpt-4o"
    assert usage_from_response(payload, strict=False) == Usage(input_tokens=10, output_tokens=5)


def test_usage_from_response_refuses_parts_at_another_models_rates(monkeypatch: pytest.MonkeyPatch) -> None:
    part = Part("image_generation", Usage(input_tokens=10), "img1")
    monkeypatch.setattr("costcalc.responses.read", lambda payload, shape, provider: reading(parts=(part,)))
    with pytest.raises(UnpricedUsageError) as info:
        usage_from_response({})
    assert (info.value.field, info.value.model, str(info.value)) == (
        "image_generation",
        "img1",
        "the response also bills image_generation tokens at 'img1''s rates, which a Usage of one model "
        "cannot hold; price it with price_response (or pass strict=False)",
    )
    assert usage_from_response({}, strict=False) == USAGE


# beta is acme's ($3 in / $6 out, a US-only surcharge) and resold by resale ($4 / $8, no surcharge);
# img2 is acme's at $5 / $40 and resale's at $10 / $80.
TWO = Catalog.from_dict(
    [
        {
            "provider": "acme",
            "source": "https://example.com/prices",
            "checked": "2026-01-01",
            "models": [
                {
                    "id": "beta",
                    "surcharges": {"geo_us": "1.1"},
                    "prices": [
                        {"standard": {"input": "3", "output": "6"}, "batch": {"input": "3", "output": "6"}}
                    ],
                },
                {"id": "img2", "prices": [{"standard": {"input": "5", "output": "40"}}]},
            ],
        },
        {
            "provider": "resale",
            "source": "https://example.org/prices",
            "checked": "2026-01-01",
            "models": [
                {
                    "id": "beta",
                    "creator": "acme",
                    "prices": [
                        {"standard": {"input": "4", "output": "8"}, "batch": {"input": "2", "output": "4"}}
                    ],
                },
                {"id": "img2", "creator": "acme", "prices": [{"standard": {"input": "10", "output": "80"}}]},
            ],
        },
    ]
)


def two(r: Reading, **kwargs: Any) -> cc.Cost:
    return price_reading(r, catalog=TWO, **kwargs)


def test_the_provider_chooses_the_rates_everywhere() -> None:
    # 1000 in x $4 + 500 out x $8 at resale = 0.004 + 0.004 = 0.008; at acme 0.003 + 0.003 = 0.006.
    assert two(reading(model="beta")).total == D("0.006")
    assert two(reading(model="beta"), provider="resale").total == D("0.008")
    assert two(reading(model="beta", provider="resale")).total == D("0.008")
    # An alternative reading that prices the same at resale's batch rates: no doubt.
    same = reading(model="beta", provider="resale", tier="batch", alternatives=(USAGE,))
    assert two(same).total == D("0.004")  # 1000 x $2 + 500 x $4
    # The part's model as the same provider sells it: 10 in x $10 + 100 out x $80 = 0.0081.
    part = Part("image_generation", Usage(input_tokens=10, output_tokens=100), "img2")
    assert two(reading(model="beta", provider="resale", parts=(part,))).fees == D("0.0081")
    # ...and at acme: 10 x $5 + 100 x $40 = 0.00405.
    assert two(reading(model="beta", parts=(part,))).fees == D("0.00405")
    # resale publishes no US-only surcharge for beta, acme does.
    with pytest.raises(UnpricedUsageError) as info:
        two(reading(model="beta", surcharges=("geo_us",)), provider="resale")
    assert info.value.field == "geo_us"


def test_a_part_is_priced_at_the_responses_tier_and_date() -> None:
    # chat1 as its own part (10 in, 100 out): at January batch rates 10 x $1 + 100 x $4 = 0.00041.
    part = Part("tool", Usage(input_tokens=10, output_tokens=100), "chat1")
    assert priced(reading(tier="batch", parts=(part,))).fees == D("0.00041")
    # At January standard rates 10 x $2 + 100 x $8 = 0.00082 (from June it would be 0.00041).
    assert priced(reading(parts=(part,))).fees == D("0.00082")


def test_whatever_cannot_be_priced_is_refused_by_name_in_every_part_of_the_reading() -> None:
    images = Usage(input_tokens=10, units={"image": 1})
    with pytest.raises(UnpricedUsageError) as info:
        priced(reading(usage=images))
    assert info.value.field == "units.image"
    with pytest.raises(UnpricedUsageError) as info:
        priced(reading(alternatives=(images,)))
    assert info.value.field == "units.image"
    with pytest.raises(UnpricedUsageError) as info:
        priced(reading(parts=(Part("tool", images, "img1"),)))
    assert (info.value.field, info.value.model) == ("tool", "img1")


def test_one_unpriceable_part_does_not_drop_the_next() -> None:
    bad = Part("first", Usage(input_tokens=10), "nope")
    good = Part("second", Usage(input_tokens=10), "img1")  # 10 x $5 = 0.00005
    cost = priced(reading(parts=(bad, good)), strict=False)
    assert cost.fees == D("0.00005")
    assert [u.field for u in cost.unpriced] == ["first"]


# A host's own model in a user catalog: Together's payloads carry usage.cached_tokens, a field only
# the together_ai reader knows. $3 in, $0.30 cached, $15 out.
HOST = Catalog.from_dict(
    {
        "provider": "together_ai",
        "source": "https://example.com/together",
        "checked": "2026-01-01",
        "models": [
            {
                "id": "house/chat-1",
                "prices": [{"standard": {"input": "3", "cached_input": "0.3", "output": "15"}}],
            }
        ],
    }
)
HOST_PAYLOAD = {
    "id": "cmpl-1",
    "object": "chat.completion",
    "created": 1_790_000_000,
    "model": "house/chat-1",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "..."}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 1_000, "completion_tokens": 100, "total_tokens": 1_100, "cached_tokens": 400},
}
# 600 uncached x $3 + 400 cached x $0.30 + 100 out x $15 = 1,800 + 120 + 1,500 per 1M.
HOST_TOTAL = D("0.00342")


def test_the_seller_of_the_named_model_picks_the_reader() -> None:
    # The payload is OpenAI-shaped; the model's only seller in the given catalog (not the built-in
    # one, which does not have it) says whose fields to read.
    assert cc.price_response(HOST_PAYLOAD, catalog=HOST).total == HOST_TOTAL
    # model= names the model when the payload's name is not in the catalog.
    renamed = {**HOST_PAYLOAD, "model": "chat-1-preview"}
    assert cc.price_response(renamed, model="house/chat-1", catalog=HOST).total == HOST_TOTAL
    # Read as a plain OpenAI payload, cached_tokens is a number nobody declared: refused by name.
    with pytest.raises(UnpricedUsageError) as info:
        cc.price_response(renamed, model="house/chat-1", shape="openai.chat", catalog=HOST)
    assert info.value.field == "usage.cached_tokens"


def test_provider_and_shape_reach_the_reader() -> None:
    assert usage_from_response(HOST_PAYLOAD, provider="together_ai") == Usage(
        input_tokens=1_000, cached_input_tokens=400, output_tokens=100
    )
    assert cc.read_response(HOST_PAYLOAD, provider="together_ai").shape == "together_ai.chat"
    assert cc.read_response(HOST_PAYLOAD, shape="together_ai.chat").shape == "together_ai.chat"
    with pytest.raises(UnpricedUsageError):
        usage_from_response(HOST_PAYLOAD)  # no provider: a plain OpenAI payload with an unknown number


def test_strict_false_reaches_every_price() -> None:
    images = Usage(input_tokens=10, units={"image": 1})
    # 10 x $2 = 0.00002; the image has no rate.
    cost = priced(reading(usage=images), strict=False)
    assert (cost.total, [u.field for u in cost.unpriced]) == (D("0.00002"), ["units.image"])
    # The alternative has an unpriced image: it prices lower (0.00002 against 0.006), so it is listed.
    cost = priced(reading(alternatives=(images,)), strict=False)
    assert (cost.total, [u.field for u in cost.unpriced]) == (D("0.006"), ["cached_input_tokens"])
    # A part with an unpriced image keeps its priced tokens and lists the image under its label.
    cost = priced(reading(parts=(Part("tool", images, "img1"),)), strict=False)
    assert (cost.fees, [u.field for u in cost.unpriced]) == (D("0.00005"), ["tool: units.image"])


def test_a_payload_that_is_not_an_object_is_a_parse_error() -> None:
    with pytest.raises(UsageParseError, match=r"^a response is a JSON object, got list \[1\]$"):
        cc.price_response([1])
