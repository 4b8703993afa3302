"""What can go wrong in a call, as the SDK's typed errors; retries and timeouts bound it.

    export HF_TOKEN=hf_...
    python examples/error_handling.py cat.jpg

To see each branch, point IMAGE_CLASSIFY_HUGGINGFACE_BASE_URL at a Prism mock (python -m
tools mock) and set PRISM_PREFER=code=401 (or 429, 400, ...): it answers with that status.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx

import image_classify as ic

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "sample.jpg"  # default image


def main() -> int:
    image = Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE
    prefer = os.environ.get("PRISM_PREFER")  # Prism's Prefer header; only for a mock
    try:
        with ic.Classifier(
            "huggingface",  # token from HF_TOKEN: ic.MissingCredentialsError when unset
            max_retries=2,  # 429, 408, 409, 5xx and connection errors: up to 3 attempts
            max_retry_wait=20,  # at most 20 s of waiting between those attempts
            timeout=httpx.Timeout(30, connect=5),  # a deadline for each whole attempt
            default_headers={"Prefer": prefer} if prefer else None,
        ) as hf:
            result = hf.classify(image, top_k=1, timeout=15, max_retries=1)  # per call
    except ic.MissingCredentialsError as exc:
        return fail(f"no credentials: {exc}")
    except ic.AuthenticationError as exc:  # 401, never retried
        return fail(f"authentication failed (HTTP {exc.status_code}): {exc.message}")
    except ic.RateLimitError as exc:  # 429 still, after the retries
        return fail(f"rate limited (retry after {exc.retry_after} s): {exc.message}")
    except ic.APITimeoutError as exc:  # before APIConnectionError: it is a subclass
        return fail(f"timed out: {exc}")
    except ic.APIConnectionError as exc:  # no answer at all: refused, DNS, TLS, ...
        return fail(f"could not connect: {exc}")
    except ic.APIStatusError as exc:  # any other HTTP error status
        return fail(f"HTTP {exc.status_code} (request id {exc.request_id}): {exc.message}")
    except ic.ImageClassifyError as exc:  # the rest: a bad image, a malformed answer, ...
        return fail(f"{type(exc).__name__}: {exc}")
    print(", ".join(f"{p.label} ({p.score:.4f})" for p in result.predictions))
    return 0


def fail(line: str) -> int:  # one line on stderr, exit status 1
    print(f"error_handling: {line}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
