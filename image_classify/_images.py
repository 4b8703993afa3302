"""What `classify()` accepts as an image, read into bytes with a name and a media type."""

from __future__ import annotations

import io
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol, TypeAlias

from image_classify.errors import ImageError


class PILImage(Protocol):
    """What is read of a PIL image (Pillow's `Image.Image`, with the `pillow` extra)."""

    @property
    def mode(self) -> str: ...

    def save(self, fp: Any, format: str | None = None, **params: Any) -> None: ...


# What classify() takes as an image; anything else is a type error (and an ImageError).
ImageSource: TypeAlias = (
    bytes | bytearray | memoryview | str | os.PathLike[str] | BinaryIO | PILImage
)

# Magic numbers of the formats the five services take. A table rather than a library:
# puremagic (maintained) needs ~365 us per image, more than a whole mocked call, and
# filetype has had no release since 2022; six fixed signatures need neither.
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
    (b"II*\x00", "image/tiff", "tiff"),
    (b"MM\x00*", "image/tiff", "tiff"),
)
# BMP's "BM" alone would match text; the DIB header sizes of every BMP version follow it.
_BMP_HEADER_SIZES = frozenset({12, 16, 40, 52, 56, 64, 108, 124})
FORMATS = "JPEG, PNG, GIF, WebP, BMP or TIFF"


@dataclass(frozen=True)
class ImageInput:
    """An image read and checked: its bytes, a file name and a media type, or the URL a
    provider fetches itself."""

    data: bytes  # empty when the image is a URL
    filename: str
    media_type: str
    url: str | None = None  # an http(s) URL the provider fetches itself (Roboflow)


def sniff(data: bytes) -> tuple[str, str] | None:
    """(media type, extension) from the first bytes; None when they are no image format
    the providers take."""
    for magic, media_type, extension in _SIGNATURES:
        if data.startswith(magic):
            return media_type, extension
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    if data[:2] == b"BM" and int.from_bytes(data[14:18], "little") in _BMP_HEADER_SIZES:
        return "image/bmp", "bmp"
    return None


def _from_bytes(data: bytes, name: str | None) -> ImageInput:
    what = name or "the image"
    if not data:
        raise ImageError(f"{what} is empty (0 bytes): pass the bytes of an image.")
    found = sniff(data)
    if found is None:
        start = data[:8].hex(" ")
        raise ImageError(
            f"{what} is not an image: its first bytes ({start}) are not {FORMATS}; "
            "nothing was sent. Pass the image file itself."
        )
    media_type, extension = found
    return ImageInput(data, name or f"image.{extension}", media_type)


def _from_pil(image: Any) -> ImageInput:
    buffer = io.BytesIO()
    fmt = "PNG" if image.mode not in ("RGB", "L") else "JPEG"
    image.save(buffer, format=fmt)
    return _from_bytes(buffer.getvalue(), f"image.{fmt.lower().replace('jpeg', 'jpg')}")


def _read_regular_file(path: Path) -> bytes:
    """The file's bytes; an ImageError at once for a folder, a FIFO, a device or a socket
    (opened without blocking: reading a FIFO would wait for a writer forever)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        os.close(fd)
        raise
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise ImageError(f"{path} is a folder, not an image file.")
        raise ImageError(
            f"{path} is not a regular file (a FIFO, device or socket): pass an image file."
        )
    os.set_blocking(fd, True)
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def load_image(image: ImageSource) -> ImageInput:
    """Bytes, a path (str or PathLike), an http(s) URL string, a binary file object, or
    (with Pillow installed) a PIL image."""
    if isinstance(image, bytes | bytearray | memoryview):
        return _from_bytes(bytes(image), None)
    if isinstance(image, str) and image.startswith(("http://", "https://")):
        name = image.rsplit("/", 1)[-1].split("?", 1)[0] or "image"
        return ImageInput(b"", name, "application/octet-stream", url=image)
    if isinstance(image, str | os.PathLike):
        path = Path(image)
        try:
            return _from_bytes(_read_regular_file(path), path.name)
        except FileNotFoundError:
            raise ImageError(f"{path}: no such file. Check the path.") from None
        except OSError as exc:
            raise ImageError(f"{path}: cannot read it ({exc.strerror}).") from None
    if hasattr(image, "read"):
        data = image.read()
        if not isinstance(data, bytes):
            raise ImageError("the file object gave text, not bytes: open it in binary mode ('rb').")
        file_name = Path(str(getattr(image, "name", "") or "")).name or None
        return _from_bytes(data, file_name)
    if type(image).__module__.startswith("PIL."):
        return _from_pil(image)
    raise ImageError(
        f"cannot read an image from {type(image).__name__}: pass bytes, a path, an http(s) "
        "URL, a binary file object or a PIL image."
    )
