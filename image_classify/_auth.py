"""Credentials: where a provider's key comes from and how it travels, both from the manifest.

`[providers.P.auth]` says the style (`header`: the key as a header's value, `query`: as a
query parameter, `bearer`: `Authorization: Bearer <key>`), the header or parameter name,
and the environment variables that may hold the key (first one set wins).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Generator
from typing import Any

import httpx

from image_classify._core import origin
from image_classify._providers import ProviderInfo
from image_classify._redaction import MASK, register_secret
from image_classify.errors import MissingCredentialsError, OptionError


class ManifestAuth(httpx.Auth):
    """An httpx.Auth that adds one key the way the manifest says. Its repr hides the key."""

    def __init__(self, style: str, name: str, secret: str) -> None:
        if style not in ("header", "query", "bearer"):
            raise ValueError(f"unknown auth style {style!r}")
        self.style = style
        self.name = name
        self._secret = secret
        self._value = f"Bearer {secret}" if style == "bearer" else secret
        # For call(): query parameters to build the request with. httpx encodes them with
        # the others, once; adding one to a built request re-parses the whole URL (about
        # 40 us for Roboflow's dozen parameters, a third of a mocked call).
        self.query_params: dict[str, str] = {name: secret} if style == "query" else {}
        # For a pool we build: the credential as one of its default headers, merged into
        # each request with the others instead of set by an auth flow afterwards.
        self.headers: dict[str, str] = {} if style == "query" else {name: self._value}
        self._query_marker = f"{name}=".encode()
        # The runtime options (image_classify._options.ClientOptions) of the factory-made
        # generated client this auth belongs to, and what call() derives from them.
        self.options: Any = None
        # The provider's (scheme, host, port), set by the client factory: the credential is
        # added to requests for that origin only.
        self.origin: tuple[str, str, int | None] | None = None
        self.call_settings: Any = None
        register_secret(self, secret)

    def _has_query_key(self, url: httpx.URL) -> bool:
        query = url.query
        return query.startswith(self._query_marker) or b"&" + self._query_marker in query

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.origin is not None and origin(request.url) != self.origin:
            yield request  # another origin (a redirect hop): never the provider's credential
            return
        if self.style == "query":
            if not self._has_query_key(request.url):
                request.url = request.url.copy_set_param(self.name, self._secret)
            # The generated AuthenticatedClient, when it builds an httpx client itself (a
            # copy made by with_headers/with_timeout), adds `<name>: <token>` with our
            # empty token: not a header this provider wants.
            if request.headers.get(self.name) == "":
                del request.headers[self.name]
        else:
            request.headers[self.name] = self._value
        yield request

    def __repr__(self) -> str:
        return f"ManifestAuth(style={self.style!r}, name={self.name!r}, secret={MASK!r})"

    __str__ = __repr__


def credential_from_env(info: ProviderInfo) -> str:
    """The first non-empty variable of the provider's `auth.env`; else a
    MissingCredentialsError naming them all."""
    for variable in info.auth.env:
        value = os.environ.get(variable, "").strip()
        if value:
            check_key(value, info, f"${variable}")
            return value
    names = " or ".join(info.auth.env)
    raise MissingCredentialsError(
        f"no API key for {info.title} ({info.key}): set {names}, or pass api_key=...",
        provider=info.key,
        variables=info.auth.env,
    )


def auth_for(info: ProviderInfo, api_key: str | None) -> ManifestAuth:
    """The auth for a provider, with `api_key` or the key from its environment variables."""
    if api_key is not None and not isinstance(api_key, str):
        raise OptionError(f"api_key for {info.title} must be a str, got {type(api_key).__name__}.")
    if api_key is not None and not api_key.strip():
        raise MissingCredentialsError(
            f"api_key for {info.title} ({info.key}) is empty; pass the key, or None to read "
            f"{' or '.join(info.auth.env)}.",
            provider=info.key,
            variables=info.auth.env,
        )
    if api_key is not None:
        check_key(api_key, info, "api_key")
    secret = credential_from_env(info) if api_key is None else api_key
    return ManifestAuth(info.auth.style, info.auth.name, secret)


def check_key(key: str, info: ProviderInfo, source: str) -> None:
    """A key with whitespace around it or control characters in it (a trailing newline from
    a file) would be sent as it is, or end in an httpx error that prints it: refuse it at
    once, naming where it came from and never showing it."""
    if not isinstance(key, str):
        raise OptionError(f"{source} for {info.title} must be a str, got {type(key).__name__}.")
    if key != key.strip():
        raise OptionError(
            f"{source} for {info.title} ({info.key}) has whitespace around it (a trailing "
            "newline read from a file?); pass the key alone, e.g. key.strip()."
        )
    if any(unicodedata.category(c) == "Cc" or c.isspace() for c in key):
        raise OptionError(
            f"{source} for {info.title} ({info.key}) contains control or space characters; "
            "an API key is one printable word. Check how it was read."
        )
