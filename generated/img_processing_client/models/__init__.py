"""Contains all the data models used in inputs/outputs"""

from .forbidden_error import ForbiddenError
from .identify_response import IdentifyResponse
from .image import Image
from .not_found_error import NotFoundError
from .rate_limit_error import RateLimitError
from .secondary_label import SecondaryLabel
from .server_error import ServerError
from .unauthorized_error import UnauthorizedError
from .upload_image_request import UploadImageRequest
from .validation_error import ValidationError

__all__ = (
    "ForbiddenError",
    "IdentifyResponse",
    "Image",
    "NotFoundError",
    "RateLimitError",
    "SecondaryLabel",
    "ServerError",
    "UnauthorizedError",
    "UploadImageRequest",
    "ValidationError",
)
