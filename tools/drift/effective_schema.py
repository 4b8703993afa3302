"""The schema a node means, as a generated client sees it: `allOf` members merged, the
OpenAPI 3.1 null variant folded into `nullable`, variants a `type` rules out dropped.

Two documents that write the same model differently (3.0 `nullable` against 3.1
`anyOf: [X, {type: 'null'}]`, an envelope `allOf` against its flat form) must compare
equal, so the schema comparison works on these effective schemas only. The `$ref`
resolution and memoization stay with the document (tools/drift/document_side.py).
"""

from __future__ import annotations

from typing import Any, Protocol

_ABSENT = object()


class SchemaSource(Protocol):
    """What the merging needs from a document: `$ref`s followed, schemas made effective."""

    def resolve(self, node: Any) -> Any: ...

    def schema(self, node: Any) -> Any: ...


def effective(side: SchemaSource, target: dict[str, Any]) -> dict[str, Any]:
    """`target` (a resolved schema object) with allOf merged and variants simplified."""
    merged = _merge_all_of(side, target) if "allOf" in target else target
    if "anyOf" in merged or "oneOf" in merged:
        merged = _narrow_variants(side, _fold_null_variants(side, merged))
    return merged


def _merge_all_of(side: SchemaSource, node: dict[str, Any]) -> dict[str, Any]:
    members = node.get("allOf")
    if not isinstance(members, list):
        return node
    parts = [{key: value for key, value in node.items() if key != "allOf"}]
    parts.extend(part for part in map(side.schema, members) if type(part) is dict)
    return merge_parts(parts)


def _fold_null_variants(side: SchemaSource, node: dict[str, Any]) -> dict[str, Any]:
    """`anyOf: [X, {type: 'null'}]` (OpenAPI 3.1) means X, nullable, as 3.0 writes it."""
    for keyword in ("anyOf", "oneOf"):
        variants = node.get(keyword)
        if not isinstance(variants, list):
            continue
        others = [v for v in variants if not _is_null_schema(side.resolve(v))]
        if len(others) == len(variants):
            continue
        folded = {key: value for key, value in node.items() if key != keyword}
        if len(others) == 1:
            single = side.schema(others[0])
            if type(single) is dict:
                folded = merge_parts([folded, single])
        elif others:
            folded[keyword] = others
        folded["nullable"] = True
        return folded
    return node


def _narrow_variants(side: SchemaSource, node: dict[str, Any]) -> dict[str, Any]:
    """`type: array` with `anyOf: [object, array, string]` (an allOf of an envelope and
    its specialization) is the array variant: keep the variants the type allows."""
    types = _explicit_types(node)
    if not types:
        return node
    for keyword in ("anyOf", "oneOf"):
        variants = node.get(keyword)
        if not isinstance(variants, list):
            continue
        allowed = [v for v in variants if _allows(types, side.schema(v))]
        if not allowed or len(allowed) == len(variants):
            continue
        narrowed = {key: value for key, value in node.items() if key != keyword}
        if len(allowed) == 1:
            single = side.schema(allowed[0])
            if type(single) is dict:
                narrowed = merge_parts([narrowed, single])
        else:
            narrowed[keyword] = allowed
        return narrowed
    return node


def _explicit_types(schema: dict[str, Any]) -> set[str]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return {kind}
    return {item for item in kind if isinstance(item, str)} if isinstance(kind, list) else set()


def _allows(types: set[str], variant: Any) -> bool:
    """Whether a variant can hold a value of one of `types` (integer is a number)."""
    if not isinstance(variant, dict):
        return True
    own = _explicit_types(variant)
    if "number" in types:
        types = types | {"integer"}
    if "number" in own:
        own = own | {"integer"}
    return not own or bool(own & types)


def _is_null_schema(node: Any) -> bool:
    if not isinstance(node, dict):
        return False
    kind = node.get("type")
    return kind == "null" or kind == ["null"]


def merge_parts(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Merge `allOf` members: properties and required add up, enums intersect, other
    keywords fill gaps (the first one wins). A property in two members means both schemas:
    an `allOf` of the two."""
    merged: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    required: dict[str, None] = {}  # ordered set
    for part in parts:
        for key, value in part.items():
            if key == "properties" and type(value) is dict:
                for name, sub in value.items():
                    known = properties.get(name, _ABSENT)
                    if known is _ABSENT or known == sub:
                        properties[name] = sub
                    else:
                        properties[name] = {"allOf": [known, sub]}
            elif key == "required" and type(value) is list:
                required.update((name, None) for name in value if type(name) is str)
            elif key == "enum" and type(value) is list and type(merged.get("enum")) is list:
                merged["enum"] = [item for item in merged["enum"] if item in value]  # both hold
            elif key not in merged:
                merged[key] = value
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = list(required)
    return merged
