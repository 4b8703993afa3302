"""From an httpx.Response to what the caller gets: the typed model or a typed error.

The generated `_parse_response` does the typing (it knows every documented status and
model). Everything around it is generic: any status code as a plain int (the generator's
`HTTPStatus(code)` crashes on Cloudflare's 520-527), a human message from whatever body
came back, and no ValueError/KeyError/None leaking out of a body that is not JSON.
"""

from __future__ import annotations

import http
import re
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

import httpx

from image_classify._json_path import locate
from image_classify._providers import ProviderInfo
from image_classify._redaction import redact, redact_exception
from image_classify._retry_advice import (
    estimated_time,
    json_body,
    parse_json,
    retry_after_seconds,
)
from image_classify.errors import (
    APIResponseValidationError,
    APIStatusError,
    ProviderError,
    RateLimitError,
    ServiceUnavailableError,
    error_class_for,
)

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

# Reason phrases of statuses that IANA does not register but proxies send.
NON_IANA_REASONS = {
    520: "Web Server Returned an Unknown Error",
    521: "Web Server Is Down",
    522: "Connection Timed Out",
    523: "Origin Is Unreachable",
    524: "A Timeout Occurred",
    525: "SSL Handshake Failed",
    526: "Invalid SSL Certificate",
    527: "Railgun Error",
    530: "Origin DNS Error",
}
COMMON_REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-amzn-requestid", "x-correlation-id")
MAX_MESSAGE = 500
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


class Operation(Protocol[T_co]):
    """A generated endpoint module, e.g. `roboflow_client.api.classification.classify_image`:
    its `_get_kwargs` builds the request, its `_parse_response` types the answer (the
    generator's stable internals for openapi-python-client 0.29).

    T is what `_parse_response` is declared to return: the union of the operation's success
    and documented error models (and None). mypy joins `A | B | None` matched against
    `T | None` to `object`, so T keeps the None; at run time call() never returns None."""

    @property
    def _get_kwargs(self) -> Callable[..., dict[str, Any]]: ...

    @property
    def _parse_response(self) -> Callable[..., T_co]: ...


class APIResponse(Generic[T]):
    """One finished call. `status_code` is any int (520 included); `parsed` is the typed
    model for a documented status (the error model for an error status) or None; `error` is
    the typed error `call()` would raise, or None; `retries_taken` counts the retries;
    `elapsed`: seconds from the first attempt to the final response, waits included.

    A plain slotted class, not a dataclass: it is built on every call (see
    tools/bench/runtime_overhead.py), and the request id is looked up only when asked for."""

    __slots__ = (
        "_request_id_header",
        "elapsed",
        "error",
        "http_response",
        "parsed",
        "retries_taken",
    )

    def __init__(
        self,
        http_response: httpx.Response,
        parsed: T | None,
        error: APIStatusError | APIResponseValidationError | None,
        *,
        request_id_header: str | None = None,
        retries_taken: int = 0,
    ) -> None:
        self.http_response: httpx.Response = http_response
        self.parsed: T | None = parsed
        self.error: APIStatusError | APIResponseValidationError | None = error
        self.retries_taken: int = retries_taken
        self.elapsed: float = 0.0  # seconds from the first attempt to the final response
        self._request_id_header: str | None = request_id_header

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def content(self) -> bytes:
        return self.http_response.content

    @property
    def request_id(self) -> str | None:
        """The manifest's request-id header for the provider, else a common one."""
        return find_request_id(self.http_response.headers, self._request_id_header)

    def __repr__(self) -> str:
        # Redacted as a whole: `parsed` is the server's data, which may echo a key back.
        return redact(
            f"APIResponse(status_code={self.status_code}, parsed={self.parsed!r}, "
            f"error={self.error!r}, retries_taken={self.retries_taken})"
        )


def reason_phrase(status_code: int) -> str:
    try:
        return http.HTTPStatus(status_code).phrase
    except ValueError:
        return NON_IANA_REASONS.get(status_code, "Unknown Status")


