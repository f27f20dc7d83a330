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
