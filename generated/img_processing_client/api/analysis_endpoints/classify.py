from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.forbidden_error import ForbiddenError
from ...models.identify_response import IdentifyResponse
from ...models.not_found_error import NotFoundError
from ...models.rate_limit_error import RateLimitError
from ...models.server_error import ServerError
from ...models.unauthorized_error import UnauthorizedError
from ...models.validation_error import ValidationError
from ...types import Response


def _get_kwargs(
    image_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/images/{image_id}/classify".format(
            image_id=quote(str(image_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    ForbiddenError
    | IdentifyResponse
    | NotFoundError
    | RateLimitError
    | ServerError
    | UnauthorizedError
    | ValidationError
    | None
):
    if response.status_code == 201:
        response_201 = IdentifyResponse.from_dict(response.json())

        return response_201

    if response.status_code == 401:
        response_401 = UnauthorizedError.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ForbiddenError.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = NotFoundError.from_dict(response.json())

        return response_404

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
    ForbiddenError
    | IdentifyResponse
    | NotFoundError
    | RateLimitError
    | ServerError
    | UnauthorizedError
    | ValidationError
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    image_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[
    ForbiddenError
    | IdentifyResponse
    | NotFoundError
    | RateLimitError
    | ServerError
    | UnauthorizedError
    | ValidationError
]:
    """Image Classification

     The classify endpoint allows you to classify an image using a pre-trained model. At the moment, the
    only supported model is the ResNet50 model, a deep learning model that excels at image
    classification tasks.

    The endpoint will return a list of labels and their probabilities for the image.

    Args:
        image_id (str): The unique identifier of the image. This identifier is used to reference
            the image in subsequent requests.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ForbiddenError | IdentifyResponse | NotFoundError | RateLimitError | ServerError | UnauthorizedError | ValidationError]
    """

    kwargs = _get_kwargs(
        image_id=image_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    image_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> (
    ForbiddenError
    | IdentifyResponse
    | NotFoundError
    | RateLimitError
    | ServerError
    | UnauthorizedError
    | ValidationError
    | None
):
    """Image Classification

     The classify endpoint allows you to classify an image using a pre-trained model. At the moment, the
    only supported model is the ResNet50 model, a deep learning model that excels at image
    classification tasks.

    The endpoint will return a list of labels and their probabilities for the image.

    Args:
        image_id (str): The unique identifier of the image. This identifier is used to reference
            the image in subsequent requests.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ForbiddenError | IdentifyResponse | NotFoundError | RateLimitError | ServerError | UnauthorizedError | ValidationError
    """

    return sync_detailed(
        image_id=image_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    image_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[
    ForbiddenError
    | IdentifyResponse
    | NotFoundError
    | RateLimitError
    | ServerError
    | UnauthorizedError
    | ValidationError
]:
    """Image Classification

     The classify endpoint allows you to classify an image using a pre-trained model. At the moment, the
    only supported model is the ResNet50 model, a deep learning model that excels at image
    classification tasks.

    The endpoint will return a list of labels and their probabilities for the image.

    Args:
        image_id (str): The unique identifier of the image. This identifier is used to reference
            the image in subsequent requests.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ForbiddenError | IdentifyResponse | NotFoundError | RateLimitError | ServerError | UnauthorizedError | ValidationError]
    """

    kwargs = _get_kwargs(
        image_id=image_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    image_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> (
    ForbiddenError
    | IdentifyResponse
    | NotFoundError
    | RateLimitError
    | ServerError
    | UnauthorizedError
    | ValidationError
    | None
):
    """Image Classification

     The classify endpoint allows you to classify an image using a pre-trained model. At the moment, the
    only supported model is the ResNet50 model, a deep learning model that excels at image
    classification tasks.

    The endpoint will return a list of labels and their probabilities for the image.

    Args:
        image_id (str): The unique identifier of the image. This identifier is used to reference
            the image in subsequent requests.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ForbiddenError | IdentifyResponse | NotFoundError | RateLimitError | ServerError | UnauthorizedError | ValidationError
    """

    return (
        await asyncio_detailed(
            image_id=image_id,
            client=client,
        )
    ).parsed
