"""Redis locks and markers shared by the drainer and the urgent stock path."""

from collections.abc import Iterator
from contextlib import contextmanager, suppress

import redis

from ..catalog.locks import client, key

LOCK_TIMEOUT = 600
# An urgent PATCH takes a second or two; the marker outlives a crashed worker
# only briefly.
URGENT_TTL = 120


def _key(*parts: object) -> str:
    return key("sync", *parts)


@contextmanager
def marketplace_lock(marketplace_pk: int, name: str) -> Iterator[bool]:
    """Non-blocking: yields False when another worker holds it."""
    lock = client().lock(
        _key("lock", name, marketplace_pk), timeout=LOCK_TIMEOUT, blocking=False
    )
    acquired = lock.acquire(blocking=False)
    try:
        yield acquired
    finally:
        if acquired:
            # Expired and taken by another worker: theirs to release now.
            with suppress(redis.exceptions.LockError):
                lock.release()


def claim_urgent(marketplace_pk: int, product_id: int, sku: str) -> bool:
    """Mark an urgent PATCH in flight; False if another worker has it.

    Saleor sends several stock events for one change (stock updated, out of
    stock): only one of them may PATCH.
    """
    redis_client = client()
    if not redis_client.set(
        _key("urgent-claim", marketplace_pk, sku), 1, nx=True, ex=URGENT_TTL
    ):
        return False
    key = _key("urgent", marketplace_pk)
    pipe = redis_client.pipeline()
    pipe.hset(key, sku, product_id)
    pipe.expire(key, URGENT_TTL)
    pipe.execute()
    return True


def clear_urgent(marketplace_pk: int, sku: str) -> None:
    redis_client = client()
    redis_client.hdel(_key("urgent", marketplace_pk), sku)
    redis_client.delete(_key("urgent-claim", marketplace_pk, sku))


def urgent_products(marketplace_pk: int) -> set[int]:
    values = client().hvals(_key("urgent", marketplace_pk))
    return {int(v) for v in values}


def debounce(name: str, seconds: float) -> bool:
    """True for the first caller within ``seconds``; later ones are dropped."""
    return bool(
        client().set(_key("debounce", name), 1, nx=True, px=max(int(seconds * 1000), 1))
    )
