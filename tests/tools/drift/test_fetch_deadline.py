"""`--timeout` is a deadline for the whole fetch, not a per-read timeout.

A real server on 127.0.0.1 that drips its body, drips its status line and headers, or
accepts and never answers: each read returns quickly (or never), so only an overall
deadline ends the fetch. `drift` and `update` must then fail with one paragraph naming the
URL and --timeout, and change nothing; download() itself must give up at the deadline.
"""

from __future__ import annotations

import hashlib
import socketserver
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.project_copy import ProjectCopy
from tests.serving import serving
from tools.drift.fetch import download
from tools.errors import ToolError

DRIP_S = 0.2  # one byte every DRIP_S seconds
TIMEOUT_S = 1.0
HANG_GUARD_S = TIMEOUT_S + 9  # a subprocess still running by then hangs: not a perf bound

DOCUMENT = b'openapi: 3.0.3\ninfo:\n  title: Dripped\n  version: "1"\npaths: {}\n'
HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/yaml\r\n"
    b"Content-Length: " + str(len(DOCUMENT)).encode() + b"\r\n\r\n"
)
UNSIZED_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/yaml\r\nConnection: close\r\n\r\n"
SLOW_PATHS = ("/drip-body/spec.yaml", "/drip-headers/spec.yaml", "/silent/spec.yaml")


class _Handler(socketserver.StreamRequestHandler):
    stop: threading.Event  # set on the server class: the test is over

    def _drip(self, data: bytes) -> bool:
        """Send `data` a byte at a time; False once the test is over or the client left."""
        for byte in data:
            if self.stop.wait(DRIP_S):
                return False
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
        return True

    def handle(self) -> None:
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass  # the request line and headers; a GET has no body
        parts = self.requestline.decode("latin-1").split()
        path = parts[1] if len(parts) > 1 else "/"
        try:
            if path.startswith("/drip-body/"):
                self.wfile.write(HEAD)
                self.wfile.flush()
                self._drip(DOCUMENT)
            elif path.startswith("/drip-unsized/"):  # no Content-Length: the end is the close
                self.wfile.write(UNSIZED_HEAD)
                self.wfile.flush()
                self._drip(DOCUMENT)
            elif path.startswith("/drip-headers/"):
                self._drip(HEAD + DOCUMENT)
            elif path.startswith("/silent/"):
                self.stop.wait()
            elif path == "/moved/spec.yaml":  # a redirect to a dripping body
                self.wfile.write(
                    b"HTTP/1.1 302 Found\r\nLocation: /drip-body/spec.yaml\r\n"
                    b"Content-Length: 0\r\nConnection: close\r\n\r\n"  # one request each
                )
            else:
                self.wfile.write(HEAD + DOCUMENT)
        except OSError:
            pass  # the client gave up and closed the connection, as it should

    def setup(self) -> None:
        super().setup()
        self.requestline = self.rfile.readline()


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True  # a handler still dripping must not hold the test's end
    block_on_close = False


@pytest.fixture
def server() -> Iterator[str]:
    """A slow HTTP server on an ephemeral 127.0.0.1 port; yields its base URL."""
    stop = threading.Event()
    handler = type("Handler", (_Handler,), {"stop": stop})
    httpd = _Server(("127.0.0.1", 0), handler)
    with serving(httpd):
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}"
        finally:
            stop.set()


