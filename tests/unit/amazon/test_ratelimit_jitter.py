"""The limiter's bucket is shaped so that requests reaching Amazon late never
meet a 429 (``ratelimit.shaped_bucket``).

The property is checked against Amazon's bucket as the sandbox applies it
(``sandbox.quotas.TokenBucket``, full at the start, refilled continuously):
grants from the shaped bucket, each delayed by anything up to the jitter, are
all accepted. Without the shaping the same schedule meets 429s.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saleor_amazon_feeds.amazon.ratelimit import shaped_bucket
from saleor_amazon_feeds.amazon.rates import (
    ARRIVAL_JITTER_SECONDS,
    DEFAULT_RATES,
    Rate,
)

SELLER = "A2SELLERTEST"


def grant_times(rate: float, burst: int, count: int) -> list[float]:
    """When a greedy caller gets ``count`` tokens from a full bucket."""
    # Asking again at once, the bucket never refills to its cap between
    # grants: waiting exactly for the missing part of a token is the schedule.
    tokens, now, times = float(burst), 0.0, []
    for _ in range(count):
        if tokens < 1:
            now += (1 - tokens) / rate
            tokens = 1.0
        times.append(now)
        tokens -= 1
    return times


def amazon_rejects(rate: float, burst: int, arrivals: list[float]) -> int:
    """429s Amazon's bucket answers to these arrival times."""
    tokens, last, rejected = float(burst), 0.0, 0
    for at in sorted(arrivals):
        tokens = min(burst, tokens + (at - last) * rate)
        last = at
        if tokens >= 1 - 1e-9:
            tokens -= 1
        else:
            rejected += 1
    return rejected


def test_production_rates_keep_one_token_of_headroom():
    # 5/s with 0.1 s of jitter: half a token late at most, one kept back.
    assert shaped_bucket(5, 10, ARRIVAL_JITTER_SECONDS) == (5, 9)
    create_feed = DEFAULT_RATES["createFeed"]
    assert shaped_bucket(create_feed.rate, create_feed.burst, 0.1) == (
        create_feed.rate,
        create_feed.burst - 1,
    )


def test_time_scaled_rates_slow_down_where_the_burst_cannot_absorb_the_jitter():
    # getListingsItem a hundred times faster: 500/s would need 50 tokens of
    # headroom; with a burst of 10 the rate drops to 9 per 0.1 s.
    assert shaped_bucket(500, 10, 0.1) == (pytest.approx(90), 1)
    # A burst of one: each request spaced by Amazon's interval plus the jitter.
    rate, burst = shaped_bucket(2, 1, 0.1)
    assert burst == 1
    assert 1 / rate == pytest.approx(0.5 + 0.1)


def test_no_jitter_is_amazons_bucket():
    assert shaped_bucket(5, 10, 0) == (5, 10)


@settings(max_examples=300, deadline=None)
@given(
    rate=st.floats(min_value=0.005, max_value=1000),
    burst=st.integers(min_value=1, max_value=30),
    jitter=st.floats(min_value=0.001, max_value=1),
    count=st.integers(min_value=1, max_value=80),
    delays=st.lists(st.floats(min_value=0, max_value=1), min_size=80, max_size=80),
)
def test_late_arrivals_from_the_shaped_bucket_are_never_refused(
    rate, burst, jitter, count, delays
):
    shaped_rate, shaped_burst = shaped_bucket(rate, burst, jitter)
    assert shaped_rate <= rate
    assert 1 <= shaped_burst <= burst
    granted = grant_times(shaped_rate, shaped_burst, count)
    arrivals = [t + d * jitter for t, d in zip(granted, delays, strict=False)]
    assert amazon_rejects(rate, burst, arrivals) == 0


def test_the_same_schedule_unshaped_meets_429s():
    # getListingsItem's plan: a burst taken at once reaches Amazon 0.1 s late
    # (Amazon's bucket sat full meanwhile, wasting its refill), while the
    # token refilled in that time goes straight through.
    rate, burst, jitter = 5.0, 10, ARRIVAL_JITTER_SECONDS

    def burst_late(granted):
        return [t + (jitter if i < burst else 0) for i, t in enumerate(granted)]

    assert amazon_rejects(rate, burst, burst_late(grant_times(rate, burst, 40))) > 0
    shaped = grant_times(*shaped_bucket(rate, burst, jitter), 40)
    assert amazon_rejects(rate, burst, burst_late(shaped)) == 0


def test_the_redis_limiter_grants_by_the_shaped_bucket(make_limiter):
    limiter = make_limiter(arrival_jitter=0.1, rates={"getFeed": Rate(5, 10)})
    granted = sum(limiter.try_acquire(SELLER, "getFeed") for _ in range(12))
    assert granted == 9
    # Scaled past what the burst absorbs (500/s would need 500 tokens of
    # headroom for a second of jitter): one at once, then 9 a second.
    fast = make_limiter(
        arrival_jitter=1.0, rates={"getFeed": Rate(5, 10)}, time_scale=100
    )
    fast.clear()
    assert fast.try_acquire(SELLER, "getFeed")
    assert not fast.try_acquire(SELLER, "getFeed")
    # Read a moment after the grant: at most one interval, hardly less.
    assert 0.09 < fast.wait_time(SELLER, "getFeed") <= 1 / 9 + 1e-6
