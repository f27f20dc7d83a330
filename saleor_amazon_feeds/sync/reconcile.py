"""Periodic reconciliation: repair whatever the hooks and webhooks missed.

One SQL statement per marketplace and kind compares each listed variant's
current sellable quantity (or channel price) with the value Amazon last
accepted and queues the differences in the outbox. Both sides are kept in
narrow tables that each pass first brings up to date with what was written
since the last one: what Amazon last accepted (none while a feed is pending,
none for SKUs the listing gate does not let through) is ``sync.accepted``'s
rule, the sellable quantity ``sync.sellable``'s (the feed builder's rule,
kept per marketplace and variant). A pass over changed variants
(``reconcile_changed``) runs between full passes over the variants
something happened to since the previous pass.
"""

from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone
from saleor.order.models import OrderLine
from saleor.product.models import ProductVariant, ProductVariantChannelListing

from ..catalog.types import FeedKind
from ..listings.messages import _MINOR_UNITS
from ..models import (
    AmazonAcceptedValue,
    AmazonListingState,
    AmazonMarketplace,
    AmazonSellableQuantity,
    AmazonSyncChange,
    AmazonSyncStatus,
)
from . import accepted, sellable
from .quantities import hash_plans

_INSERT = """
    INSERT INTO {outbox} (marketplace_id, kind, product_id, variant_id, version,
                          first_changed_at, changed_at)
    SELECT %(marketplace)s, %(kind)s, d.product_id, d.variant_id, 1,
           clock_timestamp(), clock_timestamp()
    FROM differences d
    ON CONFLICT (marketplace_id, kind, product_id, variant_id) DO NOTHING
"""

# A transaction that started before a pass over changed variants may commit
# after it: the next pass looks back this far beyond the previous one.
CHANGES_OVERLAP = timedelta(minutes=2)


def _listed(kind: FeedKind, only_variants: bool) -> str:
    value = AmazonAcceptedValue._meta.db_table
    only = "AND a.variant_id = ANY(%(variants)s::int[])" if only_variants else ""
    # Two states accepted at the same instant both have a row: the outbox
    # insert keeps one row per variant.
    return f"""
        listed AS (
          SELECT a.variant_id, a.product_id, a.accepted FROM {value} a
          WHERE a.marketplace_id = %(marketplace)s AND a.kind = '{kind.value}'
            {only}
        )"""


def _statements(only_variants: bool) -> dict[FeedKind, str]:
    outbox = AmazonSyncChange._meta.db_table
    kept = AmazonSellableQuantity._meta.db_table
    return {
        FeedKind.INVENTORY: f"""
            WITH {_listed(FeedKind.INVENTORY, only_variants)},
            differences AS (
              SELECT l.product_id, l.variant_id FROM listed l
              JOIN {kept} q ON q.marketplace_id = %(marketplace)s
                           AND q.variant_id = l.variant_id
              WHERE l.accepted IS DISTINCT FROM q.quantity
            )
            {_INSERT.format(outbox=outbox)}
        """,
        FeedKind.PRICES: f"""
            WITH {_listed(FeedKind.PRICES, only_variants)},
            differences AS (
              SELECT l.product_id, l.variant_id FROM listed l
              JOIN {ProductVariantChannelListing._meta.db_table} pl
                ON pl.variant_id = l.variant_id AND pl.channel_id = %(channel)s
              WHERE pl.price_amount IS NOT NULL
                AND l.accepted IS DISTINCT FROM round(pl.price_amount, %(digits)s)
            )
            {_INSERT.format(outbox=outbox)}
        """,
    }


def _run(
    marketplace: AmazonMarketplace, variant_ids: list[int] | None
) -> dict[str, int]:
    params = {
        "marketplace": marketplace.pk,
        "channel": marketplace.channel_id,
        "digits": _MINOR_UNITS.get(marketplace.currency.upper(), 2),
        "variants": variant_ids,
    }
    queued = {}
    with connection.cursor() as cursor:
        for kind, sql in _statements(variant_ids is not None).items():
            cursor.execute(sql, {**params, "kind": kind.value})
            queued[kind.value] = cursor.rowcount
    return queued


def reconcile_marketplace(marketplace: AmazonMarketplace) -> dict[str, int]:
    """Queue quantity and price differences; returns rows queued per kind."""
    started = timezone.now()
    # Before the hash plans: the variants written since the last pass are
    # usually few, and index lookups suit them.
    accepted.refresh(marketplace.pk)
    sellable.refresh()
    with hash_plans():
        queued = _run(marketplace, None)
        # One upsert: the pass's whole cost stays a handful of statements.
        AmazonSyncStatus.objects.bulk_create(
            [
                AmazonSyncStatus(
                    marketplace=marketplace,
                    last_reconciled_at=started,
                    changes_reconciled_at=started,
                )
            ],
            update_conflicts=True,
            unique_fields=["marketplace"],
            update_fields=["last_reconciled_at", "changes_reconciled_at", "updated_at"],
        )
    return queued


def changed_variants(marketplace: AmazonMarketplace, since: datetime) -> list[int]:
    """Listed variants something happened to since ``since``: edited in
    Saleor, ordered or returned (their allocations moved), or a feed result
    or PATCH recorded for them (Amazon's value changed)."""
    listed = AmazonListingState.objects.filter(
        marketplace=marketplace, variant_id__isnull=False
    )
    ids = set(
        listed.filter(accepted_at__gte=since).values_list("variant_id", flat=True)
    )
    candidates = set(
        ProductVariant.objects.filter(updated_at__gte=since).values_list(
            "pk", flat=True
        )
    ) | set(
        OrderLine.objects.filter(
            order__updated_at__gte=since, variant_id__isnull=False
        ).values_list("variant_id", flat=True)
    )
    if candidates:
        ids |= set(
            listed.filter(variant_id__in=candidates).values_list(
                "variant_id", flat=True
            )
        )
    return sorted(ids)


def reconcile_changed(marketplace: AmazonMarketplace) -> dict[str, int]:
    """Queue differences of the variants changed since the previous pass
    (full or not); a marketplace never reconciled gets a full pass."""
    started = timezone.now()
    status = AmazonSyncStatus.objects.filter(marketplace=marketplace).first()
    since = status and (status.changes_reconciled_at or status.last_reconciled_at)
    if since is None:
        return reconcile_marketplace(marketplace)
    accepted.refresh(marketplace.pk)
    sellable.refresh()
    variant_ids = changed_variants(marketplace, since - CHANGES_OVERLAP)
    queued = (
        _run(marketplace, variant_ids)
        if variant_ids
        else {FeedKind.INVENTORY.value: 0, FeedKind.PRICES.value: 0}
    )
    AmazonSyncStatus.objects.filter(marketplace=marketplace).update(
        changes_reconciled_at=started
    )
    return queued
