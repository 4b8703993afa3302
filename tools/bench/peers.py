"""Our clients side by side with other Python clients of the same APIs, in one run.

Every side classifies samples/sample.jpg and gets the provider's documented success example
(tools.bench.cases): through one httpx.MockTransport where every side of a provider can
take an httpx client, otherwise over real 127.0.0.1 sockets to a local HTTP/1.1 server in a
process of its own (tools/bench/peer_server.py). Figures are ratios to raw httpx
(`Client.request`/`AsyncClient.request` replaying the exact requests our client made,
recorded once, plus `json.loads` of the answer) measured in the same round on the same
transport; rounds interleave all sides; within a round each side's best of a few batches
counts.

1. Per call, per provider: `Classifier.classify` and `AsyncClassifier.classify`, reused,
   and each peer for that provider, also reused:
   - huggingface_hub `InferenceClient` / `AsyncInferenceClient.image_classification`: the
     model given as its endpoint URL (the library's way to reach a given deployment, and no
     Hub lookup of the model); it runs on httpx2, an httpx fork, so its MockTransport is
     httpx2's, set through `set_client_factory` on a client built like the default one.
     Same request as ours (the raw image bytes);
   - cloudflare (the official SDK) `Cloudflare` / `AsyncCloudflare.ai.run` with
     `image=list(bytes)`, its typed input for @cf/microsoft/resnet-50, on an httpx client
     over the MockTransport: it sends the image as a JSON array of integers (about 3.5x
     the bytes we send);
   - edgeimpulse-api `ClassifyApi.classify_image` (urllib3, sync only: its `async_req`
     is a thread pool), given the image's path as it requires: real sockets;
   - inference-sdk (Roboflow) `InferenceHTTPClient.infer` / `infer_async` in v0 mode
     (requests, aiohttp; it decodes and re-encodes the JPEG before sending it): real
     sockets. Not in the `bench` extra (see the notes); measured when installed by hand.
   Providers with a peer that needs sockets (edge_impulse, roboflow) run every side over
   sockets, the others on the MockTransport.
2. 256 concurrent classifications over real sockets (Hugging Face): one `AsyncClassifier`
   on httpx's transport, one on `aiohttp_transport()`, and one huggingface_hub
   `AsyncInferenceClient`, each with its library's default pool, against one raw
   `httpx.AsyncClient` with AsyncClassifier's pool (no cap, every connection kept alive);
   the same floor on `httpx2.AsyncClient` shows how much of the difference is
   the HTTP client underneath.
3. Module-level `image_classify.classify()` (which keeps a pooled client per settings)
   against a reused `Classifier`, sync, over real sockets (Hugging Face).

Nothing leaves the machine: while the benchmark runs, an audit hook refuses (and reports)
any connection or name lookup for a host other than 127.0.0.1, localhost or ::1; the
local server gets a bounded number of requests and stops by itself after a while. The
huggingface_hub side runs with a scratch HF_HOME whose agent-harness registry (which the
library otherwise fetches from the Hub once a day, to build its User-Agent) is seeded
empty. HF_HUB_OFFLINE cannot be used: it makes the library refuse every request, those to
127.0.0.1 included.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import warnings
from typing import Any

import httpx

import image_classify
from image_classify import AsyncClassifier, Classifier, aiohttp_transport
from tools.bench import Figure
from tools.bench.cases import (
    KEY,
    Case,
    provider_cases,
    routes,
    sample_image,
)
from tools.bench.peer_harness import (
    Env,
    Side,
    _concurrently,
    _loopback_only,
    _our_sides,
    _our_top,
    _per_call,
    _plan,
    _ratios,
    _raw,
    _reference,
    _rounds,
    _target,
    _us,
)
from tools.bench.peer_sdks import PEERS, Unavailable, _hf_model_url, _hf_top, _huggingface_hub
from tools.bench.peer_server import PeerServer, route_table

NAME = "peers"
CONCURRENT_TARGET = 1.0  # ours / AsyncInferenceClient
MODULE_TARGET = 1.10  # classify() / a reused Classifier
CONCURRENT_PROVIDER = "huggingface"
POOL = None  # AsyncClassifier's default pool: no cap, one connection per request in flight
FAST = "AsyncClassifier (aiohttp_transport)"


def _per_call_figures(case: Case, env: Env) -> list[Figure]:
    peers = [peer for peer in PEERS if peer.provider == case.provider]
    sockets = any(peer.sockets for peer in peers)
    target = _target(case.provider, env, sockets)
    reference, recorded = _reference(case, target, env.image)
    ours = _our_sides(case, target, env)
    raw_sync, raw_async = _raw(recorded, target, env)
    figures: list[Figure] = []
    sides = [raw_sync, ours[0], raw_async, ours[1]]
    for peer in peers:
        try:
            if peer.heavy and not env.plan.heavy_peers:
                raise Unavailable(
                    f"skipped under --quick (importing {peer.distribution} takes seconds)"
                )
            sides += peer.build(case, target, env, reference)
        except Unavailable as exc:
            reason = str(exc)
            if peer.not_in_extra and "not installed" in reason:
                reason = peer.not_in_extra
            name = f"{case.provider}: {peer.label} ({target.where})"
            figures.append(Figure(NAME, name, "x", (), unavailable=reason))
    calls = env.plan.calls if target.transport is not None else env.plan.socket_calls
    times = _rounds(sides, env, lambda side: _per_call(side, env, calls), str(reference.top.label))
    measured = []
    for side in sides:
        if side.label.startswith("raw httpx"):
            continue
        baseline = raw_async if side.is_async else raw_sync
        measured.append(
            Figure(
                NAME,
                f"{case.provider}: {side.label} ({target.where})",
                "x",
                _ratios(times, side.label, baseline.label),
                None,
                f"{_us(times, side.label)} per call vs {baseline.label} "
                f"{_us(times, baseline.label)} ({target.where}, best round)",
            )
        )
    return measured + figures


def _concurrent_figures(env: Env) -> list[Figure]:
    """AsyncClassifier vs AsyncInferenceClient vs raw httpx.AsyncClient, N at once."""
    case = next(c for c in provider_cases() if c.provider == CONCURRENT_PROVIDER)
    target = _target(case.provider, env, sockets=True)
    reference, recorded = _reference(case, target, env.image)
    (exchange,) = recorded
    ours = AsyncClassifier(case.provider, api_key=KEY, base_url=target.base_url)
    env.close_later(ours.aclose)
    # The same with aiohttp under httpx (the `aiohttp` extra, in the dev extra).
    fast = AsyncClassifier(
        case.provider, api_key=KEY, base_url=target.base_url, transport=aiohttp_transport()
    )
    env.close_later(fast.aclose)
    # The floor: a pool like AsyncClassifier's (no cap, every connection kept alive; httpx's
    # default keeps 20 idle, so each burst would reopen most of its connections).
    pool = httpx.Limits(max_connections=POOL, max_keepalive_connections=POOL)
    raw = httpx.AsyncClient(limits=pool)
    env.close_later(raw.aclose)
    image = env.image

    async def raw_call() -> Any:
        response = await raw.request(
            exchange.method, exchange.url, headers=exchange.headers, content=exchange.body
        )
        return json.loads(response.content)

    sides = [
        Side("raw httpx.AsyncClient", raw_call, True),
        Side("AsyncClassifier", lambda: ours.classify(image), True, _our_top),
        Side(FAST, lambda: fast.classify(image), True, _our_top),
    ]
    n = env.plan.concurrent
    prefix = f"{n} concurrent (127.0.0.1)"
    unavailable: list[Figure] = []
    try:
        hub = _huggingface_hub(env)
        peer = hub.AsyncInferenceClient(
            model=_hf_model_url(target, reference.model), token=KEY
        )  # its default async client: real sockets, the library's own pool
        env.close_later(peer.close)
        sides.append(
            Side("AsyncInferenceClient", lambda: peer.image_classification(image), True, _hf_top)
        )
        # The same floor on httpx2 (huggingface_hub's HTTP client, an httpx fork): how much of
        # the difference is the HTTP client underneath rather than the code above it.
        httpx2 = importlib.import_module("httpx2")
        raw2 = httpx2.AsyncClient(
            limits=httpx2.Limits(max_connections=POOL, max_keepalive_connections=POOL)
        )
        env.close_later(raw2.aclose)

        async def raw2_call() -> Any:
            response = await raw2.request(
                exchange.method, exchange.url, headers=exchange.headers, content=exchange.body
            )
            return json.loads(response.content)

        sides.append(Side("raw httpx2.AsyncClient", raw2_call, True))
    except Unavailable as exc:
        for name in (
            "AsyncInferenceClient",
            "AsyncClassifier / AsyncInferenceClient",
            "raw httpx2.AsyncClient",
        ):
            unavailable.append(Figure(NAME, f"{prefix}: {name}", "x", (), unavailable=str(exc)))
    times = _rounds(sides, env, lambda side: _concurrently(side, env, n), str(reference.top.label))

    def ms(label: str) -> str:
        return f"{min(times[label]) * 1e3:,.0f} ms"

    raw_label = "raw httpx.AsyncClient"
    figures = [
        Figure(
            NAME,
            f"{prefix}: AsyncClassifier",
            "x",
            _ratios(times, "AsyncClassifier", raw_label),
            None,
            f"{ms('AsyncClassifier')} for {n} vs raw {ms(raw_label)} (best round)",
        ),
        Figure(
            NAME,
            f"{prefix}: {FAST}",
            "x",
            _ratios(times, FAST, raw_label),
            None,
            f"{ms(FAST)} for {n} vs raw {ms(raw_label)} (best round)",
        ),
    ]
    if "AsyncInferenceClient" in times:
        figures += [
            Figure(
                NAME,
                f"{prefix}: AsyncInferenceClient",
                "x",
                _ratios(times, "AsyncInferenceClient", raw_label),
                None,
                f"{ms('AsyncInferenceClient')} for {n} vs raw {ms(raw_label)} (best round)",
            ),
            Figure(
                NAME,
                f"{prefix}: AsyncClassifier / AsyncInferenceClient",
                "x",
                _ratios(times, "AsyncClassifier", "AsyncInferenceClient"),
                CONCURRENT_TARGET,
                f"{ms('AsyncClassifier')} vs {ms('AsyncInferenceClient')} for {n}",
            ),
            Figure(
                NAME,
                f"{prefix}: {FAST} / AsyncInferenceClient",
                "x",
                _ratios(times, FAST, "AsyncInferenceClient"),
                CONCURRENT_TARGET,
                f"{ms(FAST)} vs {ms('AsyncInferenceClient')} for {n}",
            ),
            Figure(
                NAME,
                f"{prefix}: raw httpx2.AsyncClient",
                "x",
                _ratios(times, "raw httpx2.AsyncClient", raw_label),
                None,
                f"{ms('raw httpx2.AsyncClient')} for {n} vs raw httpx {ms(raw_label)}: the "
                "HTTP client under AsyncInferenceClient, same requests, same pool size",
            ),
        ]
    return figures + unavailable


def _module_level_figures(env: Env) -> list[Figure]:
    """classify() (pooled internally) vs one reused Classifier, sync, real sockets."""
    case = next(c for c in provider_cases() if c.provider == CONCURRENT_PROVIDER)
    target = _target(case.provider, env, sockets=True)
    reference, recorded = _reference(case, target, env.image)
    reused = Classifier(case.provider, api_key=KEY, base_url=target.base_url)
    env.close_later(reused.close)
    raw = _raw(recorded, target, env)[0]
    image = env.image
    top = str(reference.top.label)

    def module_level() -> Any:
        return image_classify.classify(
            image, provider=case.provider, api_key=KEY, base_url=target.base_url
        )

    sides = [
        raw,
        Side("Classifier", lambda: reused.classify(image), False, _our_top),
        Side("classify()", module_level, False, _our_top),
    ]
    calls = env.plan.socket_calls
    times = _rounds(sides, env, lambda side: _per_call(side, env, calls), top)
    return [
        Figure(
            NAME,
            f"classify() / reused Classifier ({case.provider}, 127.0.0.1)",
            "x",
            _ratios(times, "classify()", "Classifier"),
            MODULE_TARGET,
            f"{_us(times, 'classify()')} per call vs Classifier {_us(times, 'Classifier')} "
            f"(raw httpx {_us(times, raw.label)}, best round)",
        )
    ]


def run(quick: bool, runs: int) -> list[Figure]:
    plan = _plan(quick, runs)
    tables = {case.provider: route_table(routes(case.provider)) for case in provider_cases()}
    figures: list[Figure] = []
    with contextlib.ExitStack() as stack:
        stack.enter_context(warnings.catch_warnings())
        # huggingface_hub's async client sends raw bytes as `data=`, which httpx2 deprecates:
        # the library's own warning, once per call site.
        warnings.filterwarnings("ignore", "Use 'content=", DeprecationWarning, r"httpx2\.")
        runner = stack.enter_context(asyncio.Runner())
        server = stack.enter_context(
            PeerServer(tables, max_requests=plan.max_requests, max_seconds=1800)
        )
        stack.enter_context(_loopback_only())
        env = Env(runner, stack, sample_image(), server, plan)
        for case in provider_cases():
            with env.group():
                figures += _per_call_figures(case, env)
        with env.group():
            figures += _concurrent_figures(env)
        with env.group():
            figures += _module_level_figures(env)
        unmatched = server.stats()["unmatched"]
        if unmatched:
            raise AssertionError(f"requests the local server had no answer for: {unmatched}")
    return figures
