"""The plugin's settings, read from Django settings with environment fallbacks."""

import os
from typing import Any

from django.conf import settings


def _get(name: str, default: Any) -> Any:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return value


def redis_url() -> str:
    return _get("AMAZON_FEEDS_REDIS_URL", "redis://127.0.0.1:6379/0")


def rate_limit_prefix() -> str:
    return _get("AMAZON_FEEDS_RATE_LIMIT_PREFIX", "amazon_feeds")


def time_scale() -> float:
    """>1 only against the bundled sandbox: runs Amazon's quotas faster."""
    return float(_get("AMAZON_FEEDS_TIME_SCALE", 1.0))


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
