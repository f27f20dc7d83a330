"""AmazonClient construction: endpoints, token URL, marketplace (no HTTP)."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from saleor_amazon_feeds.amazon import AmazonClient
from saleor_amazon_feeds.amazon.marketplaces import UnknownMarketplaceError
from saleor_amazon_feeds.amazon.spapi_library import csv_param as _csv
from saleor_amazon_feeds.amazon.spapi_library import iso_time as _iso

CREDS = (
    "amzn1.application-oa2-client.x",
    "client-secret-x",
    "Atzr|refresh-x",
    "SELLER1",
)


@pytest.fixture
def limiter(make_limiter):
    return make_limiter()


def test_production_endpoint_by_region(limiter):
    client = AmazonClient(CREDS, "eu", limiter=limiter)
    assert client.endpoint == "https://sellingpartnerapi-eu.amazon.com"
    assert client.token_url == "https://api.amazon.com/auth/o2/token"
    assert client.marketplace_id == "A1PA6795UKMFR9"
    client.close()


def test_amazon_sandbox(limiter):
    client = AmazonClient(CREDS, "FE", use_amazon_sandbox=True, limiter=limiter)
    assert client.endpoint == "https://sandbox.sellingpartnerapi-fe.amazon.com"
    assert client.token_url == "https://api.amazon.com/auth/o2/token"


def test_custom_endpoint_gets_its_own_token_url(limiter):
    client = AmazonClient(
        CREDS, "NA", endpoint="http://127.0.0.1:8123/", limiter=limiter
    )
    assert client.endpoint == "http://127.0.0.1:8123"
    assert client.token_url == "http://127.0.0.1:8123/auth/o2/token"
    explicit = AmazonClient(
        CREDS,
        "NA",
        endpoint="http://127.0.0.1:8123",
        token_url="http://127.0.0.1:9/token",
        limiter=limiter,
    )
    assert explicit.token_url == "http://127.0.0.1:9/token"


def test_env_default_marketplace_does_not_win(limiter, monkeypatch):
    monkeypatch.setenv("SP_API_DEFAULT_MARKETPLACE", "JP")
    client = AmazonClient(
        CREDS, "EU", default_marketplace_id="A13V1IB3VIYZZH", limiter=limiter
    )
    assert client.marketplace_id == "A13V1IB3VIYZZH"
    assert client._api.endpoint == "https://sellingpartnerapi-eu.amazon.com"


def test_repr_hides_secrets(limiter):
    client = AmazonClient(CREDS, "EU", limiter=limiter)
    assert "client-secret-x" not in repr(client)
    assert "refresh-x" not in repr(client)
    assert "SELLER1" in repr(client)


def test_bad_configuration_fails_early(limiter):
    with pytest.raises(UnknownMarketplaceError):
        AmazonClient(CREDS, "EU", default_marketplace_id="NOPE", limiter=limiter)
    with pytest.raises(UnknownMarketplaceError):
        AmazonClient(CREDS, "MARS", limiter=limiter)


def test_query_helpers():
    assert _csv(["A", "B"]) == "A,B"
    assert _csv("A") == "A"
    assert _csv(None) is None
    cest = timezone(timedelta(hours=2))
    assert _iso(datetime(2026, 1, 2, 3, 4, 5, tzinfo=cest)) == "2026-01-02T01:04:05Z"
    assert _iso(datetime(2026, 1, 2, tzinfo=UTC)) == "2026-01-02T00:00:00Z"
    with pytest.raises(ValueError, match="naive"):
        _iso(datetime(2026, 1, 2))  # noqa: DTZ001
