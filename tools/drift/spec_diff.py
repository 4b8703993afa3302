"""Spec drift: what changed between two versions of an OpenAPI document, per operation,
each change classified as breaking or not for a client generated from the old version.

`diff_documents(old, new)` is the entry point; `compare_documents` also returns warnings
(`$ref`s that point at nothing, entries of a shape that had to be skipped). Every kind,
its severity rule and an example are in docs/drift.md.

Documents are taken as they are, valid or not: real upstream documents have lowercase
`4xx` keys, `'true'` strings for booleans and the like. Every value is checked for its
shape before it is used; anything unexpected is skipped with a warning, never trusted.

Speed (two 4 MB Cloudflare documents, ~1,500 operations each, in about 4 times one
`json.load`): most of two versions is identical, and `==` on JSON trees runs in C. A pair
of subtrees that is equal JSON whose `$ref`s point at equal targets (`same_shape`) is not
walked; a component renamed without a change is recognized by its fingerprint (JSON text
from the C encoder, `$ref`s replaced by their targets' fingerprints: `_Side.fingerprint`);
only what differs is walked in Python, each pair of schemas once (memoized by id).
"""

from __future__ import annotations

import gc
import json
import json.encoder
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, NamedTuple

from tools.drift.model import BREAKING, NON_BREAKING, Change, Severity
from tools.errors import ToolError
from tools.pointers import json_pointer, parse_json_pointer

__all__ = [
    "HTTP_METHODS",
    "Operation",
    "SchemaChange",
    "SpecDiff",
    "compare_documents",
    "diff_documents",
    "is_true",
    "iter_operations",
    "normalize_path",
]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
Direction = Literal["request", "response"]
Parts = tuple[str | int, ...]  # a JSON pointer, built only when a change is reported

_TEMPLATE_PARAMETER = re.compile(r"\{([^{}]*)\}")
# `"$ref": "..."` as json.dumps writes it: finding refs in dumped text runs in C.
_REF_IN_JSON = re.compile(r'"\$ref": "((?:[^"\\]|\\.)*)"')
_REF_MARK = '"$ref": "'
_MAX_REF_HOPS = 64  # a longer chain of $ref-to-$ref is a loop
_UNRESOLVED = "x-unresolved-ref"
_ABSENT = object()
# String formats openapi-python-client maps to their own Python type (datetime, date, File,
# UUID); any other format (int64, email, ...) leaves the type as it is.
_TYPED_FORMATS = frozenset({"date-time", "date", "binary", "uuid"})
_CYCLE = hash("a $ref back to a schema being fingerprinted")


def is_true(value: Any) -> bool:
    """An OpenAPI boolean as real documents write it: `true`, or the string `'true'`."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def normalize_path(path: str) -> str:
    """`/a/{x}/b` -> `/a/{}/b`: operations are matched with parameter names abstracted."""
    return _TEMPLATE_PARAMETER.sub("{}", path)


def _make_encoder() -> Callable[[Any], str]:
    """JSON text of a node, as fast as the standard library gives it: its C encoder, made
    once (json.dumps builds one per call, a third of the time for small nodes), without
    the circularity check (trees loaded from JSON or YAML have no cycles) and without
    sorting keys (a document whose keys were reordered only loses the shortcut)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - a Python without the C accelerator
        return json.JSONEncoder(check_circular=False, default=str).encode
    chunks = make(
        None, str, json.encoder.encode_basestring_ascii, None, ": ", ", ", False, False, True
    )

    def encode(value: Any) -> str:
        return "".join(chunks(value, 0))

    return encode


_encode = _make_encoder()


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------- one side


