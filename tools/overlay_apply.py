"""Applying Overlay actions to a document (OAI Overlay Specification 1.0.0 and 1.1.0).

Actions are applied in order, each to the document as modified by the previous ones.
Semantics (Overlay Specification 1.1.0, "Action Object"; applied to 1.0.x overlays too,
see `apply_overlay`):

- `remove: true` removes every selected node from its parent (`update`/`copy` are then
  ignored).
- `update` on object targets merges recursively: new properties are inserted, objects merge
  into objects, arrays are concatenated with arrays, primitives replace primitives; any
  other combination is an error. On array targets an array value is concatenated and any
  other value appended. On primitive targets a primitive value replaces the node.
- `copy` (1.1 only) takes the one node its JSONPath selects and applies it like `update`;
  it is ignored when `update` is present.

Strict mode (the default, and what the pipeline uses): a target that selects nothing is an
error naming the overlay file, the action index and the target. With `strict=False` such an
action changes nothing, as the specification says.

Guards: a value an action brings in may not hold an external `$ref` (never fetched), and
what one overlay adds may not nest past `tools.parsing.MAX_DEPTH` or grow past
`MAX_ADDED_NODES`: copies multiply, as YAML aliases do.

Cost: applying never copies the document (only update and copy values are copied, once
per selected node). Selection is jsonpath_rfc9535's pure-Python evaluation: targeted
queries ($.paths['/x'].post, $.paths.*.get) take microseconds even on the 4 MB Cloudflare
document, but a filter under a descendant segment from the root ($..[?@.operationId])
tests every node (~180,000 there, about 0.4 s; 0.7 s with a two-part `&&` filter, whose
sides the library always both evaluates). Start descendant queries as deep as possible
($.paths.*[?@.operationId] selects the same operations in under 10 ms).
`python -m tools bench overlay` measures a realistic 25-action overlay on that document.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from jsonpath_rfc9535 import JSONPathError, JSONPathNode, JSONPathQuery

from tools.errors import ToolError
from tools.overlay import (
    Action,
    ActionResult,
    Overlay,
    action_label,
    refuse_external_refs,
)
from tools.parsing import MAX_DEPTH, copy_tree
from tools.pointers import json_pointer
from tools.refs import REF_KEYWORDS

__all__ = [
    "MAX_ADDED_NODES",
    "apply_overlay",
    "apply_overlays",
]

MAX_ADDED_NODES = 1_000_000
"""How many nodes (objects, arrays and values) one overlay may add to a document.

