from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Image")


@_attrs_define
class Image:
    """An image stored by IMG Processing. Every processing request takes or returns one.

    Attributes:
        id (str): The unique identifier of the image, used to reference it in subsequent requests (e.g. classify).
        name (str): The name given when uploading; not unique.
        url (None | str): The public URL of the image; null until the image is published.
        width (int): Width in pixels.
        height (int): Height in pixels.
        format_ (str): Image format, e.g. jpeg, png, webp (new formats are added over time).
        size (int): Estimated size in bytes.
        created_at (datetime.datetime): When the image was created (ISO 8601).
    """

    id: str
    name: str
    url: None | str
    width: int
    height: int
    format_: str
    size: int
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        url: None | str
        url = self.url

        width = self.width

        height = self.height

        format_ = self.format_

        size = self.size

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "url": url,
                "width": width,
                "height": height,
                "format": format_,
                "size": size,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        def _parse_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        url = _parse_url(d.pop("url"))

        width = d.pop("width")

        height = d.pop("height")

        format_ = d.pop("format")

        size = d.pop("size")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        image = cls(
            id=id,
            name=name,
            url=url,
            width=width,
            height=height,
            format_=format_,
            size=size,
            created_at=created_at,
        )

        image.additional_properties = d
        return image

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
