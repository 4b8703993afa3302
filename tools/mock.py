"""Prism mocks for several providers, and the `mock` / `mock-session` commands.

`MockFleet` runs several `MockServer`s (tools.mock_server: one Prism process each, and
how none is left running), booting in parallel, restarts any that die, and stops them
all; `running_mocks()` is the context manager the tests use; `serve()` is
`python -m tools mock`; `session()` is `python -m tools mock-session`, which
`image-classify --mock` runs as a subprocess (the runtime never imports the pipeline).
Start fleets from a thread that lives as long as they should (the main thread, as the
CLI and pytest do): see tools.mock_server on PR_SET_PDEATHSIG.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType, TracebackType

from tools.effective import write_mock_spec
from tools.errors import ToolError
from tools.manifest import ROOT, Provider, select
from tools.mock_server import MockServer, exit_text

MOCK_DIR = ROOT / ".build" / "mock"


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
                f"prism for {key} (port {server.port}) died with exit code {exit_text(code)}; "
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
