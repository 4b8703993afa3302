"""record=DIR: every HTTP exchange a classifier makes, one JSON cassette per response
(retried attempts and redirect hops included), for replaying against the specs later
(image_classify._replay).

A cassette holds no credential and no image: the provider's auth header or query
parameter, Authorization, cookies, any header, query parameter or JSON key whose name
looks like a key/token/secret, and the credential's value wherever it appears (URL,
headers, bodies, an echo in the answer) become "<redacted>"; an image (raw bytes, base64
text, a JSON list of byte values, a multipart part) becomes {"image": {sha256, size,
media_type, encoding}}. Files are written to a temporary name and renamed, so a crash
never leaves half a cassette; a recording failure is logged once and never fails a call.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import os
import re
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeAlias
from urllib.parse import parse_qsl, quote, quote_plus, urlencode

import httpx
import orjson

from image_classify._images import sniff
from image_classify._logs import logger
from image_classify._providers import ProviderInfo
from image_classify._redaction import redact

VERSION = 1
ENV_VAR = "IMAGE_CLASSIFY_RECORD"
REDACTED = "<redacted>"
RecordTo: TypeAlias = "str | os.PathLike[str]"
# Names whose values are credentials wherever they appear (headers, query, JSON keys).
SECRET_NAME = re.compile(r"(?i)key|token|secret|passw|auth|cookie|session|credential|signature")
# A JSON string shorter than this is not an image: the base64 check is skipped.
MIN_BASE64_IMAGE = 64
_BASE64 = re.compile(rb"[A-Za-z0-9+/_\-\s]+={0,2}\s*")
_DATA_URL = re.compile(r"data:image/[\w.+-]+;base64,", re.IGNORECASE)
# One counter per process: two classifiers recording into one folder never collide, and
# the process id in the name keeps two processes apart.
_counter = itertools.count(1)


def record_folder(value: RecordTo | None) -> Path | None:
    """`value`, else IMAGE_CLASSIFY_RECORD, else None (no recording)."""
    if value is None:
        value = os.environ.get(ENV_VAR, "").strip() or None
    return None if value is None else Path(value)


class Scrub:
    """Takes credentials and images out of one exchange."""

    def __init__(self, info: ProviderInfo, secrets: Iterable[str]) -> None:
        self.auth_name = info.auth.name.lower()
        found = {s for s in secrets if s}
        # The value as it may be spelled in a URL or a form too.
        self.secrets = sorted(
            found | {quote(s, safe="") for s in found} | {quote_plus(s) for s in found},
            key=len,
            reverse=True,
        )

    def secret_name(self, name: str) -> bool:
        return name.lower() == self.auth_name or bool(SECRET_NAME.search(name))

    def text(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def url(self, url: httpx.URL) -> str:
        if not url.query:
            return self.text(str(url))
        pairs = [
            (name, REDACTED if self.secret_name(name) else value)
            for name, value in url.params.multi_items()
        ]
        bare = str(url.copy_with(query=None, fragment=None))
        return self.text(f"{bare}?{urlencode(pairs, safe='<>')}")

    def headers(self, headers: httpx.Headers) -> dict[str, str]:
        kept: dict[str, str] = {}
        for name, value in headers.multi_items():
            value = REDACTED if self.secret_name(name) else self.text(value)
            kept[name] = f"{kept[name]}, {value}" if name in kept else value
        return kept

    def json(self, value: Any) -> Any:
        if isinstance(value, str):
            return _image_ref_text(value) or self.text(value)
        if isinstance(value, dict):
            return {
                self.text(key): REDACTED if self.secret_name(key) else self.json(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return _image_ref_ints(value) or [self.json(item) for item in value]
        return value

    def body(self, data: bytes, content_type: str) -> dict[str, Any]:
        """{"json": ...}, {"text": ...}, {"base64": ...}, {"image": ...} or {"multipart": [...]}."""
        media = content_type.split(";", 1)[0].strip().lower()
        if media == "multipart/form-data":
            parts = _multipart(data, content_type)
            if parts is not None:
                return {"multipart": [self.part(headers, body) for headers, body in parts]}
        image = _image_ref(data, "binary")
        if image is not None:
            return image
        start = data.lstrip()[:1]
        if media.endswith("json") or start in (b"{", b"["):
            try:
                return {"json": self.json(orjson.loads(data))}
            except orjson.JSONDecodeError:
                pass
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return {"base64": base64.b64encode(self.raw(data)).decode("ascii")}
        image = _image_ref_text(text)
        if image is not None:
            return image
        if media == "application/x-www-form-urlencoded" and "=" in text:
            pairs = parse_qsl(text, keep_blank_values=True)
            if pairs:
                scrubbed = [
                    (k, REDACTED if self.secret_name(k) else self.text(v)) for k, v in pairs
                ]
                return {"form": [list(pair) for pair in scrubbed]}
        return {"text": self.text(text)}

    def raw(self, data: bytes) -> bytes:
        for secret in self.secrets:
            data = data.replace(secret.encode(), REDACTED.encode())
        return data

    def part(self, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        return {
            "headers": {
                k: REDACTED if self.secret_name(k) else self.text(v) for k, v in headers.items()
            },
            "body": self.body(body, headers.get("content-type", "")),
        }


def _image(data: bytes, encoding: str) -> dict[str, Any]:
    found = sniff(data)
    return {
        "image": {
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
            "media_type": found[0] if found else "application/octet-stream",
            "encoding": encoding,
        }
    }


def _image_ref(data: bytes, encoding: str) -> dict[str, Any] | None:
    return _image(data, encoding) if sniff(data[:32]) else None


def _image_ref_text(text: str) -> dict[str, Any] | None:
    """Base64 text (or a data: URL) of an image, as a reference."""
    if len(text) < MIN_BASE64_IMAGE:
        return None
    prefix = _DATA_URL.match(text)
    payload = text[prefix.end() :] if prefix else text
    head = payload[:64].strip()
    try:
        start = base64.b64decode(
            head[: len(head) // 4 * 4], altchars=b"-_" if "-" in head or "_" in head else None
        )
    except (binascii.Error, ValueError):
        return None
    if not sniff(start):
        return None
    raw = payload.encode("ascii", errors="replace")
    try:
        if not _BASE64.fullmatch(raw):
            raise ValueError("not base64 throughout")
        data = base64.b64decode(raw.replace(b"-", b"+").replace(b"_", b"/"))
    except (binascii.Error, ValueError):
        # It starts as an image: kept out all the same, hashed as the text it is.
        found = _image(raw, "base64 text, not decodable")
        found["image"]["media_type"] = (sniff(start) or ("",))[0]
        return found
    return _image(data, "base64")


def _image_ref_ints(values: list[Any]) -> dict[str, Any] | None:
    """A JSON list of byte values (0-255) that is an image, as a reference."""
    if len(values) < 16 or not all(type(v) is int and 0 <= v <= 255 for v in values[:32]):
        return None
    if not sniff(bytes(values[:32])):
        return None
    try:
        return _image(bytes(values), "bytes")
    except (TypeError, ValueError):
        return None


def _multipart(data: bytes, content_type: str) -> list[tuple[dict[str, str], bytes]] | None:
    """The parts of a multipart/form-data body (headers lower-cased), or None."""
    found = re.search(r'boundary="?([^";]+)"?', content_type)
    if found is None:
        return None
    delimiter = b"--" + found.group(1).encode("latin-1")
    parts = []
    for chunk in data.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, body = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        headers = {}
        for line in head.split(b"\r\n"):
            name, _, value = line.decode("latin-1").partition(":")
            if name:
                headers[name.strip().lower()] = value.strip()
        parts.append((headers, body.removesuffix(b"\r\n")))
    return parts


def request_body(request: httpx.Request) -> bytes | None:
    """The request's bytes; a multipart stream is rendered again (httpx re-reads it)."""
    try:
        return request.content
    except httpx.RequestNotRead:
        try:
            return request.read()
        except Exception:  # a one-shot stream: nothing to record
            return None


