"""The pytest plugin as a user meets it: user-style test files run by pytester, with the
plugin loaded from its entry point (as the installed wheel registers it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.image_classify.testing.test_examples import FIRST_LABELS

# Module level, not in a conftest: pytest refuses pytest_plugins in a non-root conftest.
pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[3]
PRISM = ROOT / "node_modules" / ".bin" / "prism"

HEADER = f"""
import asyncio
import pytest
from image_classify import AuthenticationError, NotFoundError
from image_classify.testing import SpecViolation, UndocumentedAnswer

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63fccf00000002000160e7274e0000000049454e44ae426082"
)
FIRST = {FIRST_LABELS!r}
"""

# What a team would write: classify through the chosen backend, typed errors on Prefer.
USER_TESTS = (
    HEADER
    + """
@pytest.mark.parametrize("provider", sorted(FIRST))
def test_first_example(image_classify_mock, provider):
    result = image_classify_mock.classifier(provider).classify(PNG)
    assert result.predictions[0].label == FIRST[provider]

def test_async(image_classify_mock):
    async def main():
        async with image_classify_mock.async_classifier("huggingface") as hf:
            return await hf.classify(PNG)
    assert asyncio.run(main()).predictions[0].label == FIRST["huggingface"]

def test_prefer_header_gives_the_typed_error(image_classify_mock):
    hf = image_classify_mock.classifier("huggingface", default_headers={"Prefer": "code=401"})
    with pytest.raises(AuthenticationError):
        hf.classify(PNG)

def test_prefer_api(image_classify_mock):
    image_classify_mock.prefer("roboflow", code=404)
    with pytest.raises(NotFoundError):
        image_classify_mock.classifier("roboflow").classify(PNG)

def test_an_undocumented_code(image_classify_mock):
    image_classify_mock.prefer("edge_impulse", code=404)
    with pytest.raises(UndocumentedAnswer, match=r"edge_impulse: .* no 404 answer"):
        image_classify_mock.classifier("edge_impulse").classify(PNG)

def test_expected_violation(image_classify_mock):
    with image_classify_mock.expect_violation(match="minimum 1"):
        image_classify_mock.classifier("roboflow", model="vehicles/0").classify(PNG)

def test_kind(image_classify_mock, request):
    assert image_classify_mock.kind == request.config.getoption("image_classify_mock")
"""
)


@pytest.fixture
def isolated(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """No backend chosen by the environment of the outer run."""
    monkeypatch.delenv("IMAGE_CLASSIFY_MOCK", raising=False)
    for info_key in FIRST_LABELS:
        monkeypatch.delenv(f"IMAGE_CLASSIFY_{info_key.upper()}_BASE_URL", raising=False)
    return pytester


def test_user_tests_pass_on_the_fake(isolated: pytest.Pytester) -> None:
    isolated.makepyfile(test_user=USER_TESTS)
    result = isolated.runpytest("--image-classify-mock=fake")
    result.assert_outcomes(passed=len(FIRST_LABELS) + 6)


@pytest.mark.skipif(not PRISM.is_file(), reason=f"Prism is not installed at {PRISM} (npm ci)")
def test_the_same_user_tests_pass_on_prism(
    isolated: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMAGE_CLASSIFY_PRISM", str(PRISM))
    # As a team would: the five mocks started together (in parallel) once per session.
    isolated.makeconftest(
        """
import pytest

@pytest.fixture(scope="session", autouse=True)
def _mocks_up(image_classify_prism):
    image_classify_prism.start()
    processes = image_classify_prism.servers.processes().values()
    with open("pids.txt", "w") as file:
        file.write(" ".join(str(process.pid) for process in processes))
"""
    )
    isolated.makepyfile(
        test_user=USER_TESTS
        + """
def test_session_fixture(image_classify_prism):
    url = image_classify_prism.base_url("cloudflare")
    assert url.startswith("http://127.0.0.1:")
    assert int(url.rsplit(":", 1)[1]) not in range(4010, 4015)
    result = image_classify_prism.classifier("cloudflare").classify(PNG)
    assert result.predictions[0].label == FIRST["cloudflare"]

def test_prefer_set(image_classify_prism):
    image_classify_prism.prefer("huggingface", code=503)

def test_prefer_ends_with_its_test(image_classify_prism):
    hf = image_classify_prism.classifier("huggingface")
    assert hf.classify(PNG).predictions[0].label == FIRST["huggingface"]
"""
    )
    result = isolated.runpytest("--image-classify-mock=prism")
    result.assert_outcomes(passed=len(FIRST_LABELS) + 9)
    pids = (isolated.path / "pids.txt").read_text().split()
    assert len(pids) == len(FIRST_LABELS)
    assert not [pid for pid in pids if Path(f"/proc/{pid}").exists()], "Prism left running"


def test_a_rejected_request_fails_with_the_specs_words_and_pointer(
    isolated: pytest.Pytester,
) -> None:
    isolated.makepyfile(
        HEADER
        + """
def test_bad_version(image_classify_fake):
    image_classify_fake.classifier("roboflow", model="vehicles/0").classify(PNG)

