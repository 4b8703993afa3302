"""What a response says about when to try again: Retry-After (seconds or an HTTP-date),
retry-after-ms, and a JSON body's `estimated_time` (Hugging Face, while a model loads)."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx


def _finite(value: float) -> float | None:
    return max(0.0, value) if math.isfinite(value) else None


def retry_after_seconds(headers: httpx.Headers, now: datetime | None = None) -> float | None:
    """Seconds the server asked to wait, or None when it did not say (or said nonsense)."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return _finite(float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return _finite(float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def parse_json(response: httpx.Response) -> tuple[bool, Any]:
    """(True, the body as JSON), or (False, None) when it is not JSON (an HTML page,
    truncated, empty, binary): a JSON `null` is (True, None)."""
    try:
        return True, json.loads(response.content)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError
        return False, None


def json_body(response: httpx.Response) -> Any:
    """The body as JSON, or None when it is not JSON (or is JSON null)."""
    return parse_json(response)[1]


def estimated_time(body: Any) -> float | None:
    """A JSON object's `estimated_time` in seconds, if it is a number."""
    if isinstance(body, dict):
        value = body.get("estimated_time")
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _finite(float(value))
    return None
