"""Choosing an answer from a spec the way Prism's static mode does (no I/O, no httpx).

Status: the lowest documented 2xx unless a code is asked for (exact key, then its `NXX`
range, then `default`). Media type: the first one the request's Accept names, else the
first documented. Body: the named example, else the media type's first `examples` entry,
else its `example`, else the schema's own `example`/`examples`, else a minimal instance
built from the schema (required properties only, first enum value, lower bounds).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from image_classify import _spec_match
from image_classify._spec_match import Operation, SpecIndex, match_status

JSON = dict[str, Any]


class UndocumentedAnswer(AssertionError):
    """A status or example was asked for (Prefer, fake.prefer) that the spec does not
    document for that operation: a mistake in the test, shown as a test failure."""


UndocumentedAnswer.__module__ = "image_classify.testing"  # its public name in tracebacks


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    media_type: str | None
    body: Any  # the chosen example's value (JSON-able), or None when there is no content
    headers: dict[str, str] = field(default_factory=dict)
    example: str | None = None  # the example's name, when it came from `examples`


def resolve(spec: JSON, node: Any) -> Any:
    """`node` with internal `$ref`s followed, as the validator follows them."""
    return _spec_match.resolve(spec, node, "")[0]


# Indexes of the documents routed so far, by id (each holds its document, so no id is reused).


def find_operation(index: SpecIndex, method: str, path: str) -> Operation | None:
    """The operation serving `method path` (the URL's path, base path included or not),
    routed by the validator's index (`_spec_match`): the most specific template wins."""
    found = index.match(path)
    return None if found is None else index.operation(found.template, method)


def choose_response(operation: Operation, code: int | None) -> tuple[int, str]:
    """(status to answer with, the key of `responses` that documents it)."""
    responses: JSON = operation.node.get("responses", {})
    if code is None:
        twos = sorted(int(k) for k in responses if k.isdigit() and 200 <= int(k) < 300)
        if twos:
            return twos[0], str(twos[0])
        key = match_status(200, [k for k in responses if not k.isdigit()])  # 2XX, default
        if key is not None:
            return 200, key
        raise UndocumentedAnswer(f"{operation.name} documents no 2xx answer: ask for a code")
    key = match_status(code, responses)
    if key is not None:
        return code, key
    documented = ", ".join(responses)
    raise UndocumentedAnswer(
        f"{operation.name} documents no {code} answer (documented: {documented}); ask for "
        "one of those"
    )


def _accepted(accept: str | None, content: Mapping[str, Any]) -> str | None:
    if not content:
        return None
    for item in (accept or "").split(","):
        wanted = item.split(";", 1)[0].strip().lower()
        for media_type in content:
            if wanted == media_type.lower():
                return media_type
    return next(iter(content))


def choose_answer(
    spec: JSON,
    operation: Operation,
    *,
    code: int | None = None,
    example: str | None = None,
    accept: str | None = None,
) -> Answer:
    """The answer Prism's static mode gives to this operation for these preferences."""
    status, key = choose_response(operation, code)
    response = resolve(spec, operation.node["responses"][key])
    headers = {
        name: _header_text(instance(spec, header_schema_or_example(spec, header)))
        for name, header in response.get("headers", {}).items()
    }
    content: JSON = response.get("content", {})
    media_type = _accepted(accept, content)
    if media_type is None:
        if example is not None:
            raise UndocumentedAnswer(
                f"{operation.name} {status} has no content, so no example {example!r}"
            )
        return Answer(status, None, None, headers)
    media = resolve(spec, content[media_type])
    name, body = pick_example(spec, media, example, f"{operation.name} {status} {media_type}")
    return Answer(status, media_type, body, headers, name)


T = TypeVar("T")


def named(provider: str, choose: Callable[[], T]) -> T:
    """`choose()`, with an UndocumentedAnswer's message naming the provider."""
    try:
        return choose()
    except UndocumentedAnswer as exc:
        raise UndocumentedAnswer(f"{provider}: {exc}") from None


def pick_example(
    spec: JSON, media: JSON, name: str | None, where: str = "media type"
) -> tuple[str | None, Any]:
    """(example name or None, value) of a media type object."""
    examples: JSON = media.get("examples") or {}
    if name is not None:
        if name not in examples:
            known = ", ".join(examples) or "none"
            raise UndocumentedAnswer(f"{where} has no example {name!r} (documented: {known})")
        return name, resolve(spec, examples[name]).get("value")
    if examples:
        first = next(iter(examples))
        return first, resolve(spec, examples[first]).get("value")
    if "example" in media:
        return None, media["example"]
    return None, instance(spec, media.get("schema", {}))


def header_schema_or_example(spec: JSON, header: Any) -> JSON:
    """A header object seen as a schema whose example is the header's own, if any."""
    header = resolve(spec, header)
    schema = dict(resolve(spec, header.get("schema", {})))
    if "example" in header:
        schema["example"] = header["example"]
    elif header.get("examples"):
        first = next(iter(header["examples"].values()))
        schema["example"] = resolve(spec, first).get("value")
    return schema


def _header_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


_FORMATS = {
    "date-time": "1970-01-01T00:00:00Z",
    "date": "1970-01-01",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "uri": "https://example.com",
    "email": "user@example.com",
}


def instance(spec: JSON, schema: Any, depth: int = 0) -> Any:
    """A minimal instance of `schema`: its own example/default/enum/const when it has
    one, else required properties only, lower bounds, the first branch of a choice."""
    schema = resolve(spec, schema)
    if not isinstance(schema, dict) or depth > 16:
        return None
    for key in ("example", "default", "const"):
        if key in schema:
            return schema[key]
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]
    if schema.get("enum"):
        return schema["enum"][0]
    if "allOf" in schema:
        merged: JSON = {}
        for part in schema["allOf"]:
            value = instance(spec, part, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            return instance(spec, schema[key][0], depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):  # 3.1: ["string", "null"] -> the first that is not null
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else None
    return _typed_instance(spec, schema, kind, depth)


def _typed_instance(spec: JSON, schema: JSON, kind: str | None, depth: int) -> Any:
    if kind == "object":
        properties = schema.get("properties", {})
        return {
            name: instance(spec, properties.get(name, {}), depth + 1)
            for name in schema.get("required", [])
        }
    if kind == "array":
        count = int(schema.get("minItems", 0))
        return [instance(spec, schema.get("items", {}), depth + 1) for _ in range(count)]
    if kind == "string":
        text = _FORMATS.get(schema.get("format", ""), "string")
        return text.ljust(int(schema.get("minLength", 0)), "x")
    if kind in ("integer", "number"):
        value = schema.get("minimum", 0)
        exclusive = schema.get("exclusiveMinimum")
        if exclusive is True:  # 3.0: a flag on `minimum`
            value += 1
        elif isinstance(exclusive, int | float) and not isinstance(exclusive, bool):
            value = exclusive + 1  # 3.1: the bound itself
        return int(value) if kind == "integer" else value
    if kind == "boolean":
        return True
    return None
