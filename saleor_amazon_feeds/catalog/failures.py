"""What a submission that failed as a whole leaves behind.

A FATAL feed, a feed stuck at Amazon past the deadline, a processing report
that cannot be read or a cancelled feed rejected none of its messages: they
go back into the automatic sync's outbox (version bumped, so a drain that
read the row before does not delete it) and are sent again by themselves.
The sync backs off, longer after each failure in a row, so a fault that
persists never turns into a loop spending the feed quota, and the merchant
sees why it waits (``ERROR`` with the submission's error) until a feed goes
through again.
"""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from .. import conf
from ..models import (
    AmazonFeedSubmission,
    AmazonListingState,
    AmazonSyncChange,
    AmazonSyncStatus,
)
from ..models.feeds import SubmissionStatus
from ..models.sync import SyncWaitReason

FAILURE_BACKOFF = timedelta(minutes=1)
MAX_FAILURE_BACKOFF = timedelta(hours=1)
_FAILED = (SubmissionStatus.FATAL, SubmissionStatus.ERROR, SubmissionStatus.CANCELLED)

_REQUEUE = """
INSERT INTO {outbox} (marketplace_id, kind, product_id, variant_id, version,
                      first_changed_at, changed_at)
SELECT DISTINCT s.marketplace_id, s.kind, s.product_id, coalesce(s.variant_id, 0),
       1, clock_timestamp(), clock_timestamp()
FROM {state} s
WHERE s.last_submission_id = %s AND s.product_id IS NOT NULL
ON CONFLICT (marketplace_id, kind, product_id, variant_id) DO UPDATE
SET version = {outbox}.version + 1, changed_at = EXCLUDED.changed_at
"""


def send_again(submission: AmazonFeedSubmission) -> int:
    """Queue the submission's products again and back the sync off; returns
    the outbox rows written (none for a marketplace without automatic sync:
    its merchant submits again, the submission's status says why)."""
    marketplace = submission.marketplace
    if not marketplace.auto_sync:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            _REQUEUE.format(
                outbox=AmazonSyncChange._meta.db_table,
                state=AmazonListingState._meta.db_table,
            ),
            [submission.pk],
        )
        written = cursor.rowcount
    delay = backoff(failures_in_a_row(submission.marketplace_id))
    AmazonSyncStatus.objects.update_or_create(
        marketplace=marketplace,
        defaults={
            "waiting_reason": SyncWaitReason.ERROR,
            "last_error": submission.error,
            "next_submission_at": timezone.now() + conf.scaled(delay),
        },
    )
    return written


def failures_in_a_row(marketplace_pk: int) -> int:
    """Submissions that failed as a whole since the last one that went through."""
    last_done = (
        AmazonFeedSubmission.objects.filter(
            marketplace_id=marketplace_pk, status=SubmissionStatus.DONE
        )
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    failed = AmazonFeedSubmission.objects.filter(
        marketplace_id=marketplace_pk, status__in=_FAILED
    )
    if last_done is not None:
        failed = failed.filter(pk__gt=last_done)
    return failed.count()


def backoff(failures: int) -> timedelta:
    """One minute after the first failure, doubling, at most an hour."""
    steps = max(failures - 1, 0)
    if steps >= 6:
        return MAX_FAILURE_BACKOFF
    return min(FAILURE_BACKOFF * 2**steps, MAX_FAILURE_BACKOFF)
