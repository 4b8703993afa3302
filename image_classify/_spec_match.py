"""Finding the part of a provider's effective spec that a message answers to: the operation
of a URL (precompiled path regexes), the response of a status, the media type of a
Content-Type, and internal `$ref`s followed to the place a human would edit.
No JSON Schema here: `_spec_schema` holds the validators, `_spec_body` reads bodies,
`_spec_auth` looks for credentials, `_spec_check` runs the checks."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from image_classify._spec_files import effective_spec

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# A $ref chain longer than this is a loop in a malformed document, not a real indirection.
MAX_REF_HOPS = 32
PARAM = re.compile(r"\{([^{}/]+)\}")
# Decode every escape but %2F: an encoded slash belongs to a parameter value, not the path.
ESCAPE = re.compile(r"%(?!2[fF])[0-9A-Fa-f]{2}")


def escape(token: str | int) -> str:
    """One JSON pointer token (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def join(pointer: str, *tokens: str | int) -> str:
    return pointer + "".join("/" + escape(token) for token in tokens)


def tokens_of(pointer: str) -> list[str]:
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:]]


def at(document: Any, pointer: str) -> Any:
    """The node at `pointer`, or None when the document has nothing there."""
    node = document
    for token in tokens_of(pointer):
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def resolve(document: Any, node: Any, pointer: str) -> tuple[Any, str]:
    """`node` (found at `pointer`) with internal `$ref`s followed: the target and its pointer."""
    for _ in range(MAX_REF_HOPS):
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not isinstance(ref, str) or not ref.startswith("#"):
            return node, pointer
        pointer = unquote(ref[1:])
        node = at(document, pointer)
    return node, pointer


@dataclass(frozen=True, slots=True)
class Operation:
    method: str  # "POST"
    template: str  # "/{dataset}/{version}"
    pointer: str  # "/paths/~1{dataset}~1{version}/post"
    node: dict[str, Any]
    path_item: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"


@dataclass(frozen=True, slots=True)
class Message:
    """What the checks read of one exchange: the URL taken apart, headers by lower-case name."""

    raw_path: str
    query: dict[str, list[str]]
    headers: dict[str, str]

    @classmethod
    def parse(cls, url: str, headers: Mapping[str, str]) -> Message:
        split = urlsplit(url)
        query: dict[str, list[str]] = {}
        for name, value in parse_qsl(split.query, keep_blank_values=True):
            query.setdefault(name, []).append(value)
        lowered = {str(name).lower(): str(value) for name, value in headers.items()}
        return cls(split.path or "/", query, lowered)


@dataclass(frozen=True, slots=True)
class Route:
    template: str
    regex: re.Pattern[str]
    names: tuple[str, ...]  # parameter names, in group order
    specificity: tuple[int, int]  # (parameters, -literal characters): smaller is better


@dataclass(frozen=True, slots=True)
class Match:
    template: str
    path_params: dict[str, str]


def compile_route(template: str) -> Route:
    """The regex of one path template, allowing any whole segments before it (a base path
    such as /v1, or none at all behind a mock on 127.0.0.1:PORT)."""
    names: list[str] = []
    parts: list[str] = []
    last = 0
    for found in PARAM.finditer(template):
        parts.append(re.escape(unquote(template[last : found.start()])))
        parts.append(f"(?P<p{len(names)}>[^/]+)")
        names.append(found.group(1))
        last = found.end()
    parts.append(re.escape(unquote(template[last:])))
    literal = len(PARAM.sub("", template))
    regex = re.compile(r"(?:/[^/]*)*?" + "".join(parts))
    return Route(template, regex, tuple(names), (len(names), -literal))


