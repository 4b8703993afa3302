"""Overlay drift on small variations of our real specs: dead and moved selections."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tools.documents import load_document
from tools.drift.model import BREAKING, NON_BREAKING
from tools.drift.overlay_drift import overlay_drift
from tools.errors import ToolError
from tools.manifest import Provider, select

JPEG_TARGET = "$.paths['/{dataset}/{version}'].post.responses['200'].content['image/jpeg']"


@pytest.fixture(scope="module")
def roboflow() -> Provider:
    return select(["roboflow"])[0]


@pytest.fixture
def pinned(roboflow: Provider) -> dict[str, Any]:
    document: dict[str, Any] = load_document(roboflow.spec)
    return document


def format_enum(document: dict[str, Any]) -> list[str]:
    values: list[str] = document["components"]["parameters"]["Format"]["schema"]["enum"]
    return values


def test_the_pinned_spec_has_no_overlay_drift(roboflow: Provider, pinned: dict[str, Any]) -> None:
    assert overlay_drift(roboflow, pinned, copy.deepcopy(pinned)) == []


def test_a_removed_enum_value_kills_the_action_that_removes_it(
    roboflow: Provider, pinned: dict[str, Any]
) -> None:
    new = copy.deepcopy(pinned)
    format_enum(new).remove("image")
    [change] = overlay_drift(roboflow, pinned, new)
    assert change.kind == "overlay-dead"
    assert change.severity == BREAKING
    assert change.part == "overlay"
    assert change.location == "overlays/roboflow.yaml#1"
    assert change.extra["target"] == "$.components.parameters.Format.schema.enum[?@ == 'image']"
    assert change.extra["old_matched"] == [
        "$['components']['parameters']['Format']['schema']['enum'][1]"
    ]
    assert change.extra["new_matched"] == []
    assert "selects nothing" in change.detail and "regen" in change.detail


def test_a_renamed_path_kills_every_action_on_the_operation(
    roboflow: Provider, pinned: dict[str, Any]
) -> None:
    new = copy.deepcopy(pinned)
    new["paths"] = {"/{project}/{version}": new["paths"]["/{dataset}/{version}"]}
    changes = overlay_drift(roboflow, pinned, new)
    assert [c.location for c in changes] == ["overlays/roboflow.yaml#0", "overlays/roboflow.yaml#3"]
    assert {c.kind for c in changes} == {"overlay-dead"}
    # The operation the dead action customized, as the pinned spec names it.
    assert {(c.method, c.path) for c in changes} == {("POST", "/{dataset}/{version}")}
    assert changes[0].extra["target"] == JPEG_TARGET


def test_a_moved_node_is_a_changed_selection_not_a_dead_one(
    roboflow: Provider, pinned: dict[str, Any]
) -> None:
    new = copy.deepcopy(pinned)
    format_enum(new).insert(1, "jpeg")  # 'image' moves from index 1 to 2
    [change] = overlay_drift(roboflow, pinned, new)
    assert change.kind == "overlay-selection-changed"
    assert change.severity == NON_BREAKING
    assert change.extra["new_matched"] == [
        "$['components']['parameters']['Format']['schema']['enum'][2]"
    ]
    assert "instead of 1" in change.detail


def test_a_wider_selection_is_flagged(roboflow: Provider, pinned: dict[str, Any]) -> None:
    new = copy.deepcopy(pinned)
    format_enum(new).append("image")  # now two nodes match @ == 'image'
    [change] = overlay_drift(roboflow, pinned, new)
    assert change.kind == "overlay-selection-changed"
    assert len(change.extra["new_matched"]) == 2
    assert "selects 2 node(s) instead of 1" in change.detail


def test_an_overlay_that_no_longer_merges_is_breaking(
    roboflow: Provider, pinned: dict[str, Any]
) -> None:
    new = copy.deepcopy(pinned)
    body = new["paths"]["/{dataset}/{version}"]["post"]["requestBody"]
    body["content"]["application/x-www-form-urlencoded"]["schema"]["format"] = {"odd": True}
    changes = overlay_drift(roboflow, pinned, new)
    assert [c.kind for c in changes] == ["overlay-error"]
    assert changes[0].severity == BREAKING
    assert "cannot merge" in changes[0].detail


def test_other_providers_real_specs_too() -> None:
    """Edge Impulse: a renamed schema kills the actions that give its models their names."""
    edge = select(["edge_impulse"])[0]
    old: dict[str, Any] = load_document(edge.spec)
    new = copy.deepcopy(old)
    schemas = new["components"]["schemas"]
    schemas["PretrainedModelResponse"] = schemas.pop("TestPretrainedModelResponse")
    changes = overlay_drift(edge, old, new)
    dead = [c for c in changes if c.kind == "overlay-dead"]
    assert dead, "renaming TestPretrainedModelResponse must kill the actions that target it"
    assert all("TestPretrainedModelResponse" in c.extra["target"] for c in dead)
    # The action that copies an enum out of the renamed schema cannot run at all; the
    # actions after it are still compared.
    [failed] = [c for c in changes if c.kind == "overlay-error"]
    assert failed.location == "overlays/edge_impulse.yaml#5"
    assert failed.severity == BREAKING
    assert "copy source" in failed.detail
    assert "regen fails: overlays/edge_impulse.yaml: action 5" in failed.detail
    assert max(int(c.location.split("#")[1]) for c in dead if c.location) > 5


def test_overlays_that_fail_on_the_pinned_spec_are_an_error(roboflow: Provider) -> None:
    broken: dict[str, Any] = {"openapi": "3.1.0", "info": {"title": "x", "version": "1"}}
    broken["paths"] = {
        "/{dataset}/{version}": {
            "post": {
                "requestBody": {
                    "content": {
                        "application/x-www-form-urlencoded": {"schema": {"format": {"odd": True}}}
                    }
                }
            }
        }
    }
    with pytest.raises(ToolError, match="do not apply to its pinned spec"):
        overlay_drift(roboflow, broken, broken)
