"""`pip install .` gives the five generated packages and image_classify, typed."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "image_classify",
    "edge_impulse_client",
    "img_processing_client",
    "roboflow_client",
    "huggingface_client",
    "cloudflare_client",
)


def test_wheel_contains_every_package_with_py_typed(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("image_classify_sdk-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in PACKAGES:
        assert f"{package}/__init__.py" in names, package
        assert f"{package}/py.typed" in names, package
    # Installed as top-level packages, not under generated/; no pipeline code shipped.
    assert not any(n.startswith(("generated/", "tools/", "tests/")) for n in names)
    assert "roboflow_client/api/classification/classify_image.py" in names
