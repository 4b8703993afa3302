"""Test doubles for code that uses image_classify: the five APIs without keys or network.

With pytest the fixtures come with the wheel (plugin `image_classify.testing.plugin`):

    def test_my_labels(image_classify_fake):
        with image_classify_fake.classifier("huggingface") as hf:
            assert hf.classify(png_bytes).top.label == "Blenheim spaniel"  # the spec's example

`image_classify_fake` (FakeAPIs, in process), `image_classify_prism` (PrismMocks, real
Prism mocks, session-wide) and `image_classify_mock` (whichever `--image-classify-mock`
chose). Without pytest: `fake_transport(provider)` for a Classifier's `transport=`, or a
FakeAPIs of your own. Every request is checked against the provider's spec first; one the
real API would reject raises SpecViolation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from image_classify.testing._examples import UndocumentedAnswer
    from image_classify.testing._fake import FakeAPIs
    from image_classify.testing._mocks import PLACEHOLDER_KEY, MockBase, PrismMocks
    from image_classify.testing._violations import SpecViolation

__all__ = [
    "PLACEHOLDER_KEY",
    "FakeAPIs",
    "MockBase",
    "PrismMocks",
    "SpecViolation",
    "UndocumentedAnswer",
    "fake_transport",
]

# Imported on first use: the pytest plugin imports this package in every test run.
_WHERE = {
    "UndocumentedAnswer": "_examples",
    "FakeAPIs": "_fake",
    "PLACEHOLDER_KEY": "_mocks",
    "MockBase": "_mocks",
    "PrismMocks": "_mocks",
    "SpecViolation": "_violations",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def fake_transport(provider: str) -> httpx.MockTransport:
    """An httpx transport (sync and async) that fakes `provider` in process, for
    `Classifier(provider, transport=..., api_key="any")` outside pytest: requests are
    checked against the spec (SpecViolation) and answered with its first example. Keep a
    FakeAPIs instead to read what was sent (`.requests`) or to `prefer()` a status."""
    from image_classify.testing._fake import FakeAPIs

    return FakeAPIs().transport(provider)
