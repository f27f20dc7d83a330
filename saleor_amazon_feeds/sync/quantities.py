"""Sellable quantity per variant and marketplace, in SQL, and what
reconciliation compares with Amazon's accepted values (``current_value_sql``).

Same rule as the feed builder (``listings.messages.sellable_quantity``): free
stock (quantity less allocations, at least 0 per warehouse) over the
marketplace's warehouses, less the buffer, capped by the maximum; a variant
that does not track inventory offers the marketplace's ``untracked_quantity``,
capped by the maximum, whatever its stock. Allocation rows are summed, not
``Stock.quantity_allocated``, as in the builder.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from saleor.product.models import ProductVariant, ProductVariantChannelListing
from saleor.warehouse.models import Allocation, Stock

from ..listings.kinds import FeedKind
from ..listings.messages import _MINOR_UNITS
from ..models import AmazonMarketplace, AmazonSellableQuantity

# ``%(variants)s`` through a sub-select, as the loader's ``Table.any``: the
# planner does not estimate a constant array's ids one by one, and plans
# index lookups. Given 1,000 ids as a constant, it hashed all 100k variants
# and scanned the kept quantities whole: 40 ms where the lookups take 3.
VARIANT_IDS = "(SELECT %(variants)s::int[])::int[]"
PARAM_VARIANTS = f"(SELECT unnest({VARIANT_IDS}) AS variant_id)"

# pg_advisory_xact_lock's keys ("AFSQ", 0) for writing what Saleor offers
# beside what Amazon accepted (``AmazonAcceptedValue.current``): the sellable
# refresh holds it, and the accepted refresh takes it before its own.
CURRENT_LOCK = (0x41465351, 0)


def current_value_sql(kind: FeedKind, row: str) -> str:
    """What Saleor offers now for ``row``'s variant (a relation alias with a
    ``variant_id`` column), as reconciliation compares it with what Amazon
    accepted: the kept sellable quantity, or the channel price rounded to the
    currency's minor units; NULL for a variant without either (nothing to
    compare). Takes ``%(marketplace)s``, ``%(channel)s`` and ``%(digits)s``
    (``price_params``). One primary-key lookup per row."""
    if kind == FeedKind.INVENTORY:
        return f"""(SELECT q.quantity FROM {AmazonSellableQuantity._meta.db_table} q
                    WHERE q.marketplace_id = %(marketplace)s
                      AND q.variant_id = {row}.variant_id)"""
    return f"""(SELECT round(pl.price_amount, %(digits)s)
                FROM {ProductVariantChannelListing._meta.db_table} pl
                WHERE pl.variant_id = {row}.variant_id
                  AND pl.channel_id = %(channel)s)"""


def price_params(marketplace: AmazonMarketplace) -> dict[str, int]:
    """``current_value_sql``'s parameters besides the marketplace."""
    return {
        "channel": marketplace.channel_id,
        "digits": _MINOR_UNITS.get(marketplace.currency.upper(), 2),
    }


def sellable_quantity_sql(source: str = PARAM_VARIANTS) -> str:
    """SQL for ``source``'s rows plus their ``quantity``.

    ``source`` is a relation with a ``variant_id`` column (a CTE name or a
    subquery); its other columns are passed through. Takes
    ``%(marketplace)s``. Per row, index lookups only (variant, its stock
    in the marketplace's warehouses, their allocations): the cost is linear
    in the rows of ``source`` whatever the planner's statistics say, where a
    join against an aggregate could turn quadratic on fresh tables.
    """
    warehouses = AmazonMarketplace.warehouses.through._meta.db_table
    return f"""
        SELECT vs.*,
          CASE WHEN NOT v.track_inventory
               THEN LEAST(m.untracked_quantity,
                          COALESCE(m.max_quantity, 2147483647))
               ELSE GREATEST(LEAST(COALESCE(f.free, 0) - m.stock_buffer,
                                   COALESCE(m.max_quantity, 2147483647)), 0)
          END::int AS quantity
        FROM {source} vs
        JOIN {ProductVariant._meta.db_table} v ON v.id = vs.variant_id
        CROSS JOIN (
          SELECT max_quantity, stock_buffer, untracked_quantity
          FROM {AmazonMarketplace._meta.db_table} WHERE id = %(marketplace)s
        ) m
        LEFT JOIN LATERAL (
          SELECT SUM(GREATEST(s.quantity - COALESCE((
                   SELECT SUM(a.quantity_allocated)
                   FROM {Allocation._meta.db_table} a WHERE a.stock_id = s.id
                 ), 0), 0)) AS free
          FROM {warehouses} mw
          JOIN {Stock._meta.db_table} s
            ON s.warehouse_id = mw.warehouse_id
           AND s.product_variant_id = vs.variant_id
          WHERE mw.amazonmarketplace_id = %(marketplace)s
        ) f ON TRUE
    """


