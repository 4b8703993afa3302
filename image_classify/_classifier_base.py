"""What Classifier and AsyncClassifier share, none of it I/O: the configuration, its
checks and copies (`with_options`), each request's settings, the classification flow over
the adapter's plan, and the result types of a call and of a batch."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Generic, Literal, Self, TypeVar

import httpx

from image_classify._auth import ManifestAuth, auth_for
from image_classify._core import (
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRY_WAIT,
    NO_OVERRIDES,
    CallSettings,
    Flow,
    HeaderCache,
    PerCall,
    Watch,
    plan_flow,
)
from image_classify._factory import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from image_classify._images import ImageSource, load_image
from image_classify._logs import configure_logging
from image_classify._options import Timeout, as_timeout, check_retries
from image_classify._providers import ProviderInfo, provider_info, resolve_base_url
from image_classify._recording import Recorder, record_folder
from image_classify._responses import APIResponse, malformed_answer
from image_classify._results import ClassificationResult, checked, ranked
from image_classify._validation import ValidateMode, validate_mode
from image_classify._version import user_agent
from image_classify.adapters import adapter_for
from image_classify.errors import ImageClassifyError, OptionError

if TYPE_CHECKING:
    # The constructor's annotations are copied as written into the rendered overloads
    # (image_classify/_typed*.py), which import `_classifier`: RecordTo is named through it.
    from image_classify import _classifier

RawT = TypeVar("RawT")
H = TypeVar("H", httpx.Client, httpx.AsyncClient)
TransportT = TypeVar("TransportT", httpx.BaseTransport, httpx.AsyncBaseTransport)

# The pool follows the concurrency asked for: no cap of its own by default (httpx's is
# 100 connections, 20 kept alive, so a batch of 256 would queue for connections and
# reconnect), a connection per request in flight, idle ones closed after 5 s.
DEFAULT_MAX_CONNECTIONS: int | None = None
# Batches keep this many images per concurrent slot queued ahead, so a slow image at the
# head of the (ordered) output does not idle the other slots.
LOOKAHEAD = 4


@dataclass(frozen=True, slots=True)
class ClassificationResponse(Generic[RawT]):
    """A classification with everything about how it went: the result, every HTTP
    response on the way (IMG Processing makes two calls), and the total time."""

    result: ClassificationResult[RawT]
    responses: tuple[APIResponse[Any], ...]
    elapsed: float  # seconds, from the first request to the result, waits included

    @property
    def http_response(self) -> httpx.Response:
        """The last HTTP response (the one that carried the answer)."""
        return self.responses[-1].http_response

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        return self.responses[-1].request_id

    @property
    def retries_taken(self) -> int:
        """Retries over all the calls this classification made."""
        return sum(r.retries_taken for r in self.responses)


@dataclass(frozen=True)
class BatchItem(Generic[RawT]):
    """One image of a batch: its result, or the typed error that stopped it."""

    index: int
    source: ImageSource
    result: ClassificationResult[RawT] | None
    error: ImageClassifyError | None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class _Config:
    """What `with_options()` copies: the constructor's arguments, checked."""

    info: ProviderInfo
    adapter: ModuleType
    auth: ManifestAuth
    model: str | None
    base_url: str
    timeout: httpx.Timeout | None  # None: the caller's httpx client's own
    max_retries: int
    max_retry_wait: float
    max_response_bytes: int
    default_headers: Mapping[str, str]
    options: Mapping[str, Any]  # provider options, defaults for every call
    validate: ValidateMode = "off"
    record: Path | None = None  # the folder cassettes go to


def _check_options(adapter: ModuleType, provider: str, options: Mapping[str, Any]) -> None:
    unknown = sorted(set(options) - adapter.OPTIONS)
    if unknown:
        valid = ", ".join(sorted(adapter.OPTIONS)) or "none"
        raise OptionError(
            f"{provider} does not take {', '.join(unknown)} (its options: {valid}; "
            "every provider takes model and top_k)."
        )


def _check_top_k(top_k: int | None) -> None:
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
        raise OptionError(f"top_k must be a positive integer, got {top_k!r}.")


def _check_wait(seconds: float) -> float:
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not seconds >= 0:
        raise OptionError(f"max_retry_wait must be seconds >= 0, got {seconds!r}.")
    return float(seconds)


def _check_size(size: int) -> int:
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise OptionError(f"max_response_bytes must be an integer >= 1, got {size!r}.")
    return size


def _check_concurrency(concurrency: int) -> None:
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise OptionError(f"concurrency must be an integer >= 1, got {concurrency!r}.")


