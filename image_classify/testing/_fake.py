"""A pure-Python stand-in for the five APIs on httpx.MockTransport (sync and async).

Each request is checked against the provider's effective spec first (as Prism does with
`--errors`); one the real API would reject raises SpecViolation. Otherwise the answer is
the spec's own example, chosen as Prism chooses it (image_classify.testing._examples), and
checked against the spec too: a broken example is reported, never passed on.
"""

from __future__ import annotations

import httpx
import orjson

from image_classify._providers import provider_info
from image_classify._spec_match import Message, index_for
from image_classify.testing._examples import (
    Answer,
    UndocumentedAnswer,
    choose_answer,
    find_operation,
    named,
)
from image_classify.testing._mocks import MockBase
from image_classify.testing._prefer import parse_prefer
from image_classify.testing._violations import SpecViolation


class FakeAPIs(MockBase):
    """The five APIs, answered in process from their specs' examples (no Node, no network).

        fake = FakeAPIs()
        with fake.classifier("huggingface") as hf:     # placeholder key, example model
            result = hf.classify(png_bytes)             # the spec's first example
        fake.prefer("huggingface", code=401)            # every later call: its 401
        fake.requests, fake.violations                  # what was sent, what was wrong

    `transport(provider)` is the httpx transport (sync and async) serving one provider;
    `classifier()` / `async_classifier()` build one on it with the provider's default base
    URL, so requests look as they would against the real service."""

    kind: str = "fake"

    def base_url(self, provider: str) -> str:
        """The provider's real default server: requests look as they would in production."""
        return provider_info(provider).base_url

    def transport(self, provider: str) -> httpx.MockTransport:
        """An httpx transport (sync and async) answering for `provider` only."""
        key = provider_info(provider).key

        def handler(request: httpx.Request) -> httpx.Response:
            return self._handle(key, request)

        return httpx.MockTransport(handler)

    def _transport_for(self, provider: str) -> httpx.MockTransport:
        return self.transport(provider)

    def _async_transport_for(self, provider: str) -> httpx.MockTransport:
        return self.transport(provider)  # MockTransport serves both

    def _handle(self, key: str, request: httpx.Request) -> httpx.Response:
        self._check(key, request)
        index = index_for(key)  # the validator's own routes: one answer to "which operation"
        raw_path = Message.parse(str(request.url), request.headers).raw_path
        operation = find_operation(index, request.method, raw_path)
        if operation is None:
            why = f"no operation of the {key} spec serves {request.method} {request.url.path}"
            raise self._violation(SpecViolation(key, request, [], why))
        code, example = self._preferences.take(key, operation)
        header_code, header_example = parse_prefer(request.headers.get("prefer"))
        answer = named(
            key,
            lambda: choose_answer(
                index.document,
                operation,
                code=header_code if header_code is not None else code,
                example=header_example if header_example is not None else example,
                accept=request.headers.get("accept"),
            ),
        )
        headers = dict(answer.headers)
        content = b""
        if answer.media_type is not None:
            headers["content-type"] = answer.media_type
            content = _encode(answer)
        _check_answer(key, request, answer, headers, content)
        return httpx.Response(answer.status, headers=headers, content=content)


def _encode(answer: Answer) -> bytes:
    media_type = (answer.media_type or "").lower()
    body = answer.body
    if "json" in media_type:
        return orjson.dumps(body)
    if isinstance(body, bytes):
        return body
    return b"" if body is None else str(body).encode("utf-8")


def _check_answer(
    key: str, request: httpx.Request, answer: Answer, headers: dict[str, str], content: bytes
) -> None:
    """Prism with `--errors` refuses to serve an example its own spec rejects; so do we."""
    from image_classify._spec_check import check_response

    url = str(request.url)
    found = check_response(key, request.method, url, answer.status, headers, content)
    if found:
        name = f" {answer.example!r}" if answer.example else ""
        listed = "\n".join(f"  - {deviation}" for deviation in found)
        raise UndocumentedAnswer(
            f"the {key} spec's own {answer.status} answer{name} does not match the spec, so "
            f"the fake cannot serve it (fix the spec or its example):\n{listed}"
        )
