"""Hostile documents against the real commands: a clean refusal, never a crash.

Every file under documents/specs/ is given to `python -m tools validate FILE`, every file
under documents/overlays/ to `python -m tools overlay apply base.yaml FILE`; the deepest
documents, a folder, a FIFO and a device are made at test time. A few cases replace a
provider's spec or overlay and run `regen PROVIDER --force`. Each case must:

- exit 1 (2 for a usage error), with no traceback;
- print one paragraph on stderr starting with "error: " that names the file and the place
  (line:col, a JSON pointer, an action index, or the top level / the whole file);
- leak nothing it was pointed at (no line of /etc/passwd) and fetch nothing (the
  documents' `http://127.0.0.1:9/` is rewritten to a local listener that counts
  connections);
- leave every file of the project copy byte for byte as it was.

Adding a case is adding a file and its expected place to SPEC_PLACES or OVERLAY_PLACES.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.corpus import Listener
from tests.project_copy import ProjectCopy
from tools.parsing import MAX_DEPTH

HERE = Path(__file__).parent
DOCUMENTS = HERE / "documents"
BASE = HERE / "base.yaml"
LINE_COL = r":\d+:\d+: "
POINTER = r"/components/schemas/\S+/\$ref|/paths/\S+/\$ref"
WHOLE = r"the top level is"
ACTION = r": action \d+ \(0-based index in 'actions'"

# What each document under documents/specs/ must be refused for: a regex for the place.
SPEC_PLACES: dict[str, str] = {
    "bad_utf8.yaml": r": byte \d+: ",
    "billion_laughs.yaml": r": refused: its YAML aliases",
    "binary.yaml": r": byte 0: ",
    "boolean_key.yaml": LINE_COL + "mapping key True",
    "duplicate_key.json": r": duplicate key 'post' in the object at /paths/~1x\.",
    "duplicate_key.yaml": r":12:5: duplicate key 'post' \(first at line 5\)",
    "dynamic_ref_http.yaml": r"/components/schemas/A/\$dynamicRef \(line 8:7\)",
    "empty.yaml": WHOLE + " empty",
    "list_top_level.yaml": WHOLE + " a list",
    "nan.json": r": NaN is not a JSON value",
    "null.json": WHOLE + " null",
    "null.yaml": WHOLE + " null",
    "path_item_not_a_mapping.yaml": r"/paths/~1x \(line 4:3\): 5 is not of type",
    "python_tag.yaml": LINE_COL + "could not determine a constructor",
    "recursive_alias.yaml": LINE_COL + "this YAML node contains an alias to itself",
    "ref_allof_self.yaml": r"/components/schemas/A/allOf/1/\$ref \(line 18:11\): ",
    "ref_anyof_self_with_default.yaml": r"/components/schemas/A/anyOf/0/\$ref \(line 19:11\)",
    "ref_file_etc_passwd.yaml": POINTER + r" \(line 12:17\) -> 'file:///etc/passwd'",
    "ref_http.yaml": POINTER + r" \(line 12:17\) -> 'http://127\.0\.0\.1:\d+/spec\.yaml#/A'",
    "ref_loop.yaml": r"/components/schemas/A/\$ref \(line 16:7\): \$ref loop",
    "ref_missing.yaml": POINTER + r" \(line 12:17\): \$ref '#/components/schemas/Nope' points",
    "ref_missing_anchor.yaml": POINTER + r" \(line 12:17\): \$ref '#nowhere' points at nothing",
    "ref_parent_dir.yaml": POINTER + r" \(line 12:17\) -> '\.\./\.\./etc/passwd'",
    "ref_self.yaml": r"/components/schemas/A/\$ref \(line 16:7\): \$ref loop",
    "ref_through_a_scalar.yaml": POINTER + r" \(line 12:17\): \$ref '#/paths/\S+' points",
    "string_top_level.json": WHOLE + " a string",
    "swagger_2.yaml": r": at /openapi: ",
    "syntax_error.json": r":3:31: Expecting property name",
    "tab_indent.yaml": r":3:1: found character that cannot start any token",
}

# What each overlay under documents/overlays/ must be refused for, applied to base.yaml.
OVERLAY_PLACES: dict[str, str] = {
    "copy_bomb.yaml": ACTION + r", 'doubling 19'.*more than 1,000,000 nodes",
    "duplicate_key.yaml": r":6:5: duplicate key 'update' \(first at line 5\)",
    "not_an_overlay.yaml": WHOLE + " a list",
    "update_adds_dynamic_ref.yaml": ACTION + r".*update value at /schemas/Dyn/\$dynamicRef",
    "update_adds_file_ref.yaml": ACTION + r".*update value at /~1stolen/get/responses/200/\$ref",
    "update_adds_http_ref.yaml": ACTION + r".*update value at /schemas/Remote/\$ref",
    "update_nests_too_deep.yaml": ACTION
    + rf".*would nest 202 levels deep, more than the {MAX_DEPTH}",
    "update_rewrites_refs.yaml": ACTION
    + r".*/paths/~1pets/get/responses/200/content/application~1json/schema/\$ref -> '\.\./",
}


def nested(depth: int) -> str:
    return "openapi: 3.1.0\nx-deep: " + "[" * depth + "]" * depth + "\n"


def nested_json(depth: int) -> str:
    return '{"openapi": "3.1.0",\n "x-deep": ' + "[" * depth + "]" * depth + "}\n"


@dataclass(frozen=True)
class Case:
    """One hostile input: where it goes in the project copy, the command, what to expect."""

    id: str
    command: tuple[str, ...]
    place: str  # a regex stderr must match
    names: str  # text naming the file that stderr must contain
    # Puts the input in place inside the copy (the listener's port is known by then).
    prepare: Callable[[Path, int], None] = field(repr=False)
    exit: int = 1


def _copy_in(source: Path, relative: str) -> Callable[[Path, int], None]:
    def prepare(root: Path, port: int) -> None:
        data = source.read_bytes().replace(b"127.0.0.1:9/", f"127.0.0.1:{port}/".encode())
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    return prepare


def _write(relative: str, text: str) -> Callable[[Path, int], None]:
    def prepare(root: Path, port: int) -> None:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")

    return prepare


def _made(relative: str, make: Callable[[Path], None]) -> Callable[[Path, int], None]:
    def prepare(root: Path, port: int) -> None:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() and not path.is_symlink():
            make(path)

    return prepare


def _inject_loop(root: Path, port: int) -> None:
    """The provider's real spec with an A -> B -> A $ref loop added to its schemas."""
    spec = root / "specs/huggingface.yaml"
    text = spec.read_text(encoding="utf-8")
    loop = (
        "\n  schemas:\n"
        "    LoopA:\n      $ref: '#/components/schemas/LoopB'\n"
        "    LoopB:\n      $ref: '#/components/schemas/LoopA'\n"
    )
    assert "\n  schemas:\n" in text
    spec.write_text(text.replace("\n  schemas:\n", loop, 1), encoding="utf-8")