class _Base(Generic[RawT, H, TransportT]):
    """The shared half of Classifier and AsyncClassifier (no I/O)."""

    _config: _Config
    _http: H
    _owns_http: bool
    _settings: CallSettings
    _pool_config: _Config | None

    def __init__(
        self,
        provider: str,
        *,
        model: str | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: H | None = None,
        max_connections: int | None = DEFAULT_MAX_CONNECTIONS,
        transport: TransportT | None = None,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        validate: Literal["off", "warn", "strict"] | None = None,
        record: _classifier.RecordTo | None = None,
        **options: Any,
    ) -> None:
        configure_logging()
        if http_client is not None and transport is not None:
            raise OptionError(
                "pass http_client (a client of your own, used as it is) or transport (for "
                "the pool this classifier builds), not both."
            )
        info = provider_info(provider)
        adapter = adapter_for(provider)
        _check_options(adapter, provider, options)
        if max_connections is not None:
            _check_concurrency(max_connections)
        if timeout is None:
            chosen: httpx.Timeout | None = httpx.Timeout(None)  # no timeout at all, as in httpx
        elif timeout is DEFAULT_TIMEOUT and http_client is not None:
            chosen = None  # a caller's client keeps its own unless one is asked for
        else:
            chosen = as_timeout(timeout)
        config = _Config(
            info=info,
            adapter=adapter,
            auth=auth_for(info, api_key),
            model=model,
            base_url=resolve_base_url(info, base_url),
            timeout=chosen,
            max_retries=check_retries(max_retries),
            max_retry_wait=_check_wait(max_retry_wait),
            max_response_bytes=_check_size(max_response_bytes),
            default_headers=dict(default_headers or {}),
            options=dict(options),
            validate=validate_mode(validate),
            record=record_folder(record),
        )
        if http_client is None:
            pool = self._new_http(config, max_connections, transport)
            self._adopt(config, pool, owns=True, pool=config)
        else:
            self._adopt(config, http_client, owns=False, pool=None)

    def _new_http(
        self, config: _Config, max_connections: int | None, transport: TransportT | None
    ) -> H:
        raise NotImplementedError

    def _adopt(self, config: _Config, http: H, *, owns: bool, pool: _Config | None) -> None:
        """Use `http` with `config`. `pool`: the config our own pool was built with (its
        User-Agent, default headers and timeout are set on it, so requests that agree need
        not repeat them); None for a caller's client, which gets them per request."""
        self._config = config
        self._http = http
        self._owns_http = owns
        self._pool_config = pool
        # The credential travels in each request's headers (merged with the operation's
        # in one step), not in the pool's defaults, where httpx's repr would show an
        # x-api-key, and not through an auth flow, which costs a header write per request.
        headers: dict[str, str] = {}
        timeout = config.timeout
        if pool is None:
            caller_agent = http.headers.get("user-agent", "python-httpx/")
            if caller_agent.startswith("python-httpx/"):  # httpx's default: not a choice
                headers["User-Agent"] = user_agent()
            headers.update(config.default_headers)
            if http.auth is None:  # a caller's client with an auth of its own keeps it
                headers.update(config.auth.headers)
        else:
            if config.default_headers != pool.default_headers:
                headers.update(config.default_headers)
            headers.update(config.auth.headers)
            if config.timeout == pool.timeout:
                timeout = None
        own_auth = pool is not None or http.auth is None
        package = importlib.import_module(config.info.package)
        self._settings = CallSettings(
            info=config.info,
            # Read by `_parse_response` only for raise_on_unexpected_status.
            generated=package.Client(base_url=config.base_url),
            base_url=config.base_url,
            # Lower-cased: merged with the client's own by name (image_classify._core).
            headers={key.lower(): value for key, value in headers.items()} or None,
            # Built into the URL with the operation's parameters (httpx encodes them once).
            params=(config.auth.query_params or None) if own_auth else None,
            timeout=timeout,
            max_retries=config.max_retries,
            max_retry_wait=config.max_retry_wait,
            max_response_bytes=config.max_response_bytes,
            header_cache=HeaderCache(),
            follow_redirects=http.follow_redirects,
            max_redirects=http.max_redirects,
            sleep=time.sleep,
            async_sleep=asyncio.sleep,
            watch=_watch(config),
        )

    @property
    def provider(self) -> str:
        return self._config.info.key

    @property
    def base_url(self) -> str:
        return self._config.base_url

    @property
    def max_retries(self) -> int:
        return self._config.max_retries

    @property
    def timeout(self) -> httpx.Timeout | None:
        return self._config.timeout

    @property
    def http_client(self) -> H:
        """The pooled httpx client every request goes through."""
        return self._http

    def _copy(self, **changes: Any) -> Self:
        """A copy with `changes` to the config, sharing the pool (and not owning it)."""
        copy = object.__new__(type(self))
        config = dataclasses.replace(self._config, **changes)
        copy._adopt(config, self._http, owns=False, pool=self._pool_config)
        return copy

    def with_options(
        self,
        *,
        model: str | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
        max_retry_wait: float | None = None,
        max_response_bytes: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        validate: Literal["off", "warn", "strict"] | None = None,
        record: _classifier.RecordTo | None = None,
        **options: Any,
    ) -> Self:
        """A copy with these options changed (the others as they are) that shares this
        instance's connection pool. Closing the original closes the pool for both."""
        config = self._config
        _check_options(config.adapter, config.info.key, options)
        changes: dict[str, Any] = {}
        if model is not None:
            changes["model"] = model
        if api_key is not None:
            changes["auth"] = auth_for(config.info, api_key)
        if base_url is not None:
            changes["base_url"] = resolve_base_url(config.info, base_url)
        if timeout is not None:
            changes["timeout"] = as_timeout(timeout)
        if max_retries is not None:
            changes["max_retries"] = check_retries(max_retries)
        if max_retry_wait is not None:
            changes["max_retry_wait"] = _check_wait(max_retry_wait)
        if max_response_bytes is not None:
            changes["max_response_bytes"] = _check_size(max_response_bytes)
        if default_headers is not None:
            changes["default_headers"] = {**config.default_headers, **default_headers}
        if options:
            changes["options"] = {**config.options, **options}
        if validate is not None:
            changes["validate"] = validate_mode(validate)
        if record is not None:
            changes["record"] = record_folder(record)
        return self._copy(**changes)

    def _flow(
        self,
        image: ImageSource,
        model: str | None,
        top_k: int | None,
        overrides: PerCall,
        options: Mapping[str, Any],
    ) -> Flow[ClassificationResponse[RawT]]:
        config = self._config
        adapter = config.adapter
        if options:
            _check_options(adapter, config.info.key, options)
            options = {**config.options, **options}
        else:
            options = config.options
        if top_k is not None:
            _check_top_k(top_k)
            if "top_k" in adapter.OPTIONS:
                options = {**options, "top_k": top_k}
        chosen = model if model is not None else config.model
        if chosen is None:
            chosen = adapter.DEFAULT_MODEL
        loaded = image.image if isinstance(image, _Loaded) else load_image(image)
        plan = adapter.plan(loaded, chosen, options)
        outcome = yield from plan_flow(self._settings, self._http, plan, overrides)
        raw = outcome.raw
        try:
            predictions = checked(adapter.predictions(raw))
            boxes = adapter.boxes(raw) if hasattr(adapter, "boxes") else []
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            # A 200 whose JSON has the documented keys with the wrong types (a score
            # "high", a label null): the generated models do not check types.
            raise malformed_answer(config.info, outcome.responses[-1], exc) from None
        result: ClassificationResult[RawT] = ClassificationResult(
            provider=config.info.key,
            model=chosen,
            predictions=ranked(predictions, top_k),
            raw=raw,
            bounding_boxes=boxes,
        )
        return ClassificationResponse(result, outcome.responses, outcome.elapsed)

    def __repr__(self) -> str:
        config = self._config
        return (
            f"{type(self).__name__}(provider={config.info.key!r}, base_url={config.base_url!r}, "
            f"model={config.model!r}, max_retries={config.max_retries})"
        )


def _watch(config: _Config) -> Watch | None:
    """What validate= and record= ask of each exchange; None when neither is on."""
    if config.validate == "off" and config.record is None:
        return None
    recorder = None
    if config.record is not None:
        # The credential's value, redacted wherever it shows up in a cassette.
        auth = config.auth
        secrets = [*auth.query_params.values()]
        secrets += [value.removeprefix("Bearer ") for value in auth.headers.values()]
        recorder = Recorder(config.record, config.info, secrets)
    return Watch(config.validate, recorder)


@dataclass(frozen=True, slots=True)
class _Loaded:
    """An image already read (off the event loop), handed to the flow as it is."""

    image: Any


def _overrides(
    timeout: Timeout | None,
    max_retries: int | None,
    extra_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, str] | None,
) -> PerCall:
    if timeout is None and max_retries is None and not extra_headers and not extra_query:
        return NO_OVERRIDES
    return PerCall(
        timeout=as_timeout(timeout),
        max_retries=None if max_retries is None else check_retries(max_retries),
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def _progress(show: bool, total: int | None) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, disable=not show, unit="image", file=sys.stderr)
