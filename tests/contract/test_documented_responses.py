"""Every documented response of every operation parses into its typed model.

Prism is asked for each documented status (and each named example of it) with its
`Prefer: code=N, example=NAME` header; the generated client must return the typed model
for it, and the raw response must validate against the spec.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tests.contract.prism_limits import prism_can_parse
from tests.contract.test_client_contract import (
    OPERATIONS,
    assert_round_trip,
    assert_typed,
    send,
)
from tests.contract.typed_call import Operation, call_kwargs

pytestmark = pytest.mark.contract


def documented(operation: Operation) -> list[tuple[int, str | None, bool]]:
    """(status, example name or None, has a JSON body) for every documented response."""
    found = []
    for key, response in operation.definition.get("responses", {}).items():
        status = int(str(key).upper().replace("XX", "00"))  # 5XX -> 500
        content = (response.get("content") or {}).get("application/json")
        names = list((content or {}).get("examples") or {}) or [None]
        found += [(status, name, content is not None) for name in names]
    return found


CASES = [(op, *entry) for op in OPERATIONS for entry in documented(op)]


@functools.cache
def valid_case(operation: Operation) -> Any:
    """One valid input drawn by Schemathesis (derandomized, so the same every run)."""
    drawn: list[Any] = []

    @given(case=operation.schema_operation.as_strategy().filter(prism_can_parse))
    @settings(
        max_examples=1,
        database=None,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def draw(case: Any) -> None:
        drawn.append(case)

    draw()
    return drawn[0]


@pytest.mark.parametrize(
    ("operation", "status", "example", "json_body"),
    CASES,
    ids=[f"{op.id} {status}{'/' + name if name else ''}" for op, status, name, _ in CASES],
)
def test_documented_response_parses_into_its_model(
    operation: Operation,
    status: int,
    example: str | None,
    json_body: bool,
    mock_urls: dict[str, str],
) -> None:
    prefer = f"code={status}" + (f", example={example}" if example else "")
    kwargs = call_kwargs(operation, valid_case(operation))
    response, raw = send(
        operation,
        mock_urls[operation.provider.key],
        kwargs,
        asynchronous=False,
        headers={"Prefer": prefer},
    )
    assert raw.status_code == status, raw.text[:300]
    operation.schema_operation.validate_response(raw)
    if json_body:
        assert_typed(response.parsed, operation)
        assert_round_trip(response.parsed, raw)


def test_every_operation_documents_a_success_and_an_error() -> None:
    for operation in OPERATIONS:
        statuses = {status for status, _, _ in documented(operation)}
        assert any(200 <= s < 300 for s in statuses), operation.id
        if (
            operation.provider.origin == "hand-written"
            or operation.provider.key == "img_processing"
        ):
            assert any(s >= 400 for s in statuses), f"{operation.id} documents no error"
