"""AmazonClient against the bundled sandbox over real HTTP.

Run alone with ``pytest tests/unit/amazon -p tests.fixtures.sandbox`` until
the top-level conftest loads the sandbox fixtures.
"""

import json
import logging
import time
import uuid

import pytest

from saleor_amazon_feeds.amazon import AmazonClient, AmazonError
from saleor_amazon_feeds.amazon.retry import Backoff
from tests.fixtures import sandbox as sandbox_fixtures

pytest.importorskip(
    "saleor_amazon_feeds.sandbox", reason="the bundled sandbox is not in this tree"
)
# Same clock speed as the sandbox, so our limiter and its quotas agree.
SANDBOX_TIME_SCALE = getattr(sandbox_fixtures, "SANDBOX_TIME_SCALE", 100.0)

DE = "A1PA6795UKMFR9"
FR = "A13V1IB3VIYZZH"
JP = "A1VC38T7YXB528"
SELLER = "A3SANDBOXSELLR"
CLIENT_SECRET = "amzn1.oa2-cs.v1.unit-test-client-secret"
OFFER = {
    "productType": "PRODUCT",
    "requirements": "LISTING_OFFER_ONLY",
    "attributes": {
        "condition_type": [{"value": "new_new", "marketplace_id": FR}],
        "purchasable_offer": [
            {
                "marketplace_id": FR,
                "currency": "EUR",
                "our_price": [{"schedule": [{"value_with_tax": 9.5}]}],
            }
        ],
        "fulfillment_availability": [
            {"fulfillment_channel_code": "DEFAULT", "quantity": 3}
        ],
        "merchant_suggested_asin": [{"value": "B0SBX00001", "marketplace_id": FR}],
    },
}


@pytest.fixture
def refresh_token():
    # Unique per test: access tokens are cached per refresh token, and each
    # test should see its own LWA exchange.
    return f"Atzr|unit-{uuid.uuid4().hex}"


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def make_client(sandbox, make_limiter, refresh_token, sleeps):
    limiter = make_limiter(time_scale=SANDBOX_TIME_SCALE)
    clients = []

    def sleep(seconds):
        sleeps.append(seconds)
        time.sleep(seconds)

    def make(**kwargs):
        kwargs.setdefault("limiter", limiter)
        kwargs.setdefault("backoff", Backoff(base=0.01, factor=2, max_delay=0.1))
        kwargs.setdefault("sleep", sleep)
        client = AmazonClient(
            ("amzn1.application-oa2-client.unit", CLIENT_SECRET, refresh_token, SELLER),
            "EU",
            endpoint=sandbox.base_url,
            **kwargs,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client):
    return make_client()


def _ops(sandbox, operation):
    return [r for r in sandbox.requests() if r["operation"] == operation]


def test_token_is_fetched_once_and_participations_come_back(client, sandbox):
    participations = client.get_marketplace_participations()
    ids = {p["marketplace"]["id"] for p in participations}
    assert {DE, FR, "A1F83G8C2ARO7P"} <= ids
    client.get_marketplace_participations()
    assert len(_ops(sandbox, "lwaToken")) == 1
    assert [r["status"] for r in _ops(sandbox, "getMarketplaceParticipations")] == [
        200,
        200,
    ]


def test_feed_round_trip_with_utf8_content(client, sandbox):
    doc = client.create_feed_document()
    name = "Tasse Weiß, Größe L – 0,3 l"
    content = json.dumps(
        {
            "header": {"sellerId": SELLER, "version": "2.0", "issueLocale": "de_DE"},
            "messages": [
                {
                    "messageId": 1,
                    "sku": "TASSE-WEISS-L",
                    "operationType": "PATCH",
                    "productType": "PRODUCT",
                    "patches": [
                        {
                            "op": "replace",
                            "path": "/attributes/item_name",
                            "value": [
                                {
                                    "value": name,
                                    "language_tag": "de_DE",
                                    "marketplace_id": DE,
                                }
                            ],
                        }
                    ],
                }
            ],
        },
        ensure_ascii=False,
    )
    client.upload_feed_document(doc["url"], content)
    feed_id = client.create_feed("JSON_LISTINGS_FEED", [DE], doc["feedDocumentId"])[
        "feedId"
    ]
    feed = _wait_feed(client, feed_id)
    assert feed["processingStatus"] == "DONE"
    report = json.loads(client.download_feed_document(feed["resultFeedDocumentId"]))
    assert report["header"]["feedId"] == feed_id
    assert report["summary"]["messagesProcessed"] == 1
    # The umlauts arrived intact: the upload was UTF-8, not Latin-1.
    stored = {item["sku"]: item for item in sandbox.listings(DE)}
    assert name in json.dumps(stored["TASSE-WEISS-L"], ensure_ascii=False)
    listed = client.get_feeds(feed_types=["JSON_LISTINGS_FEED"], marketplace_ids=[DE])
    assert feed_id in [f["feedId"] for f in listed["feeds"]]


