"""Classify one image with Hugging Face Inference.

    export HF_TOKEN=hf_...        # or HUGGING_FACE_HUB_TOKEN
    python examples/huggingface.py cat.jpg

The base URL comes from IMAGE_CLASSIFY_HUGGINGFACE_BASE_URL when it is set (a proxy, a
local mock), else Hugging Face's own server: the SDK reads that variable itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

from image_classify import Classifier, ImageClassifyError

# With no argument: the sample image of the repository, found from this file's location.
SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "sample.jpg"
# Any image-classification model on the Hub; this one is also the SDK's default.
MODEL = "google/vit-base-patch16-224"


def main() -> int:
    image = Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE
    try:
        # The token comes from HF_TOKEN (then HUGGING_FACE_HUB_TOKEN); api_key= overrides it.
        with Classifier("huggingface", model=MODEL) as hf:
            result = hf.classify(image, top_k=3)  # the three best labels
    except ImageClassifyError as exc:  # every SDK error: no token, HTTP status, bad image
        print(f"huggingface: {exc}", file=sys.stderr)
        return 1
    for prediction in result.predictions:  # highest score first
        print(f"{prediction.score:.4f}  {prediction.label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
