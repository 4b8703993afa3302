from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.classification_output_transform import ClassificationOutputTransform
from ..types import UNSET, Unset

T = TypeVar("T", bound="ImageClassificationParameters")


@_attrs_define
class ImageClassificationParameters:
    """Additional inference parameters for image classification.

    Attributes:
        function_to_apply (ClassificationOutputTransform | Unset): Function applied to the model outputs to obtain the
            scores.
        top_k (int | Unset): When specified, limits the output to the K most probable classes.
    """

    function_to_apply: ClassificationOutputTransform | Unset = UNSET
    top_k: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        function_to_apply: str | Unset = UNSET
        if not isinstance(self.function_to_apply, Unset):
            function_to_apply = self.function_to_apply.value

        top_k = self.top_k

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if function_to_apply is not UNSET:
            field_dict["function_to_apply"] = function_to_apply
        if top_k is not UNSET:
            field_dict["top_k"] = top_k

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        _function_to_apply = d.pop("function_to_apply", UNSET)
        function_to_apply: ClassificationOutputTransform | Unset
        if isinstance(_function_to_apply, Unset):
            function_to_apply = UNSET
        else:
            function_to_apply = ClassificationOutputTransform(_function_to_apply)

        top_k = d.pop("top_k", UNSET)

        image_classification_parameters = cls(
            function_to_apply=function_to_apply,
            top_k=top_k,
        )

        image_classification_parameters.additional_properties = d
        return image_classification_parameters

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
