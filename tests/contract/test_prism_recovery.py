"""A Prism killed mid-suite is noticed, reported and restarted; the suite goes on."""

from __future__ import annotations

import os
import signal

import pytest

from tests.contract.test_client_contract import OPERATIONS, send
from tests.contract.test_documented_responses import valid_case
from tests.contract.typed_call import call_kwargs
from tools.mock import MockFleet

pytestmark = pytest.mark.contract


def test_a_killed_prism_is_restarted_between_tests(mock_fleet: MockFleet) -> None:
    operation = next(op for op in OPERATIONS if op.provider.key == "huggingface")
    server = mock_fleet.servers["huggingface"]
    restarts = server.restarts
    assert server.pid is not None
    os.killpg(server.pid, signal.SIGKILL)
    server.process.wait(timeout=10)  # type: ignore[union-attr]
    assert not server.alive()

    reported: list[str] = []
    mock_fleet.say = reported.append  # type: ignore[method-assign]
    try:
        assert mock_fleet.ensure_alive() == ["huggingface"]
    finally:
        mock_fleet.say = print  # type: ignore[method-assign]
    assert any("huggingface" in line and "died" in line for line in reported), reported
    assert server.restarts == restarts + 1

    kwargs = call_kwargs(operation, valid_case(operation))
    response, raw = send(operation, mock_fleet.urls["huggingface"], kwargs, asynchronous=False)
    assert raw.status_code == 200
    assert response.parsed is not None
