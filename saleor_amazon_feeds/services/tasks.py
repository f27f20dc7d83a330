"""Celery tasks of the services (registered by ``saleor_amazon_feeds.tasks``;
beat entry in ``schedule``)."""

from ..saleor_compat import allow_writer, celery_app
from .saleor_app import repair


@celery_app.task
@allow_writer()
def repair_saleor_app_task() -> None:
    """Beat: put the plugin's Saleor App back as ``services.saleor_app`` wants it."""
    repair()
