"""replay(): recorded cassettes back through the spec checker and the typed clients. Good
answers from every provider replay green; each planted deviation is flagged with its
pointer and the overlay target that would make the spec accept it; a broken cassette is a
finding naming the file and the field."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import jsonpath_rfc9535
import pytest

from image_classify import Classifier, cassette_paths, replay, replay_one
from image_classify._replay import jsonpath
from image_classify._spec_files import effective_spec
from tests.image_classify.loopback import loopback
from tests.image_classify.test_validate_mode import PLANTED, planted
from tools.bench.cases import provider_cases, sample_image

KEY = "sk-replay-test-2b7e9d41"


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IMAGE_CLASSIFY_VALIDATE", raising=False)
    monkeypatch.delenv("IMAGE_CLASSIFY_RECORD", raising=False)


@pytest.fixture(scope="module")
def good_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One classification per provider against its documented answers, recorded."""
    folder = tmp_path_factory.mktemp("good")
    for case in provider_cases():
        with loopback(case.provider) as server:
            kwargs = {**case.classifier_kwargs(), "base_url": server.base_url}
            with Classifier(case.provider, api_key=KEY, record=folder, **kwargs) as classifier:
                classifier.classify(sample_image(), top_k=case.top_k)
    return folder


def test_good_answers_replay_green(good_folder: Path) -> None:
    report = replay(good_folder)
    assert report.ok, report.render()
    total = len(cassette_paths(good_folder))
    assert total >= len(provider_cases())  # IMG Processing makes two calls
    assert report.render().endswith(
        f"{total} cassettes: {total} ok, 0 with deviations, 0 unreadable"
    )
    assert {o.provider for o in report.outcomes} == {c.provider for c in provider_cases()}


def test_providers_narrow_the_replay(good_folder: Path) -> None:
    report = replay(good_folder, providers=["cloudflare"])
    assert [o.provider for o in report.outcomes] == ["cloudflare"]


def test_one_test_per_cassette(good_folder: Path) -> None:
    """What a pytest parametrization over a team's cassette folder does."""
    for path in cassette_paths(good_folder):
        outcome = replay_one(path)
        assert outcome.ok, "\n".join(outcome.lines())


def record(folder: Path, kind: str) -> None:
    with (
        planted(PLANTED[kind][0]) as server,
        Classifier(
            "huggingface", api_key=KEY, base_url=server.base_url, record=folder, max_retries=0
        ) as hf,
        contextlib.suppress(Exception),  # what the typed client makes of it is replay's to say
    ):
        hf.classify(sample_image())


def selects(provider: str, target: str) -> bool:
    """Whether an overlay with this target would select a node of the effective spec."""
    base = target.split("[?", 1)[0]  # a filter selects inside an array that must exist
    return bool(jsonpath_rfc9535.find(base, effective_spec(provider)))


@pytest.mark.parametrize("kind", list(PLANTED))
def test_a_planted_deviation_is_flagged_with_its_overlay(tmp_path: Path, kind: str) -> None:
    _, pointer, readable = PLANTED[kind]
    record(tmp_path, kind)
    report = replay(tmp_path)
    assert not report.ok
    [outcome] = report.outcomes
    assert outcome.deviations and outcome.suggestions
    text = report.render()
    assert pointer in text
    assert "overlay " in text
    for suggestion in outcome.suggestions:
        assert suggestion.action in ("update", "remove")
        assert suggestion.target.startswith("$.")
        assert selects("huggingface", suggestion.target), suggestion
    if readable:
        assert outcome.kind == "deviations"
        assert text.endswith("1 cassettes: 0 ok, 1 with deviations, 0 unreadable")
    elif outcome.error is not None:  # the typed client's own words
        assert "typed client: Hugging Face Inference answered HTTP 200 but" in text
        assert outcome.kind == "unreadable"


def test_an_undocumented_status_suggests_documenting_it(tmp_path: Path) -> None:
    record(tmp_path, "undocumented status")
    [outcome] = replay(tmp_path).outcomes
    [suggestion] = outcome.suggestions
    assert suggestion.target == "$.paths['/models/{namespace}/{model_name}'].post.responses"
    assert suggestion.action == "update"
    assert "418" in suggestion.why


def test_jsonpath_of_a_pointer() -> None:
    document: dict[str, Any] = {"paths": {"/a/{b}": {"post": {"x": [{"y-z": 1}]}}}}
    assert (
        jsonpath(document, "/paths/~1a~1{b}/post/x/0/y-z") == "$.paths['/a/{b}'].post.x[0]['y-z']"
    )
    assert jsonpath(document, "") == "$"


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (b"{not json", "not JSON"),
        (b'{"cassette": 99}', "field `cassette`: version 99"),
        (b'{"cassette": 1, "provider": "roboflow"}', "field `generated` is missing"),
        (b"[]", "not a cassette"),
    ],
)
def test_a_broken_cassette_names_the_file_and_the_field(
    tmp_path: Path, good_folder: Path, content: bytes, field: str
) -> None:
    good = cassette_paths(good_folder)[0]
    (tmp_path / good.name).write_bytes(good.read_bytes())
    (tmp_path / "zz-broken.json").write_bytes(content)
    report = replay(tmp_path)
    assert not report.ok
    lines = report.render().splitlines()
    assert lines[-1] == "2 cassettes: 1 ok, 0 with deviations, 1 unreadable"
    broken = [line for line in lines if "zz-broken.json" in line]
    assert broken and field in broken[0]
    assert "Traceback" not in report.render()


def test_a_missing_nested_field_is_named(tmp_path: Path, good_folder: Path) -> None:
    data = json.loads(cassette_paths(good_folder)[0].read_bytes())
    del data["response"]["status"]
    (tmp_path / "x.json").write_text(json.dumps(data))
    [outcome] = replay(tmp_path).outcomes
    assert outcome.problem is not None and "field `response.status` is missing" in outcome.problem
