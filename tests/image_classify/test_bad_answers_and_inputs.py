"""Bad answers and bad inputs meet typed errors: a 200 with values of the wrong type, a
batch that goes on past one bad answer, files that are not regular files, base URLs that
are not URLs, and a server whose Retry-After would hold a caller for years."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

import image_classify
from image_classify import (
    APIResponseValidationError,
    Classifier,
    ImageError,
    OptionError,
    RateLimitError,
)

IMAGE = (Path(__file__).resolve().parents[2] / "samples" / "sample.jpg").read_bytes()
KEY = "sk-bad-input-test-key-77e0"


def answering(*bodies: Any, status: int = 200, headers: dict[str, str] | None = None) -> Any:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = bodies[min(len(seen), len(bodies)) - 1]
        return httpx.Response(
            status,
            content=json.dumps(body).encode(),
            headers={"content-type": "application/json", **(headers or {})},
        )

    return seen, httpx.MockTransport(handle)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ([{"label": "cat", "score": "high"}], "ValueError"),
        ([{"label": None, "score": 0.5}], "predictions[0].label is None"),
        ([{"label": "cat", "score": None}], "TypeError"),
        ([{"label": "cat", "score": float("nan")}], "predictions[0].score is nan"),
        ({"label": "cat", "score": 0.9}, "not the documented shape"),  # an object, not a list
        ([{"score": 0.5}], "not the documented shape"),
    ],
)
def test_a_200_of_the_wrong_shape_is_a_typed_error(body: Any, says: str) -> None:
    _, transport = answering(body)
    with (
        Classifier("huggingface", api_key=KEY, transport=transport) as hf,
        pytest.raises(APIResponseValidationError) as caught,
    ):
        hf.classify(IMAGE)
    assert says in str(caught.value)
    assert "Hugging Face Inference answered HTTP 200" in str(caught.value)
    assert caught.value.status_code == 200


def test_one_bad_answer_is_one_failed_item_in_a_batch() -> None:
    good = [{"label": "cat", "score": 0.9}]
    bad = [{"label": "cat", "score": "high"}]
    _, transport = answering(good, bad, good, good)
    with Classifier("huggingface", api_key=KEY, transport=transport) as hf:
        items = list(hf.classify_many([IMAGE] * 4, concurrency=1))
    assert [item.ok for item in items] == [True, False, True, True]
    assert isinstance(items[1].error, APIResponseValidationError)


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "camera.jpg"
    os.mkfifo(fifo)
    seen, transport = answering([])
    classifier = Classifier("huggingface", api_key=KEY, transport=transport)
    started = time.monotonic()
    with pytest.raises(ImageError, match=r"camera\.jpg is not a regular file"):
        classifier.classify(fifo)
    assert time.monotonic() - started < 5  # it did not wait for a writer
    assert seen == []
    items = list(classifier.classify_many([fifo, IMAGE], concurrency=2))
    assert [item.ok for item in items] == [False, True]


def test_a_folder_is_named_as_one(tmp_path: Path) -> None:
    classifier = Classifier("huggingface", api_key=KEY, transport=answering([])[1])
    with pytest.raises(ImageError, match="is a folder"):
        classifier.classify(tmp_path)


@pytest.mark.parametrize("url", ["not a url", "ftp://host/x", "//no-scheme", "http://"])
def test_a_base_url_that_is_not_a_url_is_an_option_error(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(OptionError, match="is not an http\\(s\\) URL"):
        Classifier("huggingface", api_key=KEY, base_url=url)
    monkeypatch.setenv("IMAGE_CLASSIFY_ROBOFLOW_BASE_URL", url)
    with pytest.raises(OptionError, match="IMAGE_CLASSIFY_ROBOFLOW_BASE_URL"):
        image_classify.client("roboflow", api_key=KEY)


def test_the_retry_budget_caps_the_waits() -> None:
    seen, transport = answering({"error": "slow down"}, status=429, headers={"retry-after": "40"})
    waits: list[float] = []
    classifier = Classifier(
        "huggingface", api_key=KEY, transport=transport, max_retries=10, max_retry_wait=100
    )
    # Retries on a fake clock: the settings' sleep is what the driver calls.
    classifier._settings = type(classifier._settings)(
        **{**_fields(classifier._settings), "sleep": waits.append}
    )
    with pytest.raises(RateLimitError):
        classifier.classify(IMAGE)
    assert waits == [40.0, 40.0]  # a third 40 s wait would pass the 100 s budget
    assert len(seen) == 3


def test_the_default_budget_stops_a_server_asking_for_years() -> None:
    seen, transport = answering({"error": "later"}, status=503, headers={"retry-after": "1e9"})
    waits: list[float] = []
    classifier = Classifier("huggingface", api_key=KEY, transport=transport, max_retries=5)
    classifier._settings = type(classifier._settings)(
        **{**_fields(classifier._settings), "sleep": waits.append}
    )
    with pytest.raises(image_classify.ServiceUnavailableError):
        classifier.classify(IMAGE)
    assert waits == [60.0, 60.0]  # each capped at 60 s, then the 120 s budget is spent
    assert len(seen) == 3


def test_max_retry_wait_is_checked() -> None:
    with pytest.raises(OptionError, match="max_retry_wait"):
        Classifier("huggingface", api_key=KEY, max_retry_wait=-1)


def _fields(settings: Any) -> dict[str, Any]:
    import dataclasses

    return {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)}


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ([{"label": "cat", "score": "high"}], "at $[0].score (ValueError"),
        ([{"label": "cat", "score": 0.9}, {"score": 0.5}], "$[1] has no 'label'"),
        ([{"label": "cat", "score": None}], "at $[0].score (TypeError"),
        ([{"label": "cat", "score": 0.9}, {"label": "dog", "score": [1]}], "at $[1].score"),
    ],
)
def test_a_malformed_answer_names_the_json_path(body: Any, path: str) -> None:
    _, transport = answering(body)
    with (
        Classifier("huggingface", api_key=KEY, transport=transport) as hf,
        pytest.raises(APIResponseValidationError) as caught,
    ):
        hf.classify(IMAGE)
    assert path in str(caught.value)


def test_a_missing_key_in_a_nested_answer_names_the_object() -> None:
    result = [{"label": "cat", "score": 0.9}, {"score": 0.2}]
    body = {"success": True, "errors": [], "messages": [], "result": result}
    _, transport = answering(body)
    with (
        Classifier("cloudflare", api_key=KEY, account_id="acc", transport=transport) as cf,
        pytest.raises(APIResponseValidationError) as caught,
    ):
        cf.classify(IMAGE)
    assert "$.result[1] has no 'label'" in str(caught.value), str(caught.value)


def test_json_null_is_called_json_null_not_not_json() -> None:
    _, transport = answering(None)
    with (
        Classifier("huggingface", api_key=KEY, transport=transport) as hf,
        pytest.raises(APIResponseValidationError) as caught,
    ):
        hf.classify(IMAGE)
    assert "the body is JSON null" in str(caught.value)
    assert "not JSON" not in str(caught.value)


def test_an_exception_with_an_empty_message_is_named_by_its_type() -> None:
    from image_classify._responses import describe

    assert describe(TypeError()) == "TypeError"
    assert describe(TypeError("x")) == "TypeError: x"
