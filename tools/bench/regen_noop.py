"""No-op regeneration (every hash matches the lock) vs cold regeneration, same project
copy, same run: `python -m tools regen --force`, then `python -m tools regen`."""

from __future__ import annotations

from tools.bench import Figure
from tools.bench.regen_common import project_copy, timed_tools

NAME = "regen-noop"
TARGET = 0.1


def run(quick: bool, runs: int) -> list[Figure]:
    ratios = []
    noops = []
    colds = []
    with project_copy() as project:
        timed_tools(project, "regen")  # warm the copy's bytecode caches
        for _ in range(1 if quick else runs):
            colds.append(timed_tools(project, "regen", "--force"))
            noops.append(timed_tools(project, "regen"))
            ratios.append(noops[-1] / colds[-1])
    detail = f"regen {min(noops):.2f} s vs regen --force {min(colds):.2f} s (best of each)"
    return [Figure(NAME, "all five providers", "x", tuple(ratios), TARGET, detail)]
