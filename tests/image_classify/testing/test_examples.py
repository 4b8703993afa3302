"""Choosing the answer as Prism's static mode does: status, media type, example, and a
minimal instance when a schema has no example."""

from __future__ import annotations

from typing import Any

import pytest

from image_classify._providers import providers
from image_classify._spec_match import Operation, index_for
from image_classify.testing._examples import (
    UndocumentedAnswer,
    choose_answer,
    choose_response,
    find_operation,
    instance,
    pick_example,
)
from image_classify.testing._prefer import parse_prefer

# The first documented 2xx example of each provider's classifying operation: its top label.
FIRST_LABELS = {
    "edge_impulse": "cat",
    "img_processing": "Tabby",
    "roboflow": "real-image",
    "cloudflare": "PERSIAN CAT",
    "huggingface": "Blenheim spaniel",
}


def test_every_provider_has_a_first_label() -> None:
    assert set(FIRST_LABELS) == set(providers())


def operation(responses: dict[str, Any]) -> Operation:
    return Operation("POST", "/x", "/paths/~1x/post", {"responses": responses}, {})


def test_lowest_documented_2xx_wins() -> None:
    op = operation({"404": {}, "201": {}, "200": {}, "5XX": {}})
    assert choose_response(op, None) == (200, "200")


def test_without_a_2xx_the_default_answers_200() -> None:
    assert choose_response(operation({"400": {}, "default": {}}), None) == (200, "default")


def test_a_code_asked_for_exact_then_range_then_default() -> None:
    op = operation({"200": {}, "401": {}, "5XX": {}})
    assert choose_response(op, 401) == (401, "401")
    assert choose_response(op, 503) == (503, "5XX")
    assert choose_response(operation({"200": {}, "default": {}}), 418) == (418, "default")


def test_an_undocumented_code_names_the_documented_ones() -> None:
    with pytest.raises(UndocumentedAnswer, match=r"no 404 answer \(documented: 200, 401\)"):
        choose_response(operation({"200": {}, "401": {}}), 404)


def test_examples_first_entry_then_example_then_schema() -> None:
    spec: dict[str, Any] = {"components": {"examples": {"b": {"value": 2}}}}
    media = {"examples": {"a": {"value": 1}, "b": {"$ref": "#/components/examples/b"}}}
    assert pick_example(spec, media, None) == ("a", 1)
    assert pick_example(spec, media, "b") == ("b", 2)
    assert pick_example(spec, {"example": 3, "schema": {"example": 4}}, None) == (None, 3)
    assert pick_example(spec, {"schema": {"example": 4}}, None) == (None, 4)
    assert pick_example(spec, {"schema": {"examples": [5, 6]}}, None) == (None, 5)


def test_an_unknown_example_name_names_the_documented_ones() -> None:
    media = {"examples": {"a": {"value": 1}}}
    with pytest.raises(UndocumentedAnswer, match=r"no example 'z' \(documented: a\)"):
        pick_example({}, media, "z")


def test_a_minimal_instance_has_required_properties_and_lower_bounds() -> None:
    spec: dict[str, Any] = {
        "components": {"schemas": {"Label": {"type": "string", "enum": ["cat", "dog"]}}}
    }
    schema = {
        "type": "object",
        "required": ["label", "score", "tags", "when", "count", "ok", "maybe"],
        "properties": {
            "label": {"$ref": "#/components/schemas/Label"},
            "score": {"type": "number", "minimum": 0.5},
            "tags": {"type": "array", "minItems": 2, "items": {"type": "string", "minLength": 8}},
            "when": {"type": "string", "format": "date-time"},
            "count": {"type": "integer", "exclusiveMinimum": 3},
            "ok": {"type": "boolean"},
            "maybe": {"type": ["null", "integer"]},
            "optional": {"type": "string"},
        },
    }
    assert instance(spec, schema) == {
        "label": "cat",
        "score": 0.5,
        "tags": ["stringxx", "stringxx"],
        "when": "1970-01-01T00:00:00Z",
        "count": 4,
        "ok": True,
        "maybe": 0,
    }


def test_choices_take_their_first_branch_and_allof_merges() -> None:
    first = {"type": "object", "required": ["a"], "properties": {"a": {"const": 1}}}
    second = {"type": "object", "required": ["b"], "properties": {"b": {"default": "x"}}}
    assert instance({}, {"oneOf": [first, second]}) == {"a": 1}
    assert instance({}, {"allOf": [first, second]}) == {"a": 1, "b": "x"}


def test_the_request_accept_header_picks_the_media_type() -> None:
    op = operation(
        {"200": {"content": {"application/json": {"example": 1}, "image/jpeg": {"example": "j"}}}}
    )
    assert choose_answer({}, op).media_type == "application/json"
    assert choose_answer({}, op, accept="image/jpeg").body == "j"


@pytest.mark.parametrize("provider", list(FIRST_LABELS))
def test_the_first_documented_example_of_each_provider(provider: str) -> None:
    index = index_for(provider)
    spec = index.document
    found = [
        find_operation(index, method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in ("post", "get")
    ]
    answers = [choose_answer(spec, op) for op in found if op is not None]
    text = repr([answer.body for answer in answers])
    assert FIRST_LABELS[provider] in text
    assert all(200 <= answer.status < 300 for answer in answers)


def test_operations_are_found_under_the_servers_path() -> None:
    index = index_for("huggingface")
    op = find_operation(index, "POST", "/hf-inference/models/google/vit")
    assert op is not None and op.template == "/models/{namespace}/{model_name}"
    assert find_operation(index, "POST", "/hf-inference/nowhere") is None
    assert find_operation(index, "GET", "/hf-inference/models/google/vit") is None


def test_operations_are_routed_by_the_validators_index() -> None:
    index = index_for("huggingface")
    op = find_operation(index, "POST", "/hf-inference/models/google/vit")
    assert op == index.operation("/models/{namespace}/{model_name}", "POST")
    assert find_operation(index, "POST", "/models/google/vit") == op  # a mock's URL


def test_a_schema_example_list_answers_an_error_without_a_media_example() -> None:
    index = index_for("img_processing")
    spec = index.document
    op = find_operation(index, "POST", "/v1/images/abc/classify")
    assert op is not None
    answer = choose_answer(spec, op, code=401)
    assert (answer.status, answer.body["message"]) == (401, "API key is required.")


def test_documented_response_headers_carry_their_examples() -> None:
    index = index_for("cloudflare")
    spec = index.document
    op = find_operation(index, "POST", "/client/v4/accounts/a/ai/run/@cf/microsoft/resnet-50")
    assert op is not None
    assert choose_answer(spec, op, code=429).headers["Retry-After"] == "30"


@pytest.mark.parametrize(
    ("header", "parsed"),
    [
        ("code=404", (404, None)),
        ("example=bad", (None, "bad")),
        ("code=400, example=bad", (400, "bad")),
        ("dynamic=true", (None, None)),
        (None, (None, None)),
    ],
)
def test_prefer_header(header: str | None, parsed: tuple[int | None, str | None]) -> None:
    assert parse_prefer(header) == parsed


def test_a_prefer_code_that_is_no_number_is_refused() -> None:
    with pytest.raises(UndocumentedAnswer, match="not an HTTP status code"):
        parse_prefer("code=teapot")
