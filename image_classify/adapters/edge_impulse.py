"""Edge Impulse: model = project id; optional impulse_id. Multipart upload; the answer's
`result` maps label -> score, `boundingBoxes` holds detections."""

from __future__ import annotations

from typing import Any, TypeAlias

from edge_impulse_client.api.classify import classify_image
from edge_impulse_client.models import ClassifyImageBody, ClassifyImageResponse
from edge_impulse_client.types import UNSET, File, Unset

from image_classify._images import ImageInput
from image_classify._results import BoundingBox, Prediction
from image_classify.adapters.base import Call, Plan, file_of, need_bytes
from image_classify.errors import OptionError

DEFAULT_MODEL = None
OPTIONS = frozenset({"impulse_id"})
# The provider's typed answer, as ClassificationResult.raw holds it.
Raw: TypeAlias = ClassifyImageResponse


def plan(image: ImageInput, model: str | None, options: dict[str, Any]) -> Plan:
    """One call: the image uploaded to project `model` (and `impulse_id`, if given);
    returns the typed Raw."""
    need_bytes(image, "edge_impulse")
    if model is None or not str(model).isdigit():
        raise OptionError(f"edge_impulse needs model=<project id> (a number), got {model!r}.")
    impulse = options.get("impulse_id")
    raw = yield Call(
        classify_image,
        {
            "project_id": int(model),
            "body": ClassifyImageBody(image=file_of(File, image)),
            "impulse_id": UNSET if impulse is None else int(impulse),
        },
    )
    return raw


def predictions(raw: Raw) -> list[Prediction]:
    """The answer's label -> score map as Predictions (none when it has no `result`)."""
    if isinstance(raw.result, Unset):
        return []
    return [
        Prediction(label, float(score)) for label, score in raw.result.additional_properties.items()
    ]


def boxes(raw: ClassifyImageResponse) -> list[BoundingBox]:
    """The answer's `boundingBoxes` as BoundingBoxes (none when it has none)."""
    if isinstance(raw.bounding_boxes, Unset):
        return []
    return [
        BoundingBox(
            b.label, float(b.score), float(b.x), float(b.y), float(b.width), float(b.height)
        )
        for b in raw.bounding_boxes
    ]
