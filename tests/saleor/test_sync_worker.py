"""End to end: Saleor serving HTTP (pytest-django's live server), a real
Celery worker process on Redis (not eager), the sandbox as Amazon.

Path under test: Saleor GraphQL mutation -> plugin hook or Saleor's signed
stock webhook (delivered by the worker to the plugin's endpoint over HTTP)
-> outbox -> drain task on the worker -> feed or urgent PATCH -> sandbox.
"""

import json
import os
import time
from pathlib import Path

import httpx
import pytest
from graphql_relay import to_global_id

from saleor_amazon_feeds.models import AmazonFeedSubmission, AmazonSyncChange
from saleor_amazon_feeds.plugin import PLUGIN_ID
from saleor_amazon_feeds.services.saleor_app import ensure_stock_webhook
from saleor_amazon_feeds.sync.drain import drain_marketplace
from saleor_amazon_feeds.sync.outbox import Change, record_variants
from tests.fixtures import processes
from tests.fixtures.feeds import nothing_open, wait_for_submissions

pytestmark = pytest.mark.django_db(transaction=True)

US = "ATVPDKIKX0DER"
ROOT = Path(__file__).resolve().parents[2]
# Scaled by the sandbox time scale (100): two seconds of quiet before a feed.
SETTLE = 200
BROKER_DB = 12
PRIVATE_MEDIA = ROOT / ".cache" / f"e2e-private-media-{os.getpid()}"

PRODUCT_UPDATE = """
mutation ($id: ID!, $name: String!) {
  productUpdate(id: $id, input: {name: $name}) { errors { field message } }
}
"""
STOCKS_UPDATE = """
mutation ($variant: ID!, $warehouse: ID!, $quantity: Int!) {
  productVariantStocksUpdate(
    variantId: $variant, stocks: [{warehouse: $warehouse, quantity: $quantity}]
  ) { errors { field message } }
}
"""


@pytest.fixture(scope="module")
def celery_worker_process(django_db_setup, django_db_blocker, sandbox_server):
    """A real worker on the test database, with the sandbox and the prefix."""
    with django_db_blocker.unblock():
        database_url = processes.current_database_url()
    with processes.stack(
        database_url=database_url,
        sandbox_url=sandbox_server.base_url,
        broker_db=BROKER_DB,
        workers=1,
        settings_module="tests.worker_settings",
        env={
            "AMAZON_FEEDS_SYNC_SETTLE_SECONDS": str(SETTLE),
            "PRIVATE_MEDIA_ROOT": str(PRIVATE_MEDIA),
        },
    ) as stack:
        yield stack


@pytest.fixture
def real_celery(celery_worker_process, settings, live_server, sync_marketplace):
    """This process sends tasks to the worker; Saleor serves HTTP."""
    stack = celery_worker_process
    settings.AMAZON_FEEDS_RATE_LIMIT_PREFIX = stack.prefix
    settings.AMAZON_FEEDS_SYNC_SETTLE_SECONDS = SETTLE
    settings.PUBLIC_URL = live_server.url
    settings.PRIVATE_MEDIA_ROOT = str(PRIVATE_MEDIA)
    with (
        processes.replicas_on_test_database(),
        processes.sending_tasks_to(stack.broker_url),
    ):
        from saleor_amazon_feeds.amazon_clients import limiter

        limiter().clear()
        ensure_stock_webhook()
        yield stack


