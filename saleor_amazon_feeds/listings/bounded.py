"""Caches that a long build fills with values it may never meet again."""

from typing import Any


def bounded_put[V](cache: dict, key: Any, value: V, limit: int) -> V:
    """Store ``value`` under ``key``, first emptying a cache that reached
    ``limit`` entries: unique values (names, descriptions) would otherwise pile
    up for the whole build, while emptying costs only recomputing what comes
    again. Returns ``value``."""
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value
    return value
