"""Periodic reconciliation: repair whatever the hooks and webhooks missed.

One SQL statement per marketplace and kind queues in the outbox each listed
variant whose current sellable quantity (or channel price) differs from the
value Amazon last accepted. Both values are kept side by side in one narrow
row per variant and kind (``AmazonAcceptedValue``), which each pass first
brings up to date with what was written since the last one: what Amazon
last accepted (none while a feed is pending, none for SKUs the listing gate
does not let through) by ``sync.accepted``'s rule, what Saleor offers now by
``sync.sellable`` (the feed builder's quantity rule, the channel price). A
partial index holds only the rows where the two differ, so a pass reads the
differences and nothing else. A pass over changed variants
(``reconcile_changed``) runs between full passes over the variants something
happened to since the previous pass.
"""

from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone
from saleor.order.models import OrderLine
from saleor.product.models import ProductVariant

from ..catalog.types import FeedKind
from ..models import (
    AmazonAcceptedValue,
    AmazonListingState,
    AmazonMarketplace,
    AmazonSyncChange,
    AmazonSyncStatus,
)
from . import accepted, sellable

# A transaction that started before a pass over changed variants may commit
# after it: the next pass looks back this far beyond the previous one.
CHANGES_OVERLAP = timedelta(minutes=2)


def _statement(only_variants: bool) -> str:
    """The differences of one kind queued: the accepted rows whose current
    value differs, read through the partial index that holds only those."""
    outbox = AmazonSyncChange._meta.db_table
    value = AmazonAcceptedValue._meta.db_table
    only = "AND a.variant_id = ANY(%(variants)s::int[])" if only_variants else ""
    # Two states accepted at the same instant both have a row: the outbox
    # insert keeps one row per variant. The condition is the index's own,
    # as Django writes it, so that PostgreSQL sees the index serves it.
    return f"""
        INSERT INTO {outbox} (marketplace_id, kind, product_id, variant_id,
                              version, first_changed_at, changed_at)
        SELECT %(marketplace)s, %(kind)s, a.product_id, a.variant_id, 1,
               clock_timestamp(), clock_timestamp()
        FROM {value} a
        WHERE a.marketplace_id = %(marketplace)s AND a.kind = %(kind)s
          AND a.current IS NOT NULL
          AND NOT (a.accepted = a.current AND a.current IS NOT NULL) {only}
        ON CONFLICT (marketplace_id, kind, product_id, variant_id) DO NOTHING
    """


def _run(
    marketplace: AmazonMarketplace, variant_ids: list[int] | None
) -> dict[str, int]:
    params = {"marketplace": marketplace.pk, "variants": variant_ids}
    sql = _statement(variant_ids is not None)
    queued = {}
    with connection.cursor() as cursor:
        for kind in accepted.RECONCILED:
            cursor.execute(sql, {**params, "kind": kind.value})
            queued[kind.value] = cursor.rowcount
    return queued


def reconcile_marketplace(marketplace: AmazonMarketplace) -> dict[str, int]:
    """Queue quantity and price differences; returns rows queued per kind."""
    started = timezone.now()
    accepted.refresh(marketplace.pk)
    sellable.refresh()
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
