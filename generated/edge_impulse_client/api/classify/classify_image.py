from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.classify_image_body import ClassifyImageBody
from ...models.classify_image_response import ClassifyImageResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project_id: int,
    *,
    body: ClassifyImageBody,
    impulse_id: int | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["impulseId"] = impulse_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/{project_id}/classify/image".format(
            project_id=quote(str(project_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ClassifyImageResponse | None:
    if response.status_code == 200:
        response_200 = ClassifyImageResponse.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ClassifyImageResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: ClassifyImageBody,
    impulse_id: int | Unset = UNSET,
) -> Response[ClassifyImageResponse]:
    """Classify an image

     Test out a trained impulse (using a posted image).

    Args:
        project_id (int):
        impulse_id (int | Unset):
        body (ClassifyImageBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClassifyImageResponse]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        body=body,
        impulse_id=impulse_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: ClassifyImageBody,
    impulse_id: int | Unset = UNSET,
) -> ClassifyImageResponse | None:
    """Classify an image

     Test out a trained impulse (using a posted image).

    Args:
        project_id (int):
        impulse_id (int | Unset):
        body (ClassifyImageBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClassifyImageResponse
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        body=body,
        impulse_id=impulse_id,
    ).parsed


async def asyncio_detailed(
    project_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: ClassifyImageBody,
    impulse_id: int | Unset = UNSET,
) -> Response[ClassifyImageResponse]:
    """Classify an image

     Test out a trained impulse (using a posted image).

    Args:
        project_id (int):
        impulse_id (int | Unset):
        body (ClassifyImageBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ClassifyImageResponse]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        body=body,
        impulse_id=impulse_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: int,
    *,
    client: AuthenticatedClient | Client,
    body: ClassifyImageBody,
    impulse_id: int | Unset = UNSET,
) -> ClassifyImageResponse | None:
    """Classify an image

     Test out a trained impulse (using a posted image).

    Args:
        project_id (int):
        impulse_id (int | Unset):
        body (ClassifyImageBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ClassifyImageResponse
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            body=body,
            impulse_id=impulse_id,
        )
    ).parsed
