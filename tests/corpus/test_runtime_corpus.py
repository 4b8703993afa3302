"""The runtime's bad-input corpus: arguments, images, environments and hostile answers.

Each case is one bad thing a user or a server can do, and asserts what the user gets: the
typed exception, a message naming the argument, variable, file or JSON path, and the key
nowhere (message, repr, the chained cause, the log at DEBUG). Hostile answers come from an
httpx.MockTransport; those that need real sockets (dripping servers, a gzip bomb over TCP)
are in tests/image_classify/test_deadlines_and_size.py.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

import image_classify
from image_classify import (
    APIConnectionError,
    APIResponseValidationError,
    AuthenticationError,
    Classifier,
    ImageError,
    InternalServerError,
    MissingCredentialsError,
    OptionError,
    RateLimitError,
    ResponseTooLargeError,
    UnknownProviderError,
)

KEY = "sk-corpus-key-3f9a"
SAMPLE = (Path(__file__).resolve().parents[2] / "samples" / "sample.jpg").read_bytes()
JSON = {"content-type": "application/json"}


@dataclass
class Case:
    name: str
    act: Callable[[Path], Any]  # given a scratch folder; must raise
    raises: type[BaseException]
    says: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)


def hf(transport: httpx.MockTransport | None = None, **kwargs: Any) -> Classifier[Any]:
    kwargs.setdefault("api_key", KEY)
    kwargs.setdefault("max_retries", 0)
    return Classifier("huggingface", transport=transport, **kwargs)


def answer(
    status: int, body: bytes, headers: dict[str, str] | None = None
) -> Callable[[Path], Any]:
    def act(_: Path) -> Any:
        transport = httpx.MockTransport(
            lambda request: httpx.Response(
                status, content=body, headers={**JSON, **(headers or {})}
            )
        )
        with hf(transport) as client:
            return client.classify(SAMPLE)

    return act


def classify_file(make: Callable[[Path], Path]) -> Callable[[Path], Any]:
    def act(folder: Path) -> Any:
        with hf(httpx.MockTransport(lambda r: httpx.Response(200, json=[]))) as client:
            return client.classify(make(folder))

    return act


def written(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return make


def fifo(folder: Path) -> Path:
    path = folder / "camera.jpg"
    os.mkfifo(path)
    return path


def redirected(location: str) -> Callable[[Path], Any]:
    """A 307 to `location`, followed by a caller's client; the hop must go without the key."""

    def act(_: Path) -> Any:
        seen: list[httpx.Request] = []

        def handle(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            if len(seen) == 1:
                return httpx.Response(307, headers={"location": location})
            leaked = [v for v in request.headers.values() if KEY in v] or KEY in str(request.url)
            return httpx.Response(401 if leaked else 418, json={"error": "hop"})

        http = httpx.Client(transport=httpx.MockTransport(handle), follow_redirects=True)
        with (
            http,
            Classifier(
                "edge_impulse", api_key=KEY, http_client=http, max_retries=0, model="1"
            ) as client,
        ):
            return client.classify(SAMPLE)

    return act


def call(**kwargs: Any) -> Callable[[Path], Any]:
    return lambda _: hf(**kwargs)


CASES = [
    # Arguments
    Case(
        "unknown provider",
        lambda _: Classifier("hugginface"),
        UnknownProviderError,
        ("'hugginface'", "huggingface"),
    ),
    Case(
        "unknown option",
        lambda _: Classifier("huggingface", api_key=KEY, namespce="x"),
        OptionError,
        ("namespce",),
    ),
    Case("key with a newline", call(api_key=KEY + "\n"), OptionError, ("api_key", "whitespace")),
    Case(
        "key with a control character",
        call(api_key="sk-\x00corpus"),
        OptionError,
        ("api_key", "control"),
    ),
    Case("key not a string", call(api_key=12345), OptionError, ("api_key", "str")),
    Case(
        "base_url not a URL", call(base_url="not a url"), OptionError, ("base_url", "'not a url'")
    ),
    Case("base_url ftp", call(base_url="ftp://example.com"), OptionError, ("base_url",)),
    Case("timeout negative", call(timeout=-1), OptionError, ("timeout", "-1")),
    Case("timeout NaN", call(timeout=float("nan")), OptionError, ("timeout", "nan")),
    Case("timeout a string", call(timeout="fast"), OptionError, ("timeout", "'fast'")),
    Case("max_retries negative", call(max_retries=-1), OptionError, ("max_retries",)),
    Case("max_retry_wait negative", call(max_retry_wait=-5), OptionError, ("max_retry_wait",)),
    Case(
        "max_response_bytes zero", call(max_response_bytes=0), OptionError, ("max_response_bytes",)
    ),
    Case("max_connections zero", call(max_connections=0), OptionError, ("concurrency",)),
    Case(
        "http_client and transport",
        lambda _: hf(
            httpx.MockTransport(lambda r: httpx.Response(200)), http_client=httpx.Client()
        ),
        OptionError,
        ("http_client", "transport"),
    ),
    Case(
        "top_k zero",
        lambda _: hf(httpx.MockTransport(lambda r: httpx.Response(200, json=[]))).classify(
            SAMPLE, top_k=0
        ),
        OptionError,
        ("top_k",),
    ),
    # Environment
    Case(
        "no key anywhere",
        lambda _: Classifier("huggingface"),
        MissingCredentialsError,
        ("HF_TOKEN",),
    ),
    Case(
        "key variable with a space inside",
        lambda _: Classifier("huggingface"),
        OptionError,
        ("$HF_TOKEN", "space"),
        env={"HF_TOKEN": KEY + " " + KEY},
    ),
    Case(
        "base URL variable not a URL",
        lambda _: Classifier("huggingface", api_key=KEY),
        OptionError,
        ("IMAGE_CLASSIFY_HUGGINGFACE_BASE_URL",),
        env={"IMAGE_CLASSIFY_HUGGINGFACE_BASE_URL": "localhost:4010"},
    ),
    # Images
    Case(
        "bytes that are not an image",
        lambda _: hf().classify(b"hello"),
        ImageError,
        ("not an image",),
    ),
    Case(
        "text file named .jpg",
        classify_file(written("photo.jpg", b"just text\n")),
        ImageError,
        ("photo.jpg",),
    ),
    Case("empty file", classify_file(written("empty.png", b"")), ImageError, ("empty.png",)),
    Case("missing file", classify_file(lambda f: f / "nowhere.jpg"), ImageError, ("nowhere.jpg",)),
    Case("a folder", classify_file(lambda f: f), ImageError, ("is a folder, not an image file",)),
    Case("a FIFO", classify_file(fifo), ImageError, ("camera.jpg", "not a regular file")),
    Case(
        "BMP header without a DIB",
        classify_file(written("x.bmp", b"BM" + b"\x00" * 40)),
        ImageError,
        ("x.bmp",),
    ),
    # Hostile answers
    Case(
        "200 HTML page",
        answer(200, b"<html><title>Login</title></html>", {"content-type": "text/html"}),
        APIResponseValidationError,
        ("not JSON", "Login"),
    ),
    Case(
        "200 truncated JSON",
        answer(200, b'[{"label": "cat", "sco'),
        APIResponseValidationError,
        ("not JSON",),
    ),
    Case("200 JSON null", answer(200, b"null"), APIResponseValidationError, ("JSON null",)),
    Case("200 empty body", answer(200, b""), APIResponseValidationError, ("not JSON", "0 bytes")),
    Case(
        "200 score a word",
        answer(200, b'[{"label": "cat", "score": "high"}]'),
        APIResponseValidationError,
        ("$[0].score",),
    ),
    Case(
        "200 label missing",
        answer(200, b'[{"label": "a", "score": 1}, {"score": 0.5}]'),
        APIResponseValidationError,
        ("$[1] has no 'label'",),
    ),
    Case(
        "200 label null",
        answer(200, b'[{"label": null, "score": 0.5}]'),
        APIResponseValidationError,
        ("predictions[0].label is None",),
    ),
    Case(
        "200 an object not a list",
        answer(200, b"{}"),
        APIResponseValidationError,
        ("not the documented shape",),
    ),
    Case(
        "200 score infinite",
        answer(200, b'[{"label": "cat", "score": 1e999}]'),
        APIResponseValidationError,
        ("predictions[0].score is inf",),
    ),
    Case(
        "401 echoing the key",
        answer(401, json.dumps({"error": f"bad key {KEY}"}).encode()),
        AuthenticationError,
        ("HTTP 401", "bad key ***"),
    ),
    Case(
        "422 with error and errors",
        answer(422, b'{"error": "invalid", "errors": [{"field": "inputs", "message": "too big"}]}'),
        image_classify.UnprocessableEntityError,
        ("invalid; inputs: too big",),
    ),
    Case(
        "520 from a proxy",
        answer(520, b"<html><title>Origin error</title></html>", {"content-type": "text/html"}),
        InternalServerError,
        ("520", "Origin error"),
    ),
    Case(
        "429 asking to wait years",
        lambda _: Classifier(
            "huggingface",
            api_key=KEY,
            max_retries=3,
            max_retry_wait=0.5,
            transport=httpx.MockTransport(
                lambda r: httpx.Response(429, headers={"retry-after": "1000000000"})
            ),
        ).classify(SAMPLE),
        RateLimitError,
        ("HTTP 429",),
    ),
    Case(
        "gzip bomb",
        lambda _: hf(
            httpx.MockTransport(
                lambda r: httpx.Response(
                    200,
                    content=gzip.compress(b" " * (64 * 1024 * 1024)),
                    headers={**JSON, "content-encoding": "gzip"},
                )
            ),
            max_response_bytes=1024 * 1024,
        ).classify(SAMPLE),
        ResponseTooLargeError,
        ("max_response_bytes", "1,048,576"),
    ),
    Case(
        "answer over the cap",
        lambda _: hf(
            httpx.MockTransport(lambda r: httpx.Response(200, content=b" " * 2_000_000)),
            max_response_bytes=1_000_000,
        ).classify(SAMPLE),
        ResponseTooLargeError,
        ("1,000,000 bytes",),
    ),
    Case(
        "corrupt gzip",
        answer(
            200, b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xff\xff", {"content-encoding": "gzip"}
        ),
        APIConnectionError,
        ("DecodingError",),
    ),
    Case(
        "redirect to another host",
        redirected("https://elsewhere.example/steal"),
        image_classify.APIStatusError,
        ("418",),
    ),
    Case(
        "redirect https to http",
        redirected("http://studio.edgeimpulse.com/v1/api/1/classify/image"),
        image_classify.APIStatusError,
        ("418",),
    ),
    Case(
        "connection refused",
        lambda _: hf(base_url="http://127.0.0.1:9").classify(SAMPLE),
        APIConnectionError,
        ("no response to POST http://127.0.0.1:9",),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_runtime_corpus(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "IMAGE_CLASSIFY_HUGGINGFACE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    with caplog.at_level(logging.DEBUG), pytest.raises(case.raises) as caught:
        case.act(tmp_path)
    error = caught.value
    assert isinstance(error, image_classify.ImageClassifyError), type(error)
    text = str(error)
    for needle in case.says:
        assert needle in text, f"{needle!r} not in: {text}"
    shown = [text, repr(error), caplog.text]
    cause = error.__cause__
    while cause is not None:
        shown.append(str(cause))
        cause = cause.__cause__
    for place in shown:
        assert KEY not in place, place


def test_the_corpus_counts_what_the_closing_note_says() -> None:
    assert len(CASES) >= 45
