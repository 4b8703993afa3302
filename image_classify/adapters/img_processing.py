"""IMG Processing: no model choice (ResNet50). Upload the image (overlay-added operation),
then classify the uploaded image by its id: main label plus secondary labels."""

from __future__ import annotations

from typing import Any, TypeAlias

from img_processing_client.api.analysis_endpoints import classify
from img_processing_client.api.creation_endpoints import upload
from img_processing_client.models import IdentifyResponse, Image, UploadImageRequest
from img_processing_client.types import File

from image_classify._images import ImageInput
from image_classify._results import Prediction
from image_classify.adapters.base import Call, Plan, file_of, need_bytes
from image_classify.errors import OptionError

DEFAULT_MODEL = None
OPTIONS: frozenset[str] = frozenset()
# The provider's typed answer, as ClassificationResult.raw holds it.
Raw: TypeAlias = IdentifyResponse
NAME_LIMIT = 30  # the upload's `name` is 1..30 characters


def plan(image: ImageInput, model: str | None, options: dict[str, Any]) -> Plan:
    """Two calls: upload the image, then classify the upload by its id; returns the
    typed Raw."""
    need_bytes(image, "img_processing")
    if model is not None:
        raise OptionError(f"img_processing has one model (ResNet50); drop model={model!r}.")
    uploaded: Image = yield Call(
        upload,
        {"body": UploadImageRequest(name=image.filename[:NAME_LIMIT], image=file_of(File, image))},
    )
    raw: IdentifyResponse = yield Call(classify, {"image_id": uploaded.id})
    return raw


def predictions(raw: Raw) -> list[Prediction]:
    """The main label, then the secondary labels, as Predictions."""
    return [Prediction(raw.main_label, float(raw.main_score))] + [
        Prediction(item.label, float(item.score)) for item in raw.secondary_labels
    ]
