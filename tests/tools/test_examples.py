"""regen validates every example of the effective spec against its schema (jsonschema,
OpenAPI 3.1 semantics; a 3.0 document's `nullable` honoured) and checks that binary request
bodies carry the `minLength: 1` Prism needs."""

from __future__ import annotations

from typing import Any

import pytest

from tests.project_copy import ProjectCopy
from tools import binary_bodies, examples
from tools import effective as eff
from tools.errors import ToolError
from tools.manifest import select

PROVIDERS = {p.key: p for p in select(None)}
DOG = "/paths/~1models~1{namespace}~1{model_name}/post/responses/200/content/application~1json"


def build(key: str) -> eff.Effective:
    return eff.build(PROVIDERS[key])


@pytest.mark.parametrize("key", sorted(PROVIDERS))
def test_the_effective_specs_pass(key: str) -> None:
    effective = build(key)
    assert examples.find_examples(effective.document), f"{key} has examples to check"
    assert examples.problems(effective) == []
    assert binary_bodies.problems(effective) == []


def test_a_wrong_media_type_example_names_pointer_file_and_problem() -> None:
    effective = build("huggingface")
    media = examples.at_pointer(effective.document, DOG)
    media["examples"]["dog"]["value"][0]["score"] = "high"
    [line] = examples.problems(effective)
    assert line.startswith(f"#{DOG}/examples/dog/value (added or changed by overlays/")
    assert "'high' is not of type 'number' at /0/score" in line
    assert "(schema #/components/schemas/ImageClassificationOutput, keyword `type`)" in line
    with pytest.raises(ToolError, match="1 example\\(s\\) do not match their schema"):
        examples.check_examples(effective)


def test_an_example_the_spec_holds_is_located_in_the_spec() -> None:
    effective = build("img_processing")
    schema = effective.document["components"]["schemas"]["IdentifyResponse"]
    schema["properties"]["main_label"]["maxLength"] = 2  # the schema changed, not the example
    found = examples.problems(effective)
    [line] = [x for x in found if x.startswith("#/components/schemas/IdentifyResponse/examples/0 ")]
    assert "(specs/img_processing.yaml:128:11)" in line
    assert "'Tabby' is too long at /main_label" in line
    assert "keyword `maxLength`" in line


def test_parameter_and_schema_examples_are_checked() -> None:
    effective = build("huggingface")
    parameter = effective.document["components"]["parameters"]["ModelNamespace"]
    parameter["example"] = "not a slug!"
    schema = effective.document["components"]["schemas"]["ImageClassificationInput"]
    schema["examples"] = [{"parameters": {}}]  # 3.1 schema examples: `inputs` is required
    found = "\n".join(examples.problems(effective))
    assert "#/components/parameters/ModelNamespace/example" in found
    assert "does not match" in found
    assert "#/components/schemas/ImageClassificationInput/examples/0" in found
    assert "'inputs' is a required property" in found


def _openapi_30(schema: dict[str, Any], example: Any) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "components": {"schemas": {"Thing": {**schema, "example": example}}},
    }


@pytest.mark.parametrize(
    ("schema", "example", "valid"),
    [
        ({"type": "string", "nullable": True}, None, True),
        ({"type": "string"}, None, False),
        ({"type": "string", "enum": ["a"], "nullable": True}, None, True),
        ({"allOf": [{"type": "string"}], "nullable": True}, None, True),
        ({"type": "number", "maximum": 1, "exclusiveMaximum": True}, 1, False),
        ({"type": "number", "maximum": 1, "exclusiveMaximum": False}, 1, True),
    ],
)
def test_openapi_30_semantics(schema: dict[str, Any], example: Any, valid: bool) -> None:
    effective = build("edge_impulse")
    effective.document = _openapi_30(schema, example)
    assert (examples.problems(effective) == []) is valid


def test_a_binary_body_without_min_length_names_operation_file_and_fix() -> None:
    effective = build("cloudflare")
    [(method, path, operation)] = effective.operations()
    del operation["requestBody"]["content"]["application/octet-stream"]["schema"]["minLength"]
    [text] = binary_bodies.problems(effective)
    assert text.startswith(f"{method} {path} (")
    assert "application/octet-stream body" in text and "overlays/cloudflare.yaml" in text
    assert "['application/octet-stream'].schema" in text and "minLength: 1" in text
    with pytest.raises(ToolError, match="answers 422"):
        binary_bodies.check_binary_bodies(effective)


BAD_EXAMPLE = """
  - target: $.components.parameters.ModelName
    description: A planted bad example.
    update:
      example: "no spaces allowed"
"""


def test_regen_fails_on_an_invalid_example(project_copy: ProjectCopy) -> None:
    project_copy.edit("overlays/huggingface.yaml", lambda text: text + BAD_EXAMPLE)
    before = project_copy.snapshot_all()
    result = project_copy.tools("regen", "huggingface", "--force")
    assert result.returncode == 1, result.output
    assert "#/components/parameters/ModelName/example" in result.stderr
    assert "added or changed by overlays/huggingface.yaml" in result.stderr
    assert "does not match" in result.stderr
    assert "Traceback" not in result.output
    assert project_copy.snapshot_all() == before
