"""Every benchmark runs once (`--quick`: one iteration, reduced inputs) and returns figures
of the right shape; the report renders. No timing is asserted: the figures themselves are
published by `python -m tools bench`, never checked here."""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
from pathlib import Path

import pytest

from tools.bench import BENCHMARKS, Figure
from tools.bench.harness import Result, markdown, run_benchmarks, text_table

ROOT = Path(__file__).resolve().parents[3]
UNITS = {"x", "s"}


@pytest.fixture(scope="module")
def results() -> dict[str, Result]:
    ran = run_benchmarks(list(BENCHMARKS), quick=True, isolated=False, say=lambda _: None)
    return {result.benchmark.name: result for result in ran}


@pytest.mark.parametrize("name", list(BENCHMARKS))
def test_benchmark_returns_figures(name: str, results: dict[str, Result]) -> None:
    result = results[name]
    assert result.error is None, result.error
    assert result.figures, f"{name} returned no figures"
    for figure in result.figures:
        assert isinstance(figure, Figure)
        assert figure.benchmark == name
        assert figure.name
        assert figure.unit in UNITS
        assert figure.target is None or figure.target > 0
        if figure.unavailable is not None:
            assert figure.samples == ()
            assert figure.unavailable.strip()
            continue
        assert len(figure.samples) == 1  # quick: one iteration
        assert all(math.isfinite(s) and s >= 0 for s in figure.samples)
        assert figure.min <= figure.median <= figure.max
        assert figure.met in (True, False, None)


def test_contract_suite_is_skipped_when_quick(results: dict[str, Result]) -> None:
    (figure,) = results["contract"].figures
    assert figure.unavailable == "skipped under --quick"


def test_each_request_form_has_a_memory_figure(results: dict[str, Result]) -> None:
    names = [figure.name for figure in results["upload-memory"].figures]
    assert any("(base64)" in name for name in names)
    assert any("(binary)" in name for name in names)


def test_every_peer_has_a_figure_or_a_reason(results: dict[str, Result]) -> None:
    from tools.bench.peers import PEERS

    names = [figure.name for figure in results["peers"].figures]
    for peer in PEERS:
        library = peer.label.split()[0]  # e.g. "huggingface_hub"
        assert any(name.startswith(f"{peer.provider}: {library}") for name in names), peer
    assert any(name.endswith(": AsyncClassifier / AsyncInferenceClient") for name in names)
    assert any(name.startswith("classify() / reused Classifier") for name in names)


def test_report_lists_every_figure(results: dict[str, Result]) -> None:
    ran = list(results.values())
    report = markdown(ran, quick=True, started=dt.datetime.now(dt.UTC), command="x")
    table = text_table(ran)
    for result in ran:
        for figure in result.figures:
            assert f"| {result.benchmark.name} | {figure.name} |" in report
            assert figure.name in table
    for heading in ("## Environment", "## Results", "Python", "httpx", "CPU"):
        assert heading in report


def test_command_line_writes_the_report(tmp_path: Path) -> None:
    output = tmp_path / "bench.md"
    done = subprocess.run(
        [sys.executable, "-m", "tools", "bench", "validate", "--quick", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "validate" in done.stdout and "wrote" in done.stdout
    assert "| validate |" in output.read_text()


def test_unknown_benchmark_is_a_clean_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tools", "bench", "nosuch", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "unknown benchmark" in done.stderr and "Traceback" not in done.stderr
