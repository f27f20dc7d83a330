"""Celery tasks, found by Saleor's ``app.autodiscover_tasks()`` in this module.

Each feature keeps its tasks in its own module; importing them here registers
them with the worker.
"""

from .catalog.tasks import poll_feed_submissions_task, submit_feeds_task  # noqa: F401
