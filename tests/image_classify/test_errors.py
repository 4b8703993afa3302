"""Every status becomes its typed error, through the real generated clients of every
provider: the class, the int status (520 too), the message from the body, the typed error
model where the spec documents the status, the request id."""

from __future__ import annotations

import httpx
import pytest

from image_classify import errors
from image_classify._providers import provider_info
from tests.image_classify.cases import documented_body, documented_statuses, first_operations
from tests.image_classify.conftest import PROVIDERS, MakeApi, json_response
from tests.image_classify.helpers import run, run_detailed

STATUS_CLASSES = [
    (400, errors.BadRequestError),
    (401, errors.AuthenticationError),
    (402, errors.APIStatusError),
    (403, errors.PermissionDeniedError),
    (404, errors.NotFoundError),
    (409, errors.ConflictError),
    (413, errors.APIStatusError),
    (418, errors.APIStatusError),
    (422, errors.UnprocessableEntityError),
    (429, errors.RateLimitError),
    (500, errors.InternalServerError),
    (502, errors.InternalServerError),
    (503, errors.ServiceUnavailableError),
    (504, errors.InternalServerError),
    *[(code, errors.InternalServerError) for code in range(520, 528)],
    (599, errors.InternalServerError),
    (302, errors.APIStatusError),
]


def documented_key(provider: str, status: int) -> str | None:
    """The response key the spec documents `status` under ("401", or a range "5XX")."""
    keys = documented_statuses(first_operations()[provider])
    for key in (str(status), f"{str(status)[0]}XX"):
        if key in keys:
            return key
    return None


@pytest.mark.parametrize(("status", "expected"), STATUS_CLASSES, ids=lambda v: str(v))
@pytest.mark.parametrize("provider", PROVIDERS)
def test_status_raises_its_class(
    provider: str, status: int, expected: type[errors.APIStatusError], make_api: MakeApi
) -> None:
    key = documented_key(provider, status)
    body = documented_body(first_operations()[provider], key) if key else None
    answer = (
        httpx.Response(status, content=body, headers={"content-type": "application/json"})
        if body
        else json_response(status, {"message": f"went wrong with {status}"})
    )
    api = make_api(provider, answer, max_retries=0)
    with pytest.raises(errors.APIStatusError) as caught:
        run(api)
    error = caught.value
    assert type(error) is expected
    assert error.status_code == status and isinstance(error.status_code, int)
    assert error.body == answer.content
    assert error.message and error.message in str(error)
    assert str(status) in str(error)
    if body is not None:
        package = provider_info(provider).package
        assert error.parsed is not None, f"{provider} documents {key} but parsed is None"
        assert type(error.parsed).__module__.startswith(f"{package}.models")
    else:
        assert error.message == f"went wrong with {status}"


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_detailed_returns_the_error_without_raising(
    provider: str, asynchronous: bool, make_api: MakeApi
) -> None:
    api = make_api(provider, httpx.Response(520, text="origin said nothing"), max_retries=0)
    response = run_detailed(api, asynchronous=asynchronous)
    assert response.status_code == 520
    assert isinstance(response.error, errors.InternalServerError)
    assert response.error.message == "origin said nothing"
    assert response.parsed is None or response.parsed == response.error.parsed
    assert response.content == b"origin said nothing"
    assert response.http_response.status_code == 520


