"""Celery tasks for catalog feeds: submit in the background, build slices of
a split build, poll results (beat entries in ``schedule``)."""

import uuid

from celery.utils.log import get_task_logger

from ..amazon.errors import AmazonError
from ..listings.kinds import FeedTrigger
from ..models import AmazonMarketplace
from ..saleor_compat import allow_writer, celery_app
from .results import poll_open_submissions, recover_uploaded_submissions
from .submission import build_slices, submit_feeds

log = get_task_logger(__name__)


@celery_app.task(
    autoretry_for=(AmazonError,),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
@allow_writer()
def submit_feeds_task(
    marketplace_pk: int, kinds: list[str], trigger: str = FeedTrigger.MANUAL
):
    marketplace = (
        AmazonMarketplace.objects.select_related("account", "channel")
        .filter(pk=marketplace_pk)
        .first()
    )
    if marketplace is None:
        log.info("Marketplace %s is gone; nothing to submit", marketplace_pk)
        return
    submissions = submit_feeds(marketplace, kinds, trigger=trigger)
    log.info(
        "Submitted %s feed document(s) for marketplace %s",
        len(submissions),
        marketplace.marketplace_id,
    )


@celery_app.task
@allow_writer()
def build_feed_slices_task(build: str) -> int:
    """Help build a split feed build (``slices``): claim and build its free
    slices. The submission that queued it assembles and sends; nothing here
    is retried, a failed slice fails that submission."""
    return build_slices(uuid.UUID(build), recruit=True)


@celery_app.task
@allow_writer()
def poll_feed_submissions_task():
    recover_uploaded_submissions()
    return poll_open_submissions()
