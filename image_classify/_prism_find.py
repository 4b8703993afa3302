"""Where Prism comes from, and what the runtime's Prism launcher raises.

`find_prism()` finds the command that runs the pinned Prism (`PRISM_VERSION`): the
executable named by IMAGE_CLASSIFY_PRISM, `node_modules/.bin/prism` in the current folder
or in the project checkout this package runs from, else `npx --yes
@stoplight/prism-cli@PRISM_VERSION`. Import these from image_classify._prism (the
launcher, `PrismProcess`), which re-exports them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
from pathlib import Path

from image_classify.errors import PrismNotFoundError

PRISM_VERSION = "5.16.0"  # equal to package.json's pin and package-lock.json (a test checks)
PRISM_PACKAGE = f"@stoplight/prism-cli@{PRISM_VERSION}"
PRISM_ENV = "IMAGE_CLASSIFY_PRISM"
HOST = "127.0.0.1"
_CHECKOUT = Path(__file__).resolve().parent.parent


def not_found_advice() -> str:
    return (
        f"Install Node.js 18+ with npm (npx then fetches Prism {PRISM_VERSION} on first use), "
        f"or run `npm install {PRISM_PACKAGE}` in this folder, or set {PRISM_ENV} to the path "
        "of a prism executable. To test code without Node: the pytest plugin's fake "
        "(`image_classify_fake` fixture, image_classify.testing) needs no Node."
    )


def find_prism(cwd: Path | None = None) -> list[str]:
    """The command prefix that runs Prism (append `mock SPEC ...`), found in this order:
    IMAGE_CLASSIFY_PRISM, ./node_modules/.bin/prism (in `cwd`, default the current folder),
    the project checkout's node_modules/.bin/prism (running from source), npx."""
    configured = os.environ.get(PRISM_ENV, "").strip()
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file() or not os.access(path, os.X_OK):
            problem = "does not exist" if not path.exists() else "is not an executable file"
            raise PrismNotFoundError(
                f"{PRISM_ENV}={configured} {problem}. Point {PRISM_ENV} at the prism "
                f"executable (e.g. node_modules/.bin/prism after `npm install "
                f"{PRISM_PACKAGE}`), or unset it to use node_modules/.bin/prism or npx."
            )
        return [str(path)]
    folders = [Path.cwd() if cwd is None else Path(cwd)]
    if (_CHECKOUT / "package.json").is_file():
        folders.append(_CHECKOUT)
    for folder in folders:
        local = folder / "node_modules" / ".bin" / "prism"
        if local.is_file() and os.access(local, os.X_OK):
            return [str(local)]
    npx = shutil.which("npx")
    if npx is not None:
        return [npx, "--yes", PRISM_PACKAGE]
    raise PrismNotFoundError(
        f"cannot run the Prism mock server: {PRISM_ENV} is not set, there is no "
        f"node_modules/.bin/prism in {folders[0]}, and npx is not on PATH. " + not_found_advice()
    )


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def exit_text(code: int | None) -> str:
    """An exit code as text, with the signal's name when a signal ended the process."""
    if code is not None and code < 0:
        with contextlib.suppress(ValueError):
            return f"{code} ({signal.Signals(-code).name})"
    return str(code)


def _cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode("utf-8", "replace")


def prism_pids(marker: str) -> list[int]:
    """PIDs of live processes whose command line contains `marker` (orphan checks).

    Arguments are joined with single spaces (with a trailing one), so a marker may span
    arguments, e.g. "--port 4012 ".
    """
    proc = Path("/proc")
    if proc.is_dir():
        pids = sorted(int(entry.name) for entry in proc.iterdir() if entry.name.isdigit())
        found = [pid for pid in pids if marker in _cmdline(pid)]
    else:  # no procfs (macOS): ask ps
        listing = subprocess.run(
            ["ps", "-A", "-o", "pid=,args="], capture_output=True, text=True, check=False
        ).stdout
        found = []
        for row in listing.splitlines():
            pid_text, _, args = row.strip().partition(" ")
            if pid_text.isdigit() and marker in f"{args} ":
                found.append(int(pid_text))
    return [pid for pid in found if pid != os.getpid()]


def port_holders(port: int) -> list[int]:
    """PIDs of Prism processes (ours or a leftover) started for this port."""
    return [pid for pid in prism_pids(f"--port {port} ") if "prism" in _cmdline(pid)]
