"""Reconciliation reads typed columns of the listing state (the accepted
quantity and price), kept exact wherever Amazon's answer is recorded: a
processing report's acceptance and an urgent PATCH. Between full passes, a
pass over the variants written since the previous one."""

import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from saleor.product.models import ProductVariantChannelListing
from saleor.warehouse.models import Stock

from saleor_amazon_feeds.amazon_clients import client_for
from saleor_amazon_feeds.models import (
    AmazonListingState,
    AmazonSyncChange,
    AmazonSyncStatus,
)
from saleor_amazon_feeds.sync.drain import drain_marketplace
from saleor_amazon_feeds.sync.outbox import Change, record_variants
from saleor_amazon_feeds.sync.quantities import sellable_quantity_sql
from saleor_amazon_feeds.sync.reconcile import reconcile_changes, reconcile_marketplace
from saleor_amazon_feeds.sync.tasks import reconcile_changed_task
from saleor_amazon_feeds.sync.urgent import patch_to_zero, unsellable_listed
from tests.fixtures.feeds import wait_for_submissions
from tests.fixtures.processes import replicas_on_test_database
from tests.fixtures.sync import accept_offers, second_marketplace

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


def test_pass_over_changes_between_full_passes(
    sync_marketplace, catalog_factory, warehouses
):
    """The pass over changes queues the differences of exactly the variants
    written since the previous pass, in every marketplace, however they
    were written; a standing difference waits for the full pass."""
    sync_marketplace.warehouses.set(warehouses)
    other = second_marketplace(
        sync_marketplace, warehouses, currency="USD", auto_sync=True
    )
    products = catalog_factory(4, variants=1)
    variants = [p.variants.get() for p in products]
    marketplaces = [sync_marketplace, other]
    current = {}
    with connection.cursor() as cursor:
        for marketplace in marketplaces:
            cursor.execute(
                sellable_quantity_sql(),
                {"marketplace": marketplace.pk, "variants": [v.pk for v in variants]},
            )
            current[marketplace.pk] = dict(cursor.fetchall())
    # What Amazon accepted in both: today's quantity and price of each.
    for marketplace in marketplaces:
        accept_offers(
            marketplace,
            (
                (
                    v.pk,
                    v.product_id,
                    v.sku,
                    current[marketplace.pk][v.pk],
                    f"{v.channel_listings.get().price_amount:.2f}",
                )
                for v in variants
            ),
            accepted_at=timezone.now(),
        )
    assert {m.pk: reconcile_marketplace(m) for m in marketplaces} == {
        m.pk: {"INVENTORY": 0, "PRICES": 0} for m in marketplaces
    }
    status = AmazonSyncStatus.objects.get(marketplace=sync_marketplace)
    assert status.changes_reconciled_at == status.last_reconciled_at
    assert reconcile_changes(marketplaces) == {
        m.pk: {"INVENTORY": 0, "PRICES": 0} for m in marketplaces
    }

    edited, behind_the_back, repriced, untouched = variants
    # Through the ORM, and behind Saleor's back (raw SQL, no updated_at):
    # both logged by the triggers, both queued in both marketplaces.
    edited.stocks.update(quantity=2)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Stock._meta.db_table} SET quantity = 1 "
            "WHERE product_variant_id = %s",
            [behind_the_back.pk],
        )
        cursor.execute(
            f"UPDATE {ProductVariantChannelListing._meta.db_table} "
            "SET price_amount = price_amount + 1 WHERE variant_id = %s",
            [repriced.pk],
        )
    assert reconcile_changes(marketplaces) == {
        m.pk: {"INVENTORY": 2, "PRICES": 1} for m in marketplaces
    }
    queued = {
        m.pk: set(
            AmazonSyncChange.objects.filter(marketplace=m).values_list(
                "kind", "variant_id"
            )
        )
        for m in marketplaces
    }
    assert queued == {
        m.pk: {
            ("INVENTORY", edited.pk),
            ("INVENTORY", behind_the_back.pk),
            ("PRICES", repriced.pk),
        }
        for m in marketplaces
    }
    status.refresh_from_db()
    assert status.changes_reconciled_at > status.last_reconciled_at

    # Amazon's side: a result recorded for the untouched variant in one
    # marketplace (another quantity accepted later) is queued there only.
    AmazonSyncChange.objects.all().delete()
    AmazonListingState.objects.filter(
        marketplace=other, variant_id=untouched.pk, kind="INVENTORY"
    ).update(
        accepted_summary={"quantity": current[other.pk][untouched.pk] + 3},
        accepted_at=timezone.now(),
    )
    assert reconcile_changes(marketplaces) == {
        sync_marketplace.pk: {"INVENTORY": 0, "PRICES": 0},
        other.pk: {"INVENTORY": 1, "PRICES": 0},
    }
    # Nothing written since: the standing differences wait for the full
    # pass, which queues every one of them.
    AmazonSyncChange.objects.all().delete()
    assert reconcile_changes(marketplaces) == {
        m.pk: {"INVENTORY": 0, "PRICES": 0} for m in marketplaces
    }
    assert reconcile_marketplace(sync_marketplace) == {"INVENTORY": 2, "PRICES": 1}
    assert reconcile_marketplace(other) == {"INVENTORY": 3, "PRICES": 1}
    # The periodic task runs the same pass over the marketplaces that sync.
    AmazonSyncChange.objects.all().delete()
    untouched.stocks.update(quantity=3)
    assert reconcile_changed_task() == {
        m.pk: {"INVENTORY": 1, "PRICES": 0} for m in marketplaces
    }


