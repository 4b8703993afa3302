"""The overhead benchmark runs (one iteration; no timing is asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from image_classify._providers import providers

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_runs_for_every_provider() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.bench.runtime_overhead",
            "--iterations",
            "1",
            "--repeats",
            "1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for provider in providers():
        for mode in ("sync", "async"):
            assert any(line.split()[:2] == [provider, mode] for line in lines), done.stdout
