"""Loading and dumping OpenAPI and Overlay documents.

- `load_document` reads JSON (with the json module: the 4 MB Cloudflare document loads in
  well under a second) or YAML (libyaml's CSafeLoader when PyYAML has it). Every failure is
  a `ToolError` naming the file and, where there is one, the `line:col`.
- YAML is read JSON-compatibly: dates stay strings, integer mapping keys (`200:`) become
  strings, and alias expansion is bounded so a "billion laughs" document is refused.
- Hostile input is refused before anything recursive reads it: nesting deeper than
  `MAX_DEPTH` (checked on the raw JSON text and on the YAML event stream, both without
  recursion), a repeated mapping key (YAML keeps only the last one, JSON too), a file that
  is not a regular file (a FIFO or a device would block or never end).
- `external_refs` / `reject_external_refs`: the pipeline works on self-contained documents.
  `ref_problems` finds the local `$ref`s that point at nothing or loop without progress.
- `dump_yaml` and `write_atomic`: deterministic output, written so that a failed write
  leaves the previous file untouched.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import stat
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any, TypeGuard
from urllib.parse import unquote

import yaml
from yaml.events import CollectionEndEvent, CollectionStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:  # libyaml's C parser and emitter: same results, many times faster
    from yaml import CSafeDumper as _BaseDumper
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

from tools.errors import ToolError

__all__ = [
    "MAX_ALIAS_EXPANSION",
    "MAX_DEPTH",
    "REF_KEYWORDS",
    "RefProblem",
    "dump_yaml",
    "escape_pointer_token",
    "external_refs",
    "json_pointer",
    "load_document",
    "locate",
    "parse_json_pointer",
    "pointer_for_humans",
    "ref_problems",
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

MAX_DEPTH = 200
"""How deeply lists and mappings may nest in a document (the top-level mapping is 1).

