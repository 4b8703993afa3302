"""`image-classify --mock` and `image-classify mock` from the installed wheel, in a folder
outside the checkout: the mocks serve the documents the wheel ships."""

from __future__ import annotations

import shutil

from image_classify._providers import providers
from tests.wheel.conftest import PRISM, SAMPLE, Installed


def test_every_provider_against_the_mocks_from_the_wheel(installed: Installed) -> None:
    shutil.copy(SAMPLE, installed.outside / "sample.jpg")
    result = installed.run(
        "image-classify", "sample.jpg", "--provider", "all", "--mock",
        IMAGE_CLASSIFY_PRISM=str(PRISM),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    for key in providers():
        assert key in result.stdout, key
    assert "PERSIAN CAT" in result.stdout  # Cloudflare's documented example, via its mock
    assert "Traceback" not in result.stderr


def test_without_node_the_error_names_what_to_install(installed: Installed) -> None:
    shutil.copy(SAMPLE, installed.outside / "sample.jpg")
    result = installed.run(
        "image-classify", "sample.jpg", "--provider", "cloudflare", "--mock",
        PATH=str(installed.bin),  # the venv's commands only: no node, no npx
    )  # fmt: skip
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    said = result.stderr
    assert "Node" in said and "IMAGE_CLASSIFY_PRISM" in said and "fake" in said, said
