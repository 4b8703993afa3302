"""Type-check the staged generated packages before regen installs them.

The generator can emit code that is valid Python but fails `mypy --strict` (a schema
`Labels` with a property `labels`: the model's field shadows the class in its own
annotations). The project's mypy run would find it only after regen had replaced
generated/; here it is found in the scratch folder, and the error names the schema and the
overlay that would fix it.

One mypy process checks every staged package, so its fixed cost (the standard library,
httpx and attrs, analysed afresh each run: the cache lives in the scratch folder, since
.build/ keeps nothing else between runs) is paid once: about 4.9 s for all five packages,
against 13.3 s when checked one by one. The options are the project's own `[tool.mypy]`
(pyproject.toml), with `mypy_path` pointed at the staged packages instead of generated/.
`regen --check` skips it: it installs nothing, and a tree in sync is the committed one,
which the project's own mypy run checks.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openapi_python_client.strings import ClassName, snake_case

from tools.effective import Effective
from tools.errors import ToolError
from tools.manifest import ROOT

TIMEOUT_S = 300
# Options that would point mypy at the committed tree, not the staged one.
DROPPED = {"files", "mypy_path", "exclude"}
SHOWN_LINES = 10
_LINE = re.compile(r"^(?P<file>[^:\n]+\.py):(?P<line>\d+):(?:\d+:)? error: (?P<text>.*)$", re.M)


@dataclass(frozen=True)
class Staged:
    """A generated package in the scratch folder (`folder/<package>`) and what it came from."""

    effective: Effective
    folder: Path  # the package's parent: what mypy_path lists


def _project_config() -> dict[str, Any]:
    """[tool.mypy] of the project. A copy of the pipeline without pyproject.toml (the
    tests' project copies) uses the one of the project whose interpreter runs it."""
    for candidate in (ROOT / "pyproject.toml", Path(sys.prefix).parent / "pyproject.toml"):
        if candidate.is_file():
            config = tomllib.loads(candidate.read_text(encoding="utf-8"))
            mypy = config.get("tool", {}).get("mypy")
            if isinstance(mypy, dict):
                return mypy
    raise ToolError(
        "no [tool.mypy] in pyproject.toml: regen type-checks what it generates with the "
        "project's mypy options before installing it. Restore pyproject.toml."
    )


def _ini_value(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, list):
        return ",".join(map(str, value))
    return str(value)


def write_config(path: Path) -> Path:
    """The project's mypy options as an INI file at `path` (what --config-file takes)."""
    config = _project_config()
    lines = ["[mypy]"]
    for key, value in config.items():
        if key not in DROPPED and key != "overrides":
            lines.append(f"{key} = {_ini_value(value)}")
    for override in config.get("overrides", []):
        modules = override.get("module", [])
        modules = [modules] if isinstance(modules, str) else modules
        lines.append(f"[mypy-{','.join(modules)}]")
        lines += [f"{k} = {_ini_value(v)}" for k, v in override.items() if k != "module"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def schema_of_module(effective: Effective, stem: str) -> str | None:
    """The components/schemas name whose model module is `stem` (models/<stem>.py), or
    whose inline parts are (`labels_labels_item` comes from `Labels`): the longest match."""
    schemas = (effective.document.get("components") or {}).get("schemas") or {}
    best: tuple[int, str] | None = None
    for name, schema in schemas.items():
        title = schema.get("title") if isinstance(schema, dict) else None
        for source in {str(name), *([title] if isinstance(title, str) else [])}:
            module = snake_case(ClassName(source, ""))
            if (stem == module or stem.startswith(module + "_")) and (
                best is None or len(module) > best[0]
            ):
                best = (len(module), str(name))
    return None if best is None else best[1]


def _explain(staged: Staged, package_file: str, errors: list[str]) -> str:
    provider = staged.effective.provider
    overlay = provider.rel(provider.overlays[-1]) if provider.overlays else None
    parts = Path(package_file).parts
    schema = schema_of_module(staged.effective, Path(package_file).stem)
    shown = errors[:SHOWN_LINES] + (
        [f"... and {len(errors) - SHOWN_LINES} more"] if len(errors) > SHOWN_LINES else []
    )
    where = f"the generated {provider.package}/{package_file}"
    if "models" in parts and schema is not None:
        what = (
            f"schema {schema!r} (#/components/schemas/{schema} in the effective spec of "
            f"{provider.key}): {where}"
        )
        fix = (
            f"Give the schema a `title` (a model name that clashes with none of its "
            f"properties), or rename the clashing property, with an action in "
            f"{overlay or f'an overlay of {provider.key}'} such as "
            f"`target: $.components.schemas.{schema}` with `update: {{title: ...}}`."
        )
    else:
        what = f"{where} (from the effective spec of {provider.key})"
        fix = (
            f"Fix the spec through {overlay or 'an overlay'} or the generator config in "
            "image_classify/providers.toml."
        )
    return (
        f"{what} fails mypy --strict:\n"
        + "\n".join(f"  | {line}" for line in shown)
        + f"\n{fix} Nothing was written to generated/."
    )


def typecheck(staged: list[Staged], scratch: Path) -> None:
    """mypy --strict (the project's options) over every staged package in one process;
    ToolError naming the schema and overlay of the first package that fails."""
    if not staged:
        return
    config = write_config(scratch / "mypy.ini")
    command = [sys.executable, "-m", "mypy", "--config-file", str(config)]
    command += [
        "--cache-dir",
        str(scratch / "mypy-cache"),
        "--no-error-summary",
        "--show-absolute-path",
    ]
    for item in staged:
        command += ["-p", item.effective.provider.package]
    env = dict(os.environ)
    env["MYPYPATH"] = os.pathsep.join(str(item.folder) for item in staged)
    try:
        done = subprocess.run(
            command,
            cwd=scratch,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ToolError(f"mypy did not finish within {TIMEOUT_S} s on generated code.") from None
    if done.returncode == 0:
        return
    output = done.stdout + done.stderr
    for item in staged:
        root = (item.folder / item.effective.provider.package).resolve()
        by_file: dict[str, list[str]] = {}
        for match in _LINE.finditer(output):
            path = Path(match["file"]).resolve()
            if path.is_relative_to(root):
                rel = path.relative_to(root).as_posix()
                by_file.setdefault(rel, []).append(f"{rel}:{match['line']}: {match['text']}")
        if by_file:
            first = sorted(by_file)[0]
            raise ToolError(_explain(item, first, by_file[first]))
    lines = output.strip().splitlines()[:SHOWN_LINES]
    raise ToolError(
        f"mypy failed on the generated code (exit {done.returncode}):\n"
        + "\n".join(f"  | {line}" for line in lines)
        + "\nNothing was written to generated/."
    )
