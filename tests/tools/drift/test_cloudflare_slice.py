"""The resnet-50 operation cut out of Cloudflare's real documents, and compared with our
hand-written specs/cloudflare.yaml."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import PROJECT_ROOT
from tests.tools.drift.conftest import RESNET
from tools.documents import load_document
from tools.drift.model import BREAKING, NON_BREAKING
from tools.drift.slice import Slice, slice_operations
from tools.drift.spec_diff import diff_documents
from tools.errors import ToolError
from tools.pointers import parse_json_pointer

GENERIC_RUN = ("POST", "/accounts/{account_identifier}/ai/run/{model_name}")


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in refs(value)]
    return []


def resolves(doc: dict[str, Any], ref: str) -> bool:
    node: Any = doc
    for token in parse_json_pointer(ref):
        if not isinstance(node, dict) or token not in node:
            return False
        node = node[token]
    return True


def expected_components(doc: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    """Computed here, from the source: what the operation's $refs reach, transitively, and
    the security schemes its (and the top-level) requirements name."""
    seen: set[str] = set()
    pending = refs(operation)
    while pending:
        ref = pending.pop()
        section, name = parse_json_pointer(ref)[1:3]
        if f"{section}/{name}" not in seen:
            seen.add(f"{section}/{name}")
            pending += refs(doc["components"][section][name])
    requirements = operation.get("security", []) + doc.get("security", [])
    return seen | {f"securitySchemes/{name}" for req in requirements for name in req}


def check_standalone(result: Slice, doc: dict[str, Any], method: str, path: str) -> None:
    sliced = result.document
    assert list(sliced["paths"]) == [path]
    assert [key for key in sliced["paths"][path] if key != "parameters"] == [method.lower()]
    assert all(resolves(sliced, ref) for ref in refs(sliced)), "a $ref dangles in the slice"
    kept = {f"{s}/{n}" for s, members in sliced.get("components", {}).items() for n in members}
    assert kept == expected_components(doc, doc["paths"][path][method.lower()])
    for key in ("openapi", "info", "servers"):
        assert sliced[key] == doc[key]


@pytest.mark.parametrize("version", ["2024-06-10", "2024-08-06"])
def test_resnet_slice_is_standalone_with_the_sources_own_problem(
    cloudflare: dict[str, dict[str, Any]], version: str
) -> None:
    doc = cloudflare[version]
    result = slice_operations(doc, [RESNET], source=version)
    check_standalone(result, doc, *RESNET)
    assert set(result.document["components"]) == {"securitySchemes"}  # schemas are inline
    # One validation problem, and it is Cloudflare's: the 200 schema writes the default of
    # a boolean as the string 'true'.
    assert result.warnings == [
        f"{version} (sliced): /: 'true' is not of type 'boolean' (the validator gives no place)"
    ]
    success = doc["paths"][RESNET[1]]["post"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]["properties"]["success"]
    assert success == {"default": "true", "type": "boolean"}


def test_2024_01_10_has_only_the_generic_model_runner(
    cloudflare: dict[str, dict[str, Any]],
) -> None:
    doc = cloudflare["2024-01-10"]
    with pytest.raises(ToolError) as caught:
        slice_operations(doc, [RESNET], source="2024-01-10")
    assert f"has no operation {RESNET[0]} {RESNET[1]}" in str(caught.value)
    assert f"{GENERIC_RUN[0]} {GENERIC_RUN[1]}" in str(caught.value)  # suggested
    result = slice_operations(doc, [GENERIC_RUN], source="2024-01-10")
    check_standalone(result, doc, *GENERIC_RUN)
    assert result.warnings == []  # valid as it is


def test_resnet_drift_between_upstream_versions(cloudflare: dict[str, dict[str, Any]]) -> None:
    june, august = (
        slice_operations(cloudflare[v], [RESNET], validate=False).document
        for v in ("2024-06-10", "2024-08-06")
    )
    changes = diff_documents(june, august)
    # The one upstream change of our operation: the 200 `result` lost its shape
    # ({description: string} object -> {}), so a client generated from June would type it.
    assert [(c.kind, c.severity, c.extra) for c in changes] == [
        (
            "response-schema-changed",
            BREAKING,
            {
                "status": "200",
                "media_type": "application/json",
                "change": "type-changed",
                "at": "result",
                "old": ["object"],
                "new": [],
            },
        )
    ]


# Every difference between Cloudflare's 2024-08-06 operation and our specs/cloudflare.yaml,
# each with the reason we wrote it so (see specs/PROVENANCE.md).
KNOWN_DIFFERENCES = {
    # Upstream does not mark the body required; an empty body is an error (3003).
    ("request-body-required-changed", BREAKING, None, None, None),
    # We also document the JSON input form {"image": [bytes]} from the model page.
    ("request-media-type-added", NON_BREAKING, None, None, None),
    # Upstream's 200 `result` is `{}`; the model returns the list of {label, score}.
    ("response-schema-changed", BREAKING, "200", "type-changed", "result"),
    # Every v4 envelope has errors and messages, and a success envelope success=true.
    ("response-schema-changed", NON_BREAKING, "200", "property-added", "errors"),
    ("response-schema-changed", NON_BREAKING, "200", "property-added", "messages"),
    ("response-schema-changed", NON_BREAKING, "200", "required-added", "result"),
    ("response-schema-changed", NON_BREAKING, "200", "required-added", "success"),
    ("response-schema-changed", NON_BREAKING, "200", "enum-value-removed", "success"),
    # Upstream types error codes as strings; the API sends integers (3003, 5004, 10000).
    ("response-schema-changed", BREAKING, "400", "type-changed", "errors[].code"),
    (
        "response-schema-changed",
        NON_BREAKING,
        "400",
        "property-added",
        "errors[].documentation_url",
    ),
    ("response-schema-changed", NON_BREAKING, "400", "property-added", "messages"),
    # A failed call carries result: null (usually) instead of an object, and may omit it.
    ("response-schema-changed", BREAKING, "400", "nullable-changed", "result"),
    ("response-schema-changed", BREAKING, "400", "required-removed", "result"),
    ("response-schema-changed", NON_BREAKING, "400", "enum-value-removed", "success"),
    # Documented error statuses of the Cloudflare API and Workers AI that upstream omits.
    *(
        ("response-status-added", NON_BREAKING, status, None, None)
        for status in ("401", "403", "404", "408", "413", "429", "500")
    ),
}


def test_our_spec_differs_from_upstream_only_where_we_know_why(
    cloudflare: dict[str, dict[str, Any]],
) -> None:
    upstream = slice_operations(cloudflare["2024-08-06"], [RESNET], validate=False).document
    ours = load_document(PROJECT_ROOT / "specs" / "cloudflare.yaml")
    changes = diff_documents(upstream, ours)
    found = [
        (c.kind, c.severity, c.extra.get("status"), c.extra.get("change"), c.extra.get("at"))
        for c in changes
    ]
    assert len(found) == len(set(found))
    assert set(found) == KNOWN_DIFFERENCES
    # Same path, parameter, security alternatives and server: nothing to report there.
    assert {(c.method, c.path) for c in changes} == {RESNET}
