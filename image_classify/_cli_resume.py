"""`--output FILE`: records appended as each image finishes, and a rerun that skips them.

An image is done when FILE holds a successful record of it for the same provider, model
and options; failed images are tried again. Every record is flushed as soon as it is
written, so Ctrl-C or a crash loses at most the images in flight; a last line cut short
by a crash (no newline) is dropped when the file is opened again, and that image rerun.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import IO, Any

import click

from image_classify._cli_records import CSV_HEADER, Format, csv_line, options_key

Key = tuple[str, str, str, str]  # source, provider, model ("" for none), options as JSON


def key_of(source: str, provider: str, model: str | None, options: dict[str, Any]) -> Key:
    return (source, provider, model or "", options_key(options))


def _complete_lines(path: Path) -> list[str]:
    """FILE's complete lines; an unterminated tail (a crash mid-write) is cut off the file."""
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    if end != len(data):
        with path.open("r+b") as file:
            file.truncate(end)
    try:
        return data[:end].decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise click.UsageError(f"--output {path} is not text written by image-classify.") from None


def _jsonl_done(path: Path, lines: list[str]) -> set[Key]:
    done: set[Key] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if "error" not in record:
                done.add(
                    key_of(record["image"], record["provider"], record["model"], record["options"])
                )
        except (ValueError, KeyError, TypeError):
            raise click.UsageError(
                f"--output {path}:{number} is not a JSON line written by image-classify; "
                "name another file."
            ) from None
    return done


def _csv_done(path: Path, lines: list[str]) -> set[Key]:
    if not lines:
        return set()
    if lines[0] != csv_line(list(CSV_HEADER)).rstrip("\n"):
        raise click.UsageError(
            f"--output {path} does not start with image-classify's CSV header "
            f"({','.join(CSV_HEADER)}); name another file."
        )
    done: set[Key] = set()
    for number, row in enumerate(csv.DictReader(lines), start=2):
        try:
            if not row["error"]:
                options = json.loads(row["options"])
                done.add(key_of(row["source"], row["provider"], row["model"], options))
        except (ValueError, KeyError, TypeError):
            raise click.UsageError(
                f"--output {path}:{number} is not a row image-classify wrote."
            ) from None
    return done


class OutputFile:
    """The records of a run, appended to FILE; `done` holds what earlier runs finished."""

    def __init__(self, path: Path, output_format: Format) -> None:
        self.path = path
        self.done: set[Key] = set()
        if path.is_dir():
            raise click.UsageError(f"--output {path} is a folder; name a file.")
        fresh = not path.exists()
        if not fresh:
            lines = _complete_lines(path)
            read = _jsonl_done if output_format == "jsonl" else _csv_done
            self.done = read(path, lines)
            fresh = not lines
        try:
            self._file: IO[str] = path.open("a", encoding="utf-8", newline="")
        except OSError as exc:
            raise click.UsageError(f"--output {path}: cannot write it ({exc.strerror}).") from None
        if fresh and output_format == "csv":
            self.write(csv_line(list(CSV_HEADER)))

    def write(self, text: str) -> None:
        self._file.write(text)
        self._file.flush()  # at once: an interrupted run keeps every finished image

    def close(self) -> None:
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
