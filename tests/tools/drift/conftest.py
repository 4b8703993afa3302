"""Session fixtures for the drift tests: the three real Cloudflare documents, each read
once per test session (about 4 MB apiece), and the resnet-50 operation's coordinates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import shared_dir

CLOUDFLARE_VERSIONS = ("2024-01-10", "2024-06-10", "2024-08-06")
RESNET = ("POST", "/accounts/{account_id}/ai/run/@cf/microsoft/resnet-50")


def cloudflare_path(version: str) -> Path:
    return shared_dir() / "upstream" / "cloudflare" / f"openapi-{version}.json"


@pytest.fixture(scope="session")
def cloudflare() -> dict[str, dict[str, Any]]:
    """Version -> parsed document. Do not mutate: every test shares them."""
    return {
        version: json.loads(cloudflare_path(version).read_bytes())
        for version in CLOUDFLARE_VERSIONS
    }