The deepest real document measured is 28 (Cloudflare's 4 MB OpenAPI document; our specs
and overlays are at most 14). The pipeline's own steps recurse once per level or more:
`dump_yaml` (PyYAML's representer) fails at about 330 levels, `overlay apply` and `regen`
with it; a schema nested about 490 deep (980 levels) exhausts the validator; a 50,000-deep
YAML file crashes libyaml's composer (a segmentation fault, not an exception). Refusing
at load time, before any of them runs, turns all of those into one clear error; the
overlay engine keeps what it builds within the same bound.
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


def _mark(mark: Any) -> str:
    """`line:col` (1-based) of a PyYAML or libyaml mark."""
    return f"{mark.line + 1}:{mark.column + 1}" if mark is not None else "?:?"


class _KeyTypeError(yaml.constructor.ConstructorError):
    """A mapping key that is not a string; its message already says how to fix it."""


class _DuplicateKeyError(yaml.constructor.ConstructorError):
    """A key written twice in one mapping; its message names the key and both lines."""


_MERGE_TAG = "tag:yaml.org,2002:merge"


class _JsonCompatibleLoader(_BaseLoader):
    """SafeLoader that keeps dates as strings and integer mapping keys as strings, and
    refuses a key written twice in one mapping (PyYAML keeps the last one silently)."""

    def flatten_mapping(self, node: MappingNode) -> None:
        # Every mapping passes through here before it is built, and the first pass sees
        # the keys as written: flattening prepends what `<<` merge keys bring in (which
        # explicit keys may override; that is no duplicate) and may run on a node again.
        checked: set[int] = self.__dict__.setdefault("_checked_mappings", set())
        if id(node) not in checked:
            checked.add(id(node))
            self._refuse_duplicate_keys(node)
        super().flatten_mapping(node)

    def _refuse_duplicate_keys(self, node: MappingNode) -> None:
        first: dict[str, yaml.Mark] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _MERGE_TAG:
                continue
            if key_node.tag == _STR_TAG:
                key = key_node.value
            elif key_node.tag == _INT_TAG:  # `200:` and `'200':` are the same JSON key
                key = str(self.construct_object(key_node))
            else:
                continue  # refused as a non-string key when the mapping is built
            if key in first:
                raise _DuplicateKeyError(
                    None,
                    None,
                    f"duplicate key {key!r} (first at line {first[key].line + 1})",
                    key_node.start_mark,
                )
            first[key] = key_node.start_mark

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
    if isinstance(err, _DuplicateKeyError):
        return ToolError(
            f"{path}:{_mark(err.problem_mark)}: {err.problem}. A mapping keeps only one "
            "value per key, so the first one would be silently dropped: merge the two "
            "entries into one, or rename one of them."
        )
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


def _too_deep(path: Path, where: str) -> ToolError:
    return ToolError(
        f"{path}:{where}: nested more than {MAX_DEPTH} levels deep (lists and mappings "
        f"inside each other; the limit is {MAX_DEPTH}, real OpenAPI documents stay under "
        "30). Nothing recursive reads a document this deep: flatten it (move nested "
        "schemas under components and refer to them with $ref), or check where the file "
        "came from."
    )


def _check_yaml_depth(path: Path, data: bytes) -> None:
    """Refuse a YAML document nested deeper than MAX_DEPTH, reading only its events.

    libyaml's composer recurses in C once per level (50,000 levels crash the process),
    and its scanner slows down quadratically with flow nesting (a 400 KB file of
    200,000 nested '[' takes minutes): so this stops at the first event past the limit.
    """
    loader = _BaseLoader(data)
    try:
        depth = 0
        while (event := loader.get_event()) is not None:
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _too_deep(path, _mark(event.start_mark))
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()


def _load_yaml(path: Path, data: bytes) -> Any:
    try:
        _check_yaml_depth(path, data)
    except yaml.YAMLError as err:
        raise _yaml_error(path, err) from None
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


# A JSON string, or one bracket. Brackets inside strings are not structure.
# (The unrolled form, runs of plain characters between escapes, is several times faster
# than one alternation per character.)
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_JSON_TOKEN = re.compile(_JSON_STRING.pattern + rb"|[\[\]{}]", re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_DEPTH_STEP = [0] * 256
_DEPTH_STEP[ord("[")] = _DEPTH_STEP[ord("{")] = 1
_DEPTH_STEP[ord("]")] = _DEPTH_STEP[ord("}")] = -1


def _check_json_depth(path: Path, data: bytes) -> None:
    """Refuse a JSON document nested deeper than MAX_DEPTH, from its text alone.

    The json module's parser recurses once per level; this runs first and does not
    recurse. The common case stays in C (regex, translate, accumulate: about 30 ms on a
    4 MB document); only a document past the limit is scanned again to say where.
    """
    if data.count(b"[") + data.count(b"{") <= MAX_DEPTH:
        return
    brackets = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    if (
        len(brackets) <= MAX_DEPTH
        or max(accumulate(map(_DEPTH_STEP.__getitem__, brackets))) <= MAX_DEPTH
    ):
        return
    depth = 0
    for match in _JSON_TOKEN.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > MAX_DEPTH:
                offset = match.start()
                line = data.count(b"\n", 0, offset) + 1
                column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
                raise _too_deep(path, f"{line}:{column}")
        elif token in (b"]", b"}"):
            depth -= 1


class _DuplicateJsonKeys:
    """json `object_pairs_hook`: builds each object and remembers those that repeat a key
    (the json module keeps the last value silently). One pass; the place is found after."""

    def __init__(self) -> None:
        self.found: list[tuple[dict[str, Any], str]] = []

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        built = dict(pairs)
        if len(built) != len(pairs) and not self.found:
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    self.found.append((built, key))
                    break
                seen.add(key)
        return built


def _load_json(path: Path, data: bytes) -> Any:
    _check_json_depth(path, data)
    duplicates = _DuplicateJsonKeys()
    try:
        document = json.loads(data, parse_constant=_refuse_constant, object_pairs_hook=duplicates)
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
    if duplicates.found:
        holder, key = duplicates.found[0]
        where = _pointers_of(document, {id(holder)}).get(id(holder), "?")
        raise ToolError(
            f"{path}: duplicate key {key!r} in the object at {pointer_for_humans(where)}. "
            "An object keeps only one value per key, so the first one would be silently "
            "dropped: merge the two entries into one, or rename one of them."
        )
    return document


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
            document = _load_json(path, data)
        else:
            document = _load_yaml(path, data)
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


# --------------------------------------------------------------------------- $ref checks

REF_KEYWORDS = ("$ref", "$dynamicRef")
"""Members whose string value names another node. A value that does not start with `#`
is a URL or a file: openapi-spec-validator and jsonschema fetch both kinds (measured:
an `http://` `$ref`, and a `$dynamicRef` under a schema with a `default`)."""

# Keywords that apply a subschema to the same instance (JSON Schema "in-place
# applicators"). A loop through only these and `$ref` never descends into the data.
_IN_PLACE_LISTS = ("allOf", "anyOf", "oneOf")
_IN_PLACE_ONE = ("not", "if", "then", "else")


def _is_external(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and not value.startswith("#")


def _has_external_ref(doc: Any) -> bool:
    stack: list[Any] = [doc]
    pop, extend = stack.pop, stack.extend
    while stack:
        value = pop()
        if isinstance(value, dict):
            if _is_external(value.get("$ref")) or _is_external(value.get("$dynamicRef")):
                return True
            extend(value.values())
        elif isinstance(value, list):
            extend(value)
    return False


def _walk_with_parts(doc: Any) -> Iterable[tuple[Any, tuple[str | int, ...]]]:
    """Every dict and list with its path, in document order (iterative)."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(doc, ())]
    while stack:
        value, where = stack.pop()
        yield value, where
        if isinstance(value, dict):
            children = [
                (item, (*where, key))
                for key, item in value.items()
                if isinstance(item, dict | list)
            ]
        elif isinstance(value, list):
            children = [
                (item, (*where, index))
                for index, item in enumerate(value)
                if isinstance(item, dict | list)
            ]
        else:
            continue
        stack.extend(reversed(children))


def _pointers_of(doc: Any, wanted: set[int]) -> dict[int, str]:
    """JSON pointers of the dicts and lists whose id() is in `wanted` (first occurrence)."""
    found: dict[int, str] = {}
    for value, where in _walk_with_parts(doc):
        if id(value) in wanted and id(value) not in found:
            found[id(value)] = json_pointer(where)
            if len(found) == len(wanted):
                break
    return found


def external_refs(doc: Any) -> list[tuple[str, str]]:
    """Return `(JSON pointer of the member, value)` for every non-local `$ref` (and
    `$dynamicRef`).

    A reference is local when its value starts with `#`; any other string value is a URL
    or a file. A `$ref` whose value is not a string (a property that happens to be named
    `$ref`) is not a reference and is skipped. Results are in document order.
    """
    if not _has_external_ref(doc):  # the common case, without building any pointer
        return []
    found: list[tuple[str, str]] = []
    for value, where in _walk_with_parts(doc):
        if isinstance(value, dict):
            for keyword in REF_KEYWORDS:
                ref = value.get(keyword)
                if _is_external(ref):
                    found.append((json_pointer((*where, keyword)), ref))
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


@dataclass(frozen=True)
class RefProblem:
    """A reference that cannot be followed safely: `pointer` is the JSON pointer of the
    `$ref` member itself (e.g. `/components/schemas/A/$ref`)."""

    pointer: str
    ref: str
    message: str
    external: bool = False


_MISSING = object()


class _Refs:
    """The document's references, resolved the way referencing (under the validator)
    resolves them: a pointer is followed literally from the document root."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.holders: list[dict[str, Any]] = []  # dicts with a string $ref / $dynamicRef
        stack: list[Any] = [doc]
        pop, extend, append = stack.pop, stack.extend, self.holders.append
        while stack:  # in document order: loops are reported from their first $ref
            value = pop()
            if type(value) is dict:
                if type(value.get("$ref")) is str or "$dynamicRef" in value:
                    append(value)
                extend(reversed(value.values()))
            elif type(value) is list:
                extend(reversed(value))
        self._anchors: dict[str, Any] | None = None
        self._looked_up: dict[str, Any] = {}
        self.targets: dict[int, Any] = {}  # id(holder) -> what its $ref names

    def anchors(self) -> dict[str, Any]:
        if self._anchors is None:  # only documents with `#name` references pay for this
            self._anchors = {}
            for value, _ in _walk_with_parts(self.doc):
                if isinstance(value, dict):
                    for keyword in ("$anchor", "$dynamicAnchor"):
                        if isinstance(value.get(keyword), str):
                            self._anchors.setdefault(value[keyword], value)
        return self._anchors

    def lookup(self, ref: str) -> Any:
        """The node a local reference names, or _MISSING."""
        if ref not in self._looked_up:
            self._looked_up[ref] = self._lookup(ref)
        return self._looked_up[ref]

    def _lookup(self, ref: str) -> Any:
        fragment = unquote(ref[1:])
        if fragment and not fragment.startswith("/"):
            return self.anchors().get(fragment, _MISSING)
        node: Any = self.doc
        for token in fragment.split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict):
                node = node.get(token, _MISSING)
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return _MISSING
            if node is _MISSING:
                return _MISSING
        return node


_IN_PLACE_KEYS = frozenset((*_IN_PLACE_LISTS, *_IN_PLACE_ONE, "dependentSchemas"))


def _in_place_children(node: dict[str, Any]) -> list[Any]:
    if _IN_PLACE_KEYS.isdisjoint(node):  # nearly every node: nothing to look at
        return []
    found: list[Any] = []
    for keyword in _IN_PLACE_LISTS:
        items = node.get(keyword)
        if isinstance(items, list):
            found.extend(items)
    found.extend(node.get(keyword) for keyword in _IN_PLACE_ONE)
    dependent = node.get("dependentSchemas")
    if isinstance(dependent, dict):
        found.extend(dependent.values())
    return found


def ref_problems(doc: Any) -> list[RefProblem]:
    """Every reference that would make a tool fetch, fail or recurse forever.

    - external: a `$ref`/`$dynamicRef` that is not `#...` (a URL or a file; never fetched);
    - missing: a local `$ref` whose JSON pointer (or `#anchor`) names nothing;
    - a loop without progress: a `$ref` that leads back to itself through only `$ref`s and
      in-place keywords (allOf, anyOf, oneOf, not, if/then/else, dependentSchemas), so
      that no property or array item is ever entered. `A: {$ref: B}, B: {$ref: A}` never
      reaches a schema; `A: {allOf: [{$ref: A}]}` defines A by itself. JSON Schema leaves
      such loops undefined; the validators recurse on them until Python's stack runs out.
      A schema that refers to itself below `properties` or `items` (a tree) is fine.

    Results are in document order. Does not recurse; cost is one pass over the document
    plus a pass over the references.
    """
    refs = _Refs(doc)
    if not refs.holders:
        return []
    # (holder, keyword, reference, message template, external)
    raw: list[tuple[dict[str, Any], str, str, str, bool]] = []
    for holder in refs.holders:
        for keyword in REF_KEYWORDS:
            ref = holder.get(keyword)
            if not isinstance(ref, str):
                continue
            if _is_external(ref):
                raw.append((holder, keyword, ref, _EXTERNAL, True))
                continue
            target = refs.lookup(ref)
            if target is _MISSING:
                raw.append((holder, keyword, ref, _POINTS_AT_NOTHING, False))
            elif keyword == "$ref":
                refs.targets[id(holder)] = target
    loops = _loops(refs)
    if not raw and not loops:
        return []
    wanted = {id(holder) for holder, *_ in raw} | {id(h) for loop in loops for h in loop}
    pointers = _pointers_of(doc, wanted)

    def member(holder: dict[str, Any], keyword: str = "$ref") -> str:
        return pointers.get(id(holder), "?") + "/" + escape_pointer_token(keyword)

    found = [
        RefProblem(member(holder, keyword), ref, why.format(ref=ref), external)
        for holder, keyword, ref, why, external in raw
    ]
    for loop in loops:
        chain = " -> ".join(member(holder) for holder in [*loop, loop[0]])
        pure = all(
            refs.targets[id(a)] is b for a, b in zip(loop, [*loop[1:], loop[0]], strict=True)
        )
        why = _PURE_LOOP if pure else _IN_PLACE_LOOP
        first = loop[0]
        found.append(RefProblem(member(first), first["$ref"], why.format(chain=chain)))
    order = {pointer: index for index, pointer in enumerate(_document_order(doc, found))}
    return sorted(found, key=lambda problem: order.get(problem.pointer, len(order)))


_EXTERNAL = (
    "external reference {ref!r} (a URL or a file) is refused and never fetched: the "
    "pipeline works on one self-contained document. Inline the content under components "
    "and refer to it with '#/components/...'"
)
_POINTS_AT_NOTHING = (
    "$ref {ref!r} points at nothing in this document. Fix the JSON pointer (names are "
    "case-sensitive; '/' inside a name is written '~1') or add what it names"
)
_PURE_LOOP = (
    "$ref loop that never reaches a schema: {chain}. Point one of these at a real definition"
)
_IN_PLACE_LOOP = (
    "a schema that contains itself without entering a property or an array item: "
    "{chain} (through allOf/anyOf/oneOf/not). JSON Schema leaves such a loop undefined "
    "and validators recurse forever on it; a schema may refer to itself only below "
    "'properties', 'items' or the like (as a tree does)"
)


def _loops(refs: _Refs) -> list[list[dict[str, Any]]]:
    """Cycles among the `$ref` holders, following only in-place edges (see ref_problems).

    Graph: holder H -> every holder reachable in place from H's target and from H's own
    in-place keywords (stopping at the first holder on each path). One cycle per back edge
    of an iterative depth-first search.
    """
    holders = {id(h): h for h in refs.holders if id(h) in refs.targets}
    from_target: dict[int, list[dict[str, Any]]] = {}  # many $refs share one target

    def reachable(starts: Iterable[Any]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        seen: set[int] = set()
        stack = list(starts)
        while stack:
            node = stack.pop()
            if type(node) is not dict or id(node) in seen:
                continue
            seen.add(id(node))
            if id(node) in holders:
                found.append(node)
                continue
            stack.extend(_in_place_children(node))
        return found

    def successors(holder: dict[str, Any]) -> list[dict[str, Any]]:
        target = refs.targets[id(holder)]
        if id(target) not in from_target:
            from_target[id(target)] = reachable([target])
        own = _in_place_children(holder)  # 3.1 allows keywords beside a $ref
        return from_target[id(target)] + reachable(own) if own else from_target[id(target)]

    loops: list[list[dict[str, Any]]] = []
    state: dict[int, int] = {}  # 1: on the current path, 2: done
    for root in holders.values():
        if id(root) in state:
            continue
        path: list[dict[str, Any]] = [root]
        state[id(root)] = 1
        iterators = [iter(successors(root))]
        while iterators:
            step = next(iterators[-1], None)
            if step is None:
                iterators.pop()
                state[id(path.pop())] = 2
                continue
            mark = state.get(id(step))
            if mark == 1:
                loops.append(path[next(i for i, h in enumerate(path) if h is step) :])
            elif mark is None:
                state[id(step)] = 1
                path.append(step)
                iterators.append(iter(successors(step)))
    return loops


def _document_order(doc: Any, problems: list[RefProblem]) -> list[str]:
    wanted = {problem.pointer for problem in problems}
    ordered: list[str] = []
    for value, where in _walk_with_parts(doc):
        if isinstance(value, dict):
            for keyword in REF_KEYWORDS:
                if keyword in value:
                    pointer = json_pointer((*where, keyword))
                    if pointer in wanted:
                        ordered.append(pointer)
    return ordered


def locate(path: Path, pointers: Iterable[str]) -> dict[str, str]:
    """`line:col` in the file of each JSON pointer that names something there.

    For messages only: the file is read again and composed (its depth was checked when it
    was loaded); a pointer the file does not have (added by an overlay) is left out, and
    any failure gives an empty answer rather than an error.
    """
    try:
        data = _read_regular_file(Path(path))
        loader = _JsonCompatibleLoader(data)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
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
            found[pointer] = _mark(mark)
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
