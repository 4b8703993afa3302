"""`python -m tools drift`: exit codes 0/1/3/2, formats, URLs, and bad input.

Every run happens in a copy of the project (tests/project_copy.py); bad input must leave
every file of it byte-for-byte as it was, and write no report.
"""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from tests.project_copy import ProjectCopy
from tests.serving import serving

MIB = 1024 * 1024


def tree(root: Path) -> dict[str, str]:
    """sha256 of every file under `root` (any scratch file left behind shows up here)."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def roboflow_text(project: ProjectCopy) -> str:
    return (project.root / "specs/roboflow.yaml").read_text(encoding="utf-8")


def renamed_parameter(text: str) -> str:
    return text.replace("name: stroke\n", "name: stroke_width\n")


def added_parameter(text: str) -> str:
    text = text.replace(
        '        - $ref: "#/components/parameters/Stroke"\n',
        '        - $ref: "#/components/parameters/Stroke"\n'
        '        - $ref: "#/components/parameters/Overlap"\n',
    )
    return text.replace(
        "  headers:\n",
        "    Overlap:\n      name: overlap\n      in: query\n      required: false\n"
        "      schema:\n        type: number\n  headers:\n",
        1,
    )


@pytest.fixture
def project(project_copy: ProjectCopy) -> ProjectCopy:
    return project_copy


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


# --------------------------------------------------------------------------- a local server


class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, bytes, bool]]] = {}  # path -> (status, body, sized)

    def do_GET(self) -> None:
        status, body, sized = self.routes.get(self.path, (404, b"not found", True))
        self.send_response(status)
        self.send_header("Content-Type", "application/yaml")
        if sized:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for start in range(0, len(body), 64 * 1024):
                self.wfile.write(body[start : start + 64 * 1024])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client refused the body early, as it should

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, dict[str, tuple[int, bytes, bool]]]]:
    """A tiny HTTP server on 127.0.0.1 (HTTP/1.0: a body without a length ends at close)."""
    routes: dict[str, tuple[int, bytes, bool]] = {}
    handler = type("Handler", (_Handler,), {"routes": routes})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    with serving(httpd):
        yield f"http://127.0.0.1:{httpd.server_address[1]}", routes


def free_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


# --------------------------------------------------------------------------- exit 0 / 1 / 3


def test_the_pinned_spec_itself_is_no_change(project: ProjectCopy) -> None:
    result = project.tools("drift", "roboflow", "specs/roboflow.yaml")
    assert result.returncode == 0, result.output
    assert "Traceback" not in result.output


def test_a_breaking_change_exits_1_with_all_three_parts(
    project: ProjectCopy, tmp_path: Path
) -> None:
    new = write(tmp_path / "new.yaml", renamed_parameter(roboflow_text(project)))
    before = tree(project.root)
    result = project.tools("drift", "roboflow", new, "--format", "json")
    assert result.returncode == 1, result.output
    report = json.loads(result.stdout)
    changes = report["changes"]
    kinds = {(c["part"], c["kind"]) for c in changes}
    assert ("spec", "parameter-renamed") in kinds
    assert ("python-api", "python-parameter-renamed") in kinds
    assert any(c["severity"] == "breaking" for c in changes)
    assert tree(project.root) == before, "drift changed files in the project"


def test_only_non_breaking_changes_exit_3(project: ProjectCopy, tmp_path: Path) -> None:
    new = write(tmp_path / "new.yaml", added_parameter(roboflow_text(project)))
    result = project.tools("drift", "roboflow", new, "--format", "json")
    assert result.returncode == 3, result.output
    changes = json.loads(result.stdout)["changes"]
    assert {c["severity"] for c in changes} == {"non-breaking"}
    assert {c["part"] for c in changes} == {"spec", "python-api"}


def test_dead_overlays_are_breaking_and_generation_failure_is_reported(
    project: ProjectCopy, tmp_path: Path
) -> None:
    text = roboflow_text(project).replace("            image/jpeg:\n", "            image/png:\n")
    new = write(tmp_path / "new.yaml", text)
    result = project.tools("drift", "roboflow", new, "--format", "json")
    assert result.returncode == 1, result.output
    kinds = {c["kind"]: c for c in json.loads(result.stdout)["changes"]}
    assert kinds["overlay-dead"]["location"] == "overlays/roboflow.yaml#0"
    assert kinds["python-generation-failed"]["severity"] == "breaking"


def test_markdown_report_has_a_table_and_goes_to_a_file(
    project: ProjectCopy, tmp_path: Path
) -> None:
    new = write(tmp_path / "new.yaml", renamed_parameter(roboflow_text(project)))
    out = tmp_path / "report.md"
    result = project.tools("drift", "roboflow", new, "--format", "markdown", "-o", str(out))
    assert result.returncode == 1, result.output
    assert result.stdout == ""
    assert f"wrote {out}" in result.stderr
    markdown = out.read_text(encoding="utf-8")
    assert any(line.startswith("|") and set(line) <= set("|-: ") for line in markdown.splitlines())
    assert "stroke_width" in markdown


def test_text_is_the_default_format(project: ProjectCopy, tmp_path: Path) -> None:
    new = write(tmp_path / "new.yaml", renamed_parameter(roboflow_text(project)))
    result = project.tools("drift", "roboflow", new)
    assert result.returncode == 1, result.output
    assert "stroke_width" in result.stdout
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.stdout)


def test_two_documents_compare_the_spec_only(project: ProjectCopy, tmp_path: Path) -> None:
    new = write(tmp_path / "new.yaml", renamed_parameter(roboflow_text(project)))
    result = project.tools("drift", "specs/roboflow.yaml", new, "--format", "json")
    assert result.returncode == 1, result.output
    assert {c["part"] for c in json.loads(result.stdout)["changes"]} == {"spec"}


def test_a_url_is_fetched(
    project: ProjectCopy, server: tuple[str, dict[str, tuple[int, bytes, bool]]]
) -> None:
    base, routes = server
    routes["/roboflow.yaml"] = (200, renamed_parameter(roboflow_text(project)).encode(), True)
    result = project.tools("drift", "roboflow", f"{base}/roboflow.yaml", "--format", "json")
    assert result.returncode == 1, result.output
    assert json.loads(result.stdout)["new"] == f"{base}/roboflow.yaml"


def test_validation_problems_are_warnings_not_errors(project: ProjectCopy, tmp_path: Path) -> None:
    text = added_parameter(roboflow_text(project)).replace(
        "openapi: 3.1.0", "openapi: 3.1.0\nwebhooks: 5", 1
    )
    new = write(tmp_path / "new.yaml", text)
    result = project.tools("drift", "roboflow", new, "--format", "json")
    report = json.loads(result.stdout)
    assert any("/webhooks" in warning for warning in report["warnings"]), report["warnings"]
    # The diff still ran; the invalid spec cannot be generated, which is breaking.
    kinds = {c["kind"] for c in report["changes"]}
    assert {"parameter-added", "python-generation-failed"} <= kinds
    assert result.returncode == 1


# --------------------------------------------------------------------------- exit 2


BOMB = "openapi: 3.1.0\n" + "".join(
    f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10) if n else ', '.join(['x'] * 10)}]\n"
    for n in range(8)
)


def bad_input(
    case: str,
    project: ProjectCopy,
    tmp_path: Path,
    base: str,
    routes: dict[str, tuple[int, bytes, bool]],
) -> tuple[list[str], str]:
    """Arguments after `drift`, and what stderr must say."""
    pinned = roboflow_text(project)
    if case == "unreachable-url":
        return ["roboflow", f"http://127.0.0.1:{free_port()}/spec.yaml"], "could not be fetched"
    if case == "oversized-declared":
        routes["/big.yaml"] = (200, b"#" * (2 * MIB), True)
        return ["roboflow", f"{base}/big.yaml", "--max-bytes", str(MIB)], "Content-Length"
    if case == "oversized-streamed":
        routes["/big.yaml"] = (200, b"#" * (2 * MIB), False)
        return ["roboflow", f"{base}/big.yaml", "--max-bytes", str(MIB)], "over the limit"
    if case == "http-error":
        return ["roboflow", f"{base}/missing.yaml"], "HTTP 404"
    if case == "html-page":
        routes["/page"] = (200, b"<html><body>Moved</body></html>", True)
        return ["roboflow", f"{base}/page"], "top level is a string"
    if case == "not-openapi":
        path = write(tmp_path / "config.yaml", "name: classifier\nitems: [1, 2]\n")
        return ["roboflow", path], "not an OpenAPI document"
    if case == "swagger-2":
        path = write(tmp_path / "swagger.yaml", 'swagger: "2.0"\ninfo: {title: x}\n')
        return ["roboflow", path], "Swagger 2.0"
    if case == "yaml-bomb":
        return ["roboflow", write(tmp_path / "bomb.yaml", BOMB)], "billion laughs"
    if case == "external-ref":
        text = pinned.replace(
            '$ref: "#/components/schemas/RoboflowError"',
            '$ref: "https://example.com/errors.yaml#/RoboflowError"',
            1,
        )
        return ["roboflow", write(tmp_path / "new.yaml", text)], "external references"
    if case == "wrong-provider":
        other = str(project.root / "specs/huggingface.yaml")
        return ["roboflow", other], "the pinned spec of roboflow (specs/roboflow.yaml)"
    if case == "missing-file":
        return ["roboflow", str(tmp_path / "nowhere.yaml")], "no such file"
    if case == "old-side-bad":
        path = write(tmp_path / "config.yaml", "name: classifier\n")
        return [path, "specs/roboflow.yaml"], "not an OpenAPI document"
    raise AssertionError(case)


BAD_INPUTS = [
    "unreachable-url",
    "oversized-declared",
    "oversized-streamed",
    "http-error",
    "html-page",
    "not-openapi",
    "swagger-2",
    "yaml-bomb",
    "external-ref",
    "wrong-provider",
    "missing-file",
    "old-side-bad",
]


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_exits_2_with_one_paragraph_and_changes_nothing(
    case: str,
    project: ProjectCopy,
    tmp_path: Path,
    server: tuple[str, dict[str, tuple[int, bytes, bool]]],
) -> None:
    args, needle = bad_input(case, project, tmp_path, *server)
    out = tmp_path / "report.md"
    before = tree(project.root)
    result = project.tools("drift", *args, "--format", "markdown", "-o", str(out))
    assert result.returncode == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert needle in result.stderr, result.stderr
    assert not out.exists()
    assert tree(project.root) == before


def test_the_wrong_provider_error_names_both(project: ProjectCopy) -> None:
    result = project.tools("drift", "roboflow", "specs/huggingface.yaml")
    assert result.returncode == 2
    assert "specs/huggingface.yaml" in result.stderr
    assert "specs/roboflow.yaml" in result.stderr