@pytest.mark.parametrize("provider", PROVIDERS)
def test_success_is_typed_and_has_no_error(provider: str, make_api: MakeApi) -> None:
    from tests.image_classify.cases import success

    status, body = success(first_operations()[provider])
    answer = httpx.Response(status, content=body, headers={"content-type": "application/json"})
    api = make_api(provider, answer)
    detail = run_detailed(api)
    assert detail.error is None and detail.retries_taken == 0
    assert detail.status_code == status
    result = run(api)
    items = result if isinstance(result, list) else [result]
    package = provider_info(provider).package
    assert all(type(item).__module__.startswith(f"{package}.models") for item in items)


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (
            b"<!DOCTYPE html><html><head><title>520: Web server is returning an unknown "
            b"error</title></head><body>...</body></html>",
            "text/html",
            "an HTML page (520: Web server is returning an unknown error)",
        ),
        (b"", "text/plain", "Web Server Returned an Unknown Error"),
        (b'{"errors": [{"code": 7000, "message": "No route"}', "application/json", None),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png", "Web Server Returned an Unknown Error"),
    ],
    ids=["html", "empty", "truncated-json", "binary"],
)
@pytest.mark.parametrize("provider", PROVIDERS)
def test_non_iana_status_with_any_body_is_typed(
    provider: str, body: bytes, content_type: str, message: str | None, make_api: MakeApi
) -> None:
    answer = httpx.Response(520, content=body, headers={"content-type": content_type})
    api = make_api(provider, answer, max_retries=0)
    with pytest.raises(errors.InternalServerError) as caught:
        run(api)
    assert caught.value.status_code == 520
    assert caught.value.parsed is None
    if message is not None:
        assert caught.value.message == message


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"message": "m1"}, "m1"),
        ({"error": "e1"}, "e1"),
        ({"error": {"message": "nested"}}, "nested"),
        ({"error": ["a", "b"]}, "a; b"),
        ({"errors": [{"code": 1, "message": "x"}, {"message": "y"}]}, "x; y"),
        ({"detail": "d1"}, "d1"),
        (
            {"detail": [{"msg": "field required", "loc": ["body", "image"]}]},
            "body.image: field required",
        ),
        # Every field is kept: a summary in `error` and the details in `errors`.
        (
            {"error": "validation failed", "errors": [{"field": "image", "message": "too big"}]},
            "validation failed; image: too big",
        ),
        ({"message": "bad", "error_description": "key expired"}, "bad; key expired"),
        ({"message": "same", "error": "same"}, "same"),
        ({"unrelated": 1}, "Bad Request"),
        ("a JSON string", "a JSON string"),
        ([1, 2], "Bad Request"),
    ],
)
def test_message_comes_from_the_body(body: object, message: str, make_api: MakeApi) -> None:
    api = make_api("huggingface", json_response(400, body))
    with pytest.raises(errors.BadRequestError) as caught:
        run(api)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'[{"label": "cat", "score": 0.9}', "application/json"),  # truncated
        (b"<html><title>Blocked</title></html>", "text/html"),
        (b"", "application/json"),
        (b'{"unexpected": "shape"}', "application/json"),
        (b'"a string"', "application/json"),
    ],
    ids=["truncated", "html", "empty", "wrong-shape", "string"],
)
@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_bad_success_body_is_a_validation_error(
    body: bytes, content_type: str, asynchronous: bool, make_api: MakeApi
) -> None:
    api = make_api(
        "huggingface", httpx.Response(200, content=body, headers={"content-type": content_type})
    )
    with pytest.raises(errors.APIResponseValidationError) as caught:
        run(api, asynchronous=asynchronous)
    assert caught.value.status_code == 200
    assert caught.value.body == body
    detail = run_detailed(api, asynchronous=asynchronous)
    assert isinstance(detail.error, errors.APIResponseValidationError)
    assert detail.parsed is None


@pytest.mark.parametrize("provider", PROVIDERS)
def test_bad_success_body_of_every_provider(provider: str, make_api: MakeApi) -> None:
    status = int(next(s for s in documented_statuses(first_operations()[provider]) if s[0] == "2"))
    api = make_api(provider, httpx.Response(status, content=b'{"trunc'))
    with pytest.raises(errors.APIResponseValidationError):
        run(api)


def test_undocumented_success_status_is_a_validation_error(make_api: MakeApi) -> None:
    api = make_api("huggingface", json_response(202, {"queued": True}))
    with pytest.raises(errors.APIResponseValidationError, match="documents no model"):
        run(api)


