"""The pytest plugin (entry point `pytest11`, so installed with the wheel): fixtures that
test code using image_classify against the five APIs without keys or network.

    image_classify_fake   (function) the in-process fake, FakeAPIs
    image_classify_prism  (session)  real Prism mocks, PrismMocks, started per provider
    image_classify_mock   (function) the backend chosen with --image-classify-mock

Every pytest run of a project that installs the SDK loads this module, so importing it
starts nothing and imports nothing beyond pytest and the image_classify package itself;
the fake, the Prism launcher and the spec checks load when a fixture is first used.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from _pytest._code.code import Traceback

    from image_classify.testing._fake import FakeAPIs
    from image_classify.testing._mocks import MockBase, PrismMocks, PrismServers
    from image_classify.testing._violations import SpecViolation

MODES = ("auto", "prism", "fake")
ENV = "IMAGE_CLASSIFY_MOCK"
INI = "image_classify_mock"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("image_classify", "image-classify-sdk test doubles")
    group.addoption(
        "--image-classify-mock",
        choices=MODES,
        default=None,
        help="backend of the image_classify_mock fixture: prism (Prism mocks, needs "
        "Node), fake (in-process, no Node), auto (prism when found, else fake). "
        f"Default: ${ENV}, then the ini option {INI}, then auto.",
    )
    parser.addini(INI, f"default of --image-classify-mock ({', '.join(MODES)})", default="")


def mock_mode(config: pytest.Config) -> str:
    """The backend chosen: the option, else $IMAGE_CLASSIFY_MOCK, else the ini, else auto."""
    given: str | None = config.getoption("image_classify_mock")
    if given:
        return given
    for source, value in ((f"${ENV}", os.environ.get(ENV, "")), (INI, config.getini(INI))):
        chosen = str(value).strip().lower()
        if chosen:
            if chosen not in MODES:
                raise pytest.UsageError(f"{source} = {value!r}: choose one of {', '.join(MODES)}.")
            return chosen
    return "auto"


@pytest.fixture
def image_classify_fake(request: pytest.FixtureRequest) -> Iterator[FakeAPIs]:
    """The five APIs faked in process (no Node, no network, no keys): FakeAPIs. Every
    request is checked against the spec (SpecViolation) and answered with its example."""
    from image_classify.testing._fake import FakeAPIs

    fake = FakeAPIs()
    fake.fail_on_swallowed = True
    yield fake
    _finish(fake, "image_classify_fake")


@pytest.fixture(scope="session")
def _image_classify_prism_servers() -> Iterator[PrismServers | Exception]:
    """The Prism processes of the session (none until a provider is asked for), or why
    Prism cannot run."""
    from image_classify._prism import PrismNotFoundError
    from image_classify.testing._mocks import PrismServers

    try:
        servers = PrismServers()
    except PrismNotFoundError as exc:
        yield exc
        return
    try:
        yield servers
    finally:
        servers.stop()


def _servers_or_fail(request: pytest.FixtureRequest) -> PrismServers:
    found: PrismServers | Exception = request.getfixturevalue("_image_classify_prism_servers")
    if isinstance(found, Exception):
        if mock_mode(request.config) == "auto":
            pytest.skip(f"Prism mocks unavailable (--image-classify-mock=auto): {found}")
        pytest.fail(str(found), pytrace=False)
    return found


@pytest.fixture(scope="session")
def image_classify_prism(request: pytest.FixtureRequest) -> Iterator[PrismMocks]:
    """The five APIs served by real Prism mocks (PrismMocks), each started on a free
    loopback port when a test first uses it and stopped at the end of the session. Fails
    with the launcher's message when Prism cannot run (skips under
    --image-classify-mock=auto)."""
    from image_classify.testing._mocks import PrismMocks

    mocks = PrismMocks(_servers_or_fail(request))
    mocks.fail_on_swallowed = True
    mocks.per_test = True
    yield mocks
    mocks.close()


@pytest.fixture
def image_classify_mock(request: pytest.FixtureRequest) -> Iterator[FakeAPIs | PrismMocks]:
    """The backend chosen with --image-classify-mock (or $IMAGE_CLASSIFY_MOCK, or the ini
    option image_classify_mock): PrismMocks or FakeAPIs, told apart by `.kind`. `auto`
    (the default): Prism when it can be found, else the fake."""
    from image_classify.testing._fake import FakeAPIs
    from image_classify.testing._mocks import PrismMocks

    mocks: FakeAPIs | PrismMocks
    if mock_mode(request.config) == "fake":
        mocks = FakeAPIs()
    else:
        found = request.getfixturevalue("_image_classify_prism_servers")
        if isinstance(found, Exception):
            if mock_mode(request.config) == "prism":
                pytest.fail(str(found), pytrace=False)
            mocks = FakeAPIs()
        else:
            mocks = PrismMocks(found)  # this test's classifiers; the session's servers
    mocks.fail_on_swallowed = True
    yield mocks
    _finish(mocks, "image_classify_mock")


def _finish(mocks: MockBase, fixture: str) -> None:
    """Close the classifiers; fail on violations nobody has seen (swallowed during
    teardown, after the test's own report)."""
    mocks.close()
    left = mocks.take_unreported()
    if left:
        pytest.fail(_swallowed_text(left, fixture), pytrace=False)


def _swallowed_text(violations: list[SpecViolation], fixture: str) -> str:
    shown = "\n".join(str(v) for v in violations)
    return (
        f"{len(violations)} request(s) violated the spec, and the SpecViolation did not reach "
        "pytest: a broad `except` in the code under test swallowed it (or pytest.raises, "
        "which the plugin cannot see). Fix the request; if the test means to send it, wrap "
        f"it in `with {fixture}.expect_violation():`. The violations:\n{shown}"
    )


def _short_repr(item: pytest.Item, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:
    """A SpecViolation's report without the frames of image_classify and httpx: what is
    left is the test and the user's code that sent the request. None: not ours."""
    style = str(item.config.getoption("tbstyle", "auto"))
    ours = type(excinfo.value).__module__ == "image_classify.testing"
    if not ours or style not in ("auto", "long", "short") or item.config.getoption("fulltrace"):
        return None
    folders = tuple(
        str(Path(module.__file__).parent) + os.sep
        for module in (sys.modules.get("httpx"), sys.modules.get("image_classify"))
        if module is not None and module.__file__
    )

    def keep(info: pytest.ExceptionInfo[BaseException]) -> Traceback:
        # Traceback.cut rebuilds from the raw frames, so cut first and filter after.
        full = info.traceback
        start = full.cut(path=item.path) if hasattr(item, "path") else full
        kept = start.filter(lambda entry: not str(entry.path).startswith(folders))
        kept = kept.filter(info)  # __tracebackhide__, as pytest honours it
        return kept if len(kept) else full

    return excinfo.getrepr(
        style="short" if style == "short" else "long",
        showlocals=bool(item.config.getoption("showlocals", False)),
        tbfilter=keep,
    )


def _chain(error: BaseException | None) -> set[int]:
    """ids of `error` and every exception it was raised from or during."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return seen


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """After a test's call: a violation it did not raise (swallowed) fails it here, and
    prefer() choices end. One it raised is shown without the runtime's and httpx's frames
    between the user's code and the transport (unless --fulltrace)."""
    report = yield
    if report.failed and call.when == "call" and call.excinfo is not None:
        shorter = _short_repr(item, call.excinfo)
        if shorter is not None:
            report.longrepr = shorter
    module = sys.modules.get("image_classify.testing._mocks")
    if report.when != "call" or module is None:  # no mock made in this process: nothing to do
        return report
    funcargs: dict[str, Any] = getattr(item, "funcargs", {})
    raised = _chain(call.excinfo.value if call.excinfo is not None else None)
    texts = []
    for name, value in funcargs.items():
        if isinstance(value, module.MockBase) and value.fail_on_swallowed:
            swallowed = [v for v in value.take_unreported() if id(v) not in raised]
            if swallowed:
                texts.append(_swallowed_text(swallowed, name))
            if value.per_test:  # the session's Prism mocks: prefer() and records per test
                value.reset()
    if texts:
        if report.passed:
            report.outcome = "failed"
            report.longrepr = "\n".join(texts)
        else:
            report.sections.append(("image_classify spec violations", "\n".join(texts)))
    return report
