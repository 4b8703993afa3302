"""Classify one image with an Edge Impulse project's impulse.

    export EDGE_IMPULSE_API_KEY=ei_...
    python examples/edge_impulse.py cat.jpg

The base URL comes from IMAGE_CLASSIFY_EDGE_IMPULSE_BASE_URL when it is set (a proxy, a
local mock), else https://studio.edgeimpulse.com/v1: the SDK reads that variable itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

from image_classify import Classifier, ImageClassifyError

# With no argument: the sample image of the repository, found from this file's location.
SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "sample.jpg"
# Your project id (the number in the Studio URL); Edge Impulse requires one.
MODEL = "12345"


def main() -> int:
    image = Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE
    try:
        # The key comes from EDGE_IMPULSE_API_KEY (sent as the x-api-key header).
        with Classifier("edge_impulse", model=MODEL) as ei:
            result = ei.classify(image, top_k=3)  # impulse_id=... picks another impulse
    except ImageClassifyError as exc:  # every SDK error: no key, HTTP status, bad image
        print(f"edge_impulse: {exc}", file=sys.stderr)
        return 1
    for prediction in result.predictions:  # highest score first
        print(f"{prediction.score:.4f}  {prediction.label}")
    for box in result.bounding_boxes:  # object detection: x, y, width, height in 0..1
        print(f"box {box.label} {box.score:.2f} at x={box.x:.2f} y={box.y:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