def find_request_id(headers: httpx.Headers, preferred: str | None) -> str | None:
    """The request id the provider sent (redacted: it is shown in messages)."""
    names = (preferred, *COMMON_REQUEST_ID_HEADERS) if preferred else COMMON_REQUEST_ID_HEADERS
    for name in names:
        value: str | None = headers.get(name)
        if value:
            return redact(value)
    return None


def _text(value: Any) -> str | None:
    """Human text from one JSON value: a string, {"message": ...} (with its `loc` / `field`
    when it names one), or a list of either."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        said = _text(value.get("message") or value.get("msg"))
        where = value.get("loc") or value.get("field") or value.get("path")
        if said and isinstance(where, list):
            where = ".".join(map(str, where))
        return f"{where}: {said}" if said and isinstance(where, str) and where else said
    if isinstance(value, list):
        parts = [t for t in map(_text, value) if t]
        return "; ".join(parts) or None
    return None


# The fields providers explain an error in, each kept: a body with both `error` and an
# `errors` list says different things in each.
_MESSAGE_FIELDS = ("message", "error", "error_description", "errors", "detail")


def body_message(response: httpx.Response, body: Any) -> str | None:
    """What the body says went wrong: every one of the JSON fields message / error /
    error_description / errors[].message / detail, an HTML page's title, or the start of a
    plain-text body."""
    if isinstance(body, dict):
        said: list[str] = []
        for key in _MESSAGE_FIELDS:
            found = _text(body.get(key))
            if found and found not in said:
                said.append(found)
        return "; ".join(said) or None
    if isinstance(body, str):
        return body.strip() or None
    if body is not None:
        return None
    content_type = response.headers.get("content-type", "")
    text = response.content[:4096].decode("utf-8", errors="replace")
    if "html" in content_type or text.lstrip().lower().startswith(("<!doctype", "<html")):
        title = _HTML_TITLE.search(text)
        page = " ".join(title.group(1).split()) if title else ""
        return f"an HTML page ({page})" if page else "an HTML page"
    printable = all(c.isprintable() or c.isspace() for c in text)
    if content_type.startswith("text/") or (text and printable):
        return " ".join(text.split())[:200] or None
    return None


def error_codes(body: Any) -> tuple[int | str, ...]:
    """The provider's error codes: `errors[].code` or a top-level `code`."""
    if not isinstance(body, dict):
        return ()
    codes: list[int | str] = []
    errors = body.get("errors")
    if isinstance(errors, list):
        codes += [e["code"] for e in errors if isinstance(e, dict) and "code" in e]
    if isinstance(body.get("code"), int | str):
        codes.append(body["code"])
    return tuple(c for c in codes if isinstance(c, int | str))


def _short(text: str) -> str:
    text = redact(text)
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def status_error(
    response: httpx.Response,
    info: ProviderInfo,
    parsed: Any,
    *,
    provider_failure: bool = False,
) -> APIStatusError:
    """The typed error for an error status (or a 2xx that says success: false)."""
    status = response.status_code
    request_id = find_request_id(response.headers, info.request_id_header)
    reason = reason_phrase(status)
    body = json_body(response)
    said = body_message(response, body)
    message = _short(
        said or (f"{info.title} reported success: false" if provider_failure else reason)
    )
    summary = f"HTTP {status} {reason} from {info.title}"
    if said or provider_failure:
        summary += f": {message}"
    if request_id:
        summary += f" (request id {request_id})"
    common: dict[str, Any] = {
        "response": response,
        "parsed": parsed,
        "request_id": request_id,
        "summary": summary,
    }
    if provider_failure:
        return ProviderError(message, codes=error_codes(body), **common)
    cls = error_class_for(status)
    if issubclass(cls, RateLimitError):
        return cls(message, retry_after=retry_after_seconds(response.headers), **common)
    if issubclass(cls, ServiceUnavailableError):
        return cls(message, estimated_time=estimated_time(body), **common)
    return cls(message, **common)


