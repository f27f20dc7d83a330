"""Order import job bookkeeping: what a run did, and the job record's progress.

An :class:`Outcome` counts what happened to the orders of one batch, one
marketplace or one retry; :class:`AmazonOrderImportJob` rows show the same
counts to the merchant while the job runs (``amazonOrderImport``), so every
batch adds its outcome to the job as soon as it has committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import transaction
from django.utils import timezone

from .. import conf
from ..amazon.errors import AmazonError
from ..models import AmazonMarketplace, AmazonOrderImportJob
from ..saleor_compat import JobStatus

# Per-order reasons kept on a job (and in one outcome): enough to act on, while
# a window of thousands of pending orders cannot bloat the row.
MAX_DETAILS = 200
COUNTERS = ("imported", "updated", "skipped", "held")
INTERRUPTED = (
    "Interrupted: the worker running this import stopped. The orders it had "
    "not reached are imported by the next run."
)


@dataclass
class Outcome:
    found: int = 0
    imported: int = 0
    updated: int = 0
    skipped: int = 0
    held: int = 0
    details: list[dict[str, str]] = field(default_factory=list)

    def note(self, kind: str, amazon_order_id: str, reason: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        if kind in ("skipped", "held") and len(self.details) < MAX_DETAILS:
            self.details.append(
                {"amazonOrderId": amazon_order_id, "status": kind, "reason": reason}
            )

    def absorb(self, part: Outcome) -> None:
        """Add a batch's outcome (``found`` is counted once, by the fetch)."""
        for name in COUNTERS:
            setattr(self, name, getattr(self, name) + getattr(part, name))
        self.details.extend(part.details)


class JobState(StrEnum):
    """A job's state as the API shows it (``AmazonOrderImportJobStatus``).

    Saleor's ``JobStatus``, which the job stores, has no "running": that is a
    pending job a worker has started.
    """

    PENDING = "PENDING"
    RUNNING = "RUNNING"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"


def job_state(job: AmazonOrderImportJob) -> JobState:
    if job.status == JobStatus.PENDING:
        return JobState.PENDING if job.started_at is None else JobState.RUNNING
    if job.status == JobStatus.SUCCESS:
        return JobState.SUCCESS
    # FAILED, and Saleor's DELETED, which the plugin never sets.
    return JobState.FAILED


def mark_running(job: AmazonOrderImportJob) -> None:
    # ``update`` skips ``auto_now``: the change time is set explicitly.
    now = timezone.now()
    AmazonOrderImportJob.objects.filter(pk=job.pk).update(
        started_at=now, updated_at=now
    )


def heartbeat(job: AmazonOrderImportJob) -> None:
    """The job is alive (a page fetched): keeps the sweeper off it."""
    AmazonOrderImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now())


def sweep_interrupted() -> int:
    """Fail running jobs that showed no sign of life for
    ``conf.import_job_stale_after``: their worker died, and nothing else would
    ever finish them. No order is lost by it: the cursor moves only after a
    whole window, so the next run reads the same orders again. A job whose
    worker was merely slow records its real end when it finishes."""
    now = timezone.now()
    return AmazonOrderImportJob.objects.filter(
        status=JobStatus.PENDING,
        started_at__isnull=False,
        updated_at__lt=now - conf.import_job_stale_after(),
    ).update(
        status=JobStatus.FAILED,
        errors=[{"marketplaceId": "", "message": INTERRUPTED}],
        finished_at=now,
        updated_at=now,
    )


def add_progress(job: AmazonOrderImportJob, delta: Outcome) -> None:
    """Add ``delta`` to the job's counters under a row lock: the counts are
    sums over marketplaces and batches, never overwritten."""
    with transaction.atomic():
        locked = AmazonOrderImportJob.objects.select_for_update().get(pk=job.pk)
        for name in ("found", *COUNTERS):
            setattr(locked, name, getattr(locked, name) + getattr(delta, name))
        locked.skipped_details = (locked.skipped_details + delta.details)[:MAX_DETAILS]
        locked.save(update_fields=["found", *COUNTERS, "skipped_details", "updated_at"])


def marketplace_error(
    marketplace: AmazonMarketplace, err: AmazonError
) -> dict[str, str]:
    """How a marketplace whose import Amazon failed is listed on the job."""
    return {
        "marketplaceId": marketplace.marketplace_id,
        "message": err.merchant_message or str(err),
    }


def finish(
    job: AmazonOrderImportJob,
    errors: Sequence[dict[str, str]],
    marketplaces: int,
) -> AmazonOrderImportJob:
    """Record the end of a run: FAILED only when every marketplace failed."""
    job.refresh_from_db()
    job.errors = list(errors)
    job.status = (
        JobStatus.FAILED
        if errors and len(errors) == marketplaces
        else JobStatus.SUCCESS
    )
    job.finished_at = timezone.now()
    job.save(update_fields=["errors", "status", "finished_at", "updated_at"])
    return job
