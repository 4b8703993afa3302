from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.image_classification_label import ImageClassificationLabel
    from ..models.response_info import ResponseInfo


T = TypeVar("T", bound="ResNet50RunResponse")


@_attrs_define
class ResNet50RunResponse:
    """Successful v4 envelope.

    Attributes:
        result (list[ImageClassificationLabel]): Predicted labels, highest score first.
        success (bool): Whether the API call was successful.
        errors (list[ResponseInfo]): Empty on success.
        messages (list[ResponseInfo]): Informational messages.
    """

    result: list[ImageClassificationLabel]
    success: bool
    errors: list[ResponseInfo]
    messages: list[ResponseInfo]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        result = []
        for result_item_data in self.result:
            result_item = result_item_data.to_dict()
            result.append(result_item)

        success = self.success

        errors = []
        for errors_item_data in self.errors:
            errors_item = errors_item_data.to_dict()
            errors.append(errors_item)

        messages = []
        for messages_item_data in self.messages:
            messages_item = messages_item_data.to_dict()
            messages.append(messages_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "result": result,
                "success": success,
                "errors": errors,
                "messages": messages,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.image_classification_label import ImageClassificationLabel
        from ..models.response_info import ResponseInfo

        d = dict(src_dict)
        result = []
        _result = d.pop("result")
        for result_item_data in _result:
            result_item = ImageClassificationLabel.from_dict(result_item_data)

            result.append(result_item)

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

        res_net_50_run_response = cls(
            result=result,
            success=success,
            errors=errors,
            messages=messages,
        )

        res_net_50_run_response.additional_properties = d
        return res_net_50_run_response

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