def test_presigned_url_errors_are_amazon_errors_too(client):
    doc = client.create_feed_document()
    # S3 signs the method: the upload URL cannot be read, and answers XML.
    with pytest.raises(AmazonError) as info:
        client.download_document(doc["url"])
    assert info.value.status == 403
    assert info.value.code == "NonJsonErrorResponse"
    assert "SignatureDoesNotMatch" in info.value.message


def _wait_feed(client, feed_id, timeout=5.0):
    deadline = time.monotonic() + timeout
    while True:
        feed = client.get_feed(feed_id)
        if feed["processingStatus"] in ("DONE", "FATAL", "CANCELLED"):
            return feed
        assert time.monotonic() < deadline, feed
        time.sleep(0.02)


def test_submit_json_listings_feed_consumes_the_region_quota(client, sandbox):
    content = json.dumps(
        {
            "header": {"sellerId": SELLER, "version": "2.0"},
            "messages": [{"messageId": 1, "sku": "X", "operationType": "DELETE"}],
        }
    ).encode()
    feed_ids = [client.submit_json_listings_feed(DE, content) for _ in range(5)]
    assert len(set(feed_ids)) == 5
    with pytest.raises(AmazonError) as info:
        client.submit_json_listings_feed(DE, content)
    assert info.value.code == "FeedSubmissionQuota"
    assert info.value.retry_after > 0
    # refused before anything was sent
    assert len(_ops(sandbox, "createFeedDocument")) == 5
    gap = client.next_feed_submission_at() - info.value.retry_at
    assert abs(gap.total_seconds()) < 1


def _submit_empty_feed(client) -> str:
    doc = client.create_feed_document()
    client.upload_feed_document(doc["url"], b'{"header": {}, "messages": []}')
    return client.create_feed("JSON_LISTINGS_FEED", [DE], doc["feedDocumentId"])[
        "feedId"
    ]


def _wait_for_status(client, feed_id: str, wanted: str) -> None:
    deadline = time.monotonic() + 5
    while client.get_feed(feed_id)["processingStatus"] != wanted:
        assert time.monotonic() < deadline, f"feed {feed_id} never reached {wanted}"
        time.sleep(0.02)


def test_cancel_feed(client, sandbox):
    # Amazon processes one feed per seller at a time: with the first one stuck
    # IN_PROGRESS, the second stays IN_QUEUE, so both answers are deterministic.
    sandbox.set_faults(stuck_feeds=True)
    running = _submit_empty_feed(client)
    _wait_for_status(client, running, "IN_PROGRESS")
    queued = _submit_empty_feed(client)
    assert client.get_feed(queued)["processingStatus"] == "IN_QUEUE"

    client.cancel_feed(queued)
    assert client.get_feed(queued)["processingStatus"] == "CANCELLED"

    # Only IN_QUEUE feeds can be cancelled: a clear, final error.
    with pytest.raises(AmazonError) as info:
        client.cancel_feed(running)
    assert info.value.status == 400
    assert not info.value.retryable
    assert "IN_QUEUE" in info.value.message
    assert client.get_feed(running)["processingStatus"] == "IN_PROGRESS"
    assert len(_ops(sandbox, "cancelFeed")) == 2


