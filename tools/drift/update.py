"""`python -m tools update PROVIDER NEW_SPEC`: pin a new spec and everything that follows.

Everything is prepared before anything is touched: the new spec's bytes, its effective
spec (overlays strictly: a dead overlay stops here), the generated package (in scratch),
the new lock, the project version bumped as drift's findings call for
(tools/drift/version_bump.py) and the new changelog, which records the bump. Only then
are they written, by rename, as one transaction (tools.transaction): a failure puts all
of them back at once, a kill at any moment leaves a journal from which the next command
puts them back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from image_classify._spec_files import file_names
from tools import lock
from tools.drift.api_diff import api_changes
from tools.drift.compare import pinned_source, spec_and_overlay_drift
from tools.drift.fetch import Source
from tools.drift.model import BREAKING, DriftReport
from tools.drift.our_code import our_code_changes
from tools.drift.staging import generate_staged, pinned_bytes, scratch_folder, stage_spec
from tools.drift.version_bump import VERSION_FILES, VersionBump, plan_version_bump
from tools.effective import Effective
from tools.manifest import ROOT, Provider, select
from tools.runtime_files import SPECS, provider_spec_files
from tools.scratch import exclusive
from tools.transaction import Transaction, recover, writable

CHANGELOG = ROOT / "CHANGELOG"


@dataclass
class Updated:
    provider: Provider
    old_sha256: str
    new_sha256: str
    report: DriftReport | None  # None: the new spec is the pinned one, nothing was written
    changelog: Path
    version: VersionBump | None = None  # None: nothing written, or no file holds a version


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _lock_text(provider: Provider, effective: Effective, package_dir: Path) -> str:
    stored = lock.read_lock(lock.LOCK)
    entries = stored.setdefault("providers", {})
    entry = lock.stamp(lock.entry(effective, package_dir), entries.get(provider.key))
    # The entry was computed from the staged copy; the spec will live at the pinned path.
    entry["spec"]["path"] = provider.rel(provider.spec)
    entries[provider.key] = entry
    stored["providers"] = {key: entries[key] for key in sorted(entries)}
    return lock.render(stored)


def summary(report: DriftReport) -> str:
    """The counts a changelog entry and the command's last line show."""
    breaking = len(report.breaking)
    parts = Counter(change.part for change in report.changes)
    by_part = ", ".join(f"{part} {count}" for part, count in sorted(parts.items()))
    text = (
        f"{len(report.changes)} change(s), {breaking} breaking, "
        f"{len(report.changes) - breaking} non-breaking"
    )
    text += f" ({by_part})" if by_part else ""
    return text + f"; {len(report.warnings)} warning(s)"


def _changelog_text(
    path: Path,
    provider: Provider,
    source: Source,
    old_sha: str,
    new_sha: str,
    report: DriftReport,
    version: VersionBump | None,
) -> str:
    if path.exists():
        text = path.read_text(encoding="utf-8")
        text = text if text.endswith("\n") else text + "\n"
    else:
        text = (
            f"# {provider.title} (`{provider.key}`): spec updates\n\n"
            "Written by `python -m tools update`, oldest first: where each new spec came "
            "from, the sha256 of the pinned file before and after, and what "
            "`python -m tools drift` found.\n"
        )
    kinds = Counter(c.kind for c in report.changes if c.severity == BREAKING)
    breaking = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
    return text + (
        f"\n## {dt.date.today().isoformat()}: {provider.rel(provider.spec)}\n\n"
        f"- source: {source.label}\n"
        f"- sha256: `{old_sha}` -> `{new_sha}`\n"
        f"- drift: {summary(report)}\n"
        + (f"- breaking: {breaking}\n" if breaking else "")
        + (f"- version: {version.describe(ROOT)}\n" if version is not None else "")
    )


def update(key: str, source: Source) -> Updated:
    recover()  # a regen or update killed half-way: put its files back first
    provider = select([key])[0]
    old = pinned_source(provider)
    new_bytes = pinned_bytes(provider, source)
    changelog = CHANGELOG / f"{provider.key}.md"
    old_sha, new_sha = _sha(old.data), _sha(new_bytes)
    if new_bytes == old.data:
        return Updated(provider, old_sha, new_sha, None, changelog)
    versions = [ROOT / name for name, _ in VERSION_FILES if (ROOT / name).is_file()]
    shipped = [SPECS / name for name in file_names(key)]
    targets = (provider.spec, lock.LOCK, *versions, changelog, *shipped)
    for target in targets:  # fail before generating
        writable(target, "update")
    report = spec_and_overlay_drift(provider, old, source)  # also refuses another API's spec
    with scratch_folder(f"update-{provider.key}-") as folder:
        staged = stage_spec(provider, new_bytes, folder)
        effective, package_dir = generate_staged(staged, folder, source.label)
        api = api_changes(provider.package, provider.package_dir.parent, package_dir.parent)
        report.changes += api + our_code_changes(provider, api, package_dir.parent, folder)
        with exclusive():  # read the lock and changelog as they are at commit time
            lock_text = _lock_text(provider, effective, package_dir)
            version = plan_version_bump(ROOT, report)
            log_text = _changelog_text(
                changelog, provider, source, old_sha, new_sha, report, version
            )
            transaction = Transaction(folder, "update")
            transaction.add_file(provider.spec, new_bytes)
            transaction.add_tree(provider.package_dir, package_dir)
            transaction.add_file(lock.LOCK, lock_text.encode())
            # The documents the wheel ships (mocks, validation) follow the new spec.
            for name, text in provider_spec_files(effective).items():
                transaction.add_file(SPECS / name, text.encode())
            for path, text in (version.files if version is not None else {}).items():
                transaction.add_file(path, text.encode())
            transaction.add_file(changelog, log_text.encode())
            transaction.commit()
    return Updated(provider, old_sha, new_sha, report, changelog, version)