@pytest.mark.django_db(transaction=True)
def test_a_change_queued_while_a_pass_queues_is_kept_once(
    sync_marketplace, catalog_factory, warehouses
):
    """A hook queues a variant in Saleor's transaction while a full pass
    inserts its differences: the pass waits for that transaction, then
    queues the other variants beside the hook's row instead of failing."""
    import psycopg

    sync_marketplace.warehouses.set(warehouses)
    variants = [p.variants.get() for p in catalog_factory(3, variants=1)]
    # Amazon holds another quantity and price for every variant.
    accept_offers(
        sync_marketplace,
        ((v.pk, v.product_id, v.sku, 10**6, "0.01") for v in variants),
        accepted_at=timezone.now(),
    )
    raced = variants[1]
    outbox = AmazonSyncChange._meta.db_table
    hook = psycopg.connect(**connection.get_connection_params())
    try:
        hook.execute(
            f"INSERT INTO {outbox} (marketplace_id, kind, product_id, variant_id, "
            "version, first_changed_at, changed_at) "
            "VALUES (%s, 'INVENTORY', %s, %s, 7, now(), now())",
            [sync_marketplace.pk, raced.product_id, raced.pk],
        )
        result = {}

        def full_pass() -> None:
            try:
                result["queued"] = reconcile_marketplace(sync_marketplace)
            except Exception as error:  # reported by the assertion below
                result["error"] = error
            finally:
                connection.close()

        thread = threading.Thread(target=full_pass)
        with replicas_on_test_database():
            thread.start()
            # The pass's insert waits for the hook's transaction (the only
            # one it can wait for). A transaction reads the activity as of
            # its first read unless told to read it again.
            deadline = time.monotonic() + 30
            while not hook.execute(
                "SELECT pg_stat_clear_snapshot(), EXISTS (SELECT 1 FROM "
                "pg_stat_activity WHERE pid <> pg_backend_pid() "
                "AND wait_event = 'transactionid')"
            ).fetchone()[1]:
                assert thread.is_alive(), result
                assert time.monotonic() < deadline
                time.sleep(0.05)
            hook.commit()
            thread.join(30)
    finally:
        hook.close()
    assert result == {"queued": {"INVENTORY": 2, "PRICES": 3}}
    queued = dict(
        AmazonSyncChange.objects.filter(kind="INVENTORY").values_list(
            "variant_id", "version"
        )
    )
    assert queued == {variants[0].pk: 1, raced.pk: 7, variants[2].pk: 1}
    assert AmazonSyncChange.objects.filter(kind="PRICES").count() == 3
