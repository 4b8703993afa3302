"""Overlay documents (OAI Overlay Specification 1.0.0 and 1.1.0): loading and checking.

An Overlay document is validated against the official JSON Schema of its version
(`tools/overlay_schemas/`, vendored byte for byte from OAI/Overlay-Specification) and its
JSONPath expressions are compiled once, when the overlay is loaded, with
`tools.overlay_jsonpath` (RFC 9535). An update value that brings in an external `$ref` is
refused here; `tools.overlay_apply` applies the actions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

# jsonschema ships no type information and its stubs (types-jsonschema) are not a
# dependency here; the few calls below are checked by the tests instead.
import jsonschema  # type: ignore[import-untyped]
from jsonpath_rfc9535 import JSONPathError, JSONPathQuery

from tools.documents import load_document
from tools.errors import ToolError
from tools.overlay_jsonpath import JSONPATH_ENV
from tools.pointers import json_pointer, pointer_for_humans
from tools.refs import external_refs

__all__ = [
    "SCHEMA_DIR",
    "SUPPORTED_VERSIONS",
    "Action",
    "ActionKind",
    "ActionResult",
    "Overlay",
    "action_label",
    "load_overlay",
    "parse_overlay",
    "refuse_external_refs",
    "validate_overlay_document",
]

SCHEMA_DIR = Path(__file__).with_name("overlay_schemas")
"""The official Overlay JSON Schemas, one file per minor version (`v1.0.yaml`, ...)."""

SUPPORTED_VERSIONS = ("1.0", "1.1")
"""Overlay feature sets (`major.minor`) this engine reads; the patch number is ignored."""

ActionKind = Literal["update", "remove", "copy", "none"]


_VERSION = re.compile(r"(\d+)\.(\d+)")
_MAX_SCHEMA_MESSAGE = 300
_SPEC_URL = "https://spec.openapis.org/overlay/v{}.0.html"


@dataclass(frozen=True)
class Action:
    """One compiled action of an overlay.

    `kind` is what the action does once the specification's precedence is applied:
    `remove` (remove is true), else `update` (an update value is present, even null),
    else `copy`, else `none` (only a target: selects but changes nothing).
    """

    index: int
    target: str
    kind: ActionKind
    description: str | None
    query: JSONPathQuery
    update: Any = None
    copy: str | None = None
    copy_query: JSONPathQuery | None = None


@dataclass(frozen=True)
class Overlay:
    """A validated Overlay document; `path` is kept for messages."""

    path: Path
    version: str
    """The `overlay` field as written, e.g. `1.1.0`."""
    feature_set: str
    """`major.minor` of `version`: `1.0` or `1.1`."""
    title: str
    info_version: str
    extends: str | None
    actions: tuple[Action, ...]


@dataclass
class ActionResult:
    """What one action did: the RFC 9535 normalized paths of the nodes it selected."""

    overlay_path: Path
    index: int
    target: str
    description: str | None
    matched: list[str]
    kind: ActionKind = "update"


# --------------------------------------------------------------------------- validation


@cache
def _validator(feature_set: str) -> Any:
    schema = load_document(SCHEMA_DIR / f"v{feature_set}.yaml")
    return jsonschema.Draft202012Validator(schema)


def _error_order(error: Any) -> tuple[Any, ...]:
    # Shallow errors first (they say more is wrong), then in document order, with the weak
    # anyOf/oneOf keywords last: jsonschema's own relevance, minus its int/str comparisons.
    path = [(0, part, "") if isinstance(part, int) else (1, 0, str(part)) for part in error.path]
    return (len(path), path, error.validator in ("anyOf", "oneOf"))


def _shorten(text: str) -> str:
    if len(text) <= _MAX_SCHEMA_MESSAGE:
        return text
    return text[: _MAX_SCHEMA_MESSAGE - 3] + "..."


def _feature_set(doc: dict[str, Any], path: Path) -> str:
    version = doc.get("overlay")
    if version is None:
        raise ToolError(
            f"{path}: has no 'overlay' field, so it is not an Overlay document (or it lacks "
            "its version). Add the version it is written for as the first line, e.g. "
            "overlay: 1.1.0"
        )
    if not isinstance(version, str):
        raise ToolError(
            f"{path}: at /overlay: the Overlay version is {version!r}, which is not a "
            "string; it must be a string such as '1.1.0'. Write it in full and quote it "
            "if needed: overlay: '1.1.0'"
        )
    match = _VERSION.match(version)
    feature_set = f"{match.group(1)}.{match.group(2)}" if match else ""
    if feature_set not in SUPPORTED_VERSIONS:
        supported = " and ".join(f"{v}.x" for v in SUPPORTED_VERSIONS)
        raise ToolError(
            f"{path}: at /overlay: Overlay version {version!r} is not supported; this tool "
            f"reads Overlay Specification {supported}. Use one of those versions."
        )
    return feature_set


def validate_overlay_document(doc: Any, path: Path) -> str:
    """Validate an Overlay document against the official JSON Schema of its version.

    Returns the feature set (`1.0` or `1.1`). Raises `ToolError` naming `path` for a
    missing, non-string or unsupported `overlay` version, or listing every schema
    violation (JSON pointer and validator message), most relevant first.
    """
    if not isinstance(doc, dict):
        raise ToolError(
            f"{path}: an Overlay document is a mapping with 'overlay', 'info' and 'actions', "
            f"but this one is a {type(doc).__name__}. Check that this is the right file."
        )
    feature_set = _feature_set(doc, path)
    errors = sorted(_validator(feature_set).iter_errors(doc), key=_error_order)
    if not errors:
        return feature_set
    problems = "; ".join(
        f"at {pointer_for_humans(json_pointer(error.path))}: {_shorten(error.message)}"
        for error in errors
    )
    count = "1 problem" if len(errors) == 1 else f"{len(errors)} problems, most relevant first"
    hint = ""
    actions = doc.get("actions")
    uses_copy = isinstance(actions, list) and any(
        isinstance(action, dict) and "copy" in action for action in actions
    )
    if feature_set == "1.0" and uses_copy:
        hint = (
            " 'copy' actions exist only in Overlay 1.1: declare overlay: 1.1.0 or replace "
            "them with 'update' actions."
        )
    raise ToolError(
        f"{path}: not a valid Overlay {feature_set} document ({count}): {problems}.{hint} "
        "Fix the document against the Overlay Specification "
        f"{feature_set}.0 ({_SPEC_URL.format(feature_set)})."
    )


def _compile(path: Path, index: int, field: str, expression: str) -> JSONPathQuery:
    try:
        return JSONPATH_ENV.compile(expression)
    except JSONPathError as err:
        if re.search(r"[.@$][A-Za-z_][A-Za-z0-9_]*-", expression):
            hint = (
                "Member names with characters other than letters, digits and '_' (such as "
                "'-' or '/') need bracket notation in RFC 9535, e.g. "
                "$.paths['/pets'].get['x-internal'] or @['x-oai-traits']."
            )
        else:
            hint = (
                "Check the expression against RFC 9535: names with special characters go "
                "in quoted brackets ($.paths['/pets']), filters look like "
                "[?@.name == 'id'], and string literals are quoted."
            )
        raise ToolError(
            f"{path}: action {index} (0-based index in 'actions'): {field} {expression!r} "
            f"is not a valid RFC 9535 JSONPath query ({err}). {hint}"
        ) from None


def parse_overlay(doc: Any, path: Path) -> Overlay:
    """Validate an already loaded Overlay document and compile its JSONPath queries."""
    path = Path(path)
    feature_set = validate_overlay_document(doc, path)
    actions: list[Action] = []
    for index, raw in enumerate(doc["actions"]):
        target: str = raw["target"]
        kind: ActionKind
        if raw.get("remove") is True:
            kind = "remove"
        elif "update" in raw:
            kind = "update"
        elif "copy" in raw:
            kind = "copy"
        else:
            kind = "none"
        copy_expression: str | None = raw.get("copy") if kind == "copy" else None
        actions.append(
            Action(
                index=index,
                target=target,
                kind=kind,
                description=raw.get("description"),
                query=_compile(path, index, "target", target),
                update=raw.get("update") if kind == "update" else None,
                copy=copy_expression,
                copy_query=(
                    _compile(path, index, "copy", copy_expression)
                    if copy_expression is not None
                    else None
                ),
            )
        )
    for action in actions:
        if action.kind == "update":
            refuse_external_refs(path, action, action.update, "update value")
    info = doc["info"]
    return Overlay(
        path=path,
        version=doc["overlay"],
        feature_set=feature_set,
        title=info["title"],
        info_version=info["version"],
        extends=doc.get("extends"),
        actions=tuple(actions),
    )


def load_overlay(path: Path) -> Overlay:
    """Load, validate (official JSON Schema) and compile an Overlay document.

    Raises `ToolError` naming the file for a read or syntax error, an unsupported version,
    a schema violation or a JSONPath that is not valid RFC 9535.
    """
    path = Path(path)
    return parse_overlay(load_document(path), path)


# --------------------------------------------------------------------------- messages and guards


def action_label(overlay: Overlay | Path, action: Action) -> str:
    """How a message names one action: the overlay file, the index, the description and
    the target."""
    path = overlay.path if isinstance(overlay, Overlay) else overlay
    described = f", {action.description!r}" if action.description else ""
    return (
        f"{path}: action {action.index} (0-based index in 'actions'{described}, "
        f"target {action.target!r})"
    )


def refuse_external_refs(
    overlay: Overlay | Path, action: Action, value: Any, what: str, at: str = ""
) -> None:
    """An action must not bring in a reference the pipeline would have to fetch."""
    found = external_refs(value) if isinstance(value, dict | list) else []
    if at and isinstance(value, str) and not value.startswith("#"):
        found = [("", value)]  # a primitive written over a $ref member
    if not found:
        return
    place = f"{at}" if at else f"{what} at "
    listing = "; ".join(f"{place}{pointer} -> {ref!r}" for pointer, ref in found[:10])
    raise ToolError(
        f"{action_label(overlay, action)}: the {what} brings in an external reference (a URL or "
        f"a file), which the pipeline refuses and never fetches: {listing}. Add the "
        "content itself under components and refer to it with '#/components/...'."
    )
