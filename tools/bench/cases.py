"""What the classify() benchmarks send, and the in-process mock that answers them.

The cases (provider, model, options, body form) are data: benchmarks/data/classify-cases.toml.
The answers are each operation's first documented 2xx JSON example from the provider's
effective spec (specs + overlays), routed by method and path template, so no benchmark
carries a per-provider response table.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import locate_shared_dir
from tools.effective import build
from tools.manifest import ROOT, select

CASES_FILE = ROOT / "benchmarks" / "data" / "classify-cases.toml"
SAMPLE = ROOT / "samples" / "sample.jpg"
KEY = "benchmark-key-0123456789"


@dataclass(frozen=True)
class Case:
    name: str
    provider: str
    body: str  # "base64" | "binary"
    model: str | None = None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def top_k(self) -> int | None:
        """top_k, an argument of each classify() call rather than of the Classifier."""
        value = self.options.get("top_k")
        return None if value is None else int(value)

    def classifier_kwargs(self) -> dict[str, Any]:
        """Model and provider options, for a Classifier (top_k is per call)."""
        kwargs = {k: v for k, v in self.options.items() if k != "top_k"}
        if self.model is not None:
            kwargs["model"] = self.model
        return kwargs

    def classify_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"provider": self.provider, "api_key": KEY, **self.options}
        if self.model is not None:
            kwargs["model"] = self.model
        return kwargs


@cache
def cases() -> dict[str, Case]:
    table = tomllib.loads(CASES_FILE.read_text(encoding="utf-8"))["cases"]
    return {
        name: Case(
            name=name,
            provider=str(entry["provider"]),
            body=str(entry["body"]),
            model=entry.get("model"),
            options=dict(entry.get("options", {})),
        )
        for name, entry in table.items()
    }


def provider_case(provider: str) -> Case:
    """The first case of `provider` (its default request form)."""
    return next(case for case in provider_cases() if case.provider == provider)


def provider_cases() -> list[Case]:
    """The first case of each provider (its default request form)."""
    first: dict[str, Case] = {}
    for case in cases().values():
        first.setdefault(case.provider, case)
    return list(first.values())


def _example(media: dict[str, Any]) -> Any:
    if "example" in media:
        return media["example"]
    for example in (media.get("examples") or {}).values():
        if isinstance(example, dict) and "value" in example:
            return example["value"]
    return (media.get("schema") or {}).get("example")


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    status: int
    body: bytes


@cache
def routes(provider: str) -> tuple[Route, ...]:
    """(method, path regex) -> the operation's documented success answer."""
    effective = build(select([provider])[0])
    base_path = httpx.URL(effective.provider.base_url).path.rstrip("/")
    found = []
    for method, path, operation in effective.operations():
        for status, response in (operation.get("responses") or {}).items():
            media = ((response or {}).get("content") or {}).get("application/json")
            if not str(status).startswith("2") or media is None:
                continue
            value = _example(media)
            if value is None:
                continue
            template = re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(base_path + path))
            found.append(
                Route(method, re.compile(template + "$"), int(status), json.dumps(value).encode())
            )
            break
    return tuple(found)


def answer_for(provider: str) -> Callable[[httpx.Request], tuple[int, bytes]]:
    table = routes(provider)

    def answer(request: httpx.Request) -> tuple[int, bytes]:
        for route in table:
            if route.method == request.method and route.pattern.match(request.url.path):
                return route.status, route.body
        raise LookupError(f"{provider}: no documented answer for {request.method} {request.url}")

    return answer


JSON_HEADERS = {"content-type": "application/json"}


def mock_transport(provider: str) -> httpx.MockTransport:
    """httpx.MockTransport (which reads each request body into memory first) answering
    with the documented success body; serves sync and async clients."""
    answer = answer_for(provider)

    def handle(request: httpx.Request) -> httpx.Response:
        status, body = answer(request)
        return httpx.Response(status, content=body, headers=JSON_HEADERS)

    return httpx.MockTransport(handle)


class ConsumingTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """A mock server that reads each request body chunk by chunk without keeping it, as
    a network transport sends it (httpx.MockTransport joins the whole body first, a copy
    no real transport makes), then answers with the documented success body."""

    def __init__(self, provider: str) -> None:
        self.answer = answer_for(provider)
        self.received = 0  # body bytes read, over all requests

    def _respond(self, request: httpx.Request) -> httpx.Response:
        status, body = self.answer(request)
        return httpx.Response(status, content=body, headers=JSON_HEADERS)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        for chunk in request.stream:
            self.received += len(chunk)
        return self._respond(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        async for chunk in request.stream:
            self.received += len(chunk)
        return self._respond(request)


def upstream_cloudflare(version: str) -> Path:
    """shared/upstream/cloudflare/openapi-VERSION.json (shared/ as the tests find it:
    beside the project, or IMAGE_CLASSIFY_SHARED); it may not exist."""
    shared = locate_shared_dir() or ROOT.parent / "shared"
    return shared / "upstream" / "cloudflare" / f"openapi-{version}.json"


def sample_image() -> bytes:
    return Path(SAMPLE).read_bytes()
