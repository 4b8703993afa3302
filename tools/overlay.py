"""OAI Overlay Specification 1.0.0 and 1.1.0 engine.

An Overlay document is validated against the official JSON Schema of its version
(`tools/overlay_schemas/`, vendored byte for byte from OAI/Overlay-Specification), its
JSONPath expressions are compiled once with `jsonpath_rfc9535` (RFC 9535), and its actions
are applied in order, each to the document as modified by the previous ones.

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

Cost: each JSONPath is compiled once, when the overlay is loaded; applying never copies the
document (only update and copy values are copied, once per selected node). Selection is
jsonpath_rfc9535's pure-Python evaluation: targeted queries ($.paths['/x'].post,
$.paths.*.get) take microseconds even on the 4 MB Cloudflare document, but a filter under a
descendant segment from the root ($..[?@.operationId]) tests every node (~180,000 there,
about 0.4 s; 0.7 s with a two-part `&&` filter, whose sides the library always both
evaluates). Start descendant queries as deep as possible ($.paths.*[?@.operationId]
selects the same operations in under 10 ms). The RFC 9535 `match()`/`search()` functions
are the library's, with each pattern checked, translated and compiled once (the library
does that on every call, i.e. for every node a descendant filter visits).
`python -m tools bench overlay` measures a realistic 25-action overlay on that document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

# jsonschema ships no type information and its stubs (types-jsonschema) are not a
# dependency here; the few calls below are checked by the tests instead.
import jsonschema  # type: ignore[import-untyped]

# regex and iregexp_check come with jsonpath-rfc9535 (its `match`/`search` use them); regex
# ships no type information either.
import regex  # type: ignore[import-untyped]
from iregexp_check import check as iregexp_check
from jsonpath_rfc9535 import JSONPathEnvironment, JSONPathError, JSONPathNode, JSONPathQuery
from jsonpath_rfc9535.function_extensions import Match, Search
from jsonpath_rfc9535.function_extensions._pattern import map_re

from tools.documents import load_document
from tools.errors import ToolError
from tools.parsing import MAX_DEPTH
from tools.pointers import json_pointer, pointer_for_humans
from tools.refs import REF_KEYWORDS, external_refs

__all__ = [
    "MAX_ADDED_NODES",
    "SCHEMA_DIR",
    "SUPPORTED_VERSIONS",
    "Action",
    "ActionKind",
    "ActionResult",
    "Overlay",
    "apply_overlay",
    "apply_overlays",
    "load_overlay",
    "parse_overlay",
    "validate_overlay_document",
]

SCHEMA_DIR = Path(__file__).with_name("overlay_schemas")
"""The official Overlay JSON Schemas, one file per minor version (`v1.0.yaml`, ...)."""

SUPPORTED_VERSIONS = ("1.0", "1.1")
"""Overlay feature sets (`major.minor`) this engine reads; the patch number is ignored."""

ActionKind = Literal["update", "remove", "copy", "none"]

MAX_ADDED_NODES = 1_000_000
"""How many nodes (objects, arrays and values) one overlay may add to a document.