Like YAML aliases, `copy` multiplies: copying an array into itself doubles it, so 40
one-line actions would ask for 2**40 nodes. Real overlays add a few hundred; the
4 MB Cloudflare document has about 180,000 nodes in all. Nesting stays within
`tools.parsing.MAX_DEPTH` for the same reason as at load time.
"""


def _measure(value: Any) -> tuple[int, int]:
    """(depth, node count) of a JSON-like value, without recursion; a primitive is (0, 1)."""
    depth = nodes = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        nodes += 1
        if isinstance(item, dict):
            level += 1
            stack.extend((child, level) for child in item.values())
        elif isinstance(item, list):
            level += 1
            stack.extend((child, level) for child in item)
        depth = max(depth, level)
    return depth, nodes


class _Growth:
    """What one overlay has added so far, kept within MAX_DEPTH and MAX_ADDED_NODES."""

    def __init__(self) -> None:
        self.added = 0

    def check(
        self, overlay: Overlay, action: Action, nodes: Sequence[JSONPathNode], value: Any
    ) -> None:
        depth, size = _measure(value)
        # A selected node at location length k sits at depth k + 1; what is merged into it
        # or appended to it reaches at most k + 1 + depth.
        deepest = max(len(node.location) for node in nodes) + 1 + depth
        if deepest > MAX_DEPTH:
            raise ToolError(
                f"{action_label(overlay, action)}: the result would nest {deepest} levels deep, "
                f"more than the {MAX_DEPTH} any document may have (see MAX_DEPTH in "
                "tools/parsing.py). Add the content under components and refer to it "
                "with $ref instead of nesting it."
            )
        self.added += size * len(nodes)
        if self.added > MAX_ADDED_NODES:
            raise ToolError(
                f"{action_label(overlay, action)}: this overlay would add more than "
                f"{MAX_ADDED_NODES:,} nodes to the document ({self.added:,} so far; each "
                "selected node receives its own copy). A copy that feeds on its own "
                "result grows twofold per action; check the targets and the copy sources."
            )


def _shape(value: object) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "primitive"


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return _shape(value)


def _unique(nodes: Iterable[JSONPathNode]) -> list[JSONPathNode]:
    """Drop repeated nodes (RFC 9535 node lists may select one node twice), keeping order."""
    seen: set[tuple[int | str, ...]] = set()
    unique: list[JSONPathNode] = []
    for node in nodes:
        if node.location not in seen:
            seen.add(node.location)
            unique.append(node)
    return unique


def _select(
    overlay: Overlay, action: Action, query: JSONPathQuery, document: Any
) -> list[JSONPathNode]:
    try:
        return _unique(query.finditer(document))
    except JSONPathError as err:
        raise ToolError(
            f"{action_label(overlay, action)}: the JSONPath query failed on this document ({err}). "
            "Narrow the query (for example start a descendant query below $.paths or "
            "$.components instead of at the root)."
        ) from None


def _merge(
    target: dict[str, Any],
    update: dict[str, Any],
    location: tuple[int | str, ...],
    overlay: Overlay,
    action: Action,
) -> None:
    for key, new in update.items():
        if key not in target:
            target[key] = new
            continue
        old = target[key]
        if isinstance(old, dict) and isinstance(new, dict):
            _merge(old, new, (*location, key), overlay, action)
        elif isinstance(old, list) and isinstance(new, list):
            old.extend(new)
        elif _shape(old) == "primitive" and _shape(new) == "primitive":
            target[key] = new
        else:
            pointer = json_pointer((*location, key))
            raise ToolError(
                f"{action_label(overlay, action)}: cannot merge the {_type_name(new)} given for "
                f"{key!r} into the {_type_name(old)} at {pointer} in the document. The "
                "Overlay Specification merges objects into objects, concatenates arrays "
                "with arrays and replaces primitives with primitives; other combinations "
                "are errors. To replace the value, remove it first with an action "
                "'remove: true' targeting it, then add it with this update."
            )


def _apply_value(
    overlay: Overlay, action: Action, nodes: Sequence[JSONPathNode], value: Any
) -> None:
    """Apply an update (or copied) value to every selected node, as the spec says."""
    what = "update value" if action.kind == "update" else f"value copied from {action.copy!r}"
    shapes = {_shape(node.value): node for node in nodes}
    if len(shapes) > 1:
        examples = ", ".join(f"{node.path()} ({shape})" for shape, node in shapes.items())
        raise ToolError(
            f"{action_label(overlay, action)}: the target selects nodes of different kinds "
            f"({examples}); the Overlay Specification requires an update or copy target "
            "to select only objects, only arrays or only primitives. Narrow the target."
        )
    shape = next(iter(shapes))
    if shape == "object":
        if not isinstance(value, dict):
            raise ToolError(
                f"{action_label(overlay, action)}: the target selects objects, so the {what} must "
                f"be an object to merge into them, but it is a {_type_name(value)}. To "
                "change a property, target the object holding it and give "
                "{property: new value}."
            )
        for node in nodes:
            target = node.value
            assert isinstance(target, dict)
            _merge(target, copy_tree(value), node.location, overlay, action)
    elif shape == "array":
        for node in nodes:
            target = node.value
            assert isinstance(target, list)
            if isinstance(value, list):
                target.extend(copy_tree(value))
            else:
                target.append(copy_tree(value))
    else:
        if isinstance(value, dict | list):
            raise ToolError(
                f"{action_label(overlay, action)}: the target selects primitive values "
                f"({nodes[0].path()}, ...), which can only be replaced by a primitive, but "
                f"the {what} is a {_type_name(value)}. Target the object or array that "
                "holds the value instead."
            )
        for node in nodes:
            _set_in_parent(node, value)


def _set_in_parent(node: JSONPathNode, value: Any) -> None:
    parent = node.parent
    assert parent is not None  # a primitive is never the root: documents are mappings
    container = parent.value
    key = node.location[-1]
    if isinstance(container, dict):
        container[key] = value
    elif isinstance(container, list):
        assert isinstance(key, int)
        container[key] = value


def _remove(overlay: Overlay, action: Action, nodes: Sequence[JSONPathNode]) -> None:
    """Remove every selected node from its parent, all at once (indexes do not shift)."""
    by_list: dict[int, tuple[list[Any], set[int]]] = {}
    for node in nodes:
        parent = node.parent
        if parent is None:
            raise ToolError(
                f"{action_label(overlay, action)}: the target selects the document root, which "
                "cannot be removed. Remove its members instead (for example $.paths)."
            )
        container = parent.value
        key = node.location[-1]
        if isinstance(container, dict):
            container.pop(key, None)
        elif isinstance(container, list):
            assert isinstance(key, int)
            by_list.setdefault(id(container), (container, set()))[1].add(key)
    for items, indexes in by_list.values():
        for index in sorted(indexes, reverse=True):
            del items[index]


def _copy_source(overlay: Overlay, action: Action, document: Any) -> Any:
    assert action.copy_query is not None
    sources = _select(overlay, action, action.copy_query, document)
    if len(sources) != 1:
        found = "nothing" if not sources else f"{len(sources)} nodes"
        listing = ""
        if sources:
            listing = " (" + ", ".join(node.path() for node in sources[:5])
            listing += ", ...)" if len(sources) > 5 else ")"
        raise ToolError(
            f"{action_label(overlay, action)}: the copy source {action.copy!r} selected {found}"
            f"{listing}, but a copy source must select exactly one node. Fix the 'copy' "
            "JSONPath so that it names the one node to copy."
        )
    return sources[0].value


def apply_overlay(document: Any, overlay: Overlay, *, strict: bool = True) -> list[ActionResult]:
    """Apply `overlay`'s actions in order to `document`, mutating it in place.

    Returns one `ActionResult` per action with the normalized paths of the nodes its target
    selected (before the action changed anything). An update of the root `$` merges into
    `document` itself. 1.0.x overlays get the 1.1.0 semantics, which clarify 1.0.0 (array
    values are concatenated, primitive targets may be replaced or removed).

    Raises `ToolError` (naming the overlay file, the 0-based action index and the target)
    when, in strict mode, a target selects nothing; when a copy source does not select
    exactly one node; and for the errors the specification defines (incompatible merge,
    mixed target kinds, removing the root). When an error is raised, the actions before it
    have already been applied: apply to a copy if the document must stay intact.
    """
    if not isinstance(document, dict):
        raise ToolError(
            f"{overlay.path}: can only be applied to a document whose top level is a "
            f"mapping, not to a {type(document).__name__}."
        )
    results: list[ActionResult] = []
    growth = _Growth()
    for action in overlay.actions:
        nodes = _select(overlay, action, action.query, document)
        if not nodes and strict:
            raise ToolError(
                f"{action_label(overlay, action)}: the target selected nothing in the document. "
                "In strict mode every target must select at least one node: either the "
                "document changed (upstream moved, renamed or removed what this action "
                "customizes: review the change and update the overlay) or the JSONPath is "
                "wrong. To skip actions that select nothing, as the Overlay Specification "
                "allows, run without strict mode (--no-strict)."
            )
        source: Any = None
        if action.kind == "copy":
            source = _copy_source(overlay, action, document)
        result = ActionResult(
            overlay_path=overlay.path,
            index=action.index,
            target=action.target,
            description=action.description,
            matched=[node.path() for node in nodes],
            kind=action.kind,
        )
        results.append(result)
        if not nodes:
            continue
        if action.kind == "remove":
            _remove(overlay, action, nodes)
            continue
        if action.kind == "none":
            continue
        value = action.update if action.kind == "update" else source
        if action.kind == "copy":
            refuse_external_refs(overlay, action, value, f"value copied from {action.copy!r}")
        for node in nodes:  # a string written over a $ref member
            if node.location and node.location[-1] in REF_KEYWORDS:
                refuse_external_refs(
                    overlay, action, value, "value", at=json_pointer(node.location)
                )
        growth.check(overlay, action, nodes, value)
        _apply_value(overlay, action, nodes, value)
    return results


def apply_overlays(
    document: Any, overlays: Iterable[Overlay], *, strict: bool = True
) -> list[ActionResult]:
    """Apply several overlays in order (see `apply_overlay`); return all their results."""
    results: list[ActionResult] = []
    for overlay in overlays:
        results.extend(apply_overlay(document, overlay, strict=strict))
    return results
