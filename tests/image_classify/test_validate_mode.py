"""validate="off" | "warn" | "strict" against a real HTTP server on 127.0.0.1 that plants
one kind of deviation per answer: a missing required property, a wrong type, an
undocumented status, a wrong Content-Type. `planted()` also serves test_recording.py and
test_replay.py."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

import image_classify
from image_classify import (
    APIResponseValidationError,
    APIStatusError,
    AsyncClassifier,
    Classifier,
    OptionError,
    SpecDeviationWarning,
)
from tests.serving import serving
from tools.bench.cases import sample_image

KEY = "sk-validate-test-9c1e5b7f3a"
PROVIDER = "huggingface"  # a list of {label, score}: deviations with sharp pointers
GOOD = [{"label": "tabby", "score": 0.75}, {"label": "tiger cat", "score": 0.25}]


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()


def answer(status: int, value: Any, content_type: str = "application/json") -> Answer:
    return Answer(status, json.dumps(value).encode(), content_type)


# kind -> (answer, the pointer the deviation names, whether the typed client still reads it)
PLANTED: dict[str, tuple[Answer, str, bool]] = {
    "missing required property": (answer(200, [{"label": "tabby"}]), "at /0", False),
    "wrong type": (answer(200, [{"label": "tabby", "score": "0.75"}]), "at /0/score", True),
    "undocumented status": (answer(418, {"error": "I'm a teapot"}), "response status", False),
    "wrong content type": (answer(200, GOOD, "text/html"), "response Content-Type", True),
}


@dataclass
class Planted:
    base_url: str
    answers: list[Answer]  # served in turn, the last one repeats
    seen: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: Planted


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        state = self.server.state
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        state.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        chosen = state.answers[min(len(state.seen), len(state.answers)) - 1]
        self.send_response(chosen.status)
        self.send_header("content-type", chosen.content_type)
        self.send_header("content-length", str(len(chosen.body)))
        for name, value in chosen.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(chosen.body)


@contextmanager
def planted(*answers: Answer, base_path: str = "/hf-inference") -> Iterator[Planted]:
    """A server on 127.0.0.1 answering each POST with `answers` in turn."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.state = Planted(f"http://127.0.0.1:{server.server_address[1]}{base_path}", list(answers))
    with serving(server):
        yield server.state


def make(server: Planted, **kwargs: Any) -> Classifier[Any]:
    kwargs.setdefault("max_retries", 0)
    return Classifier(PROVIDER, api_key=KEY, base_url=server.base_url, **kwargs)


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IMAGE_CLASSIFY_VALIDATE", raising=False)
    monkeypatch.delenv("IMAGE_CLASSIFY_RECORD", raising=False)


