"""A Schemathesis run (`st run`) of each effective spec against its Prism mock.

Configured in the checked-in schemathesis.toml (the two limits every Prism mock has are
set once at the top; the rest are scoped to operations; each is explained); each run
writes a JUnit XML report under reports/schemathesis/PROVIDER/.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tools.effective import write_effective
from tools.manifest import ROOT, select

pytestmark = pytest.mark.contract
ST = Path(sys.executable).with_name("st")


@pytest.mark.parametrize("key", [p.key for p in select()])
def test_schemathesis_run_passes(key: str, mock_urls: dict[str, str]) -> None:
    # The effective spec, not the one Prism serves (that one may carry mock overlays).
    spec = write_effective(select([key])[0], ROOT / ".build" / "schemathesis")
    report_dir = ROOT / "reports" / "schemathesis" / key
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    done = subprocess.run(
        [
            str(ST),
            "run",
            str(spec),
            "--url",
            mock_urls[key],
            "--report",
            "junit",
            "--report-dir",
            str(report_dir),
            "--no-color",
        ],
        cwd=ROOT,  # picks up schemathesis.toml
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    summary = re.search(r"(\d+) generated, (\d+) passed", output)
    assert summary, output[-2000:]
    assert int(summary.group(1)) > 0
    print(f"{key}: st run: {summary.group(0)}")
    assert list(report_dir.glob("*.xml")), f"no JUnit report in {report_dir}"
