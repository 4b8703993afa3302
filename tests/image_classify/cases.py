"""Real operations, valid inputs and documented answers for every provider, from the specs.

Inputs come from the contract suite's machinery (Schemathesis draws one valid case per
operation, `call_kwargs` turns it into the generated function's arguments), answers from
the effective specs' documented examples: no per-provider table to keep in step.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from tests.contract.test_documented_responses import valid_case
from tests.contract.typed_call import Operation, call_kwargs, load_operations
from tools.bench.cases import media_example


@functools.cache
def operations() -> tuple[Operation, ...]:
    return tuple(load_operations())


def first_operations() -> dict[str, Operation]:
    """One operation per provider (the first its effective spec lists)."""
    found: dict[str, Operation] = {}
    for operation in operations():
        found.setdefault(operation.provider.key, operation)
    return found


def fresh_kwargs(operation: Operation) -> dict[str, Any]:
    """Arguments for the operation; new File objects each time (a payload reads once)."""
    return call_kwargs(operation, valid_case(operation))


def documented_statuses(operation: Operation) -> list[str]:
    return [str(key) for key in operation.definition.get("responses", {})]


def documented_body(operation: Operation, status: str) -> bytes | None:
    """The documented JSON example for a response key ("200", "401", "5XX"), or None."""
    response = operation.definition.get("responses", {}).get(status) or {}
    media = (response.get("content") or {}).get("application/json")
    if media is None:
        return None
    value = media_example(media)
    return None if value is None else json.dumps(value).encode()


def success(operation: Operation) -> tuple[int, bytes]:
    """The first documented 2xx status and its example body."""
    for status in documented_statuses(operation):
        if status.startswith("2"):
            body = documented_body(operation, status)
            assert body is not None, f"{operation.id}: no example for {status}"
            return int(status), body
    raise AssertionError(f"{operation.id} documents no 2xx")
