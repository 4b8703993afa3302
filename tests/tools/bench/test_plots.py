"""The benchmark plots (tools/bench/plots.py): valid, deterministic SVGs from a report's
Results table or from a run's figures; the committed ones match docs/benchmarks.md."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tools.bench import BENCHMARKS, Figure
from tools.bench.harness import HEADER, Result, rows
from tools.bench.plots import (
    PLOTTED,
    draw_all,
    embed,
    filename,
    plots_from_report,
    read_report,
    rows_from_figures,
    section,
)

pytest.importorskip("matplotlib")  # the dev extra

ROOT = Path(__file__).resolve().parents[3]
REPORT = ROOT / "docs" / "benchmarks.md"
SVG = "{http://www.w3.org/2000/svg}"

SYNTHETIC = """\
# Benchmarks

## Environment

| | |
|---|---|
| revision | abc1234 |

## Results

| benchmark | figure | min | median | max | target | verdict |
|---|---|---|---|---|---|---|
| per-call | alpha sync | 1.10x | 1.15x | 1.16x | <= 1.10x | NOT met (1.15x) |
| per-call | alpha async | 0.90x | 0.95x | 1.02x | <= 1.10x | met |
| peers | alpha: Classifier (MockTransport) | 0.86x | 0.86x | 0.88x | as fast as possible | - |
| peers | alpha: other\\|sdk run (MockTransport) | 5.26x | 5.43x | 5.52x | as fast as possible | - |
| peers | beta: missing_sdk Client.run |  | not installed |  | as fast as possible | n/a |
| upload-memory | alpha (binary) | 0.000x | 0.000x | 0.000x | <= 1.50x | met |
| upload-memory | beta (base64) | 1.33x | 1.33x | 1.33x | <= 3.00x | met |
| overlay | not plotted | 89.58x | 97.25x | 101.66x | <= 2.00x | NOT met (97.25x) |
| contract | pytest -m contract -q | 48.3 s | 48.3 s | 48.3 s | <= 180.0 s | met |

## What each figure measures
"""


def _texts(path: Path) -> str:
    """All the text of an SVG (which must parse), one string."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    return "\n".join("".join(node.itertext()) for node in root.iter(f"{SVG}text"))


def test_synthetic_table_draws_valid_identical_svgs(tmp_path: Path) -> None:
    found, revision = read_report(SYNTHETIC)
    assert revision == "abc1234"
    assert list(found) == ["per-call", "peers", "upload-memory"]  # overlay, contract: not
    assert [row.name for row in found["peers"]][1] == "alpha: other|sdk run (MockTransport)"
    (missing,) = [row for row in found["peers"] if row.unavailable]
    assert missing.unavailable == "not installed"
    assert found["per-call"][0].target == 1.10 and found["peers"][0].target is None

    first = draw_all(found, revision, tmp_path / "one")
    again = draw_all(found, revision, tmp_path / "two")
    assert [path.name for path in first] == [
        filename("per-call"),
        filename("peers"),
        filename("upload-memory"),
    ]
    for one, two in zip(first, again, strict=True):
        assert one.read_bytes() == two.read_bytes(), one.name
        assert b"<dc:date>" not in one.read_bytes()

    texts = {path.name: _texts(path) for path in first}
    per_call = texts[filename("per-call")]
    for label in ("alpha sync", "alpha async", "1.15x", "0.95x", "revision abc1234", "target"):
        assert label in per_call
    assert "per-call:" in per_call and "raw httpx" in per_call  # title and axis label
    peers = texts[filename("peers")]
    assert "alpha: other|sdk run (MockTransport)" in peers and "5.43x" in peers
    assert "n/a: not installed" in peers and "image-classify-sdk" in peers
    memory = texts[filename("upload-memory")]
    assert "beta (base64)" in memory and "0.000x" in memory and "image size" in memory


def test_figures_of_a_run_give_the_same_rows_as_its_table() -> None:
    figures = [
        Figure("per-call", "alpha sync", "x", (1.2, 1.1, 1.3), target=1.1),
        Figure("peers", "beta: sdk", "x", (), unavailable="not installed"),
        Figure("contract", "suite", "s", (48.3,), target=180.0),
    ]
    ran = [
        Result(BENCHMARKS[name], [f for f in figures if f.benchmark == name], 0.0)
        for name in ("per-call", "peers", "contract")
    ]
    table = "\n".join(
        ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
        + ["| " + " | ".join(row) + " |" for row in rows(ran)]
    )
    from_table, _ = read_report(table)
    from_figures = rows_from_figures(figures)
    assert list(from_table) == list(from_figures) == ["per-call", "peers"]
    assert from_table["per-call"] == from_figures["per-call"]
    assert from_table["peers"][0].unavailable == from_figures["peers"][0].unavailable


def test_plots_section_is_embedded_once(tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    report.write_text(SYNTHETIC)
    paths = plots_from_report(report)
    assert all(path.parent == tmp_path / "img" for path in paths)
    text = report.read_text()
    assert text.count("## Plots") == 1
    assert text.index("## Results") < text.index("## Plots") < text.index("## What each")
    for path in paths:
        assert f"](img/{path.name})" in text
    assert embed(text, section(paths, report)) == text  # idempotent
    plots_from_report(report)
    assert report.read_text() == text


def test_committed_plots_match_the_committed_report(tmp_path: Path) -> None:
    """docs/img/ holds the plots of docs/benchmarks.md's table, embedded in it by relative
    links (they work on GitHub and on the MkDocs site)."""
    paths = plots_from_report(REPORT, tmp_path, write_section=False)
    assert [path.name for path in paths] == [filename(name) for name in PLOTTED]
    text = REPORT.read_text()
    for path in paths:
        committed = REPORT.parent / "img" / path.name
        assert f"](img/{path.name})" in text, path.name
        assert committed.read_bytes() == path.read_bytes(), (
            f"{committed} is stale: python -m tools.bench.plots docs/benchmarks.md"
        )


def test_quick_bench_writes_its_plot_beside_the_report(tmp_path: Path) -> None:
    output = tmp_path / "bench.md"
    done = subprocess.run(
        [sys.executable, "-m", "tools", "bench", "per-call", "--quick", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    plot = tmp_path / "img" / filename("per-call")
    assert f"wrote {plot}" in done.stdout
    assert "edge_impulse sync" in _texts(plot)
    assert f"](img/{plot.name})" in output.read_text()


def test_plots_from_redraws_a_reports_plots_without_running_anything(tmp_path: Path) -> None:
    report = tmp_path / "benchmarks.md"
    report.write_text(REPORT.read_text(encoding="utf-8"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "tools", "bench", "--plots-from", str(report)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    drawn = sorted(p.name for p in (tmp_path / "img").glob("*.svg"))
    assert drawn == sorted(p.name for p in (ROOT / "docs" / "img").glob("bench-*.svg"))
    assert "wrote" in done.stdout and "Traceback" not in done.stderr
