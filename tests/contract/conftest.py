"""Contract fixtures: one fleet of real Prism processes for the contract tests, kept alive.

The fleet serves every provider's effective spec on its manifest port. Before each test
a dead Prism (the multipart crashes of stoplightio/prism#2672) is reported and restarted;
at the end every Prism is stopped and the suite fails if any node process survives.

CONTRACT_PROVIDERS=key[,key...] starts only those providers' mocks (with `-k key` to
select their tests): one provider's contract tests without the others' ports.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from tools.manifest import ROOT, select
from tools.mock import MockFleet
from tools.mock_server import prism_pids

SPEC_DIR = ROOT / ".build" / "contract-mocks"
# Wall time of the contract suite: from starting the fleet to stopping it.
_timing: dict[str, float] = {}


# Package scope: the fleet is stopped when the contract tests are done, before other
# tests (tests/tools/test_mock.py) start Prism on the same manifest ports.
@pytest.fixture(scope="package")
def mock_fleet() -> Iterator[MockFleet]:
    only = [k for k in os.environ.get("CONTRACT_PROVIDERS", "").split(",") if k]
    fleet = MockFleet(select(only), spec_dir=SPEC_DIR)
    _timing["start"] = time.monotonic()
    fleet.start()
    try:
        yield fleet
    finally:
        fleet.stop()
        _timing["end"] = time.monotonic()
        left = prism_pids(str(SPEC_DIR))
        assert not left, f"Prism processes survived the contract suite: {left}"


@pytest.fixture
def mock_urls(mock_fleet: MockFleet) -> dict[str, str]:
    """Base URLs of live mocks: a Prism that died since the last test is restarted."""
    mock_fleet.ensure_alive()
    return mock_fleet.urls


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.contract.test_client_contract import CASES

    if "start" not in _timing:
        return
    terminalreporter.write_sep("-", "contract suite")
    for key, count in sorted(CASES.items()):
        terminalreporter.write_line(
            f"{key:16} {count} generated case(s) sent through the typed client (sync + async)"
        )
    elapsed = _timing.get("end", time.monotonic()) - _timing["start"]
    terminalreporter.write_line(
        f"contract suite wall time: {elapsed:.1f} s (Prism fleet up to down; target 180 s)"
    )
