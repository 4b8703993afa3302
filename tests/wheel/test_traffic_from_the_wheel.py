"""Real traffic checked against the specs, recorded and replayed, from the installed wheel:
a 127.0.0.1 upstream that plants a deviation (Hugging Face's `score` sent as a string),
a script of the team's run by the venv's python, `image-classify replay` over its
cassettes. The key is distinctive and echoed by the upstream; no cassette may hold it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.serving import serving
from tests.wheel.conftest import Installed

SECRET = "hf_wheelTestSECRET0123456789"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63fccf00000002000160e7274e0000000049454e44ae426082"
)
ANSWERS = {
    "good": [{"label": "tabby cat", "score": 0.9}, {"label": "lynx", "score": 0.1}],
    "planted": [{"label": "tabby cat", "score": "0.9"}],  # the spec says a number
}

SCRIPT = """
import sys, warnings
from image_classify import APIResponseValidationError, Classifier, SpecDeviationWarning

base_url, model, mode, record = sys.argv[1:5]
png = open(sys.argv[5], "rb").read()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    with Classifier("huggingface", model=model, base_url=base_url, validate=mode,
                    record=record) as hf:
        try:
            print("TOP", hf.classify(png).predictions[0].label)
        except APIResponseValidationError as exc:
            print("STRICT", exc)
for warning in caught:
    if issubclass(warning.category, SpecDeviationWarning):
        print("WARNED", warning.message.deviation.pointer, "|", warning.message)
"""


class _Upstream(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        body = json.dumps(ANSWERS[self.path.rsplit("/", 1)[-1]]).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        # A server that echoes the credential it was sent.
        self.send_header("x-echo", self.headers.get("authorization", ""))
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def upstream() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    with serving(server):
        yield f"http://127.0.0.1:{server.server_address[1]}"


def _classify(installed: Installed, upstream: str, model: str, mode: str, record: Path) -> str:
    script = installed.outside / "team_script.py"
    script.write_text(SCRIPT, encoding="utf-8")
    image = installed.outside / "tiny.png"
    image.write_bytes(PNG)
    result = installed.run(
        "python", str(script), upstream, f"acme/{model}", mode, str(record), str(image),
        HF_TOKEN=SECRET,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert SECRET not in result.stdout + result.stderr
    return result.stdout


def _no_secret_no_image(folder: Path) -> None:
    files = sorted(folder.glob("*.json"))
    assert files
    for path in files:
        data = path.read_bytes()
        assert SECRET.encode() not in data, path.name
        assert SECRET[3:].encode() not in data, path.name
        assert PNG not in data and b"iVBORw0KGgo" not in data, path.name  # no image bytes
        request = json.loads(data)["request"]
        assert request["body"]["image"]["size"] == len(PNG), request["body"]


def test_warn_flags_the_planted_deviation_and_replay_turns_it_into_a_case(
    installed: Installed, upstream: str
) -> None:
    record = installed.outside / "cassettes-planted"
    out = _classify(installed, upstream, "planted", "warn", record)
    assert "TOP tabby cat" in out  # warn: the call still answers
    assert "WARNED /0/score" in out and "type 'number'" in out, out
    _no_secret_no_image(record)

    replayed = installed.run("image-classify", "replay", str(record))
    assert replayed.returncode == 1, replayed.stdout + replayed.stderr
    assert "response body at /0/score" in replayed.stdout
    assert "overlay update: $.components.schemas.ImageClassificationOutputElement" in (
        replayed.stdout
    )
    assert "1 cassettes: 0 ok, 1 with deviations" in replayed.stdout


def test_strict_raises_and_a_good_recording_replays_green(
    installed: Installed, upstream: str
) -> None:
    strict = _classify(installed, upstream, "planted", "strict", installed.outside / "strict")
    assert "STRICT" in strict and "/0/score" in strict, strict

    record = installed.outside / "cassettes-good"
    out = _classify(installed, upstream, "good", "warn", record)
    assert "TOP tabby cat" in out and "WARNED" not in out
    _no_secret_no_image(record)
    replayed = installed.run("image-classify", "replay", str(record))
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert "1 cassettes: 1 ok" in replayed.stdout
