"""Binary request bodies must say they are never empty (`minLength: 1`).

Without it an empty string is valid for the body's schema (a `type: string` body of
`format: binary`, or of application/octet-stream or image/*), so Schemathesis sends empty
bodies as valid data, and Prism, the mock server, answers those 422 ("Body parameter is
required", checked against the pinned Prism): the contract suite fails on what the spec
allowed, and nothing says why. An empty body is not an image for any real API here either,
so the spec should say so.

regen checks rather than derives it: a derived `minLength` would make the spec the mocks
and the contract tests use differ from the one the generated client was made from, silently.
The check fails naming the operation, the file and the overlay action that fixes it.
Multipart parts are not whole bodies; they are not checked.
"""

from __future__ import annotations

from typing import Any

from tools.effective import Effective
from tools.errors import ToolError
from tools.pointers import json_pointer
from tools.spec_place import at_pointer, overlay_names, place

WHOLE_BODY_BINARY = ("application/octet-stream", "image/")


def _is_binary(media_type: str, schema: dict[str, Any]) -> bool:
    if media_type.startswith(("multipart/", "application/json")):
        return False
    if schema.get("format") == "binary":
        return True
    return media_type.startswith(WHOLE_BODY_BINARY) and schema.get("type") in (None, "string")


def _jsonpath(pointer: str) -> str:
    """The overlay target (JSONPath) of a `#/a/b` pointer."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.lstrip("#/").split("/")]
    return "$" + "".join(f"['{t}']" if not t.isidentifier() else f".{t}" for t in tokens)


def problems(effective: Effective) -> list[str]:
    """One paragraph per binary request body without `minLength` >= 1."""
    found = []
    for method, path, operation in effective.operations():
        body = operation.get("requestBody")
        if isinstance(body, dict) and isinstance(body.get("$ref"), str):
            body = at_pointer(effective.document, body["$ref"].lstrip("#"))
        if not isinstance(body, dict):
            continue
        for media_type, media in (body.get("content") or {}).items():
            schema = media.get("schema") if isinstance(media, dict) else None
            if not isinstance(schema, dict):
                continue
            pointer = json_pointer(["paths", path, method.lower(), "requestBody", "content"])
            pointer += json_pointer([media_type, "schema"])
            if isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#"):
                pointer = schema["$ref"][1:]
                schema = at_pointer(effective.document, pointer)
                if not isinstance(schema, dict):
                    continue
            least = schema.get("minLength")
            if not _is_binary(media_type, schema) or (isinstance(least, int) and least >= 1):
                continue
            name = operation.get("operationId")
            found.append(
                f"{method} {path}{f' ({name})' if name else ''}: its {media_type} body "
                f"(#{pointer}, {place(effective, pointer)}) has no `minLength: 1`. Add to "
                f"{overlay_names(effective)}:\n"
                f'    - target: "{_jsonpath(pointer)}"\n'
                "      description: An empty body is not an image (Prism answers it 422).\n"
                "      update:\n"
                "        minLength: 1"
            )
    return found


def check_binary_bodies(effective: Effective) -> None:
    """ToolError when a binary request body of `effective` lacks `minLength: 1`."""
    found = problems(effective)
    if found:
        provider = effective.provider
        raise ToolError(
            f"effective spec of {provider.key} ({provider.rel(provider.spec)} + its overlays): "
            "a binary request body without `minLength: 1` lets Schemathesis send an empty "
            "body as valid, and Prism, the mock server, answers 422 to it; an empty body is "
            "not an image.\n" + "\n".join(f"  {line}" for line in found)
        )
