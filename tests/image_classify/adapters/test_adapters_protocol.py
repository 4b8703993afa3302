"""Every manifest entry has an adapter of the `Adapter` shape, checked twice: structurally
at run time (members and call signatures) and statically, by mypy on a module derived from
the manifest that assigns each adapter module to a variable of the Protocol type. A missing
adapter is a typed error naming the file to write, at run time and in regen."""

from __future__ import annotations

import base64
import importlib
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from image_classify._providers import providers
from image_classify.adapters import MissingAdapterError, adapter_for
from image_classify.adapters.protocol import conformance_problems
from image_classify.errors import ImageClassifyError
from tests.project_copy import ProjectCopy

ROOT = Path(__file__).resolve().parents[3]
KEYS = sorted(providers())
ONE_PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def derived_module(keys: list[str], package: str = "image_classify.adapters") -> str:
    """`_NAME: Adapter = package.NAME` per key (BoxesAdapter where the module has boxes)."""
    lines = ["from image_classify.adapters.protocol import Adapter, BoxesAdapter"]
    for key in keys:
        lines.append(f"import {package}.{key}")
    for key in keys:
        module = importlib.import_module(f"{package}.{key}")
        kind = "BoxesAdapter" if hasattr(module, "boxes") else "Adapter"
        lines.append(f"_{key}: {kind} = {package}.{key}")
    return "\n".join(lines) + "\n"


def mypy(path: Path) -> subprocess.CompletedProcess[str]:
    """mypy with the project's options (pyproject.toml), on `path` alone."""
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.mark.parametrize("key", KEYS)
def test_each_manifest_entry_has_a_conforming_adapter(key: str) -> None:
    assert conformance_problems(adapter_for(key)) == []


def test_mypy_sees_every_adapter_as_an_adapter(tmp_path: Path) -> None:
    module = tmp_path / "adapters_conform.py"
    module.write_text(derived_module(KEYS))
    done = mypy(module)
    assert done.returncode == 0, done.stdout + done.stderr


def _bad_module() -> types.ModuleType:
    bad = types.ModuleType("bad")
    bad.DEFAULT_MODEL = 3  # type: ignore[attr-defined]
    bad.OPTIONS = {"x"}  # type: ignore[attr-defined]
    bad.plan = lambda image: None  # type: ignore[attr-defined]
    return bad


def test_the_runtime_check_names_what_a_module_lacks() -> None:
    problems = conformance_problems(_bad_module())
    assert "no Raw (the type of the provider's typed answer)" in problems
    assert "DEFAULT_MODEL is a int, not str/None" in problems
    assert "OPTIONS is not a frozenset of str" in problems
    assert any(p.startswith("plan(image) cannot be called") for p in problems)
    assert "no function predictions(raw)" in problems


def test_mypy_flags_a_module_that_does_not_conform(tmp_path: Path) -> None:
    package = tmp_path / "fake_adapters"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "acme.py").write_text(
        "from typing import Any\n"
        "DEFAULT_MODEL = None\n"
        "OPTIONS = frozenset({'x'})\n"
        "Raw = dict\n"
        "def plan(image: Any) -> None: ...\n"  # wrong signature, no predictions()
    )
    sys.path.insert(0, str(tmp_path))
    try:
        text = derived_module(["acme"], package="fake_adapters")
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("fake_adapters.acme", None)
        sys.modules.pop("fake_adapters", None)
    (tmp_path / "check.py").write_text(text)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "check.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={"MYPYPATH": f"{tmp_path}:{ROOT}", "PATH": ""},
    )
    assert done.returncode == 1
    assert '"Adapter"' in done.stdout
    assert "predictions" in done.stdout


def _with_acme(monkeypatch: pytest.MonkeyPatch) -> None:
    """The manifest as the runtime reads it, plus an entry `acme` that has no adapter."""
    import image_classify._providers as manifest

    entry = next(iter(providers().values()))
    monkeypatch.setattr(manifest, "providers", lambda: {**providers(), "acme": entry})


def test_a_manifest_entry_without_adapter_is_a_typed_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _with_acme(monkeypatch)
    with pytest.raises(MissingAdapterError) as caught:
        adapter_for("acme")
    assert isinstance(caught.value, ImageClassifyError)
    assert str(caught.value) == (
        "no adapter for provider 'acme': write image_classify/adapters/acme.py "
        "(see README 'How to add a provider')"
    )


def _add_acme_entry(project_copy: ProjectCopy) -> None:
    """A manifest entry `acme` (Hugging Face's, renamed) and no adapter module."""
    manifest = project_copy.root / "image_classify/providers.toml"
    text = manifest.read_text()
    start = text.index("[providers.huggingface]")
    block = text[start : text.index("[providers.cloudflare]")]
    acme = block.replace("providers.huggingface", "providers.acme")
    acme = acme.replace("mock_port = 4013", "mock_port = 4019")
    manifest.write_text(text + "\n" + acme)


def test_the_cli_says_which_adapter_to_write(project_copy: ProjectCopy, tmp_path: Path) -> None:
    _add_acme_entry(project_copy)
    image = tmp_path / "one.png"
    image.write_bytes(ONE_PIXEL_PNG)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-m", "image_classify", str(image), "--provider", "acme"],
        cwd=project_copy.root,
        env={**env, "HF_TOKEN": "placeholder"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.strip() == (
        "error: no adapter for provider 'acme': write image_classify/adapters/acme.py "
        "(see README 'How to add a provider')"
    )


def test_regen_fails_early_naming_the_adapter_to_write(project_copy: ProjectCopy) -> None:
    _add_acme_entry(project_copy)
    before = project_copy.snapshot_all()
    result = project_copy.tools("regen", "--force")
    assert result.returncode == 1, result.output
    assert "no adapter for provider 'acme': write image_classify/adapters/acme.py" in result.stderr
    assert "Traceback" not in result.output
    assert project_copy.snapshot_all() == before
