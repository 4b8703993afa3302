"""The documentation site builds, strict and offline, with a page per provider.

`mkdocs build --strict` runs once (module fixture) in a subprocess into a scratch folder:
any warning (a broken link, a docstring mkdocstrings cannot read, a marker the hook
cannot fill) fails it. The provider pages' examples run as written: the real-API one
against a local 127.0.0.1 server answering like the provider, the offline one against
image_classify.testing's fake; so do docs/getting-started.md's. MkDocs, Material and
mkdocstrings are dev dependencies: without them this module fails to import, on purpose
(no silent skip).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from image_classify._classify import close_shared
from image_classify._providers import providers
from tests.image_classify.loopback import loopback, run_snippet
from tools import docs_provider_pages
from tools.manifest import load_providers

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "sample.jpg"
BUILD_SECONDS = 90  # measured ~12 s here; a hang must not stall the suite


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {
        **os.environ,
        # mkdocs-material's banner about MkDocs 2.0 (printed, not a warning; noise).
        "NO_MKDOCS_2_WARNING": "1",
        # Nothing in the build may reach the network: make any attempt fail fast.
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "",
    }
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_SECONDS,
        check=False,
    )
    print(f"mkdocs build --strict: {time.monotonic() - started:.1f} s")
    assert done.returncode == 0, done.stderr[-4000:]
    return out


def test_a_page_per_provider(site: Path) -> None:
    for key, info in providers().items():
        page = site / "providers" / f"{key}.html"
        assert page.is_file(), f"no page for {key}"
        text = page.read_text(encoding="utf-8")
        assert info.title in text
        for name in info.auth.env:
            assert name in text
    overview = (site / "providers" / "index.html").read_text(encoding="utf-8")
    assert all(f"{key}.html" in overview for key in providers())


def test_the_api_reference_documents_the_public_names(site: Path) -> None:
    text = (site / "reference" / "index.html").read_text(encoding="utf-8")
    assert 'id="image_classify.Classifier"' in text
    assert 'id="image_classify.classify"' in text
    assert 'id="image_classify.errors.APIError"' in (site / "reference" / "errors.html").read_text(
        encoding="utf-8"
    )


def test_the_cli_page_has_the_help_text(site: Path) -> None:
    text = (site / "cli.html").read_text(encoding="utf-8")
    assert "image-classify --help" in text
    assert "--provider" in text


def test_no_page_shows_a_traceback(site: Path) -> None:
    pages = list(site.rglob("*.html"))
    assert len(pages) > len(providers())
    bad = [p.relative_to(site) for p in pages if "Traceback" in p.read_text(encoding="utf-8")]
    assert not bad


def python_blocks(markdown: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", markdown, re.DOTALL)


@pytest.mark.parametrize("key", list(providers()))
def test_provider_page_examples_run(
    key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocks = python_blocks(docs_provider_pages.provider_page(load_providers()[key]))
    assert len(blocks) == 2  # the real API, and the offline fake
    shutil.copy(SAMPLE, tmp_path / docs_provider_pages.EXAMPLE_IMAGE)
    monkeypatch.chdir(tmp_path)
    info = providers()[key]
    with loopback(key) as server:
        monkeypatch.setenv(info.base_url_env, server.base_url)
        for variable in (*info.auth.env[:1], *info.auth.extra_env):
            monkeypatch.setenv(variable, f"docs-{key}-credential")
        for index, code in enumerate(blocks):
            try:
                exec(compile(code, f"docs/providers/{key}.md example {index + 1}", "exec"), {})
            finally:
                close_shared()
    assert capsys.readouterr().out.strip()


GETTING_STARTED = ROOT / "docs" / "getting-started.md"


@pytest.mark.parametrize("index", range(len(python_blocks(GETTING_STARTED.read_text("utf-8")))))
def test_getting_started_examples_run(
    index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each example of docs/getting-started.md, against local servers for every provider
    (IMAGE_CLASSIFY_<KEY>_BASE_URL), with the sample as cat.jpg, a.jpg and b.jpg."""
    code = python_blocks(GETTING_STARTED.read_text("utf-8"))[index]
    run_snippet(code, f"docs/getting-started.md example {index + 1}", tmp_path, monkeypatch)
