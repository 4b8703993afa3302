"""Runtime options of a factory-made generated client (provider, timeout, retries, how to
sleep). They live on the client's own ManifestAuth (the generated class is never edited
and its attrs repr must not grow secrets), so they travel with the client and its copies.
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from image_classify._providers import providers
from image_classify.errors import OptionError

Timeout = float | httpx.Timeout


@dataclass(frozen=True)
class ClientOptions:
    """The runtime options of a client made by `image_classify.client()`: its provider,
    retries, timeout (None: the httpx client's own) and how retries sleep. Read them with
    `options_of()`, change them with `set_options()`."""

    provider: str
    max_retries: int = 2
    # None: whatever the underlying httpx client has (a caller-supplied client's own).
    timeout: httpx.Timeout | None = None
    # Injectable so tests run retries on a fake clock.
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    async_sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, repr=False)


def as_timeout(value: Timeout | None) -> httpx.Timeout | None:
    if value is None or isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
        raise OptionError(
            f"timeout must be seconds (a number > 0), an httpx.Timeout or None (no timeout), "
            f"got {value!r}."
        )
    return httpx.Timeout(float(value))


def check_retries(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise OptionError(f"max_retries must be an integer >= 0, got {value!r}.")
    return value


def provider_of(client: Any) -> str:
    package = type(client).__module__.partition(".")[0]
    for key, info in providers().items():
        if info.package == package:
            return key
    raise OptionError(
        f"{type(client).__qualname__} from {package!r} is not a generated client of any provider "
        "in the manifest; make one with image_classify.client(provider)."
    )


def carrier_of(client: Any) -> Any:
    """The ManifestAuth the factory gave `client` (in its httpx_args), or None."""
    from image_classify._auth import ManifestAuth

    args = getattr(client, "_httpx_args", None)
    auth = args.get("auth") if isinstance(args, dict) else None
    return auth if isinstance(auth, ManifestAuth) else None


def options_of(client: Any) -> ClientOptions:
    """The runtime options of a client made by `image_classify.client`; a generated client
    made by hand gets the defaults for its provider."""
    carrier = carrier_of(client)
    if carrier is not None and carrier.options is not None:
        options: ClientOptions = carrier.options
        return options
    return ClientOptions(provider=provider_of(client))


def set_options(
    client: Any,
    *,
    max_retries: int | None = None,
    timeout: Timeout | None = None,
    sleep: Callable[[float], None] | None = None,
    async_sleep: Callable[[float], Awaitable[None]] | None = None,
) -> ClientOptions:
    """Change a factory-made client's runtime options (those not given stay); returns the
    new ones. Copies made with the generated `with_headers()` and friends share them."""
    changes: dict[str, Any] = {}
    if max_retries is not None:
        changes["max_retries"] = check_retries(max_retries)
    if timeout is not None:
        changes["timeout"] = as_timeout(timeout)
    if sleep is not None:
        changes["sleep"] = sleep
    if async_sleep is not None:
        changes["async_sleep"] = async_sleep
    options = dataclasses.replace(options_of(client), **changes)
    carrier = carrier_of(client)
    if carrier is None:
        raise OptionError(
            f"{type(client).__qualname__} was not made by image_classify.client(): pass "
            "timeout= and max_retries= per call instead."
        )
    carrier.options = options
    return options