def _validate_cases() -> Iterator[Case]:
    folder = DOCUMENTS / "specs"
    for path in sorted(folder.iterdir()):
        yield Case(
            f"validate-{path.name}",
            ("validate", f"cases/{path.name}"),
            SPEC_PLACES.get(path.name, "(no expectation: add one to SPEC_PLACES)"),
            f"cases/{path.name}",
            _copy_in(path, f"cases/{path.name}"),
        )
    # Made here rather than stored: big, or not regular files.
    deep_place = rf":\d+:\d+: nested more than {MAX_DEPTH} levels deep"
    for name, text in [
        ("deep_just_past_the_limit.yaml", nested(MAX_DEPTH)),
        ("deep_10000.yaml", nested(10_000)),
        ("deep_50000.yaml", nested(50_000)),  # crashed libyaml's composer (SIGSEGV)
        ("deep_50000.json", nested_json(50_000)),
    ]:
        yield Case(
            f"validate-{name}",
            ("validate", f"cases/{name}"),
            deep_place,
            f"cases/{name}",
            _write(f"cases/{name}", text),
        )
    yield Case(
        "validate-folder",
        ("validate", "cases/folder.yaml"),
        r": is a folder",
        "cases/folder.yaml",
        _made("cases/folder.yaml", lambda path: path.mkdir()),
    )
    yield Case(
        "validate-fifo",  # reading it would block until a writer comes
        ("validate", "cases/fifo.yaml"),
        r": is not a regular file",
        "cases/fifo.yaml",
        _made("cases/fifo.yaml", os.mkfifo),
    )
    yield Case(
        "validate-dev-zero",  # reading it would never end
        ("validate", "/dev/zero"),
        r": is not a regular file",
        "/dev/zero",
        lambda root, port: None,
    )
    yield Case(
        "validate-link-to-etc-passwd",  # read, since it was asked for; never shown
        ("validate", "cases/passwd.yaml"),
        WHOLE + " a string",
        "cases/passwd.yaml",
        _made("cases/passwd.yaml", lambda path: path.symlink_to("/etc/passwd")),
    )
    yield Case(
        "validate-missing-file",
        ("validate", "cases/no-such-file.yaml"),
        r": no such file",
        "cases/no-such-file.yaml",
        lambda root, port: None,
    )


