"""image_classify: the hand-written layer over the five generated clients.

The generated packages (`edge_impulse_client`, `img_processing_client`, `roboflow_client`,
`huggingface_client`, `cloudflare_client`) are usable on their own; this package adds
what production code needs on top of them: one `classify()` across all five, a client
factory with auth from the environment, typed errors, retries, timeouts and logging.
"""

from image_classify.classify import BatchItem, aclassify, classify, classify_many
from image_classify.results import BoundingBox, ClassificationResult, Prediction

__version__ = "0.1.0"

__all__ = [
    "BatchItem",
    "BoundingBox",
    "ClassificationResult",
    "Prediction",
    "aclassify",
    "classify",
    "classify_many",
]

# runtime: the client factory, calls with retries/timeouts, typed errors (docs/runtime.md).
# Note: `client` and `call` are also module names; import those modules with
# `from image_classify.client import ...`, not `import image_classify.client as m`.
from image_classify.call import acall, acall_detailed, call, call_detailed
from image_classify.client import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, client
from image_classify.errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ImageClassifyError,
    InternalServerError,
    MissingCredentialsError,
    NotFoundError,
    PermissionDeniedError,
    ProviderError,
    RateLimitError,
    ServiceUnavailableError,
    UnknownProviderError,
    UnprocessableEntityError,
)
from image_classify.options import ClientOptions, options_of, set_options
from image_classify.responses import APIResponse

__all__ += [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientOptions",
    "ConflictError",
    "ImageClassifyError",
    "InternalServerError",
    "MissingCredentialsError",
    "NotFoundError",
    "PermissionDeniedError",
    "ProviderError",
    "RateLimitError",
    "ServiceUnavailableError",
    "UnknownProviderError",
    "UnprocessableEntityError",
    "acall",
    "acall_detailed",
    "call",
    "call_detailed",
    "client",
    "options_of",
    "set_options",
]
