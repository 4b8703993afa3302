"""Contains all the data models used in inputs/outputs"""

from .classification_output_transform import ClassificationOutputTransform
from .error_response import ErrorResponse
from .image_classification_input import ImageClassificationInput
from .image_classification_output_element import ImageClassificationOutputElement
from .image_classification_parameters import ImageClassificationParameters
from .model_loading_error import ModelLoadingError

__all__ = (
    "ClassificationOutputTransform",
    "ErrorResponse",
    "ImageClassificationInput",
    "ImageClassificationOutputElement",
    "ImageClassificationParameters",
    "ModelLoadingError",
)
