"""Keeping credentials out of everything a person can read: logs, error messages, reprs.

Two nets, because either alone leaks: the values of live credentials (whatever the text
around them), and credential-shaped text (`api_key=...` in a URL, `Authorization: Bearer
...`, `x-api-key: ...`) whose value this process may not know (a caller-supplied httpx
client with its own auth). The names come from the manifest plus the common ones.
"""

from __future__ import annotations

import functools
import logging
import re
import weakref
from collections.abc import Iterable, Mapping

from image_classify._providers import providers

MASK = "***"
# Masked wherever `name: value` or `name=value` appears (headers, JSON, reprs, URLs).
COMMON_NAMES = (
    "authorization",
    "proxy-authorization",
    "x-api-key",
    "api-key",
    "apikey",
    "api_key",
    "access_token",
)
# Masked only as query parameters (`?token=...`): as words they are common in prose.
QUERY_ONLY_NAMES = ("token", "key")
# Masked in header dumps (debug logs) besides the names above.
HEADER_ONLY_NAMES = ("cookie", "set-cookie")
# Loggers that write request lines or headers: httpx logs every URL at INFO (with the
# query string, so a query-style key), httpcore traces at DEBUG.
THIRD_PARTY_LOGGERS = (
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)

# owner (an auth object) -> its secret; entries go when the owner is garbage-collected.
_secrets: weakref.WeakKeyDictionary[object, str] = weakref.WeakKeyDictionary()


def register_secret(owner: object, secret: str) -> None:
    """Redact `secret` everywhere for as long as `owner` lives, whatever its length: a
    short test key echoed back in a 401 body is still a key. (A very short one masks the
    same letters wherever they appear: a garbled message beats a leaked key.)"""
    if secret:
        _secrets[owner] = secret


@functools.cache
def sensitive_names() -> frozenset[str]:
    """Header and query parameter names whose values are credentials (lower case)."""
    from_manifest = {info.auth.name.lower() for info in providers().values()}
    return frozenset(from_manifest | set(COMMON_NAMES))


def _alternatives(names: Iterable[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    names = _alternatives(sensitive_names())
    # `name=value` (query strings, forms) and `name: value` / "name": "value" (headers,
    # JSON, dict reprs); an optional auth scheme word stays readable.
    named = re.compile(
        rf"""(?ix)
        (?<![\w-])((?:{names})["']?\s*[:=]\s*["']?(?:(?:bearer|basic|token)\s+)?)
        ([^\s"'&,;<>)}}\]]+)
        """
    )
    query = re.compile(rf"(?i)([?&](?:{_alternatives(QUERY_ONLY_NAMES)})=)([^&#\s\"'<>]+)")
    bearer = re.compile(r"(?i)\b(bearer\s+)([A-Za-z0-9\-._~+/]+=*)")
    return named, query, bearer


def _mask_credential_looking(match: re.Match[str]) -> str:
    """After "Bearer": a credential (long, or with a digit), not a word ("bearer token")."""
    value = match.group(2)
    looks_secret = len(value) >= 16 or (len(value) >= 6 and any(c.isdigit() for c in value))
    return match.group(1) + MASK if looks_secret else match.group(0)


def redact(text: str) -> str:
    """`text` with every credential replaced by ***."""
    # Longest first: a short key inside a longer one must not leave the longer one's rest.
    for secret in sorted(_secrets.values(), key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    named, query, bearer = _patterns()
    text = named.sub(rf"\1{MASK}", text)
    text = query.sub(rf"\1{MASK}", text)
    return bearer.sub(_mask_credential_looking, text)


def redact_headers(headers: Iterable[tuple[str, str]] | Mapping[str, str]) -> dict[str, str]:
    """Headers for display: credential-carrying ones masked, the rest redacted as text."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    names = sensitive_names() | set(HEADER_ONLY_NAMES)
    return {name: MASK if name.lower() in names else redact(value) for name, value in items}


class RedactingFilter(logging.Filter):
    """Rewrites a log record's message when it contains a credential."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FILTER = RedactingFilter()


def install_log_filters(logger_names: Iterable[str] = ()) -> None:
    """Put the redacting filter on our logger(s) and on httpx's and httpcore's (idempotent).
    A logger's filters see only records logged on that very logger, hence the list."""
    for name in (*THIRD_PARTY_LOGGERS, *logger_names):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


def redact_exception(exc: BaseException) -> BaseException:
    """Redact an exception's message in place and return it: we chain third-party
    exceptions as causes, and a logged traceback prints their messages."""
    exc.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in exc.args)
    return exc
