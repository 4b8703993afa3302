"""The manifest (`image_classify/providers.toml`): every provider named once.

The runtime reads its own keys (image_classify._providers); the pipeline adds the ones it
needs: spec, overlays, generator config, mock port.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from image_classify._providers import (
    MANIFEST_NAME,
    Auth,
    ManifestError,
    need,
    parse_auth,
    parse_manifest,
    parse_mock_options,
)
from tools.errors import ToolError

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / MANIFEST_NAME
GENERATED = ROOT / "generated"

ORIGINS = ("upstream", "hand-written")

__all__ = ["GENERATED", "MANIFEST", "ROOT", "Auth", "Provider", "load_providers", "select"]


@dataclass(frozen=True)
class Provider:
    key: str
    title: str
    spec: Path
    origin: str
    sources: tuple[str, ...]
    overlays: tuple[Path, ...]
    package: str
    mock_port: int
    base_url: str
    auth: Auth
    generator: dict[str, Any] = field(default_factory=dict)
    mock_overlays: tuple[Path, ...] = ()
    mock_options: dict[str, Any] = field(default_factory=dict)  # [mock] options

    @property
    def package_dir(self) -> Path:
        return GENERATED / self.package

    def rel(self, path: Path) -> str:
        """A path as the manifest and the lock write it: relative to the project root."""
        return path.relative_to(ROOT).as_posix()


def _provider(key: str, table: dict[str, Any]) -> Provider:
    where = f"providers.{key}"
    origin = need(table, "origin", str, where)
    if origin not in ORIGINS:
        raise ManifestError(
            f"{MANIFEST_NAME}: [{where}] origin = {origin!r} is not one of {ORIGINS}."
        )
    paths = [ROOT / need(table, "spec", str, where)]
    overlays = tuple(ROOT / p for p in need(table, "overlays", list, where))
    mock_overlays = tuple(ROOT / p for p in table.get("mock_overlays", []))
    for path in [*paths, *overlays, *mock_overlays]:
        if not path.is_file():
            raise ManifestError(
                f"{MANIFEST_NAME}: [{where}] names {path.relative_to(ROOT)}, which does not "
                "exist. Fix the path or add the file."
            )
    auth = parse_auth(table, where)
    return Provider(
        key=key,
        title=need(table, "title", str, where),
        spec=paths[0],
        origin=origin,
        sources=tuple(need(table, "sources", list, where)),
        overlays=overlays,
        package=need(table, "package", str, where),
        mock_port=need(table, "mock_port", int, where),
        base_url=need(table, "base_url", str, where),
        mock_overlays=mock_overlays,
        auth=auth,
        generator=dict(table.get("generator", {})),
        mock_options=parse_mock_options(table, auth, where),
    )


def load_providers(path: Path = MANIFEST) -> dict[str, Provider]:
    """All providers, in manifest order; a malformed manifest is a ToolError."""
    try:
        tables = parse_manifest(path.read_text(encoding="utf-8"))
        return {key: _provider(key, table) for key, table in tables.items()}
    except OSError as exc:
        raise ToolError(f"{path}: cannot read the manifest ({exc.strerror}).") from None
    except ManifestError as exc:
        raise ToolError(str(exc)) from None


def select(names: list[str] | None = None) -> list[Provider]:
    """The named providers (all when `names` is empty); an unknown name is a ToolError."""
    providers = load_providers()
    if not names:
        return list(providers.values())
    unknown = [n for n in names if n not in providers]
    if unknown:
        raise ToolError(
            f"unknown provider {', '.join(map(repr, unknown))}. "
            f"Valid choices: {', '.join(providers)} (from {MANIFEST_NAME})."
        )
    return [providers[n] for n in names]
