"""Celery tasks, found by Saleor's ``app.autodiscover_tasks()`` in this module.

Each feature keeps its tasks in its own module; importing them here registers
them with the worker.
"""

from .catalog.tasks import poll_feed_submissions_task, submit_feeds_task  # noqa: F401
from .orders.tasks import (  # noqa: F401
    confirm_shipment_task,
    import_orders_scheduled_task,
    import_orders_task,
    retry_shipments_task,
)
from .sync.tasks import (  # noqa: F401
    drain_outbox_task,
    reconcile_task,
    urgent_check_task,
    urgent_patch_task,
)
