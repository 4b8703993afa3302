"""The overlay engine on small documents: update, remove, copy, strict mode, results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tools.documents import dump_yaml
from tools.errors import ToolError
from tools.overlay import ActionResult, load_overlay, parse_overlay
from tools.overlay_apply import apply_overlay, apply_overlays


def write_overlay(
    folder: Path,
    actions: list[dict[str, Any]],
    *,
    version: str = "1.1.0",
    name: str = "test.overlay.yaml",
) -> Path:
    path = folder / name
    document = {"overlay": version, "info": {"title": "test", "version": "1"}, "actions": actions}
    path.write_text(dump_yaml(document), encoding="utf-8")
    return path


def apply(
    folder: Path,
    document: dict[str, Any],
    actions: list[dict[str, Any]],
    *,
    version: str = "1.1.0",
    strict: bool = True,
) -> list[ActionResult]:
    overlay = load_overlay(write_overlay(folder, actions, version=version))
    return apply_overlay(document, overlay, strict=strict)


def petstore() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Pets", "version": "1.0.0", "contact": {"name": "A", "x-a": [1]}},
        "servers": [
            {"url": "https://a.example", "description": "Prod"},
            {"url": "https://b.example", "description": "Dev"},
            {"url": "https://c.example", "description": "Dev"},
            {"url": "https://d.example", "description": "Staging"},
            {"url": "https://e.example", "description": "Dev"},
        ],
        "paths": {
            "/pets": {
                "get": {
                    "operationId": "listPets",
                    "tags": ["pets", "dummy", "read", "dummy"],
                    "parameters": [
                        {"name": "limit", "in": "query"},
                        {"name": "dummy", "in": "query"},
                    ],
                    "responses": {"200": {"description": "OK"}},
                },
            },
            "/pets/{id}": {
                "get": {
                    "operationId": "getPet",
                    "parameters": [{"name": "id", "in": "path", "required": True}],
                    "responses": {"200": {"description": "OK"}},
                },
                "delete": {"responses": {"204": {"description": "Gone"}}},
            },
        },
    }


# --------------------------------------------------------------------------- update


def test_update_merges_nested_objects(tmp_path: Path) -> None:
    doc = petstore()
    apply(
        tmp_path,
        doc,
        [
            {
                "target": "$.info",
                "update": {
                    "title": "Pets API",
                    "contact": {"email": "a@example.com", "x-a": [2]},
                    "license": {"name": "MIT"},
                },
            }
        ],
    )
    assert doc["info"] == {
        "title": "Pets API",  # primitive replaced
        "version": "1.0.0",  # only in the target: unchanged
        "contact": {"name": "A", "x-a": [1, 2], "email": "a@example.com"},  # merged
        "license": {"name": "MIT"},  # only in the update: inserted
    }


def test_update_appends_to_array_target(tmp_path: Path) -> None:
    doc = petstore()
    apply(
        tmp_path,
        doc,
        [{"target": "$.paths.*.get.parameters", "update": {"name": "trace", "in": "header"}}],
    )
    pets = doc["paths"]["/pets"]["get"]["parameters"]
    pet = doc["paths"]["/pets/{id}"]["get"]["parameters"]
    assert pets[-1] == {"name": "trace", "in": "header"}
    assert pet[-1] == {"name": "trace", "in": "header"}
    assert len(pets) == 3 and len(pet) == 2
    pets[-1]["name"] = "changed"  # each target got its own copy
    assert pet[-1]["name"] == "trace"


def test_update_with_array_value_concatenates(tmp_path: Path) -> None:
    doc = petstore()
    apply(tmp_path, doc, [{"target": "$.paths['/pets'].get.tags", "update": ["x", "y"]}])
    assert doc["paths"]["/pets"]["get"]["tags"] == ["pets", "dummy", "read", "dummy", "x", "y"]


def test_update_replaces_primitive_targets(tmp_path: Path) -> None:
    doc = petstore()
    apply(tmp_path, doc, [{"target": "$.paths.*.get.operationId", "update": "renamed"}])
    assert doc["paths"]["/pets"]["get"]["operationId"] == "renamed"
    assert doc["paths"]["/pets/{id}"]["get"]["operationId"] == "renamed"


def test_root_update_mutates_document_in_place(tmp_path: Path) -> None:
    doc = petstore()
    info = doc["info"]
    results = apply(tmp_path, doc, [{"target": "$", "update": {"info": {"x-overlaid": True}}}])
    assert doc["info"] is info
    assert info["x-overlaid"] is True
    assert results[0].matched == ["$"]


def test_incompatible_merge_is_an_error_naming_the_place(tmp_path: Path) -> None:
    doc = petstore()
    with pytest.raises(ToolError) as caught:
        apply(tmp_path, doc, [{"target": "$.info", "update": {"contact": "nobody"}}])
    message = str(caught.value)
    assert "test.overlay.yaml" in message
    assert "/info/contact" in message
    assert "remove" in message


def test_object_target_needs_object_update(tmp_path: Path) -> None:
    with pytest.raises(ToolError, match="must be an object"):
        apply(tmp_path, petstore(), [{"target": "$.info", "update": "text"}])


def test_target_selecting_mixed_kinds_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ToolError, match="different kinds"):
        apply(tmp_path, petstore(), [{"target": "$.info.*", "update": {"x": 1}}])


def test_update_values_are_copied_per_target(tmp_path: Path) -> None:
    doc = petstore()
    apply(tmp_path, doc, [{"target": "$.paths.*.get", "update": {"x-meta": {"n": 1}}}])
    doc["paths"]["/pets"]["get"]["x-meta"]["n"] = 2
    assert doc["paths"]["/pets/{id}"]["get"]["x-meta"] == {"n": 1}


def test_a_node_selected_twice_is_updated_once(tmp_path: Path) -> None:
    doc = petstore()
    results = apply(tmp_path, doc, [{"target": "$['servers','servers']", "update": {"url": "x"}}])
    assert len(doc["servers"]) == 6
    assert results[0].matched == ["$['servers']"]


# --------------------------------------------------------------------------- remove


def test_remove_several_array_items(tmp_path: Path) -> None:
    doc = petstore()
    results = apply(
        tmp_path, doc, [{"target": "$.servers[?@.description == 'Dev']", "remove": True}]
    )
    assert [server["url"] for server in doc["servers"]] == [
        "https://a.example",
        "https://d.example",
    ]
    assert results[0].matched == ["$['servers'][1]", "$['servers'][2]", "$['servers'][4]"]


def test_remove_by_indexes_uses_the_indexes_before_removal(tmp_path: Path) -> None:
    doc = petstore()
    apply(tmp_path, doc, [{"target": "$.servers[0, 3, -1]", "remove": True}])
    assert [server["url"] for server in doc["servers"]] == [
        "https://b.example",
        "https://c.example",
    ]


def test_remove_primitive_array_items(tmp_path: Path) -> None:
    doc = petstore()
    apply(tmp_path, doc, [{"target": "$.paths.*.get.tags[?@ == 'dummy']", "remove": True}])
    assert doc["paths"]["/pets"]["get"]["tags"] == ["pets", "read"]


def test_remove_members_and_nested_selections(tmp_path: Path) -> None:
    doc = petstore()
    apply(tmp_path, doc, [{"target": "$.paths..responses", "remove": True}])
    assert all("responses" not in op for item in doc["paths"].values() for op in item.values())


def test_remove_wins_over_update(tmp_path: Path) -> None:
    doc = petstore()
    results = apply(
        tmp_path,
        doc,
        [{"target": "$.paths.*.get.parameters", "update": {"name": "x"}, "remove": True}],
    )
    assert "parameters" not in doc["paths"]["/pets"]["get"]
    assert results[0].kind == "remove"


def test_removing_the_root_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ToolError, match="root"):
        apply(tmp_path, petstore(), [{"target": "$", "remove": True}])


# --------------------------------------------------------------------------- copy


def copy_example() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Example API", "version": "1.0.0"},
        "paths": {
            "/items": {"get": {"responses": {"200": {"description": "OK"}}}},
            "/some-items": {"delete": {"responses": {"200": {"description": "OK"}}}},
        },
    }


def test_copy_merges_the_source_into_the_target(tmp_path: Path) -> None:
    doc = copy_example()
    results = apply(
        tmp_path, doc, [{"target": "$.paths['/some-items']", "copy": "$.paths['/items']"}]
    )
    assert doc["paths"]["/some-items"] == {
        "delete": {"responses": {"200": {"description": "OK"}}},
        "get": {"responses": {"200": {"description": "OK"}}},
    }
    assert doc["paths"]["/some-items"]["get"] is not doc["paths"]["/items"]["get"]
    assert results[0].kind == "copy"


def test_move_with_update_copy_remove(tmp_path: Path) -> None:
    doc = copy_example()
    apply(
        tmp_path,
        doc,
        [
            {"target": "$.paths", "update": {"/new-items": {}}},
            {"target": "$.paths['/new-items']", "copy": "$.paths['/items']"},
            {"target": "$.paths['/items']", "remove": True},
        ],
    )
    assert list(doc["paths"]) == ["/some-items", "/new-items"]
    assert doc["paths"]["/new-items"] == {"get": {"responses": {"200": {"description": "OK"}}}}


@pytest.mark.parametrize("strict", [True, False])
def test_copy_source_selecting_nothing_is_always_an_error(tmp_path: Path, strict: bool) -> None:
    with pytest.raises(ToolError) as caught:
        apply(
            tmp_path,
            copy_example(),
            [{"target": "$.paths['/some-items']", "copy": "$.paths['/missing']"}],
            strict=strict,
        )
    message = str(caught.value)
    assert "test.overlay.yaml" in message
    assert "selected nothing" in message
    assert "exactly one node" in message


def test_copy_source_selecting_several_nodes_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ToolError, match=r"selected 2 nodes"):
        apply(tmp_path, copy_example(), [{"target": "$.paths['/some-items']", "copy": "$.paths.*"}])


def test_update_wins_over_copy(tmp_path: Path) -> None:
    doc = copy_example()
    results = apply(
        tmp_path,
        doc,
        [{"target": "$.paths['/some-items']", "copy": "$.paths['/items']", "update": {"x": 1}}],
    )
    assert doc["paths"]["/some-items"] == {
        "delete": {"responses": {"200": {"description": "OK"}}},
        "x": 1,
    }
    assert results[0].kind == "update"


def test_copy_is_refused_in_a_1_0_overlay(tmp_path: Path) -> None:
    path = write_overlay(
        tmp_path,
        [{"target": "$.paths['/some-items']", "copy": "$.paths['/items']"}],
        version="1.0.0",
    )
    with pytest.raises(ToolError) as caught:
        load_overlay(path)
    message = str(caught.value)
    assert str(path) in message
    assert "/actions/0" in message
    assert "'copy'" in message
    assert "1.1" in message


# --------------------------------------------------------------------------- strict mode


def test_strict_zero_match_names_file_index_and_target(tmp_path: Path) -> None:
    doc = petstore()
    actions = [
        {"target": "$.info", "update": {"x-a": 1}},
        {"target": "$.paths['/dogs'].get", "update": {"summary": "Dogs"}},
    ]
    with pytest.raises(ToolError) as caught:
        apply(tmp_path, doc, actions)
    message = str(caught.value)
    assert str(tmp_path / "test.overlay.yaml") in message
    assert "action 1 (0-based" in message
    assert "$.paths['/dogs'].get" in message
    assert "selected nothing" in message
    assert "upstream" in message


def test_no_strict_skips_zero_match_actions(tmp_path: Path) -> None:
    doc = petstore()
    before = json.loads(json.dumps(doc))
    results = apply(
        tmp_path,
        doc,
        [
            {"target": "$.paths['/dogs'].get", "update": {"summary": "Dogs"}},
            {"target": "$.paths['/cats']", "remove": True},
            {"target": "$.info", "update": {"x-a": 1}},
        ],
        strict=False,
    )
    assert [result.matched for result in results] == [[], [], ["$['info']"]]
    before["info"]["x-a"] = 1
    assert doc == before


# --------------------------------------------------------------------------- results, API


def test_action_results_list_normalized_paths(tmp_path: Path) -> None:
    doc = petstore()
    path = write_overlay(
        tmp_path,
        [
            {"target": "$.paths.*.get", "description": "mark reads", "update": {"x-read": True}},
            {"target": "$.servers[?@.description == 'Staging']", "remove": True},
            {"target": "$.paths..parameters[?@.name == 'dummy']", "remove": True},
        ],
    )
    results = apply_overlay(doc, load_overlay(path))
    assert results == [
        ActionResult(
            overlay_path=path,
            index=0,
            target="$.paths.*.get",
            description="mark reads",
            matched=["$['paths']['/pets']['get']", "$['paths']['/pets/{id}']['get']"],
            kind="update",
        ),
        ActionResult(
            overlay_path=path,
            index=1,
            target="$.servers[?@.description == 'Staging']",
            description=None,
            matched=["$['servers'][3]"],
            kind="remove",
        ),
        ActionResult(
            overlay_path=path,
            index=2,
            target="$.paths..parameters[?@.name == 'dummy']",
            description=None,
            matched=["$['paths']['/pets']['get']['parameters'][1]"],
            kind="remove",
        ),
    ]


def test_apply_overlays_applies_in_order(tmp_path: Path) -> None:
    first = load_overlay(
        write_overlay(tmp_path, [{"target": "$.info", "update": {"x-n": 1}}], name="a.yaml")
    )
    second = load_overlay(
        write_overlay(tmp_path, [{"target": "$.info['x-n']", "update": 2}], name="b.yaml")
    )
    doc = petstore()
    results = apply_overlays(doc, [first, second])
    assert doc["info"]["x-n"] == 2
    assert [(result.overlay_path.name, result.index) for result in results] == [
        ("a.yaml", 0),
        ("b.yaml", 0),
    ]


def test_invalid_jsonpath_is_refused_at_load_with_a_hint(tmp_path: Path) -> None:
    path = write_overlay(tmp_path, [{"target": "$.paths.*.get[?@.x-oai-traits]", "remove": True}])
    with pytest.raises(ToolError) as caught:
        load_overlay(path)
    message = str(caught.value)
    assert str(path) in message
    assert "action 0" in message
    assert "@['x-oai-traits']" in message


@pytest.mark.parametrize(
    ("version", "expected"),
    [("1.2.0", "not supported"), ("2.0.0", "not supported"), (None, "no 'overlay' field")],
)
def test_unknown_or_missing_version_names_the_file(
    tmp_path: Path, version: str | None, expected: str
) -> None:
    document: dict[str, Any] = {"info": {"title": "t", "version": "1"}, "actions": []}
    if version is not None:
        document["overlay"] = version
    with pytest.raises(ToolError) as caught:
        parse_overlay(document, tmp_path / "v.yaml")
    assert str(tmp_path / "v.yaml") in str(caught.value)
    assert expected in str(caught.value)


def test_schema_errors_list_every_violation_with_pointers(tmp_path: Path) -> None:
    document = {
        "overlay": "1.1.0",
        "info": {"title": 1},
        "actions": [{"target": "info", "remove": "yes"}],
        "extra": True,
    }
    with pytest.raises(ToolError) as caught:
        parse_overlay(document, tmp_path / "bad.yaml")
    message = str(caught.value)
    for expected in ("/info/title", "/actions/0/target", "/actions/0/remove", "'version'"):
        assert expected in message
    assert "'extra' was unexpected" in message


def test_large_document_descendant_queries(shared_dir: Path) -> None:
    source = shared_dir / "upstream" / "cloudflare" / "openapi-2024-08-06.json"
    doc = json.loads(source.read_bytes())
    actions: list[dict[str, Any]] = [
        {"target": "$..[?@.operationId]", "update": {"x-seen": True}},
        {"target": "$.info", "update": {"x-generated": True}},
        {"target": "$.paths.*.*.responses['4XX']", "remove": True},
    ]
    overlay = parse_overlay(
        {"overlay": "1.1.0", "info": {"title": "t", "version": "1"}, "actions": actions},
        Path("perf.overlay.yaml"),
    )
    results = apply_overlay(doc, overlay, strict=False)
    operations = [op for item in doc["paths"].values() for op in item.values()]
    with_id = [op for op in operations if isinstance(op, dict) and "operationId" in op]
    assert len(results[0].matched) == len(with_id) > 1000
    assert all(op["x-seen"] is True for op in with_id)
    # Speed is measured by `python -m tools bench overlay-apply`, not asserted here.


# --------------------------------------------------------------------------- hostile overlays


def test_update_adding_an_external_ref_is_refused_at_load(tmp_path: Path) -> None:
    actions = [
        {"target": "$.info", "update": {"x-a": 1}},
        {"target": "$.paths", "update": {"/x": {"get": {"$ref": "file:///etc/passwd"}}}},
    ]
    path = write_overlay(tmp_path, actions)
    with pytest.raises(ToolError) as caught:
        load_overlay(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: action 1 (0-based index in 'actions', target '$.paths')")
    assert "update value at /~1x/get/$ref -> 'file:///etc/passwd'" in message


def test_update_writing_an_external_url_over_a_ref_is_refused(tmp_path: Path) -> None:
    document = petstore()
    document["components"] = {"schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {}}}
    with pytest.raises(ToolError) as caught:
        apply(tmp_path, document, [{"target": "$..['$ref']", "update": "http://127.0.0.1:9/x"}])
    assert "action 0" in str(caught.value)
    assert "/components/schemas/A/$ref -> 'http://127.0.0.1:9/x'" in str(caught.value)
    assert document["components"]["schemas"]["A"]["$ref"] == "#/components/schemas/B"


def test_copy_that_doubles_itself_is_stopped(tmp_path: Path) -> None:
    actions: list[dict[str, Any]] = [{"target": "$.info", "update": {"x-grow": [1, 2]}}]
    actions += [
        {"target": "$.info['x-grow']", "copy": "$.info['x-grow']", "description": f"d{i}"}
        for i in range(40)
    ]
    with pytest.raises(ToolError, match=r"action 19 .*more than 1,000,000 nodes"):
        apply(tmp_path, petstore(), actions)


def test_update_nesting_past_the_depth_limit_is_refused(tmp_path: Path) -> None:
    value: dict[str, Any] = {}
    for _ in range(150):
        value = {"a": value}
    document = petstore()
    apply(tmp_path, document, [{"target": "$.info", "update": {"x-deep": value}}])  # 153 deep
    deep_target = "$.info['x-deep']" + ".a" * 60  # 62 levels down, then 152 more
    with pytest.raises(ToolError, match=r"action 0 .*would nest 215 levels deep"):
        apply(tmp_path, document, [{"target": deep_target, "copy": "$.info"}])
