from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.class_prediction import ClassPrediction
    from ..models.image_dimensions import ImageDimensions


T = TypeVar("T", bound="SingleLabelClassification")


@_attrs_define
class SingleLabelClassification:
    """Result of a single-label classification model.

    Attributes:
        predictions (list[ClassPrediction]): Every class with its confidence, highest first.
        top (str): The class with the highest confidence.
        confidence (float): Confidence of the `top` class.
        inference_id (str | Unset): Unique id of this inference, when the service returns one.
        time (float | Unset): Total time, in seconds, taken to process the image.
        image (ImageDimensions | Unset): Size of the image the model ran on.
        image_path (str | Unset): Path of the image that was classified.
        prediction_type (str | Unset): Model type used for inference, `ClassificationModel` here.
        visualization (str | Unset): Base64 JPEG visualisation, present with `format=image_and_json`.
    """

    predictions: list[ClassPrediction]
    top: str
    confidence: float
    inference_id: str | Unset = UNSET
    time: float | Unset = UNSET
    image: ImageDimensions | Unset = UNSET
    image_path: str | Unset = UNSET
    prediction_type: str | Unset = UNSET
    visualization: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        predictions = []
        for predictions_item_data in self.predictions:
            predictions_item = predictions_item_data.to_dict()
            predictions.append(predictions_item)

        top = self.top

        confidence = self.confidence

        inference_id = self.inference_id

        time = self.time

        image: dict[str, Any] | Unset = UNSET
        if not isinstance(self.image, Unset):
            image = self.image.to_dict()

        image_path = self.image_path

        prediction_type = self.prediction_type

        visualization = self.visualization

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "predictions": predictions,
                "top": top,
                "confidence": confidence,
            }
        )
        if inference_id is not UNSET:
            field_dict["inference_id"] = inference_id
        if time is not UNSET:
            field_dict["time"] = time
        if image is not UNSET:
            field_dict["image"] = image
        if image_path is not UNSET:
            field_dict["image_path"] = image_path
        if prediction_type is not UNSET:
            field_dict["prediction_type"] = prediction_type
        if visualization is not UNSET:
            field_dict["visualization"] = visualization

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.class_prediction import ClassPrediction
        from ..models.image_dimensions import ImageDimensions

        d = dict(src_dict)
        predictions = []
        _predictions = d.pop("predictions")
        for predictions_item_data in _predictions:
            predictions_item = ClassPrediction.from_dict(predictions_item_data)

            predictions.append(predictions_item)

        top = d.pop("top")

        confidence = d.pop("confidence")

        inference_id = d.pop("inference_id", UNSET)

        time = d.pop("time", UNSET)

        _image = d.pop("image", UNSET)
        image: ImageDimensions | Unset
        if isinstance(_image, Unset):
            image = UNSET
        else:
            image = ImageDimensions.from_dict(_image)

        image_path = d.pop("image_path", UNSET)

        prediction_type = d.pop("prediction_type", UNSET)

        visualization = d.pop("visualization", UNSET)

        single_label_classification = cls(
            predictions=predictions,
            top=top,
            confidence=confidence,
            inference_id=inference_id,
            time=time,
            image=image,
            image_path=image_path,
            prediction_type=prediction_type,
            visualization=visualization,
        )

        single_label_classification.additional_properties = d
        return single_label_classification

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
