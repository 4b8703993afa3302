"""The `image-classify` command, run as a subprocess like a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from image_classify import ClassificationResult
from image_classify._providers import providers

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "sample.jpg"
PROVIDERS = tuple(providers())  # every provider in the manifest, in its order
# Every variable a provider reads its credentials from, per the manifest.
CREDENTIAL_VARS = frozenset(
    name for info in providers().values() for name in (*info.auth.env, *info.auth.extra_env)
)


def cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in CREDENTIAL_VARS}
    return subprocess.run(
        [sys.executable, "-m", "image_classify", *args],
        cwd=cwd,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_one_line_error(
    result: subprocess.CompletedProcess[str], status: int, *needles: str
) -> None:
    assert result.returncode == status, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")
    for needle in needles:
        assert needle in result.stderr, result.stderr


def test_help_lists_providers_env_vars_and_examples() -> None:
    result = cli("--help")
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: python -m image_classify [OPTIONS] IMAGE...")
    commands = result.stdout.split("Commands:", 1)[1].split("Providers", 1)[0].split()
    assert commands[0] == "classify" and "mock" in commands
    for text in (
        *PROVIDERS,
        "ROBOFLOW_API_KEY",
        "HF_TOKEN",
        "CLOUDFLARE_ACCOUNT_ID",
        "Examples",
        "--mock",
    ):
        assert text in result.stdout, text


def test_unknown_provider_lists_the_choices() -> None:
    assert_one_line_error(cli(str(SAMPLE), "--provider", "clarifai"), 2, "clarifai", *PROVIDERS)


def test_missing_credentials_name_the_variable() -> None:
    assert_one_line_error(
        cli(str(SAMPLE), "--provider", "roboflow", "--model", "a/1"), 1, "ROBOFLOW_API_KEY"
    )


def test_all_without_any_credentials_says_what_to_set() -> None:
    assert_one_line_error(cli(str(SAMPLE), "--provider", "all"), 1, "HF_TOKEN", "--mock")


def test_unreadable_image_is_named_and_counted(tmp_path: Path) -> None:
    result = cli(
        str(tmp_path / "missing.jpg"), "--provider", "huggingface", env={"HF_TOKEN": "hf_x"}
    )
    assert result.returncode == 1
    assert "missing.jpg" in result.stderr and "no such file" in result.stderr
    assert "1 of 1 classification(s) failed" in result.stderr
    assert "Traceback" not in result.stderr


def test_all_providers_against_the_mocks_side_by_side() -> None:
    result = cli(str(SAMPLE), "--provider", "all", "--mock")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["provider", "model"]
    assert sorted(line.split()[0] for line in lines[1:-1]) == sorted(PROVIDERS)  # a row each
    assert "agree on the top label" in lines[-1]
    assert "PERSIAN CAT" in result.stdout  # Cloudflare's documented example, via the mock
    assert "Tabby" in result.stdout  # IMG Processing: upload, then classify


def test_folder_json_lines_and_a_failure_summary(tmp_path: Path) -> None:
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        shutil.copy(SAMPLE, tmp_path / name)
    (tmp_path / "broken.png").write_bytes(b"")  # empty: not an image
    result = cli(str(tmp_path), "--provider", "cloudflare", "--mock", "--json", "--top-k", "2")
    assert result.returncode == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    failed = [line for line in records if "error" in line]  # a failure is a line too
    assert [Path(line["image"]).name for line in failed] == ["broken.png"]
    assert "empty" in failed[0]["error"] and "predictions" not in failed[0]
    lines = sorted((line for line in records if "error" not in line), key=lambda r: r["image"])
    assert [Path(line["image"]).name for line in lines] == ["a.jpg", "b.jpg", "c.jpg"]
    assert all(len(line["predictions"]) == 2 for line in lines)
    assert lines[0]["predictions"][0] == {
        "label": "PERSIAN CAT",
        "score": pytest.approx(0.4071170687675476),
        "predicted": None,
    }
    # Each line is ClassificationResult.to_dict() plus the image: it reads back typed.
    again = ClassificationResult.from_dict(lines[0])
    assert again.raw.success is True and again.predictions[0].label == "PERSIAN CAT"
    assert "broken.png" in result.stderr and "empty" in result.stderr
    assert "1 of 4 classification(s) failed" in result.stderr


@pytest.mark.parametrize("base_url", ["not a url", "ftp://example.com", "http://"])
def test_a_base_url_that_is_not_a_url_is_a_usage_error(base_url: str) -> None:
    result = cli(str(SAMPLE), "--provider", "huggingface", "--base-url", base_url)
    assert_one_line_error(result, 2, "--base-url", repr(base_url))


def test_the_command_says_what_it_waits_for() -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from tests.serving import serving

    answers = [
        (429, {"Retry-After": "0.2"}, b'{"error": "slow down"}'),
        (200, {}, b'[{"label": "cat", "score": 0.9}]'),
    ]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["content-length"]))
            status, headers, body = answers.pop(0) if len(answers) > 1 else answers[0]
            self.send_response(status)
            for name, value in {"content-type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with serving(server):
        url = f"http://127.0.0.1:{server.server_address[1]}"
        key = "hf_cli_wait_test_key"
        result = cli(str(SAMPLE), "-p", "huggingface", "--base-url", url, env={"HF_TOKEN": key})
    assert result.returncode == 0, result.stderr
    assert "note: retrying POST" in result.stderr
    assert "in 0.20 s (retry 1 of 2) after HTTP 429" in result.stderr
    assert key not in result.stdout + result.stderr
    assert "cat" in result.stdout


def test_mock_outside_the_checkout_with_image_classify_prism(tmp_path: Path) -> None:
    """--mock starts Prism itself (image_classify._prism): a copy of the package run from
    a folder outside the checkout, with no package.json above it, serves the documents
    it ships with the Prism that IMAGE_CLASSIFY_PRISM names."""
    shutil.copytree(
        ROOT / "image_classify", tmp_path / "image_classify", ignore=shutil.ignore_patterns("*.pyc")
    )
    shutil.copy(SAMPLE, tmp_path / "sample.jpg")
    prism = ROOT / "node_modules" / ".bin" / "prism"
    result = cli(
        "sample.jpg", "-p", "cloudflare", "--mock", "--json",
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "IMAGE_CLASSIFY_PRISM": str(prism)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["predictions"][0]["label"] == "PERSIAN CAT"
    assert "Traceback" not in result.stderr


def test_a_bad_image_classify_prism_is_one_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "no-prism"
    result = cli(
        str(SAMPLE), "-p", "cloudflare", "--mock", env={"IMAGE_CLASSIFY_PRISM": str(missing)}
    )
    assert_one_line_error(result, 1, f"IMAGE_CLASSIFY_PRISM={missing} does not exist")


class MockCommand:
    """`image-classify mock ...` as a subprocess; its URL lines read as they come."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "image_classify", "mock", *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def urls(self, keys: list[str]) -> dict[str, str]:
        assert self.process.stdout is not None
        found: dict[str, str] = {}
        seen = []
        while set(found) != set(keys):
            line = self.process.stdout.readline()  # the process ends (EOF) if it fails
            if not line:
                stderr = self.process.stderr.read() if self.process.stderr else ""
                pytest.fail(f"no URL lines for {keys}; got {seen}; {stderr}")
            seen.append(line)
            fields = line.split()
            if len(fields) >= 2 and fields[0] in keys:
                found[fields[0]] = fields[1]
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
def test_mock_serves_until_a_signal_and_leaves_nothing(signum: signal.Signals) -> None:
    from image_classify._prism import prism_pids

    port = providers()["cloudflare"].mock_port
    marker = f"--port {port} "
    command = MockCommand("cloudflare")
    try:
        urls = command.urls(["cloudflare"])
        assert urls == {"cloudflare": f"http://127.0.0.1:{port}"}
        answer = httpx.post(
            f"{urls['cloudflare']}/accounts/0123/ai/run/@cf/microsoft/resnet-50",
            headers={"Authorization": "Bearer mock", "Content-Type": "application/octet-stream"},
            content=SAMPLE.read_bytes(),
            timeout=10.0,
        )
        assert answer.status_code == 200, answer.text
        assert prism_pids(marker)
        command.process.send_signal(signum)
        assert command.process.wait(15) == 0
    finally:
        command.stop()
    assert command.process.stdout is not None and command.process.stderr is not None
    assert command.process.stdout.read().splitlines()[-1] == "stopped"
    assert "Traceback" not in command.process.stderr.read()
    assert prism_pids(marker) == []


