"""The `drift`, `update` and `slice` subcommands of `python -m tools`.

drift exits 0 (no changes), 1 (breaking), 3 (only non-breaking) or 2 (error), so CI can
tell "something changed" from "the check itself failed". update and slice follow the
pipeline's convention: 0, or 1 with one paragraph on stderr.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tools.errors import ToolError

if TYPE_CHECKING:
    from tools.drift.fetch import Source

DRIFT_ERROR = 2


def _positive(kind: type[int] | type[float]) -> Callable[[str], float]:
    """An argparse type: a number > 0 (a usage error, exit 2, otherwise)."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not 0 < value < math.inf:
            raise argparse.ArgumentTypeError(f"must be more than 0, got {text!r}")
        return value

    return parse


def _fetch_options(parser: argparse.ArgumentParser) -> None:
    from tools.drift.fetch import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_S

    parser.add_argument(
        "--max-bytes",
        type=_positive(int),
        default=DEFAULT_MAX_BYTES,
        help=f"refuse a document larger than this (default {DEFAULT_MAX_BYTES:,})",
    )
    parser.add_argument(
        "--timeout",
        type=_positive(float),
        default=DEFAULT_TIMEOUT_S,
        help=(
            f"seconds the whole fetch of a URL may take, redirects included (default "
            f"{DEFAULT_TIMEOUT_S:g})"
        ),
    )


def _drift(args: argparse.Namespace) -> int:
    from tools.documents import write_atomic
    from tools.drift.compare import document_drift, provider_drift
    from tools.drift.fetch import is_url, load_source
    from tools.drift.render import render
    from tools.manifest import load_providers

    def load(spec: str) -> Source:
        return load_source(spec, max_bytes=args.max_bytes, timeout=args.timeout)

    try:
        providers = load_providers()
        if args.old in providers:
            report = provider_drift(providers[args.old], load(args.new))
        elif is_url(args.old) or Path(args.old).exists():
            report = document_drift(load(args.old), load(args.new))
        else:
            raise ToolError(
                f"{args.old!r} is neither a provider ({', '.join(providers)}) nor a file or "
                "an http(s) URL. Give a provider to compare its pinned spec, or two documents."
            )
        text = render(report, args.format)
        if args.output is None:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        else:
            write_atomic(args.output, text)
            print(
                f"wrote {args.output}: {len(report.changes)} change(s), "
                f"{len(report.breaking)} breaking, {len(report.warnings)} warning(s)",
                file=sys.stderr,
            )
    except ToolError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return DRIFT_ERROR
    except Exception:  # a bug: show it, but never let CI read it as "breaking changes" (1)
        traceback.print_exc()
        return DRIFT_ERROR
    return report.exit_code()


def _update(args: argparse.Namespace) -> int:
    from tools.drift.fetch import load_source
    from tools.drift.update import summary, update
    from tools.manifest import ROOT

    source = load_source(args.new, max_bytes=args.max_bytes, timeout=args.timeout)
    done = update(args.provider, source)
    provider = done.provider
    spec = provider.rel(provider.spec)
    if done.report is None:
        print(
            f"{provider.key}: {spec} already is {args.new} (sha256 {done.new_sha256}); "
            "nothing to do"
        )
        return 0
    print(f"{provider.key}: {spec} sha256 {done.old_sha256} -> {done.new_sha256}")
    print(
        f"{provider.key}: regenerated {provider.rel(provider.package_dir)}, "
        f"updated generation.lock.json and {provider.rel(done.changelog)}"
    )
    print(f"{provider.key}: drift: {summary(done.report)}")
    if done.version is not None:
        print(f"{provider.key}: version {done.version.describe(ROOT)}")
    return 0


def _drift_rules(args: argparse.Namespace) -> int:
    from tools.documents import write_atomic
    from tools.drift.rules_doc import COMMAND, DOC, render_doc, stale_sections

    text = DOC.read_text(encoding="utf-8")
    stale = stale_sections(text)
    if args.check:
        if stale:
            print(
                f"{DOC.name}: the tables of kinds ({', '.join(stale)}) differ from the rule "
                f"registry (tools/drift/rules.py); run `{COMMAND}`.",
                file=sys.stderr,
            )
            return 1
        print(f"{DOC.name}: the tables of kinds match the rule registry")
        return 0
    if stale:
        write_atomic(DOC, render_doc(text))
    print(f"{DOC.name}: {'rewrote ' + ', '.join(stale) if stale else 'already up to date'}")
    return 0


def _slice(args: argparse.Namespace) -> int:
    from tools.documents import dump_yaml, write_atomic
    from tools.drift.compare import validation_warnings
    from tools.drift.fetch import load_source
    from tools.drift.slice import slice_operations

    source = load_source(args.spec, max_bytes=args.max_bytes, timeout=args.timeout)
    operations = [(method.upper(), path) for method, path in args.operations]
    # The source is validated here (its problems are what a reader must know about); the
    # slice adds only what slicing met: $refs to nothing, references it could not carry.
    cut = slice_operations(source.document, operations, source=source.label, validate=False)
    for warning in [*validation_warnings(source), *cut.warnings]:
        print(f"warning: {warning}", file=sys.stderr)
    document = cut.document
    if args.output is not None and args.output.suffix.lower() == ".json":
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    else:
        text = dump_yaml(document)
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_atomic(args.output, text)
        print(f"wrote {args.output} ({len(operations)} operation(s))", file=sys.stderr)
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    drift = sub.add_parser(
        "drift",
        help="what changed upstream: spec, overlays, Python API (exit 0/1/3, 2 on error)",
        description=(
            "Compare a provider's pinned spec (or OLD_SPEC) with NEW_SPEC, a path or an "
            "http(s) URL. Exit status: 0 no changes, 1 breaking changes, 3 only "
            "non-breaking changes, 2 error."
        ),
    )
    drift.add_argument("old", metavar="PROVIDER|OLD_SPEC")
    drift.add_argument("new", metavar="NEW_SPEC")
    drift.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    drift.add_argument("-o", "--output", type=Path, help="write the report here (atomically)")
    _fetch_options(drift)
    drift.set_defaults(handler=_drift)

    rules = sub.add_parser(
        "drift-rules",
        help="render docs/drift.md's tables of kinds from the drift rule registry",
        description=(
            "Rewrite the generated tables of docs/drift.md from tools/drift/rules.py; with "
            "--check, only exit 1 when they are stale."
        ),
    )
    rules.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    rules.set_defaults(handler=_drift_rules)

    update = sub.add_parser(
        "update",
        help="pin a new spec: replace it, regenerate, lock, changelog (all or nothing)",
    )
    update.add_argument("provider", metavar="PROVIDER")
    update.add_argument("new", metavar="NEW_SPEC", help="path or http(s) URL")
    _fetch_options(update)
    update.set_defaults(handler=_update)

    cut = sub.add_parser(
        "slice", help="cut operations (and what they reference) out of an upstream spec"
    )
    cut.add_argument("spec", metavar="UPSTREAM_SPEC", help="path or http(s) URL")
    cut.add_argument(
        "--operation",
        dest="operations",
        nargs=2,
        action="append",
        required=True,
        metavar=("METHOD", "PATH"),
        help="an operation to keep, e.g. --operation POST '/v1/images/{image_id}/classify'",
    )
    cut.add_argument("-o", "--output", type=Path, help="write here (atomically) instead of stdout")
    _fetch_options(cut)
    cut.set_defaults(handler=_slice)
