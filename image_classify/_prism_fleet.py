"""Several Prism mocks together: booted in parallel, supervised, stopped together.

`running(keys)` serves the documents the wheel ships (image_classify/_specs/, the same
ones the pipeline's mocks serve) for the named providers, on their manifest ports or on
free ones, and stops every Prism on exit (also on an exception or KeyboardInterrupt).
`serve()` runs a fleet until SIGTERM or Ctrl-C, restarting a Prism that dies (Prism 5.x
crashes on some multipart input, stoplightio/prism#2672): `image-classify mock` and
`python -m tools mock`. One Prism process is image_classify._prism.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import FrameType, TracebackType
from typing import Generic, Literal, TypeVar

from image_classify._prism import PrismError, PrismProcess, exit_text, find_prism, stop_all
from image_classify._providers import provider_info, providers
from image_classify._spec_files import spec_path

# The credential every client sends to a mock (the CLI's --mock, the main job, the pytest
# plugin): Prism and the fake check only that one is there.
MOCK_KEY = "mock-key"

Say = Callable[[str], object]
Server = TypeVar("Server", bound=PrismProcess)


def _say_flushed(line: str) -> None:
    print(line, flush=True)


class PrismFleet(Generic[Server]):
    """Prism processes by key: started together, restarted when dead, stopped together."""

    def __init__(self, servers: Mapping[str, Server] | None = None, *, say: Say = print) -> None:
        self.servers: dict[str, Server] = dict(servers or {})
        self.say = say
        self._running = False

    def __enter__(self) -> PrismFleet[Server]:
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

    def start(self) -> dict[str, str]:
        """Start every Prism, then wait for each (they boot in parallel); key -> base URL.
        A failure stops the ones already started."""
        if self._running:
            return self.urls
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
            server.wait_or_kill(0)
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
        stop_all(list(self.servers.values()), timeout)


def check_distinct_ports(ports: Mapping[str, int]) -> None:
    """Two providers on one manifest port cannot both be served: say which."""
    seen: dict[int, str] = {}
    for key, port in ports.items():
        other = seen.setdefault(port, key)
        if other != key:
            raise PrismError(
                f"providers {other} and {key} both use mock_port {port} in "
                "image_classify/providers.toml. Give each provider its own port."
            )


def mock_fleet(
    keys: Iterable[str] | None = None,
    *,
    ports: Literal["manifest", "free"] = "manifest",
    dynamic: bool = False,
    seed: str = "1",
    prism: Sequence[str] | None = None,
    say: Say = print,
) -> PrismFleet[PrismProcess]:
    """A fleet (not started) serving the shipped mock documents of `keys` (all when empty)."""
    chosen = [provider_info(key).key for key in keys or ()] or list(providers())
    chosen = list(dict.fromkeys(chosen))
    manifest_ports = {key: providers()[key].mock_port for key in chosen}
    if ports == "manifest":
        check_distinct_ports(manifest_ports)
    prefix = list(prism) if prism is not None else find_prism()
    servers = {
        key: PrismProcess(
            spec_path(key, mock=True),
            port=manifest_ports[key] if ports == "manifest" else 0,
            name=key,
            dynamic=dynamic,
            seed=seed,
            prism=prefix,
        )
        for key in chosen
    }
    return PrismFleet(servers, say=say)


@contextlib.contextmanager
def running(
    keys: Iterable[str] | None = None,
    *,
    ports: Literal["manifest", "free"] = "manifest",
    dynamic: bool = False,
    seed: str = "1",
    prism: Sequence[str] | None = None,
) -> Iterator[dict[str, str]]:
    """Prism mocks of the named providers (all when empty), as key -> base URL.

    `ports="manifest"` serves each on its manifest `mock_port`; `"free"` on free ports.
    Everything is stopped on exit, also on an exception or KeyboardInterrupt.
    """
    fleet = mock_fleet(keys, ports=ports, dynamic=dynamic, seed=seed, prism=prism)
    with fleet:
        yield dict(fleet.urls)


class _Stop(BaseException):
    """Raised by serve()'s signal handler to leave the supervision loop."""


def serve(fleet: PrismFleet[Server], *, mode: str, say: Say = _say_flushed) -> int:
    """Run `fleet` until SIGTERM or Ctrl-C, restarting dead servers; print one line per
    server (`KEY  URL  (spec: PATH)`) once all listen, and `stopped` at the end; 0."""
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
                say(f"{key:<{width}}  {server.base_url}  (spec: {server.spec_path})")
            say(
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
    say("stopped")
    return 0
