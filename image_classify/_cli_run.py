"""Running `image-classify`: every provider and image at once, results as they finish.

Each provider gets one Classifier (one connection pool) and `--concurrency` worker
threads; all providers run at the same time, so `--provider all` takes as long as the
slowest provider, not the sum. Outcomes come back in completion order. The workers are
daemon threads: on Ctrl-C the command reports what finished and exits without waiting
for the requests still in flight.
"""

from __future__ import annotations

import collections
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import click

from image_classify._classifier import Classifier
from image_classify._cli_records import Outcome
from image_classify._cli_resume import key_of
from image_classify._images import load_image
from image_classify._providers import providers
from image_classify.adapters import adapter_for
from image_classify.errors import APIStatusError, ImageClassifyError, MissingCredentialsError

# A 1x1 PNG: enough for an adapter's plan() to check the model and options without I/O.
PROBE_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


class UsageProblem(click.UsageError):
    """Shown as one `error:` line with exit status 2."""


def describe(error: BaseException) -> str:
    if isinstance(error, APIStatusError):
        text = f"HTTP {error.status_code}: {error.message}"
    elif isinstance(error, ImageClassifyError):
        text = str(error)
    else:  # a bug of ours: still one line, never a traceback
        text = f"{type(error).__name__}: {error}"
    return " ".join(text.split())


@dataclass
class Job:
    """One provider's part of a run: its Classifier's arguments and its call options."""

    provider: str
    model: str | None
    client: dict[str, Any]  # api_key, base_url, validate, record, timeout, max_retries
    options: dict[str, Any]
    top_k: int | None = None
    classifier: Classifier[Any] | None = field(default=None, repr=False)

    @property
    def resolved_model(self) -> str | None:
        return self.model or adapter_for(self.provider).DEFAULT_MODEL

    @property
    def recorded_options(self) -> dict[str, Any]:
        """What a record keeps for resuming: the provider options and top_k."""
        return {**self.options, **({"top_k": self.top_k} if self.top_k else {})}

    def key(self, source: str) -> tuple[str, str, str, str]:
        return key_of(source, self.provider, self.resolved_model, self.recorded_options)


def prepare(job: Job) -> None:
    """Everything that can fail for every image fails here, once, before any call:
    credentials (exit 1), unknown options, bad option values or a bad model (exit 2)."""
    from image_classify.errors import OptionError

    info = providers()[job.provider]
    for name in info.auth.extra_env:
        if not os.environ.get(name) and not job.options:
            raise MissingCredentialsError(f"{job.provider} needs {name} set (or an --option).")
    # Credentials and --base-url first: a problem with them is not a usage error (exit 1).
    job.classifier = Classifier(job.provider, model=job.model, **job.client)
    try:
        job.classifier.with_options(**job.options)  # OptionError for an unknown option
        adapter = adapter_for(job.provider)
        options = dict(job.options)
        if job.top_k is not None and "top_k" in adapter.OPTIONS:
            options["top_k"] = job.top_k
        # A plan is a generator: up to its first request it checks the model and options
        # and builds that request; it sends nothing.
        plan = adapter.plan(load_image(PROBE_PNG), job.resolved_model, options)
        next(plan)
        plan.close()
    except OptionError as exc:  # said once, not once per image
        text = str(exc)
        named = text if text.startswith(job.provider) else f"{job.provider}: {text}"
        raise UsageProblem(named) from None


@dataclass
class Tally:
    total: int
    done: int = 0
    failed: int = 0


def _work(job: Job, todo: queue.SimpleQueue[str | None], out: queue.SimpleQueue[Outcome]) -> None:
    assert job.classifier is not None
    while (source := todo.get()) is not None:
        started = time.perf_counter()
        result, error = None, None
        try:
            result = job.classifier.classify(source, top_k=job.top_k, **job.options)
        except Exception as exc:  # reported like any failure: one bug must not end the run
            error = describe(exc)
        latency = (time.perf_counter() - started) * 1000
        options = job.recorded_options
        out.put(Outcome(source, job.provider, job.resolved_model, options, result, error, latency))


def outcomes(jobs: list[Job], work: dict[str, list[str]], concurrency: int) -> Iterator[Outcome]:
    """Classify `work[provider]` for every job, all at once; yield in completion order."""
    out: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
    expected = 0
    for job in jobs:
        sources = work[job.provider]
        todo: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        for source in sources:
            todo.put(source)
        workers = min(concurrency, len(sources))
        for _ in range(workers):
            todo.put(None)  # one stop mark per worker
            name = f"classify-{job.provider}"
            threading.Thread(target=_work, args=(job, todo, out), name=name, daemon=True).start()
        expected += len(sources)
    for _ in range(expected):
        while True:
            try:  # a short timeout keeps the main thread responsive to Ctrl-C
                yield out.get(timeout=0.2)
                break
            except queue.Empty:
                continue


def run(
    jobs: list[Job],
    work: dict[str, list[str]],
    concurrency: int,
    add: Callable[[Outcome], None],
    image_done: Callable[[str, list[Outcome]], None],
    tally: Tally,
) -> None:
    """Feed each outcome to `add` as it arrives, and an image's outcomes to `image_done`
    once every provider answered for it; count them in `tally` (read after Ctrl-C)."""
    per_image: dict[str, list[Outcome]] = {}
    wanted: collections.Counter[str] = collections.Counter()  # answers each image awaits
    for sources in work.values():
        wanted.update(sources)
    for outcome in outcomes(jobs, work, concurrency):
        if outcome.error is not None:
            tally.failed += 1
            click.echo(f"error: {outcome.source}: {outcome.provider}: {outcome.error}", err=True)
        else:
            tally.done += 1
        add(outcome)
        collected = per_image.setdefault(outcome.source, [])
        collected.append(outcome)
        if len(collected) == wanted[outcome.source]:
            order = [j.provider for j in jobs]
            image_done(outcome.source, sorted(collected, key=lambda o: order.index(o.provider)))
            del per_image[outcome.source]
