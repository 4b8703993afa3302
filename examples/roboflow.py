"""Classify one image with a Roboflow classification model.

    export ROBOFLOW_API_KEY=...
    python examples/roboflow.py cat.jpg

The base URL comes from IMAGE_CLASSIFY_ROBOFLOW_BASE_URL when it is set (a proxy, a local
mock), else https://classify.roboflow.com: the SDK reads that variable itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

from image_classify import Classifier, ImageClassifyError

# With no argument: the sample image of the repository, found from this file's location.
SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "sample.jpg"
# Your model as "dataset/version" (Roboflow requires one); this is a public example model.
MODEL = "vehicle-classification-eapcd/2"


def main() -> int:
    image = Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE
    try:
        # The key comes from ROBOFLOW_API_KEY (sent as the api_key query parameter).
        with Classifier("roboflow", model=MODEL) as rf:
            result = rf.classify(image, top_k=3, confidence=0.1)  # confidence: an option
    except ImageClassifyError as exc:  # every SDK error: no key, HTTP status, bad image
        print(f"roboflow: {exc}", file=sys.stderr)
        return 1
    for prediction in result.predictions:  # highest score first
        # Multi-label models list every class; `predicted` marks the ones the model chose.
        chosen = "*" if prediction.predicted else " "
        print(f"{chosen} {prediction.score:.4f}  {prediction.label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
