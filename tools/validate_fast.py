"""The reference validator's keyword walk (`tools.validate_reference`), fast.

The reference's walk costs about 7-11 s on a 4 MB Cloudflare document, nearly all of it
overhead: every node is read through jsonschema-path (a `$ref`-resolving path object,
about 5 s), seen-schema bookkeeping is a list searched linearly (quadratic, about 4 s
profiled), and each of ~8,000 schemas is meta-checked by pure-Python jsonschema (about 4 s).

`fast_problems()` therefore runs the same walk itself (`_FastWalk`) over the plain document:
the same visiting order, the same `$ref` resolution and de-duplication, and every message
produced by the reference's own code. Where the reference needs a JSON Schema verdict it
gets one the cheap way first: each schema's meta-check asks jsonschema-rs (the same
meta-schema: draft-04 for OpenAPI 3.0, the OAS base dialect on draft 2020-12 for 3.1, with
the reference's own format checker plugged in) whether the schema is valid, and only for
the schemas that are not does the reference's check run, to word the error exactly as it
would. `default` values are checked by the reference's own validator classes. Anything
the fast walk does not mirror (a remote or anchor `$ref`, an `$id`, a node of an
unexpected shape, jsonschema-rs missing) gives None, and the caller asks the reference
validator, so the answer is always the reference's answer. About 0.1 s instead of 7 s on
that document; tests/tools/test_validate_equivalence.py proves the two lists identical on the
three real Cloudflare documents, on our five effective specs and on planted problems of
every kind. Like the reference here, it computes each schema's property union once.
"""

from __future__ import annotations

import importlib
import string
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import unquote

from jsonschema.validators import validator_for  # type: ignore[import-untyped]
from openapi_schema_validator import OAS31_BASE_DIALECT_ID
from openapi_schema_validator._specifications import REGISTRY as OPENAPI_SPECIFICATIONS
from openapi_spec_validator import OpenAPIV30SpecValidator
from openapi_spec_validator.validation.exceptions import (
    DuplicateOperationIDError,
    ExtraParametersError,
    OpenAPIValidationError,
    ParameterDuplicateError,
    UnresolvableParameterError,
)
from openapi_spec_validator.validation.keywords import OpenAPIV31SchemaValidator

from tools.openapi_terms import HTTP_METHODS
from tools.validate_reference import Problem, as_problem, reference_validator

jsonschema_rs: Any
try:  # optional: without it every document goes to the reference validator
    jsonschema_rs = importlib.import_module("jsonschema_rs")
except ImportError:  # pragma: no cover - installed with the dev extra
    jsonschema_rs = None

__all__ = ["fast_problems"]


def fast_problems(doc: dict[str, Any], source: str) -> list[Problem] | None:
    """The same problems as `reference_problems`, found quickly; None when this document
    needs something the fast walk does not mirror (the caller then asks the reference)."""
    validator = reference_validator(doc, source)
    if jsonschema_rs is None:
        return None
    try:
        return [as_problem(error) for error in _FastWalk(doc, validator).errors()]
    except Exception:  # _Unsupported, or a shape the reference itself chokes on
        # The reference decides (and raises, where it raises, on such a document).
        return None


class _Unsupported(Exception):
    """Something the fast walk does not mirror exactly: the reference validator decides."""


