"""JSON Schema validation against a spec's schemas: one validator per (document, schema
location, direction), built on first use with openapi-schema-validator's dialects, and each
error turned into a Finding that points at the place in the spec a human would edit.

jsonschema and openapi_schema_validator are imported inside the functions: importing
image_classify must not pay for them (0.55 s or more measured here, on a busy 2-CPU machine)
when no check runs."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple
from urllib.parse import unquote

from image_classify._spec_match import MAX_REF_HOPS, SpecIndex, at, escape

DOCUMENT_URI = "urn:image-classify:effective-spec"
# Keywords whose error message names only what the spec or the message's keys say (never a
# value from the message): the message is the expectation as it stands.
MESSAGE_KEYWORDS = frozenset(
    {"required", "additionalProperties", "unevaluatedProperties", "dependentRequired"}
)
# An array item schema made of only these is checked in Python (see with_fast_items).
FAST_KEYWORDS = frozenset({"type", "minimum", "maximum", "description", "title"})
# type(item) in these, so bool (a subclass of int) is never taken for a number.
SCALAR_TYPES: dict[Any, tuple[type, ...]] = {
    "integer": (int,),
    "number": (int, float),
    "string": (str,),
}
COMBINATORS = {
    "oneOf": "valid against exactly one of its {n} schemas",
    "anyOf": "valid against at least one of its {n} schemas",
    "allOf": "valid against all of its {n} schemas",
}


class Finding(NamedTuple):
    pointer: str  # into the instance
    spec_pointer: str  # into the document
    expected: str


def validator(index: SpecIndex, pointer: str, *, response: bool) -> Any:
    """The validator of the schema at `pointer`, cached on the index. A 3.0 document gets
    the read (response) or write (request) dialect, so readOnly/writeOnly apply."""
    key = (pointer, "response" if response else "request")
    found = index.validators.get(key)
    if found is None:
        found = build_validator(index, pointer, response=response)
        index.validators[key] = found
    return found


def build_validator(index: SpecIndex, pointer: str, *, response: bool) -> Any:
    import openapi_schema_validator as oas

    if index.oas30:
        base: Any = oas.OAS30ReadValidator if response else oas.OAS30WriteValidator
    else:
        base = oas.OAS31Validator
    cls = with_fast_items(base)
    # The root is a $ref into the registered document, so the schema's own "#/components/..."
    # refs resolve against the whole document rather than against the schema alone.
    root = {"$ref": f"{DOCUMENT_URI}#{pointer}"}
    return cls(root, registry=registry(index), format_checker=cls.FORMAT_CHECKER)


@functools.cache
def with_fast_items(base: Any) -> Any:
    """`base` whose `items` accepts plain scalars in Python before asking the library.
    Cloudflare's JSON input is an image as an array of byte values: jsonschema spends about
    11 us on each (11 s for a 1 MB image); this test takes about 0.1 us. An item it does not
    accept goes through the library as before, so the errors are the library's own."""
    from jsonschema.validators import extend  # type: ignore[import-untyped]

    original = base.VALIDATORS["items"]

    def items(validator: Any, items: Any, instance: Any, schema: Any) -> Iterator[Any]:
        accept = scalar_test(items) if isinstance(instance, list) else None
        if accept is None or "prefixItems" in schema:
            yield from original(validator, items, instance, schema)
            return
        for position, item in enumerate(instance):
            if not accept(item):
                yield from validator.descend(item, items, path=position)

    return extend(base, {"items": items})


def scalar_test(schema: Any) -> Callable[[Any], bool] | None:
    """A test that accepts exactly what `schema` accepts, for a schema made only of a scalar
    type and inclusive bounds; None for any other schema (the library decides those)."""
    if not isinstance(schema, dict) or not schema.keys() <= FAST_KEYWORDS:
        return None
    kinds = SCALAR_TYPES.get(schema.get("type"))
    low, high = schema.get("minimum"), schema.get("maximum")
    if kinds is None or not all(
        bound is None or type(bound) in (int, float) for bound in (low, high)
    ):
        return None
    return lambda item: (
        type(item) in kinds and (low is None or item >= low) and (high is None or item <= high)
    )


