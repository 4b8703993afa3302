"""Overlay apply on Cloudflare's real 4 MB document vs one json.load of it.

The overlay is tools/bench/data/cloudflare-realistic.overlay.yaml: 25 actions as a team
would write them for this document (fix its invalid parts, prune, annotate), six of them
descendant queries from the root ($..). Per run: json.load the file (the baseline, timed),
then apply the overlay to that document strictly (timed; the overlay is loaded and its
JSONPath compiled beforehand, as the pipeline does once per overlay file), each phase
after a garbage collection and a warm-up load. The slowest actions are listed beside the
figure, their selection timed on the untouched document.
"""

from __future__ import annotations

import gc
import json
import time
from pathlib import Path

from tools.bench import Figure
from tools.bench.cases import DATA, upstream_cloudflare
from tools.overlay import Overlay, load_overlay
from tools.overlay_apply import apply_overlay

NAME = "overlay"
TARGET = 2.0
DOCUMENT = upstream_cloudflare("2024-08-06")
OVERLAY = DATA / "cloudflare-realistic.overlay.yaml"


def _load(path: Path) -> tuple[dict[str, object], float]:
    started = time.perf_counter()
    with path.open(encoding="utf-8") as handle:
        document = json.load(handle)
    return document, time.perf_counter() - started


def slowest_actions(overlay: Overlay, count: int = 3) -> list[tuple[float, str]]:
    """(seconds, target) of the slowest selections, on a fresh document."""
    document, _ = _load(DOCUMENT)
    timed = []
    for action in overlay.actions:
        started = time.perf_counter()
        list(action.query.finditer(document))
        timed.append((time.perf_counter() - started, action.target))
    return sorted(timed, reverse=True)[:count]


def run(quick: bool, runs: int) -> list[Figure]:
    if not DOCUMENT.is_file():
        return [Figure(NAME, DOCUMENT.name, "x", (), TARGET, unavailable=f"{DOCUMENT} missing")]
    overlay = load_overlay(OVERLAY)
    ratios, loads, applies = [], [], []
    document: dict[str, object] | None = _load(DOCUMENT)[0]  # warm-up: the allocator's arenas
    for _ in range(1 if quick else runs):
        document = None
        gc.collect()  # each timed phase starts from the same heap
        document, load = _load(DOCUMENT)
        gc.collect()
        started = time.perf_counter()
        apply_overlay(document, overlay, strict=True)
        applies.append(time.perf_counter() - started)
        loads.append(load)
        ratios.append(applies[-1] / load)
    slow = "; ".join(f"{target} {seconds:.2f} s" for seconds, target in slowest_actions(overlay))
    detail = (
        f"{len(overlay.actions)} actions: {min(applies):.2f} s vs json.load {min(loads):.3f} s "
        f"(best of each). Slowest selections: {slow}"
    )
    return [Figure(NAME, f"{OVERLAY.name} on {DOCUMENT.name}", "x", tuple(ratios), TARGET, detail)]
