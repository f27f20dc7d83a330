"""Reconciliation reads typed columns of the listing state (the accepted
quantity and price), kept exact wherever Amazon's answer is recorded: a
processing report's acceptance and an urgent PATCH. Between full passes, a
pass over the variants changed since the previous one."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from saleor.order.models import Order
from saleor.product.models import ProductVariant

from saleor_amazon_feeds.amazon_clients import client_for
from saleor_amazon_feeds.models import (
    AmazonListingState,
    AmazonSyncChange,
    AmazonSyncStatus,
)
from saleor_amazon_feeds.sync.drain import drain_marketplace
from saleor_amazon_feeds.sync.outbox import Change, record_variants
from saleor_amazon_feeds.sync.quantities import sellable_quantity_sql
from saleor_amazon_feeds.sync.reconcile import (
    changed_variants,
    reconcile_changed,
    reconcile_marketplace,
)
from saleor_amazon_feeds.sync.urgent import patch_to_zero, unsellable_listed
from tests.fixtures.feeds import wait_for_submissions
from tests.fixtures.sync import accept_offers

pytestmark = pytest.mark.django_db


def synced(marketplace, product):
    record_variants(Change.CONTENT, product_ids=[product.pk])
    drain_marketplace(marketplace, force=True)
    wait_for_submissions()
    AmazonSyncChange.objects.all().delete()


def _typed(variant, kind):
    return AmazonListingState.objects.values_list(
        "status", "accepted_quantity", "accepted_price"
    ).get(variant_id=variant.pk, kind=kind)


def test_report_acceptance_and_urgent_patch_keep_the_typed_columns(
    sync_marketplace, listable_product
):
    variant = listable_product.variants.get()
    # Before Amazon answers, nothing is accepted.
    record_variants(Change.CONTENT, product_ids=[listable_product.pk])
    drain_marketplace(sync_marketplace, force=True)
    assert _typed(variant, "INVENTORY") == ("PENDING", None, None)

    wait_for_submissions()
    inventory = AmazonListingState.objects.get(variant_id=variant.pk, kind="INVENTORY")
    prices = AmazonListingState.objects.get(variant_id=variant.pk, kind="PRICES")
    assert inventory.status == "ACCEPTED"
    assert inventory.accepted_quantity == inventory.accepted_summary["quantity"] > 0
    assert prices.accepted_price == Decimal(prices.accepted_summary["price"])
    listing_price = variant.channel_listings.get().price_amount
    assert prices.accepted_price == listing_price

    # Sold out: the PATCH result is what Amazon holds now.
    variant.stocks.update(quantity=0)
    (patch,) = unsellable_listed([variant.pk])
    with client_for(sync_marketplace.account) as client:
        assert patch_to_zero(client, sync_marketplace, patch) is True
    assert _typed(variant, "INVENTORY")[:2] == ("ACCEPTED", 0)
    AmazonSyncChange.objects.all().delete()
    assert reconcile_marketplace(sync_marketplace) == {"INVENTORY": 0, "PRICES": 0}


def test_anything_but_a_number_reads_as_no_accepted_value(
    sync_marketplace, listable_product
):
    variant = listable_product.variants.get()
    state = AmazonListingState.objects.create(
        marketplace=sync_marketplace,
        sku=variant.sku,
        kind="INVENTORY",
        product_id=listable_product.pk,
        variant_id=variant.pk,
        status="ACCEPTED",
        accepted_summary={"quantity": "many", "price": "12.5 USD"},
    )
    state.refresh_from_db()
    assert (state.accepted_quantity, state.accepted_price) == (None, None)
    state.accepted_summary = {"quantity": 4, "price": "12.50"}
    state.save()
    state.refresh_from_db()
    assert (state.accepted_quantity, state.accepted_price) == (4, Decimal("12.5"))


def test_newest_accepted_quantity_of_a_variant_wins(sync_marketplace, listable_product):
    variant = listable_product.variants.get()
    synced(sync_marketplace, listable_product)
    inventory = AmazonListingState.objects.get(variant_id=variant.pk, kind="INVENTORY")
    current = inventory.accepted_quantity
    listing = AmazonListingState.objects.get(variant_id=variant.pk, kind="LISTINGS")
    # The listing's offer was accepted later with another quantity: Amazon
    # holds that one, so the variant differs from Saleor.
    listing.accepted_summary = {**listing.accepted_summary, "quantity": current + 5}
    listing.accepted_at = inventory.accepted_at + timedelta(seconds=1)
    listing.save()
    assert reconcile_marketplace(sync_marketplace)["INVENTORY"] == 1
    AmazonSyncChange.objects.all().delete()
    # The inventory feed accepted after it carried today's quantity.
    inventory.accepted_at = listing.accepted_at + timedelta(seconds=1)
    inventory.save()
    assert reconcile_marketplace(sync_marketplace)["INVENTORY"] == 0
    # A feed with the variant's quantity still pending: left alone.
    listing.accepted_at = inventory.accepted_at + timedelta(seconds=1)
    listing.save()
    inventory.status = "PENDING"
    inventory.save()
    assert reconcile_marketplace(sync_marketplace)["INVENTORY"] == 0


def test_pass_over_changed_variants_between_full_passes(
    sync_marketplace, catalog_factory, warehouses
):
    sync_marketplace.warehouses.set(warehouses)
    products = catalog_factory(3, variants=1)
    variants = [p.variants.get() for p in products]
    with connection.cursor() as cursor:
        cursor.execute(
            sellable_quantity_sql(),
            {"marketplace": sync_marketplace.pk, "variants": [v.pk for v in variants]},
        )
        current = dict(cursor.fetchall())
    # What Amazon accepted: today's quantity and price of each.
    accept_offers(
        sync_marketplace,
        (
            (
                v.pk,
                v.product_id,
                v.sku,
                current[v.pk],
                f"{v.channel_listings.get().price_amount:.2f}",
            )
            for v in variants
        ),
        accepted_at=timezone.now(),
    )
    assert reconcile_marketplace(sync_marketplace) == {"INVENTORY": 0, "PRICES": 0}
    status = AmazonSyncStatus.objects.get(marketplace=sync_marketplace)
    assert status.changes_reconciled_at == status.last_reconciled_at

    # Everything so far happened well before the previous pass, beyond the
    # overlap (bulk updates: no auto_now).
    long_ago = timezone.now() - timedelta(hours=1)
    before = long_ago - timedelta(hours=1)
    AmazonListingState.objects.update(accepted_at=before)
    ProductVariant.objects.update(updated_at=before)
    Order.objects.update(updated_at=before)
    AmazonSyncStatus.objects.filter(pk=status.pk).update(changes_reconciled_at=long_ago)
    assert changed_variants(sync_marketplace, long_ago) == []

    edited, behind_the_back, untouched = (p.variants.get() for p in products)
    # Behind Saleor's back (bulk SQL): invisible to a pass over changes ...
    behind_the_back.stocks.update(quantity=1)
    # ... while an edited variant (Saleor bumps updated_at) is found.
    edited.stocks.update(quantity=2)
    edited.save(update_fields=["updated_at"])
    assert changed_variants(sync_marketplace, long_ago) == [edited.pk]

    assert reconcile_changed(sync_marketplace) == {"INVENTORY": 1, "PRICES": 0}
    assert set(AmazonSyncChange.objects.values_list("variant_id", flat=True)) == {
        edited.pk
    }
    status.refresh_from_db()
    assert status.changes_reconciled_at > long_ago
    # Nothing changed since: the next pass over changes queues nothing more,
    # and the full pass finds what no event announced.
    assert reconcile_changed(sync_marketplace) == {"INVENTORY": 0, "PRICES": 0}
    assert reconcile_marketplace(sync_marketplace)["INVENTORY"] == 1
    assert set(AmazonSyncChange.objects.values_list("variant_id", flat=True)) == {
        edited.pk,
        behind_the_back.pk,
    }
    assert untouched.pk not in changed_variants(sync_marketplace, long_ago)