@pytest.fixture
def saleor_http(live_server, staff_user, permission_manage_products):
    from saleor.core.jwt import create_access_token

    staff_user.user_permissions.add(permission_manage_products)
    token = create_access_token(staff_user)
    client = httpx.Client(
        base_url=live_server.url,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )

    def execute(query, variables):
        response = client.post(
            "/graphql/", json={"query": query, "variables": variables}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    yield execute
    client.close()


def wait_until(predicate, timeout, stack, what):
    """The worker submits; this process plays the poll beat entry."""
    return wait_for_submissions(
        timeout,
        until=predicate,
        interval=0.2,
        explain=lambda: f"Timed out waiting for {what}; worker log:\n"
        + stack.logs(6000),
    )


def sandbox_listing(sandbox, sku):
    return {item["sku"]: item for item in sandbox.listings(US)}.get(sku)


def initial_sync(marketplace, product, sandbox, worker):
    record_variants(Change.CONTENT, product_ids=[product.pk])
    drain_marketplace(marketplace, force=True)
    wait_until(
        lambda: nothing_open() and sandbox_listing(sandbox, product.variants.get().sku),
        30,
        worker,
        "the initial sync",
    )
    AmazonSyncChange.objects.all().delete()


def test_stock_update_reaches_amazon_as_inventory_patch_then_urgent_zero(
    real_celery, saleor_http, sync_marketplace, listable_product, sandbox, warehouse
):
    variant = listable_product.variants.get()
    initial_sync(sync_marketplace, listable_product, sandbox, real_celery)
    allocated = sum(
        a.quantity_allocated for a in variant.stocks.get().allocations.all()
    )
    ids = {
        "variant": to_global_id("ProductVariant", variant.pk),
        "warehouse": to_global_id("Warehouse", warehouse.pk),
    }
    last_pk = AmazonFeedSubmission.objects.order_by("-pk").values_list("pk", flat=True)[
        0
    ]
    data = saleor_http(STOCKS_UPDATE, {**ids, "quantity": allocated + 7})
    assert data["productVariantStocksUpdate"]["errors"] == []

    def quantity():
        listing = sandbox_listing(sandbox, variant.sku)
        return listing["attributes"]["fulfillment_availability"][0]["quantity"]

    wait_until(lambda: quantity() == 7, 60, real_celery, "quantity 7 on Amazon")
    sent = AmazonFeedSubmission.objects.filter(pk__gt=last_pk, feed_id__gt="")
    assert [(s.kind, s.status, s.message_count, s.trigger) for s in sent] == [
        ("INVENTORY", "DONE", 1, "AUTO")
    ]
    feed = {f["feedId"]: f for f in sandbox.feeds()}[sent[0].feed_id]
    assert feed["processingStatus"] == "DONE"
    assert sandbox.requests("patchListingsItem") == []

    # Sold out on the shop: a single Listings Items PATCH, within seconds.
    started = time.monotonic()
    data = saleor_http(STOCKS_UPDATE, {**ids, "quantity": allocated})
    assert data["productVariantStocksUpdate"]["errors"] == []
    patches = wait_until(
        lambda: sandbox.requests("patchListingsItem"), 30, real_celery, "urgent PATCH"
    )
    elapsed = time.monotonic() - started
    assert elapsed < 10
    assert len(patches) == 1
    wait_until(lambda: quantity() == 0, 30, real_celery, "quantity 0 on Amazon")
    assert [r for r in sandbox.requests() if r["status"] == 429] == []


def test_rename_and_ten_quick_edits_reach_amazon_as_one_listings_update(
    real_celery, saleor_http, sync_marketplace, listable_product, sandbox
):
    variant = listable_product.variants.get()
    initial_sync(sync_marketplace, listable_product, sandbox, real_celery)
    feeds_before = len(sandbox.feeds())
    product_id = to_global_id("Product", listable_product.pk)
    for i in range(10):
        data = saleor_http(PRODUCT_UPDATE, {"id": product_id, "name": f"Bag v{i}"})
        assert data["productUpdate"]["errors"] == []

    def item_name():
        return sandbox_listing(sandbox, variant.sku)["attributes"]["item_name"][0][
            "value"
        ]

    wait_until(lambda: item_name() == "Bag v9", 60, real_celery, "the rename")
    new_feeds = sandbox.feeds()[feeds_before:]
    submissions = list(
        AmazonFeedSubmission.objects.filter(
            feed_id__in=[f["feedId"] for f in new_feeds]
        )
    )
    assert [(s.kind, s.message_count, s.trigger) for s in submissions] == [
        ("LISTINGS", 1, "AUTO")
    ]
    # Saleor's own follow-up tasks (discounted prices, search index) may touch
    # the product once more after the feed went out: that change drains too,
    # and sends nothing, since the listing already says the same.
    wait_until(
        lambda: not AmazonSyncChange.objects.exists(), 60, real_celery, "empty outbox"
    )
    assert len(sandbox.feeds()) == feeds_before + 1


def test_stock_webhook_with_bad_signature_is_rejected_over_http(
    real_celery, live_server, sync_marketplace, listable_product
):
    variant = listable_product.variants.get()
    body = json.dumps(
        [{"product_variant_id": to_global_id("ProductVariant", variant.pk)}]
    ).encode()
    url = f"{live_server.url}/plugins/global/{PLUGIN_ID}/sync/stock/"
    for signature in (None, "a.b.c", "eyJhbGciOiJIUzI1NiJ9..c2ln"):
        headers = {"Content-Type": "application/json"}
        if signature:
            headers["Saleor-Signature"] = signature
        response = httpx.post(url, content=body, headers=headers)
        assert response.status_code == 401
    assert not AmazonSyncChange.objects.exists()
