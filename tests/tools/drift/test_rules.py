"""The rule registry (tools/drift/rules.py) is the only source of kinds and severities:
every kind the engines can emit is registered and documented, nothing else is, the
engines never rate a change themselves, and docs/drift.md's tables are its rendering."""

from __future__ import annotations

import ast
import dataclasses
import subprocess
import sys
from pathlib import Path

import griffe
import pytest

from tests.tools.drift.openapi_docs import document, ok
from tools.drift import rules_doc
from tools.drift.api_diff import griffe_kind
from tools.drift.model import BREAKING, NON_BREAKING, ChangeRecord
from tools.drift.rule_model import Always, UnregisteredKindError
from tools.drift.rules import RULES, SCHEMA_RULES, classify, severity_of
from tools.drift.spec_diff import diff_documents
from tools.manifest import ROOT

DRIFT = ROOT / "tools" / "drift"
# The modules that find changes: they emit ChangeRecords and never decide a severity.
ENGINES = (
    "spec_diff.py",
    "operation_diff.py",
    "parameter_diff.py",
    "security_servers.py",
    "schema_compare.py",
    "overlay_drift.py",
    "api_diff.py",
    "our_code.py",
)
# The one emit site whose kind is computed: each of griffe's breakages.
DYNAMIC_KINDS = {("api_diff.py", "griffe_kind")}


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _kind_argument(call: ast.Call) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "kind":
            return keyword.value
    return call.args[0] if call.args else None


