"""Classify several images concurrently from asyncio code, two ways: AsyncClassifier's
classify_many (an async iterator, results in input order) and asyncio.gather over
classify calls (all results at once; the first error is raised).

    export HF_TOKEN=hf_...
    python examples/async_many.py a.jpg b.jpg c.jpg

The base URL comes from IMAGE_CLASSIFY_HUGGINGFACE_BASE_URL when it is set (a proxy, a
local mock): the SDK reads that variable itself.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from image_classify import AsyncClassifier, ImageClassifyError

# With no argument: the sample image of the repository, found from this file's location.
SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "sample.jpg"


async def classify_all(images: list[Path]) -> int:
    # One pooled connection set for every call below; closed by `async with`.
    async with AsyncClassifier("huggingface", max_connections=16) as hf:  # HF_TOKEN
        # 1. A stream of BatchItems: an image that fails is an item with .error.
        failed = 0
        async for item in hf.classify_many(images, concurrency=16, top_k=1):
            if item.result is not None:
                labels = [p.label for p in item.result.predictions]
                print(f"many   {images[item.index].name}: {', '.join(labels)}")
            else:
                failed += 1
                print(f"{images[item.index].name}: {item.error}", file=sys.stderr)
        if failed:
            return 1
        # 2. Plain coroutines: gather runs them together and returns results in order.
        results = await asyncio.gather(*(hf.classify(image, top_k=1) for image in images))
        for image, result in zip(images, results, strict=True):
            labels = [p.label for p in result.predictions]
            print(f"gather {image.name}: {', '.join(labels)}")
    return 0


def main() -> int:
    images = [Path(arg) for arg in sys.argv[1:]] or [SAMPLE]
    try:
        return asyncio.run(classify_all(images))
    except ImageClassifyError as exc:  # no token, or an image gather could not classify
        print(f"async_many: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
