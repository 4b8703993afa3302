from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.forbidden_error import ForbiddenError
from ...models.image import Image
from ...models.rate_limit_error import RateLimitError
from ...models.server_error import ServerError
from ...models.unauthorized_error import UnauthorizedError
from ...models.upload_image_request import UploadImageRequest
from ...models.validation_error import ValidationError
from ...types import Response


def _get_kwargs(
    *,
    body: UploadImageRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/images/upload",
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    ForbiddenError
    | Image
    | RateLimitError
    | ServerError
    | UnauthorizedError
    | ValidationError
    | None
):
    if response.status_code == 201:
        response_201 = Image.from_dict(response.json())

        return response_201

    if response.status_code == 401:
        response_401 = UnauthorizedError.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ForbiddenError.from_dict(response.json())

        return response_403

    if response.status_code == 422:
        response_422 = ValidationError.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = RateLimitError.from_dict(response.json())

        return response_429

    if 500 <= response.status_code <= 599:
        response_5xx = ServerError.from_dict(response.json())

        return response_5xx

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    ForbiddenError | Image | RateLimitError | ServerError | UnauthorizedError | ValidationError
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: UploadImageRequest,
) -> Response[
    ForbiddenError | Image | RateLimitError | ServerError | UnauthorizedError | ValidationError
]:
    """Upload Image

     Creates an Image object by uploading an image file (multipart/form-data with the file in `image` and
    a `name` to identify it).

    Args:
        body (UploadImageRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ForbiddenError | Image | RateLimitError | ServerError | UnauthorizedError | ValidationError]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: UploadImageRequest,
) -> (
    ForbiddenError
    | Image
    | RateLimitError
    | ServerError
    | UnauthorizedError
    | ValidationError
    | None
):
    """Upload Image

     Creates an Image object by uploading an image file (multipart/form-data with the file in `image` and
    a `name` to identify it).

    Args:
        body (UploadImageRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ForbiddenError | Image | RateLimitError | ServerError | UnauthorizedError | ValidationError
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: UploadImageRequest,
) -> Response[
    ForbiddenError | Image | RateLimitError | ServerError | UnauthorizedError | ValidationError
]:
    """Upload Image

     Creates an Image object by uploading an image file (multipart/form-data with the file in `image` and
    a `name` to identify it).

    Args:
        body (UploadImageRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ForbiddenError | Image | RateLimitError | ServerError | UnauthorizedError | ValidationError]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: UploadImageRequest,
) -> (
    ForbiddenError
    | Image
    | RateLimitError
    | ServerError
    | UnauthorizedError
    | ValidationError
    | None
):
    """Upload Image

     Creates an Image object by uploading an image file (multipart/form-data with the file in `image` and
    a `name` to identify it).

    Args:
        body (UploadImageRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ForbiddenError | Image | RateLimitError | ServerError | UnauthorizedError | ValidationError
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
