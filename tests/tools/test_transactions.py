"""regen and update are transactions: a kill at any step, a full disk or a read-only lock
leaves the checkout as it was, or as a complete run leaves it, with no scratch left.

Faults come from the test hook in tools/transaction.py (IMAGE_CLASSIFY_TOOLS_CRASH_AT
kills the process with SIGKILL right after a step, IMAGE_CLASSIFY_TOOLS_FAIL_AT makes a
step raise an OSError), plus one real SIGKILL at a random moment.

- The Transaction alone, on small files in a child Python killed after each step, and
  killed again in the middle of the rollback.
- `python -m tools regen` and `update` in project copies, killed after each step of their
  commit (and of staging the lock). The next command (`validate`, which only reads; for a
  few steps `regen --check`, or the same command again) must find the checkout exactly as
  before the killed run, or (killed after the commit point, or completed by the same
  command) exactly as a complete run leaves it, which passes `regen --check`; no scratch
  folder is left.
  Comparing with those two states byte for byte spares a `regen --check` per step.
- A full disk while staging the lock, a read-only lock, a real SIGKILL at a random moment,
  and two regens at once.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

import tools.scratch as scratch
import tools.transaction as transaction
from tests.project_copy import ROOT, ProjectCopy
from tools import lock
from tools.errors import ToolError

CRASH_AT = "IMAGE_CLASSIFY_TOOLS_CRASH_AT"
FAIL_AT = "IMAGE_CLASSIFY_TOOLS_FAIL_AT"
KILLED = -signal.SIGKILL
# What regen and update read or write.
WATCHED = (
    "specs",
    "overlays",
    "generated",
    "CHANGELOG",
    "image_classify/_typed.py",
    "generation.lock.json",
)
# What may stay in .build/: the effective specs.
KEPT_IN_BUILD = {"effective"}


def state(root: Path) -> dict[str, str]:
    """sha256 of every file regen and update may touch (and of nothing else)."""
    files: list[Path] = []
    for name in WATCHED:
        path = root / name
        files += sorted(path.rglob("*")) if path.is_dir() else [path] if path.exists() else []
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in files
        if p.is_file() and "__pycache__" not in p.parts
    }


def leftovers(root: Path) -> list[str]:
    build = root / ".build"
    names = sorted(p.name for p in build.iterdir()) if build.is_dir() else []
    return [name for name in names if name not in KEPT_IN_BUILD]


def tools(root: Path, *args: str, **hooks: str) -> ProjectCopy.Result:
    """`python -m tools ARGS` in `root`, with test hooks (CRASH_AT=..., FAIL_AT=...)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", CRASH_AT, FAIL_AT)}
    env.update({f"IMAGE_CLASSIFY_TOOLS_{k}": v for k, v in hooks.items()})
    done = subprocess.run(
        [sys.executable, "-m", "tools", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return ProjectCopy.Result(done.returncode, done.stdout, done.stderr)


def copy(source: Path, dest: Path) -> Path:
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


# -- the Transaction alone ---------------------------------------------------------------

# A child Python that replaces four things the way update does: a file, a folder, a file,
# and a new file in a folder that does not exist yet.
CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    sys.path.insert(0, sys.argv[2])
    from tools.scratch import scratch
    from tools.transaction import Transaction

    root = Path(sys.argv[1])
    with scratch("update-x-", root / ".build") as work:
        (work / "tree").mkdir()
        (work / "tree" / "module.py").write_text("new\\n")
        step = Transaction(work, "update")
        step.add_file(root / "spec.yaml", b"new spec\\n")
        step.add_tree(root / "package", work / "tree")
        step.add_file(root / "lock.json", b"new lock\\n")
        step.add_file(root / "log" / "roboflow.md", b"new log\\n")
        step.commit()
    """
)
SMALL_STEPS = [
    "stage:spec.yaml",
    "stage:package",
    "stage:lock.json",
    "stage:log/roboflow.md",
    "journal",
    "aside:0",
    "install:0",
    "aside:package",
    "install:package",
    "aside:2",
    "install:2",
    "install:log/roboflow.md",
    "commit",
]


def small_project(root: Path) -> dict[str, str]:
    root.mkdir()
    (root / "spec.yaml").write_text("old spec\n")
    (root / "package").mkdir()
    (root / "package" / "module.py").write_text("old\n")
    (root / "package" / "old_only.py").write_text("old\n")
    (root / "lock.json").write_text("old lock\n")
    return tree(root)


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".build" not in p.parts
    }


NEW_SMALL = {
    "spec.yaml": "new spec\n",
    "package/module.py": "new\n",
    "lock.json": "new lock\n",
    "log/roboflow.md": "new log\n",
}


def child(root: Path, **hooks: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in (CRASH_AT, FAIL_AT)}
    env.update({f"IMAGE_CLASSIFY_TOOLS_{k}": v for k, v in hooks.items()})
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(root), str(ROOT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_small_transaction_completes(tmp_path: Path) -> None:
    root = tmp_path / "p"
    small_project(root)
    done = child(root)
    assert done.returncode == 0, done.stderr
    assert tree(root) == NEW_SMALL
    assert leftovers(root) == []


@pytest.mark.parametrize("label", SMALL_STEPS)
def test_killed_at_each_step_then_recovered(tmp_path: Path, label: str) -> None:
    root = tmp_path / "p"
    before = small_project(root)
    done = child(root, CRASH_AT=label)
    assert done.returncode == KILLED, f"the step {label} was never reached: {done.stderr}"
    said = transaction.recover(root / ".build")
    assert said is not None
    assert tree(root) == (NEW_SMALL if label == "commit" else before)
    assert not (root / "log").exists() or label == "commit"  # the folder it made is gone
    assert leftovers(root) == []
    assert transaction.recover(root / ".build") is None  # nothing left to do


@pytest.mark.parametrize("again", ["rollback:3", "rollback:2", "rollback:1", "rollback:0"])
def test_a_kill_during_the_rollback_is_rolled_back_by_the_next_run(
    tmp_path: Path, again: str
) -> None:
    root = tmp_path / "p"
    before = small_project(root)
    assert child(root, CRASH_AT="install:3").returncode == KILLED
    recovering = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, sys.argv[2]); from pathlib import Path; "
            "from tools.transaction import recover; recover(Path(sys.argv[1]) / '.build')",
            str(root),
            str(ROOT),
        ],
        env={**os.environ, CRASH_AT: again},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert recovering.returncode == KILLED, recovering.stderr
    assert "rolled back" in (transaction.recover(root / ".build") or "")
    assert tree(root) == before
    assert leftovers(root) == []


@pytest.mark.parametrize(
    "label",
    [
        "stage:lock.json",
        "journal",
        "aside:0",
        "install:0",
        "install:package",
        "install:3",
        "commit",
    ],
)
def test_a_failing_step_restores_everything_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, label: str
) -> None:
    root = tmp_path / "p"
    before = small_project(root)
    build = root / ".build"
    monkeypatch.setattr(transaction, "_FAIL_AT", f"{label}:ENOSPC")
    with pytest.raises(ToolError) as raised, scratch.scratch("regen-", build) as work:
        (work / "tree").mkdir()
        (work / "tree" / "module.py").write_text("new\n")
        step = transaction.Transaction(work, "regen")
        step.add_file(root / "spec.yaml", b"new spec\n")
        step.add_tree(root / "package", work / "tree")
        step.add_file(root / "lock.json", b"new lock\n")
        step.add_file(root / "log" / "roboflow.md", b"new log\n")
        step.commit()
    message = str(raised.value)
    assert "No space left on device" in message
    assert "nothing was changed" in message or "restored" in message
    if label.startswith("stage:"):
        assert message.startswith("lock.json: ")  # names the file it could not write
    assert tree(root) == before
    assert leftovers(root) == []


def test_a_failed_rollback_keeps_the_journal_for_the_next_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "p"
    before = small_project(root)
    build = root / ".build"
    monkeypatch.setattr(transaction, "_FAIL_AT", "install:2:EIO")
    real_rename = os.rename
    failed: list[str] = []

    def rename(source: object, target: object) -> None:
        if "backup" in str(source) and not failed:  # the first restore of a backup fails
            failed.append(str(source))
            raise OSError(errno.EIO, "Input/output error")
        real_rename(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "rename", rename)
    with (
        pytest.raises(ToolError, match="finishes the rollback"),
        scratch.scratch("regen-", build) as work,
    ):
        (work / "tree").mkdir()
        step = transaction.Transaction(work, "regen")
        step.add_file(root / "spec.yaml", b"new spec\n")
        step.add_tree(root / "package", work / "tree")
        step.add_file(root / "lock.json", b"new lock\n")
        step.commit()
    assert failed
    assert (build / "transaction.json").exists()
    assert tree(root) != before  # half done: the backups are still in the work folder
    monkeypatch.setattr(os, "rename", real_rename)
    said = transaction.recover(build)
    assert said is not None and "rolled back" in said
    assert tree(root) == before
    assert leftovers(root) == []


def test_scratch_of_a_live_process_stays_and_old_unowned_scratch_goes(tmp_path: Path) -> None:
    build = tmp_path / ".build"
    build.mkdir()
    young = build / "regen-young"
    old = build / "update-old"
    for legacy in (young, old):  # folders of a version without owner locks
        legacy.mkdir()
        (legacy / "file").write_text("x")
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    with scratch.scratch("drift-", build) as live:
        said = transaction.recover(build)
        assert live.is_dir()
    assert said is not None and "update-old" in said
    assert sorted(p.name for p in build.iterdir()) == ["regen-young"]


def test_recover_does_nothing_cheaply_without_build(tmp_path: Path) -> None:
    assert transaction.recover(tmp_path / ".build") is None
    assert not (tmp_path / ".build").exists()


# -- regen and update in project copies --------------------------------------------------


@dataclass
class Scenario:
    base: Path  # the copy before the command: inputs changed, outputs not yet
    args: tuple[str, ...]
    before: dict[str, str]
    after: dict[str, str]  # after a complete run, which passes `regen --check`
    pristine: dict[str, bytes]  # the files the scenario edited, as they were
    original: dict[str, str]  # the state before those edits: the committed tree's


@pytest.fixture(scope="module")
def regen_scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """regen of roboflow after an overlay edit, with image_classify/_typed.py stale too:
    three targets (package, _typed.py, lock)."""
    folder = tmp_path_factory.mktemp("regen")
    project = ProjectCopy(folder / "base")
    edited = ("overlays/roboflow.yaml", "image_classify/_typed.py")
    pristine = {name: (project.root / name).read_bytes() for name in edited}
    original = state(project.root)
    project.edit(
        "overlays/roboflow.yaml",
        lambda text: text.replace("adds a base64\n", "adds a base64-encoded\n"),
    )
    project.edit("image_classify/_typed.py", lambda text: text + "# edited by hand\n")
    done = copy(project.root, folder / "done")
    result = tools(done, "regen", "roboflow")
    assert result.returncode == 0, result.output
    check = tools(done, "regen", "roboflow", "--check")
    assert check.returncode == 0, check.output
    args = ("regen", "roboflow")
    return Scenario(project.root, args, state(project.root), state(done), pristine, original)


@pytest.fixture(scope="module")
def update_scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """update of roboflow to a spec that renames a parameter: four targets (spec, package,
    lock, and CHANGELOG/roboflow.md in a folder that does not exist yet)."""
    folder = tmp_path_factory.mktemp("update")
    project = ProjectCopy(folder / "base")
    spec = (project.root / "specs/roboflow.yaml").read_text(encoding="utf-8")
    new_spec = folder / "roboflow-new.yaml"
    new_spec.write_text(spec.replace("name: stroke\n", "name: stroke_width\n"), encoding="utf-8")
    args = ("update", "roboflow", str(new_spec))
    done = copy(project.root, folder / "done")
    result = tools(done, *args)
    assert result.returncode == 0, result.output
    # That it passes `regen --check` is tests/tools/drift/test_update.py's first test.
    before = state(project.root)
    return Scenario(project.root, args, before, state(done), {}, before)


REGEN_STEPS = [
    "stage:generation.lock.json",
    "journal",
    "aside:generated/roboflow_client",
    "install:generated/roboflow_client",
    "aside:image_classify/_typed.py",
    "install:image_classify/_typed.py",
    "aside:generation.lock.json",
    "install:generation.lock.json",
    "commit",
]
UPDATE_STEPS = [
    "journal",
    "aside:specs/roboflow.yaml",
    "install:specs/roboflow.yaml",
    "aside:generated/roboflow_client",
    "install:generated/roboflow_client",
    "aside:generation.lock.json",
    "install:generation.lock.json",
    "install:CHANGELOG/roboflow.md",
    "commit",
]


# After a kill at this step, the next run of the same command (not `validate`) follows.
SAME_COMMAND_NEXT = {"install:generated/roboflow_client", "install:specs/roboflow.yaml"}
# ... or `regen roboflow --check`, which recovers first too. After a rolled-back update
# the checkout is the committed one (in sync, exit 0); after a rolled-back regen it still
# has the scenario's edits (differs, exit 1).
CHECK_NEXT = {"install:image_classify/_typed.py", "install:generation.lock.json"}


@dataclass
class Kill:
    label: str
    killed: ProjectCopy.Result
    state_after_kill: dict[str, str]
    journal_after_kill: bool
    following: ProjectCopy.Result  # the next command: `validate roboflow`, or the same again
    state: dict[str, str]
    leftovers: list[str]
    changelog_folder: bool


def kill_and_follow(scenario: Scenario, root: Path, label: str) -> Kill:
    copy(scenario.base, root)
    killed = tools(root, *scenario.args, CRASH_AT=label)
    state_after_kill = state(root)
    journal = (root / ".build/transaction.json").exists()
    if label in SAME_COMMAND_NEXT:
        following = tools(root, *scenario.args)
    elif label in CHECK_NEXT:
        following = tools(root, "regen", "roboflow", "--check")
    else:
        following = tools(root, "validate", "roboflow")
    return Kill(
        label,
        killed,
        state_after_kill,
        journal,
        following,
        state(root),
        leftovers(root),
        (root / "CHANGELOG").exists(),
    )


def kill_at_every_step(scenario: Scenario, folder: Path, labels: list[str]) -> dict[str, Kill]:
    """Each step in its own copy; two at a time (each run is mostly one busy process)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            label: pool.submit(kill_and_follow, scenario, folder / str(n), label)
            for n, label in enumerate(labels)
        }
        return {label: future.result() for label, future in futures.items()}


@pytest.fixture(scope="module")
def regen_kills(
    regen_scenario: Scenario, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Kill]:
    return kill_at_every_step(regen_scenario, tmp_path_factory.mktemp("regen-kills"), REGEN_STEPS)


@pytest.fixture(scope="module")
def update_kills(
    update_scenario: Scenario, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Kill]:
    return kill_at_every_step(
        update_scenario, tmp_path_factory.mktemp("update-kills"), UPDATE_STEPS
    )


def check_kill(scenario: Scenario, kill: Kill, command: str) -> None:
    label, following = kill.label, kill.following
    assert kill.killed.returncode == KILLED, f"step {label} never reached: {kill.killed.output}"
    committing = label.startswith(("aside:", "install:")) or label == "journal"
    assert kill.journal_after_kill == committing
    if label.startswith("stage:"):  # before the journal: the checkout was never touched
        assert kill.state_after_kill == scenario.before
    if label == "commit":  # after the commit point: complete, only scratch is left
        assert kill.state_after_kill == scenario.after
    checked = label in CHECK_NEXT
    assert following.returncode == (1 if checked and command == "regen" else 0), following.output
    if checked:
        verdict = "roboflow: differs" if command == "regen" else "roboflow: in sync"
        assert verdict in following.stdout, following.output
    assert "Traceback" not in following.output
    if committing:
        assert f"recovered an interrupted `{command}`" in following.stderr, following.output
        assert "rolled back" in following.stderr
    if label in SAME_COMMAND_NEXT or label == "commit":
        assert kill.state == scenario.after, following.output
    else:
        assert kill.state == scenario.before, following.output
    assert kill.leftovers == [], following.output


@pytest.mark.parametrize("label", REGEN_STEPS)
def test_regen_killed_at_each_step(
    regen_scenario: Scenario, regen_kills: dict[str, Kill], label: str
) -> None:
    check_kill(regen_scenario, regen_kills[label], "regen")


@pytest.mark.parametrize("label", UPDATE_STEPS)
def test_update_killed_at_each_step(
    update_scenario: Scenario, update_kills: dict[str, Kill], label: str
) -> None:
    kill = update_kills[label]
    check_kill(update_scenario, kill, "update")
    assert kill.changelog_folder == (label in SAME_COMMAND_NEXT or label == "commit")


def restore(scenario: Scenario, root: Path) -> None:
    for name, data in scenario.pristine.items():
        (root / name).write_bytes(data)


def test_no_space_for_the_lock_changes_nothing(regen_scenario: Scenario, tmp_path: Path) -> None:
    root = copy(regen_scenario.base, tmp_path / "p")
    result = tools(root, *regen_scenario.args, FAIL_AT="stage:generation.lock.json:ENOSPC")
    assert result.returncode == 1, result.output
    assert result.stderr.startswith("error: generation.lock.json: ")
    assert "No space left on device" in result.stderr
    assert "nothing was changed" in result.stderr
    assert "Traceback" not in result.output
    assert state(root) == regen_scenario.before
    assert leftovers(root) == []
    # generated/ and the lock still agree: with the edits undone, the check passes.
    restore(regen_scenario, root)
    check = tools(root, "regen", "roboflow", "--check")
    assert check.returncode == 0, check.output


@pytest.mark.parametrize("command", ["regen", "update"])
def test_a_read_only_lock_is_refused_before_anything_is_done(
    regen_scenario: Scenario, update_scenario: Scenario, tmp_path: Path, command: str
) -> None:
    scenario = regen_scenario if command == "regen" else update_scenario
    root = copy(scenario.base, tmp_path / "p")
    (root / "generation.lock.json").chmod(0o444)
    started = time.monotonic()
    result = tools(root, *scenario.args)
    assert result.returncode == 1, result.output
    assert result.stderr.startswith("error: generation.lock.json is read-only (mode 0444)")
    assert "chmod u+w generation.lock.json" in result.stderr
    assert "Traceback" not in result.output
    assert time.monotonic() - started < 30  # refused before generating anything
    assert state(root) == scenario.before
    assert leftovers(root) == []
    # As before, so with the scenario's edits undone, the committed tree (which passes
    # `regen --check`: tests/tools/test_regen.py) byte for byte.
    restore(scenario, root)
    assert state(root) == scenario.original


def test_a_sigkill_at_a_random_moment_of_a_regen(regen_scenario: Scenario, tmp_path: Path) -> None:
    """Timing, in addition to the hooks: the kill lands wherever it lands."""
    root = copy(regen_scenario.base, tmp_path / "p")
    delay = random.uniform(0.2, 2.5)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", CRASH_AT, FAIL_AT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tools", *regen_scenario.args],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its generator runs die with it, as with a terminal's kill
    )
    time.sleep(delay)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    following = tools(root, "validate", "roboflow")
    assert following.returncode == 0, following.output
    assert state(root) in (regen_scenario.before, regen_scenario.after), f"killed at {delay:.2f} s"
    assert leftovers(root) == [], f"killed at {delay:.2f} s"


