"""One Amazon account's connection to SP-API, with typed high-level calls.

Built on python-amazon-sp-api 2.1's generic ``Client`` (LWA token handling,
request preparation) rather than its per-operation wrappers, which in 2.1.x:

* upload feed documents encoded as ISO-8859-1 and decode downloads as
  ISO-8859-1 (``FeedsV20210630.create_feed_document``/``get_feed_document``);
* put a stray ``"path"`` key into the createFeed body;
* send ``deleteListingsItem`` with the client's default marketplace in the
  query string, ignoring the ``marketplaceIds`` passed in (they land in the
  unused DELETE body);
* copy ``marketplaceIds``/``MarketplaceIds`` into PUT bodies
  (``add_marketplace``) and split lists into repeated query parameters
  where Amazon expects comma-separated values;
* drop ``pagination``/``nextToken`` from the returned payload.

Workarounds for the generic machinery itself are in :class:`_SpApiClient`.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from sp_api.base import ApiResponse, Client
from sp_api.base.credential_provider import FromCodeCredentialProvider

from . import documents
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
from .rates import APPLICATION_SCOPE, JSON_LISTINGS_FEED, VALIDATION_PREVIEW
from .retry import Backoff, should_retry
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


class _MarketplaceRef:
    """The marketplace-like object python-amazon-sp-api's Client expects."""

    def __init__(self, endpoint: str, marketplace_id: str, region: str) -> None:
        self.endpoint = endpoint
        self.marketplace_id = marketplace_id
        self.region = region


class _SpApiClient(Client):
    """The library's generic client, pointed where we say and made strict."""

    def __init__(
        self,
        marketplace: _MarketplaceRef,
        *,
        credentials: Credentials,
        token_client_class: type[LwaTokenClient],
        transport: AmazonTransport,
    ) -> None:
        super().__init__(
            marketplace,
            refresh_token=credentials.refresh_token,
            credentials={
                "lwa_app_id": credentials.lwa_client_id,
                "lwa_client_secret": credentials.lwa_client_secret,
                "refresh_token": credentials.refresh_token,
            },
            # Only the values given here: the default chain would quietly
            # fall back to env vars, AWS Secrets Manager or ~/.config.
            credential_providers=(FromCodeCredentialProvider,),
            auth_token_client_class=token_client_class,
        )
        # Client.__init__ replaces the marketplace argument with
        # SP_API_DEFAULT_MARKETPLACE whenever that env var is set.
        self.endpoint = marketplace.endpoint
        self.marketplace_id = marketplace.marketplace_id
        self.region = marketplace.region
        self._transport.close()
        self._transport = transport

    @property
    def headers(self) -> dict[str, str]:
        # The library sets "host" to endpoint[8:], which is only right for
        # https:// URLs; httpx derives the correct Host itself.
        return {
            "user-agent": self.user_agent,
            "x-amz-access-token": self.auth.access_token,
            "x-amz-date": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
            "content-type": "application/json",
        }

    def _check_response(self, res, res_no_data=False, bulk=False, wrap_list=False):
        # The transport already raised for every status >= 400. The library's
        # parser would pull payload/pagination/nextToken apart and keep only
        # the first element of a list; keep Amazon's document intact instead.
        if not res.content:
            return ApiResponse(payload={}, headers=res.headers)
        try:
            data = res.json()
        except ValueError:
            raise AmazonError(
                f"HTTP {res.status_code} with a body that is not JSON: "
                f"{res.text[:200]!r}",
                code="NonJsonResponse",
                status=res.status_code,
                retryable=True,
                merchant_message=(
                    "Amazon sent an answer that could not be read; it will be retried"
                ),
            ) from None
        return ApiResponse(payload=data, headers=res.headers)

    def invalidate_token(self) -> None:
        invalidate = getattr(self._auth, "invalidate", None)
        if invalidate:
            invalidate()

    def close(self) -> None:
        super().close()
        close = getattr(self._auth, "close", None)
        if close:
            close()


