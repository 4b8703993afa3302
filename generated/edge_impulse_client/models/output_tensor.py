from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.tensor_data_type import TensorDataType

T = TypeVar("T", bound="OutputTensor")


@_attrs_define
class OutputTensor:
    """
    Attributes:
        shape (list[int]):
        data (list[float]):
        data_type (TensorDataType):
    """

    shape: list[int]
    data: list[float]
    data_type: TensorDataType
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        shape = self.shape

        data = self.data

        data_type = self.data_type.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "shape": shape,
                "data": data,
                "dataType": data_type,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        shape = cast(list[int], d.pop("shape"))

        data = cast(list[float], d.pop("data"))

        data_type = TensorDataType(d.pop("dataType"))

        output_tensor = cls(
            shape=shape,
            data=data,
            data_type=data_type,
        )

        output_tensor.additional_properties = d
        return output_tensor

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
