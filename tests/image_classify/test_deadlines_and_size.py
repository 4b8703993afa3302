"""`timeout` bounds a whole attempt, and `max_response_bytes` a whole answer, against a
real misbehaving server on 127.0.0.1: status line and headers dripped a byte at a time, a
body dripped, a gzip bomb, an answer of many megabytes. Each would hang or fill memory if
the bound were per read or absent; the checks allow seconds of slack, since what they
tell apart is seconds against minutes."""

from __future__ import annotations

import asyncio
import gzip
import time
import tracemalloc
import zlib
from pathlib import Path

import httpx
import pytest

from image_classify import (
    APITimeoutError,
    AsyncClassifier,
    Classifier,
    ResponseTooLargeError,
)
from tests.image_classify.hostile import drip, head, hostile, send

IMAGE = (Path(__file__).resolve().parents[2] / "samples" / "sample.jpg").read_bytes()
KEY = "sk-deadline-test-key-5150"
ANSWER = b'[{"label": "cat", "score": 0.9}]'
# 60 bytes of status line and headers at 0.2 s a byte: 12 s if only each read is bounded.
SLOW_HEAD = drip(head(200, len(ANSWER), content_type="application/json") + ANSWER, 0.2)
# A complete head at once, then the body at 0.2 s a byte (about 6 s in all).
SLOW_BODY = [
    send(head(200, len(ANSWER), content_type="application/json")),
    drip(ANSWER, 0.2),
]


def both(*behaviours):  # type: ignore[no-untyped-def]
    def behave(conn):  # type: ignore[no-untyped-def]
        for behaviour in behaviours:
            behaviour(conn)

    return behave


def classifier(url: str, **kwargs: object) -> Classifier:
    return Classifier("huggingface", api_key=KEY, base_url=url, max_retries=0, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "behaviour", [SLOW_HEAD, both(*SLOW_BODY)], ids=["dripped-head", "dripped-body"]
)
def test_the_timeout_is_a_deadline_for_the_whole_attempt(behaviour: object) -> None:
    with hostile(behaviour) as server, classifier(server.url, timeout=0.5) as hf:  # type: ignore[arg-type]
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as caught:
            hf.classify(IMAGE)
        took = time.monotonic() - started
    assert took < 3, f"the call took {took:.1f} s with timeout=0.5"
    assert "timed out" in str(caught.value)
    assert KEY not in str(caught.value) and KEY not in repr(caught.value)


def test_a_per_call_timeout_is_the_deadline_too() -> None:
    with hostile(both(*SLOW_BODY)) as server, classifier(server.url, timeout=30) as hf:
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match=r"within 0\.5 s"):
            hf.classify(IMAGE, timeout=0.5)
    assert time.monotonic() - started < 3


def test_a_callers_client_gets_the_deadline_between_body_chunks() -> None:
    with (
        hostile(both(*SLOW_BODY)) as server,
        httpx.Client(timeout=0.5) as http,
        Classifier(
            "huggingface", api_key=KEY, base_url=server.url, http_client=http, max_retries=0
        ) as hf,
    ):
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match="bytes received"):
            hf.classify(IMAGE)
    assert time.monotonic() - started < 3


def test_each_retry_gets_its_own_deadline() -> None:
    with hostile(both(*SLOW_BODY)) as server:
        with Classifier(
            "huggingface", api_key=KEY, base_url=server.url, timeout=0.3, max_retries=1
        ) as hf:
            hf = hf.with_options(max_retry_wait=1)
            with pytest.raises(APITimeoutError):
                hf.classify(IMAGE)
        assert server.requests == 2


@pytest.mark.parametrize(
    "behaviour", [SLOW_HEAD, both(*SLOW_BODY)], ids=["dripped-head", "dripped-body"]
)
def test_async_calls_have_the_same_deadline(behaviour: object) -> None:
    async def main() -> float:
        with hostile(behaviour) as server:  # type: ignore[arg-type]
            async with AsyncClassifier(
                "huggingface", api_key=KEY, base_url=server.url, timeout=0.5, max_retries=0
            ) as hf:
                started = time.monotonic()
                with pytest.raises(APITimeoutError, match="timed out"):
                    await hf.classify(IMAGE)
                return time.monotonic() - started

    assert asyncio.run(main()) < 3


