from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="BoundingBoxWithScore")


@_attrs_define
class BoundingBoxWithScore:
    """This has the _ratio_ for x/y/w/h (so 0..1)

    Attributes:
        label (str):
        x (float):
        y (float):
        width (float):
        height (float):
        score (float):
    """

    label: str
    x: float
    y: float
    width: float
    height: float
    score: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        label = self.label

        x = self.x

        y = self.y

        width = self.width

        height = self.height

        score = self.score

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "label": label,
                "x": x,
                "y": y,
                "width": width,
                "height": height,
                "score": score,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        label = d.pop("label")

        x = d.pop("x")

        y = d.pop("y")

        width = d.pop("width")

        height = d.pop("height")

        score = d.pop("score")

        bounding_box_with_score = cls(
            label=label,
            x=x,
            y=y,
            width=width,
            height=height,
            score=score,
        )

        bounding_box_with_score.additional_properties = d
        return bounding_box_with_score

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