def test_listings_put_preview_patch_delete(client, sandbox):
    preview = client.put_listings_item("SKU-1", FR, OFFER, mode="VALIDATION_PREVIEW")
    assert preview["status"] == "VALID"
    with pytest.raises(AmazonError) as info:
        client.get_listings_item("SKU-1", FR)
    assert info.value.status == 404
    assert client.put_listings_item("SKU-1", FR, OFFER)["status"] == "ACCEPTED"
    item = client.get_listings_item("SKU-1", FR, included_data=["attributes"])
    assert item["attributes"]["fulfillment_availability"][0]["quantity"] == 3
    patch = {
        "productType": "PRODUCT",
        "patches": [
            {
                "op": "replace",
                "path": "/attributes/fulfillment_availability",
                "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 7}],
            }
        ],
    }
    assert client.patch_listings_item("SKU-1", FR, patch)["status"] == "ACCEPTED"
    item = client.get_listings_item("SKU-1", FR, included_data=["attributes"])
    assert item["attributes"]["fulfillment_availability"][0]["quantity"] == 7
    assert client.delete_listings_item("SKU-1", FR)["status"] == "ACCEPTED"
    (delete,) = _ops(sandbox, "deleteListingsItem")
    assert delete["query"] == f"marketplaceIds={FR}"
    (preview_put, real_put) = _ops(sandbox, "putListingsItem")
    assert "mode=VALIDATION_PREVIEW" in preview_put["query"]
    assert "mode" not in real_put["query"]


def test_env_default_marketplace_does_not_change_what_is_sent(
    make_client, sandbox, monkeypatch
):
    monkeypatch.setenv("SP_API_DEFAULT_MARKETPLACE", "JP")
    client = make_client()
    client.put_listings_item("SKU-ENV", FR, OFFER)
    client.get_listings_item("SKU-ENV", FR)
    client.delete_listings_item("SKU-ENV", FR)
    client.search_product_types(FR, ["luggage"])
    logged = [r for r in sandbox.requests() if r["operation"] != "lwaToken"]
    assert len(logged) == 4
    for request in logged:
        assert f"marketplaceIds={FR}" in request["query"], request
        assert JP not in request["query"], request


def test_product_types(client):
    found = client.search_product_types(DE, ["luggage"])
    assert "LUGGAGE" in [p["name"] for p in found["productTypes"]]
    definition = client.get_product_type(DE, "LUGGAGE")
    assert definition["productType"] == "LUGGAGE"
    schema = client.download_schema(definition["schema"]["link"]["resource"])
    assert "properties" in schema


def test_orders_paginate_and_shipment_is_confirmed(client, sandbox):
    everything = client.search_orders([DE], "2020-01-01T00:00:00Z")["orders"]
    assert len(everything) >= 3
    first = client.search_orders([DE], "2020-01-01T00:00:00Z", max_results_per_page=2)
    assert len(first["orders"]) == 2
    assert first["pagination"]["nextToken"]
    paged = list(
        client.iter_orders([DE], "2020-01-01T00:00:00Z", max_results_per_page=2)
    )
    assert [o["orderId"] for o in paged] == [o["orderId"] for o in everything]
    tokens = [
        r for r in _ops(sandbox, "searchOrders") if "paginationToken" in r["query"]
    ]
    assert tokens
    unshipped = client.search_orders(
        [DE],
        "2020-01-01T00:00:00Z",
        fulfillment_statuses=["UNSHIPPED"],
        fulfilled_by=["MERCHANT"],
        included_data=["FULFILLMENT"],
    )["orders"]
    assert unshipped
    assert {o["fulfillment"]["fulfilledBy"] for o in unshipped} == {"MERCHANT"}
    target = unshipped[0]
    order = client.get_order(target["orderId"])
    assert order["order"]["orderId"] == target["orderId"]
    item = target["orderItems"][0]
    result = client.confirm_shipment(
        target["orderId"],
        DE,
        {
            "packageReferenceId": "1",
            "carrierCode": "DHL",
            "trackingNumber": "00340434161094042557",
            "shipDate": "2026-01-02T10:00:00Z",
            "orderItems": [
                {
                    "orderItemId": item["orderItemId"],
                    "quantity": item["quantityOrdered"],
                }
            ],
        },
    )
    assert result == {}
    assert len(sandbox.shipments()) == 1
    assert target["orderId"] in json.dumps(sandbox.shipments())


def test_429_is_retried_with_backoff_then_raised(make_client, sandbox, sleeps):
    client = make_client(max_retries=3)
    client.get_marketplace_participations()  # token first
    sandbox.set_faults(throttle_all=True)
    with pytest.raises(AmazonError) as info:
        client.get_feed("50001019001")
    err = info.value
    assert err.status == 429
    assert err.retryable
    assert err.operation == "getFeed"
    assert err.retry_at is not None
    assert "Amazon is throttling this operation (getFeed)" in err.merchant_message
    assert [r["status"] for r in _ops(sandbox, "getFeed")] == [429] * 4
    assert len(sleeps) == 3
    assert sleeps[0] < sleeps[-1]


