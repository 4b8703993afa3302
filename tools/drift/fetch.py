"""Load the document a drift or update compares against: a local path or an http(s) URL.

Everything goes through tools.documents.load_document (YAML-bomb refusal, line:col
errors), then two checks every later step relies on: the document is OpenAPI (it has an
`openapi` key) and it is self-contained (no external `$ref`). A URL is fetched with httpx,
streamed, so that a body past the size cap is refused as soon as it is known to be too big
(from Content-Length, else while it arrives) instead of after it has filled memory.

`--timeout` is a deadline for the whole fetch (name lookup, connect, headers, every read,
redirects), not httpx's per-read timeout: a server that drips one byte a second never
trips a per-read timeout, so the fetch runs in a worker thread that the caller stops
waiting for at the deadline.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tools.documents import load_document
from tools.errors import ToolError, describe
from tools.refs import reject_external_refs

# Cloudflare's complete published document is about 4 MB; ten times that is still a spec.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_TIMEOUT_S = 30.0
_SUFFIXES = (".json", ".yaml", ".yml")


@dataclass(frozen=True)
class Source:
    """One side of a comparison, as read: where from, its bytes, its parsed document."""

    label: str  # the path or URL as the user gave it; used in every message
    data: bytes
    document: dict[str, Any]
    suffix: str  # ".json" or ".yaml": how `data` was parsed

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def is_url(spec: str) -> bool:
    return urlsplit(spec).scheme.lower() in ("http", "https")


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB" if size >= 1024 * 1024 else f"{size:,} bytes"


def _too_big(label: str, size: str, max_bytes: int) -> ToolError:
    return ToolError(
        f"{label}: refused: the document is {size}, over the limit of {_mib(max_bytes)} "
        "(--max-bytes). An OpenAPI document of one provider is far smaller; check the "
        "address, or raise the limit if the document really is this big."
    )


class _Fetch:
    """What the worker thread has got so far; the caller reads it once it stops waiting."""

    def __init__(self) -> None:
        self.headers_done = False
        self.declared: int | None = None  # Content-Length, when the server sent one
        self.received = 0  # body bytes
        self.abandoned = False  # the caller gave up: stop reading at the next chunk
        self.result: tuple[bytes, str] | None = None
        self.error: BaseException | None = None


def _late(url: str, timeout: float, fetch: _Fetch) -> ToolError:
    if not fetch.headers_done:
        got = "no complete response headers yet"
    else:
        of = f" of {_mib(fetch.declared)}" if fetch.declared is not None else ""
        got = f"{_mib(fetch.received)}{of} received"
    return ToolError(
        f"{url}: no complete answer within {timeout:g} s (--timeout): {got}; the server "
        "may be slow, stalled or unreachable from here. Try again later, raise --timeout, "
        "or fetch the document another way and pass its path."
    )


def _get(url: str, max_bytes: int, timeout: float, fetch: _Fetch) -> None:
    """The fetch itself, run in the worker thread; its outcome goes into `fetch`."""
    import httpx  # here: every `python -m tools` command imports this module, few fetch

    chunks: list[bytes] = []
    try:
        # httpx's timeout bounds each connect and read: it ends the worker of a stalled
        # server on its own soon after the caller's deadline.
        with (
            httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=5) as client,
            client.stream("GET", url) as response,
        ):
            fetch.headers_done = True
            if response.status_code != 200:
                raise ToolError(
                    f"{url}: the server answered HTTP {response.status_code} "
                    f"{response.reason_phrase} instead of the document. Check the address."
                )
            declared = response.headers.get("content-length", "")
            if declared.isdigit():
                fetch.declared = int(declared)
                if fetch.declared > max_bytes:
                    raise _too_big(url, f"{_mib(fetch.declared)} (Content-Length)", max_bytes)
            for chunk in response.iter_bytes():  # a chunk per network read: a drip is seen
                if fetch.abandoned:
                    return
                fetch.received += len(chunk)
                if fetch.received > max_bytes:  # no or a wrong Content-Length: stop now
                    raise _too_big(url, f"more than {_mib(max_bytes)}", max_bytes)
                chunks.append(chunk)
            fetch.result = (b"".join(chunks), response.headers.get("content-type", ""))
    except httpx.TimeoutException:
        fetch.error = _late(url, timeout, fetch)
    except httpx.HTTPError as exc:
        fetch.error = ToolError(
            f"{url}: could not be fetched ({describe(exc)}). Check the address "
            "and the network, or download the document and pass its path."
        )
    except BaseException as exc:  # ToolError, or a bug: either way the caller raises it
        fetch.error = exc


def download(url: str, *, max_bytes: int, timeout: float) -> tuple[bytes, str]:
    """GET `url` (redirects followed) and return (body, content type) within `timeout`
    seconds in all; ToolError otherwise."""
    fetch = _Fetch()
    # A daemon thread: a read blocked past the deadline cannot be interrupted, but it must
    # neither hold the caller nor keep the process alive after the error is reported.
    worker = threading.Thread(
        target=_get, args=(url, max_bytes, timeout, fetch), name="drift-fetch", daemon=True
    )
    deadline = time.monotonic() + timeout
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()))
    if worker.is_alive():
        fetch.abandoned = True
        raise _late(url, timeout, fetch)
    if fetch.error is not None:
        raise fetch.error
    assert fetch.result is not None  # the worker ends with a result or an error
    return fetch.result


def _suffix_for(url: str, content_type: str, data: bytes) -> str:
    path_suffix = Path(urlsplit(url).path).suffix.lower()
    if path_suffix in _SUFFIXES:
        return ".json" if path_suffix == ".json" else ".yaml"
    if "json" in content_type.lower() or data.lstrip()[:1] == b"{":
        return ".json"
    return ".yaml"


def _check_openapi(document: dict[str, Any], label: str) -> None:
    if "openapi" in document:
        return
    if "swagger" in document:
        raise ToolError(
            f"{label}: is a Swagger {document.get('swagger')} document, not OpenAPI 3. "
            "Convert it to OpenAPI 3.0 or 3.1 first."
        )
    keys = ", ".join(repr(k) for k in list(document)[:8]) or "none"
    raise ToolError(
        f"{label}: not an OpenAPI document: its top level has no 'openapi' key (its keys: "
        f"{keys}). Check that this is the provider's OpenAPI document and not, say, an "
        "HTML page or an overlay."
    )


def parse_source(label: str, data: bytes, suffix: str) -> Source:
    """Parse and check bytes that came from `label` (a URL, or a file already read)."""
    with tempfile.TemporaryDirectory(prefix="drift-fetch-") as folder:
        # load_document reads files; messages name the temporary file, so put `label` back.
        temp = Path(folder) / f"document{suffix}"
        temp.write_bytes(data)
        try:
            document = load_document(temp)
            reject_external_refs(document, temp)
        except ToolError as exc:
            raise ToolError(str(exc).replace(str(temp), label)) from None
    _check_openapi(document, label)
    return Source(label, data, document, suffix)


def load_source(
    spec: str, *, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = DEFAULT_TIMEOUT_S
) -> Source:
    """Read an OpenAPI document from a path or an http(s) URL, checked as described above."""
    if is_url(spec):
        data, content_type = download(spec, max_bytes=max_bytes, timeout=timeout)
        return parse_source(spec, data, _suffix_for(spec, content_type, data))
    if "://" in spec:
        raise ToolError(
            f"{spec}: only http:// and https:// addresses or local paths can be read. "
            "Download the document and pass its path."
        )
    path = Path(spec)
    if path.is_file() and path.stat().st_size > max_bytes:
        raise _too_big(spec, _mib(path.stat().st_size), max_bytes)
    document = load_document(path)  # its own messages already name `path`
    reject_external_refs(document, path)
    _check_openapi(document, spec)
    suffix = ".json" if path.suffix.lower() == ".json" else ".yaml"
    return Source(spec, path.read_bytes(), document, suffix)
