"""Where in a JSON answer the generated models stumbled: a JSON path for the message.

The generated `from_dict` methods raise a bare KeyError('label') or a ValueError naming a
value ("could not convert string to float: 'high'") without saying where. The answer is at
hand, so the place is found by looking: the object missing that key (preferring one whose
siblings have it), or the value the message quotes.
"""

from __future__ import annotations

import ast
import re
from collections import deque
from collections.abc import Iterator
from typing import Any

_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")
_TYPE_NAMES = {
    "NoneType": type(None),
    "dict": dict,
    "list": list,
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
}


def _walk(value: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    """(path, value) for every node, breadth first, so the shallowest match comes first."""
    queue = deque([(path, value)])
    while queue:
        here, node = queue.popleft()
        yield here, node
        if isinstance(node, dict):
            queue.extend(
                (f"{here}.{key}" if key.isidentifier() else f"{here}[{key!r}]", item)
                for key, item in node.items()
            )
        elif isinstance(node, list):
            queue.extend((f"{here}[{index}]", item) for index, item in enumerate(node))


def _missing(body: Any, key: str) -> str | None:
    """The object lacking `key`: in a list whose other objects have it, else the shallowest."""
    shallowest = None
    for path, node in _walk(body):
        if isinstance(node, list):
            objects = [(i, item) for i, item in enumerate(node) if isinstance(item, dict)]
            if any(key in item for _, item in objects):
                for index, item in objects:
                    if key not in item:
                        return f"{path}[{index}]"
        elif isinstance(node, dict) and key not in node and shallowest is None:
            shallowest = path
    return shallowest


def _quoted_value(body: Any, message: str) -> str | None:
    for match in _QUOTED.finditer(message):
        text = match.group(1)
        for path, node in _walk(body):
            if isinstance(node, str) and node == text and path != "$":
                return path
        if text in _TYPE_NAMES and "not" in message:
            wanted = _TYPE_NAMES[text]
            for path, node in _walk(body):
                if type(node) is wanted and path != "$":
                    return path
    try:  # a literal the message ends with: "invalid literal for int(): 12.5"
        tail = ast.literal_eval(message.rsplit(": ", 1)[-1])
    except (ValueError, SyntaxError):
        return None
    for path, node in _walk(body):
        if node == tail and type(node) is type(tail) and path != "$":
            return path
    return None


def locate(body: Any, problem: BaseException) -> str | None:
    """The JSON path (`$[0].score`) of what `problem` was about, when it can be found."""
    if isinstance(problem, KeyError) and problem.args and isinstance(problem.args[0], str):
        where = _missing(body, problem.args[0])
        return f"{where} has no {problem.args[0]!r}" if where else None
    where = _quoted_value(body, str(problem))
    return f"at {where}" if where else None
