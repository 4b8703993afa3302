"""The `image-classify` command's bad-input corpus, run as a user runs it (a subprocess):
each case asserts the exit status (1: something failed, 2: usage), that stderr opens with
`error: ` and names the file, option or variable, no traceback, and the key nowhere."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from image_classify._providers import providers

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = str(ROOT / "samples" / "sample.jpg")
KEY = "hf_cli_corpus_key_81c2"
CREDENTIALS = frozenset(
    name for info in providers().values() for name in (*info.auth.env, *info.auth.extra_env)
)


@dataclass
class Case:
    name: str
    args: Callable[[Path], list[str]]
    status: int
    says: tuple[str, ...]
    env: dict[str, str] = field(default_factory=lambda: {"HF_TOKEN": KEY})


def hf(*extra: str) -> Callable[[Path], list[str]]:
    return lambda folder: ["-p", "huggingface", *extra]


def with_file(name: str, data: bytes | None, *extra: str) -> Callable[[Path], list[str]]:
    def args(folder: Path) -> list[str]:
        path = folder / name
        if data is None:
            os.mkfifo(path)
        else:
            path.write_bytes(data)
        return [str(path), "-p", "huggingface", "--base-url", "http://127.0.0.1:9", *extra]

    return args


CASES = [
    Case(
        "unknown provider",
        lambda f: [SAMPLE, "-p", "hugginface"],
        2,
        ("'hugginface'", "huggingface"),
    ),
    Case(
        "base url not a URL",
        lambda f: [SAMPLE, *hf("--base-url", "not a url")(f)],
        2,
        ("--base-url", "'not a url'"),
    ),
    Case("top-k zero", lambda f: [SAMPLE, *hf("--top-k", "0")(f)], 2, ("--top-k",)),
    Case("concurrency zero", lambda f: [SAMPLE, *hf("-c", "0")(f)], 2, ("--concurrency",)),
    Case(
        "option without a value",
        lambda f: [SAMPLE, *hf("-o", "confidence")(f)],
        2,
        ("--option", "NAME=VALUE"),
    ),
    Case(
        "model for several providers",
        lambda f: [SAMPLE, "-p", "all", "--mock", "-m", "x"],
        2,
        ("PROVIDER=MODEL",),
    ),
    Case("no credentials", lambda f: [SAMPLE, "-p", "huggingface"], 1, ("HF_TOKEN",), env={}),
    Case(
        "a key with a space",
        lambda f: [SAMPLE, "-p", "huggingface"],
        1,
        ("$HF_TOKEN", "space"),
        env={"HF_TOKEN": f"{KEY} {KEY}"},
    ),
    Case(
        "missing image",
        lambda f: [str(f / "nowhere.jpg"), *hf("--base-url", "http://127.0.0.1:9")(f)],
        1,
        ("nowhere.jpg",),
    ),
    Case("text file named .jpg", with_file("notes.jpg", b"not an image\n"), 1, ("notes.jpg",)),
    Case("empty image", with_file("empty.png", b""), 1, ("empty.png",)),
    Case("a FIFO", with_file("camera.jpg", None), 1, ("camera.jpg", "not a regular file")),
    Case(
        "folder without images",
        lambda f: [str(f), "-p", "huggingface"],
        1,
        ("no image files found",),
    ),
    Case(
        "nothing listening",
        lambda f: [SAMPLE, *hf("--base-url", "http://127.0.0.1:9")(f)],
        1,
        ("127.0.0.1:9", "no response"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_cli_corpus(case: Case, tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in CREDENTIALS and not k.startswith("IMAGE_CLASSIFY_")
    }
    done = subprocess.run(
        [sys.executable, "-m", "image_classify", *case.args(tmp_path)],
        cwd=ROOT,
        env={**env, **case.env, "IMAGE_CLASSIFY_LOG": "debug"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == case.status, output
    assert "Traceback" not in output, output
    assert done.stderr.lstrip().startswith(("error: ", "[")), done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert errors, done.stderr
    for needle in case.says:
        assert any(needle in line for line in errors), f"{needle!r} not in {errors}"
    assert KEY not in output
