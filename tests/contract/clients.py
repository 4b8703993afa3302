"""Typed clients pointed at a mock, authenticated the way the manifest says."""

from __future__ import annotations

import importlib
from typing import Any

from tools.manifest import Provider

# Prism checks only that a credential is present (DESIGN.md, known traps).
KEY = "contract-test-key-0123456789"


def typed_client(
    provider: Provider,
    base_url: str,
    *,
    hooks: dict[str, list[Any]] | None = None,
    credentials: bool = True,
    headers: dict[str, str] | None = None,
) -> Any:
    """The generated Client/AuthenticatedClient for `provider`, against `base_url`."""
    package = importlib.import_module(provider.package)
    httpx_args: dict[str, Any] = {"event_hooks": hooks or {}}
    common = {"base_url": base_url, "headers": headers or {}, "raise_on_unexpected_status": False}
    if not credentials:
        return package.Client(**common, httpx_args=httpx_args)
    style = provider.auth.style
    if style == "query":
        httpx_args["params"] = {provider.auth.name: KEY}
        return package.Client(**common, httpx_args=httpx_args)
    if style == "header":
        return package.AuthenticatedClient(
            **common,
            token=KEY,
            prefix="",
            auth_header_name=provider.auth.name,
            httpx_args=httpx_args,
        )
    return package.AuthenticatedClient(**common, token=KEY, httpx_args=httpx_args)
