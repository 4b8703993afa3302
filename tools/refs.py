"""`$ref` checks: the references a tool would fetch, fail on or follow forever.

- `external_refs` / `reject_external_refs`: the pipeline works on self-contained documents;
  a `$ref` to a URL or a file is refused, never fetched (the validators would fetch it).
- `ref_problems` finds the local `$ref`s that point at nothing or loop without progress
  (the validators recurse on such a loop until Python's stack runs out), in document
  order, without recursing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard
from urllib.parse import unquote

from tools.errors import ToolError
from tools.pointers import escape_pointer_token, json_pointer, pointers_of, walk_with_parts

__all__ = [
    "REF_KEYWORDS",
    "RefProblem",
    "external_refs",
    "ref_problems",
    "reject_external_refs",
]

REF_KEYWORDS = ("$ref", "$dynamicRef")
"""Members whose string value names another node. A value that does not start with `#`
is a URL or a file: openapi-spec-validator and jsonschema fetch both kinds (measured:
an `http://` `$ref`, and a `$dynamicRef` under a schema with a `default`)."""

# Keywords that apply a subschema to the same instance (JSON Schema "in-place
# applicators"). A loop through only these and `$ref` never descends into the data.
_IN_PLACE_LISTS = ("allOf", "anyOf", "oneOf")
_IN_PLACE_ONE = ("not", "if", "then", "else")


def _is_external(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and not value.startswith("#")


def _has_external_ref(doc: Any) -> bool:
    stack: list[Any] = [doc]
    pop, extend = stack.pop, stack.extend
    while stack:
        value = pop()
        if isinstance(value, dict):
            if _is_external(value.get("$ref")) or _is_external(value.get("$dynamicRef")):
                return True
            extend(value.values())
        elif isinstance(value, list):
            extend(value)
    return False


def external_refs(doc: Any) -> list[tuple[str, str]]:
    """Return `(JSON pointer of the member, value)` for every non-local `$ref` (and
    `$dynamicRef`).

    A reference is local when its value starts with `#`; any other string value is a URL
    or a file. A `$ref` whose value is not a string (a property that happens to be named
    `$ref`) is not a reference and is skipped. Results are in document order.
    """
    if not _has_external_ref(doc):  # the common case, without building any pointer
        return []
    found: list[tuple[str, str]] = []
    for value, where in walk_with_parts(doc):
        if isinstance(value, dict):
            for keyword in REF_KEYWORDS:
                ref = value.get(keyword)
                if _is_external(ref):
                    found.append((json_pointer((*where, keyword)), ref))
    return found


def reject_external_refs(doc: Any, path: Path) -> None:
    """Raise `ToolError` naming the file and each external `$ref`'s JSON pointer."""
    refs = external_refs(doc)
    if not refs:
        return
    shown = refs[:10]
    listing = "; ".join(f"{pointer} -> {value!r}" for pointer, value in shown)
    more = f" and {len(refs) - len(shown)} more" if len(refs) > len(shown) else ""
    raise ToolError(
        f"{path}: external references (URLs or files) are refused, and this document has "
        f"{len(refs)}: {listing}{more}. The pipeline works on one self-contained document: "
        "inline the referenced content (under components, referenced with '#/...'), or "
        "add it with an overlay."
    )


@dataclass(frozen=True)
class RefProblem:
    """A reference that cannot be followed safely: `pointer` is the JSON pointer of the
    `$ref` member itself (e.g. `/components/schemas/A/$ref`)."""

    pointer: str
    ref: str
    message: str
    external: bool = False


_MISSING = object()


