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
   and one huggingface_hub `AsyncInferenceClient`, each with its library's default pool,
   against one raw `httpx.AsyncClient` with AsyncClassifier's pool (100 connections, all
   kept alive); the same floor on `httpx2.AsyncClient` shows how much of the difference is
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
import math
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

import image_classify
from image_classify import AsyncClassifier, Classifier, aiohttp_transport
from tools.bench import Figure
from tools.bench.cases import (
    KEY,
    SAMPLE,
    Case,
    mock_transport,
    provider_cases,
    routes,
    sample_image,
)
from tools.bench.concurrency import Exchange  # a recorded request, replayed by the raw sides
from tools.bench.peer_server import PeerServer, route_table
from tools.manifest import select

NAME = "peers"
CONCURRENT = 256
CONCURRENT_TARGET = 1.0  # ours / AsyncInferenceClient
MODULE_TARGET = 1.10  # classify() / a reused Classifier
CONCURRENT_PROVIDER = "huggingface"
POOL = None  # AsyncClassifier's default pool: no cap, one connection per request in flight
FAST = "AsyncClassifier (aiohttp_transport)"


@dataclass(frozen=True)
class Plan:
    calls: int  # calls per timed batch (per-call figures)
    socket_calls: int  # the same over real sockets (each call costs more)
    repeats: int  # batches per side per round; the best counts
    rounds: int  # samples
    warmup: int  # untimed calls per side first: connections, lazy imports, caches
    concurrent: int
    heavy_peers: bool  # run peers whose import alone takes seconds

    @property
    def max_requests(self) -> int:
        """An upper bound of what the local server will be asked (a bound, not a target)."""
        batches = self.rounds * self.repeats
        # Sides: <= 6 per provider over sockets (2 providers), 4 concurrent, 3 module-level;
        # IMG Processing's 2 requests per image are on the MockTransport.
        per_call = 2 * 6 * (self.warmup + batches * self.socket_calls)
        concurrent = 4 * (self.warmup + batches) * self.concurrent
        module = 3 * (self.warmup + batches * self.socket_calls)
        return 2 * (per_call + concurrent + module) + 100


def _plan(quick: bool, runs: int) -> Plan:
    if quick:
        return Plan(1, 1, 1, 1, 1, 8, heavy_peers=False)
    return Plan(200, 100, 5, runs, 5, CONCURRENT, heavy_peers=True)


# --------------------------------------------------------------------------- network guard


class NetworkEscape(RuntimeError):
    """Something tried to reach a host other than this machine's loopback."""


LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass
class _Guard:
    active: bool = False
    installed: bool = False
    blocked: list[str] = field(default_factory=list)

    def audit(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.active:
            return
        if event == "socket.connect":
            address = args[1]
            host = address[0] if isinstance(address, tuple) else None  # None: a Unix socket
        elif event == "socket.getaddrinfo":
            host = args[0]
        else:
            return
        if isinstance(host, bytes):
            host = host.decode("ascii", "replace")
        if host is None or host in LOOPBACK:
            return
        self.blocked.append(f"{event} {host}")
        # Not an OSError, so that no client's retry or fallback swallows it.
        raise NetworkEscape(f"the peers benchmark stays on 127.0.0.1; refused {event} {host}")


_GUARD = _Guard()


@contextlib.contextmanager
def _loopback_only() -> Iterator[None]:
    """Audit hooks cannot be removed: one is installed per process, active only here."""
    if not _GUARD.installed:
        sys.addaudithook(_GUARD.audit)
        _GUARD.installed = True
    _GUARD.blocked.clear()
    _GUARD.active = True
    try:
        yield
    finally:
        _GUARD.active = False
    if _GUARD.blocked:
        raise NetworkEscape("tried to leave 127.0.0.1: " + ", ".join(sorted(set(_GUARD.blocked))))


# --------------------------------------------------------------------------- sides


@dataclass(frozen=True)
class Side:
    label: str
    call: Callable[[], Any]  # one classification: its result, or an awaitable of it
    is_async: bool
    top: Callable[[Any], str] | None = None  # the top label out of a result, to check it


@dataclass
class Env:
    """What every side of one run shares."""

    runner: asyncio.Runner
    stack: contextlib.ExitStack  # the whole run's
    image: bytes
    server: PeerServer
    plan: Plan
    hf_home: str | None = None  # the scratch HF_HOME, once set up
    scope: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)

    @contextlib.contextmanager
    def group(self) -> Iterator[None]:
        """One group of figures: its clients are closed (and any library default it
        changed restored) when it ends, before the next group starts."""
        with contextlib.ExitStack() as scope:
            self.scope = scope
            yield

    def close_later(self, closer: Callable[[], Any]) -> None:
        """Close a client at the end of the group (in the loop if it gives a coroutine)."""

        def close() -> None:
            outcome = closer()
            if asyncio.iscoroutine(outcome):
                self.runner.run(outcome)

        self.scope.callback(close)


