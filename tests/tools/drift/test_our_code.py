"""drift names the lines of our own code a new client breaks (tools/drift/our_code.py):
the adapters pass a generated operation's arguments in a dict, which mypy cannot check,
so a removed parameter is found by name; a removed model attribute by mypy."""

from __future__ import annotations

import json
from pathlib import Path

from tests.project_copy import ProjectCopy
from tools.drift.model import ChangeRecord
from tools.drift.our_code import name_uses
from tools.drift.rules import classify
from tools.manifest import ROOT, select

ADAPTER = ROOT / "image_classify" / "adapters" / "huggingface.py"
OPERATION = "huggingface_client.api.image_classification.classify_image"


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_removed_parameter_is_found_where_an_adapter_passes_it() -> None:
    removed = classify(
        ChangeRecord(
            kind="python-parameter-removed",
            method=None,
            path=None,
            detail="removed",
            part="python-api",
            location=f"{OPERATION}.{{sync,sync_detailed,asyncio,asyncio_detailed}}(x_wait_for_model)",
        )
    )
    found = name_uses(select(["huggingface"])[0], [removed])
    line = _line_of(ADAPTER.read_text(encoding="utf-8"), '"x_wait_for_model"')
    assert [c.location for c in found] == [f"image_classify/adapters/huggingface.py:{line}"]
    assert found[0].severity == "breaking"
    assert "x_wait_for_model" in found[0].detail
    # Another provider's client is not searched for it.
    assert name_uses(select(["roboflow"])[0], [removed]) == []


def test_drift_reports_the_adapter_line_for_a_removed_header(
    project_copy: ProjectCopy, tmp_path: Path
) -> None:
    spec = (project_copy.root / "specs/huggingface.yaml").read_text(encoding="utf-8")
    new = spec.replace('        - $ref: "#/components/parameters/XWaitForModel"\n', "", 1)
    assert new != spec
    changed = tmp_path / "huggingface.yaml"
    changed.write_text(new, encoding="utf-8")
    result = project_copy.tools("drift", "huggingface", str(changed), "--format", "json")
    assert result.returncode == 1, result.output
    changes = json.loads(result.stdout)["changes"]
    ours = [c for c in changes if c["kind"].startswith("python-our-code")]
    line = _line_of(ADAPTER.read_text(encoding="utf-8"), '"x_wait_for_model"')
    assert [c["location"] for c in ours] == [f"image_classify/adapters/huggingface.py:{line}"]
    grouped = [c for c in changes if c["kind"] == "python-parameter-removed"]
    assert len(grouped) == 1  # the four function variants on one line


def test_a_model_attribute_gone_is_a_type_error_in_our_code(tmp_path: Path) -> None:
    """A client whose output element has no `score`: mypy over image_classify/ with that
    client first on the path names the adapter line that reads it."""
    import shutil

    from tools.drift.our_code import type_breaks

    new_root = tmp_path / "new"
    shutil.copytree(ROOT / "generated" / "huggingface_client", new_root / "huggingface_client")
    model = new_root / "huggingface_client/models/image_classification_output_element.py"
    text = model.read_text(encoding="utf-8")
    model.write_text(text.replace("    score: float\n", "", 1), encoding="utf-8")
    found = type_breaks(new_root, tmp_path)
    line = _line_of(ADAPTER.read_text(encoding="utf-8"), "item.score")
    assert f"image_classify/adapters/huggingface.py:{line}" in [c.location for c in found]
    assert all(c.kind == "python-our-code-breaks" for c in found)
