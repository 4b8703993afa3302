"""Roboflow: model = "dataset/version". The image goes as base64 text in the body, or as
a URL in the `image` query parameter. Single-label answers list predictions; multi-label
ones map every class to a confidence and list the predicted ones."""

from __future__ import annotations

import base64
from typing import Any, TypeAlias

from roboflow_client.api.classification import classify_image
from roboflow_client.models import MultiLabelClassification, SingleLabelClassification
from roboflow_client.types import File

from image_classify._images import ImageInput
from image_classify._results import Prediction
from image_classify.adapters.base import Call, Plan, file_of, model_segments
from image_classify.errors import OptionError

DEFAULT_MODEL = None
OPTIONS = frozenset({"confidence"})
# The provider's typed answer, as ClassificationResult.raw holds it.
Raw: TypeAlias = SingleLabelClassification | MultiLabelClassification
EXAMPLE_MODEL = "vehicle-classification-eapcd/2"


def plan(image: ImageInput, model: str | None, options: dict[str, Any]) -> Plan:
    """One call to "dataset/version": the image as base64 text, or its URL in the query;
    returns the typed Raw."""
    dataset, version = model_segments(model or "", "roboflow", EXAMPLE_MODEL, count=2)
    if not version.isdigit():
        raise OptionError(f"roboflow model must end in a version number ({EXAMPLE_MODEL!r}).")
    kwargs: dict[str, Any] = {"dataset": dataset, "version": int(version)}
    if options.get("confidence") is not None:
        kwargs["confidence"] = float(options["confidence"])
    if image.url is not None:
        kwargs["image"] = image.url
    else:
        kwargs["body"] = file_of(File, image, base64.b64encode(image.data))
    raw = yield Call(classify_image, kwargs)
    return raw


def predictions(raw: Raw) -> list[Prediction]:
    """Every scored class as a Prediction; `predicted` marks the predicted ones
    (multi-label) or the top class (single-label)."""
    if isinstance(raw, MultiLabelClassification):
        chosen = set(raw.predicted_classes)
        return [
            Prediction(label, float(item.confidence), predicted=label in chosen)
            for label, item in raw.predictions.additional_properties.items()
        ]
    return [
        Prediction(item.class_, float(item.confidence), predicted=item.class_ == raw.top)
        for item in raw.predictions
    ]