class _Side:
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
        missing = {_UNRESOLVED: ref}
        if not ref.startswith("#"):
            return missing  # external: the pipeline works on self-contained documents
        try:
            simple = ref.startswith("#/") and "~" not in ref
            tokens = ref[2:].split("/") if simple else parse_json_pointer(ref)
        except ValueError:
            return missing
        node: Any = self.doc
        for token in tokens:
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return missing
        return missing if node is None else node

    def resolve(self, node: Any) -> Any:
        """Follow a chain of `$ref`s to the object it names."""
        if type(node) is not dict or "$ref" not in node:
            return node  # the common case, kept cheap
        for _ in range(_MAX_REF_HOPS):
            ref = node.get("$ref") if type(node) is dict else None
            if type(ref) is not str:
                return node
            node = self.target(ref)
            if type(node) is dict and _UNRESOLVED in node:
                kind = "local" if ref.startswith("#") else "external (not followed)"
                self.warn(f"$ref {ref!r} ({kind}) points at nothing; compared as unknown.")
                return node
        self.warn(f"$ref chain through {node!r} loops; compared as unknown.")
        return {_UNRESOLVED: "loop"}

    def refs_in(self, node: Any) -> tuple[str, ...]:
        """Every `$ref` string inside `node` (found in its JSON text, in C)."""
        if type(node) is not dict and type(node) is not list:
            return ()
        ref = _ref_of(node)
        if ref is not None:
            return (ref,)
        found = self._refs.get(id(node))
        if found is None:
            refs = set(_cut_at_refs(_encode(node))[1::2])
            found = self._refs[id(node)] = tuple(_unescape(ref) for ref in refs)
        return found

    def fingerprint(self, node: Any) -> int:
        """A hash of the node's JSON text with each `$ref` replaced by its target's
        fingerprint: equal fingerprints mean equal content, whatever the targets are named.
        The text comes from the JSON encoder and is cut at `$ref`s by a regex, both in C;
        only the `$ref`s are visited in Python. (Python's 64-bit hash: both sides are
        hashed in this one process.)"""
        ref = _ref_of(node)
        if ref is not None:
            return self.ref_fingerprint(ref)
        known = self._fingerprints.get(id(node))
        if known is not None:
            return known
        cycles_before = self._cycles_met
        pieces: list[Any] = _cut_at_refs(_encode(node))
        if len(pieces) > 1:
            refs = pieces[1::2]
            values = list(map(self._ref_fingerprints.get, refs))  # mostly known: a C loop
            if None in values:
                values = [
                    self.ref_fingerprint(_unescape(ref)) if value is None else value
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
        """The schema `node` means: `$ref`s followed, `allOf` merged, null variants folded."""
        cached = self._schemas.get(id(node))
        if cached is not None:
            return cached
        target = self.resolve(node)
        if type(target) is not dict:
            return target
        cached = self._schemas.get(id(target))
        if cached is None:
            self._schemas[id(target)] = target  # an allOf cycle back here sees it unmerged
            cached = self._merge_all_of(target) if "allOf" in target else target
            if "anyOf" in cached or "oneOf" in cached:
                cached = self._narrow_variants(self._fold_null_variants(cached))
            self._schemas[id(target)] = cached
        if type(node) is dict:  # also remember it by the $ref object that led here
            self._schemas[id(node)] = cached
        return cached

    def _merge_all_of(self, node: dict[str, Any]) -> dict[str, Any]:
        members = node.get("allOf")
        if not isinstance(members, list):
            return node
        parts = [{key: value for key, value in node.items() if key != "allOf"}]
        parts.extend(part for part in map(self.schema, members) if type(part) is dict)
        return _merge_parts(parts)

    def _fold_null_variants(self, node: dict[str, Any]) -> dict[str, Any]:
        """`anyOf: [X, {type: 'null'}]` (OpenAPI 3.1) means X, nullable, as 3.0 writes it."""
        for keyword in ("anyOf", "oneOf"):
            variants = node.get(keyword)
            if not isinstance(variants, list):
                continue
            others = [v for v in variants if not _is_null_schema(self.resolve(v))]
            if len(others) == len(variants):
                continue
            folded = {key: value for key, value in node.items() if key != keyword}
            if len(others) == 1:
                single = self.schema(others[0])
                if type(single) is dict:
                    folded = _merge_parts([folded, single])
            elif others:
                folded[keyword] = others
            folded["nullable"] = True
            return folded
        return node

    def _narrow_variants(self, node: dict[str, Any]) -> dict[str, Any]:
        """`type: array` with `anyOf: [object, array, string]` (an allOf of an envelope and
        its specialization) is the array variant: keep the variants the type allows."""
        types = _explicit_types(node)
        if not types:
            return node
        for keyword in ("anyOf", "oneOf"):
            variants = node.get(keyword)
            if not isinstance(variants, list):
                continue
            allowed = [v for v in variants if _allows(types, self.schema(v))]
            if not allowed or len(allowed) == len(variants):
                continue
            narrowed = {key: value for key, value in node.items() if key != keyword}
            if len(allowed) == 1:
                single = self.schema(allowed[0])
                if type(single) is dict:
                    narrowed = _merge_parts([narrowed, single])
            else:
                narrowed[keyword] = allowed
            return narrowed
        return node


def _pointer(parts: Parts) -> str:
    return _cached_pointer(parts)


_cached_pointer = lru_cache(maxsize=4096)(json_pointer)  # many changes share a location


def _ref_of(node: Any) -> str | None:
    """The target of a node that is only a `$ref` (by far the most common kind)."""
    if type(node) is dict and len(node) == 1:
        ref = node.get("$ref")
        if type(ref) is str:
            return ref
    return None


def _cut_at_refs(text: str) -> list[str]:
    """JSON text cut at its `$ref`s: [text, ref, text, ref, ..., text]. `"$ref": "` can only
    be a `$ref` member (a quote inside a string is escaped), so a plain split (C) finds them;
    a `$ref` value with an escape in it goes to the exact regex."""
    if _REF_MARK not in text:
        return [text]
    chunks = text.split(_REF_MARK)
    pieces = [chunks[0]]
    for chunk in chunks[1:]:
        ref, _quote, rest = chunk.partition('"')
        if "\\" in ref:
            return _REF_IN_JSON.split(text)
        pieces += (ref, rest)
    return pieces


def _unescape(ref: str) -> str:
    """A `$ref` value as found in JSON text, back to the string it is."""
    return json.loads(f'"{ref}"') if "\\" in ref else ref


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


def _merge_parts(parts: list[dict[str, Any]]) -> dict[str, Any]:
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


# --------------------------------------------------------------------------- schemas


class SchemaChange(NamedTuple):
    """One difference inside a schema, as a client of the old version sees it."""

    change: str  # property-removed, type-changed, ... (the `extra.change` of a Change)
    at: tuple[str, ...]  # property names, "[]" for array items, "{}" for map values
    severity: Severity
    old: Any = None
    new: Any = None

    @property
    def route(self) -> str:
        """`result[].label`: where in the body the change is ("" for the root)."""
        text = ""
        for step in self.at:
            text += step if step in ("[]", "{}") else f".{step}"
        return text.lstrip(".")

    def prefixed(self, step: str) -> SchemaChange:
        return SchemaChange(self.change, (step, *self.at), self.severity, self.old, self.new)

    def describe(self) -> str:
        where = f"`{self.route}`" if self.at else "the schema"
        if self.change == "property-removed":
            return f"property {where} was removed"
        if self.change == "property-added":
            required = " (required)" if self.new == "required" else ""
            return f"property {where} was added{required}"
        if self.change == "required-added":
            return f"property {where} is now required"
        if self.change == "required-removed":
            return f"property {where} is no longer required"
        if self.change == "nullable-changed":
            return f"{where} is {'now' if self.new else 'no longer'} nullable"
        if self.change == "enum-value-added":
            if self.new is None:
                return f"{where} is no longer restricted to {_short(self.old)}"
            return f"{where} allows new values {_short(self.new)}"
        if self.change == "enum-value-removed":
            if self.old is None:
                return f"{where} is now restricted to {_short(self.new)}"
            return f"{where} no longer allows {_short(self.old)}"
        if self.change == "format-changed":
            return f"{where} changed format from {_short(self.old)} to {_short(self.new)}"
        return f"{where} changed type from {_type_text(self.old)} to {_type_text(self.new)}"


def _type_text(types: Any) -> str:
    """["integer", "string"] -> `integer` or `string`; [] -> any; a text stays as it is."""
    if isinstance(types, list):
        return " or ".join(f"`{kind}`" for kind in types) or "any"
    return str(types)


def _by_direction(direction: Direction, request: Severity, response: Severity) -> Severity:
    return request if direction == "request" else response


def _types(schema: dict[str, Any]) -> list[str]:
    """The JSON types a schema allows, "null" aside; [] means any. Sorted."""
    kind = schema.get("type")
    if isinstance(kind, str):
        found = {kind}
    elif isinstance(kind, list):
        found = {item for item in kind if isinstance(item, str)}
    elif "properties" in schema:
        found = {"object"}
    elif "items" in schema:
        found = {"array"}
    else:
        found = set()
    found.discard("null")
    return sorted(found)


def _nullable(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return (
        is_true(schema.get("nullable"))
        or kind == "null"
        or (isinstance(kind, list) and "null" in kind)
    )


def _enum(schema: dict[str, Any]) -> dict[str, Any] | None:
    """Allowed values by canonical JSON text (`const` is a one-value enum); None: any."""
    if "const" in schema:
        values: Any = [schema["const"]]
    else:
        values = schema.get("enum")
        if not isinstance(values, list):
            return None
    return {json.dumps(value, sort_keys=True, default=str): value for value in values}


def _required(schema: dict[str, Any]) -> set[str]:
    names = schema.get("required")
    return {name for name in names if isinstance(name, str)} if isinstance(names, list) else set()


class _SchemaComparer:
    """Compares schemas of the two sides; each (old, new, direction) triple once."""

    def __init__(self, old: _Side, new: _Side) -> None:
        self.old = old
        self.new = new
        self._memo: dict[tuple[int, int, str], tuple[SchemaChange, ...]] = {}  # by schema
        self._raw_memo: dict[tuple[int, int, str], tuple[SchemaChange, ...]] = {}  # by node
        self._content_memo: dict[tuple[int, int, str], tuple[SchemaChange, ...]] = {}
        self._stable: dict[str, bool] = {}

    def same_shape(self, old_node: Any, new_node: Any) -> bool:
        """Equal JSON whose `$ref`s point at equal targets on both sides (C-speed test)."""
        return old_node == new_node and self.stable(old_node)

    def stable(self, node: Any) -> bool:
        """Whether every `$ref` in `node` points at equal targets on both sides."""
        refs = self.old.refs_in(node)
        return all(map(self._stable.get, refs)) or all(map(self._ref_stable, refs))

    def _ref_stable(self, ref: str) -> bool:
        known = self._stable.get(ref)
        if known is not None:
            return known
        self._stable[ref] = True  # a cycle back here is judged by the rest of the cycle
        old_target, new_target = self.old.target(ref), self.new.target(ref)
        stable = old_target == new_target and self.stable(old_target)
        self._stable[ref] = stable
        return stable

    def compare_top(
        self, old_node: Any, new_node: Any, direction: Direction
    ) -> tuple[SchemaChange, ...]:
        """`compare` for the schema of a body or parameter: many operations share schemas
        with the same content (written out again, or under other `$ref` names), so the
        result is kept by content fingerprint too."""
        if old_node == new_node:  # the same $refs: walk what changed behind them
            return () if self.stable(old_node) else self.compare(old_node, new_node, direction)
        key = (self.old.fingerprint(old_node), self.new.fingerprint(new_node), direction)
        if key[0] == key[1]:
            return ()
        found = self._content_memo.get(key)
        if found is None:
            found = self._content_memo[key] = self.compare(old_node, new_node, direction)
        return found

    def compare(
        self, old_node: Any, new_node: Any, direction: Direction
    ) -> tuple[SchemaChange, ...]:
        """What changed from `old_node` to `new_node`, as seen by a client of the old one."""
        raw_key = (id(old_node), id(new_node), direction)
        found = self._raw_memo.get(raw_key)
        if found is None:
            found = self._raw_memo[raw_key] = self._compare(old_node, new_node, direction)
        return found

    def _compare(
        self, old_node: Any, new_node: Any, direction: Direction
    ) -> tuple[SchemaChange, ...]:
        old_ref, new_ref = _ref_of(old_node), _ref_of(new_node)
        if old_ref is not None and new_ref is not None:
            if old_ref == new_ref and self._ref_stable(old_ref):
                return ()
            if self.old.ref_fingerprint(old_ref) == self.new.ref_fingerprint(new_ref):
                return ()  # a renamed target with the same content
        elif self.same_shape(old_node, new_node):
            return ()
        old_schema, new_schema = self.old.schema(old_node), self.new.schema(new_node)
        key = (id(old_schema), id(new_schema), direction)
        found = self._memo.get(key)
        if found is not None:
            return found
        self._memo[key] = ()  # a recursive schema re-entering here adds nothing new
        if (old_schema is not old_node or new_schema is not new_node) and self.same_shape(
            old_schema, new_schema
        ):
            return ()  # different $refs, to the same merged content
        found = tuple(self._differences(old_schema, new_schema, direction))
        self._memo[key] = found
        return found

    def _differences(self, old: Any, new: Any, direction: Direction) -> list[SchemaChange]:
        if type(old) is not dict or type(new) is not dict:
            if old != new:  # `true`, `false` or garbage where a schema belongs
                return [SchemaChange("type-changed", (), BREAKING, _short(old), _short(new))]
            return []
        found: list[SchemaChange] = []
        _nullable_change(old, new, direction, found)
        old_types, new_types = _types(old), _types(new)
        if old_types != new_types:
            # The generated Python type changes, whichever way: breaking in both directions.
            # (What else changed inside an object that became a string is not worth listing.)
            found.append(SchemaChange("type-changed", (), BREAKING, old_types, new_types))
            return found
        old_format, new_format = old.get("format"), new.get("format")
        if old_format != new_format:
            # Only some formats give the generated attribute its own Python type.
            typed = old_format in _TYPED_FORMATS or new_format in _TYPED_FORMATS
            severity = BREAKING if typed else NON_BREAKING
            found.append(SchemaChange("format-changed", (), severity, old_format, new_format))
        if "enum" in old or "enum" in new or "const" in old or "const" in new:
            _enum_changes(old, new, direction, found)
        if "properties" in old or "properties" in new:
            self._property_changes(old, new, direction, found)
        for keyword, step in (("items", "[]"), ("additionalProperties", "{}")):
            old_sub, new_sub = old.get(keyword), new.get(keyword)
            if type(old_sub) is dict and type(new_sub) is dict:
                found.extend(
                    change.prefixed(step) for change in self.compare(old_sub, new_sub, direction)
                )
        for keyword in ("oneOf", "anyOf"):
            if keyword in old or keyword in new:
                self._variant_changes(keyword, old.get(keyword), new.get(keyword), direction, found)
        return found

    def _property_changes(
        self,
        old: dict[str, Any],
        new: dict[str, Any],
        direction: Direction,
        found: list[SchemaChange],
    ) -> None:
        old_properties, new_properties = (
            _mapping(old.get("properties")),
            _mapping(new.get("properties")),
        )
        old_required, new_required = _required(old), _required(new)
        for name in old_properties:
            if name not in new_properties:
                found.append(SchemaChange("property-removed", (name,), BREAKING))
        for name in new_properties:
            if name not in old_properties:
                required = name in new_required
                severity = BREAKING if required and direction == "request" else NON_BREAKING
                found.append(
                    SchemaChange(
                        "property-added", (name,), severity, None, "required" if required else None
                    )
                )
        for name, old_property in old_properties.items():
            new_property = new_properties.get(name, _ABSENT)
            if new_property is _ABSENT:
                continue
            was, now = name in old_required, name in new_required
            if now and not was:
                severity = _by_direction(direction, BREAKING, NON_BREAKING)
                found.append(SchemaChange("required-added", (name,), severity))
            elif was and not now:
                severity = _by_direction(direction, NON_BREAKING, BREAKING)
                found.append(SchemaChange("required-removed", (name,), severity))
            found.extend(
                change.prefixed(name)
                for change in self.compare(old_property, new_property, direction)
            )

    def _variant_changes(
        self,
        keyword: str,
        old_variants: Any,
        new_variants: Any,
        direction: Direction,
        found: list[SchemaChange],
    ) -> None:
        """oneOf/anyOf variants, compared in order when their number is unchanged."""
        if (
            isinstance(old_variants, list)
            and isinstance(new_variants, list)
            and len(old_variants) == len(new_variants)
        ):
            for index, (old_variant, new_variant) in enumerate(
                zip(old_variants, new_variants, strict=True)
            ):
                step = f"{keyword}[{index}]"
                found.extend(
                    change.prefixed(step)
                    for change in self.compare(old_variant, new_variant, direction)
                )
            return
        count_old = len(old_variants) if isinstance(old_variants, list) else 0
        count_new = len(new_variants) if isinstance(new_variants, list) else 0
        if count_old != count_new:
            found.append(
                SchemaChange(
                    "type-changed",
                    (),
                    BREAKING,
                    _variants_text(keyword, count_old),
                    _variants_text(keyword, count_new),
                )
            )


def _variants_text(keyword: str, count: int) -> str:
    return f"{keyword} of {count} variants" if count else f"no {keyword}"


def _nullable_change(
    old: dict[str, Any], new: dict[str, Any], direction: Direction, found: list[SchemaChange]
) -> None:
    was, now = _nullable(old), _nullable(new)
    if was == now:
        return
    # A response that may now be null breaks readers; a request that may no longer be null
    # breaks senders.
    if now:
        severity = _by_direction(direction, NON_BREAKING, BREAKING)
    else:
        severity = _by_direction(direction, BREAKING, NON_BREAKING)
    found.append(SchemaChange("nullable-changed", (), severity, was, now))


def _enum_changes(
    old: dict[str, Any], new: dict[str, Any], direction: Direction, found: list[SchemaChange]
) -> None:
    old_values, new_values = _enum(old), _enum(new)
    if old_values is None and new_values is None:
        return
    # More values: a response may send one the generated Enum class rejects (breaking); a
    # request merely may send more. Fewer values: the reverse.
    more = _by_direction(direction, NON_BREAKING, BREAKING)
    fewer = _by_direction(direction, BREAKING, NON_BREAKING)
    if old_values is None:
        assert new_values is not None
        found.append(SchemaChange("enum-value-removed", (), fewer, None, list(new_values.values())))
    elif new_values is None:
        found.append(SchemaChange("enum-value-added", (), more, list(old_values.values()), None))
    else:
        added = [value for key, value in new_values.items() if key not in old_values]
        removed = [value for key, value in old_values.items() if key not in new_values]
        if added:
            found.append(SchemaChange("enum-value-added", (), more, None, added))
        if removed:
            found.append(SchemaChange("enum-value-removed", (), fewer, removed, None))


# --------------------------------------------------------------------------- operations


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
        return _TEMPLATE_PARAMETER.findall(self.path)


def iter_operations(
    doc: dict[str, Any], warn: Callable[[str], None] | None = None
) -> Iterator[Operation]:
    """Every operation of `doc` in document order; odd shapes are skipped (and warned)."""
    return _operations(_Side(doc, "source", warn or (lambda _message: None)))


def _operations(side: _Side) -> Iterator[Operation]:
    paths = side.doc.get("paths")
    if paths is not None and not isinstance(paths, dict):
        side.warn("/paths is not a mapping; no operations read.")
    for path, raw_item in _mapping(paths).items():
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


def _match_operations(
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


# --------------------------------------------------------------------------- one operation


class _Parameter(NamedTuple):
    name: str
    location: str  # path, query, header, cookie
    required: bool
    schema: Any
    parts: Parts

    @property
    def pointer(self) -> str:
        return json_pointer(self.parts)

    @property
    def label(self) -> str:
        return f"{self.location} parameter `{self.name}`"


def _parameters(side: _Side, op: Operation) -> dict[tuple[str, str], _Parameter]:
    """Path-level parameters, overridden by operation-level ones, by (location, name)."""
    found: dict[tuple[str, str], _Parameter] = {}
    owners: tuple[tuple[dict[str, Any], Parts], ...] = (
        (op.item, ("paths", op.path)),
        (op.node, op.parts),
    )
    for owner, base in owners:
        entries = owner.get("parameters")
        if entries is None:
            continue
        if not isinstance(entries, list):
            side.warn(f"{json_pointer(base)}/parameters is not a list; ignored.")
            continue
        for index, entry in enumerate(entries):
            parts = (*base, "parameters", index)
            param = side.resolve(entry)
            name, location = _mapping(param).get("name"), _mapping(param).get("in")
            if not isinstance(name, str) or not isinstance(location, str):
                side.warn(
                    f"{json_pointer(parts)} is not a parameter with a name and `in`; ignored."
                )
                continue
            schema = param.get("schema")
            if schema is None:  # `content: {media type: {schema}}` form
                media = next(iter(_mapping(param.get("content")).values()), None)
                schema = _mapping(media).get("schema")
            required = location == "path" or is_true(param.get("required"))
            key = name.lower() if location == "header" else name  # header names ignore case
            found[(location, key)] = _Parameter(name, location, required, schema, parts)
    return found


def _body_content(side: _Side, node: Any, parts: Parts) -> dict[str, tuple[Parts, Any]]:
    """Media types of a request body or response, lower-cased: (where, schema)."""
    content = _mapping(node).get("content")
    if content is not None and not isinstance(content, dict):
        side.warn(f"{json_pointer(parts)}/content is not a mapping; ignored.")
    found: dict[str, tuple[Parts, Any]] = {}
    for media_type, media in _mapping(content).items():
        found[str(media_type).strip().lower()] = (
            (*parts, "content", media_type),
            _mapping(media).get("schema"),
        )
    return found


def _status_key(status: Any) -> str:
    """`4xx` and `4XX` are one range; `default` stays lower-case."""
    text = str(status).strip()
    return "default" if text.lower() == "default" else text.upper()


def _security_alternatives(requirements: Any) -> frozenset[str]:
    """Each way to authenticate as `a + b[scope]`; `(anonymous)` for `{}` or no requirement."""
    if not isinstance(requirements, list):
        return _ANONYMOUS
    alternatives = set()
    for requirement in requirements:
        if not isinstance(requirement, dict):
            continue
        names = []
        for name, scopes in requirement.items():
            listed = sorted(str(scope) for scope in scopes) if isinstance(scopes, list) else []
            names.append(f"{name}[{','.join(listed)}]" if listed else str(name))
        alternatives.add(" + ".join(sorted(names)) or "(anonymous)")
    return frozenset(alternatives) if alternatives else _ANONYMOUS


def _server_urls(servers: Any) -> list[str]:
    if not isinstance(servers, list):
        return []
    urls = [entry.get("url") for entry in servers if isinstance(entry, dict)]
    return [url.rstrip("/") or "/" for url in urls if isinstance(url, str)]


class _OperationDiff:
    """The changes between two matched operations."""

    def __init__(self, schemas: _SchemaComparer, old: Operation, new: Operation) -> None:
        self.schemas = schemas
        self.old_side, self.new_side = schemas.old, schemas.new
        self.old, self.new = old, new

    def change(
        self, kind: str, severity: Severity, detail: str, where: Parts, **extra: Any
    ) -> Change:
        return Change(
            kind=kind,
            severity=severity,
            method=self.new.method.upper(),
            path=self.new.path,
            detail=detail,
            location=_pointer(where),
            extra=extra,
        )

    def same(self, key: str) -> bool:
        """Whether a member of the operation and of its path item is unchanged."""
        old, new = self.old, self.new
        return self.schemas.same_shape(old.node.get(key), new.node.get(key)) and (
            self.schemas.same_shape(old.item.get(key), new.item.get(key))
        )

    def changes(self) -> Iterator[Change]:
        # Parameters and bodies are small: a cheap test skips them when unchanged. A whole
        # response would be tested with its examples; its schemas are tested one by one.
        if self.old.path != self.new.path or not self.same("parameters"):
            yield from self.parameter_changes()
        if not self.same("requestBody"):
            yield from self.request_body_changes()
        yield from self.response_changes()
        yield from self.security_changes()
        yield from self.server_changes()

    # -- parameters

    def parameter_changes(self) -> Iterator[Change]:
        renamed: dict[str, str] = {}
        for old_name, new_name in zip(
            self.old.template_names, self.new.template_names, strict=False
        ):
            if old_name != new_name:
                renamed[old_name] = new_name
                yield self.change(
                    "path-parameter-renamed",
                    BREAKING,
                    f"path parameter `{old_name}` was renamed to `{new_name}` "
                    "(the keyword argument of the client function changes).",
                    self.new.parts,
                    old=old_name,
                    new=new_name,
                )
        old_params = {
            (loc, renamed.get(name, name) if loc == "path" else name): param
            for (loc, name), param in _parameters(self.old_side, self.old).items()
        }
        new_params = _parameters(self.new_side, self.new)
        for key, old_param in old_params.items():
            if key in new_params:
                yield from self.parameter_pair_changes(old_param, new_params[key])
        removed = {key: param for key, param in old_params.items() if key not in new_params}
        added = {key: param for key, param in new_params.items() if key not in old_params}
        yield from self.moved_or_renamed(removed, added)
        for param in removed.values():
            yield self.change(
                "parameter-removed",
                BREAKING,
                f"{param.label} was removed.",
                param.parts,
                parameter=param.name,
                **{"in": param.location},
            )
        for param in added.values():
            necessity = "required" if param.required else "optional"
            yield self.change(
                "parameter-added",
                BREAKING if param.required else NON_BREAKING,
                f"{necessity} {param.label} was added.",
                param.parts,
                parameter=param.name,
                required=param.required,
                **{"in": param.location},
            )

    def parameter_pair_changes(self, old: _Parameter, new: _Parameter) -> Iterator[Change]:
        facts = {"parameter": new.name, "in": new.location}
        if old.required != new.required:
            yield self.change(
                "parameter-required-changed",
                BREAKING if new.required else NON_BREAKING,
                f"{new.label} is now {'required' if new.required else 'optional'}.",
                new.parts,
                old=old.required,
                new=new.required,
                **facts,
            )
        for sub in self.schemas.compare_top(old.schema, new.schema, "request"):
            yield self.change(
                "parameter-type-changed",
                sub.severity,
                f"{new.label}: {sub.describe()}.",
                new.parts,
                **facts,
                **_schema_facts(sub),
            )

    def moved_or_renamed(
        self,
        removed: dict[tuple[str, str], _Parameter],
        added: dict[tuple[str, str], _Parameter],
    ) -> Iterator[Change]:
        """Take matched pairs out of `removed`/`added`: moved (same name, other location),
        then renamed (the only removed and only added one of a location, same schema)."""
        for old_key, old in list(removed.items()):
            new_key = next((k for k in added if k[1] == old_key[1] and k[0] != old_key[0]), None)
            if new_key is None:
                continue
            new = added.pop(new_key)
            del removed[old_key]
            yield self.change(
                "parameter-moved",
                BREAKING,
                f"parameter `{new.name}` moved from {old.location} to {new.location}.",
                new.parts,
                parameter=new.name,
                old=old.location,
                new=new.location,
            )
        for location in sorted({key[0] for key in removed}):
            olds = [key for key in removed if key[0] == location]
            news = [key for key in added if key[0] == location]
            if len(olds) != 1 or len(news) != 1:
                continue
            old, new = removed[olds[0]], added[news[0]]
            if self.schemas.compare(old.schema, new.schema, "request"):
                continue
            del removed[olds[0]], added[news[0]]
            yield self.change(
                "parameter-renamed",
                BREAKING,
                f"{old.label} was renamed to `{new.name}` (same schema).",
                new.parts,
                old=old.name,
                new=new.name,
                **{"in": location},
            )

    # -- request body

    def request_body(self, side: _Side, op: Operation) -> dict[str, Any] | None:
        raw = op.node.get("requestBody")
        body = side.resolve(raw)
        if raw is not None and not isinstance(body, dict):
            side.warn(f"{op.pointer}/requestBody is not a request body; ignored.")
        return body if isinstance(body, dict) else None

    def request_body_changes(self) -> Iterator[Change]:
        old = self.request_body(self.old_side, self.old)
        new = self.request_body(self.new_side, self.new)
        old_where, new_where = (*self.old.parts, "requestBody"), (*self.new.parts, "requestBody")
        if old is None and new is None:
            return
        if new is None:
            yield self.change(
                "request-body-removed", BREAKING, "the request body was removed.", old_where
            )
            return
        if old is None:
            required = is_true(new.get("required"))
            text = "a required" if required else "an optional"
            severity = BREAKING if required else NON_BREAKING
            yield self.change(
                "request-body-added", severity, f"{text} request body was added.", new_where
            )
            return
        was, now = is_true(old.get("required")), is_true(new.get("required"))
        if was != now:
            yield self.change(
                "request-body-required-changed",
                BREAKING if now else NON_BREAKING,
                f"the request body is now {'required' if now else 'optional'}.",
                new_where,
                old=was,
                new=now,
            )
        yield from self.content_changes(
            "request",
            "request body",
            _body_content(self.old_side, old, old_where),
            _body_content(self.new_side, new, new_where),
            {},
        )

    def content_changes(
        self,
        direction: Direction,
        label: str,
        old_content: dict[str, tuple[Parts, Any]],
        new_content: dict[str, tuple[Parts, Any]],
        facts: dict[str, Any],
    ) -> Iterator[Change]:
        """Media types removed, added, and schema changes of the ones in both."""
        for media_type, (where, _schema) in old_content.items():
            if media_type not in new_content:
                yield self.change(
                    f"{direction}-media-type-removed",
                    BREAKING,
                    f"{label} media type `{media_type}` was removed.",
                    where,
                    **facts,
                    media_type=media_type,
                )
        for media_type, (where, new_schema) in new_content.items():
            if media_type not in old_content:
                yield self.change(
                    f"{direction}-media-type-added",
                    NON_BREAKING,
                    f"{label} media type `{media_type}` was added.",
                    where,
                    **facts,
                    media_type=media_type,
                )
                continue
            for sub in self.schemas.compare_top(old_content[media_type][1], new_schema, direction):
                yield self.change(
                    f"{direction}-schema-changed",
                    sub.severity,
                    f"{label} ({media_type}): {sub.describe()}.",
                    (*where, "schema"),
                    **facts,
                    media_type=media_type,
                    **_schema_facts(sub),
                )

    # -- responses

    def responses(self, side: _Side, op: Operation) -> dict[str, tuple[Parts, Any]]:
        raw = op.node.get("responses")
        if raw is not None and not isinstance(raw, dict):
            side.warn(f"{op.pointer}/responses is not a mapping; ignored.")
        found: dict[str, tuple[Parts, Any]] = {}
        for status, response in _mapping(raw).items():
            where = (*op.parts, "responses", status)
            found.setdefault(_status_key(status), (where, side.resolve(response)))
        return found

    def response_changes(self) -> Iterator[Change]:
        old = self.responses(self.old_side, self.old)
        new = self.responses(self.new_side, self.new)
        for status, (where, _response) in old.items():
            if status not in new:
                yield self.change(
                    "response-status-removed",
                    BREAKING,
                    f"response {status} was removed.",
                    where,
                    status=status,
                )
        for status, (where, response) in new.items():
            if status not in old:
                yield self.change(
                    "response-status-added",
                    NON_BREAKING,
                    f"response {status} was added.",
                    where,
                    status=status,
                )
                continue
            old_where, old_response = old[status]
            yield from self.content_changes(
                "response",
                f"response {status}",
                _body_content(self.old_side, old_response, old_where),
                _body_content(self.new_side, response, where),
                {"status": status},
            )

    # -- security and servers (only where the operation or its path item sets its own)

    def security_changes(self) -> Iterator[Change]:
        if "security" not in self.old.node and "security" not in self.new.node:
            return  # both inherit the top-level requirement: compared once, document-level
        if self.old.node.get("security") == self.new.node.get("security"):
            return
        old = _security_alternatives(
            self.old.node.get("security", self.old_side.doc.get("security"))
        )
        new = _security_alternatives(
            self.new.node.get("security", self.new_side.doc.get("security"))
        )
        yield from _security_change(old, new, (*self.new.parts, "security"), self.change)

    def server_changes(self) -> Iterator[Change]:
        def effective(side: _Side, op: Operation) -> Any:
            return op.node.get("servers", op.item.get("servers", side.doc.get("servers")))

        if not any(
            "servers" in owner
            for owner in (self.old.node, self.old.item, self.new.node, self.new.item)
        ):
            return
        old_urls = _server_urls(effective(self.old_side, self.old))
        new_urls = _server_urls(effective(self.new_side, self.new))
        yield from _server_changes(old_urls, new_urls, self.new.parts, self.change)


def _schema_facts(sub: SchemaChange) -> dict[str, Any]:
    facts: dict[str, Any] = {"change": sub.change, "at": sub.route}
    if sub.old is not None:
        facts["old"] = sub.old
    if sub.new is not None:
        facts["new"] = sub.new
    return facts


_ChangeFactory = Callable[..., Change]
_ANONYMOUS = frozenset({"(anonymous)"})


def _security_change(
    old: frozenset[str], new: frozenset[str], where: Parts, make: _ChangeFactory
) -> Iterator[Change]:
    if old == new:
        return
    removed, added = sorted(old - new), sorted(new - old)
    # Any way of authenticating that stops working breaks a client that uses it.
    severity = BREAKING if removed else NON_BREAKING
    parts = [
        f"{label}: {', '.join(names)}"
        for label, names in (("removed", removed), ("added", added))
        if names
    ]
    yield make(
        "security-changed",
        severity,
        f"security requirements changed ({'; '.join(parts)}).",
        where,
        removed=removed,
        added=added,
    )


def _server_changes(
    old_urls: list[str], new_urls: list[str], where: Parts, make: _ChangeFactory
) -> Iterator[Change]:
    for url in old_urls:
        if url not in new_urls:
            yield make(
                "server-changed",
                BREAKING,
                f"server URL `{url}` was removed.",
                where,
                change="removed",
                url=url,
            )
    for url in new_urls:
        if url not in old_urls:
            yield make(
                "server-changed",
                NON_BREAKING,
                f"server URL `{url}` was added.",
                where,
                change="added",
                url=url,
            )


# --------------------------------------------------------------------------- documents


def _document_change(
    kind: str, severity: Severity, detail: str, where: Parts, **extra: Any
) -> Change:
    return Change(kind, severity, None, None, detail, location=_pointer(where), extra=extra)


def _operation_change(kind: str, severity: Severity, op: Operation, detail: str) -> Change:
    operation_id = op.node.get("operationId")
    extra = {"operation_id": operation_id} if isinstance(operation_id, str) else {}
    return Change(
        kind, severity, op.method.upper(), op.path, detail, location=op.pointer, extra=extra
    )


_SCHEME_KEYS = ("type", "in", "name", "scheme", "bearerFormat", "flows", "openIdConnectUrl")


def _scheme_changes(old: _Side, new: _Side) -> Iterator[Change]:
    """A security scheme whose definition changed (its header name, say) breaks callers."""
    old_schemes = _mapping(_mapping(old.doc.get("components")).get("securitySchemes"))
    new_schemes = _mapping(_mapping(new.doc.get("components")).get("securitySchemes"))
    for name, old_scheme in old_schemes.items():
        if name not in new_schemes:
            continue  # whether that matters shows in the operations' requirements
        before, after = (
            {key: _mapping(side.resolve(scheme)).get(key) for key in _SCHEME_KEYS}
            for side, scheme in ((old, old_scheme), (new, new_schemes[name]))
        )
        if before != after:
            changed = sorted(key for key in _SCHEME_KEYS if before[key] != after[key])
            yield _document_change(
                "security-changed",
                BREAKING,
                f"security scheme `{name}` changed ({', '.join(changed)}).",
                ("components", "securitySchemes", name),
                scheme=name,
                old={key: before[key] for key in changed},
                new={key: after[key] for key in changed},
            )


@dataclass
class SpecDiff:
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


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

    old_side, new_side = _Side(old, "old", warn), _Side(new, "new", warn)
    schemas = _SchemaComparer(old_side, new_side)
    try:
        with _collector_paused():
            result.changes.extend(_all_changes(schemas))
    except RecursionError:
        raise ToolError(
            "The documents are nested too deeply to compare. An OpenAPI document is never "
            "nested this deep; check that both files are what you meant."
        ) from None
    result.changes.sort(key=_sort_key)
    return result


def _all_changes(schemas: _SchemaComparer) -> Iterable[Change]:
    old, new = schemas.old, schemas.new
    yield from _server_changes(
        _server_urls(old.doc.get("servers")),
        _server_urls(new.doc.get("servers")),
        ("servers",),
        _document_change,
    )
    pairs, removed, added = _match_operations(list(_operations(old)), list(_operations(new)))
    # The top-level requirement matters to operations that inherit it in both versions (one
    # that sets its own in either is compared on its own).
    if any("security" not in a.node and "security" not in b.node for a, b in pairs):
        yield from _security_change(
            _security_alternatives(old.doc.get("security")),
            _security_alternatives(new.doc.get("security")),
            ("security",),
            _document_change,
        )
    yield from _scheme_changes(old, new)
    for op in removed:
        yield _operation_change("operation-removed", BREAKING, op, f"{op.label} was removed.")
    for op in added:
        yield _operation_change("operation-added", NON_BREAKING, op, f"{op.label} was added.")
    for old_op, new_op in pairs:
        yield from _OperationDiff(schemas, old_op, new_op).changes()


def diff_documents(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """The spec-level changes from `old` to `new`, sorted by path, method and kind."""
    return compare_documents(old, new).changes
