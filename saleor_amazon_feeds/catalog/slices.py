"""A full build of a large catalog split by product id among Celery workers.

The submission that builds a feed (``submission.FeedBuild``) plans the
slices, consecutive ranges of product ids, as ``AmazonFeedSlice`` rows and
queues a helper task; a helper that finds more free slices queues the next,
so every free worker joins. Any worker, the submission's own included, claims
the next free slice, builds its messages exactly as the one-worker build does
(validation, listing gate, messages Amazon already has left out) and stores
them as ``AmazonFeedSliceChunk`` rows in one transaction with the slice's
DONE. The submission builds slices too while any are free (so a single busy
worker still finishes), waits for the others, then reads the chunks in slice
and page order: the messages come out in the one-worker build's order and
are written into documents of up to the feed's maximum and sent as before,
under the submission's lock. Only the submission sends, and only once every
slice is built: a failed slice fails the submission before anything reached
Amazon.

A claim names its claimant (``claim``): a slice claimed longer than
``STALE_CLAIM`` ago is taken to belong to a worker that died and may be
claimed again; the first claimant's late result is then refused (its
transaction rolls back), so no message is stored twice.

This module keeps the rows; what a slice builds is ``submission``'s.
"""

import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from saleor.product.models import Product

from ..listings.kinds import FeedKind
from ..models import AmazonFeedSlice, AmazonFeedSliceChunk, AmazonMarketplace
from ..models.feeds import SliceStatus
from . import records
from .types import BuiltMessage

# Longer than any slice takes to build (seconds for a few hundred products):
# a claim older than this is a dead worker's.
STALE_CLAIM = timedelta(minutes=5)
# How often the submission looks at the other workers' slices while waiting.
POLL_SECONDS = 0.05


class SliceFailed(Exception):
    """A slice could not be built: the submission fails with this reason."""


class Superseded(Exception):
    """The slice was claimed again (its claim went stale): this build of it
    is dropped."""


@dataclass(frozen=True, slots=True)
class Claimed:
    """A slice as the worker that claimed it sees it."""

    pk: int
    build: uuid.UUID
    index: int
    count: int
    marketplace_id: int
    kind: FeedKind
    skip_unchanged: bool
    after_product_id: int
    last_product_id: int | None
    claim: uuid.UUID

    def product_ids(self) -> list[int]:
        """The slice's products now (one created since the plan, in the
        last, open-ended slice, is built too, as the one-worker build would)."""
        products = Product.objects.filter(pk__gt=self.after_product_id)
        if self.last_product_id is not None:
            products = products.filter(pk__lte=self.last_product_id)
        return list(products.order_by("pk").values_list("pk", flat=True))

    def describe(self) -> str:
        last = "" if self.last_product_id is None else f" to {self.last_product_id}"
        return (
            f"slice {self.index + 1} of {self.count} (products after "
            f"{self.after_product_id}{last})"
        )


def wanted(product_ids: list[int] | None, kind: FeedKind, threshold: int) -> bool:
    """Whether this build is split: a full build (every product) of a kind
    built from the catalog, of a catalog of at least ``threshold`` products."""
    if product_ids is not None or kind == FeedKind.DELETIONS or threshold <= 0:
        return False
    return Product.objects.count() >= threshold


def plan(
    marketplace: AmazonMarketplace,
    kind: FeedKind,
    build: uuid.UUID,
    *,
    skip_unchanged: bool,
    slice_products: int,
) -> int:
    """Cut the catalog into slices of ``slice_products`` products; returns
    how many. The marketplace's earlier slices (a submission that died before
    cleaning up) go: the submission lock makes this one the only build."""
    for earlier in set(
        AmazonFeedSlice.objects.filter(marketplace=marketplace).values_list(
            "build", flat=True
        )
    ):
        forget(earlier)
    table = connection.ops.quote_name(Product._meta.db_table)
    # Every slice_products-th id, in one statement: the catalog's ids never
    # come to Python.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n "
            f"FROM {table}) AS numbered WHERE n %% %s = 0 ORDER BY id",
            [slice_products],
        )
        bounds = [row[0] for row in cursor.fetchall()]
    # The last slice is open-ended: products created meanwhile are in it.
    ranges = list(zip([0, *bounds], [*bounds, None], strict=True))
    if len(ranges) > 1 and bounds and _empty_tail(bounds[-1]):
        ranges[-2:] = [(ranges[-2][0], None)]
    AmazonFeedSlice.objects.bulk_create(
        AmazonFeedSlice(
            build=build,
            marketplace=marketplace,
            kind=kind,
            skip_unchanged=skip_unchanged,
            index=index,
            after_product_id=after,
            last_product_id=last,
        )
        for index, (after, last) in enumerate(ranges)
    )
    return len(ranges)


def _empty_tail(last_bound: int) -> bool:
    return not Product.objects.filter(pk__gt=last_bound).exists()


