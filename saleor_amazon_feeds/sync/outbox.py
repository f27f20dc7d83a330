"""Record what changed in the sync outbox, coalesced per (marketplace, kind,
product, variant), in the caller's transaction.

Writes are single ``INSERT ... SELECT ... ON CONFLICT DO UPDATE`` statements:
a repeated change bumps the row's version rather than adding a row, so many
edits of one variant become one message, and the cost of a hook does not grow
with the number of marketplaces.

Recording only writes: what happens after the commit (nudging the drain, the
urgent stock check) is scheduled by the callers that know a Saleor change
happened, the hooks (:mod:`.hooks`), so the outbox depends on no task.
"""

from collections.abc import Iterable
from enum import StrEnum

from django.db import connection
from django.db.models import Count
from saleor.product.models import ProductVariant

from ..listings.kinds import INVENTORY_SCOPE_KINDS, FeedKind, SyncScope
from ..models import AmazonListingState, AmazonMarketplace, AmazonSyncChange
from ..models.feeds import ListingStatus


class Change(StrEnum):
    # Product, variant or category data: anything a listing may carry.
    CONTENT = "CONTENT"
    # Quantities only (stock webhooks, orders, fulfillments).
    STOCK = "STOCK"
    # A product or variant is gone: DELETE what Amazon lists for it.
    DELETE = "DELETE"


KINDS: dict[Change, tuple[FeedKind, ...]] = {
    # DELETIONS too: excluding a product from Amazon is a content change, and
    # the deletion builder only sends DELETEs for excluded or vanished SKUs.
    Change.CONTENT: (
        FeedKind.DELETIONS,
        FeedKind.LISTINGS,
        FeedKind.PRICES,
        FeedKind.INVENTORY,
    ),
    Change.STOCK: (FeedKind.INVENTORY,),
    Change.DELETE: (FeedKind.DELETIONS,),
}

_UPSERT = """
ON CONFLICT (marketplace_id, kind, product_id, variant_id) DO UPDATE
SET version = {table}.version + 1, changed_at = EXCLUDED.changed_at
"""


def ids(values: Iterable[int | None]) -> list[int]:
    """Primary keys as the outbox takes them: distinct, sorted, no empties."""
    return sorted({int(v) for v in values if v})


def _tables() -> dict[str, str]:
    return {
        "outbox": AmazonSyncChange._meta.db_table,
        "marketplace": AmazonMarketplace._meta.db_table,
        "state": AmazonListingState._meta.db_table,
        "variant": ProductVariant._meta.db_table,
    }


def record_variants(
    change: Change,
    *,
    variant_ids: Iterable[int] = (),
    product_ids: Iterable[int] = (),
) -> int:
    """Record a change of these variants (and every variant of these products).

    Returns the number of outbox rows written. Only marketplaces with
    automatic sync on are concerned; an INVENTORY-scope marketplace gets
    quantity, price and deletion kinds only.
    """
    variant_ids, product_ids = ids(variant_ids), ids(product_ids)
    if not variant_ids and not product_ids:
        return 0
    if change == Change.DELETE:
        return record_deletions(variant_ids=variant_ids, product_ids=product_ids)
    t = _tables()
    sql = f"""
        INSERT INTO {t["outbox"]} AS o
            (marketplace_id, kind, product_id, variant_id, version,
             first_changed_at, changed_at)
        SELECT m.id, k.kind, v.product_id, v.id, 1, clock_timestamp(),
               clock_timestamp()
        FROM {t["marketplace"]} m
        CROSS JOIN unnest(%(kinds)s::text[]) AS k(kind)
        JOIN {t["variant"]} v
          ON v.id = ANY(%(variants)s::int[]) OR v.product_id = ANY(%(products)s::int[])
        WHERE m.auto_sync
          AND (m.sync_scope = %(all_scope)s OR k.kind = ANY(%(scoped)s::text[]))
        {_UPSERT.format(table="o")}
    """
    params = {
        "kinds": [str(k) for k in KINDS[change]],
        "variants": variant_ids,
        "products": product_ids,
        "all_scope": SyncScope.ALL.value,
        "scoped": sorted(str(k) for k in INVENTORY_SCOPE_KINDS),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def record_deletions(
    *, variant_ids: Iterable[int] = (), product_ids: Iterable[int] = ()
) -> int:
    """Queue DELETE checks for what Amazon lists of these products or variants.

    Keyed on the listing state, not on Saleor's rows: by the time a deletion
    hook runs the product and its variants are gone.
    """
    variant_ids, product_ids = ids(variant_ids), ids(product_ids)
    t = _tables()
    sql = f"""
        INSERT INTO {t["outbox"]} AS o
            (marketplace_id, kind, product_id, variant_id, version,
             first_changed_at, changed_at)
        SELECT listed.marketplace_id, %(kind)s, listed.product_id, 0, 1,
               clock_timestamp(), clock_timestamp()
        FROM (
          SELECT DISTINCT s.marketplace_id, s.product_id
          FROM {t["state"]} s
          JOIN {t["marketplace"]} m ON m.id = s.marketplace_id
          WHERE m.auto_sync AND s.status <> %(deleted)s
            AND (s.product_id = ANY(%(products)s::int[])
                 OR s.variant_id = ANY(%(variants)s::int[]))
        ) listed
        {_UPSERT.format(table="o")}
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "kind": FeedKind.DELETIONS.value,
                "deleted": ListingStatus.DELETED.value,
                "products": product_ids,
                "variants": variant_ids,
            },
        )
        return cursor.rowcount


def pending_counts() -> dict[int, int]:
    """Outbox rows per marketplace pk."""
    return dict(
        AmazonSyncChange.objects.values_list("marketplace_id")
        .annotate(n=Count("pk"))
        .values_list("marketplace_id", "n")
    )
