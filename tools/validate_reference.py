"""The reference OpenAPI validator: openapi-spec-validator 0.9, made safe to run.

The document is validated against the OpenAPI 3.0 / 3.1 JSON Schema (it already uses
jsonschema-rs for that part when installed), then its keyword validators walk every path,
operation, parameter, response and schema: each schema's own JSON Schema meta-check,
`default` values against their schema, required properties under `allOf`, duplicate
operation ids, parameters and tags, unresolved path parameters. Its answer is the answer:
`tools.validate_fast` finds the same problems faster and falls back to it.

Made safe as a second line behind `tools.refs.ref_problems` (which `tools.validate` runs
first): the validator is built with a retriever that refuses every URI, and its
`_collect_properties` (which recurses without remembering what it saw:
`B: {items: {$ref: B}}` under an `allOf` sends it into infinite recursion, on a legal
schema) is replaced by the same union computed once per schema.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jsonschema_path import SchemaPath
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.validation.keywords import (
    OpenAPIV30SchemaValidator,
    OpenAPIV31SchemaValidator,
)
from referencing.exceptions import Unresolvable

from tools.errors import ToolError, describe
from tools.pointers import json_pointer

__all__ = [
    "Problem",
    "as_problem",
    "reference_problems",
    "reference_validator",
]

_MAX_MESSAGE = 300


@dataclass(frozen=True)
class Problem:
    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message}"


class _NoRetrieval(dict[str, Any]):
    """jsonschema-path's handlers, one per URI scheme; a scheme it has no handler for
    goes to requests or urllib (any scheme urllib knows, file: and ftp: included). This
    one claims every scheme and refuses each: the validator reads nothing but the
    document it was given."""

    def __contains__(self, scheme: object) -> bool:
        return True

    def __getitem__(self, scheme: str) -> Callable[[str], Any]:
        return self._refuse

    @staticmethod
    def _refuse(uri: str) -> Any:
        raise LookupError(f"{uri}: external references are not retrieved")


def _collect_properties_once(self: Any, schema: SchemaPath) -> set[str]:
    """SchemaValidator._collect_properties (every property name reachable through
    allOf/anyOf/oneOf/items/not), visiting each schema once instead of recursing for ever
    on a recursive schema. Same union, same order of reads."""
    props: set[str] = set()
    seen: set[int] = set()
    stack = [schema]
    while stack:
        current = stack.pop()
        key = id(current.read_value())
        if key in seen:
            continue
        seen.add(key)
        if "properties" in current:
            names = (current / "properties").keys()
            props.update(map(str, names))
        pending: list[SchemaPath] = []
        for keyword in ("allOf", "anyOf", "oneOf"):
            if keyword in current:
                pending.extend(current / keyword)
        for keyword in ("items", "not"):
            if keyword in current:
                pending.append(current / keyword)
        stack.extend(reversed(pending))
    return props


class _V30Schema(OpenAPIV30SchemaValidator):
    _collect_properties = _collect_properties_once


class _V31Schema(OpenAPIV31SchemaValidator):
    _collect_properties = _collect_properties_once


def _with_schema_keyword(base: Any, schema_keyword: type) -> dict[str, type]:
    return {**base.keyword_validators, "schema": schema_keyword}


class _V30(OpenAPIV30SpecValidator):
    resolver_handlers = _NoRetrieval()
    keyword_validators = _with_schema_keyword(OpenAPIV30SpecValidator, _V30Schema)


class _V31(OpenAPIV31SpecValidator):
    resolver_handlers = _NoRetrieval()
    keyword_validators = _with_schema_keyword(OpenAPIV31SpecValidator, _V31Schema)


def reference_validator(doc: dict[str, Any], source: str) -> Any:
    """openapi-spec-validator's validator for the document's OpenAPI version, made safe."""
    version = str(doc.get("openapi", ""))
    if version.startswith("3.0."):
        return _V30(doc)
    if version.startswith("3.1."):
        return _V31(doc)
    raise ToolError(
        f"{source}: at /openapi: `openapi: {version or '(missing)'}` is not a version this "
        "pipeline validates. "
        "Use an OpenAPI 3.0.x or 3.1.x document."
    )


def as_problem(error: Any) -> Problem:
    """A validator error as a Problem: the JSON pointer and the first line, shortened."""
    message = str(error.message).splitlines()[0]
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 3] + "..."
    return Problem(json_pointer(list(error.absolute_path)), message)


def reference_problems(doc: dict[str, Any], source: str) -> list[Problem]:
    """Every problem, as openapi-spec-validator's own `iter_errors` reports them.

    A reference it cannot follow (external: never retrieved; or pointing at nothing) and
    a walk that runs out of stack are a `ToolError` naming `source`, not a traceback.
    """
    validator = reference_validator(doc, source)
    try:
        return [as_problem(error) for error in validator.iter_errors()]
    except Unresolvable as err:
        raise ToolError(
            f"{source}: the validator could not follow $ref {str(err.ref)!r}: an external "
            "reference (never retrieved) or a pointer that names nothing. Make it a local "
            "'#/components/...' reference to something the document has."
        ) from None
    except RecursionError:
        raise ToolError(
            f"{source}: the validator recursed too deeply on this document (a schema "
            "nested too deeply, or a $ref loop it cannot leave). Flatten the nesting "
            "(named schemas under components) or break the loop."
        ) from None
    except Exception as err:  # a shape its keyword walk does not expect (`paths: {/a: 5}`)
        # The OpenAPI JSON Schema check (the walk's first half) words what is malformed.
        shape = [as_problem(error) for error in validator.schema_validator.iter_errors(doc)]
        if shape:
            return shape
        detail = describe(err)
        raise ToolError(
            f"{source}: the validator failed on this document ({detail}). Check the "
            "document's structure against the OpenAPI specification."
        ) from None