@dataclass(frozen=True)
class Target:
    """Where one provider's sides send their requests."""

    provider: str
    transport: httpx.MockTransport | None  # None: real sockets to `base_url`
    base_url: str  # the provider's base URL (its real one under the MockTransport)

    @property
    def where(self) -> str:
        return "MockTransport" if self.transport is not None else "127.0.0.1"

    def sync_http(self) -> httpx.Client:
        return httpx.Client(transport=self.transport) if self.transport else httpx.Client()

    def async_http(self) -> httpx.AsyncClient:
        if self.transport:
            return httpx.AsyncClient(transport=self.transport)
        return httpx.AsyncClient()

    def answer(self, method: str, path: str) -> tuple[int, bytes]:
        """The documented answer for a request, by method and path (the provider's own)."""
        for route in routes(self.provider):
            if route.method == method and route.pattern.match(path):
                return route.status, route.body
        raise LookupError(f"{self.provider}: no documented answer for {method} {path}")


def _default_base_url(provider: str) -> str:
    return select([provider])[0].base_url


def _target(provider: str, env: Env, sockets: bool) -> Target:
    default = _default_base_url(provider)
    if not sockets:
        return Target(provider, mock_transport(provider), default)
    base_path = httpx.URL(default).path.rstrip("/")
    return Target(provider, None, env.server.base_url(provider, base_path))


def _split_options(case: Case) -> tuple[dict[str, Any], int | None]:
    """Provider options go to the constructor (set once), top_k to each call."""
    options = dict(case.options)
    top_k = options.pop("top_k", None)
    return options, top_k


def _common(case: Case, target: Target) -> tuple[dict[str, Any], int | None]:
    """Our constructor's arguments for `case`, and its per-call top_k."""
    options, top_k = _split_options(case)
    common: dict[str, Any] = {"model": case.model, "api_key": KEY, **options}
    if target.transport is None:
        common["base_url"] = target.base_url
    return common, top_k


def _reference(case: Case, target: Target, image: bytes) -> tuple[Any, list[Exchange]]:
    """One classification by our Classifier, recorded: its result (the model and top label
    the other sides must match) and the requests it made (what raw httpx replays)."""
    recorded: list[Exchange] = []
    prefix = "" if target.transport is not None else f"/{target.provider}"

    def record(request: httpx.Request) -> httpx.Response:
        body = request.read()
        recorded.append(
            Exchange(request.method, str(request.url), list(request.headers.multi_items()), body)
        )
        status, answer = target.answer(request.method, request.url.path.removeprefix(prefix))
        return httpx.Response(status, content=answer, headers={"content-type": "application/json"})

    common, top_k = _common(case, target)
    with (
        httpx.Client(transport=httpx.MockTransport(record)) as recorder,
        Classifier(case.provider, http_client=recorder, **common) as once,
    ):
        result = once.classify(image, top_k=top_k)
    return result, recorded


def _our_top(result: Any) -> str:
    return str(result.top.label)


def _our_sides(case: Case, target: Target, env: Env) -> list[Side]:
    """Classifier and AsyncClassifier, each made once and reused, each with the pool it
    builds itself (their default configuration); on the MockTransport, as its transport."""
    common, top_k = _common(case, target)
    sync_client = Classifier(case.provider, transport=target.transport, **common)
    async_client = AsyncClassifier(case.provider, transport=target.transport, **common)
    env.close_later(sync_client.close)
    env.close_later(async_client.aclose)
    image = env.image
    return [
        Side("Classifier", lambda: sync_client.classify(image, top_k=top_k), False, _our_top),
        Side("AsyncClassifier", lambda: async_client.classify(image, top_k=top_k), True, _our_top),
    ]