def test_a_good_answer_warns_nothing() -> None:
    with (
        planted(answer(200, GOOD)) as server,
        make(server, validate="strict") as hf,
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("error")
        assert hf.classify(sample_image()).predictions[0].label == "tabby"


@pytest.mark.parametrize("kind", list(PLANTED))
def test_warn_names_the_pointer_and_keeps_the_answer(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    planted_answer, pointer, readable = PLANTED[kind]
    with (
        planted(planted_answer) as server,
        make(server, validate="warn") as hf,
        pytest.warns(SpecDeviationWarning, match=pointer) as caught,
    ):
        if readable:
            assert hf.classify(sample_image()).predictions[0].label == "tabby"
        else:  # what the typed client makes of it, as without validation
            with pytest.raises((APIStatusError, APIResponseValidationError)):
                hf.classify(sample_image())
    warning = next(w.message for w in caught if isinstance(w.message, SpecDeviationWarning))
    assert "huggingface POST /models/{namespace}/{model_name}" in str(warning)
    assert warning.deviation.spec_pointer  # what the spec expects, and where
    assert any(pointer in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)


@pytest.mark.parametrize("kind", list(PLANTED))
def test_strict_raises_naming_the_pointer(kind: str) -> None:
    planted_answer, pointer, _ = PLANTED[kind]
    with (
        planted(planted_answer) as server,
        make(server, validate="strict") as hf,
        pytest.raises(APIResponseValidationError, match=pointer) as raised,
    ):
        hf.classify(sample_image())
    assert raised.value.deviations
    assert "(spec: #/" in str(raised.value)
    assert KEY not in str(raised.value)


def test_strict_checks_the_final_answer_only() -> None:
    """A retried 503 that the spec documents is not judged; the final 200 is."""
    retry = Answer(503, b'{"error": "loading"}', headers=(("retry-after", "0"),))
    with planted(retry, answer(200, GOOD)) as server:
        with make(server, validate="strict", max_retries=1) as hf:
            assert hf.classify(sample_image()).predictions[0].label == "tabby"
        assert len(server.seen) == 2


def test_off_is_the_default_and_says_nothing() -> None:
    with planted(PLANTED["wrong type"][0]) as server, make(server) as hf:
        assert hf._settings.watch is None  # nothing but this test per call
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert hf.classify(sample_image()).predictions[0].label == "tabby"


def test_with_options_turns_it_on_for_the_copy_only() -> None:
    with planted(PLANTED["wrong type"][0]) as server, make(server) as hf:
        strict = hf.with_options(validate="strict")
        with pytest.raises(APIResponseValidationError):
            strict.classify(sample_image())
        assert hf.classify(sample_image()).predictions[0].label == "tabby"


def test_the_environment_sets_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMAGE_CLASSIFY_VALIDATE", "strict")
    with planted(PLANTED["wrong type"][0]) as server, make(server) as hf:
        with pytest.raises(APIResponseValidationError):
            hf.classify(sample_image())
        assert make(server, validate="off")._settings.watch is None


def test_an_invalid_value_names_the_variable_and_the_choices(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("IMAGE_CLASSIFY_VALIDATE", "loud")
    with pytest.raises(
        OptionError, match="IMAGE_CLASSIFY_VALIDATE must be one of off, warn, strict"
    ):
        Classifier(PROVIDER, api_key=KEY)
    with pytest.raises(OptionError, match="validate must be one of off, warn, strict, got 'on'"):
        Classifier(PROVIDER, api_key=KEY, validate="on")  # type: ignore[call-overload]


def test_call_takes_validate_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_client.api.image_classification import classify_image
    from huggingface_client.types import File

    monkeypatch.setenv("IMAGE_CLASSIFY_VALIDATE", "strict")
    with planted(PLANTED["undocumented status"][0]) as server:
        api = image_classify.client(PROVIDER, api_key=KEY, base_url=server.base_url)
        image = File(payload=__import__("io").BytesIO(sample_image()), mime_type="image/jpeg")
        detail = image_classify.call_detailed(
            classify_image, client=api, namespace="google", model_name="vit", body=image
        )
        assert isinstance(detail.error, APIResponseValidationError)
        assert "response status" in str(detail.error)


def test_async_warn_and_strict() -> None:
    async def main(server: Planted) -> None:
        async with AsyncClassifier(
            PROVIDER, api_key=KEY, base_url=server.base_url, validate="warn", max_retries=0
        ) as hf:
            with pytest.warns(SpecDeviationWarning, match="at /0/score"):
                assert (await hf.classify(sample_image())).predictions[0].label == "tabby"
            with pytest.raises(APIResponseValidationError, match="at /0/score"):
                await hf.with_options(validate="strict").classify(sample_image())

    with planted(PLANTED["wrong type"][0]) as server:
        asyncio.run(main(server))


def test_off_never_imports_the_checker() -> None:
    script = """
import sys, httpx
from image_classify import Classifier
answer = b'[{"label": "tabby", "score": "0.75"}]'  # a deviation nobody looks for
transport = httpx.MockTransport(lambda request: httpx.Response(200, content=answer))
jpeg = b"\\xff\\xd8\\xff\\xe0" + bytes(64)
with Classifier("huggingface", api_key="k", transport=transport) as hf:
    hf.classify(jpeg)
    hf.with_options(max_retries=1).classify(jpeg)
print([m for m in ("image_classify._spec_check", "jsonschema") if m in sys.modules])
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMAGE_CLASSIFY_")}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "[]", done.stderr


def test_a_checker_failure_is_logged_and_the_call_goes_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any) -> list[Any]:
        raise RuntimeError(f"checker bug near {KEY}")

    monkeypatch.setattr("image_classify._spec_check.check_response", broken)
    with planted(answer(200, GOOD)) as server, make(server, validate="strict") as hf:
        assert hf.classify(sample_image()).predictions[0].label == "tabby"
    [logged] = [r.getMessage() for r in caplog.records if "could not be checked" in r.getMessage()]
    assert "RuntimeError" in logged and KEY not in logged
