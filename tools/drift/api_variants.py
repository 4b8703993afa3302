"""One line for one change of an endpoint: openapi-python-client writes each operation as
four functions (`sync`, `sync_detailed`, `asyncio`, `asyncio_detailed`), so a renamed
query parameter would otherwise be reported four times.

Changes of the variants of one endpoint module that are the same apart from the function's
name (same kind, severity, parameter, detail and facts) become one change located at
`module.{sync,sync_detailed,asyncio,asyncio_detailed}(parameter)`, with the functions in
`extra.functions`. Changes that differ stay apart: `sync` and `sync_detailed` return
different types, so a changed return type is two lines (plain and detailed).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from functools import partial
from typing import Any

from tools.drift.model import Change

VARIANTS = ("sync", "sync_detailed", "asyncio", "asyncio_detailed")
_LOCATION = re.compile(
    r"(?P<module>[\w.]+)\.(?P<function>" + "|".join(VARIANTS) + r")(?P<rest>\(.*\))?"
)
_MARK = "\x00"  # stands for the function's name while changes are compared


def _variant_of(change: Change) -> tuple[str, str, str] | None:
    found = _LOCATION.fullmatch(change.location or "")
    if found is None:
        return None
    return found["module"], found["function"], found["rest"] or ""


def _masked(text: str, module: str, function: str) -> str:
    """`text` with `module.function` (as a whole name) replaced by `module.` + mark."""
    return re.sub(rf"{re.escape(module)}\.{function}(?!\w)", f"{module}.{_MARK}", text)


def _strings_mapped(value: Any, edit: Callable[[str], str]) -> Any:
    """`value` (JSON-like facts) with `edit` applied to every string in it."""
    if isinstance(value, str):
        return edit(value)
    if isinstance(value, list):
        return [_strings_mapped(item, edit) for item in value]
    if isinstance(value, dict):
        return {key: _strings_mapped(item, edit) for key, item in value.items()}
    return value


def group_variants(changes: list[Change]) -> list[Change]:
    """`changes` with the same change of several variants of an endpoint as one change,
    at the place of the first of them."""
    groups: dict[tuple[Any, ...], list[tuple[str, Change]]] = {}
    order: list[tuple[Any, ...] | Change] = []
    for change in changes:
        variant = _variant_of(change)
        if variant is None:
            order.append(change)
            continue
        module, function, rest = variant
        key = (
            change.kind,
            change.severity,
            module,
            rest,
            _masked(change.detail, module, function),
            json.dumps(
                _strings_mapped(change.extra, partial(_masked, module=module, function=function)),
                sort_keys=True,
                default=str,
            ),
        )
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append((function, change))
    grouped: list[Change] = []
    for item in order:
        if isinstance(item, Change):
            grouped.append(item)
            continue
        members = groups[item]
        if len(members) == 1:
            grouped.append(members[0][1])
            continue
        grouped.append(_merged(item[2], members))
    return grouped


def _merged(module: str, members: list[tuple[str, Change]]) -> Change:
    functions = sorted((function for function, _ in members), key=VARIANTS.index)
    names = "{" + ",".join(functions) + "}"
    first_function, first = members[0]

    def named(text: str) -> str:
        return _masked(text, module, first_function).replace(_MARK, names)

    return dataclasses.replace(
        first,
        location=named(first.location or ""),
        detail=named(first.detail),
        extra={**_strings_mapped(first.extra, named), "functions": functions},
    )
