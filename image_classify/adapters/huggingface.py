"""Hugging Face Inference: model = Hub id "namespace/name" (default
google/vit-base-patch16-224). Raw image bytes by default; top_k or function_to_apply switch
to the JSON form, the only one that carries parameters. The answer is a list of
{label, score}."""

from __future__ import annotations

import base64
from typing import Any, TypeAlias

from huggingface_client.api.image_classification import classify_image
from huggingface_client.models import (
    ClassificationOutputTransform,
    ImageClassificationInput,
    ImageClassificationOutputElement,
    ImageClassificationParameters,
)
from huggingface_client.types import UNSET, File

from image_classify._images import ImageInput
from image_classify._results import Prediction
from image_classify.adapters.base import Call, Plan, file_of, model_segments, need_bytes
from image_classify.errors import OptionError

DEFAULT_MODEL = "google/vit-base-patch16-224"
OPTIONS = frozenset({"top_k", "function_to_apply", "wait_for_model", "use_cache"})
# The provider's typed answer, as ClassificationResult.raw holds it.
Raw: TypeAlias = list[ImageClassificationOutputElement]


def _transform(value: Any) -> ClassificationOutputTransform:
    try:
        return ClassificationOutputTransform(value)
    except ValueError:
        choices = ", ".join(t.value for t in ClassificationOutputTransform)
        raise OptionError(f"function_to_apply must be one of {choices}, got {value!r}.") from None


def plan(image: ImageInput, model: str | None, options: dict[str, Any]) -> Plan:
    """One call to the Hub model `model`: raw bytes, or the JSON form when `top_k` or
    `function_to_apply` is given; returns the typed Raw."""
    need_bytes(image, "huggingface")
    namespace, name = model_segments(model or DEFAULT_MODEL, "huggingface", DEFAULT_MODEL, 2)
    top_k, function = options.get("top_k"), options.get("function_to_apply")
    body: Any
    if top_k is None and function is None:
        body = file_of(File, image)
    else:
        body = ImageClassificationInput(
            inputs=base64.b64encode(image.data).decode("ascii"),
            parameters=ImageClassificationParameters(
                top_k=UNSET if top_k is None else int(top_k),
                function_to_apply=UNSET if function is None else _transform(function),
            ),
        )
    kwargs: dict[str, Any] = {"namespace": namespace, "model_name": name, "body": body}
    if options.get("wait_for_model") is not None:
        kwargs["x_wait_for_model"] = bool(options["wait_for_model"])
    if options.get("use_cache") is not None:
        kwargs["x_use_cache"] = bool(options["use_cache"])
    raw = yield Call(classify_image, kwargs)
    return raw


def predictions(raw: Raw) -> list[Prediction]:
    """The answer's {label, score} items as Predictions."""
    return [Prediction(item.label, float(item.score)) for item in raw]
