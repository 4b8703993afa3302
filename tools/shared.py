"""Where `shared/` (conformance material, upstream documents) lives, for the pipeline's
benchmarks and the tests alike: beside the project (`<project root>/../shared`), or where
the environment variable IMAGE_CLASSIFY_SHARED points."""

from __future__ import annotations

import os
from pathlib import Path

from tools.manifest import ROOT

SHARED_ENV_VAR = "IMAGE_CLASSIFY_SHARED"


def locate_shared_dir() -> Path | None:
    """Return the shared/ folder if it exists, else None (no pytest side effects)."""
    override = os.environ.get(SHARED_ENV_VAR)
    candidate = Path(override) if override else ROOT.parent / "shared"
    return candidate if candidate.is_dir() else None
