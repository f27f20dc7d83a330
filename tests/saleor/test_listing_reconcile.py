"""The listing reconciliation (the hook gap): products Saleor changed since
the last pass are queued as their lost hook would have queued them, and an
attribute value renamed, which moves no product's updated_at, is recorded by
the plugin's attribute_value_updated hook. The crash itself is proven in
test_reliability_crashes (a Saleor process killed between its commit and the
outbox write)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from graphql_relay import to_global_id
from saleor.product.models import Product, ProductVariant

from saleor_amazon_feeds.models import AmazonSyncChange, AmazonSyncStatus
from saleor_amazon_feeds.schedule import PERIODIC_TASKS
from saleor_amazon_feeds.sync.listing_reconcile import reconcile_listings

pytestmark = pytest.mark.django_db

ATTRIBUTE_VALUE_UPDATE = """
mutation ($id: ID!, $name: String!) {
  attributeValueUpdate(id: $id, input: {name: $name}) {
    errors { field message }
  }
}
"""


def test_reconciliation_queues_only_products_changed_since_the_last_pass(
    sync_marketplace, product
):
    now = timezone.now()
    AmazonSyncStatus.objects.create(
        marketplace=sync_marketplace, listings_checked_at=now
    )
    long_ago = now - timedelta(hours=1)
    Product.objects.filter(pk=product.pk).update(updated_at=long_ago)
    ProductVariant.objects.filter(product=product).update(updated_at=long_ago)
    assert reconcile_listings() == 0
    assert not AmazonSyncChange.objects.exists()
    checked = AmazonSyncStatus.objects.get(marketplace=sync_marketplace)
    assert checked.listings_checked_at >= now

    # A variant saved after the pass (its hook lost): the product is queued
    # with every kind a content change records.
    ProductVariant.objects.filter(product=product).update(
        updated_at=timezone.now() + timedelta(seconds=1)
    )
    assert reconcile_listings() == 4
    assert set(AmazonSyncChange.objects.values_list("product_id", "kind")) == {
        (product.pk, "DELETIONS"),
        (product.pk, "LISTINGS"),
        (product.pk, "PRICES"),
        (product.pk, "INVENTORY"),
    }


def test_reconciliation_is_a_beat_entry():
    entry = PERIODIC_TASKS["amazon-feeds-reconcile-listings"]
    assert entry["task"] == "saleor_amazon_feeds.sync.tasks.reconcile_listings_task"


def test_renaming_an_attribute_value_records_the_products_carrying_it(
    staff_api_client,
    permission_manage_product_types_and_attributes,
    sync_marketplace,
    product,
    settings,
    django_capture_on_commit_callbacks,
):
    # Keep the drain from consuming what the hook records.
    settings.AMAZON_FEEDS_SYNC_SETTLE_SECONDS = 3600
    settings.AMAZON_FEEDS_SYNC_MAX_DELAY_SECONDS = 36000
    staff_api_client.user.user_permissions.add(
        permission_manage_product_types_and_attributes
    )
    value = product.attributevalues.get().value
    updated_at = Product.objects.get(pk=product.pk).updated_at
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_api_client.post_graphql(
            ATTRIBUTE_VALUE_UPDATE,
            {"id": to_global_id("AttributeValue", value.pk), "name": "Renamed"},
        )
    assert response.json()["data"]["attributeValueUpdate"]["errors"] == []
    # Saleor moved no timestamp: only the hook knows.
    assert Product.objects.get(pk=product.pk).updated_at == updated_at
    assert set(AmazonSyncChange.objects.values_list("product_id", flat=True)) == {
        product.pk
    }
