"""record=DIR against a real HTTP server on 127.0.0.1: one cassette per answer (retries and
redirect hops included), no credential and no image in any byte of any file, and a
recording failure that never fails the call."""

from __future__ import annotations

import asyncio
import base64
import errno
import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from image_classify import AsyncClassifier, Classifier
from image_classify._providers import provider_info
from image_classify._recording import REDACTED, Scrub
from tests.image_classify.test_validate_mode import GOOD, Answer, Planted, answer, planted
from tools.bench.cases import answer_for, sample_image

# Distinctive: found nowhere else, so a hit anywhere in a cassette is a leak.
KEY = "sk-REC-4f1d2b-UNIQUE-7a9e3c"
ECHO = [{"label": f"echo {KEY}", "score": 0.5}, *GOOD]


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IMAGE_CLASSIFY_VALIDATE", raising=False)
    monkeypatch.delenv("IMAGE_CLASSIFY_RECORD", raising=False)


def echoing(status: int = 200, value: Any = ECHO) -> Answer:
    """An answer that repeats the key in a header, a cookie and its body."""
    return Answer(
        status,
        json.dumps(value).encode(),
        headers=(("x-echo", f"you sent {KEY}"), ("set-cookie", f"session={KEY}")),
    )


def cassettes(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(path.read_bytes()) for path in sorted(folder.glob("*.json"))]


def assert_clean(folder: Path, image: bytes) -> None:
    """No byte of any file holds the key, the image, or the image's base64."""
    files = list(folder.iterdir())
    assert files
    for path in files:
        data = path.read_bytes()
        assert KEY.encode() not in data, path.name
        assert image[100:164] not in data, path.name
        assert base64.b64encode(image)[100:164] not in data, path.name
    assert not [p for p in files if p.name.endswith(".tmp")]


