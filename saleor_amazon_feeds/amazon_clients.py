"""An :class:`AmazonClient` for an account, all sharing one rate limiter.

Below the features (catalog, orders, sync), which all talk to Amazon as some
account, and above the models and the pure ``amazon`` package it joins.
"""

import logging
from functools import lru_cache

from django.utils import timezone

from . import conf
from .amazon.client import AmazonClient
from .amazon.credentials import Credentials
from .amazon.errors import AmazonError
from .amazon.ratelimit import RateLimiter
from .models.accounts import (
    AmazonAccount,
    AmazonMarketplace,
    Environment,
    MarketplaceStatus,
)

log = logging.getLogger(__name__)


@lru_cache(maxsize=8)
def _limiter(redis_url: str, prefix: str, time_scale: float) -> RateLimiter:
    return RateLimiter(redis_url, prefix=prefix, time_scale=time_scale)


def limiter() -> RateLimiter:
    return _limiter(conf.redis_url(), conf.rate_limit_prefix(), conf.time_scale())


def client_for(account: AmazonAccount, **options) -> AmazonClient:
    """A client for the account's region and environment.

    Raises AmazonError when the account points at the local sandbox but this
    deployment has none configured.
    """
    credentials = Credentials(
        lwa_client_id=account.lwa_client_id,
        lwa_client_secret=account.lwa_client_secret,
        refresh_token=account.refresh_token,
        seller_id=account.seller_id,
    )
    kwargs = {"limiter": limiter(), **options}
    if account.environment == Environment.LOCAL_SANDBOX:
        base_url = conf.local_sandbox_url()
        if not base_url:
            raise AmazonError(
                "AMAZON_FEEDS_SANDBOX_URL is not set",
                code="SandboxNotConfigured",
                merchant_message=(
                    "This account uses the bundled sandbox, but this Saleor "
                    "deployment has no AMAZON_FEEDS_SANDBOX_URL configured."
                ),
                reached_amazon=False,
            )
        kwargs["endpoint"] = base_url
    elif account.environment == Environment.AMAZON_SANDBOX:
        kwargs["use_amazon_sandbox"] = True
    return AmazonClient(credentials, account.region, **kwargs)


# LWA's answers meaning the seller's authorisation itself is gone (revoked in
# Seller Central, app deauthorised, client secret rotated): no retry helps.
_AUTHORISATION_GONE = frozenset(
    {"invalid_grant", "invalid_client", "unauthorized_client"}
)


def authorisation_gone(exc: AmazonError) -> bool:
    return exc.code in _AUTHORISATION_GONE


def pause_if_unauthorised(account: AmazonAccount, exc: AmazonError) -> bool:
    """Pause every marketplace of the account when Amazon refused its
    authorisation; True if it did.

    A paused marketplace (status ERROR, Amazon's reason in ``last_error``)
    sends, polls and imports nothing, so a revoked token does not turn into
    a loop of refused calls; saving the account with a new refresh token (or
    ``amazonMarketplaceCheck``) verifies it again and resumes everything that
    is pending.
    """
    if not authorisation_gone(exc):
        return False
    paused = AmazonMarketplace.objects.filter(account_id=account.pk).update(
        status=MarketplaceStatus.ERROR,
        last_error=exc.merchant_message,
        checked_at=timezone.now(),
    )
    log.warning(
        "Amazon refused the authorisation of account %s (%s): %d marketplace(s) "
        "paused until it is reconnected",
        account.pk,
        exc.code,
        paused,
    )
    return True