def _formats(schema: Any) -> set[str]:
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("format"), str):
                found.add(node["format"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


_RS_META: dict[tuple[int, str], Any] = {}


def _rs_meta_validator(schema_keyword: Any, dialect: str) -> Any:
    """jsonschema-rs compiled for the meta-schema the reference checks each schema against
    (OpenAPI 3.0: draft-04; 3.1: the OAS base dialect on draft 2020-12, with the OpenAPI
    vocabulary resources), with the reference's own format checker for every format those
    meta-schemas use: a `pattern` is a regex, a `$id` a URI reference, exactly when the
    reference says so."""
    key = (id(type(schema_keyword)), dialect)
    if key in _RS_META:
        return _RS_META[key]
    assert jsonschema_rs is not None
    if isinstance(schema_keyword, OpenAPIV31SchemaValidator):
        schema_class = validator_for({"$schema": dialect})
        checker = schema_keyword.schema_validator_format_checker
        registry = OPENAPI_SPECIFICATIONS
        resources = [
            (str(uri), registry.contents(uri))
            for uri in registry
            if not str(uri).startswith("http://json-schema.org/")  # built into jsonschema-rs
            and not str(uri).startswith("https://json-schema.org/")
        ]
        extra: dict[str, Any] = {"registry": jsonschema_rs.Registry(resources)}
        formats = set().union(*(_formats(contents) for _, contents in resources))
    else:
        schema_class = schema_keyword.schema_validator_cls
        checker = schema_class.FORMAT_CHECKER
        extra = {}
        formats = set()
    meta = schema_class.META_SCHEMA
    formats |= _formats(meta)

    def conforms(name: str) -> Callable[[str], bool]:
        return lambda value: bool(checker.conforms(value, name))

    _RS_META[key] = jsonschema_rs.validator_cls_for(meta)(
        meta,
        formats={name: conforms(name) for name in formats},
        validate_formats=True,
        **extra,
    )
    return _RS_META[key]


class _FastWalk:
    """openapi-spec-validator's keyword validators (RootValidator and below, 0.9), on the
    plain document. Each method names the reference class it mirrors; the order of visits,
    the de-duplication by object identity and every message are the reference's."""

    def __init__(self, doc: dict[str, Any], reference: Any) -> None:
        self.doc = doc
        self.reference = reference
        registry = reference.keyword_validators_registry
        self.schema_keyword = registry["schema"]  # its meta-check words our errors
        self.value_keyword = registry["default"]  # the class that validates defaults
        self.root_path = reference.schema_path
        # The meta-schema of a schema without `$schema` (3.1: the document's
        # jsonSchemaDialect, by default the OAS base dialect). Others: the reference checks.
        self.dialect = doc.get("jsonSchemaDialect", OAS31_BASE_DIALECT_ID)
        if not isinstance(self.dialect, str):
            raise _Unsupported("jsonSchemaDialect is not a string")
        known = isinstance(reference, OpenAPIV30SpecValidator)
        known = known or self.dialect == OAS31_BASE_DIALECT_ID
        self.rs_meta = _rs_meta_validator(self.schema_keyword, self.dialect) if known else None
        self.value_resolver: Any = None
        self.refs: dict[str, Any] = {}
        self.meta_checked: set[int] = set()
        self.visited: set[int] = set()
        self.operation_ids: set[Any] = set()
        self.found: list[Any] = []

    # ----------------------------------------------------------------- node access

    def _lookup(self, ref: str) -> Any:
        if ref in self.refs:
            return self.refs[ref]
        if not ref.startswith("#"):
            raise _Unsupported(f"$ref {ref!r}")
        fragment = unquote(ref[1:])
        if fragment and not fragment.startswith("/"):
            raise _Unsupported(f"anchor $ref {ref!r}")
        node: Any = self.doc
        for token in fragment.split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict):
                if "$id" in node:
                    raise _Unsupported("$id")
                node = node[token]
            elif isinstance(node, list):
                node = node[int(token)]
            else:
                raise _Unsupported(f"$ref {ref!r} through a scalar")
        if isinstance(node, dict) and "$id" in node:
            raise _Unsupported("$id")
        self.refs[ref] = node
        return node

    def _resolve(self, node: Any) -> Any:
        """jsonschema-path's rule: a mapping with a string `$ref` is the node it names."""
        hops = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            node = self._lookup(node["$ref"])
            hops += 1
            if hops > 100:
                raise _Unsupported("$ref cycle")
        return node

    def _child(self, node: Any, key: str) -> Any:
        if not isinstance(node, dict):
            raise _Unsupported(f"{key!r} of a {type(node).__name__}")
        return self._resolve(node[key])

    def _children(self, node: Any) -> Iterator[tuple[Any, Any]]:
        """SchemaPath.items(): keys of a mapping, indexes of a list; values resolved."""
        if isinstance(node, dict):
            for key, value in node.items():
                yield key, self._resolve(value)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield index, self._resolve(value)
        else:
            raise _Unsupported(f"iterating a {type(node).__name__}")

    def _named_children(self, node: Any) -> Iterator[tuple[str, Any]]:
        for key, value in self._children(node):
            if not isinstance(key, str):  # the reference asserts string keys here
                raise _Unsupported("non-string key")
            yield key, value

    def _keys(self, node: Any) -> Any:
        if isinstance(node, dict):
            return node.keys()
        if isinstance(node, list):
            return range(len(node))
        raise _Unsupported(f"keys of a {type(node).__name__}")

    def _read_str(self, node: Any, key: str) -> str:
        value = self._child(node, key)
        if not isinstance(value, str):
            raise _Unsupported(f"{key!r} is not a string")
        return value

    @staticmethod
    def _scalar(node: Any, key: str) -> Any:
        """SchemaPath `node[key]`: the raw value (a container would come back as a path)."""
        if not isinstance(node, dict):
            raise _Unsupported(f"{key!r} of a {type(node).__name__}")
        value = node[key]
        if isinstance(value, dict | list):
            raise _Unsupported(f"{key!r} is a container")
        return value

    # ----------------------------------------------------------------- the walk

    def errors(self) -> list[Any]:
        # SpecValidator.iter_errors: the document against the OpenAPI JSON Schema (the
        # reference's own validator object: jsonschema-rs underneath when installed) ...
        self.found = list(self.reference.schema_validator.iter_errors(self.doc))
        # ... then RootValidator.
        spec = self._resolve(self.doc)
        if not isinstance(spec, dict):
            raise _Unsupported("the document is not a mapping")
        if "tags" in spec:
            self._tags(self._child(spec, "tags"))
        if "paths" in spec:
            for url, item in self._named_children(self._child(spec, "paths")):
                self._path(url, item)
        if "components" in spec:
            components = self._child(spec, "components")
            if isinstance(components, dict) and "schemas" in components:
                for _, schema in self._children(self._child(components, "schemas")):
                    self._schema(schema)
        return self.found

    def _tags(self, tags: Any) -> None:  # TagsValidator
        seen: set[str] = set()
        for _, tag in self._children(tags):
            name = self._read_str(tag, "name")
            if name in seen:
                self.found.append(OpenAPIValidationError(f"Duplicate tag name '{name}'"))
            seen.add(name)

    def _path(self, url: str, item: Any) -> None:  # PathValidator
        parameters = None
        if isinstance(item, dict) and "parameters" in item:
            parameters = self._child(item, "parameters")
            self._parameters(parameters)
        for field, operation in self._named_children(item):
            if field in HTTP_METHODS:
                self._operation(url, field, operation, parameters)

    def _operation(self, url: str, name: str, operation: Any, path_parameters: Any) -> None:
        # OperationValidator (an operation that is not a mapping has none of these keys)
        names: list[str] = []
        if isinstance(operation, dict):
            if "operationId" in operation:
                self._operation_id(url, name, self._child(operation, "operationId"))
            if "responses" in operation:
                self._responses(self._child(operation, "responses"))
            if "parameters" in operation:
                parameters = self._child(operation, "parameters")
                self._parameters(parameters)
                names += list(self._path_parameter_names(parameters))
        if path_parameters is not None:
            names += list(self._path_parameter_names(path_parameters))
        self._unresolved(url, name, set(names))

    def _operation_id(self, url: str, name: str, operation_id: Any) -> None:
        try:
            duplicate = operation_id is not None and operation_id in self.operation_ids
            self.operation_ids.add(operation_id)
        except TypeError:
            raise _Unsupported("unhashable operationId") from None
        if duplicate:
            self.found.append(
                DuplicateOperationIDError(
                    f"Operation ID '{operation_id}' for '{name}' in '{url}' is not unique"
                )
            )

    def _responses(self, responses: Any) -> None:
        # ResponsesValidator, OpenAPIV3ResponseValidator, ContentValidator, MediaTypeValidator
        for _, response in self._named_children(responses):
            if isinstance(response, dict) and "content" in response:
                for _, media in self._named_children(self._child(response, "content")):
                    if isinstance(media, dict) and "schema" in media:
                        self._schema(self._child(media, "schema"))

    def _unresolved(self, url: str, name: str, all_params: set[str]) -> None:
        url_params = {item[1] for item in string.Formatter().parse(url) if item[1]}
        message = "Path parameter '{}' for '{}' operation in '{}' was not resolved"
        for path in sorted(url_params):
            if path not in all_params:
                self.found.append(UnresolvableParameterError(message.format(path, name, url)))
        for path in sorted(all_params):
            if path not in url_params:
                self.found.append(UnresolvableParameterError(message.format(path, name, url)))

    def _path_parameter_names(self, parameters: Any) -> Iterator[str]:
        for _, parameter in self._children(parameters):
            if self._read_str(parameter, "in") == "path":
                yield self._read_str(parameter, "name")

    def _parameters(self, parameters: Any) -> None:  # ParametersValidator
        seen: set[tuple[Any, Any]] = set()
        for _, parameter in self._children(parameters):
            # ParameterValidator
            if isinstance(parameter, dict) and "schema" in parameter:
                self._schema(self._child(parameter, "schema"))
            name = self._scalar(parameter, "name")
            key = (name, self._scalar(parameter, "in"))
            if key in seen:
                self.found.append(ParameterDuplicateError(f"Duplicate parameter '{name}'"))
            seen.add(key)

    def _collect_properties(self, schema: Any) -> set[str]:
        # SchemaValidator._collect_properties, each schema once (as validate_reference does)
        props: set[str] = set()
        seen: set[int] = set()
        stack = [schema]
        while stack:
            current = stack.pop()
            if not isinstance(current, dict) or id(current) in seen:
                continue
            seen.add(id(current))
            if "properties" in current:
                props.update(self._keys(self._child(current, "properties")))
            pending: list[Any] = []
            for keyword in ("allOf", "anyOf", "oneOf"):
                if keyword in current:
                    pending += [sub for _, sub in self._children(self._child(current, keyword))]
            for keyword in ("items", "not"):
                if keyword in current:
                    pending.append(self._child(current, keyword))
            stack.extend(reversed(pending))
        return props

    def _meta_error(self, value: Any) -> Any:
        own_dialect = isinstance(value, dict) and "$schema" in value
        if self.rs_meta is not None and not own_dialect and self.rs_meta.is_valid(value):
            return None
        # Invalid, or another dialect: the reference's own check decides and words it.
        return self.schema_keyword._validate_schema_meta(self.root_path, value)

    def _schema(
        self, value: Any, require_properties: bool = True, meta_checked: bool = False
    ) -> None:  # SchemaValidator.__call__
        if not isinstance(value, Mapping | bool):
            self.found.append(
                OpenAPIValidationError(f"{value!r} is not of type 'object', 'boolean'")
            )
            return
        schema_id = id(value)
        if not meta_checked and schema_id not in self.meta_checked:
            self.meta_checked.add(schema_id)
            error = self._meta_error(value)
            if error is not None:
                self.found.append(error)
                return
        if schema_id in self.visited:
            return
        self.visited.add(schema_id)
        if not isinstance(value, dict):
            return  # a boolean schema has no keywords
        nested_properties: list[str] = []
        if "allOf" in value:
            for _, inner in self._children(self._child(value, "allOf")):
                self._schema(inner, require_properties=False, meta_checked=True)
                nested_properties += list(self._collect_properties(inner))
        for keyword in ("anyOf", "oneOf"):
            if keyword in value:
                for _, inner in self._children(self._child(value, keyword)):
                    self._schema(inner, require_properties=False, meta_checked=True)
        for keyword in ("not", "items"):
            if keyword in value:
                self._schema(
                    self._child(value, keyword), require_properties=False, meta_checked=True
                )
        if "properties" in value:
            for _, inner in self._children(self._child(value, "properties")):
                self._schema(inner, require_properties=False, meta_checked=True)
        required = ("required" in value and self._child(value, "required")) or []
        properties = ("properties" in value and self._keys(self._child(value, "properties"))) or []
        if "allOf" in value:
            extra = list(set(required) - set(properties) - set(nested_properties))
        else:
            extra = []
        if extra and require_properties:
            self.found.append(
                ExtraParametersError(f"Required list has not defined properties: {extra}")
            )
        if "default" in value:
            default = self._child(value, "default")
            nullable = self._child(value, "nullable") if "nullable" in value else False
            if default is not None or nullable is not True:
                self._default(value, default)

    def _default(self, schema: dict[str, Any], default: Any) -> None:  # ValueValidator
        if self.value_resolver is None:
            with self.root_path.resolve() as resolved:
                self.value_resolver = resolved.resolver
        keyword = self.value_keyword
        validator = keyword.value_validator_cls(
            schema,
            _resolver=self.value_resolver,
            format_checker=keyword.value_validator_format_checker,
        )
        self.found.extend(validator.iter_errors(default))
