"""diff_documents on small documents: every kind, its severity, $ref following, cycles,
matching operations across renamed path parameters, and invalid shapes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.tools.drift.openapi_docs import (
    document,
    edited,
    json_body,
    kinds,
    ok,
    one_operation,
    query,
    schema_changes,
    single,
)
from tools.drift.model import BREAKING, NON_BREAKING
from tools.drift.spec_diff import compare_documents, diff_documents

# --------------------------------------------------------------------------- operations


def test_identical_documents_have_no_changes() -> None:
    doc = one_operation({"parameters": [query("q")]})
    assert diff_documents(doc, edited(doc)) == []


def test_operation_added_and_removed() -> None:
    old = document({"/a": {"get": {"operationId": "getA", "responses": ok()}}})
    new = document({"/b": {"post": {"operationId": "postB", "responses": ok()}}})
    changes = diff_documents(old, new)
    assert kinds(changes) == [("operation-removed", BREAKING), ("operation-added", NON_BREAKING)]
    removed, added = changes
    assert (removed.method, removed.path, removed.extra) == ("GET", "/a", {"operation_id": "getA"})
    assert (added.method, added.path, added.location) == ("POST", "/b", "/paths/~1b/post")


def test_renamed_path_parameter_is_one_change() -> None:
    def version(name: str) -> dict[str, Any]:
        parameter = {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        return one_operation({"parameters": [parameter]}, path=f"/zones/{{{name}}}/records")

    changes = diff_documents(version("zone_identifier"), version("zone_id"))
    assert kinds(changes) == [("path-parameter-renamed", BREAKING)]
    assert changes[0].path == "/zones/{zone_id}/records"  # as the new document writes it
    assert changes[0].extra == {"old": "zone_identifier", "new": "zone_id"}


def test_renamed_path_parameter_keeps_comparing_its_schema() -> None:
    def version(name: str, kind: str) -> dict[str, Any]:
        parameter = {"name": name, "in": "path", "required": True, "schema": {"type": kind}}
        return one_operation({"parameters": [parameter]}, path=f"/a/{{{name}}}")

    changes = diff_documents(version("x", "string"), version("y", "integer"))
    assert kinds(changes) == [
        ("parameter-type-changed", BREAKING),
        ("path-parameter-renamed", BREAKING),
    ]


def test_two_templates_of_one_shape_pair_by_exact_match_first() -> None:
    ok_op = {"responses": ok()}
    old = document({"/r/{phase}": {"get": ok_op}, "/r/{ruleset_phase}": {"get": ok_op}})
    new = document({"/r/{ruleset_phase}": {"get": ok_op}})
    changes = diff_documents(old, new)
    assert kinds(changes) == [("operation-removed", BREAKING)]
    assert changes[0].path == "/r/{phase}"


# --------------------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    ("required", "severity"), [(True, BREAKING), (False, NON_BREAKING), ("true", BREAKING)]
)
def test_parameter_added(required: Any, severity: str) -> None:
    old = one_operation({})
    new = one_operation({"parameters": [query("page", required=required)]})
    change = single(diff_documents(old, new), "parameter-added")
    assert change.severity == severity
    assert change.extra == {"parameter": "page", "in": "query", "required": severity == BREAKING}


def test_parameter_removed_even_optional_is_breaking() -> None:
    old = one_operation({"parameters": [query("page")]})
    assert kinds(diff_documents(old, one_operation({}))) == [("parameter-removed", BREAKING)]


def test_parameter_renamed_when_the_only_removed_and_added_share_a_schema() -> None:
    old = one_operation({"parameters": [query("q", {"type": "integer"})]})
    new = one_operation({"parameters": [query("query", {"type": "integer"})]})
    change = single(diff_documents(old, new), "parameter-renamed")
    assert (change.severity, change.extra) == (
        BREAKING,
        {"old": "q", "new": "query", "in": "query"},
    )


def test_parameters_with_other_schemas_are_removed_and_added_not_renamed() -> None:
    old = one_operation({"parameters": [query("q", {"type": "integer"})]})
    new = one_operation({"parameters": [query("query", {"type": "string"})]})
    assert sorted(kinds(diff_documents(old, new))) == [
        ("parameter-added", NON_BREAKING),
        ("parameter-removed", BREAKING),
    ]


def test_parameter_moved() -> None:
    old = one_operation({"parameters": [query("token")]})
    header = {"name": "token", "in": "header", "schema": {"type": "string"}}
    change = single(diff_documents(old, one_operation({"parameters": [header]})), "parameter-moved")
    assert (change.severity, change.extra["old"], change.extra["new"]) == (
        BREAKING,
        "query",
        "header",
    )


def test_header_names_ignore_case() -> None:
    def header(name: str) -> dict[str, Any]:
        return {"name": name, "in": "header", "schema": {"type": "string"}}

    old = one_operation({"parameters": [header("X-Request-Id")]})
    assert diff_documents(old, one_operation({"parameters": [header("x-request-id")]})) == []


@pytest.mark.parametrize(
    ("before", "after", "severity"), [(False, True, BREAKING), (True, False, NON_BREAKING)]
)
def test_parameter_required_changed(before: bool, after: bool, severity: str) -> None:
    old = one_operation({"parameters": [query("q", required=before)]})
    new = one_operation({"parameters": [query("q", required=after)]})
    change = single(diff_documents(old, new), "parameter-required-changed")
    assert (change.severity, change.extra["old"], change.extra["new"]) == (severity, before, after)


@pytest.mark.parametrize(
    ("before", "after", "change", "severity"),
    [
        ({"type": "string"}, {"type": "integer"}, "type-changed", BREAKING),
        ({"type": "string"}, {"type": "string", "format": "date-time"}, "format-changed", BREAKING),
        ({"type": "integer", "format": "int32"}, {"type": "integer", "format": "int64"},
         "format-changed", NON_BREAKING),
        ({"enum": ["a"]}, {"enum": ["a", "b"]}, "enum-value-added", NON_BREAKING),
        ({"enum": ["a", "b"]}, {"enum": ["a"]}, "enum-value-removed", BREAKING),
        ({"type": "string"}, {"type": "string", "enum": ["a"]}, "enum-value-removed", BREAKING),
        ({"type": "string", "nullable": True}, {"type": "string"}, "nullable-changed", BREAKING),
    ],
)  # fmt: skip
def test_parameter_type_changed(
    before: dict[str, Any], after: dict[str, Any], change: str, severity: str
) -> None:
    old = one_operation({"parameters": [query("q", before)]})
    new = one_operation({"parameters": [query("q", after)]})
    found = single(diff_documents(old, new), "parameter-type-changed")
    assert (found.extra["change"], found.severity) == (change, severity)
    assert (found.extra["parameter"], found.extra["in"]) == ("q", "query")


def test_path_level_parameters_count_and_operation_level_ones_override_them() -> None:
    shared = [query("q", {"type": "string"})]
    old = document({"/a": {"parameters": shared, "get": {"responses": ok()}}})
    new = document(
        {
            "/a": {
                "parameters": shared,
                "get": {"parameters": [query("q", {"type": "integer"})], "responses": ok()},
            }
        }
    )
    assert kinds(diff_documents(old, new)) == [("parameter-type-changed", BREAKING)]


# --------------------------------------------------------------------------- request bodies


@pytest.mark.parametrize(("required", "severity"), [(True, BREAKING), (False, NON_BREAKING)])
def test_request_body_added(required: bool, severity: str) -> None:
    new = one_operation({"requestBody": json_body({"type": "object"}, required=required)})
    assert kinds(diff_documents(one_operation({}), new)) == [("request-body-added", severity)]


def test_request_body_removed() -> None:
    old = one_operation({"requestBody": json_body({"type": "object"})})
    assert kinds(diff_documents(old, one_operation({}))) == [("request-body-removed", BREAKING)]


@pytest.mark.parametrize(
    ("before", "after", "severity"),
    [(False, True, BREAKING), (True, False, NON_BREAKING), ("false", "true", BREAKING)],
)
def test_request_body_required_changed(before: Any, after: Any, severity: str) -> None:
    old = one_operation({"requestBody": json_body({"type": "object"}, required=before)})
    new = one_operation({"requestBody": json_body({"type": "object"}, required=after)})
    assert kinds(diff_documents(old, new)) == [("request-body-required-changed", severity)]


def test_request_media_types_added_and_removed() -> None:
    old = one_operation({"requestBody": json_body({"type": "object"})})
    new = one_operation(
        {"requestBody": {"content": {"application/octet-stream": {"schema": {"type": "string"}}}}}
    )
    changes = diff_documents(old, new)
    assert sorted(kinds(changes)) == [
        ("request-media-type-added", NON_BREAKING),
        ("request-media-type-removed", BREAKING),
    ]
    assert {c.extra["media_type"] for c in changes} == {
        "application/json",
        "application/octet-stream",
    }


def test_request_schema_changes_are_judged_as_sent() -> None:
    old_schema = {
        "type": "object",
        "required": ["a"],
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}, "gone": {}},
    }
    new_schema = {
        "type": "object",
        "required": ["b", "new_required"],
        "properties": {
            "a": {"type": "string"},
            "b": {"type": "string"},
            "new_required": {"type": "string"},
            "new_optional": {"type": "string"},
        },
    }
    old = one_operation({"requestBody": json_body(old_schema)}, method="post")
    new = one_operation({"requestBody": json_body(new_schema)}, method="post")
    changes = diff_documents(old, new)
    assert {c.kind for c in changes} == {"request-schema-changed"}
    assert schema_changes(changes) == {
        ("property-removed", "gone", BREAKING),
        ("property-added", "new_required", BREAKING),
        ("property-added", "new_optional", NON_BREAKING),
        ("required-added", "b", BREAKING),
        ("required-removed", "a", NON_BREAKING),
    }


# --------------------------------------------------------------------------- responses


def test_response_statuses_added_and_removed() -> None:
    old = one_operation({"responses": {**ok(), "404": {"description": "no"}}})
    new = one_operation({"responses": {**ok(), "429": {"description": "slow down"}}})
    changes = diff_documents(old, new)
    assert kinds(changes) == [
        ("response-status-added", NON_BREAKING),
        ("response-status-removed", BREAKING),
    ]
    assert [c.extra["status"] for c in changes] == ["429", "404"]


def test_status_ranges_ignore_case() -> None:
    error = json_body({"type": "object"}, description="error")
    old = one_operation({"responses": {**ok(), "4xx": error}})
    assert diff_documents(old, one_operation({"responses": {**ok(), "4XX": error}})) == []


def test_response_media_types_added_and_removed() -> None:
    old = one_operation({"responses": ok()})
    new = one_operation({"responses": {"200": {"description": "ok", "content": {"image/png": {}}}}})
    assert sorted(kinds(diff_documents(old, new))) == [
        ("response-media-type-added", NON_BREAKING),
        ("response-media-type-removed", BREAKING),
    ]


def test_response_schema_changes_are_judged_as_read() -> None:
    old_schema = {
        "type": "object",
        "required": ["id", "state"],
        "properties": {
            "id": {"type": "string"},
            "state": {"type": "string", "enum": ["on", "off"]},
            "mode": {"type": "string", "enum": ["a", "b"]},
            "count": {"type": "integer"},
            "when": {"type": "string"},
            "note": {"type": "string"},
            "gone": {"type": "string"},
        },
    }
    new_schema = {
        "type": "object",
        "required": ["state", "count"],
        "properties": {
            "id": {"type": "string"},
            "state": {"type": "string", "enum": ["on", "off", "paused"]},
            "mode": {"type": "string", "enum": ["a"]},
            "count": {"type": "string"},
            "when": {"type": "string", "format": "date-time"},
            "note": {"type": "string", "nullable": True},
            "added": {"type": "string"},
        },
    }
    changes = diff_documents(
        one_operation({"responses": ok(old_schema)}), one_operation({"responses": ok(new_schema)})
    )
    assert {c.kind for c in changes} == {"response-schema-changed"}
    assert schema_changes(changes) == {
        ("property-removed", "gone", BREAKING),
        ("property-added", "added", NON_BREAKING),
        ("required-removed", "id", BREAKING),
        ("required-added", "count", NON_BREAKING),
        ("type-changed", "count", BREAKING),
        ("enum-value-added", "state", BREAKING),  # a generated Enum rejects "paused"
        ("enum-value-removed", "mode", NON_BREAKING),
        ("format-changed", "when", BREAKING),
        ("nullable-changed", "note", BREAKING),
    }
    type_change = next(c for c in changes if c.extra["change"] == "type-changed")
    assert (type_change.extra["old"], type_change.extra["new"]) == (["integer"], ["string"])
    assert type_change.extra["status"] == "200"
    assert type_change.extra["media_type"] == "application/json"
    assert (
        type_change.location == "/paths/~1items/get/responses/200/content/application~1json/schema"
    )


def test_nested_routes_name_items_and_maps() -> None:
    def body(label_type: str) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "result": {
                    "type": "array",
                    "items": {"type": "object", "properties": {"label": {"type": label_type}}},
                },
                "tags": {"type": "object", "additionalProperties": {"type": label_type}},
            },
        }

    changes = diff_documents(
        one_operation({"responses": ok(body("string"))}),
        one_operation({"responses": ok(body("integer"))}),
    )
    assert schema_changes(changes) == {
        ("type-changed", "result[].label", BREAKING),
        ("type-changed", "tags{}", BREAKING),
    }


def test_openapi_31_null_variant_equals_30_nullable() -> None:
    old = one_operation({"responses": ok({"type": "string", "nullable": True})})
    new = one_operation(
        {"responses": ok({"anyOf": [{"type": "string"}, {"type": "null"}]})}, openapi="3.1.0"
    )
    assert diff_documents(old, new) == []


def test_properties_moved_into_all_of_are_no_change() -> None:
    flat = {
        "type": "object",
        "required": ["a"],
        "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
    }
    split = {
        "allOf": [
            {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
            {"properties": {"b": {"type": "integer"}}},
        ]
    }
    old = one_operation({"responses": ok(flat)})
    assert diff_documents(old, one_operation({"responses": ok(split)})) == []


def test_ignores_what_a_client_does_not_see() -> None:
    old = one_operation({"summary": "x", "responses": ok({"type": "string", "description": "a"})})
    new = one_operation(
        {
            "summary": "y",
            "description": "new words",
            "responses": ok({"type": "string", "description": "b", "example": "e", "maxLength": 3}),
        }
    )
    assert diff_documents(old, new) == []


# --------------------------------------------------------------------------- $ref


def _with_component(schema: dict[str, Any], name: str = "Thing") -> dict[str, Any]:
    return one_operation(
        {"responses": ok({"$ref": f"#/components/schemas/{name}"})},
        components={"schemas": {name: schema}},
    )


def test_changes_inside_referenced_components_are_found() -> None:
    old = _with_component({"type": "object", "properties": {"a": {"type": "string"}}})
    new = _with_component({"type": "object", "properties": {"a": {"type": "integer"}}})
    assert schema_changes(diff_documents(old, new)) == {("type-changed", "a", BREAKING)}


def test_renamed_component_with_the_same_content_is_no_change() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    old = _with_component(schema, "fA8TP1wh_thing")
    new = _with_component({**schema, "description": "reworded"}, "load-balancing_thing")
    assert diff_documents(old, new) == []


def test_refs_through_parameters_request_bodies_and_responses_components() -> None:
    def version(kind: str) -> dict[str, Any]:
        components = {
            "schemas": {"Id": {"type": kind}},
            "parameters": {"Q": query("q", {"$ref": "#/components/schemas/Id"})},
            "requestBodies": {"Body": json_body({"$ref": "#/components/schemas/Id"})},
            "responses": {"Ok": json_body({"$ref": "#/components/schemas/Id"}, description="ok")},
        }
        operation = {
            "parameters": [{"$ref": "#/components/parameters/Q"}],
            "requestBody": {"$ref": "#/components/requestBodies/Body"},
            "responses": {"200": {"$ref": "#/components/responses/Ok"}},
        }
        return one_operation(operation, method="post", components=components)

    changes = diff_documents(version("string"), version("integer"))
    assert sorted(c.kind for c in changes) == [
        "parameter-type-changed",
        "request-schema-changed",
        "response-schema-changed",
    ]


def test_recursive_schemas_terminate_and_report_changes_once() -> None:
    def tree(leaf: str) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "value": {"type": leaf},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
            },
        }

    same = diff_documents(
        _with_component(tree("string"), "Node"), _with_component(tree("string"), "Node")
    )
    assert same == []
    changes = diff_documents(
        _with_component(tree("string"), "Node"), _with_component(tree("integer"), "Node")
    )
    assert schema_changes(changes) == {("type-changed", "value", BREAKING)}


def test_mutually_recursive_schemas_terminate() -> None:
    def version(kind: str) -> dict[str, Any]:
        schemas = {
            "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
            "B": {
                "type": "object",
                "properties": {"a": {"$ref": "#/components/schemas/A"}, "v": {"type": kind}},
            },
        }
        return one_operation(
            {"responses": ok({"$ref": "#/components/schemas/A"})}, components={"schemas": schemas}
        )

    assert diff_documents(version("string"), version("string")) == []
    assert schema_changes(diff_documents(version("string"), version("integer"))) == {
        ("type-changed", "b.v", BREAKING)
    }


def test_a_ref_chain_that_loops_and_a_ref_to_nothing_are_warnings() -> None:
    loop = {
        "schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"$ref": "#/components/schemas/A"},
        }
    }
    old = one_operation({"responses": ok({"$ref": "#/components/schemas/A"})}, components=loop)
    new = one_operation({"responses": ok({"$ref": "#/components/schemas/Missing"})})
    result = compare_documents(old, new)
    assert any("loops" in warning for warning in result.warnings)
    assert any("'#/components/schemas/Missing'" in warning for warning in result.warnings)


# --------------------------------------------------------------------------- security, servers


def test_security_alternative_removed_is_breaking_added_is_not() -> None:
    def version(*alternatives: dict[str, list[str]]) -> dict[str, Any]:
        return one_operation({"security": list(alternatives)})

    removed = diff_documents(version({"token": []}, {"key": []}), version({"token": []}))
    assert kinds(removed) == [("security-changed", BREAKING)]
    assert removed[0].extra == {"removed": ["key"], "added": []}
    added = diff_documents(version({"token": []}), version({"token": []}, {"key": []}))
    assert kinds(added) == [("security-changed", NON_BREAKING)]


def test_requiring_two_schemes_together_removes_the_pair_that_sufficed() -> None:
    old = one_operation({"security": [{"api_email": [], "api_key": []}]})
    new = one_operation({"security": [{"api_email": [], "api_key": [], "api_token": []}]})
    change = single(diff_documents(old, new), "security-changed")
    assert change.severity == BREAKING
    assert change.extra == {
        "removed": ["api_email + api_key"],
        "added": ["api_email + api_key + api_token"],
    }


def test_top_level_security_is_compared_once_for_inheriting_operations() -> None:
    old = document({"/a": {"get": {"responses": ok()}}, "/b": {"get": {"responses": ok()}}})
    new = edited(old)
    new["security"] = [{"token": []}]  # no requirement before: anonymous access went away
    change = single(diff_documents(old, new), "security-changed")
    assert (change.method, change.path, change.location) == (None, None, "/security")
    assert change.severity == BREAKING
    assert change.extra["removed"] == ["(anonymous)"]


def test_security_scheme_definition_change_is_breaking() -> None:
    def version(header: str) -> dict[str, Any]:
        schemes = {"key": {"type": "apiKey", "in": "header", "name": header}}
        return one_operation({"security": [{"key": []}]}, components={"securitySchemes": schemes})

    change = single(diff_documents(version("X-Auth-Key"), version("X-Key")), "security-changed")
    assert change.severity == BREAKING
    assert change.extra == {
        "scheme": "key",
        "old": {"name": "X-Auth-Key"},
        "new": {"name": "X-Key"},
    }


def test_server_urls_removed_and_added() -> None:
    old = one_operation({}, servers=[{"url": "https://api.example.com/v1/"}])
    new = one_operation({}, servers=[{"url": "https://api.example.com/v2"}])
    changes = diff_documents(old, new)
    assert kinds(changes) == [("server-changed", BREAKING), ("server-changed", NON_BREAKING)]
    assert [c.extra for c in changes] == [
        {"change": "removed", "url": "https://api.example.com/v1"},
        {"change": "added", "url": "https://api.example.com/v2"},
    ]
    assert (
        diff_documents(old, one_operation({}, servers=[{"url": "https://api.example.com/v1"}]))
        == []
    )


# --------------------------------------------------------------------------- order, odd shapes


def test_changes_are_sorted_by_path_method_and_kind() -> None:
    old = document(
        {
            "/b": {"get": {"responses": ok()}, "delete": {"responses": ok()}},
            "/a": {"get": {"parameters": [query("q")], "responses": ok()}},
        }
    )
    new = document(
        {
            "/b": {"get": {"parameters": [query("q", required=True)], "responses": ok()}},
            "/a": {"get": {"responses": ok()}},
        },
        servers=[{"url": "https://x"}],
    )
    changes = diff_documents(old, new)
    assert [(c.path, c.method, c.kind) for c in changes] == [
        (None, None, "server-changed"),
        ("/a", "GET", "parameter-removed"),
        ("/b", "DELETE", "operation-removed"),
        ("/b", "GET", "parameter-added"),
    ]
    assert diff_documents(old, new) == changes


ODD_SCHEMA = {"type": 5, "properties": [], "required": "true", "enum": "x", "items": 1}
ODD_DOCUMENTS: list[Any] = [
    {"openapi": "3.0.3"},
    {"paths": []},
    {"paths": {"/a": "not a path item", "/b": {"get": "not an operation"}}},
    {"paths": {"/a": {"get": {"parameters": "nope", "responses": []}}}},
    {"paths": {"/a": {"get": {"parameters": [{"in": "query"}, 3, None], "requestBody": 5}}}},
    {"paths": {"/a": {"get": {"responses": {"200": {"content": []}, "4xx": "x"}}}}},
    {"paths": {"/a": {"get": {"responses": ok(True)}}}},
    {"paths": {"/a": {"get": {"responses": ok(ODD_SCHEMA)}}}},
    {"paths": {"/a": {"get": {"security": "all", "servers": {"url": 1}}}}},
    {"paths": {"/{a": {"get": {"parameters": [{"$ref": 7}, {"$ref": "#/nope"}]}}}},
    {"paths": {"/a": {"get": {"parameters": [{"$ref": "#/a~2b"}]}}}},
    {"components": {"securitySchemes": {"k": "x"}}, "security": [{"k": "notalist"}, 1]},
]


@pytest.mark.parametrize("old", ODD_DOCUMENTS)
@pytest.mark.parametrize("new", ODD_DOCUMENTS)
def test_odd_shapes_never_crash(old: Any, new: Any) -> None:
    result = compare_documents(old, new)
    assert all(change.kind for change in result.changes)
    if old == new:
        assert result.changes == []


def test_odd_shapes_are_warned_about_when_read() -> None:
    bad = document({"/a": {"get": {"parameters": [{"in": "query"}], "responses": []}}})
    changed = edited(bad)
    changed["paths"]["/a"]["get"]["parameters"].append(query("q"))
    warnings = compare_documents(bad, changed).warnings
    assert any("/paths/~1a/get/parameters/0 is not a parameter" in w for w in warnings)
    assert any("/paths/~1a/get/responses is not a mapping" in w for w in warnings)


def test_string_booleans_are_read_as_booleans() -> None:
    old = one_operation({"parameters": [query("q", required=True)]})
    new = one_operation({"parameters": [query("q", required="true")]})
    assert diff_documents(old, new) == []
