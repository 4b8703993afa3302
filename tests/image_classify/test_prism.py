"""The runtime's Prism launcher (image_classify/_prism.py, _prism_find.py, _prism_fleet.py).

Discovery is tested with fake executables (an IMAGE_CLASSIFY_PRISM script, a
node_modules/.bin/prism, an `npx` that records its arguments and runs the checkout's
Prism); the process tests run real Prism processes on free ports only (port 0: the
contract fleet and the CLI tests use the manifest ports 4010-4014), serving the documents
the wheel ships. Every test stops what it starts; any Prism still found afterwards (by a
command-line marker unique to the test) is killed by pid and reported as a failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from image_classify import _prism, _prism_find
from image_classify._prism import (
    PRISM_ENV,
    PRISM_VERSION,
    PrismError,
    PrismNotFoundError,
    PrismProcess,
    find_prism,
    prism_pids,
)
from image_classify._prism_fleet import running
from image_classify._spec_files import spec_path
from image_classify.errors import ImageClassifyError
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
PRISM = ROOT / "node_modules" / ".bin" / "prism"
NODE = shutil.which("node")
needs_prism = pytest.mark.skipif(
    not PRISM.exists() or NODE is None, reason="Prism not installed (npm ci)"
)


def group_members(pgid: int) -> list[int]:
    """PIDs of live processes in process group `pgid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def cloudflare_answers(base_url: str) -> httpx.Response:
    """A request cloudflare's mock document documents, with a credential: Prism -> 200."""
    return httpx.post(
        f"{base_url}/accounts/0123456789abcdef0123456789abcdef/ai/run/@cf/microsoft/resnet-50",
        headers={"Authorization": "Bearer mock", "Content-Type": "application/octet-stream"},
        content=(ROOT / "samples" / "sample.jpg").read_bytes(),
        timeout=10.0,
    )


def executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


@pytest.fixture
def no_leftovers() -> Iterator[Callable[[str], None]]:
    """Register command-line markers; at teardown, kill anything matching and fail."""
    markers: list[str] = []
    yield markers.append
    leaked = {}
    for marker in markers:
        for pid in prism_pids(marker):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            leaked.setdefault(marker, []).append(pid)
    assert not leaked, f"processes left running (killed now): {leaked}"


@pytest.fixture
def spec(tmp_path: Path, no_leftovers: Callable[[str], None]) -> Path:
    """cloudflare's shipped mock document, copied under tmp_path (the leftover marker)."""
    copy = tmp_path / "specs" / "cloudflare.json"
    copy.parent.mkdir()
    shutil.copy(spec_path("cloudflare", mock=True), copy)
    no_leftovers(str(copy.parent))
    return copy


@pytest.fixture
def nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No IMAGE_CLASSIFY_PRISM, an empty current folder, no checkout above the package."""
    monkeypatch.delenv(PRISM_ENV, raising=False)
    empty = tmp_path / "cwd"
    empty.mkdir()
    monkeypatch.chdir(empty)
    monkeypatch.setattr(_prism_find, "_CHECKOUT", tmp_path / "no-checkout")
    return empty


def fake_npx(folder: Path, record: Path, *, exec_prism: bool = True) -> Path:
    """An `npx` that writes its arguments (one per line) to `record`, then runs the
    checkout's Prism with the arguments after `--yes PACKAGE` (as a child: like npm exec,
    which runs Prism as a grandchild, when `exec_prism` is False)."""
    run = "exec " if exec_prism else ""
    return executable(
        folder / "npx",
        f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\nshift 2\n{run}"{NODE}" "{PRISM}" "$@"\n',
    )


# --- the pin ---------------------------------------------------------------------------


def test_prism_version_is_the_one_package_json_pins_and_the_lock_resolves() -> None:
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert package["devDependencies"]["@stoplight/prism-cli"] == PRISM_VERSION
    assert lock["packages"]["node_modules/@stoplight/prism-cli"]["version"] == PRISM_VERSION


# --- discovery, in order -----------------------------------------------------------------


def test_the_environment_variable_comes_first(
    nowhere: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    executable(nowhere / "node_modules" / ".bin" / "prism", "#!/bin/sh\n")
    mine = executable(tmp_path / "my-prism", "#!/bin/sh\n")
    monkeypatch.setenv(PRISM_ENV, str(mine))
    assert find_prism() == [str(mine)]


@pytest.mark.parametrize("problem", ["does not exist", "is not an executable file"])
def test_a_bad_environment_variable_names_itself(
    nowhere: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, problem: str
) -> None:
    target = tmp_path / "prism"
    if problem != "does not exist":
        target.write_text("not executable")
    monkeypatch.setenv(PRISM_ENV, str(target))
    with pytest.raises(PrismNotFoundError) as caught:
        find_prism()
    assert str(caught.value).startswith(f"{PRISM_ENV}={target} {problem}.")


def test_node_modules_in_the_current_folder(
    nowhere: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = executable(nowhere / "node_modules" / ".bin" / "prism", "#!/bin/sh\n")
    npx = fake_npx(tmp_path / "bin", tmp_path / "argv")
    monkeypatch.setenv("PATH", str(npx.parent))
    assert find_prism() == [str(local)]
    # Not executable, or another folder without one: the next source (npx here).
    assert find_prism(tmp_path)[0] == str(npx)
    local.chmod(0o644)
    assert find_prism()[0] == str(npx)


def test_the_checkout_when_running_from_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PRISM_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert _prism_find._CHECKOUT == ROOT  # this package is the checkout's
    assert find_prism() == [str(PRISM)]


def test_npx_last_with_the_pinned_package(
    nowhere: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    npx = fake_npx(bin_dir, tmp_path / "argv")
    monkeypatch.setenv("PATH", str(bin_dir))
    assert find_prism() == [str(npx), "--yes", "@stoplight/prism-cli@5.16.0"]


@needs_prism
def test_a_prism_run_through_npx_gets_the_exact_arguments(
    nowhere: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spec: Path
) -> None:
    bin_dir = tmp_path / "bin"
    fake_npx(bin_dir, tmp_path / "argv")
    monkeypatch.setenv("PATH", str(bin_dir))
    server = PrismProcess(spec, name="cloudflare")
    try:
        server.start()
        assert server.default_timeout() == _prism.NPX_READY_TIMEOUT  # a download may come first
        server.wait_ready()
        assert cloudflare_answers(server.base_url).status_code == 200
    finally:
        server.stop()
    assert (tmp_path / "argv").read_text().splitlines() == [
        "--yes",
        "@stoplight/prism-cli@5.16.0",
        "mock",
        str(spec),
        "--host",
        "127.0.0.1",
        "--port",
        str(server.port),
        "--errors",
    ]


def test_without_node_the_error_says_what_to_install(
    nowhere: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(PrismNotFoundError) as caught:
        find_prism()
    assert isinstance(caught.value, ImageClassifyError)
    message = str(caught.value)
    for needle in (
        "npx is not on PATH",
        "Node.js 18+ with npm",
        "npm install @stoplight/prism-cli@5.16.0",
        PRISM_ENV,
        "the pytest plugin's fake (`image_classify_fake` fixture, image_classify.testing) "
        "needs no Node",
    ):
        assert needle in message, needle


# --- one process -------------------------------------------------------------------------


@needs_prism
def test_a_free_port_prism_answers_and_leaves_nothing_after_stop(spec: Path) -> None:
    server = PrismProcess(spec, name="cloudflare", prism=[str(PRISM)])
    assert server.port == 0 and not server.alive()
    server.start()
    try:
        server.wait_ready(timeout=60)
        assert server.port != 0 and server.base_url == f"http://127.0.0.1:{server.port}"
        assert server.alive()
        answer = cloudflare_answers(server.base_url)
        assert answer.status_code == 200, answer.text
        assert answer.json()["result"][0]["label"] == "PERSIAN CAT"
        command = server.command()
        assert command[-5:] == ["--host", "127.0.0.1", "--port", str(server.port), "--errors"]
        pid = server.pid
        assert pid is not None and len(group_members(pid)) >= 2  # the guard and node
    finally:
        server.stop()
    server.stop()  # idempotent
    assert not server.alive()
    assert not Path(f"/proc/{pid}").exists()
    assert group_members(pid) == []
    assert prism_pids(str(spec.parent)) == []


@needs_prism
def test_a_port_taken_meanwhile_is_retried_on_another(
    spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """port 0: between choosing a free port and Prism's listen, someone may take it."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        ports = iter([taken])
        real = _prism.free_port
        monkeypatch.setattr(_prism, "free_port", lambda: next(ports, None) or real())
        server = PrismProcess(spec, name="cloudflare", prism=[str(PRISM)])
        try:
            server.start()
            assert server.port == taken
            server.wait_ready(timeout=60)
            assert server.port != taken
            assert cloudflare_answers(server.base_url).status_code == 200
            assert any(f"port {taken} was taken" in line for line in server.last_log_lines(500))
        finally:
            server.stop()


@needs_prism
def test_a_given_port_in_use_is_an_error_naming_it(spec: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        server = PrismProcess(spec, port=port, name="cloudflare", prism=[str(PRISM)])
        with pytest.raises(PrismError) as caught:
            server.start()
    message = str(caught.value)
    assert f"port {port} on 127.0.0.1 is already in use" in message
    assert "cloudflare" in message and "ss -ltnp" in message
    assert server.process is None


@needs_prism
def test_a_prism_that_dies_before_ready_is_reported_with_its_log(
    tmp_path: Path, no_leftovers: Callable[[str], None]
) -> None:
    no_leftovers(str(tmp_path))
    bad = tmp_path / "no_operations.json"
    bad.write_text('{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}')
    server = PrismProcess(bad, name="broken", prism=[str(PRISM)])
    try:
        server.start()
        with pytest.raises(PrismError) as caught:
            server.wait_ready(timeout=30)
    finally:
        server.stop()
    message = str(caught.value)
    assert "Prism for broken" in message and "exited with code 1" in message
    assert "No operations found" in message  # Prism's own error, from the log lines


def test_a_missing_document_is_named(tmp_path: Path) -> None:
    server = PrismProcess(tmp_path / "gone.json", prism=["/bin/false"])
    with pytest.raises(PrismError, match=r"gone\.json does not exist"):
        server.start()


_PARENT = """
import json, os, time
from image_classify._prism import PrismProcess
spec, *prefix = json.loads(os.environ["TEST_PARENT_ARGS"])  # not in argv: prism_pids
server = PrismProcess(spec, name="cloudflare", prism=prefix)
server.start()
server.wait_ready()
print(server.pid, flush=True)
time.sleep(600)
"""


@needs_prism
@pytest.mark.parametrize("through", ["prism", "npx"])
def test_a_parent_killed_with_sigkill_leaves_no_prism(
    spec: Path, tmp_path: Path, through: str
) -> None:
    """No cleanup code runs: the kernel's PR_SET_PDEATHSIG must reach the guard, which
    stops its group, also when Prism is a grandchild (npm exec -> sh -> node)."""
    prefix = [str(PRISM)]
    if through == "npx":
        prefix = [str(fake_npx(tmp_path / "bin", tmp_path / "argv", exec_prism=False))]
        prefix += ["--yes", "@stoplight/prism-cli@5.16.0"]
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT],
        cwd=ROOT,
        env={**os.environ, "TEST_PARENT_ARGS": json.dumps([str(spec), *prefix])},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None
        pid = int(parent.stdout.readline())
        assert len(prism_pids(str(spec))) == (2 if through == "npx" else 1)
    finally:
        parent.kill()
        parent.wait(10)
    assert wait_until(lambda: prism_pids(str(spec)) == [], 10), prism_pids(str(spec))
    assert wait_until(lambda: group_members(pid) == [], 10)


# --- several -----------------------------------------------------------------------------


@needs_prism
def test_running_on_free_ports_serves_the_shipped_documents_and_stops_on_error(
    no_leftovers: Callable[[str], None],
) -> None:
    keys = ["cloudflare", "roboflow"]
    markers: list[str] = []

    class Boom(Exception):
        pass

    with pytest.raises(Boom), running(keys, ports="free", prism=[str(PRISM)]) as urls:
        assert list(urls) == keys
        markers += [f"--port {url.rsplit(':', 1)[1]} " for url in urls.values()]
        for marker in markers:  # free ports: not the manifest's 4010-4014
            no_leftovers(marker)
            assert int(marker.split()[1]) not in range(4010, 4015)
            assert len(prism_pids(marker)) == 1
        assert cloudflare_answers(urls["cloudflare"]).status_code == 200
        raise Boom
    assert markers and all(prism_pids(marker) == [] for marker in markers)
