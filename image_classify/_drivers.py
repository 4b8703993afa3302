"""The two thin drivers that do the I/O of a flow from image_classify._core: send the
requests it yields, sleep the delays it yields, and give it back what happened.

Each request is sent streamed and its body read here, under two bounds from the call's
settings: the deadline of the attempt (its timeout, for the whole exchange; see
image_classify._deadline) and the size cap (`max_response_bytes`, counted after
decompression, so a gzip bomb stops at the cap instead of filling memory).
"""

from __future__ import annotations

import asyncio
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Any, TypeVar

import httpx

from image_classify._core import BodyTooLarge, CallSettings, Flow
from image_classify._deadline import set_deadline

T = TypeVar("T")


def _seconds(request: httpx.Request) -> float | None:
    """The attempt's deadline in seconds: the read part of its timeout (httpx's phases
    all get the same value when a plain number is given)."""
    timeout = request.extensions.get("timeout")
    return None if timeout is None else timeout.get("read")


def _late(seconds: float, received: int, request: httpx.Request) -> httpx.ReadTimeout:
    return httpx.ReadTimeout(
        f"no complete answer within {seconds:g} s (timeout); {received:,} bytes received",
        request=request,
    )


# gzip and deflate (what httpx asks for) are inflated here, a piece at a time: httpx's own
# decoder inflates each network read whole, 64 KiB of a bomb into 64 MiB or more.
_WBITS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}
_PIECE = 64 * 1024


def _chunks(response: httpx.Response, body: _Body) -> Iterator[bytes]:
    """The body's bytes as they arrive: raw when this module inflates them, else httpx's
    decoded ones (identity, or an encoding this module leaves to httpx)."""
    wbits = _WBITS.get(response.headers.get("content-encoding", "").strip().lower())
    if wbits is None or response.is_stream_consumed:  # a mock's answer: already in memory
        return response.iter_bytes()
    body.inflater = zlib.decompressobj(wbits)
    return response.iter_raw()


def _achunks(response: httpx.Response, body: _Body) -> AsyncIterator[bytes]:
    wbits = _WBITS.get(response.headers.get("content-encoding", "").strip().lower())
    if wbits is None or response.is_stream_consumed:
        return response.aiter_bytes()
    body.inflater = zlib.decompressobj(wbits)
    return response.aiter_raw()


class _Body:
    """Collects a body's chunks, checking the size cap and the deadline after each."""

    __slots__ = ("cap", "chunks", "deadline", "inflater", "received", "request", "seconds")

    def __init__(
        self, request: httpx.Request, seconds: float | None, deadline: float, cap: int
    ) -> None:
        self.request = request
        self.seconds = seconds
        self.deadline = deadline
        self.cap = cap
        self.chunks: list[bytes] = []
        self.received = 0
        self.inflater: Any = None

    def add(self, chunk: bytes) -> None:
        self.received += len(chunk)
        if self.received > self.cap:
            raise BodyTooLarge(self.cap, self.received, request=self.request)
        if self.seconds is not None and time.monotonic() > self.deadline:
            raise _late(self.seconds, self.received, self.request)
        self.chunks.append(chunk)

    def inflate(self, raw: bytes) -> None:
        """Decompress `raw` in pieces, so a bomb is stopped at the cap, not after it."""
        inflater = self.inflater
        assert inflater is not None
        try:
            data = raw
            while data:
                self.add(inflater.decompress(data, _PIECE))
                data = inflater.unconsumed_tail
        except zlib.error as exc:
            raise httpx.DecodingError(f"the compressed body is corrupt ({exc})") from None

    def finish(self) -> None:
        inflater = self.inflater
        if inflater is not None:
            self.add(inflater.flush())
            if not inflater.eof:
                raise httpx.DecodingError("the compressed body is corrupt: it ends early")

    def into(self, response: httpx.Response) -> httpx.Response:
        # What Response.read() stores; set here because the chunks were read (and
        # counted) by us. httpx has no public setter for an already-read body.
        response._content = b"".join(self.chunks)
        return response


def _send(http: httpx.Client, request: httpx.Request, cap: int) -> httpx.Response:
    seconds = _seconds(request)
    deadline = 0.0 if seconds is None else time.monotonic() + seconds
    body = _Body(request, seconds, deadline, cap)
    set_deadline(None if seconds is None else deadline)
    try:
        response = http.send(
            request,
            follow_redirects=False,  # the flow decides, per hop (_core.exchange)
            stream=True,
        )
        try:
            chunks = _chunks(response, body)
            take = body.add if body.inflater is None else body.inflate
            for chunk in chunks:
                take(chunk)
            body.finish()
        finally:
            response.close()
    except httpx.TimeoutException:
        # A socket operation cut short by the deadline: say so, not httpx's "timed out".
        if seconds is not None and time.monotonic() >= deadline - 0.005:
            raise _late(seconds, body.received, request) from None
        raise
    finally:
        set_deadline(None)
    return body.into(response)


async def _asend(http: httpx.AsyncClient, request: httpx.Request, cap: int) -> httpx.Response:
    seconds = _seconds(request)
    deadline = 0.0 if seconds is None else time.monotonic() + seconds
    body = _Body(request, seconds, deadline, cap)
    try:
        async with asyncio.timeout(seconds):
            response = await http.send(request, follow_redirects=False, stream=True)
            try:
                chunks = _achunks(response, body)
                take = body.add if body.inflater is None else body.inflate
                async for chunk in chunks:
                    take(chunk)
                body.finish()
            finally:
                await response.aclose()
    except TimeoutError:
        raise _late(seconds or 0.0, body.received, request) from None
    return body.into(response)


def run(flow: Flow[T], http: httpx.Client, settings: CallSettings) -> T:
    sleep = settings.sleep
    cap = settings.max_response_bytes
    try:
        step = next(flow)
        while True:
            if type(step) is float:
                sleep(step)
                step = flow.send(None)
                continue
            try:
                answer: httpx.Response | httpx.RequestError = _send(http, step, cap)  # type: ignore[arg-type]
            except httpx.RequestError as exc:
                answer = exc
            step = flow.send(answer)
    except StopIteration as done:
        result: T = done.value
        return result


async def arun(flow: Flow[T], http: httpx.AsyncClient, settings: CallSettings) -> T:
    sleep = settings.async_sleep
    cap = settings.max_response_bytes
    try:
        step = next(flow)
        while True:
            if type(step) is float:
                await sleep(step)
                step = flow.send(None)
                continue
            try:
                answer: httpx.Response | httpx.RequestError = await _asend(http, step, cap)  # type: ignore[arg-type]
            except httpx.RequestError as exc:
                answer = exc
            step = flow.send(answer)
    except StopIteration as done:
        result: T = done.value
        return result
