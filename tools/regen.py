"""`python -m tools regen`: effective specs -> generated packages, atomically, with a lock.

All providers are generated side by side in a scratch folder under `.build/`; only when
every one has succeeded are the new packages, the runtime's derived files
(`image_classify/_typed*.py`, `image_classify/_specs/`: tools.runtime_files) and the lock
replaced, as one transaction (tools.transaction): a failure, or a kill at any moment,
leaves them all as they were (after a kill, the next command puts them back).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from image_classify.adapters import adapter_path, missing_adapter_message
from tools import effective as eff
from tools import lock, runtime_files, typed_surface
from tools.binary_bodies import check_binary_bodies
from tools.errors import ToolError
from tools.examples import check_examples
from tools.generate import run_generator
from tools.lock_check import entry_problems
from tools.manifest import ROOT, Provider, select
from tools.scratch import exclusive, scratch
from tools.transaction import Transaction, recover, writable
from tools.typecheck import Staged, typecheck

Say = Callable[[str], None]


@dataclass
class Outcome:
    provider: Provider | None  # None: a runtime file (_typed*.py, _specs/), named by `name`
    status: str  # "generated", "up to date", "differs", "in sync"
    detail: list[str]
    name: str = ""

    @property
    def key(self) -> str:
        return self.provider.key if self.provider is not None else self.name


def _typed_surface(check: bool, say: Say) -> tuple[list[Outcome], dict[Path, str]]:
    """The typed modules (image_classify/_typed*.py), the per-provider overloads rendered
    from the manifest: verified with `check`, else the new texts of those that differ
    (written with the rest)."""
    outcomes: list[Outcome] = []
    changed: dict[Path, str] = {}
    for path, text in typed_surface.expected().items():
        name = path.relative_to(ROOT).as_posix()
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            outcomes.append(Outcome(None, "in sync" if check else "up to date", [], path.name))
        elif check:
            say(f"{name}: differs (the manifest, an adapter's Raw or a runtime signature changed)")
            outcomes.append(Outcome(None, "differs", [f"{name}: differs"], path.name))
        else:
            outcomes.append(Outcome(None, "generated", [], path.name))
            changed[path] = text
    return outcomes, changed


def _spec_files(check: bool, say: Say) -> tuple[Outcome, dict[str, str] | None]:
    """image_classify/_specs/, the effective and mock documents the wheel ships: verified
    with `check`, else their new texts when any differs (written with the rest)."""
    name = runtime_files.SPECS.relative_to(ROOT).as_posix()
    expected = runtime_files.spec_files()
    stale = runtime_files.stale_specs(expected)
    if not stale:
        return Outcome(None, "in sync" if check else "up to date", [], name), None
    if check:
        say(f"{name}: differs (a spec, an overlay or a mock overlay changed)")
        for line in stale:
            say(f"  {line}")
        return Outcome(None, "differs", stale, name), None
    return Outcome(None, "generated", [], name), expected


def require_adapters(providers: list[Provider]) -> None:
    """A manifest entry without its adapter module fails before any generating: the
    runtime could not use the package (and the typed surface could not be rendered)."""
    for provider in providers:
        if not (ROOT / adapter_path(provider.key)).is_file():
            raise ToolError(f"{missing_adapter_message(provider.key)}.")


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


def regen(
    names: list[str] | None = None,
    *,
    check: bool = False,
    force: bool = False,
    jobs: int = 5,
    say: Say = print,
) -> list[Outcome]:
    """Regenerate (or with `check`, verify) the named providers' packages and the lock."""
    recover()  # a regen or update killed half-way: put its files back first
    providers = select(names)
    require_adapters(select(None))  # every entry: the typed surface covers them all
    builds = [eff.build(p) for p in providers]  # all specs and overlays first: fail early
    for build in builds:  # what the mocks and contract tests need of an effective spec
        check_binary_bodies(build)
        check_examples(build)
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
    typed, typed_texts = _typed_surface(check, say)
    specs, spec_texts = _spec_files(check, say)
    outcomes += [*typed, specs]
    if not todo and not typed_texts and spec_texts is None:
        return outcomes
    if not check:  # a read-only target fails here, before generating, not after
        if todo:
            writable(lock.LOCK, "regen")
        for path in typed_texts:
            writable(path, "regen")
        if spec_texts is not None:
            writable(runtime_files.SPECS, "regen")
    with scratch("regen-") as folder:
        produced = _generate_all(todo, folder, jobs)
        by_key = {b.provider.key: b for b in todo}
        if not check:  # --check installs nothing; an in-sync tree is the one mypy checks
            typecheck([Staged(by_key[k], path.parent) for k, path in produced.items()], folder)
        if check:
            for key, path in produced.items():
                provider = by_key[key].provider
                new_entry = lock.stamp(lock.entry(by_key[key], path), entries.get(key))
                detail = _diff_trees(path, provider.package_dir)
                old = entries.get(key)
                if old is None or lock.without_volatile(old) != lock.without_volatile(new_entry):
                    detail.append(f"{lock.LOCK.name}: entry for {key} is stale or missing")
                elif not detail:  # in step with the code that writes it: is that code right?
                    detail += [f"{lock.LOCK.name}: {p}" for p in entry_problems(provider, old)]
                outcome = Outcome(provider, "differs" if detail else "in sync", detail)
                outcomes.append(outcome)
                say(f"{key}: {outcome.status}")
                for line in detail:
                    say(f"  {line}")
            return outcomes
        with exclusive():  # the lock as it is now: a concurrent regen's entries are kept
            stored = lock.read_lock()
            entries = stored.setdefault("providers", {})
            for key, path in produced.items():
                entries[key] = lock.stamp(lock.entry(by_key[key], path), entries.get(key))
            stored["providers"] = {k: entries[k] for k in sorted(entries)}
            transaction = Transaction(folder, "regen")
            for key, path in produced.items():
                transaction.add_tree(by_key[key].provider.package_dir, path)
            for path, text in typed_texts.items():
                transaction.add_file(path, text.encode())
            if spec_texts is not None:
                staged = runtime_files.stage_specs(spec_texts, folder / "runtime")
                transaction.add_tree(runtime_files.SPECS, staged)
            if produced:
                transaction.add_file(lock.LOCK, lock.render(stored).encode())
            transaction.commit()
    for path in typed_texts:
        say(f"{path.relative_to(ROOT).as_posix()}: generated")
    if spec_texts is not None:
        say(f"{runtime_files.SPECS.relative_to(ROOT).as_posix()}/: generated")
    for key in produced:
        outcomes.append(Outcome(by_key[key].provider, "generated", []))
        say(f"{key}: generated {by_key[key].provider.rel(by_key[key].provider.package_dir)}")
    return outcomes
