"""OpenAPI validation of a document (a spec, or an effective spec after its overlays).

The answer is openapi-spec-validator 0.9's (`tools.validate_reference`). `problems()` finds
it with the fast walk (`tools.validate_fast`: the reference's walk over the plain document,
about 0.1 s instead of 7 s on Cloudflare's 4 MB document) and asks the reference itself
only for what the fast walk does not mirror. Set `TOOLS_OPENAPI_VALIDATOR=reference` to
use only the reference.

Hostile documents: both walks follow `$ref`s, so the references are checked first
(`tools.refs.ref_problems`): an external one (a URL or a file, which the reference
would fetch or read) is refused, a local one that points at nothing or loops without
progress is reported as a problem and the walks do not run. As a second line, the
reference retrieves nothing and survives recursive schemas (`tools.validate_reference`),
and so does the fast walk.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tools.documents import locate
from tools.errors import ToolError
from tools.refs import RefProblem, ref_problems
from tools.validate_fast import fast_problems
from tools.validate_reference import Problem, reference_problems

__all__ = [
    "SHOWN_ERRORS",
    "problems",
    "validate_openapi",
]

# Enough to act on in a failed regen; a longer list buries the first, most useful lines.
# `python -m tools validate --all` prints every one.
SHOWN_ERRORS = 10
_ENGINE_VARIABLE = "TOOLS_OPENAPI_VALIDATOR"


def _external_refs_error(source: str, refs: list[RefProblem], file: Path | None) -> ToolError:
    places = locate(file, [problem.pointer for problem in refs]) if file is not None else {}
    listing = "; ".join(
        f"{problem.pointer}"
        + (f" (line {places[problem.pointer]})" if problem.pointer in places else "")
        + f" -> {problem.ref!r}"
        for problem in refs
    )
    return ToolError(
        f"{source}: external references (URLs or files) are refused and never fetched, "
        f"and this document has {len(refs)}: {listing}. The pipeline works on one "
        "self-contained document: inline the content under components and refer to it "
        "with '#/components/...', or add it with an overlay."
    )


def _problems(doc: dict[str, Any], source: str, file: Path | None) -> list[Problem]:
    bad_refs = ref_problems(doc)
    external = [problem for problem in bad_refs if problem.external]
    if external:
        raise _external_refs_error(source, external, file)
    if bad_refs:
        return [Problem(problem.pointer, problem.message) for problem in bad_refs]
    if os.environ.get(_ENGINE_VARIABLE, "fast") != "reference":
        found = fast_problems(doc, source)
        if found is not None:
            return found
    return reference_problems(doc, source)


def problems(doc: dict[str, Any], source: str) -> list[Problem]:
    """Every validation problem, each with the JSON pointer of the offending place.

    The references come first: an external one is a `ToolError` (the validators would
    fetch it); local ones that point at nothing or loop are the problems returned, alone,
    because the validators cannot walk such a document.
    """
    return _problems(doc, source, None)


def validate_openapi(
    doc: dict[str, Any],
    source: str,
    *,
    shown: int | None = SHOWN_ERRORS,
    file: Path | None = None,
) -> None:
    """Raise a ToolError listing the problems when `doc` is not a valid OpenAPI document.

    At most `shown` problems are listed (None: all), then "... and N more". With `file`
    (the document's own file, not an effective spec), each place also gives its line:col.
    """
    found = _problems(doc, source, file)
    if not found:
        return
    listed = found if shown is None else found[:shown]
    # The root pointer '' is also what a meta-check error carries (its paths are relative).
    pointers = [p.pointer for p in listed if p.pointer]
    places = locate(file, pointers) if file is not None else {}

    def line(problem: Problem) -> str:
        where = f" (line {places[problem.pointer]})" if problem.pointer in places else ""
        return f"  {problem.pointer or '/'}{where}: {problem.message}"

    lines = "\n".join(line(p) for p in listed)
    more = ""
    if len(found) > len(listed):
        more = (
            f"\n  ... and {len(found) - len(listed)} more "
            "(`python -m tools validate --all PROVIDER|FILE` lists every one)"
        )
    raise ToolError(
        f"{source}: not a valid OpenAPI document ({len(found)} problem(s)):\n{lines}{more}\n"
        "Fix them in an overlay (upstream specs are kept verbatim) or in the hand-written spec."
    )
