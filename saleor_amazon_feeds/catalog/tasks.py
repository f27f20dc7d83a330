"""Celery tasks for catalog feeds: submit in the background, poll results."""

from datetime import timedelta

from celery.utils.log import get_task_logger
from saleor.celeryconf import app
from saleor.core.db.connection import allow_writer

from .. import schedule
from ..amazon.errors import AmazonError
from ..models import AmazonMarketplace

log = get_task_logger(__name__)


@app.task(
    autoretry_for=(AmazonError,),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
@allow_writer()
def submit_feeds_task(marketplace_pk: int, kinds: list[str], trigger: str = "MANUAL"):
    from .submission import submit_feeds

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


@app.task
@allow_writer()
def poll_feed_submissions_task():
    from .submission import poll_open_submissions, recover_uploaded_submissions

    recover_uploaded_submissions()
    return poll_open_submissions()


schedule.register(
    "poll-feed-submissions",
    "saleor_amazon_feeds.catalog.tasks.poll_feed_submissions_task",
    timedelta(seconds=30),
)
