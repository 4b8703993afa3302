"""Reading a message body the way its media type says, and checking it against the media
type's schema: JSON parsed and validated; image and octet-stream bodies by size only (their
minLength/maxLength count bytes); text and raw form bodies with a string schema as text;
form and multipart bodies with an object schema as their fields. Hostile bodies (not JSON,
not UTF-8, nested past the recursion limit) become Findings, never exceptions."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from image_classify._spec_match import SpecIndex, at, join, media_type, resolve
from image_classify._spec_schema import Finding, described, findings

FORM = "application/x-www-form-urlencoded"
BINARY_TYPES = ("image/", "audio/", "video/", "application/octet-stream")
INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")
NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def body_findings(
    index: SpecIndex, media_pointer: str, content_type: str, body: bytes, *, response: bool
) -> list[Finding]:
    """`body`, sent as `content_type`, against the schema of the media type object at
    `media_pointer` (none documented: nothing to check)."""
    schema_pointer = join(media_pointer, "schema")
    media_node, _ = resolve(index.document, at(index.document, media_pointer), media_pointer)
    raw = media_node.get("schema") if isinstance(media_node, dict) else None
    if raw is None:
        return []
    schema, resolved_pointer = resolve(index.document, raw, schema_pointer)
    try:
        return read_and_check(
            index, schema, (schema_pointer, resolved_pointer), content_type, body, response
        )
    except RecursionError:
        return [Finding("", schema_pointer, "a body nested shallowly enough to be checked")]


def read_and_check(
    index: SpecIndex,
    schema: Any,
    pointers: tuple[str, str],
    content_type: str,
    body: bytes,
    response: bool,
) -> list[Finding]:
    schema_pointer, resolved_pointer = pointers
    kind = media_type(content_type)
    if kind == "application/json" or kind.endswith("+json"):
        parsed = parse_json(body)
        if isinstance(parsed, Finding):
            return [parsed._replace(spec_pointer=schema_pointer)]
        return findings(index, schema_pointer, parsed, response=response)
    if kind.startswith(BINARY_TYPES):
        return size_findings(schema, resolved_pointer, len(body), "")
    if type_of(schema) == "string":
        if kind.startswith("text/") or kind == FORM:
            return text_findings(index, schema_pointer, body, response)
        return size_findings(schema, resolved_pointer, len(body), "")
    if type_of(schema) == "object" and kind == FORM:
        return form_findings(index, schema, schema_pointer, body, response)
    if type_of(schema) == "object" and kind == "multipart/form-data":
        return multipart_findings(index, schema, pointers, content_type, body, response)
    return []


def parse_json(body: bytes) -> Any:
    """The parsed body, or a Finding saying why it is not JSON (RFC 8259: UTF-8, no NaN)."""
    try:
        return json.loads(body.decode("utf-8"), parse_constant=reject_constant)
    except UnicodeDecodeError as exc:
        return Finding(
            "", "", f"the body is not JSON: not UTF-8 ({exc.reason} at byte {exc.start})"
        )
    except ValueError as exc:
        return Finding("", "", f"the body is not JSON: {exc}")
    except RecursionError:
        return Finding("", "", "the body is not JSON this checker can read: nested too deeply")


def reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def text_findings(index: SpecIndex, pointer: str, body: bytes, response: bool) -> list[Finding]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [Finding("", pointer, f"text: the body is not UTF-8 ({exc.reason})")]
    return findings(index, pointer, text, response=response)


def size_findings(schema: Any, pointer: str, size: int, at_pointer: str) -> list[Finding]:
    """A binary body's minLength/maxLength, counted in bytes."""
    if not isinstance(schema, dict):
        return []
    found = []
    for keyword, fails in (("minLength", size.__lt__), ("maxLength", size.__gt__)):
        limit = schema.get(keyword)
        if isinstance(limit, int) and fails(limit):
            words = f"{keyword} {limit} (bytes; the body has {size})"
            found.append(Finding(at_pointer, join(pointer, keyword), described(words, schema)))
    return found


