"""What validate="warn" / "strict" cost per classify() against validate="off".

Per provider (its default request form, tools/bench/cases.py), three reused Classifiers
on one httpx.MockTransport answering the documented success example (which the spec
accepts, so warn warns nothing and strict raises nothing: the figure is the check itself):
validate="off", "warn" and "strict". The three run interleaved in the same process; a
sample is mode / off of the best per-call times of one run (each the best of REPEATS
interleaved repeats), as classifier-per-call's. The first check of each schema builds its
validator; the warm-up pays that, as a long-running process would once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from image_classify import Classifier
from image_classify._validation import MODES
from tools.bench import Figure
from tools.bench.cases import KEY, Case, mock_transport, provider_cases, sample_image

NAME = "validate-mode"
ITERATIONS = 200
REPEATS = 5


def _per_call(run: Callable[[], object], iterations: int) -> float:
    started = time.perf_counter()
    for _ in range(iterations):
        run()
    return (time.perf_counter() - started) / iterations


def bench_case(case: Case, iterations: int, repeats: int) -> dict[str, float]:
    """The best per-call time of each mode over `repeats` interleaved repeats."""
    image = sample_image()
    transport = mock_transport(case.provider)
    kwargs: dict[str, Any] = {"api_key": KEY, "max_retries": 0, **case.classifier_kwargs()}
    top_k = case.top_k
    classifiers = {
        mode: Classifier(case.provider, transport=transport, validate=mode, **kwargs)
        for mode in MODES
    }
    sides = {
        mode: (lambda c=classifier: c.classify(image, top_k=top_k))
        for mode, classifier in classifiers.items()
    }
    for side in sides.values():  # warm up: pools, validators
        _per_call(side, max(1, iterations // 10))
    best: dict[str, float] = dict.fromkeys(MODES, float("inf"))
    for _ in range(repeats):
        for mode, side in sides.items():
            best[mode] = min(best[mode], _per_call(side, iterations))
    for classifier in classifiers.values():
        classifier.close()
    return best


def run(quick: bool, runs: int) -> list[Figure]:
    iterations, repeats = (2, 1) if quick else (ITERATIONS, REPEATS)
    figures = []
    for case in provider_cases():
        measured = [bench_case(case, iterations, repeats) for _ in range(1 if quick else runs)]
        for mode in ("warn", "strict"):
            samples = tuple(m[mode] / m["off"] for m in measured)
            best = min(measured, key=lambda m: m[mode] / m["off"])
            figures.append(
                Figure(
                    NAME,
                    f"{case.provider} {mode}",
                    "x",
                    samples,
                    None,
                    f"{best[mode] * 1e6:.0f} us vs off {best['off'] * 1e6:.0f} us "
                    f"(+{(best[mode] - best['off']) * 1e6:.0f} us per call)",
                )
            )
    return figures
