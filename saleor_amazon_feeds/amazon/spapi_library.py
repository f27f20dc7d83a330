"""python-amazon-sp-api 2.1, made safe to use: every workaround in one place.

The plugin uses the library's generic ``Client`` (LWA token handling, request
preparation) rather than its per-operation wrappers, which in 2.1.x:

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

:class:`SpApiClient` fixes the generic machinery itself (the marketplace an
environment variable overrides, the ``Host`` header, non-JSON error bodies,
payload parsing, credentials from anywhere but the caller); the encoders
below shape what the plugin hands it (Decimal amounts, comma-separated
lists, UTC timestamps). Feed bodies go out as UTF-8 bytes
(:func:`.documents.as_utf8`); the transport (:mod:`.transport`) turns every
error answer into an :class:`AmazonError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sp_api.base import ApiResponse, Client
from sp_api.base.credential_provider import FromCodeCredentialProvider

from .credentials import Credentials
from .errors import AmazonError
from .lwa import LwaTokenClient
from .transport import AmazonTransport, tls_context


class MarketplaceRef:
    """The marketplace-like object python-amazon-sp-api's Client expects."""

    def __init__(self, endpoint: str, marketplace_id: str, region: str) -> None:
        self.endpoint = endpoint
        self.marketplace_id = marketplace_id
        self.region = region


class SpApiClient(Client):
    """The library's generic client, pointed where we say and made strict."""

    # The library sets it untyped in Client.__init__; ours replaces it.
    _transport: AmazonTransport

    def __init__(
        self,
        marketplace: MarketplaceRef,
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
            verify=tls_context(),
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


# -- what the plugin hands the library -------------------------------------------


def csv_param(value: str | Iterable[str] | None) -> str | None:
    """A list as the comma-separated value Amazon expects (the library and
    httpx would repeat the parameter instead)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return ",".join(value)


def iso_time(value: datetime | str | None) -> str | None:
    """A timestamp as Amazon's ISO 8601 UTC text."""
    if value is None or isinstance(value, str):
        return value
    if value.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous for Amazon; pass UTC")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def query_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters that have a value (optional ones are passed as None)."""
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
