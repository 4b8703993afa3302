"""Typed client per call vs raw httpx + json.loads: tools/bench/runtime_overhead.py, run
repeatedly.

`tools.bench.runtime_overhead.bench_provider` measures, per provider's first planned call, sync
and async, `call()`/`acall()` through a factory-built client, the bare generated function
and hand-written httpx (`request(**_get_kwargs(...))` + `json.loads`), all on the same
httpx.MockTransport and interleaved in the same run. Each run here is one such
measurement; the figure is its runtime / raw ratio of the best per-call times.
"""

from __future__ import annotations

from image_classify._providers import providers
from tools.bench import Figure
from tools.bench.runtime_overhead import Row, bench_provider

NAME = "per-call"
TARGET = 1.10
ITERATIONS = 300
REPEATS = 5


def run(quick: bool, runs: int) -> list[Figure]:
    iterations, repeats = (1, 1) if quick else (ITERATIONS, REPEATS)
    rows: dict[tuple[str, str], list[Row]] = {}
    for _ in range(1 if quick else runs):
        for provider in providers():
            for row in bench_provider(provider, iterations, repeats):
                rows.setdefault((row.provider, row.mode), []).append(row)
    figures = []
    for (provider, mode), measured in rows.items():
        best = min(measured, key=lambda row: row.ratio_min)
        figures.append(
            Figure(
                NAME,
                f"{provider} {mode}",
                "x",
                tuple(row.ratio_min for row in measured),
                TARGET,
                f"{best.runtime.min * 1e6:.0f} us vs raw {best.raw.min * 1e6:.0f} us "
                f"(bare generated client {best.generated.min * 1e6:.0f} us, "
                f"{best.generated.min / best.raw.min:.2f}x raw)",
            )
        )
    return figures
