"""Contract suite wall time: `pytest -m contract -q` in a subprocess (it starts and stops
the Prism mocks itself). Skipped under --quick; a failing suite is reported, not timed."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from tools.bench import Figure
from tools.manifest import ROOT

NAME = "contract"
TARGET = 180.0
TIMEOUT_S = 1800


def run(quick: bool, runs: int) -> list[Figure]:
    label = "pytest -m contract -q"
    if quick:
        return [Figure(NAME, label, "s", (), TARGET, unavailable="skipped under --quick")]
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    times = []
    summary = ""
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-m", "contract", "-q", "-p", "no:cacheprovider"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
        elapsed = time.perf_counter() - started
        lines = done.stdout.strip().splitlines()
        summary = lines[-1].strip("= ") if lines else f"exit {done.returncode}"
        if done.returncode != 0:
            return [Figure(NAME, label, "s", (), TARGET, unavailable=f"suite failed: {summary}")]
        times.append(elapsed)
    return [Figure(NAME, label, "s", tuple(times), TARGET, summary)]
