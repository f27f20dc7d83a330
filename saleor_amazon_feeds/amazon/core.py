"""The client core: construction, rate limiting and retries.

Every SP-API operation of the per-API modules (:mod:`.api`) goes through
:meth:`SpApiCore._call` (or :meth:`SpApiCore._plain_http` for presigned
document URLs): it takes a token from the rate limiter shared by all processes
through Redis, keyed by seller and operation, retries 429/5xx/timeouts with
exponential backoff and jitter (honouring ``x-amzn-RateLimit-Limit`` and
Retry-After), refreshes a stale access token once, and raises one
:class:`AmazonError` for whatever still fails.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Self
from urllib.parse import urlsplit

import httpx

from .credentials import Credentials, install_log_redaction
from .errors import AmazonError
from .lwa import LwaTokenClient
from .marketplaces import (
    LWA_TOKEN_URL,
    REGIONS,
    Region,
    get_marketplace,
    get_region,
)
from .ratelimit import RateLimiter
from .retry import Backoff, should_retry
from .spapi_library import MarketplaceRef, SpApiClient, json_body, query_params
from .transport import AmazonTransport

log = logging.getLogger(__name__)

# The marketplace the library client is built with; every call below sends
# its marketplace explicitly, so this only matters as a default.
_HOME_MARKETPLACE = {
    Region.NA: "ATVPDKIKX0DER",
    Region.EU: "A1PA6795UKMFR9",
    Region.FE: "A1VC38T7YXB528",
}

# 403 codes that can mean "the cached access token is no longer valid".
_STALE_TOKEN_CODES = frozenset({"Unauthorized", "InvalidAccessToken", "AccessDenied"})


def _is_amazon_host(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host == "amazon.com" or host.endswith(".amazon.com")


class SpApiCore:
    """One seller account's connection to SP-API in one region: construction,
    rate limiting and retries, shared by every API's operations.

    ``credentials``: :class:`Credentials` or ``(lwa_client_id,
    lwa_client_secret, refresh_token, seller_id)``. ``endpoint`` points at any
    base URL (the bundled sandbox); otherwise ``use_amazon_sandbox`` picks
    Amazon's sandbox and the default is the production endpoint of
    ``region``. ``token_url`` defaults to Amazon's LWA, or to
    ``<endpoint>/auth/o2/token`` for a non-Amazon ``endpoint``.

    Every call takes a token from ``limiter`` first, retries 429/5xx/timeouts
    up to ``max_retries`` times with ``backoff`` and raises
    :class:`AmazonError` for anything else. A call that would wait more than
    ``limiter_timeout`` seconds for a token raises at once (retryable, with
    ``retry_after``) so a worker can reschedule instead of sleeping.
    """

    def __init__(
        self,
        credentials: Credentials | Sequence[str] | Mapping[str, str],
        region: str | Region,
        *,
        endpoint: str | None = None,
        token_url: str | None = None,
        use_amazon_sandbox: bool = False,
        limiter: RateLimiter | None = None,
        max_retries: int = 4,
        backoff: Backoff | None = None,
        timeout: float = 30.0,
        limiter_timeout: float | None = 60.0,
        default_marketplace_id: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        install_log_redaction()
        self.credentials = Credentials.coerce(credentials)
        self.region = get_region(region)
        if endpoint:
            self.endpoint = endpoint.rstrip("/")
        else:
            self.endpoint = (
                REGIONS[self.region].sandbox_endpoint
                if use_amazon_sandbox
                else REGIONS[self.region].endpoint
            )
        if token_url:
            self.token_url = token_url
        elif endpoint and not _is_amazon_host(self.endpoint):
            self.token_url = f"{self.endpoint}/auth/o2/token"
        else:
            self.token_url = LWA_TOKEN_URL
        self.limiter = limiter if limiter is not None else RateLimiter()
        self.max_retries = max_retries
        self.backoff = backoff or Backoff()
        self.limiter_timeout = limiter_timeout
        self._sleep = sleep
        home = default_marketplace_id or _HOME_MARKETPLACE[self.region]
        get_marketplace(home)  # fail early on a typo
        self._transport = AmazonTransport(timeout=timeout)
        self._api = SpApiClient(
            MarketplaceRef(self.endpoint, home, REGIONS[self.region].aws_region),
            credentials=self.credentials,
            token_client_class=LwaTokenClient.for_url(self.token_url, timeout=timeout),
            transport=self._transport,
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(seller_id={self.credentials.seller_id!r}, "
            f"region={self.region.value!r}, endpoint={self.endpoint!r})"
        )

    @property
    def seller_id(self) -> str:
        return self.credentials.seller_id

    @property
    def marketplace_id(self) -> str:
        """The library client's default marketplace (never sent implicitly)."""
        return self._api.marketplace_id

    def close(self) -> None:
        self._api.close()

    def forget_access_token(self) -> None:
        """Make the next call exchange the refresh token with LWA again.

        Access tokens stay valid for up to an hour after a seller revokes the
        authorisation, so a credentials check must not trust a cached one.
        """
        self._api.invalidate_token()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ------------------------------------------------------------
    def _learn(self, operation: str, headers: Mapping[str, str] | None) -> None:
        if headers is None:
            return
        value = headers.get("x-amzn-RateLimit-Limit")
        if value:
            self.limiter.learn_from_header(self.seller_id, operation, value)

    def _acquire(self, operation: str, extra: Sequence[tuple[str, str]]) -> None:
        self.limiter.acquire(self.seller_id, operation, timeout=self.limiter_timeout)
        for scope, op in extra:
            self.limiter.acquire(scope, op, timeout=self.limiter_timeout)

    def _with_retries(
        self,
        operation: str,
        attempt_once: Callable[[], Any],
        *,
        limits: Sequence[tuple[str, str]] | None = (),
    ) -> Any:
        attempt = 0
        token_refreshed = False
        while True:
            if limits is not None:
                self._acquire(operation, limits)
            try:
                return attempt_once()
            except AmazonError as err:
                if err.operation is None:
                    err.operation = operation
                if err.rate_limit:
                    self.limiter.learn_from_header(
                        self.seller_id, operation, str(err.rate_limit)
                    )
                if (
                    err.status == 403
                    and err.code in _STALE_TOKEN_CODES
                    and not token_refreshed
                    # Presigned URLs carry no access token (S3's AccessDenied
                    # there means an expired URL).
                    and limits is not None
                ):
                    # A revoked or expired access token looks like this; one
                    # fresh token tells it apart from a missing role.
                    token_refreshed = True
                    self._api.invalidate_token()
                    continue
                if attempt >= self.max_retries or not should_retry(err, operation):
                    if err.retryable and err.retry_after is None:
                        hint = self.backoff.delay(attempt)
                        err.retry_after = hint
                        err.retry_at = datetime.now(UTC) + timedelta(seconds=hint)
                    # "Not found" answers a lookup (getListingsItem, a product
                    # type); it is a failure only for the caller to judge.
                    log.log(
                        logging.INFO if err.status == 404 else logging.WARNING,
                        "Amazon %s failed after %d attempt(s): status=%s code=%s",
                        operation,
                        attempt + 1,
                        err.status,
                        err.code,
                    )
                    raise
                delay = self.backoff.delay(attempt, err.retry_after)
                log.info(
                    "Amazon %s: status=%s code=%s, retry %d/%d in %.2fs",
                    operation,
                    err.status,
                    err.code,
                    attempt + 1,
                    self.max_retries,
                    delay,
                )
                self._sleep(delay)
                attempt += 1

    def _call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        extra_limits: Sequence[tuple[str, str]] = (),
    ) -> Any:
        query = query_params(params or {})

        def once() -> Any:
            response = self._api._request(
                path,
                params={**query, "method": method},
                # A copy: the library pops a "method" key out of the body.
                data=json_body(body) if body is not None else None,
                add_marketplace=False,
            )
            self._learn(operation, response.headers)
            return response.payload

        return self._with_retries(operation, once, limits=extra_limits)

    def _plain_http(
        self,
        operation: str,
        method: str,
        url: str,
        *,
        content: Callable[[], bytes | Iterable[bytes]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """``content`` makes each attempt's body afresh (a streamed file is
        read from its start again)."""
        # Presigned document URLs: no SP-API token and no SP-API rate limit.
        return self._with_retries(
            operation,
            lambda: self._transport.request(
                method,
                url,
                content=None if content is None else content(),
                headers=dict(headers or {}),
            ),
            limits=None,
        )
