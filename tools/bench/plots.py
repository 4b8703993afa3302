"""The benchmarks' plots: one SVG per plotted benchmark, embedded in the report.

    python -m tools.bench.plots [REPORT] [--output-dir DIR] [--no-embed]

`python -m tools bench` draws them next to its report (`img/` beside docs/benchmarks.md for
a complete run, beside .build/benchmarks.md otherwise) whenever a plotted benchmark ran.
Run as above, this module draws them from an existing report's Results table instead
(default docs/benchmarks.md, into `img/` beside it) and writes the report's "Plots"
section, so the published figures get their plots without a new run.

Each plot is a horizontal bar per figure: the bar is the median, the whisker runs from min
to max, a red tick marks the target, and a dotted line at 1.0x the baseline. The SVGs are
deterministic (fixed `svg.hashsalt`, no date, text kept as text): drawing the same figures
again gives the same bytes, so they diff as text in review.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.bench import Figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.typing import RcKeyType

__all__ = [
    "PLOTTED",
    "PlotRow",
    "draw",
    "draw_all",
    "embed",
    "plots_from_report",
    "read_report",
    "rows_from_figures",
    "section",
]

SECTION = "## Plots"
# The report's sections: the plots go right after the Results table.
AFTER_PLOTS = "## What each figure measures"
# Fixed so that the ids matplotlib derives from it (clip paths, glyphs) never change.
HASH_SALT = "image-classify-sdk benchmarks"
RC: dict[RcKeyType, Any] = {
    "svg.hashsalt": HASH_SALT,
    "svg.fonttype": "none",  # text stays <text>: small, searchable, diffable
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "axes.titlesize": 10.0,
}
COLOURS = ("#4C72B0", "#DD8452", "#8C8C8C", "#55A868")
TARGET_COLOUR = "#C44E52"


def _sync_or_async(name: str) -> str:
    return "async" if name.endswith(" async") else "sync"


def _request_form(name: str) -> str:
    return "base64 body" if name.endswith("(base64)") else "binary body"


def _whose(name: str) -> str:
    """peers: whose client a row measures (after "provider: ")."""
    subject = name.split(": ", 1)[-1]
    if subject.startswith(("Classifier", "AsyncClassifier", "classify()")):
        return "image-classify-sdk"
    if subject.startswith("raw "):
        return "raw client"
    return "peer SDK"


@dataclass(frozen=True)
class Plotted:
    """What one benchmark's plot says."""

    title: str
    xlabel: str
    category: Callable[[str], str]  # a figure's name -> its legend entry (its colour)


PLOTTED: dict[str, Plotted] = {
    "per-call": Plotted(
        "per-call: typed client call()/acall() vs raw httpx + json.loads",
        "time per call / raw httpx (1.0x = baseline), same MockTransport",
        _sync_or_async,
    ),
    "classifier-per-call": Plotted(
        "classifier-per-call: reused Classifier.classify() vs raw httpx + json.loads",
        "time per classify() / raw httpx (1.0x = baseline), same MockTransport",
        _sync_or_async,
    ),
    "peers": Plotted(
        "peers: our clients and peer SDKs vs raw httpx replaying the same request",
        "time / raw httpx, same transport and round (1.0x = baseline)\n"
        "\"A / B\" rows: A's time / B's time, same round",
        _whose,
    ),
    "upload-memory": Plotted(
        "upload-memory: peak memory of one classify() of a 20 MB image",
        "peak memory over the process's baseline / image size (1.0x = the image)",
        _request_form,
    ),
}


@dataclass(frozen=True)
class PlotRow:
    """One figure as plotted: a ratio ("x"), or why there is none."""

    name: str
    min: float = math.nan
    median: float = math.nan
    max: float = math.nan
    target: float | None = None
    unavailable: str | None = None


def rows_from_figures(figures: Iterable[Figure]) -> dict[str, list[PlotRow]]:
    """The plotted benchmarks' ratio figures, by benchmark, in their order."""
    found: dict[str, list[PlotRow]] = {}
    for figure in figures:
        if figure.benchmark not in PLOTTED or figure.unit != "x":
            continue
        if figure.unavailable or not figure.samples:
            row = PlotRow(figure.name, unavailable=figure.unavailable or "no samples")
        else:
            row = PlotRow(figure.name, figure.min, figure.median, figure.max, figure.target)
        found.setdefault(figure.benchmark, []).append(row)
    return found