def test_throttle_then_success(client, sandbox):
    sandbox.set_faults(throttle_next=2)
    assert client.get_marketplace_participations()
    statuses = [r["status"] for r in _ops(sandbox, "getMarketplaceParticipations")]
    assert statuses == [429, 429, 200]


def test_server_errors_are_retried(client, sandbox, sleeps):
    sandbox.set_faults(server_error_next=2, server_error_status=503)
    assert client.search_product_types(DE, ["shirt"])["productTypes"]
    statuses = [r["status"] for r in _ops(sandbox, "searchDefinitionsProductTypes")]
    assert statuses == [503, 503, 200]
    assert len(sleeps) == 2


def test_create_feed_is_not_repeated_after_a_server_error(client, sandbox):
    doc = client.create_feed_document()
    client.upload_feed_document(doc["url"], b'{"header": {}, "messages": []}')
    sandbox.set_faults(server_error_next=1, server_error_operations=["createFeed"])
    with pytest.raises(AmazonError) as info:
        client.create_feed("JSON_LISTINGS_FEED", [DE], doc["feedDocumentId"])
    assert info.value.status == 500
    assert "Amazon is unavailable (HTTP 500)" in info.value.merchant_message
    assert len(_ops(sandbox, "createFeed")) == 1


def test_revoked_refresh_token(client, sandbox):
    sandbox.set_faults(revoked_refresh_token=True)
    with pytest.raises(AmazonError) as info:
        client.get_marketplace_participations()
    err = info.value
    assert err.code == "invalid_grant"
    assert not err.retryable
    assert err.merchant_message == (
        "Amazon rejected the refresh token: reconnect the account (invalid_grant)"
    )
    assert len(_ops(sandbox, "lwaToken")) == 1


def test_stale_access_token_is_replaced_once(client, sandbox):
    client.get_marketplace_participations()
    # As if Amazon had revoked the cached access token before its expiry.
    auth = client._api._auth
    auth.cache.put(auth.cache_key, "Atza|revoked-token", 3600)
    assert client.get_marketplace_participations()
    statuses = [(r["operation"], r["status"]) for r in sandbox.requests()]
    assert statuses == [
        ("lwaToken", 200),
        ("getMarketplaceParticipations", 200),
        ("getMarketplaceParticipations", 403),
        ("lwaToken", 200),
        ("getMarketplaceParticipations", 200),
    ]


def test_timeouts_are_retried_then_raised(make_client, sandbox):
    client = make_client(timeout=0.2, max_retries=1)
    client.get_marketplace_participations()
    sandbox.set_faults(slow_ms=600)
    with pytest.raises(AmazonError) as info:
        client.get_feed("50001019001")
    assert info.value.code == "Timeout"
    assert info.value.retryable
    assert "did not answer in time" in info.value.merchant_message
    sandbox.set_faults(slow_ms=0)


def test_secrets_never_reach_the_logs(client, sandbox, caplog, refresh_token):
    caplog.set_level(logging.DEBUG)
    for name in (
        "sp_api",
        "sp_api.base.client",
        "sp_api.auth.access_token_client",
        "httpx",
        "httpcore",
        "saleor_amazon_feeds",
    ):
        caplog.set_level(logging.DEBUG, logger=name)
    sandbox.set_faults(throttle_next=1)
    client.get_marketplace_participations()
    client.put_listings_item("SKU-LOG", FR, OFFER)
    access_token = client._api.auth.access_token
    text = caplog.text
    assert "Request Headers" in text  # the library did log its headers
    for secret in (CLIENT_SECRET, refresh_token, access_token):
        assert secret not in text
    assert CLIENT_SECRET not in repr(client)


def test_a_spooled_document_is_streamed_up_whole(client):
    from saleor_amazon_feeds.listings.feed_writer import iter_feed_documents
    from saleor_amazon_feeds.listings.messages import delete_message

    # Over the in-memory limit: the document is a temporary file on disk,
    # uploaded in chunks with its Content-Length.
    (document,) = iter_feed_documents(
        (delete_message(f"SKU-{n:06d}-{'x' * 25}") for n in range(25_000)),
        seller_id=SELLER,
    )
    assert document.file._rolled
    assert document.size > 1_000_000
    doc = client.create_feed_document()
    client.upload_feed_document(doc["url"], document.file)
    stored = client.get_feed_document(doc["feedDocumentId"])
    assert client.download_document(stored["url"]) == document.content
    document.close()