_JSON_KINDS = {ord("["): "a list", ord("{"): "an object", ord('"'): "a string"}


def _wrong_kind(parsed: Any, content: bytes) -> ValueError | None:
    """A list model parsed from a JSON object (the generated code iterates its keys: `{}`
    becomes an empty list), or an object model from something else: the generated parsers
    do not check, so a 200 of the wrong kind would pass as an empty answer."""
    expected = (
        "a list"
        if isinstance(parsed, list)
        else "an object"
        if hasattr(parsed, "to_dict")
        else None
    )
    if expected is None:
        return None
    start = content.lstrip()[:1]
    found = _JSON_KINDS.get(start[0], "a number, true, false or null") if start else "empty"
    return None if found == expected else ValueError(f"$ is {found}, not {expected}")


def _says_failure(value: Any) -> bool:
    if isinstance(value, dict):
        return value.get("success") is False
    return getattr(value, "success", None) is False


def interpret(
    operation: Operation[T],
    client: Any,
    response: httpx.Response,
    info: ProviderInfo,
    retries_taken: int = 0,
) -> APIResponse[T]:
    status = response.status_code
    parsed: T | None = None
    problem: Exception | None = None
    try:
        parsed = operation._parse_response(client=client, response=response)
    except Exception as exc:  # generated parsing of a body that is not the documented shape
        problem = exc
    error: APIStatusError | APIResponseValidationError | None = None
    if not 200 <= status < 300:
        error = status_error(response, info, parsed)
    elif _says_failure(parsed) or (parsed is None and _says_failure(json_body(response))):
        error = status_error(response, info, parsed, provider_failure=True)
    elif parsed is None:
        error = validation_error(response, info, problem)
    else:
        wrong = _wrong_kind(parsed, response.content)
        if wrong is not None:
            error = validation_error(response, info, wrong)
    return APIResponse(
        response,
        parsed,
        error,
        request_id_header=info.request_id_header,
        retries_taken=retries_taken,
    )


def describe(problem: BaseException) -> str:
    """`TypeError: message`, or the bare type name when the message is empty."""
    text = str(problem)
    return f"{type(problem).__name__}: {text}" if text else type(problem).__name__


def _shape_problem(body: Any, problem: BaseException) -> str:
    where = locate(body, problem)
    return f"{where} ({describe(problem)})" if where else describe(problem)


def validation_error(
    response: httpx.Response, info: ProviderInfo, problem: Exception | None
) -> APIResponseValidationError:
    status = response.status_code
    content_type = response.headers.get("content-type", "no content type")
    is_json, body = parse_json(response)
    if problem is None:
        why = "the spec documents no model for this status"
    elif not is_json:
        why = f"the body is not JSON ({content_type}, {len(response.content)} bytes)"
    elif body is None:
        why = "the body is JSON null"
    else:
        why = f"the JSON is not the documented shape: {_shape_problem(body, problem)}"
    said = body_message(response, body)  # a provider may explain itself in a 200
    message = f"{info.title} answered HTTP {status} but {why}" + (f": {said}" if said else "")
    error = APIResponseValidationError(_short(message), response=response)
    error.__cause__ = None if problem is None else redact_exception(problem)
    return error


def malformed_answer(
    info: ProviderInfo, response: APIResponse[Any], problem: Exception
) -> APIResponseValidationError:
    """A success whose typed model holds values of the wrong type, as the typed error."""
    http_response = response.http_response
    _, body = parse_json(http_response)
    message = (
        f"{info.title} answered HTTP {http_response.status_code} but the answer is not the "
        f"documented shape: {_shape_problem(body, problem)}"
    )
    error = APIResponseValidationError(_short(message), response=http_response)
    error.__cause__ = redact_exception(problem)
    return error
