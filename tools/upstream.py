"""Where each provider publishes its API now: the manifest's `[providers.P.upstream]`.

The nightly drift workflow (.github/workflows/upstream-drift.yml) fetches these and runs
`python -m tools drift` on each; `python -m tools list-providers --upstream` prints them
one per line for its shell loop. Two kinds:

- page: a documentation page whose markdown form (the URL + ".md") carries the spec in a
  ````yaml block. The spec is kept verbatim, so a change is pinned with `tools update`.
- git: a repository holding the provider's complete document (`file`); our hand-written
  spec follows its version as of `baseline` (a date). The `operations` we use are cut out
  of that version and of today's (`tools slice`) and compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from image_classify._providers import MANIFEST_NAME, ManifestError, parse_manifest
from tools.errors import ToolError
from tools.manifest import MANIFEST

KINDS = ("page", "git")


@dataclass(frozen=True)
class Upstream:
    key: str
    kind: str  # page | git
    url: str
    file: str = ""  # git: the document's path in the repository
    baseline: str = ""  # git: YYYY-MM-DD, the version our spec was written from
    operations: tuple[str, ...] = ()  # git: "METHOD /path" cut out of both versions

    def line(self) -> str:
        """Tab-separated, for a shell loop: KEY page URL, or KEY git URL FILE BASELINE OP..."""
        fields = [self.key, self.kind, self.url]
        if self.kind == "git":
            fields += [self.file, self.baseline, *self.operations]
        return "\t".join(fields)


def _text(table: dict[str, Any], name: str, where: str) -> str:
    value = table.get(name)
    if not isinstance(value, str) or not value or "\t" in value or "\n" in value:
        raise ManifestError(
            f"{MANIFEST_NAME}: [{where}] needs `{name}`, a one-line string. Add it."
        )
    return value


def _upstream(key: str, table: Any) -> Upstream:
    where = f"providers.{key}.upstream"
    if not isinstance(table, dict):
        raise ManifestError(f"{MANIFEST_NAME}: [{where}] must be a table.")
    kind = table.get("kind")
    if kind not in KINDS:
        raise ManifestError(f"{MANIFEST_NAME}: [{where}] kind = {kind!r} is not one of {KINDS}.")
    url = _text(table, "url", where)
    if kind == "page":
        return Upstream(key, kind, url)
    operations = table.get("operations")
    if not isinstance(operations, list) or not operations:
        raise ManifestError(
            f'{MANIFEST_NAME}: [{where}] needs `operations`, e.g. ["POST /path"]. Add it.'
        )
    for operation in operations:
        if not isinstance(operation, str) or len(operation.split(" ")) != 2:
            raise ManifestError(
                f"{MANIFEST_NAME}: [{where}] operation {operation!r} is not 'METHOD /path'."
            )
    return Upstream(
        key,
        kind,
        url,
        file=_text(table, "file", where),
        baseline=_text(table, "baseline", where),
        operations=tuple(operations),
    )


def upstreams() -> list[Upstream]:
    """Every provider with an `upstream` table, in manifest order."""
    try:
        tables = parse_manifest(MANIFEST.read_text(encoding="utf-8"))
        return [_upstream(k, t["upstream"]) for k, t in tables.items() if "upstream" in t]
    except ManifestError as exc:
        raise ToolError(str(exc)) from None
