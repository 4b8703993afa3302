"""OpenAPI validation of a document (a spec, or an effective spec after its overlays)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from tools.documents import json_pointer
from tools.errors import ToolError

# Enough to act on; a longer list buries the first, most useful lines.
SHOWN_ERRORS = 10


@dataclass(frozen=True)
class Problem:
    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message}"


def _validator(doc: dict[str, Any], source: str) -> Any:
    version = str(doc.get("openapi", ""))
    if version.startswith("3.0."):
        return OpenAPIV30SpecValidator(doc)
    if version.startswith("3.1."):
        return OpenAPIV31SpecValidator(doc)
    raise ToolError(
        f"{source}: `openapi: {version or '(missing)'}` is not a version this pipeline validates. "
        "Use an OpenAPI 3.0.x or 3.1.x document."
    )


def problems(doc: dict[str, Any], source: str) -> list[Problem]:
    """Every validation problem, each with the JSON pointer of the offending place."""
    found = []
    for error in _validator(doc, source).iter_errors():
        message = str(error.message).splitlines()[0]
        if len(message) > 300:
            message = message[:297] + "..."
        found.append(Problem(json_pointer(list(error.absolute_path)), message))
    return found


def validate_openapi(doc: dict[str, Any], source: str) -> None:
    """Raise a ToolError listing the problems when `doc` is not a valid OpenAPI document."""
    found = problems(doc, source)
    if not found:
        return
    lines = "\n".join(f"  {p}" for p in found[:SHOWN_ERRORS])
    more = f"\n  ... and {len(found) - SHOWN_ERRORS} more" if len(found) > SHOWN_ERRORS else ""
    raise ToolError(
        f"{source}: not a valid OpenAPI document ({len(found)} problem(s)):\n{lines}{more}\n"
        "Fix them in an overlay (upstream specs are kept verbatim) or in the hand-written spec."
    )
