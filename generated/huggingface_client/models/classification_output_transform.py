from enum import StrEnum


class ClassificationOutputTransform(StrEnum):
    NONE = "none"
    SIGMOID = "sigmoid"
    SOFTMAX = "softmax"

    def __str__(self) -> str:
        return str(self.value)
