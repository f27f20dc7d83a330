"""What Saleor offers, as reconciliation compares it (``sync.sellable``):
each variant's sellable quantity and the current quantity and price beside
Amazon's accepted ones, kept by triggers on Saleor's stock, allocations,
variants and channel prices and refreshed, always what the rules compute from
scratch, whoever wrote Saleor's tables and however: the ORM, Saleor's own
stock management, its GraphQL API, raw SQL."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from graphql_relay import to_global_id
from saleor.product.models import ProductVariant, ProductVariantChannelListing
from saleor.warehouse.management import deallocate_stock_for_orders
from saleor.warehouse.models import Allocation, Stock, Warehouse

from saleor_amazon_feeds.models import (
    AmazonAcceptedValue,
    AmazonMarketplace,
    AmazonPriceChange,
    AmazonSellableQuantity,
    AmazonStockChange,
    AmazonSyncChange,
)
from saleor_amazon_feeds.sync import accepted, sellable
from saleor_amazon_feeds.sync.quantities import hash_plans, sellable_quantity_set_sql
from saleor_amazon_feeds.sync.reconcile import reconcile_marketplace
from saleor_amazon_feeds.sync.tasks import reconcile_task
from tests.fixtures.sync import accept_offers, second_marketplace

pytestmark = pytest.mark.django_db

STOCKS_UPDATE = """
mutation ($variant: ID!, $warehouse: ID!, $quantity: Int!) {
  productVariantStocksUpdate(
    variantId: $variant, stocks: [{warehouse: $warehouse, quantity: $quantity}]
  ) { errors { field message } }
}
"""


def from_scratch(marketplace) -> dict[int, int]:
    """The rule applied to every variant of the catalog, now."""
    every = f"(SELECT id AS variant_id FROM {ProductVariant._meta.db_table})"
    with hash_plans(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT variant_id, quantity FROM ({sellable_quantity_set_sql(every)}) q",
            {"marketplace": marketplace.pk},
        )
        return dict(cursor.fetchall())


def kept(marketplace) -> dict[int, int]:
    return dict(
        AmazonSellableQuantity.objects.filter(marketplace=marketplace).values_list(
            "variant_id", "quantity"
        )
    )


def current_from_scratch(marketplace) -> dict[tuple[str, int], Decimal | None]:
    """What each accepted row's current value must be: the sellable
    quantity, the channel price in the currency's minor units."""
    marketplace.refresh_from_db()
    quantities = from_scratch(marketplace)
    prices = dict(
        ProductVariantChannelListing.objects.filter(
            channel_id=marketplace.channel_id, price_amount__isnull=False
        ).values_list("variant_id", "price_amount")
    )
    expected = {}
    for kind, variant_id in AmazonAcceptedValue.objects.filter(
        marketplace=marketplace
    ).values_list("kind", "variant_id"):
        value = (quantities if kind == "INVENTORY" else prices).get(variant_id)
        expected[kind, variant_id] = (
            None if value is None else Decimal(value).quantize(Decimal("0.01"))
        )
    return expected


def currents(marketplace) -> dict[tuple[str, int], Decimal | None]:
    return {
        (kind, variant_id): current
        for kind, variant_id, current in AmazonAcceptedValue.objects.filter(
            marketplace=marketplace
        ).values_list("kind", "variant_id", "current")
    }


def refreshed_as_the_rule(marketplace) -> dict[int, int]:
    accepted.refresh(marketplace.pk)
    sellable.refresh()
    assert not AmazonStockChange.objects.exists()
    assert not AmazonPriceChange.objects.exists()
    quantities = kept(marketplace)
    assert quantities == from_scratch(marketplace)
    assert currents(marketplace) == current_from_scratch(marketplace)
    return quantities


def listed(marketplace, variants, *, quantity=57, price="20.00"):
    """Amazon accepted these offers (the rows reconciliation compares)."""
    accept_offers(
        marketplace,
        ((v.pk, v.product_id, v.sku, quantity, price) for v in variants),
    )


