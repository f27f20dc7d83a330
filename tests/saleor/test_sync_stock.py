"""Stock through the plugin App's signed webhook, reconciliation and urgent
PATCHes, against the sandbox."""

import json

import pytest
from django.test import Client
from graphql_relay import to_global_id
from saleor.app.models import App
from saleor.webhook.models import Webhook
from saleor.webhook.transport import signature_for_payload

from saleor_amazon_feeds.amazon_clients import client_for
from saleor_amazon_feeds.models import (
    AmazonListingState,
    AmazonSyncChange,
)
from saleor_amazon_feeds.plugin import PLUGIN_ID
from saleor_amazon_feeds.services.saleor_app import ensure_stock_webhook
from saleor_amazon_feeds.sync.drain import drain_marketplace
from saleor_amazon_feeds.sync.outbox import Change, record_variants
from saleor_amazon_feeds.sync.reconcile import reconcile_marketplace
from saleor_amazon_feeds.sync.urgent import patch_to_zero, unsellable_listed
from saleor_amazon_feeds.sync.webhooks import STOCK_EVENTS
from tests.fixtures.feeds import wait_for_submissions

pytestmark = pytest.mark.django_db

US = "ATVPDKIKX0DER"
STOCK_URL = f"/plugins/global/{PLUGIN_ID}/sync/stock/"
PLUGIN_UPDATE = """
mutation ($id: ID!) {
  pluginUpdate(id: $id, input: {active: true}) { errors { field message } }
}
"""

PLUGIN_DEACTIVATE = """
mutation ($id: ID!) {
  pluginUpdate(id: $id, input: {active: false}) { errors { field message } }
}
"""


def synced(marketplace, product):
    record_variants(Change.CONTENT, product_ids=[product.pk])
    drain_marketplace(marketplace, force=True)
    wait_for_submissions()
    assert AmazonSyncChange.objects.count() == 0


def stock_payload(variant):
    # Saleor's legacy stock payload: one object per stock.
    return json.dumps(
        [
            {
                "type": "Stock",
                "id": to_global_id("Stock", variant.stocks.get().pk),
                "product_variant_id": to_global_id("ProductVariant", variant.pk),
                "warehouse_id": to_global_id(
                    "Warehouse", variant.stocks.get().warehouse_id
                ),
            }
        ]
    ).encode()


def post_stock(body, signature):
    headers = {"HTTP_SALEOR_EVENT": "product_variant_stock_updated"}
    if signature is not None:
        headers["HTTP_SALEOR_SIGNATURE"] = signature
    return Client().post(
        STOCK_URL, data=body, content_type="application/json", **headers
    )


def test_activation_creates_the_plugin_app_and_stock_webhook(
    staff_api_client, permission_manage_plugins, amazon_feeds_installed
):
    staff_api_client.user.user_permissions.add(permission_manage_plugins)
    response = staff_api_client.post_graphql(PLUGIN_UPDATE, {"id": PLUGIN_ID})
    assert response.json()["data"]["pluginUpdate"]["errors"] == []
    webhook = Webhook.objects.get(app__identifier="saleor.amazon_feeds")
    assert webhook.target_url.endswith(STOCK_URL)
    assert webhook.is_active
    assert not webhook.secret_key
    assert set(webhook.events.values_list("event_type", flat=True)) == set(STOCK_EVENTS)
    # Deactivating the plugin stops the deliveries; activating resumes them.
    response = staff_api_client.post_graphql(PLUGIN_DEACTIVATE, {"id": PLUGIN_ID})
    assert response.json()["data"]["pluginUpdate"]["errors"] == []
    webhook.refresh_from_db()
    assert not webhook.is_active
    staff_api_client.post_graphql(PLUGIN_UPDATE, {"id": PLUGIN_ID})
    webhook.refresh_from_db()
    assert webhook.is_active
    # Idempotent: a second activation repairs, never duplicates.
    ensure_stock_webhook()
    assert Webhook.objects.filter(app__identifier="saleor.amazon_feeds").count() == 1
    assert App.objects.filter(identifier="saleor.amazon_feeds").count() == 1


@pytest.fixture
def stock_webhook():
    """The plugin App's subscription: the handler honours only its events."""
    return ensure_stock_webhook()


