from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.classify_image_format import ClassifyImageFormat
from ...models.classify_image_image_type import ClassifyImageImageType
from ...models.multi_label_classification import MultiLabelClassification
from ...models.roboflow_error import RoboflowError
from ...models.single_label_classification import SingleLabelClassification
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    dataset: str,
    version: int,
    *,
    body: File | Unset = UNSET,
    image: str | Unset = UNSET,
    confidence: float | Unset = 0.4,
    format_: ClassifyImageFormat | Unset = ClassifyImageFormat.JSON,
    name: str | Unset = UNSET,
    image_type: ClassifyImageImageType | Unset = ClassifyImageImageType.BASE64,
    labels: bool | Unset = False,
    stroke: int | Unset = 1,
    disable_preproc_auto_orient: bool | Unset = False,
    disable_preproc_contrast: bool | Unset = False,
    disable_preproc_grayscale: bool | Unset = False,
    disable_preproc_static_crop: bool | Unset = False,
    disable_active_learning: bool | Unset = False,
    active_learning_target_dataset: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["image"] = image

    params["confidence"] = confidence

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_

    params["name"] = name

    json_image_type: str | Unset = UNSET
    if not isinstance(image_type, Unset):
        json_image_type = image_type.value

    params["image_type"] = json_image_type

    params["labels"] = labels

    params["stroke"] = stroke

    params["disable_preproc_auto_orient"] = disable_preproc_auto_orient

    params["disable_preproc_contrast"] = disable_preproc_contrast

    params["disable_preproc_grayscale"] = disable_preproc_grayscale

    params["disable_preproc_static_crop"] = disable_preproc_static_crop

    params["disable_active_learning"] = disable_active_learning

    params["active_learning_target_dataset"] = active_learning_target_dataset

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/{dataset}/{version}".format(
            dataset=quote(str(dataset), safe=""),
            version=quote(str(version), safe=""),
        ),
        "params": params,
    }

    if not isinstance(body, Unset):
        _kwargs["content"] = body.payload.read()
    headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> MultiLabelClassification | SingleLabelClassification | RoboflowError | None:
    if response.status_code == 200:

        def _parse_response_200(
            data: object,
        ) -> MultiLabelClassification | SingleLabelClassification:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_classification_result_type_0 = (
                    SingleLabelClassification.from_dict(data)
                )

                return componentsschemas_classification_result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_classification_result_type_1 = MultiLabelClassification.from_dict(
                data
            )

            return componentsschemas_classification_result_type_1

        response_200 = _parse_response_200(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = RoboflowError.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = RoboflowError.from_dict(response.json())

        return response_401

    if response.status_code == 402:
        response_402 = RoboflowError.from_dict(response.json())

        return response_402

    if response.status_code == 403:
        response_403 = RoboflowError.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = RoboflowError.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = RoboflowError.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = RoboflowError.from_dict(response.json())

        return response_500

    if response.status_code == 502:
        response_502 = RoboflowError.from_dict(response.json())

        return response_502

    if response.status_code == 503:
        response_503 = RoboflowError.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = RoboflowError.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[MultiLabelClassification | SingleLabelClassification | RoboflowError]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    dataset: str,
    version: int,
    *,
    client: AuthenticatedClient | Client,
    body: File | Unset = UNSET,
    image: str | Unset = UNSET,
    confidence: float | Unset = 0.4,
    format_: ClassifyImageFormat | Unset = ClassifyImageFormat.JSON,
    name: str | Unset = UNSET,
    image_type: ClassifyImageImageType | Unset = ClassifyImageImageType.BASE64,
    labels: bool | Unset = False,
    stroke: int | Unset = 1,
    disable_preproc_auto_orient: bool | Unset = False,
    disable_preproc_contrast: bool | Unset = False,
    disable_preproc_grayscale: bool | Unset = False,
    disable_preproc_static_crop: bool | Unset = False,
    disable_active_learning: bool | Unset = False,
    active_learning_target_dataset: str | Unset = UNSET,
) -> Response[MultiLabelClassification | SingleLabelClassification | RoboflowError]:
    """Classify an image with a hosted Roboflow model

     Runs the model `{dataset}/{version}` on one image. Send the image as base64-encoded text in the body
    with `Content-Type: application/x-www-form-urlencoded` (the body is the raw base64 string, not a
    form field), or send no body and pass a publicly reachable image URL in the `image` query parameter.
    A single-label model answers with `predictions` as a list plus `top` and `confidence`; a multi-label
    model answers with `predictions` as a map from class name to confidence plus `predicted_classes`.
    With `format=image` the service answers with a JPEG visualisation instead of JSON.

    Args:
        dataset (str):
        version (int):
        image (str | Unset):
        confidence (float | Unset):  Default: 0.4.
        format_ (ClassifyImageFormat | Unset):  Default: ClassifyImageFormat.JSON.
        name (str | Unset):
        image_type (ClassifyImageImageType | Unset):  Default: ClassifyImageImageType.BASE64.
        labels (bool | Unset):  Default: False.
        stroke (int | Unset):  Default: 1.
        disable_preproc_auto_orient (bool | Unset):  Default: False.
        disable_preproc_contrast (bool | Unset):  Default: False.
        disable_preproc_grayscale (bool | Unset):  Default: False.
        disable_preproc_static_crop (bool | Unset):  Default: False.
        disable_active_learning (bool | Unset):  Default: False.
        active_learning_target_dataset (str | Unset):
        body (File | Unset): Base64 encoding of the image file bytes (JPEG, PNG, ...).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MultiLabelClassification | SingleLabelClassification | RoboflowError]
    """

    kwargs = _get_kwargs(
        dataset=dataset,
        version=version,
        body=body,
        image=image,
        confidence=confidence,
        format_=format_,
        name=name,
        image_type=image_type,
        labels=labels,
        stroke=stroke,
        disable_preproc_auto_orient=disable_preproc_auto_orient,
        disable_preproc_contrast=disable_preproc_contrast,
        disable_preproc_grayscale=disable_preproc_grayscale,
        disable_preproc_static_crop=disable_preproc_static_crop,
        disable_active_learning=disable_active_learning,
        active_learning_target_dataset=active_learning_target_dataset,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    dataset: str,
    version: int,
    *,
    client: AuthenticatedClient | Client,
    body: File | Unset = UNSET,
    image: str | Unset = UNSET,
    confidence: float | Unset = 0.4,
    format_: ClassifyImageFormat | Unset = ClassifyImageFormat.JSON,
    name: str | Unset = UNSET,
    image_type: ClassifyImageImageType | Unset = ClassifyImageImageType.BASE64,
    labels: bool | Unset = False,
    stroke: int | Unset = 1,
    disable_preproc_auto_orient: bool | Unset = False,
    disable_preproc_contrast: bool | Unset = False,
    disable_preproc_grayscale: bool | Unset = False,
    disable_preproc_static_crop: bool | Unset = False,
    disable_active_learning: bool | Unset = False,
    active_learning_target_dataset: str | Unset = UNSET,
) -> MultiLabelClassification | SingleLabelClassification | RoboflowError | None:
    """Classify an image with a hosted Roboflow model

     Runs the model `{dataset}/{version}` on one image. Send the image as base64-encoded text in the body
    with `Content-Type: application/x-www-form-urlencoded` (the body is the raw base64 string, not a
    form field), or send no body and pass a publicly reachable image URL in the `image` query parameter.
    A single-label model answers with `predictions` as a list plus `top` and `confidence`; a multi-label
    model answers with `predictions` as a map from class name to confidence plus `predicted_classes`.
    With `format=image` the service answers with a JPEG visualisation instead of JSON.

    Args:
        dataset (str):
        version (int):
        image (str | Unset):
        confidence (float | Unset):  Default: 0.4.
        format_ (ClassifyImageFormat | Unset):  Default: ClassifyImageFormat.JSON.
        name (str | Unset):
        image_type (ClassifyImageImageType | Unset):  Default: ClassifyImageImageType.BASE64.
        labels (bool | Unset):  Default: False.
        stroke (int | Unset):  Default: 1.
        disable_preproc_auto_orient (bool | Unset):  Default: False.
        disable_preproc_contrast (bool | Unset):  Default: False.
        disable_preproc_grayscale (bool | Unset):  Default: False.
        disable_preproc_static_crop (bool | Unset):  Default: False.
        disable_active_learning (bool | Unset):  Default: False.
        active_learning_target_dataset (str | Unset):
        body (File | Unset): Base64 encoding of the image file bytes (JPEG, PNG, ...).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MultiLabelClassification | SingleLabelClassification | RoboflowError
    """

    return sync_detailed(
        dataset=dataset,
        version=version,
        client=client,
        body=body,
        image=image,
        confidence=confidence,
        format_=format_,
        name=name,
        image_type=image_type,
        labels=labels,
        stroke=stroke,
        disable_preproc_auto_orient=disable_preproc_auto_orient,
        disable_preproc_contrast=disable_preproc_contrast,
        disable_preproc_grayscale=disable_preproc_grayscale,
        disable_preproc_static_crop=disable_preproc_static_crop,
        disable_active_learning=disable_active_learning,
        active_learning_target_dataset=active_learning_target_dataset,
    ).parsed


