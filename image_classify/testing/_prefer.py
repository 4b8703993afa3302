"""Which documented answer a request should get: Prism's `Prefer` header, and the same
choice made from Python (`prefer()` on either backend)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from image_classify._providers import provider_info, providers
from image_classify._spec_match import Operation
from image_classify.testing._examples import UndocumentedAnswer

_PREFER_PART = re.compile(r"\s*([a-z]+)\s*=\s*([^,;]*)\s*", re.IGNORECASE)


def parse_prefer(header: str | None) -> tuple[int | None, str | None]:
    """(code, example) of a Prism `Prefer` header: `code=404`, `example=name`, both."""
    code: int | None = None
    example: str | None = None
    for part in (header or "").split(","):
        match = _PREFER_PART.fullmatch(part)
        if match is None:
            continue
        name, value = match.group(1).lower(), match.group(2).strip().strip('"')
        if name == "code":
            if not value.isdigit():
                raise UndocumentedAnswer(f"Prefer: code={value} is not an HTTP status code")
            code = int(value)
        elif name == "example":
            example = value
    return code, example


def prefer_header(code: int | None, example: str | None) -> str | None:
    """The `Prefer` header Prism reads for this choice (None: no preference)."""
    parts = ([f"code={code}"] if code is not None else []) + (
        [f"example={example}"] if example is not None else []
    )
    return ", ".join(parts) or None


@dataclass(slots=True)
class _Preference:
    code: int | None
    example: str | None
    times: int | None  # None: every later request
    operation: str | None  # operationId or "METHOD /path"; None: every operation


class Preferences:
    """What `prefer()` asked for, per provider (thread-safe: batches run on threads)."""

    def __init__(self) -> None:
        self._chosen: dict[str, _Preference] = {}
        self._lock = threading.Lock()

    def set(
        self,
        provider: str | None,
        code: int | None,
        example: str | None,
        times: int | None,
        operation: str | None,
    ) -> None:
        if times is not None and times < 1:
            raise ValueError(f"times={times}: give a count of 1 or more, or None for every call")
        keys = list(providers()) if provider is None else [provider_info(provider).key]
        with self._lock:
            for key in keys:
                if code is None and example is None:
                    self._chosen.pop(key, None)
                else:
                    self._chosen[key] = _Preference(code, example, times, operation)

    def clear(self) -> None:
        with self._lock:
            self._chosen.clear()

    def take(self, key: str, operation: Operation | None) -> tuple[int | None, str | None]:
        """(code, example) for this request to `operation`; counts it against `times`."""
        with self._lock:
            chosen = self._chosen.get(key)
            if chosen is None:
                return None, None
            if chosen.operation is not None and (
                operation is None
                or chosen.operation not in (operation.name, operation.node.get("operationId"))
            ):
                return None, None
            if chosen.times is not None:
                chosen.times -= 1
                if chosen.times <= 0:
                    del self._chosen[key]
            return chosen.code, chosen.example
