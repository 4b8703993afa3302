"""One Prism mock server process for the pipeline: the provider's effective spec on its
manifest port, with the checkout's Prism.

`MockServer` is image_classify._prism.PrismProcess (start, readiness, log, stop, and the
no-orphans guarantee: process groups and PR_SET_PDEATHSIG; read it there) for one
provider: the Prism `npm ci` installed under the project root, the provider's fixed
loopback port (`mock_port` in the manifest), and ToolError messages that say how to fix
the checkout. Several servers together, and the `mock` command, are tools.mock.
`prism_pids()` finds Prism processes by command line (orphan checks, port holders).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from image_classify._prism import HOST, PrismError, PrismProcess, exit_text, prism_pids
from tools.errors import ToolError
from tools.manifest import ROOT, Provider

PRISM = ROOT / "node_modules" / ".bin" / "prism"

__all__ = ["HOST", "PRISM", "MockServer", "exit_text", "prism_pids", "tool_errors"]


@contextlib.contextmanager
def tool_errors() -> Iterator[None]:
    """The launcher's PrismError, with its message, as the pipeline's ToolError."""
    try:
        yield
    except PrismError as exc:
        raise ToolError(str(exc)) from None


class MockServer(PrismProcess):
    """One Prism process serving one provider's effective spec on its mock port."""

    def __init__(
        self, provider: Provider, spec_path: Path, *, dynamic: bool = False, seed: str = "1"
    ) -> None:
        super().__init__(
            spec_path,
            port=provider.mock_port,
            name=provider.key,
            dynamic=dynamic,
            seed=seed,
            prism=[str(PRISM)],
            cwd=ROOT,
        )
        self.provider = provider

    def port_advice(self) -> str:
        return f", or give {self.provider.key} another mock_port in image_classify/providers.toml"

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
        self.prism = [str(PRISM)]
        with tool_errors():
            super().start()

    def wait_ready(self, timeout: float | None = None) -> None:
        """Return once Prism accepts TCP connections on its port; ToolError if it dies first."""
        with tool_errors():
            super().wait_ready(timeout)
