"""The `image-classify` command (also `python -m image_classify`).

`image-classify IMAGE... -p P` classifies (the default command, also `image-classify
classify ...`); `image-classify mock [PROVIDER...]` serves the Prism mocks until Ctrl-C.
`--mock` and `mock` start Prism through image_classify._prism (no checkout needed).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from image_classify._classifier import Classifier
from image_classify._classifier_base import BatchItem
from image_classify._factory import client as make_client
from image_classify._logs import WAIT, logger
from image_classify._prism_fleet import mock_fleet, running, serve
from image_classify._providers import ProviderInfo, providers, resolve_base_url
from image_classify._replay import cassette_paths
from image_classify._replay import replay as replay_folder
from image_classify._results import ClassificationResult
from image_classify.errors import (
    APIStatusError,
    ImageClassifyError,
    MissingCredentialsError,
    OptionError,
    SpecDeviationWarning,
)

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp"}
MOCK_KEY = "mock-key"  # Prism only checks that a credential is present


def _provider_help() -> str:
    lines = []
    for info in providers().values():
        env = " or ".join(info.auth.env)
        extra = "".join(f" + {name}" for name in info.auth.extra_env)
        lines.append(f"  {info.key:15} {info.title} (key: {env}{extra})")
    return "\n".join(lines)


EPILOG = f"""\b
Providers and the environment variables holding their credentials:
{_provider_help()}

\b
Examples:
  image-classify cat.jpg --provider huggingface
  image-classify cat.jpg --provider roboflow --model vehicle-classification-eapcd/2 --top-k 3
  image-classify photos/ --provider cloudflare --json > labels.jsonl
  image-classify cat.jpg --provider all --mock      # every provider, against local mocks
  image-classify mock cloudflare                    # serve a mock until Ctrl-C
  image-classify classify mock                      # classify a file named like a command
