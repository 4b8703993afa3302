"""Replace several files and folders all together, or not at all.

Everything new is staged first in a work folder on the same filesystem; `commit` then
moves each old version aside and the new one in, by rename. If any step fails, every
step already taken is undone in reverse order, so the project is byte-for-byte as before.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from tools.errors import ToolError


@dataclass
class _Step:
    target: Path
    staged: Path
    backup: Path | None = None
    installed: bool = False


def _install(staged: Path, target: Path) -> None:
    """Move one staged file or folder into place (tests make this fail on purpose)."""
    os.rename(staged, target)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


class Transaction:
    def __init__(self, work: Path) -> None:
        self.work = work
        self.steps: list[_Step] = []
        (work / "staged").mkdir(parents=True, exist_ok=True)
        (work / "backup").mkdir(parents=True, exist_ok=True)

    def add_file(self, target: Path, data: bytes) -> None:
        staged = self.work / "staged" / f"{len(self.steps)}-{target.name}"
        with staged.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():  # keep the file's mode, as tools.documents.write_atomic does
            os.chmod(staged, target.stat().st_mode & 0o7777)
        self.steps.append(_Step(target, staged))

    def add_tree(self, target: Path, tree: Path) -> None:
        """`tree` must already be inside the work folder (renamed, not copied)."""
        self.steps.append(_Step(target, tree))

    def commit(self) -> None:
        done: list[_Step] = []
        created: list[Path] = []
        try:
            for number, step in enumerate(self.steps):
                if not step.target.parent.exists():
                    step.target.parent.mkdir(parents=True)
                    created.append(step.target.parent)
                if step.target.exists():
                    step.backup = self.work / "backup" / f"{number}-{step.target.name}"
                    os.rename(step.target, step.backup)
                done.append(step)
                _install(step.staged, step.target)
                step.installed = True
        except BaseException as exc:
            failures = self._rollback(done, created)
            if failures:
                kept = self._keep_backups()
                raise ToolError(
                    f"a step failed ({exc}) and the rollback failed too ({'; '.join(failures)}). "
                    f"The previous versions are in {kept}: move them back by hand."
                ) from exc
            if isinstance(exc, OSError):
                raise ToolError(
                    f"could not move the new files into place ({exc}); every file was "
                    "restored as it was."
                ) from None
            raise

    def _rollback(self, done: list[_Step], created: list[Path]) -> list[str]:
        failures = []
        for step in reversed(done):
            try:
                if step.installed:
                    _remove(step.target)
                if step.backup is not None:
                    os.rename(step.backup, step.target)
            except OSError as err:
                failures.append(f"{step.target}: {err}")
        for folder in reversed(created):
            try:
                folder.rmdir()
            except OSError as err:
                failures.append(f"{folder}: {err}")
        return failures

    def _keep_backups(self) -> Path:
        """Move the backups out of the work folder, which is deleted afterwards."""
        kept = self.work.parent / f"{self.work.name}-backup"
        try:
            os.rename(self.work / "backup", kept)
        except OSError:
            return self.work / "backup"
        return kept
