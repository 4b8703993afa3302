"""The runtime's Prism launcher: one Prism process, started, checked ready, stopped.

`PrismProcess` is one Prism serving one OpenAPI document on 127.0.0.1, always with
`--errors`, on a given port or on a free one (port 0), with the command `find_prism()`
finds unless given one (`PRISM_VERSION`, IMAGE_CLASSIFY_PRISM, node_modules/.bin/prism,
npx: image_classify._prism_find, re-exported here with the errors). Several together,
and `running()`, are image_classify._prism_fleet; tools/mock_server.py builds the
pipeline's MockServer on `PrismProcess`.

No orphans: each Prism runs in its own process group (stopped with SIGTERM, then SIGKILL,
to the whole group), led by a small Python guard (_GUARD) that runs the Prism command.
On Linux the guard asks the kernel for SIGTERM when the thread that started it dies
(PR_SET_PDEATHSIG) and then stops its whole group, so even a SIGKILLed parent leaves no
node process. The signal is not inherited, hence the guard: `npx` runs Prism as a
grandchild (npm exec -> sh -> node), which outlived a SIGKILLed parent when PDEATHSIG was
set on npx itself (measured). The kernel ties that signal to the starting *thread*: start
Prism from a thread that lives as long as it should (the main thread, as the CLI and
pytest do).
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import ctypes.util
import errno
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from image_classify._prism_find import (
    HOST,
    PRISM_ENV,
    PRISM_PACKAGE,
    PRISM_VERSION,
    exit_text,
    find_prism,
    free_port,
    not_found_advice,
    port_holders,
    prism_pids,
)
from image_classify.errors import PrismError, PrismNotFoundError

__all__ = [
    "HOST",
    "PRISM_ENV",
    "PRISM_PACKAGE",
    "PRISM_VERSION",
    "PrismError",
    "PrismNotFoundError",
    "PrismProcess",
    "exit_text",
    "find_prism",
    "free_port",
    "prism_pids",
    "stop_all",
]

LOG_LINES = 500
READY_TIMEOUT = 60.0
# npx downloads Prism on its first run: measured 10 s here with a cold npm cache (1.4 s
# warm); a slow network needs far more.
NPX_READY_TIMEOUT = 120.0
PORT_ATTEMPTS = 5  # port 0: new free ports tried when Prism finds its port taken
# Ready is a TCP connect *and* this line in Prism's log: a connect alone may reach whoever
# took the port between our check and Prism's listen (Prism then dies with EADDRINUSE).
LISTENING = "Prism is listening on"

_ARGV_ENV = "IMAGE_CLASSIFY_GUARDED_ARGV"
# The process group's leader: runs the command (argv from _ARGV_ENV, so only the command's
# own processes carry its arguments for prism_pids) and exits as it exits (same code or
# signal), SIGTERMing what is left of its group; on SIGTERM (from stop(), or from the
# kernel when our thread dies) it stops the whole group: TERM, then KILL after 5 s. No
# Popen.wait in the handler: it would wait for the lock the interrupted wait holds.
_GUARD = f"""
import json, os, signal, subprocess, sys, time
child = subprocess.Popen(json.loads(os.environ.pop({_ARGV_ENV!r})))
def kill(signum, frame):
    os.killpg(0, signal.SIGKILL)
def stop(signum, frame):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, kill)
    signal.alarm(5)
    os.killpg(0, signal.SIGTERM)
signal.signal(signal.SIGTERM, stop)
code = child.wait()
signal.signal(signal.SIGTERM, signal.SIG_IGN)
os.killpg(0, signal.SIGTERM)
if code < 0:
    signal.signal(-code, signal.SIG_DFL)
    os.kill(os.getpid(), -code)
    time.sleep(1)
