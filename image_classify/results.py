"""The one result shape every provider's answer is normalized into."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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


@dataclass(frozen=True)
class BoundingBox:
    """A detection box as a ratio of the image size (x, y, width, height in 0..1)."""

    label: str
    score: float
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class ClassificationResult:
    provider: str
    model: str | None
    predictions: list[Prediction]  # highest score first
    raw: Any  # the provider's typed response model, from its generated client
    bounding_boxes: list[BoundingBox] = field(default_factory=list)

    @property
    def top(self) -> Prediction | None:
        """The highest-scoring prediction (None when the provider returned no label)."""
        return self.predictions[0] if self.predictions else None


def ranked(predictions: list[Prediction], top_k: int | None) -> list[Prediction]:
    """Highest score first (stable for ties), trimmed to `top_k`."""
    ordered = sorted(predictions, key=lambda p: p.score, reverse=True)
    return ordered if top_k is None else ordered[:top_k]
