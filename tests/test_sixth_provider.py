"""A sixth provider is four files: a spec, an overlay, a manifest entry, an adapter.

In a copy of the project (its own git repository, so the change can be listed), provider
`acme` is added by writing exactly those four things: a copy of Hugging Face's spec with
another title, servers and an API-key header of its own (X-Acme-Key), an overlay, a
manifest entry and an adapter. `python -m tools regen` then generates the rest, and:
regen --check is in sync, mypy --strict passes, acme's contract tests pass against its
Prism mock, `image-classify --provider acme --mock` prints a table, and git lists nothing
but the four files and the generated output.

The copy reuses this checkout's virtualenv (sys.executable) and Prism (a node_modules
link, as tools/mock_server.py finds it under the project root); nothing else is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = "huggingface"  # the provider acme copies
ACME_URL = "https://api.acme.example/v1"
ACME_LEGACY_URL = "https://legacy.acme.example"
HF_URLS = {
    "https://router.huggingface.co/hf-inference": ACME_URL,
    "https://api-inference.huggingface.co": ACME_LEGACY_URL,
}
BEARER = """    HuggingFaceToken:
      type: http
      scheme: bearer
      bearerFormat: hf_*
"""
API_KEY = """    HuggingFaceToken:
      type: apiKey
      in: header
      name: X-Acme-Key
"""
# What writing the four files and running regen may change, and nothing else.
FOUR_FILES = {
    "specs/acme.yaml",
    "overlays/acme.yaml",
    "image_classify/providers.toml",
    "image_classify/adapters/acme.py",
}
GENERATED = {
    "generated/acme_client/",
    "generation.lock.json",
    "image_classify/_typed.py",
    "image_classify/_typed_classifiers.py",
    "image_classify/_specs/acme.json",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _replace(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        assert old in text, f"{old!r} is no longer in the {TEMPLATE} file this test copies"
        text = text.replace(old, new)
    return text


def _copy_project(target: Path) -> None:
    """The working tree's files as git sees them (tracked and new, ignored ones aside)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is skipped
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / "node_modules").symlink_to(ROOT / "node_modules")


def _git(copy: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=copy,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _add_acme(copy: Path, port: int) -> None:
    """The four files, and only them."""
    spec = (ROOT / f"specs/{TEMPLATE}.yaml").read_text(encoding="utf-8")
    title = "title: Hugging Face Inference API (image classification)"
    (copy / "specs/acme.yaml").write_text(
        _replace(spec, {title: "title: Acme Vision API", BEARER: API_KEY, **HF_URLS}),
        encoding="utf-8",
    )
    overlay = (ROOT / f"overlays/{TEMPLATE}.yaml").read_text(encoding="utf-8")
    (copy / "overlays/acme.yaml").write_text(_replace(overlay, HF_URLS), encoding="utf-8")
    with (copy / "image_classify/providers.toml").open("a", encoding="utf-8") as manifest:
        manifest.write(
            f"""
[providers.acme]
title = "Acme Vision"
spec = "specs/acme.yaml"
origin = "hand-written"
sources = ["specs/huggingface.yaml, copied by tests/test_sixth_provider.py"]
overlays = ["overlays/acme.yaml"]
package = "acme_client"
mock_port = {port}
base_url = "{ACME_URL}"

[providers.acme.auth]
style = "header"
name = "X-Acme-Key"
env = ["ACME_API_KEY"]

[providers.acme.generator]
project_name_override = "acme-client"
use_path_prefixes_for_title_model_names = false
"""
        )
    adapter = (ROOT / f"image_classify/adapters/{TEMPLATE}.py").read_text(encoding="utf-8")
    adapter = _replace(adapter, {"huggingface_client": "acme_client", '"huggingface"': '"acme"'})
    (copy / "image_classify/adapters/acme.py").write_text(adapter, encoding="utf-8")


def test_a_sixth_provider_is_four_files(tmp_path: Path) -> None:
    copy = tmp_path / "project"
    copy.mkdir()
    _copy_project(copy)
    _git(copy, "init", "-q")
    (copy / ".git/info/exclude").write_text("/node_modules\n", encoding="utf-8")
    _git(copy, "add", "-A")
    _git(copy, "commit", "-q", "-m", "five providers")

    _add_acme(copy, _free_port())

    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        # The copy's packages, not this checkout's (its editable install is on the path).
        "PYTHONPATH": os.pathsep.join([str(copy), str(copy / "generated")]),
        "CONTRACT_PROVIDERS": "acme",
        "NO_COLOR": "1",
    }

    def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, *args],
            cwd=copy,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, f"{args}:\n{(done.stdout + done.stderr)[-4000:]}"
        return done

    run("-m", "tools", "regen")
    run("-m", "tools", "regen", "--check")

    changed = {line[3:] for line in _git(copy, "status", "--porcelain").splitlines()}
    assert changed == FOUR_FILES | GENERATED, sorted(changed ^ (FOUR_FILES | GENERATED))
    assert (copy / "generated/acme_client/py.typed").is_file()

    # The project's own strict configuration; a cache that outlives the copy keeps reruns
    # fast (mypy keys it by module, and checks each file's hash).
    cache = ROOT / ".build" / "mypy-sixth-provider"
    run("-m", "mypy", "--cache-dir", str(cache), "image_classify", "tools", "generated")

    contract = run(
        "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/contract", "-k", "acme",
        timeout=600,
    )  # fmt: skip
    print(contract.stdout[-2000:])  # shown with -rP: the contract summary for acme
    passed = re.search(r"(\d+) passed", contract.stdout)
    assert passed and int(passed.group(1)) >= 10, contract.stdout[-3000:]
    assert "acme" in contract.stdout  # the per-provider case count of the summary

    table = run("-m", "image_classify", "samples/sample.jpg", "--provider", "acme", "--mock")
    print(table.stdout)
    assert "acme" in table.stdout, table.stdout
    assert re.search(r"\d\.\d", table.stdout), table.stdout  # a score column

    # The documentation site has its page too, written from the manifest and the adapter.
    run("-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site"))
    page = (tmp_path / "site" / "providers" / "acme.html").read_text(encoding="utf-8")
    assert "X-Acme-Key" in page and "ACME_API_KEY" in page


def test_contributing_shows_a_manifest_entry_the_manifest_accepts() -> None:
    """CONTRIBUTING.md's example entry parses as the runtime and the pipeline read it."""
    from image_classify._providers import need, parse_auth, parse_manifest
    from tools.upstream import Upstream, _upstream

    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    [block] = re.findall(r"```toml\n(.*?)```", text, re.S)
    example = "\n".join(line.removeprefix("   ") for line in block.splitlines())
    [(key, table)] = parse_manifest(example).items()
    where = f"providers.{key}"
    kinds: dict[str, type] = {"title": str, "spec": str, "origin": str, "sources": list}
    kinds |= {"overlays": list, "package": str, "mock_port": int, "base_url": str}
    for name, kind in kinds.items():
        need(table, name, kind, where)
    assert parse_auth(table, where).name == "X-Acme-Key"
    assert _upstream(key, table["upstream"]) == Upstream(key, "page", table["upstream"]["url"])
