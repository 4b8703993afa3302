"""The lock (`generation.lock.json`): what each generated package was made from.

Per provider: the spec's sha256 and provenance, each overlay's sha256, the generator's
and formatter's versions, the generator config's hash, the effective spec's hash, and a
hash of the generated tree. `regen --check` recomputes all of it; a difference is stale.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

from tools.effective import Effective
from tools.errors import ToolError
from tools.generate import generator_config
from tools.manifest import ROOT
from tools.templates import templates_sha256

LOCK = ROOT / "generation.lock.json"
LOCK_VERSION = 1
# Set only when a spec's hash changes, so an unchanged spec keeps its date and the
# lock stays byte-for-byte reproducible.
VOLATILE = "recorded"


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_files(directory: Path) -> dict[str, str]:
    """relative path -> sha256, for every file under `directory` (caches excluded)."""
    return {
        p.relative_to(directory).as_posix(): sha256_file(p)
        for p in sorted(directory.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def tree_sha256(directory: Path) -> str:
    lines = "".join(f"{digest}  {name}\n" for name, digest in tree_files(directory).items())
    return hashlib.sha256(lines.encode()).hexdigest()


def tool_versions() -> dict[str, str]:
    return {name: version(name) for name in ("openapi-python-client", "ruff")}


def inputs_entry(effective: Effective) -> dict[str, Any]:
    """The part of a provider's entry known before generating."""
    provider = effective.provider
    config = json.dumps(generator_config(effective), sort_keys=True).encode()
    return {
        "spec": {
            "path": provider.rel(provider.spec),
            "sha256": sha256_file(provider.spec),
            "origin": provider.origin,
            "sources": list(provider.sources),
        },
        "overlays": [
            {"path": provider.rel(p), "sha256": sha256_file(p)} for p in provider.overlays
        ],
        "generator": tool_versions(),
        "generator_config_sha256": hashlib.sha256(config).hexdigest(),
        "generator_templates_sha256": templates_sha256(),
        "effective_sha256": effective.sha256,
    }


def entry(effective: Effective, package_dir: Path) -> dict[str, Any]:
    files = tree_files(package_dir)
    return {
        **inputs_entry(effective),
        "generated": {
            "path": f"generated/{effective.provider.package}",
            "files": len(files),
            "tree_sha256": tree_sha256(package_dir),
        },
    }


def read_lock(path: Path = LOCK) -> dict[str, Any]:
    if not path.exists():
        return {"lock_version": LOCK_VERSION, "providers": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ToolError(
            f"{path.name}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}). "
            "Restore it from git or delete it and run `python -m tools regen --force`."
        ) from None
    if not isinstance(data, dict) or data.get("lock_version") != LOCK_VERSION:
        raise ToolError(
            f"{path.name}: not a lock of version {LOCK_VERSION}. "
            "Delete it and run `python -m tools regen --force`."
        )
    return data


def without_volatile(value: dict[str, Any]) -> dict[str, Any]:
    spec = {k: v for k, v in value.get("spec", {}).items() if k != VOLATILE}
    return {**value, "spec": spec}


def stamp(new: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
    """Carry the recorded date over when the spec is unchanged; else today."""
    same = old is not None and old.get("spec", {}).get("sha256") == new["spec"]["sha256"]
    recorded = old["spec"].get(VOLATILE) if same and old else None
    new["spec"][VOLATILE] = recorded or dt.date.today().isoformat()
    return new


def render(lock: dict[str, Any]) -> str:
    return json.dumps(lock, indent=2, sort_keys=True) + "\n"


def write_lock(lock: dict[str, Any], path: Path = LOCK) -> None:
    """Replace the lock alone, crash-safely (regen and update write it in their own
    transaction, together with what it describes)."""
    from tools.transaction import replace_files

    replace_files({path: render(lock).encode()}, "regen")
