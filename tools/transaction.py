"""Replace several files and folders all together or not at all, even across a SIGKILL.

`regen` and `update` write through this. The protocol, all under the project's `.build/`
(on the same filesystem as what is replaced, so every move is a rename):

1. Stage: everything new is written into the command's scratch folder (the work folder)
   and flushed to disk (fsync). Nothing in the checkout has changed yet.
2. Journal: `.build/transaction.json` lists, for each target, where its new version is
   staged and where its old version will be kept (backup). It is written to a temporary
   file, flushed and renamed into place, so it is either complete or absent.
3. Renames: for each target in order, the old version is moved to its backup, then the
   new version into place.
4. Commit: the journal is deleted. That deletion is the commit point; the work folder,
   backups included, is garbage from then on and is removed.

Whoever holds the lock on `.build/` (an flock on the folder itself, released by the
kernel when its process dies, however it dies) may write the journal; a committing
process holds it from before the journal is written until after it is deleted. So a
journal found by a process holding the lock was left by a process that died: `recover()`
(run first by every `python -m tools` command) rolls it back. Each step's state is read
off the filesystem, never off the journal alone: an installed target has no staged file
left, a moved-aside target has a backup; undoing a step moves the new version back to its
staged path (not deleted), so running the rollback again after a crash in it is harmless.

The work folder is a scratch folder (tools.scratch): `recover()` also removes those of
killed commands. Concurrent commands stay safe: a live folder is never touched, and
commits are serialized by the lock.

Test hook (fault injection; unset outside tests, it costs one comparison per step):
`IMAGE_CLASSIFY_TOOLS_CRASH_AT=LABEL` kills the process with SIGKILL right after the step
LABEL; `IMAGE_CLASSIFY_TOOLS_FAIL_AT=LABEL:ERRNO` (e.g. `stage:generation.lock.json:ENOSPC`)
makes that step raise `OSError(ERRNO)` instead of running. The labels: `stage:PATH`
(writing and flushing a staged file), `journal`, `aside:N` / `aside:PATH` (old version of
the Nth target, counted from 0, moved to its backup), `install:N` / `install:PATH` (new
version moved into place), `commit` (journal deleted), `rollback:N` (step N undone).
PATH is relative to the project root, e.g. `install:generation.lock.json`.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.errors import ToolError
from tools.scratch import (
    BUILD,
    JOURNAL,
    LEGACY_PREFIXES,
    OWNER,
    ROOT,
    exclusive,
    scratch,
    stale_scratch,
)

_CRASH_AT = os.environ.get("IMAGE_CLASSIFY_TOOLS_CRASH_AT") or None
_FAIL_AT = os.environ.get("IMAGE_CLASSIFY_TOOLS_FAIL_AT") or None


def _fail_point(*labels: str) -> None:
    """Test hook: raise the OSError IMAGE_CLASSIFY_TOOLS_FAIL_AT asks for at this step."""
    if _FAIL_AT is None:
        return
    label, _, name = _FAIL_AT.rpartition(":")
    if label in labels:
        code = getattr(errno, name, errno.EIO)
        raise OSError(code, f"{os.strerror(code)} (injected at {label})")


def _crash_point(*labels: str) -> None:
    """Test hook: die here, as a SIGKILL would, if IMAGE_CLASSIFY_TOOLS_CRASH_AT says so."""
    if _CRASH_AT is not None and _CRASH_AT in labels:
        sys.stdout.flush()
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(tree: Path) -> None:
    for folder, _, files in os.walk(tree):
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(folder))


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def writable(target: Path, command: str, root: Path = ROOT) -> int | None:
    """`target`'s mode (None if it does not exist); a ToolError if it is read-only.

    A file whose owner may not write it was made read-only on purpose: it is not replaced
    (the rename would succeed all the same, and as root even a write would).
    """
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return None
    if not mode & stat.S_IWUSR:
        rel = _rel(target, root)
        raise ToolError(
            f"{rel} is read-only (mode {stat.S_IMODE(mode):04o}), so `python -m tools "
            f"{command}` will not replace it; nothing was changed. Make it writable "
            f"(`chmod u+w {rel}`) and run the command again."
        )
    return mode


# -- the transaction -----------------------------------------------------------------------


@dataclass
class _Step:
    target: Path
    staged: Path
    backup: Path
    existed: bool = False


class Transaction:
    """Stage with `add_file` / `add_tree`, then `commit`: all targets replaced, or none."""

    def __init__(self, work: Path, command: str) -> None:
        self.work = work
        self.build = work.parent
        self.root = self.build.parent
        self.command = command
        self.steps: list[_Step] = []
        (work / "staged").mkdir(parents=True, exist_ok=True)
        (work / "backup").mkdir(parents=True, exist_ok=True)

    def _step(self, target: Path, staged: Path) -> _Step:
        backup = self.work / "backup" / f"{len(self.steps)}-{target.name}"
        return _Step(target, staged, backup)

    def add_file(self, target: Path, data: bytes) -> None:
        rel = _rel(target, self.root)
        mode = writable(target, self.command, self.root)
        staged = self.work / "staged" / f"{len(self.steps)}-{target.name}"
        try:
            with staged.open("wb") as handle:
                handle.write(data)
                handle.flush()
                _fail_point(f"stage:{rel}")
                os.fsync(handle.fileno())
            if mode is not None:  # keep the file's mode, as tools.documents.write_atomic does
                os.chmod(staged, stat.S_IMODE(mode))
        except OSError as exc:
            raise ToolError(
                f"{rel}: its new version could not be written to "
                f"{_rel(self.work, self.root)}/ ({exc.strerror or exc}); nothing was changed: "
                f"{rel} and every other file are as they were. Free some disk space (or fix "
                f"the permissions of {_rel(self.build, self.root)}/) and run "
                f"`python -m tools {self.command}` again."
            ) from None
        _crash_point(f"stage:{rel}")
        self.steps.append(self._step(target, staged))

    def add_tree(self, target: Path, tree: Path) -> None:
        """`tree` must already be inside the work folder (renamed, not copied)."""
        if self.work not in tree.parents:
            raise ValueError(f"{tree} is not inside the work folder {self.work}")
        rel = _rel(target, self.root)
        try:
            _fail_point(f"stage:{rel}")
            _fsync_tree(tree)
        except OSError as exc:
            raise ToolError(
                f"{rel}: its new version in {_rel(tree, self.root)} could not be flushed to "
                f"disk ({exc.strerror or exc}); nothing was changed. Free some disk space and "
                f"run `python -m tools {self.command}` again."
            ) from None
        _crash_point(f"stage:{rel}")
        self.steps.append(self._step(target, tree))

    def _journal(self) -> dict[str, Any]:
        mkdirs: list[str] = []
        for step in self.steps:
            missing = [p for p in reversed(step.target.parents) if not p.exists()]
            mkdirs += [r for r in (_rel(p, self.root) for p in missing) if r not in mkdirs]
        for step in self.steps:
            step.existed = os.path.lexists(step.target)
        return {
            "journal_version": 1,
            "command": self.command,
            "pid": os.getpid(),
            "state": "committing",
            "work": _rel(self.work, self.root),
            "mkdirs": mkdirs,
            "steps": [
                {
                    "target": _rel(s.target, self.root),
                    "staged": _rel(s.staged, self.root),
                    "backup": _rel(s.backup, self.root),
                    "existed": s.existed,
                }
                for s in self.steps
            ],
        }

    def commit(self) -> None:
        with exclusive(self.build):
            journal = self._journal()
            try:
                _fsync_dir(self.work / "staged")
                _write_journal(self.build, journal)
            except OSError as exc:
                (self.build / f".{JOURNAL}.tmp").unlink(missing_ok=True)
                raise ToolError(
                    f"{self.build.name}/{JOURNAL} could not be written ({exc.strerror or exc}); "
                    "nothing was changed. Free some disk space and run "
                    f"`python -m tools {self.command}` again."
                ) from None
            try:
                self._renames(journal)
                _fail_point("commit")
                (self.build / JOURNAL).unlink()
                _fsync_dir(self.build)
            except BaseException as exc:
                self._abort(journal, exc)
                raise
            _crash_point("commit")

    def _renames(self, journal: dict[str, Any]) -> None:
        for folder in journal["mkdirs"]:
            (self.root / folder).mkdir(exist_ok=True)
        for number, step in enumerate(self.steps):
            rel = _rel(step.target, self.root)
            if step.existed:
                _fail_point(f"aside:{number}", f"aside:{rel}")
                os.rename(step.target, step.backup)
                _crash_point(f"aside:{number}", f"aside:{rel}")
            _fail_point(f"install:{number}", f"install:{rel}")
            os.rename(step.staged, step.target)
            _crash_point(f"install:{number}", f"install:{rel}")
        for folder in {step.target.parent for step in self.steps} | {self.work / "backup"}:
            _fsync_dir(folder)

    def _abort(self, journal: dict[str, Any], exc: BaseException) -> None:
        """Undo in this process; raise the ToolError to show (or return: re-raise `exc`)."""
        try:
            _roll_back(journal, self.root)
        except OSError as err:
            raise ToolError(
                f"a step of `python -m tools {self.command}` failed ({exc}) and putting the "
                f"previous files back failed too ({err}). Nothing is lost: "
                f"{self.build.name}/{JOURNAL} records what is where, and the next "
                "`python -m tools` command finishes the rollback (free disk space or fix "
                "permissions first)."
            ) from exc
        (self.build / JOURNAL).unlink(missing_ok=True)
        _fsync_dir(self.build)
        if isinstance(exc, OSError):
            raise ToolError(
                f"could not move the new files into place ({exc}); every file was restored "
                "as it was."
            ) from None


def _write_journal(build: Path, journal: dict[str, Any]) -> None:
    temp = build / f".{JOURNAL}.tmp"  # only the lock's holder writes it
    _fail_point("journal")
    with temp.open("w", encoding="utf-8") as handle:
        json.dump(journal, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, build / JOURNAL)
    _fsync_dir(build)
    _crash_point("journal")


def _inside(root: Path, relative: object) -> Path:
    if not isinstance(relative, str) or relative.startswith("/") or ".." in relative.split("/"):
        raise ValueError(f"not a path inside the project: {relative!r}")
    return root / relative


def _roll_back(journal: dict[str, Any], root: Path) -> int:
    """Undo every step already taken, last first; return how many had been taken.

    Idempotent: each step's state is read off the filesystem (see the module docstring).
    """
    undone = 0
    steps = journal["steps"]
    for number in reversed(range(len(steps))):
        step = steps[number]
        target, staged, backup = (_inside(root, step[k]) for k in ("target", "staged", "backup"))
        taken = False
        if not os.path.lexists(staged) and os.path.lexists(target):
            os.rename(target, staged)  # the new version goes back where it was staged
            taken = True
        if os.path.lexists(backup):
            if os.path.lexists(target):
                raise OSError(errno.EEXIST, f"{step['target']} and its backup both exist")
            os.rename(backup, target)
            taken = True
        undone += taken
        _crash_point(f"rollback:{number}")
    for folder in reversed(journal["mkdirs"]):
        with contextlib.suppress(OSError):
            _inside(root, folder).rmdir()  # only if empty: anything else there stays
    for folder in {_inside(root, s["target"]).parent for s in steps}:
        if folder.is_dir():
            _fsync_dir(folder)
    return undone


# -- recovery ------------------------------------------------------------------------------


def recover(build: Path = BUILD) -> str | None:
    """Roll back a transaction a killed process left half-done; remove dead scratch folders.

    Cheap when there is nothing to do (one directory listing). Prints, and returns, one
    line saying what it did; None when it did nothing.
    """
    try:
        names = os.listdir(build)
    except (FileNotFoundError, NotADirectoryError):
        return None
    marker = f".{JOURNAL}.tmp"
    if not any(
        n in (JOURNAL, marker) or n.startswith(LEGACY_PREFIXES) or (build / n / OWNER).exists()
        for n in names
    ):
        return None
    journal = build / JOURNAL
    try:
        with exclusive(build):
            did = [_recover_journal(journal, build)] if journal.exists() else []
            (build / marker).unlink(missing_ok=True)
            removed = stale_scratch(build)
            for folder in removed:
                shutil.rmtree(folder, ignore_errors=True)
    except PermissionError:
        if journal.exists():
            raise ToolError(
                f"{_rel(journal, build.parent)}: a command was killed while replacing files, "
                f"and {build.name}/ is not writable, so they cannot be put back. Make "
                f"{build.name}/ writable and run the command again."
            ) from None
        return None
    if removed:
        folders = ", ".join(_rel(f, build.parent) for f in removed)
        did.append(f"removed {len(removed)} scratch folder(s) of killed commands ({folders})")
    if not did:
        return None
    line = "; ".join(did)
    print(line, file=sys.stderr)
    return line


def _recover_journal(journal: Path, build: Path) -> str:
    """Roll back the journal's transaction (its work folder is then stale); say what was done."""
    root = build.parent
    rel = _rel(journal, root)
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        work = _inside(root, data["work"])
        command = str(data["command"])
        steps = data["steps"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ToolError(
            f"{rel}: not a journal this version can read ({exc}). A command was killed "
            f"while replacing files; compare the checkout with git, restore what is missing "
            f"from the backup/ folder of the scratch folder it names, then delete {rel}."
        ) from None
    try:
        undone = _roll_back(data, root)
        journal.unlink()
        _fsync_dir(build)
    except (OSError, ValueError) as exc:
        raise ToolError(
            f"{rel}: a `python -m tools {command}` was killed while replacing files, and "
            f"putting the previous versions back failed ({exc}). They are in "
            f"{_rel(work, root)}/backup/ and {rel} says where each belongs: fix the cause "
            f"(disk space, permissions) and run the command again, or move them back by hand "
            f"and delete {rel}."
        ) from None
    targets = ", ".join(s["target"] for s in steps)
    return (
        f"recovered an interrupted `{command}` (pid {data.get('pid')}): rolled back "
        f"{undone} of {len(steps)} replacement(s) ({targets}); those files are as before it"
    )


def replace_files(files: dict[Path, bytes], command: str, build: Path = BUILD) -> None:
    """Replace `files` (path -> new bytes) as one transaction."""
    with scratch("files-", build) as work:
        transaction = Transaction(work, command)
        for target, data in files.items():
            transaction.add_file(target, data)
        transaction.commit()
