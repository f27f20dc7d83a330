import gzip
import random

import pytest

from saleor_amazon_feeds.amazon.documents import as_utf8, decompress
from saleor_amazon_feeds.amazon.errors import AmazonError
from saleor_amazon_feeds.amazon.retry import Backoff, should_retry


def test_backoff_grows_exponentially_with_bounded_jitter():
    backoff = Backoff(base=1.0, factor=2.0, max_delay=10.0, jitter=0.5)
    rand = random.Random(1)
    for attempt, raw in enumerate([1, 2, 4, 8, 10, 10]):
        for _ in range(20):
            delay = backoff.delay(attempt, rand=rand)
            assert raw * 0.5 <= delay <= raw


def test_backoff_honours_hint_up_to_the_cap():
    backoff = Backoff(base=0.1, max_delay=5.0, jitter=0)
    assert backoff.delay(0, 2.5) == 2.5
    assert backoff.delay(0, 120.0) == 5.0
    assert backoff.delay(3, 0.01) == pytest.approx(0.8)


def test_create_feed_is_not_repeated_when_amazon_may_have_processed_it():
    server_error = AmazonError("x", status=500, retryable=True)
    throttled = AmazonError("x", status=429, retryable=True)
    refused = AmazonError(
        "x", code="ConnectionError", retryable=True, reached_amazon=False
    )
    assert should_retry(server_error, "getFeed")
    assert not should_retry(server_error, "createFeed")
    assert should_retry(throttled, "createFeed")
    assert should_retry(refused, "createFeed")
    assert not should_retry(AmazonError("x", status=400), "getFeed")


def test_feed_bodies_are_utf8():
    assert as_utf8("Größe €") == "Größe €".encode()
    assert as_utf8(b"raw") == b"raw"


def test_decompress():
    data = '{"ü": 1}'.encode()
    assert decompress(gzip.compress(data), "GZIP") == data
    # already inflated by the HTTP layer although the document says GZIP
    assert decompress(data, "GZIP") == data
    # gzip without the flag is still recognised
    assert decompress(gzip.compress(data), None) == data
    with pytest.raises(ValueError, match="unsupported"):
        decompress(data, "ZSTD")
