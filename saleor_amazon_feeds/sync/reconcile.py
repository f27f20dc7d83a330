"""Periodic reconciliation: repair whatever the hooks and webhooks missed.

One SQL statement per marketplace and kind compares each listed variant's
current sellable quantity (or channel price) with the value Amazon last
accepted (newest accepted state of the quantity/price-carrying kinds) and
queues the differences in the outbox. Variants with a feed still pending at
Amazon are left alone: that feed is already on its way. Only SKUs the listing
gate lets through are compared (``catalog.gate.known_listings_sql``): an
offer Amazon accepted for a SKU without a listing is not a listing to keep
in step, and queueing it would only have the builder refuse it every time.
"""

from django.db import connection
from django.utils import timezone
from saleor.product.models import ProductVariantChannelListing

from ..catalog.gate import known_listings_sql
from ..catalog.types import FeedKind
from ..listings.messages import _MINOR_UNITS
from ..models import (
    AmazonListingState,
    AmazonMarketplace,
    AmazonSyncChange,
    AmazonSyncStatus,
)
from ..models.feeds import ListingStatus
from .quantities import sellable_quantity_sql

_INSERT = """
    INSERT INTO {outbox} (marketplace_id, kind, product_id, variant_id, version,
                          first_changed_at, changed_at)
    SELECT %(marketplace)s, %(kind)s, d.product_id, d.variant_id, 1,
           clock_timestamp(), clock_timestamp()
    FROM differences d
    ON CONFLICT (marketplace_id, kind, product_id, variant_id) DO NOTHING
"""


def _listed(value_key: str, kinds: tuple[FeedKind, ...]) -> str:
    """Per listed variant, the newest accepted value; none while a feed with
    it is pending. One scan of the states with window functions: no
    per-variant lookups, so the plan stays linear even without statistics."""
    state = AmazonListingState._meta.db_table
    kind_list = ", ".join(f"'{k.value}'" for k in kinds)
    accepted = (
        f"(s.status = '{ListingStatus.ACCEPTED.value}' "
        f"AND s.accepted_summary ? '{value_key}')"
    )
    return f"""
        known AS ({known_listings_sql()}),
        listed AS (
          SELECT variant_id, product_id, accepted FROM (
            SELECT s.variant_id, s.product_id, s.sku, {accepted} AS usable,
                   s.accepted_summary->>'{value_key}' AS accepted,
                   row_number() OVER (
                     PARTITION BY s.variant_id
                     ORDER BY {accepted} DESC, s.accepted_at DESC NULLS LAST
                   ) AS rank,
                   bool_or(s.status = '{ListingStatus.PENDING.value}') OVER (
                     PARTITION BY s.variant_id
                   ) AS pending
            FROM {state} s
            WHERE s.marketplace_id = %(marketplace)s AND s.kind IN ({kind_list})
              AND s.variant_id IS NOT NULL
          ) ranked
          WHERE rank = 1 AND usable AND NOT pending
            AND EXISTS (SELECT 1 FROM known k WHERE k.sku = ranked.sku)
        )"""


def reconcile_marketplace(marketplace: AmazonMarketplace) -> dict[str, int]:
    """Queue quantity and price differences; returns rows queued per kind."""
    outbox = AmazonSyncChange._meta.db_table
    quantity_sql = f"""
        WITH {_listed("quantity", (FeedKind.INVENTORY, FeedKind.LISTINGS))},
        current AS ({sellable_quantity_sql("listed")}),
        differences AS (
          SELECT c.product_id, c.variant_id FROM current c
          WHERE c.accepted IS DISTINCT FROM c.quantity::text
        )
        {_INSERT.format(outbox=outbox)}
    """
    price_sql = f"""
        WITH {_listed("price", (FeedKind.PRICES, FeedKind.LISTINGS))},
        differences AS (
          SELECT l.product_id, l.variant_id FROM listed l
          LEFT JOIN {ProductVariantChannelListing._meta.db_table} pl
            ON pl.variant_id = l.variant_id AND pl.channel_id = %(channel)s
          WHERE pl.price_amount IS NOT NULL
            AND l.accepted::numeric IS DISTINCT FROM round(pl.price_amount, %(digits)s)
        )
        {_INSERT.format(outbox=outbox)}
    """
    params = {
        "marketplace": marketplace.pk,
        "channel": marketplace.channel_id,
        "digits": _MINOR_UNITS.get(marketplace.currency.upper(), 2),
    }
    queued = {}
    with connection.cursor() as cursor:
        for kind, sql in (
            (FeedKind.INVENTORY, quantity_sql),
            (FeedKind.PRICES, price_sql),
        ):
            cursor.execute(sql, {**params, "kind": kind.value})
            queued[kind.value] = cursor.rowcount
    AmazonSyncStatus.objects.update_or_create(
        marketplace=marketplace, defaults={"last_reconciled_at": timezone.now()}
    )
    return queued
