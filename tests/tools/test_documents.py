"""Loading, checking, dumping and writing documents (tools/documents.py, tools/parsing.py,
tools/pointers.py, tools/refs.py)."""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tools import documents
from tools.documents import dump_yaml, load_document, locate, write_atomic
from tools.errors import ToolError
from tools.parsing import MAX_DEPTH
from tools.pointers import escape_pointer_token, json_pointer, parse_json_pointer
from tools.refs import external_refs, ref_problems, reject_external_refs


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- loading


def test_loads_yaml_and_json(tmp_path: Path) -> None:
    yaml_path = write(tmp_path, "a.yaml", "openapi: 3.1.0\ninfo:\n  title: T\n")
    json_path = write(tmp_path, "a.json", '{"openapi": "3.1.0", "info": {"title": "T"}}')
    assert load_document(yaml_path) == load_document(json_path)


def test_yaml_syntax_error_gives_file_line_col(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", "openapi: 3.1.0\ninfo:\n  title: T\n   version: 1\n")
    with pytest.raises(ToolError) as caught:
        load_document(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:4:")
    assert "indentation" in message  # the hint


def test_yaml_unclosed_flow_gives_file_line_col(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", "tags: [a, b\nother: 1\n")
    with pytest.raises(ToolError, match=r"bad\.yaml:\d+:\d+: "):
        load_document(path)


def test_json_syntax_error_gives_file_line_col(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.json", '{\n  "openapi": "3.1.0",\n  "info": {,}\n}\n')
    with pytest.raises(ToolError) as caught:
        load_document(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:3:12: ")
    assert "comma" in message  # the hint


def test_json_nan_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ToolError, match="NaN"):
        load_document(write(tmp_path, "nan.json", '{"a": NaN}'))


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ToolError) as caught:
        load_document(tmp_path / "missing.yaml")
    assert str(tmp_path / "missing.yaml") in str(caught.value)
    assert "no such file" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        ("list.yaml", "- a\n- b\n", "a list"),
        ("scalar.yaml", "just text\n", "a string"),
        ("empty.yaml", "", "empty"),
        ("list.json", "[1, 2]", "a list"),
        ("null.json", "null", "null"),
        ("null.yaml", "~\n", "null"),
    ],
)
def test_non_mapping_top_level_is_refused(tmp_path: Path, name: str, text: str, kind: str) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(ToolError) as caught:
        load_document(path)
    assert str(path) in str(caught.value)
    assert f"top level is {kind}" in str(caught.value)


def billion_laughs(levels: int = 9) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        refs = ", ".join([f"*l{level - 1}"] * 9)
        lines.append(f"l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    path = write(tmp_path, "bomb.yaml", billion_laughs())
    # Refused before expanding (an expansion would take minutes and gigabytes).
    with pytest.raises(ToolError) as caught:
        load_document(path)
    message = str(caught.value)
    assert str(path) in message
    assert "alias" in message


def test_merge_key_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 {k0: 1, k1: 2, k2: 3, k3: 4, k4: 5, k5: 6, k6: 7, k7: 8, k8: 9}"]
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} {{<<: [{refs}], x{level}: [{refs}]}}")
    path = write(tmp_path, "merge.yaml", "\n".join(lines) + "\n")
    with pytest.raises(ToolError, match="alias"):
        load_document(path)


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "loop.yaml", "a: &x\n  b: *x\n")
    with pytest.raises(ToolError, match=r"loop\.yaml:1:\d+: .*itself"):
        load_document(path)


def test_modest_aliases_are_expanded_into_independent_copies(tmp_path: Path) -> None:
    text = "base: &b {type: string, enum: [a]}\nx: *b\ny: *b\n"
    doc = load_document(write(tmp_path, "ok.yaml", text))
    assert doc["x"] == doc["y"] == {"type": "string", "enum": ["a"]}
    doc["x"]["enum"].append("b")
    assert doc["y"]["enum"] == ["a"]
    assert doc["base"]["enum"] == ["a"]


def test_yaml_is_read_json_compatibly(tmp_path: Path) -> None:
    text = "date: 2024-01-01\nresponses:\n  200: {description: OK}\n"
    doc = load_document(write(tmp_path, "compat.yaml", text))
    assert doc == {"date": "2024-01-01", "responses": {"200": {"description": "OK"}}}


def test_yaml_key_that_cannot_be_a_string_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "keys.yaml", "a: 1\nb:\n  true: x\n")
    with pytest.raises(ToolError) as caught:
        load_document(path)
    assert str(caught.value).startswith(f"{path}:3:3: ")
    assert "quote the key" in str(caught.value)


def test_yaml_unknown_tag_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "tag.yaml", "a: !!python/object:os.system ls\n")
    with pytest.raises(ToolError, match=r"tag\.yaml:1:\d+: "):
        load_document(path)