def image_refs(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        found = [value["image"]] if isinstance(value.get("image"), dict) else []
        return found + [ref for item in value.values() for ref in image_refs(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in image_refs(item)]
    return []


def make(server: Planted, folder: Path, **kwargs: Any) -> Classifier[Any]:
    kwargs.setdefault("max_retries", 0)
    return Classifier("huggingface", api_key=KEY, base_url=server.base_url, record=folder, **kwargs)


@pytest.mark.parametrize("top_k", [None, 3], ids=["raw bytes", "json base64"])
def test_a_cassette_holds_no_secret_and_no_image(tmp_path: Path, top_k: int | None) -> None:
    folder = tmp_path / "made" / "on demand"
    image = sample_image()
    with planted(echoing()) as server, make(server, folder) as hf:
        hf.classify(image, top_k=top_k, extra_query={"access_token": KEY, "keep": "me"})
    assert_clean(folder, image)
    [cassette] = cassettes(folder)
    assert cassette["cassette"] == 1
    assert cassette["provider"] == "huggingface"
    assert cassette["operation"] == "POST /models/{namespace}/{model_name}"
    assert cassette["generated"].endswith(".classify_image")
    request, response = cassette["request"], cassette["response"]
    assert request["headers"]["authorization"] == REDACTED
    assert "access_token=<redacted>" in request["url"] and "keep=me" in request["url"]
    assert response["headers"]["x-echo"] == f"you sent {REDACTED}"
    assert response["headers"]["set-cookie"] == REDACTED
    assert response["body"]["json"][0]["label"] == f"echo {REDACTED}"
    [ref] = image_refs(request["body"])
    assert ref["sha256"] == hashlib.sha256(image).hexdigest()
    assert ref["size"] == len(image)
    assert ref["media_type"] == "image/jpeg"


def test_a_query_key_and_a_base64_body(tmp_path: Path) -> None:
    """Roboflow: the key in the query string, the image as base64 text."""
    image = sample_image()
    _, documented = answer_for("roboflow")(httpx.Request("POST", "http://x/cars/2"))
    body = {**json.loads(documented), "echo": KEY}
    with (
        planted(answer(200, body), base_path="") as server,
        Classifier(
            "roboflow", api_key=KEY, base_url=server.base_url, record=tmp_path, max_retries=0
        ) as rf,
    ):
        rf.classify(image, model="cars/2")
    assert_clean(tmp_path, image)
    [cassette] = cassettes(tmp_path)
    assert "api_key=<redacted>" in cassette["request"]["url"]
    assert image_refs(cassette["request"]["body"])[0]["encoding"] == "base64"


def test_every_attempt_and_hop_is_a_cassette(tmp_path: Path) -> None:
    retry = Answer(503, b'{"error": "loading"}', headers=(("retry-after", "0"),))
    moved = Answer(307, b"", headers=(("location", "/hf-inference/models/google/vit-base"),))
    with planted(retry, moved, echoing()) as server:
        http = httpx.Client(follow_redirects=True)
        with make(server, tmp_path, max_retries=1, http_client=http) as hf:
            hf.classify(sample_image())
        http.close()
    statuses = [c["response"]["status"] for c in cassettes(tmp_path)]
    assert statuses == [503, 307, 200]
    assert_clean(tmp_path, sample_image())


def test_names_are_unique_under_concurrency(tmp_path: Path) -> None:
    with planted(echoing()) as server, make(server, tmp_path) as hf:
        items = list(hf.classify_many([sample_image()] * 24, concurrency=8))
    assert all(item.ok for item in items)
    assert len(list(tmp_path.glob("*.json"))) == 24


@pytest.mark.parametrize("fault", ["a file where the folder should be", "disk full"])
def test_a_recording_failure_never_fails_the_call(
    tmp_path: Path, fault: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "cassettes"
    if fault == "disk full":

        def full(*args: Any, **kwargs: Any) -> Any:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr("image_classify._recording.tempfile.mkstemp", full)
    else:
        folder.write_text("not a folder")
    with planted(echoing()) as server, make(server, folder) as hf:
        for _ in range(3):
            assert hf.classify(sample_image()).predictions[0].label == "tabby"
    warned = [r for r in caplog.records if r.levelno == logging.WARNING and "record:" in r.message]
    assert len(warned) == 1  # once, not per call
    assert str(folder) in warned[0].message


def test_the_environment_sets_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMAGE_CLASSIFY_RECORD", str(tmp_path))
    with (
        planted(echoing()) as server,
        Classifier("huggingface", api_key=KEY, base_url=server.base_url) as hf,
    ):
        hf.classify(sample_image())
        hf.with_options(record=tmp_path / "other").classify(sample_image())
    assert len(list(tmp_path.glob("*.json"))) == 1
    assert len(list((tmp_path / "other").glob("*.json"))) == 1


def test_async_records_the_same(tmp_path: Path) -> None:
    async def main(server: Planted) -> None:
        async with AsyncClassifier(
            "huggingface", api_key=KEY, base_url=server.base_url, record=tmp_path
        ) as hf:
            await asyncio.gather(*(hf.classify(sample_image()) for _ in range(4)))

    with planted(echoing()) as server:
        asyncio.run(main(server))
    assert len(cassettes(tmp_path)) == 4
    assert_clean(tmp_path, sample_image())


def test_images_inside_json_bodies_become_references() -> None:
    """Cloudflare's JSON form (a list of byte values) and a data: URL, as the scrubber sees
    them; a JSON key named like a secret is redacted too."""
    image = sample_image()
    scrub = Scrub(provider_info("cloudflare"), [KEY])
    body = orjson.dumps(
        {
            "image": list(image),
            "url": "data:image/jpeg;base64," + base64.b64encode(image).decode(),
            "client_secret": "hunter2",
            "note": f"key {KEY}",
        }
    )
    scrubbed = scrub.body(body, "application/json")["json"]
    assert scrubbed["image"]["image"]["encoding"] == "bytes"
    assert scrubbed["url"]["image"]["size"] == len(image)
    assert scrubbed["client_secret"] == REDACTED
    assert scrubbed["note"] == f"key {REDACTED}"
