"""`timeout` as a deadline for a whole attempt (connect, upload, every read), not per read.

httpx bounds each socket operation: a server that sends one byte every half second never
trips a 2 s read timeout. The drivers (image_classify._drivers) check the deadline between
the chunks of a body; inside httpcore, the socket operations of a sync pool this package
builds get the time that is left (this module's network backend), so a server that drips
its status line or headers is stopped at the deadline too. Async calls run under
`asyncio.timeout`, which covers every phase of any transport.

The deadline travels in a thread-local: a sync call runs wholly on its caller's thread.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

_current = threading.local()


def set_deadline(deadline: float | None) -> None:
    _current.deadline = deadline


def _left(timeout: float | None, timed_out: type[Exception]) -> float | None:
    """The smaller of httpcore's per-operation timeout and the time left to the deadline."""
    deadline: float | None = getattr(_current, "deadline", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise timed_out("the deadline of the call (timeout) passed")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        left = _left(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, left))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        left = _left(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_tcp(host, port, left, local_address, socket_options))

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        left = _left(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_unix_socket(path, left, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def bound_by_deadlines(client: httpx.Client) -> httpx.Client:
    """Put the deadline-aware backend under every httpx transport of `client` (its own
    and the proxy ones httpx mounts from the environment). httpx offers no public way to
    choose the network backend of the pools it builds, hence the private attributes; a
    transport of another kind (the caller's) keeps its own behaviour."""
    mounts: Iterable[Any] = getattr(client, "_mounts", {}).values()
    for transport in (getattr(client, "_transport", None), *mounts):
        pool = (
            getattr(transport, "_pool", None)
            if isinstance(transport, httpx.HTTPTransport)
            else None
        )
        backend = getattr(pool, "_network_backend", None)
        if backend is not None and not isinstance(backend, _Backend):
            pool._network_backend = _Backend(backend)  # type: ignore[union-attr]
    return client
