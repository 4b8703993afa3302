"""image_classify: the hand-written layer over the five generated clients.

    from image_classify import Classifier

    with Classifier("huggingface") as hf:        # HF_TOKEN from the environment
        result = hf.classify("cat.jpg", top_k=3)
        result.top, result.predictions, result.raw

`Classifier` / `AsyncClassifier` own one pooled httpx client each; `classify()`,
`aclassify()`, `classify_many()` and `aclassify_many()` are thin wrappers that share
pooled classifiers per configuration. `client()` gives a provider's generated
AuthenticatedClient, and `call()` / `acall()` (and their `_detailed` forms) run any generated
operation with the runtime's auth, retries, timeouts and typed errors
(`image_classify.errors`). Everything public is exported here; the modules whose names
start with an underscore are the implementation.
"""

from image_classify._aiohttp import aiohttp_transport
from image_classify._call import acall, acall_detailed, call, call_detailed
from image_classify._classifier_base import BatchItem, ClassificationResponse
from image_classify._factory import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from image_classify._images import ImageSource
from image_classify._options import ClientOptions, options_of, set_options
from image_classify._replay import (
    CassetteOutcome,
    ReplayReport,
    cassette_paths,
    replay,
    replay_one,
)
from image_classify._responses import APIResponse
from image_classify._results import BoundingBox, ClassificationResult, Prediction
from image_classify._typed import (
    aclassify,
    aclassify_many,
    classify,
    classify_many,
    client,
)
from image_classify._typed_classifiers import AsyncClassifier, Classifier, ProviderName
from image_classify._version import __version__
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
    ImageError,
    InternalServerError,
    MissingCredentialsError,
    NotFoundError,
    OptionError,
    PermissionDeniedError,
    PrismError,
    PrismNotFoundError,
    ProviderError,
    RateLimitError,
    ResponseTooLargeError,
    ServiceUnavailableError,
    SpecDeviationWarning,
    UnknownProviderError,
    UnprocessableEntityError,
)

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncClassifier",
    "AuthenticationError",
    "BadRequestError",
    "BatchItem",
    "BoundingBox",
    "CassetteOutcome",
    "ClassificationResponse",
    "ClassificationResult",
    "Classifier",
    "ClientOptions",
    "ConflictError",
    "ImageClassifyError",
    "ImageError",
    "ImageSource",
    "InternalServerError",
    "MissingCredentialsError",
    "NotFoundError",
    "OptionError",
    "PermissionDeniedError",
    "Prediction",
    "PrismError",
    "PrismNotFoundError",
    "ProviderError",
    "ProviderName",
    "RateLimitError",
    "ReplayReport",
    "ResponseTooLargeError",
    "ServiceUnavailableError",
    "SpecDeviationWarning",
    "UnknownProviderError",
    "UnprocessableEntityError",
    "__version__",
    "acall",
    "acall_detailed",
    "aclassify",
    "aclassify_many",
    "aiohttp_transport",
    "call",
    "call_detailed",
    "cassette_paths",
    "classify",
    "classify_many",
    "client",
    "options_of",
    "replay",
    "replay_one",
    "set_options",
]