sys.exit(code)
"""

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


def _indented(lines: Sequence[str]) -> str:
    return "\n".join(f"    {line}" for line in lines) if lines else "    (no output)"


class PrismProcess:
    """One Prism serving one OpenAPI document on 127.0.0.1 (`--errors`, always).

    `port=0` picks a free port at start (and another if Prism finds it taken meanwhile);
    `prism` is the command prefix (default: find_prism() at start)."""

    def __init__(
        self,
        spec: Path | str,
        *,
        port: int = 0,
        name: str | None = None,
        dynamic: bool = False,
        seed: str = "1",
        prism: Sequence[str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.spec_path = Path(spec)
        self.name = name or self.spec_path.stem
        self.requested_port = port
        self.port = port
        self.dynamic = dynamic
        self.seed = seed
        self.prism = list(prism) if prism is not None else None
        self.cwd = cwd
        self.restarts = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._log: collections.deque[str] = collections.deque(maxlen=LOG_LINES)
        self._reader: threading.Thread | None = None
        self._port_taken = False  # this run's log said EADDRINUSE
        self._listening = False  # this run's log said "Prism is listening on"
        self._attempts = 0

    def __repr__(self) -> str:
        state = "alive" if self.alive() else "stopped"
        return f"<{type(self).__name__} {self.name} {self.base_url} pid={self.pid} {state}>"

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def command(self) -> list[str]:
        prefix = self.prism if self.prism is not None else find_prism()
        command = [*prefix, "mock", str(self.spec_path), "--host", HOST]
        command += ["--port", str(self.port), "--errors"]
        if self.dynamic:
            command += ["--dynamic", "--seed", self.seed]
        return command

    def default_timeout(self) -> float:
        """How long wait_ready waits by default: longer when npx may download Prism first."""
        prefix = self.prism if self.prism is not None else []
        return NPX_READY_TIMEOUT if prefix and Path(prefix[0]).name == "npx" else READY_TIMEOUT

    def port_advice(self) -> str:
        """Said after how to find a port's holder (a subclass names its port's source)."""
        return ""

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
                holders = port_holders(self.port)
                leftover = (
                    f" It looks like a Prism left over from an earlier run (pid "
                    f"{', '.join(map(str, holders))}); stop it with `kill PID`."
                    if holders
                    else ""
                )
                raise PrismError(
                    f"cannot start the Prism mock for {self.name}: port {self.port} "
                    f"on {HOST} is already in use ({exc.strerror}).{leftover} Find the process "
                    f"that holds it with `ss -ltnp 'sport = :{self.port}'` (or "
                    f"`lsof -nP -iTCP:{self.port} -sTCP:LISTEN`) and stop it"
                    f"{self.port_advice()}."
                ) from None

    def start(self) -> None:
        """Start Prism (does not wait for it to listen: see wait_ready)."""
        if self.alive():
            return
        if not self.spec_path.is_file():
            raise PrismError(
                f"cannot start the Prism mock for {self.name}: its document {self.spec_path} "
                "does not exist. Reinstall image-classify-sdk (from a checkout: "
                "`python -m tools regen` writes image_classify/_specs/)."
            )
        if self.prism is None:
            self.prism = find_prism()
        self._attempts = 0
        if self.requested_port == 0:
            self.port = free_port()
        else:
            self._check_port_free()
        self._spawn()

    def _spawn(self) -> None:
        self._attempts += 1
        self._port_taken = self._listening = False
        command = self.command()
        executable = shutil.which(command[0])
        if executable is None:
            raise PrismError(
                f"cannot start the Prism mock for {self.name}: {command[0]} is not an "
                "executable file. " + not_found_advice()
            )
        guarded = [executable, *command[1:]]
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _GUARD],
                env={**os.environ, _ARGV_ENV: json.dumps(guarded)},
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_pdeathsig_hook(),
            )
        except OSError as exc:
            raise PrismError(
                f"cannot start the Prism mock for {self.name}: running {sys.executable} "
                f"(its guard) failed ({exc.strerror or exc})."
            ) from None
        assert self.process.stdout is not None
        self._reader = threading.Thread(
            target=self._read,
            args=(self.process.stdout,),
            name=f"prism-log-{self.name}",
            daemon=True,
        )
        self._reader.start()

    def _read(self, stream: IO[bytes]) -> None:
        with stream:
            for raw in stream:
                line = _ANSI.sub("", raw.decode("utf-8", "replace")).rstrip()
                if line:
                    self._port_taken = self._port_taken or "EADDRINUSE" in line
                    self._listening = self._listening or LISTENING in line
                    self._log.append(line)

    def _drain(self, timeout: float = 1.0) -> None:
        """Let the log reader take what the process wrote before it ended."""
        if self._reader is not None:
            self._reader.join(timeout)

    def _retry_on_another_port(self) -> bool:
        """Port 0 and Prism found the port we picked taken: start again on a new one."""
        if self.requested_port != 0 or not self._port_taken or self._attempts >= PORT_ATTEMPTS:
            return False
        taken, self.port = self.port, free_port()
        self._log.append(f"--- port {taken} was taken; starting again on port {self.port} ---")
        self._spawn()
        return True

    def wait_ready(self, timeout: float | None = None) -> None:
        """Return once Prism accepts TCP connections on its port and has said it listens;
        PrismError if it dies first (with its last log lines) or does not listen within
        `timeout` seconds (None: default_timeout())."""
        if timeout is None:
            timeout = self.default_timeout()
        deadline = time.monotonic() + timeout
        while True:
            process = self.process
            if process is None:
                raise PrismError(f"the Prism mock for {self.name} was never started.")
            code = process.poll()
            if code is not None:
                self._drain()
                if self._retry_on_another_port():
                    continue
                raise PrismError(
                    f"Prism for {self.name} (port {self.port}, spec {self.spec_path}) "
                    f"exited with code {exit_text(code)} before it was ready. Last log lines:\n"
                    f"{_indented(self.last_log_lines())}"
                )
            with contextlib.suppress(OSError):
                with socket.create_connection((HOST, self.port), timeout=0.5):
                    pass
                if process.poll() is None and self._listening:
                    return
                if process.poll() is not None:
                    continue  # it died just now: report that on the next round
            if time.monotonic() >= deadline:
                lines = self.last_log_lines()
                self.stop()
                raise PrismError(
                    f"Prism for {self.name} did not listen on port {self.port} within "
                    f"{timeout:g} s (spec {self.spec_path}); stopped it. Last log lines:\n"
                    f"{_indented(lines)}"
                )
            time.sleep(0.05)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def terminate(self) -> None:
        """SIGTERM the process group while its leader is ours (not yet reaped)."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)

    def wait_or_kill(self, timeout: float) -> None:
        """Wait up to `timeout` for the process to end, then SIGKILL its group."""
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
        self.terminate()
        self.wait_or_kill(timeout)

    def restart(self) -> None:
        """Stop (if needed) and start again; call wait_ready afterwards."""
        self.stop()
        self.restarts += 1
        self._log.append(f"--- restart {self.restarts} ---")
        self.start()

    def last_log_lines(self, n: int = 20) -> list[str]:
        return list(self._log)[-n:] if n > 0 else []


def stop_all(processes: Sequence[PrismProcess], timeout: float = 5.0) -> None:
    """SIGTERM every process first, then wait for each (so they stop in parallel)."""
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait_or_kill(timeout)
