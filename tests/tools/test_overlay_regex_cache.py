"""The overlay engine's `match`/`search` (patterns compiled once) answer exactly as
jsonpath_rfc9535's own functions, for every kind of pattern and value a filter meets."""

from __future__ import annotations

from typing import Any

import pytest
from jsonpath_rfc9535 import JSONPathEnvironment
from jsonpath_rfc9535.function_extensions import Match, Search

from tools.overlay_jsonpath import JSONPATH_ENV, _Match, _Search

PATTERNS: list[object] = [
    "a.*",
    "[0-9]{4}-.*",
    "workers-ai-.*",
    ".",
    "a|b",
    "\\p{Lu}+",
    "[a-",  # not a valid I-Regexp
    "(?P<x>a)",  # not I-Regexp either
    "",
    5,
    None,
]
VALUES: list[Any] = ["abc", "a", "2024-08-06", "<now>", "", "ABC", "\n", "é", 5, None, True, ["a"]]


@pytest.mark.parametrize("pattern", PATTERNS, ids=repr)
def test_match_and_search_agree_with_the_library(pattern: object) -> None:
    ours_match, ours_search = _Match(), _Search()
    for value in VALUES:
        assert ours_match(value, pattern) == Match()(value, pattern), (value, pattern)
        assert ours_search(value, pattern) == Search()(value, pattern), (value, pattern)
        assert ours_match(value, pattern) == Match()(value, pattern)  # cached the same


def test_queries_select_the_same_nodes() -> None:
    document = {
        "paths": {
            "/a": {"get": {"operationId": "workers-ai-run"}, "post": {"operationId": "other"}},
            "/b": {"get": {"operationId": "workers-ai-list", "default": "<now>"}},
        }
    }
    plain = JSONPathEnvironment()
    for query in (
        "$..[?@.operationId && match(@.operationId, 'workers-ai-.*')]",
        "$..[?search(@.operationId, 'ai')]",
        "$..[?@.default && !match(@.default, '[0-9]{4}-.*')]",
    ):
        ours = [node.path() for node in JSONPATH_ENV.compile(query).finditer(document)]
        assert ours == [node.path() for node in plain.compile(query).finditer(document)]
        assert ours
