"""`classify()`, `aclassify()` and `classify_many()`: one call, five providers, one result.

Per-provider knowledge lives in `image_classify.adapters.<provider>`; this module only
drives an adapter's plan through the typed runtime calls (auth, retries, typed errors).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import httpx

from image_classify.adapters import adapter_for
from image_classify.adapters.base import Plan
from image_classify.call import acall, call
from image_classify.client import client as make_client
from image_classify.errors import ImageClassifyError, OptionError
from image_classify.images import ImageSource, load_image
from image_classify.results import ClassificationResult, ranked

Timeout = float | httpx.Timeout | None


def _client_options(
    api_key: str | None,
    base_url: str | None,
    timeout: Timeout,
    max_retries: int | None,
) -> dict[str, Any]:
    given = {
        "api_key": api_key,
        "base_url": base_url,
        "timeout": timeout,
        "max_retries": max_retries,
    }
    return {k: v for k, v in given.items() if v is not None}


def _prepare(
    provider: str, image: ImageSource, model: str | None, top_k: int | None, options: dict[str, Any]
) -> tuple[ModuleType, Plan, str | None]:
    adapter = adapter_for(provider)
    unknown = sorted(set(options) - adapter.OPTIONS)
    if unknown:
        valid = ", ".join(sorted(adapter.OPTIONS)) or "none"
        raise OptionError(
            f"{provider} does not take {', '.join(unknown)} (its options: {valid}; "
            "every provider takes model and top_k)."
        )
    if top_k is not None and (not isinstance(top_k, int) or top_k < 1):
        raise OptionError(f"top_k must be a positive integer, got {top_k!r}.")
    if top_k is not None and "top_k" in adapter.OPTIONS:
        options = {**options, "top_k": top_k}
    chosen = model if model is not None else adapter.DEFAULT_MODEL
    return adapter, adapter.plan(load_image(image), chosen, options), chosen


def _result(
    adapter: ModuleType, provider: str, model: str | None, raw: Any, top_k: int | None
) -> ClassificationResult:
    boxes = adapter.boxes(raw) if hasattr(adapter, "boxes") else []
    return ClassificationResult(
        provider=provider,
        model=model,
        predictions=ranked(adapter.predictions(raw), top_k),
        raw=raw,
        bounding_boxes=boxes,
    )


def _run(plan: Plan, api: Any) -> Any:
    try:
        step = next(plan)
        while True:
            step = plan.send(call(step.operation, client=api, **step.kwargs))
    except StopIteration as done:
        return done.value


async def _arun(plan: Plan, api: Any) -> Any:
    try:
        step = next(plan)
        while True:
            step = plan.send(await acall(step.operation, client=api, **step.kwargs))
    except StopIteration as done:
        return done.value


def classify(
    image: ImageSource,
    *,
    provider: str,
    model: str | None = None,
    top_k: int | None = None,
    api_key: str | None = None,
    base_url: str | None = None,
    timeout: Timeout = None,
    max_retries: int | None = None,
    http_client: httpx.Client | None = None,
    **options: Any,
) -> ClassificationResult:
    """Classify one image with one provider; labels and scores, highest first.

    `image`: bytes, a path, a binary file object, a PIL image, or (Roboflow) an http(s)
    URL. `model`: Edge Impulse project id, Roboflow "dataset/version", Hugging Face model
    id; IMG Processing and Cloudflare have one model. Provider options: Edge Impulse
    `impulse_id`, Roboflow `confidence`, Hugging Face `function_to_apply`,
    `wait_for_model`, `use_cache`, Cloudflare `account_id`. Errors are the runtime's
    typed errors (image_classify.errors)."""
    adapter, plan, chosen = _prepare(provider, image, model, top_k, options)
    api = make_client(
        provider,
        http_client=http_client,
        **_client_options(api_key, base_url, timeout, max_retries),
    )
    if http_client is not None:  # the caller's client: used as given, left open
        raw = _run(plan, api)
    else:
        with api:
            raw = _run(plan, api)
    return _result(adapter, provider, chosen, raw, top_k)


async def aclassify(
    image: ImageSource,
    *,
    provider: str,
    model: str | None = None,
    top_k: int | None = None,
    api_key: str | None = None,
    base_url: str | None = None,
    timeout: Timeout = None,
    max_retries: int | None = None,
    http_client: httpx.AsyncClient | None = None,
    **options: Any,
) -> ClassificationResult:
    """The async twin of `classify()`; `http_client` is an httpx.AsyncClient."""
    adapter, plan, chosen = _prepare(provider, image, model, top_k, options)
    api = make_client(
        provider,
        async_http_client=http_client,
        **_client_options(api_key, base_url, timeout, max_retries),
    )
    if http_client is not None:
        raw = await _arun(plan, api)
    else:
        async with api:
            raw = await _arun(plan, api)
    return _result(adapter, provider, chosen, raw, top_k)


@dataclass(frozen=True)
class BatchItem:
    """One image of a batch: its result, or the typed error that stopped it."""

    index: int
    source: Any
    result: ClassificationResult | None
    error: ImageClassifyError | None

    @property
    def ok(self) -> bool:
        return self.error is None


def classify_many(
    images: Iterable[ImageSource],
    *,
    provider: str,
    concurrency: int = 8,
    progress: bool | None = None,
    http_client: httpx.AsyncClient | None = None,
    **kwargs: Any,
) -> Iterator[BatchItem]:
    """Classify many images concurrently (async underneath, `concurrency` in flight);
    yield one BatchItem per image in input order, as soon as it and those before it are
    done. A failed image is reported in its item and the batch goes on. A progress bar
    shows on stderr when it is a terminal (or when `progress=True`)."""
    if concurrency < 1:
        raise OptionError(f"concurrency must be at least 1, got {concurrency}.")
    sources = list(images)
    show = sys.stderr.isatty() if progress is None else progress
    loop = asyncio.new_event_loop()
    try:
        yield from _drive_batch(loop, sources, provider, concurrency, show, http_client, kwargs)
    finally:
        loop.close()


def _drive_batch(
    loop: asyncio.AbstractEventLoop,
    sources: list[Any],
    provider: str,
    concurrency: int,
    show: bool,
    http_client: httpx.AsyncClient | None,
    kwargs: dict[str, Any],
) -> Iterator[BatchItem]:
    from tqdm import tqdm

    client_keys = ("api_key", "base_url", "timeout", "max_retries")
    client_kwargs = {k: kwargs.pop(k) for k in client_keys if k in kwargs}
    own = http_client is None
    shared = http_client or loop.run_until_complete(_new_async_client(provider, client_kwargs))
    gate = asyncio.Semaphore(concurrency)

    async def one(index: int, source: Any) -> BatchItem:
        async with gate:
            try:
                result = await aclassify(
                    source, provider=provider, http_client=shared, **client_kwargs, **kwargs
                )
            except ImageClassifyError as exc:
                return BatchItem(index, source, None, exc)
            return BatchItem(index, source, result, None)

    tasks = [loop.create_task(one(i, s)) for i, s in enumerate(sources)]
    bar = tqdm(total=len(tasks), disable=not show, unit="image", file=sys.stderr)
    try:
        for task in tasks:
            item = loop.run_until_complete(task)
            bar.update(1)
            yield item
    finally:
        bar.close()
        for task in tasks:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        if own:
            loop.run_until_complete(shared.aclose())


async def _new_async_client(provider: str, client_kwargs: dict[str, Any]) -> httpx.AsyncClient:
    """One pooled AsyncClient for the whole batch, configured like the factory's."""
    api = make_client(provider, **client_kwargs)
    return api.get_async_httpx_client()  # type: ignore[no-any-return]
