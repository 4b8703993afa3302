"""What `image-classify` says on stderr besides errors: the runtime's retry waits as
`note:` lines and, with --validate warn, each spec deviation as a `warning:` line."""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator
from typing import Any

import click

from image_classify._logs import WAIT, logger
from image_classify.errors import SpecDeviationWarning


class _Waits(logging.Handler):
    """Says on stderr what the command waits for: each retry's wait and its cause, and a
    retry given up because the wait would pass the budget (the runtime logs both)."""

    def emit(self, record: logging.LogRecord) -> None:
        if hasattr(record, WAIT):
            click.echo(f"note: {record.getMessage()}", err=True)


@contextlib.contextmanager
def waits_shown() -> Iterator[None]:
    handler = _Waits(logging.INFO)
    level = logger.level
    logger.addHandler(handler)
    if not logger.isEnabledFor(logging.INFO):
        logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@contextlib.contextmanager
def deviations_shown() -> Iterator[None]:
    """--validate warn: each SpecDeviationWarning as one `warning:` line on stderr, every
    time (not Python's once-per-place default, with its file and line of our code)."""

    def show(message: Warning | str, *args: Any, **kwargs: Any) -> None:
        click.echo(f"warning: {message}", err=True)

    with warnings.catch_warnings():
        warnings.simplefilter("always", SpecDeviationWarning)
        warnings.showwarning = show
        yield
