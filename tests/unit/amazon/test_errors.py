import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from saleor_amazon_feeds.amazon.errors import (
    AmazonError,
    error_from_exception,
    error_from_lwa_response,
    error_from_response,
    parse_rate_limit,
    parse_retry_after,
)


def _errors(code, message):
    return json.dumps({"errors": [{"code": code, "message": message}]}).encode()


@pytest.mark.parametrize(
    ("code", "needle"),
    [
        ("invalid_grant", "Amazon rejected the refresh token: reconnect the account"),
        ("invalid_client", "client id or client secret"),
        ("unauthorized_client", "authorize the app again"),
    ],
)
def test_lwa_errors_get_merchant_messages(code, needle):
    body = json.dumps({"error": code, "error_description": "desc"}).encode()
    err = error_from_lwa_response(400, {}, body)
    assert err.code == code
    assert err.message == "desc"
    assert err.status == 400
    assert not err.retryable
    assert needle in err.merchant_message
    assert f"({code})" in err.merchant_message


def test_lwa_html_error_is_retryable_and_named():
    err = error_from_lwa_response(502, {}, b"<html><body>Bad Gateway</body></html>")
    assert err.code == "NonJsonErrorResponse"
    assert err.retryable
    assert "Bad Gateway" in err.message
    assert "unavailable (HTTP 502)" in err.merchant_message


def test_400_keeps_amazons_code_and_message():
    err = error_from_response(
        400,
        {"x-amzn-RequestId": "req-1"},
        _errors("InvalidInput", "marketplaceIds is missing"),
        operation="getFeed",
    )
    assert (err.status, err.code, err.message) == (
        400,
        "InvalidInput",
        "marketplaceIds is missing",
    )
    assert err.request_id == "req-1"
    assert not err.retryable
    assert "rejected the request as invalid" in err.merchant_message
    assert "InvalidInput" in str(err)
    assert "getFeed" in str(err)


@pytest.mark.parametrize(
    ("status", "needle"),
    [
        (403, "denied access"),
        (404, "could not find"),
        (409, "conflict"),
        (413, "too large"),
        (415, "content type"),
    ],
)
def test_client_errors_are_not_retryable(status, needle):
    err = error_from_response(status, {}, _errors("X", "m"), operation="op")
    assert not err.retryable
    assert needle in err.merchant_message


def test_429_uses_the_reported_rate_for_the_next_attempt():
    before = datetime.now(UTC)
    err = error_from_response(
        429,
        {"x-amzn-RateLimit-Limit": "0.5"},
        _errors("QuotaExceeded", "You exceeded your quota"),
        operation="getFeed",
    )
    assert err.retryable
    assert err.rate_limit == 0.5
    assert err.retry_after == pytest.approx(2.0)
    assert before + timedelta(seconds=1.9) <= err.retry_at
    assert "Amazon is throttling this operation (getFeed)" in err.merchant_message
    assert "next attempt is possible at" in err.merchant_message
    assert err.retry_at.strftime("%H:%M:%S") in err.merchant_message


def test_retry_after_header_wins_over_rate():
    err = error_from_response(
        429, {"Retry-After": "7", "x-amzn-RateLimit-Limit": "2"}, b"{}"
    )
    assert err.retry_after == 7


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retryable(status):
    err = error_from_response(status, {}, _errors("InternalFailure", "oops"))
    assert err.retryable
    assert f"Amazon is unavailable (HTTP {status})" in err.merchant_message


def test_non_json_error_body_becomes_an_error():
    err = error_from_response(
        503,
        {"content-type": "text/html"},
        b"<html><h1>503 Service Temporarily Unavailable</h1></html>",
        operation="getFeeds",
    )
    assert err.code == "NonJsonErrorResponse"
    assert err.status == 503
    assert err.retryable
    assert "Service Temporarily Unavailable" in err.message
    assert "Amazon is unavailable (HTTP 503)" in err.merchant_message


def test_empty_error_body():
    err = error_from_response(500, {}, b"")
    assert err.code == "NonJsonErrorResponse"
    assert err.retryable


def test_timeouts_and_connection_errors():
    request = httpx.Request("GET", "https://example.invalid/")
    timeout = error_from_exception(
        httpx.ReadTimeout("slow", request=request), operation="getFeed"
    )
    assert timeout.code == "Timeout"
    assert timeout.retryable
    assert timeout.reached_amazon
    assert "did not answer in time" in timeout.merchant_message
    refused = error_from_exception(httpx.ConnectError("refused", request=request))
    assert refused.code == "ConnectionError"
    assert refused.retryable
    assert not refused.reached_amazon
    assert "could not be reached" in refused.merchant_message
    connect_timeout = error_from_exception(httpx.ConnectTimeout("t", request=request))
    assert not connect_timeout.reached_amazon


def test_parse_helpers():
    assert parse_retry_after("3") == 3
    assert parse_retry_after("-1") == 0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    now = datetime(2026, 1, 1, tzinfo=UTC)
    date = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(date, now=now) == pytest.approx(30)
    assert parse_rate_limit("0.0083") == 0.0083
    assert parse_rate_limit("0") is None
    assert parse_rate_limit("x") is None


def test_explicit_merchant_message_and_repr():
    err = AmazonError("m", code="C", status=418, merchant_message="Custom words")
    assert err.merchant_message == "Custom words"
    assert str(err).startswith("Custom words")
    assert "C" in repr(err)
    assert isinstance(err, Exception)
