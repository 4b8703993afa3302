"""How `image-classify` shows results as they arrive: rich tables on stdout, or one JSON
line / CSV rows per image and provider, to stdout or to `--output FILE`.

Tables fit the console's width (rich wraps or ellipsizes cells; COLUMNS sets the width
on a pipe, 80 by default). Colour only on a terminal, never with NO_COLOR: rich's
Console reads NO_COLOR and FORCE_COLOR itself.
"""

from __future__ import annotations

import sys
from typing import Any, Protocol

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from image_classify._cli_records import CSV_HEADER, Format, Outcome, csv_line, render
from image_classify._cli_resume import OutputFile
from image_classify._labels import agreement

# The per-provider row: (header, fixed width or None for the rest, justify). Fixed widths
# keep the lines printed one by one on a pipe aligned under the header.
ROW_COLUMNS: tuple[tuple[str, int | None, Any], ...] = (
    ("provider", 14, "left"),
    ("model", 16, "left"),
    ("top label", 16, "left"),
    ("score", 6, "right"),
    ("ms", 5, "right"),
    ("other labels", None, "left"),
)


def stdout_console() -> Console:
    # highlight=False: no guessing colours for numbers and paths in our own text.
    return Console(highlight=False, soft_wrap=False)


class View(Protocol):
    def add(self, outcome: Outcome) -> None: ...

    def image_done(self, source: str, outcomes: list[Outcome]) -> None: ...

    def close(self) -> None: ...


class StreamView:
    """jsonl or csv, one record per image and provider as it finishes, flushed at once."""

    def __init__(self, output_format: Format, sink: OutputFile | None) -> None:
        self.format = output_format
        self.sink = sink
        if sink is None and output_format == "csv":
            self._write(csv_line(list(CSV_HEADER)))

    def _write(self, text: str) -> None:
        if self.sink is not None:
            self.sink.write(text)
        else:
            sys.stdout.write(text)
            sys.stdout.flush()

    def add(self, outcome: Outcome) -> None:
        self._write(render(outcome, self.format))

    def image_done(self, source: str, outcomes: list[Outcome]) -> None:
        pass

    def close(self) -> None:
        if self.sink is not None:
            self.sink.close()


class LabelsView:
    """One provider: a table of ranked labels per image, printed as each image finishes.
    A '*' marks the classes a multi-label model counts as predicted."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def add(self, outcome: Outcome) -> None:
        result = outcome.result
        if result is None:
            return
        heading = Text(outcome.source, style="bold", overflow="fold")
        heading.append(f"  {outcome.provider} {result.model or ''}  ", style="dim")
        heading.append(f"{outcome.latency_ms:.0f} ms", style="dim")
        self.console.print(heading)
        table = Table()
        table.add_column("rank", justify="right", style="dim")
        table.add_column("label", style="cyan", overflow="fold")
        table.add_column("score", justify="right", style="green")
        several = len(result.predictions) > 1
        for rank, p in enumerate(result.predictions, start=1):
            mark = " *" if p.predicted and several else ""
            table.add_row(str(rank), p.label + mark, f"{p.score:.4f}")
        if not result.predictions:
            table.add_row("", "(no labels)", "")
        self.console.print(table)

    def image_done(self, source: str, outcomes: list[Outcome]) -> None:
        pass

    def close(self) -> None:
        pass


def _row_table(header: bool, with_image: bool) -> Table:
    # expand: the fixed columns keep their widths and "other labels" takes what is left of
    # the console's width, so every line has the same layout and none is wider.
    table = Table(box=None, show_header=header, header_style="bold", pad_edge=False, expand=True)
    columns = ROW_COLUMNS
    if with_image:  # narrower model cells make room for the image's
        columns = (
            ("image", 14, "left"),
            *[(n, 10 if n == "model" else w, j) for n, w, j in columns],
        )
    for name, width, justify in columns:
        table.add_column(
            name,
            width=width,
            justify=justify,
            no_wrap=True,
            overflow="ellipsis",
            ratio=None if width else 1,
        )
    return table


def _cells(outcome: Outcome) -> list[Text | str]:
    result = outcome.result
    latency = f"{outcome.latency_ms:.0f}"
    if result is None:
        error = Text(f"error: {outcome.error}", style="red")
        return [Text(outcome.provider, style="bold"), outcome.model or "", error, "", latency]
    top = result.top
    others = ", ".join(f"{p.label} {p.score:.2f}" for p in result.predictions[1:])
    return [
        Text(outcome.provider, style="bold"),
        result.model or "",
        Text(top.label if top else "(no labels)", style="cyan"),
        Text(f"{top.score:.4f}" if top else "", style="green"),
        latency,
        others,
    ]


class ProvidersView:
    """Several providers: one row per provider as its answer arrives (for one image on a
    terminal, a live table; else the header, then one line per row), and once an image has
    every provider's answer, which providers agree on its top label."""

    def __init__(self, console: Console, several_images: bool) -> None:
        self.console = console
        self.with_image = several_images
        self.rows: list[list[Text | str]] = []
        self.verdicts: list[Text] = []
        self.live: Live | None = None
        # Live for one image only: with a folder it would redraw every row on each answer.
        if console.is_terminal and not several_images:
            self.live = Live(_row_table(True, several_images), console=console, auto_refresh=False)
            self.live.start()
        else:
            console.print(_row_table(True, several_images))

    def add(self, outcome: Outcome) -> None:
        cells = [outcome.source, *_cells(outcome)] if self.with_image else _cells(outcome)
        if self.live is None:
            table = _row_table(False, self.with_image)
            table.add_row(*cells)
            self.console.print(table)
            return
        self.rows.append(cells)
        self._refresh(self.live)

    def _refresh(self, live: Live) -> None:
        # The verdicts under the table, in the live display: printed on their own they
        # would land above it.
        table = _row_table(True, self.with_image)
        for row in self.rows:
            table.add_row(*row)
        live.update(Group(table, *self.verdicts), refresh=True)

    def image_done(self, source: str, outcomes: list[Outcome]) -> None:
        tops = {
            o.provider: o.result.top.label
            for o in outcomes
            if o.result is not None and o.result.top is not None
        }
        line = str(agreement(tops))
        verdict = Text(f"{source}: {line}" if self.with_image else line, style="italic")
        if self.live is None:
            self.console.print(verdict)
        else:
            self.verdicts.append(verdict)
            self._refresh(self.live)

    def close(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None
