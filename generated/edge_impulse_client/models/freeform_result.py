from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.output_tensor import OutputTensor


T = TypeVar("T", bound="FreeformResult")


@_attrs_define
class FreeformResult:
    """
    Attributes:
        output_tensors (list[OutputTensor]):
    """

    output_tensors: list[OutputTensor]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        output_tensors = []
        for output_tensors_item_data in self.output_tensors:
            output_tensors_item = output_tensors_item_data.to_dict()
            output_tensors.append(output_tensors_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "outputTensors": output_tensors,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.output_tensor import OutputTensor

        d = dict(src_dict)
        output_tensors = []
        _output_tensors = d.pop("outputTensors")
        for output_tensors_item_data in _output_tensors:
            output_tensors_item = OutputTensor.from_dict(output_tensors_item_data)

            output_tensors.append(output_tensors_item)

        freeform_result = cls(
            output_tensors=output_tensors,
        )

        freeform_result.additional_properties = d
        return freeform_result

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