def tree(root: Path) -> dict[str, str]:
    """sha256 of every file under `root` (a scratch file left behind shows up here)."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def assert_deadline_error(stderr: str, url: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert stderr.startswith("error: "), stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert url in stderr, stderr
    assert f"no complete answer within {TIMEOUT_S:g} s (--timeout)" in stderr, stderr


# ----------------------------------------------------------------------------- download()


@pytest.mark.parametrize(
    ("path", "got"),
    [
        ("/drip-body/spec.yaml", f"of {len(DOCUMENT)} bytes received"),
        ("/drip-headers/spec.yaml", "no complete response headers yet"),
        ("/silent/spec.yaml", "no complete response headers yet"),
        ("/moved/spec.yaml", f"of {len(DOCUMENT)} bytes received"),
    ],
)
def test_download_gives_up_at_the_deadline(server: str, path: str, got: str) -> None:
    url = server + path
    started = time.monotonic()
    with pytest.raises(ToolError) as raised:
        download(url, max_bytes=1024 * 1024, timeout=TIMEOUT_S)
    elapsed = time.monotonic() - started
    message = str(raised.value)
    assert TIMEOUT_S <= elapsed < TIMEOUT_S + 2, (elapsed, message)  # the deadline, no hang
    assert message.startswith(f"{url}: no complete answer within 1 s (--timeout): ")
    assert got in message, message


def test_download_of_a_prompt_server_returns_the_document(server: str) -> None:
    data, content_type = download(f"{server}/fast/spec.yaml", max_bytes=1024, timeout=5)
    assert (data, content_type) == (DOCUMENT, "application/yaml")


def test_the_size_cap_still_stops_a_dripping_body_before_the_deadline(server: str) -> None:
    url = f"{server}/drip-unsized/spec.yaml"
    started = time.monotonic()
    with pytest.raises(ToolError, match=r"\(--max-bytes\)") as raised:
        download(url, max_bytes=3, timeout=30)
    assert time.monotonic() - started < 10  # four bytes dripped, not the whole document
    assert str(raised.value).startswith(f"{url}: refused: the document is more than 3 bytes")


def test_a_content_length_over_the_cap_is_refused_before_any_of_the_body(server: str) -> None:
    with pytest.raises(ToolError, match=r"\(Content-Length\)"):
        download(f"{server}/drip-body/spec.yaml", max_bytes=10, timeout=30)


# ------------------------------------------------------------------------- the commands


@pytest.mark.parametrize("path", SLOW_PATHS)
def test_drift_stops_at_the_deadline_and_writes_nothing(
    project_copy: ProjectCopy, server: str, path: str, tmp_path: Path
) -> None:
    url = server + path
    out = tmp_path / "report.md"
    before = tree(project_copy.root)
    result = project_copy.tools(
        "drift", "roboflow", url, "--timeout", f"{TIMEOUT_S:g}", "-o", str(out),
        timeout=HANG_GUARD_S,
    )  # fmt: skip
    assert result.returncode == 2, result.output  # drift's "the check could not run"
    assert result.stdout == ""
    assert_deadline_error(result.stderr, url)
    assert not out.exists()
    assert tree(project_copy.root) == before


@pytest.mark.parametrize("path", SLOW_PATHS)
def test_update_stops_at_the_deadline_and_changes_nothing(
    project_copy: ProjectCopy, server: str, path: str
) -> None:
    url = server + path
    before = tree(project_copy.root)
    snapshot = project_copy.snapshot()
    result = project_copy.tools(
        "update", "roboflow", url, "--timeout", f"{TIMEOUT_S:g}", timeout=HANG_GUARD_S
    )
    assert result.returncode == 1, result.output
    assert_deadline_error(result.stderr, url)
    assert project_copy.snapshot() == snapshot
    assert tree(project_copy.root) == before


@pytest.mark.parametrize("command", ["drift", "update", "slice"])
@pytest.mark.parametrize(
    ("option", "value"),
    [("--timeout", "0"), ("--timeout", "-3"), ("--max-bytes", "0"), ("--timeout", "soon")],
)
def test_a_deadline_or_cap_that_is_not_positive_is_a_usage_error(
    project_copy: ProjectCopy, command: str, option: str, value: str
) -> None:
    before = tree(project_copy.root)
    result = project_copy.tools(command, "roboflow", "http://127.0.0.1:9/spec.yaml", option, value)
    assert result.returncode == 2, result.output
    assert "Traceback" not in result.output
    assert f"argument {option}:" in result.stderr and repr(value) in result.stderr
    assert tree(project_copy.root) == before
