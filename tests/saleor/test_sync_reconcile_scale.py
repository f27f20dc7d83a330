"""Reconciliation: one SQL pass per marketplace and kind over every listed
variant, queueing exactly the variants Amazon holds stale values for."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from saleor.product.models import ProductVariant

from saleor_amazon_feeds.models import AmazonSyncChange
from saleor_amazon_feeds.sync.quantities import sellable_quantity_sql
from saleor_amazon_feeds.sync.reconcile import reconcile_marketplace
from tests.fixtures.sync import accept_offers

pytestmark = pytest.mark.django_db

PRODUCTS = 500
VARIANTS = 2


def test_reconciliation_is_one_pass_over_all_listed_variants(
    sync_marketplace, catalog_factory, warehouses
):
    sync_marketplace.warehouses.set(warehouses)
    catalog_factory(PRODUCTS, variants=VARIANTS)
    variants = dict(ProductVariant.objects.values_list("pk", "product_id"))
    with connection.cursor() as cursor:
        cursor.execute(
            sellable_quantity_sql(),
            {"marketplace": sync_marketplace.pk, "variants": list(variants)},
        )
        current = dict(cursor.fetchall())
    assert len(current) == len(variants)
    # 10 in one warehouse with 3 allocated, 50 in the other.
    assert set(current.values()) == {57}

    stale = set(sorted(variants)[::10])
    # Accepted listings: the listing gate lets only these be compared.
    accept_offers(
        sync_marketplace,
        (
            (
                variant_id,
                product_id,
                f"s{variant_id}",
                current[variant_id] + (5 if variant_id in stale else 0),
                "19.00" if variant_id in stale else "20.00",
            )
            for variant_id, product_id in variants.items()
        ),
    )

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        queued = reconcile_marketplace(sync_marketplace)
    elapsed = time.perf_counter() - started
    outbox_table = AmazonSyncChange._meta.db_table
    # One statement per kind, whatever the catalog size; the rest is the
    # refresh of the accepted values (locks, take, the marketplace, clear,
    # plans set and restored, a refill per kind), that of what Saleor offers
    # (lock, the two logs taken, the marketplaces, and for the new
    # marketplace: clear, plans set and restored, fill, the current
    # quantities and prices), savepoints (each queueing statement has one of
    # its own, to fall back on) and the status row.
    passes = [q for q in queries if f"INSERT INTO {outbox_table}" in q["sql"]]
    assert len(passes) == 2
    assert len(queries) <= 34
    print(f"\nreconciled {len(variants)} variants in {elapsed * 1000:.0f} ms")
    assert queued == {"INVENTORY": len(stale), "PRICES": len(stale)}
    assert (
        set(
            AmazonSyncChange.objects.filter(kind="INVENTORY").values_list(
                "variant_id", flat=True
            )
        )
        == stale
    )
