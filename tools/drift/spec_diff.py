"""Spec drift: what changed between two versions of an OpenAPI document, per operation,
each change rated breaking or not for a client generated from the old version.

`diff_documents(old, new)` is the entry point; `compare_documents` also returns warnings
(`$ref`s that point at nothing, entries of a shape that had to be skipped). The structure
comparison finds ChangeRecords without severities; the registry (tools/drift/rules.py)
rates them. docs/drift.md lists every kind, rendered from that registry.

The comparison is spread over modules by what they compare:
- document_side.py: one document, `$ref` resolution and fingerprints (json_text.py) and
  effective schemas (effective_schema.py);
- schema_compare.py: two schemas, as SchemaChange records (schema_change.py);
- operations.py: the operations of a document and how two documents' are paired;
- operation_diff.py and parameter_diff.py: two paired operations;
- security_servers.py: security requirements and schemes, server URLs.

Documents are taken as they are, valid or not: real upstream documents have lowercase
`4xx` keys, `'true'` strings for booleans and the like. Every value is checked for its
shape before it is used; anything unexpected is skipped with a warning, never trusted.

Speed (two 4 MB Cloudflare documents, ~1,500 operations each, in about 4 times one
`json.load`): most of two versions is identical, and `==` on JSON trees runs in C. A pair
of subtrees that is equal JSON whose `$ref`s point at equal targets (`same_shape`) is not
walked; a component renamed without a change is recognized by its fingerprint (JSON text
from the C encoder, `$ref`s replaced by their targets' fingerprints: `Side.fingerprint`);
only what differs is walked in Python, each pair of schemas once (memoized by id).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tools.drift.document_side import Side
from tools.drift.model import Change, ChangeRecord
from tools.drift.operation_diff import OperationDiff
from tools.drift.operations import Operation, Parts, match_operations, pointer, side_operations
from tools.drift.rules import classify
from tools.drift.schema_compare import SchemaComparer
from tools.drift.security_servers import (
    scheme_changes,
    security_alternatives,
    security_change,
    server_changes,
    server_urls,
)
from tools.errors import ToolError

__all__ = ["SpecDiff", "compare_documents", "diff_documents"]


@dataclass
class SpecDiff:
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _document_record(kind: str, detail: str, where: Parts, **extra: Any) -> ChangeRecord:
    return ChangeRecord(kind, None, None, detail, location=pointer(where), extra=extra)


def _operation_record(kind: str, op: Operation, detail: str) -> ChangeRecord:
    operation_id = op.node.get("operationId")
    extra = {"operation_id": operation_id} if isinstance(operation_id, str) else {}
    return ChangeRecord(kind, op.method.upper(), op.path, detail, location=op.pointer, extra=extra)


def _sort_key(change: Change) -> tuple[str, str, str, str, str]:
    return (
        change.path or "",
        change.method or "",
        change.kind,
        change.location or "",
        change.detail,
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The diff allocates many small objects while two documents of millions of objects are
    alive: each full collection would walk them all (a quarter of the run time), and the
    diff builds no garbage cycles. Reference counting still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def compare_documents(old: dict[str, Any], new: dict[str, Any]) -> SpecDiff:
    """The spec-level changes from `old` to `new` and the warnings met on the way."""
    result = SpecDiff()
    seen: set[str] = set()

    def warn(message: str) -> None:
        if message not in seen:
            seen.add(message)
            result.warnings.append(message)

    schemas = SchemaComparer(Side(old, "old", warn), Side(new, "new", warn))
    try:
        with _collector_paused():
            result.changes.extend(map(classify, _all_records(schemas)))
    except RecursionError:
        raise ToolError(
            "The documents are nested too deeply to compare. An OpenAPI document is never "
            "nested this deep; check that both files are what you meant."
        ) from None
    result.changes.sort(key=_sort_key)
    return result


def _all_records(schemas: SchemaComparer) -> Iterable[ChangeRecord]:
    old, new = schemas.old, schemas.new
    yield from server_changes(
        server_urls(old.doc.get("servers")),
        server_urls(new.doc.get("servers")),
        ("servers",),
        _document_record,
    )
    pairs, removed, added = match_operations(list(side_operations(old)), list(side_operations(new)))
    # The top-level requirement matters to operations that inherit it in both versions (one
    # that sets its own in either is compared on its own).
    if any("security" not in a.node and "security" not in b.node for a, b in pairs):
        yield from security_change(
            security_alternatives(old.doc.get("security")),
            security_alternatives(new.doc.get("security")),
            ("security",),
            _document_record,
        )
    yield from scheme_changes(old, new, _document_record)
    for op in removed:
        yield _operation_record("operation-removed", op, f"{op.label} was removed.")
    for op in added:
        yield _operation_record("operation-added", op, f"{op.label} was added.")
    for old_op, new_op in pairs:
        yield from OperationDiff(schemas, old_op, new_op).changes()


def diff_documents(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """The spec-level changes from `old` to `new`, sorted by path, method and kind."""
    return compare_documents(old, new).changes
