"""What regen writes into the runtime package besides the generated clients.

- `image_classify/_typed.py`, `_typed_classifiers.py`: the per-provider overloads
  (tools.typed_surface).
- `image_classify/_specs/`: per provider, its effective spec as JSON (`KEY.json`) and, when
  mock overlays make it differ, the document its Prism mock serves (`KEY.mock.json`). The
  wheel ships them, so `image-classify mock`, the pytest plugin's mocks and fake, and the
  runtime's response validation work with only the wheel installed (no tools/, no YAML).

Both are derived from the manifest, the specs, the overlays and the adapters; `regen`
writes them in its transaction and `regen --check` fails when one is stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from image_classify._spec_files import file_names
from tools import effective as eff
from tools.manifest import ROOT, select

SPECS = ROOT / "image_classify" / "_specs"


def render_json(document: Any) -> str:
    """Stable JSON text: key order as in the document, one key per line for reviewers."""
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def provider_spec_files(effective: eff.Effective) -> dict[str, str]:
    """File name in image_classify/_specs/ -> text, for one provider's effective spec."""
    name, mock_name = file_names(effective.provider.key)
    files = {name: render_json(effective.document)}
    if effective.provider.mock_overlays:
        files[mock_name] = render_json(eff.mock_document(effective))
    return files


def spec_files() -> dict[str, str]:
    """File name in image_classify/_specs/ -> text, for every provider in the manifest."""
    files: dict[str, str] = {}
    for provider in select(None):
        files.update(provider_spec_files(eff.build(provider)))
    return files


def stale_specs(expected: dict[str, str], folder: Path = SPECS) -> list[str]:
    """How image_classify/_specs/ differs from `expected` (empty: in sync)."""
    rel = folder.relative_to(ROOT).as_posix()
    present = {p.name: p for p in folder.glob("*.json")} if folder.is_dir() else {}
    lines = [
        f"{rel}/{name}: differs"
        for name in sorted(expected.keys() & present.keys())
        if present[name].read_text(encoding="utf-8") != expected[name]
    ]
    lines += [
        f"{rel}/{name}: missing (would be added)" for name in sorted(expected - present.keys())
    ]
    lines += [
        f"{rel}/{name}: not generated (would be removed)"
        for name in sorted(present.keys() - expected.keys())
    ]
    return lines


def stage_specs(expected: dict[str, str], folder: Path) -> Path:
    """Write the specs folder's new version under `folder` (for Transaction.add_tree)."""
    tree = folder / "_specs"
    tree.mkdir(parents=True)
    for name, text in expected.items():
        (tree / name).write_text(text, encoding="utf-8")
    return tree