def test_large_json_document_loads_fast(shared_dir: Path) -> None:
    source = shared_dir / "upstream" / "cloudflare" / "openapi-2024-08-06.json"
    doc = load_document(source)
    assert "paths" in doc
    assert external_refs(doc) == []


# --------------------------------------------------------------------------- hostile input


def nested(depth: int, kind: str = "list") -> str:
    """A document whose x-deep member nests `depth` lists (or mappings); the top-level
    mapping makes the whole document `depth + 1` deep."""
    if kind == "list":
        return "x-deep: " + "[" * depth + "]" * depth + "\n"
    return "x-deep: " + "{a: " * depth + "1" + "}" * depth + "\n"


@pytest.mark.parametrize("kind", ["list", "mapping"])
def test_nesting_at_the_limit_loads(tmp_path: Path, kind: str) -> None:
    doc = load_document(write(tmp_path, "ok.yaml", nested(MAX_DEPTH - 1, kind)))
    assert "x-deep" in doc


@pytest.mark.parametrize("kind", ["list", "mapping"])
def test_yaml_nesting_past_the_limit_names_line_col_and_limit(tmp_path: Path, kind: str) -> None:
    path = write(tmp_path, "deep.yaml", "openapi: 3.1.0\n" + nested(MAX_DEPTH, kind))
    with pytest.raises(ToolError) as caught:
        load_document(path)
    message = str(caught.value)
    assert re.match(rf"{re.escape(str(path))}:2:\d+: nested more than {MAX_DEPTH} ", message)


def test_very_deep_yaml_is_refused_quickly_without_crashing(tmp_path: Path) -> None:
    # 50,000 levels crashed libyaml's composer (a segmentation fault) and its scanner is
    # quadratic in flow nesting: the check stops at the first level past the limit.
    path = write(tmp_path, "deep.yaml", nested(200_000))
    started = time.perf_counter()
    with pytest.raises(ToolError, match=r"deep\.yaml:1:\d+: nested more than"):
        load_document(path)
    assert time.perf_counter() - started < 5


def test_deep_json_is_refused_from_its_text(tmp_path: Path) -> None:
    text = '{"openapi": "3.1.0",\n "x": ' + "[" * 1_000_000 + "]" * 1_000_000 + "}"
    path = write(tmp_path, "deep.json", text)
    with pytest.raises(ToolError) as caught:
        load_document(path)
    assert str(caught.value).startswith(f"{path}:2:{7 + MAX_DEPTH - 1}: nested more than")


def test_json_brackets_inside_strings_are_not_nesting(tmp_path: Path) -> None:
    text = '{"a": "' + "[{" * 5000 + '\\"[", "b": [[1]]}'
    assert load_document(write(tmp_path, "ok.json", text))["b"] == [[1]]
    path = write(tmp_path, "deep.json", '{"a": "]]]]",' + '"b": ' + "[" * 300 + "]" * 300 + "}")
    with pytest.raises(ToolError, match="nested more than"):
        load_document(path)


def test_yaml_duplicate_key_names_the_key_and_both_lines(tmp_path: Path) -> None:
    text = (
        "paths:\n"
        "  /x:\n"
        "    post:\n"
        "      operationId: first\n"
        "    get:\n"
        "      operationId: other\n"
        "    post:\n"
        "      operationId: second\n"
    )
    path = write(tmp_path, "dup.yaml", text)
    with pytest.raises(ToolError) as caught:
        load_document(path)
    assert str(caught.value).startswith(f"{path}:7:5: duplicate key 'post' (first at line 3)")


def test_yaml_integer_and_string_spelling_of_one_key_is_a_duplicate(tmp_path: Path) -> None:
    path = write(tmp_path, "dup.yaml", "responses:\n  200: {}\n  '200': {}\n")
    with pytest.raises(ToolError, match=r"dup\.yaml:3:3: duplicate key '200' \(first at line 2\)"):
        load_document(path)


def test_yaml_merge_keys_may_be_overridden(tmp_path: Path) -> None:
    text = "base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  a: 3\ny: {<<: *b, b: 4}\n"
    doc = load_document(write(tmp_path, "merge.yaml", text))
    assert doc["x"] == {"a": 3, "b": 2}
    assert doc["y"] == {"a": 1, "b": 4}


