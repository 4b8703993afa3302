"""The two thin drivers that do the I/O of a flow from image_classify._core: send the
requests it yields, sleep the delays it yields, and give it back what happened."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx

from image_classify._core import Flow

T = TypeVar("T")


def run(flow: Flow[T], http: httpx.Client, sleep: Callable[[float], None]) -> T:
    send = http.send
    try:
        step = next(flow)
        while True:
            if type(step) is float:
                sleep(step)
                step = flow.send(None)
                continue
            try:
                answer: httpx.Response | httpx.RequestError = send(
                    step,  # type: ignore[arg-type]
                    follow_redirects=False,  # the flow decides, per hop (_core.exchange)
                )
            except httpx.RequestError as exc:
                answer = exc
            step = flow.send(answer)
    except StopIteration as done:
        result: T = done.value
        return result


async def arun(
    flow: Flow[T],
    http: httpx.AsyncClient,
    sleep: Callable[[float], Awaitable[None]],
) -> T:
    send = http.send
    try:
        step = next(flow)
        while True:
            if type(step) is float:
                await sleep(step)
                step = flow.send(None)
                continue
            try:
                answer: httpx.Response | httpx.RequestError = await send(
                    step,  # type: ignore[arg-type]
                    follow_redirects=False,  # the flow decides, per hop (_core.exchange)
                )
            except httpx.RequestError as exc:
                answer = exc
            step = flow.send(answer)
    except StopIteration as done:
        result: T = done.value
        return result
