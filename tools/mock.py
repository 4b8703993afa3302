"""Prism mock servers: started, supervised and stopped by our own code, never left running.

One `MockServer` is one Prism process for one provider, serving its effective spec on the
provider's fixed loopback port (`mock_port` in the manifest), always with `--errors`.
`MockFleet` runs several of them (booting in parallel), restarts any that die, and stops
them all; `running_mocks()` is the context manager the tests use; `serve()` is
`python -m tools mock`; `session()` is `python -m tools mock-session`, which
`image-classify --mock` runs as a subprocess (the runtime never imports the pipeline).

No orphans: each Prism runs in its own process group (stopped with SIGTERM, then SIGKILL,
to the whole group) and, on Linux, asks the kernel for SIGTERM when the thread that
started it dies (PR_SET_PDEATHSIG), so even a SIGKILLed test run leaves no node process.
The kernel ties that signal to the starting *thread*: start fleets from a thread that
lives as long as they should (the main thread, as the CLI and pytest do).
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
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO

from tools.effective import write_mock_spec
from tools.errors import ToolError
from tools.manifest import ROOT, Provider, select

PRISM = ROOT / "node_modules" / ".bin" / "prism"
MOCK_DIR = ROOT / ".build" / "mock"
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


def _exit_text(code: int | None) -> str:
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
                    f"exited with code {_exit_text(code)} before it was ready. Last log lines:\n"
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


def _say_flushed(line: str) -> None:
    print(line, flush=True)


class MockFleet:
    """Prism mocks for several providers: booted in parallel, supervised, stopped together."""

    def __init__(
        self,
        providers: Sequence[Provider],
        *,
        dynamic: bool = False,
        seed: str = "1",
        spec_dir: Path = MOCK_DIR,
        say: Callable[[str], object] = print,
    ) -> None:
        self.providers = list(providers)
        self.dynamic = dynamic
        self.seed = seed
        self.spec_dir = Path(spec_dir)
        self.say = say
        self.servers: dict[str, MockServer] = {}
        self._running = False

    def __enter__(self) -> MockFleet:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def urls(self) -> dict[str, str]:
        return {key: server.base_url for key, server in self.servers.items()}

    def _check_ports(self) -> None:
        seen: dict[int, str] = {}
        for provider in self.providers:
            other = seen.setdefault(provider.mock_port, provider.key)
            if other != provider.key:
                raise ToolError(
                    f"providers {other} and {provider.key} both use mock_port "
                    f"{provider.mock_port} in image_classify/providers.toml. "
                    "Give each provider its own port."
                )

    def start(self) -> dict[str, str]:
        """Write the effective specs, start every Prism, then wait for each; key -> base URL."""
        if self._running:
            return self.urls
        self._check_ports()
        specs = {p.key: write_mock_spec(p, self.spec_dir) for p in self.providers}
        self.servers = {
            p.key: MockServer(p, specs[p.key], dynamic=self.dynamic, seed=self.seed)
            for p in self.providers
        }
        self._running = True
        try:
            for server in self.servers.values():
                server.start()
            for server in self.servers.values():
                server.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self.urls

    def ensure_alive(self) -> list[str]:
        """Restart every server that died (reporting it through `say`); the keys restarted."""
        if not self._running:
            return []
        restarted = []
        for key, server in self.servers.items():
            if server.process is None or server.alive():
                continue
            code = server.process.returncode
            server._drain()
            self.say(
                f"prism for {key} (port {server.port}) died with exit code {_exit_text(code)}; "
                "last log lines:"
            )
            for line in server.last_log_lines() or ["(no output)"]:
                self.say(f"    {line}")
            server.restart()
            server.wait_ready()
            self.say(f"prism for {key} restarted ({server.base_url}, pid {server.pid})")
            restarted.append(key)
        return restarted

    def stop(self, timeout: float = 5.0) -> None:
        """Stop every server: SIGTERM to all first, then wait for each. Idempotent."""
        self._running = False
        servers = list(self.servers.values())
        for server in servers:
            server._terminate()
        for server in servers:
            server._wait_or_kill(timeout)


@contextlib.contextmanager
def running_mocks(
    names: list[str] | None = None, *, dynamic: bool = False, seed: str = "1"
) -> Iterator[dict[str, str]]:
    """Prism mocks for the named providers (all when empty), as key -> base URL.

    Everything is stopped on exit, also on an exception or KeyboardInterrupt.
    """
    with MockFleet(select(names), dynamic=dynamic, seed=seed) as fleet:
        yield dict(fleet.urls)


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


class _Stop(BaseException):
    """Raised by serve()'s signal handler to leave the supervision loop."""


def serve(names: list[str] | None, *, dynamic: bool = False, seed: str = "1") -> int:
    """`python -m tools mock`: run the mocks until SIGTERM or Ctrl-C, restarting dead ones."""
    providers = select(names)
    fleet = MockFleet(providers, dynamic=dynamic, seed=seed, say=_say_flushed)
    stopping = False

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        if not stopping:  # a second signal while stopping must not interrupt the cleanup
            stopping = True
            raise _Stop

    handled = (signal.SIGTERM, signal.SIGINT)
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = {s: signal.signal(s, on_signal) for s in handled} if in_main_thread else {}
    try:
        try:
            started = time.monotonic()
            fleet.start()
            width = max(len(key) for key in fleet.servers)
            for key, server in fleet.servers.items():
                _say_flushed(f"{key:<{width}}  {server.base_url}  (spec: {server.spec_path})")
            mode = f"dynamic, seed {seed}" if dynamic else "static examples"
            _say_flushed(
                f"{len(fleet.servers)} Prism mock(s) ready in {time.monotonic() - started:.1f} s "
                f"({mode}, --errors); SIGTERM or Ctrl-C stops them"
            )
            while True:
                time.sleep(0.5)
                fleet.ensure_alive()
        except (_Stop, KeyboardInterrupt):
            stopping = True
        finally:
            stopping = True
            fleet.stop()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    _say_flushed("stopped")
    return 0


def session(names: list[str] | None) -> int:
    """`python -m tools mock-session`: start the mocks, print one JSON line
    `{"urls": {key: base URL}}` once every one listens, and stop them when stdin closes
    (the caller ended or closed it) or on SIGTERM / Ctrl-C. Nothing else goes to stdout;
    a failure to start is a ToolError (one `error: ` paragraph on stderr, exit 1)."""
    closed = threading.Event()

    def watch_stdin() -> None:
        with contextlib.suppress(OSError, ValueError):
            while os.read(sys.stdin.fileno(), 4096):
                pass
        closed.set()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        closed.set()

    handled = (signal.SIGTERM, signal.SIGINT)
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = {s: signal.signal(s, on_signal) for s in handled} if in_main_thread else {}
    try:
        with running_mocks(names) as urls:
            print(json.dumps({"urls": urls}), flush=True)
            threading.Thread(target=watch_stdin, name="mock-session-stdin", daemon=True).start()
            while not closed.wait(0.5):
                pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0
