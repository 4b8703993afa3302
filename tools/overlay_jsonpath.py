"""The RFC 9535 JSONPath environment overlays are compiled with.

It is jsonpath_rfc9535's own, except that its `match()`/`search()` functions check,
translate and compile each pattern once: the library does that on every call, i.e. for
every node a descendant filter visits (about 180,000 on the 4 MB Cloudflare document).
The answers are the library's (tests/tools/test_overlay_regex_cache.py holds them side by side).
"""

from __future__ import annotations

from typing import Any

# regex and iregexp_check come with jsonpath-rfc9535 (its `match`/`search` use them); regex
# ships no type information.
import regex  # type: ignore[import-untyped]
from iregexp_check import check as iregexp_check
from jsonpath_rfc9535 import JSONPathEnvironment
from jsonpath_rfc9535.function_extensions import Match, Search
from jsonpath_rfc9535.function_extensions._pattern import map_re

__all__ = ["JSONPATH_ENV"]


class _RegexCache:
    """RFC 9535 `match`/`search` patterns, checked (I-Regexp) and compiled once each.

    jsonpath_rfc9535's functions re-check and re-translate the pattern on every call, and
    `@.x && match(@.x, '...')` calls them for every node a descendant filter visits, even
    where `@.x` is absent (its `&&` evaluates both sides): about 180,000 calls on the
    Cloudflare document. Same translation (the library's own `map_re`), same flags.
    """

    def __init__(self, flags: int = 0) -> None:
        self.flags = flags
        self.compiled: dict[str, Any] = {}

    def pattern(self, pattern: object) -> Any:
        if not isinstance(pattern, str):
            return None
        if pattern not in self.compiled:
            compiled = None
            if iregexp_check(pattern):
                try:
                    compiled = regex.compile(map_re(pattern), self.flags)
                except regex.error:
                    compiled = None
            self.compiled[pattern] = compiled
        return self.compiled[pattern]


class _Match(Match):
    """The library's `match`, with the pattern compiled once (same result for every input:
    a non-string value or an invalid pattern is False, as there)."""

    def __init__(self) -> None:
        self.cache = _RegexCache()

    def __call__(self, string: str, pattern: object) -> bool:
        compiled = self.cache.pattern(pattern)
        if compiled is None or not isinstance(string, str):
            return False
        return compiled.fullmatch(string) is not None


class _Search(Search):
    """The library's `search` (which uses regex.VERSION1), with the pattern compiled once."""

    def __init__(self) -> None:
        self.cache = _RegexCache(regex.VERSION1)

    def __call__(self, string: str, pattern: object) -> bool:
        compiled = self.cache.pattern(pattern)
        if compiled is None or not isinstance(string, str):
            return False
        return compiled.search(string) is not None


class _Environment(JSONPathEnvironment):
    def setup_function_extensions(self) -> None:
        super().setup_function_extensions()
        self.function_extensions["match"] = _Match()
        self.function_extensions["search"] = _Search()


JSONPATH_ENV = _Environment()
