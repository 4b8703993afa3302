"""FakeAPIs directly (no pytest plugin machinery): answers, preferences, violations."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from image_classify import AuthenticationError, Classifier, NotFoundError, RateLimitError
from image_classify.testing import (
    PLACEHOLDER_KEY,
    FakeAPIs,
    SpecViolation,
    UndocumentedAnswer,
    fake_transport,
)
from tests.image_classify.testing.test_examples import FIRST_LABELS

# A 1x1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63fccf00000002000160e7274e0000000049454e44ae426082"
)
CLOUDFLARE_RUN = "/accounts/023e105f4ecef8ad9ca31a8372d0c353/ai/run/@cf/microsoft/resnet-50"


@pytest.fixture
def fake() -> FakeAPIs:
    return FakeAPIs()


@pytest.mark.parametrize("provider", list(FIRST_LABELS))
def test_each_provider_answers_with_its_first_example(fake: FakeAPIs, provider: str) -> None:
    with fake.classifier(provider) as classifier:
        assert classifier.classify(PNG).predictions[0].label == FIRST_LABELS[provider]
        assert classifier.base_url == fake.base_url(provider)  # the real server's URL
    assert not fake.violations
    assert all(r.url.host == httpx.URL(fake.base_url(provider)).host for r in fake.requests)


def test_the_async_classifier_uses_the_same_fake(fake: FakeAPIs) -> None:
    async def main() -> str:
        async with fake.async_classifier("cloudflare") as cloudflare:
            return (await cloudflare.classify(PNG)).predictions[0].label

    assert asyncio.run(main()) == "PERSIAN CAT"
    assert len(fake.requests) == 1


def test_prefer_a_code_gives_the_typed_error(fake: FakeAPIs) -> None:
    fake.prefer("huggingface", code=401)
    with pytest.raises(AuthenticationError, match="Invalid credentials"):
        fake.classifier("huggingface").classify(PNG)


def test_prefer_times_and_reset(fake: FakeAPIs) -> None:
    classifier = fake.classifier("roboflow")
    fake.prefer("roboflow", code=429, times=1)
    with pytest.raises(RateLimitError):
        classifier.classify(PNG)
    assert classifier.classify(PNG).predictions[0].label == "real-image"
    fake.prefer("roboflow", example="multiLabel")
    assert classifier.classify(PNG).raw is not None
    fake.prefer("roboflow")
    assert classifier.classify(PNG).predictions[0].label == "real-image"


def test_prefer_one_operation_of_a_two_call_flow(fake: FakeAPIs) -> None:
    fake.prefer("img_processing", code=404, operation="classify")
    with pytest.raises(NotFoundError):
        fake.classifier("img_processing").classify(PNG)
    assert [r.url.path for r in fake.requests][-1].endswith("/classify")


def test_the_prefer_header_as_prism_reads_it(fake: FakeAPIs) -> None:
    classifier = fake.classifier("huggingface")
    top = classifier.classify(PNG, extra_headers={"Prefer": "example=cats"}).predictions[0]
    assert top.label == "Egyptian cat"


def test_an_undocumented_code_is_a_clear_error(fake: FakeAPIs) -> None:
    fake.prefer("edge_impulse", code=404)
    with pytest.raises(UndocumentedAnswer, match=r"documents no 404 answer \(documented: 200\)"):
        fake.classifier("edge_impulse").classify(PNG)


def test_a_rejected_request_raises_with_the_specs_words_and_pointers(fake: FakeAPIs) -> None:
    with pytest.raises(SpecViolation) as caught:
        fake.classifier("roboflow", model="vehicles/0").classify(PNG)
    (deviation,) = caught.value.deviations
    assert deviation.spec_pointer == "/components/parameters/Version/schema/minimum"
    assert "request path parameter 'version': minimum 1" in str(caught.value)
    assert fake.violations == [caught.value]


def test_a_wrong_content_type_through_the_transport(fake: FakeAPIs) -> None:
    classifier = fake.classifier("cloudflare")
    headers = {"Content-Type": "text/plain", "Authorization": f"Bearer {PLACEHOLDER_KEY}"}
    with pytest.raises(SpecViolation, match="one of the documented media types"):
        classifier.http_client.post(CLOUDFLARE_RUN, content=PNG, headers=headers)


def test_a_missing_credential_is_a_violation(fake: FakeAPIs) -> None:
    classifier = fake.classifier("cloudflare")
    headers = {"Content-Type": "application/octet-stream"}
    with pytest.raises(SpecViolation, match="request header 'Authorization'"):
        classifier.http_client.post(CLOUDFLARE_RUN, content=PNG, headers=headers)


def test_an_unknown_path_is_a_violation(fake: FakeAPIs) -> None:
    classifier = fake.classifier("cloudflare")
    with pytest.raises(SpecViolation):
        classifier.http_client.post("/nowhere", content=PNG)


def test_expect_violation_collects_and_suppresses(fake: FakeAPIs) -> None:
    with fake.expect_violation(match="maxLength 32") as caught:
        fake.classifier("cloudflare", account_id="x" * 40).classify(PNG)
    assert len(caught) == 1 and caught[0].expected
    assert fake.unexpected_violations() == []


def test_expect_violation_fails_when_none_happens(fake: FakeAPIs) -> None:
    with pytest.raises(AssertionError, match="none was sent"), fake.expect_violation():
        fake.classifier("cloudflare").classify(PNG)


def test_fake_transport_without_pytest() -> None:
    with Classifier("huggingface", api_key="any", transport=fake_transport("huggingface")) as hf:
        assert hf.classify(PNG).predictions[0].label == "Blenheim spaniel"


def test_classifiers_are_closed_by_close(fake: FakeAPIs) -> None:
    classifier = fake.classifier("huggingface")
    fake.close()
    assert classifier.http_client.is_closed
