"""The OAI Overlay Specification's own conformance material, from shared/conformance/.

- compliant-sets/NAME: applying overlay.yaml to openapi.yaml gives output.yaml (compared
  as parsed documents). One test per folder.
- tests/v1.x/pass/*.yaml validate against the official schema; tests/v1.x/fail/*.yaml are
  refused with a ToolError.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.documents import load_document
from tools.errors import ToolError
from tools.overlay import SCHEMA_DIR, load_overlay, validate_overlay_document
from tools.overlay_apply import apply_overlay

OVERLAY_SPEC = "conformance/overlay-spec"

# Schema-valid upstream examples whose JSONPath is not RFC 9535: `@.x-oai-traits` needs
# bracket notation (`@['x-oai-traits']`), because '-' is not allowed in a member-name
# shorthand. load_overlay refuses them; the schema alone accepts them.
NOT_RFC9535 = {"actions-traits-example.yaml"}


@pytest.mark.shared_files(f"{OVERLAY_SPEC}/compliant-sets/*/overlay.yaml")
def test_compliant_set(shared_file: Path) -> None:
    folder = shared_file.parent
    document = load_document(folder / "openapi.yaml")
    overlay = load_overlay(shared_file)

    results = apply_overlay(document, overlay, strict=True)

    assert document == load_document(folder / "output.yaml")
    assert [result.index for result in results] == list(range(len(overlay.actions)))
    assert all(result.matched for result in results)


@pytest.mark.shared_files(f"{OVERLAY_SPEC}/tests/v1.*/pass/*.yaml")
def test_schema_accepts_pass_document(shared_file: Path) -> None:
    version_folder = shared_file.parent.parent.name  # v1.0 or v1.1
    feature_set = validate_overlay_document(load_document(shared_file), shared_file)
    assert f"v{feature_set}" == version_folder


@pytest.mark.shared_files(f"{OVERLAY_SPEC}/tests/v1.*/pass/*.yaml")
def test_load_overlay_accepts_pass_document(shared_file: Path) -> None:
    if shared_file.name in NOT_RFC9535:
        with pytest.raises(ToolError) as caught:
            load_overlay(shared_file)
        message = str(caught.value)
        assert str(shared_file) in message
        assert "RFC 9535" in message
        assert "bracket notation" in message
        return
    overlay = load_overlay(shared_file)
    assert overlay.path == shared_file
    assert overlay.actions


@pytest.mark.shared_files(f"{OVERLAY_SPEC}/tests/v1.*/fail/*.yaml")
def test_fail_document_is_refused(shared_file: Path) -> None:
    with pytest.raises(ToolError) as caught:
        load_overlay(shared_file)
    assert str(shared_file) in str(caught.value)


@pytest.mark.shared_files(f"{OVERLAY_SPEC}/tests/v1.*/fail/*.yaml")
def test_fail_document_is_refused_by_validation_alone(shared_file: Path) -> None:
    try:
        document = load_document(shared_file)
    except ToolError:
        return  # not even a mapping (not-an-object.yaml): refused before the schema
    with pytest.raises(ToolError) as caught:
        validate_overlay_document(document, shared_file)
    assert str(shared_file) in str(caught.value)


@pytest.mark.parametrize("version", ["v1.0", "v1.1"])
def test_vendored_schema_is_byte_identical(shared_dir: Path, version: str) -> None:
    upstream = shared_dir / OVERLAY_SPEC / "schemas" / version / "schema.yaml"
    assert (SCHEMA_DIR / f"{version}.yaml").read_bytes() == upstream.read_bytes()


def test_schema_notice_names_source() -> None:
    notice = (SCHEMA_DIR / "NOTICE").read_text(encoding="utf-8")
    assert "OAI/Overlay-Specification" in notice
    assert "5de61ebc" in notice
    assert "Apache" in notice