Like YAML aliases, `copy` multiplies: copying an array into itself doubles it, so 40
one-line actions would ask for 2**40 nodes. Real overlays add a few hundred; the
4 MB Cloudflare document has about 180,000 nodes in all. Nesting stays within
`tools.parsing.MAX_DEPTH` for the same reason as at load time.
"""


class _RegexCache:
    """RFC 9535 `match`/`search` patterns, checked (I-Regexp) and compiled once each.

    jsonpath_rfc9535's functions re-check and re-translate the pattern on every call, and
    `@.x && match(@.x, '...')` calls them for every node a descendant filter visits, even
    where `@.x` is absent (its `&&` evaluates both sides): about 180,000 calls on the
    Cloudflare document. Same translation (the library's own `map_re`), same flags.
    """

    def __init__(self, flags: int = 0) -> None:
        self.flags = flags
        self.compiled: dict[str, Any] = {}

    def pattern(self, pattern: object) -> Any:
        if not isinstance(pattern, str):
            return None
        if pattern not in self.compiled:
            compiled = None
            if iregexp_check(pattern):
                try:
                    compiled = regex.compile(map_re(pattern), self.flags)
                except regex.error:
                    compiled = None
            self.compiled[pattern] = compiled
        return self.compiled[pattern]


class _Match(Match):
    """The library's `match`, with the pattern compiled once (same result for every input:
    a non-string value or an invalid pattern is False, as there)."""

    def __init__(self) -> None:
        self.cache = _RegexCache()

    def __call__(self, string: str, pattern: object) -> bool:
        compiled = self.cache.pattern(pattern)
        if compiled is None or not isinstance(string, str):
            return False
        return compiled.fullmatch(string) is not None


class _Search(Search):
    """The library's `search` (which uses regex.VERSION1), with the pattern compiled once."""

    def __init__(self) -> None:
        self.cache = _RegexCache(regex.VERSION1)

    def __call__(self, string: str, pattern: object) -> bool:
        compiled = self.cache.pattern(pattern)
        if compiled is None or not isinstance(string, str):
            return False
        return compiled.search(string) is not None


class _Environment(JSONPathEnvironment):
    def setup_function_extensions(self) -> None:
        super().setup_function_extensions()
        self.function_extensions["match"] = _Match()
        self.function_extensions["search"] = _Search()


_ENV = _Environment()
_VERSION = re.compile(r"(\d+)\.(\d+)")
_MAX_SCHEMA_MESSAGE = 300
_SPEC_URL = "https://spec.openapis.org/overlay/v{}.0.html"


@dataclass(frozen=True)
class Action:
    """One compiled action of an overlay.

    `kind` is what the action does once the specification's precedence is applied:
    `remove` (remove is true), else `update` (an update value is present, even null),
    else `copy`, else `none` (only a target: selects but changes nothing).
    """

    index: int
    target: str
    kind: ActionKind
    description: str | None
    query: JSONPathQuery
    update: Any = None
    copy: str | None = None
    copy_query: JSONPathQuery | None = None


@dataclass(frozen=True)
class Overlay:
    """A validated Overlay document; `path` is kept for messages."""

    path: Path
    version: str
    """The `overlay` field as written, e.g. `1.1.0`."""
    feature_set: str
    """`major.minor` of `version`: `1.0` or `1.1`."""
    title: str
    info_version: str
    extends: str | None
    actions: tuple[Action, ...]


@dataclass
class ActionResult:
    """What one action did: the RFC 9535 normalized paths of the nodes it selected."""

    overlay_path: Path
    index: int
    target: str
    description: str | None
    matched: list[str]
    kind: ActionKind = "update"


# --------------------------------------------------------------------------- validation


@cache
def _validator(feature_set: str) -> Any:
    schema = load_document(SCHEMA_DIR / f"v{feature_set}.yaml")
    return jsonschema.Draft202012Validator(schema)


def _error_order(error: Any) -> tuple[Any, ...]:
    # Shallow errors first (they say more is wrong), then in document order, with the weak
    # anyOf/oneOf keywords last: jsonschema's own relevance, minus its int/str comparisons.
    path = [(0, part, "") if isinstance(part, int) else (1, 0, str(part)) for part in error.path]
    return (len(path), path, error.validator in ("anyOf", "oneOf"))


def _shorten(text: str) -> str:
    if len(text) <= _MAX_SCHEMA_MESSAGE:
        return text
    return text[: _MAX_SCHEMA_MESSAGE - 3] + "..."


def _feature_set(doc: dict[str, Any], path: Path) -> str:
    version = doc.get("overlay")
    if version is None:
        raise ToolError(
            f"{path}: has no 'overlay' field, so it is not an Overlay document (or it lacks "
            "its version). Add the version it is written for as the first line, e.g. "
            "overlay: 1.1.0"
        )
    if not isinstance(version, str):
        raise ToolError(
            f"{path}: at /overlay: the Overlay version is {version!r}, which is not a "
            "string; it must be a string such as '1.1.0'. Write it in full and quote it "
            "if needed: overlay: '1.1.0'"
        )
    match = _VERSION.match(version)
    feature_set = f"{match.group(1)}.{match.group(2)}" if match else ""
    if feature_set not in SUPPORTED_VERSIONS:
        supported = " and ".join(f"{v}.x" for v in SUPPORTED_VERSIONS)
        raise ToolError(
            f"{path}: at /overlay: Overlay version {version!r} is not supported; this tool "
            f"reads Overlay Specification {supported}. Use one of those versions."
        )
    return feature_set


