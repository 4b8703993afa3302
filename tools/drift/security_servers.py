"""Security requirements, security schemes and server URLs: the changes to how and where
a client connects, per operation and document-level.

Records only: whether a change breaks a client (a way to authenticate went away, a server
URL was removed) is the rule registry's decision (tools/drift/rules.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from tools.drift.document_side import Side, mapping
from tools.drift.model import ChangeRecord
from tools.drift.operations import Parts

# Makes a record at a place: (kind, detail, where, **extra). Operation-level records carry
# the operation; document-level ones do not.
RecordFactory = Callable[..., ChangeRecord]
ANONYMOUS = frozenset({"(anonymous)"})
_SCHEME_KEYS = ("type", "in", "name", "scheme", "bearerFormat", "flows", "openIdConnectUrl")


def security_alternatives(requirements: Any) -> frozenset[str]:
    """Each way to authenticate as `a + b[scope]`; `(anonymous)` for `{}` or no requirement."""
    if not isinstance(requirements, list):
        return ANONYMOUS
    alternatives = set()
    for requirement in requirements:
        if not isinstance(requirement, dict):
            continue
        names = []
        for name, scopes in requirement.items():
            listed = sorted(str(scope) for scope in scopes) if isinstance(scopes, list) else []
            names.append(f"{name}[{','.join(listed)}]" if listed else str(name))
        alternatives.add(" + ".join(sorted(names)) or "(anonymous)")
    return frozenset(alternatives) if alternatives else ANONYMOUS


def server_urls(servers: Any) -> list[str]:
    if not isinstance(servers, list):
        return []
    urls = [entry.get("url") for entry in servers if isinstance(entry, dict)]
    return [url.rstrip("/") or "/" for url in urls if isinstance(url, str)]


def security_change(
    old: frozenset[str], new: frozenset[str], where: Parts, record: RecordFactory
) -> Iterator[ChangeRecord]:
    if old == new:
        return
    removed, added = sorted(old - new), sorted(new - old)
    parts = [
        f"{label}: {', '.join(names)}"
        for label, names in (("removed", removed), ("added", added))
        if names
    ]
    yield record(
        "security-changed",
        f"security requirements changed ({'; '.join(parts)}).",
        where,
        removed=removed,
        added=added,
    )


def server_changes(
    old_urls: list[str], new_urls: list[str], where: Parts, record: RecordFactory
) -> Iterator[ChangeRecord]:
    for url in old_urls:
        if url not in new_urls:
            yield record(
                "server-changed",
                f"server URL `{url}` was removed.",
                where,
                change="removed",
                url=url,
            )
    for url in new_urls:
        if url not in old_urls:
            yield record(
                "server-changed",
                f"server URL `{url}` was added.",
                where,
                change="added",
                url=url,
            )


def scheme_changes(old: Side, new: Side, record: RecordFactory) -> Iterator[ChangeRecord]:
    """A security scheme whose definition changed (its header name, say)."""
    old_schemes = mapping(mapping(old.doc.get("components")).get("securitySchemes"))
    new_schemes = mapping(mapping(new.doc.get("components")).get("securitySchemes"))
    for name, old_scheme in old_schemes.items():
        if name not in new_schemes:
            continue  # whether that matters shows in the operations' requirements
        before, after = (
            {key: mapping(side.resolve(scheme)).get(key) for key in _SCHEME_KEYS}
            for side, scheme in ((old, old_scheme), (new, new_schemes[name]))
        )
        if before != after:
            changed = sorted(key for key in _SCHEME_KEYS if before[key] != after[key])
            yield record(
                "security-changed",
                f"security scheme `{name}` changed ({', '.join(changed)}).",
                ("components", "securitySchemes", name),
                scheme=name,
                old={key: before[key] for key in changed},
                new={key: after[key] for key in changed},
            )
