"""Import Amazon orders into Saleor: the entry points.

One run per marketplace (:func:`import_marketplace`): searchOrders since the
marketplace's cursor, following pagination (:mod:`.paging`); held orders are
added again from their stored payload; then the orders are processed in
batches of at most 50, each in one database transaction that locks the
batch's records so no order is ever created twice (:mod:`.batches`), creates
the new ones with ``orderBulkCreate`` (:mod:`.creation`, mapped by
:mod:`.mapping` with :mod:`.context`) and reserves their stock
(:mod:`.allocation`). The cursor only moves forward, after the whole window
is processed. :func:`run_job` runs a job over its marketplaces, recording
progress as it goes (:mod:`.jobs`); :func:`retry_held` retries held orders
on the merchant's request.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from ..amazon.errors import AmazonError
from ..crashpoints import crash_point
from ..models import AmazonImportedOrder, AmazonMarketplace, AmazonOrderImportJob
from ..models.orders import ImportStatus
from . import jobs
from .batches import BATCH_SIZE, process_batch
from .jobs import Outcome
from .paging import advance_cursor, fetch_orders, window_start

log = logging.getLogger(__name__)

__all__ = [
    "BATCH_SIZE",
    "Outcome",
    "import_marketplace",
    "process_batch",
    "retry_held",
    "run_job",
]


def run_job(job: AmazonOrderImportJob) -> AmazonOrderImportJob:
    """Run an import job over its marketplaces, recording progress as it goes."""
    jobs.mark_running(job)
    marketplaces = list(job.marketplaces.select_related("account", "channel"))
    errors: list[dict[str, str]] = []
    for marketplace in marketplaces:
        try:
            import_marketplace(marketplace, job)
        except AmazonError as err:
            log.warning("Order import for %s failed: %s", marketplace, err)
            errors.append(jobs.marketplace_error(marketplace, err))
    return jobs.finish(job, errors, len(marketplaces))


def import_marketplace(
    marketplace: AmazonMarketplace, job: AmazonOrderImportJob | None = None
) -> Outcome:
    """Import every order Amazon changed since the marketplace's cursor."""
    orders, upper = fetch_orders(
        marketplace,
        window_start(marketplace),
        on_page=None if job is None else lambda: jobs.heartbeat(job),
    )
    outcome = Outcome(found=len(orders))
    if job is not None:
        jobs.add_progress(job, Outcome(found=len(orders)))
    seen = {o["orderId"] for o in orders}
    # Held orders retry from the stored payload: the merchant may have fixed
    # the cause (a SKU, an address) without Amazon changing the order.
    retry = [
        record.payload
        for record in AmazonImportedOrder.objects.filter(
            marketplace=marketplace, status__in=[ImportStatus.HELD]
        ).exclude(amazon_order_id__in=seen)
        if record.payload
    ]
    work = sorted(orders + retry, key=lambda o: o["orderId"])
    for start in range(0, len(work), BATCH_SIZE):
        batch_outcome = process_batch(
            marketplace, work[start : start + BATCH_SIZE], job
        )
        if job is not None:
            jobs.add_progress(job, batch_outcome)
        outcome.absorb(batch_outcome)
        crash_point("orders.after_batch")
    if upper is not None:
        advance_cursor(marketplace, upper)
    return outcome


def retry_held(
    records: Iterable[AmazonImportedOrder], skip_address_validation: bool = False
) -> Outcome:
    """Retry held orders now (the merchant fixed the cause, or accepts the
    address as Amazon sent it)."""
    outcome = Outcome()
    by_marketplace: dict[int, list[AmazonImportedOrder]] = {}
    for record in records:
        if record.status == ImportStatus.HELD and record.payload:
            by_marketplace.setdefault(record.marketplace_id, []).append(record)
    for group in by_marketplace.values():
        marketplace = AmazonMarketplace.objects.select_related(
            "account", "channel"
        ).get(pk=group[0].marketplace_id)
        payloads = [r.payload for r in group]
        for start in range(0, len(payloads), BATCH_SIZE):
            outcome.absorb(
                process_batch(
                    marketplace,
                    payloads[start : start + BATCH_SIZE],
                    skip_address_validation=skip_address_validation,
                )
            )
    return outcome