def validate_overlay_document(doc: Any, path: Path) -> str:
    """Validate an Overlay document against the official JSON Schema of its version.

    Returns the feature set (`1.0` or `1.1`). Raises `ToolError` naming `path` for a
    missing, non-string or unsupported `overlay` version, or listing every schema
    violation (JSON pointer and validator message), most relevant first.
    """
    if not isinstance(doc, dict):
        raise ToolError(
            f"{path}: an Overlay document is a mapping with 'overlay', 'info' and 'actions', "
            f"but this one is a {type(doc).__name__}. Check that this is the right file."
        )
    feature_set = _feature_set(doc, path)
    errors = sorted(_validator(feature_set).iter_errors(doc), key=_error_order)
    if not errors:
        return feature_set
    problems = "; ".join(
        f"at {pointer_for_humans(json_pointer(error.path))}: {_shorten(error.message)}"
        for error in errors
    )
    count = "1 problem" if len(errors) == 1 else f"{len(errors)} problems, most relevant first"
    hint = ""
    actions = doc.get("actions")
    uses_copy = isinstance(actions, list) and any(
        isinstance(action, dict) and "copy" in action for action in actions
    )
    if feature_set == "1.0" and uses_copy:
        hint = (
            " 'copy' actions exist only in Overlay 1.1: declare overlay: 1.1.0 or replace "
            "them with 'update' actions."
        )
    raise ToolError(
        f"{path}: not a valid Overlay {feature_set} document ({count}): {problems}.{hint} "
        "Fix the document against the Overlay Specification "
        f"{feature_set}.0 ({_SPEC_URL.format(feature_set)})."
    )


def _compile(path: Path, index: int, field: str, expression: str) -> JSONPathQuery:
    try:
        return _ENV.compile(expression)
    except JSONPathError as err:
        if re.search(r"[.@$][A-Za-z_][A-Za-z0-9_]*-", expression):
            hint = (
                "Member names with characters other than letters, digits and '_' (such as "
                "'-' or '/') need bracket notation in RFC 9535, e.g. "
                "$.paths['/pets'].get['x-internal'] or @['x-oai-traits']."
            )
        else:
            hint = (
                "Check the expression against RFC 9535: names with special characters go "
                "in quoted brackets ($.paths['/pets']), filters look like "
                "[?@.name == 'id'], and string literals are quoted."
            )
        raise ToolError(
            f"{path}: action {index} (0-based index in 'actions'): {field} {expression!r} "
            f"is not a valid RFC 9535 JSONPath query ({err}). {hint}"
        ) from None


def parse_overlay(doc: Any, path: Path) -> Overlay:
    """Validate an already loaded Overlay document and compile its JSONPath queries."""
    path = Path(path)
    feature_set = validate_overlay_document(doc, path)
    actions: list[Action] = []
    for index, raw in enumerate(doc["actions"]):
        target: str = raw["target"]
        kind: ActionKind
        if raw.get("remove") is True:
            kind = "remove"
        elif "update" in raw:
            kind = "update"
        elif "copy" in raw:
            kind = "copy"
        else:
            kind = "none"
        copy_expression: str | None = raw.get("copy") if kind == "copy" else None
        actions.append(
            Action(
                index=index,
                target=target,
                kind=kind,
                description=raw.get("description"),
                query=_compile(path, index, "target", target),
                update=raw.get("update") if kind == "update" else None,
                copy=copy_expression,
                copy_query=(
                    _compile(path, index, "copy", copy_expression)
                    if copy_expression is not None
                    else None
                ),
            )
        )
    for action in actions:
        if action.kind == "update":
            _refuse_external_refs(path, action, action.update, "update value")
    info = doc["info"]
    return Overlay(
        path=path,
        version=doc["overlay"],
        feature_set=feature_set,
        title=info["title"],
        info_version=info["version"],
        extends=doc.get("extends"),
        actions=tuple(actions),
    )


