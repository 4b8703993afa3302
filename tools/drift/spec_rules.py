"""The rules for the kinds of the `spec` part (tools/drift/spec_diff.py), part of the
registry (tools/drift/rules.py), grouped as docs/drift.md lists them.

Severity is for a client generated from the old document. Request bodies and parameters
are rated as the client sends them, responses as it reads them (tools/drift/schema_rules.py).
"""

from __future__ import annotations

from tools.drift.rule_model import (
    ALWAYS_BREAKING,
    ALWAYS_NON_BREAKING,
    AsSchemaChange,
    BreakingWhen,
    Group,
    Rule,
    fact_is,
)
from tools.drift.schema_rules import schema_rating

OPERATIONS = Group("Operations")
PARAMETERS = Group("Parameters", "`extra` has `parameter` and `in` (path, query, header, cookie).")
REQUEST_BODIES = Group("Request bodies")
RESPONSES = Group("Responses", "`extra.status` is the status key (`200`, `4XX`, `default`).")
SECURITY_SERVERS = Group("Security and servers")

_SENT = AsSchemaChange("sent", schema_rating)
_READ = AsSchemaChange("read", schema_rating)
_BECOMES_REQUIRED = BreakingWhen("it becomes required (`extra.new`)", fact_is("new", True))
_IS_REQUIRED = BreakingWhen("it is required (`extra.required`)", fact_is("required", True))

_OPERATIONS = "operations, by method and path template"
_PARAMETERS = "parameters, by location and name (path item's and operation's)"
_REQUEST_BODY = "the request body"
_REQUEST_CONTENT = "the request body's media types"
_RESPONSES = "responses, by status key"
_RESPONSE_CONTENT = "a response's media types"

SPEC_RULES: tuple[Rule, ...] = (
    Rule(
        "operation-added",
        OPERATIONS,
        _OPERATIONS,
        ALWAYS_NON_BREAKING,
        "a new function; nothing existing changes. `extra.operation_id`",
    ),
    Rule(
        "operation-removed",
        OPERATIONS,
        _OPERATIONS,
        ALWAYS_BREAKING,
        "the function and its calls go away. `extra.operation_id`",
    ),
    Rule(
        "path-parameter-renamed",
        PARAMETERS,
        "parameter names in the path template",
        ALWAYS_BREAKING,
        "the keyword argument of the function changes. `extra.old`, `extra.new`",
    ),
    Rule(
        "parameter-added",
        PARAMETERS,
        _PARAMETERS,
        _IS_REQUIRED,
        "a required argument must be passed by every caller. `extra.required`",
    ),
    Rule(
        "parameter-removed",
        PARAMETERS,
        _PARAMETERS,
        ALWAYS_BREAKING,
        "the keyword argument goes away (even an optional one)",
    ),
    Rule(
        "parameter-renamed",
        PARAMETERS,
        _PARAMETERS,
        ALWAYS_BREAKING,
        "a heuristic: the only parameter removed from a location and the only one added "
        "there, with the same schema. `extra.old`, `extra.new`",
    ),
    Rule(
        "parameter-moved",
        PARAMETERS,
        _PARAMETERS,
        ALWAYS_BREAKING,
        "same name, other location (query to header...): the request the client sends is "
        "wrong. `extra.old`, `extra.new` are locations",
    ),
    Rule(
        "parameter-required-changed",
        PARAMETERS,
        "a parameter's `required`",
        _BECOMES_REQUIRED,
        "`extra.old`, `extra.new` (booleans)",
    ),
    Rule(
        "parameter-type-changed",
        PARAMETERS,
        "a parameter's schema",
        _SENT,
        "any schema change of the parameter: `extra.change` names it (`type-changed`, "
        "`format-changed`, `enum-value-added`, ...), `extra.at`, `extra.old`, `extra.new` "
        "as for schemas",
    ),
    Rule(
        "request-body-added",
        REQUEST_BODIES,
        _REQUEST_BODY,
        _IS_REQUIRED,
        "every call must now send a body. `extra.required`",
    ),
    Rule(
        "request-body-removed",
        REQUEST_BODIES,
        _REQUEST_BODY,
        ALWAYS_BREAKING,
        "the `body` argument goes away",
    ),
    Rule(
        "request-body-required-changed",
        REQUEST_BODIES,
        "the request body's `required`",
        _BECOMES_REQUIRED,
        "`extra.old`, `extra.new` (booleans)",
    ),
    Rule(
        "request-media-type-added",
        REQUEST_BODIES,
        _REQUEST_CONTENT,
        ALWAYS_NON_BREAKING,
        "one more way to send the body. `extra.media_type`",
    ),
    Rule(
        "request-media-type-removed",
        REQUEST_BODIES,
        _REQUEST_CONTENT,
        ALWAYS_BREAKING,
        "a client that sends that media type is refused. `extra.media_type`",
    ),
    Rule(
        "request-schema-changed",
        REQUEST_BODIES,
        "the schema of a request media type",
        _SENT,
        "`extra.media_type`, `extra.change`, `extra.at`, `extra.old`, `extra.new`",
    ),
    Rule(
        "response-status-added",
        RESPONSES,
        _RESPONSES,
        ALWAYS_NON_BREAKING,
        "the status could always arrive; now it is also parsed",
    ),
    Rule(
        "response-status-removed",
        RESPONSES,
        _RESPONSES,
        ALWAYS_BREAKING,
        "the parsed model for it goes away",
    ),
    Rule(
        "response-media-type-added",
        RESPONSES,
        _RESPONSE_CONTENT,
        ALWAYS_NON_BREAKING,
        "one more media type is parsed. `extra.media_type`",
    ),
    Rule(
        "response-media-type-removed",
        RESPONSES,
        _RESPONSE_CONTENT,
        ALWAYS_BREAKING,
        "the client may get a media type it does not parse. `extra.media_type`",
    ),
    Rule(
        "response-schema-changed",
        RESPONSES,
        "the schema of a response media type",
        _READ,
        "`extra.media_type`, `extra.change`, `extra.at`, `extra.old`, `extra.new`",
    ),
    Rule(
        "security-changed",
        SECURITY_SERVERS,
        "security requirements (an operation's own, else the top-level one, compared "
        "once) and security scheme definitions",
        BreakingWhen(
            "a way to authenticate went away (`extra.removed`; anonymous access too, when a "
            "requirement is added where there was none) or a scheme's definition changed "
            "(`extra.scheme`)",
            lambda extra: bool(extra.get("removed")) or "scheme" in extra,
        ),
        "`extra.removed`, `extra.added`: alternatives written `a + b`, scopes in brackets; "
        "for a scheme (document-level), `extra.scheme` and the changed members among "
        "`type`, `in`, `name`, `scheme`, `bearerFormat`, `flows`, `openIdConnectUrl` in "
        "`extra.old`, `extra.new`",
    ),
    Rule(
        "server-changed",
        SECURITY_SERVERS,
        "server URLs: the top-level `servers`, and an operation's or path item's own",
        BreakingWhen("a URL was removed (`extra.change: removed`)", fact_is("change", "removed")),
        "a client keeps calling the URL it was generated with. `extra.change` "
        "(`removed`/`added`), `extra.url`",
    ),
)
