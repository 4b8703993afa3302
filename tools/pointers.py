"""JSON pointers (RFC 6901): building, parsing and showing them, and finding a node's.

Every message in the pipeline names a place in a document by its JSON pointer, so the
loader, the `$ref` checks, the overlay engine and the validator share these helpers.
`walk_with_parts` and `pointers_of` do not recurse (a document may nest up to
`tools.parsing.MAX_DEPTH` levels) and build a pointer only for the nodes asked about.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = [
    "escape_pointer_token",
    "json_pointer",
    "parse_json_pointer",
    "pointer_for_humans",
    "pointers_of",
    "walk_with_parts",
]


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


MISSING: Any = object()
"""What `follow` returns for a path that is not in the document."""


def follow(document: Any, tokens: Iterable[str]) -> Any:
    """The value at the parsed pointer `tokens` in `document`, or MISSING."""
    node = document
    for token in tokens:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return MISSING
    return node


def pointer_for_humans(pointer: str) -> str:
    """Show a JSON pointer in a message: the root pointer `""` reads as 'the document root'."""
    return pointer if pointer else "'' (the document root)"


def walk_with_parts(doc: Any) -> Iterable[tuple[Any, tuple[str | int, ...]]]:
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


def pointers_of(doc: Any, wanted: set[int]) -> dict[int, str]:
    """JSON pointers of the dicts and lists whose id() is in `wanted` (first occurrence)."""
    found: dict[int, str] = {}
    for value, where in walk_with_parts(doc):
        if id(value) in wanted and id(value) not in found:
            found[id(value)] = json_pointer(where)
            if len(found) == len(wanted):
                break
    return found
