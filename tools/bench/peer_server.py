"""A small HTTP/1.1 server on 127.0.0.1 for the peers benchmark, in a process of its own.

Clients that need a real socket (urllib3, requests, aiohttp; and every side of the
real-socket figures) talk to it. It answers each request by path with a fixed, pre-rendered
response (the provider's documented success example), keeps connections alive, and never
looks at a request body beyond reading it off the socket: the client side is what is
measured, and a separate process keeps the server off the measured interpreter's GIL (the
machine has two cores: one for each).

Paths are `/<provider><the provider's own path>`, so one server answers all providers and a
client's base URL is `<server>/<provider><base path>`. `GET /_stats` tells how many requests
were answered and which ones matched no route (a client that sent the wrong request).

The parent (`PeerServer`) starts it with `python peer_server.py`, sends its routes as one
JSON line on stdin, reads the port from stdout, and stops it by closing stdin. It also stops
by itself after `max_requests` requests or `max_seconds`, whichever comes first, so a
parent that dies cannot leave it serving. Only the standard library is imported here.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote

HOST = "127.0.0.1"
STATS_PATH = "/_stats"
HEAD_LIMIT = 64 * 1024
START_TIMEOUT = 30.0


def _response(status: int, body: bytes, *, close: bool = False) -> bytes:
    reason = HTTPStatus(status).phrase
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n" + ("connection: close\r\n" if close else "") + "\r\n"
    )
    return head.encode("ascii") + body


@dataclass
class _Route:
    method: bytes
    pattern: re.Pattern[str]
    response: bytes
    closing: bytes  # the same response, announcing that the connection closes


@dataclass
class _App:
    routes: dict[str, list[_Route]]
    max_requests: int
    served: int = 0
    unmatched: list[str] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    # Open connections and their handlers, closed and awaited on the way out.
    connections: dict[asyncio.StreamWriter, asyncio.Task[None] | None] = field(default_factory=dict)

    def respond(self, method: bytes, target: bytes, close: bool) -> bytes:
        self.served += 1
        if self.served >= self.max_requests:
            self.done.set()
        path = unquote(target.split(b"?", 1)[0].decode("latin-1"))
        if path == STATS_PATH:
            body = json.dumps({"served": self.served, "unmatched": self.unmatched[:20]})
            return _response(200, body.encode(), close=close)
        provider, _, rest = path[1:].partition("/")
        for route in self.routes.get(provider, ()):
            if route.method == method and route.pattern.match("/" + rest):
                return route.closing if close else route.response
        self.unmatched.append(f"{method.decode('latin-1')} {path}")
        return _response(404, b'{"error": "no documented answer for this request"}', close=close)


async def _read_chunked(reader: asyncio.StreamReader) -> None:
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0], 16)
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers, then the blank line
                pass
            return
        await reader.readexactly(size + 2)  # the chunk and its CRLF


async def _serve_connection(
    app: _App, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    app.connections[writer] = asyncio.current_task()
    try:
        while not app.done.is_set():
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                return
            lines = head[:-4].split(b"\r\n")
            method, target, version = lines[0].split(b" ", 2)
            headers: dict[bytes, bytes] = {}
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip()
            if headers.get(b"expect", b"").lower() == b"100-continue":
                writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            if b"chunked" in headers.get(b"transfer-encoding", b"").lower():
                await _read_chunked(reader)
            else:
                await reader.readexactly(int(headers.get(b"content-length", b"0")))
            close = version != b"HTTP/1.1" or headers.get(b"connection", b"").lower() == b"close"
            writer.write(app.respond(method, target, close))
            await writer.drain()
            if close:
                return
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        return  # a client that went away or sent garbage: its own side fails, visibly
    finally:
        app.connections.pop(writer, None)
        writer.close()


async def _main(config: Mapping[str, Any]) -> None:
    app = _App(
        routes={
            provider: [
                _Route(
                    method.encode("ascii"),
                    re.compile(pattern),
                    _response(status, body.encode()),
                    _response(status, body.encode(), close=True),
                )
                for method, pattern, status, body in table
            ]
            for provider, table in config["routes"].items()
        },
        max_requests=int(config["max_requests"]),
    )
    server = await asyncio.start_server(
        lambda r, w: _serve_connection(app, r, w), HOST, 0, limit=HEAD_LIMIT, backlog=1024
    )
    port = server.sockets[0].getsockname()[1]
    loop = asyncio.get_running_loop()
    # stdin closing (the parent is done, or died) stops the server.
    threading.Thread(
        target=lambda: (sys.stdin.read(), loop.call_soon_threadsafe(app.done.set)), daemon=True
    ).start()
    print(port, flush=True)
    async with server:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(app.done.wait(), float(config["max_seconds"]))
        server.close()
        handlers = [task for task in app.connections.values() if task is not None]
        for writer in list(app.connections):
            writer.close()  # an idle keep-alive connection: its handler sees EOF and returns
        with contextlib.suppress(TimeoutError):  # a client stuck mid-request: not waited for
            await asyncio.wait_for(asyncio.gather(*handlers, return_exceptions=True), 5)


# --------------------------------------------------------------------------- the parent's side


class PeerServer:
    """Runs the server process for the duration of a `with` block.

    `routes`: provider -> (method, path regex, status, JSON body) answers, the regex matching
    the provider's own path (its base path included)."""

    def __init__(
        self,
        routes: Mapping[str, Iterable[tuple[str, str, int, str]]],
        *,
        max_requests: int,
        max_seconds: float,
    ) -> None:
        self._config = {
            "routes": {provider: list(table) for provider, table in routes.items()},
            "max_requests": max_requests,
            "max_seconds": max_seconds,
        }
        self._process: subprocess.Popen[str] | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def base_url(self, provider: str, base_path: str = "") -> str:
        return f"{self.url}/{provider}{base_path}"

    def __enter__(self) -> PeerServer:
        self._process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(json.dumps(self._config) + "\n")
        self._process.stdin.flush()
        line = _readline(self._process.stdout, START_TIMEOUT)
        if not line.strip().isdigit():
            self.__exit__(None, None, None)
            raise RuntimeError(f"the peer server did not start (said {line!r})")
        self.port = int(line)
        return self

    def stats(self) -> dict[str, Any]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=10)
        try:
            connection.request("GET", STATS_PATH, headers={"connection": "close"})
            stats: dict[str, Any] = json.loads(connection.getresponse().read())
            return stats
        finally:
            connection.close()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None
        with contextlib.suppress(OSError):
            process.stdin.close()  # the server's signal to stop
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _readline(stream: Any, timeout: float) -> str:
    """A line from the child's stdout, or "" after `timeout` seconds."""
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return found[0] if found else ""


def route_table(routes: Sequence[Any]) -> list[tuple[str, str, int, str]]:
    """tools.bench.cases routes (method, compiled pattern, status, body) as the server
    takes them."""
    return [(r.method, r.pattern.pattern, r.status, r.body.decode()) for r in routes]


if __name__ == "__main__":
    asyncio.run(_main(json.loads(sys.stdin.readline())))
