"""What every adapter module provides, and the helpers they share.

An adapter module defines:
  DEFAULT_MODEL: str | None      used when the caller names no model
  OPTIONS: frozenset[str]        provider options it understands (besides top_k)
  plan(image, model, options)    a generator yielding `Call`s and receiving each typed
                                 success model back; it returns the final typed answer
  predictions(raw)               that answer as Predictions
  boxes(raw)                     bounding boxes, where the provider has them (optional)
  Raw                            the type of the final typed answer (ClassificationResult.raw)

`plan` being a generator lets one definition serve the sync and the async driver, and lets
an adapter chain calls (IMG Processing uploads, then classifies the upload).
"""

from __future__ import annotations

import io
import types
import typing
from collections.abc import Generator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from image_classify._images import ImageInput
from image_classify.errors import OptionError


@dataclass(frozen=True)
class Call:
    """One step of a plan: a generated endpoint module and its keyword arguments."""

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
    """OptionError when `image` is a URL: `provider` takes the image's bytes only."""
    if image.url is not None:
        raise OptionError(
            f"{provider} takes the image itself, not a URL ({image.url}); download it first "
            "or use a provider that fetches URLs (roboflow)."
        )


def model_segments(model: str, provider: str, example: str, count: int) -> list[str]:
    """`model` split at "/" into `count` non-empty parts; OptionError (showing `example`)
    otherwise."""
    parts = model.split("/")
    if len(parts) != count or not all(parts):
        raise OptionError(f"{provider} model must look like {example!r}, got {model!r}.")
    return parts


def revive(kind: Any, data: Any) -> Any:
    """JSON back into an adapter's `Raw` type: generated models through their from_dict,
    lists item by item, a union by its first member that accepts the data."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is list:
        if not isinstance(data, list):
            raise TypeError(f"expected a JSON array, got {type(data).__name__}")
        return [revive(args[0], item) for item in data]
    if origin in (typing.Union, types.UnionType):
        problems = []
        for member in args:
            try:
                return revive(member, data)
            except (KeyError, TypeError, ValueError) as exc:
                problems.append(f"{getattr(member, '__name__', member)}: {exc!r}")
        raise ValueError("; ".join(problems))
    if hasattr(kind, "from_dict"):
        if not isinstance(data, dict):
            raise TypeError(f"expected a JSON object, got {type(data).__name__}")
        return kind.from_dict(data)
    return data
