"""The project as its users get it: the built wheel in a fresh virtualenv, used from a
folder outside the checkout (no tools/, no source tree on the path).

One wheel and one virtualenv per test session: `pip wheel` of the checkout, then
`pip install` of that file alone (its dependencies come from the package index, as they
would for a user). The tests run the venv's `image-classify`, `python` and `pytest`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRISM = ROOT / "node_modules" / ".bin" / "prism"
SAMPLE = ROOT / "samples" / "sample.jpg"
# The plugin's own tests run with the pytest the project pins.
PYTEST_PIN = "pytest==9.2.0"


@dataclass(frozen=True)
class Installed:
    """A virtualenv holding only the wheel (and pytest), and a folder outside the checkout."""

    venv: Path
    wheel: Path
    outside: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a user's shell: the venv first on PATH, nothing of ours."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTHON", "VIRTUAL_ENV", "IMAGE_CLASSIFY_", "PYTEST"))
            and not key.endswith(("_API_KEY", "_TOKEN"))
        }
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        env["VIRTUAL_ENV"] = str(self.venv)
        env["NO_COLOR"] = "1"
        env.update(extra)
        return env

    def run(
        self, *command: str, timeout: float = 180, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        """Run a command of the venv (`image-classify`, `python`, `pytest`) outside the checkout."""
        program = str(self.bin / command[0])
        return subprocess.run(
            [program, *command[1:]],
            cwd=self.outside,
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _pip(python: Path, *args: str) -> None:
    done = subprocess.run(
        [str(python), "-m", "pip", "--disable-pip-version-check", "-q", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"pip {' '.join(args)}:\n{done.stdout}\n{done.stderr}"


def build_wheel(source: Path, out: Path) -> Path:
    """`pip wheel` of the project at `source` into `out` (no dependencies); its path."""
    wheel_args = ["wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(source)]
    _pip(Path(sys.executable), *wheel_args)
    (wheel,) = out.glob("image_classify_sdk-*.whl")
    return wheel


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    base = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(ROOT, base)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    _pip(venv / "bin" / "python", "install", str(wheel), PYTEST_PIN)
    outside = base / "elsewhere"
    outside.mkdir()
    installed = Installed(venv=venv, wheel=wheel, outside=outside)
    where = installed.run("python", "-c", "import image_classify; print(image_classify.__file__)")
    assert where.returncode == 0, where.stderr
    assert str(venv) in where.stdout and str(ROOT) not in where.stdout, where.stdout
    yield installed
