"""Cold regeneration of all five clients vs the same generator runs one after the other.

Per run: the five single-provider generator runs, sequentially, in this process (their
sum is the baseline), then `python -m tools regen --force` in a project copy (a new
process: start-up, effective specs, generator runs in parallel, lock, atomic swap). The
figure is regen wall time / the sum.
"""

from __future__ import annotations

from tools.bench import Figure
from tools.bench.regen_common import project_copy, sequential_generator_runs, timed_tools

NAME = "regen-cold"
TARGET = 0.6


def run(quick: bool, runs: int) -> list[Figure]:
    ratios = []
    colds = []
    sums = []
    with project_copy() as project:
        timed_tools(project, "regen")  # warm the copy's bytecode caches, as a user's are
        for _ in range(1 if quick else runs):
            sums.append(sum(sequential_generator_runs().values()))
            colds.append(timed_tools(project, "regen", "--force"))
            ratios.append(colds[-1] / sums[-1])
    detail = (
        f"regen --force {min(colds):.2f} s vs {min(sums):.2f} s for the five runs in a row "
        "(best of each)"
    )
    return [Figure(NAME, "all five providers", "x", tuple(ratios), TARGET, detail)]
