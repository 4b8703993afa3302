"""Build a DriftReport: a provider's pinned spec against a new one, or any two documents.

Provider mode has three parts: the spec diff (tools.drift.spec_diff), the overlays
(tools.drift.overlay_drift) and the Python API of the regenerated client
(tools.drift.api_diff). Two-document mode has the first only. Validation problems of
either side become warnings in the report: real upstream documents are often invalid, and
the diff is still worth reading.
"""

from __future__ import annotations

from typing import Any

from tools.documents import load_document
from tools.drift.api_diff import python_api_drift
from tools.drift.fetch import Source
from tools.drift.model import DriftReport
from tools.drift.operations import normalize_path
from tools.drift.overlay_drift import overlay_drift
from tools.drift.spec_diff import compare_documents
from tools.errors import ToolError
from tools.manifest import Provider
from tools.openapi_terms import HTTP_METHODS
from tools.validate import problems

# Enough to see what kind of problems a side has; the rest is counted, never dropped silently.
SHOWN_PROBLEMS = 20


def pinned_source(provider: Provider) -> Source:
    spec = provider.spec
    suffix = ".json" if spec.suffix.lower() == ".json" else ".yaml"
    return Source(provider.rel(spec), spec.read_bytes(), load_document(spec), suffix)


def validation_warnings(source: Source) -> list[str]:
    try:
        found = problems(source.document, source.label)
    except ToolError as exc:  # an OpenAPI version the validator does not know
        return [f"{source.label}: not validated: {exc}"]
    warnings = [f"{source.label}: invalid OpenAPI at {p}" for p in found[:SHOWN_PROBLEMS]]
    if len(found) > SHOWN_PROBLEMS:
        warnings.append(
            f"{source.label}: ... and {len(found) - SHOWN_PROBLEMS} more validation problems "
            "(`python -m tools validate --all FILE` lists them all)"
        )
    return warnings


def _operations(document: dict[str, Any]) -> set[str]:
    """Operations by method and path shape (parameter names blanked). Not operationIds:
    unrelated APIs share ids such as `classifyImage`."""
    found: set[str] = set()
    paths = document.get("paths")
    for path, item in (paths if isinstance(paths, dict) else {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                found.add(f"{method.upper()} {normalize_path(str(path))}")
    return found


def _title(document: dict[str, Any]) -> str | None:
    info = document.get("info")
    title = info.get("title") if isinstance(info, dict) else None
    return title if isinstance(title, str) else None


def check_same_api(old: Source, new: Source, old_name: str | None = None) -> None:
    """Refuse to compare documents of different APIs: the report would be all removals."""
    if _operations(old.document) & _operations(new.document):
        return
    if _title(old.document) == _title(new.document):
        return  # the same API that dropped every operation: that is drift, not a mix-up
    what = f"{old_name} ({old.label})" if old_name else old.label
    raise ToolError(
        f"{new.label} does not look like a version of {what}: they have no operation "
        f"in common and different titles ({_title(new.document)!r} vs "
        f"{_title(old.document)!r}). Check that you passed the right provider and document "
        "(for a complete upstream document, cut out the provider's operations first with "
        "`python -m tools slice`)."
    )


def document_drift(old: Source, new: Source) -> DriftReport:
    """Spec-level changes between any two OpenAPI documents."""
    report = DriftReport(old=old.label, new=new.label)
    report.warnings = validation_warnings(old) + validation_warnings(new)
    if old.document != new.document:
        # compare_documents is diff_documents plus the warnings met on the way (a $ref to
        # nothing, an entry of an unexpected shape): those belong in the report too.
        spec = compare_documents(old.document, new.document)
        report.changes = list(spec.changes)
        report.warnings += spec.warnings
    return report


def spec_and_overlay_drift(provider: Provider, old: Source, new: Source) -> DriftReport:
    """Parts 1 and 2 for a provider (update adds part 3 from the client it generates)."""
    check_same_api(old, new, f"the pinned spec of {provider.key}")
    report = document_drift(old, new)
    report.old = f"{provider.key} (pinned {old.label})"
    if old.document != new.document:
        report.changes += overlay_drift(provider, old.document, new.document)
    return report


def provider_drift(provider: Provider, new: Source) -> DriftReport:
    """The provider's pinned spec against `new`: spec, overlays, and the Python API."""
    old = pinned_source(provider)
    report = spec_and_overlay_drift(provider, old, new)
    if old.document != new.document:
        report.changes += python_api_drift(provider, new)
    return report