def registry(index: SpecIndex) -> Any:
    if index.registry is None:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4, DRAFT202012

        spec = DRAFT4 if index.oas30 else DRAFT202012
        resource: Resource[Any] = spec.create_resource(index.document)
        index.registry = Registry().with_resource(DOCUMENT_URI, resource)
    return index.registry


def findings(index: SpecIndex, pointer: str, instance: Any, *, response: bool) -> list[Finding]:
    """Every way `instance` fails the schema at `pointer`, in instance path order (/2 before
    /10), each once."""
    errors = validator(index, pointer, response=response).iter_errors(instance)
    leaves = sorted((leaf for error in errors for leaf in leaf_errors(error)), key=path_order)
    found = [to_finding(index, pointer, error) for error in leaves]
    return list(dict.fromkeys(found))


def path_order(error: Any) -> tuple[tuple[int, int, str], ...]:
    return tuple(
        (0, token, "") if isinstance(token, int) else (1, 0, str(token))
        for token in error.absolute_path
    )


def leaf_errors(error: Any) -> list[Any]:
    """A oneOf/anyOf failure stands for the errors of the branch that came closest: no wrong
    type at the branch's top, then the fewest errors. "Valid against none" helps nobody."""
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        return [error]
    branches: dict[Any, list[Any]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    closest = min(branches.values(), key=lambda subs: (wrong_kind(subs), len(subs)))
    if wrong_kind(closest) and len(branches) > 1:
        return [error]  # the instance is of none of the kinds: the combinator says it best
    return [leaf for sub in closest for leaf in leaf_errors(sub)]


def wrong_kind(errors: list[Any]) -> bool:
    """The branch rejects the instance itself for its type, enum or const."""
    return any(not e.relative_path and e.validator in ("type", "enum", "const") for e in errors)


def to_finding(index: SpecIndex, pointer: str, error: Any) -> Finding:
    instance_pointer = "".join("/" + escape(token) for token in error.absolute_path)
    spec_pointer = schema_location(index, pointer, list(error.absolute_schema_path))
    return Finding(instance_pointer, spec_pointer, expectation(error))


def schema_location(index: SpecIndex, pointer: str, path: list[str | int]) -> str:
    """Walk the error's schema path from `pointer` through the document to where the failed
    keyword is written. jsonschema leaves "$ref" out of that path, so a token the node does
    not have means the validator went through the node's $ref first: follow it, and the
    result lands inside the component, where a human would edit it."""
    node: Any = at(index.document, pointer)
    location = pointer
    for token in path:
        for _ in range(MAX_REF_HOPS):
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not isinstance(ref, str) or token in node:
                break
            location = unquote(ref.split("#", 1)[1]) if "#" in ref else ""
            node = at(index.document, location)
        location += "/" + escape(token)
        node = child(node, token)
    return location


def child(node: Any, token: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(token)
    if isinstance(node, list) and isinstance(token, int) and 0 <= token < len(node):
        return node[token]
    return None


def expectation(error: Any) -> str:
    """The spec's words for a failed keyword, and the schema's description when it has one."""
    keyword = str(error.validator)
    value = error.validator_value
    if error.validator is None:
        return "nothing is allowed here (the schema is `false`)"
    if keyword in MESSAGE_KEYWORDS:
        words = str(error.message)
    elif keyword in COMBINATORS and isinstance(value, list):
        words = f"{keyword}: " + COMBINATORS[keyword].format(n=len(value))
    elif keyword == "not":
        words = "not: must not be valid against its schema"
    elif keyword == "type" and isinstance(error.schema, dict) and error.schema.get("nullable"):
        words = f"type {value!r} or null"
    else:
        words = f"{keyword} {value!r}"
    return described(words, error.schema)


def described(words: str, schema: Any) -> str:
    """`words`, and the schema's description after them when it has one."""
    description = schema.get("description") if isinstance(schema, dict) else None
    if isinstance(description, str) and description.strip():
        return f"{words}; {description.strip()}"
    return words
