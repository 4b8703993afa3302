"""Calling a generated operation with retries, timeouts, logging and typed errors.

    result = call(classify_image, client=api, dataset="cars", version=2, body=...)
    detail = call_detailed(classify_image, client=api, ...)  # never raises for a status

`operation` is a generated endpoint module. Its `_get_kwargs` builds the request and its
`_parse_response` types the answer; the request goes through the client's own httpx
client (auth, proxies, transports as configured). The generator's `_build_response` is not
used: it builds `HTTPStatus(code)`, which raises ValueError for a 520.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Generic, Protocol, TypeVar

import httpx
from tenacity import RetryCallState

from image_classify._providers import provider_info
from image_classify.auth import ManifestAuth
from image_classify.errors import APIConnectionError, APITimeoutError
from image_classify.logs import log_request, log_response, log_retry, logger
from image_classify.options import Timeout, as_timeout, check_retries, options_of
from image_classify.redaction import redact, redact_exception
from image_classify.responses import APIResponse, Operation, find_request_id, interpret
from image_classify.retries import asend_with_retries, send_with_retries

T = TypeVar("T")
H = TypeVar("H", httpx.Client, httpx.AsyncClient)


class GeneratedClient(Protocol):
    """What the runtime needs of a generated (Authenticated)Client."""

    def get_httpx_client(self) -> httpx.Client: ...

    def get_async_httpx_client(self) -> httpx.AsyncClient: ...


class _Exchange(Generic[H]):
    """One call: its settings (the client's options, overridden per call), its request,
    built once and re-sent on retries, and the attempts made. One object rather than
    closures: this runs on every call (see benchmarks/runtime_overhead.py)."""

    __slots__ = ("attempts", "http", "info", "max_retries", "options", "request")

    def __init__(
        self,
        operation: Operation[Any],
        client: GeneratedClient,
        http: H,
        timeout: Timeout | None,
        max_retries: int | None,
        kwargs: dict[str, Any],
    ) -> None:
        self.options = options_of(client)
        self.info = provider_info(self.options.provider)
        self.max_retries = (
            self.options.max_retries if max_retries is None else check_retries(max_retries)
        )
        self.http: H = http
        self.attempts = 0
        built: dict[str, Any] = operation._get_kwargs(**kwargs)
        chosen = as_timeout(timeout) or self.options.timeout  # None: the httpx client's own
        if chosen is not None:
            built["timeout"] = chosen
        auth = http.auth
        if isinstance(auth, ManifestAuth) and auth.query_params:
            built["params"] = {**built.get("params", {}), **auth.query_params}
        self.request = http.build_request(**built)

    def send(self: _Exchange[httpx.Client]) -> httpx.Response:
        self._before_attempt()
        started = time.perf_counter()
        try:
            response = self.http.send(self.request)
        except httpx.RequestError as exc:
            raise self._failure(exc) from redact_exception(exc)
        self._received(response, started)
        return response

    async def asend(self: _Exchange[httpx.AsyncClient]) -> httpx.Response:
        self._before_attempt()
        started = time.perf_counter()
        try:
            response = await self.http.send(self.request)
        except httpx.RequestError as exc:
            raise self._failure(exc) from redact_exception(exc)
        self._received(response, started)
        return response

    def _before_attempt(self) -> None:
        self.attempts += 1
        if logger.isEnabledFor(logging.DEBUG):
            log_request(self.request, self.attempts, self.max_retries + 1)

    def _received(self, response: httpx.Response, started: float) -> None:
        if logger.isEnabledFor(logging.INFO):
            # Our own clock: httpx sets response.elapsed only when it closes the stream,
            # which it skips for a response that came with its content (mock transports).
            elapsed = time.perf_counter() - started
            request_id = find_request_id(response.headers, self.info.request_id_header)
            log_response(response, elapsed, request_id)

    def _failure(self, exc: httpx.RequestError) -> APIConnectionError:
        request = self.request
        where = f"{request.method} {redact(str(request.url))}"
        detail = redact(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(
                f"{self.info.title}: {where} timed out ({detail})", request=request
            )
        return APIConnectionError(
            f"{self.info.title}: no response to {where} ({detail})", request=request
        )

    def before_sleep(self, state: RetryCallState) -> None:
        """tenacity's hook before each wait: log the retry."""
        if not logger.isEnabledFor(logging.INFO) or state.outcome is None:
            return
        if state.outcome.failed:
            why = str(state.outcome.exception())
        else:
            why = f"HTTP {state.outcome.result().status_code}"
        delay = state.next_action.sleep if state.next_action else 0.0
        log_retry(self.request, why, delay, state.attempt_number, self.max_retries)

    def result(
        self, operation: Operation[T], client: Any, response: httpx.Response
    ) -> APIResponse[T]:
        return interpret(operation, client, response, self.info, self.attempts - 1)


def _detailed(
    operation: Operation[T],
    client: GeneratedClient,
    timeout: Timeout | None,
    max_retries: int | None,
    kwargs: dict[str, Any],
) -> APIResponse[T]:
    exchange = _Exchange(operation, client, client.get_httpx_client(), timeout, max_retries, kwargs)
    exchange.request.read()  # a streamed (multipart) body becomes bytes: re-sendable
    response = send_with_retries(
        exchange.send,
        max_retries=exchange.max_retries,
        sleep=exchange.options.sleep,
        before_sleep=exchange.before_sleep,
    )
    return exchange.result(operation, client, response)


async def _adetailed(
    operation: Operation[T],
    client: GeneratedClient,
    timeout: Timeout | None,
    max_retries: int | None,
    kwargs: dict[str, Any],
) -> APIResponse[T]:
    exchange = _Exchange(
        operation, client, client.get_async_httpx_client(), timeout, max_retries, kwargs
    )
    await exchange.request.aread()
    response = await asend_with_retries(
        exchange.asend,
        max_retries=exchange.max_retries,
        sleep=exchange.options.async_sleep,
        before_sleep=exchange.before_sleep,
    )
    return exchange.result(operation, client, response)


def call_detailed(
    operation: Operation[T],
    *,
    client: GeneratedClient,
    timeout: Timeout | None = None,
    max_retries: int | None = None,
    **kwargs: Any,
) -> APIResponse[T]:
    """Send the operation; return the whole response. Raises only when there is no
    response (APIConnectionError / APITimeoutError, after retries); an error status is in
    `.error`."""
    return _detailed(operation, client, timeout, max_retries, kwargs)


def call(
    operation: Operation[T],
    *,
    client: GeneratedClient,
    timeout: Timeout | None = None,
    max_retries: int | None = None,
    **kwargs: Any,
) -> T:
    """Send the operation; return its typed success model or raise a typed APIError."""
    return _success(_detailed(operation, client, timeout, max_retries, kwargs))


async def acall_detailed(
    operation: Operation[T],
    *,
    client: GeneratedClient,
    timeout: Timeout | None = None,
    max_retries: int | None = None,
    **kwargs: Any,
) -> APIResponse[T]:
    """The async twin of call_detailed (the client's httpx.AsyncClient)."""
    return await _adetailed(operation, client, timeout, max_retries, kwargs)


async def acall(
    operation: Operation[T],
    *,
    client: GeneratedClient,
    timeout: Timeout | None = None,
    max_retries: int | None = None,
    **kwargs: Any,
) -> T:
    """The async twin of call."""
    return _success(await _adetailed(operation, client, timeout, max_retries, kwargs))


def _success(response: APIResponse[T]) -> T:
    if response.error is not None:
        raise response.error
    assert response.parsed is not None  # interpret() sets an error when there is no model
    return response.parsed
