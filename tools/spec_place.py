"""Where a node of an effective spec came from, for messages: the spec file's line:col when
the spec has it unchanged, else the overlays that made it (the effective spec is the spec
with its overlays applied, and the fix goes in an overlay either way)."""

from __future__ import annotations

from typing import Any

from tools.documents import load_document, locate
from tools.effective import Effective
from tools.pointers import follow, parse_json_pointer


def at_pointer(document: Any, pointer: str) -> Any:
    """The value at `pointer` in `document`, or tools.pointers.MISSING."""
    return follow(document, parse_json_pointer(pointer))


def overlay_names(effective: Effective) -> str:
    """The provider's overlays, for "fix it in ..." (the last one when there are several:
    later overlays win)."""
    provider = effective.provider
    if not provider.overlays:
        return f"a new overlay listed under [providers.{provider.key}] overlays"
    return provider.rel(provider.overlays[-1])


def place(effective: Effective, pointer: str, original: Any | None = None) -> str:
    """`specs/x.yaml:12:7` when the spec holds this node unchanged, else
    `added or changed by overlays/x.yaml`."""
    provider = effective.provider
    if original is None:
        original = load_document(provider.spec)
    here = at_pointer(effective.document, pointer)
    if at_pointer(original, pointer) == here:
        found = locate(provider.spec, [pointer]).get(pointer)
        return f"{provider.rel(provider.spec)}:{found}" if found else provider.rel(provider.spec)
    overlays = ", ".join(provider.rel(p) for p in provider.overlays) or "no overlay"
    return f"added or changed by {overlays}"
