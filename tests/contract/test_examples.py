"""Every example in every effective spec validates against its schema.

Prism answers with these examples as they are (even invalid ones, unless --errors), so
an invalid example is a mock that lies. Request and response examples, `example` and
`examples`, on media types, parameters and schemas.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator, OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from tools.effective import build
from tools.manifest import select
from tools.pointers import json_pointer


def examples(node: Any, path: list[str | int]) -> Iterator[tuple[str, str, Any]]:
    """(pointer of the schema, pointer of the example, example value), everywhere."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from examples(item, [*path, i])
        return
    if not isinstance(node, dict):
        return
    is_schema = (path and path[-1] in ("schema",)) or (
        len(path) >= 3 and path[-3:-1] == ["components", "schemas"]
    )
    holder_schema = node.get("schema") if isinstance(node.get("schema"), dict) else None
    if holder_schema is not None:  # a media type or a parameter
        schema_at = json_pointer([*path, "schema"])
        if "example" in node:
            yield schema_at, json_pointer([*path, "example"]), node["example"]
        for name, example in (node.get("examples") or {}).items():
            if isinstance(example, dict) and "value" in example:
                yield schema_at, json_pointer([*path, "examples", name, "value"]), example["value"]
    if is_schema:
        here = json_pointer(path)
        if "example" in node:
            yield here, json_pointer([*path, "example"]), node["example"]
        if isinstance(node.get("examples"), list):
            for i, example in enumerate(node["examples"]):
                yield here, json_pointer([*path, "examples", i]), example
    for key, value in node.items():
        if key in ("example", "examples"):
            continue
        yield from examples(value, [*path, key])


def cases() -> Iterator[Any]:
    for provider in select():
        document = build(provider).document
        for schema_at, example_at, value in examples(document, []):
            yield pytest.param(
                provider.key, document, schema_at, value, id=f"{provider.key}{example_at}"
            )


CASES = list(cases())


def test_there_are_examples_for_every_provider() -> None:
    keys = {case.values[0] for case in CASES}
    assert keys == {p.key for p in select()}


@pytest.mark.parametrize(("provider", "document", "schema_at", "value"), CASES)
def test_example_validates_against_its_schema(
    provider: str, document: dict[str, Any], schema_at: str, value: Any
) -> None:
    version = str(document["openapi"])
    validator_class, dialect = (
        (OAS31Validator, DRAFT202012) if version.startswith("3.1") else (OAS30Validator, DRAFT4)
    )
    registry: Registry[Any] = Registry().with_resource(
        "urn:spec", Resource.from_contents(document, default_specification=dialect)
    )
    validator = validator_class({"$ref": f"urn:spec#{schema_at}"}, registry=registry)
    errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{json_pointer(list(e.absolute_path)) or '/'}: {e.message}" for e in errors
    )
