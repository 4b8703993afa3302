"""The one shape every drift finding takes, and what a report is made of.

The diff engines (spec, overlay, Python API) find ChangeRecords, which have no severity;
the rule registry (tools/drift/rules.py) turns each into a Change, so that a severity is
decided in one place only, the one docs/drift.md is rendered from.

The JSON form of a Change (`Change.as_json`) is a stable, documented interface
(docs/drift.md): keys are only ever added, never renamed or removed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["breaking", "non-breaking"]
Part = Literal["spec", "overlay", "python-api"]
BREAKING: Severity = "breaking"
NON_BREAKING: Severity = "non-breaking"


@dataclass(frozen=True)
class ChangeRecord:
    """A change as a diff engine finds it: what, where, and the facts; no severity.
    `kind` must be registered in tools/drift/rules.py (`classify` refuses any other)."""

    kind: str
    method: str | None
    path: str | None
    detail: str
    part: Part = "spec"
    location: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    kind: str  # e.g. "operation-removed", "path-parameter-renamed", "response-schema-changed"
    severity: Severity
    method: str | None  # "GET", ...; None for document-level changes (servers, security)
    path: str | None  # the path template as in the NEW document (old one if removed)
    detail: str  # one sentence for a person
    part: Part = "spec"
    location: str | None = None  # JSON pointer (spec), overlay file#index, or Python path
    extra: dict[str, Any] = field(default_factory=dict)  # kind-specific facts (old/new values)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class DriftReport:
    old: str  # what was compared: file names or "PROVIDER (pinned)"
    new: str
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. validation problems of a side

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.severity == BREAKING]

    def exit_code(self) -> int:
        """0 no changes, 1 breaking changes, 3 only non-breaking (2 is for errors)."""
        if not self.changes:
            return 0
        return 1 if self.breaking else 3
