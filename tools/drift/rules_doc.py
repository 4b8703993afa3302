"""docs/drift.md's tables of kinds, rendered from the rule registry (tools/drift/rules.py).

The tables sit between `<!-- BEGIN rules:NAME ... -->` and `<!-- END rules:NAME -->`
markers; `python -m tools drift-rules` rewrites them, `--check` only says whether they are
stale (tests/tools/drift/test_rules.py fails the same way). The prose around them stays
hand-written: what a severity means, how operations are matched, examples.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from tools.drift.rule_model import Rule
from tools.drift.rules import GROUPS, RULES, SCHEMA_RULES
from tools.errors import ToolError
from tools.manifest import ROOT

DOC = ROOT / "docs" / "drift.md"
COMMAND = "python -m tools drift-rules"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _rule_rows(rules: Iterable[Rule]) -> list[str]:
    rows = ["| kind | compares | severity | rule |", "|---|---|---|---|"]
    rows += [
        f"| `{rule.kind}` | {_cell(rule.compares)} | {_cell(rule.rating.text)} "
        f"| {_cell(rule.description)} |"
        for rule in rules
    ]
    return rows


def _groups(parts: set[str], level: str) -> str:
    blocks = []
    for group in GROUPS:
        if group.part not in parts:
            continue
        lines = [f"{level} {group.title}", ""]
        if group.note:
            lines += [group.note, ""]
        lines += _rule_rows(rule for rule in RULES.values() if rule.group == group)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _schema_changes() -> str:
    rows = [
        "| `extra.change` | sent (request, parameter) | read (response) | why |",
        "|---|---|---|---|",
    ]
    rows += [
        f"| `{rule.change}` | {_cell(rule.sent.text)} | {_cell(rule.read.text)} "
        f"| {_cell(rule.description)} |"
        for rule in SCHEMA_RULES.values()
    ]
    return "\n".join(rows)


SECTIONS: dict[str, Callable[[], str]] = {
    "spec-kinds": lambda: _groups({"spec"}, "###"),
    "schema-changes": _schema_changes,
    "other-parts": lambda: _groups({"overlay", "python-api"}, "###"),
}


def _section(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"(<!-- BEGIN rules:{name}\b[^\n]*-->\n)(.*?)(<!-- END rules:{name} -->)", re.DOTALL
    )


def render_doc(text: str) -> str:
    """`text` (docs/drift.md) with each generated section rendered from the registry."""
    for name, render in SECTIONS.items():
        found = _section(name).search(text)
        if found is None:
            raise ToolError(
                f"{DOC.name} has no `<!-- BEGIN rules:{name} ... -->` ... "
                f"`<!-- END rules:{name} -->` section for {COMMAND} to fill."
            )
        text = f"{text[: found.start()]}{found[1]}\n{render()}\n\n{found[3]}{text[found.end() :]}"
    return text


def stale_sections(text: str) -> list[str]:
    """The generated sections of `text` that differ from the registry's rendering."""
    rendered = render_doc(text)
    return [name for name in SECTIONS if _body(text, name) != _body(rendered, name)]


def _body(text: str, name: str) -> str:
    found = _section(name).search(text)
    return found[2] if found else ""
