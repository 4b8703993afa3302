"""Loading and dumping OpenAPI and Overlay documents.

- `load_document` reads JSON (with the json module: the 4 MB Cloudflare document loads in
  well under a second) or YAML (libyaml's CSafeLoader when PyYAML has it). Every failure is
  a `ToolError` naming the file and, where there is one, the `line:col`.
- YAML is read JSON-compatibly: dates stay strings, integer mapping keys (`200:`) become
  strings, and alias expansion is bounded so a "billion laughs" document is refused.
- `external_refs` / `reject_external_refs`: the pipeline works on self-contained documents.
- `dump_yaml` and `write_atomic`: deterministic output, written so that a failed write
  leaves the previous file untouched.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

try:  # libyaml's C parser and emitter: same results, many times faster
    from yaml import CSafeDumper as _BaseDumper
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

from tools.errors import ToolError

__all__ = [
    "MAX_ALIAS_EXPANSION",
    "dump_yaml",
    "escape_pointer_token",
    "external_refs",
    "json_pointer",
    "load_document",
    "parse_json_pointer",
    "pointer_for_humans",
    "reject_external_refs",
    "write_atomic",
]

MAX_ALIAS_EXPANSION = 1_000_000
"""How many nodes YAML aliases may add to a document when it is expanded.

An alias is a reference to an anchored node; a document's meaning is its expansion (a JSON
tree). Real OpenAPI documents use a handful of aliases; a "billion laughs" document uses
nested aliases to expand a few hundred bytes into billions of nodes. Anything past this
bound is refused.
"""

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_INT_TAG = "tag:yaml.org,2002:int"
_STR_TAG = "tag:yaml.org,2002:str"
_YAML_HINT = (
    "Fix the YAML at that place: check the indentation (spaces, not tabs), that every "
    "'key: value' pair is on its own line, and quote values that start with a special "
    "character such as ':', '{', '[', '*', '&', '!', '%', '@' or '`'."
)
_JSON_HINT = (
    "Fix the JSON at that place: check for a missing or trailing comma, an unclosed "
    "bracket or brace, and that strings and keys use double quotes."
)


# --------------------------------------------------------------------------- JSON pointers


def escape_pointer_token(token: str | int) -> str:
    """Escape one reference token for a JSON pointer (RFC 6901: `~` -> `~0`, `/` -> `~1`)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def json_pointer(parts: Iterable[str | int]) -> str:
    """Build an RFC 6901 JSON pointer from keys and indexes; `[]` gives `""` (the root)."""
    return "".join("/" + escape_pointer_token(part) for part in parts)


def parse_json_pointer(pointer: str) -> list[str]:
    """Split an RFC 6901 JSON pointer into unescaped reference tokens.

    A leading `#` (URI fragment form) is accepted. Raises `ValueError` for a pointer that
    does not start with `/` or has a bad `~` escape.
    """
    if pointer.startswith("#"):
        pointer = pointer[1:]
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"JSON pointer {pointer!r} must be empty or start with '/'")
    tokens = pointer[1:].split("/")
    for token in tokens:
        rest = token.replace("~0", "").replace("~1", "")
        if "~" in rest:
            raise ValueError(f"JSON pointer {pointer!r} has a '~' not followed by 0 or 1")
    return [token.replace("~1", "/").replace("~0", "~") for token in tokens]


def pointer_for_humans(pointer: str) -> str:
    """Show a JSON pointer in a message: the root pointer `""` reads as 'the document root'."""
    return pointer if pointer else "'' (the document root)"


# --------------------------------------------------------------------------- YAML loader


def _mark(mark: yaml.Mark | None) -> str:
    return f"{mark.line + 1}:{mark.column + 1}" if mark is not None else "?:?"


class _KeyTypeError(yaml.constructor.ConstructorError):
    """A mapping key that is not a string; its message already says how to fix it."""


