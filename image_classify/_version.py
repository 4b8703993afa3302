"""The package version and the User-Agent every request carries by default."""

from __future__ import annotations

import functools
import platform

import httpx

__version__ = "0.1.0"


@functools.cache
def user_agent() -> str:
    """`image-classify-sdk/<version> python/<x.y> httpx/<version>`: tells a provider's
    support which client sent a request (httpx's own says only `python-httpx/<version>`)."""
    python = ".".join(platform.python_version_tuple()[:2])
    return f"image-classify-sdk/{__version__} python/{python} httpx/{httpx.__version__}"
