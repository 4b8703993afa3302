"""Generation: reproducible, checked, atomic, locked."""

from __future__ import annotations

import json

import pytest

from tests.project_copy import ProjectCopy
from tools import regen as regen_module
from tools.errors import ToolError


def test_check_passes_on_the_committed_tree(project_copy: ProjectCopy) -> None:
    result = project_copy.tools("regen", "--check")
    assert result.returncode == 0, result.output
    for key in ("edge_impulse", "img_processing", "roboflow", "huggingface", "cloudflare"):
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
    # The other providers' packages are untouched.
    assert all(k.startswith(("generated/img_processing_client/", "generation")) for k in changed)
    # And the result is in sync again.
    assert project_copy.tools("regen", "--check").returncode == 0


def test_a_failed_swap_restores_generated(
    monkeypatch: pytest.MonkeyPatch, project_copy: ProjectCopy
) -> None:
    """The rename into place fails half-way: every package is put back as it was."""
    import tools.manifest

    monkeypatch.setattr(tools.manifest, "GENERATED", project_copy.root / "generated")
    scratch = project_copy.root / ".build" / "scratch"
    scratch.mkdir(parents=True)
    providers = {p.key: p for p in tools.manifest.select()}
    targets = {}
    produced = {}
    for key in ("edge_impulse", "roboflow"):
        target = project_copy.root / "generated" / providers[key].package
        new = scratch / f"{key}.new"
        new.mkdir()
        (new / "marker.py").write_text("new\n")
        produced[key] = new
        targets[key] = target
    # The second target cannot be replaced: make the rename of its new folder fail.
    produced["roboflow"] = scratch / "does-not-exist"
    before = project_copy.snapshot()

    class Relocated:
        def __init__(self, key: str) -> None:
            self.package_dir = targets[key]

    with pytest.raises(ToolError, match="restored"):
        regen_module._swap(produced, {k: Relocated(k) for k in produced}, scratch)  # type: ignore[misc]
    assert project_copy.snapshot() == before
