"""What the fake and the Prism mocks share (classifiers with test defaults, closed at the
end), and the Prism backend: one Prism per provider, started on first use."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterable
from typing import Any

import httpx

from image_classify._classifier import AsyncClassifier, Classifier
from image_classify._prism import PrismProcess, find_prism, stop_all
from image_classify._prism_fleet import MOCK_KEY
from image_classify._providers import provider_info, providers
from image_classify._spec_files import spec_path
from image_classify._spec_match import index_for
from image_classify.testing._examples import choose_answer, find_operation, named
from image_classify.testing._prefer import Preferences, parse_prefer, prefer_header
from image_classify.testing._violations import RequestLog

# Mocks check only that a credential is there (Prism does the same): a placeholder will do,
# and no real key from the environment is ever sent to a mock.
PLACEHOLDER_KEY = MOCK_KEY  # what the fixtures' classifiers send (presence is all that counts)


class MockBase(RequestLog):
    """What FakeAPIs and PrismMocks share: the API of all three fixtures.

    `classifier()` / `async_classifier()` (test defaults, closed by `close()`, which the
    fixtures call), `prefer()`, `expect_violation()`, `base_url()`, and the record:
    `requests` sent and `violations` found."""

    kind: str = ""

    def __init__(self) -> None:
        super().__init__()
        self._classifiers: list[Classifier[Any]] = []
        self._async_classifiers: list[AsyncClassifier[Any]] = []
        self._preferences = Preferences()

    def base_url(self, provider: str) -> str:
        raise NotImplementedError

    def _transport_for(self, provider: str) -> httpx.BaseTransport:
        raise NotImplementedError

    def _async_transport_for(self, provider: str) -> httpx.AsyncBaseTransport:
        raise NotImplementedError

    def prefer(
        self,
        provider: str | None = None,
        *,
        code: int | None = None,
        example: str | None = None,
        times: int | None = None,
        operation: str | None = None,
    ) -> None:
        """Answer `provider`'s (None: every provider's) later requests with this
        documented status and/or named example, as Prism's `Prefer: code=..., example=...`
        does. `times=n`: only the next n requests; `operation`: only requests to that
        operation (its operationId, or "POST /path" as the spec writes it), e.g. the
        `classify` after IMG Processing's `upload`. No code and no example: back to the
        default. A `Prefer` header on the request wins; the choice ends with the test."""
        self._preferences.set(provider, code, example, times, operation)

    def reset(self) -> None:
        """Forget prefer() choices, requests and violations (the session's
        image_classify_prism does this after each test)."""
        self._preferences.clear()
        self.forget()

    def _settings(self, provider: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        info = provider_info(provider)
        settings: dict[str, Any] = {
            "api_key": PLACEHOLDER_KEY,
            "base_url": self.base_url(info.key),
            # A preferred 429 or 503 would otherwise be retried after its Retry-After
            # (30 s in Cloudflare's example): a test wants the typed error at once.
            "max_retries": 0,
            **info.mock_options,
        }
        if info.example_model is not None:
            settings["model"] = info.example_model
        settings.update(kwargs)
        return settings

    def classifier(self, provider: str, **kwargs: Any) -> Classifier[Any]:
        """A Classifier for `provider` on this mock: a placeholder key, the provider's
        example model and mock options (an account id), `max_retries=0`; every keyword
        of Classifier overrides these. Closed when the fixture ends."""
        settings = self._settings(provider, kwargs)
        if "http_client" not in settings:
            settings.setdefault("transport", self._transport_for(provider))
        made: Classifier[Any] = Classifier(provider, **settings)
        self._classifiers.append(made)
        return made

    def async_classifier(self, provider: str, **kwargs: Any) -> AsyncClassifier[Any]:
        """The AsyncClassifier twin of classifier()."""
        settings = self._settings(provider, kwargs)
        if "http_client" not in settings:
            settings.setdefault("transport", self._async_transport_for(provider))
        made: AsyncClassifier[Any] = AsyncClassifier(provider, **settings)
        self._async_classifiers.append(made)
        return made

    def close(self) -> None:
        """Close every classifier this object made (idempotent)."""
        while self._classifiers:
            self._classifiers.pop().close()
        while self._async_classifiers:
            made = self._async_classifiers.pop()
            if _loop_running():
                continue  # cannot wait here; the pool goes with the loop
            # Its loop (the test's) is gone by now; a pool over loopback sockets may not
            # close cleanly in a new one, and there is nothing left to flush.
            with contextlib.suppress(Exception):
                asyncio.run(made.aclose())


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class _PreferTransport(httpx.BaseTransport):
    """Adds the mocks' preferred `Prefer` header (unless the request has one) and records."""

    def __init__(self, mocks: PrismMocks, key: str) -> None:
        self._inner = httpx.HTTPTransport()
        self._mocks = mocks
        self._key = key

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # the check reads the body; a streamed one is then sent from memory
        self._mocks._prepare(self._key, request)
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


