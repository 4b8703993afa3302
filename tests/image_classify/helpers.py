"""Calling a test Api's operation, sync or async, with valid arguments from the spec."""

from __future__ import annotations

import asyncio
from typing import Any

from image_classify._call import acall, acall_detailed, call, call_detailed
from image_classify._responses import APIResponse
from tests.image_classify.cases import first_operations, fresh_kwargs
from tests.image_classify.conftest import Api


def arguments(api: Api) -> dict[str, Any]:
    return fresh_kwargs(first_operations()[api.provider])


def run(api: Api, *, asynchronous: bool = False, **options: Any) -> Any:
    """call() (or acall()) of the provider's first operation."""
    if asynchronous:
        return asyncio.run(acall(api.operation, client=api.client, **arguments(api), **options))
    return call(api.operation, client=api.client, **arguments(api), **options)


def run_detailed(api: Api, *, asynchronous: bool = False, **options: Any) -> APIResponse[Any]:
    if asynchronous:
        return asyncio.run(
            acall_detailed(api.operation, client=api.client, **arguments(api), **options)
        )
    return call_detailed(api.operation, client=api.client, **arguments(api), **options)
