"""Document text to a JSON tree, refusing hostile input before anything recursive reads it.

- JSON is read with the json module (the 4 MB Cloudflare document loads in well under a
  second), YAML with libyaml's CSafeLoader when PyYAML has it. Every failure is a
  `ToolError` naming the file and, where there is one, the `line:col`.
- YAML is read JSON-compatibly: dates stay strings, integer mapping keys (`200:`) become
  strings, and alias expansion is bounded so a "billion laughs" document is refused.
- Nesting deeper than `MAX_DEPTH` is refused on the raw JSON text and on the YAML event
  stream, both without recursion; so is a repeated mapping key (YAML keeps only the last
  one, JSON too).

Reading the file and checking its top level is `tools.documents.load_document`'s part.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml
from yaml.events import CollectionEndEvent, CollectionStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:  # libyaml's C parser: same results, many times faster
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

from tools.errors import ToolError
from tools.pointers import pointer_for_humans, pointers_of

__all__ = [
    "MAX_ALIAS_EXPANSION",
    "MAX_DEPTH",
    "compose_yaml",
    "line_col",
    "parse_json",
    "parse_yaml",
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


def line_col(mark: Any) -> str:
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
                f"{path}:{line_col(node.start_mark)}: this YAML node contains an alias to "
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


def copy_tree(value: Any) -> Any:
    """Copy a JSON-like tree so that no dict or list appears twice: expands YAML aliases
    here, copies an overlay's value into each target in tools/overlay_apply.py (faster
    than copy.deepcopy, which would keep shared containers shared)."""
    if isinstance(value, dict):
        return {key: copy_tree(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_tree(item) for item in value]
    return value


def _yaml_error(path: Path, err: yaml.YAMLError) -> ToolError:
    if isinstance(err, _KeyTypeError):
        return ToolError(f"{path}:{line_col(err.problem_mark)}: {err.problem}.")
    if isinstance(err, _DuplicateKeyError):
        return ToolError(
            f"{path}:{line_col(err.problem_mark)}: {err.problem}. A mapping keeps only one "
            "value per key, so the first one would be silently dropped: merge the two "
            "entries into one, or rename one of them."
        )
    if isinstance(err, yaml.constructor.ConstructorError):
        return ToolError(
            f"{path}:{line_col(err.problem_mark)}: {err.problem}. Only plain YAML is read "
            "(mappings, lists, strings, numbers, booleans, null): remove the tag or quote "
            "the value."
        )
    if isinstance(err, yaml.MarkedYAMLError) and err.problem_mark is not None:
        where = line_col(err.problem_mark)
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
                    raise _too_deep(path, line_col(event.start_mark))
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()


def parse_yaml(path: Path, data: bytes) -> Any:
    """The JSON tree of YAML text; `ToolError` for a syntax error or hostile input."""
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
    return copy_tree(document) if shared else document


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


def parse_json(path: Path, data: bytes) -> Any:
    """The JSON tree of JSON text; `ToolError` for a syntax error or hostile input."""
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
        where = pointers_of(document, {id(holder)}).get(id(holder), "?")
        raise ToolError(
            f"{path}: duplicate key {key!r} in the object at {pointer_for_humans(where)}. "
            "An object keeps only one value per key, so the first one would be silently "
            "dropped: merge the two entries into one, or rename one of them."
        )
    return document


def compose_yaml(data: bytes) -> Node | None:
    """The YAML node tree of `data` (JSON text too), composed as `parse_yaml` composes it,
    for the places of nodes. Checks neither depth nor aliases: only for a file that has
    already been loaded, and so checked."""
    loader = _JsonCompatibleLoader(data)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()
