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
differences and nothing else. Between full passes, a pass over changes
(``reconcile_changes``) queues the differences of only the variants the
refreshes found written since the previous pass.
"""

from collections.abc import Iterable

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ..models import (
    AmazonAcceptedValue,
    AmazonMarketplace,
    AmazonSyncChange,
    AmazonSyncStatus,
)
from . import accepted, sellable


def _statement(only_variants: bool, *, on_conflict: bool) -> str:
    """The differences of one kind queued: the accepted rows whose current
    value differs, read through the partial index that holds only those,
    that the outbox does not hold yet.

    Without ``on_conflict`` it is a plain insert, which a change queued
    for the same variant after the statement began makes fail: PostgreSQL's
    ``ON CONFLICT`` check makes each row's insert about half again as dear
    (a full pass's 10,000 prices on a copy of the outbox: 55 ms against
    32 ms), and such a race is rare.
    """
    outbox = AmazonSyncChange._meta.db_table
    value = AmazonAcceptedValue._meta.db_table
    only = "AND a.variant_id = ANY(%(variants)s::int[])" if only_variants else ""
    conflict = (
        "ON CONFLICT (marketplace_id, kind, product_id, variant_id) DO NOTHING"
        if on_conflict
        else ""
    )
    # Two states accepted at the same instant (a listing's and its offer's,
    # by one report) both have a row: grouped, one outbox row per variant.
    # The condition is the partial index's own, as Django writes it, so that
    # PostgreSQL sees the index serves it.
    return f"""
        INSERT INTO {outbox} (marketplace_id, kind, product_id, variant_id,
                              version, first_changed_at, changed_at)
        SELECT %(marketplace)s, %(kind)s, d.product_id, d.variant_id, 1,
               clock_timestamp(), clock_timestamp()
        FROM (
          SELECT a.product_id, a.variant_id
          FROM {value} a
          WHERE a.marketplace_id = %(marketplace)s AND a.kind = %(kind)s
            AND a.current IS NOT NULL
            AND NOT (a.accepted = a.current AND a.current IS NOT NULL) {only}
          GROUP BY a.product_id, a.variant_id
        ) d
        WHERE NOT EXISTS (
          SELECT 1 FROM {outbox} o
          WHERE o.marketplace_id = %(marketplace)s AND o.kind = %(kind)s
            AND o.product_id = d.product_id AND o.variant_id = d.variant_id
        )
        {conflict}
    """


def _run(
    marketplace: AmazonMarketplace, variant_ids: list[int] | None
) -> dict[str, int]:
    params = {"marketplace": marketplace.pk, "variants": variant_ids}
    only = variant_ids is not None
    queued = {}
    with connection.cursor() as cursor:
        for kind in accepted.RECONCILED:
            kind_params = {**params, "kind": kind.value}
            try:
                with transaction.atomic():
                    cursor.execute(_statement(only, on_conflict=False), kind_params)
            except IntegrityError:
                # A hook queued one of these variants meanwhile: its row
                # stands, the others go in beside it.
                cursor.execute(_statement(only, on_conflict=True), kind_params)
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


def reconcile_changes(
    marketplaces: Iterable[AmazonMarketplace],
) -> dict[int, dict[str, int]]:
    """Between full passes: queue the differences of the variants the
    refreshes found changed since the previous pass (Saleor's stock,
    allocations or prices, written by anyone; Amazon's accepted values), in
    each marketplace; returns rows queued per marketplace and kind.

    The logs the refreshes take say exactly which variants changed, so a
    difference that no write announced (a feed Amazon keeps rejecting) is
    left to the full pass, and nothing written is missed, however it was
    written. Saleor's side is logged once for every marketplace: taken once
    here, it is compared in each. A marketplace refreshed whole (new, or its
    warehouses or buffer changed) has all its differences queued.

    Each queueing statement commits on its own, as the full pass's do: held
    in one transaction, the outbox rows of one kind would wait for the next
    kind's, and a hook queueing both kinds of a variant in Saleor's own
    transaction could deadlock with it. A worker that dies between a refresh
    and the queueing leaves those differences in the partial index, where
    the next full pass finds them.
    """
    queued = {}
    offered = sellable.refresh()
    for marketplace in marketplaces:
        started = timezone.now()
        amazon = accepted.refresh(marketplace.pk)
        if offered is None or amazon is None:
            queued[marketplace.pk] = _run(marketplace, None)
        elif changed := sorted(set(offered) | set(amazon)):
            queued[marketplace.pk] = _run(marketplace, changed)
        else:
            queued[marketplace.pk] = {kind.value: 0 for kind in accepted.RECONCILED}
        AmazonSyncStatus.objects.update_or_create(
            marketplace=marketplace, defaults={"changes_reconciled_at": started}
        )
    return queued
