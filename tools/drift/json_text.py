"""JSON text of document nodes, made and searched in C: the fast path of the spec diff.

Two versions of a document are mostly the same; comparing them node by node in Python
would take seconds. Instead a node's JSON text comes from the standard library's C
encoder and is cut at its `$ref`s by `str.split`, so that only the `$ref`s themselves are
visited in Python (tools/drift/document_side.py builds fingerprints from the pieces).
"""

from __future__ import annotations

import json
import json.encoder
import re
from collections.abc import Callable
from typing import Any

# `"$ref": "..."` as json.dumps writes it: finding refs in dumped text runs in C.
_REF_IN_JSON = re.compile(r'"\$ref": "((?:[^"\\]|\\.)*)"')
_REF_MARK = '"$ref": "'


def _make_encoder() -> Callable[[Any], str]:
    """JSON text of a node, as fast as the standard library gives it: its C encoder, made
    once (json.dumps builds one per call, a third of the time for small nodes), without
    the circularity check (trees loaded from JSON or YAML have no cycles) and without
    sorting keys (a document whose keys were reordered only loses the shortcut)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - a Python without the C accelerator
        return json.JSONEncoder(check_circular=False, default=str).encode
    chunks = make(
        None, str, json.encoder.encode_basestring_ascii, None, ": ", ", ", False, False, True
    )

    def encode(value: Any) -> str:
        return "".join(chunks(value, 0))

    return encode


encode = _make_encoder()


def ref_of(node: Any) -> str | None:
    """The target of a node that is only a `$ref` (by far the most common kind)."""
    if type(node) is dict and len(node) == 1:
        ref = node.get("$ref")
        if type(ref) is str:
            return ref
    return None


def cut_at_refs(text: str) -> list[str]:
    """JSON text cut at its `$ref`s: [text, ref, text, ref, ..., text]. `"$ref": "` can only
    be a `$ref` member (a quote inside a string is escaped), so a plain split (C) finds them;
    a `$ref` value with an escape in it goes to the exact regex."""
    if _REF_MARK not in text:
        return [text]
    chunks = text.split(_REF_MARK)
    pieces = [chunks[0]]
    for chunk in chunks[1:]:
        ref, _quote, rest = chunk.partition('"')
        if "\\" in ref:
            return _REF_IN_JSON.split(text)
        pieces += (ref, rest)
    return pieces


def unescape(ref: str) -> str:
    """A `$ref` value as found in JSON text, back to the string it is."""
    return json.loads(f'"{ref}"') if "\\" in ref else ref


def short(value: Any, limit: int = 80) -> str:
    """A value as compact JSON for a change's one-sentence detail, cut to `limit`."""
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."
