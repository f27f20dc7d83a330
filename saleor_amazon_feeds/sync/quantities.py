"""Sellable quantity per variant and marketplace, in SQL.

Same rule as the feed builder (``listings.messages.sellable_quantity``): free
stock (quantity less allocations, at least 0 per warehouse) over the
marketplace's warehouses, less the buffer, capped by the maximum; untracked
variants offer the maximum when there is one. Allocation rows are summed, not
``Stock.quantity_allocated``, as in the builder.
"""

from ..models import AmazonMarketplace


def sellable_quantity_sql(variants: str = "%(variants)s::int[]") -> str:
    """SQL for a relation (marketplace_id, variant_id, quantity).

    Takes ``%(marketplace)s``; ``variants`` is an SQL int[] expression.
    """
    from saleor.product.models import ProductVariant
    from saleor.warehouse.models import Allocation, Stock

    warehouses = AmazonMarketplace.warehouses.through._meta.db_table
    return f"""
        SELECT m.id AS marketplace_id, v.id AS variant_id,
          CASE WHEN NOT v.track_inventory AND m.max_quantity IS NOT NULL
               THEN m.max_quantity
               ELSE GREATEST(LEAST(COALESCE(f.free, 0) - m.stock_buffer,
                                   COALESCE(m.max_quantity, 2147483647)), 0)
          END AS quantity
        FROM {AmazonMarketplace._meta.db_table} m
        JOIN {ProductVariant._meta.db_table} v
          ON v.id = ANY({variants})
        LEFT JOIN LATERAL (
          SELECT SUM(GREATEST(s.quantity - COALESCE((
                   SELECT SUM(a.quantity_allocated)
                   FROM {Allocation._meta.db_table} a WHERE a.stock_id = s.id
                 ), 0), 0)) AS free
          FROM {Stock._meta.db_table} s
          JOIN {warehouses} mw
            ON mw.warehouse_id = s.warehouse_id AND mw.amazonmarketplace_id = m.id
          WHERE s.product_variant_id = v.id
        ) f ON TRUE
        WHERE m.id = %(marketplace)s
    """