def sellable_quantity_set_sql(source: str) -> str:
    """The same rule as ``sellable_quantity_sql`` in set form, for passes over
    a whole marketplace: free stock is summed once per variant over the
    marketplace's stock (hash aggregates and joins) instead of per row.

    Linear only with hash plans: run it with nested loops disabled
    (``hash_plans``), since on fresh tables the planner may guess one row per
    aggregate and loop over it once per variant.
    """
    warehouses = AmazonMarketplace.warehouses.through._meta.db_table
    return f"""
        SELECT vs.*,
          CASE WHEN NOT v.track_inventory
               THEN LEAST(m.untracked_quantity,
                          COALESCE(m.max_quantity, 2147483647))
               ELSE GREATEST(LEAST(COALESCE(f.free, 0) - m.stock_buffer,
                                   COALESCE(m.max_quantity, 2147483647)), 0)
          END::int AS quantity
        FROM {source} vs
        JOIN {ProductVariant._meta.db_table} v ON v.id = vs.variant_id
        CROSS JOIN (
          SELECT max_quantity, stock_buffer, untracked_quantity
          FROM {AmazonMarketplace._meta.db_table} WHERE id = %(marketplace)s
        ) m
        LEFT JOIN (
          SELECT s.product_variant_id AS variant_id,
                 SUM(GREATEST(s.quantity - COALESCE(a.allocated, 0), 0)) AS free
          FROM {Stock._meta.db_table} s
          JOIN {warehouses} mw
            ON mw.warehouse_id = s.warehouse_id
           AND mw.amazonmarketplace_id = %(marketplace)s
          LEFT JOIN (
            SELECT a.stock_id, SUM(a.quantity_allocated) AS allocated
            FROM {Allocation._meta.db_table} a GROUP BY a.stock_id
          ) a ON a.stock_id = s.id
          GROUP BY s.product_variant_id
        ) f ON f.variant_id = vs.variant_id
    """


@contextmanager
def hash_plans() -> Iterator[None]:
    """Nested loops off for the statements inside (set-form passes), and back
    as they were after them.

    JIT off as well: disabled nested loops inflate the cost estimates past
    PostgreSQL's JIT thresholds, and compiling the plan then takes seconds
    where running it takes a tenth of one.

    ``set_config(..., true)`` lasts until the transaction ends, whatever
    savepoint it was made in, so the settings are put back explicitly:
    otherwise every later statement of the caller's transaction (a pass's
    lookups of a few variants, its comparisons) is planned without nested
    loops, and one lookup of 1,000 variants hashed all 100k. On an error the
    savepoint's rollback puts them back.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_nestloop'), current_setting('jit'), "
            "set_config('enable_nestloop', 'off', true), "
            "set_config('jit', 'off', true)"
        )
        nestloop, jit, *_ = cursor.fetchone()
        yield
        cursor.execute(
            "SELECT set_config('enable_nestloop', %s, true), "
            "set_config('jit', %s, true)",
            [nestloop, jit],
        )
