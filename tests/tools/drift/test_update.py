"""`python -m tools update`: all or nothing.

Each test runs in a copy of the project. The atomicity tests make one rename of the
commit fail through the test hook IMAGE_CLASSIFY_TOOLS_FAIL_AT (tools/transaction.py);
tests/tools/test_transactions.py kills the command at each step instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.project_copy import ROOT, ProjectCopy


def tree(root: Path) -> dict[str, str]:
    """sha256 of every file under `root` (any scratch file left behind shows up here)."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def project(project_copy: ProjectCopy) -> ProjectCopy:
    return project_copy


@pytest.fixture
def new_spec(project: ProjectCopy, tmp_path: Path) -> Path:
    """Roboflow renames the `stroke` query parameter: a breaking change that still generates."""
    text = (project.root / "specs/roboflow.yaml").read_text(encoding="utf-8")
    path = tmp_path / "roboflow-new.yaml"
    path.write_text(text.replace("name: stroke\n", "name: stroke_width\n"), encoding="utf-8")
    return path


def update_failing_at(project: ProjectCopy, label: str, *args: str) -> ProjectCopy.Result:
    """`python -m tools update ...` with the step `label` failing (disk full)."""
    env = {**os.environ, "IMAGE_CLASSIFY_TOOLS_FAIL_AT": f"{label}:ENOSPC"}
    env.pop("PYTHONPATH", None)
    done = subprocess.run(
        [sys.executable, "-m", "tools", *args],
        cwd=project.root,  # so `tools` is the copy's
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return ProjectCopy.Result(done.returncode, done.stdout, done.stderr)


def version_in(path: Path) -> str:
    found = re.search(r'^(?:__version__|version) = "([^"]*)"', path.read_text(), re.MULTILINE)
    assert found is not None, path
    return found[1]


def test_update_pins_regenerates_locks_and_logs(
    project: ProjectCopy, new_spec: Path, tmp_path: Path
) -> None:
    old_bytes = (project.root / "specs/roboflow.yaml").read_bytes()
    before_version = tmp_path / "_version.py"
    before_version.write_bytes((project.root / "image_classify/_version.py").read_bytes())
    before = tree(project.root)
    result = project.tools("update", "roboflow", str(new_spec))
    assert result.returncode == 0, result.output

    spec = project.root / "specs/roboflow.yaml"
    assert spec.read_bytes() == new_spec.read_bytes()  # kept verbatim
    module = project.root / "generated/roboflow_client/api/classification/classify_image.py"
    assert "stroke_width" in module.read_text(encoding="utf-8")
    lock = json.loads((project.root / "generation.lock.json").read_text(encoding="utf-8"))
    entry = lock["providers"]["roboflow"]["spec"]
    assert entry["path"] == "specs/roboflow.yaml"
    assert entry["sha256"] == sha256(new_spec.read_bytes())
    assert entry["recorded"] == dt.date.today().isoformat()

    changelog = (project.root / "CHANGELOG/roboflow.md").read_text(encoding="utf-8")
    assert f"## {dt.date.today().isoformat()}: specs/roboflow.yaml" in changelog
    assert f"- source: {new_spec}" in changelog
    assert f"`{sha256(old_bytes)}` -> `{sha256(new_spec.read_bytes())}`" in changelog
    # The four functions of the endpoint (sync, asyncio, ...) are one change.
    assert "breaking" in changelog and "python-parameter-renamed 1" in changelog

    # A breaking change of the Python API: a major bump, where the copy holds the version
    # (it has no pyproject.toml; test_update_bumps_the_version_in_every_file has one).
    old_version = version_in(before_version)
    new_version = f"{int(old_version.split('.')[0]) + 1}.0.0"
    assert version_in(project.root / "image_classify/_version.py") == new_version
    assert (
        f"- version: {old_version} -> {new_version} (major: a breaking change of the Python "
        "API; in image_classify/_version.py)"
    ) in changelog
    assert f"roboflow: version {old_version} -> {new_version}" in result.stdout

    changed = {k for k in tree(project.root) if before.get(k) != tree(project.root).get(k)}
    assert changed <= {
        "specs/roboflow.yaml",
        "generation.lock.json",
        "CHANGELOG/roboflow.md",
        "image_classify/_version.py",
        "image_classify/_specs/roboflow.json",  # the documents the wheel ships
        "image_classify/_specs/roboflow.mock.json",
        *(k for k in tree(project.root) if k.startswith("generated/roboflow_client/")),
    }
    assert not [k for k in tree(project.root) if k.startswith(".build/")]
    # The result is exactly what regen would produce.
    check = project.tools("regen", "roboflow", "--check")
    assert check.returncode == 0, check.output


def test_a_second_update_appends_to_the_changelog(
    project: ProjectCopy, new_spec: Path, tmp_path: Path
) -> None:
    assert project.tools("update", "roboflow", str(new_spec)).returncode == 0
    newer = tmp_path / "roboflow-newer.yaml"
    newer.write_text(
        new_spec.read_text(encoding="utf-8").replace("name: labels\n", "name: show_labels\n"),
        encoding="utf-8",
    )
    result = project.tools("update", "roboflow", str(newer))
    assert result.returncode == 0, result.output
    changelog = (project.root / "CHANGELOG/roboflow.md").read_text(encoding="utf-8")
    assert changelog.count("\n## ") == 2
    assert changelog.index(str(new_spec)) < changelog.index(str(newer))  # oldest first


def test_the_pinned_spec_again_changes_nothing(project: ProjectCopy) -> None:
    before = tree(project.root)
    result = project.tools("update", "roboflow", str(project.root / "specs/roboflow.yaml"))
    assert result.returncode == 0, result.output
    assert "nothing to do" in result.stdout
    assert tree(project.root) == before


@pytest.mark.parametrize(
    "label",
    [
        "install:specs/roboflow.yaml",
        "aside:generated/roboflow_client",
        "install:generated/roboflow_client",
        "install:generation.lock.json",
        "install:image_classify/_version.py",
        "install:CHANGELOG/roboflow.md",
    ],
)
def test_a_failure_midway_restores_everything(
    project: ProjectCopy, new_spec: Path, label: str
) -> None:
    """Installs go spec, generated package, lock, version, changelog; one of them fails."""
    before = tree(project.root)
    result = update_failing_at(project, label, "update", "roboflow", str(new_spec))
    assert result.returncode == 1, result.output
    assert "Traceback" not in result.output
    assert "No space left on device" in result.stderr
    assert "restored" in result.stderr
    assert tree(project.root) == before  # byte-identical, no CHANGELOG/, no scratch
    assert not (project.root / "CHANGELOG").exists()


def test_a_dead_overlay_stops_the_update_before_anything_is_written(
    project: ProjectCopy, tmp_path: Path
) -> None:
    text = (project.root / "specs/roboflow.yaml").read_text(encoding="utf-8")
    new = tmp_path / "roboflow-new.yaml"
    new.write_text(text.replace("            image/jpeg:\n", "            image/png:\n"))
    before = tree(project.root)
    result = project.tools("update", "roboflow", str(new))
    assert result.returncode == 1
    assert result.stderr.startswith("error: ")
    assert "overlays/roboflow.yaml: action 0" in result.stderr
    assert "Traceback" not in result.output
    assert tree(project.root) == before


def test_another_providers_spec_is_refused(project: ProjectCopy) -> None:
    before = tree(project.root)
    result = project.tools("update", "roboflow", str(project.root / "specs/cloudflare.yaml"))
    assert result.returncode == 1
    assert "the pinned spec of roboflow (specs/roboflow.yaml)" in result.stderr
    assert tree(project.root) == before


def test_update_bumps_the_version_in_every_file(project: ProjectCopy, tmp_path: Path) -> None:
    """An optional parameter added: an addition to the Python API, a minor bump, written to
    pyproject.toml and image_classify/_version.py alike (the copy gets a pyproject.toml)."""
    shutil.copy2(ROOT / "pyproject.toml", project.root / "pyproject.toml")
    pyproject = (project.root / "pyproject.toml").read_text(encoding="utf-8")
    old_version = version_in(project.root / "image_classify/_version.py")
    assert version_in(project.root / "pyproject.toml") == old_version
    major, minor, _patch = old_version.split(".")
    new_version = f"{major}.{int(minor) + 1}.0"
    text = (project.root / "specs/roboflow.yaml").read_text(encoding="utf-8")
    new = tmp_path / "roboflow-new.yaml"
    new.write_text(
        text.replace(
            '        - $ref: "#/components/parameters/Stroke"\n',
            '        - $ref: "#/components/parameters/Stroke"\n'
            '        - $ref: "#/components/parameters/Overlap"\n',
        ).replace(
            "  headers:\n",
            "    Overlap:\n      name: overlap\n      in: query\n      required: false\n"
            "      schema:\n        type: number\n  headers:\n",
            1,
        ),
        encoding="utf-8",
    )
    result = project.tools("update", "roboflow", str(new))
    assert result.returncode == 0, result.output
    assert version_in(project.root / "pyproject.toml") == new_version
    assert version_in(project.root / "image_classify/_version.py") == new_version
    # Only the version line of pyproject.toml changed.
    assert (project.root / "pyproject.toml").read_text(encoding="utf-8") == pyproject.replace(
        f'version = "{old_version}"', f'version = "{new_version}"', 1
    )
    said = (
        f"{old_version} -> {new_version} (minor: additions to the Python API; in "
        "pyproject.toml, image_classify/_version.py)"
    )
    assert f"roboflow: version {said}" in result.stdout
    changelog = (project.root / "CHANGELOG/roboflow.md").read_text(encoding="utf-8")
    assert f"- version: {said}" in changelog
