import multiprocessing
import time
from datetime import UTC, datetime, timedelta

import pytest

from saleor_amazon_feeds.amazon.errors import AmazonError
from saleor_amazon_feeds.amazon.ratelimit import RateLimiter
from saleor_amazon_feeds.amazon.rates import DEFAULT_RATES, Rate

SELLER = "A2SELLERTEST"


def test_default_table_follows_amazons_models():
    assert DEFAULT_RATES["createFeedDocument"] == Rate(0.5, 15)
    assert DEFAULT_RATES["createFeed"] == Rate(0.0083, 15)
    assert DEFAULT_RATES["getFeeds"] == Rate(0.0222, 10)
    assert DEFAULT_RATES["patchListingsItem"] == Rate(5, 5)
    assert DEFAULT_RATES["deleteListingsItem"] == Rate(5, 5)
    assert DEFAULT_RATES["searchOrders"] == Rate(0.0056, 20)
    assert DEFAULT_RATES["getMarketplaceParticipations"] == Rate(0.016, 15)


def test_burst_then_refusal(make_limiter):
    limiter = make_limiter(rates={"getFeed": Rate(1, 5)})
    assert [limiter.try_acquire(SELLER, "getFeed") for _ in range(6)] == [True] * 5 + [
        False
    ]
    wait = limiter.wait_time(SELLER, "getFeed")
    assert 0.5 < wait <= 1.0
    # another seller and another operation have their own buckets
    assert limiter.try_acquire("OTHER", "getFeed")
    assert limiter.try_acquire(SELLER, "getListingsItem")


def test_next_available_at_does_not_consume(make_limiter):
    limiter = make_limiter(rates={"getFeed": Rate(0.1, 3)})
    now = datetime.now(UTC)
    for _ in range(10):
        assert limiter.next_available_at(SELLER, "getFeed") <= now + timedelta(
            seconds=1
        )
    assert sum(limiter.try_acquire(SELLER, "getFeed") for _ in range(5)) == 3
    later = limiter.next_available_at(SELLER, "getFeed")
    assert now + timedelta(seconds=8) < later <= now + timedelta(seconds=11)


def test_blocking_acquire_waits_for_the_next_token(make_limiter):
    limiter = make_limiter(rates={"getFeed": Rate(10, 1)})
    assert limiter.acquire(SELLER, "getFeed") == 0
    started = time.monotonic()
    waited = limiter.acquire(SELLER, "getFeed")
    elapsed = time.monotonic() - started
    assert 0.05 < waited <= 0.1
    assert elapsed >= waited * 0.95


def test_acquire_timeout_raises_without_consuming(make_limiter):
    limiter = make_limiter(rates={"createFeed": Rate(0.5, 1)})
    limiter.acquire(SELLER, "createFeed")
    with pytest.raises(AmazonError) as info:
        limiter.acquire(SELLER, "createFeed", timeout=0.1)
    err = info.value
    assert err.code == "LocalRateLimit"
    assert err.retryable
    assert 1.5 < err.retry_after <= 2.0
    assert "next attempt is possible at" in err.merchant_message
    with pytest.raises(AmazonError):
        limiter.acquire(SELLER, "createFeed", block=False)
    # the refusals took nothing: the wait did not grow
    assert limiter.wait_time(SELLER, "createFeed") <= 2.0


def test_time_scale_speeds_up_the_real_table(make_limiter):
    limiter = make_limiter(time_scale=1000)
    # createFeed: 0.0083/s, burst 15 -> 8.3/s at scale 1000
    assert sum(limiter.try_acquire(SELLER, "createFeed") for _ in range(16)) == 15
    wait = limiter.wait_time(SELLER, "createFeed")
    assert wait == pytest.approx(1 / 8.3, rel=0.1)


def test_learns_rate_from_amazons_header(make_limiter):
    limiter = make_limiter()
    assert limiter.effective_rate(SELLER, "getFeed") == Rate(2, 15)
    assert limiter.learn_from_header(SELLER, "getFeed", "0.5") == 0.5
    assert limiter.effective_rate(SELLER, "getFeed") == Rate(0.5, 15)
    assert limiter.learn_from_header(SELLER, "getFeed", "garbage") is None
    assert limiter.effective_rate(SELLER, "getFeed") == Rate(0.5, 15)
    # the learned rate drives the bucket: after the burst, one token per 2 s
    for _ in range(15):
        assert limiter.try_acquire(SELLER, "getFeed")
    assert limiter.wait_time(SELLER, "getFeed") == pytest.approx(2.0, rel=0.05)
    # an explicit override beats what was learned
    overridden = RateLimiter(
        limiter.redis_url, prefix=limiter.prefix, rates={"getFeed": Rate(3, 2)}
    )
    assert overridden.effective_rate(SELLER, "getFeed") == Rate(3, 2)


def test_learned_rate_is_not_time_scaled(make_limiter):
    limiter = make_limiter(time_scale=100)
    assert limiter.effective_rate(SELLER, "getFeed") == Rate(200, 15)
    limiter.learn_from_header(SELLER, "getFeed", "4")
    assert limiter.effective_rate(SELLER, "getFeed") == Rate(4, 15)
    for _ in range(15):
        assert limiter.try_acquire(SELLER, "getFeed")
    assert limiter.wait_time(SELLER, "getFeed") == pytest.approx(0.25, rel=0.05)