async def asyncio_detailed(
    dataset: str,
    version: int,
    *,
    client: AuthenticatedClient | Client,
    body: File | Unset = UNSET,
    image: str | Unset = UNSET,
    confidence: float | Unset = 0.4,
    format_: ClassifyImageFormat | Unset = ClassifyImageFormat.JSON,
    name: str | Unset = UNSET,
    image_type: ClassifyImageImageType | Unset = ClassifyImageImageType.BASE64,
    labels: bool | Unset = False,
    stroke: int | Unset = 1,
    disable_preproc_auto_orient: bool | Unset = False,
    disable_preproc_contrast: bool | Unset = False,
    disable_preproc_grayscale: bool | Unset = False,
    disable_preproc_static_crop: bool | Unset = False,
    disable_active_learning: bool | Unset = False,
    active_learning_target_dataset: str | Unset = UNSET,
) -> Response[MultiLabelClassification | SingleLabelClassification | RoboflowError]:
    """Classify an image with a hosted Roboflow model

     Runs the model `{dataset}/{version}` on one image. Send the image as base64-encoded text in the body
    with `Content-Type: application/x-www-form-urlencoded` (the body is the raw base64 string, not a
    form field), or send no body and pass a publicly reachable image URL in the `image` query parameter.
    A single-label model answers with `predictions` as a list plus `top` and `confidence`; a multi-label
    model answers with `predictions` as a map from class name to confidence plus `predicted_classes`.
    With `format=image` the service answers with a JPEG visualisation instead of JSON.

    Args:
        dataset (str):
        version (int):
        image (str | Unset):
        confidence (float | Unset):  Default: 0.4.
        format_ (ClassifyImageFormat | Unset):  Default: ClassifyImageFormat.JSON.
        name (str | Unset):
        image_type (ClassifyImageImageType | Unset):  Default: ClassifyImageImageType.BASE64.
        labels (bool | Unset):  Default: False.
        stroke (int | Unset):  Default: 1.
        disable_preproc_auto_orient (bool | Unset):  Default: False.
        disable_preproc_contrast (bool | Unset):  Default: False.
        disable_preproc_grayscale (bool | Unset):  Default: False.
        disable_preproc_static_crop (bool | Unset):  Default: False.
        disable_active_learning (bool | Unset):  Default: False.
        active_learning_target_dataset (str | Unset):
        body (File | Unset): Base64 encoding of the image file bytes (JPEG, PNG, ...).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MultiLabelClassification | SingleLabelClassification | RoboflowError]
    """

    kwargs = _get_kwargs(
        dataset=dataset,
        version=version,
        body=body,
        image=image,
        confidence=confidence,
        format_=format_,
        name=name,
        image_type=image_type,
        labels=labels,
        stroke=stroke,
        disable_preproc_auto_orient=disable_preproc_auto_orient,
        disable_preproc_contrast=disable_preproc_contrast,
        disable_preproc_grayscale=disable_preproc_grayscale,
        disable_preproc_static_crop=disable_preproc_static_crop,
        disable_active_learning=disable_active_learning,
        active_learning_target_dataset=active_learning_target_dataset,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    dataset: str,
    version: int,
    *,
    client: AuthenticatedClient | Client,
    body: File | Unset = UNSET,
    image: str | Unset = UNSET,
    confidence: float | Unset = 0.4,
    format_: ClassifyImageFormat | Unset = ClassifyImageFormat.JSON,
    name: str | Unset = UNSET,
    image_type: ClassifyImageImageType | Unset = ClassifyImageImageType.BASE64,
    labels: bool | Unset = False,
    stroke: int | Unset = 1,
    disable_preproc_auto_orient: bool | Unset = False,
    disable_preproc_contrast: bool | Unset = False,
    disable_preproc_grayscale: bool | Unset = False,
    disable_preproc_static_crop: bool | Unset = False,
    disable_active_learning: bool | Unset = False,
    active_learning_target_dataset: str | Unset = UNSET,
) -> MultiLabelClassification | SingleLabelClassification | RoboflowError | None:
    """Classify an image with a hosted Roboflow model

     Runs the model `{dataset}/{version}` on one image. Send the image as base64-encoded text in the body
    with `Content-Type: application/x-www-form-urlencoded` (the body is the raw base64 string, not a
    form field), or send no body and pass a publicly reachable image URL in the `image` query parameter.
    A single-label model answers with `predictions` as a list plus `top` and `confidence`; a multi-label
    model answers with `predictions` as a map from class name to confidence plus `predicted_classes`.
    With `format=image` the service answers with a JPEG visualisation instead of JSON.

    Args:
        dataset (str):
        version (int):
        image (str | Unset):
        confidence (float | Unset):  Default: 0.4.
        format_ (ClassifyImageFormat | Unset):  Default: ClassifyImageFormat.JSON.
        name (str | Unset):
        image_type (ClassifyImageImageType | Unset):  Default: ClassifyImageImageType.BASE64.
        labels (bool | Unset):  Default: False.
        stroke (int | Unset):  Default: 1.
        disable_preproc_auto_orient (bool | Unset):  Default: False.
        disable_preproc_contrast (bool | Unset):  Default: False.
        disable_preproc_grayscale (bool | Unset):  Default: False.
        disable_preproc_static_crop (bool | Unset):  Default: False.
        disable_active_learning (bool | Unset):  Default: False.
        active_learning_target_dataset (str | Unset):
        body (File | Unset): Base64 encoding of the image file bytes (JPEG, PNG, ...).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MultiLabelClassification | SingleLabelClassification | RoboflowError
    """

    return (
        await asyncio_detailed(
            dataset=dataset,
            version=version,
            client=client,
            body=body,
            image=image,
            confidence=confidence,
            format_=format_,
            name=name,
            image_type=image_type,
            labels=labels,
            stroke=stroke,
            disable_preproc_auto_orient=disable_preproc_auto_orient,
            disable_preproc_contrast=disable_preproc_contrast,
            disable_preproc_grayscale=disable_preproc_grayscale,
            disable_preproc_static_crop=disable_preproc_static_crop,
            disable_active_learning=disable_active_learning,
            active_learning_target_dataset=active_learning_target_dataset,
        )
    ).parsed
