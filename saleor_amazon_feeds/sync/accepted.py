"""The values reconciliation compares: one rule, kept in a narrow table.

The rule (``_listed``): per listed variant, marketplace and reconciled kind,
the newest value Amazon accepted for it, from the states of the kinds that
carry it (quantity: INVENTORY and LISTINGS; price: PRICES and LISTINGS); no
value while a feed with it is pending (that feed is already on its way), and
none for a SKU the listing gate does not let through
(``catalog.gate.known_listings_sql``): an offer Amazon accepted for a SKU
without a listing is not a listing to keep in step.

Ranking every state of a marketplace costs most of a full pass (about 0.45 s
a kind at 100k variants), and the states barely change between passes. So
the rule's result is kept in ``AmazonAcceptedValue`` and ``refresh`` applies
it again only to the variants written since: triggers (migration 0003) log
every statement that writes listing states or lookups in
``AmazonAcceptedChange``, whoever runs it (report processing, the urgent
PATCH, the builder, a merchant's deletion, raw SQL).

Why it cannot go stale: writers only append to the log; ``refresh`` takes a
marketplace's log rows under a transaction-level lock of its own, then
applies the rule in later statements, each of which sees at least what the
taken rows describe. A writer that commits after the rows were taken left a
row that was not visible to the taking, and the next refresh applies it.
Two refreshes of a marketplace never interleave (the lock), and no writer
waits for a refresh.

Each row also holds what Saleor offers now (``current``, by
``quantities.current_value_sql``), filled here for the rows written and kept
by the sellable refresh (``sync.sellable``) for Saleor's writes; the two
refreshes take the same lock first, so they never interleave either.
"""

from django.db import connection, transaction

from ..catalog.gate import known_listings_sql
from ..listings.kinds import FeedKind
from ..models import (
    AmazonAcceptedChange,
    AmazonAcceptedValue,
    AmazonListingState,
    AmazonMarketplace,
)
from ..models.feeds import ListingStatus
from .quantities import CURRENT_LOCK, current_value_sql, hash_plans, price_params

# The reconciled kinds: the accepted column each compares, and the kinds of
# state that carry it.
RECONCILED: dict[FeedKind, tuple[str, tuple[FeedKind, ...]]] = {
    FeedKind.INVENTORY: (
        "accepted_quantity",
        (FeedKind.INVENTORY, FeedKind.LISTINGS),
    ),
    FeedKind.PRICES: ("accepted_price", (FeedKind.PRICES, FeedKind.LISTINGS)),
}

# Up to this many variants written since the last refresh, the listing gate
# is asked about their SKUs only (an array searched linearly per row);
# beyond, it lists every known SKU of the marketplace once.
FEW_VARIANTS = 2000

# pg_advisory_xact_lock's first key: "AFAV" (Amazon feeds, accepted values).
LOCK_SPACE = 0x41464156


def _listed(
    column: str,
    kinds: tuple[FeedKind, ...],
    variants: str | None,
    *,
    gate_skus: bool = False,
) -> str:
    """The rule, as CTEs ending in ``listed`` (``state_id``, ``variant_id``,
    ``product_id``, ``accepted``) for ``%(marketplace)s``; ``variants``, an
    SQL ``int[]`` expression, restricts it to those variants, and
    ``gate_skus`` the gate to their SKUs (an array PostgreSQL searches
    linearly per row: for few variants only). The newest accepted time per
    variant is aggregated, then joined back: hash plans only, no sort of the
    states."""
    state = AmazonListingState._meta.db_table
    kind_list = ", ".join(f"'{k.value}'" for k in kinds)
    usable = f"(s.status = '{ListingStatus.ACCEPTED.value}' AND s.{column} IS NOT NULL)"
    only = f"AND s.variant_id = ANY({variants})" if variants else ""
    skus = "ARRAY(SELECT DISTINCT sku FROM states)" if variants and gate_skus else None
    return f"""
        states AS (
          SELECT s.id, s.variant_id, s.product_id, s.sku, {usable} AS usable,
                 s.{column} AS accepted,
                 COALESCE(s.accepted_at, '-infinity') AS accepted_at,
                 s.status = '{ListingStatus.PENDING.value}' AS pending
          FROM {state} s
          WHERE s.marketplace_id = %(marketplace)s AND s.kind IN ({kind_list})
            AND s.variant_id IS NOT NULL {only}
        ),
        known AS ({known_listings_sql(skus)}),
        newest AS (
          SELECT variant_id, max(accepted_at) FILTER (WHERE usable) AS accepted_at
          FROM states GROUP BY variant_id HAVING NOT bool_or(pending)
        ),
        listed AS (
          SELECT s.id AS state_id, s.variant_id, s.product_id, s.accepted
          FROM states s
          JOIN newest n ON n.variant_id = s.variant_id
                       AND n.accepted_at = s.accepted_at
          WHERE s.usable AND EXISTS (SELECT 1 FROM known k WHERE k.sku = s.sku)
        )"""


