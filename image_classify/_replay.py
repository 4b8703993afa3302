"""Replaying recorded cassettes (record=DIR, image_classify._recording) against the specs
and the typed clients, offline.

For each cassette: (a) the recorded answer through the spec checker (the deviations, each
with the overlay that would make the spec accept what the provider really sent), and
(b) through the same typing the runtime does (`_responses.interpret`, then the adapter's
result building), so an answer the typed client cannot read is reported with the typed
error's message. A broken cassette is a finding naming the file and the field, never a
traceback.

    report = replay("cassettes/")
    print(report.render()); assert report.ok

`load_cassettes(folder)` and `replay_one(path)` serve a pytest parametrization (one test
per cassette) and the CLI.
"""

from __future__ import annotations

import base64
import importlib
import re
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import UnionType
from typing import Any, Literal
from urllib.parse import urlencode

import httpx
import orjson

from image_classify._providers import ProviderInfo, providers
from image_classify._recording import VERSION
from image_classify._redaction import redact
from image_classify._responses import interpret, malformed_answer
from image_classify._results import checked
from image_classify.adapters import adapter_for
from image_classify.errors import APIResponseValidationError

Kind = Literal["ok", "deviations", "unreadable"]
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_REQUIRED = re.compile(r"'([^']+)' is a required property")
# Keywords whose constraint the sent value broke: removing the keyword accepts it.
_LIMITS = frozenset(
    {
        "additionalProperties",
        "const",
        "enum",
        "exclusiveMaximum",
        "exclusiveMinimum",
        "format",
        "maxItems",
        "maxLength",
        "maxProperties",
        "maximum",
        "minItems",
        "minLength",
        "minProperties",
        "minimum",
        "multipleOf",
        "pattern",
        "uniqueItems",
    }
)


class CassetteError(ValueError):
    """A cassette that cannot be replayed: names the file and the field."""


@dataclass(frozen=True, slots=True)
class OverlaySuggestion:
    """The overlay action (OAI Overlay 1.x) that would make the spec accept what was sent:
    `target` an RFC 9535 JSONPath into the effective spec, `action` update or remove."""

    target: str
    action: Literal["update", "remove"]
    why: str

    def __str__(self) -> str:
        return f"overlay {self.action}: {self.target} ({self.why})"


@dataclass(frozen=True)
class CassetteOutcome:
    """One cassette replayed: `deviations` from the spec, the typed client's `error` message
    (None when it read the answer), or `problem`: why the file is no cassette."""

    path: Path
    provider: str = ""
    operation: str = ""
    status: int | None = None
    deviations: tuple[Any, ...] = ()
    suggestions: tuple[OverlaySuggestion, ...] = ()
    error: str | None = None
    read_as: str = ""  # what the typed client made of it: the model or the typed error
    problem: str | None = None

    @property
    def kind(self) -> Kind:
        if self.problem is not None or self.error is not None:
            return "unreadable"
        return "deviations" if self.deviations else "ok"

    @property
    def ok(self) -> bool:
        return self.kind == "ok"

    def lines(self) -> list[str]:
        if self.problem is not None:
            return [f"UNREADABLE {self.path.name}: {self.problem}"]
        head = f"{self.provider} {self.operation} -> {self.status}"
        if self.kind == "ok":
            return [f"ok {self.path.name}: {head}, read as {self.read_as}"]
        label = "UNREADABLE" if self.error is not None else "DEVIATES"
        lines = [f"{label} {self.path.name}: {head}"]
        if self.error is not None:
            lines.append(f"    typed client: {self.error}")
        for deviation, suggestion in zip(self.deviations, self.suggestions, strict=True):
            lines.append(f"    {redact(str(deviation))}")
            lines.append(f"      {suggestion}")
        return lines


