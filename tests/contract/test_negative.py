"""Requests Prism must refuse reach it, and the typed client returns the refusal intact.

Prism only checks that a credential is present, and answers 401/415/422 of its own; the
client must hand those back as a Response (status, headers, raw body) without raising,
and parse them into the documented model where the spec documents that status.
"""

from __future__ import annotations

import httpx
import pytest

from tests.contract.clients import typed_client
from tests.contract.prism_limits import raw_form_body
from tests.contract.test_client_contract import OPERATIONS, assert_typed, send
from tests.contract.test_documented_responses import documented, valid_case
from tests.contract.typed_call import Operation, Recorder, call_kwargs

pytestmark = pytest.mark.contract
# Operations whose body is required; Roboflow's is optional (an image URL instead) and, when
# sent, a raw form body Prism cannot parse (test_raw_form_bodies_are_sent_as_given).
WITH_BODY = [op for op in OPERATIONS if (op.definition.get("requestBody") or {}).get("required")]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.id)
def test_missing_credentials_come_back_as_401(
    operation: Operation, mock_urls: dict[str, str]
) -> None:
    kwargs = call_kwargs(operation, valid_case(operation))
    response, raw = send(
        operation, mock_urls[operation.provider.key], kwargs, asynchronous=False, credentials=False
    )
    assert raw.status_code == 401, raw.text[:300]
    assert int(response.status_code) == 401
    assert response.content == raw.content
    if 401 in {status for status, _, json_body in documented(operation) if json_body}:
        assert_typed(response.parsed, operation)


@pytest.mark.parametrize("operation", WITH_BODY, ids=lambda o: o.id)
def test_wrong_content_type_comes_back_as_prism_refusal(
    operation: Operation, mock_urls: dict[str, str]
) -> None:
    recorder = Recorder()

    def wrong_type(request: httpx.Request) -> None:
        recorder.on_request(request)
        request.headers["Content-Type"] = "text/csv"

    api = typed_client(
        operation.provider,
        mock_urls[operation.provider.key],
        hooks={"request": [wrong_type], "response": [recorder.on_response]},
    )
    kwargs = call_kwargs(operation, valid_case(operation))
    with api:
        response = operation.module.sync_detailed(client=api, **kwargs)
    assert recorder.response is not None
    # Prism's own 415/422, or the operation's documented 400 when it has one.
    assert recorder.response.status_code in (400, 415, 422), recorder.response.text[:300]
    assert int(response.status_code) == recorder.response.status_code
    assert response.content == recorder.response.content


def test_raw_form_bodies_are_sent_as_given(mock_urls: dict[str, str]) -> None:
    """Roboflow's base64 text body, which Prism cannot validate (see raw_form_body; its
    mock takes any form body, overlays/mock/roboflow.yaml): the typed client sends exactly
    the given bytes with the documented media type and the answer comes back typed."""

    operations = [
        op
        for op in OPERATIONS
        if "application/x-www-form-urlencoded"
        in (op.definition.get("requestBody") or {}).get("content", {})
    ]
    assert operations, "no operation sends a raw form body any more: drop this test"
    for operation in operations:
        check_raw_form_body(operation, mock_urls[operation.provider.key])


def check_raw_form_body(operation: Operation, base_url: str) -> None:
    from hypothesis import HealthCheck, given, settings

    @given(case=operation.schema_operation.as_strategy().filter(raw_form_body))
    @settings(
        max_examples=10,
        database=None,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: object) -> None:
        kwargs = call_kwargs(operation, case)
        payload = kwargs["body"].payload.getvalue()
        if b"%" in payload:  # kills Prism (URIError); base64 text never has one
            return
        response, raw = send(operation, base_url, kwargs, asynchronous=False)
        assert raw.request.content == payload
        assert raw.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert raw.status_code == 200, raw.text[:300]
        assert_typed(response.parsed, operation)

    check()