def test_edge_impulse_success_false_in_a_200(make_api: MakeApi) -> None:
    body = {"success": False, "error": "No deployment found for this project"}
    api = make_api("edge_impulse", json_response(200, body))
    with pytest.raises(errors.ProviderError) as caught:
        run(api)
    error = caught.value
    assert error.status_code == 200
    assert error.message == "No deployment found for this project"
    assert error.parsed is not None and error.parsed.success is False
    assert error.codes == ()
    detail = run_detailed(api)
    assert isinstance(detail.error, errors.ProviderError)


def test_cloudflare_envelope_success_false_in_a_200(make_api: MakeApi) -> None:
    body = {
        "success": False,
        "result": None,
        "errors": [{"code": 5007, "message": "No such model"}, {"code": 3040, "message": "x"}],
        "messages": [],
    }
    api = make_api("cloudflare", json_response(200, body, **{"cf-ray": "8a1b2c3d4e5f-SJC"}))
    with pytest.raises(errors.ProviderError) as caught:
        run(api)
    error = caught.value
    assert error.message == "No such model; x"
    assert error.codes == (5007, 3040)
    assert error.request_id == "8a1b2c3d4e5f-SJC"
    assert "8a1b2c3d4e5f-SJC" in str(error)


def test_rate_limit_error_carries_retry_after(make_api: MakeApi) -> None:
    api = make_api("roboflow", json_response(429, {"message": "slow down"}, **{"retry-after": "7"}))
    with pytest.raises(errors.RateLimitError) as caught:
        run(api, max_retries=0)
    assert caught.value.retry_after == 7.0


def test_service_unavailable_carries_estimated_time(make_api: MakeApi) -> None:
    body = {
        "error": "Model google/vit-base-patch16-224 is currently loading",
        "estimated_time": 20.5,
    }
    api = make_api("huggingface", json_response(503, body))
    with pytest.raises(errors.ServiceUnavailableError) as caught:
        run(api, max_retries=0)
    assert caught.value.estimated_time == 20.5
    assert caught.value.message.startswith("Model google/vit")
    assert type(caught.value.parsed).__name__ == "ModelLoadingError"


@pytest.mark.parametrize(
    ("provider", "headers", "expected"),
    [
        ("huggingface", {"x-request-id": "hf-1"}, "hf-1"),
        ("cloudflare", {"cf-ray": "ray-1", "x-request-id": "other"}, "ray-1"),
        ("roboflow", {"request-id": "rf-1"}, "rf-1"),
        ("edge_impulse", {}, None),
    ],
)
def test_request_id_from_the_manifest_header_or_a_common_one(
    provider: str, headers: dict[str, str], expected: str | None, make_api: MakeApi
) -> None:
    api = make_api(provider, json_response(404, {"message": "nope"}, **headers))
    with pytest.raises(errors.NotFoundError) as caught:
        run(api)
    assert caught.value.request_id == expected
    assert run_detailed(api).request_id == expected


def test_hierarchy() -> None:
    assert issubclass(errors.APITimeoutError, errors.APIConnectionError)
    assert issubclass(errors.APIConnectionError, errors.APIError)
    assert issubclass(errors.APIResponseValidationError, errors.APIError)
    assert issubclass(errors.ServiceUnavailableError, errors.InternalServerError)
    assert issubclass(errors.ProviderError, errors.APIStatusError)
    assert issubclass(errors.UnknownProviderError, errors.ImageClassifyError)
    assert issubclass(errors.UnknownProviderError, ValueError)
    assert issubclass(errors.MissingCredentialsError, errors.ImageClassifyError)
    from image_classify import _providers

    assert _providers.UnknownProviderError is errors.UnknownProviderError
    with pytest.raises(errors.UnknownProviderError, match="Valid choices"):
        provider_info("nope")


def test_validation_error_says_what_the_provider_said(make_api: MakeApi) -> None:
    api = make_api("huggingface", json_response(200, {"error": "Model too busy"}))
    with pytest.raises(errors.APIResponseValidationError) as caught:
        run(api)
    assert "not the documented shape" in caught.value.message
    assert caught.value.message.endswith(": Model too busy")
