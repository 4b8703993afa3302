"""A known key goes through every provider and every error path, with debug logging on;
it must appear nowhere: logs (ours, httpx's, httpcore's), stderr, error messages, reprs of
errors, responses, clients, options and auth objects."""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from image_classify import errors
from image_classify._call import acall_detailed, call
from image_classify._logs import LOGGER_NAME
from image_classify._options import options_of
from image_classify._redaction import redact, redact_headers
from tests.image_classify.cases import first_operations, success
from tests.image_classify.conftest import KEY, PROVIDERS, MakeApi, json_response
from tests.image_classify.helpers import arguments, run_detailed


@pytest.fixture
def debug_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """IMAGE_CLASSIFY_LOG=debug for one test; the logger is put back afterwards."""
    logger = logging.getLogger(LOGGER_NAME)
    level, handlers = logger.level, list(logger.handlers)
    monkeypatch.setenv("IMAGE_CLASSIFY_LOG", "debug")
    yield
    logger.setLevel(level)
    logger.handlers[:] = handlers


def echo(status: int, content_type: str = "application/json") -> Any:
    """A server that repeats the request back (URL, headers, the key) in its error body."""

    def answer(request: httpx.Request) -> httpx.Response:
        said = f"bad credential {KEY} for {request.url} with {dict(request.headers)}"
        if content_type == "text/html":
            content = f"<html><title>{status}: {said}</title></html>".encode()
        else:
            content = httpx.Response(200, json={"message": said, "detail": said}).content
        headers = {"content-type": content_type, "x-request-id": f"req-{KEY}"}
        return httpx.Response(status, content=content, headers=headers)

    return answer


def refuse(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError(f"cannot connect to {request.url} (key {KEY})", request=request)


def stall(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout(f"read timed out for {request.url}", request=request)


def scenarios(provider: str) -> dict[str, list[Any]]:
    status, body = success(first_operations()[provider])
    good = httpx.Response(status, content=body, headers={"content-type": "application/json"})
    return {
        "success": [good],
        "401": [echo(401)],
        "403": [echo(403)],
        "422": [echo(422)],
        "429 then 503 then success": [echo(429), echo(503), good],
        "500 exhausted": [echo(500)],
        "520 html": [echo(520, "text/html")],
        "truncated 2xx": [httpx.Response(status, content=f'{{"oops": "{KEY}'.encode())],
        "success false": [json_response(status, {"success": False, "error": f"key {KEY}"})],
        "connection refused": [refuse],
        "timeout": [stall],
    }


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_key_appears_nowhere(
    provider: str,
    make_api: MakeApi,
    debug_logging: None,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []
    for name, answers in scenarios(provider).items():
        api = make_api(provider, *answers)
        seen += [repr(api.client), str(api.client), repr(options_of(api.client))]
        auth = api.client.get_httpx_client().auth
        seen += [repr(auth), str(auth), repr(api.client._httpx_args)]
        try:
            call(api.operation, client=api.client, **arguments(api))
        except errors.ImageClassifyError as exc:
            seen += [str(exc), repr(exc), exc.args[0] if exc.args else ""]
            seen.append("".join(traceback.format_exception(exc)))  # causes included
            if isinstance(exc, errors.APIStatusError):
                seen += [exc.message, str(exc.request_id)]
            else:
                assert name not in ("success",), name
        try:
            detail = run_detailed(api)
            seen += [repr(detail), repr(detail.error), str(detail.error)]
        except errors.APIConnectionError as exc:
            seen += [str(exc), repr(exc)]
        try:
            detail = asyncio.run(acall_detailed(api.operation, client=api.client, **arguments(api)))
            seen += [repr(detail), str(detail.error)]
        except errors.APIConnectionError as exc:
            seen += [str(exc), repr(exc)]
        assert api.requests, name
    captured = capsys.readouterr()
    seen += [caplog.text, captured.err, captured.out]
    seen += [record.getMessage() for record in caplog.records]
    for text in seen:
        assert KEY not in text, text[:2000]
    # The logging did happen, with what a reader needs.
    assert "retrying POST" in caplog.text
    assert "HTTP Request: POST" in caplog.text  # httpx's own line, redacted
    assert "response POST" in caplog.text and "-> 401" in caplog.text
    assert "request POST" in captured.err  # IMAGE_CLASSIFY_LOG=debug writes to stderr


def test_names_based_redaction_without_knowing_the_value() -> None:
    assert (
        redact("GET https://x.test/a?api_key=abc123&b=1") == "GET https://x.test/a?api_key=***&b=1"
    )
    assert redact("Authorization: Bearer abc.def-ghi") == "Authorization: Bearer ***"
    assert redact("{'x-api-key': 'abc'}") == "{'x-api-key': '***'}"
    assert redact('{"access_token": "abc"}') == '{"access_token": "***"}'
    assert redact("https://x.test/?token=abc&key=def") == "https://x.test/?token=***&key=***"
    assert redact("sent bearer eyJhbGciOiJIUzI1NiJ9.x.y") == "sent bearer ***"
    assert redact("sent Bearer hf_abc123") == "sent Bearer ***"
    # Prose stays readable.
    assert redact("Please provide a bearer token.") == "Please provide a bearer token."
    assert redact("Invalid token: check the key") == "Invalid token: check the key"
    assert redact("nothing secret here: x=1") == "nothing secret here: x=1"
    assert redact_headers({"Authorization": "Basic dXNlcjpwYXNz", "Cookie": "s=1", "A": "a"}) == {
        "Authorization": "***",
        "Cookie": "***",
        "A": "a",
    }


@pytest.mark.parametrize("key", ["k9", "abc", "short12"])
def test_a_short_key_echoed_in_a_401_body_is_redacted_everywhere(
    key: str, caplog: pytest.LogCaptureFixture
) -> None:
    from image_classify import AuthenticationError, Classifier

    body = f'{{"error": "invalid key {key}", "detail": "key {key} is not valid"}}'

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            401, content=body.encode(), headers={"content-type": "application/json"}
        )

    image = b"\xff\xd8\xff\xe0" + b"\x00" * 64
    with (
        caplog.at_level(logging.DEBUG),
        Classifier("huggingface", api_key=key, transport=httpx.MockTransport(handle)) as hf,
        pytest.raises(AuthenticationError) as caught,
    ):
        hf.classify(image)
    error = caught.value
    for shown in (str(error), repr(error), error.message, caplog.text):
        assert key not in shown, shown
    assert "invalid key ***" in str(error)
