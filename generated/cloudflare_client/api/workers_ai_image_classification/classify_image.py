from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_response_failure import ApiResponseFailure
from ...models.res_net_50_input import ResNet50Input
from ...models.res_net_50_run_response import ResNet50RunResponse
from ...types import File, Response


def _get_kwargs(
    account_id: str,
    *,
    body: File | ResNet50Input,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/accounts/{account_id}/ai/run/@cf/microsoft/resnet-50".format(
            account_id=quote(str(account_id), safe=""),
        ),
    }

    if isinstance(body, File):
        _kwargs["content"] = body.payload.read()
        headers["Content-Type"] = "application/octet-stream"
    if isinstance(body, ResNet50Input):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiResponseFailure | ResNet50RunResponse | None:
    if response.status_code == 200:
        response_200 = ResNet50RunResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ApiResponseFailure.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ApiResponseFailure.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ApiResponseFailure.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ApiResponseFailure.from_dict(response.json())

        return response_404

    if response.status_code == 408:
        response_408 = ApiResponseFailure.from_dict(response.json())

        return response_408

    if response.status_code == 413:
        response_413 = ApiResponseFailure.from_dict(response.json())

        return response_413

    if response.status_code == 429:
        response_429 = ApiResponseFailure.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ApiResponseFailure.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ApiResponseFailure | ResNet50RunResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    account_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: File | ResNet50Input,
) -> Response[ApiResponseFailure | ResNet50RunResponse]:
    """Classify an image with @cf/microsoft/resnet-50

     Runs Microsoft's ResNet-50 (ImageNet classes) on one image and returns the top labels with
    confidence scores in the `result` of a v4 envelope. Send the image file as the raw body
    (`application/octet-stream`), or as JSON with the image bytes as an array of integers 0-255 in
    `image`. Requires an API token with the Workers AI permission (`com.cloudflare.api.account.ai`).

    Args:
        account_id (str):
        body (File): The image file bytes. An empty body is not an image.
        body (ResNet50Input): JSON form of the input.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiResponseFailure | ResNet50RunResponse]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    account_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: File | ResNet50Input,
) -> ApiResponseFailure | ResNet50RunResponse | None:
    """Classify an image with @cf/microsoft/resnet-50

     Runs Microsoft's ResNet-50 (ImageNet classes) on one image and returns the top labels with
    confidence scores in the `result` of a v4 envelope. Send the image file as the raw body
    (`application/octet-stream`), or as JSON with the image bytes as an array of integers 0-255 in
    `image`. Requires an API token with the Workers AI permission (`com.cloudflare.api.account.ai`).

    Args:
        account_id (str):
        body (File): The image file bytes. An empty body is not an image.
        body (ResNet50Input): JSON form of the input.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiResponseFailure | ResNet50RunResponse
    """

    return sync_detailed(
        account_id=account_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    account_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: File | ResNet50Input,
) -> Response[ApiResponseFailure | ResNet50RunResponse]:
    """Classify an image with @cf/microsoft/resnet-50

     Runs Microsoft's ResNet-50 (ImageNet classes) on one image and returns the top labels with
    confidence scores in the `result` of a v4 envelope. Send the image file as the raw body
    (`application/octet-stream`), or as JSON with the image bytes as an array of integers 0-255 in
    `image`. Requires an API token with the Workers AI permission (`com.cloudflare.api.account.ai`).

    Args:
        account_id (str):
        body (File): The image file bytes. An empty body is not an image.
        body (ResNet50Input): JSON form of the input.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiResponseFailure | ResNet50RunResponse]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    account_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: File | ResNet50Input,
) -> ApiResponseFailure | ResNet50RunResponse | None:
    """Classify an image with @cf/microsoft/resnet-50

     Runs Microsoft's ResNet-50 (ImageNet classes) on one image and returns the top labels with
    confidence scores in the `result` of a v4 envelope. Send the image file as the raw body
    (`application/octet-stream`), or as JSON with the image bytes as an array of integers 0-255 in
    `image`. Requires an API token with the Workers AI permission (`com.cloudflare.api.account.ai`).

    Args:
        account_id (str):
        body (File): The image file bytes. An empty body is not an image.
        body (ResNet50Input): JSON form of the input.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiResponseFailure | ResNet50RunResponse
    """

    return (
        await asyncio_detailed(
            account_id=account_id,
            client=client,
            body=body,
        )
    ).parsed
