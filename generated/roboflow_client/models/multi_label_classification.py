from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.image_dimensions import ImageDimensions
    from ..models.multi_label_classification_predictions import MultiLabelClassificationPredictions


T = TypeVar("T", bound="MultiLabelClassification")


@_attrs_define
class MultiLabelClassification:
    """Result of a multi-label classification model.

    Attributes:
        predictions (MultiLabelClassificationPredictions): Map from class label to that class's confidence.
        predicted_classes (list[str]): Labels of the classes the model predicts for the image.
        inference_id (str | Unset): Unique id of this inference, when the service returns one.
        time (float | Unset): Total time, in seconds, taken to process the image.
        image (ImageDimensions | Unset): Size of the image the model ran on.
        image_path (str | Unset): Path of the image that was classified.
        prediction_type (str | Unset): Model type used for inference, `ClassificationModel` here.
        visualization (str | Unset): Base64 JPEG visualisation, present with `format=image_and_json`.
    """

    predictions: MultiLabelClassificationPredictions
    predicted_classes: list[str]
    inference_id: str | Unset = UNSET
    time: float | Unset = UNSET
    image: ImageDimensions | Unset = UNSET
    image_path: str | Unset = UNSET
    prediction_type: str | Unset = UNSET
    visualization: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        predictions = self.predictions.to_dict()

        predicted_classes = self.predicted_classes

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
                "predicted_classes": predicted_classes,
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
        from ..models.image_dimensions import ImageDimensions
        from ..models.multi_label_classification_predictions import (
            MultiLabelClassificationPredictions,
        )

        d = dict(src_dict)
        predictions = MultiLabelClassificationPredictions.from_dict(d.pop("predictions"))

        predicted_classes = cast(list[str], d.pop("predicted_classes"))

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

        multi_label_classification = cls(
            predictions=predictions,
            predicted_classes=predicted_classes,
            inference_id=inference_id,
            time=time,
            image=image,
            image_path=image_path,
            prediction_type=prediction_type,
            visualization=visualization,
        )

        multi_label_classification.additional_properties = d
        return multi_label_classification

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
