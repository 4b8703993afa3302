"""Shared by the regeneration benchmarks: timed `python -m tools regen` in a project copy
(tools/project_copy.py; the real generated/ and lock are never touched) and timed
single-provider generator runs into a scratch folder."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tools.effective import build
from tools.generate import run_generator
from tools.manifest import select
from tools.project_copy import ProjectCopy


@contextmanager
def project_copy() -> Iterator[ProjectCopy]:
    with tempfile.TemporaryDirectory(prefix="bench-regen-") as folder:
        yield ProjectCopy(Path(folder) / "project")


def timed_tools(project: ProjectCopy, *args: str) -> float:
    """Wall time of `python -m tools ARGS` in the copy (process start included)."""
    started = time.perf_counter()
    result = project.tools(*args, timeout=600)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"python -m tools {' '.join(args)} failed:\n{result.output[-2000:]}")
    return elapsed


def sequential_generator_runs() -> dict[str, float]:
    """Each provider's generator run (openapi-python-client, its post hooks, the package
    check), one after the other, into a scratch folder: provider -> seconds."""
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-generate-") as folder:
        for provider in select():
            effective = build(provider)
            started = time.perf_counter()
            run_generator(effective, Path(folder) / provider.key)
            times[provider.key] = time.perf_counter() - started
    return times