def claim(build: uuid.UUID) -> Claimed | None:
    """The build's next free slice, now this worker's; None when every slice
    is taken or done (or the build is gone)."""
    stale = timezone.now() - STALE_CLAIM
    with transaction.atomic():
        row = (
            AmazonFeedSlice.objects.select_for_update(skip_locked=True)
            .filter(build=build)
            .filter(
                Q(status=SliceStatus.QUEUED)
                | Q(status=SliceStatus.BUILDING, claimed_at__lt=stale)
            )
            .order_by("index")
            .first()
        )
        if row is None:
            return None
        token = uuid.uuid4()
        row.status = SliceStatus.BUILDING
        row.claim = token
        row.claimed_at = timezone.now()
        row.worker = socket.gethostname()[:255]
        row.save(update_fields=["status", "claim", "claimed_at", "worker"])
        count = AmazonFeedSlice.objects.filter(build=build).count()
    return Claimed(
        pk=row.pk,
        build=build,
        index=row.index,
        count=count,
        marketplace_id=row.marketplace_id,
        kind=FeedKind(row.kind),
        skip_unchanged=row.skip_unchanged,
        after_product_id=row.after_product_id,
        last_product_id=row.last_product_id,
        claim=token,
    )


def any_free(build: uuid.UUID) -> bool:
    """Whether a slice of the build waits for a worker."""
    return AmazonFeedSlice.objects.filter(
        build=build, status=SliceStatus.QUEUED
    ).exists()


class SliceWriter:
    """Stores a slice's messages a page at a time; call inside the slice's
    transaction and ``finish`` last."""

    def __init__(self, claimed: Claimed) -> None:
        self.claimed = claimed
        self.seq = 0
        self.count = 0
        self._pending: list[bytes] = []

    def __len__(self) -> int:
        """Messages added since the last flush."""
        return len(self._pending)

    def add(self, built: BuiltMessage) -> None:
        self._pending.append(records.frame(built))
        self.count += 1

    def flush(self) -> None:
        """One chunk row for what was added since the last flush."""
        if not self._pending:
            return
        AmazonFeedSliceChunk.objects.create(
            build=self.claimed.build,
            index=self.claimed.index,
            seq=self.seq,
            data=b"".join(self._pending),
        )
        self.seq += 1
        self._pending = []

    def finish(self, skipped: int) -> None:
        """Mark the slice DONE; raises :class:`Superseded` (roll back) when
        another worker claimed it since."""
        self.flush()
        done = AmazonFeedSlice.objects.filter(
            pk=self.claimed.pk, claim=self.claimed.claim, status=SliceStatus.BUILDING
        ).update(
            status=SliceStatus.DONE,
            message_count=self.count,
            skipped_count=skipped,
        )
        if not done:
            raise Superseded(self.claimed.describe())


def fail(claimed: Claimed, reason: str) -> None:
    """Record why the slice could not be built (the submission reads it)."""
    AmazonFeedSlice.objects.filter(pk=claimed.pk, claim=claimed.claim).update(
        status=SliceStatus.FAILED,
        error=f"Building {claimed.describe()} failed: {reason}"[:4000],
    )


@dataclass(frozen=True, slots=True)
class Progress:
    done: bool
    skipped: int = 0


def progress(build: uuid.UUID) -> Progress:
    """Whether every slice is built; raises :class:`SliceFailed` with the
    first failed slice's reason."""
    rows = list(
        AmazonFeedSlice.objects.filter(build=build)
        .order_by("index")
        .values_list("status", "error", "skipped_count")
    )
    if not rows:
        raise SliceFailed("The slices of the build were removed before it finished.")
    for status, error, _ in rows:
        if status == SliceStatus.FAILED:
            raise SliceFailed(error)
    if all(status == SliceStatus.DONE for status, _, _ in rows):
        return Progress(done=True, skipped=sum(row[2] for row in rows))
    return Progress(done=False)


def wait(build: uuid.UUID, build_free: Any) -> Progress:
    """Build free slices with ``build_free()`` (the submission's worker
    helps), and wait for the others' until every slice is done."""
    while True:
        build_free()
        state = progress(build)
        if state.done:
            return state
        time.sleep(POLL_SECONDS)


def read(build: uuid.UUID) -> Iterator[BuiltMessage]:
    """The build's messages in slice and page order, a chunk in memory at a
    time."""
    chunk_ids = list(
        AmazonFeedSliceChunk.objects.filter(build=build)
        .order_by("index", "seq")
        .values_list("pk", flat=True)
    )
    for pk in chunk_ids:
        data = AmazonFeedSliceChunk.objects.values_list("data", flat=True).get(pk=pk)
        yield from records.unframe(bytes(data))


def forget(build: uuid.UUID) -> None:
    """Delete the build's slices, then their messages. In this order a worker
    still building one finds its slice gone when it finishes and rolls back,
    and one that finished just before has its messages deleted here."""
    AmazonFeedSlice.objects.filter(build=build).delete()
    AmazonFeedSliceChunk.objects.filter(build=build).delete()
