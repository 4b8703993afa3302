"""Every example of an effective spec, validated against its schema.

Prism serves the examples as mock answers and Schemathesis sends them as requests, so an
example that does not match its schema shows up only as a confusing contract-test failure.
regen checks them first, with jsonschema (Draft 2020-12, OpenAPI 3.1's dialect; a 3.0
document's `nullable` and boolean `exclusiveMinimum`/`exclusiveMaximum` are rewritten to
their 3.1 form first). Checked: `example`/`examples` of media types, parameters and headers
(Example objects, local `$ref`s resolved; `externalValue` is never fetched) and of schemas.
`format` is an annotation here, as in JSON Schema by default.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jsonschema  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from tools.documents import load_document
from tools.effective import Effective
from tools.errors import ToolError
from tools.pointers import json_pointer, walk_with_parts
from tools.spec_place import at_pointer, overlay_names, place

BASE = "urn:image-classify:effective-spec"
SHOWN = 10
# Keys whose value is a schema, and keys whose values' values are schemas.
SCHEMA_KEYS = {"schema", "items", "additionalProperties", "not", "contains", "if", "then"}
SCHEMA_KEYS |= {"else", "propertyNames", "unevaluatedItems", "unevaluatedProperties"}
SCHEMA_MAPS = {"properties", "patternProperties", "$defs", "dependentSchemas"}
SCHEMA_LISTS = {"allOf", "anyOf", "oneOf", "prefixItems"}


@dataclass(frozen=True)
class Example:
    pointer: str  # the example value's place in the effective spec
    schema: str  # the pointer of the schema it must match
    value: Any


def _is_schema(parts: tuple[str | int, ...]) -> bool:
    if not parts:
        return False
    last, parent = parts[-1], parts[-2] if len(parts) > 1 else None
    if isinstance(last, int):
        return parent in SCHEMA_LISTS
    if parent in SCHEMA_MAPS or (parent == "schemas" and parts[:-2] == ("components",)):
        return True
    return last in SCHEMA_KEYS and parent not in SCHEMA_MAPS


def _example_objects(
    document: dict[str, Any], examples: dict[str, Any], where: tuple[str | int, ...]
) -> Iterator[tuple[str, Any]]:
    """(pointer, value) of each Example object's `value`, following a local $ref."""
    for name, item in examples.items():
        pointer = json_pointer((*where, "examples", name))
        ref = item.get("$ref") if isinstance(item, dict) else None
        if isinstance(ref, str) and ref.startswith("#"):
            pointer, item = ref[1:], at_pointer(document, ref[1:])
        if isinstance(item, dict) and "value" in item:
            yield f"{pointer}/value", item["value"]


def find_examples(document: dict[str, Any]) -> list[Example]:
    """Every example with the schema it must match, in document order."""
    found: list[Example] = []
    for node, parts in walk_with_parts(document):
        if not isinstance(node, dict) or (parts and parts[-1] in SCHEMA_MAPS):
            continue
        here = json_pointer(parts)
        if isinstance(node.get("schema"), dict) and not _is_schema(parts):
            schema = f"{here}/schema"  # a media type, parameter or header
            if "example" in node:
                found.append(Example(f"{here}/example", schema, node["example"]))
            if isinstance(node.get("examples"), dict):
                for pointer, value in _example_objects(document, node["examples"], parts):
                    found.append(Example(pointer, schema, value))
        elif _is_schema(parts):
            if "example" in node:
                found.append(Example(f"{here}/example", here, node["example"]))
            if isinstance(node.get("examples"), list):
                for index, value in enumerate(node["examples"]):
                    found.append(Example(f"{here}/examples/{index}", here, value))
    return found


def as_openapi_31(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of a 3.0 document with its schema dialect's differences rewritten to 3.1
    (`nullable: true` -> null allowed; boolean exclusive bounds -> numeric ones). Pointers
    to existing nodes stay valid."""
    if not str(document.get("openapi", "")).startswith("3.0"):
        return document
    result = copy.deepcopy(document)
    for node, parts in list(walk_with_parts(result)):
        if not isinstance(node, dict) or not _is_schema(parts):
            continue
        for bound, exclusive in (("maximum", "exclusiveMaximum"), ("minimum", "exclusiveMinimum")):
            if node.get(exclusive) is True and bound in node:
                node[exclusive] = node.pop(bound)
            elif isinstance(node.get(exclusive), bool):
                del node[exclusive]
        if node.pop("nullable", False) is not True:
            continue
        if isinstance(node.get("enum"), list) and None not in node["enum"]:
            node["enum"].append(None)
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        elif "type" not in node:
            inner = dict(node)
            node.clear()
            node["anyOf"] = [inner, {"type": "null"}]
    return result


def _schema_name(document: dict[str, Any], pointer: str) -> str:
    """The schema's pointer, or the one its `$ref` names (a components/schemas name reads
    better than the path of the media type that refers to it)."""
    node = at_pointer(document, pointer)
    ref = node.get("$ref") if isinstance(node, dict) else None
    return ref if isinstance(ref, str) and ref.startswith("#") else f"#{pointer}"


def problems(effective: Effective) -> list[str]:
    """One line per example that does not match its schema (empty: all match)."""
    document = as_openapi_31(effective.document)
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(BASE, resource)
    original = load_document(effective.provider.spec)
    lines = []
    for example in find_examples(effective.document):
        validator = jsonschema.Draft202012Validator(
            {"$ref": f"{BASE}#{example.schema}"}, registry=registry
        )
        try:
            error = jsonschema.exceptions.best_match(validator.iter_errors(example.value))
        except Unresolvable as exc:
            ref = getattr(exc, "ref", None) or type(exc).__name__  # str(exc) holds the spec
            lines.append(f"#{example.pointer}: its schema's $ref #{ref} cannot be resolved")
            continue
        if error is None:
            continue
        inside = "".join(f"/{p}" for p in error.absolute_path)
        at = f" at {inside}" if inside else ""
        lines.append(
            f"#{example.pointer} ({place(effective, example.pointer, original)}): "
            f"{error.message}{at} (schema {_schema_name(effective.document, example.schema)}, "
            f"keyword `{error.validator}`)"
        )
    return lines


def check_examples(effective: Effective) -> None:
    """ToolError listing every example of `effective` that its schema rejects."""
    found = problems(effective)
    if not found:
        return
    provider = effective.provider
    shown = found[:SHOWN] + ([f"... and {len(found) - SHOWN} more"] if len(found) > SHOWN else [])
    raise ToolError(
        f"effective spec of {provider.key} ({provider.rel(provider.spec)} + its overlays): "
        f"{len(found)} example(s) do not match their schema. Prism would serve them and "
        "Schemathesis send them:\n"
        + "\n".join(f"  {line}" for line in shown)
        + f"\nFix the example (or the schema) with an overlay action in {overlay_names(effective)}."
    )


__all__ = ["Example", "as_openapi_31", "at_pointer", "check_examples", "find_examples"]
