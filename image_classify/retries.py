"""Retries with tenacity: what is retried, how long to wait, and the loop itself.

Retried: no response at all (connection errors, timeouts), and 408, 409, 429 and every
5xx (non-IANA 52x included). Never any other 4xx: sending the same request again cannot
fix it. The wait is what the server advised (Retry-After in seconds or as an HTTP-date,
retry-after-ms, or a JSON body's `estimated_time`), capped, or else exponential backoff
with jitter.

The first attempt runs outside tenacity: most calls need no retry, and setting up
tenacity's state costs about 12 us, a tenth of a whole mocked call. When the first outcome
is retryable, tenacity takes over from it (it sees that outcome first, replayed), so every
retry decision is tenacity's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    retry_if_result,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

from image_classify.errors import APIConnectionError
from image_classify.retry_advice import estimated_time, json_body, retry_after_seconds

RETRY_STATUSES = frozenset({408, 409, 429})
INITIAL_DELAY = 0.5  # seconds before the first retry; doubles each time
MAX_DELAY = 8.0
JITTER = 0.5  # up to this many seconds added at random, so clients do not retry in step
MAX_ADVISED_DELAY = 60.0  # a server asking for longer gets this much

Outcome = httpx.Response | APIConnectionError
BeforeSleep = Callable[[RetryCallState], None]


def is_retryable_status(status_code: int) -> bool:
    return status_code in RETRY_STATUSES or 500 <= status_code <= 599


def is_retryable(outcome: Outcome) -> bool:
    if isinstance(outcome, APIConnectionError):
        return True
    return is_retryable_status(outcome.status_code)


def advised_delay(response: httpx.Response) -> float | None:
    """Seconds the server asked us to wait before retrying, capped; None if it did not say."""
    delay = retry_after_seconds(response.headers)
    if delay is None:
        delay = estimated_time(json_body(response))
    return None if delay is None else min(delay, MAX_ADVISED_DELAY)


_backoff = wait_exponential(multiplier=INITIAL_DELAY, max=MAX_DELAY) + wait_random(0, JITTER)


def wait_advised_or_backoff(retry_state: RetryCallState) -> float:
    outcome = retry_state.outcome
    if outcome is not None and not outcome.failed:
        advised = advised_delay(outcome.result())
        if advised is not None:
            return advised
    return float(_backoff(retry_state))


_retry = retry_if_exception_type(APIConnectionError) | retry_if_result(
    lambda response: is_retryable_status(response.status_code)
)


def _give_back_last(retry_state: RetryCallState) -> httpx.Response:
    """Out of retries: the last response (the caller turns it into its typed error), or the
    last connection error raised again."""
    assert retry_state.outcome is not None
    response: httpx.Response = retry_state.outcome.result()
    return response


def _unwrap(outcome: Outcome) -> httpx.Response:
    if isinstance(outcome, APIConnectionError):
        raise outcome
    return outcome


def send_with_retries(
    send: Callable[[], httpx.Response],
    *,
    max_retries: int,
    sleep: Callable[[float], None],
    before_sleep: BeforeSleep,
) -> httpx.Response:
    """`send()` until it gives a final outcome or retries run out; `send` raises
    APIConnectionError when there is no response."""
    first: Outcome
    try:
        first = send()
    except APIConnectionError as exc:
        first = exc
    if max_retries <= 0 or not is_retryable(first):
        return _unwrap(first)
    replay = [first]

    def attempt() -> httpx.Response:
        return _unwrap(replay.pop()) if replay else send()

    retrying = Retrying(
        sleep=sleep,
        stop=stop_after_attempt(max_retries + 1),
        wait=wait_advised_or_backoff,
        retry=_retry,
        before_sleep=before_sleep,
        retry_error_callback=_give_back_last,
        reraise=True,
    )
    return retrying(attempt)


async def asend_with_retries(
    send: Callable[[], Awaitable[httpx.Response]],
    *,
    max_retries: int,
    sleep: Callable[[float], Awaitable[None]],
    before_sleep: BeforeSleep,
) -> httpx.Response:
    """The async twin of send_with_retries."""
    first: Outcome
    try:
        first = await send()
    except APIConnectionError as exc:
        first = exc
    if max_retries <= 0 or not is_retryable(first):
        return _unwrap(first)
    replay = [first]

    async def attempt() -> httpx.Response:
        return _unwrap(replay.pop()) if replay else await send()

    retrying = AsyncRetrying(
        sleep=sleep,
        stop=stop_after_attempt(max_retries + 1),
        wait=wait_advised_or_backoff,
        retry=_retry,
        before_sleep=before_sleep,
        retry_error_callback=_give_back_last,
        reraise=True,
    )
    return await retrying(attempt)
