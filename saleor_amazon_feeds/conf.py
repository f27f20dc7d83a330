"""The plugin's settings, read from Django settings with environment fallbacks.

Every ``AMAZON_FEEDS_*`` setting is read here and nowhere else (the README's
Settings table lists them all), with its default and its unit.
"""

import os
from datetime import timedelta
from typing import Any

from django.conf import settings

from .constants import DEFAULT_REDIS_URL


def _get(name: str, default: Any) -> Any:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return value


def redis_url() -> str:
    return _get("AMAZON_FEEDS_REDIS_URL", DEFAULT_REDIS_URL)


def rate_limit_prefix() -> str:
    return _get("AMAZON_FEEDS_RATE_LIMIT_PREFIX", "amazon_feeds")


def time_scale() -> float:
    """>1 only against the bundled sandbox: runs Amazon's quotas faster."""
    return float(_get("AMAZON_FEEDS_TIME_SCALE", 1.0))


def scaled(delta: timedelta) -> timedelta:
    """A wait of Amazon's clock (a poll interval, a backoff) at ``time_scale``."""
    return delta / time_scale()


def local_sandbox_url() -> str:
    """Base URL of the bundled sandbox; empty disables LOCAL_SANDBOX accounts."""
    return (_get("AMAZON_FEEDS_SANDBOX_URL", "") or "").rstrip("/")


def participations_max_age() -> float:
    """Seconds a getMarketplaceParticipations answer is reused (quota: 1/minute)."""
    return float(_get("AMAZON_FEEDS_PARTICIPATIONS_MAX_AGE", 300))


def sync_settle_seconds() -> float:
    """Quiet time after the last change before the automatic sync sends a feed.

    Amazon allows 5 listing feeds per 5 minutes per region: a feed per edit
    would spend the quota on one-message feeds, so changes are gathered first.
    """
    return float(_get("AMAZON_FEEDS_SYNC_SETTLE_SECONDS", 30)) / time_scale()


def sync_max_delay_seconds() -> float:
    """Longest a change waits for quiet before it is sent regardless."""
    return float(_get("AMAZON_FEEDS_SYNC_MAX_DELAY_SECONDS", 300)) / time_scale()


def max_feed_messages() -> int:
    """Messages per feed document (Amazon's ceiling is 25,000)."""
    return int(_get("AMAZON_FEEDS_MAX_FEED_MESSAGES", 25_000))


def parallel_build_min_products() -> int:
    """Products from which a full feed build is split into slices that several
    Celery workers build at once (``catalog.slices``); 0 never splits.

    Below it one worker builds faster than the slices' round trip through the
    database costs.
    """
    return int(_get("AMAZON_FEEDS_PARALLEL_BUILD_MIN_PRODUCTS", 5000))


def build_slice_products() -> int:
    """Products per slice of a split build: small enough that a few slices
    per worker even out uneven workers, large enough that claiming one is
    cheap next to building it."""
    return max(int(_get("AMAZON_FEEDS_BUILD_SLICE_PRODUCTS", 500)), 1)


def dashboard_origins() -> str:
    """Raw ``AMAZON_FEEDS_DASHBOARD_ORIGINS``: who may frame the dashboard pages.

    Origins of the Saleor dashboards that embed the plugin's extension pages
    (CSP ``frame-ancestors``), separated by spaces or commas. Validated where
    the header is built (``dashboard/assets.py``), so a typo cannot inject
    directives. Unset: only Saleor's own origin.
    """
    value = _get("AMAZON_FEEDS_DASHBOARD_ORIGINS", "")
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value)
    return str(value or "")


def encryption_key() -> str:
    """Key material for account secrets at rest; Django's SECRET_KEY if unset."""
    return str(_get("AMAZON_FEEDS_ENCRYPTION_KEY", "") or settings.SECRET_KEY)


def old_encryption_keys() -> tuple[str, ...]:
    """Earlier keys that still decrypt after a rotation (a list, or one string
    with the keys separated by commas)."""
    value = _get("AMAZON_FEEDS_OLD_ENCRYPTION_KEYS", ())
    if isinstance(value, str):
        value = value.split(",")
    return tuple(str(v).strip() for v in value or () if str(v).strip())


def orders_initial_lookback() -> timedelta:
    """How far back a marketplace's first order import looks (days)."""
    return timedelta(days=float(_get("AMAZON_FEEDS_ORDERS_INITIAL_LOOKBACK_DAYS", 30)))


def feed_stuck_after() -> timedelta:
    """How long a feed may stay IN_QUEUE/IN_PROGRESS at Amazon before the
    plugin gives up on it, tells the merchant and sends its changes again.

    Amazon processes a JSON_LISTINGS_FEED in minutes; one that has not
    finished after hours is stuck on Amazon's side (a known failure mode), and
    polling it forever would leave its SKUs unsent with no word to anyone.
    """
    seconds = float(_get("AMAZON_FEEDS_FEED_STUCK_SECONDS", 4 * 3600))
    return timedelta(seconds=seconds) / time_scale()


def import_job_stale_after() -> timedelta:
    """How long a running order import job may show no sign of life (a page
    fetched, a batch committed) before it counts as interrupted.

    A worker killed mid-import leaves its job "running" forever: nothing else
    would ever finish it. Paging waits for searchOrders' slow rate (one call
    per three minutes once its burst is spent), so this is several such waits.
    """
    seconds = float(_get("AMAZON_FEEDS_IMPORT_JOB_STALE_SECONDS", 1800))
    return timedelta(seconds=seconds) / time_scale()
