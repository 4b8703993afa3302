"""A real HTTP/1.1 server on 127.0.0.1 for tests that need sockets: connection reuse and
pool sizes. It answers every operation with its documented success example
(tools.bench.cases.answer_for), counts the TCP connections it accepted and keeps each
request's method, path, query and headers. Started and stopped by the test."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.serving import serving
from tools.bench.cases import answer_for

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "sample.jpg"


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Loopback:
    base_url: str
    connections: int = 0
    requests: list[Seen] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: Loopback
    provider: str

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.state.lock:
            self.state.connections += 1
        super().process_request(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real providers speak
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms delayed ACK
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass

    def do_POST(self) -> None:
        state = self.server.state
        with state.lock:
            state.in_flight += 1
            state.most_in_flight = max(state.most_in_flight, state.in_flight)
        try:
            length = int(self.headers.get("content-length", "0"))
            self.rfile.read(length)
            with state.lock:
                state.requests.append(
                    Seen("POST", self.path, {k.lower(): v for k, v in self.headers.items()})
                )
            # The server sits at the provider's base path, so its routes match as they are.
            request = httpx.Request("POST", "http://127.0.0.1" + self.path)
            status, body = answer_for(self.server.provider)(request)
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        finally:
            with state.lock:
                state.in_flight -= 1


@contextmanager
def loopback(provider: str) -> Iterator[Loopback]:
    """A server answering like `provider`'s API at http://127.0.0.1:PORT<its base path>."""
    from image_classify._providers import provider_info

    base_path = httpx.URL(provider_info(provider).base_url).path.rstrip("/")
    server = _Server(("127.0.0.1", 0), _Handler)
    port = server.server_address[1]
    server.state = Loopback(base_url=f"http://127.0.0.1:{port}{base_path}")
    server.provider = provider
    with serving(server):
        yield server.state


def run_snippet(code: str, where: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run a documentation snippet as a reader would: in `folder` with the sample image as
    cat.jpg, a.jpg and b.jpg, every provider answered by a loopback server reached through
    its IMAGE_CLASSIFY_<KEY>_BASE_URL, placeholder credentials set. `where` names the
    snippet in tracebacks ("README.md example 2")."""
    import shutil

    from image_classify._classify import close_shared
    from image_classify._providers import providers

    for name in ("cat.jpg", "a.jpg", "b.jpg"):
        shutil.copy(SAMPLE, folder / name)
    monkeypatch.chdir(folder)
    with contextlib.ExitStack() as stack:
        for key, info in providers().items():
            server = stack.enter_context(loopback(key))
            monkeypatch.setenv(info.base_url_env, server.base_url)
            for variable in (*info.auth.env[:1], *info.auth.extra_env):
                monkeypatch.setenv(variable, f"snippet-{key}-credential")
        try:
            exec(compile(code, where, "exec"), {})
        finally:
            close_shared()
