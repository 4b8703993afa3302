"""The peers benchmark's machinery: its plan, the loopback-only guard, sides and targets,
our own sides and the raw httpx floor, and the timing of rounds (tools/bench/peers.py)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from image_classify import AsyncClassifier, Classifier
from tools.bench.cases import (
    KEY,
    Case,
    mock_transport,
    routes,
)
from tools.bench.concurrency import Exchange  # a recorded request, replayed by the raw sides
from tools.bench.peer_server import PeerServer
from tools.manifest import select

CONCURRENT = 256  # classifications at once in the concurrent rows


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


def _common(case: Case, target: Target) -> tuple[dict[str, Any], int | None]:
    """Our constructor's arguments for `case`, and its per-call top_k."""
    common: dict[str, Any] = {"api_key": KEY, "model": case.model, **case.classifier_kwargs()}
    top_k = case.top_k
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
