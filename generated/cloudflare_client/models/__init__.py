"""Contains all the data models used in inputs/outputs"""

from .api_response_failure import ApiResponseFailure
from .failure_result import FailureResult
from .image_classification_label import ImageClassificationLabel
from .res_net_50_input import ResNet50Input
from .res_net_50_run_response import ResNet50RunResponse
from .response_info import ResponseInfo

__all__ = (
    "ApiResponseFailure",
    "FailureResult",
    "ImageClassificationLabel",
    "ResNet50Input",
    "ResNet50RunResponse",
    "ResponseInfo",
)