def _raw(exchanges: Sequence[Exchange], target: Target, env: Env) -> list[Side]:
    """Raw httpx replaying our recorded requests byte for byte, json.loads of each answer."""
    sync_http = target.sync_http()
    async_http = target.async_http()
    env.close_later(sync_http.close)
    env.close_later(async_http.aclose)

    def sync_call() -> Any:
        for exchange in exchanges:
            response = sync_http.request(
                exchange.method, exchange.url, headers=exchange.headers, content=exchange.body
            )
            answer = json.loads(response.content)
        return answer

    async def async_call() -> Any:
        for exchange in exchanges:
            response = await async_http.request(
                exchange.method, exchange.url, headers=exchange.headers, content=exchange.body
            )
            answer = json.loads(response.content)
        return answer

    return [Side("raw httpx", sync_call, False), Side("raw httpx async", async_call, True)]


# --------------------------------------------------------------------------- peers


@dataclass(frozen=True)
class Peer:
    provider: str
    label: str  # what is called
    distribution: str  # the PyPI name
    sockets: bool  # it cannot take an httpx transport
    build: Callable[[Case, Target, Env, Any], list[Side]]  # Any: our reference result
    heavy: bool = False  # importing it alone takes seconds: not under --quick
    not_in_extra: str | None = None  # why the bench extra leaves it out


class Unavailable(Exception):
    """A peer that cannot run here; the message says why."""


