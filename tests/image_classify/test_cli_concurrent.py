"""`--provider all` runs the providers at the same time: each row appears as its provider
answers (completion order, with its latency), the whole run takes about as long as the
slowest provider, and an agreement line follows. Local servers delay each provider
differently (tests/image_classify/cli_servers.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

from image_classify._providers import providers
from tests.image_classify.cli_servers import (
    ROOT,
    SAMPLE,
    clean_env,
    cli,
    command,
    model_args,
    slow_providers,
)

KEYS = list(providers())
# Seconds each provider's server waits per request; IMG Processing makes two requests
# (upload, then classify), so it answers after 2 x 0.3 s.
DELAYS = {
    "huggingface": 0.2,
    "img_processing": 0.3,
    "cloudflare": 1.0,
    "roboflow": 1.4,
    "edge_impulse": 1.8,
}
FINISH = {key: delay * (2 if key == "img_processing" else 1) for key, delay in DELAYS.items()}


def test_rows_arrive_in_completion_order_and_the_run_is_concurrent() -> None:
    with slow_providers(DELAYS) as env:
        started = time.monotonic()
        process = subprocess.Popen(
            command(str(SAMPLE), "-p", "all", *model_args(KEYS)),
            cwd=ROOT,
            env=clean_env({**env, "COLUMNS": "120"}),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None and process.stderr is not None
        arrivals: list[tuple[float, str]] = []
        for line in process.stdout:
            arrivals.append((time.monotonic() - started, line.rstrip("\n")))
        status = process.wait(30)
        elapsed = time.monotonic() - started
        stderr = process.stderr.read()
    assert status == 0, stderr
    rows = [(at, line) for at, line in arrivals[1:] if line.split()[0] in KEYS]
    expected = sorted(KEYS, key=FINISH.__getitem__)
    assert [line.split()[0] for _, line in rows] == expected
    # Concurrent: the run takes less than the providers' delays added up (5.0 s).
    assert elapsed < sum(FINISH.values()), elapsed
    # Streamed: the fastest provider's row is printed well before the slowest answers.
    assert rows[-1][0] - rows[0][0] > 1.0, arrivals
    header = arrivals[0][1]
    ms_end = header.index(" ms ") + 3  # the right-aligned latency column ends under "ms"
    for _, line in rows:  # each row shows its own latency, at least its server's delay
        latency = float(line[:ms_end].split()[-1])
        assert latency >= FINISH[line.split()[0]] * 1000, line
    assert arrivals[-1][1] == "no two of 5 providers agree on the top label"


def test_the_agreement_line_names_the_providers_that_agree() -> None:
    bodies = {"huggingface": b'[{"label": "Persian cat", "score": 0.93}]'}
    with slow_providers(dict.fromkeys(KEYS, 0.0), bodies) as env:
        done = cli(str(SAMPLE), "-p", "all", *model_args(KEYS), env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == (
        "2 of 5 providers agree on the top label: Persian cat (huggingface, cloudflare)"
    )


def test_several_images_say_which_image_the_agreement_is_about(tmp_path: Path) -> None:
    for name in ("a.jpg", "b.jpg"):
        shutil.copy(SAMPLE, tmp_path / name)
    with slow_providers(dict.fromkeys(KEYS, 0.0)) as env:
        done = cli(str(tmp_path), "-p", "all", *model_args(KEYS), env={**env, "COLUMNS": "80"})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), done.stdout
    words = " ".join(done.stdout.split())  # a long line wraps at 80 columns
    for name in ("a.jpg", "b.jpg"):
        assert f"{tmp_path / name}: no two of 5 providers agree on the top label" in words
    rows = [line for line in lines if line.split()[1:2] and line.split()[1] in KEYS]
    assert len(rows) == 10  # a row per image and provider


def test_jsonl_lines_stream_in_completion_order() -> None:
    with slow_providers(DELAYS) as env:
        started = time.monotonic()
        process = subprocess.Popen(
            command(str(SAMPLE), "-p", "all", "--format", "jsonl", *model_args(KEYS)),
            cwd=ROOT,
            env=clean_env(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        arrivals = [(time.monotonic() - started, line) for line in process.stdout]
        assert process.wait(30) == 0
    providers_seen = [json.loads(line)["provider"] for _, line in arrivals]
    assert providers_seen == sorted(KEYS, key=FINISH.__getitem__)
    assert arrivals[-1][0] - arrivals[0][0] > 1.0  # each flushed as it finished
