"""Amazon's rate limits, enforced across every process through Redis.

Celery workers and web processes share one bucket per (seller, operation):
Amazon counts per selling-partner account, so a per-process limiter would
let N workers send N times the allowed rate and collect 429s.

Both checks run as Lua scripts so that reading and updating the bucket is one
atomic step, and they use Redis' clock so processes with skewed clocks agree.

Key layout (``prefix`` defaults to ``amazon_feeds``)::

    {prefix}:rl:bucket:{seller}:{operation}        hash  tokens, ts
    {prefix}:rl:learned:{seller}:{operation}       str   rate Amazon reported
    {prefix}:rl:quota:{seller}:{region}:{feed}     zset  submission times
"""

from __future__ import annotations

import math
import re
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

import redis

from ..constants import DEFAULT_REDIS_URL
from .errors import AmazonError, parse_rate_limit
from .rates import (
    APPLICATION_RATES,
    ARRIVAL_JITTER_SECONDS,
    DEFAULT_RATES,
    FALLBACK_RATE,
    FEED_QUOTAS,
    JSON_LISTINGS_FEED,
    Quota,
    Rate,
)

DEFAULT_PREFIX = "amazon_feeds"
# How long a rate learned from x-amzn-RateLimit-Limit is trusted: Amazon can
# change a seller's plan, so fall back to the published default eventually.
LEARNED_RATE_TTL = 24 * 3600

# Token bucket that may go negative: a blocking caller reserves a token it
# will only be entitled to after `wait` seconds, so concurrent waiters queue
# up instead of all waking at once and fighting for the same token.
# Returns {granted (0/1), wait seconds, redis now} with floats as strings
# because Lua numbers become integers in Redis replies.
_BUCKET_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local scale = tonumber(ARGV[3])
local max_wait = tonumber(ARGV[4])
local consume = ARGV[5] == '1'
local jitter = tonumber(ARGV[7])
rate = rate * scale
if ARGV[6] == '1' then
  -- What Amazon reports is the rate really applied, in wall-clock seconds:
  -- time_scale only speeds up the published table, never an observed rate.
  local learned = redis.call('GET', KEYS[2])
  if learned then rate = tonumber(learned) end
end
-- Shaped so that arrivals up to `jitter` seconds late still fit Amazon's
-- bucket (see shaped_bucket in Python, which this mirrors).
if jitter > 0 then
  local headroom = math.ceil(rate * jitter - 1e-9)
  if burst - headroom >= 1 then
    burst = burst - headroom
  elseif burst >= 2 then
    rate = math.min(rate, (burst - 1) / jitter)
    burst = 1
  else
    rate = 1 / (1 / rate + jitter)
  end
end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end
if now > ts then
  tokens = math.min(burst, tokens + (now - ts) * rate)
  ts = now
end
local wait = 0
if tokens < 1 then wait = (1 - tokens) / rate end
local granted = 0
if consume and (max_wait < 0 or wait <= max_wait) then
  tokens = tokens - 1
  granted = 1
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(ts))
  redis.call('PEXPIRE', KEYS[1], math.ceil(((burst - tokens) / rate + 1) * 1000))
end
return {granted, tostring(wait), tostring(now)}
"""

# Sliding window log: one sorted-set member per submission.
_WINDOW_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local consume = ARGV[3] == '1'
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  if consume then
    redis.call('ZADD', KEYS[1], now, ARGV[4])
    redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000) + 1000)
    return {1, '0', tostring(now)}
  end
  return {0, '0', tostring(now)}
end
local oldest = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
local wait = tonumber(oldest[2]) + window - now
if wait < 0 then wait = 0 end
return {0, tostring(wait), tostring(now)}
"""