def test_concurrent_regens_keep_each_others_lock_entries(tmp_path: Path) -> None:
    project = ProjectCopy(tmp_path / "p")
    project.edit(
        "overlays/roboflow.yaml",
        lambda text: text.replace("adds a base64\n", "adds a base64-encoded\n"),
    )
    project.edit(
        "overlays/huggingface.yaml", lambda text: text.replace("(current).", "(the current one).")
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", CRASH_AT, FAIL_AT)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "tools", "regen", key],
            cwd=project.root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for key in ("roboflow", "huggingface")
    ]
    for run in runs:
        output, _ = run.communicate(timeout=300)
        assert run.returncode == 0, output
    # Each run's lock entry survived the other's commit and describes what is on disk.
    entries = json.loads((project.root / "generation.lock.json").read_text())["providers"]
    for key in ("roboflow", "huggingface"):
        overlay = project.root / f"overlays/{key}.yaml"
        assert entries[key]["overlays"][0]["sha256"] == lock.sha256_file(overlay)
        package = project.root / entries[key]["generated"]["path"]
        assert entries[key]["generated"]["tree_sha256"] == lock.tree_sha256(package)
    assert leftovers(project.root) == []


def test_a_child_given_the_owner_lock_keeps_a_killed_commands_scratch(tmp_path: Path) -> None:
    """A generator still running after its regen was killed holds the scratch folder's
    owner lock (tools.generate passes it on): recover() leaves the folder until it ends."""
    build = tmp_path / ".build"
    build.mkdir()
    script = textwrap.dedent(
        f"""
        import os, subprocess, sys
        from pathlib import Path
        sys.path.insert(0, {str(ROOT)!r})
        from tools import scratch
        with scratch.scratch("regen-", Path({str(build)!r})) as folder:
            fd = scratch.owner_fd(folder / "roboflow")
            assert fd is not None
            quiet = subprocess.DEVNULL  # not our pipes: the test reads them to EOF
            subprocess.Popen(["sleep", "3"], pass_fds=(fd,), stdout=quiet, stderr=quiet)
            print(folder, flush=True)
            os.kill(os.getpid(), 9)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    folder = Path(done.stdout.strip())
    assert folder.is_dir()
    transaction.recover(build)
    assert folder.is_dir(), "removed while the child still held its lock"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and folder.is_dir():
        time.sleep(0.2)
        transaction.recover(build)
    assert not folder.exists(), "not removed once the child was gone"


def test_the_generator_is_given_the_scratch_folders_owner_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tools import effective, generate
    from tools.manifest import select

    seen: dict[str, object] = {}

    def fake_run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        seen.update(kwargs)
        raise RuntimeError("stop here")

    monkeypatch.setattr(generate.subprocess, "run", fake_run)
    build = tmp_path / ".build"
    build.mkdir()
    built = effective.build(select(["roboflow"])[0])
    with scratch.scratch("regen-", build) as folder:
        expected = scratch.owner_fd(folder)
        with pytest.raises(RuntimeError):
            generate.run_generator(built, folder / "roboflow")
    assert expected is not None
    assert seen["pass_fds"] == (expected,)
