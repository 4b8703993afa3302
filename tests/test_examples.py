"""Every script in examples/ runs as a user runs it: a subprocess started from a folder
outside the checkout, its credential from the provider's variable, its base URL from
IMAGE_CLASSIFY_<KEY>_BASE_URL (pointing at the Prism mocks), the image from argv[1] or the
repository's sample. Scripts are found by glob, so a new example is tested as it lands.

Each one exits 0 and prints the label the mock's documented answer puts first; without a
credential or with a missing image it exits 1 with one line on stderr; error_handling.py
prints its handling of real typed errors (Prism's `Prefer: code=...`, a closed port, no
token); batch.py reports a non-image per item and goes on. The folder passes ruff and
mypy --strict.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from image_classify import Classifier
from image_classify._providers import ProviderInfo, providers
from tools.mock import running_mocks

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))
SAMPLE = ROOT / "samples" / "sample.jpg"
# The provider a script uses: the first Classifier / AsyncClassifier it builds.
PROVIDER_IN_SCRIPT = re.compile(r'Classifier\(\s*"(\w+)"')


def _ids(path: Path) -> str:
    return path.name


def provider_of(script: Path) -> ProviderInfo:
    found = PROVIDER_IN_SCRIPT.search(script.read_text(encoding="utf-8"))
    assert found is not None, f'{script.name}: no Classifier("<provider>") in it'
    return providers()[found[1]]


def clean_env() -> dict[str, str]:
    """This process's environment without any provider's credentials, account ids or
    base URLs (a developer's real keys never reach a test), nor PRISM_PREFER."""
    env = dict(os.environ)
    for info in providers().values():
        for name in (*info.auth.env, *info.auth.extra_env, info.base_url_env):
            env.pop(name, None)
    env.pop("PRISM_PREFER", None)
    return env


def mock_env(urls: dict[str, str]) -> dict[str, str]:
    """Every provider pointed at its mock, with placeholder credentials: "mock-key", and
    for each extra variable (Cloudflare's account id) the manifest's [mock] option."""
    env = clean_env()
    for key, info in providers().items():
        env[info.base_url_env] = urls[key]
        env[info.auth.env[0]] = "mock-key"
        placeholders = list(info.mock_options.values())
        assert len(placeholders) == len(info.auth.extra_env), key
        for name, value in zip(info.auth.extra_env, placeholders, strict=True):
            env[name] = str(value)
    return env


def run(
    script: Path, *args: str, env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(script), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def mock_urls() -> Iterator[dict[str, str]]:
    with running_mocks() as urls:
        yield urls


@pytest.fixture(scope="module")
def top_labels(mock_urls: dict[str, str]) -> dict[str, str]:
    """The label each mock's documented answer puts first, asked in this process."""
    labels = {}
    for key, info in providers().items():
        with Classifier(
            key,
            model=info.example_model,
            api_key="mock-key",
            base_url=mock_urls[key],
            **info.mock_options,
        ) as classifier:
            top = classifier.classify(SAMPLE).top
        assert top is not None, key
        labels[key] = top.label
    return labels


def test_the_folder_has_one_example_per_provider_and_the_general_ones() -> None:
    names = {script.stem for script in SCRIPTS}
    assert set(providers()) <= names, sorted(set(providers()) - names)
    assert {"batch", "async_many", "error_handling"} <= names


@pytest.mark.parametrize("script", SCRIPTS, ids=_ids)
def test_example_is_short_documented_and_uses_the_manifests_model(script: Path) -> None:
    text = script.read_text(encoding="utf-8")
    assert len(text.splitlines()) < 60, script.name
    assert text.startswith('"""'), f"{script.name}: starts with a docstring saying what it does"
    info = provider_of(script)
    assert info.base_url_env in text, f"{script.name}: names {info.base_url_env}"
    assert info.auth.env[0] in text, f"{script.name}: names {info.auth.env[0]}"
    if script.stem == info.key and info.example_model is not None:
        assert f'"{info.example_model}"' in text, (script.name, info.example_model)


@pytest.mark.parametrize("script", SCRIPTS, ids=_ids)
def test_example_runs_against_the_mocks(
    script: Path, mock_urls: dict[str, str], top_labels: dict[str, str], tmp_path: Path
) -> None:
    done = run(script, env=mock_env(mock_urls), cwd=tmp_path)  # default: samples/sample.jpg
    assert done.returncode == 0, done.stderr
    assert top_labels[provider_of(script).key] in done.stdout, done.stdout
    assert done.stderr == ""


@pytest.mark.parametrize("script", SCRIPTS, ids=_ids)
def test_example_takes_the_image_from_argv(
    script: Path, mock_urls: dict[str, str], top_labels: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "cat.jpg")
    argument = folder if script.stem == "batch" else folder / "cat.jpg"
    done = run(script, str(argument), env=mock_env(mock_urls), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert top_labels[provider_of(script).key] in done.stdout, done.stdout


@pytest.mark.parametrize("script", SCRIPTS, ids=_ids)
def test_without_credentials_one_line_on_stderr_naming_the_variable(
    script: Path, tmp_path: Path
) -> None:
    info = provider_of(script)
    done = run(script, env=clean_env(), cwd=tmp_path)
    assert done.returncode == 1, done.stdout
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert any(name in line for name in (*info.auth.env, *info.auth.extra_env)), line
    assert "Traceback" not in line


@pytest.mark.parametrize("script", SCRIPTS, ids=_ids)
def test_a_missing_image_is_one_line_on_stderr_naming_it(
    script: Path, mock_urls: dict[str, str], tmp_path: Path
) -> None:
    done = run(script, str(tmp_path / "missing.jpg"), env=mock_env(mock_urls), cwd=tmp_path)
    assert done.returncode == 1, done.stdout
    (line,) = done.stderr.splitlines()
    assert "missing.jpg" in line, line


def test_batch_reports_a_failed_file_and_goes_on(
    mock_urls: dict[str, str], top_labels: dict[str, str], tmp_path: Path
) -> None:
    shutil.copy(SAMPLE, tmp_path / "a-cat.jpg")
    (tmp_path / "b-notes.jpg").write_text("not an image\n", encoding="utf-8")
    shutil.copy(SAMPLE, tmp_path / "c-cat.jpg")
    done = run(EXAMPLES / "batch.py", str(tmp_path), env=mock_env(mock_urls), cwd=tmp_path)
    assert done.returncode == 1
    label = top_labels[provider_of(EXAMPLES / "batch.py").key]
    assert f"a-cat.jpg: {label}" in done.stdout
    assert f"c-cat.jpg: {label}" in done.stdout
    assert "2 of 3 classified" in done.stdout
    (line,) = done.stderr.splitlines()
    assert line.startswith("b-notes.jpg: ImageError: "), line


def _closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("code=401", "error_handling: authentication failed (HTTP 401): "),
        ("code=429", "error_handling: rate limited (retry after "),
        ("code=402", "error_handling: HTTP 402 (request id "),
        ("closed port", "error_handling: could not connect: "),
        ("no token", "error_handling: no credentials: "),
    ],
)
def test_error_handling_prints_its_handling_of_typed_errors(
    case: str, expected: str, mock_urls: dict[str, str], tmp_path: Path
) -> None:
    script = EXAMPLES / "error_handling.py"
    info = provider_of(script)
    env = mock_env(mock_urls)
    if case.startswith("code="):
        env["PRISM_PREFER"] = case  # Prism answers with that documented status
    elif case == "closed port":
        env[info.base_url_env] = _closed_port()
    else:
        for name in info.auth.env:
            env.pop(name, None)
    done = run(script, env=env, cwd=tmp_path)
    assert done.returncode == 1, done.stdout
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith(expected), line


def test_the_examples_pass_ruff() -> None:
    for command in (["check"], ["format", "--check"]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *command, str(EXAMPLES)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_examples_pass_mypy_strict(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            *(sys.executable, "-m", "mypy", "--strict"),
            *("--cache-dir", str(tmp_path / "mypy-cache")),  # not shared with other runs
            str(EXAMPLES),
        ],
        cwd=ROOT,  # the project's [tool.mypy]: generated/ on the path
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
