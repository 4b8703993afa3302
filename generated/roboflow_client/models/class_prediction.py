from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ClassPrediction")


@_attrs_define
class ClassPrediction:
    """One class and the model's confidence in it.

    Attributes:
        class_ (str): Class label.
        confidence (float): Confidence, as a fraction between 0 and 1.
        class_id (int | Unset): Numeric id of the class. Returned by the Roboflow inference server; absent from the
            documentation's examples.
    """

    class_: str
    confidence: float
    class_id: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        class_ = self.class_

        confidence = self.confidence

        class_id = self.class_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "class": class_,
                "confidence": confidence,
            }
        )
        if class_id is not UNSET:
            field_dict["class_id"] = class_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        class_ = d.pop("class")

        confidence = d.pop("confidence")

        class_id = d.pop("class_id", UNSET)

        class_prediction = cls(
            class_=class_,
            confidence=confidence,
            class_id=class_id,
        )

        class_prediction.additional_properties = d
        return class_prediction

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
