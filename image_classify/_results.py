"""The one result shape every provider's answer is normalized into, and its JSON form."""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from image_classify._responses import describe
from image_classify.errors import OptionError

RawT = TypeVar("RawT")


@dataclass(frozen=True)
class Prediction:
    """One label with its score (a float; a probability in [0, 1] unless the provider was
    asked for raw outputs, e.g. Hugging Face's function_to_apply="none").

    `predicted` says whether the provider counts the label as predicted: for multi-label
    models (Roboflow) only some of the scored classes are; None where the provider does
    not say."""

    label: str
    score: float
    predicted: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: label, score and predicted."""
        return {"label": self.label, "score": self.score, "predicted": self.predicted}


@dataclass(frozen=True)
class BoundingBox:
    """A detection box as a ratio of the image size (x, y, width, height in 0..1)."""

    label: str
    score: float
    x: float
    y: float
    width: float
    height: float

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: label, score and the box's x, y, width and height."""
        return {
            "label": self.label,
            "score": self.score,
            "x": self.x,
            "y": self.y,
            "width": self.width,
            "height": self.height,
        }


@dataclass(frozen=True)
class ClassificationResult(Generic[RawT]):
    """A provider's answer: `predictions` highest score first, and `raw`, the provider's
    typed response model from its generated client (e.g. Hugging Face's
    `list[ImageClassificationOutputElement]`)."""

    provider: str
    model: str | None
    predictions: list[Prediction]  # highest score first
    raw: RawT
    bounding_boxes: list[BoundingBox] = field(default_factory=list)

    @property
    def top(self) -> Prediction | None:
        """The highest-scoring prediction (None when the provider returned no label)."""
        return self.predictions[0] if self.predictions else None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; `raw` as the provider's own JSON (its models' to_dict)."""
        return {
            "provider": self.provider,
            "model": self.model,
            "predictions": [p.to_dict() for p in self.predictions],
            "bounding_boxes": [b.to_dict() for b in self.bounding_boxes],
            "raw": raw_to_json(self.raw),
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """to_dict() as a JSON string (non-ASCII kept as it is)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ClassificationResult[Any]:
        """The inverse of to_dict: `raw` becomes the provider's typed model again."""
        from image_classify.adapters import adapter_for
        from image_classify.adapters.base import revive

        try:
            provider = data["provider"]
            adapter = adapter_for(provider)
            return cls(
                provider=provider,
                model=data.get("model"),
                predictions=[Prediction(**p) for p in data["predictions"]],
                raw=revive(adapter.Raw, data["raw"]),
                bounding_boxes=[BoundingBox(**b) for b in data.get("bounding_boxes", [])],
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            if isinstance(exc, OptionError):
                raise
            raise OptionError(
                f"not a ClassificationResult.to_dict() mapping ({describe(exc)})."
            ) from None


def raw_to_json(raw: Any) -> Any:
    """A generated model (attrs, with to_dict), a list of them, or plain JSON, as JSON."""
    if hasattr(raw, "to_dict"):
        return raw.to_dict()
    if isinstance(raw, list | tuple):
        return [raw_to_json(item) for item in raw]
    if isinstance(raw, dict):
        return {key: raw_to_json(value) for key, value in raw.items()}
    return raw


_score = operator.attrgetter("score")


def checked(predictions: list[Prediction]) -> list[Prediction]:
    """The adapter's predictions, each label a str and each score a finite number; else a
    ValueError naming the first that is not (`predictions[2].label is None`)."""
    for index, prediction in enumerate(predictions):
        if not isinstance(prediction.label, str):
            raise ValueError(f"predictions[{index}].label is {prediction.label!r}, not a string")
        if not math.isfinite(prediction.score):
            raise ValueError(f"predictions[{index}].score is {prediction.score!r}")
    return predictions


def ranked(predictions: list[Prediction], top_k: int | None) -> list[Prediction]:
    """Highest score first (stable for ties), trimmed to `top_k`."""
    ordered = sorted(predictions, key=_score, reverse=True)
    return ordered if top_k is None else ordered[:top_k]
