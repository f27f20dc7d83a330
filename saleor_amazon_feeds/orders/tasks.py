"""Celery tasks of the order features (registered by ``saleor_amazon_feeds.tasks``;
their beat entries are in ``schedule``)."""

from celery.utils.log import get_task_logger
from django.db import transaction
from django.utils import timezone

from ..models import (
    AmazonMarketplace,
    AmazonOrderImportJob,
    AmazonShipmentConfirmation,
)
from ..models.accounts import MarketplaceStatus
from ..models.orders import JobTrigger, ShipmentStatus
from ..saleor_compat import JobStatus, allow_writer, celery_app
from .importer import run_job
from .jobs import sweep_interrupted
from .shipments import RetryLater, confirm_fulfillment, unrecorded_fulfillments

log = get_task_logger(__name__)

SHIPMENT_MAX_RETRIES = 6


@celery_app.task
@allow_writer()
def import_orders_task(job_id: int) -> None:
    job = AmazonOrderImportJob.objects.filter(pk=job_id).first()
    # Pending covers running (Saleor's JobStatus has no such state): a job a
    # worker lost half-way is taken up again.
    if job is None or job.status != JobStatus.PENDING:
        return
    try:
        run_job(job)
    except Exception as exc:
        log.exception("Amazon order import job %s crashed", job_id)
        AmazonOrderImportJob.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED,
            errors=[{"marketplaceId": "", "message": str(exc)}],
            updated_at=timezone.now(),
        )
        raise


@celery_app.task
@allow_writer()
def import_orders_scheduled_task() -> None:
    """Beat: one automatic job over marketplaces with automatic import on
    (first failing the jobs a dead worker left running)."""
    swept = sweep_interrupted()
    if swept:
        log.warning("Marked %s interrupted Amazon order import job(s) failed", swept)
    marketplaces = list(
        AmazonMarketplace.objects.filter(
            auto_import_orders=True, status=MarketplaceStatus.CONFIGURED
        )
    )
    if not marketplaces:
        return
    job = start_import_job(marketplaces, trigger=JobTrigger.AUTOMATIC, run=False)
    import_orders_task(job.pk)


def start_import_job(
    marketplaces, trigger=JobTrigger.MANUAL, requested_by: str = "", run: bool = True
) -> AmazonOrderImportJob:
    job = AmazonOrderImportJob.objects.create(
        trigger=trigger, requested_by=requested_by[:256]
    )
    job.marketplaces.set(marketplaces)
    if run:
        transaction.on_commit(lambda: import_orders_task.delay(job.pk))
    return job


@celery_app.task(bind=True, max_retries=SHIPMENT_MAX_RETRIES)
@allow_writer()
def confirm_shipment_task(self, fulfillment_id: int) -> str | None:
    try:
        return confirm_fulfillment(
            fulfillment_id, last_attempt=self.request.retries >= self.max_retries
        )
    except RetryLater as exc:
        countdown = exc.countdown or 30 * 2**self.request.retries
        raise self.retry(countdown=min(countdown, 3600)) from exc


@celery_app.task
@allow_writer()
def retry_shipments_task() -> None:
    """Beat: confirmations left PENDING (worker lost, retries exhausted early),
    and fulfillments whose confirmation was never recorded (a worker killed
    after taking the task or after Amazon answered)."""
    pending = AmazonShipmentConfirmation.objects.filter(
        status=ShipmentStatus.PENDING
    ).values_list("fulfillment_id", flat=True)[:100]
    for fulfillment_id in [*pending, *unrecorded_fulfillments()]:
        confirm_shipment_task.delay(fulfillment_id)


def enqueue_shipment_confirmation(fulfillment) -> None:
    """From the plugin hooks: only orders imported from Amazon, after commit."""
    order = fulfillment.order
    if not (order.metadata or {}).get("amazon.order_id"):
        return
    if not fulfillment.tracking_number:
        return
    fulfillment_id = fulfillment.pk
    transaction.on_commit(lambda: confirm_shipment_task.delay(fulfillment_id))
