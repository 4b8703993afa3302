"""Run benchmarks, print the table, write the Markdown report.

    python -m tools bench [NAME...] [--quick] [--runs N] [--output PATH]

A complete run (every benchmark, not --quick) writes docs/benchmarks.md: the published
figures are always one run on one machine. A partial or quick run writes
.build/benchmarks.md instead, unless --output says where. When per-call,
classifier-per-call, peers or upload-memory ran, their plots (tools/bench/plots.py) go to
img/ beside the report, which embeds them.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import platform
import re
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from tools.bench import BENCHMARKS, Benchmark, Figure
from tools.errors import describe
from tools.manifest import ROOT

REPORT = ROOT / "docs" / "benchmarks.md"
SCRATCH_REPORT = ROOT / ".build" / "benchmarks.md"
PRISM_PACKAGE = ROOT / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
LIBRARIES = (
    "httpx",
    "openapi-python-client",
    "jsonpath-rfc9535",
    "openapi-spec-validator",
    "jsonschema-rs",
    "jsonschema",
    "griffe",
    "griffelib",
)
Say = Callable[[str], None]


@dataclass
class Result:
    benchmark: Benchmark
    figures: list[Figure]
    seconds: float
    error: str | None = None


# --------------------------------------------------------------------------- environment


def _first_match(path: str, pattern: str) -> str | None:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    match = re.search(pattern, text, re.M)
    return match.group(1).strip() if match else None


def machine() -> dict[str, str]:
    cpu = _first_match("/proc/cpuinfo", r"^model name\s*:\s*(.+)$") or platform.processor()
    memory_kb = _first_match("/proc/meminfo", r"^MemTotal:\s+(\d+) kB")
    memory = f"{int(memory_kb) / 1024**2:.1f} GiB" if memory_kb else "unknown"
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        usable = os.cpu_count() or 0
    return {
        "CPU": cpu or "unknown",
        "cores": f"{usable} usable ({os.cpu_count()} online)",
        "memory": memory,
        "OS": platform.platform(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
    }


def libraries() -> dict[str, str]:
    found = {}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    try:
        found["Prism (@stoplight/prism-cli)"] = json.loads(PRISM_PACKAGE.read_text())["version"]
    except (OSError, ValueError, KeyError):
        found["Prism (@stoplight/prism-cli)"] = "not installed"
    return found


def revision() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} (uncommitted changes)" if dirty else head


# --------------------------------------------------------------------------- running


def _figure_json(figure: Figure) -> dict[str, object]:
    return {**asdict(figure), "samples": list(figure.samples)}


def _figure_from(data: dict[str, Any]) -> Figure:
    return Figure(**{**data, "samples": tuple(data["samples"])})


def _isolated(name: str, quick: bool, runs: int) -> list[Figure]:
    """Run one benchmark in a fresh interpreter: no heap, caches or imports left by the
    others (json.load and the garbage collector's passes are sensitive to both)."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    command = [sys.executable, "-m", "tools.bench.harness", "--child", name, str(runs)]
    done = subprocess.run(
        [*command, *(["--quick"] if quick else [])],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the benchmark process failed:\n{done.stderr[-3000:]}")
    figures: list[dict[str, Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    return [_figure_from(figure) for figure in figures]


def _in_process(name: str, quick: bool, runs: int) -> list[Figure]:
    return BENCHMARKS[name].function()(quick, runs)


def run_benchmarks(
    names: Sequence[str],
    *,
    quick: bool,
    runs: int | None = None,
    isolated: bool = True,
    say: Say = print,
) -> list[Result]:
    """Run each benchmark (in a process of its own unless `isolated` is False)."""
    results = []
    for name in names:
        chosen = BENCHMARKS[name]
        count = 1 if quick else (runs or chosen.default_runs)
        say(f"{name}: {chosen.title} ({'quick' if quick else f'{count} run(s)'}) ...")
        started = time.perf_counter()
        try:
            run = _isolated if isolated else _in_process
            figures = run(name, quick, count)
            error = None
        except Exception as exc:  # a broken benchmark is reported; the others still run
            figures = []
            error = describe(exc).splitlines()[-1]
            say(traceback.format_exc())
        results.append(Result(chosen, figures, time.perf_counter() - started, error))
    return results


def _child(argv: list[str]) -> int:
    name, runs, *rest = argv
    figures = BENCHMARKS[name].function()("--quick" in rest, int(runs))
    print(json.dumps([_figure_json(figure) for figure in figures]))
    return 0


# --------------------------------------------------------------------------- rendering


def _number(value: float, unit: str) -> str:
    if unit == "x":
        return f"{value:.3f}x" if value < 0.1 else f"{value:.2f}x"
    if unit == "s":
        return f"{value:.1f} s"
    return f"{value:.2f} {unit}"


def _target(figure: Figure) -> str:
    if figure.target is None:
        return "as fast as possible"
    return f"<= {_number(figure.target, figure.unit)}"


def _verdict(figure: Figure) -> str:
    if figure.unavailable:
        return "n/a"
    met = figure.met
    if met is None:
        return "-"
    return "met" if met else f"NOT met ({_number(figure.median, figure.unit)})"


def rows(results: list[Result]) -> list[list[str]]:
    table = []
    for result in results:
        if result.error:
            table.append([result.benchmark.name, "(benchmark failed)", "", "", "", "", "error"])
        for figure in result.figures:
            if figure.unavailable:
                table.append(
                    [
                        figure.benchmark,
                        figure.name,
                        "",
                        figure.unavailable,
                        "",
                        _target(figure),
                        "n/a",
                    ]
                )
                continue
            table.append(
                [
                    figure.benchmark,
                    figure.name,
                    _number(figure.min, figure.unit),
                    _number(figure.median, figure.unit),
                    _number(figure.max, figure.unit),
                    _target(figure),
                    _verdict(figure),
                ]
            )
    return table


HEADER = ["benchmark", "figure", "min", "median", "max", "target", "verdict"]


def text_table(results: list[Result]) -> str:
    table = [HEADER, *rows(results)]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADER))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in table
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def _md(cell: str) -> str:
    return cell.replace("|", "\\|")


def markdown(
    results: list[Result],
    *,
    quick: bool,
    started: dt.datetime,
    command: str,
    plots: Sequence[str] = (),
) -> str:
    """The report; `plots` is its Plots section (tools.bench.plots.section), if any."""
    out = [
        "# Benchmarks",
        "",
        "Generated by `python -m tools bench` (tools/bench/); do not edit by hand. Every ratio is",
        "two timings (or a size) measured in the same run, so a busy machine moves both sides;",
        "min, median and max are over the repeated runs, and the verdict compares the median",
        "with the target. None of this is part of the test suite's pass/fail (a one-iteration",
        "smoke run of each benchmark is: tests/tools/bench/test_benchmarks_smoke.py).",
        "",
    ]
    if quick:
        out += ["**Quick (smoke) run: one iteration, reduced inputs. Not for publication.**", ""]
    out += ["## Environment", "", "| | |", "|---|---|"]
    environment = {
        "date (UTC)": started.strftime("%Y-%m-%d %H:%M"),
        "command": f"`{command}`",
        "revision": revision(),
        **machine(),
    }
    out += [f"| {key} | {_md(value)} |" for key, value in environment.items()]
    out += ["", "Libraries: " + ", ".join(f"{k} {v}" for k, v in libraries().items()) + ".", ""]
    out += ["## Results", "", "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    out += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in rows(results)]
    out += ["", *plots] if plots else []
    out += ["", "## What each figure measures", ""]
    for result in results:
        chosen = result.benchmark
        out += [
            f"### {chosen.name}: {chosen.title}",
            "",
            f"Baseline: {chosen.baseline}. Target: {chosen.target}. "
            f"Took {result.seconds:.0f} s here.",
            "",
        ]
        doc = importlib.import_module(chosen.module).__doc__
        if doc:
            out += [_paragraphs(doc), ""]
        if result.error:
            out += [f"**The benchmark failed:** `{_md(result.error)}`", ""]
        for figure in result.figures:
            if figure.detail:
                out.append(f"- {figure.name}: {figure.detail}")
        if any(figure.detail for figure in result.figures):
            out.append("")
        for note in chosen.notes:
            out += [note, ""]
    return "\n".join(out).rstrip() + "\n"


def _paragraphs(docstring: str) -> str:
    """A module docstring as Markdown: indented blocks stay as they are."""
    lines = docstring.strip("\n").splitlines()
    return "\n".join(line.rstrip() for line in lines)


# --------------------------------------------------------------------------- command


def _plots(results: list[Result], report: Path, say: Say) -> list[str]:
    """Draw the plotted benchmarks' figures into img/ beside the report; return the
    report's Plots section (nothing when none of them ran)."""
    from tools.bench import plots

    found = plots.rows_from_figures(figure for result in results for figure in result.figures)
    if not found:
        return []
    try:
        paths = plots.draw_all(found, revision(), report.parent / "img")
    except ImportError as exc:  # matplotlib is in the dev extra; the figures still publish
        say(f"plots not drawn: {exc}")
        return []
    for path in paths:
        say(f"wrote {path}")
    return plots.section(paths, report)


def main(
    names: Sequence[str],
    *,
    quick: bool = False,
    runs: int | None = None,
    output: Path | None = None,
    say: Say = print,
) -> int:
    chosen = list(names) or list(BENCHMARKS)
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        from tools.errors import ToolError

        raise ToolError(
            f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}."
        )
    started = dt.datetime.now(dt.UTC)
    results = run_benchmarks(chosen, quick=quick, runs=runs, say=say)
    say("")
    say(text_table(results))
    complete = not quick and chosen == list(BENCHMARKS)
    target = output or (REPORT if complete else SCRATCH_REPORT)
    command = "python -m tools bench" + "".join(f" {n}" for n in names)
    command += " --quick" if quick else ""
    command += f" --runs {runs}" if runs else ""
    target.parent.mkdir(parents=True, exist_ok=True)
    plots = _plots(results, target, say)
    report = markdown(results, quick=quick, started=started, command=command, plots=plots)
    target.write_text(report)
    say(f"\nwrote {target}")
    return 1 if any(result.error for result in results) else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        raise SystemExit(_child(sys.argv[2:]))
    raise SystemExit("usage: python -m tools bench [NAME...] [--quick]")
