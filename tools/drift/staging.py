"""A new spec, staged: written to a scratch folder, overlaid strictly, generated there.

drift (to compare the Python API) and update (to install the result) both go through
this, so what drift reports is exactly what update would produce. The scratch folder is
under the project's `.build/`: on the same filesystem as `generated/` (update installs by
rename) and under the root (tools.manifest.Provider.rel needs that).
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tools.documents import dump_yaml, load_document
from tools.drift.fetch import Source
from tools.effective import BUILD, Effective, build
from tools.errors import ToolError
from tools.generate import run_generator
from tools.manifest import Provider
from tools.scratch import scratch


@contextmanager
def scratch_folder(prefix: str) -> Iterator[Path]:
    """`.build/PREFIX*`, removed afterwards (by the next command if this one is killed)."""
    with scratch(prefix, BUILD) as folder:
        yield folder


def pinned_bytes(provider: Provider, source: Source) -> bytes:
    """What the provider's spec file would hold: the source's bytes, verbatim (upstream
    documents are kept as published), unless the pinned file's format cannot read them
    as the same document (e.g. JSON that YAML parses differently): then re-serialized."""
    as_json = provider.spec.suffix.lower() == ".json"
    if as_json == (source.suffix == ".json"):
        return source.data
    with tempfile.TemporaryDirectory(prefix="drift-pin-") as folder:
        probe = Path(folder) / provider.spec.name
        probe.write_bytes(source.data)
        try:
            if load_document(probe) == source.document:
                return source.data
        except ToolError:
            pass
    if as_json:
        return (json.dumps(source.document, indent=2, ensure_ascii=False) + "\n").encode()
    return dump_yaml(source.document).encode()


def stage_spec(provider: Provider, data: bytes, folder: Path) -> Provider:
    """Write `data` where the pipeline can read it as the provider's spec; return a Provider
    that points there (same file name, so the spec loads as the pinned one would)."""
    spec = folder / "spec" / provider.spec.name
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_bytes(data)
    return dataclasses.replace(provider, spec=spec)


def generate_staged(staged: Provider, folder: Path, label: str) -> tuple[Effective, Path]:
    """Strict overlays, validation, generation: as `regen` does, but into `folder`.

    A ToolError names `label` (the new spec's path or URL) instead of the scratch file.
    """
    try:
        effective = build(staged)
        return effective, run_generator(effective, folder / "generated")
    except ToolError as exc:
        message = str(exc).replace(str(staged.spec), label)
        raise ToolError(message.replace(staged.rel(staged.spec), label)) from None


def staged_client(provider: Provider, source: Source, folder: Path) -> tuple[Effective, Path]:
    """The client `source` would give `provider`, generated under `folder`."""
    staged = stage_spec(provider, pinned_bytes(provider, source), folder)
    return generate_staged(staged, folder, source.label)
