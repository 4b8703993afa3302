"""Module-level `classify()`, `aclassify()`, `classify_many()` and `aclassify_many()`:
thin wrappers over Classifier / AsyncClassifier.

Repeated calls with the same configuration share one pooled classifier, so a loop of
`classify()` calls reuses its connections: sync ones for the life of the process (closed at
exit), async ones per event loop (an httpx.AsyncClient's connections belong to the loop
that opened them).
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import sys
import threading
import weakref
from collections.abc import AsyncIterable, AsyncIterator, Hashable, Iterable, Iterator
from typing import Any

import httpx

from image_classify._auth import credential_from_env
from image_classify._classifier import AsyncClassifier, Classifier
from image_classify._classifier_base import BatchItem
from image_classify._factory import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from image_classify._images import ImageSource
from image_classify._options import Timeout, as_timeout
from image_classify._providers import provider_info, resolve_base_url
from image_classify._results import ClassificationResult

# A process holds few configurations; past this many the oldest pool is closed.
MAX_SHARED = 32

_lock = threading.Lock()
_shared: dict[Hashable, Classifier[Any]] = {}
_shared_async: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[Hashable, AsyncClassifier[Any]]
] = weakref.WeakKeyDictionary()
_closing: set[asyncio.Task[None]] = set()  # evicted pools being closed (asyncio keeps weak refs)


def _key(
    provider: str, api_key: str | None, base_url: str | None, timeout: Any, max_retries: int | None
) -> tuple[Hashable, dict[str, Any]]:
    """What makes two calls share a classifier: the provider, the credential and base URL
    they resolve to (the environment may change between calls), timeout and retries."""
    info = provider_info(provider)
    credential = api_key if api_key is not None else credential_from_env(info)
    url = resolve_base_url(info, base_url)
    chosen = DEFAULT_TIMEOUT if timeout is None else as_timeout(timeout)
    kwargs: dict[str, Any] = {"api_key": credential, "base_url": url, "timeout": chosen}
    if max_retries is not None:
        kwargs["max_retries"] = max_retries
    frozen_timeout = tuple(sorted(chosen.as_dict().items())) if chosen is not None else None
    return (provider, credential, url, frozen_timeout, max_retries), kwargs


def _evict(pools: dict[Hashable, Any]) -> Any:
    if len(pools) < MAX_SHARED:
        return None
    oldest = next(iter(pools))
    return pools.pop(oldest)


def _sync_classifier(
    provider: str, api_key: str | None, base_url: str | None, timeout: Any, max_retries: int | None
) -> Classifier[Any]:
    key, kwargs = _key(provider, api_key, base_url, timeout, max_retries)
    with _lock:
        found = _shared.get(key)
        if found is None:
            evicted = _evict(_shared)
            if evicted is not None:
                evicted.close()
            found = _shared[key] = Classifier(provider, **kwargs)
        return found


def _async_classifier(
    provider: str, api_key: str | None, base_url: str | None, timeout: Any, max_retries: int | None
) -> AsyncClassifier[Any]:
    key, kwargs = _key(provider, api_key, base_url, timeout, max_retries)
    loop = asyncio.get_running_loop()
    pools = _shared_async.setdefault(loop, {})
    found = pools.get(key)
    if found is None:
        evicted = _evict(pools)
        if evicted is not None:
            _closing.add(task := loop.create_task(evicted.aclose()))
            task.add_done_callback(_closing.discard)
        found = pools[key] = AsyncClassifier(provider, **kwargs)
    return found


# Classifiers over a caller's httpx client, by client and configuration: building one costs
# about 13 us, a tenth of a mocked call, for every call that passes the same client. A few
# are kept (each holds its client; the oldest goes first).
MAX_OVER_CALLERS = 16
_over_callers_cache: collections.OrderedDict[tuple[int, Hashable], Any] = collections.OrderedDict()


def _over_callers(
    kind: type[Any],
    provider: str,
    api_key: str | None,
    base_url: str | None,
    timeout: Any,
    max_retries: int | None,
    http_client: httpx.Client | httpx.AsyncClient,
) -> Any:
    """A classifier of `kind` over a caller's httpx client (which pools itself)."""
    key = (id(http_client), (kind, _key(provider, api_key, base_url, timeout, max_retries)[0]))
    with _lock:
        found = _over_callers_cache.get(key)
        if found is not None and found.http_client is http_client:
            _over_callers_cache.move_to_end(key)
            return found
    found = kind(
        provider,
        http_client=http_client,
        api_key=api_key,
        base_url=base_url,
        timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
        max_retries=DEFAULT_MAX_RETRIES if max_retries is None else max_retries,
    )
    with _lock:
        _over_callers_cache[key] = found
        while len(_over_callers_cache) > MAX_OVER_CALLERS:
            _over_callers_cache.popitem(last=False)
    return found