@dataclass(frozen=True)
class ReplayReport:
    outcomes: tuple[CassetteOutcome, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(outcome.ok for outcome in self.outcomes)

    def count(self, kind: Kind) -> int:
        return sum(outcome.kind == kind for outcome in self.outcomes)

    def summary(self) -> str:
        return (
            f"{len(self.outcomes)} cassettes: {self.count('ok')} ok, "
            f"{self.count('deviations')} with deviations, {self.count('unreadable')} unreadable"
        )

    def render(self) -> str:
        lines = [line for outcome in self.outcomes for line in outcome.lines()]
        return "\n".join([*lines, self.summary()])

    def __str__(self) -> str:
        return self.render()


def cassette_paths(folder: str | Path) -> list[Path]:
    """The cassettes of `folder`, oldest first (their names start with the UTC time)."""
    return sorted(p for p in Path(folder).glob("*.json") if not p.name.startswith("."))


def replay(folder: str | Path, *, providers: Iterable[str] | None = None) -> ReplayReport:
    """Every cassette in `folder` (of `providers` only, when given), replayed."""
    wanted = None if providers is None else set(providers)
    outcomes = [replay_one(path) for path in cassette_paths(folder)]
    if wanted is not None:
        outcomes = [o for o in outcomes if o.problem is not None or o.provider in wanted]
    return ReplayReport(tuple(outcomes))


def replay_one(path: str | Path) -> CassetteOutcome:
    """One cassette: its deviations, suggestions and typed reading, or its problem."""
    path = Path(path)
    try:
        data = load(path)
        info = _provider(data)
        response = _response(data)
    except CassetteError as exc:
        return CassetteOutcome(path, problem=str(exc))
    deviations = tuple(_deviations(info, response))
    error, read_as = _typed_reading(data, info, response)
    return CassetteOutcome(
        path,
        provider=info.key,
        operation=str(data.get("operation", "")),
        status=response.status_code,
        deviations=deviations,
        suggestions=tuple(suggest(info.key, d, response) for d in deviations),
        error=error,
        read_as=read_as,
    )


def load(path: Path) -> dict[str, Any]:
    """A cassette's JSON, its version and fields checked."""
    try:
        data = orjson.loads(path.read_bytes())
    except OSError as exc:
        raise CassetteError(f"{path}: cannot read it ({exc.strerror})") from None
    except orjson.JSONDecodeError as exc:
        raise CassetteError(f"{path}: not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise CassetteError(f"{path}: not a cassette (a JSON object with `cassette`)")
    if data.get("cassette") != VERSION:
        found = data.get("cassette", "missing")
        raise CassetteError(f"{path}: field `cassette`: version {found!r}, this reads {VERSION}")
    _field(path, data, "provider", str)
    _field(path, data, "generated", str)
    request = _field(path, data, "request", dict)
    response = _field(path, data, "response", dict)
    _field(path, request, "method", str, "request.")
    _field(path, request, "url", str, "request.")
    _field(path, response, "status", int, "response.")
    _field(path, response, "headers", dict, "response.")
    _field(path, response, "body", dict, "response.")
    data["_path"] = path
    return data


def _field(path: Path, table: dict[str, Any], name: str, kind: type, where: str = "") -> Any:
    if name not in table:
        raise CassetteError(f"{path}: field `{where}{name}` is missing")
    value = table[name]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise CassetteError(f"{path}: field `{where}{name}` must be a {kind.__name__}")
    return value


def _provider(data: dict[str, Any]) -> ProviderInfo:
    known = providers()
    if data["provider"] not in known:
        raise CassetteError(
            f"{data['_path']}: field `provider`: {data['provider']!r} is not in the manifest"
        )
    return known[data["provider"]]


def body_bytes(body: dict[str, Any], where: str) -> bytes:
    """The recorded body's bytes (an image reference cannot be turned back: empty)."""
    if "json" in body:
        return orjson.dumps(body["json"])
    if isinstance(body.get("text"), str):
        return str(body["text"]).encode()
    if isinstance(body.get("base64"), str):
        try:
            return base64.b64decode(body["base64"], validate=True)
        except ValueError:
            raise CassetteError(f"field `{where}.base64` is not base64") from None
    if isinstance(body.get("form"), list):
        return urlencode([tuple(pair) for pair in body["form"]]).encode()
    if "image" in body or "multipart" in body:
        return b""
    raise CassetteError(f"field `{where}` has none of json, text, base64, form, image")


def _response(data: dict[str, Any]) -> httpx.Response:
    request, answer = data["request"], data["response"]
    try:
        content = body_bytes(answer["body"], "response.body")
    except CassetteError as exc:
        raise CassetteError(f"{data['_path']}: {exc}") from None
    headers = {
        name: value
        for name, value in answer["headers"].items()
        # The recorded body is decoded: its length and encoding headers no longer hold.
        if name.lower() not in ("content-length", "content-encoding", "transfer-encoding")
    }
    try:
        sent = httpx.Request(request["method"], request["url"])
    except (httpx.InvalidURL, TypeError, ValueError):
        raise CassetteError(f"{data['_path']}: field `request.url` is not a URL") from None
    return httpx.Response(answer["status"], headers=headers, content=content, request=sent)


def _deviations(info: ProviderInfo, response: httpx.Response) -> list[Any]:
    from image_classify._validation import deviations_of

    return deviations_of(info, response)


def _typed_reading(
    data: dict[str, Any], info: ProviderInfo, response: httpx.Response
) -> tuple[str | None, str]:
    """(the typed error's message or None, what the answer was read as)."""
    try:
        operation = importlib.import_module(data["generated"])
    except ImportError:
        return f"field `generated`: no operation {data['generated']!r}", ""
    client = importlib.import_module(info.package).Client(base_url=info.base_url)
    answer = interpret(operation, client, response, info)
    if isinstance(answer.error, APIResponseValidationError):
        return answer.error.message, ""
    if answer.error is not None:
        return None, type(answer.error).__name__  # a documented error, typed as one
    adapter = adapter_for(info.key)
    if not _is(adapter.Raw, answer.parsed):
        return None, type(answer.parsed).__name__  # a step before the final one
    try:
        checked(adapter.predictions(answer.parsed))
        if hasattr(adapter, "boxes"):
            adapter.boxes(answer.parsed)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        return malformed_answer(info, answer, exc).message, ""
    return None, _type_name(answer.parsed)


def _is(kind: Any, value: Any) -> bool:
    """Whether `value` is an adapter's Raw (a class, a list of one, or a union)."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is list:
        return isinstance(value, list) and all(_is(args[0], item) for item in value)
    if origin in (typing.Union, UnionType):
        return any(_is(member, value) for member in args)
    return isinstance(kind, type) and isinstance(value, kind)


def _type_name(value: Any) -> str:
    if isinstance(value, list):
        inner = type(value[0]).__name__ if value else "item"
        return f"list[{inner}]"
    return type(value).__name__


def jsonpath(document: Any, pointer: str) -> str:
    """An RFC 9535 JSONPath for a JSON pointer into `document` (array positions as indexes
    where the document has an array; names as `.name` or `['name']`)."""
    from image_classify._spec_match import tokens_of

    path, node = "$", document
    for token in tokens_of(pointer) if pointer else []:
        if isinstance(node, list) and token.isdigit():
            path += f"[{token}]"
            node = node[int(token)] if int(token) < len(node) else None
            continue
        if _NAME.fullmatch(token):
            path += f".{token}"
        else:
            path += "['" + token.replace("\\", "\\\\").replace("'", "\\'") + "']"
        node = node.get(token) if isinstance(node, dict) else None
    return path


def suggest(provider: str, deviation: Any, sent: httpx.Response | None = None) -> OverlaySuggestion:
    """The overlay action that would make `provider`'s spec accept what was sent (`sent`:
    the answer, to name its status and media type)."""
    from image_classify._spec_files import effective_spec
    from image_classify._spec_match import tokens_of

    document = effective_spec(provider)
    pointer: str = deviation.spec_pointer
    tokens = tokens_of(pointer) if pointer else []
    last = tokens[-1] if tokens else ""
    parent = pointer.rsplit("/", 1)[0] if tokens else ""
    if deviation.part == "response status":
        status = f" ({sent.status_code})" if sent is not None else ""
        return OverlaySuggestion(
            jsonpath(document, pointer), "update", f"document the status the provider sent{status}"
        )
    if deviation.part.endswith("Content-Type"):
        media = sent.headers.get("content-type", "none") if sent is not None else ""
        return OverlaySuggestion(
            jsonpath(document, pointer),
            "update",
            f"document the media type the provider sent{f' ({media})' if media else ''}",
        )
    if last == "required":
        name = _REQUIRED.search(deviation.expected)
        target = jsonpath(document, pointer)
        if name:
            quoted = name.group(1).replace("\\", "\\\\").replace("'", "\\'")
            target += f"[?@ == '{quoted}']"
        return OverlaySuggestion(target, "remove", "the provider leaves it out")
    if last in _LIMITS:
        return OverlaySuggestion(
            jsonpath(document, pointer), "remove", f"the provider sends values past `{last}`"
        )
    if last in ("type", "oneOf", "anyOf", "allOf", "not", "items", "properties"):
        return OverlaySuggestion(
            jsonpath(document, parent),
            "update",
            f"set `{last}` to what the provider sends",
        )
    return OverlaySuggestion(
        jsonpath(document, pointer), "update", "describe what the provider sends"
    )