def test_json_duplicate_key_names_the_key_and_the_object(tmp_path: Path) -> None:
    text = '{"paths": {"/x": {"post": {}, "get": {}, "post": {"x": 1}}}}'
    path = write(tmp_path, "dup.json", text)
    with pytest.raises(ToolError) as caught:
        load_document(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: duplicate key 'post' in the object at /paths/~1x.")


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    outcome: list[str] = []

    def load() -> None:
        try:
            load_document(fifo)
        except ToolError as err:
            outcome.append(str(err))

    reader = threading.Thread(target=load, daemon=True)
    reader.start()
    reader.join(5)
    assert not reader.is_alive(), "load_document blocked on a FIFO"
    assert outcome and outcome[0].startswith(f"{fifo}: is not a regular file")


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ToolError, match="is a folder"):
        load_document(tmp_path)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"openapi: 3.1.0\ninfo: \xff\xfe\n", "byte"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "byte"),
    ],
)
def test_bad_utf8_and_binary_files_name_the_byte(
    tmp_path: Path, data: bytes, expected: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(data)
    with pytest.raises(ToolError) as caught:
        load_document(path)
    assert str(caught.value).startswith(f"{path}: {expected}")


# --------------------------------------------------------------------------- $ref checks


def refs_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "paths": {
            "/pets/{id}": {
                "get": {
                    "responses": {
                        "200": {"$ref": "#/components/responses/Pet"},
                        "404": {"$ref": "https://example.com/errors.yaml#/NotFound"},
                    }
                }
            }
        },
        "components": {
            "schemas": {
                "Pet": {"properties": {"owner": {"$ref": "./owner.yaml"}}},
                "Odd": {"properties": {"$ref": {"type": "string"}}},  # a property, not a ref
            }
        },
    }


def test_external_refs_lists_urls_and_files_with_pointers() -> None:
    assert external_refs(refs_document()) == [
        (
            "/paths/~1pets~1{id}/get/responses/404/$ref",
            "https://example.com/errors.yaml#/NotFound",
        ),
        ("/components/schemas/Pet/properties/owner/$ref", "./owner.yaml"),
    ]


