"""Generation: reproducible, checked, atomic, locked."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.project_copy import ProjectCopy
from tools.manifest import load_providers


def test_check_passes_on_the_committed_tree(project_copy: ProjectCopy) -> None:
    result = project_copy.tools("regen", "--check")
    assert result.returncode == 0, result.output
    for key in load_providers():
        assert f"{key}: in sync" in result.stdout


def test_check_lists_a_hand_edited_file(project_copy: ProjectCopy) -> None:
    project_copy.edit(
        "generated/roboflow_client/client.py",
        lambda text: text + "\n# edited by hand\n",
    )
    result = project_copy.tools("regen", "roboflow", "--check")
    assert result.returncode == 1
    assert "generated/roboflow_client/client.py: differs" in result.stdout
    assert "Traceback" not in result.output


def test_check_lists_an_extra_file_and_a_stale_lock(project_copy: ProjectCopy) -> None:
    (project_copy.root / "generated/huggingface_client/extra.py").write_text("x = 1\n")
    lock = project_copy.root / "generation.lock.json"
    data = json.loads(lock.read_text())
    data["providers"]["huggingface"]["overlays"][0]["sha256"] = "0" * 64
    lock.write_text(json.dumps(data))
    result = project_copy.tools("regen", "huggingface", "--check")
    assert result.returncode == 1
    assert "generated/huggingface_client/extra.py: not generated" in result.stdout
    assert "generation.lock.json: entry for huggingface is stale" in result.stdout


def test_noop_regen_skips_and_changed_overlay_regenerates(project_copy: ProjectCopy) -> None:
    result = project_copy.tools("regen", "img_processing")
    assert result.returncode == 0, result.output
    assert "img_processing: up to date" in result.stdout
    before = project_copy.snapshot()

    project_copy.edit(
        "overlays/img_processing.yaml",
        lambda text: text.replace(
            "summary: Upload Image",
            "summary: Upload an image file",
        ),
    )
    result = project_copy.tools("regen", "img_processing")
    assert result.returncode == 0, result.output
    assert "img_processing: generated" in result.stdout
    after = project_copy.snapshot()
    changed = {k for k in after if before.get(k) != after[k]}
    assert "generation.lock.json" in changed
    assert any(k.startswith("generated/img_processing_client/") for k in changed)
    # The other providers' packages are untouched (the overlay is the test's own edit).
    ours = ("generated/img_processing_client/", "generation", "overlays/img_processing.yaml")
    assert all(k.startswith(ours) for k in changed)
    # And the result is in sync again.
    assert project_copy.tools("regen", "--check").returncode == 0


def test_a_failed_rename_restores_generated_and_the_lock(project_copy: ProjectCopy) -> None:
    """The second package's rename into place fails (disk full): everything is put back."""
    project_copy.edit(
        "overlays/roboflow.yaml",
        lambda text: text.replace("adds a base64\n", "adds a base64-encoded\n"),
    )
    project_copy.edit(
        "overlays/huggingface.yaml",
        lambda text: text.replace("(current).", "(the current one)."),
    )
    before = project_copy.snapshot()
    env = {**os.environ, "IMAGE_CLASSIFY_TOOLS_FAIL_AT": "install:1:ENOSPC"}
    env.pop("PYTHONPATH", None)
    done = subprocess.run(
        [sys.executable, "-m", "tools", "regen", "roboflow", "huggingface"],
        cwd=project_copy.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "No space left on device" in done.stderr and "restored" in done.stderr
    assert "Traceback" not in done.stderr
    assert project_copy.snapshot() == before
    build = project_copy.root / ".build"
    assert list(build.iterdir()) == []


LABELS_SCHEMA = """
  - target: $.components.schemas
    description: A schema whose property has its name (the issue's example).
    update:
      Labels:
        type: object
        required: [labels]
        properties:
          labels:
            type: array
            items: {type: string}
"""


def test_generated_code_failing_mypy_names_the_schema_and_overlay(
    project_copy: ProjectCopy,
) -> None:
    project_copy.edit("overlays/huggingface.yaml", lambda text: text + LABELS_SCHEMA)
    before = project_copy.snapshot_all()
    result = project_copy.tools("regen", "huggingface")
    assert result.returncode == 1, result.output
    assert "error: schema 'Labels' (#/components/schemas/Labels" in result.stderr
    assert "huggingface_client/models/labels.py fails mypy --strict" in result.stderr
    assert "models/labels.py:" in result.stderr
    assert "overlays/huggingface.yaml" in result.stderr and "`title`" in result.stderr
    assert "Traceback" not in result.output
    assert project_copy.snapshot_all() == before