class _JsonCompatibleLoader(_BaseLoader):
    """SafeLoader that keeps dates as strings and integer mapping keys as strings."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        if all(type(key) is str for key in mapping):
            return mapping
        fixed: dict[Hashable, Any] = {}
        for key, value in mapping.items():
            if type(key) is str:
                fixed[key] = value
            elif type(key) is int:
                fixed[str(key)] = value
            else:
                raise _KeyTypeError(
                    None,
                    None,
                    f"mapping key {key!r} is a {type(key).__name__}, but keys of a JSON "
                    "document are strings; quote the key",
                    _key_mark(node),
                )
        return fixed


# Dates stay strings, as in JSON (PyYAML's resolvers are a class-level table; this copy
# leaves yaml.SafeLoader itself unchanged).
_JsonCompatibleLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def _key_mark(node: MappingNode) -> yaml.Mark:
    """Where the first key of a mapping node that is neither a string nor an int starts."""
    for pair in node.value:
        key_node: Node = pair[0]
        if key_node.tag not in (_STR_TAG, _INT_TAG):
            return key_node.start_mark
    return node.start_mark


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _check_alias_expansion(root: Node, path: Path) -> bool:
    """Refuse alias cycles and alias bombs; return whether any node is shared (aliased).

    Walks the composed node graph once (each distinct node once), computing how many nodes
    the document has once every alias is expanded.
    """
    size: dict[int, int] = {}
    entered: set[int] = set()
    shared = False
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        key = id(node)
        if leaving:
            entered.discard(key)
            size[key] = 1 + sum(size[id(child)] for child in _children(node))
            continue
        if key in size:
            shared = True
            continue
        if key in entered:
            raise ToolError(
                f"{path}:{_mark(node.start_mark)}: this YAML node contains an alias to "
                "itself (a recursive anchor), which has no JSON equivalent. Replace the "
                "alias with the content it should have."
            )
        entered.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))
    expanded = size[id(root)]
    added = expanded - len(size)
    if added > MAX_ALIAS_EXPANSION:
        raise ToolError(
            f"{path}: refused: its YAML aliases (*name references to &name anchors) would "
            f"expand the document by {added:,} nodes ({len(size):,} written, {expanded:,} "
            f"once expanded; the limit is {MAX_ALIAS_EXPANSION:,} added nodes). This is the "
            "shape of a 'billion laughs' attack. Write the content out without nested "
            "aliases, or check where the file came from."
        )
    return shared


def _unshare(value: Any) -> Any:
    """Copy a tree so that no dict or list appears twice (expand YAML aliases)."""
    if isinstance(value, dict):
        return {key: _unshare(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unshare(item) for item in value]
    return value


def _yaml_error(path: Path, err: yaml.YAMLError) -> ToolError:
    if isinstance(err, _KeyTypeError):
        return ToolError(f"{path}:{_mark(err.problem_mark)}: {err.problem}.")
    if isinstance(err, yaml.constructor.ConstructorError):
        return ToolError(
            f"{path}:{_mark(err.problem_mark)}: {err.problem}. Only plain YAML is read "
            "(mappings, lists, strings, numbers, booleans, null): remove the tag or quote "
            "the value."
        )
    if isinstance(err, yaml.MarkedYAMLError) and err.problem_mark is not None:
        where = _mark(err.problem_mark)
        problem = err.problem or "invalid YAML"
        context = ""
        if err.context:
            context = f" ({err.context}"
            if err.context_mark is not None:
                context += f" at line {err.context_mark.line + 1}"
            context += ")"
        return ToolError(f"{path}:{where}: {problem}{context}. {_YAML_HINT}")
    if isinstance(err, yaml.reader.ReaderError):
        return ToolError(
            f"{path}: byte {err.position}: {err.reason} (character {err.character!r}). "
            "Save the file as UTF-8 text without control characters."
        )
    return ToolError(f"{path}: invalid YAML: {err}. {_YAML_HINT}")


def _load_yaml(path: Path, data: bytes) -> Any:
    loader = _JsonCompatibleLoader(data)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        # Aliases need anchors: a file without '&' cannot contain one.
        shared = b"&" in data and _check_alias_expansion(node, path)
        document = loader.construct_document(node)
    except yaml.YAMLError as err:
        raise _yaml_error(path, err) from None
    finally:
        loader.dispose()
    return _unshare(document) if shared else document


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _load_json(path: Path, data: bytes) -> Any:
    try:
        return json.loads(data, parse_constant=_refuse_constant)
    except json.JSONDecodeError as err:
        raise ToolError(f"{path}:{err.lineno}:{err.colno}: {err.msg}. {_JSON_HINT}") from None
    except UnicodeDecodeError as err:
        raise ToolError(
            f"{path}: byte {err.start}: not valid {err.encoding} text ({err.reason}). "
            "Save the file as UTF-8."
        ) from None
    except ValueError as err:
        raise ToolError(
            f"{path}: {err} (NaN, Infinity and -Infinity are not allowed in JSON). "
            "Replace it with a number or a string."
        ) from None


def load_document(path: Path) -> Any:
    """Load an OpenAPI or Overlay document: `.json` as JSON, anything else as YAML.

    Returns the top-level mapping (a `dict`). Raises `ToolError` for a missing or
    unreadable file, a syntax error (`file:line:col: message` and a hint), a YAML alias
    bomb or recursive alias, a non-string mapping key that cannot be made one, a document
    nested too deeply, or a top level that is not a mapping.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
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
            document = _load_json(path, data)
        else:
            document = _load_yaml(path, data)
    except RecursionError:
        raise ToolError(
            f"{path}: nested too deeply to be read. An OpenAPI or Overlay document is "
            "never nested this deep; check that the file is what you meant."
        ) from None
    if not isinstance(document, dict):
        kind = "empty" if document is None else f"a {_json_type(document)}"
        raise ToolError(
            f"{path}: the top level is {kind}, but an OpenAPI or Overlay document is a "
            "mapping (an object with keys such as 'openapi' or 'overlay'). Check that this "
            "is the right file."
        )
    return document


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