\b
Exit status: 0 all classified, 1 some image or call failed, 2 bad usage.
"""


class UsageProblem(click.UsageError):
    """Shown as one line with exit status 2."""


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


def checked_base_url(base_url: str | None, keys: list[str]) -> str | None:
    """A --base-url that is not an http(s) URL is a usage error, found before any call."""
    if base_url is not None:
        for key in keys:
            try:
                resolve_base_url(providers()[key], base_url)
            except OptionError as exc:
                raise UsageProblem(f"--base-url: {exc}") from None
    return base_url


@dataclass
class Job:
    provider: str
    model: str | None
    client: dict[str, Any]  # Classifier arguments: api_key, base_url, validate, record
    options: dict[str, Any]


def expand(paths: tuple[str, ...]) -> list[str]:
    """Files as given; folders become the image files inside them (sorted)."""
    found: list[str] = []
    for raw in paths:
        path = Path(raw)
        if raw.startswith(("http://", "https://")):
            found.append(raw)
        elif path.is_dir():
            found += sorted(str(p) for p in path.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        else:
            found.append(raw)
    return found


def has_credentials(info: ProviderInfo) -> bool:
    needed = [info.auth.env, *[(name,) for name in info.auth.extra_env]]
    return all(any(os.environ.get(name) for name in group) for group in needed)


def parse_models(values: tuple[str, ...], keys: list[str]) -> dict[str, str]:
    """`--model M` for one provider, or `--model PROVIDER=M` (repeatable) for several."""
    models: dict[str, str] = {}
    for value in values:
        name, sep, model = value.partition("=")
        if sep and name in providers():
            models[name] = model
        elif len(keys) == 1:
            models[keys[0]] = value
        else:
            raise UsageProblem(
                f"with several providers, give --model as PROVIDER=MODEL (got {value!r})."
            )
    return models


def parse_options(values: tuple[str, ...]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for value in values:
        name, sep, raw = value.partition("=")
        if not sep or not name:
            raise UsageProblem(f"--option takes NAME=VALUE, got {value!r}.")
        with contextlib.suppress(json.JSONDecodeError):
            options[name] = json.loads(raw)
            continue
        options[name] = raw
    return options


def print_table(
    source: str, results: list[tuple[str, ClassificationResult[Any]]], top_k: int | None
) -> None:
    """One table per image: a rank column, then one column per provider, side by side.
    A '*' marks the classes a multi-label model counts as predicted."""
    depth = top_k or 5
    columns = []
    for provider, result in results:
        cells = [
            f"{p.label} {p.score:.4f}{' *' if p.predicted and len(result.predictions) > 1 else ''}"
            for p in result.predictions[:depth]
        ]
        title = provider if result.model is None else f"{provider} ({result.model})"
        columns.append((title, cells or ["(no labels)"]))
    rows = max(len(cells) for _, cells in columns)
    widths = [max(len(title), *(len(c) for c in cells)) for title, cells in columns]
    click.echo(f"\n{source}")
    click.echo("rank  " + "  ".join(t.ljust(w) for (t, _), w in zip(columns, widths, strict=True)))
    click.echo("----  " + "  ".join("-" * w for w in widths))
    for row in range(rows):
        cells = [
            (c[row] if row < len(c) else "").ljust(w)
            for (_, c), w in zip(columns, widths, strict=True)
        ]
        click.echo(f"{row + 1:>4}  " + "  ".join(cells).rstrip())


def as_json(source: str, provider: str, result: ClassificationResult[Any]) -> str:
    """One JSON line: the image, then ClassificationResult.to_dict() (provider, model,
    predictions, bounding boxes, and the provider's own answer as `raw`)."""
    return json.dumps({"image": source, **result.to_dict()}, ensure_ascii=False)


def describe(error: ImageClassifyError) -> str:
    if isinstance(error, APIStatusError):
        return f"HTTP {error.status_code}: {error.message}"
    return str(error)


HELP_NAMES = ["-h", "--help"]
HELP_OPTIONS: dict[str, Any] = {"help_option_names": HELP_NAMES}


class DefaultGroup(click.Group):
    """A group whose default command runs when the first argument names no subcommand:
    `image-classify cat.jpg -p P` is `image-classify classify cat.jpg -p P`, and a file
    named like a subcommand is classified with `image-classify classify mock` (or
    `./mock`). `--help` shows the default command's help with the subcommands listed.
    A new subcommand is one more `@main.command()` function."""

    def __init__(self, *args: Any, default_command: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_command = default_command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = args[0] if args else None
        if first is None or (first not in self.commands and first not in ("-h", "--help")):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        command = self.commands[self.default_command]
        shown = click.Context(
            command, info_name=ctx.info_name, parent=ctx.parent, help_option_names=HELP_NAMES
        )
        command.format_usage(shown, formatter)
        command.format_help_text(shown, formatter)
        command.format_options(shown, formatter)
        self.format_commands(ctx, formatter)
        command.format_epilog(shown, formatter)


@click.group(
    cls=DefaultGroup,
    default_command="classify",
    context_settings=HELP_OPTIONS,
)
def main() -> None:
    """The `image-classify` command: classify (the default) and its subcommands."""


@main.command(
    epilog=EPILOG,
    context_settings=HELP_OPTIONS,
    short_help="Classify images and print labels (the default command).",
)
@click.argument("images", nargs=-1, required=True, metavar="IMAGE...")
@click.option("--provider", "-p", required=True, help="A provider (see below), or 'all'.")
@click.option(
    "--model", "-m", "models", multiple=True, help="Model, or PROVIDER=MODEL (repeatable)."
)
@click.option("--top-k", "-k", type=click.IntRange(min=1), help="Keep the K best labels.")
@click.option("--json", "as_jsonl", is_flag=True, help="JSON lines instead of tables.")
@click.option(
    "--mock", is_flag=True, help="Start the local Prism mocks, run against them, stop them."
)
@click.option("--base-url", help="Send requests here instead (a proxy or another mock).")
@click.option("--option", "-o", "raw_options", multiple=True, help="Provider option NAME=VALUE.")
@click.option("--concurrency", "-c", type=click.IntRange(min=1), default=8, show_default=True)
@click.option(
    "--validate",
    type=click.Choice(["off", "warn", "strict"]),
    help="Check each answer against the provider's spec: warn, or fail the image (strict).",
)
@click.option(
    "--record",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write each exchange to this folder as a cassette (no credentials, no image bytes).",
)
def classify(
    images: tuple[str, ...],
    provider: str,
    models: tuple[str, ...],
    top_k: int | None,
    as_jsonl: bool,
    mock: bool,
    base_url: str | None,
    raw_options: tuple[str, ...],
    concurrency: int,
    validate: str | None,
    record: Path | None,
) -> None:
    """Classify IMAGE files (or folders of them, or Roboflow image URLs) with hosted
    image-classification APIs and print labels with scores (the default command)."""
    known = providers()
    if provider == "all":
        keys = [k for k, info in known.items() if mock or base_url or has_credentials(info)]
        if not keys:
            raise click.ClickException(
                "no provider has credentials: set one of "
                + ", ".join(" or ".join(i.auth.env) for i in known.values())
                + " (or use --mock)."
            )
    elif provider in known:
        keys = [provider]
    else:
        raise UsageProblem(
            f"unknown provider {provider!r}; choose one of: all, {', '.join(known)}."
        )
    base_url = checked_base_url(base_url, keys)
    chosen_models = parse_models(models, keys)
    options = parse_options(raw_options)
    sources = expand(images)
    if not sources:
        raise click.ClickException("no image files found in " + ", ".join(images) + ".")

    with contextlib.ExitStack() as stack:
        stack.enter_context(waits_shown())
        stack.enter_context(deviations_shown())
        urls = stack.enter_context(running(keys)) if mock else {}
        jobs = []
        for key in keys:
            client: dict[str, Any] = {}
            job_options = dict(options) if len(keys) == 1 else {}
            if mock:
                client = {"api_key": MOCK_KEY, "base_url": urls[key]}
                # The manifest's placeholders for what extra_env would hold (an account id)
                job_options = {**known[key].mock_options, **job_options}
            elif base_url:
                client = {"base_url": base_url}
            model = chosen_models.get(key) or (known[key].example_model if mock else None)
            if validate is not None:
                client["validate"] = validate
            if record is not None:
                client["record"] = record
            jobs.append(Job(key, model, client, job_options))
        failures = run(jobs, sources, top_k, as_jsonl, concurrency)
    if failures:
        click.echo(
            f"\n{failures} of {len(sources) * len(jobs)} classification(s) failed.", err=True
        )
        sys.exit(1)


@main.command(
    context_settings=HELP_OPTIONS, short_help="Serve the Prism mocks until Ctrl-C or SIGTERM."
)
@click.argument("names", nargs=-1, metavar="[PROVIDER]...")
@click.option("--dynamic", is_flag=True, help="Answers generated from the schemas (Prism -d).")
@click.option("--seed", default="1", show_default=True, help="Seed for --dynamic answers.")
def mock(names: tuple[str, ...], dynamic: bool, seed: str) -> None:
    """Serve the Prism mocks of PROVIDERs (default: all) on their fixed local ports
    (--errors), one line each with its base URL, until Ctrl-C or SIGTERM. Needs Prism:
    IMAGE_CLASSIFY_PRISM, node_modules/.bin/prism, or Node.js (npx fetches it)."""
    for name in names:
        if name not in providers():
            raise UsageProblem(
                f"unknown provider {name!r}; choose one or more of: {', '.join(providers())}."
            )
    fleet = mock_fleet(names, dynamic=dynamic, seed=seed)
    mode = f"dynamic, seed {seed}" if dynamic else "static examples"
    sys.exit(serve(fleet, mode=mode))


def _closing(items: Iterator[BatchItem[Any]], classifier: Classifier[Any]) -> Iterator[Any]:
    """The batch's items; the classifier's pool closed once they are done (or abandoned)."""
    with classifier:
        yield from items


@main.command(
    context_settings=HELP_OPTIONS,
    short_help="Check recorded cassettes against the specs and the typed clients.",
)
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--provider", "-p", "only", multiple=True, help="Only this provider's cassettes (repeatable)."
)
def replay(folder: Path, only: tuple[str, ...]) -> None:
    """Replay the cassettes in FOLDER (written by --record or Classifier(record=...))
    through each provider's spec and typed client: one line per cassette, each deviation
    with its JSON pointer and the overlay target that would make the spec accept it. Exit
    status 0 when every cassette is read and matches its spec, 1 otherwise."""
    for name in only:
        if name not in providers():
            raise UsageProblem(
                f"unknown provider {name!r}; choose one or more of: {', '.join(providers())}."
            )
    if not cassette_paths(folder):
        raise click.ClickException(
            f"{folder} holds no cassettes (*.json); record some with "
            "`image-classify IMAGE -p PROVIDER --record DIR`."
        )
    report = replay_folder(folder, providers=only or None)
    click.echo(report.render())
    sys.exit(0 if report.ok else 1)


def check_credentials(job: Job) -> None:
    """Fail once, up front, rather than once per image."""
    make_client(
        job.provider, api_key=job.client.get("api_key"), base_url=job.client.get("base_url")
    )
    info = providers()[job.provider]
    for name in info.auth.extra_env:
        if not os.environ.get(name) and not job.options:
            raise MissingCredentialsError(f"{job.provider} needs {name} set (or an --option).")


def run(
    jobs: list[Job], sources: list[str], top_k: int | None, as_jsonl: bool, concurrency: int
) -> int:
    results: dict[str, list[tuple[str, ClassificationResult[Any]]]] = {s: [] for s in sources}
    failures = 0
    for job in jobs:
        check_credentials(job)
        started = time.perf_counter()
        classifier: Classifier[Any] = Classifier(job.provider, model=job.model, **job.client)
        items = classifier.classify_many(
            sources, top_k=top_k, concurrency=concurrency, **job.options
        )
        for item in _closing(items, classifier):
            source = sources[item.index]
            if item.error is not None:
                failures += 1
                click.echo(f"error: {source}: {job.provider}: {describe(item.error)}", err=True)
            elif item.result is not None:
                if as_jsonl:
                    click.echo(as_json(source, job.provider, item.result))
                results[source].append((job.provider, item.result))
        if len(sources) > 1 and not as_jsonl:
            elapsed = time.perf_counter() - started
            click.echo(f"{job.provider}: {len(sources)} image(s) in {elapsed:.1f} s", err=True)
    if not as_jsonl:
        for source in sources:
            if results[source]:
                print_table(source, results[source], top_k)
    return failures


def run_cli() -> None:
    """Entry point: typed errors become one line and exit status 1, never a traceback."""
    try:
        main.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.UsageError as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(1)
    except ImageClassifyError as exc:
        click.echo(f"error: {describe(exc)}", err=True)
        sys.exit(1)
