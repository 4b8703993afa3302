# pyright: strict
"""The negative case: code that is wrong, line by line. Both mypy --strict and pyright
must report an error on exactly the lines marked `# expect-error` and on no other line,
which proves the checks in test_static_typing.py bite (the overloads are not silently
Any, the strict modes are on). Never run, not collected by pytest.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import assert_type

import httpx
import roboflow_client
from cloudflare_client.models import ResNet50RunResponse
from huggingface_client.models import ImageClassificationOutputElement

import image_classify
from image_classify import APIStatusError, AsyncClassifier, BatchItem, Classifier

HF = list[ImageClassificationOutputElement]
IMAGE = b""


def wrong_raw_types() -> None:
    assert_type(Classifier("huggingface").classify(b"").raw, int)  # expect-error
    assert_type(image_classify.classify(IMAGE, provider="cloudflare").raw, HF)  # expect-error
    cf: Classifier[ResNet50RunResponse] = Classifier("huggingface").with_options()  # expect-error
    assert_type(Classifier("huggingface").classify_detailed(IMAGE).result.raw, str)  # expect-error
    print(cf)


def wrong_clients() -> None:
    hf = image_classify.client("huggingface")
    assert_type(hf, roboflow_client.AuthenticatedClient)  # expect-error
    Classifier("huggingface", http_client=httpx.AsyncClient())  # expect-error
    AsyncClassifier("huggingface", http_client=httpx.Client())  # expect-error


def wrong_batches() -> None:
    many = AsyncClassifier("huggingface").classify_many([IMAGE])
    sync: Iterator[BatchItem[HF]] = many  # expect-error
    print(sync)


def wrong_errors(exc: APIStatusError) -> None:
    code: str = exc.status_code  # expect-error
    request_id: str = exc.request_id  # expect-error
    print(code, request_id)


def optional_top() -> None:
    result = Classifier("huggingface").classify(IMAGE)
    print(result.top.label)  # expect-error


def unannotated(image) -> None: ...  # expect-error


def not_an_image() -> None:
    Classifier("huggingface").classify(12345)  # expect-error
