"""Credentials travel only to the provider's own origin (scheme, host, port), on every
hop: a caller's httpx client may follow redirects, and httpx itself would copy an
x-api-key header to any host and send it over plain http."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

import image_classify
from image_classify import Classifier
from image_classify._providers import provider_info, providers
from tests.image_classify.cases import first_operations, fresh_kwargs
from tests.image_classify.test_classifier import case_kwargs
from tools.bench.cases import answer_for

IMAGE = (Path(__file__).resolve().parents[2] / "samples" / "sample.jpg").read_bytes()
KEY = "sk-redirect-test-key-4b1d"
PROVIDERS = list(providers())


class Redirecting:
    """Answers the provider's first request with `status` to `target` (same path), then
    the documented answer wherever the request lands; keeps every request."""

    def __init__(self, provider: str, target: str, status: int = 307) -> None:
        self.answer = answer_for(provider)
        self.target = httpx.URL(target)
        self.status = status
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if len(self.requests) == 1:
            moved = request.url.copy_with(
                scheme=self.target.scheme, host=self.target.host, port=self.target.port
            )
            return httpx.Response(self.status, headers={"location": str(moved)})
        status, body = self.answer(request)
        return httpx.Response(status, content=body, headers={"content-type": "application/json"})


def carries_key(request: httpx.Request) -> bool:
    text = str(request.url) + "".join(f"{k}:{v}" for k, v in request.headers.multi_items())
    return KEY in text


def classify_through(provider: str, target: str) -> Redirecting:
    handler = Redirecting(provider, target)
    http = httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=True)
    with Classifier(provider, api_key=KEY, http_client=http, **case_kwargs(provider)) as c:
        result = c.classify(IMAGE)
    assert result.top is not None
    return handler


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_redirect_to_another_host_goes_without_the_credential(provider: str) -> None:
    base = httpx.URL(provider_info(provider).base_url)
    handler = classify_through(provider, f"https://elsewhere.test:{base.port or 443}")
    first, second = handler.requests[:2]
    assert carries_key(first)
    assert second.url.host == "elsewhere.test"
    assert not carries_key(second)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_downgrade_to_http_goes_without_the_credential(provider: str) -> None:
    base = httpx.URL(provider_info(provider).base_url)
    handler = classify_through(provider, f"http://{base.host}")
    second = handler.requests[1]
    assert second.url.scheme == "http"
    assert not carries_key(second)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_redirect_within_the_origin_keeps_the_credential(provider: str) -> None:
    base = httpx.URL(provider_info(provider).base_url)
    handler = classify_through(provider, str(base.copy_with(path="/")))
    assert all(carries_key(r) for r in handler.requests)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_call_through_the_factory_client_follows_the_same_rule(provider: str) -> None:
    operation = first_operations()[provider]
    handler = Redirecting(provider, "https://elsewhere.test")
    http = httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=True)
    api = image_classify.client(provider, api_key=KEY, http_client=http)
    response = image_classify.call_detailed(
        operation.module, client=api, max_retries=0, **fresh_kwargs(operation)
    )
    assert response.status_code < 300
    first, second = handler.requests[:2]
    assert carries_key(first) and not carries_key(second)


def test_our_own_pool_does_not_follow_redirects() -> None:
    handler = Redirecting("huggingface", "https://elsewhere.test")
    with (
        Classifier(
            "huggingface", api_key=KEY, transport=httpx.MockTransport(handler)
        ) as classifier,
        pytest.raises(image_classify.APIStatusError) as caught,
    ):
        classifier.classify(IMAGE)
    assert caught.value.status_code == 307
    assert len(handler.requests) == 1


def test_too_many_redirects_is_a_connection_error_not_a_loop() -> None:
    def loop(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": str(request.url)})

    http = httpx.Client(transport=httpx.MockTransport(loop), follow_redirects=True, max_redirects=3)
    classifier = Classifier("huggingface", api_key=KEY, http_client=http, max_retries=0)
    with pytest.raises(image_classify.APIConnectionError, match="more than 3 redirects"):
        classifier.classify(IMAGE)


@pytest.mark.parametrize(
    "bad", [KEY + "\n", " " + KEY, KEY + "\r\n", KEY[:5] + "\x00" + KEY[5:], "two words"]
)
def test_keys_with_whitespace_or_control_characters_are_refused_unshown(bad: str) -> None:
    with pytest.raises(image_classify.OptionError) as caught:
        Classifier("edge_impulse", api_key=bad)
    message = str(caught.value)
    assert "api_key for Edge Impulse" in message
    assert bad.strip() not in message and KEY[:12] not in message


def test_a_key_from_the_environment_with_a_control_character_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ROBOFLOW_API_KEY", KEY[:6] + "\x07" + KEY[6:])
    with pytest.raises(image_classify.OptionError, match=r"\$ROBOFLOW_API_KEY") as caught:
        image_classify.client("roboflow")
    assert KEY[:12] not in str(caught.value)
