"""The Gemini reader field by field: detection, camelCase/snake_case, modality splits, grounding,
traffic types, the fast path, Batch lines and request bodies.

Written against the mutants that survived the mutation run of ``costcalc/providers/gemini.py``
(docs/testing.md, "Mutation testing"). Every count below is worked out from the payload by the
module's documented convention: the prompt is ``promptTokenCount + toolUsePromptTokenCount``
(cached tokens included), the output ``candidatesTokenCount + thoughtsTokenCount``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import costcalc as cc
from costcalc.errors import BatchRequestError, InvalidRequestError, UsageParseError
from costcalc.providers import gemini as g

UTC = dt.UTC


def meta(**counts: Any) -> dict[str, Any]:
    return {"usageMetadata": counts}


# -- detect and read -----------------------------------------------------------------------------


def test_detect_each_shape() -> None:
    assert g.detect({"key": "a", "response": {}}) == "gemini.batch"
    assert g.detect({"key": "a", "error": {}}) == "gemini.batch"
    # A custom_id makes it someone else's batch line.
    assert g.detect({"key": "a", "response": {}, "custom_id": "x"}) is None
    assert g.detect({"response": {}, "error": None, "metadata": {}}) == "gemini.batch"
    assert g.detect({"response": {}, "error": None}) is None  # no metadata, no key
    assert g.detect({"response": {}, "metadata": {}}) is None  # no error field
    assert g.detect({"response": {}, "error": None, "metadata": {}, "custom_id": "x"}) is None
    assert g.detect({"usageMetadata": {}}) == "gemini"
    assert g.detect({"usage_metadata": {}}) == "gemini"
    assert g.detect({"promptTokenCount": 1}) == "gemini"
    assert g.detect({"prompt_token_count": 1}) == "gemini"
    assert g.detect({"usage": {}}) is None


def test_read_unknown_shape_names_the_shapes() -> None:
    with pytest.raises(UsageParseError) as err:
        g.read(meta(promptTokenCount=1), "gemini.chat")
    assert str(err.value) == "unknown Gemini shape 'gemini.chat'; shapes are gemini, gemini.batch"


def test_read_batch_shape_failure_and_success() -> None:
    with pytest.raises(BatchRequestError) as err:
        g.read({"key": "k1", "error": {"code": 3, "message": "bad"}}, "gemini.batch")
    assert err.value.custom_id == "k1"
    assert err.value.error == {"code": 3, "message": "bad"}
    assert "request 'k1' failed: 3: bad" in str(err.value)
    r = g.read({"key": "k2", "response": meta(promptTokenCount=10, candidatesTokenCount=4)}, "gemini.batch")
    assert r.tier == "batch"
    assert (r.usage.input_tokens, r.usage.output_tokens) == (10, 4)


def test_response_must_be_an_object_with_usage() -> None:
    with pytest.raises(UsageParseError) as err:
        g.read([1], "gemini")
    assert str(err.value) == "a response is a JSON object, got list [1]"
    with pytest.raises(UsageParseError) as err:
        g.read({"usageMetadata": None}, "gemini")
    assert (err.value.path, str(err.value)) == ("usageMetadata", "usageMetadata: is null")
    with pytest.raises(UsageParseError) as err:
        g.read({"usageMetadata": [1]}, "gemini")
    assert str(err.value) == "usageMetadata: must be an object, got list [1]"
    with pytest.raises(UsageParseError) as err:
        g.read({"candidates": []}, "gemini")
    assert str(err.value) == "usageMetadata: is missing"


def test_bare_usage_block_reads_with_no_body() -> None:
    # A bare usageMetadata: no model, no time, no grounding (its keys are not a body's).
    r = g.read({"promptTokenCount": 7, "candidatesTokenCount": 2, "modelVersion": "x"}, "gemini")
    assert (r.usage.input_tokens, r.usage.output_tokens) == (7, 2)
    assert r.model is None
    assert r.unpriced == ()


def test_snake_and_camel_case_read_the_same_and_both_is_an_error() -> None:
    snake = {
        "usage_metadata": {"prompt_token_count": 100, "candidates_token_count": 20, "thoughts_token_count": 5}
    }
    r = g.read(snake, "gemini")
    # output = 20 candidates + 5 thoughts = 25, of which 5 reasoning.
    assert (r.usage.input_tokens, r.usage.output_tokens, r.usage.reasoning_tokens) == (100, 25, 5)
    with pytest.raises(UsageParseError) as err:
        g.read({"usageMetadata": {"promptTokenCount": 1, "prompt_token_count": 1}}, "gemini")
    assert err.value.path == "usageMetadata.prompt_token_count"
    assert "'promptTokenCount' is given twice (camelCase and snake_case); send one" in str(err.value)
    # In a list, the path names the index.
    with pytest.raises(UsageParseError) as err:
        g.read(
            {
                "usageMetadata": {"promptTokenCount": 1},
                "candidates": [{"finish_reason": "STOP", "finishReason": "STOP"}],
            },
            "gemini",
        )
    assert err.value.path == "candidates[0].finishReason"


def test_model_time_and_tool_prompt() -> None:
    r = g.read(
        {
            **meta(promptTokenCount=100, toolUsePromptTokenCount=30, cachedContentTokenCount=40),
            "modelVersion": "gemini-2.5-flash",
            "createTime": "2026-03-01T10:00:00Z",
        },
        "gemini",
    )
    # prompt 100 + tool-use prompt 30 = 130 input, 40 of them cached.
    assert (r.usage.input_tokens, r.usage.cached_input_tokens) == (130, 40)
    assert r.model == "gemini-2.5-flash"
    assert r.at == dt.datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert r.creator == "google"
    assert r.shape == "gemini"
    assert g.read({**meta(promptTokenCount=1), "modelVersion": ""}, "gemini").model is None
    assert g.read({**meta(promptTokenCount=1), "modelVersion": 5}, "gemini").model is None


# -- modality splits ------------------------------------------------------------------------------


def split(**n: int) -> list[dict[str, Any]]:
    return [{"modality": m, "tokenCount": c} for m, c in n.items()]


def test_media_splits_of_prompt_tool_and_output() -> None:
    r = g.read(
        meta(
            promptTokenCount=1000,
            toolUsePromptTokenCount=100,
            candidatesTokenCount=300,
            promptTokensDetails=split(TEXT=500, AUDIO=200, IMAGE=150, VIDEO=150),
            toolUsePromptTokensDetails=split(TEXT=90, AUDIO=10),
            candidatesTokensDetails=split(TEXT=100, AUDIO=120, IMAGE=80),
        ),
        "gemini",
    )
    u = r.usage
    # audio in: 200 prompt + 10 tool-use = 210; image 150; video 150. Nothing cached.
    assert (u.audio_input_tokens, u.image_input_tokens, u.video_input_tokens) == (210, 150, 150)
    assert (u.cached_audio_input_tokens, u.cached_image_input_tokens, u.cached_video_input_tokens) == (
        0,
        0,
        0,
    )
    assert (u.audio_output_tokens, u.image_output_tokens) == (120, 80)
    assert r.alternatives == ()


def test_cache_details_split_the_cached_media() -> None:
    r = g.read(
        meta(
            promptTokenCount=1000,
            cachedContentTokenCount=600,
            promptTokensDetails=split(TEXT=400, AUDIO=300, IMAGE=200, VIDEO=100),
            cacheTokensDetails=split(TEXT=300, AUDIO=150, IMAGE=100, VIDEO=50),
        ),
        "gemini",
    )
    u = r.usage
    # Uncached media = prompt split - cached split: audio 150, image 100, video 50.
    assert (u.audio_input_tokens, u.image_input_tokens, u.video_input_tokens) == (150, 100, 50)
    assert (u.cached_audio_input_tokens, u.cached_image_input_tokens, u.cached_video_input_tokens) == (
        150,
        100,
        50,
    )
    assert r.alternatives == ()


def test_cached_media_without_cache_details_gives_both_extremes() -> None:
    r = g.read(
        meta(
            promptTokenCount=1000, cachedContentTokenCount=300, promptTokensDetails=split(TEXT=800, AUDIO=200)
        ),
        "gemini",
    )
    # Text first: 300 cached all text (800 text >= 300), no cached audio. Media first: 200 audio
    # cached, then 100 text.
    assert r.usage.cached_audio_input_tokens == 0
    assert r.usage.audio_input_tokens == 200
    (other,) = r.alternatives
    assert (other.cached_audio_input_tokens, other.audio_input_tokens) == (200, 0)
    # Cached tokens all media: both extremes agree, no alternative.
    r = g.read(
        meta(promptTokenCount=200, cachedContentTokenCount=200, promptTokensDetails=split(AUDIO=200)),
        "gemini",
    )
    assert r.usage.cached_audio_input_tokens == 200
    assert r.alternatives == ()


def test_documents_are_text_and_unknown_modalities_are_unpriced() -> None:
    r = g.read(
        meta(
            promptTokenCount=100,
            promptTokensDetails=[
                {"modality": "DOCUMENT", "tokenCount": 60},
                {"tokenCount": 25},
                {"modality": "HOLOGRAM", "tokenCount": 15},
                {"modality": "SMELL", "tokenCount": 0},
                {"modality": "TEXT", "tokenCount": 0},
            ],
        ),
        "gemini",
    )
    assert r.usage.audio_input_tokens == 0
    assert r.usage.image_input_tokens == 0
    assert [(u.field, u.quantity) for u in r.unpriced] == [
        ("usageMetadata.promptTokensDetails[1]", 25),
        ("usageMetadata.promptTokensDetails[2]", 15),
    ]
    assert r.unpriced[0].reason == (
        "tokens of modality 'MODALITY_UNSPECIFIED', which costcalc does not know the rate of"
    )
    # Two entries of one modality add up: audio 30 + 20 = 50.
    r = g.read(meta(promptTokenCount=100, promptTokensDetails=split(AUDIO=30) + split(AUDIO=20)), "gemini")
    assert r.usage.audio_input_tokens == 50


def test_modality_lists_must_be_lists_of_objects() -> None:
    with pytest.raises(UsageParseError) as err:
        g.read(meta(promptTokenCount=1, promptTokensDetails={"TEXT": 1}), "gemini")
    assert str(err.value) == "usageMetadata.promptTokensDetails: must be a list, got dict {'TEXT': 1}"
    with pytest.raises(UsageParseError) as err:
        g.read(meta(promptTokenCount=1, candidatesTokensDetails=[1]), "gemini")
    assert str(err.value) == "usageMetadata.candidatesTokensDetails[0]: must be an object, got int 1"
    with pytest.raises(UsageParseError) as err:
        g.read({"promptTokenCount": 1, "cacheTokensDetails": "x"}, "gemini")
    assert err.value.path == "cacheTokensDetails"


# -- grounding ------------------------------------------------------------------------------------


def grounded(*metas: Any) -> dict[str, Any]:
    return {**meta(promptTokenCount=10), "candidates": [{"groundingMetadata": m} for m in metas]}


def test_search_grounding_counts_prompts_and_queries() -> None:
    r = g.read(grounded({"webSearchQueries": ["a", "b"]}, {"webSearchQueries": ["c"]}), "gemini")
    # One grounded prompt per response, one search query per query (2 + 1).
    assert r.usage.units == {"grounded_prompt": 1, "search_query": 3}
    # Web chunks or a search entry point alone also ground on search (no queries).
    # (no search_query unit: a zero count is not kept)
    assert g.read(grounded({"groundingChunks": [{"web": {"uri": "u"}}]}), "gemini").usage.units == {
        "grounded_prompt": 1
    }
    assert g.read(grounded({"searchEntryPoint": {"renderedContent": "x"}}), "gemini").usage.units == {
        "grounded_prompt": 1
    }
    # Neither: nothing billed.
    assert g.read(grounded({"groundingChunks": [{"other": 1}, 5]}), "gemini").usage.units == {}


def test_maps_grounding() -> None:
    assert g.read(grounded({"groundingChunks": [{"maps": {"uri": "m"}}]}), "gemini").usage.units == {
        "maps_grounded_prompt": 1
    }
    assert g.read(grounded({"googleMapsWidgetContextToken": "t"}), "gemini").usage.units == {
        "maps_grounded_prompt": 1
    }


def test_retrieval_and_image_search_grounding_are_unpriced() -> None:
    r = g.read(
        {
            **meta(promptTokenCount=10),
            "candidates": [
                "not a candidate",
                {"content": {}},
                {"groundingMetadata": "not an object"},
                {"groundingMetadata": {"retrievalQueries": ["q"], "imageSearchQueries": ["i", "j"]}},
            ],
        },
        "gemini",
    )
    assert [(u.field, u.quantity) for u in r.unpriced] == [
        ("candidates[3].groundingMetadata", 1),
        ("candidates[3].groundingMetadata.imageSearchQueries", 2),
    ]
    assert (
        r.unpriced[0].reason == "grounding on a retrieval source (Vertex AI Search): not priced by costcalc"
    )
    assert "image search" in r.unpriced[1].reason
    r = g.read(grounded({"groundingChunks": [{"retrievedContext": {"uri": "r"}}]}), "gemini")
    assert [u.field for u in r.unpriced] == ["candidates[0].groundingMetadata"]


def test_grounding_fields_must_be_lists() -> None:
    with pytest.raises(UsageParseError) as err:
        g.read({**meta(promptTokenCount=1), "candidates": {"a": 1}}, "gemini")
    assert str(err.value) == "candidates: must be a list, got dict {'a': 1}"
    with pytest.raises(UsageParseError) as err:
        g.read(grounded({"webSearchQueries": "q"}), "gemini")
    assert str(err.value) == "candidates[0].groundingMetadata.webSearchQueries: must be a list, got str 'q'"


# -- traffic types --------------------------------------------------------------------------------


def test_traffic_types() -> None:
    def tier(raw: Any) -> str | None:
        return g.read(meta(promptTokenCount=1, trafficType=raw), "gemini").tier

    assert tier("ON_DEMAND") == "standard"
    assert tier("ON_DEMAND_PRIORITY") == "priority"
    assert tier("ON_DEMAND_FLEX") == "flex"
    assert g.read(meta(promptTokenCount=1), "gemini").tier is None
    with pytest.raises(UsageParseError) as err:
        tier("PROVISIONED_THROUGHPUT")
    assert str(err.value) == (
        "usageMetadata.trafficType: traffic type 'PROVISIONED_THROUGHPUT' is not billed at a per-token "
        "list price; pass tier= to price it"
    )
    with pytest.raises(UsageParseError) as err:
        tier("WHOLESALE")
    assert str(err.value) == (
        "usageMetadata.trafficType: traffic type 'WHOLESALE' is not one costcalc prices; pass tier="
    )
    with pytest.raises(UsageParseError) as err:
        tier(3)
    assert err.value.path == "usageMetadata.trafficType"
    with pytest.raises(UsageParseError) as err:
        g.read({"promptTokenCount": 1, "trafficType": "ON_DEMAND_OFFPEAK"}, "gemini")
    assert err.value.path == "trafficType"


def test_priced_by_the_catalog() -> None:
    # gemini-2.5-flash standard: $0.30/M input, $2.50/M output (prices.md).
    # 1,000,000 in x $0.30/M + 100,000 out x $2.50/M = 0.30 + 0.25 = 0.55.
    body = {
        **meta(promptTokenCount=1_000_000, candidatesTokenCount=100_000),
        "modelVersion": "gemini-2.5-flash",
    }
    assert (
        cc.price_response(body).total
        == cc.price(cc.Usage(input_tokens=1_000_000, output_tokens=100_000), model="gemini-2.5-flash").total
    )


# -- the fast path --------------------------------------------------------------------------------


def fast(**usage: Any) -> dict[str, Any]:
    return {"usageMetadata": usage, "modelVersion": "gemini-2.5-flash"}


def test_fast_read_plain_response() -> None:
    data = {
        **fast(
            promptTokenCount=100,
            toolUsePromptTokenCount=20,
            cachedContentTokenCount=50,
            candidatesTokenCount=30,
            thoughtsTokenCount=10,
            totalTokenCount=160,
            trafficType="ON_DEMAND_PRIORITY",
            promptTokensDetails=[
                {"modality": "TEXT", "tokenCount": 90},
                {"modality": "DOCUMENT", "tokenCount": 10},
            ],
        ),
        "createTime": "1970-01-03T23:00:00-02:00",  # 1970-01-04 01:00 UTC: day 3
        "candidates": [{"content": {"parts": []}}, "x"],
    }
    # (shape, model, tier, day, input 100 + 20, cached 50, writes 0, output 30 + 10, reasoning 10)
    assert g.fast_read(data) == ("gemini", "gemini-2.5-flash", "priority", 3, 120, 50, 0, 40, 10)
    full = g.read(data, "gemini")
    assert (full.usage.input_tokens, full.usage.cached_input_tokens, full.usage.output_tokens) == (
        120,
        50,
        40,
    )


def test_fast_read_minimal_and_model_forms() -> None:
    assert g.fast_read({"usageMetadata": {"promptTokenCount": 5}}) == (
        "gemini",
        None,
        None,
        None,
        5,
        0,
        0,
        0,
        0,
    )
    assert g.fast_read({"usageMetadata": {"promptTokenCount": 5}, "modelVersion": ""})[1] is None  # type: ignore[index]
    assert g.fast_read({"usageMetadata": {"promptTokenCount": 5}, "modelVersion": 3})[1] is None  # type: ignore[index]
    assert (
        g.fast_read({"usageMetadata": {"promptTokenCount": 5, "trafficType": "ON_DEMAND"}})[2] == "standard"
    )  # type: ignore[index]


@pytest.mark.parametrize(
    "data",
    [
        {"candidates": []},  # no usageMetadata
        {"usageMetadata": None},
        {**fast(promptTokenCount=1), "key": "k"},
        {**fast(promptTokenCount=1), "response": {}},
        {**fast(promptTokenCount=1), "error": {}},
        {**fast(promptTokenCount=1), "custom_id": "c"},
        fast(candidatesTokenCount=1),  # no prompt count
        fast(promptTokenCount=1, weirdTokenCount=2),  # a key not read
        fast(promptTokenCount=1, promptTokensDetails=[{"modality": "AUDIO", "tokenCount": 1}]),
        fast(promptTokenCount=1, cacheTokensDetails=[{"modality": "TEXT", "tokenCount": 1, "x": 1}]),
        fast(promptTokenCount=1, candidatesTokensDetails=[{"modality": 1, "tokenCount": 1}]),
        fast(promptTokenCount=1, toolUsePromptTokensDetails=[{"modality": "TEXT", "tokenCount": -1}]),
        fast(promptTokenCount=1, promptTokensDetails=[{"modality": "TEXT", "tokenCount": 10**16}]),
        fast(promptTokenCount=1, promptTokensDetails=[{"modality": "TEXT", "tokenCount": 1.0}]),
        fast(promptTokenCount=1, promptTokensDetails=["TEXT"]),
        fast(promptTokenCount=1, promptTokensDetails={"modality": "TEXT"}),
        fast(promptTokenCount=1, trafficType="PROVISIONED_THROUGHPUT"),
        fast(promptTokenCount=1, trafficType="NEW"),
        {**fast(promptTokenCount=1), "model_version": "x"},  # snake_case
        {**fast(promptTokenCount=1), "candidates": [{"finish_reason": "STOP"}]},
        {**fast(promptTokenCount=1), "candidates": [[{"a_b": 1}]]},
        {**fast(promptTokenCount=1), "candidates": {"x": 1}},
        {**fast(promptTokenCount=1), "candidates": [{"groundingMetadata": {}}]},
        {**fast(promptTokenCount=1), "createTime": "yesterday"},
        fast(promptTokenCount=10, cachedContentTokenCount=11),
    ],
)
def test_fast_read_declines(data: dict[str, Any]) -> None:
    assert g.fast_read(data) is None


def test_fast_read_edges_that_stay_fast() -> None:
    # A TEXT split with no tokenCount, the MAX_TOKENS bound itself, cached == prompt, a null
    # candidate's metadata and a nested list without underscores all stay on the fast path.
    ok = {
        **fast(
            promptTokenCount=10,
            cachedContentTokenCount=10,
            promptTokensDetails=[
                {"modality": "TEXT"},
                {"modality": "TEXT", "tokenCount": 10**15},
                {"modality": "TEXT", "tokenCount": 0},
            ],
        ),
        "candidates": [{"groundingMetadata": None, "parts": [[{"a": 1}], 3]}, 7],
    }
    assert g.fast_read(ok) == ("gemini", "gemini-2.5-flash", None, None, 10, 10, 0, 0, 0)
    assert g.fast_read({**fast(promptTokenCount=1), "createTime": None})[3] is None  # type: ignore[index]
    assert g.fast_read({**fast(promptTokenCount=1), "createTime": "1970-01-01T00:00:00Z"})[3] == 0  # type: ignore[index]


# -- Batch ----------------------------------------------------------------------------------------


def test_batch_kind() -> None:
    assert g.batch_kind({"custom_id": "a", "request": {}, "key": "k"}) is None
    assert g.batch_kind({"key": "k", "request": {}}) == "request"
    assert g.batch_kind({"metadata": {}, "request": {}}) == "request"
    assert g.batch_kind({"request": {}}) is None
    assert g.batch_kind({"key": "k", "response": {}}) == "result"
    assert g.batch_kind({"metadata": {}, "error": {}}) == "result"
    assert g.batch_kind({"response": {}}) is None
    assert g.batch_kind({"error": {}}) is None
    assert g.batch_kind({"contents": []}) == "request"
    assert g.batch_kind({"usageMetadata": {}}) == "result"
    assert g.batch_kind({"usage_metadata": {}}) == "result"
    assert g.batch_kind({"other": 1}) is None


def test_batch_result_lines() -> None:
    with pytest.raises(UsageParseError) as err:
        g.read_batch_result([])
    assert str(err.value) == "a batch output line is a JSON object, got list []"
    ok = g.read_batch_result({"key": "k1", "response": meta(promptTokenCount=3)})
    assert ok.custom_id == "k1"
    assert ok.reading is not None
    assert ok.reading.tier == "batch"
    # The key of an inline response is in its metadata.
    inline = g.read_batch_result(
        {"metadata": {"key": "k2"}, "response": meta(promptTokenCount=3), "error": None}
    )
    assert inline.custom_id == "k2"
    assert g.read_batch_result({"metadata": "x", "response": meta(promptTokenCount=3)}).custom_id is None
    assert g.read_batch_result({"key": "", "response": meta(promptTokenCount=3)}).custom_id is None
    assert g.read_batch_result({"key": 5, "response": meta(promptTokenCount=3)}).custom_id is None
    bare = g.read_batch_result(meta(promptTokenCount=3))
    assert bare.custom_id is None
    assert bare.reading is not None
    assert bare.reading.usage.input_tokens == 3


def test_batch_errors() -> None:
    failed = g.read_batch_result({"key": "k", "error": {"code": 8, "message": "quota"}})
    assert failed.reading is None
    assert failed.failure is not None
    assert failed.failure.status == "errored"
    assert failed.failure.reason == "request 'k' failed: 8: quota"
    assert failed.failure.error == {"code": 8, "message": "quota"}
    text = g.read_batch_result({"key": "k", "error": "boom"})
    assert text.failure is not None
    assert text.failure.reason == "request 'k' failed: None: boom"
    with pytest.raises(UsageParseError) as err:
        g.read_batch_result({"key": "k", "response": [1]})
    assert str(err.value) == "response: must be an object, got list [1]"
    with pytest.raises(UsageParseError) as err:
        g.read_batch_result({"key": "k", "response": {"usageMetadata": [1]}})
    assert str(err.value) == "response.usageMetadata: must be an object, got list [1]"
    with pytest.raises(UsageParseError) as err:
        g.read_batch_result({"key": "k", "response": {"candidates": []}})
    assert err.value.path == "response.usageMetadata"
    with pytest.raises(UsageParseError) as err:
        g.read_batch_result({"key": "k", "response": {**meta(promptTokenCount=1), "createTime": "no"}})
    assert err.value.path == "response.createTime"
    # A bare response's errors keep their own paths.
    with pytest.raises(UsageParseError) as err:
        g.read_batch_result({"usageMetadata": [1]})
    assert str(err.value) == "usageMetadata: must be an object, got list [1]"


def test_batch_error_without_a_path_is_the_response() -> None:
    # A message with no path of its own: the response names it.
    with pytest.raises(UsageParseError) as err:
        g.read_batch_result(
            {"key": "k", "response": {"usageMetadata": {"promptTokenCount": 1, "x_y": 1, "xY": 1}}}
        )
    assert err.value.path == "response.usageMetadata.xY"


def test_batch_requests() -> None:
    r = g.read_batch_request({"key": "k", "request": {"contents": [], "model": "models/gemini-2.5-flash"}})
    assert (r.custom_id, r.endpoint, r.model) == ("k", "generateContent", "gemini-2.5-flash")
    assert r.body == {"contents": [], "model": "models/gemini-2.5-flash"}
    inline = g.read_batch_request({"metadata": {"key": "m"}, "request": {"contents": []}})
    assert (inline.custom_id, inline.model) == ("m", None)
    sdk = g.read_batch_request({"contents": [], "model": "gemini-2.5-pro"})
    assert (sdk.custom_id, sdk.model) == (None, "gemini-2.5-pro")
    assert sdk.body == {"contents": [], "model": "gemini-2.5-pro"}
    for bad, field in [
        ({"key": "", "request": {}}, "key"),
        ({"key": 3, "request": {}}, "key"),
        ({"key": None, "request": {}}, "key"),
        ({"metadata": {"key": 4}, "request": {}}, "key"),
        ({"key": "k", "request": [1]}, "request"),
        ({"key": "k", "request": {"model": ""}}, "model"),
        ({"key": "k", "request": {"model": 5}}, "model"),
    ]:
        with pytest.raises(InvalidRequestError) as err:
            g.read_batch_request(bad)
        assert err.value.field == field
    with pytest.raises(InvalidRequestError) as err:
        g.read_batch_request({"key": None, "request": {}})
    assert str(err.value) == "key: must be a non-empty string, got null"


# -- request bodies -------------------------------------------------------------------------------


INFO = cc.get_model("gemini-2.5-flash")


def n(text: str) -> int:
    return cc.count_tokens(text, "gpt-4o")  # o200k_base, the base count Gemini requests use


def count(body: dict[str, Any]) -> Any:
    return g.count_request("generateContent", body, INFO, None)


def test_count_texts_of_every_place() -> None:
    body = {
        "systemInstruction": {"parts": [{"text": "Be brief."}]},
        "contents": [
            {"role": "user", "parts": [{"text": "Is 1,234,567 prime?"}, "plain string part"]},
            "a bare string content",
            {"text": "a bare part"},
            {
                "parts": [
                    {"functionCall": {"name": "f", "args": {"x": 1}}, "thought": True, "video_metadata": {}}
                ]
            },
        ],
        "tools": [{"functionDeclarations": [{"name": "f"}]}, {"codeExecution": {}}, {"googleSearch": None}],
        "generationConfig": {"maxOutputTokens": 500, "candidateCount": 2},
    }
    rc = count(body)
    expected = (
        n("Be brief.")
        + n("Is 1,234,567 prime?")
        + n("plain string part")
        + n("a bare string content")
        + n("a bare part")
        + n('{"name":"f","args":{"x":1}}')
        + n('[{"name":"f"}]')
    )
    assert rc.input_tokens == expected
    assert (rc.output_cap, rc.choices, rc.effort, rc.endpoint, rc.model) == (
        500,
        2,
        None,
        "generateContent",
        "gemini-2.5-flash",
    )
    assert rc.exact is False


def test_count_snake_case_config_and_system() -> None:
    body = {
        "contents": "hi there",
        "config": {
            "system_instruction": "You are terse.",
            "max_output_tokens": 7,
            "tools": [{"function_declarations": [{"name": "g"}]}],
        },
    }
    rc = count(body)
    assert rc.input_tokens == n("hi there") + n("You are terse.") + n('[{"name":"g"}]')
    assert rc.output_cap == 7
    assert rc.choices == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"contents": "x", "generationConfig": [1]}, "generationConfig"),
        ({"contents": "x", "cachedContent": "c"}, "cachedContent"),
        ({"contents": "x", "config": {"cached_content": "c"}}, "cachedContent"),
        ({"contents": []}, "contents"),
        ({"contents": {"parts": []}}, "contents"),
        ({}, "contents"),
        ({"contents": "x", "generationConfig": {"maxOutputTokens": 0}}, "generationConfig.maxOutputTokens"),
        ({"contents": "x", "generationConfig": {"maxOutputTokens": 1.5}}, "generationConfig.maxOutputTokens"),
        (
            {"contents": "x", "generationConfig": {"maxOutputTokens": True}},
            "generationConfig.maxOutputTokens",
        ),
        ({"contents": "x", "generationConfig": {"candidateCount": 0}}, "generationConfig.candidateCount"),
        ({"contents": "x", "generationConfig": {"candidateCount": 9}}, "generationConfig.candidateCount"),
        ({"contents": "x", "generationConfig": {"candidateCount": "2"}}, "generationConfig.candidateCount"),
        ({"contents": "x", "tools": {"a": 1}}, "tools"),
        ({"contents": "x", "tools": [1]}, "tools[0]"),
        ({"contents": "x", "tools": [{"google_search": {}}]}, "tools[0].google_search"),
        ({"contents": [{"parts": "x"}]}, "contents[0]"),
        ({"contents": [5]}, "contents[0]"),
        ({"contents": [{"parts": [5]}]}, "contents[0].parts[0]"),
        ({"contents": [{"parts": [{"text": 5}]}]}, "contents[0].parts[0].text"),
        ({"contents": [{"parts": [{"inline_data": {}}]}]}, "contents[0].parts[0].inline_data"),
        ({"contents": "x", "generationConfig": {"thinkingConfig": 1}}, "generationConfig.thinkingConfig"),
        (
            {"contents": "x", "generationConfig": {"thinkingConfig": {"thinkingLevel": 1}}},
            "generationConfig.thinkingConfig.thinkingLevel",
        ),
        (
            {"contents": "x", "generationConfig": {"thinkingConfig": {"thinkingBudget": -2}}},
            "generationConfig.thinkingConfig.thinkingBudget",
        ),
        (
            {"contents": "x", "generationConfig": {"thinkingConfig": {"thinkingBudget": "8"}}},
            "generationConfig.thinkingConfig.thinkingBudget",
        ),
        (
            {"contents": "x", "generationConfig": {"maxOutputTokens": 5, "max_output_tokens": 5}},
            "generationConfig.maxOutputTokens",
        ),
        ({"contents": "x", "systemInstruction": "a", "system_instruction": "b"}, "systemInstruction"),
    ],
)
def test_count_refuses_by_field(body: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidRequestError) as err:
        count(body)
    assert err.value.field == field


def test_count_messages_name_the_problem() -> None:
    with pytest.raises(InvalidRequestError) as err:
        count({"contents": "x", "tools": [{"googleSearch": {}}]})
    assert "the 'googleSearch' tool bills per use" in str(err.value)
    with pytest.raises(InvalidRequestError) as err:
        count({"contents": [{"parts": [{"fileData": {}}]}]})
    assert "is a 'fileData' part, which costcalc cannot estimate offline" in str(err.value)
    with pytest.raises(InvalidRequestError) as err:
        count({"contents": "x", "generationConfig": {"candidateCount": 9}})
    assert str(err.value) == "generationConfig.candidateCount: must be a whole number from 1 to 8, got 9"
    with pytest.raises(InvalidRequestError) as err:
        count({"contents": None})
    assert str(err.value) == "contents: must be a non-empty list of contents, got null"
    with pytest.raises(InvalidRequestError) as err:
        g.count_request("generateContent", {"contents": "x"}, cc.get_model("gemini-embedding-001"), None)
    assert err.value.field == "model"
    assert "is a embedding model; generateContent takes chat models" in str(err.value)


@pytest.mark.parametrize(
    ("thinking", "effort"),
    [
        (None, None),
        ({"thinkingLevel": "HIGH"}, "high"),
        ({"thinking_level": "Low"}, "low"),
        ({}, None),
        ({"thinkingBudget": -1}, None),
        ({"thinkingBudget": 0}, "none"),
        ({"thinkingBudget": 1024}, "low"),
        ({"thinking_budget": 24576}, "high"),
    ],
)
def test_count_thinking_effort(thinking: Any, effort: str | None) -> None:
    config = {} if thinking is None else {"thinkingConfig": thinking}
    assert count({"contents": "x", "generationConfig": config}).effort == effort


def test_fast_read_odd_traffic_type() -> None:
    # An unhashable traffic type is declined, not a crash.
    assert g.fast_read(fast(promptTokenCount=1, trafficType=["ON_DEMAND"])) is None


# -- third round: survivors of the second run ------------------------------------------------------


def test_paths_of_a_bare_block_and_its_splits() -> None:
    with pytest.raises(UsageParseError) as err:
        g.read({"promptTokenCount": 1, "prompt_token_count": 1}, "gemini")
    assert err.value.path == "prompt_token_count"
    with pytest.raises(UsageParseError) as err:
        g.read({"promptTokenCount": 1, "trafficType": "WHOLESALE"}, "gemini")
    assert err.value.path == "trafficType"
    with pytest.raises(UsageParseError) as err:
        g.read(
            meta(promptTokenCount=1, promptTokensDetails=[{"modality": "TEXT", "tokenCount": -1}]), "gemini"
        )
    assert str(err.value) == (
        "usageMetadata.promptTokensDetails[0].tokenCount: must be between 0 and 1000000000000000, got -1"
    )
    with pytest.raises(UsageParseError) as err:
        g.read(meta(promptTokenCount=10, cachedContentTokenCount=20), "gemini")
    assert str(err.value).startswith("usageMetadata: inconsistent token counts")
    with pytest.raises(UsageParseError) as err:
        g.read({"promptTokenCount": 10, "cachedContentTokenCount": 20}, "gemini")
    assert str(err.value).startswith("usageMetadata: inconsistent token counts")
    r = g.read(meta(promptTokenCount=1, oddCount=3), "gemini")
    assert [(u.field, u.quantity) for u in r.unpriced] == [("usageMetadata.oddCount", 3)]


def test_unknown_modalities_in_every_split() -> None:
    r = g.read(
        meta(
            promptTokenCount=10,
            cachedContentTokenCount=2,
            candidatesTokenCount=5,
            toolUsePromptTokenCount=4,
            toolUsePromptTokensDetails=[{"modality": "ODD", "tokenCount": 1}],
            cacheTokensDetails=[{"modality": "ODD", "tokenCount": 2}],
            candidatesTokensDetails=[{"modality": "ODD", "tokenCount": 3}],
        ),
        "gemini",
    )
    assert [(u.field, u.quantity) for u in r.unpriced] == [
        ("usageMetadata.toolUsePromptTokensDetails[0]", 1),
        ("usageMetadata.cacheTokensDetails[0]", 2),
        ("usageMetadata.candidatesTokensDetails[0]", 3),
    ]


def test_grounding_texts_and_plain_chunks() -> None:
    r = g.read(grounded({"groundingChunks": [{"web": {"uri": "u"}}]}), "gemini")
    assert r.unpriced == ()
    r = g.read(grounded({"imageSearchQueries": ["i"]}), "gemini")
    assert r.unpriced[0].reason == "image search grounding queries: costcalc has no published price for them"


def test_fast_read_nested_snake_case_and_null_error_line() -> None:
    assert g.fast_read({**fast(promptTokenCount=1), "modelStatus": {"some_key": 1}}) is None
    with pytest.raises(UsageParseError) as err:
        g.read_batch_result({"error": None, "usageMetadata": {"promptTokenCount": 1}})
    assert str(err.value) == "response: must be an object, got null"


def test_batch_request_error_texts() -> None:
    for bad, text in [
        ({"key": 3, "request": {}}, "key: must be a non-empty string, got int 3"),
        ({"key": "k", "request": [1]}, "request: must be an object, got list [1]"),
        ({"key": "k", "request": {"model": 5}}, "model: must be a model name, got int 5"),
    ]:
        with pytest.raises(InvalidRequestError) as err:
            g.read_batch_request(bad)
        assert str(err.value) == text


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ({"contents": "x", "generationConfig": [1]}, "generationConfig: must be an object, got list [1]"),
        (
            {"contents": "x", "cachedContent": "c"},
            "cachedContent: names cached content, whose tokens costcalc cannot count offline",
        ),
        ({"contents": "x", "tools": {"a": 1}}, "tools: must be a list, got dict {'a': 1}"),
        ({"contents": "x", "tools": [1]}, "tools[0]: must be an object, got int 1"),
        (
            {"contents": "x", "tools": [{"googleSearch": {}}]},
            "tools[0].googleSearch: the 'googleSearch' tool bills per use or adds tokens that an estimate "
            "cannot know; estimate the requests without it",
        ),
        (
            {"contents": "x", "generationConfig": {"thinkingConfig": 1}},
            "generationConfig.thinkingConfig: must be an object, got int 1",
        ),
        (
            {"contents": "x", "generationConfig": {"thinkingConfig": {"thinkingLevel": 1}}},
            "generationConfig.thinkingConfig.thinkingLevel: must be a string, got int 1",
        ),
        (
            {"contents": "x", "generationConfig": {"thinkingConfig": {"thinkingBudget": -2}}},
            "generationConfig.thinkingConfig.thinkingBudget: must be -1 (dynamic), 0 (off) or a number of "
            "tokens, got -2",
        ),
        (
            {"contents": [{"parts": "x"}]},
            "contents[0]: must be a Content with a list of parts, got dict {'parts': 'x'}",
        ),
        (
            {"contents": [{"role": "user"}]},
            "contents[0]: must be a Content with a list of parts, got dict {'role': 'user'}",
        ),
        ({"contents": [{"parts": [5]}]}, "contents[0].parts[0]: must be an object, got int 5"),
        ({"contents": [{"parts": [{"text": 5}]}]}, "contents[0].parts[0].text: must be a string, got int 5"),
        (
            {"contents": [{"parts": [{"inline_data": {}}]}]},
            "contents[0].parts[0].inline_data: is a 'inlineData' part, which costcalc cannot estimate "
            "offline (text and function parts are counted)",
        ),
        (
            {"contents": "x", "generationConfig": {"maxOutputTokens": 5, "max_output_tokens": 5}},
            "generationConfig.maxOutputTokens: 'maxOutputTokens' is given twice (camelCase and snake_case); "
            "send one",
        ),
        ({"contents": "x", "config": {"cachedContent": "a", "cached_content": "b"}}, None),
    ],
)
def test_count_error_texts(body: dict[str, Any], text: str | None) -> None:
    with pytest.raises(InvalidRequestError) as err:
        count(body)
    if text is not None:
        assert str(err.value) == text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"contents": "x", "config": {"cachedContent": "a", "cached_content": "b"}}, "config.cachedContent"),
        (
            {"contents": "x", "config": {"systemInstruction": "a", "system_instruction": "b"}},
            "config.systemInstruction",
        ),
        (
            {"contents": "x", "generationConfig": {"candidateCount": 1, "candidate_count": 1}},
            "generationConfig.candidateCount",
        ),
        (
            {"contents": "x", "generationConfig": {"thinkingConfig": {}, "thinking_config": {}}},
            "generationConfig.thinkingConfig",
        ),
        (
            {
                "contents": "x",
                "generationConfig": {"thinkingConfig": {"thinkingLevel": "a", "thinking_level": "b"}},
            },
            "generationConfig.thinkingConfig.thinkingLevel",
        ),
        (
            {
                "contents": "x",
                "generationConfig": {"thinkingConfig": {"thinkingBudget": 1, "thinking_budget": 1}},
            },
            "generationConfig.thinkingConfig.thinkingBudget",
        ),
        ({"contents": "x", "generationConfig": {"a": 1}, "generation_config": {"a": 1}}, "generationConfig"),
        ({"contents": "x", "cachedContent": "a", "cached_content": "b"}, "cachedContent"),
    ],
)
def test_count_twice_given_names_their_place(body: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidRequestError) as err:
        count(body)
    assert err.value.field == field


def test_count_config_tools_and_bounds() -> None:
    rc = count({"contents": "x", "config": {"tools": [{"function_declarations": [{"name": "g"}]}]}})
    assert rc.input_tokens == n("x") + n('[{"name":"g"}]')
    assert (
        count({"contents": "x", "generationConfig": {"maxOutputTokens": 1, "candidateCount": 8}}).output_cap
        == 1
    )
    assert count({"contents": "x", "generationConfig": {"candidateCount": 8}}).choices == 8


def test_count_sums_every_part_in_order() -> None:
    body = {
        "contents": [
            {
                "parts": [
                    "one",
                    {"text": "two"},
                    {"functionCall": {"name": "f"}},
                    {"thought": True, "text": "three"},
                ]
            },
            {"functionCall": {"name": "g"}},
            {"function_call": {"name": "h"}},
        ],
        "tools": [
            {"googleSearch": None, "functionDeclarations": [{"name": "a"}]},
            {"functionDeclarations": [{"name": "b"}]},
        ],
    }
    expected = n("one") + n("two") + n('{"name":"f"}') + n("three") + n('{"name":"g"}') + n('{"name":"h"}')
    expected += n('[{"name":"a"}]') + n('[{"name":"b"}]')
    assert count(body).input_tokens == expected
