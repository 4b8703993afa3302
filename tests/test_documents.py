"""Loading, checking, dumping and writing documents (tools/documents.py)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tools import documents
from tools.documents import (
    dump_yaml,
    escape_pointer_token,
    external_refs,
    json_pointer,
    load_document,
    parse_json_pointer,
    reject_external_refs,
    write_atomic,
)
from tools.errors import ToolError


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
        ("null.json", "null", "empty"),
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
