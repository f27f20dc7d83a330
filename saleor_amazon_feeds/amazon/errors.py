"""The one error type the plugin sees from Amazon, and the mapping into it.

Everything that can go wrong on the way to Amazon (LWA, SP-API status codes,
bodies that are not JSON, timeouts, refused connections, our own rate limiter)
ends up as :class:`AmazonError`, so callers need a single ``except`` and get a
sentence they can show a merchant.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

# Statuses after which the same request may succeed later.
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

_LWA_MESSAGES = {
    "invalid_grant": (
        "Amazon rejected the refresh token: reconnect the account (invalid_grant)"
    ),
    "invalid_client": (
        "Amazon rejected the app's LWA client id or client secret: check the app "
        "credentials in the plugin settings (invalid_client)"
    ),
    "unauthorized_client": (
        "Amazon says this app may not act for the account: authorize the app again "
        "in Seller Central and reconnect the account (unauthorized_client)"
    ),
    "invalid_request": (
        "Amazon's login service rejected the token request as malformed "
        "(invalid_request)"
    ),
    "unsupported_grant_type": (
        "Amazon's login service does not accept this kind of token request "
        "(unsupported_grant_type)"
    ),
    "invalid_scope": "Amazon rejected the requested access scope (invalid_scope)",
}


class AmazonError(Exception):
    """Anything Amazon (or the way to it) refused.

    ``message`` is Amazon's own text, ``merchant_message`` is ours for people.
    ``retry_after`` is in seconds from when the error was made; ``retry_at`` is
    the same moment as an aware UTC datetime.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        operation: str | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
        merchant_message: str | None = None,
        request_id: str | None = None,
        rate_limit: float | None = None,
        details: Any = None,
        reached_amazon: bool = True,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.operation = operation
        self.retryable = retryable
        self.retry_after = retry_after
        self.retry_at = (
            datetime.now(UTC) + timedelta(seconds=retry_after)
            if retry_after is not None
            else None
        )
        self._merchant_message = merchant_message
        self.request_id = request_id
        self.rate_limit = rate_limit
        self.details = details
        # False when the request certainly never arrived (refused connection,
        # connect timeout, local rate limit): then even a POST may be repeated.
        self.reached_amazon = reached_amazon

    @property
    def merchant_message(self) -> str:
        if self._merchant_message:
            return self._merchant_message
        return _default_merchant_message(self)

    @merchant_message.setter
    def merchant_message(self, value: str | None) -> None:
        self._merchant_message = value

    def __str__(self) -> str:
        parts = [self.merchant_message]
        if self.message and self.message not in parts[0]:
            parts.append(f"Amazon said: {self.message}")
        meta = ", ".join(
            f"{k}={v}"
            for k, v in (
                ("operation", self.operation),
                ("status", self.status),
                ("code", self.code),
                ("request_id", self.request_id),
            )
            if v is not None
        )
        return " | ".join(parts) + (f" [{meta}]" if meta else "")

    def __repr__(self) -> str:
        return (
            f"AmazonError(code={self.code!r}, status={self.status!r}, "
            f"operation={self.operation!r}, retryable={self.retryable!r}, "
            f"message={self.message!r})"
        )


def _when(err: AmazonError) -> str:
    if err.retry_at is None:
        return "later"
    return err.retry_at.strftime("%Y-%m-%d %H:%M:%S UTC")


def _default_merchant_message(err: AmazonError) -> str:
    op = f" ({err.operation})" if err.operation else ""
    status = err.status
    code = err.code or ""
    if code == "LocalRateLimit":
        return (
            f"Amazon's rate limit for this operation{op} is used up; the next "
            f"attempt is possible at {_when(err)}"
        )
    if code == "FeedSubmissionQuota":
        return (
            "Amazon accepts only a few listings feeds per five minutes; the next "
            f"submission is possible at {_when(err)}"
        )
    if code == "Timeout":
        return f"Amazon did not answer in time{op}; it will be tried again"
    if code == "ConnectionError":
        return f"Amazon could not be reached{op}; check the network, it will be retried"
    if status == 429:
        return (
            f"Amazon is throttling this operation{op}; the next attempt is possible "
            f"at {_when(err)}"
        )
    if status is not None and status >= 500:
        return (
            f"Amazon is unavailable (HTTP {status}){op}; this is on Amazon's side "
            "and will be retried"
        )
    if status == 400:
        return f"Amazon rejected the request as invalid{op}: {err.message} ({code})"
    if status in (401, 403):
        return (
            f"Amazon denied access{op}: reconnect the account, or check that the "
            f"app has the role this needs ({code or status})"
        )
    if status == 404:
        return f"Amazon could not find what was asked for{op}: {err.message}"
    if status == 409:
        return f"Amazon reports a conflict with the current state{op}: {err.message}"
    if status == 413:
        return f"The request is too large for Amazon{op}: {err.message}"
    if status == 415:
        return f"Amazon does not accept this content type{op}: {err.message}"
    if status is not None:
        return f"Amazon refused the request (HTTP {status}){op}: {err.message}"
    return f"Talking to Amazon failed{op}: {err.message}"


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    if not headers:
        return None
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        for k, v in headers.items():
            if k.lower() == lowered:
                return v
    return value


