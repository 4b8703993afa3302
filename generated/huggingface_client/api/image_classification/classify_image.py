from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.image_classification_input import ImageClassificationInput
from ...models.image_classification_output_element import ImageClassificationOutputElement
from ...models.model_loading_error import ModelLoadingError
from ...types import File, Response, Unset


def _get_kwargs(
    namespace: str,
    model_name: str,
    *,
    body: File | ImageClassificationInput,
    x_use_cache: bool | Unset = True,
    x_wait_for_model: bool | Unset = False,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_use_cache, Unset):
        headers["x-use-cache"] = "true" if x_use_cache else "false"

    if not isinstance(x_wait_for_model, Unset):
        headers["x-wait-for-model"] = "true" if x_wait_for_model else "false"

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/models/{namespace}/{model_name}".format(
            namespace=quote(str(namespace), safe=""),
            model_name=quote(str(model_name), safe=""),
        ),
    }

    if isinstance(body, File):
        _kwargs["content"] = body.payload.read()
        headers["Content-Type"] = "application/octet-stream"
    if isinstance(body, ImageClassificationInput):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ModelLoadingError | list[ImageClassificationOutputElement] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for componentsschemas_image_classification_output_item_data in _response_200:
            componentsschemas_image_classification_output_item = (
                ImageClassificationOutputElement.from_dict(
                    componentsschemas_image_classification_output_item_data
                )
            )

            response_200.append(componentsschemas_image_classification_output_item)

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 402:
        response_402 = ErrorResponse.from_dict(response.json())

        return response_402

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ModelLoadingError.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | ModelLoadingError | list[ImageClassificationOutputElement]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    namespace: str,
    model_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: File | ImageClassificationInput,
    x_use_cache: bool | Unset = True,
    x_wait_for_model: bool | Unset = False,
) -> Response[ErrorResponse | ModelLoadingError | list[ImageClassificationOutputElement]]:
    """Classify an image with a Hub model

     Runs the image-classification model `{model_id}` on one image and returns the predicted labels with
    their scores, most likely first. Send the image file as the raw request body (any format Pillow
    reads), or send JSON with the image as a base64 string in `inputs` and optional `parameters`;
    parameters can only be passed in the JSON form. If the model is not loaded yet the service answers
    503 with an estimated loading time; retry, or send `x-wait-for-model: true` to have the service hold
    the request until the model is ready.

    Args:
        namespace (str):
        model_name (str):
        x_use_cache (bool | Unset):  Default: True.
        x_wait_for_model (bool | Unset):  Default: False.
        body (File): The image file bytes (JPEG, PNG, WebP, ...). An empty body is not an image.
        body (ImageClassificationInput): JSON form of the request.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ModelLoadingError | list[ImageClassificationOutputElement]]
    """

    kwargs = _get_kwargs(
        namespace=namespace,
        model_name=model_name,
        body=body,
        x_use_cache=x_use_cache,
        x_wait_for_model=x_wait_for_model,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    namespace: str,
    model_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: File | ImageClassificationInput,
    x_use_cache: bool | Unset = True,
    x_wait_for_model: bool | Unset = False,
) -> ErrorResponse | ModelLoadingError | list[ImageClassificationOutputElement] | None:
    """Classify an image with a Hub model

     Runs the image-classification model `{model_id}` on one image and returns the predicted labels with
    their scores, most likely first. Send the image file as the raw request body (any format Pillow
    reads), or send JSON with the image as a base64 string in `inputs` and optional `parameters`;
    parameters can only be passed in the JSON form. If the model is not loaded yet the service answers
    503 with an estimated loading time; retry, or send `x-wait-for-model: true` to have the service hold
    the request until the model is ready.

    Args:
        namespace (str):
        model_name (str):
        x_use_cache (bool | Unset):  Default: True.
        x_wait_for_model (bool | Unset):  Default: False.
        body (File): The image file bytes (JPEG, PNG, WebP, ...). An empty body is not an image.
        body (ImageClassificationInput): JSON form of the request.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ModelLoadingError | list[ImageClassificationOutputElement]
    """

    return sync_detailed(
        namespace=namespace,
        model_name=model_name,
        client=client,
        body=body,
        x_use_cache=x_use_cache,
        x_wait_for_model=x_wait_for_model,
    ).parsed


async def asyncio_detailed(
    namespace: str,
    model_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: File | ImageClassificationInput,
    x_use_cache: bool | Unset = True,
    x_wait_for_model: bool | Unset = False,
) -> Response[ErrorResponse | ModelLoadingError | list[ImageClassificationOutputElement]]:
    """Classify an image with a Hub model

     Runs the image-classification model `{model_id}` on one image and returns the predicted labels with
    their scores, most likely first. Send the image file as the raw request body (any format Pillow
    reads), or send JSON with the image as a base64 string in `inputs` and optional `parameters`;
    parameters can only be passed in the JSON form. If the model is not loaded yet the service answers
    503 with an estimated loading time; retry, or send `x-wait-for-model: true` to have the service hold
    the request until the model is ready.

    Args:
        namespace (str):
        model_name (str):
        x_use_cache (bool | Unset):  Default: True.
        x_wait_for_model (bool | Unset):  Default: False.
        body (File): The image file bytes (JPEG, PNG, WebP, ...). An empty body is not an image.
        body (ImageClassificationInput): JSON form of the request.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ModelLoadingError | list[ImageClassificationOutputElement]]
    """

    kwargs = _get_kwargs(
        namespace=namespace,
        model_name=model_name,
        body=body,
        x_use_cache=x_use_cache,
        x_wait_for_model=x_wait_for_model,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    namespace: str,
    model_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: File | ImageClassificationInput,
    x_use_cache: bool | Unset = True,
    x_wait_for_model: bool | Unset = False,
) -> ErrorResponse | ModelLoadingError | list[ImageClassificationOutputElement] | None:
    """Classify an image with a Hub model

     Runs the image-classification model `{model_id}` on one image and returns the predicted labels with
    their scores, most likely first. Send the image file as the raw request body (any format Pillow
    reads), or send JSON with the image as a base64 string in `inputs` and optional `parameters`;
    parameters can only be passed in the JSON form. If the model is not loaded yet the service answers
    503 with an estimated loading time; retry, or send `x-wait-for-model: true` to have the service hold
    the request until the model is ready.

    Args:
        namespace (str):
        model_name (str):
        x_use_cache (bool | Unset):  Default: True.
        x_wait_for_model (bool | Unset):  Default: False.
        body (File): The image file bytes (JPEG, PNG, WebP, ...). An empty body is not an image.
        body (ImageClassificationInput): JSON form of the request.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ModelLoadingError | list[ImageClassificationOutputElement]
    """

    return (
        await asyncio_detailed(
            namespace=namespace,
            model_name=model_name,
            client=client,
            body=body,
            x_use_cache=x_use_cache,
            x_wait_for_model=x_wait_for_model,
        )
    ).parsed