# --------------------------------------------------------------------------- reading a report

_RATIO = re.compile(r"^(\d+(?:\.\d+)?)x$")
_TARGET = re.compile(r"^<= (\d+(?:\.\d+)?)x$")


def _cells(line: str) -> list[str]:
    """A Markdown table row's cells; `\\|` is a literal bar (the harness escapes them)."""
    inner = line.strip()[1:-1]
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", inner)]


def _ratio(cell: str) -> float | None:
    match = _RATIO.match(cell)
    return float(match.group(1)) if match else None


def read_report(text: str) -> tuple[dict[str, list[PlotRow]], str]:
    """A report's Results table (the plotted benchmarks' ratio rows) and its revision."""
    revision = "unknown"
    found: dict[str, list[PlotRow]] = {}
    header: list[str] | None = None
    for line in text.splitlines():
        if not line.startswith("|"):
            header = None  # a table ends at its first other line
            continue
        cells = _cells(line)
        if cells[:1] == ["revision"] and len(cells) == 2:
            revision = cells[1]
        if cells[:3] == ["benchmark", "figure", "min"]:
            header = cells
            continue
        if header is None or len(cells) != len(header) or set(line) <= set("|-: "):
            continue
        row = dict(zip(header, cells, strict=True))
        benchmark = row["benchmark"]
        if benchmark not in PLOTTED:
            continue
        target_match = _TARGET.match(row["target"])
        target = float(target_match.group(1)) if target_match else None
        low, middle, high = (_ratio(row[key]) for key in ("min", "median", "max"))
        if row["verdict"] == "n/a" or low is None or middle is None or high is None:
            if row["verdict"] == "n/a":
                reason = row["median"] or "n/a"
                found.setdefault(benchmark, []).append(
                    PlotRow(row["figure"], target=target, unavailable=reason)
                )
            continue
        found.setdefault(benchmark, []).append(PlotRow(row["figure"], low, middle, high, target))
    if not found:
        raise ValueError("no Results table with plotted benchmarks in this report")
    return found, revision


# --------------------------------------------------------------------------- drawing


def _label(value: float) -> str:
    return f"{value:.3f}x" if value < 0.1 else f"{value:.2f}x"


def _plot(axes: Axes, benchmark: str, rows: Sequence[PlotRow]) -> None:
    plotted = PLOTTED[benchmark]
    categories = list(dict.fromkeys(plotted.category(row.name) for row in rows))
    colour = {name: COLOURS[i % len(COLOURS)] for i, name in enumerate(categories)}
    finite = [v for row in rows if not row.unavailable for v in (row.max, row.target or 0.0)]
    right = max([1.0, *finite]) * 1.18
    seen: set[str] = set()
    target_shown = False
    for y, row in enumerate(rows):
        if row.unavailable:
            axes.text(
                right * 0.01, y, f"n/a: {row.unavailable}", va="center", fontsize=7, color="0.4"
            )
            continue
        category = plotted.category(row.name)
        axes.barh(
            y,
            row.median,
            height=0.6,
            color=colour[category],
            label=category if category not in seen else None,
            xerr=[[row.median - row.min], [row.max - row.median]],
            error_kw={"ecolor": "0.15", "elinewidth": 1.0, "capsize": 3.0},
        )
        seen.add(category)
        # Right of the whisker and of the target tick, so neither covers it.
        after = max(row.max, row.target or 0.0) + right * 0.012
        axes.text(after, y, _label(row.median), va="center", fontsize=8, color="0.1")
        if row.target is not None:
            axes.plot(
                [row.target],
                [y],
                marker="|",
                markersize=14,
                markeredgewidth=2.0,
                linestyle="none",
                color=TARGET_COLOUR,
                label=None if target_shown else "target",
            )
            target_shown = True
    axes.axvline(1.0, color="0.2", linestyle=":", linewidth=1.2, label="baseline (1.0x)")
    axes.set_yticks(range(len(rows)), [row.name for row in rows])
    axes.set_ylim(len(rows) - 0.4, -0.6)  # the table's order, top to bottom
    axes.set_xlim(0.0, right)
    axes.set_xlabel(plotted.xlabel)
    axes.set_ylabel("figure (bar: median; whisker: min-max)")
    axes.grid(axis="x", color="0.9", linewidth=0.6)
    axes.set_axisbelow(True)