def parse_retry_after(
    value: str | None, *, now: datetime | None = None
) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def parse_rate_limit(value: str | None) -> float | None:
    """The rate (requests/second) from ``x-amzn-RateLimit-Limit``, if sane."""
    if not value:
        return None
    try:
        rate = float(value.strip())
    except ValueError:
        return None
    return rate if rate > 0 else None


def _snippet(body: bytes | str, limit: int = 200) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = " ".join(text.split())
    return text[:limit] + ("..." if len(text) > limit else "")


def _load_json(body: bytes | str) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


def upload_url_expired(err: AmazonError) -> bool:
    """A presigned upload URL refused (S3's 403 ``AccessDenied`` "Request has
    expired", in XML, once its minutes are up): a new feed document with a
    fresh URL fixes it, repeating the same URL never does."""
    return err.status == 403 and err.operation == "uploadFeedDocument"


def error_from_response(
    status: int,
    headers: Mapping[str, str] | None,
    body: bytes | str,
    *,
    operation: str | None = None,
) -> AmazonError:
    """Map an SP-API error response (JSON or not) to an AmazonError."""
    data = _load_json(body)
    code = message = None
    details: Any = None
    if isinstance(data, dict):
        errors = data.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            code = errors[0].get("code")
            message = errors[0].get("message")
            extra = errors[0].get("details")
            if extra and isinstance(extra, str) and extra not in (message or ""):
                # Amazon puts the useful part ("which field") in details.
                message = f"{message}: {extra}" if message else extra
            details = errors
        else:
            code = data.get("code") or data.get("error")
            message = data.get("message") or data.get("error_description")
            details = data
    if data is None:
        # python-amazon-sp-api silently returns an empty response for these
        # (HTML from a load balancer, plain text from a proxy).
        code = "NonJsonErrorResponse"
        message = f"HTTP {status} with a body that is not JSON: {_snippet(body)!r}"
    retry_after = parse_retry_after(_header(headers, "Retry-After"))
    rate = parse_rate_limit(_header(headers, "x-amzn-RateLimit-Limit"))
    if status == 429 and retry_after is None and rate:
        # Amazon sends no Retry-After; one token of the reported rate is the
        # earliest a retry can succeed.
        retry_after = 1.0 / rate
    return AmazonError(
        message or f"HTTP {status}",
        code=code or f"HTTP{status}",
        status=status,
        operation=operation,
        retryable=status in RETRYABLE_STATUSES,
        retry_after=retry_after,
        request_id=_header(headers, "x-amzn-RequestId"),
        rate_limit=rate,
        details=details,
    )


def error_from_lwa_response(
    status: int, headers: Mapping[str, str] | None, body: bytes | str
) -> AmazonError:
    """Map a failed Login-with-Amazon token response to an AmazonError."""
    data = _load_json(body)
    if isinstance(data, dict) and data.get("error"):
        code = str(data["error"])
        message = str(data.get("error_description") or code)
    elif data is None:
        code = "NonJsonErrorResponse"
        message = f"LWA HTTP {status} with a body that is not JSON: {_snippet(body)!r}"
    else:
        code = f"HTTP{status}"
        message = _snippet(json.dumps(data))
    retryable = status in RETRYABLE_STATUSES
    merchant = _LWA_MESSAGES.get(code)
    if merchant is None:
        if retryable:
            merchant = (
                f"Amazon's login service is unavailable (HTTP {status}); "
                "it will be retried"
            )
        else:
            merchant = (
                f"Amazon's login service refused the token request (HTTP {status}, "
                f"{code}): reconnect the account if this persists"
            )
    return AmazonError(
        message,
        code=code,
        status=status,
        operation="lwa.token",
        retryable=retryable,
        retry_after=parse_retry_after(_header(headers, "Retry-After")),
        merchant_message=merchant,
        request_id=_header(headers, "x-amzn-RequestId"),
        details=data,
    )


def error_from_exception(
    exc: BaseException, *, operation: str | None = None
) -> AmazonError:
    """Map a transport failure (timeout, refused connection...) to an AmazonError."""
    if isinstance(exc, httpx.TimeoutException):
        code = "Timeout"
        # A connect timeout never reached Amazon: always safe to repeat.
        reached = not isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout)
    elif isinstance(exc, httpx.TransportError):
        code = "ConnectionError"
        reached = not isinstance(exc, httpx.ConnectError)
    else:
        code = type(exc).__name__
        reached = True
    err = AmazonError(
        f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__,
        code=code,
        operation=operation,
        retryable=code in ("Timeout", "ConnectionError"),
        reached_amazon=reached,
    )
    return err