def test_wrong_content_type(image_classify_fake):
    classifier = image_classify_fake.classifier("cloudflare")
    classifier.http_client.post(
        "/accounts/023e105f4ecef8ad9ca31a8372d0c353/ai/run/@cf/microsoft/resnet-50",
        content=PNG,
        headers={"Content-Type": "text/plain", "Authorization": "Bearer t"},
    )
"""
    )
    result = isolated.runpytest()
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "E * image_classify.testing.SpecViolation: roboflow: POST /vehicles/0 violates*",
            "*request path parameter 'version': minimum 1 "
            "(spec: #/components/parameters/Version/schema/minimum)",
            "*request Content-Type: one of the documented media types: application/octet-stream"
            " or application/json (spec: #/paths/~1accounts~1{account_id}*/requestBody/content)",
        ]
    )
    # The runtime's and httpx's frames between the test and the transport are left out.
    assert "httpx/_client.py" not in result.stdout.str()
    assert "_drivers.py" not in result.stdout.str()


def test_a_swallowed_violation_fails_the_test(isolated: pytest.Pytester) -> None:
    isolated.makepyfile(
        HEADER
        + """
def my_code(classifier):
    try:
        return classifier.classify(PNG)
    except Exception:
        return None  # the bug the fixture is there to catch

def test_swallowed(image_classify_fake):
    assert my_code(image_classify_fake.classifier("cloudflare", account_id="x" * 40)) is None

def test_swallowed_and_failed(image_classify_fake):
    my_code(image_classify_fake.classifier("cloudflare", account_id="x" * 40))
    assert False, "another reason"

def test_raised(image_classify_fake):
    image_classify_fake.classifier("cloudflare", account_id="x" * 40).classify(PNG)
"""
    )
    result = isolated.runpytest("-rA")
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        [
            "*test_swallowed _*",
            "1 request(s) violated the spec, and the SpecViolation did not reach pytest*",
            "*request path parameter 'account_id': maxLength 32*",
        ]
    )
    result.stdout.fnmatch_lines(["*another reason*", "*image_classify spec violations*"])
    # test_raised's own report (not the summary, which pytest does not shorten under CI=true
    # and which names test_swallowed's reason too).
    raised = result.stdout.str().split("test_raised _")[-1].split("short test summary")[0]
    assert "did not reach pytest" not in raised


def test_a_violation_swallowed_in_a_fixture_teardown_fails_there(
    isolated: pytest.Pytester,
) -> None:
    isolated.makepyfile(
        HEADER
        + """
@pytest.fixture
def leaves_a_mess(image_classify_fake):
    yield
    try:
        image_classify_fake.classifier("roboflow", model="vehicles/0").classify(PNG)
    except Exception:
        pass

def test_it(leaves_a_mess):
    pass
"""
    )
    result = isolated.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_it*", "*did not reach pytest*"])


def test_the_entry_point_is_registered() -> None:
    from importlib.metadata import entry_points

    found = {e.name: e.value for e in entry_points(group="pytest11")}
    assert found.get("image_classify") == "image_classify.testing.plugin"


def test_without_prism_explicit_fails_and_auto_falls_back(
    isolated: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMAGE_CLASSIFY_PRISM", str(isolated.path / "no-prism-here"))
    isolated.makepyfile(
        """
def test_prism(image_classify_prism):
    pass

def test_mock(image_classify_mock):
    assert image_classify_mock.kind == "fake"
"""
    )
    explicit = isolated.runpytest("--image-classify-mock=prism")
    explicit.assert_outcomes(errors=2)
    explicit.stdout.fnmatch_lines(["*IMAGE_CLASSIFY_PRISM=*no-prism-here does not exist*"])
    auto = isolated.runpytest()
    auto.assert_outcomes(passed=1, skipped=1)


@pytest.mark.parametrize("where", ["env", "ini"])
def test_the_backend_from_env_or_ini(
    isolated: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    if where == "env":
        monkeypatch.setenv("IMAGE_CLASSIFY_MOCK", "fake")
    else:
        isolated.makeini("[pytest]\nimage_classify_mock = fake\n")
    isolated.makepyfile(
        "def test_kind(image_classify_mock):\n    assert image_classify_mock.kind == 'fake'\n"
    )
    isolated.runpytest().assert_outcomes(passed=1)


def test_an_unknown_backend_is_a_usage_error(
    isolated: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMAGE_CLASSIFY_MOCK", "docker")
    isolated.makepyfile("def test_it(image_classify_mock):\n    pass\n")
    result = isolated.runpytest()
    result.stdout.fnmatch_lines(
        ["*$IMAGE_CLASSIFY_MOCK = 'docker': choose one of auto, prism, fake*"]
    )


def test_importing_the_plugin_starts_nothing() -> None:
    code = (
        "import sys, image_classify.testing.plugin\n"
        "heavy = [m for m in sys.modules if m.startswith(('image_classify.testing._', "
        "'jsonschema', 'image_classify._prism'))]\n"
        "assert not heavy, heavy\n"
    )
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=os.environ
    )
    assert done.returncode == 0, done.stderr
