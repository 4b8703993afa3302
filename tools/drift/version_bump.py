"""The version bump `python -m tools update` proposes from what drift found, and the
project files that hold the version, rewritten with it.

A breaking change of the Python API (what users of the SDK's generated clients import)
is a major bump, an addition to it a minor one, anything else (a spec change that leaves
the Python API alone) a patch. The rule is the issue's, applied as written even below 1.0.

The version is written in two places: `[project] version` in pyproject.toml and
`__version__` in image_classify/_version.py. Each is edited in place (one line, the rest
of the file byte for byte); a file that is absent is skipped, and two that disagree stop
the update, since no bump of them could be right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tools.drift.model import BREAKING, DriftReport
from tools.errors import ToolError

Bump = Literal["major", "minor", "patch"]

_SEMVER = re.compile(r"(\d+)\.(\d+)\.(\d+)")
# `version = "0.1.0"` inside the `[project]` table (up to the next table header).
_PYPROJECT = re.compile(
    r'(^\[project\]\s*$(?:(?!^\[)[\s\S])*?^version\s*=\s*")([^"\n]*)(")', re.MULTILINE
)
_MODULE = re.compile(r'(^__version__\s*=\s*")([^"\n]*)(")', re.MULTILINE)
# Where the version is written, relative to the project root, and how to find it there.
VERSION_FILES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("pyproject.toml", _PYPROJECT),
    ("image_classify/_version.py", _MODULE),
)


def proposed_bump(report: DriftReport) -> tuple[Bump, str]:
    """The bump drift's findings call for, and why, in a few words."""
    python = [change for change in report.changes if change.part == "python-api"]
    if any(change.severity == BREAKING for change in python):
        return "major", "a breaking change of the Python API"
    if python:
        return "minor", "additions to the Python API"
    return "patch", "no change of the Python API"


def bumped(version: str, bump: Bump) -> str:
    """`1.4.2` bumped: major `2.0.0`, minor `1.5.0`, patch `1.4.3`."""
    found = _SEMVER.fullmatch(version)
    if found is None:
        raise ToolError(
            f"the project version {version!r} is not MAJOR.MINOR.PATCH, so no bump can be "
            "proposed: write it so in pyproject.toml and image_classify/_version.py."
        )
    major, minor, patch = (int(part) for part in found.groups())
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


@dataclass
class VersionBump:
    bump: Bump
    reason: str
    old: str
    new: str
    files: dict[Path, str] = field(default_factory=dict)  # each file's new text

    def describe(self, root: Path) -> str:
        where = ", ".join(path.relative_to(root).as_posix() for path in self.files)
        return f"{self.old} -> {self.new} ({self.bump}: {self.reason}; in {where})"


def plan_version_bump(root: Path, report: DriftReport) -> VersionBump | None:
    """The bump for `report` and the new text of each version file under `root`; None
    when no file holds the version."""
    found: dict[Path, tuple[str, re.Match[str]]] = {}
    for relative, pattern in VERSION_FILES:
        path = root / relative
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        match = pattern.search(text)
        if match is None:
            raise ToolError(
                f"{relative}: no version found where it is expected ({pattern.pattern})."
            )
        found[path] = (text, match)
    if not found:
        return None
    versions = {path.relative_to(root).as_posix(): match[2] for path, (_, match) in found.items()}
    if len(set(versions.values())) > 1:
        listed = ", ".join(f"{name} {version}" for name, version in versions.items())
        raise ToolError(
            f"the project's version differs between its files ({listed}); make them agree."
        )
    bump, reason = proposed_bump(report)
    old = next(iter(versions.values()))
    new = bumped(old, bump)
    plan = VersionBump(bump, reason, old, new)
    for path, (text, match) in found.items():
        plan.files[path] = text[: match.start(2)] + new + text[match.end(2) :]
    return plan
