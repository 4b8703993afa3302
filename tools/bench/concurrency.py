"""256 concurrent aclassify() calls against the same HTTP exchanges sent with raw httpx.

Per provider (its default request form, tools/bench/cases.py: from the manifest), on one
httpx.AsyncClient over an httpx.MockTransport that answers each operation's documented
success example:

- runtime: `asyncio.gather` of 256 `aclassify(sample.jpg, http_client=shared, ...)`: load
  and sniff the image, plan the provider's calls, build the typed request (multipart,
  base64, raw), authenticate, send, parse into typed models, rank predictions;
- raw: `asyncio.gather` of 256 replays of the HTTP requests one aclassify() made (method,
  URL, headers and body bytes, recorded once beforehand), each answer `json.loads`-ed. The
  body is already encoded, so this is the floor hand-written httpx code could reach.

The figure is runtime / raw wall time, both measured in the same round; rounds alternate
the two sides.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from image_classify import aclassify
from tools.bench import Figure
from tools.bench.cases import Case, mock_transport, provider_cases, sample_image

NAME = "concurrency"
CONCURRENT = 256
TARGET = 1.15


@dataclass(frozen=True)
class Exchange:
    method: str
    url: str
    headers: list[tuple[str, str]]
    body: bytes


def _recorded(case: Case, image: bytes) -> list[Exchange]:
    """The requests one aclassify() of `image` sends (credentials included)."""
    inner = mock_transport(case.provider)
    seen: list[Exchange] = []

    def record(request: httpx.Request) -> httpx.Response:
        body = request.read()
        seen.append(
            Exchange(request.method, str(request.url), list(request.headers.multi_items()), body)
        )
        return inner.handler(request)  # type: ignore[return-value]

    async def once() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(record)) as http:
            await aclassify(image, http_client=http, max_retries=0, **case.classify_kwargs())

    asyncio.run(once())
    return seen


def _timed(side: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[float]]:
    async def run() -> float:
        started = time.perf_counter()
        await side()
        return time.perf_counter() - started

    return run


async def _rounds(
    sides: dict[str, Callable[[], Awaitable[float]]], rounds: int
) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in sides}
    for side in sides.values():
        await side()  # warm up: pools, caches, imports
    for _ in range(rounds):
        for name, side in sides.items():
            times[name].append(await side())
    return times


def bench_case(case: Case, runs: int, concurrent: int = CONCURRENT) -> tuple[list[float], str]:
    image = sample_image()
    exchanges = _recorded(case, image)
    kwargs = case.classify_kwargs()

    async def main() -> dict[str, list[float]]:
        transport = mock_transport(case.provider)
        async with (
            httpx.AsyncClient(transport=transport) as shared,
            httpx.AsyncClient(transport=transport) as raw,
        ):

            async def runtime() -> None:
                await asyncio.gather(
                    *(
                        aclassify(image, http_client=shared, max_retries=0, **kwargs)
                        for _ in range(concurrent)
                    )
                )

            async def one_raw() -> None:
                for exchange in exchanges:
                    response = await raw.request(
                        exchange.method,
                        exchange.url,
                        headers=exchange.headers,
                        content=exchange.body,
                    )
                    json.loads(response.content)

            async def raw_side() -> None:
                await asyncio.gather(*(one_raw() for _ in range(concurrent)))

            return await _rounds({"runtime": _timed(runtime), "raw": _timed(raw_side)}, runs)

    times = asyncio.run(main())
    ratios = [r / b for r, b in zip(times["runtime"], times["raw"], strict=True)]
    detail = (
        f"{len(exchanges)} request(s) per image; best {min(times['runtime']) * 1e3:.0f} ms "
        f"vs raw {min(times['raw']) * 1e3:.0f} ms for {concurrent}"
    )
    return ratios, detail


def run(quick: bool, runs: int) -> list[Figure]:
    figures = []
    for case in provider_cases():
        ratios, detail = bench_case(case, 1 if quick else runs, 8 if quick else CONCURRENT)
        figures.append(Figure(NAME, case.provider, "x", tuple(ratios), TARGET, detail))
    return figures