class _Refs:
    """The document's references, resolved the way referencing (under the validator)
    resolves them: a pointer is followed literally from the document root."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.holders: list[dict[str, Any]] = []  # dicts with a string $ref / $dynamicRef
        stack: list[Any] = [doc]
        pop, extend, append = stack.pop, stack.extend, self.holders.append
        while stack:  # in document order: loops are reported from their first $ref
            value = pop()
            if type(value) is dict:
                if type(value.get("$ref")) is str or "$dynamicRef" in value:
                    append(value)
                extend(reversed(value.values()))
            elif type(value) is list:
                extend(reversed(value))
        self._anchors: dict[str, Any] | None = None
        self._looked_up: dict[str, Any] = {}
        self.targets: dict[int, Any] = {}  # id(holder) -> what its $ref names

    def anchors(self) -> dict[str, Any]:
        if self._anchors is None:  # only documents with `#name` references pay for this
            self._anchors = {}
            for value, _ in walk_with_parts(self.doc):
                if isinstance(value, dict):
                    for keyword in ("$anchor", "$dynamicAnchor"):
                        if isinstance(value.get(keyword), str):
                            self._anchors.setdefault(value[keyword], value)
        return self._anchors

    def lookup(self, ref: str) -> Any:
        """The node a local reference names, or _MISSING."""
        if ref not in self._looked_up:
            self._looked_up[ref] = self._lookup(ref)
        return self._looked_up[ref]

    def _lookup(self, ref: str) -> Any:
        fragment = unquote(ref[1:])
        if fragment and not fragment.startswith("/"):
            return self.anchors().get(fragment, _MISSING)
        node: Any = self.doc
        for token in fragment.split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict):
                node = node.get(token, _MISSING)
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return _MISSING
            if node is _MISSING:
                return _MISSING
        return node


_IN_PLACE_KEYS = frozenset((*_IN_PLACE_LISTS, *_IN_PLACE_ONE, "dependentSchemas"))


def _in_place_children(node: dict[str, Any]) -> list[Any]:
    if _IN_PLACE_KEYS.isdisjoint(node):  # nearly every node: nothing to look at
        return []
    found: list[Any] = []
    for keyword in _IN_PLACE_LISTS:
        items = node.get(keyword)
        if isinstance(items, list):
            found.extend(items)
    found.extend(node.get(keyword) for keyword in _IN_PLACE_ONE)
    dependent = node.get("dependentSchemas")
    if isinstance(dependent, dict):
        found.extend(dependent.values())
    return found


def ref_problems(doc: Any) -> list[RefProblem]:
    """Every reference that would make a tool fetch, fail or recurse forever.

    - external: a `$ref`/`$dynamicRef` that is not `#...` (a URL or a file; never fetched);
    - missing: a local `$ref` whose JSON pointer (or `#anchor`) names nothing;
    - a loop without progress: a `$ref` that leads back to itself through only `$ref`s and
      in-place keywords (allOf, anyOf, oneOf, not, if/then/else, dependentSchemas), so
      that no property or array item is ever entered. `A: {$ref: B}, B: {$ref: A}` never
      reaches a schema; `A: {allOf: [{$ref: A}]}` defines A by itself. JSON Schema leaves
      such loops undefined; the validators recurse on them until Python's stack runs out.
      A schema that refers to itself below `properties` or `items` (a tree) is fine.

    Results are in document order. Does not recurse; cost is one pass over the document
    plus a pass over the references.
    """
    refs = _Refs(doc)
    if not refs.holders:
        return []
    # (holder, keyword, reference, message template, external)
    raw: list[tuple[dict[str, Any], str, str, str, bool]] = []
    for holder in refs.holders:
        for keyword in REF_KEYWORDS:
            ref = holder.get(keyword)
            if not isinstance(ref, str):
                continue
            if _is_external(ref):
                raw.append((holder, keyword, ref, _EXTERNAL, True))
                continue
            target = refs.lookup(ref)
            if target is _MISSING:
                raw.append((holder, keyword, ref, _POINTS_AT_NOTHING, False))
            elif keyword == "$ref":
                refs.targets[id(holder)] = target
    loops = _loops(refs)
    if not raw and not loops:
        return []
    wanted = {id(holder) for holder, *_ in raw} | {id(h) for loop in loops for h in loop}
    pointers = pointers_of(doc, wanted)

    def member(holder: dict[str, Any], keyword: str = "$ref") -> str:
        return pointers.get(id(holder), "?") + "/" + escape_pointer_token(keyword)

    found = [
        RefProblem(member(holder, keyword), ref, why.format(ref=ref), external)
        for holder, keyword, ref, why, external in raw
    ]
    for loop in loops:
        chain = " -> ".join(member(holder) for holder in [*loop, loop[0]])
        pure = all(
            refs.targets[id(a)] is b for a, b in zip(loop, [*loop[1:], loop[0]], strict=True)
        )
        why = _PURE_LOOP if pure else _IN_PLACE_LOOP
        first = loop[0]
        found.append(RefProblem(member(first), first["$ref"], why.format(chain=chain)))
    order = {pointer: index for index, pointer in enumerate(_document_order(doc, found))}
    return sorted(found, key=lambda problem: order.get(problem.pointer, len(order)))


_EXTERNAL = (
    "external reference {ref!r} (a URL or a file) is refused and never fetched: the "
    "pipeline works on one self-contained document. Inline the content under components "
    "and refer to it with '#/components/...'"
)
_POINTS_AT_NOTHING = (
    "$ref {ref!r} points at nothing in this document. Fix the JSON pointer (names are "
    "case-sensitive; '/' inside a name is written '~1') or add what it names"
)
_PURE_LOOP = (
    "$ref loop that never reaches a schema: {chain}. Point one of these at a real definition"
)
_IN_PLACE_LOOP = (
    "a schema that contains itself without entering a property or an array item: "
    "{chain} (through allOf/anyOf/oneOf/not). JSON Schema leaves such a loop undefined "
    "and validators recurse forever on it; a schema may refer to itself only below "
    "'properties', 'items' or the like (as a tree does)"
)


def _loops(refs: _Refs) -> list[list[dict[str, Any]]]:
    """Cycles among the `$ref` holders, following only in-place edges (see ref_problems).

    Graph: holder H -> every holder reachable in place from H's target and from H's own
    in-place keywords (stopping at the first holder on each path). One cycle per back edge
    of an iterative depth-first search.
    """
    holders = {id(h): h for h in refs.holders if id(h) in refs.targets}
    from_target: dict[int, list[dict[str, Any]]] = {}  # many $refs share one target

    def reachable(starts: Iterable[Any]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        seen: set[int] = set()
        stack = list(starts)
        while stack:
            node = stack.pop()
            if type(node) is not dict or id(node) in seen:
                continue
            seen.add(id(node))
            if id(node) in holders:
                found.append(node)
                continue
            stack.extend(_in_place_children(node))
        return found

    def successors(holder: dict[str, Any]) -> list[dict[str, Any]]:
        target = refs.targets[id(holder)]
        if id(target) not in from_target:
            from_target[id(target)] = reachable([target])
        own = _in_place_children(holder)  # 3.1 allows keywords beside a $ref
        return from_target[id(target)] + reachable(own) if own else from_target[id(target)]

    loops: list[list[dict[str, Any]]] = []
    state: dict[int, int] = {}  # 1: on the current path, 2: done
    for root in holders.values():
        if id(root) in state:
            continue
        path: list[dict[str, Any]] = [root]
        state[id(root)] = 1
        iterators = [iter(successors(root))]
        while iterators:
            step = next(iterators[-1], None)
            if step is None:
                iterators.pop()
                state[id(path.pop())] = 2
                continue
            mark = state.get(id(step))
            if mark == 1:
                loops.append(path[next(i for i, h in enumerate(path) if h is step) :])
            elif mark is None:
                state[id(step)] = 1
                path.append(step)
                iterators.append(iter(successors(step)))
    return loops


def _document_order(doc: Any, problems: list[RefProblem]) -> list[str]:
    wanted = {problem.pointer for problem in problems}
    ordered: list[str] = []
    for value, where in walk_with_parts(doc):
        if isinstance(value, dict):
            for keyword in REF_KEYWORDS:
                if keyword in value:
                    pointer = json_pointer((*where, keyword))
                    if pointer in wanted:
                        ordered.append(pointer)
    return ordered
