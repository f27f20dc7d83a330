"""Drain the outbox into feeds as Amazon's feed quota allows.

Per marketplace, under a Redis lock so two workers never build the same feed:

* nothing is sent while the quota has no slot (so never a 429), nor while
  changes are still arriving (``settle``), unless a kind has enough changes to
  fill a whole feed or has waited ``max delay``;
* kinds that fill a whole feed go first, then deletions, listings, prices,
  inventory;
* a chunk is as many products as fit one feed document; it goes through
  ``submit_feeds`` (which sends only what Amazon has not accepted yet), and
  only the outbox rows read *before* the build, at the version read, are
  deleted afterwards: an edit made meanwhile bumped the version and stays for
  the next feed.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count, Max, Min
from django.utils import timezone
from saleor.product.models import ProductVariant

from .. import conf
from ..amazon.client import AmazonClient
from ..amazon.errors import AmazonError
from ..amazon_clients import client_for, pause_if_unauthorised
from ..catalog.results import recover_uploaded_submissions
from ..catalog.submission import submit_feeds
from ..listings.kinds import KIND_ORDER, FeedKind, FeedTrigger
from ..models import AmazonMarketplace, AmazonSyncChange, AmazonSyncStatus
from ..models.feeds import SubmissionStatus
from ..models.sync import SyncWaitReason
from . import locks

log = logging.getLogger(__name__)

ERROR_BACKOFF = timedelta(seconds=60)
# A feed is built and uploaded this long before its quota slot opens, then
# waits for it: createFeed goes out as the slot opens instead of a build
# later, which over a long sync cost a tenth of Amazon's ceiling. Wall-clock
# seconds (a build takes what it takes), at most a fifth of the (time-scaled)
# quota window so a drain never holds its worker long.
SLOT_LEAD = timedelta(seconds=2)
SLOT_LEAD_WINDOW_SHARE = timedelta(seconds=60)


def slot_lead() -> timedelta:
    return min(SLOT_LEAD, conf.scaled(SLOT_LEAD_WINDOW_SHARE))


_SENT = (SubmissionStatus.IN_QUEUE, SubmissionStatus.EMPTY)


@dataclass
class DrainResult:
    submitted: int = 0
    consumed: int = 0
    reason: str = SyncWaitReason.IDLE
    next_at: datetime | None = None
    kinds: list[str] = field(default_factory=list)


def drain_marketplace(
    marketplace: AmazonMarketplace,
    *,
    client: AmazonClient | None = None,
    force: bool = False,
) -> DrainResult:
    """Send what the quota allows for one marketplace; ``force`` skips settling."""
    with locks.marketplace_lock(marketplace.pk, "drain") as acquired:
        if not acquired:
            return DrainResult(reason="LOCKED")
        own = client is None
        try:
            client = client or client_for(marketplace.account)
        except AmazonError as exc:
            return _record(marketplace, DrainResult(reason=SyncWaitReason.ERROR), exc)
        try:
            return _drain(marketplace, client, force)
        finally:
            if own:
                client.close()


def _drain(marketplace, client, force) -> DrainResult:
    result = DrainResult()
    status, _ = AmazonSyncStatus.objects.get_or_create(marketplace=marketplace)
    if not marketplace.auto_sync:
        result.reason = SyncWaitReason.DISABLED
        return _record(marketplace, result)
    now = timezone.now()
    if (
        status.waiting_reason == SyncWaitReason.ERROR
        and status.next_submission_at
        and status.next_submission_at > now
        and not force
    ):
        result.reason, result.next_at = SyncWaitReason.ERROR, status.next_submission_at
        return result
    # A feed whose createFeed answer was lost is settled (adopted, or created
    # once) before its messages are built again.
    recover_uploaded_submissions(marketplace=marketplace, client=client)
    full, ready = _kinds_due(marketplace, now, force, result)
    # First only whole feeds of the kinds that fill them, then what is left of
    # every due kind: scarce submissions go to full feeds first.
    passes = [(kind, True) for kind in full] + [(kind, False) for kind in ready]
    for kind, only_full in passes:
        # A product edited again while its feed was built is sent by the next
        # drain, not in a loop here.
        done: set[int] = set()
        while True:
            rows, product_ids, is_full = _chunk(marketplace, kind, exclude=done)
            if not product_ids or (only_full and not is_full):
                break
            slot_at = client.next_feed_submission_at()
            lead = slot_lead()
            if slot_at - lead > timezone.now():
                # Woken early by the lead, to build while the slot is not open.
                result.reason = SyncWaitReason.QUOTA
                result.next_at = slot_at - lead
                return _record(marketplace, result)
            try:
                submissions = submit_feeds(
                    marketplace,
                    [kind],
                    trigger=FeedTrigger.AUTO,
                    product_ids=product_ids,
                    client=client,
                    slot_wait=lead.total_seconds(),
                )
            except AmazonError as exc:
                pause_if_unauthorised(marketplace.account, exc)
                result.reason = SyncWaitReason.ERROR
                return _record(marketplace, result, exc)
            failed = [s for s in submissions if s.status not in _SENT]
            if failed:
                # Nothing is deleted: the next drain rebuilds and, thanks to
                # the accepted digests, resends only what Amazon has not
                # accepted.
                result.reason = SyncWaitReason.ERROR
                result.next_at = failed[0].next_check_at or (
                    timezone.now() + conf.scaled(ERROR_BACKOFF)
                )
                return _record(marketplace, result, error=failed[0].error)
            result.submitted += sum(1 for s in submissions if s.feed_id)
            result.consumed += _consume(rows)
            result.kinds.append(str(kind))
            done.update(product_ids)
    if (
        result.reason == SyncWaitReason.IDLE
        and AmazonSyncChange.objects.filter(marketplace=marketplace).exists()
    ):
        result.reason = SyncWaitReason.SETTLING
    return _record(marketplace, result)


def _kinds_due(
    marketplace, now, force, result
) -> tuple[list[FeedKind], list[FeedKind]]:
    """Kinds with a whole feed's worth of changes, and kinds due for sending
    (settled, waited long enough, or forced), each in KIND_ORDER."""
    per_kind = {
        row["kind"]: row
        for row in AmazonSyncChange.objects.filter(marketplace=marketplace)
        .values("kind")
        .annotate(
            first=Min("first_changed_at"),
            last=Max("changed_at"),
            n=Count("pk"),
        )
    }
    settle = timedelta(seconds=conf.sync_settle_seconds())
    max_delay = timedelta(seconds=conf.sync_max_delay_seconds())
    full, ready = [], []
    for kind in KIND_ORDER:
        row = per_kind.get(kind.value)
        if row is None:
            continue
        if row["n"] >= conf.max_feed_messages():
            full.append(kind)
        if force or row["last"] <= now - settle or row["first"] <= now - max_delay:
            ready.append(kind)
        elif kind not in full:
            due = min(row["last"] + settle, row["first"] + max_delay)
            if result.next_at is None or due < result.next_at:
                result.next_at = due
    if per_kind and not (full or ready):
        result.reason = SyncWaitReason.SETTLING
    return full, ready


def _chunk(
    marketplace, kind, exclude: set[int] = frozenset()
) -> tuple[list[tuple[int, int]], list[int], bool]:
    """Outbox rows (pk, version), the products they cover, and whether they
    fill a whole feed.

    Products are taken oldest change first while their messages (variants,
    plus a parent for families) fit one document. A product whose SKU has an
    urgent PATCH in flight waits for the next feed (inventory and listings
    carry quantities), so the two paths never send the same SKU at once.
    """
    budget = conf.max_feed_messages()
    busy = set(exclude) | (
        locks.urgent_products(marketplace.pk)
        if kind in (FeedKind.INVENTORY, FeedKind.LISTINGS)
        else set()
    )
    outbox = AmazonSyncChange._meta.db_table
    variant_table = ProductVariant._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT c.product_id, min(c.first_changed_at) AS first,
                   (SELECT count(*) FROM {variant_table} v
                    WHERE v.product_id = c.product_id) AS variants
            FROM {outbox} c
            WHERE c.marketplace_id = %s AND c.kind = %s
            GROUP BY c.product_id
            ORDER BY first, c.product_id
            """,
            [marketplace.pk, kind.value],
        )
        candidates = cursor.fetchall()
    product_ids: list[int] = []
    is_full = False
    for product_id, _first, variants in candidates:
        if product_id in busy:
            continue
        messages = max(variants, 1) + (1 if variants > 1 else 0)
        if product_ids and messages > budget:
            is_full = True
            break
        product_ids.append(product_id)
        budget -= messages
        if budget <= 0:
            is_full = True
            break
    rows = list(
        AmazonSyncChange.objects.filter(
            marketplace=marketplace, kind=kind.value, product_id__in=product_ids
        ).values_list("pk", "version")
    )
    return rows, product_ids, is_full


def _consume(rows: list[tuple[int, int]]) -> int:
    """Delete rows still at the version read; newer edits stay queued."""
    if not rows:
        return 0
    table = AmazonSyncChange._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            DELETE FROM {table} o
            USING unnest(%s::bigint[], %s::bigint[]) AS r(pk, version)
            WHERE o.id = r.pk AND o.version = r.version
            """,
            [[r[0] for r in rows], [r[1] for r in rows]],
        )
        return cursor.rowcount


def _record(
    marketplace,
    result: DrainResult,
    exc: AmazonError | None = None,
    error: str = "",
) -> DrainResult:
    values = {
        "waiting_reason": result.reason,
        "next_submission_at": result.next_at,
    }
    if result.submitted:
        values["last_submission_at"] = timezone.now()
    if exc is not None or error:
        values["last_error"] = (exc.merchant_message if exc else error) or str(exc)
        if result.next_at is None:
            retry = getattr(exc, "retry_at", None) if exc else None
            values["next_submission_at"] = result.next_at = retry or (
                timezone.now() + conf.scaled(ERROR_BACKOFF)
            )
    elif result.submitted:
        values["last_error"] = ""
    AmazonSyncStatus.objects.update_or_create(marketplace=marketplace, defaults=values)
    return result
