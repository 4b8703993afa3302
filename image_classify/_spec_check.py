"""Checks an HTTP request or response against the provider's effective spec (the one the
wheel ships) and lists every Deviation: where in the message, where in the spec, and what
the spec expects. Nothing here raises on what a server or a caller sends; a credential's
value never appears in a Deviation (only its name and place)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from image_classify._spec_auth import missing_credential
from image_classify._spec_body import body_findings, coerce_values
from image_classify._spec_match import (
    Message,
    Operation,
    SpecIndex,
    at,
    index_for,
    join,
    listing,
    match_media,
    match_status,
    parameters,
    resolve,
)
from image_classify._spec_schema import Finding, described, findings

# More than this many deviations in one part of one message is noise; the first ones say it.
MAX_PER_PART = 20
LOCATIONS = {"query": "request query parameter", "header": "request header"}
# OpenAPI: header parameters of these names are ignored (the media types and security say it).
IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})


@dataclass(frozen=True, slots=True)
class Deviation:
    provider: str  # "roboflow"
    operation: str  # "POST /{dataset}/{version}"; "" when no operation matched
    part: str  # "request body", "request query parameter 'api_key'", "response status", ...
    pointer: str  # JSON pointer inside that part; "" = the whole part
    spec_pointer: str  # JSON pointer into the effective spec where the expectation is written
    expected: str  # the spec's words, and the schema's description when it has one

    def __str__(self) -> str:
        where = f"{self.provider} {self.operation}" if self.operation else self.provider
        at = f" at {self.pointer}" if self.pointer else ""
        return f"{where}: {self.part}{at}: {self.expected} (spec: #{self.spec_pointer})"


def check_request(
    provider: str, method: str, url: str, headers: Mapping[str, str], body: bytes
) -> list[Deviation]:
    """How this request (absolute `url`; `headers` may be httpx.Headers) departs from the
    operation the spec documents for it."""
    index = index_for(provider)
    located = locate(index, method, url, headers)
    if not isinstance(located, tuple):
        return located
    op, message, path_params = located
    report = Reporter(provider, op.name)
    for param, pointer in parameters(index, op):
        check_parameter(index, report, message, path_params, (param, pointer))
    check_credentials(index, report, op, message)
    check_request_body(index, report, op, message, body)
    return report.deviations


def check_response(
    provider: str,
    method: str,
    url: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
) -> list[Deviation]:
    """How this response to `method url` departs from what the spec documents for it."""
    index = index_for(provider)
    located = locate(index, method, url, headers)
    if not isinstance(located, tuple):
        return located
    op, message, _ = located
    report = Reporter(provider, op.name)
    responses = op.node.get("responses")
    responses = responses if isinstance(responses, dict) else {}
    key = match_status(status, responses)
    if key is None:
        documented = listing([str(code) for code in responses])
        expected = f"a documented status ({documented})"
        report.say("response status", join(op.pointer, "responses"), expected)
        return report.deviations
    answer, pointer = resolve(index.document, responses[key], join(op.pointer, "responses", key))
    if isinstance(answer, dict):
        check_response_headers(index, report, answer, pointer, message)
        if method.upper() != "HEAD":
            check_response_body(index, report, answer, pointer, message, body)
    return report.deviations


class Reporter:
    """Collects one message's deviations, at most MAX_PER_PART for each part."""

    def __init__(self, provider: str, operation: str) -> None:
        self.provider = provider
        self.operation = operation
        self.deviations: list[Deviation] = []
        self.counts: dict[str, int] = {}

    def add(self, part: str, finding: Finding) -> None:
        count = self.counts.get(part, 0)
        if count < MAX_PER_PART:
            self.counts[part] = count + 1
            self.deviations.append(Deviation(self.provider, self.operation, part, *finding))

    def say(self, part: str, spec_pointer: str, expected: str) -> None:
        self.add(part, Finding("", spec_pointer, expected))


Located = tuple[Operation, Message, dict[str, str]]


def locate(
    index: SpecIndex, method: str, url: str, headers: Mapping[str, str]
) -> Located | list[Deviation]:
    """The documented operation of `method url`, or the deviation saying there is none."""
    report = Reporter(index.provider, "")
    try:
        message = Message.parse(url, headers)
    except ValueError as exc:  # urlsplit on a malformed authority ("http://[::1")
        report.say("request path", "/paths", f"an absolute URL ({exc})")
        return report.deviations
    found = index.match(message.raw_path)
    if found is None:
        documented = listing(list(index.operations()))
        report.say("request path", "/paths", f"the path of a documented operation: {documented}")
        return report.deviations
    op = index.operation(found.template, method)
    if op is None:
        methods = listing(index.methods(found.template))
        expected = f"a documented method of {found.template}: {methods}"
        report.say("request method", join("/paths", found.template), expected)
        return report.deviations
    return op, message, found.path_params


