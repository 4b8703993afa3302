"""Prism mocks for several providers, and the `mock` command.

`MockFleet` is image_classify._prism_fleet.PrismFleet (boot in parallel, restart any that
die, stop them all) over `MockServer`s (tools.mock_server: one Prism each, serving the
effective spec the pipeline writes to .build/mock/ with the checkout's Prism), with
ToolError messages; `running_mocks()` is the context manager the tests use; `serve()` is
`python -m tools mock` (the same loop as `image-classify mock`). Start fleets from a
thread that lives as long as they should (the main thread, as the CLI and pytest do):
see image_classify._prism on PR_SET_PDEATHSIG.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from image_classify._prism_fleet import PrismFleet, check_distinct_ports
from image_classify._prism_fleet import serve as serve_fleet
from tools.effective import write_mock_spec
from tools.manifest import ROOT, Provider, select
from tools.mock_server import MockServer, tool_errors

MOCK_DIR = ROOT / ".build" / "mock"


def _say_flushed(line: str) -> None:
    print(line, flush=True)


class MockFleet(PrismFleet[MockServer]):
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
        super().__init__(say=say)
        self.providers = list(providers)
        self.dynamic = dynamic
        self.seed = seed
        self.spec_dir = Path(spec_dir)

    def __enter__(self) -> MockFleet:
        self.start()
        return self

    def start(self) -> dict[str, str]:
        """Write the effective specs, start every Prism, then wait for each; key -> base URL."""
        if self._running:
            return self.urls
        with tool_errors():
            check_distinct_ports({p.key: p.mock_port for p in self.providers})
        specs = {p.key: write_mock_spec(p, self.spec_dir) for p in self.providers}
        self.servers = {
            p.key: MockServer(p, specs[p.key], dynamic=self.dynamic, seed=self.seed)
            for p in self.providers
        }
        with tool_errors():
            return super().start()

    def ensure_alive(self) -> list[str]:
        """Restart every server that died (reporting it through `say`); the keys restarted."""
        with tool_errors():
            return super().ensure_alive()


@contextlib.contextmanager
def running_mocks(
    names: list[str] | None = None, *, dynamic: bool = False, seed: str = "1"
) -> Iterator[dict[str, str]]:
    """Prism mocks for the named providers (all when empty), as key -> base URL.

    Everything is stopped on exit, also on an exception or KeyboardInterrupt.
    """
    with MockFleet(select(names), dynamic=dynamic, seed=seed) as fleet:
        yield dict(fleet.urls)


def serve(names: list[str] | None, *, dynamic: bool = False, seed: str = "1") -> int:
    """`python -m tools mock`: run the mocks until SIGTERM or Ctrl-C, restarting dead ones."""
    fleet = MockFleet(select(names), dynamic=dynamic, seed=seed, say=_say_flushed)
    mode = f"dynamic, seed {seed}" if dynamic else "static examples"
    return serve_fleet(fleet, mode=mode, say=_say_flushed)
