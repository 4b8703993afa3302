"""The changes between two matched operations: parameters (tools/drift/parameter_diff.py),
request body, responses, and the operation's own security and servers.

Request bodies and parameters are what the client sends, responses what it reads; the
records say which through their kind (`request-schema-changed`, `response-...`) and the
rule registry (tools/drift/rules.py) rates them accordingly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from tools.drift.document_side import Side, is_true, mapping
from tools.drift.model import ChangeRecord
from tools.drift.operations import Operation, Parts, pointer
from tools.drift.parameter_diff import parameter_changes
from tools.drift.schema_compare import SchemaComparer
from tools.drift.security_servers import (
    security_alternatives,
    security_change,
    server_changes,
    server_urls,
)

Direction = Literal["request", "response"]
Content = dict[str, tuple[Parts, Any]]  # media type -> (where, schema)


def _body_content(side: Side, node: Any, parts: Parts) -> Content:
    """Media types of a request body or response, lower-cased: (where, schema)."""
    content = mapping(node).get("content")
    if content is not None and not isinstance(content, dict):
        side.warn(f"{pointer(parts)}/content is not a mapping; ignored.")
    found: Content = {}
    for media_type, media in mapping(content).items():
        found[str(media_type).strip().lower()] = (
            (*parts, "content", media_type),
            mapping(media).get("schema"),
        )
    return found


def _status_key(status: Any) -> str:
    """`4xx` and `4XX` are one range; `default` stays lower-case."""
    text = str(status).strip()
    return "default" if text.lower() == "default" else text.upper()


class OperationDiff:
    """The changes between two matched operations."""

    def __init__(self, schemas: SchemaComparer, old: Operation, new: Operation) -> None:
        self.schemas = schemas
        self.old_side, self.new_side = schemas.old, schemas.new
        self.old, self.new = old, new

    def record(self, kind: str, detail: str, where: Parts, **extra: Any) -> ChangeRecord:
        """A change of this operation (named as the new document writes it)."""
        return ChangeRecord(
            kind=kind,
            method=self.new.method.upper(),
            path=self.new.path,
            detail=detail,
            location=pointer(where),
            extra=extra,
        )

    def same(self, key: str) -> bool:
        """Whether a member of the operation and of its path item is unchanged."""
        old, new = self.old, self.new
        return self.schemas.same_shape(old.node.get(key), new.node.get(key)) and (
            self.schemas.same_shape(old.item.get(key), new.item.get(key))
        )

    def changes(self) -> Iterator[ChangeRecord]:
        # Parameters and bodies are small: a cheap test skips them when unchanged. A whole
        # response would be tested with its examples; its schemas are tested one by one.
        if self.old.path != self.new.path or not self.same("parameters"):
            yield from parameter_changes(self)
        if not self.same("requestBody"):
            yield from self.request_body_changes()
        yield from self.response_changes()
        yield from self.security_changes()
        yield from self.server_changes()

    # -- request body

    def request_body(self, side: Side, op: Operation) -> dict[str, Any] | None:
        raw = op.node.get("requestBody")
        body = side.resolve(raw)
        if raw is not None and not isinstance(body, dict):
            side.warn(f"{op.pointer}/requestBody is not a request body; ignored.")
        return body if isinstance(body, dict) else None

    def request_body_changes(self) -> Iterator[ChangeRecord]:
        old = self.request_body(self.old_side, self.old)
        new = self.request_body(self.new_side, self.new)
        old_where, new_where = (*self.old.parts, "requestBody"), (*self.new.parts, "requestBody")
        if old is None and new is None:
            return
        if new is None:
            yield self.record("request-body-removed", "the request body was removed.", old_where)
            return
        if old is None:
            required = is_true(new.get("required"))
            text = "a required" if required else "an optional"
            yield self.record(
                "request-body-added",
                f"{text} request body was added.",
                new_where,
                required=required,
            )
            return
        was, now = is_true(old.get("required")), is_true(new.get("required"))
        if was != now:
            yield self.record(
                "request-body-required-changed",
                f"the request body is now {'required' if now else 'optional'}.",
                new_where,
                old=was,
                new=now,
            )
        yield from self.content_changes(
            "request",
            "request body",
            _body_content(self.old_side, old, old_where),
            _body_content(self.new_side, new, new_where),
            {},
        )

    def content_changes(
        self,
        direction: Direction,
        label: str,
        old_content: Content,
        new_content: Content,
        facts: dict[str, Any],
    ) -> Iterator[ChangeRecord]:
        """Media types removed, added, and schema changes of the ones in both."""
        request = direction == "request"
        for media_type, (where, _schema) in old_content.items():
            if media_type not in new_content:
                yield self.record(
                    "request-media-type-removed" if request else "response-media-type-removed",
                    f"{label} media type `{media_type}` was removed.",
                    where,
                    **facts,
                    media_type=media_type,
                )
        for media_type, (where, new_schema) in new_content.items():
            if media_type not in old_content:
                yield self.record(
                    "request-media-type-added" if request else "response-media-type-added",
                    f"{label} media type `{media_type}` was added.",
                    where,
                    **facts,
                    media_type=media_type,
                )
                continue
            for sub in self.schemas.compare_top(old_content[media_type][1], new_schema):
                yield self.record(
                    "request-schema-changed" if request else "response-schema-changed",
                    f"{label} ({media_type}): {sub.describe()}.",
                    (*where, "schema"),
                    **facts,
                    media_type=media_type,
                    **sub.facts(),
                )

    # -- responses

    def responses(self, side: Side, op: Operation) -> Content:
        raw = op.node.get("responses")
        if raw is not None and not isinstance(raw, dict):
            side.warn(f"{op.pointer}/responses is not a mapping; ignored.")
        found: Content = {}
        for status, response in mapping(raw).items():
            where = (*op.parts, "responses", status)
            found.setdefault(_status_key(status), (where, side.resolve(response)))
        return found

    def response_changes(self) -> Iterator[ChangeRecord]:
        old = self.responses(self.old_side, self.old)
        new = self.responses(self.new_side, self.new)
        for status, (where, _response) in old.items():
            if status not in new:
                yield self.record(
                    "response-status-removed",
                    f"response {status} was removed.",
                    where,
                    status=status,
                )
        for status, (where, response) in new.items():
            if status not in old:
                yield self.record(
                    "response-status-added", f"response {status} was added.", where, status=status
                )
                continue
            old_where, old_response = old[status]
            yield from self.content_changes(
                "response",
                f"response {status}",
                _body_content(self.old_side, old_response, old_where),
                _body_content(self.new_side, response, where),
                {"status": status},
            )

    # -- security and servers (only where the operation or its path item sets its own)

    def security_changes(self) -> Iterator[ChangeRecord]:
        if "security" not in self.old.node and "security" not in self.new.node:
            return  # both inherit the top-level requirement: compared once, document-level
        if self.old.node.get("security") == self.new.node.get("security"):
            return
        old = security_alternatives(
            self.old.node.get("security", self.old_side.doc.get("security"))
        )
        new = security_alternatives(
            self.new.node.get("security", self.new_side.doc.get("security"))
        )
        yield from security_change(old, new, (*self.new.parts, "security"), self.record)

    def server_changes(self) -> Iterator[ChangeRecord]:
        def effective(side: Side, op: Operation) -> Any:
            return op.node.get("servers", op.item.get("servers", side.doc.get("servers")))

        if not any(
            "servers" in owner
            for owner in (self.old.node, self.old.item, self.new.node, self.new.item)
        ):
            return
        old_urls = server_urls(effective(self.old_side, self.old))
        new_urls = server_urls(effective(self.new_side, self.new))
        yield from server_changes(old_urls, new_urls, self.new.parts, self.record)
