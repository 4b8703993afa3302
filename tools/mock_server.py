"""One Prism mock server process: started, checked ready, supervised output, stopped.

`MockServer` is one Prism process for one provider, serving its effective spec on the
provider's fixed loopback port (`mock_port` in the manifest), always with `--errors`;
`prism_pids()` finds Prism processes by command line (orphan checks, port holders).
Several servers together, and the `mock` / `mock-session` commands, are tools.mock; this
module is the single process, so its lifecycle (and the no-orphans guarantee below) can be
read in one place.

No orphans: each Prism runs in its own process group (stopped with SIGTERM, then SIGKILL,
to the whole group) and, on Linux, asks the kernel for SIGTERM when the thread that
started it dies (PR_SET_PDEATHSIG), so even a SIGKILLed test run leaves no node process.
The kernel ties that signal to the starting *thread*: start servers from a thread that
lives as long as they should (the main thread, as the CLI and pytest do).
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import ctypes.util
import errno
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from tools.errors import ToolError
from tools.manifest import ROOT, Provider

PRISM = ROOT / "node_modules" / ".bin" / "prism"
HOST = "127.0.0.1"
LOG_LINES = 500

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_PR_SET_PDEATHSIG = 1


def _pdeathsig_hook() -> Callable[[], None] | None:
    """A preexec_fn asking the kernel to SIGTERM the child when our thread dies (Linux only).

    libc and prctl are resolved here, in the parent: between fork and exec the child only
    makes the foreign call. If we died before prctl took effect (the child was reparented
    already), the child exits at once instead of becoming an orphan.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    parent = os.getpid()

    def hook() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return hook


def exit_text(code: int | None) -> str:
    """An exit code as text, with the signal's name when a signal ended the process."""
    if code is not None and code < 0:
        with contextlib.suppress(ValueError):
            return f"{code} ({signal.Signals(-code).name})"
    return str(code)


def _indented(lines: Sequence[str]) -> str:
    return "\n".join(f"    {line}" for line in lines) if lines else "    (no output)"


def _port_holders(port: int) -> list[int]:
    """PIDs of Prism processes (ours or a leftover) started for this port."""
    return [pid for pid in prism_pids(f"--port {port} ") if "prism" in _cmdline(pid)]


class MockServer:
    """One Prism process serving one provider's effective spec on its mock port."""

    def __init__(
        self, provider: Provider, spec_path: Path, *, dynamic: bool = False, seed: str = "1"
    ) -> None:
        self.provider = provider
        self.spec_path = Path(spec_path)
        self.dynamic = dynamic
        self.seed = seed
        self.port = provider.mock_port
        self.base_url = f"http://{HOST}:{self.port}"
        self.restarts = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._log: collections.deque[str] = collections.deque(maxlen=LOG_LINES)
        self._reader: threading.Thread | None = None

    def __repr__(self) -> str:
        state = "alive" if self.alive() else "stopped"
        return f"<MockServer {self.provider.key} {self.base_url} pid={self.pid} {state}>"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def command(self) -> list[str]:
        command = [str(PRISM), "mock", str(self.spec_path), "--host", HOST]
        command += ["--port", str(self.port), "--errors"]
        if self.dynamic:
            command += ["--dynamic", "--seed", self.seed]
        return command

    def _check_port_free(self) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            # SO_REUSEADDR as Node sets it: TIME_WAIT leftovers of an earlier mock are no
            # conflict, only a socket that is bound or listening is.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((HOST, self.port))
            except OSError as exc:
                if exc.errno not in (errno.EADDRINUSE, errno.EACCES):
                    raise
                holders = _port_holders(self.port)
                leftover = (
                    f" It looks like a Prism left over from an earlier run (pid "
                    f"{', '.join(map(str, holders))}); stop it with `kill PID`."
                    if holders
                    else ""
                )
                raise ToolError(
                    f"cannot start the Prism mock for {self.provider.key}: port {self.port} "
                    f"on {HOST} is already in use ({exc.strerror}).{leftover} Find the process "
                    f"that holds it with `ss -ltnp 'sport = :{self.port}'` (or "
                    f"`lsof -nP -iTCP:{self.port} -sTCP:LISTEN`) and stop it, or give "
                    f"{self.provider.key} another mock_port in image_classify/providers.toml."
                ) from None

    def start(self) -> None:
        """Start Prism (does not wait for it to listen: see wait_ready)."""
        if self.alive():
            return
        if not PRISM.exists():
            raise ToolError(
                f"Prism is not installed: {PRISM} does not exist. "
                "Run `bash scripts/setup.sh` (or `npm ci` in the project root) to install the "
                "version pinned in package-lock.json."
            )
        if not self.spec_path.is_file():
            raise ToolError(
                f"cannot start the Prism mock for {self.provider.key}: its spec "
                f"{self.spec_path} does not exist. Write it with `python -m tools effective`."
            )
        self._check_port_free()
        self.process = subprocess.Popen(
            self.command(),
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_pdeathsig_hook(),
        )
        assert self.process.stdout is not None
        self._reader = threading.Thread(
            target=self._read,
            args=(self.process.stdout,),
            name=f"prism-log-{self.provider.key}",
            daemon=True,
        )
        self._reader.start()

    def _read(self, stream: IO[bytes]) -> None:
        with stream:
            for raw in stream:
                line = _ANSI.sub("", raw.decode("utf-8", "replace")).rstrip()
                if line:
                    self._log.append(line)

    def _drain(self, timeout: float = 1.0) -> None:
        """Let the log reader take what the process wrote before it ended."""
        if self._reader is not None:
            self._reader.join(timeout)

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Return once Prism accepts TCP connections on its port; ToolError if it dies first."""
        deadline = time.monotonic() + timeout
        while True:
            process = self.process
            if process is None:
                raise ToolError(f"the Prism mock for {self.provider.key} was never started.")
            code = process.poll()
            if code is not None:
                self._drain()
                raise ToolError(
                    f"Prism for {self.provider.key} (port {self.port}, spec {self.spec_path}) "
                    f"exited with code {exit_text(code)} before it was ready. Last log lines:\n"
                    f"{_indented(self.last_log_lines())}"
                )
            with contextlib.suppress(OSError):
                with socket.create_connection((HOST, self.port), timeout=0.5):
                    pass
                if process.poll() is None:
                    return
                continue  # it died just now: report that on the next round
            if time.monotonic() >= deadline:
                lines = self.last_log_lines()
                self.stop()
                raise ToolError(
                    f"Prism for {self.provider.key} did not listen on port {self.port} within "
                    f"{timeout:g} s (spec {self.spec_path}); stopped it. Last log lines:\n"
                    f"{_indented(lines)}"
                )
            time.sleep(0.05)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _terminate(self) -> None:
        """SIGTERM the process group while its leader is ours (not yet reaped)."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)

    def _wait_or_kill(self, timeout: float) -> None:
        process = self.process
        if process is None:
            return
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        self._drain()

    def stop(self, timeout: float = 5.0) -> None:
        """SIGTERM the process group, wait up to `timeout`, then SIGKILL. Idempotent."""
        self._terminate()
        self._wait_or_kill(timeout)

    def restart(self) -> None:
        """Stop (if needed) and start again; call wait_ready afterwards."""
        self.stop()
        self.restarts += 1
        self._log.append(f"--- restart {self.restarts} ---")
        self.start()

    def last_log_lines(self, n: int = 20) -> list[str]:
        return list(self._log)[-n:] if n > 0 else []


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
