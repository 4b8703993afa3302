"""validate="off" | "warn" | "strict": checking each final answer against the provider's
spec (image_classify._spec_check) while classifying.

This module is imported with the runtime but imports the checker (and jsonschema behind
it) only when a check runs: with validate="off" a call pays one attribute test, nothing
else. Only the final answer of a call is checked; redirect hops and retried attempts are
recorded (record=) but not judged.
"""

from __future__ import annotations

import logging
import os
import warnings
from typing import Any, Literal

import httpx

from image_classify._logs import logger
from image_classify._providers import ProviderInfo
from image_classify._redaction import redact
from image_classify.errors import APIResponseValidationError, OptionError, SpecDeviationWarning

ValidateMode = Literal["off", "warn", "strict"]
MODES: tuple[ValidateMode, ...] = ("off", "warn", "strict")
ENV_VAR = "IMAGE_CLASSIFY_VALIDATE"
# A strict error names this many deviations; the rest are on `.deviations`.
SHOWN = 5


def validate_mode(value: str | None) -> ValidateMode:
    """`value`, else IMAGE_CLASSIFY_VALIDATE, else "off"; anything else is an OptionError
    naming where it came from and the valid values."""
    source = "validate"
    if value is None:
        value = os.environ.get(ENV_VAR, "").strip().lower() or "off"
        source = ENV_VAR
    for mode in MODES:
        if value == mode:
            return mode
    raise OptionError(f"{source} must be one of {', '.join(MODES)}, got {value!r}.")


def deviations_of(info: ProviderInfo, response: httpx.Response) -> list[Any]:
    """The checker's deviations for one answer (imported here, on first use)."""
    from image_classify._spec_check import check_response

    request = response.request
    return check_response(
        info.key,
        request.method,
        str(request.url),
        response.status_code,
        response.headers,
        response.content,
    )


def judge(
    mode: ValidateMode, info: ProviderInfo, response: httpx.Response
) -> APIResponseValidationError | None:
    """Check `response`. warn: log and warn once per deviation, return None; strict: the
    error naming the deviations (None when there are none)."""
    try:
        found = deviations_of(info, response)
    except Exception as exc:  # a checker bug must not cost the caller the answer
        logger.warning(
            "%s: the answer could not be checked against the spec (%s: %s)",
            info.title,
            type(exc).__name__,
            redact(str(exc)),
        )
        return None
    if not found:
        return None
    if mode == "strict":
        listed = "; ".join(redact(str(d)) for d in found[:SHOWN])
        more = f"; and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
        return APIResponseValidationError(
            f"{info.title} answered HTTP {response.status_code}, which its spec does not "
            f"allow: {listed}{more}",
            response=response,
            deviations=tuple(found),
        )
    for deviation in found:
        warning = SpecDeviationWarning(deviation)
        if logger.isEnabledFor(logging.WARNING):
            logger.warning("spec deviation: %s", warning)
        # stacklevel 1: the frames above are the runtime's own (flow, driver, classifier),
        # so a filter on this module (or the category) is the reliable way to silence it.
        warnings.warn(warning, stacklevel=1)
    return None
