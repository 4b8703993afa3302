"""The README's Python examples run as written: against local 127.0.0.1 servers that
answer like each provider, reached through the IMAGE_CLASSIFY_<PROVIDER>_BASE_URL
variables, with the sample image as their `cat.jpg`."""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

import pytest

from image_classify._classify import close_shared
from image_classify._providers import providers
from tests.image_classify.loopback import loopback

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SAMPLE = ROOT / "samples" / "sample.jpg"
SECTION = "## Classify an image"


def examples() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.DOTALL)


def test_the_section_has_examples() -> None:
    assert len(examples()) >= 2


@pytest.mark.parametrize("index", range(len(examples())))
def test_readme_example_runs(index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("cat.jpg", "a.jpg", "b.jpg"):
        shutil.copy(SAMPLE, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    with contextlib.ExitStack() as stack:
        for key, info in providers().items():
            server = stack.enter_context(loopback(key))
            monkeypatch.setenv(info.base_url_env, server.base_url)
            for variable in (*info.auth.env[:1], *info.auth.extra_env):
                monkeypatch.setenv(variable, f"readme-{key}-credential")
        try:
            exec(compile(examples()[index], f"README.md example {index + 1}", "exec"), {})
        finally:
            close_shared()
