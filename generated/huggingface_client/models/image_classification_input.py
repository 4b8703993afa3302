from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.image_classification_parameters import ImageClassificationParameters


T = TypeVar("T", bound="ImageClassificationInput")


@_attrs_define
class ImageClassificationInput:
    """JSON form of the request.

    Attributes:
        inputs (str): The input image as a base64-encoded string. Without `parameters` the image can instead be sent as
            the raw request body.
        parameters (ImageClassificationParameters | Unset): Additional inference parameters for image classification.
    """

    inputs: str
    parameters: ImageClassificationParameters | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        inputs = self.inputs

        parameters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parameters, Unset):
            parameters = self.parameters.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "inputs": inputs,
            }
        )
        if parameters is not UNSET:
            field_dict["parameters"] = parameters

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.image_classification_parameters import ImageClassificationParameters

        d = dict(src_dict)
        inputs = d.pop("inputs")

        _parameters = d.pop("parameters", UNSET)
        parameters: ImageClassificationParameters | Unset
        if isinstance(_parameters, Unset):
            parameters = UNSET
        else:
            parameters = ImageClassificationParameters.from_dict(_parameters)

        image_classification_input = cls(
            inputs=inputs,
            parameters=parameters,
        )

        image_classification_input.additional_properties = d
        return image_classification_input

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
