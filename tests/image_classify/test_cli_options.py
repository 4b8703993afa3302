"""Option errors are found once, before any call: a bad --option, --model, --timeout or
--max-retries is one `error:` line and exit status 2, however many images. And the
timeout and retries asked for are the ones used (a slow local server)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tests.image_classify.cli_servers import SAMPLE, cli, slow_server

NOWHERE = "http://127.0.0.1:9"  # nothing listens: a call made would fail with exit 1


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fifty-one")
    for number in range(51):
        shutil.copy(SAMPLE, path / f"{number:02}.jpg")
    return path


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["-p", "huggingface", "-o", "bogus=1"], "huggingface does not take bogus"),
        (["-p", "huggingface", "-o", "function_to_apply=nope"], "function_to_apply must be"),
        (["-p", "roboflow", "-m", "no-version"], "roboflow model must look like"),
        (["-p", "huggingface", "-m", "no-slash"], "huggingface model must look like"),
    ],
    ids=["unknown option", "bad value", "bad roboflow model", "bad hf model"],
)
def test_a_bad_option_on_51_images_is_one_error_and_exit_2(
    folder: Path, args: list[str], says: str
) -> None:
    env = {"HF_TOKEN": "hf_cli_options", "ROBOFLOW_API_KEY": "rf_cli_options"}
    done = cli(str(folder), *args, "--base-url", NOWHERE, env=env)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: "), done.stderr
    assert says in done.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--timeout", "0"], "--timeout"),
        (["--timeout", "-1"], "--timeout"),
        (["--timeout", "soon"], "--timeout"),
        (["--max-retries", "-1"], "--max-retries"),
        (["--max-retries", "1.5"], "--max-retries"),
        (["--format", "xml"], "--format"),
        (["--format", "table", "--output", "out.txt"], "--output"),
    ],
)
def test_bad_values_are_usage_errors(args: list[str], says: str) -> None:
    done = cli(str(SAMPLE), "-p", "huggingface", *args, env={"HF_TOKEN": "hf_x"})
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: ") and says in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_timeout_gives_up_on_a_slow_server() -> None:
    with slow_server("huggingface", 3.0) as url:
        started = time.monotonic()
        done = cli(
            str(SAMPLE), "-p", "huggingface", "--base-url", url,
            "--timeout", "0.3", "--max-retries", "0",
            env={"HF_TOKEN": "hf_x"},
        )  # fmt: skip
        elapsed = time.monotonic() - started
    assert done.returncode == 1, done.stderr
    assert "timed out" in done.stderr.lower(), done.stderr
    assert "note: retrying" not in done.stderr  # --max-retries 0
    assert elapsed < 2.5, elapsed


def test_max_retries_retries_a_timeout_that_many_times() -> None:
    with slow_server("huggingface", 3.0) as url:
        done = cli(
            str(SAMPLE), "-p", "huggingface", "--base-url", url,
            "--timeout", "0.2", "--max-retries", "1",
            env={"HF_TOKEN": "hf_x"},
        )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stderr.count("note: retrying") == 1, done.stderr
    assert "(retry 1 of 1)" in done.stderr