@pytest.mark.parametrize("few_variants", [sellable.FEW_VARIANTS, 0])
def test_every_kind_of_write_is_refreshed_as_the_rule_says(
    sync_marketplace, catalog_factory, warehouses, monkeypatch, few_variants
):
    # Both ways of applying the rule: index lookups for the few variants
    # changed, hash plans over the marketplace's stock for many.
    monkeypatch.setattr(sellable, "FEW_VARIANTS", few_variants)
    mp = sync_marketplace
    mp.warehouses.set(warehouses[:2])
    products = catalog_factory(3, variants=2)
    v1, v2, v3, v4, v5, v6 = (v for p in products for v in p.variants.order_by("pk"))
    listed(mp, [v1, v2, v3, v4, v5, v6])
    quantities = refreshed_as_the_rule(mp)
    # 10 with 3 allocated plus 50 (the catalog's stock).
    assert quantities[v1.pk] == 57

    # A stock's quantity (a model save), a queryset update, raw SQL.
    stock = Stock.objects.get(product_variant=v1, warehouse=warehouses[1])
    stock.quantity = 40
    stock.save()
    Stock.objects.filter(product_variant=v2).update(quantity=1)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Stock._meta.db_table} SET quantity = 0 "
            "WHERE product_variant_id = %s",
            [v3.pk],
        )
    quantities = refreshed_as_the_rule(mp)
    # Allocations count against their own warehouse's stock only.
    assert (quantities[v1.pk], quantities[v2.pk], quantities[v3.pk]) == (47, 1, 0)

    # Allocations: a new one, one changed, one moved to another stock, one
    # deleted; a stock deleted with its allocations.
    line = Allocation.objects.get(stock__product_variant=v4).order_line
    second = Stock.objects.get(product_variant=v4, warehouse=warehouses[1])
    Allocation.objects.create(stock=second, quantity_allocated=2, order_line=line)
    Allocation.objects.filter(stock__product_variant=v5).update(quantity_allocated=9)
    moved = Allocation.objects.filter(stock__product_variant=v6).first()
    moved.stock = Stock.objects.get(product_variant=v1, warehouse=warehouses[0])
    moved.save()
    quantities = refreshed_as_the_rule(mp)
    assert (quantities[v4.pk], quantities[v5.pk], quantities[v6.pk]) == (55, 51, 60)
    Allocation.objects.filter(stock__product_variant=v4).delete()
    Stock.objects.filter(product_variant=v5, warehouse=warehouses[1]).delete()
    quantities = refreshed_as_the_rule(mp)
    assert (quantities[v4.pk], quantities[v5.pk]) == (60, 1)

    # A stock in a warehouse the marketplace does not sell from changes
    # nothing; the warehouse added to the marketplace counts it.
    third = Warehouse.objects.create(
        address=warehouses[0].address.get_copy(),
        name="Warehouse 3",
        slug="warehouse3",
        email="warehouse3@example.com",
    )
    Stock.objects.create(product_variant=v6, warehouse=third, quantity=5)
    assert refreshed_as_the_rule(mp)[v6.pk] == 60
    mp.warehouses.add(third)
    assert refreshed_as_the_rule(mp)[v6.pk] == 65
    mp.warehouses.remove(warehouses[0])
    assert refreshed_as_the_rule(mp)[v6.pk] == 55

    # Inventory tracking off: the marketplace's untracked quantity.
    ProductVariant.objects.filter(pk=v2.pk).update(track_inventory=False)
    assert refreshed_as_the_rule(mp)[v2.pk] == mp.untracked_quantity

    # The marketplace's stock settings.
    mp.stock_buffer = 5
    mp.max_quantity = 30
    mp.save()
    quantities = refreshed_as_the_rule(mp)
    assert (quantities[v2.pk], quantities[v6.pk]) == (30, 30)

    # A new variant gets its row; a deleted one loses it.
    (new,) = catalog_factory(1, variants=1)
    quantities = refreshed_as_the_rule(mp)
    assert new.variants.get().pk in quantities
    ProductVariant.objects.filter(pk=v3.pk).delete()
    assert v3.pk not in refreshed_as_the_rule(mp)


def test_saleor_stock_management_and_graphql_are_seen(
    sync_marketplace,
    order_with_lines,
    site_settings,
    staff_api_client,
    permission_manage_products,
):
    mp = sync_marketplace
    # Saleor's order fixture allocated its lines' stock.
    line = order_with_lines.lines.first()
    stock = line.allocations.get().stock
    mp.warehouses.set([stock.warehouse])
    before = refreshed_as_the_rule(mp)

    deallocate_stock_for_orders([order_with_lines.pk], site_settings, None)
    after = refreshed_as_the_rule(mp)
    assert after[line.variant_id] > before[line.variant_id]

    staff_api_client.user.user_permissions.add(permission_manage_products)
    response = staff_api_client.post_graphql(
        STOCKS_UPDATE,
        {
            "variant": to_global_id("ProductVariant", line.variant_id),
            "warehouse": to_global_id("Warehouse", stock.warehouse_id),
            "quantity": 3,
        },
    )
    assert response.json()["data"]["productVariantStocksUpdate"]["errors"] == []
    assert refreshed_as_the_rule(mp)[line.variant_id] == 3


