"""Every error image_classify raises: one hierarchy, shaped like the Stainless SDKs'.

    ImageClassifyError
    ├── MissingCredentialsError          no API key passed and none in the environment
    ├── UnknownProviderError (ValueError) a provider name the manifest does not have
    ├── OptionError (ValueError)         an argument the caller passed is invalid
    ├── ImageError (ValueError)          the image cannot be read or is not an image
    └── APIError                         talking to the provider failed
        ├── APIConnectionError           no response: DNS, refused, reset, TLS, ...
        │   └── APITimeoutError
        ├── APIResponseValidationError   a 2xx whose body is not the documented shape, or
        │                                (validate="strict") any answer the spec does not allow
        ├── ResponseTooLargeError        an answer past max_response_bytes (not read on)
        └── APIStatusError               the provider answered with an error
            ├── BadRequestError 400, AuthenticationError 401, PermissionDeniedError 403,
            │   NotFoundError 404, ConflictError 409, UnprocessableEntityError 422,
            │   RateLimitError 429
            ├── InternalServerError 5xx (also non-IANA ones such as Cloudflare's 520-527)
            │   └── ServiceUnavailableError 503
            └── ProviderError                a 2xx whose body says success: false

SpecDeviationWarning (a UserWarning, not an error) is what validate="warn" issues for each
place an answer departs from the provider's spec.

Messages are redacted when the error is built (image_classify._redaction); reprs never show
the request (its URL may carry a key in the query string).
"""

from __future__ import annotations

from typing import Any

import httpx

MANIFEST_NAME = "image_classify/providers.toml"


class ImageClassifyError(Exception):
    """Base of every error raised by image_classify."""


class MissingCredentialsError(ImageClassifyError):
    """No credential was passed and none of the provider's environment variables is set."""

    def __init__(
        self, message: str, *, provider: str | None = None, variables: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message)
        self.provider: str | None = provider
        self.variables: tuple[str, ...] = variables


class UnknownProviderError(ImageClassifyError, ValueError):
    """A provider name that is not in the manifest; lists the valid ones."""

    def __init__(self, name: str, choices: tuple[str, ...]) -> None:
        self.name: str = name
        self.choices: tuple[str, ...] = choices
        super().__init__(
            f"unknown provider {name!r}. "
            f"Valid choices: {', '.join(choices)} (from {MANIFEST_NAME})."
        )


class OptionError(ImageClassifyError, ValueError):
    """An argument or provider option the caller passed is invalid; says what is valid."""


class ImageError(ImageClassifyError, ValueError):
    """The image cannot be read, or is not an image."""


class APIError(ImageClassifyError):
    """A call to a provider failed. `request` is the httpx request (its URL is not redacted:
    it is never part of str() or repr())."""

    def __init__(self, message: str, *, request: httpx.Request | None) -> None:
        super().__init__(message)
        self.message: str = message
        self.request: httpx.Request | None = request

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class APIConnectionError(APIError):
    """No HTTP response: the connection could not be made or broke off."""


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool)."""


class APIResponseValidationError(APIError):
    """A success status whose body is not what the spec documents: not JSON, truncated,
    an HTML page from a proxy, or JSON of another shape. With validate="strict", also any
    answer (an error status included) the provider's spec does not allow: `deviations`
    then lists each place (image_classify._spec_check.Deviation), else it is empty."""

    def __init__(
        self, message: str, *, response: httpx.Response, deviations: tuple[Any, ...] = ()
    ) -> None:
        super().__init__(message, request=response.request)
        self.response: httpx.Response = response
        self.status_code: int = response.status_code
        self.body: bytes = response.content
        self.deviations: tuple[Any, ...] = deviations


class SpecDeviationWarning(UserWarning):
    """validate="warn": an answer departs from the provider's spec at one place. The text
    names the provider, the operation, the JSON pointer and what the spec expects;
    `deviation` is the image_classify._spec_check.Deviation itself."""

    def __init__(self, deviation: Any) -> None:
        from image_classify._redaction import redact  # errors.py is imported by its imports

        super().__init__(redact(str(deviation)))
        self.deviation: Any = deviation


class ResponseTooLargeError(APIError):
    """The answer was larger than `max_response_bytes` (counted after decompression);
    reading stopped there, so memory stays bounded. Not retried."""

    def __init__(self, message: str, *, request: httpx.Request | None, limit: int) -> None:
        super().__init__(message, request=request)
        self.limit: int = limit


class APIStatusError(APIError):
    """The provider answered with an error status (or a 2xx that says it failed).

    `parsed` is the generated client's typed error model when the spec documents this status
    (and the body is that shape), else None; `message` is the human text from the body."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        parsed: Any = None,
        request_id: str | None = None,
        summary: str | None = None,
    ) -> None:
        super().__init__(message, request=response.request)
        self.response: httpx.Response = response
        self.status_code: int = response.status_code
        self.headers: httpx.Headers = response.headers
        self.body: bytes = response.content
        self.parsed: Any = parsed
        self.request_id: str | None = request_id
        self._summary = summary or f"HTTP {self.status_code}: {message}"

    def __str__(self) -> str:
        return self._summary

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status_code={self.status_code}, message={self.message!r}, "
            f"request_id={self.request_id!r})"
        )


class BadRequestError(APIStatusError):
    """400"""


class AuthenticationError(APIStatusError):
    """401: the key is missing, wrong or expired."""


class PermissionDeniedError(APIStatusError):
    """403"""


class NotFoundError(APIStatusError):
    """404"""


class ConflictError(APIStatusError):
    """409"""


class UnprocessableEntityError(APIStatusError):
    """422"""


class RateLimitError(APIStatusError):
    """429. `retry_after`: seconds the provider asked to wait (Retry-After), or None."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after: float | None = retry_after


class InternalServerError(APIStatusError):
    """Any 5xx, including non-IANA ones (Cloudflare's 520-527)."""


class ServiceUnavailableError(InternalServerError):
    """503. `estimated_time`: seconds until the service expects to be ready (a JSON body's
    `estimated_time`, as Hugging Face sends while a model loads), or None."""

    def __init__(self, message: str, *, estimated_time: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.estimated_time: float | None = estimated_time


class ProviderError(APIStatusError):
    """A 2xx whose body says `success: false` (Edge Impulse's `{"success": false, "error":
    ...}`, Cloudflare's v4 envelope). `codes`: the provider's error codes, if it sent any."""

    def __init__(self, message: str, *, codes: tuple[int | str, ...] = (), **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.codes: tuple[int | str, ...] = codes


STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}


def error_class_for(status_code: int) -> type[APIStatusError]:
    """The class for an error status: exact ones first, then any 5xx, else the base."""
    found = STATUS_ERRORS.get(status_code)
    if found is not None:
        return found
    if 500 <= status_code <= 599:
        return InternalServerError
    return APIStatusError


class PrismError(ImageClassifyError):
    """A Prism mock could not be started or did not become ready; the message says why."""


class PrismNotFoundError(PrismError):
    """No way to run Prism: no IMAGE_CLASSIFY_PRISM, no node_modules/.bin/prism, no npx."""


__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ImageClassifyError",
    "ImageError",
    "InternalServerError",
    "MissingCredentialsError",
    "NotFoundError",
    "OptionError",
    "PermissionDeniedError",
    "PrismError",
    "PrismNotFoundError",
    "ProviderError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ServiceUnavailableError",
    "SpecDeviationWarning",
    "UnknownProviderError",
    "UnprocessableEntityError",
    "error_class_for",
]
