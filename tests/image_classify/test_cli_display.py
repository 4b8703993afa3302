"""What `image-classify` prints: tables that fit the terminal, colour only where it
belongs, the jsonl and csv formats, --version. Run as a subprocess against slow local
servers (tests/image_classify/cli_servers.py)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from image_classify import ClassificationResult, __version__
from image_classify._providers import providers
from tests.image_classify.cli_servers import SAMPLE, cli, model_args, slow_providers

KEYS = list(providers())
COLOUR = re.compile(r"\x1b\[[0-9;]*(3[0-9]|9[0-7]|38;)")  # a foreground colour SGR


@pytest.fixture(scope="module")
def everyone() -> dict[str, str]:
    with slow_providers(dict.fromkeys(KEYS, 0.0)) as env:
        yield env


def all_providers(env: dict[str, str], *args: str, **extra: str) -> tuple[int, str, str]:
    done = cli(str(SAMPLE), "-p", "all", *model_args(KEYS), *args, env={**env, **extra})
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout, done.stderr


def test_all_providers_one_row_each_within_80_columns(everyone: dict[str, str]) -> None:
    status, out, err = all_providers(everyone, COLUMNS="80")
    assert status == 0, err
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines), "\n".join(lines)
    assert lines[0].split()[:4] == ["provider", "model", "top", "label"]
    rows = [line.split()[0] for line in lines[1:-1]]
    assert sorted(rows) == sorted(KEYS)
    assert "PERSIAN CAT" in out and "Tabby" in out  # each provider's documented example
    assert "agree on the top label" in lines[-1]


def test_wide_terminal_shows_the_other_labels(everyone: dict[str, str]) -> None:
    status, out, _ = all_providers(everyone, COLUMNS="160")
    assert status == 0
    row = next(line for line in out.splitlines() if line.startswith("cloudflare"))
    assert "PEKINESE 0.23" in row and len(row) <= 160


def test_one_provider_table_fits_80_columns(everyone: dict[str, str]) -> None:
    done = cli(str(SAMPLE), "-p", "cloudflare", env={**everyone, "COLUMNS": "80"})
    assert done.returncode == 0, done.stderr
    assert all(len(line) <= 80 for line in done.stdout.splitlines())
    assert "PERSIAN CAT" in done.stdout and "cloudflare @cf/microsoft/resnet-50" in done.stdout


def test_no_colour_on_a_pipe(everyone: dict[str, str]) -> None:
    _, out, _ = all_providers(everyone)
    assert "\x1b[" not in out


def test_colour_on_a_forced_terminal(everyone: dict[str, str]) -> None:
    _, out, _ = all_providers(everyone, FORCE_COLOR="1")
    assert COLOUR.search(out), repr(out[:300])


@pytest.mark.parametrize("value", ["1", "yes"])
def test_no_colour_with_no_color_even_on_a_terminal(everyone: dict[str, str], value: str) -> None:
    status, out, _ = all_providers(everyone, FORCE_COLOR="1", NO_COLOR=value)
    assert status == 0
    assert not COLOUR.search(out), repr(out[:300])
    assert "PERSIAN CAT" in out


def test_jsonl_lines_read_back_typed(everyone: dict[str, str]) -> None:
    for flag in (["--format", "jsonl"], ["--json"]):  # --json is an alias
        status, out, err = all_providers(everyone, *flag, "-k", "2")
        assert status == 0, err
        records = [json.loads(line) for line in out.splitlines()]
        assert sorted(r["provider"] for r in records) == sorted(KEYS)
        for record in records:
            assert record["image"] == str(SAMPLE) and record["latency_ms"] >= 0
            assert record["options"] == {"top_k": 2}
            typed = ClassificationResult.from_dict(record)
            assert len(typed.predictions) <= 2


def test_csv_has_a_header_and_one_row_per_label(everyone: dict[str, str]) -> None:
    status, out, err = all_providers(everyone, "--format", "csv", "-k", "2")
    assert status == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:8] == [
        "source", "provider", "model", "rank", "label", "score", "latency_ms", "error",
    ]  # fmt: skip
    body = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    cloudflare = [r for r in body if r["provider"] == "cloudflare"]
    assert [(r["rank"], r["label"]) for r in cloudflare] == [
        ("1", "PERSIAN CAT"),
        ("2", "PEKINESE"),
    ]
    assert float(cloudflare[0]["score"]) == pytest.approx(0.407117)
    assert all(r["error"] == "" for r in body)


def test_a_failure_is_a_csv_row_with_its_error(everyone: dict[str, str], tmp_path: object) -> None:
    done = cli("/nowhere/missing.jpg", "-p", "huggingface", "-f", "csv", env=everyone)
    assert done.returncode == 1
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(rows) == 1 and "no such file" in rows[0]["error"] and rows[0]["label"] == ""


def test_version() -> None:
    done = cli("--version")
    assert (done.returncode, done.stdout) == (0, f"image-classify {__version__}\n")


def test_json_with_another_format_is_a_usage_error() -> None:
    done = cli(str(SAMPLE), "-p", "huggingface", "--json", "--format", "csv")
    assert done.returncode == 2 and done.stderr.startswith("error: ") and "--json" in done.stderr


def test_help_fits_80_columns() -> None:
    done = cli("--help", env={"COLUMNS": "80"})
    assert done.returncode == 0
    wide = [line for line in done.stdout.splitlines() if len(line) > 80]
    assert not wide, wide
    for info in providers().values():  # every provider's credential variable is named
        assert info.auth.env[0] in done.stdout
