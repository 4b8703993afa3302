"""Dependencies point one way: image_classify <- tools <- tests (DESIGN.md).

Every .py file under image_classify/, tools/ and tests/ is parsed (never imported): the
runtime imports nothing from tools/ or tests/ (an installed wheel has neither; `--mock`
runs `python -m tools mock-session` as a subprocess instead), and the pipeline imports
nothing from tests/. `import X`, `from X[.Y] import ...` and importlib.import_module /
__import__ calls with a constant name all count, wherever they sit (functions, TYPE_CHECKING
blocks, try/except).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"image_classify": ("tools", "tests"), "tools": ("tests",)}
DYNAMIC_IMPORTS = {"import_module", "__import__"}


def imported_names(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, dotted module name) of every import in the tree; relative imports are
    within their own package and never cross to another top-level one."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif isinstance(node, ast.Call):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else None
            if isinstance(function, ast.Name):
                name = function.id
            if name in DYNAMIC_IMPORTS and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    yield node.lineno, first.value


def top_level(name: str) -> str:
    return name.split(".", 1)[0]


def violations(package: str) -> list[str]:
    banned = FORBIDDEN[package]
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        tree = ast.parse(path.read_bytes(), filename=str(path))
        for line, name in imported_names(tree):
            if top_level(name) in banned:
                found.append(f"{path.relative_to(ROOT)}:{line}: imports {name}")
    return found


@pytest.mark.parametrize("package", list(FORBIDDEN))
def test_imports_point_one_way(package: str) -> None:
    found = violations(package)
    assert not found, f"{package}/ may not import {' or '.join(FORBIDDEN[package])}:\n" + "\n".join(
        found
    )


def test_every_test_module_parses() -> None:
    """tests/ is parsed too, so a file the walk cannot read fails here, not silently."""
    for path in sorted((ROOT / "tests").rglob("*.py")):
        ast.parse(path.read_bytes(), filename=str(path))


def test_the_walk_sees_every_kind_of_import() -> None:
    source = (
        "import tools.mock\n"
        "from tests.project_copy import ProjectCopy\n"
        "def f():\n"
        "    import importlib\n"
        "    importlib.import_module('tools.effective')\n"
        "    __import__('tests')\n"
        "from . import sibling\n"
    )
    names = [name for _, name in imported_names(ast.parse(source))]
    assert names == ["tools.mock", "tests.project_copy", "importlib", "tools.effective", "tests"]


def test_one_benchmarks_package() -> None:
    """The benchmarks live in tools/bench/ (with their data); benchmarks/ is gone."""
    assert not (ROOT / "benchmarks").exists()
    assert (ROOT / "tools" / "bench" / "runtime_overhead.py").is_file()
    assert (ROOT / "tools" / "bench" / "data" / "classify-cases.toml").is_file()
