"""Run openapi-python-client on an effective spec and check what it produced.

One provider's generation happens in a scratch folder; nothing here touches `generated/`
(see `tools.regen` for the atomic swap).
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.effective import Effective
from tools.errors import ToolError
from tools.scratch import owner_fd
from tools.templates import write_templates

# The generator formats its output with ruff. `--isolated` keeps the bytes independent of
# where the scratch folder is (no config file is picked up) and `--no-cache` leaves no
# .ruff_cache behind; the line length is the project's (pyproject.toml), so
# `ruff format --check` over the whole tree agrees with these bytes.
LINE_LENGTH = 100
POST_HOOKS = [
    f"ruff check . --fix-only --extend-select=I --isolated --no-cache --quiet "
    f"--line-length {LINE_LENGTH}",
    f"ruff format . --isolated --no-cache --quiet --line-length {LINE_LENGTH}",
]
ENDPOINT_FUNCTIONS = ("sync", "sync_detailed", "asyncio", "asyncio_detailed")
PY_TYPED = "# PEP 561: this package ships inline type hints.\n"
# Bounded so a wedged generator cannot hang CI.
GENERATOR_TIMEOUT_S = 300
# The generator echoes the offending spec fragment as JSON; its head says what is wrong.
SHOWN_OUTPUT_LINES = 20


@dataclass(frozen=True)
class Endpoint:
    module: str  # e.g. api/classify/classify_image.py
    method: str
    url: str  # path template with parameter names blanked: /api/{}/classify/image


def generator_config(effective: Effective) -> dict[str, Any]:
    config = dict(effective.provider.generator)
    config["package_name_override"] = effective.provider.package
    config["post_hooks"] = POST_HOOKS
    return config


def _blank_params(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def run_generator(effective: Effective, scratch: Path) -> Path:
    """Generate the provider's package into `scratch/<package>`; return that folder."""
    provider = effective.provider
    scratch.mkdir(parents=True, exist_ok=True)
    spec_path = scratch / f"{provider.key}.effective.yaml"
    spec_path.write_text(effective.text, encoding="utf-8")
    config_path = scratch / f"{provider.key}.generator.json"
    config_path.write_text(json.dumps(generator_config(effective), indent=2), encoding="utf-8")
    out = scratch / provider.package
    command = [
        sys.executable,
        "-m",
        "openapi_python_client",
        "generate",
        "--path",
        str(spec_path),
        "--config",
        str(config_path),
        "--meta",
        "none",
        "--output-path",
        str(out),
        "--custom-template-path",
        str(write_templates(scratch / "templates")),
        "--fail-on-warning",
    ]
    # The post hooks call `ruff` by name: use the one pinned in this environment.
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    try:
        held = owner_fd(scratch)
        done = subprocess.run(
            command,
            env=env,
            pass_fds=() if held is None else (held,),
            capture_output=True,
            text=True,
            timeout=GENERATOR_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ToolError(
            f"openapi-python-client did not finish within {GENERATOR_TIMEOUT_S} s for "
            f"{provider.key}. Nothing was written to generated/."
        ) from None
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0 or re.search(r"\bwarning", output, re.IGNORECASE):
        lines = output.splitlines()
        if len(lines) > SHOWN_OUTPUT_LINES:
            cut = len(lines) - SHOWN_OUTPUT_LINES
            lines = [*lines[:SHOWN_OUTPUT_LINES], f"... ({cut} more lines)"]
        raise ToolError(
            f"openapi-python-client failed or warned for {provider.key} "
            f"(exit {done.returncode}); a warning means a skipped endpoint or construct, "
            "so it fails the run. Fix the spec through an overlay or the generator config "
            "in image_classify/providers.toml. Nothing was written to generated/. "
            "Generator output:\n" + "\n".join(f"  | {line}" for line in lines)
        )
    shutil.rmtree(out / ".ruff_cache", ignore_errors=True)
    (out / "py.typed").write_text(PY_TYPED, encoding="utf-8")
    check_package(effective, out)
    return out


def _endpoint(module: Path, root: Path) -> Endpoint | None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    if not set(ENDPOINT_FUNCTIONS) <= names:
        return None
    method = url = None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Dict):
            continue
        for key, value in zip(node.keys, node.values, strict=True):
            if not isinstance(key, ast.Constant):
                continue
            if key.value == "method" and isinstance(value, ast.Constant):
                method = str(value.value).upper()
            if key.value == "url":
                # Either "/path" or "/path/{x}".format(...)
                if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
                    value = value.func.value
                if isinstance(value, ast.Constant):
                    url = _blank_params(str(value.value))
    if method is None or url is None:
        return None
    return Endpoint(module.relative_to(root).as_posix(), method, url)


def endpoints(package_dir: Path) -> list[Endpoint]:
    found = []
    for module in sorted((package_dir / "api").rglob("*.py")):
        endpoint = _endpoint(module, package_dir)
        if endpoint is not None:
            found.append(endpoint)
    return found


def check_package(effective: Effective, package_dir: Path) -> None:
    """Every operation of the effective spec has its four functions; no `Test*` class."""
    have = {(e.method, e.url) for e in endpoints(package_dir)}
    missing = [
        f"{method} {path}"
        for method, path, _ in effective.operations()
        if (method, _blank_params(path)) not in have
    ]
    if missing:
        raise ToolError(
            f"the generated {effective.provider.package} lacks operation(s) "
            f"{', '.join(missing)} of the effective spec of {effective.provider.key}. "
            "The generator skipped them without a warning; fix the spec through an overlay."
        )
    # pytest collects any class named Test* that it can import; generated models must not be.
    bad = sorted(
        f"{path.relative_to(package_dir).as_posix()}: class {m.group(1)}"
        for path in package_dir.rglob("*.py")
        for m in re.finditer(r"^class (Test\w*)", path.read_text(encoding="utf-8"), re.M)
    )
    if bad:
        raise ToolError(
            f"the generated {effective.provider.package} has class names starting with `Test` "
            f"({'; '.join(bad)}); pytest would collect them. Give the schema a `title` "
            "in an overlay."
        )