class _AsyncPreferTransport(httpx.AsyncBaseTransport):
    """The async twin of _PreferTransport."""

    def __init__(self, mocks: PrismMocks, key: str) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self._mocks = mocks
        self._key = key

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self._mocks._prepare(self._key, request)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


class PrismServers:
    """One Prism process per provider (free loopback port, `--errors`), started on first
    use and stopped by `stop()`. Thread-safe: classify_many's workers may ask at once."""

    def __init__(self) -> None:
        self.command: list[str] = find_prism()  # PrismNotFoundError, with the launcher's advice
        self._running: dict[str, PrismProcess] = {}
        self._lock = threading.Lock()

    def start(self, providers: Iterable[str]) -> None:
        """Start these providers' mocks (those not running) at once, then wait for all:
        about 2-5 s each, overlapping instead of one after the other."""
        keys = [provider_info(name).key for name in providers]
        with self._lock:
            starting = []
            for key in keys:
                process = self._running.get(key)
                if process is not None and process.alive():
                    continue
                if process is not None:
                    process.stop()
                # The document the mock serves: mock overlays work around Prism's limits.
                process = PrismProcess(
                    spec_path(key, mock=True), port=0, name=key, prism=self.command
                )
                self._running[key] = process
                process.start()
                starting.append(process)
            for process in starting:
                process.wait_ready()

    def processes(self) -> dict[str, PrismProcess]:
        """The Prism process of each provider started so far."""
        with self._lock:
            return dict(self._running)

    def base_url(self, provider: str) -> str:
        key = provider_info(provider).key
        self.start([key])
        return self._running[key].base_url

    def stop(self) -> None:
        with self._lock:
            running = list(self._running.values())
            self._running.clear()
        stop_all(running)


class PrismMocks(MockBase):
    """The five APIs served by real Prism mocks (`--errors`), one per provider on a free
    loopback port, started on first use.

    Requests are checked against the effective spec before they are sent, as the fake
    checks them (SpecViolation); what passes goes to Prism, which checks it again.
    `base_url(provider)` starts that provider's Prism if needed; `prefer()` sets the
    `Prefer` header of later requests (Prism's `code=...`, `example=...`)."""

    kind: str = "prism"

    def __init__(self, servers: PrismServers) -> None:
        super().__init__()
        self.servers: PrismServers = servers

    def base_url(self, provider: str) -> str:
        """`provider`'s mock (started now if it is not running)."""
        return self.servers.base_url(provider)

    def start(self, *names: str) -> None:
        """Start these providers' mocks now, in parallel (default: all five), e.g. from a
        session fixture, instead of one by one as tests first use them."""
        self.servers.start(names or providers())

    def _transport_for(self, provider: str) -> httpx.BaseTransport:
        return _PreferTransport(self, provider_info(provider).key)

    def _async_transport_for(self, provider: str) -> httpx.AsyncBaseTransport:
        return _AsyncPreferTransport(self, provider_info(provider).key)

    def _prepare(self, key: str, request: httpx.Request) -> None:
        index = index_for(key)
        spec = index.document
        operation = find_operation(index, request.method, request.url.path)
        if "prefer" not in request.headers:
            preferred = prefer_header(*self._preferences.take(key, operation))
            if preferred is not None:
                request.headers["Prefer"] = preferred
        self._check(key, request)
        code, example = parse_prefer(request.headers.get("prefer"))
        if operation is not None and (code is not None or example is not None):
            # Prism would answer an undocumented choice with an error of its own; say it
            # as the fake does instead.
            named(key, lambda: choose_answer(spec, operation, code=code, example=example))
