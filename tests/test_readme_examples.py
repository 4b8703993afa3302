"""The README's Python examples run as written: against local 127.0.0.1 servers that
answer like each provider, reached through the IMAGE_CLASSIFY_<PROVIDER>_BASE_URL
variables, with the sample image as their `cat.jpg`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.image_classify.loopback import run_snippet

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SECTION = "## Classify an image"


def examples() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.DOTALL)


def test_the_section_has_examples() -> None:
    assert len(examples()) >= 2


@pytest.mark.parametrize("index", range(len(examples())))
def test_readme_example_runs(index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_snippet(examples()[index], f"README.md example {index + 1}", tmp_path, monkeypatch)
