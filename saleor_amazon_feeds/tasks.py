"""Celery tasks, found by Saleor's ``app.autodiscover_tasks()`` in this module.

Each feature keeps its tasks in its own module; importing them here registers
them with the worker. Their beat entries are in ``schedule``.
"""

from celery.signals import worker_process_init, worker_ready

from .catalog.tasks import (
    build_feed_slices_task,
    poll_feed_submissions_task,
    submit_feeds_task,
)
from .heap import freeze_heap
from .orders.tasks import (
    confirm_shipment_task,
    import_orders_scheduled_task,
    import_orders_task,
    retry_shipments_task,
)
from .services.tasks import repair_saleor_app_task
from .sync.tasks import (
    drain_outbox_task,
    reconcile_task,
    urgent_check_task,
    urgent_patch_task,
)


@worker_process_init.connect(weak=False)
@worker_ready.connect(weak=False)
def freeze_worker_heap(**kwargs) -> None:
    """Take the start-up heap out of the collector's walks (see ``heap``):
    in each forked pool process, and in the main process, which runs the
    tasks itself with the solo and threads pools."""
    freeze_heap()


__all__ = [
    "build_feed_slices_task",
    "confirm_shipment_task",
    "freeze_worker_heap",
    "drain_outbox_task",
    "import_orders_scheduled_task",
    "import_orders_task",
    "poll_feed_submissions_task",
    "reconcile_task",
    "repair_saleor_app_task",
    "retry_shipments_task",
    "submit_feeds_task",
    "urgent_check_task",
    "urgent_patch_task",
]
