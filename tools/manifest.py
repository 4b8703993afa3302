"""The manifest (`providers.toml`): every provider named once, read by every tool."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.errors import ToolError

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "providers.toml"
GENERATED = ROOT / "generated"

AUTH_STYLES = ("header", "query", "bearer")
ORIGINS = ("upstream", "hand-written")


@dataclass(frozen=True)
class Auth:
    style: str
    name: str
    env: tuple[str, ...]
    extra_env: tuple[str, ...] = ()


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
    auth: Auth
    generator: dict[str, Any] = field(default_factory=dict)

    @property
    def package_dir(self) -> Path:
        return GENERATED / self.package

    def rel(self, path: Path) -> str:
        """A path as the manifest and the lock write it: relative to the project root."""
        return path.relative_to(ROOT).as_posix()


def _need(table: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in table:
        raise ToolError(
            f"{MANIFEST.name}: [{where}] has no `{key}`. Add it (see the comment at the top)."
        )
    value = table[key]
    if not isinstance(value, kind):
        raise ToolError(
            f"{MANIFEST.name}: [{where}] `{key}` must be a {kind.__name__}, "
            f"got {type(value).__name__}."
        )
    return value


def _provider(key: str, table: dict[str, Any]) -> Provider:
    where = f"providers.{key}"
    auth_table = _need(table, "auth", dict, where)
    style = _need(auth_table, "style", str, f"{where}.auth")
    if style not in AUTH_STYLES:
        raise ToolError(
            f"{MANIFEST.name}: [{where}.auth] style = {style!r} "
            f"is not one of {', '.join(AUTH_STYLES)}."
        )
    origin = _need(table, "origin", str, where)
    if origin not in ORIGINS:
        raise ToolError(f"{MANIFEST.name}: [{where}] origin = {origin!r} is not one of {ORIGINS}.")
    paths = [ROOT / _need(table, "spec", str, where)]
    overlays = tuple(ROOT / p for p in _need(table, "overlays", list, where))
    for path in [*paths, *overlays]:
        if not path.is_file():
            raise ToolError(
                f"{MANIFEST.name}: [{where}] names {path.relative_to(ROOT)}, which does not exist. "
                "Fix the path or add the file."
            )
    return Provider(
        key=key,
        title=_need(table, "title", str, where),
        spec=paths[0],
        origin=origin,
        sources=tuple(_need(table, "sources", list, where)),
        overlays=overlays,
        package=_need(table, "package", str, where),
        mock_port=_need(table, "mock_port", int, where),
        auth=Auth(
            style=style,
            name=_need(auth_table, "name", str, f"{where}.auth"),
            env=tuple(_need(auth_table, "env", list, f"{where}.auth")),
            extra_env=tuple(auth_table.get("extra_env", [])),
        ),
        generator=dict(table.get("generator", {})),
    )


def load_providers(path: Path = MANIFEST) -> dict[str, Provider]:
    """All providers, in manifest order."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ToolError(f"{path}: cannot read the manifest ({exc.strerror}).") from None
    except tomllib.TOMLDecodeError as exc:
        raise ToolError(f"{path}: not valid TOML: {exc}. Fix the syntax there.") from None
    tables = data.get("providers")
    if not isinstance(tables, dict) or not tables:
        raise ToolError(f"{path}: no [providers.NAME] tables. Add one per provider.")
    return {key: _provider(key, table) for key, table in tables.items()}


def select(names: list[str] | None = None) -> list[Provider]:
    """The named providers (all when `names` is empty); an unknown name is a ToolError."""
    providers = load_providers()
    if not names:
        return list(providers.values())
    unknown = [n for n in names if n not in providers]
    if unknown:
        raise ToolError(
            f"unknown provider {', '.join(map(repr, unknown))}. "
            f"Valid choices: {', '.join(providers)} (from {MANIFEST.name})."
        )
    return [providers[n] for n in names]
