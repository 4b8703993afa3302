"""What the runtime costs per call, against raw httpx, on the same in-process transport.

    python -m tools.bench.runtime_overhead [--iterations N] [--repeats R]

For each provider, the first call its adapter plans for the sample image (its benchmark
case, tools/bench/cases.py: the generated operation and its arguments) is answered by
one httpx.MockTransport with the operation's documented success body, on three sides:

- runtime: `call(operation, client=image_classify.client(provider, http_client=...))`,
  i.e. build the request from the arguments, authenticate, send, retry policy, parse into
  the typed model;
- raw: `httpx.Client.request(...)` with what the generated `_get_kwargs` builds (path,
  query parameters, headers, body: what hand-written httpx code passes), the key set on the
  client as a header or default query parameter, and `json.loads` of the body;
- generated: the bare generated client's `sync_detailed` / `asyncio_detailed` on those raw
  httpx clients (no retries, no typed errors): the share of the generated code itself.

Times are per call, min and median over R repeats of N calls, sync and async, measured in
the same run; the ratios are runtime / raw (target <= 1.2) and runtime / generated.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import importlib
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from image_classify._call import acall, call
from image_classify._factory import client as make_client
from image_classify._images import ImageInput, load_image
from image_classify._providers import provider_info, providers
from image_classify.adapters import adapter_for
from image_classify.adapters.base import Call
from tools.bench.cases import KEY, mock_transport, provider_case, sample_image


@dataclass
class Timing:
    min: float
    median: float


def _measure(run: Callable[[int], float], iterations: int, repeats: int) -> Timing:
    run(max(1, iterations // 10))  # warm up: imports, connection pools, caches
    per_call = [run(iterations) / iterations for _ in range(repeats)]
    return Timing(min(per_call), statistics.median(per_call))


def _measure_async(run: Callable[[int], Awaitable[float]], iterations: int, repeats: int) -> Timing:
    async def all_runs() -> Timing:
        await run(max(1, iterations // 10))
        per_call = [await run(iterations) / iterations for _ in range(repeats)]
        return Timing(min(per_call), statistics.median(per_call))

    return asyncio.run(all_runs())


@dataclass
class Row:
    provider: str
    mode: str
    runtime: Timing
    generated: Timing
    raw: Timing

    @property
    def ratio_min(self) -> float:
        return self.runtime.min / self.raw.min

    @property
    def ratio_median(self) -> float:
        return self.runtime.median / self.raw.median

    @property
    def over_generated(self) -> float:
        return self.runtime.min / self.generated.min


def first_call(provider: str) -> Call:
    """The first call the adapter plans for the sample image, with the provider's case's
    model and options; a new one each time (a File payload reads once)."""
    case = provider_case(provider)
    adapter = adapter_for(provider)
    model = case.model if case.model is not None else adapter.DEFAULT_MODEL
    plan = adapter.plan(_sample(), model, dict(case.options))
    step: Call = next(plan)
    plan.close()
    return step


@functools.cache
def _sample() -> ImageInput:
    return load_image(sample_image())


def bench_provider(provider: str, iterations: int, repeats: int) -> list[Row]:
    module = first_call(provider).operation
    transport = mock_transport(provider)
    info = provider_info(provider)
    # The raw side sends what the generated `_get_kwargs` builds (what hand-written httpx
    # code would pass: path, params, headers, body) with the key set on the client, the way
    # hand-written code would set it.
    if info.auth.style == "query":
        credential: dict[str, Any] = {"params": {info.auth.name: KEY}}
    else:
        prefix = "Bearer " if info.auth.style == "bearer" else ""
        credential = {"headers": {info.auth.name: prefix + KEY}}
    raw_args = module._get_kwargs(**first_call(provider).kwargs)
    raw_sync = httpx.Client(transport=transport, base_url=info.base_url, **credential)
    raw_async = httpx.AsyncClient(transport=transport, base_url=info.base_url, **credential)
    # The bare generated client, on the same raw httpx clients: what the runtime adds to.
    bare = importlib.import_module(info.package).Client(base_url=info.base_url)
    bare.set_httpx_client(raw_sync)
    bare.set_async_httpx_client(raw_async)
    api = make_client(
        provider,
        api_key=KEY,
        http_client=httpx.Client(transport=transport),
        async_http_client=httpx.AsyncClient(transport=transport),
    )

    def timed(each: Callable[[dict[str, Any]], object]) -> Callable[[int], float]:
        def run(n: int) -> float:
            arguments = [first_call(provider).kwargs for _ in range(n)]  # a File reads once
            started = time.perf_counter()
            for kwargs in arguments:
                each(kwargs)
            return time.perf_counter() - started

        return run

    def atimed(
        each: Callable[[dict[str, Any]], Awaitable[object]],
    ) -> Callable[[int], Awaitable[float]]:
        async def run(n: int) -> float:
            arguments = [first_call(provider).kwargs for _ in range(n)]
            started = time.perf_counter()
            for kwargs in arguments:
                await each(kwargs)
            return time.perf_counter() - started

        return run

    async def raw_async_call(_: dict[str, Any]) -> object:
        return json.loads((await raw_async.request(**raw_args)).content)

    sync_sides = {
        "runtime": timed(lambda kwargs: call(module, client=api, **kwargs)),
        "generated": timed(lambda kwargs: module.sync_detailed(client=bare, **kwargs).parsed),
        "raw": timed(lambda _: json.loads(raw_sync.request(**raw_args).content)),
    }
    async_sides = {
        "runtime": atimed(lambda kwargs: acall(module, client=api, **kwargs)),
        "generated": atimed(lambda kwargs: module.asyncio_detailed(client=bare, **kwargs)),
        "raw": atimed(raw_async_call),
    }
    # Rounds interleave the sides, so drift in machine load hits all of them.
    sync_times: dict[str, list[Timing]] = {side: [] for side in sync_sides}
    async_times: dict[str, list[Timing]] = {side: [] for side in async_sides}
    for _ in range(2):
        for side, run in sync_sides.items():
            sync_times[side].append(_measure(run, iterations, repeats))
        for side, arun in async_sides.items():
            async_times[side].append(_measure_async(arun, iterations, repeats))
    return [
        Row(provider, mode, *(_best(times[side]) for side in ("runtime", "generated", "raw")))
        for mode, times in (("sync", sync_times), ("async", async_times))
    ]


def _best(timings: list[Timing]) -> Timing:
    return Timing(min(t.min for t in timings), min(t.median for t in timings))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.runtime_overhead")
    parser.add_argument("--iterations", type=int, default=500, help="calls per repeat")
    parser.add_argument("--repeats", type=int, default=5, help="repeats per measurement")
    parser.add_argument("--provider", action="append", help="only these (repeatable)")
    args = parser.parse_args(argv)
    chosen = args.provider or list(providers())
    print("per call, min over repeats; ratios: runtime / raw httpx + json.loads (min, median)")
    print("and runtime / bare generated client (min)")
    print(
        f"{'provider':16} {'mode':5} {'runtime us':>10} {'generated us':>12} {'raw us':>8} "
        f"{'x raw min':>9} {'x raw median':>12} {'x generated':>11}"
    )
    for provider in chosen:
        for row in bench_provider(provider, args.iterations, args.repeats):
            print(
                f"{row.provider:16} {row.mode:5} {row.runtime.min * 1e6:10.1f} "
                f"{row.generated.min * 1e6:12.1f} {row.raw.min * 1e6:8.1f} "
                f"{row.ratio_min:9.2f} {row.ratio_median:12.2f} {row.over_generated:11.2f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
