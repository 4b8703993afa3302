"""What the classify() benchmarks send, and the in-process mock that answers them.

The cases come from the manifest: one per provider (its `example_model` and its mock
`options`, e.g. Cloudflare's account id), so a new provider needs no entry here; further
request forms are data in tools/bench/data/classify-cases.toml. How the image travels
(base64 text or the bytes themselves) is measured from the requests, not declared.
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

from image_classify._providers import providers
from tools.effective import build
from tools.manifest import ROOT, select
from tools.openapi_terms import PATH_PARAMETER
from tools.shared import locate_shared_dir

DATA = Path(__file__).resolve().parent / "data"
CASES_FILE = DATA / "classify-cases.toml"
SAMPLE = ROOT / "samples" / "sample.jpg"
KEY = "benchmark-key-0123456789"


@dataclass(frozen=True)
class Case:
    name: str
    provider: str
    model: str | None = None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def body(self) -> str:
        """How the image travels: "base64" (text, 4/3 of the image) or "binary" (the bytes
        themselves, raw or as one multipart part), as this case's requests show it."""
        return request_form(self)

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
    """One case per manifest provider (named after it), then the extra ones of CASES_FILE
    (whose options add to their provider's mock options)."""
    found = {
        key: Case(key, key, info.example_model, dict(info.mock_options))
        for key, info in providers().items()
    }
    table = tomllib.loads(CASES_FILE.read_text(encoding="utf-8")).get("cases", {})
    for name, entry in table.items():
        base = found[str(entry["provider"])]
        found[name] = Case(
            name=name,
            provider=base.provider,
            model=entry.get("model", base.model),
            options={**base.options, **entry.get("options", {})},
        )
    return found


def request_form(case: Case) -> str:
    """ "binary" when the sample image's bytes go out as they are, else "base64"."""
    return _request_form(case.name) if cases().get(case.name) == case else _measure_form(case)


@cache
def _request_form(name: str) -> str:
    return _measure_form(cases()[name])


def _measure_form(case: Case) -> str:
    from image_classify import classify

    image = sample_image()
    sent: list[bytes] = []
    answer = answer_for(case.provider)

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request.read())
        status, body = answer(request)
        return httpx.Response(status, content=body, headers=JSON_HEADERS)

    with httpx.Client(transport=httpx.MockTransport(handle)) as http:
        classify(image, http_client=http, **case.classify_kwargs())
    return "binary" if any(image in body for body in sent) else "base64"


def provider_case(provider: str) -> Case:
    """The first case of `provider` (its default request form)."""
    return next(case for case in provider_cases() if case.provider == provider)


def provider_cases() -> list[Case]:
    """The first case of each provider (its default request form)."""
    first: dict[str, Case] = {}
    for case in cases().values():
        first.setdefault(case.provider, case)
    return list(first.values())


def media_example(media: dict[str, Any]) -> Any:
    """A media type's documented example: `example`, the first `examples` value, or its
    schema's `example`."""
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
            value = media_example(media)
            if value is None:
                continue
            literal = PATH_PARAMETER.split(base_path + path)[::2]  # names at odd places
            template = "[^/]+".join(re.escape(part) for part in literal)
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
