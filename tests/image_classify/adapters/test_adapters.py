"""classify() per provider, through the real generated clients, on realistic answers.

Each answer below follows the provider's documentation (every response shape: Roboflow
single- and multi-label, Edge Impulse with bounding boxes, IMG Processing's upload then
classify, Hugging Face's list and its JSON request form, Cloudflare's envelope); the
transport is httpx.MockTransport, so what the typed client sends is checked too.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from image_classify import aclassify, classify
from image_classify.errors import (
    MissingCredentialsError,
    OptionError,
    ProviderError,
    ServiceUnavailableError,
    UnknownProviderError,
)

SAMPLE = Path(__file__).resolve().parents[3] / "samples" / "sample.jpg"
KEY = "adapter-test-key"

Handler = Callable[[httpx.Request], httpx.Response]


def recording(answers: list[tuple[int, Any]]) -> tuple[list[httpx.Request], Handler]:
    """A handler answering in order, keeping every request (body read)."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        status, body = answers[len(seen) - 1]
        return httpx.Response(status, json=body)

    return seen, handle


def run(
    provider: str, answers: list[tuple[int, Any]], **kwargs: Any
) -> tuple[Any, list[httpx.Request]]:
    seen, handle = recording(answers)
    with httpx.Client(transport=httpx.MockTransport(handle), base_url="https://api.test") as http:
        result = classify(
            kwargs.pop("image", SAMPLE),
            provider=provider,
            api_key=KEY,
            base_url="https://api.test",
            http_client=http,
            max_retries=0,
            **kwargs,
        )
    return result, seen


def test_roboflow_single_label() -> None:
    answer = {
        "time": 0.19064618100037478,
        "image": {"width": 210, "height": 113},
        "predictions": [
            {"class": "real-image", "confidence": 0.7149},
            {"class": "illustration", "confidence": 0.2851},
        ],
        "top": "real-image",
        "confidence": 0.7149,
        "image_path": "/cropped-images-1.jpg",
        "prediction_type": "ClassificationModel",
    }
    result, seen = run("roboflow", [(200, answer)], model="vehicle-classification-eapcd/2")
    assert [(p.label, p.score, p.predicted) for p in result.predictions] == [
        ("real-image", 0.7149, True),
        ("illustration", 0.2851, False),
    ]
    assert result.top.label == "real-image"
    assert type(result.raw).__name__ == "SingleLabelClassification"
    request = seen[0]
    assert request.url.path == "/vehicle-classification-eapcd/2"
    assert request.url.params["api_key"] == KEY
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert base64.b64decode(request.content) == SAMPLE.read_bytes()


def test_roboflow_multi_label_marks_predicted_classes() -> None:
    answer = {
        "time": 0.19291414400004214,
        "image": {"width": 113, "height": 210},
        "predictions": {
            "dent": {"confidence": 0.5253503322601318},
            "severe": {"confidence": 0.5804202556610107},
            "scratch": {"confidence": 0.1204},
        },
        "predicted_classes": ["dent", "severe"],
        "image_path": "/car-model-343.jpg",
        "prediction_type": "ClassificationModel",
    }
    result, _ = run("roboflow", [(200, answer)], model="car-damage/3")
    assert [(p.label, p.predicted) for p in result.predictions] == [
        ("severe", True),
        ("dent", True),
        ("scratch", False),
    ]
    assert type(result.raw).__name__ == "MultiLabelClassification"


def test_roboflow_takes_an_image_url_as_query_parameter() -> None:
    answer = {"predictions": [{"class": "cat", "confidence": 0.9}], "top": "cat", "confidence": 0.9}
    url = "https://source.roboflow.com/x/original.jpg"
    result, seen = run("roboflow", [(200, answer)], model="pets/1", image=url)
    assert seen[0].url.params["image"] == url
    assert seen[0].content == b""
    assert result.top.label == "cat"


def test_edge_impulse_result_map_and_bounding_boxes() -> None:
    answer = {
        "success": True,
        "result": {"cat": 0.8984375, "dog": 0.06640625, "other": 0.03515625},
        "boundingBoxes": [
            {"label": "cat", "x": 0.1, "y": 0.2, "width": 0.5, "height": 0.6, "score": 0.91}
        ],
    }
    result, seen = run("edge_impulse", [(200, answer)], model="12345", impulse_id=2, top_k=2)
    assert [p.label for p in result.predictions] == ["cat", "dog"]
    assert result.bounding_boxes[0].label == "cat"
    assert result.bounding_boxes[0].width == 0.5
    request = seen[0]
    assert request.url.path == "/api/12345/classify/image"
    assert request.url.params["impulseId"] == "2"
    assert request.headers["x-api-key"] == KEY
    assert b'name="image"; filename="sample.jpg"' in request.content
    assert b"Content-Type: image/jpeg" in request.content


def test_edge_impulse_success_false_in_a_200_is_an_error() -> None:
    answer = {"success": False, "error": "No impulse deployed for this project"}
    with pytest.raises(ProviderError, match="No impulse deployed"):
        run("edge_impulse", [(200, answer)], model="12345")