# A submission's slot, moved to when Amazon answered createFeed: Amazon counts
# the submission when createFeed reaches it, after the document's upload, so
# a slot dated from before the upload would free up early by the upload's
# duration (and a quick next submission would meet a 429). XX: a slot already
# out of the window stays out.
_RESTAMP_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
if redis.call('ZADD', KEYS[1], 'XX', 'CH', now, ARGV[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2]) * 1000) + 1000)
end
return tostring(now)
"""


def shaped_bucket(rate: float, burst: int, jitter: float) -> tuple[float, int]:
    """The (rate, burst) the limiter grants tokens by, so that requests
    reaching Amazon up to ``jitter`` seconds after their token was taken never
    exceed Amazon's bucket of ``rate`` per second and ``burst``.

    Grants in any span L are at most ``b + r * L``; their arrivals fall in a
    span L + jitter, which Amazon allows ``burst + rate * L``. Keeping
    ``ceil(rate * jitter)`` tokens of the burst as headroom satisfies that
    at the full rate; where the burst is too small for it, the rate drops
    instead. The Lua script applies the same rule to the rate it reads
    (configured, scaled or learned from Amazon).
    """
    if jitter <= 0:
        return rate, burst
    headroom = math.ceil(rate * jitter - 1e-9)
    if burst - headroom >= 1:
        return rate, burst - headroom
    if burst >= 2:
        return min(rate, (burst - 1) / jitter), 1
    return 1 / (1 / rate + jitter), 1


_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]")


def _part(value: str) -> str:
    # Keys are built from ids we do not control; keep ':' as the only separator.
    return _UNSAFE.sub("_", str(value)) or "_"


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


class RateLimiter:
    """Token buckets per (seller, operation) plus the feed submission quota.

    ``time_scale`` multiplies every rate and divides every window, so tests and
    benchmarks run the real logic faster (``time_scale=60``: a minute per
    second). ``rates`` overrides entries of :data:`DEFAULT_RATES` and always
    wins over rates learned from Amazon's headers. Every bucket is shaped for
    ``arrival_jitter`` (:func:`shaped_bucket`); 0 models Amazon's bucket
    exactly.
    """

    def __init__(
        self,
        redis_url: str | None = None,
        *,
        redis_client: redis.Redis | None = None,
        prefix: str = DEFAULT_PREFIX,
        time_scale: float = 1.0,
        rates: Mapping[str, Rate] | None = None,
        feed_quotas: Mapping[str, Quota] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        arrival_jitter: float = ARRIVAL_JITTER_SECONDS,
    ) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.redis_url: str = redis_url or DEFAULT_REDIS_URL
        self.redis = redis_client or redis.Redis.from_url(self.redis_url)
        self.prefix = prefix
        self.time_scale = float(time_scale)
        self._overrides = dict(rates or {})
        self._feed_quotas = {**FEED_QUOTAS, **(feed_quotas or {})}
        self._sleep = sleep
        if arrival_jitter < 0:
            raise ValueError("arrival_jitter must not be negative")
        self.arrival_jitter = float(arrival_jitter)
        self._bucket = self.redis.register_script(_BUCKET_LUA)
        self._window = self.redis.register_script(_WINDOW_LUA)
        self._restamp = self.redis.register_script(_RESTAMP_LUA)

    def __repr__(self) -> str:
        return (
            f"RateLimiter(prefix={self.prefix!r}, time_scale={self.time_scale}, "
            f"overrides={sorted(self._overrides)})"
        )

    # -- keys ---------------------------------------------------------------
    def bucket_key(self, seller_id: str, operation: str) -> str:
        return f"{self.prefix}:rl:bucket:{_part(seller_id)}:{_part(operation)}"

    def learned_key(self, seller_id: str, operation: str) -> str:
        return f"{self.prefix}:rl:learned:{_part(seller_id)}:{_part(operation)}"

    def quota_key(self, seller_id: str, region: str, feed_type: str) -> str:
        return (
            f"{self.prefix}:rl:quota:{_part(seller_id)}:{_part(region)}:"
            f"{_part(feed_type)}"
        )

    # -- token buckets -----------------------------------------------------
    def configured_rate(self, operation: str) -> Rate:
        """The rate before anything learned from Amazon (override or default)."""
        if operation in self._overrides:
            return self._overrides[operation]
        return DEFAULT_RATES.get(operation) or APPLICATION_RATES.get(
            operation, FALLBACK_RATE
        )

    def effective_rate(self, seller_id: str, operation: str) -> Rate:
        """Amazon's bucket as the limiter knows it now, in wall-clock seconds
        (tokens are granted by its :func:`shaped_bucket`).

        An override or the published default times ``time_scale``, unless
        Amazon reported another rate (never scaled: it is what Amazon applies).
        """
        configured = self.configured_rate(operation)
        scaled = Rate(configured.rate * self.time_scale, configured.burst)
        if operation in self._overrides:
            return scaled
        learned = self.redis.get(self.learned_key(seller_id, operation))
        if learned is None:
            return scaled
        return Rate(float(learned), configured.burst)

    def _run_bucket(
        self, seller_id: str, operation: str, *, consume: bool, max_wait: float
    ) -> tuple[bool, float, float]:
        rate = self.configured_rate(operation)
        granted, wait, now = self._bucket(
            keys=[
                self.bucket_key(seller_id, operation),
                self.learned_key(seller_id, operation),
            ],
            args=[
                repr(float(rate.rate)),
                rate.burst,
                repr(self.time_scale),
                repr(float(max_wait)),
                "1" if consume else "0",
                "0" if operation in self._overrides else "1",
                repr(float(self.arrival_jitter)),
            ],
        )
        return bool(int(granted)), float(wait), float(now)

    def acquire(
        self,
        seller_id: str,
        operation: str,
        *,
        block: bool = True,
        timeout: float | None = None,
    ) -> float:
        """Take one token, sleeping until it is ours; return the seconds waited.

        Raises :class:`AmazonError` (``code="LocalRateLimit"``, retryable, with
        ``retry_after``) when the token is not available within ``timeout``
        (or at once with ``block=False``); nothing is consumed then.
        """
        max_wait = 0.0 if not block else (-1.0 if timeout is None else timeout)
        granted, wait, now = self._run_bucket(
            seller_id, operation, consume=True, max_wait=max_wait
        )
        if not granted:
            raise AmazonError(
                f"local rate limit for {operation} reached; next token in {wait:.3f}s",
                code="LocalRateLimit",
                operation=operation,
                retryable=True,
                retry_after=wait,
                reached_amazon=False,
            )
        if wait > 0:
            self._sleep(wait)
        return wait

    def try_acquire(self, seller_id: str, operation: str) -> bool:
        """Take a token only if one is available right now."""
        granted, _, _ = self._run_bucket(seller_id, operation, consume=True, max_wait=0)
        return granted

    def wait_time(self, seller_id: str, operation: str) -> float:
        """Seconds until a token is available, without taking it."""
        _, wait, _ = self._run_bucket(seller_id, operation, consume=False, max_wait=0)
        return wait

    def next_available_at(self, seller_id: str, operation: str) -> datetime:
        """When the next call of ``operation`` may be made (consumes nothing)."""
        _, wait, now = self._run_bucket(seller_id, operation, consume=False, max_wait=0)
        return _utc(now + wait)

    def learn_from_header(
        self, seller_id: str, operation: str, value: str | None
    ) -> float | None:
        """Adopt the rate Amazon reported in ``x-amzn-RateLimit-Limit``.

        Returns the adopted rate, or None when the header is missing or
        unparseable (then nothing changes).
        """
        rate = parse_rate_limit(value)
        if rate is None:
            return None
        key = self.learned_key(seller_id, operation)
        current = self.redis.get(key)
        if current is not None and float(current) == rate:
            return rate
        self.redis.set(key, repr(rate), ex=LEARNED_RATE_TTL)
        return rate

    # -- feed submission quota --------------------------------------------
    def _quota(self, feed_type: str) -> Quota:
        try:
            return self._feed_quotas[feed_type]
        except KeyError:
            raise KeyError(f"no submission quota known for {feed_type}") from None

    def _run_window(
        self,
        seller_id: str,
        region: str,
        feed_type: str,
        *,
        consume: bool,
        slot: str | None = None,
    ) -> tuple[bool, float, float]:
        quota = self._quota(feed_type)
        granted, wait, now = self._window(
            keys=[self.quota_key(seller_id, region, feed_type)],
            args=[
                quota.limit,
                repr(quota.window / self.time_scale),
                "1" if consume else "0",
                slot or uuid.uuid4().hex,
            ],
        )
        return bool(int(granted)), float(wait), float(now)

    def try_acquire_feed_submission(
        self, seller_id: str, region: str, feed_type: str = JSON_LISTINGS_FEED
    ) -> bool:
        granted, _, _ = self._run_window(seller_id, region, feed_type, consume=True)
        return granted

    def acquire_feed_submission(
        self,
        seller_id: str,
        region: str,
        feed_type: str = JSON_LISTINGS_FEED,
        *,
        timeout: float = 0.0,
        slot: str | None = None,
    ) -> float:
        """Take a submission slot, waiting up to ``timeout`` seconds for one.

        Returns the seconds waited; raises :class:`AmazonError`
        (``code="FeedSubmissionQuota"``) with ``retry_after`` otherwise.
        ``slot`` names it for :meth:`restamp_feed_submission`.
        """
        waited = 0.0
        while True:
            granted, wait, _ = self._run_window(
                seller_id, region, feed_type, consume=True, slot=slot
            )
            if granted:
                return waited
            if waited + wait > timeout:
                raise AmazonError(
                    f"{feed_type} submission quota reached for region {region}; "
                    f"next slot in {wait:.3f}s",
                    code="FeedSubmissionQuota",
                    operation="createFeed",
                    retryable=True,
                    retry_after=wait,
                    reached_amazon=False,
                )
            # Another process may take the slot first: loop rather than assume.
            self._sleep(wait)
            waited += wait

    def restamp_feed_submission(
        self,
        seller_id: str,
        region: str,
        slot: str,
        feed_type: str = JSON_LISTINGS_FEED,
    ) -> None:
        """Date the slot taken as ``slot`` from now: call it once createFeed
        has answered, so the window runs from when Amazon counted it."""
        quota = self._quota(feed_type)
        self._restamp(
            keys=[self.quota_key(seller_id, region, feed_type)],
            args=[slot, repr(quota.window / self.time_scale)],
        )

    def next_feed_submission_at(
        self, seller_id: str, region: str, feed_type: str = JSON_LISTINGS_FEED
    ) -> datetime:
        """When the next feed may be submitted (consumes nothing).

        A free slot is "now" on this machine's clock: Redis's clock, read with
        fewer digits, can be microseconds ahead of ours, and compared with it a
        free slot read as "wait" (it stalled a drain, or failed a manual
        submission with a quota error, about one time in thirty).
        """
        _, wait, now = self._run_window(seller_id, region, feed_type, consume=False)
        if wait <= 0:
            return datetime.now(UTC)
        return _utc(now + wait)

    # -- housekeeping ------------------------------------------------------
    def clear(self) -> int:
        """Delete every key under this limiter's prefix (tests, reconnects)."""
        deleted = 0
        for key in self.redis.scan_iter(match=f"{self.prefix}:rl:*", count=500):
            deleted += self.redis.delete(key)
        return deleted
