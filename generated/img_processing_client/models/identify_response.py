from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.secondary_label import SecondaryLabel


T = TypeVar("T", bound="IdentifyResponse")


@_attrs_define
class IdentifyResponse:
    """Response object for image identification. Contains the main label and secondary labels with their scores.

    Attributes:
        main_label (str): The main label of the image. This is the label with the highest probability.
        main_score (float): The probability score of the main label. This is a number between 0 and 1.
        secondary_labels (list[SecondaryLabel]): An array of secondary labels with their respective scores. These are
            the labels with lower probabilities than the main label.
    """

    main_label: str
    main_score: float
    secondary_labels: list[SecondaryLabel]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        main_label = self.main_label

        main_score = self.main_score

        secondary_labels = []
        for secondary_labels_item_data in self.secondary_labels:
            secondary_labels_item = secondary_labels_item_data.to_dict()
            secondary_labels.append(secondary_labels_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "main_label": main_label,
                "main_score": main_score,
                "secondary_labels": secondary_labels,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.secondary_label import SecondaryLabel

        d = dict(src_dict)
        main_label = d.pop("main_label")

        main_score = d.pop("main_score")

        secondary_labels = []
        _secondary_labels = d.pop("secondary_labels")
        for secondary_labels_item_data in _secondary_labels:
            secondary_labels_item = SecondaryLabel.from_dict(secondary_labels_item_data)

            secondary_labels.append(secondary_labels_item)

        identify_response = cls(
            main_label=main_label,
            main_score=main_score,
            secondary_labels=secondary_labels,
        )

        identify_response.additional_properties = d
        return identify_response

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