def filename(benchmark: str, suffix: str = "svg") -> str:
    return f"bench-{benchmark}.{suffix}"


def draw(
    benchmark: str, rows: Sequence[PlotRow], revision: str, directory: Path, *, suffix: str = "svg"
) -> Path:
    """Draw one benchmark's plot into `directory`; return its path."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as Canvas

    longest = max(len(row.name) for row in rows)
    width = min(14.0, max(8.0, 6.0 + longest * 0.075))
    height = 1.5 + 0.32 * len(rows)
    with matplotlib.rc_context(RC):
        # No pyplot: no global figure manager and no display; the Agg canvas measures the
        # text for the layout, and savefig switches to the SVG renderer by the suffix.
        figure = Canvas(figsize=(width, height), layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        _plot(axes, benchmark, rows)
        entries = len(axes.get_legend_handles_labels()[1])
        figure.legend(loc="outside lower center", ncols=entries, fontsize=8, frameon=False)
        figure.suptitle(
            f"{PLOTTED[benchmark].title}\nrevision {revision}", x=0.01, ha="left", fontsize=10
        )
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / filename(benchmark, suffix)
        metadata = {"Date": None} if suffix == "svg" else {}
        figure.savefig(path, format=suffix, metadata=metadata, dpi=110)
    return path


def draw_all(rows: dict[str, list[PlotRow]], revision: str, directory: Path) -> list[Path]:
    """One SVG per plotted benchmark present in `rows`, in PLOTTED's order."""
    return [
        draw(name, rows[name], revision, directory)
        for name in PLOTTED
        if any(not row.unavailable for row in rows.get(name, ()))
    ]


# --------------------------------------------------------------------------- the report


def section(paths: Sequence[Path], report: Path) -> list[str]:
    """The report's Plots section (Markdown lines), images linked relative to the report:
    the same link works on GitHub and, MkDocs rewriting it, on the site."""
    if not paths:
        return []
    out = [
        SECTION,
        "",
        "Drawn from the table above by `python -m tools bench` (tools/bench/plots.py): the "
        "bar is the median, the whisker runs from min to max, the red tick is the target "
        "and the dotted line at 1.0x the baseline.",
        "",
    ]
    for path in paths:
        benchmark = path.stem.removeprefix("bench-")
        link = Path(os.path.relpath(path, report.parent)).as_posix()
        out += [f"![{PLOTTED[benchmark].title}]({link})", ""]
    return out[:-1]


def embed(text: str, lines: Sequence[str]) -> str:
    """`text` (a report) with its Plots section replaced by `lines` (or added after the
    Results table)."""
    body = text.splitlines()
    block = [*lines, ""] if lines else []
    if SECTION in body:
        start = body.index(SECTION)
        end = next((i for i in range(start + 1, len(body)) if body[i].startswith("## ")), len(body))
        body[start:end] = block
    elif AFTER_PLOTS in body:
        at = body.index(AFTER_PLOTS)
        body[at:at] = block
    else:
        body += ["", *block]
    return "\n".join(body).rstrip() + "\n"


def plots_from_report(
    report: Path, directory: Path | None = None, *, write_section: bool = True
) -> list[Path]:
    """Draw the plots of an existing report's Results table (into `img/` beside it unless
    `directory` says where) and, with `write_section`, embed them in that report."""
    text = report.read_text(encoding="utf-8")
    rows, revision = read_report(text)
    paths = draw_all(rows, revision, directory or report.parent / "img")
    if write_section:
        updated = embed(text, section(paths, report))
        if updated != text:
            report.write_text(updated, encoding="utf-8")
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench.plots",
        description="Draw the benchmark plots from an existing report's Results table.",
    )
    parser.add_argument(
        "report", nargs="?", type=Path, default=Path("docs/benchmarks.md"), help="the report"
    )
    parser.add_argument("--output-dir", type=Path, help="default: img/ beside the report")
    parser.add_argument(
        "--no-embed", action="store_true", help="leave the report's Plots section as it is"
    )
    args = parser.parse_args(argv)
    try:
        paths = plots_from_report(args.report, args.output_dir, write_section=not args.no_embed)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
