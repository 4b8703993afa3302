"""A throwaway copy of the project, for tests that break inputs or write generated/ and
for the regeneration benchmarks (tools/bench/regen_common.py)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What the pipeline reads and writes; nothing else is copied. tools/ comes along because
# it finds the project root from its own location.
COPIED = ("image_classify", "generation.lock.json", "specs", "overlays", "tools", "generated")


class ProjectCopy:
    @dataclass
    class Result:
        returncode: int
        stdout: str
        stderr: str

        @property
        def output(self) -> str:
            return self.stdout + self.stderr

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True)
        skip = shutil.ignore_patterns("__pycache__", "*.pyc")
        for name in COPIED:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, root / name, ignore=skip)
            elif source.exists():
                shutil.copy2(source, root / name)

    def edit(self, relative: str, change: Callable[[str], str]) -> None:
        path = self.root / relative
        text = path.read_text(encoding="utf-8")
        changed = change(text)
        assert changed != text, f"the edit of {relative} changed nothing"
        path.write_text(changed, encoding="utf-8")

    def snapshot(self) -> dict[str, str]:
        """sha256 of every file under generated/, specs/ and overlays/, and of the lock."""
        files = [
            path
            for folder in ("generated", "specs", "overlays")
            for path in sorted((self.root / folder).rglob("*"))
        ]
        lock = self.root / "generation.lock.json"
        paths = [p for p in files if p.is_file() and "__pycache__" not in p.parts]
        if lock.exists():
            paths.append(lock)
        return self._hashes(paths)

    def snapshot_all(self) -> dict[str, str]:
        """sha256 of every file in the copy (Python's bytecode caches and the .build scratch
        folder aside): what a failed command must leave exactly as it was."""
        paths = [
            path
            for path in sorted(self.root.rglob("*"))
            if path.is_file()
            and "__pycache__" not in path.parts
            and ".build" not in path.relative_to(self.root).parts
        ]
        return self._hashes(paths)

    def _hashes(self, paths: list[Path]) -> dict[str, str]:
        return {
            p.relative_to(self.root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in paths
        }

    def tools(self, *args: str, timeout: float = 300) -> Result:
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)
        done = subprocess.run(
            [sys.executable, "-m", "tools", *args],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return ProjectCopy.Result(done.returncode, done.stdout, done.stderr)
