"""Contains all the data models used in inputs/outputs"""

from .anomaly_result import AnomalyResult
from .bounding_box_with_score import BoundingBoxWithScore
from .classification_scores import ClassificationScores
from .classify_image_body import ClassifyImageBody
from .classify_image_response import ClassifyImageResponse
from .freeform_result import FreeformResult
from .generic_api_response import GenericApiResponse
from .output_tensor import OutputTensor
from .tensor_data_type import TensorDataType

__all__ = (
    "AnomalyResult",
    "BoundingBoxWithScore",
    "ClassificationScores",
    "ClassifyImageBody",
    "ClassifyImageResponse",
    "FreeformResult",
    "GenericApiResponse",
    "OutputTensor",
    "TensorDataType",
)
