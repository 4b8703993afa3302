"""`python -m tools bench`: measured, reproducible, published performance figures.

One module per benchmark; each has `run(quick: bool, runs: int) -> list[Figure]`. A figure
is a list of samples (one per repeated run: min, median and max are published) and, where
it has a natural baseline, is the ratio of two timings taken in the same run, so that a
noisy machine moves both. `tools.bench.harness` runs them, prints the table and writes
docs/benchmarks.md. The test suite runs every benchmark once with `quick=True`
(tests/tools/bench/test_benchmarks_smoke.py); no timing is asserted anywhere.
"""

from __future__ import annotations

import importlib
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["BENCHMARKS", "Benchmark", "Figure", "benchmark"]


@dataclass(frozen=True)
class Figure:
    """One published number: `samples` are its values over repeated runs."""

    benchmark: str
    name: str  # what it is about, e.g. "roboflow sync"
    unit: str  # "x" (a ratio to the baseline), "s", "MB"
    samples: tuple[float, ...]
    target: float | None = None  # the median must not exceed it
    detail: str = ""  # absolute numbers behind a ratio, counts, notes
    unavailable: str | None = None  # why there is no figure (then samples is empty)

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def max(self) -> float:
        return max(self.samples)

    @property
    def met(self) -> bool | None:
        """Whether the median meets the target; None without a target or a figure."""
        if self.target is None or not self.samples:
            return None
        return self.median <= self.target


@dataclass(frozen=True)
class Benchmark:
    name: str
    module: str  # tools.bench.<module>, imported only when the benchmark runs
    title: str
    baseline: str
    target: str
    default_runs: int
    notes: list[str] = field(default_factory=list)

    def function(self) -> Callable[[bool, int], list[Figure]]:
        run: Callable[[bool, int], list[Figure]] = importlib.import_module(self.module).run
        return run


