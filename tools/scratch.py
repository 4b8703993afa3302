"""Scratch folders under `.build/`, their owner locks, and the lock on `.build/` itself.

Commands stage their work in a fresh folder `.build/PREFIX*` (`scratch()`). Each holds a
lock of its own (`.owner`, with the owner's pid; an flock, released by the kernel when its
process dies, however it dies) for as long as its process lives; `stale_scratch()` finds
those whose lock is free, and `tools.transaction.recover()` (run first by every
`python -m tools` command) removes them, so a killed command leaves nothing behind after
the next one. Concurrent commands stay safe: a live folder is never touched.

`exclusive()` is the lock on `.build/` (an flock on the folder): one journal
(tools.transaction), scratch creation and cleanup at a time. Kept apart from the
transaction so that code needing only a scratch folder (drift staging, the generator's
owner-lock descriptor) does not depend on the journal protocol.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from tools.errors import ToolError

# As tools.manifest.ROOT, without importing the manifest (and the runtime behind it):
# recover() runs before every command, so this module must stay cheap to import.
ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / ".build"
# The journal of tools.transaction, in .build/: a scratch folder it names is kept.
JOURNAL = "transaction.json"
OWNER = ".owner"
# Scratch folders of versions that had no owner lock: removed once they are this old.
LEGACY_PREFIXES = ("regen-", "update-", "drift-")
LEGACY_AGE_S = 3600


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


# -- the lock on .build/ ---------------------------------------------------------------

_local = threading.local()  # .held: build folder -> depth, for this thread


@contextlib.contextmanager
def exclusive(build: Path = BUILD) -> Iterator[None]:
    """Hold the lock on `.build/`: one journal, scratch creation and cleanup at a time.

    Re-entrant in one thread (regen holds it while it reads the lock file and commits);
    another thread, like another process, waits for it.
    """
    held: dict[Path, int] = _local.__dict__.setdefault("held", {})
    if build in held:
        held[build] += 1
        try:
            yield
        finally:
            held[build] -= 1
        return
    build.mkdir(parents=True, exist_ok=True)
    # The folder itself is locked: a lock file would be one more file a command leaves.
    fd = os.open(build, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        held[build] = 1
        try:
            yield
        finally:
            del held[build]
    finally:
        os.close(fd)  # releases the lock


# -- scratch folders -----------------------------------------------------------------------


# Scratch folder -> the descriptor holding its owner lock, while its block runs.
_owner_fds: dict[Path, int] = {}


def owner_fd(path: Path) -> int | None:
    """The owner-lock descriptor of the scratch folder holding `path`, if one is open.
    A child process given it (`pass_fds`) keeps the folder locked as long as it runs: a
    generator still writing after its parent was killed keeps recover() off the folder."""
    for folder in (path, *path.parents):
        fd = _owner_fds.get(folder)
        if fd is not None:
            return fd
    return None


@contextlib.contextmanager
def scratch(prefix: str, build: Path = BUILD) -> Iterator[Path]:
    """A fresh folder `.build/PREFIX*`, locked as ours until the block ends, then removed.

    If a process dies inside the block, the next `recover()` removes the folder. A folder
    a failed rollback still needs (the journal names it) is left for `recover()`.
    """
    try:
        with exclusive(build):  # so recover() never sees a folder not yet locked
            folder = Path(tempfile.mkdtemp(prefix=prefix, dir=build))
            try:
                fd = os.open(folder / OWNER, os.O_RDWR | os.O_CREAT, 0o644)
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                os.write(fd, f"{os.getpid()}\n".encode())
            except OSError:
                shutil.rmtree(folder, ignore_errors=True)
                raise
    except OSError as exc:
        raise ToolError(
            f"{_rel(build, build.parent)}/: could not create a scratch folder there "
            f"({exc.strerror or exc}); nothing was changed. Free some disk space or make "
            f"{_rel(build, build.parent)}/ writable, then run the command again."
        ) from None
    _owner_fds[folder] = fd
    try:
        yield folder
    finally:
        try:
            if not _journal_needs(folder, build):
                shutil.rmtree(folder, ignore_errors=True)
        finally:
            del _owner_fds[folder]
            os.close(fd)


def _owner_alive(folder: Path) -> bool:
    try:
        fd = os.open(folder / OWNER, os.O_RDWR)
    except FileNotFoundError:  # written by a version without owner locks
        return folder.stat().st_mtime + LEGACY_AGE_S > time.time()
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _journal_needs(folder: Path, build: Path) -> bool:
    journal = build / JOURNAL
    if not journal.exists():
        return False
    try:
        work = json.loads(journal.read_text(encoding="utf-8")).get("work")
    except (OSError, ValueError, AttributeError):
        return True  # unreadable: keep everything, recover() will say so
    return bool(work == _rel(folder, build.parent))


def stale_scratch(build: Path) -> list[Path]:
    """The scratch folders in `build` whose owner is gone (or, without an owner lock, old)."""
    found = []
    for entry in sorted(build.iterdir()):
        if entry.is_symlink() or not entry.is_dir():
            continue
        ours = (entry / OWNER).exists() or entry.name.startswith(LEGACY_PREFIXES)
        if ours and not _owner_alive(entry):
            found.append(entry)
    return found
