"""Periodic tasks the plugin registers with Saleor's Celery beat by itself.

Merchants set nothing up: AppConfig.ready() merges these entries into
CELERY_BEAT_SCHEDULE (the dict Saleor's beat reads), keyed under the plugin's
namespace. Features add their entries to PERIODIC_TASKS.
"""

from datetime import timedelta
from typing import Any

PERIODIC_TASKS: dict[str, dict[str, Any]] = {}


def register(name: str, task: str, every: timedelta, **options: Any) -> None:
    PERIODIC_TASKS[f"amazon-feeds-{name}"] = {
        "task": task,
        "schedule": every,
        # A run that could not start before the next one is due is pointless.
        "options": {"expires": every.total_seconds(), **options},
    }


def install(beat_schedule: dict[str, Any]) -> None:
    """Merge the plugin's entries into Saleor's schedule dict, in place."""
    beat_schedule.update(PERIODIC_TASKS)
