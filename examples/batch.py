"""Classify every file of a folder with one client, eight at a time; a file that fails
(not an image, an HTTP error) is reported and the batch goes on.

    export HF_TOKEN=hf_...
    python examples/batch.py photos/

The base URL comes from IMAGE_CLASSIFY_HUGGINGFACE_BASE_URL when it is set (a proxy, a
local mock): the SDK reads that variable itself. Exit status 1 when any file failed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from image_classify import Classifier, ImageClassifyError

# With no argument: the repository's samples/ folder, found from this file's location.
SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLES
    if not folder.is_dir():
        print(f"batch: {folder} is not a folder", file=sys.stderr)
        return 1
    files = sorted(path for path in folder.iterdir() if path.is_file())
    failed = 0
    try:
        with Classifier("huggingface") as hf:  # token from HF_TOKEN
            # One item per file, in input order, as soon as it (and those before it) is done.
            for item in hf.classify_many(files, concurrency=8, top_k=1):
                name = files[item.index].name
                if item.result is not None:
                    for top in item.result.predictions:  # top_k=1: the best label only
                        print(f"{name}: {top.label} ({top.score:.4f})")
                else:  # item.error is the typed error for this file only
                    failed += 1
                    print(f"{name}: {type(item.error).__name__}: {item.error}", file=sys.stderr)
    except ImageClassifyError as exc:  # raised before any file is sent: e.g. no token
        print(f"batch: {exc}", file=sys.stderr)
        return 1
    print(f"{len(files) - failed} of {len(files)} classified")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