def check_parameter(
    index: SpecIndex,
    report: Reporter,
    message: Message,
    path_params: dict[str, str],
    located: tuple[dict[str, Any], str],
) -> None:
    """One parameter: present when required, and its value valid against its schema."""
    param, pointer = located
    name, where = str(param["name"]), param.get("in")
    if where == "path":
        part, values = f"request path parameter '{name}'", [path_params.get(name, "")]
    elif where == "header" and name.lower() in IGNORED_HEADERS:
        return
    elif where in LOCATIONS:
        part = f"{LOCATIONS[where]} '{name}'"
        values = text_values(message, where, name, param)
    else:
        return  # cookies: nothing sends them here
    if not values:
        if param.get("required") is True:
            expected = described(f"required {where} parameter '{name}'", param)
            report.say(part, join(pointer, "required"), expected)
        return
    check_value(index, report, (part, join(pointer, "schema")), values, response=False)


def text_values(message: Message, where: str, name: str, param: dict[str, Any]) -> list[str]:
    if where == "query":
        values = message.query.get(name, [])
        if len(values) == 1 and param.get("explode") is False:
            return values[0].split(",")  # form style without explode: a,b,c
        return values
    value = message.headers.get(name.lower())
    if value is None:
        return []
    # Commas separate a header's items only when its schema is an array (simple style).
    schema = param.get("schema")
    is_array = isinstance(schema, dict) and schema.get("type") == "array"
    return [item.strip() for item in value.split(",")] if is_array else [value.strip()]


def check_value(
    index: SpecIndex,
    report: Reporter,
    place: tuple[str, str],
    values: list[str],
    *,
    response: bool,
) -> None:
    """Text values (a parameter's, a header's) typed as their schema says, then validated."""
    part, schema_pointer = place
    schema, _ = resolve(index.document, at(index.document, schema_pointer), schema_pointer)
    if schema is None:
        return
    instance = coerce_values(index, schema, values)
    for finding in findings(index, schema_pointer, instance, response=response):
        report.add(part, finding)


def check_credentials(index: SpecIndex, report: Reporter, op: Operation, message: Message) -> None:
    missing = missing_credential(index.document, op.node, message)
    if missing is not None:
        report.say(*missing)


def check_request_body(
    index: SpecIndex, report: Reporter, op: Operation, message: Message, body: bytes
) -> None:
    raw = op.node.get("requestBody")
    if raw is None:
        if body:
            report.say("request body", op.pointer, "no request body (the operation has none)")
        return
    spec, pointer = resolve(index.document, raw, join(op.pointer, "requestBody"))
    content = spec.get("content") if isinstance(spec, dict) else None
    content = content if isinstance(content, dict) else {}
    required = isinstance(spec, dict) and spec.get("required") is True
    # No bytes is no body, unless a required body's Content-Type says it is a zero-byte one
    # (an empty image: the media type's minLength is then the words to report).
    if not body and not (required and "content-type" in message.headers):
        if required:
            expected = f"a request body ({listing(list(content))})"
            report.say("request body", join(pointer, "required"), expected)
        return
    check_body(index, report, "request", (content, join(pointer, "content")), message, body)


def check_response_headers(
    index: SpecIndex, report: Reporter, answer: dict[str, Any], pointer: str, message: Message
) -> None:
    documented = answer.get("headers")
    for name, raw in (documented if isinstance(documented, dict) else {}).items():
        if str(name).lower() == "content-type":
            continue  # OpenAPI: ignored here, the media types say it
        header, where = resolve(index.document, raw, join(pointer, "headers", name))
        part = f"response header '{name}'"
        value = message.headers.get(str(name).lower())
        if value is None:
            if isinstance(header, dict) and header.get("required") is True:
                report.say(part, join(where, "required"), described("a required header", header))
            continue
        check_value(index, report, (part, join(where, "schema")), [value], response=True)


def check_response_body(
    index: SpecIndex,
    report: Reporter,
    answer: dict[str, Any],
    pointer: str,
    message: Message,
    body: bytes,
) -> None:
    content = answer.get("content")
    if not isinstance(content, dict) or not content:
        if body:
            report.say("response body", pointer, "no body (none is documented for this status)")
        return
    check_body(index, report, "response", (content, join(pointer, "content")), message, body)


def check_body(
    index: SpecIndex,
    report: Reporter,
    side: str,
    content: tuple[dict[str, Any], str],
    message: Message,
    body: bytes,
) -> None:
    """The Content-Type is a documented media type, and the body valid against its schema."""
    media, pointer = content
    given = message.headers.get("content-type")
    key = match_media(given, media) if given else None
    if given is None or key is None:
        expected = f"one of the documented media types: {listing(list(media))}"
        report.say(f"{side} Content-Type", pointer, expected)
        return
    media_pointer = join(pointer, key)
    for finding in body_findings(index, media_pointer, given, body, response=side == "response"):
        report.add(f"{side} body", finding)
