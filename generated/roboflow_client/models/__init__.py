"""Contains all the data models used in inputs/outputs"""

from .class_prediction import ClassPrediction
from .classify_image_format import ClassifyImageFormat
from .classify_image_image_type import ClassifyImageImageType
from .image_dimensions import ImageDimensions
from .multi_label_class_prediction import MultiLabelClassPrediction
from .multi_label_classification import MultiLabelClassification
from .multi_label_classification_predictions import MultiLabelClassificationPredictions
from .roboflow_error import RoboflowError
from .single_label_classification import SingleLabelClassification

__all__ = (
    "ClassPrediction",
    "ClassifyImageFormat",
    "ClassifyImageImageType",
    "ImageDimensions",
    "MultiLabelClassPrediction",
    "MultiLabelClassification",
    "MultiLabelClassificationPredictions",
    "RoboflowError",
    "SingleLabelClassification",
)
