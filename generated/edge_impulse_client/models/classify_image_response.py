from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.anomaly_result import AnomalyResult
    from ..models.bounding_box_with_score import BoundingBoxWithScore
    from ..models.classification_scores import ClassificationScores
    from ..models.freeform_result import FreeformResult


T = TypeVar("T", bound="ClassifyImageResponse")


@_attrs_define
class ClassifyImageResponse:
    """
    Attributes:
        success (bool): Whether the operation succeeded
        error (str | Unset): Optional error description (set if 'success' was false)
        result (ClassificationScores | Unset): Classification value per label. For a neural network this will be the
            confidence, for anomalies the anomaly score.
        bounding_boxes (list[BoundingBoxWithScore] | Unset):
        freeform_result (FreeformResult | Unset):
        anomaly_result (list[AnomalyResult] | Unset): Anomaly scores and computed metrics for visual anomaly detection,
            one item per window.
    """

    success: bool
    error: str | Unset = UNSET
    result: ClassificationScores | Unset = UNSET
    bounding_boxes: list[BoundingBoxWithScore] | Unset = UNSET
    freeform_result: FreeformResult | Unset = UNSET
    anomaly_result: list[AnomalyResult] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        error = self.error

        result: dict[str, Any] | Unset = UNSET
        if not isinstance(self.result, Unset):
            result = self.result.to_dict()

        bounding_boxes: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.bounding_boxes, Unset):
            bounding_boxes = []
            for bounding_boxes_item_data in self.bounding_boxes:
                bounding_boxes_item = bounding_boxes_item_data.to_dict()
                bounding_boxes.append(bounding_boxes_item)

        freeform_result: dict[str, Any] | Unset = UNSET
        if not isinstance(self.freeform_result, Unset):
            freeform_result = self.freeform_result.to_dict()

        anomaly_result: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.anomaly_result, Unset):
            anomaly_result = []
            for anomaly_result_item_data in self.anomaly_result:
                anomaly_result_item = anomaly_result_item_data.to_dict()
                anomaly_result.append(anomaly_result_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
            }
        )
        if error is not UNSET:
            field_dict["error"] = error
        if result is not UNSET:
            field_dict["result"] = result
        if bounding_boxes is not UNSET:
            field_dict["boundingBoxes"] = bounding_boxes
        if freeform_result is not UNSET:
            field_dict["freeformResult"] = freeform_result
        if anomaly_result is not UNSET:
            field_dict["anomalyResult"] = anomaly_result

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.anomaly_result import AnomalyResult
        from ..models.bounding_box_with_score import BoundingBoxWithScore
        from ..models.classification_scores import ClassificationScores
        from ..models.freeform_result import FreeformResult

        d = dict(src_dict)
        success = d.pop("success")

        error = d.pop("error", UNSET)

        _result = d.pop("result", UNSET)
        result: ClassificationScores | Unset
        if isinstance(_result, Unset):
            result = UNSET
        else:
            result = ClassificationScores.from_dict(_result)

        _bounding_boxes = d.pop("boundingBoxes", UNSET)
        bounding_boxes: list[BoundingBoxWithScore] | Unset = UNSET
        if _bounding_boxes is not UNSET:
            bounding_boxes = []
            for bounding_boxes_item_data in _bounding_boxes:
                bounding_boxes_item = BoundingBoxWithScore.from_dict(bounding_boxes_item_data)

                bounding_boxes.append(bounding_boxes_item)

        _freeform_result = d.pop("freeformResult", UNSET)
        freeform_result: FreeformResult | Unset
        if isinstance(_freeform_result, Unset):
            freeform_result = UNSET
        else:
            freeform_result = FreeformResult.from_dict(_freeform_result)

        _anomaly_result = d.pop("anomalyResult", UNSET)
        anomaly_result: list[AnomalyResult] | Unset = UNSET
        if _anomaly_result is not UNSET:
            anomaly_result = []
            for anomaly_result_item_data in _anomaly_result:
                anomaly_result_item = AnomalyResult.from_dict(anomaly_result_item_data)

                anomaly_result.append(anomaly_result_item)

        classify_image_response = cls(
            success=success,
            error=error,
            result=result,
            bounding_boxes=bounding_boxes,
            freeform_result=freeform_result,
            anomaly_result=anomaly_result,
        )

        classify_image_response.additional_properties = d
        return classify_image_response

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
