"""image_classify._spec_check on hostile input: whatever a server or a caller sends becomes
Deviations, never an exception; the checker's libraries load only when a check runs, and
each validator is built once."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from image_classify._spec_check import MAX_PER_PART, check_request, check_response
from image_classify._spec_match import index_for
from tests.image_classify.test_spec_check import CF_URL, HF_URL, JSON, RF_URL, SECRET, only

BEARER = {"Authorization": f"Bearer {SECRET}"}
HOSTILE_BODIES = [
    b"",
    b"\xff\xfe\x00garbage",
    b"[" * 200_000,
    b'{"a": ' * 50_000 + b"1" + b"}" * 50_000,
    b"NaN",
    b"[" + b"9" * 10_000 + b"]",
    b'"\\ud800"',
    b"\x00" * 1000,
    json.dumps([[{"label": 1}] * 3] * 3).encode(),
]
HOSTILE_CONTENT_TYPES = [
    "application/json",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=x\r\nX-Evil: 1",
    "application/x-www-form-urlencoded",
    "text/plain; charset=\xff",
    ";;;",
    "*/*",
]


@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=range(len(HOSTILE_BODIES)))
def test_hostile_response_bodies_become_deviations(body: bytes) -> None:
    for provider, url in (("huggingface", HF_URL), ("cloudflare", CF_URL), ("roboflow", RF_URL)):
        found = check_response(provider, "POST", url, 200, JSON, body)
        assert found and all(d.part == "response body" for d in found)


def test_not_json_says_why() -> None:
    found = check_response("huggingface", "POST", HF_URL, 200, JSON, b"[" * 200_000)
    assert only(found).expected == "the body is not JSON this checker can read: nested too deeply"
    found = check_response("huggingface", "POST", HF_URL, 200, JSON, b"NaN")
    assert only(found).expected == "the body is not JSON: NaN is not a JSON value"
    found = check_response("huggingface", "POST", HF_URL, 200, JSON, b"\xff")
    assert only(found).expected.startswith("the body is not JSON: not UTF-8")


@pytest.mark.parametrize("content_type", HOSTILE_CONTENT_TYPES)
@pytest.mark.parametrize("provider", ["edge_impulse", "img_processing", "roboflow"])
def test_hostile_request_content_types_never_raise(provider: str, content_type: str) -> None:
    urls = {
        "edge_impulse": "https://studio.edgeimpulse.com/v1/api/1/classify/image",
        "img_processing": "https://api.img-processing.com/v1/images/upload",
        "roboflow": RF_URL,
    }
    for body in HOSTILE_BODIES[:4]:
        headers = {"Content-Type": content_type, "x-api-key": "k"}
        assert isinstance(check_request(provider, "POST", urls[provider], headers, body), list)


def test_multipart_without_boundary() -> None:
    url = "https://studio.edgeimpulse.com/v1/api/1/classify/image"
    headers = {"Content-Type": "multipart/form-data", "x-api-key": "k"}
    deviation = only(check_request("edge_impulse", "POST", url, headers, b"--x\r\n\r\n"))
    assert deviation.expected == "a multipart/form-data body with a boundary"


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1/models/a/b",
        "not a url",
        "https://h/models/%ZZ/b",
        "https://h/models/" + "/" * 10_000 + "a/b",
        "https://h/" + "a/" * 5_000,
        "https://h/models/a/b?x-use-cache=%ff&&&==",
    ],
)
def test_hostile_urls_never_raise(url: str) -> None:
    assert isinstance(check_request("huggingface", "POST", url, BEARER, b"x"), list)
    assert isinstance(check_response("huggingface", "POST", url, 200, JSON, b"[]"), list)


def test_hostile_header_values() -> None:
    headers = BEARER | {"x-use-cache": "maybe", "x-wait-for-model": "", "Content-Type": "image/*"}
    found = check_request("huggingface", "POST", HF_URL, headers, b"x")
    assert [d.part for d in found] == [
        "request header 'x-use-cache'",
        "request header 'x-wait-for-model'",
        "request Content-Type",
    ]


def test_deviations_are_capped_per_part() -> None:
    body = json.dumps([{"label": 1, "score": "x"}] * 50).encode()
    found = check_response("huggingface", "POST", HF_URL, 200, JSON, body)
    assert len(found) == MAX_PER_PART
    assert [d.pointer for d in found[:3]] == ["/0/label", "/0/score", "/1/label"]


def test_validators_are_built_once_per_schema() -> None:
    body = json.dumps([{"label": "a", "score": 1}]).encode()
    assert check_response("huggingface", "POST", HF_URL, 200, JSON, body) == []
    index = index_for("huggingface")
    built = dict(index.validators)
    assert check_response("huggingface", "POST", HF_URL, 200, JSON, body) == []
    assert index.validators == built
    assert all(index.validators[key] is built[key] for key in built)
    assert index_for("huggingface") is index


def test_importing_the_package_loads_no_validator_library() -> None:
    code = (
        "import image_classify, image_classify._spec_check, sys; "
        "print(any(m in sys.modules for m in ('jsonschema', 'openapi_schema_validator')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"
