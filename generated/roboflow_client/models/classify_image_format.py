from enum import StrEnum


class ClassifyImageFormat(StrEnum):
    IMAGE_AND_JSON = "image_and_json"
    JSON = "json"

    def __str__(self) -> str:
        return str(self.value)
