"""Which of a provider's overlay actions stop applying, or apply elsewhere, on a new spec.

The provider's overlays are applied NON-strictly to the pinned spec and to the new one, and
each action's selection (RFC 9535 normalized paths) is compared. An action that selected
something before and selects nothing now is dead: `regen` applies overlays strictly, so it
would fail. One that selects other or more nodes still applies, but maybe not as meant.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path
from typing import Any

from tools.drift.model import Change, ChangeRecord
from tools.drift.rules import classify
from tools.errors import ToolError
from tools.manifest import Provider
from tools.openapi_terms import HTTP_METHODS
from tools.overlay import ActionResult, Overlay, load_overlay
from tools.overlay_apply import apply_overlay

# `$['paths']['/pets/{id}']['get']...`: the operation an overlay action customizes.
_OPERATION = re.compile(r"^\$\['paths'\]\['((?:[^'\\]|\\.)*)'\]\['([a-z]+)'\]")
_SHOWN = 5


Outcome = ActionResult | ToolError  # what one action selected, or why it could not apply


def apply_non_strict(
    overlays: list[Overlay], document: dict[str, Any]
) -> dict[tuple[Path, int], Outcome]:
    """Apply to a copy, one action at a time, so that an action that fails (a merge
    conflict, a copy source gone) does not hide what the actions after it select."""
    working = copy.deepcopy(document)
    outcomes: dict[tuple[Path, int], Outcome] = {}
    for overlay in overlays:
        for action in overlay.actions:
            single = dataclasses.replace(overlay, actions=(action,))
            try:
                [outcome] = apply_overlay(working, single, strict=False)
            except ToolError as exc:
                outcomes[(overlay.path, action.index)] = exc
            else:
                outcomes[(overlay.path, action.index)] = outcome
    return outcomes


def _operation(matched: list[str]) -> tuple[str | None, str | None]:
    for path in matched:
        found = _OPERATION.match(path)
        if found and found.group(2) in HTTP_METHODS:
            return found.group(2).upper(), found.group(1).replace("\\'", "'")
    return None, None


def _listing(paths: list[str]) -> str:
    shown = ", ".join(paths[:_SHOWN])
    return shown + (f" and {len(paths) - _SHOWN} more" if len(paths) > _SHOWN else "")


def _short(description: str, limit: int = 80) -> str:
    """The description's first sentence, cut to `limit` characters: enough to recognize it."""
    text = " ".join(description.split()).split(". ")[0].rstrip(".")
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _compare(provider: Provider, old: ActionResult, new: ActionResult) -> Change | None:
    if set(old.matched) == set(new.matched) or not old.matched:
        return None  # unchanged, or never applied (the pinned spec is strict-clean anyway)
    where = f"{provider.rel(old.overlay_path)}#{old.index}"
    about = f" ({_short(old.description)})" if old.description else ""
    method, path = _operation(old.matched)
    extra = {
        "overlay": provider.rel(old.overlay_path),
        "index": old.index,
        "target": old.target,
        "old_matched": old.matched,
        "new_matched": new.matched,
    }
    if not new.matched:
        return classify(
            ChangeRecord(
                kind="overlay-dead",
                method=method,
                path=path,
                detail=(
                    f"{where}: target {old.target!r}{about} selected {_listing(old.matched)} "
                    "in the pinned spec and selects nothing in the new one, so the next regen "
                    "fails (overlays apply strictly): update the overlay to what the new spec "
                    "calls it."
                ),
                part="overlay",
                location=where,
                extra=extra,
            )
        )
    gone = [p for p in old.matched if p not in new.matched]
    added = [p for p in new.matched if p not in old.matched]
    what = "; ".join(
        part
        for part in (
            f"now also {_listing(added)}" if added else "",
            f"no longer {_listing(gone)}" if gone else "",
        )
        if part
    )
    return classify(
        ChangeRecord(
            kind="overlay-selection-changed",
            method=method,
            path=path,
            detail=(
                f"{where}: target {old.target!r}{about} selects {len(new.matched)} node(s) instead "
                f"of {len(old.matched)} ({what}). Check that the action still does what its "
                "description says."
            ),
            part="overlay",
            location=where,
            extra=extra,
        )
    )


def _failed(provider: Provider, path: Path, index: int, error: ToolError) -> Change:
    where = f"{provider.rel(path)}#{index}"
    message = str(error).replace(str(path), provider.rel(path))
    return classify(
        ChangeRecord(
            kind="overlay-error",
            method=None,
            path=None,
            detail=f"{where} fails on the new spec, so the next regen fails: {message}",
            part="overlay",
            location=where,
            extra={"overlay": provider.rel(path), "index": index, "error": message},
        )
    )


def overlay_drift(
    provider: Provider, old_document: dict[str, Any], new_document: dict[str, Any]
) -> list[Change]:
    """Dead or failing (breaking) and changed (non-breaking) overlay actions, in order."""
    overlays = [load_overlay(path) for path in provider.overlays]
    before = apply_non_strict(overlays, old_document)
    after = apply_non_strict(overlays, new_document)
    changes: list[Change] = []
    for key, old in before.items():
        if isinstance(old, ToolError):
            raise ToolError(
                f"the overlays of {provider.key} do not apply to its pinned spec: {old} "
                "Fix that first (`python -m tools regen --check` shows it)."
            )
        new = after[key]
        if isinstance(new, ToolError):
            changes.append(_failed(provider, *key, new))
        elif (change := _compare(provider, old, new)) is not None:
            changes.append(change)
    return changes
