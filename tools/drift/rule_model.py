"""What a drift rule is: the kind it names, what it compares, how it rates a change, a
one-line description, and the docs/drift.md heading it is listed under.

A rating is always one severity, breaking when a fact of the change holds, or by the
schema-change rules for the direction the schema travels. It both decides
(`severity(extra)`) and explains itself (`text`), so that the severity a report gives and
the one docs/drift.md states come from the same object. The rules themselves are in
tools/drift/rules.py and the tables it gathers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from tools.drift.model import BREAKING, NON_BREAKING, Part, Severity

Way = Literal["sent", "read"]  # a request body or parameter is sent, a response read
Facts = Mapping[str, Any]  # the `extra` of a change


class Rating(Protocol):
    def severity(self, extra: Facts) -> Severity: ...

    @property
    def text(self) -> str: ...


@dataclass(frozen=True)
class Always:
    """The same severity whatever the facts."""

    fixed: Severity

    def severity(self, extra: Facts) -> Severity:
        return self.fixed

    @property
    def text(self) -> str:
        return self.fixed


@dataclass(frozen=True)
class BreakingWhen:
    """Breaking when `holds(extra)`, else non-breaking; `meaning` says it for a person."""

    meaning: str
    holds: Callable[[Facts], bool]

    def severity(self, extra: Facts) -> Severity:
        return BREAKING if self.holds(extra) else NON_BREAKING

    @property
    def text(self) -> str:
        return f"breaking when {self.meaning}, else non-breaking"


def fact_is(key: str, value: Any) -> Callable[[Facts], bool]:
    """A test that `extra[key]` is `value` (compared with `is` for booleans)."""
    if isinstance(value, bool):
        return lambda extra: extra.get(key) is value
    return lambda extra: extra.get(key) == value


@dataclass(frozen=True)
class AsSchemaChange:
    """A `*-schema-changed` kind: rated by the schema-change rule named in
    `extra.change`, for a schema that is sent or read. `lookup` finds that rule's rating
    (the registry passes its own, so the two tables stay one registry)."""

    way: Way
    lookup: Callable[[str, Way], Rating]

    def severity(self, extra: Facts) -> Severity:
        return self.lookup(str(extra.get("change")), self.way).severity(extra)

    @property
    def text(self) -> str:
        return f"by the schema-change rules below, as {self.way}"


ALWAYS_BREAKING = Always(BREAKING)
ALWAYS_NON_BREAKING = Always(NON_BREAKING)


class UnregisteredKindError(LookupError):
    """A diff engine emitted a kind the registry does not know: a bug in the engine."""


@dataclass(frozen=True)
class Group:
    """A heading of docs/drift.md under which some kinds are listed."""

    title: str
    note: str = ""  # what the kinds of the group share, e.g. their `extra` members
    part: Part = "spec"  # the report part whose engine emits these kinds


@dataclass(frozen=True)
class Rule:
    kind: str
    group: Group
    compares: str  # what the engine compares to find it
    rating: Rating
    description: str  # one line: why it has that severity; its `extra` members

    @property
    def part(self) -> Part:
        return self.group.part


@dataclass(frozen=True)
class SchemaRule:
    change: str  # the `extra.change` value
    sent: Rating  # for a request body or parameter
    read: Rating  # for a response
    description: str
