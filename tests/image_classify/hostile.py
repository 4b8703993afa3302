"""A misbehaving HTTP server on 127.0.0.1 for deadline and size tests: it reads each
request whole, then runs a behaviour on the raw socket (drip the headers, drip the body,
send a gzip bomb, ...). Started and stopped by the test; counts the requests it read."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

Behaviour = Callable[[socket.socket], None]


@dataclass
class Hostile:
    url: str
    requests: int = 0


def _read_request(conn: socket.socket) -> bool:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return False
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return False
        body += chunk
    return True


def drip(data: bytes, every: float) -> Behaviour:
    """Send `data` one byte at a time, `every` seconds apart."""

    def behave(conn: socket.socket) -> None:
        for byte in data:
            conn.sendall(bytes([byte]))
            time.sleep(every)

    return behave


def send(data: bytes) -> Behaviour:
    def behave(conn: socket.socket) -> None:
        conn.sendall(data)

    return behave


def head(status: int, length: int, **headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status} X", f"content-length: {length}", "connection: close"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@contextmanager
def hostile(behaviour: Behaviour) -> Iterator[Hostile]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)
    state = Hostile(url=f"http://127.0.0.1:{listener.getsockname()[1]}")
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            try:
                if _read_request(conn):
                    state.requests += 1
                    behaviour(conn)
            except OSError:  # the client gave up: what these tests want
                pass

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
