from django.apps import AppConfig


class AmazonFeedsConfig(AppConfig):
    name = "saleor_amazon_feeds"
    label = "amazon_feeds"
    verbose_name = "Amazon Feeds"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings

        from . import schedule, tasks  # noqa: F401  (tasks register on import)

        beat_schedule = getattr(settings, "CELERY_BEAT_SCHEDULE", None)
        if isinstance(beat_schedule, dict):
            schedule.install(beat_schedule)
