"""The effective spec of a provider: its spec with its overlays applied, validated."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.documents import dump_yaml, load_document, write_atomic
from tools.errors import ToolError
from tools.manifest import ROOT, Provider
from tools.openapi_terms import HTTP_METHODS
from tools.overlay import ActionResult, load_overlay
from tools.overlay_apply import apply_overlays
from tools.refs import reject_external_refs
from tools.validate import SHOWN_ERRORS, validate_openapi

BUILD = ROOT / ".build"
EFFECTIVE_DIR = BUILD / "effective"


@dataclass
class Effective:
    provider: Provider
    document: dict[str, Any]
    actions: list[ActionResult]

    @property
    def text(self) -> str:
        return dump_yaml(self.document)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    def operations(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(METHOD, path, operation object) for every operation, in document order."""
        found = []
        for path, item in (self.document.get("paths") or {}).items():
            for method in HTTP_METHODS:
                if isinstance(item, dict) and isinstance(item.get(method), dict):
                    found.append((method.upper(), str(path), item[method]))
        return found


def build(
    provider: Provider, *, strict: bool = True, shown: int | None = SHOWN_ERRORS
) -> Effective:
    """Load, overlay (strictly by default), refuse external $refs, validate (listing at
    most `shown` problems; None: all)."""
    document = load_document(provider.spec)
    if not isinstance(document, dict):
        raise ToolError(f"{provider.rel(provider.spec)}: the top level must be a mapping.")
    reject_external_refs(document, provider.spec)
    overlays = [load_overlay(path) for path in provider.overlays]
    actions = apply_overlays(document, overlays, strict=strict)
    source = f"effective spec of {provider.key} ({provider.rel(provider.spec)} + its overlays)"
    reject_external_refs(document, Path(source))
    validate_openapi(document, source, shown=shown)
    servers = [s.get("url") for s in document.get("servers") or [] if isinstance(s, dict)]
    if provider.base_url not in servers:
        raise ToolError(
            f"{source}: the manifest's base_url {provider.base_url!r} for {provider.key} is not "
            f"one of the spec's servers ({', '.join(map(str, servers)) or 'none'}). Fix "
            "base_url in image_classify/providers.toml, or the servers through an overlay."
        )
    return Effective(provider, document, actions)


def write_effective(provider: Provider, directory: Path = EFFECTIVE_DIR) -> Path:
    """Write the effective spec as YAML (for Prism, Schemathesis, reviewers); return its path."""
    effective = build(provider)
    path = directory / f"{provider.key}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, effective.text)
    return path


def mock_document(effective: Effective) -> dict[str, Any]:
    """The spec Prism serves: the effective spec plus the provider's mock overlays (each a
    workaround for a named Prism limit), applied strictly; `effective` is left as it is."""
    document = copy.deepcopy(effective.document)
    if effective.provider.mock_overlays:
        overlays = [load_overlay(p) for p in effective.provider.mock_overlays]
        apply_overlays(document, overlays)
    return document


def write_mock_spec(provider: Provider, directory: Path) -> Path:
    """Write the spec Prism serves (mock_document) as YAML; return its path."""
    path = directory / f"{provider.key}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, dump_yaml(mock_document(build(provider))))
    return path
