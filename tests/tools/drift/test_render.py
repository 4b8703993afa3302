"""render(): text grouped by operation, the stable JSON form, the pull-request Markdown."""

from __future__ import annotations

import json

import pytest

from tools.drift.model import BREAKING, NON_BREAKING, Change, DriftReport
from tools.drift.render import MARKDOWN_ROWS, render
from tools.errors import ToolError


def report() -> DriftReport:
    changes = [
        Change("server-changed", NON_BREAKING, None, None, "server URL `u` was added.",
               location="/servers", extra={"change": "added", "url": "u"}),
        Change("response-status-added", NON_BREAKING, "GET", "/a", "response 404 was added.",
               location="/paths/~1a/get/responses/404", extra={"status": "404"}),
        Change("operation-added", NON_BREAKING, "POST", "/b", "POST /b was added."),
        Change("parameter-removed", BREAKING, "GET", "/a", "query parameter `q|r` was removed.",
               location="/paths/~1a/get/parameters/0", extra={"parameter": "q|r", "in": "query"}),
    ]  # fmt: skip
    return DriftReport("old.json", "new.json", changes, ["old document: something odd"])


def test_text_groups_by_operation_breaking_first_with_counts_last() -> None:
    lines = render(report(), "text").splitlines()
    assert lines[0] == "Drift from old.json to new.json"
    titles = [line for line in lines if line and not line.startswith((" ", "Drift", "Warn", "4"))]
    assert titles == ["(document)", "GET /a", "POST /b"]
    get_a = lines.index("GET /a")
    assert "BREAKING" in lines[get_a + 1] and "parameter-removed" in lines[get_a + 1]
    assert "non-breaking" in lines[get_a + 2]
    assert "  - old document: something odd" in lines
    assert lines[-1] == "4 changes: 1 breaking, 3 non-breaking."


def test_json_is_the_documented_stable_form() -> None:
    parsed = json.loads(render(report(), "json"))
    assert list(parsed) == ["old", "new", "summary", "changes", "warnings"]
    assert parsed["summary"] == {"breaking": 1, "non-breaking": 3}
    assert parsed["changes"][3] == {
        "kind": "parameter-removed",
        "severity": "breaking",
        "method": "GET",
        "path": "/a",
        "detail": "query parameter `q|r` was removed.",
        "part": "spec",
        "location": "/paths/~1a/get/parameters/0",
        "extra": {"parameter": "q|r", "in": "query"},
    }
    assert parsed["warnings"] == ["old document: something odd"]
    assert render(report(), "json") == render(report(), "json")


def test_markdown_has_counts_tables_warnings_and_details() -> None:
    text = render(report(), "markdown")
    assert text.startswith("## API drift: `old.json` → `new.json`\n\n")
    assert "**4 changes: 1 breaking, 3 non-breaking** (1 warning)" in text
    breaking = text.index("### Breaking changes (1)")
    non_breaking = text.index("### Non-breaking changes (3)")
    warnings = text.index("### Warnings (1)")
    details = text.index("<details>")
    assert breaking < non_breaking < warnings < details < text.index("</details>")
    assert "| `GET /a` | `parameter-removed` | query parameter `q\\|r` was removed. |" in text
    assert "at `/paths/~1a/get/parameters/0`" in text


def test_markdown_tables_stop_at_the_row_limit() -> None:
    many = [
        Change("operation-added", NON_BREAKING, "GET", f"/p{i}", f"GET /p{i} was added.")
        for i in range(MARKDOWN_ROWS + 5)
    ]
    text = render(DriftReport("a", "b", many), "markdown")
    assert "_... and 5 more; the JSON report has all of them._" in text
    assert f"/p{MARKDOWN_ROWS + 4}`" not in text


def test_empty_report() -> None:
    empty = DriftReport("a", "b")
    assert render(empty, "text").endswith("0 changes: 0 breaking, 0 non-breaking.\n")
    assert "No changes." in render(empty, "markdown")
    assert json.loads(render(empty, "json"))["summary"] == {"breaking": 0, "non-breaking": 0}


def test_unknown_format_is_a_tool_error() -> None:
    with pytest.raises(ToolError, match="use one of: json, markdown, text"):
        render(report(), "html")
