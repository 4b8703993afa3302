"""The retry decision: a pure function of the attempt number and its outcome.

Retried: no response at all (connection errors, timeouts), and 408, 409, 429 and every
5xx (non-IANA 52x included). Never any other 4xx: sending the same request again cannot
fix it. The wait is what the server advised (Retry-After in seconds or as an HTTP-date,
retry-after-ms, or a JSON body's `estimated_time`), capped, or else exponential backoff
with jitter.

No I/O and no state: the sync and the async driver (image_classify._drivers) both follow
what it says, so the policy is written once and tested without a clock.
"""

from __future__ import annotations

import random

import httpx

from image_classify._retry_advice import estimated_time, json_body, retry_after_seconds
from image_classify.errors import APIConnectionError

RETRY_STATUSES = frozenset({408, 409, 429})
INITIAL_DELAY = 0.5  # seconds before the first retry; doubles each time
MAX_DELAY = 8.0
JITTER = 0.5  # up to this many seconds added at random, so clients do not retry in step
MAX_ADVISED_DELAY = 60.0  # a server asking for longer gets this much

Outcome = httpx.Response | APIConnectionError


def is_retryable_status(status_code: int) -> bool:
    return status_code in RETRY_STATUSES or 500 <= status_code <= 599


def advised_delay(response: httpx.Response) -> float | None:
    """Seconds the server asked us to wait before retrying, capped; None if it did not say."""
    delay = retry_after_seconds(response.headers)
    if delay is None:
        delay = estimated_time(json_body(response))
    return None if delay is None else min(delay, MAX_ADVISED_DELAY)


def backoff(retry: int, jitter: float) -> float:
    """Exponential backoff before retry number `retry` (1-based), plus `jitter` seconds."""
    return min(INITIAL_DELAY * 2.0 ** (retry - 1), MAX_DELAY) + jitter


def retry_delay(
    attempt: int, outcome: Outcome, max_retries: int, jitter: float | None = None
) -> float | None:
    """Seconds to wait before sending again after attempt number `attempt` (1-based) ended
    in `outcome`; None when this outcome is final (a success, a non-retryable status, or
    no retries left). `jitter` defaults to a random share of JITTER."""
    if attempt > max_retries:
        return None
    if isinstance(outcome, httpx.Response):
        if not is_retryable_status(outcome.status_code):
            return None
        advised = advised_delay(outcome)
        if advised is not None:
            return advised
    return backoff(attempt, random.uniform(0, JITTER) if jitter is None else jitter)
