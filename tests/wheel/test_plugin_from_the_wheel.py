"""A team's own test suite using the pytest plugin of the installed wheel (entry point
`pytest11`), run by the venv's pytest in a project folder outside the checkout: with the
Prism mocks and with the pure-Python fake."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.wheel.conftest import PRISM, Installed

# The team's code: it only knows a Classifier.
APP = """
from image_classify import Classifier


def top_label(classifier: Classifier, image: bytes) -> str:
    return classifier.classify(image).predictions[0].label
"""

PNG = (
    "bytes.fromhex('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63fccf00000002000160e7274e0000000049454e44ae426082')"
)

TESTS = f"""
import pytest
from image_classify import AuthenticationError
from app import top_label

PNG = {PNG}


@pytest.mark.parametrize(
    "provider", ["edge_impulse", "img_processing", "roboflow", "huggingface", "cloudflare"]
)
def test_top_label(image_classify_mock, provider):
    assert top_label(image_classify_mock.classifier(provider), PNG)


def test_a_bad_key_is_a_typed_error(image_classify_mock):
    hf = image_classify_mock.classifier("huggingface", default_headers={{"Prefer": "code=401"}})
    with pytest.raises(AuthenticationError):
        top_label(hf, PNG)
"""

# A request the real API would reject: Roboflow's version must be at least 1.
REJECTED = f"""
from app import top_label

PNG = {PNG}


def test_version_zero(image_classify_mock):
    top_label(image_classify_mock.classifier("roboflow", model="vehicles/0"), PNG)
"""


def _project(installed: Installed, name: str, tests: str) -> Path:
    folder = installed.outside / name
    folder.mkdir()
    (folder / "app.py").write_text(textwrap.dedent(APP), encoding="utf-8")
    (folder / "test_app.py").write_text(textwrap.dedent(tests), encoding="utf-8")
    return folder


@pytest.mark.parametrize("backend", ["prism", "fake"])
def test_a_users_suite_passes_with_each_backend(installed: Installed, backend: str) -> None:
    folder = _project(installed, f"team-{backend}", TESTS)
    result = installed.run(
        "python", "-m", "pytest", "-p", "no:cacheprovider", "-q", str(folder),
        f"--image-classify-mock={backend}", f"--rootdir={folder}",
        IMAGE_CLASSIFY_PRISM=str(PRISM),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "6 passed" in result.stdout


@pytest.mark.parametrize("backend", ["prism", "fake"])
def test_a_request_the_spec_rejects_fails_the_users_test(
    installed: Installed, backend: str
) -> None:
    folder = _project(installed, f"rejected-{backend}", REJECTED)
    result = installed.run(
        "python", "-m", "pytest", "-p", "no:cacheprovider", "-q", str(folder),
        f"--image-classify-mock={backend}", f"--rootdir={folder}",
        IMAGE_CLASSIFY_PRISM=str(PRISM),
    )  # fmt: skip
    assert result.returncode == 1, result.stdout[-3000:]
    out = result.stdout
    assert "1 failed" in out
    assert "SpecViolation" in out
    assert "request path parameter 'version'" in out and "minimum 1" in out, out[-3000:]
    # The JSON pointer into the effective spec, where the rule is written.
    assert "(spec: #/components/parameters/Version/schema/minimum)" in out
