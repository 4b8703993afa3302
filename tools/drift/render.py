"""A drift report for people (text, Markdown for a pull request) and for programs (JSON).

The JSON form is a stable interface, documented in docs/drift.md: keys are only ever
added, never renamed or removed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from tools.drift.model import BREAKING, NON_BREAKING, Change, DriftReport
from tools.errors import ToolError

__all__ = ["FORMATS", "render"]

# Rows per Markdown table (and entries in its details): a pull-request comment has a size
# limit; the JSON form always has everything.
MARKDOWN_ROWS = 200
_GROUP_TITLES = {"spec": "(document)", "overlay": "(overlays)", "python-api": "(Python API)"}


def render(report: DriftReport, fmt: str) -> str:
    """`report` as "text", "json" or "markdown"; ends with a newline."""
    renderer = FORMATS.get(fmt)
    if renderer is None:
        raise ToolError(
            f"unknown drift report format {fmt!r}; use one of: {', '.join(sorted(FORMATS))}."
        )
    return renderer(report)


def _summary(report: DriftReport) -> dict[str, int]:
    breaking = len(report.breaking)
    return {BREAKING: breaking, NON_BREAKING: len(report.changes) - breaking}


def _counts_sentence(report: DriftReport) -> str:
    summary = _summary(report)
    total = len(report.changes)
    noun = "change" if total == 1 else "changes"
    return f"{total} {noun}: {summary[BREAKING]} breaking, {summary[NON_BREAKING]} non-breaking"


def _group_title(change: Change) -> str:
    if change.method is None and change.path is None:
        return _GROUP_TITLES.get(change.part, f"({change.part})")
    return " ".join(part for part in (change.method, change.path) if part)


def _grouped(changes: Iterable[Change]) -> list[tuple[str, list[Change]]]:
    """Changes by operation (document-level ones first), groups with a breaking change
    first, breaking changes first in each group; otherwise in the report's order."""
    groups: dict[str, list[Change]] = {}
    for change in changes:
        groups.setdefault(_group_title(change), []).append(change)
    ordered = sorted(
        groups.items(),
        key=lambda item: (
            not item[0].startswith("("),
            not any(c.severity == BREAKING for c in item[1]),
        ),
    )
    return [
        (title, sorted(members, key=lambda c: c.severity != BREAKING)) for title, members in ordered
    ]


# --------------------------------------------------------------------------- text


def _text(report: DriftReport) -> str:
    lines = [f"Drift from {report.old} to {report.new}"]
    width = max((len(c.kind) for c in report.changes), default=0)
    for title, changes in _grouped(report.changes):
        lines += ["", title]
        for change in changes:
            label = "BREAKING" if change.severity == BREAKING else "non-breaking"
            lines.append(f"  {label:<12}  {change.kind:<{width}}  {change.detail}")
    if report.warnings:
        lines += ["", f"Warnings ({len(report.warnings)}):"]
        lines += [f"  - {warning}" for warning in report.warnings]
    lines += ["", f"{_counts_sentence(report)}."]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- JSON


def _json(report: DriftReport) -> str:
    document = {
        "old": report.old,
        "new": report.new,
        "summary": _summary(report),
        "changes": [change.as_json() for change in report.changes],
        "warnings": list(report.warnings),
    }
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"


# --------------------------------------------------------------------------- Markdown


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _not_shown(count: int) -> list[str]:
    if count <= MARKDOWN_ROWS:
        return []
    return ["", f"_... and {count - MARKDOWN_ROWS} more; the JSON report has all of them._"]


def _table(changes: list[Change]) -> list[str]:
    lines = ["| Operation | Kind | Change |", "|---|---|---|"]
    for change in changes[:MARKDOWN_ROWS]:
        lines.append(
            f"| `{_cell(_group_title(change))}` | `{change.kind}` | {_cell(change.detail)} |"
        )
    return lines + _not_shown(len(changes))


def _details(report: DriftReport) -> list[str]:
    lines = ["<details>", "<summary>Details: every change with its location</summary>", ""]
    shown = 0
    for title, changes in _grouped(report.changes):
        if shown >= MARKDOWN_ROWS:
            break
        lines.append(f"**`{_cell(title)}`**")
        lines.append("")
        for change in changes[: MARKDOWN_ROWS - shown]:
            where = f" at `{change.location}`" if change.location else ""
            lines.append(f"- {change.severity} `{change.kind}`{where}: {_cell(change.detail)}")
            shown += 1
        lines.append("")
    lines += _not_shown(len(report.changes))
    return [*lines, "</details>"]


def _markdown(report: DriftReport) -> str:
    breaking = report.breaking
    non_breaking = [c for c in report.changes if c.severity != BREAKING]
    lines = [f"## API drift: `{_cell(report.old)}` → `{_cell(report.new)}`", ""]
    headline = f"**{_counts_sentence(report)}**"
    if report.warnings:
        plural = "s" if len(report.warnings) != 1 else ""
        headline += f" ({len(report.warnings)} warning{plural})"
    lines.append(headline)
    if not report.changes:
        lines += ["", "No changes."]
    if breaking:
        lines += ["", f"### Breaking changes ({len(breaking)})", "", *_table(breaking)]
    if non_breaking:
        lines += ["", f"### Non-breaking changes ({len(non_breaking)})", "", *_table(non_breaking)]
    if report.warnings:
        lines += ["", f"### Warnings ({len(report.warnings)})", ""]
        lines += [f"- {_cell(warning)}" for warning in report.warnings]
    if report.changes:
        lines += ["", *_details(report)]
    return "\n".join(lines) + "\n"


FORMATS: dict[str, Callable[[DriftReport], str]] = {
    "text": _text,
    "json": _json,
    "markdown": _markdown,
}
