"""A reused Classifier / AsyncClassifier per call vs raw httpx + json.loads.

Per provider (its default request form, tools/bench/cases.py: from the manifest), on one
httpx.MockTransport answering each operation's documented success example:

- ours: `classifier.classify(image)` on one reused instance with its own pool (the mock as
  its `transport`): sniff the image, plan the
  provider's calls, build the typed request, authenticate, send, parse into typed models,
  rank predictions;
- raw: what hand-written httpx code would do for the same answer: `client.request(...)`
  with the arguments the generated operation builds (path, headers, body: httpx encodes a
  multipart body per call, as it would for hand-written code), the key set on the client,
  and `json.loads` of each answer.

Both sides run interleaved in the same process; a sample is ours / raw of the best
per-call times of one run (each the best of REPEATS interleaved repeats), as per-call's.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from image_classify import AsyncClassifier, Classifier
from image_classify._images import load_image
from image_classify._providers import provider_info
from image_classify.adapters import adapter_for
from tools.bench import Figure
from tools.bench.cases import KEY, Case, mock_transport, provider_cases, sample_image

NAME = "classifier-per-call"
TARGET = 1.10
ITERATIONS = 300
REPEATS = 5


@dataclass(frozen=True)
class RawCall:
    kwargs: dict[str, Any]  # for httpx.Client.request


def _credential(provider: str) -> dict[str, Any]:
    """The key the way hand-written code sets it on its client."""
    auth = provider_info(provider).auth
    if auth.style == "query":
        return {"params": {auth.name: KEY}}
    prefix = "Bearer " if auth.style == "bearer" else ""
    return {"headers": {auth.name: prefix + KEY}}


def raw_calls(case: Case, image: bytes, transport: httpx.MockTransport) -> list[RawCall]:
    """The requests of one classification, as the generated operations build them (the
    adapter's plan, fed with each typed answer so chained calls are recorded too)."""
    info = provider_info(case.provider)
    adapter = adapter_for(case.provider)
    options = {k: v for k, v in case.options.items() if k != "top_k"}
    if "top_k" in case.options and "top_k" in adapter.OPTIONS:
        options["top_k"] = case.options["top_k"]
    model = case.model if case.model is not None else adapter.DEFAULT_MODEL
    plan = adapter.plan(load_image(image), model, options)
    recorded: list[RawCall] = []
    generated = __import__(info.package).Client(base_url=info.base_url)
    with httpx.Client(transport=transport, **_credential(case.provider)) as http:
        try:
            step = next(plan)
            while True:
                built = step.operation._get_kwargs(**step.kwargs)
                built["url"] = info.base_url + built["url"]
                recorded.append(RawCall(built))
                response = http.request(**built)
                step = plan.send(
                    step.operation._parse_response(client=generated, response=response)
                )
        except StopIteration:
            pass
    return recorded


def _per_call(run: Callable[[], object], iterations: int) -> float:
    started = time.perf_counter()
    for _ in range(iterations):
        run()
    return (time.perf_counter() - started) / iterations


async def _aper_call(run: Callable[[], Awaitable[object]], iterations: int) -> float:
    started = time.perf_counter()
    for _ in range(iterations):
        await run()
    return (time.perf_counter() - started) / iterations


def _classifier_kwargs(case: Case) -> dict[str, Any]:
    return {"api_key": KEY, "max_retries": 0, **case.classifier_kwargs()}


def bench_sync(case: Case, iterations: int, repeats: int) -> tuple[list[float], float, float]:
    image = sample_image()
    transport = mock_transport(case.provider)
    calls = raw_calls(case, image, transport)
    raw = httpx.Client(transport=transport, **_credential(case.provider))
    kwargs = _classifier_kwargs(case)
    top_k = case.top_k
    # Its own pool (the default configuration), the mock as that pool's transport.
    ours: Classifier[Any] = Classifier(case.provider, transport=transport, **kwargs)

    def raw_side() -> None:
        for call in calls:
            json.loads(raw.request(**call.kwargs).content)

    def our_side() -> None:
        ours.classify(image, top_k=top_k)

    for side in (raw_side, our_side):  # warm up: pools, caches
        _per_call(side, max(1, iterations // 10))
    ratios, best_ours, best_raw = [], float("inf"), float("inf")
    for _ in range(repeats):
        raw_time = _per_call(raw_side, iterations)
        our_time = _per_call(our_side, iterations)
        ratios.append(our_time / raw_time)
        best_ours, best_raw = min(best_ours, our_time), min(best_raw, raw_time)
    return ratios, best_ours, best_raw


def bench_async(case: Case, iterations: int, repeats: int) -> tuple[list[float], float, float]:
    image = sample_image()
    transport = mock_transport(case.provider)
    calls = raw_calls(case, image, transport)
    kwargs = _classifier_kwargs(case)
    top_k = case.top_k

    async def main() -> tuple[list[float], float, float]:
        raw = httpx.AsyncClient(transport=transport, **_credential(case.provider))
        ours: AsyncClassifier[Any] = AsyncClassifier(case.provider, transport=transport, **kwargs)

        async def raw_side() -> None:
            for call in calls:
                json.loads((await raw.request(**call.kwargs)).content)

        async def our_side() -> None:
            await ours.classify(image, top_k=top_k)

        for side in (raw_side, our_side):
            await _aper_call(side, max(1, iterations // 10))
        ratios, best_ours, best_raw = [], float("inf"), float("inf")
        for _ in range(repeats):
            raw_time = await _aper_call(raw_side, iterations)
            our_time = await _aper_call(our_side, iterations)
            ratios.append(our_time / raw_time)
            best_ours, best_raw = min(best_ours, our_time), min(best_raw, raw_time)
        return ratios, best_ours, best_raw

    return asyncio.run(main())


def run(quick: bool, runs: int) -> list[Figure]:
    iterations, repeats = (2, 1) if quick else (ITERATIONS, REPEATS)
    figures = []
    for case in provider_cases():
        for mode, bench in (("sync", bench_sync), ("async", bench_async)):
            samples: list[float] = []
            best_ours, best_raw = float("inf"), float("inf")
            for _ in range(1 if quick else runs):
                _, ours, raw = bench(case, iterations, repeats)
                samples.append(ours / raw)
                best_ours, best_raw = min(best_ours, ours), min(best_raw, raw)
            figures.append(
                Figure(
                    NAME,
                    f"{case.provider} {mode}",
                    "x",
                    tuple(samples),
                    TARGET,
                    f"{best_ours * 1e6:.0f} us vs raw {best_raw * 1e6:.0f} us "
                    f"(median ratio {statistics.median(samples):.2f})",
                )
            )
    return figures
