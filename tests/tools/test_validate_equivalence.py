"""The fast walk (tools.validate_fast) reports exactly what openapi-spec-validator 0.9 reports.

`problems()` answers from `fast_problems` (its own walk, jsonschema-rs for verdicts, the
reference's code for every message) and falls back to `reference_problems` (the library's
own `iter_errors`). Here both run on the three real Cloudflare documents (78 to 197
problems each), on our five effective specs, and on those specs with every kind of
problem the walk reports planted in them; the two lists must be identical, order included.
"""

from __future__ import annotations

import copy
import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import tools.validate as validate
from tests.conftest import shared_dir as find_shared_dir
from tools.effective import build
from tools.manifest import select
from tools.validate import problems
from tools.validate_fast import fast_problems
from tools.validate_reference import Problem, reference_problems

CLOUDFLARE = ("2024-01-10", "2024-06-10", "2024-08-06")
PROVIDERS = [provider.key for provider in select()]


def _reference_of_file(path: str) -> list[Problem]:
    return reference_problems(json.loads(Path(path).read_text(encoding="utf-8")), path)


@pytest.fixture(scope="module")
def cloudflare_reference() -> dict[str, list[Problem]]:
    """The reference's answers (about 7 s each), two at a time. Forked workers share this
    process's hash seed, so set-ordered message parts come out the same."""
    upstream = find_shared_dir() / "upstream" / "cloudflare"
    paths = {v: str(upstream / f"openapi-{v}.json") for v in CLOUDFLARE}
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        answers = dict(zip(paths, pool.map(_reference_of_file, paths.values()), strict=True))
    return answers


@pytest.mark.parametrize("version", CLOUDFLARE)
def test_real_cloudflare_documents(
    version: str, shared_dir: Path, cloudflare_reference: dict[str, list[Problem]]
) -> None:
    path = shared_dir / "upstream" / "cloudflare" / f"openapi-{version}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    fast = fast_problems(document, str(path))
    assert fast is not None, "the fast walk fell back to the reference"
    assert fast == cloudflare_reference[version]
    assert len(fast) >= 78  # lowercase 4xx keys, 'true' defaults, ... (see docs/benchmarks.md)


def _effective(provider: str) -> dict[str, Any]:
    return build(select([provider])[0]).document


@pytest.mark.parametrize("provider", PROVIDERS)
def test_effective_specs(provider: str) -> None:
    document = _effective(provider)
    assert fast_problems(document, provider) == reference_problems(document, provider) == []


def _plant_problems(document: dict[str, Any]) -> None:
    """One of each problem the keyword walk reports, and a meta-check failure of each kind
    jsonschema-rs must defer to the reference for."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(
        {
            "BadType": {"type": "foo"},
            "BadPattern": {"type": "string", "pattern": "["},
            "BadRequired": {"type": "object", "required": "name"},
            "FloatLength": {"type": "string", "minLength": 1.5},
            "ExtraRequired": {"allOf": [{"properties": {"a": {}}}], "required": ["a", "b"]},
            "BadDefault": {"type": "integer", "default": "x"},
            "NullableDefault": {"type": "integer", "nullable": True, "default": None},
            "RefToBadDefault": {"$ref": "#/components/schemas/BadDefault"},
            "Nested": {
                "type": "object",
                "properties": {
                    "inner": {"type": "array", "items": {"type": "string", "default": 3}},
                    "ref": {"$ref": "#/components/schemas/ExtraRequired"},
                },
            },
            "OwnDialect": {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "type": "string",
            },
            "NotASchema": 5,
        }
    )
    first_path, first_item = next(iter(document["paths"].items()))
    operation = copy.deepcopy(next(v for k, v in first_item.items() if k in ("get", "post")))
    operation.setdefault("operationId", "planted")
    first_item.setdefault("post", copy.deepcopy(operation))
    document["paths"]["/planted/{missing}"] = {
        "post": {**operation, "parameters": [{"name": "q", "in": "query", "schema": {}}] * 2}
    }
    document["paths"][first_path + "/also"] = {"get": operation}
    document["tags"] = [{"name": "twice"}, {"name": "twice"}]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_planted_problems(provider: str) -> None:
    document = _effective(provider)
    _plant_problems(document)
    fast = fast_problems(document, provider)
    assert fast is not None, "the fast walk fell back to the reference"
    assert fast == reference_problems(document, provider)
    messages = " ".join(problem.message for problem in fast)
    for expected in ("Duplicate tag name", "Duplicate parameter", "was not resolved", "'x'"):
        assert expected in messages


def test_a_remote_ref_goes_to_the_reference() -> None:
    document = _effective("roboflow")
    document["components"]["schemas"]["Remote"] = {"$ref": "https://example.com/s.json#/A"}
    assert fast_problems(document, "roboflow") is None
    with pytest.raises(Exception) as raised:  # the reference cannot resolve it (no network)
        reference_problems(document, "roboflow")
    with pytest.raises(type(raised.value)):
        problems(document, "roboflow")


def test_the_reference_can_be_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any) -> None:
        raise AssertionError("the fast walk ran")

    monkeypatch.setenv("TOOLS_OPENAPI_VALIDATOR", "reference")
    monkeypatch.setattr(validate, "fast_problems", refuse)
    document = _effective("huggingface")
    document["components"]["schemas"]["BadType"] = {"type": "foo"}
    assert problems(document, "huggingface") == reference_problems(document, "huggingface")
