"""Whole-document drift between Cloudflare's real versions, checked against counts made
here, independently, from the raw JSON; and the time it takes against json.load."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from tools.drift.model import BREAKING
from tools.drift.spec_diff import diff_documents

PAIRS = [("2024-01-10", "2024-06-10"), ("2024-06-10", "2024-08-06")]
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
PARAMETER = re.compile(r"\{([^}]*)\}")


def templates_by_key(doc: dict[str, Any]) -> dict[tuple[str, str], set[str]]:
    """(method, path with parameter names blanked) -> the path templates written for it."""
    found: dict[tuple[str, str], set[str]] = {}
    for path, item in doc["paths"].items():
        for method in METHODS & set(item):
            found.setdefault((method, PARAMETER.sub("{}", path)), set()).add(path)
    return found


def expected_counts(old: dict[str, Any], new: dict[str, Any]) -> Counter[str]:
    """Operations added and removed, and path parameters renamed, from the raw JSON.

    A key present on both sides is the same operation; its parameter names may differ
    (one rename per differing name). A key can have two templates in one document
    (2024-06-10 writes both `.../phases/{phase}/entrypoint` and `.../{ruleset_phase}/...`):
    templates written identically on both sides pair first, the rest in sorted order,
    and what is left over is added or removed.
    """
    counts: Counter[str] = Counter()
    old_keys, new_keys = templates_by_key(old), templates_by_key(new)
    for key in old_keys.keys() | new_keys.keys():
        before, after = old_keys.get(key, set()), new_keys.get(key, set())
        unpaired_old = sorted(before - after)
        unpaired_new = sorted(after - before)
        counts["operation-added"] += max(0, len(unpaired_new) - len(unpaired_old))
        counts["operation-removed"] += max(0, len(unpaired_old) - len(unpaired_new))
        for old_path, new_path in zip(unpaired_old, unpaired_new, strict=False):
            names = zip(PARAMETER.findall(old_path), PARAMETER.findall(new_path), strict=True)
            counts["path-parameter-renamed"] += sum(a != b for a, b in names)
    return counts


@pytest.mark.parametrize(("old", "new"), PAIRS, ids=["->".join(pair) for pair in PAIRS])
def test_whole_document_drift_matches_an_independent_count(
    cloudflare: dict[str, dict[str, Any]], old: str, new: str
) -> None:
    changes = diff_documents(cloudflare[old], cloudflare[new])
    kinds = Counter(change.kind for change in changes)
    expected = expected_counts(cloudflare[old], cloudflare[new])
    counted = ("operation-added", "operation-removed", "path-parameter-renamed")
    assert {kind: kinds[kind] for kind in counted} == {kind: expected[kind] for kind in counted}
    assert expected["path-parameter-renamed"] > 0 and expected["operation-removed"] > 0
    breaking = sum(change.severity == BREAKING for change in changes)
    print(
        f"\n{old} -> {new}: {len(changes)} changes, {breaking} breaking, "
        f"{len(changes) - breaking} non-breaking; "
        + ", ".join(f"{kind} {kinds[kind]}" for kind in counted)
    )
    assert all(change.severity in ("breaking", "non-breaking") for change in changes)
    assert changes == sorted(
        changes, key=lambda c: (c.path or "", c.method or "", c.kind, c.location or "", c.detail)
    )


# Speed: drift time against one json.load is a benchmark (python -m tools bench drift),
# printed with its ratio, not a timed assertion here.
