"""Turn a Schemathesis case into a call of the generated, typed client.

Schemathesis draws raw HTTP inputs (path, query, headers, body) from the effective spec;
the contract is that the *typed client* can express each of them and that what it sends
is what the spec (and so Prism) accepts. This module maps the raw inputs onto the
generated function's parameters, using the generator's own naming rules and the
function's type annotations, with no per-provider code.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import io
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import schemathesis
from openapi_python_client.strings import PythonIdentifier
from schemathesis.core import NotSet

from tools.effective import build, write_effective
from tools.generate import endpoints
from tools.manifest import Provider, select

SPEC_DIR = Path(__file__).resolve().parents[2] / ".build" / "contract"
# Credentials travel through the client (auth), never as function arguments: the header
# of every header or bearer credential in the manifest ("Authorization" for bearer).
AUTH_HEADERS = {p.auth.name.lower() for p in select() if p.auth.style in ("header", "bearer")}


@dataclass(eq=False)  # identity: hashable, for caches keyed by operation
class Operation:
    provider: Provider
    method: str
    path: str
    definition: dict[str, Any]
    module: types.ModuleType
    schema_operation: Any  # schemathesis APIOperation
    encodings: dict[str, str] = field(default_factory=dict)  # multipart part -> media type
    auth_query: set[str] = field(default_factory=set)  # query parameters that carry a key

    @property
    def id(self) -> str:
        return f"{self.provider.key}:{self.method} {self.path}"


def _blank(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def load_operations(providers: list[Provider] | None = None) -> list[Operation]:
    found = []
    for provider in providers or select():
        spec_path = write_effective(provider, SPEC_DIR)
        effective = build(provider)
        document = effective.document
        schemes = (document.get("components") or {}).get("securitySchemes") or {}
        auth_query = {
            s["name"]
            for s in schemes.values()
            if s.get("type") == "apiKey" and s.get("in") == "query"
        }
        schema = schemathesis.openapi.from_path(str(spec_path))
        by_route = {(e.method, e.url): e for e in endpoints(provider.package_dir)}
        for method, path, definition in effective.operations():
            endpoint = by_route[(method, _blank(path))]
            dotted = endpoint.module.removesuffix(".py").replace("/", ".")
            module = importlib.import_module(f"{provider.package}.{dotted}")
            encodings = {}
            for media in (definition.get("requestBody") or {}).get("content", {}).values():
                for part, encoding in (media.get("encoding") or {}).items():
                    encodings[part] = str(encoding.get("contentType", "")).split(",")[0].strip()
            found.append(
                Operation(
                    provider,
                    method,
                    path,
                    definition,
                    module,
                    schema[path][method],
                    encodings,
                    auth_query,
                )
            )
    return found


def python_name(name: str, parameters: typing.Mapping[str, inspect.Parameter]) -> str:
    """The generated parameter for an OpenAPI name (same rule as the generator)."""
    candidate = str(PythonIdentifier(name, prefix="field_"))
    if candidate in parameters:
        return candidate
    raise KeyError(f"no parameter for {name!r} (tried {candidate!r}) in {list(parameters)}")


def _members(annotation: Any) -> list[Any]:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return [m for m in typing.get_args(annotation) if getattr(m, "__name__", "") != "Unset"]
    return [annotation]


def _file(module_package: str, payload: bytes, media_type: str) -> Any:
    file_class = importlib.import_module(f"{module_package}.types").File
    return file_class(payload=io.BytesIO(payload), file_name="upload.bin", mime_type=media_type)


def _coerce(value: Any, annotation: Any) -> Any:
    """A raw value (as Schemathesis sends it) as the annotated Python type."""
    for member in _members(annotation):
        origin = typing.get_origin(member) or member
        if inspect.isclass(origin) and issubclass(origin, enum.Enum):
            try:
                return origin(value)
            except ValueError:
                continue
        if origin is bool:
            if isinstance(value, str):
                return value.lower() == "true"
            if isinstance(value, bool):
                return value
        if origin in (int, float) and not isinstance(value, bool):
            if isinstance(value, str):
                try:
                    return origin(value)
                except ValueError:
                    continue
            if isinstance(value, int | float):
                return value
        if origin is str and isinstance(value, str):
            return value
        if origin is list and isinstance(value, list):
            (item,) = typing.get_args(member) or (Any,)
            return [_coerce(v, item) for v in value]
    return value


def _raw_bytes(body: Any) -> bytes:
    data = getattr(body, "data", body)
    if isinstance(data, str):
        return data.encode()
    assert isinstance(data, bytes | bytearray), type(data)
    return bytes(data)


def _body(operation: Operation, annotation: Any, body: Any, media_type: str) -> Any:
    package = operation.provider.package
    members = _members(annotation)
    file_members = [m for m in members if getattr(m, "__name__", "") == "File"]
    models = [m for m in members if hasattr(m, "from_dict")]
    if media_type in ("application/octet-stream", "application/x-www-form-urlencoded") or (
        file_members and not models
    ):
        return _file(package, _raw_bytes(body), media_type)
    if media_type.startswith("multipart/"):
        (model,) = models
        parsed = model.from_dict(
            {
                k: _raw_bytes(v) if k in operation.encodings or isinstance(v, bytes) else v
                for k, v in body.items()
            }
        )
        for part, part_type in operation.encodings.items():
            # A real caller names its upload; Prism 5.x also crashes on a part without
            # a Content-Type (stoplightio/prism#2672).
            current = getattr(parsed, part, None)
            if current is not None and hasattr(current, "payload"):
                current.file_name = "upload.bin"
                current.mime_type = part_type or "application/octet-stream"
        return parsed
    for model in models:
        if isinstance(body, dict):
            return model.from_dict(body)
    return _coerce(body, annotation)


def call_kwargs(operation: Operation, case: Any) -> dict[str, Any]:
    """Keyword arguments of the generated function for a Schemathesis case."""
    parameters = inspect.signature(operation.module.sync_detailed).parameters
    kwargs: dict[str, Any] = {}
    for name, value in (case.path_parameters or {}).items():
        target = python_name(name, parameters)
        # Schemathesis hands path values over percent-encoded; the client encodes itself.
        raw = unquote(value) if isinstance(value, str) else value
        kwargs[target] = _coerce(raw, parameters[target].annotation)
    for name, value in (case.query or {}).items():
        if name in operation.auth_query:
            continue
        target = python_name(name, parameters)
        kwargs[target] = _coerce(value, parameters[target].annotation)
    for name, value in (case.headers or {}).items():
        if name.lower() in AUTH_HEADERS or name.lower() == "content-type":
            continue
        target = python_name(name, parameters)
        kwargs[target] = _coerce(value, parameters[target].annotation)
    if "body" in parameters and case.media_type is not None and not isinstance(case.body, NotSet):
        kwargs["body"] = _body(operation, parameters["body"].annotation, case.body, case.media_type)
    return kwargs


class Recorder:
    """httpx event hooks that keep the last raw request and response."""

    def __init__(self) -> None:
        self.request: httpx.Request | None = None
        self.response: httpx.Response | None = None

    def on_request(self, request: httpx.Request) -> None:
        request.read()  # multipart bodies stream; keep them for response validation
        self.request = request

    def on_response(self, response: httpx.Response) -> None:
        response.read()
        self.response = response

    async def aon_request(self, request: httpx.Request) -> None:
        await request.aread()
        self.request = request

    async def aon_response(self, response: httpx.Response) -> None:
        await response.aread()
        self.response = response

    def hooks(self, asynchronous: bool) -> dict[str, list[Any]]:
        if asynchronous:
            return {"request": [self.aon_request], "response": [self.aon_response]}
        return {"request": [self.on_request], "response": [self.on_response]}