def test_signed_stock_webhook_is_recorded(
    sync_marketplace, listable_product, settings, stock_webhook
):
    settings.AMAZON_FEEDS_SYNC_SETTLE_SECONDS = 3600
    variant = listable_product.variants.get()
    body = stock_payload(variant)
    response = post_stock(body, signature_for_payload(body, None))
    assert response.status_code == 200, response.content
    assert response.json() == {"variants": 1, "recorded": 1}
    change = AmazonSyncChange.objects.get()
    assert (change.kind, change.variant_id) == ("INVENTORY", variant.pk)


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "not-a-jws",
        "hmac-hex-digest-0123456789abcdef",
        "tampered",
        "other-body",
    ],
)
def test_stock_webhook_with_bad_signature_is_rejected(
    sync_marketplace, listable_product, signature, stock_webhook
):
    body = stock_payload(listable_product.variants.get())
    if signature == "tampered":
        valid = signature_for_payload(body, None)
        signature = valid[:-4] + ("AAAA" if not valid.endswith("AAAA") else "BBBB")
    elif signature == "other-body":
        signature = signature_for_payload(body + b" ", None)
    elif signature and signature.startswith("hmac"):
        signature = signature_for_payload(body, "some-secret")
    response = post_stock(body, signature)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "INVALID_SIGNATURE"
    assert AmazonSyncChange.objects.count() == 0


def test_reconciliation_queues_only_differences(
    sync_marketplace, listable_product, sandbox
):
    variant = listable_product.variants.get()
    synced(sync_marketplace, listable_product)
    assert reconcile_marketplace(sync_marketplace) == {"INVENTORY": 0, "PRICES": 0}

    # Changes behind Saleor's back (bulk SQL): no hook, no webhook.
    variant.stocks.update(quantity=3)
    variant.channel_listings.update(price_amount=77)
    assert reconcile_marketplace(sync_marketplace) == {"INVENTORY": 1, "PRICES": 1}
    assert set(AmazonSyncChange.objects.values_list("kind", "variant_id")) == {
        ("INVENTORY", variant.pk),
        ("PRICES", variant.pk),
    }
    drain_marketplace(sync_marketplace, force=True)
    wait_for_submissions()
    attributes = {item["sku"]: item for item in sandbox.listings(US)}[variant.sku][
        "attributes"
    ]
    allocated = sum(
        a.quantity_allocated for a in variant.stocks.get().allocations.all()
    )
    assert attributes["fulfillment_availability"][0]["quantity"] == max(
        3 - allocated, 0
    )
    price = attributes["purchasable_offer"][0]["our_price"][0]["schedule"][0]
    assert float(price["value_with_tax"]) == 77.0
    assert reconcile_marketplace(sync_marketplace) == {"INVENTORY": 0, "PRICES": 0}


def test_sold_out_variant_is_patched_to_zero(
    sync_marketplace, listable_product, sandbox
):
    variant = listable_product.variants.get()
    synced(sync_marketplace, listable_product)
    variant.stocks.update(quantity=0)
    patches = unsellable_listed([variant.pk])
    assert [(p.sku, p.variant_id) for p in patches] == [(variant.sku, variant.pk)]
    with client_for(sync_marketplace.account) as client:
        assert patch_to_zero(client, sync_marketplace, patches[0]) is True
    requests = sandbox.requests("patchListingsItem")
    assert len(requests) == 1
    listing = {item["sku"]: item for item in sandbox.listings(US)}[variant.sku]
    assert listing["attributes"]["fulfillment_availability"][0]["quantity"] == 0
    state = AmazonListingState.objects.get(sku=variant.sku, kind="INVENTORY")
    assert state.accepted_summary["quantity"] == 0
    # Amazon already shows 0: nothing more is urgent.
    assert unsellable_listed([variant.pk]) == []


def test_urgent_patch_waits_for_an_open_feed_with_the_sku(
    sync_marketplace, listable_product, sandbox
):
    variant = listable_product.variants.get()
    synced(sync_marketplace, listable_product)
    variant.stocks.update(quantity=0)
    patch = unsellable_listed([variant.pk])[0]
    # A feed carrying this SKU's quantity is still open at Amazon.
    state = AmazonListingState.objects.get(sku=variant.sku, kind="INVENTORY")
    state.last_submission.status = "IN_PROGRESS"
    state.last_submission.save(update_fields=["status"])
    with client_for(sync_marketplace.account) as client:
        assert patch_to_zero(client, sync_marketplace, patch) is False
    assert sandbox.requests("patchListingsItem") == []
