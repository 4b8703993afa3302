"""`python -m tools regen`: effective specs -> generated packages, atomically, with a lock.

All providers are generated side by side in a scratch folder next to `generated/`; only
when every one has succeeded are the folders swapped in by rename (and swapped back if a
rename fails), so a failed run leaves `generated/` and the lock exactly as they were.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tools import effective as eff
from tools import lock, typed_surface
from tools.documents import write_atomic
from tools.errors import ToolError
from tools.generate import run_generator
from tools.manifest import GENERATED, ROOT, Provider, select

Say = Callable[[str], None]


@dataclass
class Outcome:
    provider: Provider | None  # None: the runtime's typed surface (image_classify/_typed.py)
    status: str  # "generated", "up to date", "differs", "in sync"
    detail: list[str]

    @property
    def key(self) -> str:
        return self.provider.key if self.provider is not None else typed_surface.TYPED.name


def _typed_surface(check: bool, say: Say) -> Outcome:
    """image_classify/_typed.py, the per-provider overloads rendered from the manifest:
    verified with `check`, else rewritten (atomically) when it differs."""
    name = typed_surface.TYPED.relative_to(ROOT).as_posix()
    if not typed_surface.stale():
        return Outcome(None, "in sync" if check else "up to date", [])
    if check:
        say(f"{name}: differs (the manifest, an adapter's Raw or a runtime signature changed)")
        return Outcome(None, "differs", [f"{name}: differs"])
    write_atomic(typed_surface.TYPED, typed_surface.expected())
    say(f"{name}: generated")
    return Outcome(None, "generated", [])


def _scratch() -> Path:
    # Same filesystem as generated/, so the swap is a rename.
    base = ROOT / ".build"
    base.mkdir(exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="regen-", dir=base))


def _generate_all(builds: list[eff.Effective], scratch: Path, jobs: int) -> dict[str, Path]:
    """Run the generator for each provider in parallel; raise the first failure."""
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {
            b.provider.key: pool.submit(run_generator, b, scratch / b.provider.key) for b in builds
        }
        return {key: future.result() for key, future in futures.items()}


def _up_to_date(build: eff.Effective, stored: dict[str, object] | None) -> bool:
    if stored is None or not build.provider.package_dir.is_dir():
        return False
    current = lock.entry(build, build.provider.package_dir)
    return lock.without_volatile(current) == lock.without_volatile(dict(stored))


def _diff_trees(new: Path, old: Path) -> list[str]:
    a = lock.tree_files(new)
    b = lock.tree_files(old) if old.is_dir() else {}
    rel = old.relative_to(ROOT).as_posix()
    lines = [f"{rel}/{n}: differs" for n in sorted(a.keys() & b.keys()) if a[n] != b[n]]
    lines += [f"{rel}/{n}: missing (would be added)" for n in sorted(a.keys() - b.keys())]
    lines += [f"{rel}/{n}: not generated (would be removed)" for n in sorted(b.keys() - a.keys())]
    return lines


def _swap(produced: dict[str, Path], providers: dict[str, Provider], scratch: Path) -> None:
    done: list[tuple[Path, Path | None]] = []
    GENERATED.mkdir(exist_ok=True)
    try:
        for key, new in produced.items():
            target = providers[key].package_dir
            backup = None
            if target.exists():
                backup = scratch / f"{key}.previous"
                target.rename(backup)
            # Recorded before the second rename, so a failure there is rolled back too.
            done.append((target, backup))
            new.rename(target)
    except OSError as exc:
        for target, backup in reversed(done):
            shutil.rmtree(target, ignore_errors=True)
            if backup is not None:
                backup.rename(target)
        raise ToolError(
            f"could not move the generated packages into place ({exc}); "
            "generated/ was restored as it was."
        ) from None


def regen(
    names: list[str] | None = None,
    *,
    check: bool = False,
    force: bool = False,
    jobs: int = 5,
    say: Say = print,
) -> list[Outcome]:
    """Regenerate (or with `check`, verify) the named providers' packages and the lock."""
    providers = select(names)
    builds = [eff.build(p) for p in providers]  # all specs and overlays first: fail early
    stored = lock.read_lock()
    entries = stored.setdefault("providers", {})
    todo = (
        builds
        if (check or force)
        else [b for b in builds if not _up_to_date(b, entries.get(b.provider.key))]
    )
    outcomes = [Outcome(b.provider, "up to date", []) for b in builds if b not in todo]
    for outcome in outcomes:
        say(f"{outcome.key}: up to date (hashes match {lock.LOCK.name})")
    outcomes.append(_typed_surface(check, say))
    if not todo:
        return outcomes
    scratch = _scratch()
    try:
        produced = _generate_all(todo, scratch, jobs)
        by_key = {b.provider.key: b for b in todo}
        new_entries = {
            key: lock.stamp(lock.entry(by_key[key], path), entries.get(key))
            for key, path in produced.items()
        }
        if check:
            for key, path in produced.items():
                provider = by_key[key].provider
                detail = _diff_trees(path, provider.package_dir)
                old = entries.get(key)
                if old is None or lock.without_volatile(old) != lock.without_volatile(
                    new_entries[key]
                ):
                    detail.append(f"{lock.LOCK.name}: entry for {key} is stale or missing")
                outcome = Outcome(provider, "differs" if detail else "in sync", detail)
                outcomes.append(outcome)
                say(f"{key}: {outcome.status}")
                for line in detail:
                    say(f"  {line}")
            return outcomes
        _swap(produced, {b.provider.key: b.provider for b in todo}, scratch)
        entries.update(new_entries)
        stored["providers"] = {k: entries[k] for k in sorted(entries)}
        lock.write_lock(stored)
        for key in produced:
            outcomes.append(Outcome(by_key[key].provider, "generated", []))
            say(f"{key}: generated {by_key[key].provider.rel(by_key[key].provider.package_dir)}")
        return outcomes
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
