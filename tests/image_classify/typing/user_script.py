# pyright: strict
"""What an enterprise user writes against the public API, checked statically.

tests/image_classify/typing/test_static_typing.py runs `mypy --strict` and pyright (strict, by the
comment above) on this file and wants zero errors: every `assert_type` below is a promise
of the public typing (image_classify._typed's per-provider overloads, the result and
error classes). Not a test module (pytest does not collect it) and never run: the calls
live in functions nobody calls, so importing it does no I/O.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, assert_type

import cloudflare_client
import edge_impulse_client
import httpx
import huggingface_client
import img_processing_client
import roboflow_client
from cloudflare_client.models import ResNet50RunResponse
from edge_impulse_client.models import ClassifyImageResponse
from huggingface_client.api.image_classification import classify_image as hf_classify_image
from huggingface_client.models import (
    ErrorResponse,
    ImageClassificationOutputElement,
    ModelLoadingError,
)
from huggingface_client.types import File
from img_processing_client.models import IdentifyResponse
from roboflow_client.models import MultiLabelClassification, SingleLabelClassification

import image_classify
from image_classify import (
    APIConnectionError,
    APIError,
    APIResponse,
    APIResponseValidationError,
    APIStatusError,
    AsyncClassifier,
    BatchItem,
    BoundingBox,
    ClassificationResponse,
    ClassificationResult,
    Classifier,
    ClientOptions,
    ImageClassifyError,
    MissingCredentialsError,
    Prediction,
    ProviderError,
    ProviderName,
    RateLimitError,
    ServiceUnavailableError,
    UnknownProviderError,
)

HF = list[ImageClassificationOutputElement]
Roboflow = SingleLabelClassification | MultiLabelClassification

IMAGE = b"\x89PNG\r\n\x1a\n"


def per_provider_classifiers() -> None:
    """Classifier("<provider>") is typed by the provider name."""
    assert_type(Classifier("huggingface"), Classifier[HF])
    assert_type(Classifier("roboflow", model="cars/2"), Classifier[Roboflow])
    assert_type(Classifier("cloudflare", account_id="abc"), Classifier[ResNet50RunResponse])
    assert_type(Classifier("edge_impulse", model="1"), Classifier[ClassifyImageResponse])
    assert_type(Classifier("img_processing"), Classifier[IdentifyResponse])
    assert_type(AsyncClassifier("huggingface"), AsyncClassifier[HF])
    assert_type(AsyncClassifier("roboflow"), AsyncClassifier[Roboflow])
    assert_type(AsyncClassifier("cloudflare"), AsyncClassifier[ResNet50RunResponse])
    assert_type(AsyncClassifier("edge_impulse"), AsyncClassifier[ClassifyImageResponse])
    assert_type(AsyncClassifier("img_processing"), AsyncClassifier[IdentifyResponse])


def unknown_provider_names(name: str) -> None:
    """A provider name known only at run time falls back to Any."""
    assert_type(Classifier(name), Classifier[Any])
    assert_type(AsyncClassifier(name), AsyncClassifier[Any])
    assert_type(image_classify.classify(IMAGE, provider=name), ClassificationResult[Any])
    assert_type(image_classify.client(name), Any)


def sync_classifier(paths: list[Path]) -> None:
    hf = Classifier("huggingface", timeout=30.0, max_retries=3)
    result = hf.classify(IMAGE, top_k=3)
    assert_type(result, ClassificationResult[HF])
    assert_type(result.raw, HF)
    assert_type(result.raw[0].label, str)
    assert_type(result.raw[0].score, float)
    assert_type(result.provider, str)
    assert_type(result.model, str | None)
    assert_type(result.predictions, list[Prediction])
    assert_type(result.top, Prediction | None)
    assert_type(result.bounding_boxes, list[BoundingBox])
    if result.top is not None:
        assert_type(result.top.label, str)
        assert_type(result.top.score, float)
        assert_type(result.top.predicted, bool | None)

    # with_options() keeps the provider typing (Self).
    faster = hf.with_options(timeout=httpx.Timeout(5.0), max_retries=0)
    assert_type(faster, Classifier[HF])
    assert_type(faster.classify(paths[0]).raw, HF)
    assert_type(hf.with_options(function_to_apply="softmax"), Classifier[HF])

    detailed = hf.classify_detailed(IMAGE, extra_headers={"x-trace": "1"})
    assert_type(detailed, ClassificationResponse[HF])
    assert_type(detailed.result, ClassificationResult[HF])
    assert_type(detailed.result.raw, HF)
    assert_type(detailed.status_code, int)
    assert_type(detailed.request_id, str | None)
    assert_type(detailed.retries_taken, int)
    assert_type(detailed.elapsed, float)
    assert_type(detailed.headers, httpx.Headers)
    assert_type(detailed.http_response, httpx.Response)
    assert_type(detailed.responses, tuple[APIResponse[Any], ...])

    batch = hf.classify_many(paths, concurrency=4)
    assert_type(batch, Iterator[BatchItem[HF]])
    for item in batch:
        assert_type(item, BatchItem[HF])
        assert_type(item.index, int)
        assert_type(item.ok, bool)
        assert_type(item.error, ImageClassifyError | None)
        if item.result is not None:
            assert_type(item.result.raw, HF)

    # Properties of the classifier itself.
    assert_type(hf.provider, str)
    assert_type(hf.base_url, str)
    assert_type(hf.max_retries, int)
    assert_type(hf.timeout, httpx.Timeout | None)
    assert_type(hf.http_client, httpx.Client)
    hf.close()


def context_manager() -> None:
    with Classifier("roboflow", model="cars/2") as rf:
        raw = rf.classify("https://example.com/car.jpg").raw
        assert_type(raw, Roboflow)
        if isinstance(raw, MultiLabelClassification):
            assert_type(raw.predicted_classes, list[str])
        else:
            assert_type(raw, SingleLabelClassification)
            assert_type(raw.top, str)


async def async_classifier(paths: list[Path]) -> None:
    async with AsyncClassifier("cloudflare", account_id="abc") as cf:
        result = await cf.classify(IMAGE)
        assert_type(result, ClassificationResult[ResNet50RunResponse])
        assert_type(result.raw, ResNet50RunResponse)
        assert_type(cf.http_client, httpx.AsyncClient)

    ac = AsyncClassifier("huggingface")
    assert_type(ac.with_options(model="google/vit-base-patch16-224"), AsyncClassifier[HF])
    assert_type(await ac.classify(IMAGE), ClassificationResult[HF])
    assert_type(await ac.classify_detailed(IMAGE), ClassificationResponse[HF])

    async def uploads() -> AsyncIterator[bytes]:
        yield IMAGE

    assert_type(ac.classify_many(uploads()), AsyncIterator[BatchItem[HF]])
    stream = ac.classify_many(paths, concurrency=16)
    assert_type(stream, AsyncIterator[BatchItem[HF]])
    async for item in stream:
        assert_type(item, BatchItem[HF])
        if item.result is not None:
            assert_type(item.result.raw, HF)
    await ac.aclose()


def module_level_functions(paths: list[Path]) -> None:
    assert_type(
        image_classify.classify(IMAGE, provider="roboflow", model="cars/2"),
        ClassificationResult[Roboflow],
    )
    assert_type(
        image_classify.classify(IMAGE, provider="cloudflare").raw,
        ResNet50RunResponse,
    )
    assert_type(image_classify.classify(IMAGE, provider="huggingface").raw, HF)
    assert_type(
        image_classify.classify(IMAGE, provider="edge_impulse", model="1").raw,
        ClassifyImageResponse,
    )
    assert_type(
        image_classify.classify(IMAGE, provider="img_processing").raw,
        IdentifyResponse,
    )
    # Module-level batches are typed per provider too (see the end of this script).
    for item in image_classify.classify_many(paths, provider="huggingface", concurrency=4):
        assert_type(item.index, int)
        assert_type(item.error, ImageClassifyError | None)


async def module_level_async(paths: list[Path]) -> None:
    assert_type(
        await image_classify.aclassify(IMAGE, provider="cloudflare"),
        ClassificationResult[ResNet50RunResponse],
    )
    assert_type((await image_classify.aclassify(IMAGE, provider="huggingface")).raw, HF)
    async for item in image_classify.aclassify_many(paths, provider="huggingface"):
        assert_type(item.error, ImageClassifyError | None)


def generated_clients() -> None:
    hf = image_classify.client("huggingface")
    assert_type(hf, huggingface_client.AuthenticatedClient)
    assert_type(image_classify.client("roboflow"), roboflow_client.AuthenticatedClient)
    assert_type(image_classify.client("cloudflare"), cloudflare_client.AuthenticatedClient)
    assert_type(image_classify.client("edge_impulse"), edge_impulse_client.AuthenticatedClient)
    assert_type(image_classify.client("img_processing"), img_processing_client.AuthenticatedClient)
    assert_type(image_classify.client("nope"), Any)

    options = image_classify.options_of(hf)
    assert_type(options, ClientOptions)
    assert_type(options.max_retries, int)
    assert_type(options.timeout, httpx.Timeout | None)
    assert_type(image_classify.set_options(hf, max_retries=5), ClientOptions)

    # call(): the generated operation's own answer type, error models included.
    body = File(payload=open(__file__, "rb"))  # noqa: SIM115 (never run)
    answer = image_classify.call(
        hf_classify_image, client=hf, namespace="google", model_name="vit", body=body
    )
    assert_type(answer, ErrorResponse | ModelLoadingError | HF | None)
    response = image_classify.call_detailed(
        hf_classify_image, client=hf, namespace="google", model_name="vit", body=body
    )
    assert_type(response, APIResponse[ErrorResponse | ModelLoadingError | HF | None])
    assert_type(response.status_code, int)
    assert_type(response.request_id, str | None)
    assert_type(response.error, APIStatusError | APIResponseValidationError | None)
    assert_type(response.retries_taken, int)
    assert_type(response.elapsed, float)
    assert_type(response.http_response, httpx.Response)


def errors() -> None:
    try:
        Classifier("huggingface").classify(IMAGE)
    except RateLimitError as exc:
        assert_type(exc.status_code, int)
        assert_type(exc.retry_after, float | None)
    except ServiceUnavailableError as exc:
        assert_type(exc.estimated_time, float | None)
    except ProviderError as exc:
        assert_type(exc.codes, tuple[int | str, ...])
    except APIStatusError as exc:
        assert_type(exc.status_code, int)
        assert_type(exc.request_id, str | None)
        assert_type(exc.headers, httpx.Headers)
        assert_type(exc.body, bytes)
        assert_type(exc.response, httpx.Response)
        assert_type(exc.parsed, Any)
        assert_type(exc.message, str)
    except APIResponseValidationError as exc:
        assert_type(exc.status_code, int)
        assert_type(exc.body, bytes)
        assert_type(exc.response, httpx.Response)
    except APIConnectionError as exc:
        assert_type(exc.request, httpx.Request | None)
    except APIError as exc:
        assert_type(exc.message, str)
    except MissingCredentialsError as exc:
        assert_type(exc.provider, str | None)
        assert_type(exc.variables, tuple[str, ...])
    except UnknownProviderError as exc:
        assert_type(exc.choices, tuple[str, ...])
        value_error: ValueError = exc  # also a ValueError
        assert_type(value_error.args, tuple[Any, ...])
    except ImageClassifyError as exc:
        assert_type(str(exc), str)


def results_round_trip(result: ClassificationResult[HF]) -> None:
    data = result.to_dict()
    assert_type(data, dict[str, Any])
    assert_type(result.to_json(indent=2), str)
    assert_type(ClassificationResult.from_dict(data), ClassificationResult[Any])
    assert_type(result.predictions[0].to_dict(), dict[str, Any])


def provider_name_literal(provider: ProviderName) -> Classifier[Any]:
    """Code that takes any known provider (ProviderName is their Literal)."""
    return Classifier(provider)


def context_managers_keep_the_public_class() -> None:
    with Classifier("huggingface") as hf:
        assert_type(hf, Classifier[HF])


async def async_context_managers_keep_the_public_class() -> None:
    async with AsyncClassifier("huggingface") as hf:
        assert_type(hf, AsyncClassifier[HF])


async def module_level_batches_are_typed_per_provider(paths: list[Path]) -> None:
    batch = image_classify.classify_many(paths, provider="huggingface")
    assert_type(batch, Iterator[BatchItem[HF]])
    stream = image_classify.aclassify_many(paths, provider="huggingface")
    assert_type(stream, AsyncIterator[BatchItem[HF]])
    async for item in stream:
        if item.result is not None:
            assert_type(item.result.raw, HF)