def _take_sql() -> str:
    change = AmazonAcceptedChange._meta.db_table
    state = AmazonListingState._meta.db_table
    # A logged SKU (a LISTINGS state's or a lookup's) changes the gate for
    # every variant whose states carry it.
    return f"""
        WITH taken AS (
          DELETE FROM {change} WHERE marketplace_id = %(marketplace)s
          RETURNING variant_id, sku
        )
        SELECT EXISTS (SELECT 1 FROM taken
                       WHERE variant_id IS NULL AND sku IS NULL),
               ARRAY(SELECT variant_id FROM taken WHERE variant_id IS NOT NULL
                     UNION
                     SELECT s.variant_id FROM {state} s
                     WHERE s.marketplace_id = %(marketplace)s
                       AND s.variant_id IS NOT NULL
                       AND s.sku IN (SELECT sku FROM taken
                                     WHERE sku IS NOT NULL))
    """


def _refill_sql(kind: FeedKind, only_variants: bool, few: bool) -> str:
    value = AmazonAcceptedValue._meta.db_table
    column, kinds = RECONCILED[kind]
    variants = "%(variants)s::int[]" if only_variants else None
    return f"""
        INSERT INTO {value} (marketplace_id, kind, variant_id, product_id,
                             state_id, accepted, current)
        WITH {_listed(column, kinds, variants, gate_skus=few)}
        SELECT %(marketplace)s, '{kind.value}', variant_id, product_id,
               state_id, accepted, {current_value_sql(kind, "listed")}
        FROM listed
    """


def refresh(marketplace_pk: int) -> list[int] | None:
    """Apply the rule again to the variants written since the last refresh
    of this marketplace; returns them (None: the whole marketplace).

    Runs in the caller's transaction when there is one (the lock is then
    held until it ends), else in one of its own.
    """
    value = AmazonAcceptedValue._meta.db_table
    params = {"marketplace": marketplace_pk}
    with transaction.atomic(), connection.cursor() as cursor:
        # The sellable refresh writes the rows' current values too: its lock
        # first, always in this order.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s), pg_advisory_xact_lock(%s, %s)",
            [*CURRENT_LOCK, LOCK_SPACE, marketplace_pk],
        )
        cursor.execute(_take_sql(), params)
        everything, variants = cursor.fetchone()
        if not everything and not variants:
            return []
        marketplace = AmazonMarketplace.objects.filter(pk=marketplace_pk).first()
        if marketplace is None:
            # Deleted since: its values went with it, no states are left.
            return []
        only = not everything
        params["variants"] = variants
        params.update(price_params(marketplace))
        cursor.execute(
            f"DELETE FROM {value} WHERE marketplace_id = %(marketplace)s"
            + (" AND variant_id = ANY(%(variants)s::int[])" if only else ""),
            params,
        )
        # A few variants take index lookups; more (a whole feed's results),
        # hash plans over the marketplace's states, as a whole rebuild. The
        # rule's own steps are joined by hash either way: on tables a feed
        # has just filled the planner's row estimates are stale, nested loops
        # over the whole marketplace went quadratic, and over a few variants'
        # states it compared each SKU with every known one (500k comparisons
        # for 1,000 variants, 70 ms).
        few = only and len(variants) <= FEW_VARIANTS
        with hash_plans():
            for kind in RECONCILED:
                cursor.execute(_refill_sql(kind, only, few), params)
    return variants if only else None


def rebuild_later(marketplace_pk: int) -> None:
    """Have the next refresh apply the rule to the whole marketplace: after
    writes the triggers could not see (``TRUNCATE``, triggers disabled)."""
    AmazonAcceptedChange.objects.create(marketplace_id=marketplace_pk)


def refresh_all() -> None:
    """Refresh every marketplace that has changes logged, and drop the log
    rows of marketplaces deleted since (their states' deletion logs them)."""
    change = AmazonAcceptedChange._meta.db_table
    marketplaces = AmazonMarketplace._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""DELETE FROM {change} c WHERE NOT EXISTS (
                  SELECT 1 FROM {marketplaces} m WHERE m.id = c.marketplace_id)"""
        )
        cursor.execute(f"SELECT DISTINCT marketplace_id FROM {change}")
        pending = [row[0] for row in cursor.fetchall()]
    for marketplace_pk in pending:
        refresh(marketplace_pk)