def test_img_processing_uploads_then_classifies_the_upload() -> None:
    image = {
        "id": "image_etm0g3x5iap4cld1qcfsjvo2",
        "name": "sample.jpg",
        "url": None,
        "width": 128,
        "height": 96,
        "format": "jpeg",
        "size": 2607,
        "created_at": "2021-09-01T12:00:00.000Z",
    }
    answer = {
        "main_label": "Tabby",
        "main_score": 0.4316079616546631,
        "secondary_labels": [
            {"label": "Tiger Cat", "score": 0.37503865361213684},
            {"label": "Egyptian Cat", "score": 0.124073326587677},
        ],
    }
    result, seen = run("img_processing", [(201, image), (201, answer)])
    assert [r.url.path for r in seen] == [
        "/v1/images/upload",
        "/v1/images/image_etm0g3x5iap4cld1qcfsjvo2/classify",
    ]
    assert [p.label for p in result.predictions] == ["Tabby", "Tiger Cat", "Egyptian Cat"]
    assert b'name="name"' in seen[0].content


def test_huggingface_raw_bytes_by_default() -> None:
    answer = [{"label": "tabby, tabby cat", "score": 0.82}, {"label": "tiger cat", "score": 0.11}]
    result, seen = run("huggingface", [(200, answer)])
    request = seen[0]
    assert request.url.path == "/models/google/vit-base-patch16-224"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["content-type"] == "application/octet-stream"
    assert request.content == SAMPLE.read_bytes()
    assert result.top.label == "tabby, tabby cat"
    assert result.model == "google/vit-base-patch16-224"


def test_huggingface_parameters_switch_to_the_json_form() -> None:
    answer = [{"label": "tabby, tabby cat", "score": 0.82}]
    result, seen = run(
        "huggingface",
        [(200, answer)],
        model="facebook/deit-base-distilled-patch16-224",
        top_k=1,
        function_to_apply="softmax",
    )
    body = json.loads(seen[0].content)
    assert body["parameters"] == {"top_k": 1, "function_to_apply": "softmax"}
    assert base64.b64decode(body["inputs"]) == SAMPLE.read_bytes()
    assert seen[0].url.path == "/models/facebook/deit-base-distilled-patch16-224"
    assert len(result.predictions) == 1


def test_huggingface_model_loading_is_a_typed_503() -> None:
    answer = {
        "error": "Model google/vit-base-patch16-224 is currently loading",
        "estimated_time": 20.0,
    }
    with pytest.raises(ServiceUnavailableError) as caught:
        run("huggingface", [(503, answer)])
    assert caught.value.estimated_time == 20.0


def test_cloudflare_envelope(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDFLARE_ACCOUNT_ID", "acc123")
    answer = {
        "result": [
            {"label": "PERSIAN CAT", "score": 0.4071170687675476},
            {"label": "PEKINESE", "score": 0.23444877564907074},
            {"label": "FEATHER BOA", "score": 0.22562485933303833},
        ],
        "success": True,
        "errors": [],
        "messages": [],
    }
    result, seen = run("cloudflare", [(200, answer)], top_k=2)
    assert seen[0].url.path == "/accounts/acc123/ai/run/@cf/microsoft/resnet-50"
    assert [p.label for p in result.predictions] == ["PERSIAN CAT", "PEKINESE"]


def test_cloudflare_success_false_envelope_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDFLARE_ACCOUNT_ID", "acc123")
    answer = {
        "result": None,
        "success": False,
        "errors": [{"code": 5007, "message": "No such model"}],
        "messages": [],
    }
    with pytest.raises(ProviderError, match="No such model"):
        run("cloudflare", [(200, answer)])


def test_cloudflare_without_account_id_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLOUDFLARE_ACCOUNT_ID", raising=False)
    with pytest.raises(MissingCredentialsError, match="CLOUDFLARE_ACCOUNT_ID"):
        run("cloudflare", [])


def test_image_inputs_bytes_file_object_and_pil() -> None:
    answer = [{"label": "x", "score": 0.5}]
    data = SAMPLE.read_bytes()
    for image in (data, SAMPLE.open("rb"), str(SAMPLE)):
        _, seen = run("huggingface", [(200, answer)], image=image)
        assert seen[0].content == data
    pil = pytest.importorskip("PIL.Image")
    _, seen = run("huggingface", [(200, answer)], image=pil.open(SAMPLE))
    assert seen[0].content[:3] == b"\xff\xd8\xff"  # re-encoded as JPEG


@pytest.mark.parametrize(
    ("provider", "kwargs", "error", "match"),
    [
        ("clarifai", {}, UnknownProviderError, "Valid choices"),
        ("roboflow", {"model": "no-version"}, OptionError, "dataset/version|vehicle"),
        ("edge_impulse", {"model": "abc"}, OptionError, "project id"),
        ("huggingface", {"top_k": 0}, OptionError, "top_k"),
        ("huggingface", {"colour": "red"}, OptionError, "colour"),
        ("huggingface", {"function_to_apply": "tanh"}, OptionError, "sigmoid"),
    ],
)
def test_bad_arguments_are_typed_errors(
    provider: str, kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        run(provider, [], **kwargs)


def test_aclassify_is_the_async_twin() -> None:
    answer = [{"label": "tabby", "score": 0.9}]
    seen, handle = recording([(200, answer)])

    async def go() -> Any:
        async with httpx.AsyncClient(
            transport=httpx.MockTransport(handle), base_url="https://api.test"
        ) as http:
            return await aclassify(
                SAMPLE,
                provider="huggingface",
                api_key=KEY,
                base_url="https://api.test",
                http_client=http,
            )

    result = asyncio.run(go())
    assert result.top.label == "tabby"
    assert seen[0].content == SAMPLE.read_bytes()
