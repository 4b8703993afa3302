"""Drift between two real Cloudflare versions (2024-06-10 -> 2024-08-06) vs one json.load.

Uses `tools.drift.spec_diff.diff_documents(old, new)` on freshly loaded documents; the
baseline is one json.load of the newer file, timed in the same run with no other document
alive (as in the overlay benchmark), each phase after a garbage collection and a warm-up
load. When that function does not exist (yet), the row says so.
"""

from __future__ import annotations

import gc
import importlib
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tools.bench import Figure
from tools.bench.cases import upstream_cloudflare

NAME = "drift"
TARGET = 5.0
OLD = upstream_cloudflare("2024-06-10")
NEW = upstream_cloudflare("2024-08-06")


def _diff_function() -> Callable[[dict[str, Any], dict[str, Any]], list[Any]] | None:
    try:
        module = importlib.import_module("tools.drift.spec_diff")
    except ImportError:
        return None
    function = getattr(module, "diff_documents", None)
    return function if callable(function) else None


def _load(path: Path) -> tuple[dict[str, Any], float]:
    started = time.perf_counter()
    with path.open(encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle)
    return document, time.perf_counter() - started


def run(quick: bool, runs: int) -> list[Figure]:
    label = f"{OLD.stem.removeprefix('openapi-')} -> {NEW.stem.removeprefix('openapi-')}"
    diff = _diff_function()
    if diff is None:
        reason = "not available: tools.drift.spec_diff.diff_documents is not present"
        return [Figure(NAME, label, "x", (), TARGET, unavailable=reason)]
    if not (OLD.is_file() and NEW.is_file()):
        return [Figure(NAME, label, "x", (), TARGET, unavailable=f"{NEW.parent} missing")]
    ratios, diffs, loads = [], [], []
    changes = 0
    _load(NEW)  # warm-up: the allocator's arenas
    for _ in range(1 if quick else runs):
        gc.collect()  # the baseline as the overlay benchmark takes it: no other document alive
        load = _load(NEW)[1]
        gc.collect()
        old, new = _load(OLD)[0], _load(NEW)[0]
        gc.collect()
        started = time.perf_counter()
        changes = len(diff(old, new))
        diffs.append(time.perf_counter() - started)
        del old, new
        loads.append(load)
        ratios.append(diffs[-1] / load)
    detail = f"{changes} changes; {min(diffs):.2f} s vs json.load {min(loads):.3f} s (best of each)"
    return [Figure(NAME, label, "x", tuple(ratios), TARGET, detail)]
