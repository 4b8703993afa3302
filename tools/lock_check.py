"""Does the lock record the files it claims to? Each provider's entry against the files
themselves: the spec's path and sha256, one path and sha256 per overlay the manifest lists
(in order), and the generated tree's file count and hash.

`regen --check` cannot see a lock that leaves something out: it compares the lock with an
entry built by the same code (tools/lock.py), so a bug that drops the overlays' hashes from
both passes. This check is written from the manifest, not from `lock.inputs_entry`;
`regen --check` runs it on each entry that is otherwise in sync.
"""

from __future__ import annotations

from typing import Any

from tools import lock
from tools.manifest import Provider, select


def _file_problems(key: str, what: str, recorded: Any, provider: Provider, path: Any) -> list[str]:
    want = {"path": provider.rel(path), "sha256": lock.sha256_file(path)}
    if not isinstance(recorded, dict):
        return [f"{key}: {what} {want['path']} is not recorded"]
    return [
        f"{key}: {what} {field} is {recorded.get(field)!r}, the file's is {value!r}"
        for field, value in want.items()
        if recorded.get(field) != value
    ]


def entry_problems(provider: Provider, entry: Any) -> list[str]:
    """What `entry` (the lock's record of `provider`) gets wrong about its files."""
    key = provider.key
    if not isinstance(entry, dict):
        return [f"{key}: no entry in {lock.LOCK.name}"]
    found = _file_problems(key, "spec", entry.get("spec"), provider, provider.spec)
    overlays = entry.get("overlays")
    overlays = overlays if isinstance(overlays, list) else []
    if len(overlays) != len(provider.overlays):
        found.append(
            f"{key}: {len(overlays)} overlay(s) recorded, the manifest lists "
            f"{len(provider.overlays)} ({', '.join(map(provider.rel, provider.overlays))})"
        )
    for index, path in enumerate(provider.overlays):
        recorded = overlays[index] if index < len(overlays) else None
        found += _file_problems(key, f"overlay {index}", recorded, provider, path)
    generated = entry.get("generated")
    generated = generated if isinstance(generated, dict) else {}
    want = {
        "path": provider.rel(provider.package_dir),
        "files": len(lock.tree_files(provider.package_dir)),
        "tree_sha256": lock.tree_sha256(provider.package_dir),
    }
    found += [
        f"{key}: generated {field} is {generated.get(field)!r}, the tree's is {value!r}"
        for field, value in want.items()
        if generated.get(field) != value
    ]
    return found


def hash_problems(data: dict[str, Any] | None = None) -> list[str]:
    """Every way the lock (read from disk unless given) disagrees with the files of the
    manifest's providers; empty when each hash is the file's."""
    data = lock.read_lock() if data is None else data
    entries = data.get("providers")
    entries = entries if isinstance(entries, dict) else {}
    return [
        problem
        for provider in select(None)
        for problem in entry_problems(provider, entries.get(provider.key))
    ]
