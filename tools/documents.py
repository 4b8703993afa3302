"""Document files: loading, locating and writing OpenAPI and Overlay documents.

- `load_document` reads a regular file (a FIFO or a device would block or never end) and
  parses it (`tools.parsing`: JSON or JSON-compatible YAML, hostile input refused); the
  top level must be a mapping. Every failure is a `ToolError` naming the file.
- `locate` turns JSON pointers back into `line:col` in the file, for messages.
- `dump_yaml` and `write_atomic`: deterministic output, written so that a failed write
  leaves the previous file untouched.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:  # libyaml's C emitter: same results, many times faster
    from yaml import CSafeDumper as _BaseDumper
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]

from tools.errors import ToolError
from tools.parsing import compose_yaml, line_col, parse_json, parse_yaml
from tools.pointers import parse_json_pointer

__all__ = [
    "dump_yaml",
    "load_document",
    "locate",
    "write_atomic",
]

_STR_TAG = "tag:yaml.org,2002:str"


# --------------------------------------------------------------------------- loading


def load_document(path: Path) -> Any:
    """Load an OpenAPI or Overlay document: `.json` as JSON, anything else as YAML.

    Returns the top-level mapping (a `dict`). Raises `ToolError` for a missing or
    unreadable file, a syntax error (`file:line:col: message` and a hint), a YAML alias
    bomb or recursive alias, a non-string mapping key that cannot be made one, a document
    nested too deeply, or a top level that is not a mapping.
    """
    path = Path(path)
    try:
        data = _read_regular_file(path)
    except FileNotFoundError:
        raise ToolError(f"{path}: no such file. Check the path (and the manifest).") from None
    except IsADirectoryError:
        raise ToolError(f"{path}: is a folder, not a document file.") from None
    except OSError as err:
        raise ToolError(
            f"{path}: cannot be read ({err.strerror or err}). Check that the file exists "
            "and that you may read it."
        ) from None
    try:
        if path.suffix.lower() == ".json":
            document = parse_json(path, data)
        else:
            document = parse_yaml(path, data)
    except RecursionError:
        raise ToolError(
            f"{path}: nested too deeply to be read. An OpenAPI or Overlay document is "
            "never nested this deep; check that the file is what you meant."
        ) from None
    if not isinstance(document, dict):
        if document is None:
            kind = "null" if data.strip() else "empty"
        else:
            kind = f"a {_json_type(document)}"
        raise ToolError(
            f"{path}: the top level is {kind}, but an OpenAPI or Overlay document is a "
            "mapping (an object with keys such as 'openapi' or 'overlay'). Check that this "
            "is the right file."
        )
    return document


def _read_regular_file(path: Path) -> bytes:
    """The bytes of a regular file. A folder, FIFO, socket or device is refused before
    anything is read: reading a FIFO blocks until a writer comes, /dev/zero never ends.
    O_NONBLOCK keeps the open itself from waiting on a FIFO; regular files ignore it."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(mode):
            raise ToolError(
                f"{path}: is not a regular file (a FIFO, socket or device), so it is not "
                "read. Give the path of a document file."
            )
        return handle.read()


def _json_type(value: Any) -> str:
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if value is None:
        return "null"
    return type(value).__name__


def locate(path: Path, pointers: Iterable[str]) -> dict[str, str]:
    """`line:col` in the file of each JSON pointer that names something there.

    For messages only: the file is read again and composed (its depth was checked when it
    was loaded); a pointer the file does not have (added by an overlay) is left out, and
    any failure gives an empty answer rather than an error.
    """
    try:
        root = compose_yaml(_read_regular_file(Path(path)))
    except (OSError, ToolError, yaml.YAMLError, ValueError):
        return {}
    found: dict[str, str] = {}
    for pointer in pointers:
        try:
            tokens = parse_json_pointer(pointer)
        except ValueError:
            continue
        node: Node | None = root
        mark = root.start_mark if root is not None else None
        for token in tokens:
            if isinstance(node, MappingNode):
                pair = next(
                    (p for p in node.value if isinstance(p[0], ScalarNode) and p[0].value == token),
                    None,
                )
                node, mark = (pair[1], pair[0].start_mark) if pair else (None, None)
            elif (
                isinstance(node, SequenceNode) and token.isdigit() and int(token) < len(node.value)
            ):
                node = node.value[int(token)]
                mark = node.start_mark
            else:
                node, mark = None, None
            if node is None:
                break
        if node is not None and mark is not None:
            found[pointer] = line_col(mark)
    return found


# --------------------------------------------------------------------------- output


class _Dumper(_BaseDumper):
    """SafeDumper that never writes aliases and writes multi-line strings as blocks."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.representer.SafeRepresenter, data: str) -> Node:
    if "\n" in data:
        return dumper.represent_scalar(_STR_TAG, data, style="|")
    return dumper.represent_scalar(_STR_TAG, data)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(doc: Any) -> str:
    """Dump a JSON-like document as YAML, deterministically.

    Keys keep their order (no sorting), lines are not wrapped, non-ASCII text is written as
    it is, multi-line strings become `|` blocks where YAML allows, and shared objects are
    written out in full (never as aliases).
    """
    text: str = yaml.dump(
        doc,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=2**31 - 1,
        default_flow_style=False,
    )
    return text


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write `data` (str is encoded as UTF-8) to `path` atomically.

    The content goes to a temporary file in the same folder, is flushed to disk, and then
    replaces `path` with `os.replace`. If anything fails, `path` keeps its old content, the
    temporary file is removed and a `ToolError` names the file.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileNotFoundError):  # a new file keeps the umask's mode
                os.chmod(temp, stat.S_IMODE(os.stat(path).st_mode))
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    except OSError as err:
        raise ToolError(
            f"{path}: could not be written ({err.strerror or err}); the previous content, "
            "if any, is unchanged. Check that the folder exists, that you may write to it "
            "and that the disk is not full."
        ) from None
