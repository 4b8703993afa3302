from enum import StrEnum


class ClassifyImageImageType(StrEnum):
    BASE64 = "base64"
    NUMPY = "numpy"

    def __str__(self) -> str:
        return str(self.value)
