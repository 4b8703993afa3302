"""Bad input to the pipeline: one clear paragraph, exit 1, no traceback, nothing written.

Each test runs `python -m tools` in a copy of the project, breaks one input there, and
checks that the command names the file and the place, and that generated/ and the lock
are byte-for-byte what they were.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.project_copy import ProjectCopy


def assert_clean_failure(result: ProjectCopy.Result, *needles: str) -> None:
    assert result.returncode == 1, result.output
    assert "Traceback" not in result.output, result.output
    assert result.stderr.startswith("error: "), result.stderr
    for needle in needles:
        assert needle in result.stderr, f"{needle!r} not in:\n{result.stderr}"


@pytest.fixture
def project(project_copy: ProjectCopy) -> ProjectCopy:
    return project_copy


def test_malformed_yaml_names_file_line_and_column(project: ProjectCopy) -> None:
    spec = project.root / "specs/edge_impulse.yaml"
    lines = spec.read_text().splitlines()
    lines[6] = "  - url: [unclosed"
    spec.write_text("\n".join(lines) + "\n")
    before = project.snapshot()
    result = project.tools("regen", "edge_impulse", "--force")
    assert_clean_failure(result, "specs/edge_impulse.yaml:")
    assert re.search(r"edge_impulse\.yaml:\d+:\d+", result.stderr), result.stderr
    assert project.snapshot() == before


def test_malformed_json_names_file_line_and_column(project: ProjectCopy, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "openapi": "3.1.0",\n  "info": {,\n}\n')
    result = project.tools("validate", str(broken))
    assert_clean_failure(result, "broken.json:3:")


def test_invalid_openapi_names_json_pointer(project: ProjectCopy) -> None:
    project.edit(
        "specs/roboflow.yaml",
        lambda text: text.replace("openapi: 3.1.0", "openapi: 3.1.0\nwebhooks: 5", 1),
    )
    before = project.snapshot()
    result = project.tools("regen", "roboflow", "--force")
    assert_clean_failure(result, "effective spec of roboflow", "/webhooks")
    assert project.snapshot() == before


def test_invalid_overlay_document_is_rejected(project: ProjectCopy) -> None:
    project.edit(
        "overlays/img_processing.yaml",
        lambda text: text.replace("overlay: 1.1.0", "overlay: 1.1.0\nunknown_field: 1", 1),
    )
    before = project.snapshot()
    result = project.tools("regen", "img_processing", "--force")
    assert_clean_failure(result, "overlays/img_processing.yaml")
    assert project.snapshot() == before


def test_zero_match_target_names_file_index_and_target(project: ProjectCopy) -> None:
    project.edit(
        "overlays/edge_impulse.yaml",
        lambda text: text.replace(
            "$.components.schemas.UploadImageRequest\n",
            "$.components.schemas.NoSuchSchema\n",
            1,
        ),
    )
    before = project.snapshot()
    result = project.tools("regen", "edge_impulse", "--force")
    assert_clean_failure(result, "overlays/edge_impulse.yaml", "$.components.schemas.NoSuchSchema")
    assert re.search(r"action\D{0,20}\d+", result.stderr), result.stderr
    assert project.snapshot() == before


def test_external_ref_to_url_is_refused(project: ProjectCopy) -> None:
    project.edit(
        "specs/huggingface.yaml",
        lambda text: text.replace(
            "components:\n",
            "components:\n  callbacks:\n    Remote:\n"
            "      $ref: 'https://example.invalid/spec.yaml#/x'\n",
            1,
        ),
    )
    before = project.snapshot()
    result = project.tools("regen", "huggingface", "--force")
    assert_clean_failure(result, "specs/huggingface.yaml", "https://example.invalid/spec.yaml")
    assert project.snapshot() == before


def test_unknown_provider_lists_valid_choices(project: ProjectCopy) -> None:
    result = project.tools("regen", "clarifai")
    assert_clean_failure(result, "'clarifai'", "edge_impulse", "cloudflare")


def test_generator_failure_leaves_generated_untouched(project: ProjectCopy) -> None:
    # openapi-python-client 0.29 skips a body media type it cannot handle, with only a
    # warning; a warning must fail the run rather than leave a silently missing piece.
    project.edit(
        "overlays/cloudflare.yaml",
        lambda text: (
            text
            + (
                "  - target: $.paths.*.post.requestBody.content\n"
                "    description: test-only breakage\n"
                "    update:\n"
                "      text/csv:\n"
                "        schema:\n"
                "          type: string\n"
            )
        ),
    )
    before = project.snapshot()
    result = project.tools("regen", "cloudflare", "--force")
    assert_clean_failure(result, "openapi-python-client", "cloudflare", "Nothing was written")
    assert project.snapshot() == before


# --------------------------------------------------------------------------- validate


def test_validate_says_a_path_does_not_exist(project: ProjectCopy) -> None:
    result = project.tools("validate", "nosuch.yaml")
    assert_clean_failure(result, "nosuch.yaml: no such file")
    assert "unknown provider" not in result.stderr


def test_validate_names_both_readings_of_a_bare_word(project: ProjectCopy) -> None:
    result = project.tools("validate", "clarifai")
    assert_clean_failure(result, "'clarifai' is neither a provider key nor an existing file")
    assert "edge_impulse" in result.stderr


def many_problems(count: int) -> str:
    paths = "".join(f"  /p{i}: 5\n" for i in range(count))
    return f"openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths:\n{paths}"


def test_validate_counts_what_it_leaves_out_and_all_lists_everything(
    project: ProjectCopy, tmp_path: Path
) -> None:
    spec = tmp_path / "many.yaml"
    spec.write_text(many_problems(13))
    capped = project.tools("validate", str(spec))
    assert_clean_failure(capped, "(13 problem(s))", "... and 3 more", "--all")
    assert "/paths/~1p9 (line 13:" in capped.stderr
    assert "/p10" not in capped.stderr
    everything = project.tools("validate", "--all", str(spec))
    assert_clean_failure(everything, "/paths/~1p12 (line 16:")
    assert "more" not in everything.stderr


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_validators_survive_recursive_schemas(
    project: ProjectCopy, tmp_path: Path, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Legal: nested arrays under an allOf sent openapi-spec-validator's _collect_properties
    # (and the fast walk's copy of it) into infinite recursion.
    spec = tmp_path / "lists.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
        "    A: {required: [x], allOf: [{$ref: '#/components/schemas/B'}]}\n"
        "    B: {type: array, items: {$ref: '#/components/schemas/B'}}\n"
    )
    monkeypatch.setenv("TOOLS_OPENAPI_VALIDATOR", engine)
    result = project.tools("validate", str(spec))
    assert_clean_failure(result, "Required list has not defined properties: ['x']")


def test_the_reference_validator_retrieves_nothing() -> None:
    from tests.corpus import Listener
    from tools.errors import ToolError
    from tools.validate_reference import reference_problems

    with Listener() as listener:
        for keyword in ("$ref", "$dynamicRef"):
            schema = {"default": 1, keyword: f"http://127.0.0.1:{listener.port}/s.json#/A"}
            document = {
                "openapi": "3.1.0",
                "info": {"title": "t", "version": "1"},
                "paths": {},
                "components": {"schemas": {"A": schema}},
            }
            with pytest.raises(ToolError, match=r"^spec: the validator could not follow"):
                reference_problems(document, "spec")
    assert listener.connections == 0


def test_regen_with_a_ref_loop_names_the_place(project: ProjectCopy) -> None:
    project.edit(
        "specs/roboflow.yaml",
        lambda text: text.replace(
            "\n  schemas:\n",
            "\n  schemas:\n    Loop:\n      allOf:\n        - $ref: '#/components/schemas/Loop'\n",
            1,
        ),
    )
    before = project.snapshot_all()
    result = project.tools("regen", "roboflow", "--force")
    assert_clean_failure(
        result, "effective spec of roboflow", "/components/schemas/Loop/allOf/0/$ref"
    )
    assert project.snapshot_all() == before
