"""The `image-classify` command (also `python -m image_classify`).

`image-classify IMAGE... -p P` classifies (the default command, also `image-classify
classify ...`); `image-classify mock [PROVIDER...]` serves the Prism mocks until Ctrl-C.
`--mock` and `mock` start Prism through image_classify._prism (no checkout needed).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from image_classify._cli_args import (
    checked_base_url,
    expand,
    output_format,
    parse_models,
    parse_options,
    provider_keys,
)
from image_classify._cli_classify import Request, execute
from image_classify._cli_records import FORMATS
from image_classify._cli_run import UsageProblem, describe
from image_classify._prism_fleet import mock_fleet, serve
from image_classify._providers import providers
from image_classify._replay import cassette_paths
from image_classify._replay import replay as replay_folder
from image_classify._version import __version__
from image_classify.errors import ImageClassifyError


def _provider_help() -> str:
    lines = []
    for info in providers().values():
        env = " or ".join(info.auth.env)
        extra = "".join(f" + {name}" for name in info.auth.extra_env)
        lines.append(f"  {info.key:15} {env}{extra}")
    return "\n".join(lines)


EPILOG = f"""\b
Providers and the environment variables holding their credentials:
{_provider_help()}

\b
Examples:
  image-classify cat.jpg --provider huggingface
  image-classify cat.jpg -p roboflow -m vehicle-classification-eapcd/2 -k 3
  image-classify photos/ --provider cloudflare --format csv > labels.csv
  image-classify photos/ -p cloudflare --output labels.jsonl  # rerun resumes
  image-classify cat.jpg --provider all --mock   # all five, local mocks
  image-classify mock cloudflare                 # serve a mock until Ctrl-C
  image-classify classify mock                   # a file named like a command
\b
Colour only on a terminal, never with NO_COLOR set; tables fit the
terminal's width.
\b
Exit status: 0 all classified, 1 some image or call failed, 2 bad usage,
130 interrupted (Ctrl-C; with --output, the same command continues the run).
"""


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


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"image-classify {__version__}")
        ctx.exit()


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
@click.option(
    "--format",
    "-f",
    "chosen_format",
    type=click.Choice(FORMATS),
    help="table (default on stdout), jsonl or csv: one line (csv: one row per label) per "
    "image and provider, as each finishes. Default with --output: from FILE's suffix "
    "(.csv, else jsonl).",
)
@click.option("--json", "as_jsonl", is_flag=True, help="The same as --format jsonl.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Append the records (jsonl or csv) to FILE instead of stdout, each as soon as its "
    "image is done. Rerun the same command to resume: images FILE already holds for the "
    "same provider, model and options are skipped.",
)
@click.option(
    "--mock", is_flag=True, help="Start the local Prism mocks, run against them, stop them."
)
@click.option("--base-url", help="Send requests here instead (a proxy or another mock).")
@click.option("--option", "-o", "raw_options", multiple=True, help="Provider option NAME=VALUE.")
@click.option(
    "--concurrency",
    "-c",
    type=click.IntRange(min=1),
    default=8,
    show_default=True,
    help="Images in flight per provider.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Give up on a request after SECONDS without an answer (> 0).",
)
@click.option(
    "--max-retries",
    type=click.IntRange(min=0),
    metavar="N",
    help="Retry a failed request (429, 5xx, timeout) up to N times (>= 0).",
)
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
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Print `image-classify <version>` and exit.",
)
def classify(
    images: tuple[str, ...],
    provider: str,
    models: tuple[str, ...],
    top_k: int | None,
    chosen_format: str | None,
    as_jsonl: bool,
    output: Path | None,
    mock: bool,
    base_url: str | None,
    raw_options: tuple[str, ...],
    concurrency: int,
    timeout: float | None,
    max_retries: int | None,
    validate: str | None,
    record: Path | None,
) -> None:
    """Classify IMAGE files (or folders of them, or Roboflow image URLs) with hosted
    image-classification APIs and print labels with scores (the default command).
    With several providers (--provider all) they run at the same time: one row per
    provider as it answers, then which providers agree on the top label."""
    keys = provider_keys(provider, mock, base_url)
    fmt = output_format(chosen_format, as_jsonl, output)
    base_url = checked_base_url(base_url, keys)
    chosen_models = parse_models(models, keys)
    options = parse_options(raw_options)
    sources = expand(images)
    if not sources:
        raise click.ClickException("no image files found in " + ", ".join(images) + ".")
    client: dict[str, Any] = {}
    for name, value in [
        ("validate", validate),
        ("record", record),
        ("timeout", timeout),
        ("max_retries", max_retries),
    ]:
        if value is not None:
            client[name] = value
    execute(
        Request(
            keys=keys,
            sources=sources,
            models=chosen_models,
            options=options,
            top_k=top_k,
            output_format=fmt,
            output=output,
            mock=mock,
            base_url=base_url,
            concurrency=concurrency,
            client=client,
        )
    )


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
    except Exception as exc:  # a bug of ours: still one line, and a way to report it
        click.echo(f"error: unexpected {describe(exc)} (please report this)", err=True)
        sys.exit(1)