def cassette(
    info: ProviderInfo,
    scrub: Scrub,
    operation: str,
    generated: str,
    response: httpx.Response,
    elapsed: float,
) -> dict[str, Any]:
    request = response.request
    sent = request_body(request)
    return {
        "cassette": VERSION,
        "provider": info.key,
        "operation": operation,
        "generated": generated,
        "recorded_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "elapsed_ms": round(elapsed * 1000, 3),
        "request": {
            "method": request.method,
            "url": scrub.url(request.url),
            "headers": scrub.headers(request.headers),
            "body": (
                {"text": "<a stream that cannot be read twice>"}
                if sent is None
                else scrub.body(sent, request.headers.get("content-type", ""))
            ),
        },
        "response": {
            "status": response.status_code,
            "headers": scrub.headers(response.headers),
            "body": scrub.body(response.content, response.headers.get("content-type", "")),
        },
    }


def operation_of(info: ProviderInfo, method: str, url: httpx.URL, fallback: str) -> str:
    """ "POST /{dataset}/{version}" from the spec's paths, else `fallback`."""
    try:
        from image_classify._spec_match import index_for

        found = index_for(info.key).match(url.raw_path.split(b"?", 1)[0].decode("ascii"))
    except Exception:  # no spec at hand: the generated operation's name says enough
        return fallback
    return fallback if found is None else f"{method} {found.template}"


class Recorder:
    """Writes cassettes into one folder (created when the first one is written)."""

    def __init__(self, folder: Path, info: ProviderInfo, secrets: Iterable[str]) -> None:
        self.folder = folder
        self.info = info
        self.scrub = Scrub(info, secrets)
        self.failed = False  # warned once already

    def record(self, generated: str, response: httpx.Response, elapsed: float) -> None:
        """Write one cassette. Never raises: a call must not fail because its recording
        did. In AsyncClassifier this runs on the event loop: a few kilobytes written to a
        local file (images are not stored), well under a millisecond."""
        try:
            name = generated.rpartition(".")[2]
            operation = operation_of(self.info, response.request.method, response.request.url, name)
            data = cassette(self.info, self.scrub, operation, generated, response, elapsed)
            self.write(name, orjson.dumps(data, option=orjson.OPT_INDENT_2))
        except Exception as exc:
            if not self.failed:
                self.failed = True
                logger.warning(
                    "record: cannot write cassettes to %s (%s: %s); classifying goes on "
                    "without recording",
                    self.folder,
                    type(exc).__name__,
                    redact(str(exc)),
                )

    def write(self, operation: str, data: bytes) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        final = self.folder / (
            f"{stamp}-{self.info.key}-{operation}-{os.getpid()}-{next(_counter):06d}.json"
        )
        handle, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.folder)
        try:
            # No fsync: it would cost milliseconds per call; the rename alone keeps a crashed
            # process from leaving half a cassette under a cassette's name.
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, final)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return final
