"""Inputs that crash or hang Prism 5.16 itself, shared by our tests and Schemathesis runs.

Such inputs are valid tests of a real server, but no Prism can answer them, so the mock
would report its own failure as ours. Each filter names the Prism behaviour it avoids.
This module is also loaded by `st run` as its hooks module (schemathesis.toml: hooks).
"""

from __future__ import annotations

import re
from typing import Any

import schemathesis
from schemathesis.core import NotSet

# Field names Prism's multipart parsing survives.
PLAIN_FIELD_NAME = re.compile(r"[A-Za-z0-9_.-]+")


def multipart_names_parse(case: Any) -> bool:
    """Prism dies (the whole process) on some multipart field names: parse-multipart-data
    splits Content-Disposition on ';' and '=' and reads past the end (TypeError,
    stoplightio/prism#2672), and a '%' that is not a valid escape makes its
    decodeURIComponent throw URIError. Schemathesis draws such names for a multipart
    body's additionalProperties."""
    if case.media_type and case.media_type.startswith("multipart/") and isinstance(case.body, dict):
        return all(PLAIN_FIELD_NAME.fullmatch(str(name)) for name in case.body)
    return True


def json_body_is_json(case: Any) -> bool:
    """Prism never answers an application/json request whose body is not JSON at all
    (e.g. one NUL byte, as Schemathesis's coverage phase sends): the request hangs."""
    if case.media_type == "application/json":
        return not isinstance(case.body, bytes | bytearray) and not hasattr(case.body, "data")
    return True


def raw_form_body(case: Any) -> bool:
    """A raw body sent as application/x-www-form-urlencoded (Roboflow's base64 text).
    Prism always parses that media type into key=value pairs and validates the pairs, so
    no raw body passes ("Request body must be string"), and a '%' in one kills it."""
    return case.media_type == "application/x-www-form-urlencoded" and not isinstance(
        case.body, NotSet | dict
    )


def prism_can_parse(case: Any) -> bool:
    return multipart_names_parse(case) and json_body_is_json(case) and not raw_form_body(case)


@schemathesis.hook("filter_case")
def _prism_survives(context: Any, case: Any) -> bool:
    # For `st run`: keep raw form bodies (their checks are scoped off in schemathesis.toml)
    # but drop what crashes or hangs the mock.
    return multipart_names_parse(case) and json_body_is_json(case)
