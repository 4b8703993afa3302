"""Logging: the stdlib logger `image_classify`, silent unless asked.

`IMAGE_CLASSIFY_LOG=debug` (or `info`) sends request/response lines to stderr: method,
redacted URL, status, elapsed time, request id and retries; debug adds each attempt and
the (redacted) headers. Applications that configure logging themselves just set the level
of the `image_classify` logger instead.
"""

from __future__ import annotations

import logging
import os
import sys

import httpx

from image_classify._redaction import install_log_filters, redact, redact_headers

LOGGER_NAME = "image_classify"
ENV_VAR = "IMAGE_CLASSIFY_LOG"
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}

logger = logging.getLogger(LOGGER_NAME)
install_log_filters([LOGGER_NAME])


class _StderrHandler(logging.Handler):
    """Writes to whatever sys.stderr is at the time (test runners swap it); its class marks
    the handler we add, so configuring twice does not add a second one."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:
            self.handleError(record)


def configure_logging() -> None:
    """Apply IMAGE_CLASSIFY_LOG (called by the client factory; idempotent)."""
    level = LEVELS.get(os.environ.get(ENV_VAR, "").strip().lower())
    if level is None:
        return
    logger.setLevel(level)
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
        logger.addHandler(handler)


def log_request(request: httpx.Request, attempt: int, attempts: int) -> None:
    """DEBUG: one line per attempt, with the (redacted) headers."""
    logger.debug(
        "request %s %s (attempt %d of %d) headers=%s",
        request.method,
        redact(str(request.url)),
        attempt,
        attempts,
        redact_headers(request.headers.multi_items()),
    )


def log_response(response: httpx.Response, elapsed: float, request_id: str | None) -> None:
    """INFO: status and time of each response."""
    request = response.request
    logger.info(
        "response %s %s -> %d in %.1f ms%s",
        request.method,
        redact(str(request.url)),
        response.status_code,
        elapsed * 1000,
        f" (request id {request_id})" if request_id else "",
    )
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("response headers=%s", redact_headers(response.headers.multi_items()))


# Set on the records of waits (and of waits not taken), which the CLI shows as they happen.
WAIT = "image_classify_wait"


def log_retry(request: httpx.Request, outcome: str, delay: float, retry: int, retries: int) -> None:
    """INFO: each retry, why, and how long we wait first."""
    logger.info(
        "retrying %s %s in %.2f s (retry %d of %d) after %s",
        request.method,
        redact(str(request.url)),
        delay,
        retry,
        retries,
        redact(outcome),
        extra={WAIT: delay},
    )


def log_budget_spent(request: httpx.Request, delay: float, budget: float) -> None:
    """INFO: a retry not taken because its wait would pass the call's budget."""
    logger.info(
        "not retrying %s %s: waiting %.1f s more would pass the retry budget of %.0f s "
        "(max_retry_wait)",
        request.method,
        redact(str(request.url)),
        delay,
        budget,
        extra={WAIT: 0.0},
    )


configure_logging()  # at import too, for code that never calls the factory (the CLI)
