"""What every adapter module provides, and the helpers they share.

An adapter module defines:
  DEFAULT_MODEL: str | None      used when the caller names no model
  OPTIONS: frozenset[str]        provider options it understands (besides top_k)
  plan(image, model, options)    a generator yielding `Call`s and receiving each typed
                                 success model back; it returns the final typed answer
  predictions(raw)               that answer as Predictions
  boxes(raw)                     bounding boxes, where the provider has them (optional)

`plan` being a generator lets one definition serve the sync and the async driver, and lets
an adapter chain calls (IMG Processing uploads, then classifies the upload).
"""

from __future__ import annotations

import io
from collections.abc import Generator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from image_classify.errors import OptionError
from image_classify.images import ImageInput


@dataclass(frozen=True)
class Call:
    operation: ModuleType  # a generated endpoint module
    kwargs: dict[str, Any]


Plan = Generator[Call, Any, Any]


def file_of(file_class: type[Any], image: ImageInput, payload: bytes | None = None) -> Any:
    """The generated package's File for an upload (named, typed: Prism and real services
    both want a part's media type)."""
    return file_class(
        payload=io.BytesIO(image.data if payload is None else payload),
        file_name=image.filename,
        mime_type=image.media_type,
    )


def need_bytes(image: ImageInput, provider: str) -> None:
    if image.url is not None:
        raise OptionError(
            f"{provider} takes the image itself, not a URL ({image.url}); download it first "
            "or use a provider that fetches URLs (roboflow)."
        )


def model_segments(model: str, provider: str, example: str, count: int) -> list[str]:
    parts = model.split("/")
    if len(parts) != count or not all(parts):
        raise OptionError(f"{provider} model must look like {example!r}, got {model!r}.")
    return parts
