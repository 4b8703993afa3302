"""What changed between two schemas, as SchemaChange records without severities.

The comparison does not know which way a schema travels: the same records come out for
a request body and for a response, and the rule registry (tools/drift/rules.py) rates
them as sent or as read. That is also why each pair of schemas is walked only once.

Only what a generated client sees is compared: types, formats, enums, properties,
`required`, nullability, array items, map values and variants; descriptions, examples,
validation keywords and `x-*` extensions are not.
"""

from __future__ import annotations

import json
from typing import Any

from tools.drift.document_side import Side, is_true, mapping
from tools.drift.json_text import ref_of, short
from tools.drift.schema_change import SchemaChange

_ABSENT = object()


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


class SchemaComparer:
    """Compares schemas of the two sides; each (old, new) pair once."""

    def __init__(self, old: Side, new: Side) -> None:
        self.old = old
        self.new = new
        self._memo: dict[tuple[int, int], tuple[SchemaChange, ...]] = {}  # by schema
        self._raw_memo: dict[tuple[int, int], tuple[SchemaChange, ...]] = {}  # by node
        self._content_memo: dict[tuple[int, int], tuple[SchemaChange, ...]] = {}
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

    def compare_top(self, old_node: Any, new_node: Any) -> tuple[SchemaChange, ...]:
        """`compare` for the schema of a body or parameter: many operations share schemas
        with the same content (written out again, or under other `$ref` names), so the
        result is kept by content fingerprint too."""
        if old_node == new_node:  # the same $refs: walk what changed behind them
            return () if self.stable(old_node) else self.compare(old_node, new_node)
        key = (self.old.fingerprint(old_node), self.new.fingerprint(new_node))
        if key[0] == key[1]:
            return ()
        found = self._content_memo.get(key)
        if found is None:
            found = self._content_memo[key] = self.compare(old_node, new_node)
        return found

    def compare(self, old_node: Any, new_node: Any) -> tuple[SchemaChange, ...]:
        """What changed from `old_node` to `new_node`."""
        raw_key = (id(old_node), id(new_node))
        found = self._raw_memo.get(raw_key)
        if found is None:
            found = self._raw_memo[raw_key] = self._compare(old_node, new_node)
        return found

    def _compare(self, old_node: Any, new_node: Any) -> tuple[SchemaChange, ...]:
        old_ref, new_ref = ref_of(old_node), ref_of(new_node)
        if old_ref is not None and new_ref is not None:
            if old_ref == new_ref and self._ref_stable(old_ref):
                return ()
            if self.old.ref_fingerprint(old_ref) == self.new.ref_fingerprint(new_ref):
                return ()  # a renamed target with the same content
        elif self.same_shape(old_node, new_node):
            return ()
        old_schema, new_schema = self.old.schema(old_node), self.new.schema(new_node)
        key = (id(old_schema), id(new_schema))
        found = self._memo.get(key)
        if found is not None:
            return found
        self._memo[key] = ()  # a recursive schema re-entering here adds nothing new
        if (old_schema is not old_node or new_schema is not new_node) and self.same_shape(
            old_schema, new_schema
        ):
            return ()  # different $refs, to the same merged content
        found = tuple(self._differences(old_schema, new_schema))
        self._memo[key] = found
        return found

    def _differences(self, old: Any, new: Any) -> list[SchemaChange]:
        if type(old) is not dict or type(new) is not dict:
            if old != new:  # `true`, `false` or garbage where a schema belongs
                return [SchemaChange("type-changed", (), short(old), short(new))]
            return []
        found: list[SchemaChange] = []
        was, now = _nullable(old), _nullable(new)
        if was != now:
            found.append(SchemaChange("nullable-changed", (), was, now))
        old_types, new_types = _types(old), _types(new)
        if old_types != new_types:
            # The generated Python type changes: what else changed inside an object that
            # became a string is not worth listing.
            found.append(SchemaChange("type-changed", (), old_types, new_types))
            return found
        old_format, new_format = old.get("format"), new.get("format")
        if old_format != new_format:
            found.append(SchemaChange("format-changed", (), old_format, new_format))
        if "enum" in old or "enum" in new or "const" in old or "const" in new:
            found.extend(_enum_changes(old, new))
        if "properties" in old or "properties" in new:
            self._property_changes(old, new, found)
        for keyword, step in (("items", "[]"), ("additionalProperties", "{}")):
            old_sub, new_sub = old.get(keyword), new.get(keyword)
            if type(old_sub) is dict and type(new_sub) is dict:
                found.extend(change.prefixed(step) for change in self.compare(old_sub, new_sub))
        for keyword in ("oneOf", "anyOf"):
            if keyword in old or keyword in new:
                self._variant_changes(keyword, old.get(keyword), new.get(keyword), found)
        return found

    def _property_changes(
        self, old: dict[str, Any], new: dict[str, Any], found: list[SchemaChange]
    ) -> None:
        old_properties = mapping(old.get("properties"))
        new_properties = mapping(new.get("properties"))
        old_required, new_required = _required(old), _required(new)
        for name in old_properties:
            if name not in new_properties:
                found.append(SchemaChange("property-removed", (name,)))
        for name in new_properties:
            if name not in old_properties:
                required = "required" if name in new_required else None
                found.append(SchemaChange("property-added", (name,), None, required))
        for name, old_property in old_properties.items():
            new_property = new_properties.get(name, _ABSENT)
            if new_property is _ABSENT:
                continue
            was, now = name in old_required, name in new_required
            if now and not was:
                found.append(SchemaChange("required-added", (name,)))
            elif was and not now:
                found.append(SchemaChange("required-removed", (name,)))
            found.extend(
                change.prefixed(name) for change in self.compare(old_property, new_property)
            )

    def _variant_changes(
        self, keyword: str, old_variants: Any, new_variants: Any, found: list[SchemaChange]
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
                    change.prefixed(step) for change in self.compare(old_variant, new_variant)
                )
            return
        count_old = len(old_variants) if isinstance(old_variants, list) else 0
        count_new = len(new_variants) if isinstance(new_variants, list) else 0
        if count_old != count_new:
            found.append(
                SchemaChange(
                    "type-changed",
                    (),
                    _variants_text(keyword, count_old),
                    _variants_text(keyword, count_new),
                )
            )


def _variants_text(keyword: str, count: int) -> str:
    return f"{keyword} of {count} variants" if count else f"no {keyword}"


def _enum_changes(old: dict[str, Any], new: dict[str, Any]) -> list[SchemaChange]:
    """Values added and removed; a dropped enum is "added" (any value), a new one
    "removed" (only its values): what matters to the rules is which way the set moved."""
    old_values, new_values = _enum(old), _enum(new)
    if old_values is None and new_values is None:
        return []
    if old_values is None:
        assert new_values is not None
        return [SchemaChange("enum-value-removed", (), None, list(new_values.values()))]
    if new_values is None:
        return [SchemaChange("enum-value-added", (), list(old_values.values()), None)]
    found = []
    added = [value for key, value in new_values.items() if key not in old_values]
    removed = [value for key, value in old_values.items() if key not in new_values]
    if added:
        found.append(SchemaChange("enum-value-added", (), None, added))
    if removed:
        found.append(SchemaChange("enum-value-removed", (), removed, None))
    return found
