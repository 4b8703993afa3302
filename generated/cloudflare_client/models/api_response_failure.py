from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.failure_result import FailureResult
    from ..models.response_info import ResponseInfo


T = TypeVar("T", bound="ApiResponseFailure")


@_attrs_define
class ApiResponseFailure:
    """Failed v4 envelope.

    Attributes:
        success (bool): Whether the API call was successful.
        errors (list[ResponseInfo]): What went wrong.
        messages (list[ResponseInfo]): Informational messages.
        result (FailureResult | None | Unset): Usually `null`; Cloudflare's published schema for this operation also
            allows an object.
    """

    success: bool
    errors: list[ResponseInfo]
    messages: list[ResponseInfo]
    result: FailureResult | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.failure_result import FailureResult

        success = self.success

        errors = []
        for errors_item_data in self.errors:
            errors_item = errors_item_data.to_dict()
            errors.append(errors_item)

        messages = []
        for messages_item_data in self.messages:
            messages_item = messages_item_data.to_dict()
            messages.append(messages_item)

        result: dict[str, Any] | None | Unset
        if isinstance(self.result, Unset):
            result = UNSET
        elif isinstance(self.result, FailureResult):
            result = self.result.to_dict()
        else:
            result = self.result

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
                "errors": errors,
                "messages": messages,
            }
        )
        if result is not UNSET:
            field_dict["result"] = result

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.failure_result import FailureResult
        from ..models.response_info import ResponseInfo

        d = dict(src_dict)
        success = d.pop("success")

        errors = []
        _errors = d.pop("errors")
        for errors_item_data in _errors:
            errors_item = ResponseInfo.from_dict(errors_item_data)

            errors.append(errors_item)

        messages = []
        _messages = d.pop("messages")
        for messages_item_data in _messages:
            messages_item = ResponseInfo.from_dict(messages_item_data)

            messages.append(messages_item)

        def _parse_result(data: object) -> FailureResult | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                result_type_0 = FailureResult.from_dict(data)

                return result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FailureResult | None | Unset, data)

        result = _parse_result(d.pop("result", UNSET))

        api_response_failure = cls(
            success=success,
            errors=errors,
            messages=messages,
            result=result,
        )

        api_response_failure.additional_properties = d
        return api_response_failure

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
