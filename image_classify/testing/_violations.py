"""SpecViolation, and the record both mock backends keep of requests and violations."""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from image_classify._spec_check import Deviation


class SpecViolation(AssertionError):
    """A request the real API would reject: each deviation with the spec's words and the
    JSON pointers into the request part and into the effective spec. An AssertionError, so
    pytest reports it as a test failure, not as an error in the code under test."""

    def __init__(
        self, provider: str, request: httpx.Request, deviations: Sequence[Deviation], why: str = ""
    ) -> None:
        self.provider: str = provider
        self.request: httpx.Request = request
        self.deviations: tuple[Deviation, ...] = tuple(deviations)
        self.expected: bool = False  # raised inside expect_violation()
        self.reported: bool = False  # shown to the user already (raised, or listed)
        lines = [f"{provider}: {request.method} {request.url.path} violates the spec"]
        lines += [f"  - {deviation}" for deviation in self.deviations]
        if why:
            lines.append(f"  - {why}")
        super().__init__("\n".join(lines))


# Shown in tracebacks by its public name, not by this private module's.
SpecViolation.__module__ = "image_classify.testing"


class RequestLog:
    """`requests` sent and `violations` found, thread-safe (classify_many uses threads)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.violations: list[SpecViolation] = []
        self._expected: list[list[SpecViolation]] = []
        self._log_lock = threading.Lock()
        # Set by the pytest fixtures: a violation the test did not raise fails the test.
        self.fail_on_swallowed: bool = False
        # Set on the session's image_classify_prism: reset() after each test.
        self.per_test: bool = False

    def _check(self, key: str, request: httpx.Request) -> None:
        """Record `request`; raise (and record) a SpecViolation if the spec rejects it."""
        from image_classify._spec_check import check_request

        with self._log_lock:
            self.requests.append(request)
        url = str(request.url)
        deviations = check_request(key, request.method, url, request.headers, request.content)
        if deviations:
            raise self._violation(SpecViolation(key, request, deviations))

    def _violation(self, violation: SpecViolation) -> SpecViolation:
        with self._log_lock:
            self.violations.append(violation)
            if self._expected:
                violation.expected = True
                self._expected[-1].append(violation)
        return violation

    @contextlib.contextmanager
    def expect_violation(self, match: str | None = None) -> Iterator[list[SpecViolation]]:
        """Declare that the block sends a request the spec rejects: the SpecViolation is
        suppressed if it propagates, not reported at the end of the test, and collected in
        the list this yields. Fails when the block caused none (or none whose message
        matches the regular expression `match`). Use it instead of pytest.raises, which
        the plugin cannot see."""
        caught: list[SpecViolation] = []
        with self._log_lock:
            self._expected.append(caught)
        try:
            yield caught
        except SpecViolation as exc:
            if exc not in caught:
                raise
        finally:
            with self._log_lock:
                self._expected.remove(caught)
        if not caught:
            raise AssertionError("expected a request that violates the spec; none was sent")
        if match is not None and not any(re.search(match, str(v)) for v in caught):
            messages = "\n".join(str(v) for v in caught)
            raise AssertionError(f"no violation matches {match!r}; the violations:\n{messages}")

    def forget(self) -> None:
        """Empty `requests` and `violations`."""
        with self._log_lock:
            self.requests.clear()
            self.violations.clear()

    def unexpected_violations(self) -> list[SpecViolation]:
        """Violations not declared with expect_violation()."""
        with self._log_lock:
            return [v for v in self.violations if not v.expected]

    def take_unreported(self) -> list[SpecViolation]:
        """Unexpected violations not shown yet; marks them shown."""
        with self._log_lock:
            found = [v for v in self.violations if not v.expected and not v.reported]
            for violation in found:
                violation.reported = True
        return found
