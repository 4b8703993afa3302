from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ModelLoadingError")


@_attrs_define
class ModelLoadingError:
    """503 body. While a model loads it carries `estimated_time`; other unavailability (for example an overloaded model)
    may omit it.

        Attributes:
            error (str): Human-readable description.
            estimated_time (float | Unset): Estimated remaining time, in seconds, until the model is loaded.
    """

    error: str
    estimated_time: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        error = self.error

        estimated_time = self.estimated_time

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "error": error,
            }
        )
        if estimated_time is not UNSET:
            field_dict["estimated_time"] = estimated_time

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        error = d.pop("error")

        estimated_time = d.pop("estimated_time", UNSET)

        model_loading_error = cls(
            error=error,
            estimated_time=estimated_time,
        )

        model_loading_error.additional_properties = d
        return model_loading_error

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