def test_feed_quota_allows_five_then_reports_the_next_slot(make_limiter):
    limiter = make_limiter()
    before = datetime.now(UTC)
    assert limiter.next_feed_submission_at(SELLER, "EU") <= before + timedelta(
        seconds=1
    )
    for _ in range(5):
        assert limiter.try_acquire_feed_submission(SELLER, "EU")
    assert not limiter.try_acquire_feed_submission(SELLER, "EU")
    slot = limiter.next_feed_submission_at(SELLER, "EU")
    assert before + timedelta(seconds=295) < slot <= before + timedelta(seconds=301)
    # asking again consumed nothing and changed nothing
    again = limiter.next_feed_submission_at(SELLER, "EU")
    assert abs(again - slot) < timedelta(milliseconds=100)
    # regions are separate quotas
    assert limiter.try_acquire_feed_submission(SELLER, "NA")
    with pytest.raises(AmazonError) as info:
        limiter.acquire_feed_submission(SELLER, "EU")
    assert info.value.code == "FeedSubmissionQuota"
    assert info.value.retry_after > 290
    assert "next submission is possible at" in info.value.merchant_message


def test_feed_quota_window_slides(make_limiter):
    limiter = make_limiter(time_scale=600)  # 300 s window -> 0.5 s
    for _ in range(5):
        assert limiter.try_acquire_feed_submission(SELLER, "EU")
    started = time.monotonic()
    waited = limiter.acquire_feed_submission(SELLER, "EU", timeout=2)
    assert 0.3 < waited <= 0.55
    assert time.monotonic() - started >= 0.3


def test_confirmed_submission_dates_its_slot_at_amazons_answer(make_limiter):
    limiter = make_limiter(time_scale=600)  # 300 s window -> 0.5 s
    for i in range(5):
        limiter.acquire_feed_submission(SELLER, "EU", slot=f"slot-{i}")
    first_free = limiter.next_feed_submission_at(SELLER, "EU")
    time.sleep(0.2)  # the uploads and createFeeds of the submissions
    for i in range(5):
        limiter.restamp_feed_submission(SELLER, "EU", f"slot-{i}")
    # The next slot opens a window after the answers, not after the acquires.
    later = limiter.next_feed_submission_at(SELLER, "EU")
    assert later - first_free >= timedelta(seconds=0.15)
    # An unknown or expired slot is left alone (nothing added to the window).
    limiter.restamp_feed_submission(SELLER, "NA", "slot-0")
    assert limiter.try_acquire_feed_submission(SELLER, "NA")


def _worker(redis_url, prefix, count, queue):
    limiter = RateLimiter(redis_url, prefix=prefix, rates={"getFeed": Rate(20, 2)})
    for _ in range(count):
        limiter.acquire(SELLER, "getFeed")
        queue.put(time.time())


def test_two_processes_share_one_rate(redis_url, key_prefix):
    # fork: spawn would re-import the interpreter's world (seconds per child);
    # each child still builds its own limiter and Redis connection.
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    per_process, rate, burst = 15, 20.0, 2
    workers = [
        ctx.Process(target=_worker, args=(redis_url, key_prefix, per_process, queue))
        for _ in range(2)
    ]
    for w in workers:
        w.start()
    stamps = sorted(queue.get(timeout=20) for _ in range(2 * per_process))
    for w in workers:
        w.join(timeout=10)
        assert w.exitcode == 0
    total = len(stamps)
    # Together they cannot beat burst + rate * elapsed.
    assert stamps[-1] - stamps[0] >= (total - burst) / rate * 0.9
    window = 0.5
    densest = max(
        sum(1 for t in stamps if start <= t < start + window) for start in stamps
    )
    # +1 for scheduler jitter between the granted moment and the timestamp
    assert densest <= burst + rate * window + 1


def test_a_slot_restamped_after_create_feed_frees_a_window_after_amazon_counted_it(
    make_limiter,
):
    # Amazon counts a submission when createFeed reaches it, after the
    # document's upload: a slot dated from its acquisition would free up early
    # by the upload's duration, and the next submission would meet a 429.
    limiter = make_limiter(time_scale=600)  # 300 s window -> 0.5 s
    limiter.acquire_feed_submission(SELLER, "EU", slot="first")
    time.sleep(0.3)  # the first document's upload
    limiter.restamp_feed_submission(SELLER, "EU", "first")
    for _ in range(4):
        assert limiter.try_acquire_feed_submission(SELLER, "EU")
    time.sleep(0.25)  # a window after the acquisition, not after createFeed
    assert not limiter.try_acquire_feed_submission(SELLER, "EU")
    wait = (
        limiter.next_feed_submission_at(SELLER, "EU") - datetime.now(UTC)
    ).total_seconds()
    assert 0.1 < wait <= 0.3
    # A slot already out of the window is not brought back.
    time.sleep(0.6)
    limiter.restamp_feed_submission(SELLER, "EU", "gone")
    for _ in range(5):
        assert limiter.try_acquire_feed_submission(SELLER, "EU")
