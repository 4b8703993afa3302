"""The errors a provider's adapter raises before anything is sent, read from its source.

The provider pages (tools/docs_provider_pages.py) list them under "Errors specific to
this provider". The adapter is parsed, never run: each `raise SomethingError("...")` of
the module, and those of the shared helpers (image_classify.adapters.base) it calls, with
each message rendered as the sentence a user sees.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# A formatted value in an error message shows its value when it is a constant of the
# adapter (or an argument it passes to a helper), else <name> for a plain name and "…" for
# anything longer (a join, a call): the reader needs the sentence, not the expression.
ELLIPSIS = "…"


@dataclass(frozen=True)
class RaisedError:
    """An error an adapter raises: the class name and its message, as a sentence."""

    name: str
    message: str


def _message(node: ast.expr, names: dict[str, Any]) -> str | None:
    """The text of a str literal or f-string: a formatted module-level str constant shows
    its value, another name as <name>, anything else as "…"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif isinstance(value, ast.FormattedValue):
                inner = value.value
                if isinstance(inner, ast.Name) and isinstance(names.get(inner.id), str | int):
                    parts.append(str(names[inner.id]))
                else:
                    parts.append(f"<{inner.id}>" if isinstance(inner, ast.Name) else ELLIPSIS)
        return "".join(parts)
    return None


def _raised(tree: ast.AST, names: dict[str, Any]) -> Iterator[RaisedError]:
    """The `raise SomethingError("...")` statements under `tree`, messages rendered with
    `names` (values known for the names the message formats)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Raise) or not isinstance(node.exc, ast.Call):
            continue
        func = node.exc.func
        name = func.id if isinstance(func, ast.Name) else None
        if name is None or not name.endswith("Error"):
            continue
        first = node.exc.args[0] if node.exc.args else None
        yield RaisedError(name, (_message(first, names) if first is not None else None) or "")


def _value(node: ast.expr, names: dict[str, Any]) -> Any:
    """A call argument's value when it is known without running anything: a literal, or
    a module-level constant of the adapter; None otherwise."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and isinstance(names.get(node.id), str | int):
        return names[node.id]
    return None


def _helper_errors(tree: ast.Module, names: dict[str, Any]) -> Iterator[RaisedError]:
    """Errors of the shared helpers (image_classify.adapters.base) the adapter calls, their
    messages filled in with the arguments this adapter passes (literals and constants)."""
    from image_classify.adapters import base

    helpers = {
        node.name: node
        for node in ast.parse(Path(inspect.getfile(base)).read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef)
    }
    seen: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        helper = helpers.get(node.func.id)
        if helper is None or helper.name in seen:
            continue
        seen.add(helper.name)
        params = [arg.arg for arg in helper.args.args]
        bound = {
            param: value
            for param, arg in zip(params, node.args, strict=False)
            if (value := _value(arg, names)) is not None
        }
        bound.update(
            {
                keyword.arg: value
                for keyword in node.keywords
                if keyword.arg and (value := _value(keyword.value, names)) is not None
            }
        )
        yield from _raised(helper, bound)


def adapter_errors(tree: ast.Module, names: dict[str, Any]) -> tuple[RaisedError, ...]:
    """The errors of an adapter module (its parsed source, and its namespace `names` for
    the constants messages format), its own first, then its helpers'; each once."""
    errors: dict[RaisedError, None] = dict.fromkeys(
        [*_raised(tree, names), *_helper_errors(tree, names)]
    )
    return tuple(errors)
