"""Login with Amazon: exchanging a refresh token for an access token.

Subclasses python-amazon-sp-api's AccessTokenClient because the library
hard-codes ``https://api.amazon.com/auth/o2/token``, calls ``response.json()``
on error bodies that may be HTML, and caches tokens for a fixed 3200 s in a
10-entry process cache keyed by the refresh token alone (so the same token
against another LWA URL, e.g. a sandbox, would reuse a foreign access token).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time

import httpx
from sp_api.auth import AccessTokenClient, AccessTokenResponse

from .credentials import SECRETS
from .errors import AmazonError, error_from_exception, error_from_lwa_response
from .marketplaces import LWA_TOKEN_URL

log = logging.getLogger(__name__)

# Refresh a little before Amazon's expiry so a token never dies mid-request.
EXPIRY_MARGIN = 60.0


class TokenCache:
    """Access tokens per (LWA URL, client id, refresh token), in process.

    In process rather than in Redis on purpose: access tokens are bearer
    secrets, and an hourly LWA call per worker is negligible.
    """

    def __init__(self) -> None:
        self._tokens: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(token_url: str, client_id: str, refresh_token: str) -> str:
        raw = f"{token_url}\0{client_id}\0{refresh_token}".encode()
        return hashlib.sha256(raw).hexdigest()

    def get(self, key: str) -> str | None:
        with self._lock:
            entry = self._tokens.get(key)
            if entry is None:
                return None
            token, expires_at = entry
            if time.monotonic() >= expires_at:
                del self._tokens[key]
                return None
            return token

    def put(self, key: str, token: str, expires_in: float) -> None:
        with self._lock:
            lifetime = max(1.0, float(expires_in) - EXPIRY_MARGIN)
            self._tokens[key] = (token, time.monotonic() + lifetime)

    def invalidate(self, key: str) -> None:
        with self._lock:
            self._tokens.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()


TOKEN_CACHE = TokenCache()


class LwaTokenClient(AccessTokenClient):
    """AccessTokenClient with a configurable URL, timeouts and AmazonError."""

    token_url: str = LWA_TOKEN_URL
    timeout: float = 30.0
    cache: TokenCache = TOKEN_CACHE

    def __init__(self, refresh_token=None, credentials=None, proxies=None, verify=True):
        super().__init__(
            refresh_token=refresh_token,
            credentials=credentials,
            proxies=proxies,
            verify=verify,
        )
        # Reuse the library's httpx client; only the timeout is ours.
        self._http = self._transport._client

    @classmethod
    def for_url(cls, token_url: str, *, timeout: float = 30.0) -> type[LwaTokenClient]:
        """A subclass bound to ``token_url``: the library instantiates the class
        itself, so the URL has to travel as a class attribute."""
        return type(
            "BoundLwaTokenClient", (cls,), {"token_url": token_url, "timeout": timeout}
        )

    @property
    def cache_key(self) -> str:
        return self.cache.key(
            self.token_url, self.cred.client_id or "", self.cred.refresh_token or ""
        )

    def _request(self, url, data, headers):
        try:
            response = self._http.post(
                url, data=data, headers=headers, timeout=self.timeout
            )
        except httpx.HTTPError as exc:
            err = error_from_exception(exc, operation="lwa.token")
            err.merchant_message = (
                "Amazon's login service could not be reached; it will be retried"
            )
            raise err from exc
        if response.status_code != 200:
            raise error_from_lwa_response(
                response.status_code, response.headers, response.content
            )
        try:
            payload = response.json()
        except ValueError:
            raise error_from_lwa_response(
                502, response.headers, response.content
            ) from None
        if not isinstance(payload, dict) or not payload.get("access_token"):
            raise AmazonError(
                "LWA answered 200 without an access token",
                code="InvalidTokenResponse",
                operation="lwa.token",
                retryable=True,
                merchant_message=(
                    "Amazon's login service gave an unusable answer; it will be retried"
                ),
            )
        return payload

    def get_auth(self) -> AccessTokenResponse:
        key = self.cache_key
        token = self.cache.get(key)
        if token is None:
            payload = self._request(self.token_url, self.data, self.headers)
            token = payload["access_token"]
            SECRETS.add(token, payload.get("refresh_token"))
            self.cache.put(key, token, float(payload.get("expires_in") or 3600))
            log.debug("fetched a new LWA access token from %s", self.token_url)
        return AccessTokenResponse(access_token=token, token_type="bearer")

    def get_grantless_auth(self, scope="sellingpartnerapi::notifications"):
        raise NotImplementedError("grantless operations are not used by the plugin")

    def invalidate(self) -> None:
        self.cache.invalidate(self.cache_key)

    def close(self) -> None:
        self._transport.close()
