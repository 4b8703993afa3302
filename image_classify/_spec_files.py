"""The OpenAPI documents the wheel ships (image_classify/_specs/, written by
`python -m tools regen`): per provider its effective spec, `KEY.json`, and, when mock
overlays make it differ, the document its Prism mock serves, `KEY.mock.json`."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from image_classify._providers import provider_info

SPECS = Path(__file__).resolve().parent / "_specs"


def file_names(key: str) -> tuple[str, str]:
    """A provider's two file names in _specs/: its effective spec and its mock document
    (`python -m tools regen` writes them by these names)."""
    return f"{key}.json", f"{key}.mock.json"


def spec_path(provider: str, *, mock: bool = False) -> Path:
    """The effective spec of `provider`, or with `mock` the document its mock serves."""
    effective, served = file_names(provider_info(provider).key)
    if mock and (SPECS / served).is_file():
        return SPECS / served
    return SPECS / effective


@functools.cache
def effective_spec(provider: str) -> dict[str, Any]:
    """The effective spec of `provider`, parsed once per process (do not modify it)."""
    with spec_path(provider).open("rb") as file:
        document: dict[str, Any] = json.load(file)
    return document
