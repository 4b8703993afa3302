"""slice_operations on a small document: exactly the components the operations reach,
a standalone valid result, warnings for what cannot be carried over, and clear errors."""

from __future__ import annotations

from typing import Any

import pytest

from tests.tools.drift.openapi_docs import document, json_body, ok
from tools.drift.slice import slice_document, slice_operations
from tools.errors import ToolError
from tools.validate import problems


def ref(section: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{section}/{name}"}


def source() -> dict[str, Any]:
    components = {
        "schemas": {
            "Unused": {"type": "string"},
            "Id": {"type": "string", "maxLength": 32},
            "C": {"type": "integer"},
            "B": {"type": "array", "items": ref("schemas", "C")},
            "A": {"type": "object", "properties": {"b": ref("schemas", "B")}},
            "Cat": {"type": "object", "properties": {"kind": {"type": "string"}}},
            "Pet": {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": {"type": "string"}},
                "discriminator": {
                    "propertyName": "kind",
                    "mapping": {"cat": "#/components/schemas/Cat"},
                },
            },
        },
        "parameters": {
            "PetId": {"name": "id", "in": "path", "required": True, "schema": ref("schemas", "Id")},
            "Unused": {"name": "u", "in": "query", "schema": {"type": "string"}},
        },
        "headers": {"RateLimit": {"schema": ref("schemas", "Id")}},
        "examples": {"APet": {"value": {"kind": "cat"}}},
        "requestBodies": {
            "PetBody": {
                "content": {
                    "application/json": {
                        "schema": ref("schemas", "Pet"),
                        "examples": {"cat": ref("examples", "APet")},
                    }
                }
            }
        },
        "responses": {
            "Found": {
                "description": "found",
                "headers": {"RateLimit": ref("headers", "RateLimit")},
                "content": {"application/json": {"schema": ref("schemas", "A")}},
            }
        },
        "securitySchemes": {
            "other": {"type": "http", "scheme": "basic"},
            "token": {"type": "http", "scheme": "bearer"},
            "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
        },
    }
    paths = {
        "/pets/{id}": {
            "parameters": [ref("parameters", "PetId")],
            "post": {
                "tags": ["pets"],
                "requestBody": ref("requestBodies", "PetBody"),
                "responses": {"200": ref("responses", "Found")},
                "security": [{"token": []}],
            },
            "get": {"responses": ok(ref("schemas", "Unused"))},
        },
        "/other": {
            "get": {
                "tags": ["other"],
                "parameters": [ref("parameters", "Unused")],
                "responses": ok(),
                "security": [{"other": []}],
            }
        },
    }
    return document(
        paths,
        components,
        servers=[{"url": "https://api.example.com"}],
        security=[{"key": []}],
        tags=[{"name": "other"}, {"name": "pets", "description": "Pets"}],
    )


PET_POST = ("POST", "/pets/{id}")


def test_keeps_exactly_what_the_operation_reaches() -> None:
    sliced = slice_document(source(), [PET_POST])
    assert {section: list(members) for section, members in sliced["components"].items()} == {
        "schemas": ["Id", "C", "B", "A", "Cat", "Pet"],  # source order; Cat via the mapping
        "parameters": ["PetId"],
        "headers": ["RateLimit"],
        "examples": ["APet"],
        "requestBodies": ["PetBody"],
        "responses": ["Found"],
        "securitySchemes": ["token", "key"],  # the operation's and the top-level one
    }
    assert list(sliced["paths"]) == ["/pets/{id}"]
    assert list(sliced["paths"]["/pets/{id}"]) == ["parameters", "post"]  # not the GET
    assert sliced["tags"] == [{"name": "pets", "description": "Pets"}]
    assert sliced["servers"] == [{"url": "https://api.example.com"}]
    assert sliced["security"] == [{"key": []}]


def test_slice_is_valid_and_shares_nothing_with_the_source() -> None:
    doc = source()
    result = slice_operations(doc, [PET_POST])
    assert result.warnings == []
    assert problems(result.document, "slice") == []
    result.document["components"]["schemas"]["C"]["type"] = "string"
    assert doc["components"]["schemas"]["C"]["type"] == "integer"


def test_several_operations_share_their_path_item() -> None:
    sliced = slice_document(source(), [PET_POST, ("get", "/pets/{id}")])
    assert list(sliced["paths"]["/pets/{id}"]) == ["parameters", "post", "get"]
    assert "Unused" in sliced["components"]["schemas"]
    assert "Unused" not in sliced["components"]["parameters"]


def test_unknown_operation_names_it_and_the_closest_ones() -> None:
    with pytest.raises(ToolError) as caught:
        slice_document(source(), [("POST", "/pets/{pet_id}")], source="pets.yaml")
    message = str(caught.value)
    assert "pets.yaml: has no operation POST /pets/{pet_id}" in message
    assert "Closest: POST /pets/{id}" in message


def test_references_that_cannot_be_carried_over_are_warnings() -> None:
    doc = document(
        {
            "/a": {
                "get": {
                    "responses": {
                        "200": json_body({"$ref": "#/components/schemas/Missing"}, description="x"),
                        "404": json_body({"$ref": "other.yaml#/Thing"}, description="x"),
                    }
                }
            }
        }
    )
    result = slice_operations(doc, [("GET", "/a")], source="a.yaml")
    assert any("'#/components/schemas/Missing' points at nothing" in w for w in result.warnings)
    assert any("'other.yaml#/Thing' is external" in w for w in result.warnings)
    assert any("the slice was not validated" in w for w in result.warnings)


@pytest.mark.parametrize(
    "components", [[], {"schemas": []}, {"securitySchemes": "x"}, {"schemas": {"A": 1}}]
)
def test_odd_components_never_crash(components: Any) -> None:
    doc = document(
        {"/a": {"get": {"responses": ok({"$ref": "#/components/schemas/A"})}}},
        components,
        security=[{"key": []}],
    )
    result = slice_operations(doc, [("GET", "/a")])
    assert list(result.document["paths"]) == ["/a"]
    assert result.warnings  # the missing scheme (and the odd schema) are reported
