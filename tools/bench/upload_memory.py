"""Upload memory: what one classify() of a 20 MB image costs in memory, per request form.

Each case runs in a fresh process (`python -m tools.bench.upload_memory CASE SIZE`): it
imports everything and classifies a tiny image first (code and caches are baseline), then
holds a SIZE-byte JPEG-signed image in memory (the caller's bytes: baseline too), resets the
kernel's peak-RSS mark (/proc/self/clear_refs) and classifies the image through the
provider's client on an in-process mock transport (tools/bench/cases.py,
`ConsumingTransport`) that reads the request body chunk by chunk without keeping it, as a
server would (httpx.MockTransport would join the whole body first: a copy of its own).
The figure is (peak RSS - RSS before the call) / image size; a second call under
tracemalloc gives the Python allocations' peak beside it.

Where there is no /proc (not Linux), the process's lifetime peak (ru_maxrss) is used; the
image is then created without temporaries, so the baseline peak is the baseline itself.
"""

from __future__ import annotations

import gc
import json
import os
import re
import resource
import subprocess
import sys
import tracemalloc
from typing import Any

from tools.bench import Figure
from tools.bench.cases import Case, ConsumingTransport, cases, sample_image
from tools.manifest import ROOT

NAME = "upload-memory"
IMAGE_MB = 20
QUICK_IMAGE_MB = 2
TARGETS = {"base64": 3.0, "binary": 1.5}
JPEG = b"\xff\xd8\xff\xe0"


def _status_kb(field: str) -> int | None:
    try:
        text = open("/proc/self/status", encoding="ascii").read()  # noqa: SIM115
    except OSError:
        return None
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) if match else None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as marks:
            marks.write("5")  # reset VmHWM to the current RSS
    except OSError:
        return False
    return True


def _peak_kb() -> int:
    hwm = _status_kb("VmHWM")
    if hwm is not None:
        return hwm
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux


def _rss_kb() -> int:
    rss = _status_kb("VmRSS")
    return rss if rss is not None else _peak_kb()


def _image(size: int) -> bytes:
    """A JPEG-signed image of `size` bytes, made without a second copy."""
    buffer = bytearray(size)
    buffer[: len(JPEG)] = JPEG
    view = memoryview(buffer)
    for start in range(len(JPEG), size, 1 << 20):  # incompressible, like a photo
        chunk = os.urandom(min(1 << 20, size - start))
        view[start : start + len(chunk)] = chunk
    del view
    return bytes(buffer)  # the caller's bytes; `buffer` is dropped below


def measure(case: Case, size: int) -> dict[str, Any]:
    """In this process: peak RSS and Python allocations of one classify() of `size` bytes."""
    import httpx

    from image_classify import classify

    def once(data: bytes) -> None:
        transport = ConsumingTransport(case.provider)
        with httpx.Client(transport=transport) as http:
            classify(data, http_client=http, max_retries=0, **case.classify_kwargs())
        assert transport.received >= len(data), "the body did not reach the transport"

    once(sample_image())  # imports, route table, caches: all baseline
    data = _image(size)
    gc.collect()
    reset = _reset_peak()
    before = _rss_kb()
    once(data)
    peak = _peak_kb()
    gc.collect()
    tracemalloc.start()
    once(data)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "case": case.name,
        "size": size,
        "rss_before_kb": before,
        "rss_peak_kb": peak,
        "peak_reset": reset,
        "traced_peak": traced_peak,
    }


def _child(case: str, size: int) -> dict[str, Any]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    done = subprocess.run(
        [sys.executable, "-m", "tools.bench.upload_memory", case, str(size)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{case}: the measuring process failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(quick: bool, runs: int) -> list[Figure]:
    size = (QUICK_IMAGE_MB if quick else IMAGE_MB) * 1_000_000
    figures = []
    for case in cases().values():
        samples = []
        traced = []
        for _ in range(1 if quick else runs):
            result = _child(case.name, size)
            extra_kb = result["rss_peak_kb"] - result["rss_before_kb"]
            samples.append(extra_kb * 1024 / size)
            traced.append(result["traced_peak"] / size)
        figures.append(
            Figure(
                NAME,
                f"{case.name} ({case.body})",
                "x",
                tuple(samples),
                TARGETS[case.body],
                f"{size / 1e6:.0f} MB image; Python allocations peak "
                f"{min(traced):.2f}x (tracemalloc)",
            )
        )
    return figures


def main(argv: list[str]) -> int:
    case, size = argv
    print(json.dumps(measure(cases()[case], int(size))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
