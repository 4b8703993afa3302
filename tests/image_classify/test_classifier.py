"""Classifier / AsyncClassifier on httpx.MockTransport: results, raw access, options and
copies, per-request headers and query, the User-Agent, base URLs from the environment,
images that are not images, serialisation, and batches (inside a running loop too)."""

from __future__ import annotations

import asyncio
import json
import typing
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import image_classify
from image_classify import (
    AsyncClassifier,
    BatchItem,
    ClassificationResult,
    Classifier,
    ImageError,
    OptionError,
    RateLimitError,
)
from image_classify._providers import provider_info, providers
from image_classify.adapters import adapter_for
from tools.bench.cases import answer_for, provider_case

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "sample.jpg"
IMAGE = SAMPLE.read_bytes()
KEY = "sk-classifier-test-key-51c0"
PROVIDERS = list(providers())


def case_kwargs(provider: str) -> dict[str, Any]:
    """Model and options that make `provider` classify (tools/bench/cases.py)."""
    return provider_case(provider).classifier_kwargs()


class Recorder:
    """A MockTransport handler answering with each operation's documented example (or a
    given status first), keeping every request with its body read."""

    def __init__(self, provider: str, first: list[httpx.Response] | None = None) -> None:
        self.answer = answer_for(provider)
        self.first = list(first or [])
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if self.first:
            return self.first.pop(0)
        status, body = self.answer(request)
        return httpx.Response(
            status,
            content=body,
            headers={"content-type": "application/json", "x-request-id": "r-1"},
        )


def make(
    provider: str, recorder: Recorder | None = None, **options: Any
) -> tuple[Classifier[Any], Recorder]:
    recorder = recorder or Recorder(provider)
    http = httpx.Client(transport=httpx.MockTransport(recorder))
    options.setdefault("api_key", KEY)
    return Classifier(provider, http_client=http, **{**case_kwargs(provider), **options}), recorder


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for info in providers().values():
        for name in (*info.auth.env, *info.auth.extra_env, info.base_url_env):
            monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_classify_gives_the_typed_answer_of_every_provider(provider: str) -> None:
    classifier, recorder = make(provider)
    result = classifier.classify(IMAGE, top_k=2)
    assert result.provider == provider
    assert 1 <= len(result.predictions) <= 2
    assert result.top is not None and result.top == result.predictions[0]
    raw_type = adapter_for(provider).Raw
    expected = typing.get_origin(raw_type) or raw_type
    members = typing.get_args(raw_type) if typing.get_origin(raw_type) is not list else ()
    assert isinstance(result.raw, members or expected)
    assert recorder.requests  # it went through the transport it was given


@pytest.mark.parametrize("provider", PROVIDERS)
def test_serialisation_round_trip(provider: str) -> None:
    classifier, _ = make(provider)
    result = classifier.classify(IMAGE)
    data = json.loads(result.to_json())
    assert data["provider"] == provider
    assert data == result.to_dict()
    again = ClassificationResult.from_dict(data)
    assert again == result
    assert type(again.raw) is type(result.raw)


def test_from_dict_rejects_what_is_not_a_result() -> None:
    with pytest.raises(OptionError, match="not a ClassificationResult"):
        ClassificationResult.from_dict({"provider": "huggingface", "raw": {"x": 1}})


def test_classify_detailed_has_status_headers_request_id_retries_and_time() -> None:
    busy = httpx.Response(429, json={"error": "slow down"}, headers={"retry-after": "0"})
    classifier, recorder = make("huggingface", Recorder("huggingface", [busy]))
    detail = classifier.classify_detailed(IMAGE)
    assert detail.status_code == 200
    assert detail.headers["x-request-id"] == "r-1"
    assert detail.request_id == "r-1"
    assert detail.retries_taken == 1
    assert detail.elapsed > 0
    assert detail.result.top is not None
    assert len(recorder.requests) == 2


def test_img_processing_detail_keeps_both_calls() -> None:
    classifier, recorder = make("img_processing")
    detail = classifier.classify_detailed(IMAGE)
    assert [r.status_code for r in detail.responses] == [201, 201]
    assert len(recorder.requests) == 2


