"""The peer SDKs the peers benchmark drives (tools/bench/peers.py): how each is imported,
kept off the network and pointed at the same answers as ours; one driver per peer."""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from tools.bench.cases import (
    KEY,
    SAMPLE,
    Case,
)
from tools.bench.peer_harness import Env, Side, Target


@dataclass(frozen=True)
class Peer:
    provider: str
    label: str  # what is called
    distribution: str  # the PyPI name
    sockets: bool  # it cannot take an httpx transport
    build: Callable[[Case, Target, Env, Any], list[Side]]  # Any: our reference result
    heavy: bool = False  # importing it alone takes seconds: not under --quick
    not_in_extra: str | None = None  # why the bench extra leaves it out


class Unavailable(Exception):
    """A peer that cannot run here; the message says why."""


def _import(module: str, distribution: str) -> ModuleType:
    """The peers are imported by name, as modules typed Any: they are optional, and mypy
    following the cloudflare SDK's typed modules alone adds ~40 s to a cold run here."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise Unavailable(
            f"{distribution} is not installed (pip install -e '.[bench]'): {exc}"
        ) from exc


# Hugging Face -------------------------------------------------------------------------------

# The library's agent-harness registry cache (utils/_detect_agent.py), seeded empty: with
# it fresh, building the User-Agent detects no harness and fetches nothing (the library
# refreshes it from the Hub when it is missing or older than 24 hours).
HF_REGISTRY = ".agent_harnesses.json"


def _hf_variables() -> list[str]:
    """The environment variables huggingface_hub reads its settings from."""
    prefixes = ("HF_", "HUGGING_FACE_", "HUGGINGFACE_")
    return [name for name in os.environ if name.startswith(prefixes)] + ["TRANSFORMERS_OFFLINE"]


def _huggingface_hub(env: Env) -> ModuleType:
    """huggingface_hub as a user gets it by default, but with a scratch HF_HOME (its
    settings are read once, at import): no token, cache or setting of the user's is read,
    nothing of theirs is written, and their HF_* variables (HF_HUB_OFFLINE would refuse
    every request) do not change what is measured."""
    if env.hf_home is None:
        if "huggingface_hub" in sys.modules:
            raise Unavailable(
                "huggingface_hub was imported in this process before the benchmark could give "
                "it a scratch HF_HOME (run the benchmark in a process of its own)"
            )
        scratch = env.stack.enter_context(tempfile.TemporaryDirectory(prefix="peers-hf-"))
        Path(scratch, HF_REGISTRY).write_text(
            json.dumps({"standardEnvVars": [], "harnesses": {}}), encoding="utf-8"
        )
        saved = {name: os.environ.pop(name, None) for name in _hf_variables()}
        os.environ["HF_HOME"] = scratch
        try:
            _import("huggingface_hub", "huggingface_hub")
            importlib.import_module("huggingface_hub.inference._client")
        finally:
            del os.environ["HF_HOME"]
            os.environ.update({name: value for name, value in saved.items() if value is not None})
        env.hf_home = scratch
    return importlib.import_module("huggingface_hub")


def _hf_top(result: Any) -> str:
    return str(max(result, key=lambda item: item.score).label)


def _hf_model_url(target: Target, model: str) -> str:
    return f"{target.base_url}/models/{model}"


def _huggingface(case: Case, target: Target, env: Env, reference: Any) -> list[Side]:
    hub = _huggingface_hub(env)
    if target.transport is not None:
        _hf_mock_factories(target, env)
    model_url = _hf_model_url(target, reference.model)
    sync_client = hub.InferenceClient(model=model_url, token=KEY)
    async_client = hub.AsyncInferenceClient(model=model_url, token=KEY)
    env.close_later(sync_client.close)
    env.close_later(async_client.close)
    image = env.image
    return [
        Side(
            "huggingface_hub InferenceClient",
            lambda: sync_client.image_classification(image),
            False,
            _hf_top,
        ),
        Side(
            "huggingface_hub AsyncInferenceClient",
            lambda: async_client.image_classification(image),
            True,
            _hf_top,
        ),
    ]


def _hf_mock_factories(target: Target, env: Env) -> None:
    """huggingface_hub's clients, built as its default factories build them (same event
    hooks, redirects, no timeout) but on an httpx2.MockTransport; restored afterwards."""
    httpx2 = importlib.import_module("httpx2")
    hub = importlib.import_module("huggingface_hub")
    http = importlib.import_module("huggingface_hub.utils._http")

    def handle(request: Any) -> Any:
        request.read()
        status, body = target.answer(request.method, request.url.path)
        return httpx2.Response(status, content=body, headers={"content-type": "application/json"})

    transport = httpx2.MockTransport(handle)
    hub.set_client_factory(
        lambda: httpx2.Client(
            transport=transport,
            event_hooks={"request": [http.hf_request_event_hook]},
            follow_redirects=True,
            timeout=None,
        )
    )
    hub.set_async_client_factory(
        lambda: httpx2.AsyncClient(
            transport=transport,
            event_hooks={
                "request": [http.async_hf_request_event_hook],
                "response": [http.async_hf_response_event_hook],
            },
            follow_redirects=True,
            timeout=None,
        )
    )
    env.scope.callback(hub.set_async_client_factory, http.default_async_client_factory)
    env.scope.callback(hub.set_client_factory, http.default_client_factory)


# Cloudflare ---------------------------------------------------------------------------------


def _cloudflare(case: Case, target: Target, env: Env, reference: Any) -> list[Side]:
    sdk = _import("cloudflare", "cloudflare")
    account = case.options["account_id"]
    model = reference.model
    sync_client = sdk.Cloudflare(
        api_token=KEY, base_url=target.base_url, http_client=target.sync_http()
    )
    async_client = sdk.AsyncCloudflare(
        api_token=KEY, base_url=target.base_url, http_client=target.async_http()
    )
    env.close_later(sync_client.close)
    env.close_later(async_client.close)
    image = env.image

    def top(result: Any) -> str:
        return str(max(result, key=lambda item: item.score).label)

    # Its typed input for this model is the image as a list of 8-bit integers.
    return [
        Side(
            "cloudflare Cloudflare.ai.run",
            lambda: sync_client.ai.run(model, account_id=account, image=list(image)),
            False,
            top,
        ),
        Side(
            "cloudflare AsyncCloudflare.ai.run",
            lambda: async_client.ai.run(model, account_id=account, image=list(image)),
            True,
            top,
        ),
    ]


# Edge Impulse -------------------------------------------------------------------------------


def _edge_impulse(case: Case, target: Target, env: Env, reference: Any) -> list[Side]:
    sdk = _import("edgeimpulse_api", "edgeimpulse-api")
    configuration = sdk.Configuration(host=target.base_url, api_key={"ApiKeyAuthentication": KEY})
    api_client = sdk.ApiClient(configuration)
    env.close_later(api_client.close)
    api = sdk.ClassifyApi(api_client)
    project = int(reference.model)
    path = str(SAMPLE)  # it takes a file path only, and reads the file on every call

    def top(result: Any) -> str:
        scores: dict[str, float] = result.result
        return max(scores, key=lambda label: scores[label])

    return [
        Side(
            "edgeimpulse_api ClassifyApi.classify_image",
            lambda: api.classify_image(project_id=project, image=path),
            False,
            top,
        )
    ]


# Roboflow -----------------------------------------------------------------------------------


def _roboflow(case: Case, target: Target, env: Env, reference: Any) -> list[Side]:
    sdk = _import("inference_sdk", "inference-sdk")
    client = sdk.InferenceHTTPClient(api_url=target.base_url, api_key=KEY)
    client.select_api_v0()  # the hosted classify.roboflow.com API, as ours calls it
    # The key as a query parameter, as classify.roboflow.com takes it (and as ours sends
    # it); saying so explicitly also silences the SDK's warning about that default.
    client.configure(sdk.InferenceConfiguration(api_key_transport="legacy"))
    model = reference.model
    path = str(SAMPLE)  # a path, a URL, a numpy array, a PIL image or base64 text

    def top(result: Any) -> str:
        return str(max(result["predictions"], key=lambda p: p["confidence"])["class"])

    return [
        Side(
            "inference_sdk InferenceHTTPClient.infer",
            lambda: client.infer(path, model_id=model),
            False,
            top,
        ),
        Side(
            "inference_sdk InferenceHTTPClient.infer_async",
            lambda: client.infer_async(path, model_id=model),
            True,
            top,
        ),
    ]


PEERS = (
    Peer(
        "huggingface",
        "huggingface_hub InferenceClient / AsyncInferenceClient",
        "huggingface_hub",
        False,
        _huggingface,
    ),
    Peer(
        "cloudflare",
        "cloudflare Cloudflare / AsyncCloudflare .ai.run",
        "cloudflare",
        False,
        _cloudflare,
    ),
    Peer(
        "edge_impulse",
        "edgeimpulse_api ClassifyApi.classify_image",
        "edgeimpulse-api",
        True,
        _edge_impulse,
        heavy=True,
    ),
    Peer(
        "roboflow",
        "inference_sdk InferenceHTTPClient.infer / infer_async",
        "inference-sdk",
        True,
        _roboflow,
        not_in_extra="not in the bench extra: it needs pillow<13, and ~630 MB (see notes)",
    ),
)


# --------------------------------------------------------------------------- timing
