"""The Prism mock supervisor (tools/mock.py, tools/mock_server.py) against real Prism processes.

Every test binds only 127.0.0.1 and stops what it starts, also when it fails: fleets and
CLI processes are stopped by fixture finalizers, and any Prism still found afterwards
(by a command-line marker unique to the test) is killed by pid and reported as a failure.
The CLI tests use the manifest ports (the CLI has no other); the others use free ports.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import httpx
import pytest

from tests.conftest import PROJECT_ROOT
from tests.waiting import wait_until
from tools import mock, mock_server
from tools.errors import ToolError
from tools.manifest import Provider, select
from tools.mock import MOCK_DIR, MockFleet, running_mocks
from tools.mock_server import MockServer, prism_pids

pytestmark = pytest.mark.contract


def classify(base_url: str, key: str) -> httpx.Response:
    """A request the provider's spec documents, with its documented credential: Prism -> 200."""
    if key == "roboflow":  # api_key in the query; the image by URL, so no body
        return httpx.post(
            f"{base_url}/vehicle-classification-eapcd/2",
            params={"api_key": "test-key", "image": "https://example.com/car.jpg"},
            timeout=10.0,
        )
    assert key == "huggingface"  # bearer token; JSON body with a base64 image
    return httpx.post(
        f"{base_url}/models/microsoft/resnet-50",
        headers={"Authorization": "Bearer hf_test"},
        json={"inputs": "iVBORw0KGgo="},
        timeout=10.0,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def on_free_port(key: str) -> Provider:
    return dataclasses.replace(select([key])[0], mock_port=free_port())


def kill_leftovers(marker: str) -> list[int]:
    """SIGKILL every process (other than us) whose command line holds `marker`."""
    left = prism_pids(marker)
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return left


@pytest.fixture
def no_leftovers() -> Iterator[Callable[[str], None]]:
    """Register command-line markers; at teardown, kill anything matching and fail."""
    markers: list[str] = []
    yield markers.append
    found = {marker: kill_leftovers(marker) for marker in markers}
    leaked = {marker: pids for marker, pids in found.items() if pids}
    assert not leaked, f"processes left running (killed now): {leaked}"


@pytest.fixture
def fleets(
    tmp_path: Path, no_leftovers: Callable[[str], None]
) -> Iterator[Callable[..., MockFleet]]:
    """Make fleets writing their specs under tmp_path (the leftover marker); stop them all."""
    made: list[MockFleet] = []
    no_leftovers(str(tmp_path))

    def make(
        providers: list[Provider],
        *,
        dynamic: bool = False,
        seed: str = "1",
        say: Callable[[str], object] = print,
    ) -> MockFleet:
        spec_dir = tmp_path / f"fleet{len(made)}"
        fleet = MockFleet(providers, dynamic=dynamic, seed=seed, spec_dir=spec_dir, say=say)
        made.append(fleet)
        return fleet

    yield make
    for fleet in made:
        fleet.stop()


class Cli:
    """`python -m tools mock ...` as a subprocess, its stdout read line by line."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tools", "mock", *args],
            cwd=PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert self.process.stdout is not None
        self.reader = threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True)
        self.reader.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put(line.rstrip("\n"))

    def wait_for_urls(self, keys: list[str], timeout: float = 60.0) -> dict[str, str]:
        urls: dict[str, str] = {}
        deadline = time.monotonic() + timeout
        while set(urls) != set(keys):
            remaining = deadline - time.monotonic()
            try:
                line = self.lines.get(timeout=max(remaining, 0.01))
            except queue.Empty:
                break
            self.seen.append(line)
            fields = line.split()
            if len(fields) >= 2 and fields[0] in keys and fields[1].startswith("http://"):
                urls[fields[0]] = fields[1]
        if set(urls) != set(keys):
            self.stop()
            stderr = self.process.stderr.read() if self.process.stderr else ""
            pytest.fail(f"no URL lines for {keys} within {timeout} s; got {self.seen}; {stderr}")
        return urls

    def rest(self) -> list[str]:
        """The stdout lines not consumed yet, up to the end (after the process exited)."""
        self.reader.join(10)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return self.seen

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def cli(no_leftovers: Callable[[str], None]) -> Iterator[Callable[..., Cli]]:
    started: list[Cli] = []
    no_leftovers(str(MOCK_DIR))

    def run(*args: str) -> Cli:
        started.append(Cli(*args))
        return started[-1]

    yield run
    for process in started:
        process.stop()


def cli_once(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tools", "mock", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("keys", "signum"),
    [(["roboflow", "huggingface"], signal.SIGTERM), (["roboflow"], signal.SIGINT)],
    ids=["sigterm-two-providers", "sigint-one-provider"],
)
def test_cli_serves_and_stops_cleanly_on_signal(
    cli: Callable[..., Cli], keys: list[str], signum: signal.Signals
) -> None:
    run = cli(*keys)
    urls = run.wait_for_urls(keys)
    for key in keys:
        port = select([key])[0].mock_port
        assert urls[key] == f"http://127.0.0.1:{port}"
        response = classify(urls[key], key)
        assert response.status_code == 200, (key, response.text)
    assert len(prism_pids(str(MOCK_DIR))) == len(keys)

    run.process.send_signal(signum)
    assert run.process.wait(10) == 0
    assert run.rest()[-1] == "stopped"
    assert prism_pids(str(MOCK_DIR)) == []


def test_port_in_use_is_refused_naming_port_and_provider(
    fleets: Callable[..., MockFleet], tmp_path: Path
) -> None:
    provider = on_free_port("roboflow")
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", provider.mock_port))
        holder.listen()
        fleet = fleets([provider])
        with pytest.raises(ToolError) as caught:
            fleet.start()
    message = str(caught.value)
    assert str(provider.mock_port) in message
    assert "roboflow" in message
    assert "ss -ltnp" in message
    assert all(not server.alive() for server in fleet.servers.values())
    assert prism_pids(str(tmp_path)) == []


def test_port_in_use_stops_the_servers_already_started(
    fleets: Callable[..., MockFleet], tmp_path: Path
) -> None:
    first, second = on_free_port("huggingface"), on_free_port("roboflow")
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", second.mock_port))
        holder.listen()
        fleet = fleets([first, second])
        with pytest.raises(ToolError, match=str(second.mock_port)):
            fleet.start()
    assert fleet.servers["huggingface"].process is not None  # it was started, then stopped
    assert not fleet.servers["huggingface"].alive()
    assert prism_pids(str(tmp_path)) == []


def test_cli_port_in_use_exits_1_without_traceback(no_leftovers: Callable[[str], None]) -> None:
    no_leftovers(str(MOCK_DIR))
    port = select(["roboflow"])[0].mock_port
    with socket.socket() as holder:
        # SO_REUSEADDR: the port may sit in TIME_WAIT after an earlier mock on it; without
        # the option this bind would fail and the port would not be held at all.
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.bind(("127.0.0.1", port))
        holder.listen()
        result = cli_once("roboflow")
    assert result.returncode == 1
    assert f"port {port}" in result.stderr
    assert "roboflow" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert prism_pids(str(MOCK_DIR)) == []


def test_cli_unknown_provider_lists_choices() -> None:
    result = cli_once("roboflow", "no_such_provider")
    assert result.returncode == 1
    assert "no_such_provider" in result.stderr
    for provider in select():
        assert provider.key in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_dead_server_is_reported_and_restarted(fleets: Callable[..., MockFleet]) -> None:
    said: list[str] = []
    fleet = fleets([on_free_port("roboflow")], say=said.append)
    urls = fleet.start()
    server = fleet.servers["roboflow"]
    assert classify(urls["roboflow"], "roboflow").status_code == 200
    assert fleet.ensure_alive() == []
    old_pid = server.pid
    assert old_pid is not None

    os.killpg(old_pid, signal.SIGKILL)
    assert wait_until(lambda: not server.alive(), 10)
    assert fleet.ensure_alive() == ["roboflow"]

    assert said[0] == (
        f"prism for roboflow (port {server.port}) died with exit code -9 (SIGKILL); last log lines:"
    )
    assert said[-1].startswith("prism for roboflow restarted")
    log = said[1:-1]
    assert log and all(line.startswith("    ") for line in log)
    assert any("Prism is listening on" in line for line in log)
    assert server.restarts == 1
    assert server.pid != old_pid and server.alive()
    assert classify(urls["roboflow"], "roboflow").status_code == 200
    assert fleet.ensure_alive() == []


def test_running_mocks_stops_everything_on_exception(
    monkeypatch: pytest.MonkeyPatch, no_leftovers: Callable[[str], None]
) -> None:
    provider = on_free_port("roboflow")
    marker = f"--port {provider.mock_port} "
    no_leftovers(marker)
    monkeypatch.setattr(mock, "select", lambda names: [provider])

    class Boom(Exception):
        pass

    with pytest.raises(Boom), running_mocks(["roboflow"]) as urls:
        assert classify(urls["roboflow"], "roboflow").status_code == 200
        assert len(prism_pids(marker)) == 1
        raise Boom
    assert prism_pids(marker) == []


def test_stop_is_idempotent_and_server_api(fleets: Callable[..., MockFleet]) -> None:
    provider = on_free_port("roboflow")
    fleet = fleets([provider], dynamic=True, seed="7")
    assert fleet.start() == {"roboflow": f"http://127.0.0.1:{provider.mock_port}"}
    server = fleet.servers["roboflow"]
    assert server.command()[-3:] == ["--dynamic", "--seed", "7"]
    assert "--errors" in server.command()
    # The port accepts connections a moment before Prism's log line reaches our reader.
    assert wait_until(
        lambda: any("Prism is listening on" in line for line in server.last_log_lines()), 5
    )
    assert not any("\x1b[" in line for line in server.last_log_lines(500))
    fleet.stop()
    fleet.stop()
    server.stop()
    assert not server.alive()
    assert fleet.ensure_alive() == []  # a stopped fleet is not restarted


def test_prism_that_dies_before_ready_is_reported_with_its_log(
    tmp_path: Path, no_leftovers: Callable[[str], None]
) -> None:
    no_leftovers(str(tmp_path))
    spec = tmp_path / "no_operations.yaml"
    spec.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n")
    server = MockServer(on_free_port("roboflow"), spec)
    try:
        server.start()
        with pytest.raises(ToolError) as caught:
            server.wait_ready(timeout=30)
    finally:
        server.stop()
    message = str(caught.value)
    assert "roboflow" in message and "exited with code 1" in message
    assert "No operations found" in message  # Prism's own error, from the log lines


def test_killed_cli_leaves_no_orphans(cli: Callable[..., Cli]) -> None:
    run = cli("roboflow")
    run.wait_for_urls(["roboflow"])
    assert len(prism_pids(str(MOCK_DIR))) == 1
    run.process.kill()  # no cleanup code runs: the kernel's PR_SET_PDEATHSIG must do it
    run.process.wait(10)
    assert wait_until(lambda: prism_pids(str(MOCK_DIR)) == [], 10), prism_pids(str(MOCK_DIR))


def test_missing_prism_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(mock_server, "PRISM", tmp_path / "node_modules" / ".bin" / "prism")
    server = MockServer(on_free_port("roboflow"), tmp_path / "spec.yaml")
    with pytest.raises(ToolError, match=r"bash scripts/setup\.sh.*npm ci"):
        server.start()
    assert server.process is None