def load_overlay(path: Path) -> Overlay:
    """Load, validate (official JSON Schema) and compile an Overlay document.

    Raises `ToolError` naming the file for a read or syntax error, an unsupported version,
    a schema violation or a JSONPath that is not valid RFC 9535.
    """
    path = Path(path)
    return parse_overlay(load_document(path), path)


# --------------------------------------------------------------------------- application


def _where(overlay: Overlay | Path, action: Action) -> str:
    path = overlay.path if isinstance(overlay, Overlay) else overlay
    described = f", {action.description!r}" if action.description else ""
    return (
        f"{path}: action {action.index} (0-based index in 'actions'{described}, "
        f"target {action.target!r})"
    )


def _refuse_external_refs(
    overlay: Overlay | Path, action: Action, value: Any, what: str, at: str = ""
) -> None:
    """An action must not bring in a reference the pipeline would have to fetch."""
    found = external_refs(value) if isinstance(value, dict | list) else []
    if at and isinstance(value, str) and not value.startswith("#"):
        found = [("", value)]  # a primitive written over a $ref member
    if not found:
        return
    place = f"{at}" if at else f"{what} at "
    listing = "; ".join(f"{place}{pointer} -> {ref!r}" for pointer, ref in found[:10])
    raise ToolError(
        f"{_where(overlay, action)}: the {what} brings in an external reference (a URL or "
        f"a file), which the pipeline refuses and never fetches: {listing}. Add the "
        "content itself under components and refer to it with '#/components/...'."
    )


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
                f"{_where(overlay, action)}: the result would nest {deepest} levels deep, "
                f"more than the {MAX_DEPTH} any document may have (see MAX_DEPTH in "
                "tools/parsing.py). Add the content under components and refer to it "
                "with $ref instead of nesting it."
            )
        self.added += size * len(nodes)
        if self.added > MAX_ADDED_NODES:
            raise ToolError(
                f"{_where(overlay, action)}: this overlay would add more than "
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


def _clone(value: Any) -> Any:
    """Copy a JSON-like value (faster than copy.deepcopy, and never shares a container)."""
    if isinstance(value, dict):
        return {key: _clone(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clone(item) for item in value]
    return value


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
            f"{_where(overlay, action)}: the JSONPath query failed on this document ({err}). "
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
                f"{_where(overlay, action)}: cannot merge the {_type_name(new)} given for "
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
            f"{_where(overlay, action)}: the target selects nodes of different kinds "
            f"({examples}); the Overlay Specification requires an update or copy target "
            "to select only objects, only arrays or only primitives. Narrow the target."
        )
    shape = next(iter(shapes))
    if shape == "object":
        if not isinstance(value, dict):
            raise ToolError(
                f"{_where(overlay, action)}: the target selects objects, so the {what} must "
                f"be an object to merge into them, but it is a {_type_name(value)}. To "
                "change a property, target the object holding it and give "
                "{property: new value}."
            )
        for node in nodes:
            target = node.value
            assert isinstance(target, dict)
            _merge(target, _clone(value), node.location, overlay, action)
    elif shape == "array":
        for node in nodes:
            target = node.value
            assert isinstance(target, list)
            if isinstance(value, list):
                target.extend(_clone(value))
            else:
                target.append(_clone(value))
    else:
        if isinstance(value, dict | list):
            raise ToolError(
                f"{_where(overlay, action)}: the target selects primitive values "
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
                f"{_where(overlay, action)}: the target selects the document root, which "
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
            f"{_where(overlay, action)}: the copy source {action.copy!r} selected {found}"
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
                f"{_where(overlay, action)}: the target selected nothing in the document. "
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
            _refuse_external_refs(overlay, action, value, f"value copied from {action.copy!r}")
        for node in nodes:  # a string written over a $ref member
            if node.location and node.location[-1] in REF_KEYWORDS:
                _refuse_external_refs(
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