def _emit_calls(module: str, callees: tuple[str, ...]) -> list[tuple[ast.Call, str]]:
    """Calls whose callee's name ends with one of `callees`, with the function they are in."""
    tree = ast.parse((DRIFT / module).read_text(encoding="utf-8"))
    found: list[tuple[ast.Call, str]] = []
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.Lambda)]
    inside = {
        id(node): function.name
        for function in functions
        if isinstance(function, ast.FunctionDef)
        for node in ast.walk(function)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _callee(node).lower().endswith(callees):
            found.append((node, inside.get(id(node), "")))
    return found


def _literal_kinds(argument: ast.expr) -> set[str]:
    """The string constants a kind argument can take (`"a" if request else "b"` is both)."""
    return {
        node.value
        for node in ast.walk(argument)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def emitted_kinds() -> set[str]:
    """Every kind the engines' emit calls (`...record(kind, ...)`, `ChangeRecord(kind=...)`)
    can pass; a computed kind must be one of DYNAMIC_KINDS."""
    found: set[str] = set()
    for module in ENGINES:
        for call, function in _emit_calls(module, ("record",)):
            argument = _kind_argument(call)
            assert argument is not None, f"{module}:{call.lineno}: an emit call without a kind"
            literals = _literal_kinds(argument)
            if literals:
                found |= literals
            elif isinstance(argument, ast.Name) and function.endswith("record"):
                continue  # an emit helper passing its own `kind` on: its callers are scanned
            else:
                assert isinstance(argument, ast.Call), f"{module}:{call.lineno}"
                assert (module, _callee(argument)) in DYNAMIC_KINDS, (
                    f"{module}:{call.lineno}: a computed kind the registry test cannot check"
                )
    return found


def griffe_kinds() -> set[str]:
    # OBJECT_REMOVED is always reported as `python-removed`.
    return {
        griffe_kind(kind)
        for kind in griffe.BreakageKind
        if kind is not griffe.BreakageKind.OBJECT_REMOVED
    }


def test_every_emitted_kind_is_registered() -> None:
    emitted = emitted_kinds() | griffe_kinds()
    assert sorted(emitted - RULES.keys()) == []


def test_every_registered_kind_can_be_emitted() -> None:
    emitted = emitted_kinds() | griffe_kinds()
    assert sorted(RULES.keys() - emitted) == []


def test_every_schema_change_is_registered_and_emitted() -> None:
    emitted: set[str] = set()
    for call, _function in _emit_calls("schema_compare.py", ("schemachange",)):
        argument = _kind_argument(call)
        assert isinstance(argument, ast.Constant), f"schema_compare.py:{call.lineno}"
        assert isinstance(argument.value, str), f"schema_compare.py:{call.lineno}"
        emitted.add(argument.value)
    assert emitted == SCHEMA_RULES.keys()


def test_engines_never_rate_a_change() -> None:
    """A Change (which has a severity) is only made by rules.classify."""
    for module in ENGINES:
        tree = ast.parse((DRIFT / module).read_text(encoding="utf-8"))
        made = [
            n.lineno for n in ast.walk(tree) if isinstance(n, ast.Call) and _callee(n) == "Change"
        ]
        assert made == [], f"{module} builds a Change itself at lines {made}"
        imported = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "tools.drift.model"
            for alias in node.names
        }
        assert not imported & {"NON_BREAKING", "Severity"}, module


def test_every_kind_is_documented() -> None:
    text = rules_doc.DOC.read_text(encoding="utf-8")
    missing = [kind for kind in [*RULES, *SCHEMA_RULES] if f"`{kind}`" not in text]
    assert missing == []


def test_docs_tables_are_the_registry_rendering() -> None:
    stale = rules_doc.stale_sections(rules_doc.DOC.read_text(encoding="utf-8"))
    assert stale == [], f"docs/drift.md is stale in {stale}: run `{rules_doc.COMMAND}`"


def test_drift_rules_check_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tools", "drift-rules", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_a_stale_table_is_found_and_rewritten() -> None:
    text = rules_doc.DOC.read_text(encoding="utf-8")
    edited = text.replace("| `operation-removed` |", "| `operation-gone` |", 1)
    assert rules_doc.stale_sections(edited) == ["spec-kinds"]
    assert rules_doc.render_doc(edited) == text


def test_an_unregistered_kind_cannot_be_emitted() -> None:
    with pytest.raises(UnregisteredKindError, match="operation-vanished"):
        classify(ChangeRecord("operation-vanished", "GET", "/a", "gone."))
    with pytest.raises(UnregisteredKindError, match="registered for the spec part"):
        classify(ChangeRecord("operation-removed", None, None, "gone.", part="overlay"))
    with pytest.raises(UnregisteredKindError, match="schema change"):
        severity_of("response-schema-changed", {"change": "colour-changed"})


def test_the_registry_decides_the_reported_severity(monkeypatch: pytest.MonkeyPatch) -> None:
    old = document({"/a": {"get": {"responses": ok()}}})
    new = document({"/a": {"get": {"responses": ok()}}, "/b": {"get": {"responses": ok()}}})
    [added] = diff_documents(old, new)
    assert (added.kind, added.severity) == ("operation-added", NON_BREAKING)
    rule = dataclasses.replace(RULES["operation-added"], rating=Always(BREAKING))
    monkeypatch.setitem(RULES, "operation-added", rule)
    [added] = diff_documents(old, new)
    assert added.severity == BREAKING


@pytest.mark.parametrize(
    ("kind", "extra", "severity"),
    [
        ("parameter-added", {"required": True}, BREAKING),
        ("parameter-added", {"required": False}, NON_BREAKING),
        ("request-body-added", {"required": False}, NON_BREAKING),
        ("server-changed", {"change": "removed"}, BREAKING),
        ("server-changed", {"change": "added"}, NON_BREAKING),
        ("security-changed", {"removed": [], "added": ["a"]}, NON_BREAKING),
        ("security-changed", {"scheme": "key", "old": {}, "new": {}}, BREAKING),
        ("request-schema-changed", {"change": "enum-value-added"}, NON_BREAKING),
        ("response-schema-changed", {"change": "enum-value-added"}, BREAKING),
        ("parameter-type-changed", {"change": "format-changed", "new": "uuid"}, BREAKING),
        ("response-schema-changed", {"change": "format-changed", "new": "int64"}, NON_BREAKING),
        ("request-schema-changed", {"change": "nullable-changed", "new": False}, BREAKING),
        ("response-schema-changed", {"change": "nullable-changed", "new": False}, NON_BREAKING),
    ],
)
def test_conditional_ratings(kind: str, extra: dict[str, object], severity: str) -> None:
    assert severity_of(kind, extra) == severity
