"""One document of a comparison: `$ref` resolution, content fingerprints and effective
schemas, each memoized per document.

Documents are taken as they are, valid or not: a `$ref` that points at nothing, an
external one or a loop of them is a warning and resolves to an unresolved marker that
compares as an unknown schema, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tools.drift.effective_schema import effective
from tools.drift.json_text import cut_at_refs, encode, ref_of, unescape
from tools.pointers import MISSING, follow, parse_json_pointer

UNRESOLVED = "x-unresolved-ref"
_MAX_REF_HOPS = 64  # a longer chain of $ref-to-$ref is a loop
_CYCLE = hash("a $ref back to a schema being fingerprinted")


def is_true(value: Any) -> bool:
    """An OpenAPI boolean as real documents write it: `true`, or the string `'true'`."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def mapping(value: Any) -> dict[str, Any]:
    """`value` if it is a mapping, else an empty one: odd shapes read as absent."""
    return value if isinstance(value, dict) else {}


class Side:
    """One document of the comparison: `$ref` resolution and effective schemas, memoized.

    Memos are keyed by `id()` of nodes of the document (or of merged schemas this object
    keeps alive), so an id is never reused while the memo lives.
    """

    def __init__(self, doc: dict[str, Any], name: str, warn: Callable[[str], None]) -> None:
        self.doc = doc
        self.name = name
        self._warn = warn
        self._targets: dict[str, Any] = {}
        self._refs: dict[int, tuple[str, ...]] = {}
        self._schemas: dict[int, Any] = {}
        self._fingerprints: dict[int, int] = {}
        self._ref_fingerprints: dict[str, int] = {}
        self._in_progress: set[str] = set()
        self._cycles_met = 0

    def warn(self, message: str) -> None:
        self._warn(f"{self.name} document: {message}")

    def target(self, ref: str) -> Any:
        """What a `$ref` points at; an unresolved marker when it points at nothing."""
        found = self._targets.get(ref)
        if found is None:
            found = self._lookup(ref)
            self._targets[ref] = found
        return found

    def _lookup(self, ref: str) -> Any:
        missing = {UNRESOLVED: ref}
        if not ref.startswith("#"):
            return missing  # external: the pipeline works on self-contained documents
        try:
            simple = ref.startswith("#/") and "~" not in ref
            tokens = ref[2:].split("/") if simple else parse_json_pointer(ref)
        except ValueError:
            return missing
        node = follow(self.doc, tokens)
        return missing if node is None or node is MISSING else node

    def resolve(self, node: Any) -> Any:
        """Follow a chain of `$ref`s to the object it names."""
        if type(node) is not dict or "$ref" not in node:
            return node  # the common case, kept cheap
        for _ in range(_MAX_REF_HOPS):
            ref = node.get("$ref") if type(node) is dict else None
            if type(ref) is not str:
                return node
            node = self.target(ref)
            if type(node) is dict and UNRESOLVED in node:
                kind = "local" if ref.startswith("#") else "external (not followed)"
                self.warn(f"$ref {ref!r} ({kind}) points at nothing; compared as unknown.")
                return node
        self.warn(f"$ref chain through {node!r} loops; compared as unknown.")
        return {UNRESOLVED: "loop"}

    def refs_in(self, node: Any) -> tuple[str, ...]:
        """Every `$ref` string inside `node` (found in its JSON text, in C)."""
        if type(node) is not dict and type(node) is not list:
            return ()
        ref = ref_of(node)
        if ref is not None:
            return (ref,)
        found = self._refs.get(id(node))
        if found is None:
            refs = set(cut_at_refs(encode(node))[1::2])
            found = self._refs[id(node)] = tuple(unescape(ref) for ref in refs)
        return found

    def fingerprint(self, node: Any) -> int:
        """A hash of the node's JSON text with each `$ref` replaced by its target's
        fingerprint: equal fingerprints mean equal content, whatever the targets are named.
        The text comes from the JSON encoder and is cut at `$ref`s by a regex, both in C;
        only the `$ref`s are visited in Python. (Python's 64-bit hash: both sides are
        hashed in this one process.)"""
        ref = ref_of(node)
        if ref is not None:
            return self.ref_fingerprint(ref)
        known = self._fingerprints.get(id(node))
        if known is not None:
            return known
        cycles_before = self._cycles_met
        pieces: list[Any] = cut_at_refs(encode(node))
        if len(pieces) > 1:
            refs = pieces[1::2]
            values = list(map(self._ref_fingerprints.get, refs))  # mostly known: a C loop
            if None in values:
                values = [
                    self.ref_fingerprint(unescape(ref)) if value is None else value
                    for ref, value in zip(refs, values, strict=True)
                ]
            pieces[1::2] = values
        known = hash(tuple(pieces))
        # A value that used the cycle stand-in depends on where the walk started: it is
        # kept only when nothing was in progress around it.
        if self._cycles_met == cycles_before or not self._in_progress:
            self._fingerprints[id(node)] = known
        return known

    def ref_fingerprint(self, ref: str) -> int:
        known = self._ref_fingerprints.get(ref)
        if known is not None:
            return known
        if ref in self._in_progress:
            self._cycles_met += 1
            return _CYCLE
        self._in_progress.add(ref)
        cycles_before = self._cycles_met
        try:
            known = self.fingerprint(self.target(ref))
        finally:
            self._in_progress.discard(ref)
        if self._cycles_met == cycles_before or not self._in_progress:
            self._ref_fingerprints[ref] = known
        return known

    def schema(self, node: Any) -> Any:
        """The schema `node` means: `$ref`s followed, `allOf` merged, null variants folded
        (tools/drift/effective_schema.py)."""
        cached = self._schemas.get(id(node))
        if cached is not None:
            return cached
        target = self.resolve(node)
        if type(target) is not dict:
            return target
        cached = self._schemas.get(id(target))
        if cached is None:
            self._schemas[id(target)] = target  # an allOf cycle back here sees it unmerged
            cached = self._schemas[id(target)] = effective(self, target)
        if type(node) is dict:  # also remember it by the $ref object that led here
            self._schemas[id(node)] = cached
        return cached
