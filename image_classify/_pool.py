"""The httpx clients a classifier builds for itself.

httpx hands every response to its cookie jar, which first wraps the request and the
response in urllib objects: about 27 us per response here, a fifth of a mocked call, though
the providers' APIs answer without cookies. These clients skip that when a response sets
no cookie (and keep httpx's behaviour whole when one does), through the public `cookies`
property rather than httpx's internals.
"""

from __future__ import annotations

from typing import Any

import httpx


class _Cookies(httpx.Cookies):
    def extract_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers:
            super().extract_cookies(response)


class _SkipsCookielessResponses:
    """Mixed in before httpx's client class: its `cookies` property wins."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._jar = _Cookies(kwargs.get("cookies"))

    @property
    def cookies(self) -> httpx.Cookies:
        return self._jar

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        self._jar = _Cookies(cookies)


class PoolClient(_SkipsCookielessResponses, httpx.Client):
    pass


class AsyncPoolClient(_SkipsCookielessResponses, httpx.AsyncClient):
    pass
