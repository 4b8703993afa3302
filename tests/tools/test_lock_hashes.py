"""Each lock entry's hashes are its files' hashes (tools/lock_check.py), and the check
catches a lock built without the overlays' entries (which regen --check, comparing the lock
with what the same code writes, passed until it asked this check too)."""

from __future__ import annotations

import copy
import os
import subprocess
import sys

from tests.project_copy import ProjectCopy
from tools import lock
from tools.lock_check import hash_problems
from tools.manifest import load_providers

CHECK = "from tools.lock_check import hash_problems; print('\\n'.join(hash_problems()))"


def test_every_entry_records_its_files() -> None:
    assert hash_problems() == []


def test_a_wrong_hash_of_each_kind_is_flagged() -> None:
    data = copy.deepcopy(lock.read_lock())
    entry = data["providers"]["roboflow"]
    entry["spec"]["sha256"] = "0" * 64
    entry["overlays"][0]["sha256"] = "1" * 64
    entry["generated"]["tree_sha256"] = "2" * 64
    del data["providers"]["cloudflare"]
    found = "\n".join(hash_problems(data))
    assert "roboflow: spec sha256 is '000" in found
    assert "roboflow: overlay 0 sha256 is '111" in found
    assert "roboflow: generated tree_sha256 is '222" in found
    assert "cloudflare: no entry in generation.lock.json" in found


def test_a_lock_built_without_overlay_entries_is_flagged(project_copy: ProjectCopy) -> None:
    """The planted bug: tools/lock.py leaves the overlays out, and the lock is rebuilt."""
    project_copy.edit(
        "tools/lock.py",
        lambda text: text.replace(
            '"overlays": [\n            {"path": provider.rel(p), "sha256": sha256_file(p)} '
            "for p in provider.overlays\n        ],",
            '"overlays": [],',
        ),
    )
    rebuilt = project_copy.tools("regen", "--force")
    assert rebuilt.returncode == 0, rebuilt.output
    # The rebuilt lock agrees with the code that built it; regen --check asks the check too.
    checked = project_copy.tools("regen", "--check")
    assert checked.returncode == 1, checked.output
    assert "generation.lock.json: roboflow: 0 overlay(s) recorded" in checked.stdout
    done = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=project_copy.root,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    for key in load_providers():
        assert f"{key}: 0 overlay(s) recorded, the manifest lists 1 (overlays/" in done.stdout
        assert f"{key}: overlay 0 overlays/" in done.stdout
