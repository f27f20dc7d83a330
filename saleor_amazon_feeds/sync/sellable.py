"""Sellable quantities, kept per marketplace and variant for reconciliation.

Summing Saleor's stock and allocations over a marketplace's warehouses for
every variant costs most of a full reconciliation pass (about half a second
at 100k variants), and stock barely changes between passes. So the rule's
result (``quantities.sellable_quantity_sql``, the feed builder's rule) is
kept in ``AmazonSellableQuantity`` and ``refresh`` applies it again only to
the variants changed since: triggers (migration 0004) log every statement
that changes Saleor's stock, allocations or a variant's inventory tracking,
and every change of a marketplace's stock settings or warehouses, in
``AmazonStockChange``, whoever runs it (Saleor's checkout, an order, the
dashboard, an import, raw SQL).

Why it cannot go stale: writers only append to the log, in the transaction
that makes the change; ``refresh`` takes the log rows under a lock of its
own, then applies the rule in later statements, each of which sees at least
what the taken rows describe. A writer that commits after the rows were taken
left a row that was not visible to the taking, and the next refresh applies
it. Two refreshes never interleave (the lock), and no writer waits for one.

The cost to Saleor's writers is one statement per write statement, over the
rows it wrote (a checkout's allocations: a few rows); nothing while no
marketplace exists.
"""

from django.db import connection, transaction
from saleor.product.models import ProductVariant

from ..models import AmazonMarketplace, AmazonSellableQuantity, AmazonStockChange
from .quantities import (
    PARAM_VARIANTS,
    hash_plans,
    sellable_quantity_set_sql,
    sellable_quantity_sql,
)

# Up to this many variants changed since the last refresh, the rule is
# applied to them through index lookups; beyond, through hash plans.
FEW_VARIANTS = 2000

# pg_advisory_xact_lock's first key: "AFSQ" (Amazon feeds, sellable quantity).
LOCK_SPACE = 0x41465351


def _take_sql() -> str:
    change = AmazonStockChange._meta.db_table
    marketplaces = AmazonMarketplace._meta.db_table
    return f"""
        WITH taken AS (DELETE FROM {change} RETURNING marketplace_id, variant_id)
        SELECT EXISTS (SELECT 1 FROM taken
                       WHERE marketplace_id IS NULL AND variant_id IS NULL),
               ARRAY(SELECT DISTINCT marketplace_id FROM taken
                     WHERE marketplace_id IS NOT NULL),
               ARRAY(SELECT DISTINCT variant_id FROM taken
                     WHERE variant_id IS NOT NULL),
               ARRAY(SELECT id FROM {marketplaces} ORDER BY id)
    """


def _fill_sql(source: str, *, few: bool) -> str:
    kept = AmazonSellableQuantity._meta.db_table
    rule = sellable_quantity_sql if few else sellable_quantity_set_sql
    return f"""
        INSERT INTO {kept} (marketplace_id, variant_id, quantity)
        SELECT %(marketplace)s, variant_id, quantity FROM ({rule(source)}) q
    """


def refresh() -> int | None:
    """Apply the rule again to what changed since the last refresh; returns
    how many variants (None: a marketplace was refreshed whole).

    Runs in the caller's transaction when there is one (the lock is then
    held until it ends), else in one of its own.
    """
    kept = AmazonSellableQuantity._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [LOCK_SPACE])
        cursor.execute(_take_sql())
        everything, whole, variants, existing = cursor.fetchone()
        if not everything and not whole and not variants:
            return 0
        whole = set(existing) if everything else set(whole) & set(existing)
        all_variants = f"(SELECT id AS variant_id FROM {ProductVariant._meta.db_table})"
        few = len(variants) <= FEW_VARIANTS
        for marketplace_pk in existing:
            params = {"marketplace": marketplace_pk, "variants": variants}
            if marketplace_pk in whole:
                cursor.execute(
                    f"DELETE FROM {kept} WHERE marketplace_id = %(marketplace)s",
                    params,
                )
                with hash_plans():
                    cursor.execute(_fill_sql(all_variants, few=False), params)
            elif variants:
                cursor.execute(
                    f"DELETE FROM {kept} WHERE marketplace_id = %(marketplace)s "
                    "AND variant_id = ANY(%(variants)s::int[])",
                    params,
                )
                if few:
                    cursor.execute(_fill_sql(PARAM_VARIANTS, few=True), params)
                else:
                    with hash_plans():
                        cursor.execute(_fill_sql(PARAM_VARIANTS, few=False), params)
    return None if whole else len(variants)


def rebuild_later(marketplace_pk: int | None = None) -> None:
    """Have the next refresh apply the rule to a whole marketplace (every
    marketplace without one): after writes the triggers could not see
    (``TRUNCATE``, triggers disabled)."""
    AmazonStockChange.objects.create(marketplace_id=marketplace_pk)
