"""The client factory: a provider's generated AuthenticatedClient, configured from the
manifest (auth style, credential variables, base URL), with runtime options beside it.

The generated AuthenticatedClient would put `token` into a header itself (and show it in
its attrs repr); here it always gets httpx clients we built or were given, carrying a
ManifestAuth, and its `token` stays empty.
"""

from __future__ import annotations

import functools
import importlib
import ssl
from collections.abc import Mapping
from typing import Any, Final

import httpx

from image_classify._auth import ManifestAuth, auth_for
from image_classify._core import origin
from image_classify._logs import configure_logging
from image_classify._options import ClientOptions, Timeout, as_timeout, check_retries
from image_classify._providers import provider_info, resolve_base_url
from image_classify._version import user_agent

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
DEFAULT_MAX_RETRIES: Final[int] = 2


@functools.cache
def ssl_context() -> ssl.SSLContext:
    """One verifying context for every client we build: making one costs ~20 ms (loading
    the CA bundle), and httpx would otherwise make one per httpx client. httpx's own
    function, so SSL_CERT_FILE / SSL_CERT_DIR are honoured as usual."""
    return httpx.create_ssl_context()


def _adopt(
    given: httpx.Client | httpx.AsyncClient,
    base_url: str,
    auth: ManifestAuth,
    headers: Mapping[str, str],
) -> None:
    """Make a caller's httpx client usable as it is: add our auth only if it has none, a
    base URL only if it has none (generated operations use relative paths), and headers."""
    if given.auth is None:
        given.auth = auth
    if not str(given.base_url):
        given.base_url = httpx.URL(base_url)
    if headers:
        given.headers.update(headers)


def client(
    provider: str,
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    timeout: Timeout | None = DEFAULT_TIMEOUT,
    max_retries: int = DEFAULT_MAX_RETRIES,
    http_client: httpx.Client | None = None,
    async_http_client: httpx.AsyncClient | None = None,
    headers: Mapping[str, str] | None = None,
) -> Any:
    """The generated `<package>.AuthenticatedClient` of `provider`, ready for call()/acall()
    and for the generated functions themselves.

    api_key: default, the first set variable of the provider's `auth.env` in the manifest
        (MissingCredentialsError names them when none is).
    base_url: default, the manifest's `base_url`.
    timeout: seconds or an httpx.Timeout, for every call (call(timeout=) overrides). With a
        caller-supplied httpx client and the default, that client's own timeout applies.
    max_retries: retries after the first attempt (call(max_retries=) overrides); 0: none.
    http_client / async_http_client: httpx clients to use as they are (proxies, transports,
        limits); they get our auth only if they have none, and our base URL if they have none.
    headers: sent with every request.
    """
    configure_logging()
    info = provider_info(provider)
    auth = auth_for(info, api_key)
    url = resolve_base_url(info, base_url)
    auth.origin = origin(httpx.URL(url))
    retries = check_retries(max_retries)
    extra = dict(headers or {})
    # None means no timeout at all, as in httpx (an httpx.Timeout(None), sent per request).
    chosen = httpx.Timeout(None) if timeout is None else as_timeout(timeout)
    # A caller's client keeps its own timeout unless one is asked for explicitly.
    keeps_own = timeout is DEFAULT_TIMEOUT and (http_client or async_http_client) is not None
    # Caller-supplied httpx clients are used as given (with our auth if they have none).
    # Otherwise the generated client builds its own, lazily, from the settings below: an
    # async-only caller never pays for a sync client it does not use, and vice versa.
    if http_client is not None:
        _adopt(http_client, url, auth, extra)
    if async_http_client is not None:
        _adopt(async_http_client, url, auth, extra)

    package = importlib.import_module(info.package)
    generated = package.AuthenticatedClient(
        base_url=url,
        # The User-Agent goes only to the httpx clients built here: a caller's keeps its own.
        headers={"User-Agent": user_agent(), **extra},
        timeout=chosen,
        verify_ssl=ssl_context(),
        raise_on_unexpected_status=False,
        # Never the key: the attrs repr shows `token`. Copies made by with_headers() and
        # friends build their own httpx clients from these settings; ManifestAuth (in
        # httpx_args) authenticates those and replaces the empty `<name>: ` header they add.
        token="",
        prefix="",
        auth_header_name=info.auth.name,
        httpx_args={"auth": auth},
    )
    if http_client is not None:
        generated.set_httpx_client(http_client)
    if async_http_client is not None:
        generated.set_async_httpx_client(async_http_client)
    auth.options = ClientOptions(
        provider=info.key, max_retries=retries, timeout=None if keeps_own else chosen
    )
    return generated