def _is_amazon_host(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host == "amazon.com" or host.endswith(".amazon.com")


def _csv(value: str | Iterable[str] | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return ",".join(value)


def _iso(value: datetime | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if value.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous for Amazon; pass UTC")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _clean(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}


def json_body(value: Any) -> Any:
    """``value`` with Decimals as numbers the library's ``json.dumps`` writes.

    Amounts are Decimals everywhere in the plugin; the library cannot
    serialise them. A float prints as the shortest text that reads back as the
    same float, so an amount with up to 15 significant digits (every price)
    goes out digit for digit, as the feed writer sends it; one that would not
    is refused rather than rounded.
    """
    if isinstance(value, Decimal):
        number = float(value)
        if not value.is_finite() or Decimal(repr(number)) != value:
            raise ValueError("An amount cannot be sent to Amazon exactly.")
        return number
    if isinstance(value, Mapping):
        return {key: json_body(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_body(item) for item in value]
    return value


class AmazonClient:
    """SP-API for one seller account in one region.

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
        self._api = _SpApiClient(
            _MarketplaceRef(self.endpoint, home, REGIONS[self.region].aws_region),
            credentials=self.credentials,
            token_client_class=LwaTokenClient.for_url(self.token_url, timeout=timeout),
            transport=self._transport,
        )

    def __repr__(self) -> str:
        return (
            f"AmazonClient(seller_id={self.credentials.seller_id!r}, "
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

    def __enter__(self) -> AmazonClient:
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
        query = _clean(params or {})

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
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        # Presigned document URLs: no SP-API token and no SP-API rate limit.
        return self._with_retries(
            operation,
            lambda: self._transport.request(
                method, url, content=content, headers=dict(headers or {})
            ),
            limits=None,
        )

    # -- Sellers -----------------------------------------------------------
    def get_marketplace_participations(self) -> list[dict[str, Any]]:
        """The marketplaces the seller participates in (Sellers API v1)."""
        payload = self._call(
            "getMarketplaceParticipations",
            "GET",
            "/sellers/v1/marketplaceParticipations",
        )
        return payload.get("payload", []) if isinstance(payload, dict) else payload

    # -- Feeds 2021-06-30 ------------------------------------------------------
    def create_feed_document(
        self, content_type: str = documents.JSON_CONTENT_TYPE
    ) -> dict[str, Any]:
        """``{"feedDocumentId", "url"}``: where to upload the feed body."""
        return self._call(
            "createFeedDocument",
            "POST",
            "/feeds/2021-06-30/documents",
            body={"contentType": content_type},
        )

    def upload_feed_document(
        self,
        url: str,
        content: bytes | str,
        content_type: str = documents.JSON_CONTENT_TYPE,
    ) -> None:
        """PUT the feed body to the presigned URL, as UTF-8 bytes."""
        self._plain_http(
            "uploadFeedDocument",
            "PUT",
            url,
            content=documents.as_utf8(content),
            headers={"Content-Type": content_type},
        )

    def create_feed(
        self,
        feed_type: str,
        marketplace_ids: Sequence[str],
        document_id: str,
        *,
        feed_options: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """``{"feedId"}``. Not retried after a 5xx: it may exist already."""
        body: dict[str, Any] = {
            "feedType": feed_type,
            "marketplaceIds": list(marketplace_ids),
            "inputFeedDocumentId": document_id,
        }
        if feed_options:
            body["feedOptions"] = dict(feed_options)
        return self._call("createFeed", "POST", "/feeds/2021-06-30/feeds", body=body)

    def get_feed(self, feed_id: str) -> dict[str, Any]:
        return self._call(
            "getFeed", "GET", f"/feeds/2021-06-30/feeds/{quote(str(feed_id), safe='')}"
        )

    def get_feeds(
        self,
        *,
        feed_types: Sequence[str] | None = None,
        marketplace_ids: Sequence[str] | None = None,
        processing_statuses: Sequence[str] | None = None,
        page_size: int | None = None,
        created_since: datetime | str | None = None,
        created_until: datetime | str | None = None,
        next_token: str | None = None,
    ) -> dict[str, Any]:
        """``{"feeds": [...], "nextToken"?}``; with ``next_token`` nothing else
        may be sent, so the other filters are dropped."""
        if next_token:
            params: dict[str, Any] = {"nextToken": next_token}
        else:
            if not feed_types:
                raise ValueError("get_feeds needs feed_types or next_token")
            params = {
                "feedTypes": _csv(feed_types),
                "marketplaceIds": _csv(marketplace_ids),
                "processingStatuses": _csv(processing_statuses),
                "pageSize": page_size,
                "createdSince": _iso(created_since),
                "createdUntil": _iso(created_until),
            }
        return self._call("getFeeds", "GET", "/feeds/2021-06-30/feeds", params=params)

    def cancel_feed(self, feed_id: str) -> dict[str, Any]:
        return self._call(
            "cancelFeed",
            "DELETE",
            f"/feeds/2021-06-30/feeds/{quote(str(feed_id), safe='')}",
        )

    def get_feed_document(self, document_id: str) -> dict[str, Any]:
        """``{"feedDocumentId", "url", "compressionAlgorithm"?}``."""
        return self._call(
            "getFeedDocument",
            "GET",
            f"/feeds/2021-06-30/documents/{quote(str(document_id), safe='')}",
        )

    def download_document(self, url: str, compression: str | None = None) -> bytes:
        """The document's bytes, gunzipped when it was compressed."""
        response = self._plain_http("downloadDocument", "GET", url)
        return documents.decompress(response.content, compression)

    def download_feed_document(self, document_id: str) -> bytes:
        """get_feed_document + download_document (e.g. a processing report)."""
        doc = self.get_feed_document(document_id)
        return self.download_document(doc["url"], doc.get("compressionAlgorithm"))

    def submit_json_listings_feed(
        self,
        marketplace_id: str,
        content: bytes | str,
        *,
        wait_for_quota: float = 0.0,
    ) -> str:
        """Upload and submit a JSON_LISTINGS_FEED; return the feed id.

        Takes one of the region's five submissions per five minutes first
        (waiting up to ``wait_for_quota`` seconds), so a full quota raises a
        retryable AmazonError with ``retry_after`` before anything is sent.
        """
        get_marketplace(marketplace_id)
        self.limiter.acquire_feed_submission(
            self.seller_id,
            self.region.value,
            JSON_LISTINGS_FEED,
            timeout=wait_for_quota,
        )
        doc = self.create_feed_document(documents.JSON_CONTENT_TYPE)
        self.upload_feed_document(doc["url"], content, documents.JSON_CONTENT_TYPE)
        feed = self.create_feed(
            JSON_LISTINGS_FEED, [marketplace_id], doc["feedDocumentId"]
        )
        return feed["feedId"]

    def next_feed_submission_at(self) -> datetime:
        return self.limiter.next_feed_submission_at(
            self.seller_id, self.region.value, JSON_LISTINGS_FEED
        )

    # -- Listings Items 2021-08-01 ------------------------------------------
    def _listings_path(self, sku: str) -> str:
        return (
            f"/listings/2021-08-01/items/{quote(self.seller_id, safe='')}/"
            f"{quote(sku, safe='')}"
        )

    @staticmethod
    def _preview_limits(mode: str | None) -> tuple[tuple[str, str], ...]:
        if mode == "VALIDATION_PREVIEW":
            return ((APPLICATION_SCOPE, VALIDATION_PREVIEW),)
        return ()

    def get_listings_item(
        self,
        sku: str,
        marketplace_id: str,
        *,
        included_data: Sequence[str] | None = None,
        issue_locale: str | None = None,
    ) -> dict[str, Any]:
        return self._call(
            "getListingsItem",
            "GET",
            self._listings_path(sku),
            params={
                "marketplaceIds": marketplace_id,
                "includedData": _csv(included_data),
                "issueLocale": issue_locale,
            },
        )

    def put_listings_item(
        self,
        sku: str,
        marketplace_id: str,
        body: Mapping[str, Any],
        mode: str | None = None,
        *,
        included_data: Sequence[str] | None = None,
        issue_locale: str | None = None,
    ) -> dict[str, Any]:
        """Create or fully replace a listing; ``mode="VALIDATION_PREVIEW"``
        validates without saving."""
        return self._write_listings_item(
            "putListingsItem",
            "PUT",
            sku,
            marketplace_id,
            body,
            mode,
            included_data,
            issue_locale,
        )

    def patch_listings_item(
        self,
        sku: str,
        marketplace_id: str,
        body: Mapping[str, Any],
        mode: str | None = None,
        *,
        included_data: Sequence[str] | None = None,
        issue_locale: str | None = None,
    ) -> dict[str, Any]:
        return self._write_listings_item(
            "patchListingsItem",
            "PATCH",
            sku,
            marketplace_id,
            body,
            mode,
            included_data,
            issue_locale,
        )

    def _write_listings_item(
        self,
        operation: str,
        method: str,
        sku: str,
        marketplace_id: str,
        body: Mapping[str, Any],
        mode: str | None,
        included_data: Sequence[str] | None,
        issue_locale: str | None,
    ) -> dict[str, Any]:
        return self._call(
            operation,
            method,
            self._listings_path(sku),
            params={
                "marketplaceIds": marketplace_id,
                "mode": mode,
                "includedData": _csv(included_data),
                "issueLocale": issue_locale,
            },
            body=body,
            extra_limits=self._preview_limits(mode),
        )

    def delete_listings_item(
        self, sku: str, marketplace_id: str, *, issue_locale: str | None = None
    ) -> dict[str, Any]:
        return self._call(
            "deleteListingsItem",
            "DELETE",
            self._listings_path(sku),
            params={"marketplaceIds": marketplace_id, "issueLocale": issue_locale},
        )

    # -- Product Type Definitions 2020-09-01 -------------------------------------
    def search_product_types(
        self,
        marketplace_id: str,
        keywords: str | Sequence[str] | None = None,
        *,
        item_name: str | None = None,
        locale: str | None = None,
        search_locale: str | None = None,
    ) -> dict[str, Any]:
        """``{"productTypes": [{"name", "displayName", ...}], ...}``."""
        return self._call(
            "searchDefinitionsProductTypes",
            "GET",
            "/definitions/2020-09-01/productTypes",
            params={
                "marketplaceIds": marketplace_id,
                "keywords": _csv(keywords),
                "itemName": item_name,
                "locale": locale,
                "searchLocale": search_locale,
            },
        )

    def get_product_type(
        self,
        marketplace_id: str,
        product_type: str,
        *,
        requirements: str = "LISTING",
        requirements_enforced: str = "ENFORCED",
        locale: str = "DEFAULT",
        product_type_version: str | None = None,
        seller_specific: bool = True,
    ) -> dict[str, Any]:
        """The definition; its JSON schema is at ``["schema"]["link"]["resource"]``."""
        return self._call(
            "getDefinitionsProductType",
            "GET",
            f"/definitions/2020-09-01/productTypes/{quote(product_type, safe='')}",
            params={
                "marketplaceIds": marketplace_id,
                "sellerId": self.seller_id if seller_specific else None,
                "requirements": requirements,
                "requirementsEnforced": requirements_enforced,
                "locale": locale,
                "productTypeVersion": product_type_version,
            },
        )

    def download_schema(self, url: str) -> dict[str, Any]:
        """Fetch and parse a product type JSON schema from its presigned link."""
        response = self._plain_http("downloadSchema", "GET", url)
        try:
            return json.loads(response.content)
        except ValueError:
            raise AmazonError(
                "product type schema is not valid JSON",
                code="InvalidSchemaDocument",
                operation="downloadSchema",
                status=response.status_code,
                merchant_message=(
                    "Amazon's product type schema could not be read; try again later"
                ),
            ) from None

    # -- Orders 2026-01-01 and v0 ---------------------------------------------
    def search_orders(
        self,
        marketplace_ids: Sequence[str],
        last_updated_after: datetime | str | None = None,
        pagination_token: str | None = None,
        *,
        created_after: datetime | str | None = None,
        created_before: datetime | str | None = None,
        last_updated_before: datetime | str | None = None,
        fulfillment_statuses: Sequence[str] | None = None,
        fulfilled_by: Sequence[str] | None = None,
        max_results_per_page: int | None = None,
        included_data: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """One page: ``{"orders": [...], "pagination": {"nextToken"?}, ...}``.

        Orders API v2026-01-01 (python-amazon-sp-api's wrapper would split
        lists into repeated parameters and drop ``pagination``).
        """
        if (last_updated_after is None) == (created_after is None):
            raise ValueError("pass exactly one of last_updated_after, created_after")
        return self._call(
            "searchOrders",
            "GET",
            "/orders/2026-01-01/orders",
            params={
                "marketplaceIds": _csv(marketplace_ids),
                "lastUpdatedAfter": _iso(last_updated_after),
                "lastUpdatedBefore": _iso(last_updated_before),
                "createdAfter": _iso(created_after),
                "createdBefore": _iso(created_before),
                "fulfillmentStatuses": _csv(fulfillment_statuses),
                "fulfilledBy": _csv(fulfilled_by),
                "maxResultsPerPage": max_results_per_page,
                "includedData": _csv(included_data),
                "paginationToken": pagination_token,
            },
        )

    def iter_orders(
        self,
        marketplace_ids: Sequence[str],
        last_updated_after: datetime | str | None = None,
        **filters: Any,
    ) -> Iterator[dict[str, Any]]:
        """Every order of :meth:`search_orders`, following ``nextToken``."""
        token: str | None = None
        while True:
            page = self.search_orders(
                marketplace_ids, last_updated_after, token, **filters
            )
            yield from page.get("orders", [])
            token = (page.get("pagination") or {}).get("nextToken")
            if not token:
                return

    def get_order(
        self, order_id: str, *, included_data: Sequence[str] | None = None
    ) -> dict[str, Any]:
        return self._call(
            "getOrder",
            "GET",
            f"/orders/2026-01-01/orders/{quote(order_id, safe='')}",
            params={"includedData": _csv(included_data)},
        )

    def confirm_shipment(
        self,
        order_id: str,
        marketplace_id: str,
        package_detail: Mapping[str, Any],
        *,
        cod_collection_method: str | None = None,
    ) -> dict[str, Any]:
        """Orders API v0 confirmShipment; Amazon answers 204, so ``{}``."""
        body: dict[str, Any] = {
            "marketplaceId": marketplace_id,
            "packageDetail": dict(package_detail),
        }
        if cod_collection_method:
            body["codCollectionMethod"] = cod_collection_method
        return self._call(
            "confirmShipment",
            "POST",
            f"/orders/v0/orders/{quote(order_id, safe='')}/shipmentConfirmation",
            body=body,
        )
