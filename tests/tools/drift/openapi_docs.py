"""Small OpenAPI documents for the drift unit tests, written the way the tests read best."""

from __future__ import annotations

import copy
from typing import Any

from tools.drift.model import Change


def document(
    paths: dict[str, Any], components: dict[str, Any] | None = None, **top: Any
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
    }
    if components is not None:
        doc["components"] = components
    doc.update(top)
    return doc


def json_body(schema: Any, **extra: Any) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}, **extra}


def ok(schema: Any = None) -> dict[str, Any]:
    """A `responses` object with one 200 JSON response."""
    return {"200": json_body({"type": "object"} if schema is None else schema, description="ok")}


def query(name: str, schema: Any = None, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema or {"type": "string"}, **extra}


def one_operation(
    operation: dict[str, Any],
    path: str = "/items",
    method: str = "get",
    components: dict[str, Any] | None = None,
    **top: Any,
) -> dict[str, Any]:
    operation = {"responses": ok(), **operation}
    return document({path: {method: operation}}, components, **top)


def edited(doc: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(doc)


def kinds(changes: list[Change]) -> list[tuple[str, str]]:
    return [(change.kind, change.severity) for change in changes]


def schema_changes(changes: list[Change]) -> set[tuple[str, str, str]]:
    """(extra.change, extra.at, severity) of schema-level changes."""
    return {(c.extra["change"], c.extra["at"], c.severity) for c in changes if "change" in c.extra}


def single(changes: list[Change], kind: str) -> Change:
    found = [change for change in changes if change.kind == kind]
    assert len(found) == 1, f"expected one {kind}, got {changes}"
    return found[0]
