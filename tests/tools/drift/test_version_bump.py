"""The version bump update proposes: from drift's findings, applied to the version files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.drift.model import BREAKING, NON_BREAKING, Change, DriftReport, Part, Severity
from tools.drift.version_bump import bumped, plan_version_bump, proposed_bump
from tools.errors import ToolError


def report(*changes: tuple[Part, Severity]) -> DriftReport:
    return DriftReport(
        "old",
        "new",
        [Change("some-kind", severity, None, None, "x.", part) for part, severity in changes],
    )


@pytest.mark.parametrize(
    ("changes", "bump"),
    [
        ((("python-api", BREAKING), ("python-api", NON_BREAKING)), "major"),
        ((("python-api", NON_BREAKING), ("spec", BREAKING)), "minor"),
        ((("spec", BREAKING), ("overlay", NON_BREAKING)), "patch"),
        ((), "patch"),
    ],
)
def test_the_python_api_decides_the_bump(
    changes: tuple[tuple[Part, Severity], ...], bump: str
) -> None:
    assert proposed_bump(report(*changes))[0] == bump


def test_bumped() -> None:
    assert (bumped("1.4.2", "major"), bumped("1.4.2", "minor")) == ("2.0.0", "1.5.0")
    assert bumped("1.4.2", "patch") == "1.4.3"
    with pytest.raises(ToolError, match="is not MAJOR"):
        bumped("1.4", "patch")


def write(root: Path, pyproject: str | None, module: str | None) -> None:
    if pyproject is not None:
        (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    if module is not None:
        (root / "image_classify").mkdir()
        (root / "image_classify/_version.py").write_text(module, encoding="utf-8")


PYPROJECT = (
    '[build-system]\nrequires = []\n\n[project]\nname = "x"\nversion = "0.3.1"\n\n'
    '[tool.other]\nversion = "9"\n'
)
MODULE = '"""v"""\n\n__version__ = "0.3.1"\n'


def test_each_file_changes_on_its_version_line_only(tmp_path: Path) -> None:
    write(tmp_path, PYPROJECT, MODULE)
    plan = plan_version_bump(tmp_path, report(("python-api", NON_BREAKING)))
    assert plan is not None
    assert (plan.bump, plan.old, plan.new) == ("minor", "0.3.1", "0.4.0")
    assert plan.files == {
        tmp_path / "pyproject.toml": PYPROJECT.replace('version = "0.3.1"', 'version = "0.4.0"'),
        tmp_path / "image_classify/_version.py": MODULE.replace("0.3.1", "0.4.0"),
    }
    assert plan.describe(tmp_path) == (
        "0.3.1 -> 0.4.0 (minor: additions to the Python API; in pyproject.toml, "
        "image_classify/_version.py)"
    )


def test_absent_files_are_skipped_and_none_means_no_bump(tmp_path: Path) -> None:
    write(tmp_path, None, MODULE)
    plan = plan_version_bump(tmp_path, report())
    assert plan is not None and list(plan.files) == [tmp_path / "image_classify/_version.py"]
    assert plan_version_bump(tmp_path / "image_classify", report()) is None


def test_files_that_disagree_stop_the_bump(tmp_path: Path) -> None:
    write(tmp_path, PYPROJECT, MODULE.replace("0.3.1", "0.3.2"))
    with pytest.raises(ToolError, match="differs between its files"):
        plan_version_bump(tmp_path, report())