def test_mock_with_an_unknown_provider_is_a_usage_error() -> None:
    assert_one_line_error(cli("mock", "cloudflare", "clarifai"), 2, "clarifai", *PROVIDERS)


@pytest.mark.parametrize("args", [("classify", "mock"), ("./mock",)], ids=["classify", "path"])
def test_a_file_named_like_a_subcommand_is_classified(args: tuple[str, ...]) -> None:
    result = cli(*args, "-p", "huggingface", env={"HF_TOKEN": "hf_x"})
    assert result.returncode == 1
    assert "mock: huggingface:" in result.stderr and "no such file" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("mock", "says"),
    [
        ("", "has no `options`, but the provider needs CLOUDFLARE_ACCOUNT_ID"),
        ("[providers.cloudflare.mock]\noptions = 1\n", "`options` must be a table"),
        ("[providers.cloudflare]\nmock = 1\n", "`mock` must be a table"),
    ],
)
def test_the_manifest_gives_mock_options_for_extra_env(mock: str, says: str) -> None:
    """`[providers.P.mock] options` holds the --mock placeholders (no longer in the code);
    a provider with extra_env needs them. The runtime and the pipeline parse it alike."""
    from image_classify._providers import ManifestError, parse_auth, parse_manifest
    from image_classify._providers import parse_mock_options as parse

    text = (ROOT / "image_classify" / "providers.toml").read_text(encoding="utf-8")
    start = text.index("[providers.cloudflare.mock]")
    end = text.index("[providers.cloudflare.generator]")
    table = parse_manifest(text[:start] + text[end:])["cloudflare"]
    table.update(parse_manifest(mock)["cloudflare"] if mock else {})
    with pytest.raises(ManifestError, match=says):
        parse(table, parse_auth(table, "providers.cloudflare"), "providers.cloudflare")


def test_mock_options_are_adapter_options() -> None:
    from image_classify._providers import providers
    from image_classify.adapters import adapter_for

    for key, info in providers().items():
        assert set(info.mock_options) <= adapter_for(key).OPTIONS, key
