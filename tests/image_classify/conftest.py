"""Runtime test fixtures: real generated clients from the factory, on httpx.MockTransport,
with a fake clock for retries and no credentials leaking in from the environment."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

import image_classify
from image_classify._options import set_options
from image_classify._providers import providers
from tests.image_classify.cases import first_operations

KEY = "sk-runtime-test-key-7f3a9c1e5b"
PROVIDERS = list(providers())
Handler = Callable[[httpx.Request], httpx.Response]


@dataclass
class FakeClock:
    """Records the waits the retry policy asks for, sync and async, without waiting."""

    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await asyncio.sleep(0)


@dataclass
class Recorder:
    """A MockTransport handler that answers with `responses` in turn (the last repeats)
    and keeps every request it saw."""

    responses: list[httpx.Response | Exception | Handler]
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.responses[min(len(self.requests), len(self.responses)) - 1]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):  # a fresh copy: httpx binds one to its request
            return httpx.Response(
                answer.status_code, headers=answer.headers, content=answer.content
            )
        return answer(request)


@pytest.fixture(autouse=True)
def _no_credentials_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for info in providers().values():
        for name in (*info.auth.env, *info.auth.extra_env):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("IMAGE_CLASSIFY_LOG", raising=False)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@dataclass
class Api:
    """A factory-built client whose sync and async httpx clients share one recorder."""

    provider: str
    client: Any
    recorder: Recorder

    @property
    def operation(self) -> Any:
        return first_operations()[self.provider].module

    @property
    def requests(self) -> list[httpx.Request]:
        return self.recorder.requests


MakeApi = Callable[..., Api]


@pytest.fixture
def make_api(clock: FakeClock) -> Iterator[MakeApi]:
    made: list[Api] = []

    def make(provider: str, *answers: httpx.Response | Exception | Handler, **options: Any) -> Api:
        recorder = Recorder(list(answers))
        transport = httpx.MockTransport(recorder)
        options.setdefault("api_key", KEY)
        api = image_classify.client(
            provider,
            http_client=httpx.Client(transport=transport),
            async_http_client=httpx.AsyncClient(transport=transport),
            **options,
        )
        set_options(api, sleep=clock.sleep, async_sleep=clock.async_sleep)
        made.append(Api(provider, api, recorder))
        return made[-1]

    yield make
    for api in made:
        api.client.get_httpx_client().close()


def json_response(status: int, body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)
