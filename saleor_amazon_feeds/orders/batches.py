"""One batch of Amazon orders, in one transaction, never imported twice.

A batch holds at most 50 orders (``orderBulkCreate``'s limit):

1. an :class:`AmazonImportedOrder` row per Amazon order is inserted (``ON
   CONFLICT DO NOTHING``, under the unique (marketplace, order id) constraint)
   and all rows of the batch are locked, in order-id order so two workers never
   deadlock;
2. under those locks each order is routed: orders that already have a Saleor
   order only get updates (cancellation), pending, cancelled and unimportable
   ones are recorded as such, and the new importable ones go to
   :func:`.creation.create_orders`;
3. the records are saved (one UPDATE) and the transaction commits.

A second worker importing the same orders waits for the row locks and then
finds them imported; Saleor's unique ``externalReference`` is checked too, so
an order whose record was lost is linked, not created again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from saleor.app.models import App
from saleor.order.models import Order

from ..crashpoints import crash_point
from ..models import AmazonImportedOrder, AmazonMarketplace, AmazonOrderImportJob
from ..models.orders import ImportStatus
from ..plugin_app import get_or_create_plugin_app
from . import mapping
from .cancellation import cancel_imported_order
from .creation import create_orders
from .jobs import Outcome
from .records import save_records

BATCH_SIZE = 50  # orderBulkCreate's limit


def process_batch(
    marketplace: AmazonMarketplace,
    orders: Sequence[dict[str, Any]],
    job: AmazonOrderImportJob | None = None,
    *,
    skip_address_validation: bool = False,
) -> Outcome:
    """Import or update up to 50 orders; ``skip_address_validation`` is for the
    merchant retrying held orders whose address Saleor's rules reject."""
    outcome = Outcome()
    newest = newest_versions(orders)
    ids = sorted(newest)
    if not ids:
        return outcome
    app = get_or_create_plugin_app()
    with transaction.atomic():
        records = lock_records(marketplace, ids)
        existing = saleor_orders_by_reference(ids)
        to_create: list[tuple[AmazonImportedOrder, dict[str, Any]]] = []
        for order_id in ids:
            record, order = records[order_id], newest[order_id]
            remember(record, order, job)
            if record.order_id is not None:
                _update_existing(record, order, app, outcome)
            elif record.status == ImportStatus.IMPORTED:
                # The merchant deleted the Saleor order: never bring it back.
                outcome.note("skipped", order_id, "The Saleor order was deleted.")
            elif record.status == ImportStatus.CANCELLED:
                outcome.note("skipped", order_id, record.reason)
            else:
                _route_new(record, order, outcome, to_create, existing)
        if to_create:
            create_orders(marketplace, to_create, app, outcome, skip_address_validation)
        # A crash here rolls the Saleor orders back with the records: the
        # next import finds neither and creates them once.
        crash_point("orders.after_bulk_create")
        save_records(list(records.values()))
    return outcome


def amazon_updated_at(order: Mapping[str, Any]) -> datetime:
    return parse_datetime(order.get("lastUpdatedTime") or "") or timezone.now()


def newest_versions(orders: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """{order id: its newest version} (a held order's stored payload may be
    older than what Amazon just sent)."""
    newest: dict[str, dict[str, Any]] = {}
    for order in orders:
        current = newest.get(order["orderId"])
        if current is None or amazon_updated_at(order) >= amazon_updated_at(current):
            newest[order["orderId"]] = order
    return newest


def lock_records(
    marketplace: AmazonMarketplace, ids: Sequence[str]
) -> dict[str, AmazonImportedOrder]:
    """Insert the batch's records where missing and lock them all, in order-id
    order; runs inside the batch's transaction."""
    AmazonImportedOrder.objects.bulk_create(
        [
            AmazonImportedOrder(
                marketplace=marketplace,
                amazon_order_id=order_id,
                status=ImportStatus.PENDING,
                reason="Being imported",
            )
            for order_id in ids
        ],
        ignore_conflicts=True,
    )
    return {
        r.amazon_order_id: r
        for r in AmazonImportedOrder.objects.select_for_update(of=("self",))
        .filter(marketplace=marketplace, amazon_order_id__in=ids)
        .select_related("order")
        .order_by("amazon_order_id")
    }


def saleor_orders_by_reference(ids: Sequence[str]) -> dict[str, Any]:
    """{Amazon order id: Saleor order pk} for orders Saleor already has."""
    return dict(
        Order.objects.filter(external_reference__in=ids).values_list(
            "external_reference", "pk"
        )
    )


def remember(
    record: AmazonImportedOrder,
    order: dict[str, Any],
    job: AmazonOrderImportJob | None,
) -> None:
    """Keep Amazon's newest version on the record (held orders are retried
    from it)."""
    when = amazon_updated_at(order)
    if record.amazon_last_updated is None or when >= record.amazon_last_updated:
        record.payload = order
        record.amazon_last_updated = when
        record.amazon_status = mapping.status_of(order)
        record.fulfilled_by = mapping.fulfilled_by(order)
    if job is not None:
        record.last_job = job


def _update_existing(
    record: AmazonImportedOrder, order: dict[str, Any], app: App, outcome: Outcome
) -> None:
    order_id = record.amazon_order_id
    if mapping.status_of(order) == "CANCELLED":
        changed, reason = cancel_imported_order(record, app)
        if changed:
            record.status = ImportStatus.CANCELLED
            record.reason = reason
            outcome.note("updated", order_id, reason)
            return
        if reason:
            record.reason = reason
        outcome.note("skipped", order_id, reason or "Already cancelled")
        return
    outcome.note("skipped", order_id, "Already imported")


def _route_new(
    record: AmazonImportedOrder,
    order: dict[str, Any],
    outcome: Outcome,
    to_create: list[tuple[AmazonImportedOrder, dict[str, Any]]],
    existing: Mapping[str, Any],
) -> None:
    order_id = record.amazon_order_id
    status = mapping.status_of(order)
    if status in mapping.PENDING_STATUSES:
        record.status = ImportStatus.PENDING
        record.reason = (
            "Pending on Amazon: imported once Amazon completes the order "
            "(prices and address are not final yet)."
        )
        outcome.note("skipped", order_id, record.reason)
    elif status == "CANCELLED":
        record.status = ImportStatus.CANCELLED
        record.reason = "Cancelled on Amazon before it was imported."
        outcome.note("skipped", order_id, record.reason)
    elif status not in mapping.IMPORTABLE_STATUSES:
        record.status = ImportStatus.SKIPPED
        record.reason = f"Amazon status {status or 'unknown'} is not imported."
        outcome.note("skipped", order_id, record.reason)
    elif order_id in existing:
        # Created by an earlier run whose record was lost: link, never duplicate.
        record.order_id = existing[order_id]
        record.status = ImportStatus.IMPORTED
        record.reason = ""
        outcome.note("skipped", order_id, "Already imported")
    else:
        to_create.append((record, order))