def test_other_columns_and_a_catalog_without_marketplaces_log_nothing(
    catalog_factory, sync_marketplace, warehouses
):
    (product,) = catalog_factory(1, variants=1)
    variant = product.variants.get()
    refreshed_as_the_rule(sync_marketplace)
    # Saleor writes quantity_allocated with every allocation (the allocation
    # itself is logged) and updated_at with every edit.
    Stock.objects.filter(product_variant=variant).update(quantity_allocated=4)
    ProductVariant.objects.filter(pk=variant.pk).update(name="Renamed")
    assert not AmazonStockChange.objects.exists()

    AmazonMarketplace.objects.all().delete()
    assert not AmazonSellableQuantity.objects.exists()
    AmazonStockChange.objects.all().delete()
    catalog_factory(1, variants=1)
    Stock.objects.filter(product_variant=variant).update(quantity=99)
    assert not AmazonStockChange.objects.exists()
    assert sellable.refresh() == []


def test_a_marker_without_marketplace_or_variant_rebuilds_every_marketplace(
    sync_marketplace, catalog_factory, warehouses
):
    """After writes the triggers could not see (TRUNCATE, triggers off)."""
    catalog_factory(2, variants=2)
    whole = refreshed_as_the_rule(sync_marketplace)
    AmazonSellableQuantity.objects.all().delete()
    assert sellable.refresh() == []
    assert kept(sync_marketplace) == {}
    sellable.rebuild_later()
    assert sellable.refresh() is None
    assert kept(sync_marketplace) == whole


def planner_settings() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_nestloop'), current_setting('jit')"
        )
        return cursor.fetchone()


def test_whole_rebuilds_leave_the_callers_planner_settings_as_they_were(
    sync_marketplace, catalog_factory
):
    """The set-form statements run without nested loops and JIT; the rest of
    the pass's transaction (its lookups of a few variants) must not: a
    transaction-wide setting outlives the savepoint it was made in."""
    catalog_factory(2, variants=2)
    with transaction.atomic():
        before = planner_settings()
        sellable.rebuild_later()
        accepted.rebuild_later(sync_marketplace.pk)
        assert sellable.refresh() is None
        accepted.refresh(sync_marketplace.pk)
        reconcile_marketplace(sync_marketplace)
        assert planner_settings() == before == ("on", before[1])
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        with hash_plans():
            assert planner_settings() == ("off", "off")
        assert planner_settings() == ("on", "off")
    # The test's own transaction keeps the SET LOCAL above.
    with pytest.raises(RuntimeError), hash_plans():
        raise RuntimeError("a statement failed")
    assert planner_settings() == ("on", "off")


def test_a_new_marketplace_is_built_whole(sync_marketplace, catalog_factory):
    catalog_factory(2, variants=1)
    refreshed_as_the_rule(sync_marketplace)
    other = second_marketplace(
        sync_marketplace, Warehouse.objects.all(), stock_buffer=2
    )
    assert len(refreshed_as_the_rule(other)) == ProductVariant.objects.count()
    refreshed_as_the_rule(sync_marketplace)


@pytest.mark.django_db(transaction=True)
def test_writers_never_wait_and_a_late_commit_is_applied_next_time(
    sync_marketplace, catalog_factory
):
    mp = sync_marketplace
    (product,) = catalog_factory(1, variants=1)
    variant = product.variants.get()
    stock = variant.stocks.order_by("pk").first()
    mp.warehouses.set([stock.warehouse])
    refreshed_as_the_rule(mp)

    writer = connection.copy()
    try:
        writer.set_autocommit(False)
        with writer.cursor() as cursor:
            # A writer must not wait: a lock held by a refresh fails it.
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            cursor.execute(
                f"UPDATE {Stock._meta.db_table} SET quantity = 100 WHERE id = %s",
                [stock.pk],
            )
            with transaction.atomic():
                # Not committed when the refresh takes the log: not applied.
                assert sellable.refresh() == []
                # The refresh's lock is still held here, until its transaction
                # ends; a second write and the commit go through regardless.
                cursor.execute(
                    f"UPDATE {Stock._meta.db_table} SET quantity = 101 WHERE id = %s",
                    [stock.pk],
                )
                writer.commit()
        assert kept(mp)[variant.pk] != 101 - 3
        assert refreshed_as_the_rule(mp)[variant.pk] == 101 - 3
    finally:
        writer.close()


