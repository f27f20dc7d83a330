import uuid

import pytest
import redis

from saleor_amazon_feeds.amazon.ratelimit import DEFAULT_REDIS_URL, RateLimiter


@pytest.fixture(scope="session")
def redis_url():
    url = DEFAULT_REDIS_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.ConnectionError as exc:
        pytest.skip(f"Redis not reachable at {url}: {exc}")
    return url


@pytest.fixture
def key_prefix(redis_url):
    prefix = f"test_amazon_feeds:{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def make_limiter(redis_url, key_prefix):
    def make(**kwargs):
        kwargs.setdefault("prefix", key_prefix)
        # Amazon's bucket exactly, so the arithmetic tests read plainly; the
        # shaping for late arrivals has its own tests (test_ratelimit_jitter).
        kwargs.setdefault("arrival_jitter", 0)
        return RateLimiter(redis_url, **kwargs)

    return make
