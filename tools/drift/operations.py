"""The operations of a document and how two documents' operations are paired.

An operation is its method plus its path template, with the template's parameter names
abstracted (`/zones/{zone_identifier}` and `/zones/{zone_id}` are one operation whose path
parameter was renamed). Exact templates are paired first, then the rest in template order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any, NamedTuple

from tools.drift.document_side import Side, mapping
from tools.openapi_terms import HTTP_METHODS, PATH_PARAMETER
from tools.pointers import json_pointer

Parts = tuple[str | int, ...]  # a JSON pointer, built only when a change is reported

# Many changes share a location: their pointers are built once.
pointer: Callable[[Parts], str] = lru_cache(maxsize=4096)(json_pointer)


def normalize_path(path: str) -> str:
    """`/a/{x}/b` -> `/a/{}/b`: operations are matched with parameter names abstracted."""
    return PATH_PARAMETER.sub("{}", path)


class Operation(NamedTuple):
    """One operation of a document: `method` lower-case, `path` the template as written."""

    method: str
    path: str
    node: dict[str, Any]
    item: dict[str, Any]  # its path item (path-level parameters, servers)

    @property
    def parts(self) -> Parts:
        return ("paths", self.path, self.method)

    @property
    def pointer(self) -> str:
        return json_pointer(self.parts)

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def template_names(self) -> list[str]:
        return PATH_PARAMETER.findall(self.path)


def iter_operations(
    doc: dict[str, Any], warn: Callable[[str], None] | None = None
) -> Iterator[Operation]:
    """Every operation of `doc` in document order; odd shapes are skipped (and warned)."""
    return side_operations(Side(doc, "source", warn or (lambda _message: None)))


def side_operations(side: Side) -> Iterator[Operation]:
    paths = side.doc.get("paths")
    if paths is not None and not isinstance(paths, dict):
        side.warn("/paths is not a mapping; no operations read.")
    for path, raw_item in mapping(paths).items():
        item = side.resolve(raw_item)
        if not isinstance(item, dict):
            side.warn(f"{json_pointer(['paths', path])} is not a path item; skipped.")
            continue
        for method in HTTP_METHODS:
            node = item.get(method)
            if isinstance(node, dict):
                yield Operation(method, path, node, item)
            elif node is not None:
                side.warn(f"{json_pointer(['paths', path, method])} is not an operation; skipped.")


def match_operations(
    old_ops: list[Operation], new_ops: list[Operation]
) -> tuple[list[tuple[Operation, Operation]], list[Operation], list[Operation]]:
    """Pairs (same method and path, else same method and normalized path), removed, added."""
    new_exact = {(op.method, op.path): op for op in new_ops}
    pairs: list[tuple[Operation, Operation]] = []
    old_rest: dict[tuple[str, str], list[Operation]] = {}
    for op in old_ops:
        twin = new_exact.pop((op.method, op.path), None)
        if twin is not None:
            pairs.append((op, twin))
        else:
            old_rest.setdefault((op.method, normalize_path(op.path)), []).append(op)
    new_rest: dict[tuple[str, str], list[Operation]] = {}
    for op in new_exact.values():
        new_rest.setdefault((op.method, normalize_path(op.path)), []).append(op)
    removed: list[Operation] = []
    added: list[Operation] = []
    for key in old_rest.keys() | new_rest.keys():
        olds = sorted(old_rest.get(key, []), key=lambda op: op.path)
        news = sorted(new_rest.get(key, []), key=lambda op: op.path)
        pairs.extend(zip(olds, news, strict=False))
        removed.extend(olds[len(news) :])
        added.extend(news[len(olds) :])
    return pairs, removed, added
