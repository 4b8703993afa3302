"""The factory: credentials and auth from the manifest, base URL, headers, timeouts,
caller-supplied httpx clients, runtime options."""

from __future__ import annotations

import asyncio
import importlib

import httpx
import pytest

import image_classify
from image_classify import errors
from image_classify._auth import ManifestAuth
from image_classify._call import call
from image_classify._options import ClientOptions, options_of, set_options
from image_classify._providers import provider_info
from tests.image_classify.cases import first_operations, fresh_kwargs, success
from tests.image_classify.conftest import KEY, PROVIDERS, MakeApi
from tests.image_classify.helpers import run


def ok(provider: str) -> httpx.Response:
    status, body = success(first_operations()[provider])
    return httpx.Response(status, content=body, headers={"content-type": "application/json"})


def assert_authenticated(provider: str, request: httpx.Request, key: str) -> None:
    """The key is where the manifest says: header, query parameter or bearer."""
    auth = provider_info(provider).auth
    if auth.style == "query":
        assert request.url.params.get_list(auth.name) == [key]
        assert auth.name not in request.headers
    elif auth.style == "bearer":
        assert request.headers[auth.name] == f"Bearer {key}"
    else:
        assert request.headers[auth.name] == key
        assert "authorization" not in request.headers


@pytest.mark.parametrize("provider", PROVIDERS)
def test_returns_the_generated_authenticated_client(provider: str) -> None:
    info = provider_info(provider)
    api = image_classify.client(provider, api_key=KEY)
    package = importlib.import_module(info.package)
    assert isinstance(api, package.AuthenticatedClient)
    assert api.token == ""  # the key never sits in the attrs fields
    base = info.base_url.rstrip("/")  # httpx may add a trailing slash
    assert str(api.get_httpx_client().base_url).rstrip("/") == base
    assert str(api.get_async_httpx_client().base_url).rstrip("/") == base
    assert options_of(api) == ClientOptions(
        provider=provider, max_retries=2, timeout=image_classify.DEFAULT_TIMEOUT
    )


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_auth_style_from_the_manifest(provider: str, asynchronous: bool, make_api: MakeApi) -> None:
    api = make_api(provider, ok(provider))
    run(api, asynchronous=asynchronous)
    (request,) = api.requests
    assert_authenticated(provider, request, KEY)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_credentials_from_the_first_set_env_var(
    provider: str, make_api: MakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    variables = provider_info(provider).auth.env
    for index, variable in enumerate(variables):
        monkeypatch.setenv(variable, f"env-key-{index}-{provider}")
    api = make_api(provider, ok(provider), api_key=None)
    run(api)
    assert_authenticated(provider, api.requests[0], f"env-key-0-{provider}")


def test_a_later_env_var_is_used_when_the_first_is_unset(
    make_api: MakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = next(p for p in PROVIDERS if len(provider_info(p).auth.env) > 1)
    variables = provider_info(provider).auth.env
    monkeypatch.setenv(variables[0], "")  # set but empty counts as unset
    monkeypatch.setenv(variables[1], "second-variable-key")
    api = make_api(provider, ok(provider), api_key=None)
    run(api)
    assert_authenticated(provider, api.requests[0], "second-variable-key")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_missing_credentials_name_the_variables(provider: str) -> None:
    variables = provider_info(provider).auth.env
    with pytest.raises(errors.MissingCredentialsError) as caught:
        image_classify.client(provider)
    assert caught.value.variables == variables
    assert caught.value.provider == provider
    for variable in variables:
        assert variable in str(caught.value)
    with pytest.raises(errors.MissingCredentialsError):
        image_classify.client(provider, api_key="  ")


def test_explicit_key_wins_over_env(make_api: MakeApi, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROBOFLOW_API_KEY", "from-env-0000")
    api = make_api("roboflow", ok("roboflow"), api_key="explicit-0000")
    run(api)
    assert_authenticated("roboflow", api.requests[0], "explicit-0000")


def test_unknown_provider() -> None:
    with pytest.raises(errors.UnknownProviderError) as caught:
        image_classify.client("nope", api_key=KEY)
    assert isinstance(caught.value, ValueError)
    assert "huggingface" in str(caught.value)


def test_base_url_and_headers(make_api: MakeApi) -> None:
    api = make_api(
        "huggingface",
        ok("huggingface"),
        base_url="https://proxy.example.test/hf",
        headers={"X-Team": "vision"},
    )
    run(api)
    (request,) = api.requests
    assert str(request.url).startswith("https://proxy.example.test/hf/models/")
    assert request.headers["x-team"] == "vision"


def test_caller_supplied_clients_are_used_as_given() -> None:
    seen: list[tuple[str, httpx.Request]] = []

    def sync_handler(request: httpx.Request) -> httpx.Response:
        seen.append(("sync", request))
        return ok("cloudflare")

    async def async_handler(request: httpx.Request) -> httpx.Response:
        seen.append(("async", request))
        return ok("cloudflare")

    sync_http = httpx.Client(transport=httpx.MockTransport(sync_handler), timeout=3.0)
    async_http = httpx.AsyncClient(transport=httpx.MockTransport(async_handler))
    api = image_classify.client(
        "cloudflare", api_key=KEY, http_client=sync_http, async_http_client=async_http
    )
    assert api.get_httpx_client() is sync_http
    assert api.get_async_httpx_client() is async_http
    assert isinstance(sync_http.auth, ManifestAuth)  # it had none: ours was attached
    assert options_of(api).timeout is None  # its own timeout (3 s) stays in charge
    operation = first_operations()["cloudflare"]
    call(operation.module, client=api, **fresh_kwargs(operation))
    from image_classify._call import acall

    asyncio.run(acall(operation.module, client=api, **fresh_kwargs(operation)))
    assert [mode for mode, _ in seen] == ["sync", "async"]
    assert seen[0][1].extensions["timeout"]["read"] == 3.0
    for _, request in seen:
        assert_authenticated("cloudflare", request, KEY)


def test_caller_auth_is_kept() -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return ok("huggingface")

    theirs = httpx.BasicAuth("user", "pass")
    sync_http = httpx.Client(
        transport=httpx.MockTransport(handler), auth=theirs, base_url="https://mine.test"
    )
    api = image_classify.client("huggingface", api_key=KEY, http_client=sync_http)
    assert sync_http.auth is theirs
    assert sync_http.base_url == httpx.URL("https://mine.test")
    run_api = first_operations()["huggingface"]
    call(run_api.module, client=api, **fresh_kwargs(run_api))
    assert requests[0].headers["authorization"].startswith("Basic ")
    assert str(requests[0].url).startswith("https://mine.test/")


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_timeouts_per_client_and_per_call(asynchronous: bool, make_api: MakeApi) -> None:
    api = make_api("huggingface", ok("huggingface"), timeout=12.0)
    assert options_of(api.client).timeout == httpx.Timeout(12.0)
    run(api, asynchronous=asynchronous)
    run(api, asynchronous=asynchronous, timeout=2.5)
    run(api, asynchronous=asynchronous, timeout=httpx.Timeout(5.0, connect=1.0))
    timeouts = [request.extensions["timeout"] for request in api.requests]
    assert timeouts[0] == {"connect": 12.0, "read": 12.0, "write": 12.0, "pool": 12.0}
    assert timeouts[1] == {"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5}
    assert timeouts[2] == {"connect": 1.0, "read": 5.0, "write": 5.0, "pool": 5.0}


def test_no_timeout(make_api: MakeApi) -> None:
    none = make_api("roboflow", ok("roboflow"), timeout=None)
    run(none)
    assert none.requests[0].extensions["timeout"]["read"] is None


def test_a_timeout_per_call_then_api_timeout_error(make_api: MakeApi) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    api = make_api("img_processing", slow, max_retries=1)
    with pytest.raises(errors.APITimeoutError):
        run(api, timeout=0.01)
    assert [r.extensions["timeout"]["read"] for r in api.requests] == [0.01, 0.01]


def test_invalid_options() -> None:
    with pytest.raises(errors.OptionError):
        image_classify.client("huggingface", api_key=KEY, max_retries=-1)
    with pytest.raises(errors.OptionError):
        image_classify.client("huggingface", api_key=KEY, timeout="soon")  # type: ignore[arg-type]


def test_options_of_a_hand_made_generated_client() -> None:
    from huggingface_client import AuthenticatedClient

    plain = AuthenticatedClient(base_url="https://x.test", token="t")
    assert options_of(plain) == ClientOptions(provider="huggingface")
    with pytest.raises(errors.OptionError):
        options_of(object())


def test_set_options_changes_only_what_is_given() -> None:
    api = image_classify.client("edge_impulse", api_key=KEY, max_retries=5, timeout=9)
    changed = set_options(api, max_retries=1)
    assert changed.max_retries == 1 and changed.timeout == httpx.Timeout(9)
    assert options_of(api) is changed


def test_copies_made_by_the_generated_client_still_authenticate() -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return ok("roboflow")

    api = image_classify.client("roboflow", api_key=KEY)
    copy = api.with_headers({"X-Extra": "1"})  # a new AuthenticatedClient, no httpx client yet
    copy._httpx_args["transport"] = httpx.MockTransport(handler)
    operation = first_operations()["roboflow"]
    call(operation.module, client=copy, **fresh_kwargs(operation))
    (request,) = requests
    assert_authenticated("roboflow", request, KEY)
    assert request.headers["x-extra"] == "1"
