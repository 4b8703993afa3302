from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.bounding_box_with_score import BoundingBoxWithScore


T = TypeVar("T", bound="AnomalyResult")


@_attrs_define
class AnomalyResult:
    """
    Attributes:
        boxes (list[BoundingBoxWithScore] | Unset): For visual anomaly detection. An array of bounding box objects, (x,
            y, width, height, score, label), one per detection in the image. Filtered by the minimum confidence rating of
            the learn block.
        scores (list[list[float]] | Unset): 2D array of shape (n, n) with raw anomaly scores for visual anomaly
            detection, where n can be calculated as ((1/8 of image input size)/2 - 1). The scores corresponds to each grid
            cell in the image's spatial matrix.
        mean_score (float | Unset): Mean value of the scores.
        max_score (float | Unset): Maximum value of the scores.
    """

    boxes: list[BoundingBoxWithScore] | Unset = UNSET
    scores: list[list[float]] | Unset = UNSET
    mean_score: float | Unset = UNSET
    max_score: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        boxes: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.boxes, Unset):
            boxes = []
            for boxes_item_data in self.boxes:
                boxes_item = boxes_item_data.to_dict()
                boxes.append(boxes_item)

        scores: list[list[float]] | Unset = UNSET
        if not isinstance(self.scores, Unset):
            scores = []
            for scores_item_data in self.scores:
                scores_item = scores_item_data

                scores.append(scores_item)

        mean_score = self.mean_score

        max_score = self.max_score

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if boxes is not UNSET:
            field_dict["boxes"] = boxes
        if scores is not UNSET:
            field_dict["scores"] = scores
        if mean_score is not UNSET:
            field_dict["meanScore"] = mean_score
        if max_score is not UNSET:
            field_dict["maxScore"] = max_score

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.bounding_box_with_score import BoundingBoxWithScore

        d = dict(src_dict)
        _boxes = d.pop("boxes", UNSET)
        boxes: list[BoundingBoxWithScore] | Unset = UNSET
        if _boxes is not UNSET:
            boxes = []
            for boxes_item_data in _boxes:
                boxes_item = BoundingBoxWithScore.from_dict(boxes_item_data)

                boxes.append(boxes_item)

        _scores = d.pop("scores", UNSET)
        scores: list[list[float]] | Unset = UNSET
        if _scores is not UNSET:
            scores = []
            for scores_item_data in _scores:
                scores_item = cast(list[float], scores_item_data)

                scores.append(scores_item)

        mean_score = d.pop("meanScore", UNSET)

        max_score = d.pop("maxScore", UNSET)

        anomaly_result = cls(
            boxes=boxes,
            scores=scores,
            mean_score=mean_score,
            max_score=max_score,
        )

        anomaly_result.additional_properties = d
        return anomaly_result

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
