"""The runtime against real Prism mocks: for every provider, a factory-built client (its
key from the provider's environment variable) makes a successful typed call, and an
answer forced to 401 (`Prefer: code=401`) is an AuthenticationError, with the typed error
model when the spec documents a 401 body."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

import image_classify
from image_classify._call import acall, call, call_detailed
from image_classify._options import options_of
from image_classify.errors import AuthenticationError
from tests.contract.test_documented_responses import valid_case
from tests.contract.typed_call import Operation, call_kwargs, load_operations
from tools.effective import build

pytestmark = pytest.mark.contract

OPERATIONS = load_operations()
KEY = "runtime-contract-key-0123456789"


def _client(
    operation: Operation, base_url: str, monkeypatch: pytest.MonkeyPatch, **options: Any
) -> Any:
    """A factory-built client whose key comes from the provider's environment variable."""
    for variable in operation.provider.auth.env:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv(operation.provider.auth.env[-1], KEY)
    return image_classify.client(operation.provider.key, base_url=base_url, **options)


def assert_model_of(value: object, operation: Operation) -> None:
    items = value if isinstance(value, list) else [value]
    assert items, f"{operation.id}: empty result"
    package = operation.provider.package
    for item in items:
        assert type(item).__module__.startswith(f"{package}.models"), type(item)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.id)
def test_factory_client_calls_the_mock(
    operation: Operation, mock_urls: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    api = _client(operation, mock_urls[operation.provider.key], monkeypatch)
    assert options_of(api).provider == operation.provider.key
    case = valid_case(operation)
    result = call(operation.module, client=api, **call_kwargs(operation, case))
    assert_model_of(result, operation)
    detail = call_detailed(operation.module, client=api, **call_kwargs(operation, case))
    assert 200 <= detail.status_code < 300 and detail.error is None
    asynchronous = asyncio.run(acall(operation.module, client=api, **call_kwargs(operation, case)))
    assert_model_of(asynchronous, operation)


def documents_401_body(operation: Operation) -> bool:
    """Whether the effective spec documents a JSON body for 401 (following $refs)."""
    document = build(operation.provider).document
    node = operation.definition.get("responses", {}).get("401")
    while isinstance(node, dict) and "$ref" in node:
        node = json_pointer_get(document, node["$ref"])
    return bool(isinstance(node, dict) and (node.get("content") or {}).get("application/json"))


def json_pointer_get(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.id)
def test_forced_401_is_an_authentication_error(
    operation: Operation, mock_urls: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    documented_401 = documents_401_body(operation)
    options: dict[str, Any] = {"headers": {"Prefer": "code=401"}, "max_retries": 0}
    if not documented_401:
        # Prism answers `Prefer: code=401` for an undocumented 401 with a 404 of its own,
        # but answers 401 itself to a request without the credential: a caller-supplied
        # httpx client with its own (empty) auth keeps it, so none is sent.
        options["http_client"] = httpx.Client(auth=httpx.Auth())
    api = _client(operation, mock_urls[operation.provider.key], monkeypatch, **options)
    with pytest.raises(AuthenticationError) as caught:
        call(operation.module, client=api, **call_kwargs(operation, valid_case(operation)))
    error = caught.value
    assert error.status_code == 401
    assert error.message
    if documented_401:
        assert error.parsed is not None
        assert type(error.parsed).__module__.startswith(f"{operation.provider.package}.models")
    else:
        assert error.parsed is None
