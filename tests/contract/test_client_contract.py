"""Client <-> mock: every operation of every provider, through the generated typed client.

Inputs are drawn by Schemathesis from the effective spec (positive mode) and sent by the
*generated client*, sync and async, to Prism running with --errors. Prism is the request
oracle: a 4xx for a valid input means the client built the request wrong. The raw
response must validate against the spec and `parsed` must be the typed model.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx
import pytest
from dateutil.parser import isoparse
from hypothesis import HealthCheck, given, settings

from tests.contract.clients import typed_client
from tests.contract.prism_limits import prism_can_parse
from tests.contract.typed_call import (
    Operation,
    Recorder,
    call_kwargs,
    load_operations,
)

OPERATIONS = load_operations()
# Cases sent per provider, printed at the end of the run (tests/contract/conftest.py).
CASES: Counter[str] = Counter()
EXAMPLES_PER_OPERATION = 20

pytestmark = pytest.mark.contract


def send(
    operation: Operation,
    base_url: str,
    kwargs: dict[str, Any],
    *,
    asynchronous: bool,
    **client: Any,
) -> tuple[Any, httpx.Response]:
    """Call the generated function; return its Response and the raw httpx response."""
    recorder = Recorder()
    api = typed_client(
        operation.provider,
        base_url,
        hooks=recorder.hooks(asynchronous),
        asynchronous=asynchronous,
        **client,
    )
    if asynchronous:

        async def run() -> Any:
            async with api:
                return await operation.module.asyncio_detailed(client=api, **kwargs)

        response = asyncio.run(run())
    else:
        with api:
            response = operation.module.sync_detailed(client=api, **kwargs)
    assert recorder.response is not None
    return response, recorder.response


def assert_typed(parsed: Any, operation: Operation) -> None:
    """`parsed` is the package's own model (or a list of them), never None or a dict."""
    assert parsed is not None, f"{operation.id}: parsed is None"
    items = parsed if isinstance(parsed, list) else [parsed]
    for item in items:
        module = type(item).__module__
        assert module.startswith(f"{operation.provider.package}.models"), (
            f"{operation.id}: parsed into {type(item)!r}, not a generated model"
        )


def same_json(ours: Any, theirs: Any) -> bool:
    """Equal as JSON, where two date-time strings for the same instant are equal."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return ours.keys() == theirs.keys() and all(same_json(ours[k], theirs[k]) for k in ours)
    if isinstance(ours, list) and isinstance(theirs, list):
        return len(ours) == len(theirs) and all(map(same_json, ours, theirs))
    if isinstance(ours, str) and isinstance(theirs, str) and ours != theirs:
        try:
            return isoparse(ours) == isoparse(theirs)
        except ValueError:
            return False
    return bool(ours == theirs)


def assert_round_trip(parsed: Any, raw: httpx.Response) -> None:
    """The typed model keeps everything the mock sent (to_dict gives the JSON back)."""
    ours = [p.to_dict() for p in parsed] if isinstance(parsed, list) else parsed.to_dict()
    assert same_json(ours, raw.json()), f"typed model lost or changed data:\n{ours}\n{raw.json()}"


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.id)
def test_generated_client_speaks_the_spec(
    operation: Operation, asynchronous: bool, mock_urls: dict[str, str]
) -> None:
    base_url = mock_urls[operation.provider.key]

    @given(case=operation.schema_operation.as_strategy().filter(prism_can_parse))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        kwargs = call_kwargs(operation, case)
        response, raw = send(operation, base_url, kwargs, asynchronous=asynchronous)
        CASES[operation.provider.key] += 1
        assert 200 <= raw.status_code < 300, (
            f"Prism rejected what the typed client sent for a valid input "
            f"({raw.status_code}): {raw.text[:500]}\nrequest: {raw.request.method} "
            f"{raw.request.url} {dict(raw.request.headers)}"
        )
        operation.schema_operation.validate_response(raw)
        assert int(response.status_code) == raw.status_code
        assert_typed(response.parsed, operation)
        assert_round_trip(response.parsed, raw)

    check()
