"""What Saleor offers, kept for reconciliation: each variant's sellable
quantity per marketplace, and the current quantity and price beside what
Amazon accepted (``AmazonAcceptedValue.current``).

Summing Saleor's stock and allocations over a marketplace's warehouses for
every variant, and joining every channel price, cost most of a full
reconciliation pass (about half a second at 100k variants), and stock and
prices barely change between passes. So the rules' results are kept, and
``refresh`` applies them again only to the variants changed since: triggers
(migrations 0004 and 0005) log every statement that changes Saleor's stock,
allocations, a variant's inventory tracking (``AmazonStockChange``) or its
channel price (``AmazonPriceChange``), and every change of a marketplace's
stock settings, warehouses, channel or currency, whoever runs it (Saleor's
checkout, an order, the dashboard, an import, raw SQL). The sellable
quantity is ``quantities.sellable_quantity_sql``, the feed builder's rule;
the current values are ``quantities.current_value_sql``.

Why it cannot go stale: writers only append to the logs, in the transaction
that makes the change; ``refresh`` takes the log rows under a lock of its
own, then applies the rules in later statements, each of which sees at least
what the taken rows describe. A writer that commits after the rows were taken
left a row that was not visible to the taking, and the next refresh applies
it. Two refreshes never interleave, nor one with the accepted values' refresh
(the lock), and no writer waits for one.

The cost to Saleor's writers is one statement per write statement, over the
rows it wrote (a checkout's allocations: a few rows); nothing while no
marketplace exists.
"""

from django.db import connection, transaction
from saleor.product.models import ProductVariant

from ..listings.kinds import FeedKind
from ..models import (
    AmazonAcceptedValue,
    AmazonMarketplace,
    AmazonPriceChange,
    AmazonSellableQuantity,
    AmazonStockChange,
)
from .quantities import (
    CURRENT_LOCK,
    PARAM_VARIANTS,
    VARIANT_IDS,
    current_value_sql,
    hash_plans,
    price_params,
    sellable_quantity_set_sql,
    sellable_quantity_sql,
)

# Up to this many variants changed since the last refresh, the rule is
# applied to them through index lookups; beyond, through hash plans.
FEW_VARIANTS = 2000


def _take_sql(log: type) -> str:
    """Takes a log's rows: whether one asks for everything, the marketplaces
    asked whole, the variants logged."""
    change = log._meta.db_table
    return f"""
        WITH taken AS (DELETE FROM {change} RETURNING marketplace_id, variant_id)
        SELECT EXISTS (SELECT 1 FROM taken
                       WHERE marketplace_id IS NULL AND variant_id IS NULL),
               ARRAY(SELECT DISTINCT marketplace_id FROM taken
                     WHERE marketplace_id IS NOT NULL),
               ARRAY(SELECT DISTINCT variant_id FROM taken
                     WHERE variant_id IS NOT NULL)
    """


def _fill_sql(source: str, *, few: bool) -> str:
    kept = AmazonSellableQuantity._meta.db_table
    rule = sellable_quantity_sql if few else sellable_quantity_set_sql
    return f"""
        INSERT INTO {kept} (marketplace_id, variant_id, quantity)
        SELECT %(marketplace)s, variant_id, quantity FROM ({rule(source)}) q
    """


def _current_sql(kind: FeedKind, only_variants: bool) -> str:
    """The current values of a marketplace's accepted rows of ``kind`` (of
    ``%(variants)s``) set again; only the rows whose value changed are
    written. No join of the table with itself: planned as a scan of every
    row, it cost more than looking the value up twice per row."""
    value = AmazonAcceptedValue._meta.db_table
    only = f"AND a.variant_id = ANY({VARIANT_IDS})" if only_variants else ""
    current = current_value_sql(kind, "a")
    return f"""
        UPDATE {value} a SET current = {current}
        WHERE a.marketplace_id = %(marketplace)s AND a.kind = '{kind.value}'
          {only} AND a.current IS DISTINCT FROM {current}
    """


def _taken(cursor, log: type) -> tuple[bool, set[int], list[int]]:
    cursor.execute(_take_sql(log))
    everything, whole, variants = cursor.fetchone()
    return everything, set(whole), variants


def refresh() -> list[int] | None:
    """Apply the rules again to what changed since the last refresh (the
    sellable quantities, then the current values beside the accepted ones);
    returns the variants, in every marketplace (None: a marketplace was
    refreshed whole).

    Runs in the caller's transaction when there is one (the lock is then
    held until it ends), else in one of its own.
    """
    kept = AmazonSellableQuantity._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", list(CURRENT_LOCK))
        everything, whole, variants = _taken(cursor, AmazonStockChange)
        every_price, whole_prices, priced = _taken(cursor, AmazonPriceChange)
        if not (
            everything or whole or variants or every_price or whole_prices or priced
        ):
            return []
        all_variants = f"(SELECT id AS variant_id FROM {ProductVariant._meta.db_table})"
        few = len(variants) <= FEW_VARIANTS
        marketplaces = list(AmazonMarketplace.objects.only("pk", "channel", "currency"))
        if everything:
            whole = {m.pk for m in marketplaces}
        if every_price:
            whole_prices = {m.pk for m in marketplaces}
        for marketplace in marketplaces:
            params = {
                "marketplace": marketplace.pk,
                "variants": variants,
                **price_params(marketplace),
            }
            if marketplace.pk in whole:
                cursor.execute(
                    f"DELETE FROM {kept} WHERE marketplace_id = %(marketplace)s",
                    params,
                )
                with hash_plans():
                    cursor.execute(_fill_sql(all_variants, few=False), params)
                cursor.execute(_current_sql(FeedKind.INVENTORY, False), params)
            elif variants:
                cursor.execute(
                    f"DELETE FROM {kept} WHERE marketplace_id = %(marketplace)s "
                    f"AND variant_id = ANY({VARIANT_IDS})",
                    params,
                )
                if few:
                    cursor.execute(_fill_sql(PARAM_VARIANTS, few=True), params)
                else:
                    with hash_plans():
                        cursor.execute(_fill_sql(PARAM_VARIANTS, few=False), params)
                cursor.execute(_current_sql(FeedKind.INVENTORY, True), params)
            if marketplace.pk in whole_prices:
                cursor.execute(_current_sql(FeedKind.PRICES, False), params)
            elif priced:
                cursor.execute(
                    _current_sql(FeedKind.PRICES, True), {**params, "variants": priced}
                )
    return None if whole or whole_prices else sorted(set(variants) | set(priced))


def rebuild_later(marketplace_pk: int | None = None) -> None:
    """Have the next refresh apply the rules to a whole marketplace (every
    marketplace without one): after writes the triggers could not see
    (``TRUNCATE``, triggers disabled)."""
    AmazonStockChange.objects.create(marketplace_id=marketplace_pk)
    AmazonPriceChange.objects.create(marketplace_id=marketplace_pk)
