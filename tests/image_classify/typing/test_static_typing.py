"""The public API's static typing, as a user's type checkers see it.

Two scripts beside this file, checked by mypy --strict and by pyright in strict mode
(each script starts with `# pyright: strict`), both run once for both:

- user_script.py: the public API used as an enterprise user would, full of
  `typing.assert_type`; wants zero errors from both checkers;
- wrong_types.py: wrong code; wants an error on exactly its `# expect-error` lines from
  both, which proves the checks bite.

Plus `pyright --verifytypes image_classify`: the type completeness of everything the
package exports, as pyright scores it for a library, >= MIN_COMPLETENESS.

The checkers run from an empty folder, so they see image_classify and the generated
clients as installed packages (the venv's editable install), as a user's project would.
pyright is the one pinned in package.json (node_modules/.bin, from `npm ci` in
scripts/setup.sh); mypy is the venv's. Offline, a few seconds each.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parents[2]
PYRIGHT = PROJECT_ROOT / "node_modules" / ".bin" / "pyright"
# The interpreter running the tests: the venv's (scripts/test.sh runs .venv/bin/python),
# where image_classify and the generated clients are installed.
PYTHON = Path(sys.executable)

USER_SCRIPT = HERE / "user_script.py"
WRONG_TYPES = HERE / "wrong_types.py"
SCRIPTS = (USER_SCRIPT, WRONG_TYPES)

MIN_COMPLETENESS = 0.99
TIMEOUT = 300  # seconds; each run takes a few

_MYPY_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<severity>error|note): (?P<text>.*)$")

# path -> line (1-based) -> messages
Errors = dict[Path, dict[int, list[str]]]


def _run(
    command: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def _json_report(done: subprocess.CompletedProcess[str], what: str) -> dict[str, Any]:
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"{what} gave no JSON report (exit {done.returncode}):\n{done.stdout}{done.stderr}"
        )
    return report


def _need_pyright() -> None:
    if not PYRIGHT.exists():
        pytest.fail(
            f"{PYRIGHT.relative_to(PROJECT_ROOT)} is missing: pyright is pinned in package.json; "
            "run `bash scripts/setup.sh` (npm ci)."
        )


@pytest.fixture(scope="module")
def mypy_errors(tmp_path_factory: pytest.TempPathFactory) -> Errors:
    """mypy --strict over the three scripts, from an empty folder (no project config)."""
    where = tmp_path_factory.mktemp("mypy")
    config = where / "mypy.ini"
    config.write_text("[mypy]\nstrict = True\n", encoding="utf-8")
    done = _run(
        [
            str(PYTHON),
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(config),
            "--cache-dir",
            str(where / "cache"),
            "--show-absolute-path",
            "--no-pretty",
            "--no-color-output",
            "--no-error-summary",
            *map(str, SCRIPTS),
        ],
        cwd=where,
    )
    errors: Errors = {script: defaultdict(list) for script in SCRIPTS}
    for line in (done.stdout + done.stderr).splitlines():
        found = _MYPY_LINE.match(line)
        if found is None or found["severity"] != "error":
            if line.strip() and found is None:
                # Anything else (a crash, a config problem) is an error of its own.
                errors.setdefault(Path("<mypy>"), defaultdict(list))[0].append(line)
            continue
        path = Path(found["path"]).resolve()
        errors.setdefault(path, defaultdict(list))[int(found["line"])].append(found["text"])
    return errors


@pytest.fixture(scope="module")
def pyright_errors(tmp_path_factory: pytest.TempPathFactory) -> Errors:
    """pyright (strict by each script's comment) over the three scripts, from an empty
    folder, resolving imports with the venv's interpreter."""
    _need_pyright()
    where = tmp_path_factory.mktemp("pyright")
    done = _run(
        [str(PYRIGHT), "--outputjson", "--pythonpath", str(PYTHON), *map(str, SCRIPTS)],
        cwd=where,
    )
    report = _json_report(done, "pyright")
    assert report["summary"]["filesAnalyzed"] == len(SCRIPTS), report["summary"]
    errors: Errors = {script: defaultdict(list) for script in SCRIPTS}
    for diagnostic in report["generalDiagnostics"]:
        if diagnostic["severity"] not in ("error", "warning"):
            continue
        path = Path(diagnostic["file"]).resolve() if diagnostic.get("file") else Path("<pyright>")
        line = diagnostic["range"]["start"]["line"] + 1 if "range" in diagnostic else 0
        rule = diagnostic.get("rule", "")
        errors.setdefault(path, defaultdict(list))[line].append(
            f"{diagnostic['message']} ({rule})" if rule else diagnostic["message"]
        )
    return errors


def _marked(script: Path, marker: str) -> set[int]:
    """Lines (1-based) that end with the comment `# <marker>`."""
    pattern = re.compile(rf"#\s*{re.escape(marker)}\s*$")
    lines = script.read_text(encoding="utf-8").splitlines()
    return {number for number, text in enumerate(lines, start=1) if pattern.search(text)}


def _show(errors: dict[int, list[str]], lines: set[int] | None = None) -> str:
    chosen = sorted(errors) if lines is None else sorted(lines)
    return "\n".join(f"  line {n}: {message}" for n in chosen for message in errors.get(n, []))


def _others(errors: Errors) -> str:
    """Errors outside the three scripts (image_classify's own code, a crash)."""
    return "\n".join(
        f"{path}:{line}: {message}"
        for path, lines in errors.items()
        if path not in SCRIPTS
        for line, messages in lines.items()
        for message in messages
    )


def _errors(request: pytest.FixtureRequest, checker: str) -> Errors:
    errors: Errors = request.getfixturevalue(f"{checker}_errors")
    return errors


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
def test_user_script_type_checks_clean(request: pytest.FixtureRequest, checker: str) -> None:
    errors = _errors(request, checker)
    assert not _others(errors), f"{checker} failed outside the scripts:\n{_others(errors)}"
    found = errors[USER_SCRIPT]
    assert not found, (
        f"{checker} (strict) finds typing errors in {USER_SCRIPT.name}: the public API's "
        f"types changed, or a promise in the script is wrong:\n{_show(found)}"
    )


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
def test_wrong_types_are_reported_where_marked(
    request: pytest.FixtureRequest, checker: str
) -> None:
    errors = _errors(request, checker)[WRONG_TYPES]
    expected = _marked(WRONG_TYPES, "expect-error")
    assert len(expected) >= 10
    missed = expected - set(errors)
    assert not missed, (
        f"{checker} accepts wrong code in {WRONG_TYPES.name} on lines {sorted(missed)}: the "
        "checks do not bite there (an overload fell back to Any? strict mode off?)"
    )
    extra = set(errors) - expected
    assert not extra, f"{checker}: unexpected errors in {WRONG_TYPES.name}:\n{_show(errors, extra)}"


def _verifytypes(where: Path) -> dict[str, Any]:
    _need_pyright()
    # --verifytypes ignores --pythonpath: it finds the interpreter on PATH (pyright
    # 1.1.414's PackageTypeVerifier builds its own config), so put the venv's first.
    env = {**os.environ, "PATH": f"{PYTHON.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = _run(
        [str(PYRIGHT), "--verifytypes", "image_classify", "--ignoreexternal", "--outputjson"],
        cwd=where,
        env=env,
    )
    return _json_report(done, "pyright --verifytypes")


def test_public_api_type_completeness(tmp_path: Path) -> None:
    report = _verifytypes(tmp_path)
    completeness = report["typeCompleteness"]
    root = completeness["packageRootDirectory"]
    assert root and Path(root).resolve() == PROJECT_ROOT / "image_classify", (
        f"pyright verified {root!r}, not this checkout's image_classify: "
        f"{report['generalDiagnostics']}"
    )
    exported = completeness["exportedSymbolCounts"]
    assert sum(exported.values()) > 100, exported  # it did see the public surface
    problems = [
        f"{symbol['name']}: {diagnostic['message']}"
        for symbol in completeness["symbols"]
        for diagnostic in symbol.get("diagnostics", [])
        if diagnostic["severity"] == "error"
    ]
    score = completeness["completenessScore"]
    assert score >= MIN_COMPLETENESS, (
        f"type completeness {score:.1%} < {MIN_COMPLETENESS:.0%}:\n" + "\n".join(problems)
    )
