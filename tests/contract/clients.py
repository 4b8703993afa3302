"""Typed clients pointed at a mock: the generated client as the runtime factory configures
it (manifest-driven auth), or a bare one without credentials."""

from __future__ import annotations

import importlib
from typing import Any

import httpx

import image_classify
from tools.manifest import Provider

# Prism checks only that a credential is present (DESIGN.md, known traps).
KEY = "contract-test-key-0123456789"


def typed_client(
    provider: Provider,
    base_url: str,
    *,
    hooks: dict[str, list[Any]] | None = None,
    asynchronous: bool = False,
    credentials: bool = True,
    headers: dict[str, str] | None = None,
) -> Any:
    """The generated Client/AuthenticatedClient for `provider`, against `base_url`.

    `hooks` are httpx event hooks (async ones when `asynchronous`)."""
    if not credentials:
        package = importlib.import_module(provider.package)
        return package.Client(
            base_url=base_url,
            headers=headers or {},
            raise_on_unexpected_status=False,
            httpx_args={"event_hooks": hooks or {}},
        )
    given: dict[str, Any] = (
        {"async_http_client": httpx.AsyncClient(event_hooks=hooks or {})}
        if asynchronous
        else {"http_client": httpx.Client(event_hooks=hooks or {})}
    )
    return image_classify.client(
        provider.key, api_key=KEY, base_url=base_url, headers=headers, max_retries=0, **given
    )