def _overlay_cases() -> Iterator[Case]:
    for path in sorted((DOCUMENTS / "overlays").iterdir()):
        yield Case(
            f"overlay-apply-{path.name}",
            ("overlay", "apply", "cases/base.yaml", f"cases/overlays/{path.name}"),
            OVERLAY_PLACES.get(path.name, "(no expectation: add one to OVERLAY_PLACES)"),
            f"cases/overlays/{path.name}",
            _copy_in(path, f"cases/overlays/{path.name}"),
        )
    for spec in ("ref_file_etc_passwd.yaml", "duplicate_key.yaml"):
        yield Case(
            f"overlay-apply-onto-{spec}",
            ("overlay", "apply", f"cases/{spec}", "cases/overlays/noop.yaml"),
            SPEC_PLACES[spec].replace(r" \(line 12:17\)", ""),
            f"cases/{spec}",
            _copy_in(DOCUMENTS / "specs" / spec, f"cases/{spec}"),
        )
    yield Case(
        "overlay-apply-usage-error",
        ("overlay", "apply", "cases/base.yaml"),
        r"error: the following arguments are required: OVERLAY",
        "",
        lambda root, port: None,
        exit=2,
    )


def _regen_cases() -> Iterator[Case]:
    """A handful: regen is slow, and validate or overlay apply cover the rest."""
    spec, overlay = "specs/huggingface.yaml", "overlays/huggingface.yaml"
    for name in ("ref_file_etc_passwd.yaml", "duplicate_key.yaml"):
        yield Case(
            f"regen-spec-{name}",
            ("regen", "huggingface", "--force"),
            SPEC_PLACES[name].replace(r" \(line 12:17\)", ""),
            spec,
            _copy_in(DOCUMENTS / "specs" / name, spec),
        )
    yield Case(
        "regen-spec-deep_10000",
        ("regen", "huggingface", "--force"),
        rf":\d+:\d+: nested more than {MAX_DEPTH} levels deep",
        spec,
        _write(spec, nested(10_000)),
    )
    yield Case(
        "regen-spec-with-a-ref-loop",
        ("regen", "huggingface", "--force"),
        r"/components/schemas/LoopA/\$ref: \$ref loop that never reaches a schema",
        "effective spec of huggingface",
        _inject_loop,
    )
    for name in ("update_adds_file_ref.yaml", "update_nests_too_deep.yaml"):
        yield Case(
            f"regen-overlay-{name}",
            ("regen", "huggingface", "--force"),
            OVERLAY_PLACES[name],
            overlay,
            _copy_in(DOCUMENTS / "overlays" / name, overlay),
        )


CASES = [*_validate_cases(), *_overlay_cases(), *_regen_cases()]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProjectCopy]:
    copy = ProjectCopy(tmp_path_factory.mktemp("corpus") / "project")
    (copy.root / "cases/overlays").mkdir(parents=True)
    (copy.root / "cases/base.yaml").write_bytes(BASE.read_bytes())
    (copy.root / "cases/overlays/noop.yaml").write_text(
        "overlay: 1.1.0\ninfo: {title: noop, version: '1'}\nactions:\n"
        "  - target: $.info\n    update: {x-noop: true}\n",
        encoding="utf-8",
    )
    yield copy


def test_every_document_has_an_expectation() -> None:
    assert sorted(SPEC_PLACES) == sorted(p.name for p in (DOCUMENTS / "specs").iterdir())
    assert sorted(OVERLAY_PLACES) == sorted(p.name for p in (DOCUMENTS / "overlays").iterdir())


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_input_is_refused_cleanly(project: ProjectCopy, case: Case) -> None:
    originals = {
        relative: (project.root / relative).read_bytes()
        for relative in ("specs/huggingface.yaml", "overlays/huggingface.yaml")
    }
    try:
        with Listener() as listener:
            case.prepare(project.root, listener.port)
            before = project.snapshot_all()
            result = project.tools(*case.command, timeout=120)
        output = result.output
        assert result.returncode == case.exit, output
        assert "Traceback" not in output, output
        if case.exit == 1:
            assert result.stderr.startswith("error: "), output
            assert result.stderr.count("error: ") == 1, output
        assert case.names in result.stderr, output
        assert re.search(case.place, result.stderr, re.DOTALL), (case.place, output)
        assert "root:" not in output and "/bin/bash" not in output, output
        assert listener.connections == 0, f"{listener.connections} connection(s) made"
        assert project.snapshot_all() == before
    finally:
        for relative, data in originals.items():
            (project.root / relative).write_bytes(data)


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_the_base_with_its_recursive_schema_stays_valid(
    project: ProjectCopy, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pet refers to itself below `items` (a tree): legal, and it keeps validating.
    monkeypatch.setenv("TOOLS_OPENAPI_VALIDATOR", engine)
    result = project.tools("validate", "cases/base.yaml")
    assert result.returncode == 0, result.output
    assert "cases/base.yaml: valid" in result.stdout
