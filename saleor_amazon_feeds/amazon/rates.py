"""Amazon's published default usage plans, per selling-partner account.

Source: the "Usage Plan" table in each operation's description in Amazon's
OpenAPI models (selling-partner-api-models, read from
``shared/amazon-spapi/models/``). Where the rate-limit pages on
developer-docs.amazon.com differ (they currently list burst 5 for
getListingsItem/putListingsItem), the models win. Amazon may grant a seller
more; ``x-amzn-RateLimit-Limit`` then reports it and the limiter adopts it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    """A token bucket: ``rate`` requests per second, up to ``burst`` at once."""

    rate: float
    burst: int

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.burst < 1:
            raise ValueError(f"invalid rate {self.rate}/{self.burst}")


DEFAULT_RATES: dict[str, Rate] = {
    # Feeds API 2021-06-30
    "createFeedDocument": Rate(0.5, 15),
    "createFeed": Rate(0.0083, 15),
    "getFeed": Rate(2, 15),
    "getFeeds": Rate(0.0222, 10),
    "cancelFeed": Rate(2, 15),
    "getFeedDocument": Rate(0.0222, 10),
    # Listings Items API 2021-08-01
    "getListingsItem": Rate(5, 10),
    "putListingsItem": Rate(5, 10),
    "patchListingsItem": Rate(5, 5),
    "deleteListingsItem": Rate(5, 5),
    "searchListingsItems": Rate(5, 5),
    # Product Type Definitions API 2020-09-01
    "searchDefinitionsProductTypes": Rate(5, 10),
    "getDefinitionsProductType": Rate(5, 10),
    # Sellers API v1
    "getMarketplaceParticipations": Rate(0.016, 15),
    "getAccount": Rate(0.016, 15),
    # Orders API 2026-01-01
    "searchOrders": Rate(0.0056, 20),
    "getOrder": Rate(0.5, 30),
    # Orders API v0
    "confirmShipment": Rate(2, 10),
    "updateShipmentStatus": Rate(5, 15),
}

# Limits that span every seller using this app, keyed under APPLICATION_SCOPE.
# VALIDATION_PREVIEW put/patch calls count against the account's put/patch
# bucket (the models list no separate plan) and, per the Listings Items rate
# limit page, against 20 requests/second per application. No burst is
# published; 20 keeps a full second's worth.
APPLICATION_SCOPE = "_application"
VALIDATION_PREVIEW = "listingsItemValidationPreview"
APPLICATION_RATES: dict[str, Rate] = {
    VALIDATION_PREVIEW: Rate(20, 20),
}

# JSON_LISTINGS_FEED: five submissions per five minutes per region
# (SP-API changelog, 2025-05-06, "Feed size and rate limit changes for the
# JSON_LISTINGS_FEED").
JSON_LISTINGS_FEED = "JSON_LISTINGS_FEED"


@dataclass(frozen=True)
class Quota:
    """At most ``limit`` events in any sliding ``window`` seconds."""

    limit: int
    window: float


FEED_QUOTAS: dict[str, Quota] = {JSON_LISTINGS_FEED: Quota(5, 300.0)}

# Operations without a published plan get this conservative bucket.
FALLBACK_RATE = Rate(1, 1)

# A request reaches Amazon some time after its token was taken (the thread
# wakes late, the connection is slow), while the next one may go straight
# through: Amazon then sees two requests closer together than the bucket
# allowed and answers 429. The limiter shapes its bucket so that requests
# arriving up to this many wall-clock seconds late still fit Amazon's
# (``ratelimit.shaped_bucket``). In production it costs one token of burst;
# under a test's time scale it also slows the fastest operations.
ARRIVAL_JITTER_SECONDS = 0.1
