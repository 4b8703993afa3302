"""Whether a request carries the credential its operation's `security` asks for. Presence
only: whether the value is good is the server's business, and a value is never reported
(only the scheme's name and where the credential travels)."""

from __future__ import annotations

from typing import Any

from image_classify._spec_match import Message, join, resolve
from image_classify._spec_schema import described


def missing_credential(
    document: dict[str, Any], operation: dict[str, Any], message: Message
) -> tuple[str, str, str] | None:
    """(part, spec pointer, expected) when the credential that `security` (the operation's,
    else the document's) asks for is not in the message; None when one is there."""
    requirements = operation.get("security", document.get("security"))
    if not isinstance(requirements, list) or not requirements:
        return None
    usable = [req for req in requirements if isinstance(req, dict)]
    if not usable or any(not req for req in usable):
        return None  # {} among the alternatives: anonymous calls are documented
    components = document.get("components")
    schemes = components.get("securitySchemes") if isinstance(components, dict) else None
    schemes = schemes if isinstance(schemes, dict) else {}
    for requirement in usable:
        if all(has_credential(schemes.get(name), message) for name in requirement):
            return None
    name = next(name for name in usable[0] if not has_credential(schemes.get(name), message))
    pointer = join("/components/securitySchemes", name)
    scheme, pointer = resolve(document, schemes.get(name), pointer)
    part, place = credential_place(scheme)
    others = f" (or another of {len(usable)} documented alternatives)" if len(usable) > 1 else ""
    return part, pointer, described(f"the credential '{name}': {place}{others}", scheme)


def credential_place(scheme: Any) -> tuple[str, str]:
    """The part of the message a scheme's credential travels in, and the spec's words for it."""
    scheme = scheme if isinstance(scheme, dict) else {}
    if scheme.get("type") == "apiKey":
        where, name = scheme.get("in"), str(scheme.get("name"))
        if where == "query":
            return f"request query parameter '{name}'", f"query parameter '{name}'"
        if where == "cookie":
            return "request header 'Cookie'", f"cookie '{name}'"
        return f"request header '{name}'", f"header '{name}'"
    kind = (
        str(scheme.get("scheme", "bearer")).capitalize()
        if scheme.get("type") == "http"
        else "Bearer"
    )
    return "request header 'Authorization'", f"header 'Authorization: {kind} ...'"


def has_credential(scheme: Any, message: Message) -> bool:
    if not isinstance(scheme, dict):
        return True  # an undefined scheme is the spec's defect, not the request's
    kind = scheme.get("type")
    if kind == "apiKey":
        name, where = str(scheme.get("name", "")), scheme.get("in")
        if where == "query":
            return bool(message.query.get(name, [""])[0])
        if where == "cookie":
            cookies = message.headers.get("cookie", "")
            return any(c.strip().startswith(name + "=") for c in cookies.split(";"))
        return bool(message.headers.get(name.lower(), "").strip())
    if kind in ("http", "oauth2", "openIdConnect"):
        expected = str(scheme.get("scheme", "bearer")).lower() if kind == "http" else "bearer"
        given, _, credential = message.headers.get("authorization", "").partition(" ")
        return given.lower() == expected and bool(credential.strip())
    return True  # mutualTLS: nothing in the message to look at
