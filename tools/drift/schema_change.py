"""One difference inside a schema, as a record without a severity.

Whether a schema change breaks a client depends on the direction the schema travels (a
new enum value breaks a reader, not a sender): that is decided by the rule registry
(tools/drift/rules.py, `SCHEMA_RULES`), never here.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from tools.drift.json_text import short


class SchemaChange(NamedTuple):
    """One difference inside a schema: its kind (the `extra.change` of a Change), where,
    and the old and new values where they mean something."""

    change: str  # property-removed, type-changed, ... (a key of rules.SCHEMA_RULES)
    at: tuple[str, ...]  # property names, "[]" for array items, "{}" for map values
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
        return SchemaChange(self.change, (step, *self.at), self.old, self.new)

    def facts(self) -> dict[str, Any]:
        """The `extra` members this change adds to the Change that reports it."""
        facts: dict[str, Any] = {"change": self.change, "at": self.route}
        if self.old is not None:
            facts["old"] = self.old
        if self.new is not None:
            facts["new"] = self.new
        return facts

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
                return f"{where} is no longer restricted to {short(self.old)}"
            return f"{where} allows new values {short(self.new)}"
        if self.change == "enum-value-removed":
            if self.old is None:
                return f"{where} is now restricted to {short(self.new)}"
            return f"{where} no longer allows {short(self.old)}"
        if self.change == "format-changed":
            return f"{where} changed format from {short(self.old)} to {short(self.new)}"
        return f"{where} changed type from {_type_text(self.old)} to {_type_text(self.new)}"


def _type_text(types: Any) -> str:
    """["integer", "string"] -> `integer` or `string`; [] -> any; a text stays as it is."""
    if isinstance(types, list):
        return " or ".join(f"`{kind}`" for kind in types) or "any"
    return str(types)
