"""Usage plans: token buckets per (seller, operation), as SP-API enforces them.

Rates and bursts come from the "Usage Plan" table in each operation's
description in Amazon's models. ``time_scale`` speeds the clock up so tests can
exercise the real limits without waiting minutes.
"""

import threading
import time
from collections import deque

# operationId -> (requests per second, burst)
RATES: dict[str, tuple[float, int]] = {
    # feeds_2021-06-30.json
    "createFeedDocument": (0.5, 15),
    "createFeed": (0.0083, 15),
    "getFeed": (2.0, 15),
    "getFeeds": (0.0222, 10),
    "cancelFeed": (2.0, 15),
    "getFeedDocument": (0.0222, 10),
    # listingsItems_2021-08-01.json
    "getListingsItem": (5.0, 10),
    "putListingsItem": (5.0, 10),
    "patchListingsItem": (5.0, 5),
    "deleteListingsItem": (5.0, 5),
    "searchListingsItems": (5.0, 5),
    # definitionsProductTypes_2020-09-01.json
    "searchDefinitionsProductTypes": (5.0, 10),
    "getDefinitionsProductType": (5.0, 10),
    # sellers.json
    "getMarketplaceParticipations": (0.016, 15),
    # orders_2026-01-01.json
    "searchOrders": (0.0056, 20),
    "getOrder": (0.5, 30),
    # ordersV0.json
    "confirmShipment": (2.0, 10),
}

# Amazon's separate limit on JSON_LISTINGS_FEED submissions, per region.
LISTINGS_FEED_SUBMISSIONS = 5
LISTINGS_FEED_WINDOW_SECONDS = 300.0


class TokenBucket:
    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self.updated = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class Quotas:
    def __init__(self, time_scale: float = 1.0) -> None:
        self.time_scale = time_scale
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._feed_windows: dict[tuple[str, str], deque[float]] = {}

    def rate_header(self, operation: str) -> str | None:
        """The x-amzn-RateLimit-Limit value: the rate actually applied."""
        if operation not in RATES:
            return None
        return f"{RATES[operation][0] * self.time_scale:g}"

    def take(self, seller_id: str, operation: str) -> bool:
        if operation not in RATES:
            return True
        rate, burst = RATES[operation]
        with self._lock:
            bucket = self._buckets.get((seller_id, operation))
            if bucket is None:
                bucket = TokenBucket(rate * self.time_scale, burst)
                self._buckets[(seller_id, operation)] = bucket
            return bucket.take()

    def take_listings_feed(self, seller_id: str, region: str) -> bool:
        window = LISTINGS_FEED_WINDOW_SECONDS / self.time_scale
        now = time.monotonic()
        with self._lock:
            recent = self._feed_windows.setdefault((seller_id, region), deque())
            while recent and now - recent[0] >= window:
                recent.popleft()
            if len(recent) >= LISTINGS_FEED_SUBMISSIONS:
                return False
            recent.append(now)
            return True

    def refill(self) -> None:
        with self._lock:
            self._buckets.clear()
            self._feed_windows.clear()
