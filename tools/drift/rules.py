"""The one registry of drift rules: every kind of change the diff engines can report, what
it compares, its severity and a one-line description (tools/drift/spec_rules.py,
tools/drift/part_rules.py), and the rules for changes inside a schema
(tools/drift/schema_rules.py).

The engines (tools/drift/spec_diff.py and the modules it uses, overlay_drift.py,
api_diff.py) only find ChangeRecords; `classify` gives each its severity from here and
refuses a kind that is not registered. docs/drift.md's tables of kinds are rendered from
the registry (tools/drift/rules_doc.py); tests/tools/drift/test_rules.py checks that every kind
the engines emit is registered.
"""

from __future__ import annotations

from tools.drift.model import Change, ChangeRecord, Severity
from tools.drift.part_rules import PART_RULES
from tools.drift.rule_model import Facts, Group, Rule, UnregisteredKindError
from tools.drift.schema_rules import SCHEMA_RULES
from tools.drift.spec_rules import SPEC_RULES

__all__ = ["GROUPS", "RULES", "SCHEMA_RULES", "classify", "rule_for", "severity_of"]

RULES: dict[str, Rule] = {rule.kind: rule for rule in (*SPEC_RULES, *PART_RULES)}
# The docs' headings, in the order of their first rule.
GROUPS: tuple[Group, ...] = tuple(dict.fromkeys(rule.group for rule in RULES.values()))


def rule_for(kind: str) -> Rule:
    rule = RULES.get(kind)
    if rule is None:
        raise UnregisteredKindError(
            f"change kind {kind!r} is not registered in tools/drift/rules.py: add a Rule "
            "(what it compares, its severity, a description) before emitting it"
        )
    return rule


def severity_of(kind: str, extra: Facts) -> Severity:
    """The severity of a change of `kind` with these facts: the registry's only answer."""
    return rule_for(kind).rating.severity(extra)


def classify(record: ChangeRecord) -> Change:
    """The Change a record reports, with its severity from the registry."""
    rule = rule_for(record.kind)
    if rule.part != record.part:
        raise UnregisteredKindError(
            f"change kind {record.kind!r} is registered for the {rule.part} part, "
            f"emitted by the {record.part} part"
        )
    return Change(
        kind=record.kind,
        severity=rule.rating.severity(record.extra),
        method=record.method,
        path=record.path,
        detail=record.detail,
        part=record.part,
        location=record.location,
        extra=record.extra,
    )
