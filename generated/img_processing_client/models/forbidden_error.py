from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ForbiddenError")


@_attrs_define
class ForbiddenError:
    """Error object for forbidden access. Probably due to insufficient permissions.

    Attributes:
        type_ (str): The type of error
        error (str): The title of the error
        status (Literal[403]): The status of the error
        message (str): The error message
    """

    type_: str
    error: str
    status: Literal[403]
    message: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        error = self.error

        status = self.status

        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "error": error,
                "status": status,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        type_ = d.pop("type")

        error = d.pop("error")

        status = cast(Literal[403], d.pop("status"))
        if status != 403:
            raise ValueError(f"status must match const 403, got '{status}'")

        message = d.pop("message")

        forbidden_error = cls(
            type_=type_,
            error=error,
            status=status,
            message=message,
        )

        forbidden_error.additional_properties = d
        return forbidden_error

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