def form_findings(
    index: SpecIndex, schema: dict[str, Any], pointer: str, body: bytes, response: bool
) -> list[Finding]:
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError as exc:
        return [Finding("", pointer, f"form fields: the body is not UTF-8 ({exc.reason})")]
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    instance = {name: coerce_all(index, schema, name, values) for name, values in fields.items()}
    return findings(index, pointer, instance, response=response)


def multipart_findings(
    index: SpecIndex,
    schema: dict[str, Any],
    pointers: tuple[str, str],
    content_type: str,
    body: bytes,
    response: bool,
) -> list[Finding]:
    """The parts as an object: text parts typed like form values, file parts checked by size
    (their schema is `format: binary`) and stood in for by "" in the object's validation."""
    schema_pointer, resolved_pointer = pointers
    parts = multipart_parts(content_type, body)
    if parts is None:
        return [Finding("", schema_pointer, "a multipart/form-data body with a boundary")]
    instance: dict[str, Any] = {}
    binary: list[Finding] = []
    files: set[str] = set()
    for name, data in parts.items():
        prop, prop_pointer = property_of(index, schema, resolved_pointer, name)
        if isinstance(prop, dict) and prop.get("format") == "binary":
            instance[name] = ""
            files.add(join("", name))
            binary += size_findings(prop, prop_pointer, len(data), join("", name))
        else:
            instance[name] = coerce_values(index, prop, [data.decode("utf-8", "replace")])
    found = [
        finding
        for finding in findings(index, schema_pointer, instance, response=response)
        if not any(finding.pointer == f or finding.pointer.startswith(f + "/") for f in files)
    ]
    return sorted(found + binary)


def multipart_parts(content_type: str, body: bytes) -> dict[str, bytes] | None:
    """Each named part's bytes (the first of a repeated name), or None without a boundary."""
    from email import policy
    from email.parser import BytesParser

    head = f"Content-Type: {content_type}\r\n\r\n".encode("utf-8", "replace")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not message.is_multipart() or not message.get_boundary():
        return None
    parts: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and name not in parts:
            parts[name] = payload if isinstance(payload, bytes) else b""
    return parts


def property_of(
    index: SpecIndex, schema: dict[str, Any], pointer: str, name: str
) -> tuple[Any, str]:
    properties = schema.get("properties")
    raw = properties.get(name) if isinstance(properties, dict) else None
    return resolve(index.document, raw, join(pointer, "properties", name))


def coerce_all(index: SpecIndex, schema: dict[str, Any], name: str, values: list[str]) -> Any:
    """Form values as the property's schema types them (repeated names make an array)."""
    properties = schema.get("properties")
    raw = properties.get(name) if isinstance(properties, dict) else None
    prop, _ = resolve(index.document, raw, "")
    return coerce_values(index, prop, values)


def coerce_values(index: SpecIndex, schema: Any, values: list[str]) -> Any:
    """Text values (query, header, form) typed as `schema` says; what does not parse stays
    text, so the validator reports the type the spec asks for."""
    if type_of(schema) == "array":
        items, _ = resolve(index.document, schema.get("items"), "")
        return [coerce(value, items) for value in values]
    return coerce(values[0], schema) if values else ""


def coerce(text: str, schema: Any) -> Any:
    kinds = schema.get("type") if isinstance(schema, dict) else None
    for kind in kinds if isinstance(kinds, list) else [kinds]:
        try:
            if kind == "integer" and INTEGER.fullmatch(text):
                return int(text)
            if kind == "number" and NUMBER.fullmatch(text):
                return int(text) if INTEGER.fullmatch(text) else float(text)
        except ValueError:  # more digits than int() takes from text
            return text
        if kind == "boolean" and text in ("true", "false"):
            return text == "true"
    return text


def type_of(schema: Any) -> str | None:
    kind = schema.get("type") if isinstance(schema, dict) else None
    return kind if isinstance(kind, str) else None
