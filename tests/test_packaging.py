"""`pip install .` gives every generated package in the manifest and image_classify, typed."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tools.manifest import load_providers

ROOT = Path(__file__).resolve().parent.parent


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
    assert "image_classify/py.typed" in names
    assert "image_classify/providers.toml" in names
    for provider in load_providers().values():
        # Each generated package whole, at top level (hatch_build.py reads the manifest).
        source = provider.package_dir
        files = {
            f"{provider.package}/{path.relative_to(source).as_posix()}"
            for path in source.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        }
        assert f"{provider.package}/py.typed" in files, provider.key
        assert files <= names, (provider.key, sorted(files - names))
    # Installed as top-level packages, not under generated/; no pipeline code shipped.
    assert not any(n.startswith(("generated/", "tools/", "tests/")) for n in names)
    assert not any("__pycache__" in n for n in names)
