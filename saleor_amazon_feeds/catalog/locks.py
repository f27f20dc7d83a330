"""Redis locks of the catalog: one feed submission per marketplace at a time.

A manual submission (``amazonSubmitFeeds``) and the automatic drain both
build and send through :func:`.submission.submit_feeds`. Amazon applies feeds
in the order they were created, so two submissions of one marketplace must
not interleave: a feed built before a change but created after the drain's
newer feed would leave Amazon with the older quantity, and the drain would
already have consumed the outbox row of that change. Holding this lock from
the build to ``createFeed`` makes the later-built feed the later one.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache

import redis

from .. import conf
from ..amazon.errors import AmazonError

# Longer than any build of a whole catalog takes; a crashed holder's lock
# expires after it.
LOCK_TIMEOUT = 600
# How long a second submission waits for the first before giving up (its
# caller retries: the Celery task backs off, the drain records the wait).
WAIT_TIMEOUT = 300
# Marketplaces whose lock this thread holds: a submission that sets off another
# in the same thread (an eager Celery task run inside it) must not wait for
# itself.
_held = threading.local()


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def client() -> redis.Redis:
    """The plugin's Redis (locks, markers, debounces)."""
    return _client(conf.redis_url())


def key(*parts: object) -> str:
    return ":".join([conf.rate_limit_prefix(), *map(str, parts)])


@contextmanager
def submission_lock(marketplace_pk: int) -> Iterator[None]:
    """Wait for the marketplace's other submission, then hold the lock.

    Raises a retryable :class:`AmazonError` (``SubmissionBusy``, nothing sent)
    when the other one is still running after ``WAIT_TIMEOUT`` seconds.
    """
    held: set[int] = _held.__dict__.setdefault("marketplaces", set())
    if marketplace_pk in held:
        yield
        return
    lock = client().lock(
        key("submit", "lock", marketplace_pk),
        timeout=LOCK_TIMEOUT,
        blocking_timeout=WAIT_TIMEOUT,
    )
    if not lock.acquire():
        raise AmazonError(
            "another feed submission of this marketplace is still running",
            code="SubmissionBusy",
            retryable=True,
            retry_after=float(WAIT_TIMEOUT),
            merchant_message=(
                "Another feed submission of this marketplace is still running; "
                "this one will be retried."
            ),
            reached_amazon=False,
        )
    held.add(marketplace_pk)
    try:
        yield
    finally:
        held.discard(marketplace_pk)
        # Expired and taken by another worker: theirs to release now.
        with suppress(redis.exceptions.LockError):
            lock.release()
