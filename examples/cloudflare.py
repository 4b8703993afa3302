"""Classify one image with Cloudflare Workers AI (@cf/microsoft/resnet-50).

    export CLOUDFLARE_API_TOKEN=...
    export CLOUDFLARE_ACCOUNT_ID=...   # the 32 hex digits in your dashboard's URL
    python examples/cloudflare.py cat.jpg

The base URL comes from IMAGE_CLASSIFY_CLOUDFLARE_BASE_URL when it is set (a proxy, a
local mock), else https://api.cloudflare.com/client/v4: the SDK reads that variable itself.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from image_classify import Classifier, ImageClassifyError

# With no argument: the sample image of the repository, found from this file's location.
SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "sample.jpg"


def main() -> int:
    image = Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE
    # Cloudflare needs the account as well as the token. The SDK would read this variable
    # too; reading it here gives a clear message before anything is sent.
    account_id = os.environ.get("CLOUDFLARE_ACCOUNT_ID", "").strip()
    if not account_id:
        print("cloudflare: set CLOUDFLARE_ACCOUNT_ID to your account id", file=sys.stderr)
        return 1
    try:
        # The token comes from CLOUDFLARE_API_TOKEN (sent as a bearer token).
        with Classifier("cloudflare", account_id=account_id) as cf:
            result = cf.classify(image, top_k=3)
    except ImageClassifyError as exc:  # every SDK error: no token, HTTP status, bad image
        print(f"cloudflare: {exc}", file=sys.stderr)
        return 1
    for prediction in result.predictions:  # highest score first
        print(f"{prediction.score:.4f}  {prediction.label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
