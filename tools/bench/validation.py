"""OpenAPI validation of Cloudflare's real 4 MB document: tools.validate.problems (the fast
walk) vs openapi-spec-validator 0.9's own iter_errors (the reference), same run.

Per run, each side validates a freshly loaded copy of the document; the run fails unless
both report the same list of (JSON pointer, message) problems. The figure is fast /
reference (smaller is better; there is no fixed target: as fast as it can be made). Under
--quick the document is the smallest effective spec instead (the reference alone takes
about 8 s on the Cloudflare one).
"""

from __future__ import annotations

import gc
import json
import time
from typing import Any

from tools.bench import Figure
from tools.bench.cases import upstream_cloudflare
from tools.validate_fast import fast_problems
from tools.validate_reference import reference_problems

NAME = "validate"
DOCUMENT = upstream_cloudflare("2024-08-06")


def _document(quick: bool) -> tuple[str, Any]:
    if quick or not DOCUMENT.is_file():
        from tools.effective import build
        from tools.manifest import select

        provider = select(["edge_impulse"])[0]
        return f"effective spec of {provider.key}", build(provider).document
    return DOCUMENT.name, json.loads(DOCUMENT.read_text(encoding="utf-8"))


def run(quick: bool, runs: int) -> list[Figure]:
    name, original = _document(quick)
    text = json.dumps(original)
    ratios, fasts, references = [], [], []
    count = 0
    for _ in range(1 if quick else runs):
        document = json.loads(text)
        gc.collect()
        started = time.perf_counter()
        fast = fast_problems(document, name)
        fasts.append(time.perf_counter() - started)
        if fast is None:
            raise RuntimeError(f"{name}: the fast validator fell back to the reference")
        document = json.loads(text)
        gc.collect()
        started = time.perf_counter()
        reference = reference_problems(document, name)
        references.append(time.perf_counter() - started)
        if fast != reference:
            raise RuntimeError(f"{name}: the fast validator's problems differ from the reference")
        count = len(fast)
        ratios.append(fasts[-1] / references[-1])
    detail = (
        f"{count} problems, identical lists; {min(fasts):.3f} s vs reference "
        f"{min(references):.2f} s (best of each), {min(references) / min(fasts):.0f}x faster"
    )
    return [Figure(NAME, name, "x", tuple(ratios), None, detail)]
