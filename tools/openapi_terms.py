"""Terms of the OpenAPI format itself that several tools need, defined once."""

from __future__ import annotations

import re

# The operation keys of a Path Item (OpenAPI 3.0 and 3.1), in the specification's order.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# A templated path segment's parameter: `/models/{model_id}` -> "model_id".
PATH_PARAMETER = re.compile(r"\{([^}]*)\}")
