"""The Python API of the client regenerated from a changed spec, compared with griffe."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from tools.drift.api_diff import api_changes, python_api_drift
from tools.drift.fetch import load_source
from tools.drift.model import BREAKING, NON_BREAKING, Change
from tools.effective import BUILD
from tools.manifest import Provider, select

API = "roboflow_client.api.classification.classify_image"
MODELS = "roboflow_client.models"
ENDPOINTS = ("sync", "sync_detailed", "asyncio", "asyncio_detailed")


@pytest.fixture(scope="module")
def roboflow() -> Provider:
    return select(["roboflow"])[0]


@pytest.fixture
def drift_of(roboflow: Provider, tmp_path: Path) -> Callable[[Callable[[str], str]], list[Change]]:
    """Edit a copy of specs/roboflow.yaml, regenerate it in scratch, compare with griffe."""

    def run(edit: Callable[[str], str]) -> list[Change]:
        text = roboflow.spec.read_text(encoding="utf-8")
        changed = edit(text)
        assert changed != text, "the edit changed nothing"
        path = tmp_path / "roboflow.yaml"
        path.write_text(changed, encoding="utf-8")
        before = sorted(BUILD.glob("drift-*")) if BUILD.is_dir() else []
        changes = python_api_drift(roboflow, load_source(str(path)))
        after = sorted(BUILD.glob("drift-*")) if BUILD.is_dir() else []
        assert after == before, "the scratch folder was left behind"
        assert all(c.part == "python-api" for c in changes)
        return changes

    return run


def by_kind(changes: list[Change], kind: str) -> list[Change]:
    return [c for c in changes if c.kind == kind]


def test_a_renamed_property_renames_the_model_attribute(
    drift_of: Callable[..., list[Change]],
) -> None:
    changes = drift_of(
        lambda text: text.replace(
            "        top:\n          type: string", "        top_class:\n          type: string"
        ).replace("        - top\n", "        - top_class\n")
    )
    [renamed] = by_kind(changes, "python-attribute-renamed")
    model = f"{MODELS}.single_label_classification.SingleLabelClassification"
    assert renamed.location == f"{model}.top"
    assert renamed.extra == {"old": f"{model}.top", "new": f"{model}.top_class"}
    assert renamed.severity == BREAKING
    # Reported once, as a rename: not also as a removal plus an addition.
    assert not by_kind(changes, "python-removed")
    assert not by_kind(changes, "python-added")


def test_a_renamed_query_parameter_renames_the_function_parameter(
    drift_of: Callable[..., list[Change]],
) -> None:
    changes = drift_of(lambda text: text.replace("name: stroke\n", "name: stroke_width\n"))
    # One change for the endpoint's four functions (sync, sync_detailed, asyncio, ...).
    [renamed] = by_kind(changes, "python-parameter-renamed")
    assert renamed.location == f"{API}.{{{','.join(ENDPOINTS)}}}(stroke)"
    assert renamed.extra == {"old": "stroke", "new": "stroke_width", "functions": list(ENDPOINTS)}
    assert f"of {API}.{{{','.join(ENDPOINTS)}}} is now called" in renamed.detail
    assert renamed.severity == BREAKING
    assert not by_kind(changes, "python-parameter-removed")


def test_a_changed_type_is_reported_with_both_annotations(
    drift_of: Callable[..., list[Change]],
) -> None:
    changes = drift_of(
        lambda text: text.replace(
            "        width:\n          type: integer", "        width:\n          type: number"
        )
    )
    [changed] = by_kind(changes, "python-type-changed")
    assert changed.location == f"{MODELS}.image_dimensions.ImageDimensions.width"
    assert (changed.extra["old"], changed.extra["new"]) == ("int", "float")
    assert changed.severity == BREAKING


def test_a_removed_schema_removes_its_model(drift_of: Callable[..., list[Change]]) -> None:
    def drop_model(text: str) -> str:
        start = text.index("    MultiLabelClassPrediction:\n")
        end = text.index("    MultiLabelClassification:\n")
        text = text[:start] + text[end:]
        return text.replace(
            '$ref: "#/components/schemas/MultiLabelClassPrediction"', "type: number"
        )

    changes = drift_of(drop_model)
    removed = {c.location for c in by_kind(changes, "python-removed")}
    assert f"{MODELS}.MultiLabelClassPrediction" in removed
    assert f"{MODELS}.multi_label_class_prediction" in removed
    # What used to hold the model now holds a float.
    retyped = {c.location: c.extra["new"] for c in by_kind(changes, "python-type-changed")}
    predictions = f"{MODELS}.multi_label_classification_predictions"
    assert retyped[f"{predictions}.MultiLabelClassificationPredictions.additional_properties"] == (
        "dict[str, float]"
    )


def test_a_new_optional_parameter_is_only_an_addition(
    drift_of: Callable[..., list[Change]],
) -> None:
    def add_parameter(text: str) -> str:
        text = text.replace(
            '        - $ref: "#/components/parameters/Stroke"\n',
            '        - $ref: "#/components/parameters/Stroke"\n'
            '        - $ref: "#/components/parameters/Overlap"\n',
        )
        return text.replace(
            "  headers:\n",
            "    Overlap:\n      name: overlap\n      in: query\n      required: false\n"
            "      schema:\n        type: number\n  headers:\n",
            1,
        )

    changes = drift_of(add_parameter)
    assert changes, "a new parameter changes the API"
    assert {c.kind for c in changes} == {"python-added"}
    assert {c.severity for c in changes} == {NON_BREAKING}
    [added] = changes  # the four functions of the endpoint, as one change
    assert added.location == f"{API}.{{{','.join(ENDPOINTS)}}}(overlap)"


def test_a_spec_that_cannot_be_generated_is_a_breaking_finding(
    drift_of: Callable[..., list[Change]],
) -> None:
    # The overlay that removes the JPEG answer no longer finds it: strict overlays fail.
    changes = drift_of(
        lambda text: text.replace("            image/jpeg:\n", "            image/png:\n")
    )
    [failed] = changes
    assert failed.kind == "python-generation-failed"
    assert failed.severity == BREAKING
    assert "overlays/roboflow.yaml: action 0" in failed.detail
    assert "selected nothing" in failed.extra["error"]


def test_the_committed_client_against_itself_has_no_changes(roboflow: Provider) -> None:
    root = roboflow.package_dir.parent
    assert api_changes(roboflow.package, root, root) == []


# --------------------------------------------------------------------------- small packages


def package(root: Path, source: str) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return root


def test_positional_rename_required_parameter_and_return_type(tmp_path: Path) -> None:
    old = package(
        tmp_path / "old",
        """
        def classify(dataset: str, version: int, *, top_k: int = 5) -> list[str]: ...
        def gone() -> None: ...
        class Result:
            label: str
            score: float
        """,
    )
    new = package(
        tmp_path / "new",
        """
        def classify(project: str, version: int, *, top_k: int = 5, model: str) -> list[int]: ...
        class Result:
            label: str
            score: str
        class Extra: ...
        """,
    )
    found = {(c.kind, c.location) for c in api_changes("pkg", old, new)}
    assert found == {
        ("python-parameter-renamed", "pkg.classify(dataset)"),
        ("python-parameter-added-required", "pkg.classify(model)"),
        ("python-type-changed", "pkg.classify"),
        ("python-removed", "pkg.gone"),
        ("python-type-changed", "pkg.Result.score"),
        ("python-added", "pkg.Extra"),
    }


def test_the_variants_of_an_endpoint_are_one_change_where_they_change_alike(
    tmp_path: Path,
) -> None:
    def endpoint(parameter: str, result: str) -> str:
        return "\n".join(
            f"def {name}(*, {parameter}: int) -> {kind}: ..."
            for name, kind in (
                ("sync", result),
                ("sync_detailed", f"list[{result}]"),
                ("asyncio", result),
                ("asyncio_detailed", f"list[{result}]"),
            )
        )

    old = package(tmp_path / "old", endpoint("stroke", "str"))
    new = package(tmp_path / "new", endpoint("stroke_width", "bytes"))
    found = {(c.kind, c.location): c for c in api_changes("pkg", old, new)}
    assert set(found) == {
        ("python-parameter-renamed", "pkg.{sync,sync_detailed,asyncio,asyncio_detailed}(stroke)"),
        # The plain and the detailed functions return different types: two changes.
        ("python-type-changed", "pkg.{sync,asyncio}"),
        ("python-type-changed", "pkg.{sync_detailed,asyncio_detailed}"),
    }
    detailed = found[("python-type-changed", "pkg.{sync_detailed,asyncio_detailed}")]
    assert (detailed.extra["old"], detailed.extra["new"]) == ("list[str]", "list[bytes]")
    assert detailed.extra["functions"] == ["sync_detailed", "asyncio_detailed"]
    assert detailed.detail == (
        "the type of the return value of pkg.{sync_detailed,asyncio_detailed} changed from "
        "list[str] to list[bytes]."
    )
