"""The exchange without I/O: building a request, deciding on retries, typing the answer,
and driving an adapter's plan. Everything here is a generator that yields what it needs
done and receives the outcome:

- yields an `httpx.Request`: send it; receive the `httpx.Response`, or the
  `httpx.RequestError` that stopped it;
- yields a `float`: sleep that many seconds; receive None.

One sync and one async driver (image_classify._drivers) do the I/O, so every behaviour
(retries, logging, typed errors, chained calls) is written once, the way httpx's auth
flows serve both of its clients.
"""

from __future__ import annotations

import asyncio
import difflib
import functools
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import orjson

from image_classify._logs import log_budget_spent, log_request, log_response, log_retry, logger
from image_classify._providers import ProviderInfo
from image_classify._redaction import redact, redact_exception
from image_classify._responses import APIResponse, Operation, find_request_id, interpret
from image_classify._retry import retry_delay
from image_classify._validation import ValidateMode, judge
from image_classify.errors import (
    APIConnectionError,
    APITimeoutError,
    OptionError,
    ResponseTooLargeError,
)

if TYPE_CHECKING:
    from image_classify._recording import Recorder

T = TypeVar("T")
# A server advising Retry-After: 1000000000, or a hundred images all answered 429, must not
# hold a caller for half an hour: past this much waiting, the last outcome stands.
DEFAULT_MAX_RETRY_WAIT = 120.0
# The largest answer read (after decompression). The providers answer a classification in
# a few kilobytes; an error page is rarely more than a few hundred.
DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024
Step = httpx.Request | float
Flow = Generator[Step, Any, T]


@dataclass(frozen=True, slots=True)
class Watch:
    """validate= and record=: what to do with the answers of each exchange. None on the
    settings when neither is on, so a call pays one attribute test for both."""

    validate: ValidateMode  # the final answer, checked against the spec
    recorder: Recorder | None  # every answer (attempts, hops) written as a cassette


@dataclass(frozen=True, slots=True)
class CallSettings:
    """What every request of one client needs; built once per client, not per call."""

    info: ProviderInfo
    generated: Any  # the generated client handed to `_parse_response`
    base_url: str = ""  # prefix of the operation's path; "" when the httpx client has one
    headers: Mapping[str, str] | None = None  # added to every request, under the operation's
    params: Mapping[str, str] | None = None  # a query-style credential
    timeout: httpx.Timeout | None = None  # None: the httpx client's own
    max_retries: int = 2
    # Set where requests carry absolute URLs (client objects): they are built directly.
    header_cache: HeaderCache | None = None
    # The caller's httpx client's choice: the drivers never let httpx follow a redirect
    # (it would copy an x-api-key to any host); the flow follows it, credentials checked.
    follow_redirects: bool = False
    max_redirects: int = 20
    # The most a call waits between its retries, all waits together (seconds).
    max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    sleep: Callable[[float], None] = time.sleep
    async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    watch: Watch | None = None


@dataclass(frozen=True, slots=True)
class PerCall:
    """Overrides for one call; None: the client's setting."""

    timeout: httpx.Timeout | None = None
    max_retries: int | None = None
    extra_headers: Mapping[str, str] | None = None
    extra_query: Mapping[str, str] | None = None


NO_OVERRIDES = PerCall()


@functools.cache
def _parameters(get_kwargs: Callable[..., Any]) -> tuple[str, ...]:
    return tuple(inspect.signature(get_kwargs).parameters)