# --------------------------------------------------------------------------- $ref checks


def _has_external_ref(doc: Any) -> bool:
    stack: list[Any] = [doc]
    pop, extend = stack.pop, stack.extend
    while stack:
        value = pop()
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                return True
            extend(value.values())
        elif isinstance(value, list):
            extend(value)
    return False


def external_refs(doc: Any) -> list[tuple[str, str]]:
    """Return `(JSON pointer of the $ref member, value)` for every non-local `$ref`.

    A `$ref` is local when its value starts with `#`; any other string value is a URL or a
    file. A `$ref` whose value is not a string (a property that happens to be named `$ref`)
    is not a reference and is skipped. Results are in document order.
    """
    if not _has_external_ref(doc):  # the common case, without building any pointer
        return []
    found: list[tuple[str, str]] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(doc, ())]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                found.append((json_pointer((*where, "$ref")), ref))
            children = [
                (item, (*where, key))
                for key, item in value.items()
                if isinstance(item, dict | list)
            ]
            stack.extend(reversed(children))
        elif isinstance(value, list):
            children = [
                (item, (*where, index))
                for index, item in enumerate(value)
                if isinstance(item, dict | list)
            ]
            stack.extend(reversed(children))
    return found


def reject_external_refs(doc: Any, path: Path) -> None:
    """Raise `ToolError` naming the file and each external `$ref`'s JSON pointer."""
    refs = external_refs(doc)
    if not refs:
        return
    shown = refs[:10]
    listing = "; ".join(f"{pointer} -> {value!r}" for pointer, value in shown)
    more = f" and {len(refs) - len(shown)} more" if len(refs) > len(shown) else ""
    raise ToolError(
        f"{path}: external references (URLs or files) are refused, and this document has "
        f"{len(refs)}: {listing}{more}. The pipeline works on one self-contained document: "
        "inline the referenced content (under components, referenced with '#/...'), or "
        "add it with an overlay."
    )


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
