"""The classify command's run, once its arguments are parsed: build one job per provider,
check them all before any call, skip what `--output FILE` already holds, run, summarise.

Exit status: 0 all classified, 1 something failed, 2 usage, 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import contextlib
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from image_classify._cli_notes import deviations_shown, waits_shown
from image_classify._cli_output import (
    LabelsView,
    ProvidersView,
    StreamView,
    View,
    stdout_console,
)
from image_classify._cli_records import Format
from image_classify._cli_resume import OutputFile
from image_classify._cli_run import Job, Tally, prepare, run
from image_classify._prism_fleet import MOCK_KEY, running
from image_classify._providers import providers


@dataclass(frozen=True)
class Request:
    keys: list[str]
    sources: list[str]
    models: dict[str, str]
    options: dict[str, Any]
    top_k: int | None
    output_format: Format
    output: Path | None
    mock: bool
    base_url: str | None
    concurrency: int
    client: dict[str, Any]  # Classifier arguments every provider gets (validate, timeout, ...)


def jobs_for(request: Request, urls: dict[str, str]) -> list[Job]:
    known = providers()
    jobs = []
    for key in request.keys:
        client: dict[str, Any] = dict(request.client)
        options = dict(request.options) if len(request.keys) == 1 else {}
        if request.mock:
            client.update(api_key=MOCK_KEY, base_url=urls[key])
            # The manifest's placeholders for what extra_env would hold (an account id)
            options = {**known[key].mock_options, **options}
        elif request.base_url:
            client["base_url"] = request.base_url
        model = request.models.get(key) or (known[key].example_model if request.mock else None)
        jobs.append(Job(key, model, client, options, request.top_k))
    return jobs


def _pending(jobs: list[Job], request: Request, sink: OutputFile | None) -> dict[str, list[str]]:
    """Per provider, the images still to classify: all of them, less what FILE holds."""
    work: dict[str, list[str]] = {}
    for job in jobs:
        todo = [s for s in request.sources if sink is None or job.key(s) not in sink.done]
        work[job.provider] = todo
        skipped = len(request.sources) - len(todo)
        if skipped and sink is not None:
            who = f" for {job.provider}" if len(jobs) > 1 else ""
            click.echo(
                f"skipping {skipped} of {len(request.sources)} images already in {sink.path}{who}",
                err=True,
            )
    return work


def _view(request: Request, sink: OutputFile | None) -> View:
    if request.output_format != "table":
        return StreamView(request.output_format, sink)
    if len(request.keys) > 1:
        return ProvidersView(stdout_console(), several_images=len(request.sources) > 1)
    return LabelsView(stdout_console())


def _prepared(jobs: list[Job], stack: contextlib.ExitStack) -> list[Job]:
    for job in jobs:
        prepare(job)
        assert job.classifier is not None
        stack.enter_context(job.classifier)  # its pool closed when the run ends
    return jobs


def execute(request: Request) -> None:
    with contextlib.ExitStack() as stack:
        stack.enter_context(waits_shown())
        stack.enter_context(deviations_shown())
        # Every job is checked before FILE is touched or Prism starts: a usage error
        # leaves nothing behind. With --mock, against placeholder URLs, then for real.
        placeholders = dict.fromkeys(request.keys, "http://127.0.0.1:9") if request.mock else {}
        jobs = _prepared(jobs_for(request, placeholders), stack)
        sink = OutputFile(request.output, request.output_format) if request.output else None
        if sink is not None:
            stack.callback(sink.close)
        if request.mock:
            jobs = _prepared(jobs_for(request, stack.enter_context(running(request.keys))), stack)
        work = _pending(jobs, request, sink)
        tally = Tally(total=sum(len(todo) for todo in work.values()))
        started = time.perf_counter()
        view = _view(request, sink)
        try:
            run(jobs, work, request.concurrency, view.add, view.image_done, tally)
        except KeyboardInterrupt:
            view.close()
            _interrupted(request, jobs, tally)
        view.close()
    _summary(request, jobs, tally, time.perf_counter() - started)


def _noun(jobs: list[Job]) -> str:
    return "images classified" if len(jobs) == 1 else "classifications done"


def _interrupted(request: Request, jobs: list[Job], tally: Tally) -> None:
    rerun = "; rerun the same command to continue" if request.output else ""
    click.echo(
        f"\ninterrupted: {tally.done} of {tally.total} {_noun(jobs)}, {tally.failed} failed{rerun}",
        err=True,
    )
    sys.stdout.flush()
    sys.exit(130)


def _summary(request: Request, jobs: list[Job], tally: Tally, elapsed: float) -> None:
    if len(request.sources) > 1 or request.output:
        where = f" into {request.output}" if request.output else ""
        click.echo(
            f"{tally.done} of {tally.total} {_noun(jobs)}{where} in {elapsed:.1f} s",
            err=True,
        )
    if tally.failed:
        click.echo(f"\n{tally.failed} of {tally.total} classification(s) failed.", err=True)
        sys.exit(1)