def operation_kwargs(operation: Operation[Any], kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The generated operation's request arguments; a wrong keyword is an OptionError that
    lists the operation's parameters (checked only when the call fails: free otherwise)."""
    try:
        return operation._get_kwargs(**kwargs)
    except TypeError as exc:
        names = _parameters(operation._get_kwargs)
        where = operation_name(operation)
        known = f"its parameters: {', '.join(names)}; runtime options: timeout, max_retries"
        unknown = [name for name in kwargs if name not in names]
        if unknown:
            hints = [
                f"{name} (did you mean {close[0]}?)" if close else name
                for name in unknown
                for close in [difflib.get_close_matches(name, names, n=1)]
            ]
            raise OptionError(f"{where} does not take {', '.join(hints)} ({known}).") from None
        try:
            inspect.signature(operation._get_kwargs).bind(**kwargs)
        except TypeError as why:
            raise OptionError(f"{where}: {why} ({known}).") from None
        raise exc


class HeaderCache:
    """An httpx client's default headers as one lower-cased dict, rebuilt only when they
    change (compared by their raw bytes, so a caller mutating them is seen)."""

    __slots__ = ("merged", "raw")

    def __init__(self) -> None:
        self.raw: list[tuple[bytes, bytes]] | None = None
        self.merged: dict[str, str] = {}

    def of(self, http: httpx.Client | httpx.AsyncClient) -> dict[str, str]:
        raw = http.headers.raw
        if raw != self.raw:
            self.merged = {key.lower(): value for key, value in http.headers.items()}
            self.raw = raw
        return self.merged


def build_request(
    http: httpx.Client | httpx.AsyncClient,
    settings: CallSettings,
    operation: Operation[Any],
    kwargs: Mapping[str, Any],
    overrides: PerCall,
) -> httpx.Request:
    built = operation_kwargs(operation, kwargs)
    extra_query = overrides.extra_query
    if settings.params or extra_query:
        built["params"] = {
            **built.get("params", {}),
            **(settings.params or {}),
            **(extra_query or {}),
        }
    elif "params" in built and not built["params"]:
        # Generated code passes `params={}`: httpx then re-parses the whole URL (~18 us).
        del built["params"]
    if "json" in built:
        # orjson writes the body's bytes directly: httpx's `json=` (json.dumps, then
        # .encode) holds two more copies of a base64 image, 5.3x its size at the peak
        # instead of 2.7x (python -m tools bench upload-memory, huggingface_json).
        built["content"] = orjson.dumps(built.pop("json"))
    timeout = overrides.timeout or settings.timeout
    extra_headers = overrides.extra_headers
    cache = settings.header_cache
    if cache is None or not settings.base_url or http.cookies or http.params:
        # The general path: httpx merges base URL, headers, cookies and parameters.
        if settings.base_url:
            built["url"] = settings.base_url + built["url"]
        if settings.headers or extra_headers:
            built["headers"] = {
                **(settings.headers or {}),
                **built.get("headers", {}),
                **(extra_headers or {}),
            }
        if timeout is not None:
            built["timeout"] = timeout
        return http.build_request(**built)
    # The usual path (an absolute URL, a client without cookies or default parameters):
    # what httpx's build_request does, with the headers merged in one dict instead of one
    # case-insensitive scan per header (about 8 us of a 100 us mocked call).
    headers = {**cache.of(http), **(settings.headers or {})}
    for source in (built.get("headers"), extra_headers):
        if source:
            headers.update((key.lower(), value) for key, value in source.items())
    chosen = timeout or http.timeout
    return httpx.Request(
        built["method"],
        settings.base_url + built["url"],
        params=built.get("params"),
        headers=headers,
        content=built.get("content"),
        data=built.get("data"),
        files=built.get("files"),
        extensions={"timeout": chosen.as_dict()},
    )


class BodyTooLarge(httpx.RequestError):
    """The drivers stopped reading a body at the size cap."""

    def __init__(self, cap: int, received: int, *, request: httpx.Request) -> None:
        super().__init__(f"more than {cap:,} bytes", request=request)
        self.cap = cap
        self.received = received


def too_large(
    info: ProviderInfo, request: httpx.Request, exc: BodyTooLarge
) -> ResponseTooLargeError:
    where = f"{request.method} {redact(str(request.url))}"
    return ResponseTooLargeError(
        f"{info.title}: the answer to {where} is larger than max_response_bytes "
        f"({exc.cap:,} bytes); reading stopped at {exc.received:,} bytes. Raise "
        "max_response_bytes if the provider really answers this much.",
        request=request,
        limit=exc.cap,
    )


def connection_failure(
    info: ProviderInfo, request: httpx.Request, exc: httpx.RequestError
) -> APIConnectionError:
    where = f"{request.method} {redact(str(request.url))}"
    detail = redact(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
    error: APIConnectionError
    if isinstance(exc, httpx.TimeoutException):
        error = APITimeoutError(f"{info.title}: {where} timed out ({detail})", request=request)
    else:
        error = APIConnectionError(
            f"{info.title}: no response to {where} ({detail})", request=request
        )
    error.__cause__ = redact_exception(exc)
    error.__suppress_context__ = True
    return error


def origin(url: httpx.URL) -> tuple[str, str, int | None]:
    """(scheme, host, port): what must match for a credential to travel."""
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


def without_foreign_credentials(
    request: httpx.Request, first: httpx.Request, info: ProviderInfo
) -> httpx.Request:
    """A redirect hop to another origin than the provider's (scheme, host and port of the
    request we built; https -> http is another origin too) goes without the credential,
    wherever the manifest puts it: httpx itself strips only Authorization, and a query
    key would travel in a Location that repeats it."""
    if origin(request.url) == origin(first.url):
        return request
    name = info.auth.name
    request.headers.pop(name, None)
    request.headers.pop("authorization", None)
    if info.auth.style == "query" and name in request.url.params:
        request.url = request.url.copy_remove_param(name)
    return request


def exchange(
    settings: CallSettings,
    operation: Operation[T],
    request: httpx.Request,
    max_retries: int,
) -> Flow[APIResponse[T]]:
    """Send `request` until its outcome is final; the typed APIResponse. Raises
    APIConnectionError when the last attempt got no response."""
    info = settings.info
    watch = settings.watch
    attempt = 1
    waited = 0.0
    first_sent = time.perf_counter()
    while True:
        if logger.isEnabledFor(logging.DEBUG):
            log_request(request, attempt, max_retries + 1)
        started = time.perf_counter()
        answer = yield request
        if watch is not None:
            _record(watch, operation, answer, started)
        hops = 0
        while settings.follow_redirects and isinstance(answer, httpx.Response):
            hop = answer.next_request
            if hop is None:
                break
            hops += 1
            if hops > settings.max_redirects:
                limit = f"more than {settings.max_redirects} redirects"
                answer = httpx.TooManyRedirects(limit, request=hop)
                break
            hop_sent = time.perf_counter()
            answer = yield without_foreign_credentials(hop, request, info)
            if watch is not None:
                _record(watch, operation, answer, hop_sent)
        outcome: httpx.Response | APIConnectionError
        if isinstance(answer, httpx.Response):
            outcome = answer
            if logger.isEnabledFor(logging.INFO):
                # Our own clock: httpx sets response.elapsed only when it closes the stream,
                # which it skips for a response that came with its content (mock transports).
                request_id = find_request_id(answer.headers, info.request_id_header)
                log_response(answer, time.perf_counter() - started, request_id)
        elif isinstance(answer, BodyTooLarge):
            raise too_large(info, request, answer)  # as big again on a retry
        else:
            outcome = connection_failure(info, request, answer)
        delay = retry_delay(attempt, outcome, max_retries)
        if delay is None:
            break
        if waited + delay > settings.max_retry_wait:
            log_budget_spent(request, delay, settings.max_retry_wait)
            break
        waited += delay
        if logger.isEnabledFor(logging.INFO):
            why = str(outcome) if isinstance(outcome, APIConnectionError) else None
            log_retry(request, why or f"HTTP {outcome.status_code}", delay, attempt, max_retries)  # type: ignore[union-attr]
        yield float(delay)
        attempt += 1
    if isinstance(outcome, APIConnectionError):
        raise outcome
    response = interpret(operation, settings.generated, outcome, info, attempt - 1)
    if watch is not None and watch.validate != "off":
        problem = judge(watch.validate, info, outcome)  # warn: None, after warning
        if problem is not None:
            problem.__cause__ = response.error  # the status error it stands in for, if any
            response.error = problem
    response.elapsed = time.perf_counter() - first_sent
    return response


def _record(watch: Watch, operation: Operation[Any], answer: Any, sent: float) -> None:
    recorder = watch.recorder
    if recorder is not None and isinstance(answer, httpx.Response):
        recorder.record(generated_name(operation), answer, time.perf_counter() - sent)


def operation_flow(
    settings: CallSettings,
    http: httpx.Client | httpx.AsyncClient,
    operation: Operation[T],
    kwargs: Mapping[str, Any],
    overrides: PerCall = NO_OVERRIDES,
) -> Flow[APIResponse[T]]:
    """One generated operation, from its arguments to the typed APIResponse."""
    request = build_request(http, settings, operation, kwargs, overrides)
    retries = settings.max_retries if overrides.max_retries is None else overrides.max_retries
    return (yield from exchange(settings, operation, request, retries))


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    """What a plan produced: its final typed answer and every response on the way."""

    raw: Any
    responses: tuple[APIResponse[Any], ...]
    elapsed: float


def plan_flow(
    settings: CallSettings,
    http: httpx.Client | httpx.AsyncClient,
    plan: Generator[Any, Any, Any],
    overrides: PerCall = NO_OVERRIDES,
) -> Flow[PlanOutcome]:
    """Drive an adapter's plan: each `Call` it yields becomes an exchange, and its typed
    success model goes back in; a typed error ends the plan."""
    started = time.perf_counter()
    responses: list[APIResponse[Any]] = []
    try:
        step = next(plan)
        while True:
            response = yield from operation_flow(
                settings, http, step.operation, step.kwargs, overrides
            )
            responses.append(response)
            if response.error is not None:
                raise response.error
            step = plan.send(response.parsed)
    except StopIteration as done:
        return PlanOutcome(done.value, tuple(responses), time.perf_counter() - started)


def generated_name(operation: ModuleType | Operation[Any]) -> str:
    """The generated operation's module, e.g. huggingface_client.api.image_classification.
    classify_image (a stand-in's own name)."""
    name: str = getattr(operation, "__name__", type(operation).__name__)
    return name


def operation_name(operation: ModuleType | Operation[Any]) -> str:
    """`classify_image` for huggingface_client.api.image_classification.classify_image."""
    return generated_name(operation).rpartition(".")[2]