@dataclass(slots=True)
class SpecIndex:
    """One document's routes and operations, and the validators built for it (filled by
    `_spec_schema` on first use, so a check pays for each schema once per process)."""

    provider: str
    document: dict[str, Any]
    routes: tuple[Route, ...] = ()
    validators: dict[tuple[str, str], Any] = field(default_factory=dict)
    registry: Any = None

    def __post_init__(self) -> None:
        paths = self.document.get("paths")
        templates = (
            [key for key in paths if isinstance(key, str)] if isinstance(paths, dict) else []
        )
        routes = [compile_route(template) for template in templates]
        self.routes = tuple(sorted(routes, key=lambda route: route.specificity))

    @property
    def oas30(self) -> bool:
        return str(self.document.get("openapi", "")).startswith("3.0")

    def match(self, raw_path: str) -> Match | None:
        """The most specific template whose regex matches the end of `raw_path`."""
        path = ESCAPE.sub(lambda escaped: unquote(escaped.group(0)), raw_path)
        for route in self.routes:  # sorted: the first match is the most specific
            found = route.regex.fullmatch(path)
            if found:
                values = {name: unquote(found.group(f"p{i}")) for i, name in enumerate(route.names)}
                return Match(route.template, values)
        return None

    def path_item(self, template: str) -> dict[str, Any]:
        node, _ = resolve(self.document, self.document["paths"][template], "")
        return node if isinstance(node, dict) else {}

    def operation(self, template: str, method: str) -> Operation | None:
        item = self.path_item(template)
        node = item.get(method.lower())
        if method.lower() not in METHODS or not isinstance(node, dict):
            return None
        pointer = join("/paths", template, method.lower())
        return Operation(method.upper(), template, pointer, node, item)

    def operations(self) -> Iterator[str]:
        """Every documented operation, "POST /{dataset}/{version}"."""
        for route in self.routes:
            for method in METHODS:
                if isinstance(self.path_item(route.template).get(method), dict):
                    yield f"{method.upper()} {route.template}"

    def methods(self, template: str) -> list[str]:
        item = self.path_item(template)
        return [method.upper() for method in METHODS if isinstance(item.get(method), dict)]


@functools.cache
def index_for(provider: str) -> SpecIndex:
    return SpecIndex(provider, effective_spec(provider))


def parameters(index: SpecIndex, op: Operation) -> list[tuple[dict[str, Any], str]]:
    """The operation's parameters, each resolved, with its pointer; an operation-level one
    overrides the path item's of the same name and location (OpenAPI 3)."""
    found: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
    path_pointer = op.pointer.rsplit("/", 1)[0]
    for owner, pointer in ((op.path_item, path_pointer), (op.node, op.pointer)):
        listed = owner.get("parameters")
        for i, raw in enumerate(listed if isinstance(listed, list) else []):
            param, where = resolve(index.document, raw, join(pointer, "parameters", i))
            if isinstance(param, dict) and isinstance(param.get("name"), str):
                found[(str(param.get("in")), param["name"])] = (param, where)
    return list(found.values())


def media_type(content_type: str) -> str:
    """ "Application/JSON; charset=utf-8" -> "application/json"."""
    return content_type.split(";", 1)[0].strip().lower()


def match_media(content_type: str, declared: Iterable[str]) -> str | None:
    """The declared media type (as the spec spells it) that `content_type` falls under:
    an exact match first, then a `type/*` range, then `*/*`."""
    given = media_type(content_type)
    keys = [key for key in declared if isinstance(key, str)]
    for candidate in (given, given.split("/", 1)[0] + "/*", "*/*"):
        for key in keys:
            if media_type(key) == candidate:
                return key
    return None


def match_status(status: int, responses: Iterable[str]) -> str | None:
    """The responses key for `status`: the exact code, then its `4XX` range, then default."""
    keys = {str(key).upper(): str(key) for key in responses}
    for candidate in (str(status), f"{str(status)[:1]}XX", "DEFAULT"):
        if candidate in keys:
            return keys[candidate]
    return None


def listing(items: list[str], last: str = "or") -> str:
    """ "200, 400 or default"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"
