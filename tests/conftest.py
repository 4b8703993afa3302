"""Shared test helpers: where `shared/` (conformance material, upstream documents) lives.

`shared/` sits beside the project (`<project root>/../shared`); the environment variable
IMAGE_CLASSIFY_SHARED points elsewhere. When it is missing, tests that need it fail in CI
(env CI set) and are skipped, with the reason, on a developer's machine.

Tests that need one file or folder per case mark themselves with
`@pytest.mark.shared_files("glob/relative/to/shared")` and take a `shared_file` argument:
they are parametrized with every match, so adding a file adds a test case.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tools.shared import SHARED_ENV_VAR, locate_shared_dir

if TYPE_CHECKING:
    from tests.project_copy import ProjectCopy

PROJECT_ROOT = Path(__file__).resolve().parent.parent

_MISSING = "shared-missing"
_NO_MATCH = "no-match"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def shared_dir() -> Path:
    """Return the shared/ folder; fail the test in CI or skip it elsewhere when missing."""
    found = locate_shared_dir()
    if found is not None:
        return found
    override = os.environ.get(SHARED_ENV_VAR)
    where = override if override else str(PROJECT_ROOT.parent / "shared")
    reason = (
        f"shared/ not found at {where} (set {SHARED_ENV_VAR} to the folder that holds "
        "conformance/ and upstream/)"
    )
    if _in_ci():
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(name="shared_dir")
def _shared_dir_fixture() -> Path:
    return shared_dir()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "shared_files(pattern): parametrize the `shared_file` argument with every path "
        "under shared/ matching the glob pattern",
    )


def _static_prefix(pattern: str) -> str:
    parts: list[str] = []
    for part in pattern.split("/"):
        if any(char in part for char in "*?["):
            break
        parts.append(part)
    return "/".join(parts)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("shared_files")
    if marker is None or "shared_file" not in metafunc.fixturenames:
        return
    pattern: str = marker.args[0]
    root = locate_shared_dir()
    if root is None:
        metafunc.parametrize("shared_file", [_MISSING], ids=[_MISSING], indirect=True)
        return
    matches = sorted(root.glob(pattern))
    if not matches:
        metafunc.parametrize("shared_file", [_NO_MATCH], ids=[_NO_MATCH], indirect=True)
        return
    base = root / _static_prefix(pattern)
    ids = [match.relative_to(base).as_posix() for match in matches]
    metafunc.parametrize("shared_file", matches, ids=ids, indirect=True)


@pytest.fixture
def shared_file(request: pytest.FixtureRequest) -> Path:
    """One path under shared/ (see the `shared_files` marker)."""
    param = request.param
    if param == _MISSING:
        return shared_dir()  # fails in CI, skips elsewhere
    if param == _NO_MATCH:
        marker = request.node.get_closest_marker("shared_files")
        pytest.fail(f"no file under {shared_dir()} matches {marker.args[0]!r}")
    assert isinstance(param, Path)
    return param


@pytest.fixture
def project_copy(tmp_path: Path) -> ProjectCopy:
    """A throwaway copy of the pipeline's inputs and outputs (see tests/project_copy.py)."""
    from tests.project_copy import ProjectCopy

    return ProjectCopy(tmp_path / "project")
