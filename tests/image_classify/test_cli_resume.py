"""Resumable folder runs: with `--output FILE` every finished image is appended at once;
Ctrl-C reports what finished and exits 130; the same command again skips the images FILE
holds (same provider, model and options) and ends with every image there exactly once.
A slow local server keeps the run going long enough to interrupt it."""

from __future__ import annotations

import csv
import json
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.image_classify.cli_servers import ROOT, SAMPLE, clean_env, cli, command, slow_server

TOKEN = {"HF_TOKEN": "hf_cli_resume"}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "photos"
    path.mkdir()
    for number in range(51):
        shutil.copy(SAMPLE, path / f"{number:02}.jpg")
    return path


def records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def interrupt_after(args: list[str], output: Path, lines: int) -> subprocess.CompletedProcess[str]:
    """Run the command; once `output` holds `lines` lines, Ctrl-C it (SIGINT)."""
    process = subprocess.Popen(
        command(*args), cwd=ROOT, env=clean_env(TOKEN), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if output.exists() and output.read_text(encoding="utf-8").count("\n") >= lines:
                break
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def test_interrupt_then_resume_classifies_every_image_once(folder: Path, tmp_path: Path) -> None:
    output = tmp_path / "labels.jsonl"
    with slow_server("huggingface", 0.15) as url:
        args = [str(folder), "-p", "huggingface", "--base-url", url, "-c", "2", "-k", "2"]
        first = interrupt_after([*args, "--output", str(output)], output, 10)
    assert first.returncode == 130, first.stderr
    assert "Traceback" not in first.stderr
    said = re.search(
        r"interrupted: (\d+) of 51 images classified, 0 failed; rerun the same command to "
        r"continue",
        first.stderr,
    )
    assert said, first.stderr
    kept = records(output)
    assert 10 <= len(kept) < 51 and int(said[1]) == len(kept)
    # A crash mid-write leaves half a line: ignored on resume, and written over.
    with output.open("a", encoding="utf-8") as file:
        file.write('{"image": "' + str(folder / "50.jpg") + '", "provi')

    with slow_server("huggingface", 0.0) as url:
        args = [str(folder), "-p", "huggingface", "--base-url", url, "-c", "2", "-k", "2"]
        second = cli(*args, "--output", str(output), env=TOKEN)
    assert second.returncode == 0, second.stderr
    assert f"skipping {len(kept)} of 51 images already in {output}" in second.stderr
    final = records(output)
    assert sorted(r["image"] for r in final) == sorted(str(p) for p in folder.iterdir())
    assert final[: len(kept)] == kept  # appended: what was there stays as it was

    with slow_server("huggingface", 0.0) as url:
        args = [str(folder), "-p", "huggingface", "--base-url", url, "-c", "2", "-k", "2"]
        third = cli(*args, "--output", str(output), env=TOKEN)
    assert "skipping 51 of 51 images" in third.stderr and records(output) == final


def test_other_options_or_models_are_not_skipped(tmp_path: Path) -> None:
    output = tmp_path / "labels.csv"
    images = tmp_path / "two"
    images.mkdir()
    for name in ("a.jpg", "b.jpg"):
        shutil.copy(SAMPLE, images / name)
    with slow_server("huggingface", 0.0) as url:

        def run(*extra: str) -> subprocess.CompletedProcess[str]:
            base = [str(images), "-p", "huggingface", "--base-url", url, "--output", str(output)]
            return cli(*base, *extra, env=TOKEN)

        assert run("-k", "1").returncode == 0  # csv: from the file's suffix
        assert "skipping" not in run("-k", "2").stderr  # other options
        assert "skipping" not in run("-k", "2", "-m", "google/other").stderr  # another model
        again = run("-k", "2")
    assert "skipping 2 of 2 images already in" in again.stderr
    with output.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 2 * 1 + 2 * 2 + 2 * 2  # one row per label: -k 1, -k 2, other model
    assert {row["options"] for row in rows} == {'{"top_k":1}', '{"top_k":2}'}


def test_failed_images_are_tried_again(tmp_path: Path) -> None:
    output = tmp_path / "labels.jsonl"
    image = tmp_path / "late.jpg"
    args = [str(image), "-p", "huggingface", "--output", str(output)]
    with slow_server("huggingface", 0.0) as url:
        first = cli(*args, "--base-url", url, env=TOKEN)  # not there yet
        assert first.returncode == 1 and "no such file" in records(output)[0]["error"]
        shutil.copy(SAMPLE, image)
        second = cli(*args, "--base-url", url, env=TOKEN)
    assert second.returncode == 0 and "skipping" not in second.stderr
    assert "predictions" in records(output)[1]


def test_an_output_file_of_something_else_is_a_usage_error(tmp_path: Path) -> None:
    output = tmp_path / "notes.csv"
    output.write_text("my own notes\n", encoding="utf-8")
    done = cli(str(SAMPLE), "-p", "huggingface", "--output", str(output), env=TOKEN)
    assert done.returncode == 2 and done.stderr.startswith("error: --output"), done.stderr
    assert output.read_text(encoding="utf-8") == "my own notes\n"