def _sync_for(
    provider: str,
    api_key: str | None,
    base_url: str | None,
    timeout: Any,
    max_retries: int | None,
    http_client: httpx.Client | None,
) -> Classifier[Any]:
    if http_client is None:
        return _sync_classifier(provider, api_key, base_url, timeout, max_retries)
    found: Classifier[Any] = _over_callers(
        Classifier, provider, api_key, base_url, timeout, max_retries, http_client
    )
    return found


@atexit.register
def close_shared() -> None:
    """Close every shared sync pool (run at interpreter exit)."""
    with _lock:
        pools = list(_shared.values())
        _shared.clear()
    for classifier in pools:
        classifier.close()


def classify(
    image: ImageSource,
    *,
    provider: str,
    model: str | None = None,
    top_k: int | None = None,
    api_key: str | None = None,
    base_url: str | None = None,
    timeout: Timeout | None = None,
    max_retries: int | None = None,
    http_client: httpx.Client | None = None,
    **options: Any,
) -> ClassificationResult[Any]:
    """Classify one image with one provider; labels and scores, highest first.

    `image`: bytes, a path, a binary file object, a PIL image, or (Roboflow) an http(s)
    URL. `model`: Edge Impulse project id, Roboflow "dataset/version", Hugging Face model
    id; IMG Processing and Cloudflare have one model. Provider options: Edge Impulse
    `impulse_id`, Roboflow `confidence`, Hugging Face `function_to_apply`,
    `wait_for_model`, `use_cache`, Cloudflare `account_id`. Errors are the runtime's
    typed errors (image_classify.errors). Calls with the same configuration share one
    pooled Classifier; `http_client`: an httpx.Client to use instead, left open."""
    classifier = _sync_for(provider, api_key, base_url, timeout, max_retries, http_client)
    return classifier.classify(image, model=model, top_k=top_k, **options)


async def aclassify(
    image: ImageSource,
    *,
    provider: str,
    model: str | None = None,
    top_k: int | None = None,
    api_key: str | None = None,
    base_url: str | None = None,
    timeout: Timeout | None = None,
    max_retries: int | None = None,
    http_client: httpx.AsyncClient | None = None,
    **options: Any,
) -> ClassificationResult[Any]:
    """The async twin of `classify()`; `http_client` is an httpx.AsyncClient."""
    classifier: AsyncClassifier[Any]
    if http_client is None:
        classifier = _async_classifier(provider, api_key, base_url, timeout, max_retries)
    else:
        classifier = _over_callers(
            AsyncClassifier, provider, api_key, base_url, timeout, max_retries, http_client
        )
    return await classifier.classify(image, model=model, top_k=top_k, **options)


def classify_many(
    images: Iterable[ImageSource],
    *,
    provider: str,
    concurrency: int = 8,
    progress: bool | None = None,
    api_key: str | None = None,
    base_url: str | None = None,
    timeout: Timeout | None = None,
    max_retries: int | None = None,
    http_client: httpx.Client | None = None,
    **kwargs: Any,
) -> Iterator[BatchItem[Any]]:
    """Classify many images concurrently (`concurrency` at a time); yield one BatchItem
    per image in input order, as soon as it and those before it are done. A failed image
    is reported in its item and the batch goes on. A progress bar shows on stderr when it
    is a terminal (or when `progress=True`). Works inside a running event loop too."""
    show = sys.stderr.isatty() if progress is None else progress
    classifier = _sync_for(provider, api_key, base_url, timeout, max_retries, http_client)
    return classifier.classify_many(images, concurrency=concurrency, progress=show, **kwargs)


async def aclassify_many(
    images: Iterable[ImageSource] | AsyncIterable[ImageSource],
    *,
    provider: str,
    concurrency: int = 8,
    api_key: str | None = None,
    base_url: str | None = None,
    timeout: Timeout | None = None,
    max_retries: int | None = None,
    **kwargs: Any,
) -> AsyncIterator[BatchItem[Any]]:
    """The async twin of classify_many(): an async iterator, in the running event loop."""
    classifier = _async_classifier(provider, api_key, base_url, timeout, max_retries)
    async for item in classifier.classify_many(images, concurrency=concurrency, **kwargs):
        yield item
