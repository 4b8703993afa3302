"""Calling a generated operation with retries, timeouts, logging and typed errors.

    result = call(classify_image, client=api, dataset="cars", version=2, body=...)
    detail = call_detailed(classify_image, client=api, ...)  # never raises for a status

`operation` is a generated endpoint module. Its `_get_kwargs` builds the request and its
`_parse_response` types the answer; the request goes through the client's own httpx
client (auth, proxies, transports as configured). The generator's `_build_response` is not
used: it builds `HTTPStatus(code)`, which raises ValueError for a 520. The exchange itself
is image_classify._core's, driven by image_classify._drivers.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

import httpx

from image_classify._core import CallSettings, PerCall, Watch, operation_flow
from image_classify._drivers import arun, run
from image_classify._options import Timeout, as_timeout, carrier_of, check_retries, options_of
from image_classify._providers import provider_info
from image_classify._responses import APIResponse, Operation
from image_classify._validation import validate_mode

T = TypeVar("T")


class GeneratedClient(Protocol):
    """What the runtime needs of a generated (Authenticated)Client."""

    def get_httpx_client(self) -> httpx.Client: ...

    def get_async_httpx_client(self) -> httpx.AsyncClient: ...


def _settings(client: GeneratedClient, http: httpx.Client | httpx.AsyncClient) -> CallSettings:
    """The client's settings, derived from its options once and kept on its auth."""
    carrier = carrier_of(client)
    options = options_of(client)
    if carrier is not None:
        cached = carrier.call_settings
        if cached is not None and cached[0] is options and cached[2] is http:
            settings: CallSettings = cached[1]
            return settings
    settings = CallSettings(
        info=provider_info(options.provider),
        generated=client,
        # Built into the URL with the other parameters: httpx encodes them once, while
        # adding one to a built request re-parses the whole URL.
        params=carrier.query_params if carrier is not None else None,
        timeout=options.timeout,
        max_retries=options.max_retries,
        sleep=options.sleep,
        async_sleep=options.async_sleep,
        follow_redirects=http.follow_redirects,
        max_redirects=http.max_redirects,
        # call() takes validate= from IMAGE_CLASSIFY_VALIDATE only (read here, once per
        # client's options); record= is the client objects'.
        watch=_env_watch(),
    )
    if carrier is not None:
        carrier.call_settings = (options, settings, http)
    return settings


def _env_watch() -> Watch | None:
    mode = validate_mode(None)
    return None if mode == "off" else Watch(mode, None)


def _overrides(timeout: Timeout | None, max_retries: int | None) -> PerCall:
    return PerCall(
        timeout=as_timeout(timeout),
        max_retries=None if max_retries is None else check_retries(max_retries),
    )


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
    `.error`. A keyword the operation does not take is an OptionError naming its parameters."""
    http = client.get_httpx_client()
    settings = _settings(client, http)
    flow = operation_flow(settings, http, operation, kwargs, _overrides(timeout, max_retries))
    return run(flow, http, settings)


def call(
    operation: Operation[T],
    *,
    client: GeneratedClient,
    timeout: Timeout | None = None,
    max_retries: int | None = None,
    **kwargs: Any,
) -> T:
    """Send the operation; return its typed success model or raise a typed APIError."""
    return _success(
        call_detailed(operation, client=client, timeout=timeout, max_retries=max_retries, **kwargs)
    )


async def acall_detailed(
    operation: Operation[T],
    *,
    client: GeneratedClient,
    timeout: Timeout | None = None,
    max_retries: int | None = None,
    **kwargs: Any,
) -> APIResponse[T]:
    """The async twin of call_detailed (the client's httpx.AsyncClient)."""
    http = client.get_async_httpx_client()
    settings = _settings(client, http)
    flow = operation_flow(settings, http, operation, kwargs, _overrides(timeout, max_retries))
    return await arun(flow, http, settings)


async def acall(
    operation: Operation[T],
    *,
    client: GeneratedClient,
    timeout: Timeout | None = None,
    max_retries: int | None = None,
    **kwargs: Any,
) -> T:
    """The async twin of call."""
    return _success(
        await acall_detailed(
            operation, client=client, timeout=timeout, max_retries=max_retries, **kwargs
        )
    )


def _success(response: APIResponse[T]) -> T:
    if response.error is not None:
        raise response.error
    assert response.parsed is not None  # interpret() sets an error when there is no model
    return response.parsed
