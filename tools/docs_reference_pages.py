"""The pages that document the code from the code itself: the CLI's `--help` texts (run
in a subprocess, as a user would see them) and the API reference's list of public names
(image_classify.__all__, rendered by mkdocstrings).
"""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from typing import Any

HELP_COLUMNS = "88"
# The CLI lists its commands under this heading in --help (click's layout).
COMMANDS_HEADING = "Commands:"


def _help(*args: str) -> str:
    env = {**os.environ, "COLUMNS": HELP_COLUMNS, "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "image_classify", *args, "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"`image-classify {' '.join(args)} --help` exited {done.returncode}: "
            f"{done.stderr.strip()[-500:]}"
        )
    return done.stdout.replace("python -m image_classify", "image-classify").rstrip()


def _commands(top: str) -> list[str]:
    """The command names click lists under "Commands:" in the top-level help."""
    names: list[str] = []
    inside = False
    for line in top.splitlines():
        if line.strip() == COMMANDS_HEADING:
            inside = True
        elif inside:
            match = re.match(r"^  (\S+)\s", line + " ")
            if not line.strip() or not match:
                break
            names.append(match.group(1))
    return names


def cli_help() -> str:
    top = _help()
    parts = ["```text", f"$ image-classify --help\n{top}", "```", ""]
    for name in _commands(top):
        parts += ["```text", f"$ image-classify {name} --help\n{_help(name)}", "```", ""]
    return "\n".join(parts)


def _kind(value: Any) -> str:
    if isinstance(value, type) and issubclass(value, BaseException):
        return "errors"
    if isinstance(value, type):
        return "classes"
    if inspect.isfunction(value) or inspect.isbuiltin(value):
        return "functions"
    return "other"


API_GROUPS = (
    ("classes", "Client objects, results and options"),
    ("functions", "Functions"),
    ("other", "Constants and types"),
)


def api_reference() -> str:
    """`::: image_classify.NAME` for every name of `image_classify.__all__`, by kind, in
    `__all__` order; the errors (image_classify.errors, re-exported) are listed with links
    to their own page instead of being rendered twice."""
    import image_classify

    # Classifier and AsyncClassifier are what most readers look for: first.
    names = sorted(image_classify.__all__, key=lambda name: (not name.endswith("Classifier"), name))
    kinds = {name: _kind(getattr(image_classify, name)) for name in names}
    parts: list[str] = []
    for kind, heading in API_GROUPS:
        chosen = [name for name in names if kinds[name] == kind]
        if chosen:
            parts += [f"## {heading}", ""]
            parts += [f"::: image_classify.{name}\n" for name in chosen]
    errors = [name for name in names if kinds[name] == "errors"]
    if errors:
        parts += [
            "## Errors",
            "",
            "Exported here too, documented in [image_classify.errors](errors.md): "
            + ", ".join(f"[`{name}`][image_classify.errors.{name}]" for name in errors)
            + ".",
            "",
        ]
    return "\n".join(parts)