def _import(module: str, distribution: str) -> ModuleType:
    """The peers are imported by name, as modules typed Any: they are optional, and mypy
    following the cloudflare SDK's typed modules alone adds ~40 s to a cold run here."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise Unavailable(
            f"{distribution} is not installed (pip install -e '.[bench]'): {exc}"
        ) from exc


# Hugging Face -------------------------------------------------------------------------------

# The library's agent-harness registry cache (utils/_detect_agent.py), seeded empty: with
# it fresh, building the User-Agent detects no harness and fetches nothing (the library
# refreshes it from the Hub when it is missing or older than 24 hours).
HF_REGISTRY = ".agent_harnesses.json"


def _hf_variables() -> list[str]:
    """The environment variables huggingface_hub reads its settings from."""
    prefixes = ("HF_", "HUGGING_FACE_", "HUGGINGFACE_")
    return [name for name in os.environ if name.startswith(prefixes)] + ["TRANSFORMERS_OFFLINE"]


def _huggingface_hub(env: Env) -> ModuleType:
    """huggingface_hub as a user gets it by default, but with a scratch HF_HOME (its
    settings are read once, at import): no token, cache or setting of the user's is read,
    nothing of theirs is written, and their HF_* variables (HF_HUB_OFFLINE would refuse
    every request) do not change what is measured."""
    if env.hf_home is None:
        if "huggingface_hub" in sys.modules:
            raise Unavailable(
                "huggingface_hub was imported in this process before the benchmark could give "
                "it a scratch HF_HOME (run the benchmark in a process of its own)"
            )
        scratch = env.stack.enter_context(tempfile.TemporaryDirectory(prefix="peers-hf-"))
        Path(scratch, HF_REGISTRY).write_text(
            json.dumps({"standardEnvVars": [], "harnesses": {}}), encoding="utf-8"
        )
        saved = {name: os.environ.pop(name, None) for name in _hf_variables()}
        os.environ["HF_HOME"] = scratch
        try:
            _import("huggingface_hub", "huggingface_hub")
            importlib.import_module("huggingface_hub.inference._client")
        finally:
            del os.environ["HF_HOME"]
            os.environ.update({name: value for name, value in saved.items() if value is not None})
        env.hf_home = scratch
    return importlib.import_module("huggingface_hub")


def _hf_top(result: Any) -> str:
    return str(max(result, key=lambda item: item.score).label)


def _hf_model_url(target: Target, model: str) -> str:
    return f"{target.base_url}/models/{model}"


def _huggingface(case: Case, target: Target, env: Env, reference: Any) -> list[Side]:
    hub = _huggingface_hub(env)
    if target.transport is not None:
        _hf_mock_factories(target, env)
    model_url = _hf_model_url(target, reference.model)
    sync_client = hub.InferenceClient(model=model_url, token=KEY)
    async_client = hub.AsyncInferenceClient(model=model_url, token=KEY)
    env.close_later(sync_client.close)
    env.close_later(async_client.close)
    image = env.image
    return [
        Side(
            "huggingface_hub InferenceClient",
            lambda: sync_client.image_classification(image),
            False,
            _hf_top,
        ),
        Side(
            "huggingface_hub AsyncInferenceClient",
            lambda: async_client.image_classification(image),
            True,
            _hf_top,
        ),
    ]


def _hf_mock_factories(target: Target, env: Env) -> None:
    """huggingface_hub's clients, built as its default factories build them (same event
    hooks, redirects, no timeout) but on an httpx2.MockTransport; restored afterwards."""
    httpx2 = importlib.import_module("httpx2")
    hub = importlib.import_module("huggingface_hub")
    http = importlib.import_module("huggingface_hub.utils._http")

    def handle(request: Any) -> Any:
        request.read()
        status, body = target.answer(request.method, request.url.path)
        return httpx2.Response(status, content=body, headers={"content-type": "application/json"})

    transport = httpx2.MockTransport(handle)
    hub.set_client_factory(
        lambda: httpx2.Client(
            transport=transport,
            event_hooks={"request": [http.hf_request_event_hook]},
            follow_redirects=True,
            timeout=None,
        )
    )
    hub.set_async_client_factory(
        lambda: httpx2.AsyncClient(
            transport=transport,
            event_hooks={
                "request": [http.async_hf_request_event_hook],
                "response": [http.async_hf_response_event_hook],
            },
            follow_redirects=True,
            timeout=None,
        )
    )
    env.scope.callback(hub.set_async_client_factory, http.default_async_client_factory)
    env.scope.callback(hub.set_client_factory, http.default_client_factory)


# Cloudflare ---------------------------------------------------------------------------------


def _cloudflare(case: Case, target: Target, env: Env, reference: Any) -> list[Side]:
    sdk = _import("cloudflare", "cloudflare")
    account = case.options["account_id"]
    model = reference.model
    sync_client = sdk.Cloudflare(
        api_token=KEY, base_url=target.base_url, http_client=target.sync_http()
    )
    async_client = sdk.AsyncCloudflare(
        api_token=KEY, base_url=target.base_url, http_client=target.async_http()
    )
    env.close_later(sync_client.close)
    env.close_later(async_client.close)
    image = env.image

    def top(result: Any) -> str:
        return str(max(result, key=lambda item: item.score).label)

    # Its typed input for this model is the image as a list of 8-bit integers.
    return [
        Side(
            "cloudflare Cloudflare.ai.run",
            lambda: sync_client.ai.run(model, account_id=account, image=list(image)),
            False,
            top,
        ),
        Side(
            "cloudflare AsyncCloudflare.ai.run",
            lambda: async_client.ai.run(model, account_id=account, image=list(image)),
            True,
            top,
        ),
    ]


# Edge Impulse -------------------------------------------------------------------------------


def _edge_impulse(case: Case, target: Target, env: Env, reference: Any) -> list[Side]:
    sdk = _import("edgeimpulse_api", "edgeimpulse-api")
    configuration = sdk.Configuration(host=target.base_url, api_key={"ApiKeyAuthentication": KEY})
    api_client = sdk.ApiClient(configuration)
    env.close_later(api_client.close)
    api = sdk.ClassifyApi(api_client)
    project = int(reference.model)
    path = str(SAMPLE)  # it takes a file path only, and reads the file on every call

    def top(result: Any) -> str:
        scores: dict[str, float] = result.result
        return max(scores, key=lambda label: scores[label])

    return [
        Side(
            "edgeimpulse_api ClassifyApi.classify_image",
            lambda: api.classify_image(project_id=project, image=path),
            False,
            top,
        )
    ]


# Roboflow -----------------------------------------------------------------------------------


def _roboflow(case: Case, target: Target, env: Env, reference: Any) -> list[Side]:
    sdk = _import("inference_sdk", "inference-sdk")
    client = sdk.InferenceHTTPClient(api_url=target.base_url, api_key=KEY)
    client.select_api_v0()  # the hosted classify.roboflow.com API, as ours calls it
    # The key as a query parameter, as classify.roboflow.com takes it (and as ours sends
    # it); saying so explicitly also silences the SDK's warning about that default.
    client.configure(sdk.InferenceConfiguration(api_key_transport="legacy"))
    model = reference.model
    path = str(SAMPLE)  # a path, a URL, a numpy array, a PIL image or base64 text

    def top(result: Any) -> str:
        return str(max(result["predictions"], key=lambda p: p["confidence"])["class"])

    return [
        Side(
            "inference_sdk InferenceHTTPClient.infer",
            lambda: client.infer(path, model_id=model),
            False,
            top,
        ),
        Side(
            "inference_sdk InferenceHTTPClient.infer_async",
            lambda: client.infer_async(path, model_id=model),
            True,
            top,
        ),
    ]


PEERS = (
    Peer(
        "huggingface",
        "huggingface_hub InferenceClient / AsyncInferenceClient",
        "huggingface_hub",
        False,
        _huggingface,
    ),
    Peer(
        "cloudflare",
        "cloudflare Cloudflare / AsyncCloudflare .ai.run",
        "cloudflare",
        False,
        _cloudflare,
    ),
    Peer(
        "edge_impulse",
        "edgeimpulse_api ClassifyApi.classify_image",
        "edgeimpulse-api",
        True,
        _edge_impulse,
        heavy=True,
    ),
    Peer(
        "roboflow",
        "inference_sdk InferenceHTTPClient.infer / infer_async",
        "inference-sdk",
        True,
        _roboflow,
        not_in_extra="not in the bench extra: it needs pillow<13, and ~630 MB (see notes)",
    ),
)


# --------------------------------------------------------------------------- timing


def _once(side: Side, env: Env) -> Any:
    outcome = side.call()
    if side.is_async:
        return env.runner.run(outcome)
    return outcome


def _per_call(side: Side, env: Env, calls: int) -> float:
    """Seconds per call over `calls` calls in a row."""
    if side.is_async:

        async def batch() -> float:
            started = time.perf_counter()
            for _ in range(calls):
                await side.call()
            return time.perf_counter() - started

        return env.runner.run(batch()) / calls
    started = time.perf_counter()
    for _ in range(calls):
        side.call()
    return (time.perf_counter() - started) / calls


def _concurrently(side: Side, env: Env, concurrent: int) -> float:
    """Seconds for `concurrent` calls at once."""

    async def batch() -> float:
        started = time.perf_counter()
        await asyncio.gather(*(side.call() for _ in range(concurrent)))
        return time.perf_counter() - started

    return env.runner.run(batch())


def _rounds(
    sides: Sequence[Side], env: Env, timed: Callable[[Side], float], expected: str | None
) -> dict[str, list[float]]:
    """Warm every side up (and check its answer), then per round each side's best batch;
    sides interleave within each round."""
    plan = env.plan
    for side in sides:
        for _ in range(plan.warmup):
            result = _once(side, env)
        if side.top is not None and expected is not None and side.top(result) != expected:
            raise AssertionError(f"{side.label} answered {side.top(result)!r}, not {expected!r}")
    times: dict[str, list[float]] = {side.label: [] for side in sides}
    for _ in range(plan.rounds):
        best = dict.fromkeys(times, math.inf)
        for _ in range(plan.repeats):
            for side in sides:
                best[side.label] = min(best[side.label], timed(side))
        for label, value in best.items():
            times[label].append(value)
    return times


def _ratios(times: dict[str, list[float]], side: str, baseline: str) -> tuple[float, ...]:
    return tuple(s / b for s, b in zip(times[side], times[baseline], strict=True))


def _us(times: dict[str, list[float]], label: str) -> str:
    return f"{min(times[label]) * 1e6:,.0f} us"


# --------------------------------------------------------------------------- figures


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
