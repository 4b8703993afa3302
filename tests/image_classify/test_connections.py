"""Connection reuse over real sockets: a 127.0.0.1 server counts the TCP connections it
accepts while Classifier, AsyncClassifier and the module-level functions classify."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

import image_classify
from image_classify import AsyncClassifier, Classifier
from image_classify._classify import close_shared
from tests.image_classify.loopback import loopback

IMAGE = (Path(__file__).resolve().parents[2] / "samples" / "sample.jpg").read_bytes()
KEY = "sk-connections-test-key-9d2e"
CALLS = 50


@pytest.fixture(autouse=True)
def _fresh_shared_pools() -> Any:
    close_shared()
    yield
    close_shared()


def test_module_level_classify_reuses_connections() -> None:
    with loopback("huggingface") as server:
        for _ in range(CALLS):
            image_classify.classify(
                IMAGE, provider="huggingface", api_key=KEY, base_url=server.base_url
            )
        assert len(server.requests) == CALLS
        assert server.connections <= 2


def test_module_level_pools_follow_the_configuration() -> None:
    with loopback("huggingface") as server:
        for key in (KEY, KEY + "-2", KEY):
            for _ in range(5):
                image_classify.classify(
                    IMAGE, provider="huggingface", api_key=key, base_url=server.base_url
                )
        assert server.connections == 2  # one pool per credential
        keys = {r.headers["authorization"] for r in server.requests}
        assert keys == {f"Bearer {KEY}", f"Bearer {KEY}-2"}


def test_a_classifier_uses_one_connection() -> None:
    with (
        loopback("cloudflare") as server,
        Classifier(
            "cloudflare", api_key=KEY, base_url=server.base_url, account_id="acc"
        ) as classifier,
    ):
        for _ in range(CALLS):
            classifier.classify(IMAGE)
        assert server.connections == 1


def test_module_level_aclassify_reuses_connections_within_a_loop() -> None:
    async def main(url: str) -> None:
        for _ in range(CALLS):
            await image_classify.aclassify(
                IMAGE, provider="roboflow", api_key=KEY, base_url=url, model="cars/2"
            )

    with loopback("roboflow") as server:
        asyncio.run(main(server.base_url))
        assert len(server.requests) == CALLS
        assert server.connections <= 2


def test_async_batch_stays_within_its_concurrency_and_pool() -> None:
    async def main(url: str) -> int:
        async with AsyncClassifier(
            "huggingface", api_key=KEY, base_url=url, max_connections=4
        ) as classifier:
            done = 0
            async for item in classifier.classify_many([IMAGE] * 40, concurrency=4):
                assert item.ok, item.error
                done += 1
            return done

    with loopback("huggingface") as server:
        assert asyncio.run(main(server.base_url)) == 40
        assert server.most_in_flight <= 4
        assert server.connections <= 4


def test_sync_batch_shares_the_pool() -> None:
    with (
        loopback("edge_impulse") as server,
        Classifier(
            "edge_impulse", api_key=KEY, base_url=server.base_url, model="12345"
        ) as classifier,
    ):
        items = list(classifier.classify_many([IMAGE] * 30, concurrency=3))
        assert all(item.ok for item in items)
        assert server.connections <= 3
        assert server.most_in_flight <= 3


def test_aiohttp_transport_reuses_connections_and_answers_typed() -> None:
    from image_classify import aiohttp_transport

    async def main(url: str) -> int:
        async with AsyncClassifier(
            "huggingface", api_key=KEY, base_url=url, transport=aiohttp_transport()
        ) as classifier:
            results = await asyncio.gather(*(classifier.classify(IMAGE) for _ in range(20)))
            for _ in range(CALLS):
                await classifier.classify(IMAGE)
            return sum(1 for r in results if r.top is not None)

    with loopback("huggingface") as server:
        assert asyncio.run(main(server.base_url)) == 20
        assert len(server.requests) == 20 + CALLS
        assert server.connections <= 20  # the burst's, reused by the 50 calls after it
        agent = server.requests[0].headers["user-agent"]
        assert agent.startswith("image-classify-sdk/")
        assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"


def test_aiohttp_transport_caps_connections_when_asked() -> None:
    from image_classify import aiohttp_transport

    async def main(url: str) -> None:
        async with AsyncClassifier(
            "huggingface",
            api_key=KEY,
            base_url=url,
            transport=aiohttp_transport(max_connections=3),
        ) as classifier:
            await asyncio.gather(*(classifier.classify(IMAGE) for _ in range(30)))

    with loopback("huggingface") as server:
        asyncio.run(main(server.base_url))
        assert server.connections <= 3


def test_aiohttp_transport_without_the_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    from image_classify import OptionError, aiohttp_transport

    monkeypatch.setitem(sys.modules, "httpx_aiohttp", None)  # as if not installed
    with pytest.raises(OptionError, match=r"image-classify-sdk\[aiohttp\]"):
        aiohttp_transport()


def test_a_transport_and_a_client_of_ones_own_are_exclusive() -> None:
    import httpx

    from image_classify import OptionError

    with pytest.raises(OptionError, match="not both"):
        Classifier(
            "huggingface",
            api_key=KEY,
            http_client=httpx.Client(),
            transport=httpx.MockTransport(lambda r: httpx.Response(200)),
        )
