"""classify() and aclassify() end to end against the Prism mocks, for every provider
of the manifest."""

from __future__ import annotations

import asyncio

import pytest

from image_classify import ClassificationResult, aclassify, classify
from image_classify._providers import providers
from tools.manifest import ROOT

pytestmark = pytest.mark.contract
SAMPLE = ROOT / "samples" / "sample.jpg"
KEYS = list(providers())


@pytest.fixture(autouse=True)
def _extra_values(monkeypatch: pytest.MonkeyPatch) -> None:
    for info in providers().values():  # e.g. an account id
        for name in info.auth.extra_env:
            monkeypatch.setenv(name, "023e105f4ecef8ad9ca31a8372d0c353")


def check(result: ClassificationResult, key: str) -> None:
    assert result.provider == key
    assert result.predictions, f"{key}: no predictions"
    scores = [p.score for p in result.predictions]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert result.top is result.predictions[0]
    assert type(result.raw).__module__.startswith(providers()[key].package) or isinstance(
        result.raw, list
    )


@pytest.mark.parametrize("key", KEYS)
def test_classify_through_the_mock(key: str, mock_urls: dict[str, str]) -> None:
    result = classify(
        SAMPLE,
        provider=key,
        model=providers()[key].example_model,
        api_key="e2e-key",
        base_url=mock_urls[key],
        top_k=3,
    )
    check(result, key)
    assert len(result.predictions) <= 3


@pytest.mark.parametrize("key", KEYS)
def test_aclassify_through_the_mock(key: str, mock_urls: dict[str, str]) -> None:
    result = asyncio.run(
        aclassify(
            SAMPLE,
            provider=key,
            model=providers()[key].example_model,
            api_key="e2e-key",
            base_url=mock_urls[key],
        )
    )
    check(result, key)