def test_the_periodic_pass_folds_the_log_without_automatic_sync(
    sync_marketplace, catalog_factory, warehouses
):
    AmazonMarketplace.objects.filter(pk=sync_marketplace.pk).update(auto_sync=False)
    sync_marketplace.warehouses.set(warehouses)
    (product,) = catalog_factory(1, variants=1)
    variant = product.variants.get()
    Stock.objects.filter(product_variant=variant).update(quantity=8)
    assert AmazonStockChange.objects.exists()
    reconcile_task()
    assert not AmazonStockChange.objects.exists()
    # 8 less 3 allocated in the first warehouse, 8 in the second.
    assert kept(sync_marketplace) == from_scratch(sync_marketplace)
    assert kept(sync_marketplace)[variant.pk] == 13


def test_price_writes_keep_the_current_prices_and_a_pass_queues_the_differences(
    sync_marketplace, catalog_factory, warehouses, channel_PLN
):
    mp = sync_marketplace
    mp.warehouses.set(warehouses)
    products = catalog_factory(2, variants=2)
    v1, v2, v3, v4 = (v for p in products for v in p.variants.order_by("pk"))
    listed(mp, [v1, v2, v3, v4])
    refreshed_as_the_rule(mp)
    assert reconcile_marketplace(mp) == {"INVENTORY": 0, "PRICES": 0}

    prices = ProductVariantChannelListing.objects.filter(channel_id=mp.channel_id)
    # A model save, a queryset update, raw SQL, a price removed; a listing in
    # another channel changes nothing.
    listing = prices.get(variant=v1)
    listing.price_amount = Decimal("21.50")
    listing.save()
    prices.filter(variant=v2).update(price_amount=Decimal("19.999"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ProductVariantChannelListing._meta.db_table} "
            "SET price_amount = 5 WHERE variant_id = %s AND channel_id = %s",
            [v3.pk, mp.channel_id],
        )
    prices.filter(variant=v4).delete()
    ProductVariantChannelListing.objects.create(
        variant=v1, channel=channel_PLN, price_amount=1, currency="PLN"
    )
    assert AmazonPriceChange.objects.exists()
    refreshed_as_the_rule(mp)
    current = currents(mp)
    assert [current["PRICES", v.pk] for v in (v1, v2, v3, v4)] == [
        Decimal("21.50"),
        Decimal("20.00"),
        Decimal("5.00"),
        None,
    ]
    # 19.999 rounds to the accepted 20.00; a variant without a price is not
    # compared.
    AmazonSyncChange.objects.all().delete()
    assert reconcile_marketplace(mp) == {"INVENTORY": 0, "PRICES": 2}
    assert set(
        AmazonSyncChange.objects.filter(kind="PRICES").values_list(
            "variant_id", flat=True
        )
    ) == {v1.pk, v3.pk}

    # The marketplace's currency decides the rounding: JPY has no minor units.
    AmazonMarketplace.objects.filter(pk=mp.pk).update(currency="JPY")
    sellable.refresh()
    assert currents(mp)["PRICES", v1.pk] == Decimal("22")
    # Its channel decides the price.
    AmazonMarketplace.objects.filter(pk=mp.pk).update(
        channel=channel_PLN, currency="USD"
    )
    refreshed_as_the_rule(mp)
    assert currents(mp)["PRICES", v1.pk] == Decimal("1.00")


def test_a_stock_change_is_queued_by_the_next_pass(
    sync_marketplace, catalog_factory, warehouses
):
    mp = sync_marketplace
    mp.warehouses.set(warehouses)
    (product,) = catalog_factory(1, variants=2)
    v1, v2 = product.variants.order_by("pk")
    listed(mp, [v1, v2])
    assert reconcile_marketplace(mp) == {"INVENTORY": 0, "PRICES": 0}
    Stock.objects.filter(product_variant=v2).update(quantity=0)
    assert reconcile_marketplace(mp) == {"INVENTORY": 1, "PRICES": 0}
    assert AmazonSyncChange.objects.get().variant_id == v2.pk
    assert currents(mp) == current_from_scratch(mp)