def gzip_bomb(megabytes: int) -> bytes:
    return gzip.compress(b"[" + b" " * (megabytes * 1024 * 1024) + b"]", compresslevel=9)


def test_a_gzip_bomb_stops_at_the_cap_with_memory_bounded() -> None:
    bomb = gzip_bomb(200)  # about 200 KB on the wire, 200 MB decompressed
    reply = head(200, len(bomb), content_type="application/json", content_encoding="gzip")
    with (
        hostile(send(reply + bomb)) as server,
        classifier(server.url, max_response_bytes=1024 * 1024) as hf,
    ):
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLargeError) as caught:
                hf.classify(IMAGE)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    error = caught.value
    assert error.limit == 1024 * 1024
    assert "max_response_bytes" in str(error) and "1,048,576 bytes" in str(error)
    # Inflated 64 KiB at a time: the cap plus a piece, where the whole bomb is 200 MiB
    # (and httpx's decoder would inflate each 64 KiB network read whole, ~64 MiB).
    assert peak < 8 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"


def test_a_large_answer_is_not_retried_and_is_one_failed_item_in_a_batch() -> None:
    big = b"[" + b" " * (3 * 1024 * 1024) + b"]"
    with hostile(send(head(200, len(big), content_type="application/json") + big)) as server:
        with Classifier(
            "huggingface",
            api_key=KEY,
            base_url=server.url,
            max_retries=2,
            max_response_bytes=1024 * 1024,
        ) as hf:
            items = list(hf.classify_many([IMAGE, IMAGE], concurrency=1))
        assert server.requests == 2  # one per image: a too-large answer is not retried
    assert [type(item.error) for item in items] == [ResponseTooLargeError] * 2


def test_an_error_page_past_the_cap_is_the_same_typed_error() -> None:
    page = b"<html>" + b"x" * (2 * 1024 * 1024) + b"</html>"
    with (
        hostile(send(head(502, len(page), content_type="text/html") + page)) as server,
        classifier(server.url, max_response_bytes=64 * 1024) as hf,
        pytest.raises(ResponseTooLargeError),
    ):
        hf.classify(IMAGE)


@pytest.mark.parametrize("size", [0, -1, 1.5, True, "10MB"])
def test_the_cap_must_be_a_positive_integer(size: object) -> None:
    from image_classify import OptionError

    with pytest.raises(OptionError, match="max_response_bytes must be an integer >= 1"):
        Classifier("huggingface", api_key=KEY, max_response_bytes=size)  # type: ignore[arg-type]


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_compressed_answer_of_normal_size_is_read_whole(encoding: str) -> None:
    packed = gzip.compress(ANSWER) if encoding == "gzip" else zlib.compress(ANSWER)
    reply = head(200, len(packed), content_type="application/json", content_encoding=encoding)

    async def also_async(url: str) -> str:
        async with AsyncClassifier("huggingface", api_key=KEY, base_url=url) as hf:
            return (await hf.classify(IMAGE)).top.label

    with hostile(send(reply + packed)) as server:
        with classifier(server.url) as hf:
            assert hf.classify(IMAGE).top.label == "cat"
        assert asyncio.run(also_async(server.url)) == "cat"


def test_a_corrupt_compressed_answer_is_a_typed_error() -> None:
    from image_classify import APIConnectionError

    reply = head(200, 20, content_type="application/json", content_encoding="gzip")
    with (
        hostile(send(reply + b"\x1f\x8b" + b"\x00" * 18)) as server,
        classifier(server.url) as hf,
        pytest.raises(APIConnectionError, match="corrupt"),
    ):
        hf.classify(IMAGE)


def test_a_compressed_answer_cut_short_is_a_typed_error() -> None:
    from image_classify import APIConnectionError

    packed = gzip.compress(ANSWER)[:-12]  # the last deflate block and the trailer missing
    reply = head(200, len(packed), content_type="application/json", content_encoding="gzip")
    with (
        hostile(send(reply + packed)) as server,
        classifier(server.url) as hf,
        pytest.raises(APIConnectionError, match="ends early"),
    ):
        hf.classify(IMAGE)
