"""Periodic tasks the plugin registers with Saleor's Celery beat by itself.

Merchants set nothing up: ``AppConfig.ready()`` merges these entries into
``CELERY_BEAT_SCHEDULE`` (the dict Saleor's beat reads), keyed under the
plugin's namespace. One table, naming each task by its Celery name, so that
installing the schedule imports no task module (they load Saleor's GraphQL
and Celery machinery, which ``ready()`` must not pull into every process);
a test checks that every name here is a registered task.
"""

from datetime import timedelta
from typing import Any

DRAIN_EVERY = timedelta(seconds=15)
RECONCILE_EVERY = timedelta(minutes=10)
# Between full passes, a cheap pass over the variants changed meanwhile.
RECONCILE_CHANGES_EVERY = timedelta(minutes=1)
IMPORT_EVERY = timedelta(minutes=5)


def _entry(task: str, every: timedelta, **options: Any) -> dict[str, Any]:
    return {
        "task": task,
        "schedule": every,
        # A run that could not start before the next one is due is pointless.
        "options": {"expires": every.total_seconds(), **options},
    }


PERIODIC_TASKS: dict[str, dict[str, Any]] = {
    "amazon-feeds-poll-feed-submissions": _entry(
        "saleor_amazon_feeds.catalog.tasks.poll_feed_submissions_task",
        timedelta(seconds=30),
    ),
    "amazon-feeds-orders-import": _entry(
        "saleor_amazon_feeds.orders.tasks.import_orders_scheduled_task",
        IMPORT_EVERY,
    ),
    "amazon-feeds-orders-shipments-retry": _entry(
        "saleor_amazon_feeds.orders.tasks.retry_shipments_task",
        timedelta(minutes=15),
    ),
    "amazon-feeds-drain-outbox": _entry(
        "saleor_amazon_feeds.sync.tasks.drain_outbox_task", DRAIN_EVERY
    ),
    "amazon-feeds-reconcile": _entry(
        "saleor_amazon_feeds.sync.tasks.reconcile_task", RECONCILE_EVERY
    ),
    # Products Saleor changed whose hook never ran (a crash after Saleor's
    # commit): titles, attributes, images, which the reconciliation above
    # (quantity and price) cannot see.
    "amazon-feeds-reconcile-listings": _entry(
        "saleor_amazon_feeds.sync.tasks.reconcile_listings_task", RECONCILE_EVERY
    ),
    "amazon-feeds-reconcile-changes": _entry(
        "saleor_amazon_feeds.sync.tasks.reconcile_changed_task",
        RECONCILE_CHANGES_EVERY,
    ),
    # Repairs the plugin's Saleor App (stock webhook, dashboard extensions,
    # a changed PUBLIC_URL) as often as the listings are reconciled.
    "amazon-feeds-saleor-app": _entry(
        "saleor_amazon_feeds.services.tasks.repair_saleor_app_task",
        RECONCILE_EVERY,
    ),
}


def install(beat_schedule: dict[str, Any]) -> None:
    """Merge the plugin's entries into Saleor's schedule dict, in place."""
    beat_schedule.update(PERIODIC_TASKS)
