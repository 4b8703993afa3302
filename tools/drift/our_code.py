"""What a new client breaks in our own code: the hand-written runtime and adapters.

A drift report that says "parameter x_wait_for_model of classify_image was removed" leaves
the reader to find who passes it. Two looks at image_classify/, against the client
generated from the new spec (in scratch):

- mypy --strict over the package with the new client first on the search path: every error
  the pinned client does not cause is a line that breaks (a model attribute read, an enum
  member, a typed argument);
- what mypy cannot see: the adapters hand a generated operation its arguments as a dict
  (`Call(classify_image, kwargs)`), so for each removed or renamed parameter or object the
  modules importing that client are searched for the name (a string key, a keyword, an
  attribute), each use one line.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

from tools.drift.api_diff import python_api_record
from tools.drift.model import Change
from tools.manifest import ROOT, Provider

RUNTIME = ROOT / "image_classify"
# Kinds whose location names what our code may still use, and how to read that name:
# `pkg.module.{sync,...}(param)` or `pkg.module.function(param)`, else `pkg.module.Object`.
_GONE = ("python-parameter-removed", "python-parameter-renamed", "python-removed")
_PARAMETER = re.compile(r"^(?P<owner>[\w.]+?)\.(?:\{[^}]*\}|\w+)\((?P<name>\w+)\)$")
_MYPY_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): error: (?P<message>.*)$")


def _mypy(search_first: Path | None, cache: Path) -> set[tuple[str, str]]:
    """(file:line, message) of each error mypy finds in image_classify/."""
    env = dict(os.environ)
    if search_first is not None:  # MYPYPATH comes before the config's mypy_path
        env["MYPYPATH"] = str(search_first)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(cache), "-p", "image_classify"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    found = set()
    for line in done.stdout.splitlines():
        match = _MYPY_LINE.match(line)
        if match and match["file"].startswith("image_classify"):
            found.add((f"{match['file']}:{match['line']}", match["message"]))
    return found


def type_breaks(new_root: Path, scratch: Path) -> list[Change]:
    """mypy errors in image_classify/ that the new client causes and the pinned one does
    not (the pinned side is checked only when the new side has errors)."""
    new = _mypy(new_root, scratch / "mypy-new")
    if not new:
        return []
    before = {message for _, message in _mypy(None, scratch / "mypy-pinned")}
    return [
        python_api_record(
            "python-our-code-breaks",
            where,
            f"{where} no longer type-checks against the new client: {message}",
        )
        for where, message in sorted(new)
        if message not in before
    ]


def _gone_name(change: Change) -> tuple[str, str] | None:
    """(what kind of name, the name) our code could still use after `change`."""
    location = change.location or ""
    if change.kind in ("python-parameter-removed", "python-parameter-renamed"):
        match = _PARAMETER.match(location)
        return ("parameter", match["name"]) if match else None
    if change.kind == "python-removed" and "." in location:
        return ("object", location.rsplit(".", 1)[1])
    return None


def _uses(tree: ast.AST, what: str, name: str) -> list[int]:
    """Lines using `name`: a parameter as a string key or a keyword argument; an object as
    a name, an attribute or an import."""
    lines = set()
    for node in ast.walk(tree):
        if what == "parameter":
            used = (isinstance(node, ast.Constant) and node.value == name) or (
                isinstance(node, ast.keyword) and node.arg == name
            )
        else:
            used = (
                (isinstance(node, ast.Attribute) and node.attr == name)
                or (isinstance(node, ast.Name) and node.id == name)
                or (isinstance(node, ast.alias) and name == node.name.rsplit(".")[-1])
            )
        if used:
            lines.add(getattr(node, "lineno", 0))
    return sorted(line for line in lines if line)


def _imports(tree: ast.AST, package: str) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == package:
            return True
        if isinstance(node, ast.Import) and any(
            alias.name.split(".")[0] == package for alias in node.names
        ):
            return True
    return False


def name_uses(provider: Provider, changes: list[Change], runtime: Path = RUNTIME) -> list[Change]:
    """For each removed or renamed parameter or object of the provider's client, the lines
    of the modules importing that client that use its name."""
    gone = [
        (change, found)
        for change in changes
        if change.kind in _GONE
        for found in [_gone_name(change)]
        if found
    ]
    if not gone:
        return []
    found: list[Change] = []
    for module in sorted(runtime.rglob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        if not _imports(tree, provider.package):
            continue
        where = module.relative_to(runtime.parent).as_posix()
        for change, (what, name) in gone:
            for line in _uses(tree, what, name):
                found.append(
                    python_api_record(
                        "python-our-code-uses",
                        f"{where}:{line}",
                        f"{where}:{line} uses {what} {name!r}, which the new client no longer "
                        f"has ({change.kind} at {change.location}).",
                        change=change.location,
                    )
                )
    return found


def our_code_changes(
    provider: Provider, api: list[Change], new_root: Path, scratch: Path
) -> list[Change]:
    """Both looks, for the report next to the Python-API changes."""
    return name_uses(provider, api) + type_breaks(new_root, scratch)
