"""Slow 127.0.0.1 servers for the command-line tests: each answers like one provider
(its documented success example, tools.bench.cases.answer_for) after a delay of its own,
so a test can order the providers' answers, make a call time out, or interrupt a run
mid-way. Started and stopped by the test; they bind 127.0.0.1 only."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from image_classify._providers import provider_info, providers
from tests.serving import serving
from tools.bench.cases import answer_for

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "sample.jpg"
CREDENTIAL_VARS = frozenset(
    name for info in providers().values() for name in (*info.auth.env, *info.auth.extra_env)
)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    provider: str
    delay: float
    requests: int
    body: bytes | None  # instead of the documented example


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", "0")))
        self.server.requests += 1
        time.sleep(self.server.delay)
        status, body = answer_for(self.server.provider)(
            httpx.Request("POST", "http://127.0.0.1" + self.path)
        )
        body = self.server.body or body
        try:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (a timeout): nothing to answer
            pass


@contextlib.contextmanager
def slow_server(provider: str, delay: float, body: bytes | None = None) -> Iterator[str]:
    """The base URL of a server answering like `provider` after `delay` seconds (with
    `body` instead of the documented example, when given)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.provider, server.delay, server.requests, server.body = provider, delay, 0, body
    base_path = httpx.URL(provider_info(provider).base_url).path.rstrip("/")
    with serving(server):
        yield f"http://127.0.0.1:{server.server_address[1]}{base_path}"


@contextlib.contextmanager
def slow_providers(
    delays: dict[str, float], bodies: dict[str, bytes] | None = None
) -> Iterator[dict[str, str]]:
    """Servers for several providers; the environment that sends each provider to its
    own (base URL variable, a credential, extra variables such as an account id)."""
    env: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        for key, delay in delays.items():
            info = provider_info(key)
            body = (bodies or {}).get(key)
            env[info.base_url_env] = stack.enter_context(slow_server(key, delay, body))
            for name in (info.auth.env[0], *info.auth.extra_env):
                env[name] = f"cli-test-{key}"
        yield env


def model_args(keys: list[str]) -> list[str]:
    """`-m P=M` for the providers that need a model named (their manifest example)."""
    args: list[str] = []
    for key in keys:
        example = provider_info(key).example_model
        if example:
            args += ["-m", f"{key}={example}"]
    return args


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in CREDENTIAL_VARS
        and not k.startswith("IMAGE_CLASSIFY_")
        and k not in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "COLUMNS")
    }
    return {**env, **(extra or {})}


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "image_classify", *args]


def cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(*args),
        cwd=ROOT,
        env=clean_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