BENCHMARKS: dict[str, Benchmark] = {
    b.name: b
    for b in (
        Benchmark(
            "per-call",
            "tools.bench.per_call",
            "Typed client per call (call()/acall() through the factory's client)",
            "raw httpx.Client/AsyncClient.request + json.loads, same MockTransport",
            "<= 1.10x",
            3,
            [
                "What limits it (cProfile): both sides spend most of a call in httpx itself "
                "(URL parsing and merging, request and response objects). Of the runtime's "
                "excess over raw httpx, the generated code (`_get_kwargs`, attrs models built "
                "by `from_dict`) is most; `call()` adds options, retry policy and response "
                "interpretation, about 4 us.",
            ],
        ),
        Benchmark(
            "classifier-per-call",
            "tools.bench.classifier_calls",
            "A reused Classifier / AsyncClassifier per classify() (its own pool, MockTransport)",
            "raw httpx request(...) with the generated operations' arguments + json.loads",
            "<= 1.10x",
            3,
            [
                "What moved it (cProfile of 3,000 calls, own pool): httpx hands every response "
                "to its cookie jar through urllib wrappers, about 27 us of a ~120 us mocked "
                "call; the classifier's pool (image_classify/_pool.py) skips that when a "
                "response sets no cookie, which is what puts it level with raw httpx, which "
                "still pays it. Otherwise the request and the send are httpx's on both sides; "
                "what remains is typing the answer into the "
                "generated attrs models (Cloudflare's envelope: ResNet50RunResponse.from_dict "
                "with five labels, about 6% of a call) and the classification itself: "
                "sniffing the image, the adapter's plan, ranking, the result objects, about "
                "10-15 us together. Removed on the way: httpx's header merge (one "
                "case-insensitive scan per header, about 8 us; the client objects now build "
                "each request with its headers as one dict), an auth flow writing the "
                "credential into a built request, and the URL re-parse for an empty "
                "`params={}`.",
            ],
        ),
        Benchmark(
            "validate-mode",
            "tools.bench.validate_mode",
            'Classifier.classify() with validate="warn" / "strict" (MockTransport, documented '
            "answers)",
            'the same classify() with validate="off", same run, interleaved',
            "none (the price of checking each answer against the spec)",
            3,
            [
                "Where it goes (cProfile, cloudflare strict, 1,000 calls): about 85% of the "
                "added time is the checker's body check (image_classify._spec_check), and most "
                "of that jsonschema's iter_errors over the answer; matching the operation, "
                'status and media type is a few microseconds. With validate="off" the '
                "checker is never imported and a call pays one attribute test.",
            ],
        ),
        Benchmark(
            "concurrency",
            "tools.bench.concurrency",
            "256 concurrent aclassify() on one httpx.AsyncClient (MockTransport)",
            "the same HTTP exchanges, 256 at once, raw httpx.AsyncClient + json.loads",
            "<= 1.15x",
            5,
            [
                "aclassify() with the caller's httpx.AsyncClient is a thin wrapper: one "
                "AsyncClassifier over that client per call (its construction is a few "
                "microseconds: no httpx client is built). Over real sockets the transport "
                "decides: see the peers benchmark's 256-concurrent rows.",
            ],
        ),
        Benchmark(
            "upload-memory",
            "tools.bench.upload_memory",
            "Peak memory of one classify() of a 20 MB image, per request form",
            "the image size (peak RSS over the process's baseline, fresh process per case)",
            "<= 3x base64, <= 1.5x binary",
            3,
            [
                "Where the copies are (tracemalloc and RSS, per form): raw bodies "
                "(huggingface, cloudflare) make none: `file_of` wraps the bytes in a BytesIO, "
                "which shares them, and the generated `payload.read()` returns the very same "
                "object. Base64 (roboflow) holds the encoded text (4/3). Multipart "
                "(edge_impulse, img_processing) streams in 64 KB chunks and is not read into "
                "one buffer: httpx renders a multipart stream afresh on each send (it seeks "
                "the file back to 0), so retries re-send it without a copy. The Hugging Face "
                "JSON form holds the base64 text as a str (the adapter decodes it) and its "
                "JSON as bytes written directly by orjson; httpx's `json=` (json.dumps' str, "
                "then its UTF-8 bytes) measured 5.3x.",
            ],
        ),
        Benchmark(
            "regen-cold",
            "tools.bench.regen_cold",
            "Cold regeneration of all five clients (python -m tools regen --force)",
            "sum of the five single-provider generator runs, one after the other",
            "<= 0.6x",
            3,
            [
                "What limits it: each generator run is a new Python process, and about 0.33 s "
                "of its ~0.55 s is importing openapi-python-client; the ruff post-hooks take "
                "milliseconds. Five such processes on this machine's 2 cores cannot take less "
                "than half their sum, and `regen` adds its own start-up (~0.35 s of imports), "
                "the effective specs and the lock's tree hashes. Since regen type-checks the "
                "staged packages before installing them (mypy --strict over all five in one "
                "process, tools/typecheck.py), about 2 s more: mypy starts cold each run, "
                "its cache living in the scratch folder; the figure was 0.76x without it.",
            ],
        ),
        Benchmark(
            "regen-noop",
            "tools.bench.regen_noop",
            "No-op regeneration (python -m tools regen, hashes match the lock)",
            "cold regeneration (regen --force), same project copy, same run",
            "<= 0.1x",
            3,
            [
                "What limits it: a no-op regen still starts Python and imports the pipeline "
                "(about 0.33 s: image_classify with httpx ~0.11 s, openapi-spec-validator "
                "~0.14 s, jsonschema and jsonpath), then builds and validates the five "
                "effective specs and hashes the generated trees (~0.15 s). The fast validator "
                "took the five validations from ~80 ms to ~25 ms of that (fresh process).",
            ],
        ),
        Benchmark(
            "overlay",
            "tools.bench.overlay_apply",
            "Overlay apply: 25 actions on Cloudflare's 4 MB document",
            "one json.load of the same file",
            "<= 2x",
            3,
            [
                "What limits it (cProfile): 99.6% of apply is jsonpath_rfc9535 selecting "
                "nodes, in pure Python. A descendant segment from the root visits every "
                "node of the document (~180,000 values) and a filter builds a context and "
                "evaluates its expression for each, both sides of `&&` always (a TODO in the "
                "library): about 0.7 s per such action here. `$..operationId` alone, with no "
                "filter at all, costs about 4.5x json.load. Engine change: `match()` and "
                "`search()` check, translate and compile each pattern once instead of on every "
                "call (the library's functions do it per node): 2.3x faster on the two "
                "match() actions. Applying updates, copies and removals is about 0.3% of the "
                "time.",
            ],
        ),
        Benchmark(
            "validate",
            "tools.bench.validation",
            "OpenAPI validation of Cloudflare's 4 MB document (tools.validate.problems)",
            "openapi-spec-validator 0.9 (the reference), same problems asserted",
            "as fast as possible",
            3,
            [
                "What it was: openapi-spec-validator 0.9 validates the document against the "
                "OpenAPI schema with jsonschema-rs already (~20 ms); the rest, its keyword "
                "walk, read every node through jsonschema-path's $ref-resolving paths "
                "(~5 s profiled), kept seen schemas in lists searched linearly (~4 s, "
                "quadratic) and meta-checked ~8,000 schemas with pure-Python jsonschema "
                "(~4 s). tools/validate_fast.py walks the plain document in the same order with "
                "the same de-duplication, asks jsonschema-rs for each meta-check verdict (with "
                "the reference's own format checker) and lets the reference's code word every "
                "problem; anything it does not mirror falls back to the reference. "
                "tests/tools/test_validate_equivalence.py proves the lists identical on the three "
                "Cloudflare documents, our five effective specs and planted problems.",
            ],
        ),
        Benchmark(
            "drift",
            "tools.bench.drift",
            "Drift between two real Cloudflare versions (2024-06-10 -> 2024-08-06)",
            "one json.load of the newer file",
            "<= 5x",
            3,
            [],
        ),
        Benchmark(
            "peers",
            "tools.bench.peers",
            "Side by side: huggingface_hub, cloudflare, edgeimpulse-api, inference-sdk",
            "raw httpx.Client/AsyncClient replaying our request bytes + json.loads, same "
            "transport, same round",
            "256 concurrent: AsyncClassifier <= 1.0x AsyncInferenceClient; module-level "
            "classify() <= 1.10x a reused Classifier",
            5,
            [
                "Install cost: the `bench` extra (huggingface_hub 2.4.0, cloudflare 5.9.0, "
                "edgeimpulse-api 1.96.3) adds about 155 MB to the virtualenv (cloudflare's SDK "
                "alone 105 MB) and about 11 s to `pip install` here; edgeimpulse-api caps "
                "python-dateutil below 3, so pip settles on 2.9.0.post0. inference-sdk 1.8.3 "
                "would add about 630 MB (opencv, scipy, numpy, matplotlib, av) and needs "
                "pillow<13, which the dev extra's pillow==13.0.0 rules out: its figures are "
                "n/a unless it is installed by hand.",
                "What limits the 256-concurrent target: the HTTP client underneath. "
                "AsyncInferenceClient runs on httpx2, a fork of httpx; with the same requests "
                "and pool size, raw httpx2.AsyncClient takes about 0.85x the time of raw "
                "httpx 0.28 (the figure above), and httpx2's pool gains again with fewer "
                "connections (20: about 0.55x, measured ad hoc) where httpx's does not. "
                "AsyncClassifier stays within a few percent of raw httpx here, so on httpx "
                "0.28 it cannot reach AsyncInferenceClient at this concurrency.",
                "Where the cloudflare SDK's time goes (cProfile): building the request is "
                "about 40% (its parameter transform walks all of ai.run's keyword arguments; "
                "json.dumps of the image as 2,607 integers), httpx's send about 17%, and "
                "parsing the envelope into pydantic models about 10%. edgeimpulse-api, on "
                "urllib3, is as fast as raw httpx's sync client over a socket, pydantic "
                "validation and a file read per call included.",
            ],
        ),
        Benchmark(
            "contract",
            "tools.bench.contract_suite",
            "Contract suite wall time (pytest -m contract -q, real Prism)",
            "none (wall time)",
            "<= 180 s",
            1,
            [],
        ),
    )
}


def benchmark(name: str) -> Benchmark:
    return BENCHMARKS[name]
