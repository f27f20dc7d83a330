"""Celery tasks, found by Saleor's ``app.autodiscover_tasks()`` in this module.

Each feature keeps its tasks in its own module; importing them here registers
them with the worker.
"""