def test_errors_are_typed_and_retries_per_call() -> None:
    answers = [httpx.Response(429, json={"error": "no"}, headers={"retry-after": "0"})] * 5
    classifier, recorder = make("huggingface", Recorder("huggingface", answers))
    with pytest.raises(RateLimitError):
        classifier.classify(IMAGE, max_retries=1)
    assert len(recorder.requests) == 2


def test_with_options_copies_share_the_pool_and_change_only_what_is_given() -> None:
    classifier, recorder = make("huggingface", max_retries=0)
    copy = classifier.with_options(
        max_retries=3, default_headers={"x-team": "vision"}, api_key="sk-other-key-000000"
    )
    assert copy.http_client is classifier.http_client
    assert (copy.max_retries, classifier.max_retries) == (3, 0)
    assert copy.base_url == classifier.base_url
    copy.classify(IMAGE)
    classifier.classify(IMAGE)
    first, second = recorder.requests
    assert first.headers["x-team"] == "vision"
    assert first.headers["authorization"] == "Bearer sk-other-key-000000"
    assert "x-team" not in second.headers
    assert second.headers["authorization"] == f"Bearer {KEY}"
    assert isinstance(copy, Classifier)


def test_copies_of_an_own_pool_do_not_close_it() -> None:
    classifier = Classifier("huggingface", api_key=KEY)
    copy = classifier.with_options(timeout=5)
    assert copy.timeout == httpx.Timeout(5)
    copy.close()
    assert not classifier.http_client.is_closed
    classifier.close()
    assert classifier.http_client.is_closed


def test_extra_headers_and_query_per_request() -> None:
    classifier, recorder = make("roboflow")
    classifier.classify(IMAGE, extra_headers={"x-trace": "t-1"}, extra_query={"tag": "a b"})
    classifier.classify(IMAGE)
    first, second = recorder.requests
    assert first.headers["x-trace"] == "t-1"
    assert first.url.params["tag"] == "a b"
    assert first.url.params["api_key"] == KEY  # the credential is still there, once
    assert first.url.query.count(b"api_key=") == 1
    assert "x-trace" not in second.headers and "tag" not in second.url.params


def test_user_agent_on_every_request_and_overridable() -> None:
    classifier, recorder = make("cloudflare")
    classifier.classify(IMAGE)
    agent = recorder.requests[-1].headers["user-agent"]
    assert agent == image_classify._version.user_agent()
    assert agent.startswith(f"image-classify-sdk/{image_classify.__version__} python/3.")
    assert f"httpx/{httpx.__version__}" in agent
    classifier.with_options(default_headers={"User-Agent": "my-app/2"}).classify(IMAGE)
    assert recorder.requests[-1].headers["user-agent"] == "my-app/2"
    # A caller's client with a User-Agent of its own keeps it.
    mine = Recorder("cloudflare")
    http = httpx.Client(transport=httpx.MockTransport(mine), headers={"User-Agent": "theirs/1"})
    Classifier("cloudflare", api_key=KEY, http_client=http, **case_kwargs("cloudflare")).classify(
        IMAGE
    )
    assert mine.requests[-1].headers["user-agent"] == "theirs/1"


