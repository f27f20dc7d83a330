"""An :class:`AmazonClient` for an account, all sharing one rate limiter.

Below the features (catalog, orders, sync), which all talk to Amazon as some
account, and above the models and the pure ``amazon`` package it joins.
"""

from functools import lru_cache

from . import conf
from .amazon.client import AmazonClient
from .amazon.credentials import Credentials
from .amazon.errors import AmazonError
from .amazon.ratelimit import RateLimiter
from .models.accounts import AmazonAccount, Environment


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