def test_reject_external_refs_names_file_and_pointers(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    with pytest.raises(ToolError) as caught:
        reject_external_refs(refs_document(), path)
    message = str(caught.value)
    assert str(path) in message
    assert "/paths/~1pets~1{id}/get/responses/404/$ref" in message
    assert "/components/schemas/Pet/properties/owner/$ref" in message
    assert "external references (URLs or files) are refused" in message
    assert "inline" in message and "overlay" in message


def test_local_refs_are_accepted() -> None:
    doc = {"a": {"$ref": "#/components/schemas/A"}, "b": [{"$ref": "#/x"}]}
    assert external_refs(doc) == []
    reject_external_refs(doc, Path("spec.yaml"))


def schemas(**named: Any) -> dict[str, Any]:
    return {"openapi": "3.1.0", "components": {"schemas": named}}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def test_ref_problems_accepts_recursive_schemas_that_make_progress() -> None:
    tree = {"type": "object", "properties": {"children": {"type": "array", "items": ref("Node")}}}
    nested_lists = {"type": "array", "items": ref("Lists")}
    doc = schemas(Node=tree, Lists=nested_lists, Uses={"allOf": [ref("Lists"), ref("Node")]})
    assert ref_problems(doc) == []


def test_ref_problems_finds_a_pure_ref_loop_from_its_first_ref() -> None:
    found = ref_problems(schemas(A=ref("B"), B=ref("A")))
    assert [(p.pointer, p.ref) for p in found] == [
        ("/components/schemas/A/$ref", "#/components/schemas/B")
    ]
    assert "loop that never reaches a schema" in found[0].message
    assert "/components/schemas/B/$ref -> /components/schemas/A/$ref" in found[0].message


@pytest.mark.parametrize("keyword", ["allOf", "anyOf", "oneOf"])
def test_ref_problems_finds_a_schema_that_contains_itself_in_place(keyword: str) -> None:
    found = ref_problems(schemas(A={keyword: [{"type": "object"}, ref("A")]}))
    assert [p.pointer for p in found] == [f"/components/schemas/A/{keyword}/1/$ref"]
    assert "without entering a property or an array item" in found[0].message


def test_ref_problems_finds_a_loop_through_not_and_another_schema() -> None:
    found = ref_problems(schemas(A={"not": ref("B")}, B={"oneOf": [ref("A")]}))
    assert [p.pointer for p in found] == ["/components/schemas/A/not/$ref"]


def test_ref_problems_finds_missing_targets_and_anchors() -> None:
    doc = schemas(
        A={
            "properties": {"x": ref("Nope"), "y": {"$ref": "#/components/schemas/A/properties/x/0"}}
        },
        B={"$ref": "#nowhere"},
        C={"$id": "c", "$anchor": "here", "type": "string"},
        D={"$ref": "#here"},
    )
    assert [(p.pointer, p.ref) for p in ref_problems(doc)] == [
        ("/components/schemas/A/properties/x/$ref", "#/components/schemas/Nope"),
        ("/components/schemas/A/properties/y/$ref", "#/components/schemas/A/properties/x/0"),
        ("/components/schemas/B/$ref", "#nowhere"),
    ]


def test_ref_problems_reports_external_and_dynamic_refs() -> None:
    doc = schemas(
        A={"$ref": "file:///etc/passwd"},
        B={"$ref": "../../secrets.yaml"},
        C={"$dynamicRef": "http://127.0.0.1:9/meta#m"},
        D={"$dynamicRef": "#m"},
    )
    found = ref_problems(doc)
    assert [(p.pointer, p.external) for p in found] == [
        ("/components/schemas/A/$ref", True),
        ("/components/schemas/B/$ref", True),
        ("/components/schemas/C/$dynamicRef", True),
        ("/components/schemas/D/$dynamicRef", False),
    ]
    assert external_refs(doc)[2] == (
        "/components/schemas/C/$dynamicRef",
        "http://127.0.0.1:9/meta#m",
    )


def test_locate_gives_line_and_column_of_pointers(tmp_path: Path) -> None:
    text = (
        "openapi: 3.1.0\ncomponents:\n  schemas:\n    A:\n      $ref: '#/x'\n    L: [1, {b: 2}]\n"
    )
    path = write(tmp_path, "spec.yaml", text)
    assert locate(path, ["/components/schemas/A/$ref", "/components/schemas/L/1/b", "/nope"]) == {
        "/components/schemas/A/$ref": "5:7",
        "/components/schemas/L/1/b": "6:13",
    }
    assert locate(tmp_path / "missing.yaml", ["/a"]) == {}


# --------------------------------------------------------------------------- JSON pointers


def test_json_pointer_escaping() -> None:
    assert escape_pointer_token("a/b~c") == "a~1b~0c"
    assert (
        json_pointer(["paths", "/pets/{id}", "get", 0, "m~n"]) == "/paths/~1pets~1{id}/get/0/m~0n"
    )
    assert json_pointer([]) == ""
    assert parse_json_pointer("/paths/~1pets~1{id}/m~0n") == ["paths", "/pets/{id}", "m~n"]
    assert parse_json_pointer("#/a/~01") == ["a", "~1"]
    assert parse_json_pointer("") == []
    with pytest.raises(ValueError):
        parse_json_pointer("a/b")
    with pytest.raises(ValueError):
        parse_json_pointer("/a~2")


# --------------------------------------------------------------------------- dumping


def test_dump_yaml_is_deterministic_and_round_trips(tmp_path: Path) -> None:
    shared = {"type": "string"}
    long_text = "word " * 100
    doc = {
        "z": 1,
        "a": {"b": shared, "c": shared},
        "text": long_text.strip(),
        "multi": "line one\nline two\n",
        "unicode": "Zürich → 東京",
        "date": "2024-01-01",
        "code": "200",
    }
    text = dump_yaml(doc)
    assert text == dump_yaml(doc)
    assert list(doc) == [line.split(":")[0] for line in text.splitlines() if line[0] != " "]
    assert "&" not in text and "*" not in text  # no anchors or aliases
    assert "Zürich → 東京" in text
    assert any(line.startswith("text: word") and len(line) > 400 for line in text.splitlines())
    assert "multi: |" in text
    path = write(tmp_path, "out.yaml", text)
    assert load_document(path) == doc


# --------------------------------------------------------------------------- writing


def test_write_atomic_writes_text_and_bytes(tmp_path: Path) -> None:
    path = tmp_path / "out.yaml"
    write_atomic(path, "a: 1\n")
    assert path.read_text(encoding="utf-8") == "a: 1\n"
    write_atomic(path, b"b: 2\n")
    assert path.read_bytes() == b"b: 2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.yaml"]


def test_write_atomic_keeps_permissions(tmp_path: Path) -> None:
    path = write(tmp_path, "out.yaml", "old\n")
    path.chmod(0o640)
    write_atomic(path, "new\n")
    assert path.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_write_atomic_leaves_old_file_intact_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = write(tmp_path, "out.yaml", "old: content\n")

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(documents.os, failing, fail)
    with pytest.raises(ToolError) as caught:
        write_atomic(path, "new: content\n")
    monkeypatch.undo()
    assert str(path) in str(caught.value)
    assert "unchanged" in str(caught.value)
    assert path.read_text(encoding="utf-8") == "old: content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.yaml"]  # no temp file left


def test_write_atomic_into_missing_folder_is_a_tool_error(tmp_path: Path) -> None:
    with pytest.raises(ToolError, match="could not be written"):
        write_atomic(tmp_path / "missing" / "out.yaml", "a: 1\n")
    assert not (tmp_path / "missing").exists()
    assert os.listdir(tmp_path) == []


def test_an_exception_without_a_message_is_described_by_its_type() -> None:
    from tools.errors import describe

    assert describe(TypeError()) == "TypeError"
    assert describe(ValueError("  ")) == "ValueError"
    assert describe(KeyError("x")) == "KeyError: 'x'"