def test_own_pool_sends_the_user_agent(monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = Recorder("huggingface")
    with Classifier("huggingface", api_key=KEY) as classifier:
        classifier.http_client._transport = httpx.MockTransport(recorder)
        classifier.classify(IMAGE)
    assert recorder.requests[0].headers["user-agent"].startswith("image-classify-sdk/")
    assert recorder.requests[0].headers["authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_base_url_from_the_environment(provider: str, monkeypatch: pytest.MonkeyPatch) -> None:
    info = provider_info(provider)
    assert info.base_url_env == f"IMAGE_CLASSIFY_{provider.upper()}_BASE_URL"
    path = httpx.URL(info.base_url).path.rstrip("/")  # the mock answers by path
    monkeypatch.setenv(info.base_url_env, f"http://proxy.test:8080{path}/")
    classifier, recorder = make(provider)
    assert classifier.base_url == f"http://proxy.test:8080{path}"
    classifier.classify(IMAGE)
    assert str(recorder.requests[0].url).startswith(f"http://proxy.test:8080{path}/")
    explicit, recorder2 = make(provider, base_url=f"http://other.test{path}")
    explicit.classify(IMAGE)
    assert str(recorder2.requests[0].url).startswith(f"http://other.test{path}/")


@pytest.mark.parametrize(
    ("image", "named"),
    [
        (b"hello", "the image"),
        (b"BM this is text, not a bitmap", "the image"),
        (b"<html><body>not found</body></html>", "the image"),
    ],
)
def test_what_is_not_an_image_is_never_sent(image: bytes, named: str) -> None:
    classifier, recorder = make("huggingface")
    with pytest.raises(ImageError, match=f"{named} is not an image.*nothing was sent"):
        classifier.classify(image)
    assert recorder.requests == []


def test_a_text_file_named_like_a_photo_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "photo.jpg"
    fake.write_text("this is a note, not a photo\n")
    classifier, recorder = make("cloudflare")
    with pytest.raises(ImageError, match=r"photo\.jpg is not an image"):
        classifier.classify(fake)
    assert recorder.requests == []


@pytest.mark.parametrize(
    "header",
    [
        b"\x89PNG\r\n\x1a\n",
        b"GIF89a",
        b"GIF87a",
        b"RIFF\x00\x00\x00\x00WEBPVP8 ",
        b"II*\x00",
        b"MM\x00*",
        b"BM" + b"\x00" * 12 + (40).to_bytes(4, "little"),
    ],
)
def test_every_accepted_format_is_sent(header: bytes) -> None:
    classifier, recorder = make("huggingface")
    classifier.classify(header + b"\x00" * 64)
    assert recorder.requests[0].content.startswith(header)


def test_unknown_options_are_option_errors() -> None:
    with pytest.raises(OptionError, match="huggingface does not take colour"):
        Classifier("huggingface", api_key=KEY, colour="red")
    classifier, _ = make("huggingface")
    with pytest.raises(OptionError, match="does not take colour"):
        classifier.classify(IMAGE, colour="red")
    with pytest.raises(OptionError, match="top_k must be a positive integer"):
        classifier.classify(IMAGE, top_k=0)


def test_unknown_keywords_to_call_name_the_operations_parameters() -> None:
    from huggingface_client.api.image_classification import classify_image
    from huggingface_client.types import File

    api = image_classify.client(
        "huggingface",
        api_key=KEY,
        http_client=httpx.Client(transport=httpx.MockTransport(Recorder("huggingface"))),
    )
    with pytest.raises(OptionError) as caught:
        image_classify.call(
            classify_image,
            client=api,
            namespce="google",
            model_name="vit",
            body=File(payload=open(SAMPLE, "rb")),  # noqa: SIM115
        )
    message = str(caught.value)
    assert "classify_image" in message and "namespce" in message
    assert "namespce (did you mean namespace?)" in message
    assert "namespace, model_name, body" in message


def test_repr_shows_no_key() -> None:
    classifier, _ = make("edge_impulse")
    assert KEY not in repr(classifier)
    assert "edge_impulse" in repr(classifier)


def test_classify_many_keeps_order_and_reports_failures() -> None:
    classifier, recorder = make("huggingface")
    images: list[Any] = [IMAGE, b"not an image", IMAGE, SAMPLE]
    items = list(classifier.classify_many(images, concurrency=2))
    assert [item.index for item in items] == [0, 1, 2, 3]
    assert [item.ok for item in items] == [True, False, True, True]
    assert isinstance(items[1].error, ImageError)
    assert items[3].source == SAMPLE
    assert len(recorder.requests) == 3


def test_classify_many_checks_concurrency_at_once() -> None:
    classifier, _ = make("huggingface")
    with pytest.raises(OptionError, match="concurrency"):
        classifier.classify_many([IMAGE], concurrency=0)
    with pytest.raises(OptionError, match="concurrency"):
        AsyncClassifier("huggingface", api_key=KEY).classify_many([IMAGE], concurrency=0)


def test_sync_batch_works_inside_a_running_event_loop() -> None:
    classifier, _ = make("huggingface")

    async def notebook_cell() -> list[BatchItem[Any]]:
        # What a Jupyter cell or a FastAPI handler does: a sync call in a running loop.
        return list(classifier.classify_many([IMAGE] * 5, concurrency=3))

    items = asyncio.run(notebook_cell())
    assert [item.ok for item in items] == [True] * 5
    items = list(
        image_classify.classify_many(
            [IMAGE] * 3, provider="huggingface", api_key=KEY, http_client=classifier.http_client
        )
    )
    assert len(items) == 3 and all(item.ok for item in items)


def _async_make(provider: str, recorder: Recorder) -> AsyncClassifier[Any]:
    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    return AsyncClassifier(provider, api_key=KEY, http_client=http, **case_kwargs(provider))


@pytest.mark.parametrize("provider", PROVIDERS)
def test_async_classify_and_detailed(provider: str) -> None:
    recorder = Recorder(provider)

    async def main() -> None:
        async with _async_make(provider, recorder) as classifier:
            result = await classifier.classify(SAMPLE)
            detail = await classifier.classify_detailed(IMAGE)
        assert result.top is not None
        assert detail.result == result
        assert detail.status_code in (200, 201)

    asyncio.run(main())


def test_async_batch_in_the_running_loop_from_an_async_iterable() -> None:
    recorder = Recorder("cloudflare")

    async def sources() -> AsyncIterator[Any]:
        for image in (IMAGE, b"nope", SAMPLE, IMAGE):
            await asyncio.sleep(0)
            yield image

    async def main() -> list[BatchItem[Any]]:
        classifier = _async_make("cloudflare", recorder)
        return [item async for item in classifier.classify_many(sources(), concurrency=2)]

    items = asyncio.run(main())
    assert [item.index for item in items] == [0, 1, 2, 3]
    assert [item.ok for item in items] == [True, False, True, True]
    assert len(recorder.requests) == 3


def test_stopping_a_batch_early_leaves_nothing_running() -> None:
    classifier, recorder = make("huggingface")
    batch = classifier.classify_many([IMAGE] * 40, concurrency=2)
    first = next(batch)
    batch.close()  # the consumer stops: queued images are cancelled, running ones finish
    count = len(recorder.requests)
    assert first.ok
    assert count < 40
    assert len(recorder.requests) == count


def test_module_level_functions_take_the_classifier_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorder = Recorder("roboflow")
    http = httpx.Client(transport=httpx.MockTransport(recorder))
    result = image_classify.classify(
        IMAGE, provider="roboflow", api_key=KEY, http_client=http, **case_kwargs("roboflow")
    )
    assert result.provider == "roboflow"
    assert recorder.requests[0].headers["user-agent"].startswith("image-classify-sdk/")


def test_the_pool_still_keeps_cookies_a_server_sets() -> None:
    # The pool skips httpx's cookie handling only for responses without Set-Cookie.
    recorder = Recorder("huggingface")

    def handler(request: httpx.Request) -> httpx.Response:
        answer = recorder(request)
        if len(recorder.requests) == 1:
            answer.headers["set-cookie"] = "session=abc; Path=/"
        return answer

    with Classifier("huggingface", api_key=KEY, transport=httpx.MockTransport(handler)) as hf:
        hf.classify(IMAGE)
        hf.classify(IMAGE)
        assert dict(hf.http_client.cookies) == {"session": "abc"}
    first, second = recorder.requests
    assert "cookie" not in first.headers
    assert second.headers["cookie"] == "session=abc"


def test_module_level_calls_over_a_callers_client_reuse_one_classifier() -> None:
    from image_classify import _classify

    recorder = Recorder("huggingface")
    http = httpx.Client(transport=httpx.MockTransport(recorder))
    for _ in range(3):
        image_classify.classify(IMAGE, provider="huggingface", api_key=KEY, http_client=http)
    image_classify.classify(IMAGE, provider="huggingface", api_key=KEY + "-2", http_client=http)
    over_http = [c for c in _classify._over_callers_cache.values() if c.http_client is http]
    assert len(over_http) == 2  # one per credential
    assert {r.headers["authorization"] for r in recorder.requests} == {
        f"Bearer {KEY}",
        f"Bearer {KEY}-2",
    }
