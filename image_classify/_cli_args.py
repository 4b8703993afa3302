"""The classify command's arguments read and checked before anything runs: the
providers asked for, models, provider options, the output format, the image files."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

import click

from image_classify._cli_records import FORMATS, Format
from image_classify._cli_run import UsageProblem
from image_classify._providers import ProviderInfo, providers, resolve_base_url
from image_classify.errors import OptionError

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp"}


def checked_base_url(base_url: str | None, keys: list[str]) -> str | None:
    """A --base-url that is not an http(s) URL is a usage error, found before any call."""
    if base_url is not None:
        for key in keys:
            try:
                resolve_base_url(providers()[key], base_url)
            except OptionError as exc:
                raise UsageProblem(f"--base-url: {exc}") from None
    return base_url


def expand(paths: tuple[str, ...]) -> list[str]:
    """Files as given; folders become the image files inside them (sorted); each once."""
    found: list[str] = []
    for raw in paths:
        path = Path(raw)
        if raw.startswith(("http://", "https://")):
            found.append(raw)
        elif path.is_dir():
            found += sorted(str(p) for p in path.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        else:
            found.append(raw)
    return list(dict.fromkeys(found))  # once each: a record per image and provider


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


def output_format(chosen: str | None, as_jsonl: bool, output: Path | None) -> Format:
    """--format, else --json, else what --output FILE's suffix says (.csv, else jsonl),
    else a table. A table is for reading, not for resuming: it cannot go to a file."""
    if as_jsonl:
        if chosen not in (None, "jsonl"):
            raise UsageProblem(f"--json is --format jsonl; it cannot go with --format {chosen}.")
        chosen = "jsonl"
    if chosen is None:
        if output is None:
            return "table"
        chosen = "csv" if output.suffix.lower() == ".csv" else "jsonl"
    if chosen == "table" and output is not None:
        raise UsageProblem("--output FILE takes --format jsonl or csv, not table.")
    return FORMATS[FORMATS.index(chosen)]


def provider_keys(provider: str, mock: bool, base_url: str | None) -> list[str]:
    known = providers()
    if provider == "all":
        keys = [k for k, info in known.items() if mock or base_url or has_credentials(info)]
        if not keys:
            raise click.ClickException(
                "no provider has credentials: set one of "
                + ", ".join(" or ".join(i.auth.env) for i in known.values())
                + " (or use --mock)."
            )
        return keys
    if provider in known:
        return [provider]
    raise UsageProblem(f"unknown provider {provider!r}; choose one of: all, {', '.join(known)}.")
