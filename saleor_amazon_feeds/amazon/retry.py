"""When to repeat a failed call, and how long to wait first (pure logic)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .errors import AmazonError

# Operations that create something on every call: repeating one after Amazon
# may have processed it would create it twice (a second feed).
NON_IDEMPOTENT = frozenset({"createFeed"})


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter on top of Amazon's own hints.

    The n-th retry (n from 0) waits ``base * factor**n`` seconds, capped at
    ``max_delay``, with up to ``jitter`` of it randomised so workers that
    were throttled together do not retry together. A longer hint from
    Retry-After or the reported rate wins, also capped at ``max_delay``.
    """

    base: float = 0.5
    factor: float = 2.0
    max_delay: float = 60.0
    jitter: float = 0.5

    def delay(
        self,
        attempt: int,
        hint: float | None = None,
        *,
        rand: random.Random | None = None,
    ) -> float:
        r = rand or random
        raw = min(self.max_delay, self.base * self.factor**attempt)
        delay = raw * (1 - self.jitter) + raw * self.jitter * r.random()
        if hint is not None and hint > delay:
            delay = hint
        return min(delay, self.max_delay)


def should_retry(err: AmazonError, operation: str) -> bool:
    if not err.retryable:
        return False
    # 429 means Amazon refused before doing anything; a 5xx or a read timeout
    # on createFeed may have created the feed already.
    return not (
        operation in NON_IDEMPOTENT and err.reached_amazon and err.status != 429
    )
