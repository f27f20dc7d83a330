from django.apps import AppConfig
from django.conf import settings

from . import schedule


class AmazonFeedsConfig(AppConfig):
    name = "saleor_amazon_feeds"
    label = "amazon_feeds"
    verbose_name = "Amazon Feeds"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Celery finds the tasks themselves in ``saleor_amazon_feeds.tasks``
        # (Saleor's ``app.autodiscover_tasks()``); beat needs only their names.
        beat_schedule = getattr(settings, "CELERY_BEAT_SCHEDULE", None)
        if isinstance(beat_schedule, dict):
            schedule.install(beat_schedule)
