"""Retries on a fake clock: what is retried, how often, how long each wait is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from image_classify import errors
from image_classify._options import options_of, set_options
from image_classify._retry import INITIAL_DELAY, JITTER, MAX_ADVISED_DELAY, MAX_DELAY
from image_classify._retry_advice import retry_after_seconds
from tests.image_classify.cases import first_operations, success
from tests.image_classify.conftest import PROVIDERS, FakeClock, MakeApi, json_response
from tests.image_classify.helpers import run, run_detailed

MODES = pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])


def ok(provider: str) -> httpx.Response:
    status, body = success(first_operations()[provider])
    return httpx.Response(status, content=body, headers={"content-type": "application/json"})


def assert_backoff(sleeps: list[float]) -> None:
    for retry, wait in enumerate(sleeps):
        base = min(INITIAL_DELAY * 2**retry, MAX_DELAY)
        assert base <= wait <= base + JITTER, (retry, wait)


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 520, 522, 527])
@MODES
def test_retryable_status_is_retried_then_succeeds(
    status: int, asynchronous: bool, make_api: MakeApi, clock: FakeClock
) -> None:
    api = make_api("huggingface", json_response(status, {"error": "try later"}), ok("huggingface"))
    detail = run_detailed(api, asynchronous=asynchronous)
    assert detail.error is None
    assert detail.retries_taken == 1
    assert len(api.requests) == 2
    assert len(clock.sleeps) == 1
    assert_backoff(clock.sleeps)


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 413, 422])
@MODES
def test_other_4xx_is_never_retried(
    status: int, asynchronous: bool, make_api: MakeApi, clock: FakeClock
) -> None:
    api = make_api("huggingface", json_response(status, {"error": "no"}), ok("huggingface"))
    with pytest.raises(errors.APIStatusError) as caught:
        run(api, asynchronous=asynchronous)
    assert caught.value.status_code == status
    assert len(api.requests) == 1
    assert clock.sleeps == []


@pytest.mark.parametrize("provider", PROVIDERS)
@MODES
def test_default_is_two_retries_with_exponential_backoff(
    provider: str, asynchronous: bool, make_api: MakeApi, clock: FakeClock
) -> None:
    api = make_api(provider, json_response(500, {"message": "boom"}))
    with pytest.raises(errors.InternalServerError):
        run(api, asynchronous=asynchronous)
    assert len(api.requests) == 3
    assert len(clock.sleeps) == 2
    assert_backoff(clock.sleeps)


def test_backoff_grows_to_its_cap(make_api: MakeApi, clock: FakeClock) -> None:
    api = make_api("roboflow", json_response(503, {"message": "down"}), max_retries=6)
    with pytest.raises(errors.ServiceUnavailableError):
        run(api)
    assert len(api.requests) == 7
    assert_backoff(clock.sleeps)
    assert MAX_DELAY <= clock.sleeps[-1] <= MAX_DELAY + JITTER


@MODES
def test_max_retries_per_client_and_per_call(
    asynchronous: bool, make_api: MakeApi, clock: FakeClock
) -> None:
    api = make_api("cloudflare", json_response(502, {}), max_retries=4)
    assert options_of(api.client).max_retries == 4
    with pytest.raises(errors.InternalServerError):
        run(api, asynchronous=asynchronous)
    assert len(api.requests) == 5
    with pytest.raises(errors.InternalServerError):
        run(api, asynchronous=asynchronous, max_retries=1)
    assert len(api.requests) == 5 + 2
    with pytest.raises(errors.InternalServerError):
        run(api, asynchronous=asynchronous, max_retries=0)
    assert len(api.requests) == 5 + 2 + 1


@MODES
def test_retry_after_seconds_is_honoured(
    asynchronous: bool, make_api: MakeApi, clock: FakeClock
) -> None:
    api = make_api(
        "roboflow",
        json_response(429, {"message": "slow"}, **{"retry-after": "3"}),
        json_response(429, {"message": "slow"}, **{"retry-after": "1.5"}),
        ok("roboflow"),
    )
    run(api, asynchronous=asynchronous)
    assert clock.sleeps == [3.0, 1.5]


def test_retry_after_http_date_is_honoured(make_api: MakeApi, clock: FakeClock) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    api = make_api(
        "img_processing", json_response(503, {}, **{"retry-after": when}), ok("img_processing")
    )
    run(api)
    (wait,) = clock.sleeps
    assert 25 <= wait <= 30


def test_retry_after_ms_is_honoured(make_api: MakeApi, clock: FakeClock) -> None:
    api = make_api(
        "huggingface", json_response(429, {}, **{"retry-after-ms": "250"}), ok("huggingface")
    )
    run(api)
    assert clock.sleeps == [0.25]


@pytest.mark.parametrize("value", ["3600", "Wed, 21 Oct 2099 07:28:00 GMT"])
def test_retry_after_is_capped(value: str, make_api: MakeApi, clock: FakeClock) -> None:
    api = make_api(
        "edge_impulse", json_response(503, {}, **{"retry-after": value}), ok("edge_impulse")
    )
    run(api)
    assert clock.sleeps == [MAX_ADVISED_DELAY]


@pytest.mark.parametrize("value", ["soon", "", "-5", "nan"])
def test_unusable_retry_after_falls_back_to_backoff(
    value: str, make_api: MakeApi, clock: FakeClock
) -> None:
    api = make_api("cloudflare", json_response(429, {}, **{"retry-after": value}), ok("cloudflare"))
    run(api)
    (wait,) = clock.sleeps
    if value == "-5":
        assert wait == 0.0  # a date or number in the past: retry now
    else:
        assert_backoff(clock.sleeps)


@MODES
def test_estimated_time_in_the_body_is_honoured_and_capped(
    asynchronous: bool, make_api: MakeApi, clock: FakeClock
) -> None:
    loading = {"error": "Model is currently loading", "estimated_time": 12.5}
    too_long = {"error": "Model is currently loading", "estimated_time": 9999}
    api = make_api(
        "huggingface", json_response(503, loading), json_response(503, too_long), ok("huggingface")
    )
    detail = run_detailed(api, asynchronous=asynchronous)
    assert detail.error is None and detail.retries_taken == 2
    assert clock.sleeps == [12.5, MAX_ADVISED_DELAY]


def test_retry_after_wins_over_estimated_time(make_api: MakeApi, clock: FakeClock) -> None:
    body = {"error": "loading", "estimated_time": 40}
    api = make_api(
        "huggingface", json_response(503, body, **{"retry-after": "2"}), ok("huggingface")
    )
    run(api)
    assert clock.sleeps == [2.0]


@pytest.mark.parametrize("provider", PROVIDERS)
@MODES
def test_connection_errors_are_retried_then_raised(
    provider: str, asynchronous: bool, make_api: MakeApi, clock: FakeClock
) -> None:
    api = make_api(provider, httpx.ConnectError("[Errno 111] Connection refused"))
    with pytest.raises(errors.APIConnectionError) as caught:
        run(api, asynchronous=asynchronous)
    assert type(caught.value) is errors.APIConnectionError
    assert "Connection refused" in str(caught.value)
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert len(api.requests) == 3
    assert_backoff(clock.sleeps)


@MODES
def test_a_connection_error_then_success(
    asynchronous: bool, make_api: MakeApi, clock: FakeClock
) -> None:
    api = make_api("roboflow", httpx.RemoteProtocolError("peer closed connection"), ok("roboflow"))
    detail = run_detailed(api, asynchronous=asynchronous)
    assert detail.error is None and detail.retries_taken == 1


@pytest.mark.parametrize("provider", PROVIDERS)
@MODES
def test_timeouts_become_api_timeout_error_after_retries(
    provider: str, asynchronous: bool, make_api: MakeApi, clock: FakeClock
) -> None:
    api = make_api(provider, httpx.ReadTimeout("The read operation timed out"))
    with pytest.raises(errors.APITimeoutError) as caught:
        run(api, asynchronous=asynchronous)
    assert "timed out" in str(caught.value)
    assert len(api.requests) == 3 and len(clock.sleeps) == 2


def test_retry_resends_the_same_body(make_api: MakeApi, clock: FakeClock) -> None:
    # Edge Impulse's multipart body streams from a file object: read once, sent three times.
    api = make_api(
        "edge_impulse", json_response(500, {}), json_response(502, {}), ok("edge_impulse")
    )
    run(api)
    bodies = [request.content for request in api.requests]
    assert len(bodies) == 3 and bodies[0] and bodies[0] == bodies[1] == bodies[2]
    keys = [request.headers.get("x-api-key") for request in api.requests]
    assert len(set(keys)) == 1


def test_query_key_is_not_duplicated_on_retries(make_api: MakeApi, clock: FakeClock) -> None:
    api = make_api("roboflow", json_response(500, {}), ok("roboflow"))
    run(api)
    for request in api.requests:
        assert request.url.params.get_list("api_key") == [api.client._httpx_args["auth"]._secret]


def test_retry_after_parsing() -> None:
    now = datetime(2030, 1, 1, tzinfo=UTC)
    parse = retry_after_seconds
    assert parse(httpx.Headers({"retry-after": "10"}), now) == 10.0
    assert parse(httpx.Headers({"retry-after": "Tue, 01 Jan 2030 00:00:05 GMT"}), now) == 5.0
    assert parse(httpx.Headers({"retry-after": "Mon, 31 Dec 2029 23:00:00 GMT"}), now) == 0.0
    assert parse(httpx.Headers({"retry-after": "garbage"}), now) is None
    assert parse(httpx.Headers({}), now) is None


def test_sleep_is_injectable_per_client(make_api: MakeApi) -> None:
    waits: list[float] = []
    api = make_api("huggingface", json_response(500, {}), ok("huggingface"))
    set_options(api.client, sleep=waits.append)
    run(api)
    assert len(waits) == 1
