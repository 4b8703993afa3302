"""`python -m tools main`: the README's main job.

Regenerate the clients (a no-op when the lock says nothing changed), prove the result
reproducible by regenerating into a scratch folder, check that every package imports
with every operation of its effective spec, then classify a sample image through each
typed client against its local mock.
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass, field

import httpx

from image_classify._prism_fleet import MOCK_KEY  # the credential sent to the mocks
from image_classify._providers import ProviderInfo
from tools import effective as eff
from tools.errors import ToolError
from tools.generate import ENDPOINT_FUNCTIONS, endpoints
from tools.manifest import ROOT, select
from tools.regen import regen

SAMPLE = ROOT / "samples" / "sample.jpg"


@dataclass
class Row:
    provider: str
    operation: str = ""
    statuses: list[int] = field(default_factory=list)
    label: str = ""
    score: float | None = None
    latency_ms: float = 0.0
    error: str = ""


def classify_sample(key: str, base_url: str, info: ProviderInfo) -> Row:
    """One provider's classification of the sample through classify() and its typed client;
    the caller-supplied httpx.Client records what went over the wire."""
    from image_classify import classify
    from image_classify.errors import ImageClassifyError

    row = Row(key)
    seen: list[tuple[str, int]] = []

    def record(response: httpx.Response) -> None:
        seen.append(
            (f"{response.request.method} {response.request.url.path}", response.status_code)
        )

    started = time.perf_counter()
    with httpx.Client(base_url=base_url, event_hooks={"response": [record]}) as http:
        try:
            result = classify(
                SAMPLE,
                provider=key,
                model=info.example_model,
                api_key=MOCK_KEY,
                **info.mock_options,  # e.g. an account id, as the manifest's [mock] gives it
                base_url=base_url,
                http_client=http,
            )
            if result.top is not None:
                row.label, row.score = result.top.label, result.top.score
        except ImageClassifyError as exc:
            row.error = str(exc)
    row.latency_ms = (time.perf_counter() - started) * 1000
    row.operation = " + ".join(op for op, _ in seen)
    row.statuses = [status for _, status in seen]
    return row


def classification_table() -> list[Row]:
    from image_classify._providers import providers
    from tools.mock import running_mocks

    infos = providers()
    with running_mocks() as urls:
        return [classify_sample(key, url, infos[key]) for key, url in urls.items()]


def print_table(rows: list[Row]) -> None:
    header = (
        f"{'provider':15} {'operation':58} {'HTTP':8} {'top label':22} {'score':>7} {'latency':>9}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        status = ",".join(map(str, row.statuses)) or "-"
        score = f"{row.score:.4f}" if row.score is not None else "-"
        label = row.label or (f"error: {row.error}" if row.error else "-")
        print(
            f"{row.provider:15} {row.operation[:58]:58} {status:8} {label[:22]:22} "
            f"{score:>7} {row.latency_ms:7.0f} ms"
        )


def verify_imports(names: list[str] | None = None) -> list[tuple[str, str, int]]:
    """(provider, package, operations) after importing every endpoint module."""
    rows = []
    for provider in select(names):
        package = importlib.import_module(provider.package)
        for name in ("Client", "AuthenticatedClient"):
            if not hasattr(package, name):
                raise ToolError(f"{provider.package} does not export {name}.")
        found = endpoints(provider.package_dir)
        for endpoint in found:
            dotted = endpoint.module.removesuffix(".py").replace("/", ".")
            module = importlib.import_module(f"{provider.package}.{dotted}")
            missing = [f for f in ENDPOINT_FUNCTIONS if not callable(getattr(module, f, None))]
            if missing:
                raise ToolError(f"{provider.package}.{dotted} lacks {', '.join(missing)}.")
        expected = len(eff.build(provider).operations())
        if len(found) != expected:
            raise ToolError(
                f"{provider.package} has {len(found)} operation module(s); its effective "
                f"spec has {expected}. Run `python -m tools regen`."
            )
        rows.append((provider.key, provider.package, len(found)))
    return rows


def main_job() -> int:
    print("== regenerate (skips providers whose hashes match the lock)")
    regen()
    print("== verify: regenerate into a scratch folder and compare byte for byte")
    outcomes = regen(check=True)
    stale = [o.key for o in outcomes if o.status == "differs"]
    if stale:
        raise ToolError(f"regeneration is not reproducible for {', '.join(stale)}.")
    print("== verify: every package imports with every operation")
    for key, package, count in verify_imports():
        print(f"{key:16} {package:24} {count} operation(s), sync + async")
    print(f"== classify {SAMPLE.relative_to(ROOT)} with classify() through each typed client")
    print("   against its local Prism mock (started now, stopped after)")
    rows = classification_table()
    print_table(rows)
    failed = [row.provider for row in rows if row.error or not row.label]
    if failed:
        raise ToolError(f"classification against the mocks failed for {', '.join(failed)}.")
    return 0
