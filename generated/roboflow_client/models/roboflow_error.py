from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="RoboflowError")


@_attrs_define
class RoboflowError:
    """Error body. `message` is always present; some errors add `help_url` or `error_type`.

    Attributes:
        message (str): Human-readable description of the error.
        help_url (str | Unset): Link to documentation about the error, when provided.
        error_type (str | Unset): Name of the error class, when provided.
    """

    message: str
    help_url: str | Unset = UNSET
    error_type: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        help_url = self.help_url

        error_type = self.error_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
            }
        )
        if help_url is not UNSET:
            field_dict["help_url"] = help_url
        if error_type is not UNSET:
            field_dict["error_type"] = error_type

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        message = d.pop("message")

        help_url = d.pop("help_url", UNSET)

        error_type = d.pop("error_type", UNSET)

        roboflow_error = cls(
            message=message,
            help_url=help_url,
            error_type=error_type,
        )

        roboflow_error.additional_properties = d
        return roboflow_error

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
