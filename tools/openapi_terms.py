"""Terms of the OpenAPI format itself that several tools need, defined once."""

from __future__ import annotations

import re

# The operation keys of a Path Item (OpenAPI 3.0 and 3.1), in the specification's order.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# A templated path segment's parameter: `/models/{model_id}` -> "model_id". A name never
# holds a brace: in a malformed `/a/{{x}` only `{x}` is the parameter (the real paths of
# every pinned and upstream document read the same either way).
PATH_PARAMETER = re.compile(r"\{([^{}]*)\}")
