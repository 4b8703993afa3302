"""Classify one image with IMG Processing (ResNet50): the SDK uploads it, then classifies
the upload, in one call.

    export IMG_PROCESSING_API_KEY=...
    python examples/img_processing.py cat.jpg

The base URL comes from IMAGE_CLASSIFY_IMG_PROCESSING_BASE_URL when it is set (a proxy, a
local mock), else https://api.img-processing.com: the SDK reads that variable itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

from image_classify import Classifier, ImageClassifyError

# With no argument: the sample image of the repository, found from this file's location.
SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "sample.jpg"


def main() -> int:
    image = Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE
    try:
        # The key comes from IMG_PROCESSING_API_KEY; there is no model to choose.
        with Classifier("img_processing") as imgp:
            detail = imgp.classify_detailed(image, top_k=3)  # result + HTTP details
    except ImageClassifyError as exc:  # every SDK error: no key, HTTP status, bad image
        print(f"img_processing: {exc}", file=sys.stderr)
        return 1
    # Two HTTP calls made this result: the upload and the classification.
    print("HTTP", ", ".join(str(response.status_code) for response in detail.responses))
    for prediction in detail.result.predictions:  # highest score first
        print(f"{prediction.score:.4f}  {prediction.label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
