"""`pip install .` gives every generated package in the manifest and image_classify, typed;
the sdist holds what that build needs."""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

from tests.wheel.conftest import build_wheel
from tools.manifest import load_providers

ROOT = Path(__file__).resolve().parent.parent


def _wheel(source: Path, out: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(build_wheel(source, out))


def test_wheel_contains_every_package_with_py_typed(tmp_path: Path) -> None:
    names = set(_wheel(ROOT, tmp_path).namelist())
    assert "image_classify/py.typed" in names
    assert "image_classify/providers.toml" in names
    # The documents the mocks serve and the validator reads (image-classify mock, the
    # pytest plugin, validate=), one per provider at least.
    for provider in load_providers().values():
        assert f"image_classify/_specs/{provider.key}.json" in names, provider.key
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


def _dist_info_licenses(wheel: zipfile.ZipFile) -> dict[str, bytes]:
    return {
        name: wheel.read(name)
        for name in wheel.namelist()
        if re.fullmatch(r"image_classify_sdk-[^/]+\.dist-info/licenses/LICENSE", name)
    }


def test_the_wheel_ships_the_license(tmp_path: Path) -> None:
    """The MIT text sits in the wheel's metadata (PEP 639: license-files = ["LICENSE"]),
    byte for byte, and the metadata names it."""
    wheel = _wheel(ROOT, tmp_path)
    shipped = list(_dist_info_licenses(wheel).values())
    dist_info = sorted(n for n in wheel.namelist() if ".dist-info/" in n)
    assert shipped == [(ROOT / "LICENSE").read_bytes()], dist_info
    (metadata,) = (n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    headers = wheel.read(metadata).decode().split("\n\n", 1)[0].splitlines()
    assert "License-Expression: MIT" in headers
    assert "License-File: LICENSE" in headers


def test_the_sdist_builds_the_same_packages_and_ships_no_tests(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-c", "import sys; from hatchling.build import build_sdist as b; "
         "print(b(sys.argv[1]))", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    with tarfile.open(tmp_path / built.stdout.strip()) as archive:
        archive.extractall(tmp_path / "src", filter="data")
        tops = {name.split("/")[1] for name in archive.getnames() if "/" in name}
    assert not tops & {"tests", "tools"}, tops
    (source,) = (tmp_path / "src").iterdir()
    wheel = _wheel(source, tmp_path / "wheel")
    tops = {name.split("/")[0] for name in wheel.namelist()}
    assert {p.package for p in load_providers().values()} | {"image_classify"} <= tops
    # The licence travels through the sdist into the wheel built from it.
    assert (source / "LICENSE").read_bytes() == (ROOT / "LICENSE").read_bytes()
    assert list(_dist_info_licenses(wheel).values()) == [(ROOT / "LICENSE").read_bytes()]
