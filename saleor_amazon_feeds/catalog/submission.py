"""Send built feed messages to Amazon and read back what it accepted.

Flow per feed kind: stream the builder's batches, drop messages whose digest
Amazon already accepted, write documents of at most 25,000 messages, and for
each document record the submission *before* talking to Amazon, then upload,
createFeed, and record the feed id. What Amazon then does with each feed is
read back by ``results``.

A message whose exact content Amazon's report rejected is not sent again
until something in it changes (its digest differs): the same message would
only be rejected again. Failures of the whole submission (upload errors,
FATAL feeds, reports that cannot be read) are not rejections of a message
and are retried unchanged.
"""

import hashlib
import logging
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack, closing
from datetime import timedelta
from itertools import batched

from django.db import connection, transaction
from django.utils import timezone
from saleor.product.models import Product, ProductVariant

from .. import conf
from ..amazon.client import AmazonClient
from ..amazon.errors import AmazonError, upload_url_expired
from ..amazon.rates import JSON_LISTINGS_FEED
from ..amazon_clients import client_for, pause_if_unauthorised
from ..crashpoints import crash_point
from ..heap import build_collection
from ..listings.feed_writer import FeedDocument, iter_feed_documents
from ..listings.kinds import (
    INVENTORY_SCOPE_KINDS,
    KIND_ORDER,
    FeedKind,
    FeedTrigger,
    SyncScope,
    scope_kinds,
)
from ..listings.messages import delete_message
from ..listings.severity import Severity
from ..mapping.options import options_from_metadata
from ..models import (
    AmazonFeedSubmission,
    AmazonListingProblem,
    AmazonListingState,
    AmazonMarketplace,
)
from ..models.feeds import OPEN_STATUSES, ListingStatus, SubmissionStatus
from . import slices
from .builder import changed_products, iter_batches
from .fingerprints import Fingerprints
from .gate import ListingGate, amazon_lookup
from .locks import submission_lock
from .product_types import SchemaProvider
from .records import SentRecords
from .results import reject_all
from .types import Batch, BuiltMessage, Skipped

log = logging.getLogger(__name__)

STATE_BATCH = 1000
# FeedBuild._products_to_build: the build is split among the workers.
_SPLIT = object()
# Per kind, the products to build, or None for more than a split's threshold
# (``catalog_changes``); a kind missing was not read.
type Changes = Mapping[FeedKind, list[int] | None]


def allowed_kinds(
    marketplace: AmazonMarketplace, kinds: Iterable[str]
) -> list[FeedKind]:
    wanted = {FeedKind(k) for k in kinds} & scope_kinds(marketplace.sync_scope)
    return [k for k in KIND_ORDER if k in wanted]


def out_of_scope(
    marketplace: AmazonMarketplace, kinds: Iterable[str]
) -> list[FeedKind]:
    """Requested kinds the marketplace's sync scope does not send."""
    wanted = {FeedKind(k) for k in kinds}
    return [
        k for k in KIND_ORDER if k in wanted - set(allowed_kinds(marketplace, wanted))
    ]


def scope_refusal(marketplace: AmazonMarketplace, kinds: Iterable[str]) -> str:
    """Why these kinds are not sent to the marketplace, or "" when they are."""
    refused = out_of_scope(marketplace, kinds)
    if not refused:
        return ""
    names = ", ".join(k.value for k in refused)
    allowed = ", ".join(k.value for k in KIND_ORDER if k in INVENTORY_SCOPE_KINDS)
    return (
        f"{names} cannot be sent to marketplace {marketplace.marketplace_id}: its "
        f"sync scope is {SyncScope.INVENTORY.value} (quantity and price only). "
        f"Choose {allowed}, or switch the marketplace to sync scope "
        f"{SyncScope.ALL.value}."
    )


def submit_feeds(
    marketplace: AmazonMarketplace,
    kinds: Iterable[str],
    *,
    trigger: str = FeedTrigger.MANUAL,
    product_ids: Iterable[int] | None = None,
    client: AmazonClient | None = None,
    slot_wait: float = 0.0,
    skip_unchanged: bool | None = None,
) -> list[AmazonFeedSubmission]:
    """Build and send one feed kind after the other; return the submissions.

    One submission per marketplace at a time (:func:`.locks.submission_lock`):
    a manual one and the drain's wait for each other rather than interleave.

    ``slot_wait``: seconds a built and uploaded document may wait for the
    feed quota's next slot (the drain builds ahead of the slot); without it a
    full quota fails the submission at once.

    ``skip_unchanged`` (default: for the automatic sync, not for a merchant's
    request) builds only products whose fingerprint changed since their
    messages were last sent (``fingerprints``). A manual submission builds
    everything, as a merchant asking for a full feed expects, and records the
    fingerprints so the automatic sync can skip afterwards.
    """
    if skip_unchanged is None:
        skip_unchanged = trigger != FeedTrigger.MANUAL
    product_ids = list(product_ids) if product_ids is not None else None
    own_client = client is None
    kinds = list(kinds)
    with submission_lock(marketplace.pk):
        client = client or client_for(marketplace.account)
        try:
            return _submit_kinds(
                marketplace,
                kinds,
                trigger,
                product_ids,
                client,
                slot_wait,
                skip_unchanged,
            )
        finally:
            if own_client:
                client.close()


def _submit_kinds(
    marketplace: AmazonMarketplace,
    kinds: list[str],
    trigger: str,
    product_ids: list[int] | None,
    client: AmazonClient,
    slot_wait: float,
    skip_unchanged: bool,
) -> list[AmazonFeedSubmission]:
    # A kind outside the scope (the scope changed after the request was
    # queued) is recorded, not silently dropped.
    submissions: list[AmazonFeedSubmission] = [
        AmazonFeedSubmission.objects.create(
            marketplace=marketplace,
            kind=kind,
            trigger=trigger,
            status=SubmissionStatus.EMPTY,
            error=scope_refusal(marketplace, [kind]),
            finished_at=timezone.now(),
        )
        for kind in out_of_scope(marketplace, kinds)
    ]
    allowed = allowed_kinds(marketplace, kinds)
    changes = catalog_changes(marketplace, allowed, product_ids, skip_unchanged)
    for kind in allowed:
        submissions.extend(
            _submit_kind(
                client,
                marketplace,
                kind,
                trigger,
                product_ids,
                slot_wait,
                skip_unchanged,
                changes,
            )
        )
    return submissions


def catalog_changes(
    marketplace: AmazonMarketplace,
    kinds: Iterable[FeedKind],
    product_ids: list[int] | None,
    skip_unchanged: bool,
) -> Changes:
    """What each kind of an automatic build of the whole catalog has to
    build, read for all kinds at once (``builder.changed_products``), for
    ``FeedBuild(changes=...)``; empty for any other build.

    Read before the first kind is built: a product that changes later is
    left to the next run (its stored print stays the old one), as one that
    changes during a build is.
    """
    if not skip_unchanged or product_ids is not None:
        return {}
    threshold = conf.parallel_build_min_products()
    return changed_products(
        marketplace,
        [k for k in kinds if k != FeedKind.DELETIONS],
        limit=threshold - 1 if threshold > 0 else None,
    )


def _submit_kind(
    client: AmazonClient,
    marketplace: AmazonMarketplace,
    kind: FeedKind,
    trigger: str,
    product_ids: list[int] | None,
    slot_wait: float = 0.0,
    skip_unchanged: bool = False,
    changes: Changes | None = None,
) -> list[AmazonFeedSubmission]:
    next_at = client.next_feed_submission_at()
    if next_at > timezone.now() + timedelta(seconds=slot_wait):
        # Checked before building: a feed built now could not be sent anyway.
        return [
            AmazonFeedSubmission.objects.create(
                marketplace=marketplace,
                kind=kind,
                trigger=trigger,
                status=SubmissionStatus.ERROR,
                error=_quota_message(marketplace, next_at),
                next_check_at=next_at,
            )
        ]
    build = FeedBuild(
        client, marketplace, kind, product_ids, skip_unchanged, changes=changes
    )
    submissions = []
    try:
        with closing(build.documents()) as documents:
            for document, in_document in documents:
                submission = _send_document(
                    client, marketplace, kind, trigger, document, in_document, slot_wait
                )
                submission.skipped_count = build.skipped_count
                submission.save(update_fields=["skipped_count"])
                submissions.append(submission)
                if submission.status == SubmissionStatus.ERROR:
                    break
    except slices.SliceFailed as exc:
        # Raised before the first document: every slice is built before any
        # is sent, so nothing of this build reached Amazon.
        submissions.append(
            AmazonFeedSubmission.objects.create(
                marketplace=marketplace,
                kind=kind,
                trigger=trigger,
                status=SubmissionStatus.ERROR,
                error=f"The feed was not sent: {exc}",
                skipped_count=build.skipped_count,
                finished_at=timezone.now(),
            )
        )
    build.settle(submissions)
    if not submissions:
        submissions.append(
            AmazonFeedSubmission.objects.create(
                marketplace=marketplace,
                kind=kind,
                trigger=trigger,
                status=SubmissionStatus.EMPTY,
                skipped_count=build.skipped_count,
                finished_at=timezone.now(),
            )
        )
    return submissions


class FeedBuild:
    """The feed documents a submission of one kind sends, built exactly as it
    builds them (product type schemas validated, the listing gate, messages
    Amazon already has left out, reasons for what is left out recorded), but
    not sent: the submission sends them, the bench times them.

    Reading the documents may ask Amazon for product type definitions older
    than a day and, on INVENTORY-scope marketplaces, for unknown SKUs.
    """

    def __init__(
        self,
        client: AmazonClient,
        marketplace: AmazonMarketplace,
        kind: FeedKind,
        product_ids: list[int] | None = None,
        skip_unchanged: bool = False,
        *,
        changes: Changes | None = None,
    ) -> None:
        self.client = client
        self.marketplace = marketplace
        self.kind = kind
        self.product_ids = product_ids
        # What catalog_changes read for this build's kind, if it did.
        self.changes = changes or {}
        self.fingerprints = (
            None
            if kind == FeedKind.DELETIONS
            else Fingerprints(marketplace, skip_unchanged=skip_unchanged)
        )
        # Skipped products keep the problems recorded when they were built.
        self.problems = _ProblemRecorder(
            marketplace, kind, product_ids, per_product=skip_unchanged
        )

    def settle(self, submissions: list[AmazonFeedSubmission]) -> None:
        """Remember the products' fingerprints once their feeds went out."""
        if self.fingerprints is None:
            return
        if any(s.status == SubmissionStatus.ERROR for s in submissions):
            self.fingerprints.discard()
        else:
            self.fingerprints.promote()

    @property
    def skipped_count(self) -> int:
        return self.problems.count

    def documents(self) -> Iterator[tuple[FeedDocument, list[BuiltMessage]]]:
        """Each document with the built messages it holds, in order. Close the
        generator when stopping early (it restores the collector's settings).

        A full build of a large catalog is split among the workers
        (``slices``); it raises :class:`.slices.SliceFailed` before the first
        document when a slice could not be built.
        """
        marketplace, kind = self.marketplace, self.kind
        if kind == FeedKind.DELETIONS:
            source = _deletion_messages(marketplace, self.product_ids)
        elif (product_ids := self._products_to_build()) is _SPLIT:
            source = self._sliced_messages()
        else:
            source = _changed_messages(
                marketplace,
                kind,
                _batches(
                    self.client,
                    marketplace,
                    kind,
                    product_ids,
                    self.fingerprints,
                ),
                self.problems,
            )
        records = SentRecords()

        def messages():
            for item in source:
                # What the submission keeps of a message until its document
                # is sent: the payload lives on only as the document's bytes,
                # the record (ids, digest, summary) as a line in a temporary
                # file, so memory does not grow with a document's messages.
                records.append(item.sent_record())
                yield item.message

        try:
            with build_collection():
                for document in iter_feed_documents(
                    messages(),
                    seller_id=marketplace.account.seller_id,
                    max_messages=conf.max_feed_messages(),
                ):
                    in_document = records.split(document.message_count)
                    try:
                        yield document, in_document
                    finally:
                        in_document.close()
                        document.close()
        finally:
            records.close()

    def _products_to_build(self) -> list[int] | None | object:
        """The products this worker builds (None: the whole catalog), or
        ``_SPLIT`` for a build split among the workers (``slices``).

        An automatic build of a large catalog first reads which products
        changed: when they are too few to be worth splitting (a run where
        nothing or 1% changed), this worker builds just those, without the
        slices' fixed costs (a fingerprint statement, a client and a gate
        per slice).
        """
        threshold = conf.parallel_build_min_products()
        assert self.fingerprints is not None
        skip_unchanged = self.fingerprints.skip_unchanged
        if skip_unchanged and self.product_ids is None and self.kind in self.changes:
            changed = self.changes[self.kind]
            if changed is not None:
                return changed
            # More than the threshold changed: split, if the catalog still is
            # large enough (asked only now: it counts the products).
            split = slices.wanted(None, self.kind, threshold)
            return _SPLIT if split else None
        if not slices.wanted(self.product_ids, self.kind, threshold):
            return self.product_ids
        if not skip_unchanged:
            return _SPLIT
        # A kind the marketplace's scope does not build has nothing to build.
        changed = changed_products(
            self.marketplace, [self.kind], limit=threshold - 1
        ).get(self.kind, [])
        return _SPLIT if changed is None else changed

    def _sliced_messages(self) -> Iterator[BuiltMessage]:
        """The messages of every slice, in the one-worker build's order, once
        all are built; this worker builds slices too while any are free."""
        assert self.fingerprints is not None
        # The slices' pending fingerprints are this build's: settle() promotes
        # or discards them with the rest.
        build = self.fingerprints.run_id
        count = slices.plan(
            self.marketplace,
            self.kind,
            build,
            skip_unchanged=self.fingerprints.skip_unchanged,
            slice_products=conf.build_slice_products(),
        )
        schemas = (
            SchemaProvider(self.client, self.marketplace)
            if self.kind == FeedKind.LISTINGS
            else None
        )
        started = time.monotonic()
        try:
            if count > 1:
                _recruit_helper(build)
            own = 0

            def build_free() -> None:
                nonlocal own
                own += build_slices(build, self.client, schemas)

            state = slices.wait(build, build_free)
            log.info(
                "Feed build %s (%s, marketplace %s): %d slices built in %.1fs, "
                "%d by the submission's worker",
                build,
                self.kind,
                self.marketplace.marketplace_id,
                count,
                time.monotonic() - started,
                own,
            )
            self.problems.count += state.skipped
            yield from slices.read(build)
        finally:
            slices.forget(build)


def _recruit_helper(build: uuid.UUID, *, successor: bool = False) -> None:
    """Queue one task to help build the slices. A helper that holds a slice
    while others are still free queues the next one (``build_slices``), so
    as many workers join as are free, and few tasks are left to find nothing:
    a task per slice would queue hundreds of those ahead of the next build's
    helpers."""
    # Imported here: the tasks module imports this one.
    from .tasks import build_feed_slices_task

    if successor and build_feed_slices_task.app.conf.task_always_eager:
        # Run eagerly, in the caller: no other worker to recruit, and each
        # successor would only nest inside its predecessor.
        return
    build_feed_slices_task.delay(str(build))


# Messages of a slice per stored chunk: about a page of products.
SLICE_CHUNK_MESSAGES = 500


class _SliceWorker:
    """What one worker keeps across the slices of a build it builds: the
    marketplace, one client and the compiled product type schemas (compiling
    an Amazon-sized schema costs more than building a few products)."""

    def __init__(
        self,
        stack: ExitStack,
        client: AmazonClient | None = None,
        schemas: SchemaProvider | None = None,
    ) -> None:
        self.stack = stack
        self.client = client
        self.schemas = schemas
        self.marketplace: AmazonMarketplace | None = None

    def prepare(self, claimed: slices.Claimed) -> AmazonMarketplace:
        if self.marketplace is None:
            self.marketplace = AmazonMarketplace.objects.select_related(
                "account", "channel"
            ).get(pk=claimed.marketplace_id)
        if self.client is None:
            self.client = self.stack.enter_context(client_for(self.marketplace.account))
        if self.schemas is None and claimed.kind == FeedKind.LISTINGS:
            self.schemas = SchemaProvider(self.client, self.marketplace)
        return self.marketplace


def build_slices(
    build: uuid.UUID,
    client: AmazonClient | None = None,
    schemas: SchemaProvider | None = None,
    *,
    recruit: bool = False,
) -> int:
    """Claim and build the build's free slices until none is left (or one
    fails); returns how many this worker built. ``recruit``: once this worker
    holds a slice and others are free, queue a task for one more worker."""
    built = 0
    with ExitStack() as stack:
        worker = _SliceWorker(stack, client, schemas)
        while (claimed := slices.claim(build)) is not None:
            if recruit and built == 0 and slices.any_free(build):
                _recruit_helper(build, successor=True)
            if not _build_slice(claimed, worker):
                break
            built += 1
    return built


def _build_slice(claimed: slices.Claimed, worker: _SliceWorker) -> bool:
    """Build one slice as the one-worker build builds those products and
    store its messages; False when it failed (recorded on the slice)."""
    try:
        marketplace = worker.prepare(claimed)
        # One transaction: the slice's messages, its problems and pending
        # fingerprints are stored with its DONE, or not at all.
        with transaction.atomic(), build_collection():
            fingerprints = Fingerprints(
                marketplace,
                skip_unchanged=claimed.skip_unchanged,
                run_id=claimed.build,
            )
            problems = _ProblemRecorder(
                marketplace,
                claimed.kind,
                None,
                per_product=claimed.skip_unchanged,
                clear=False,
            )
            writer = slices.SliceWriter(claimed)
            batches = _batches(
                worker.client,
                marketplace,
                claimed.kind,
                claimed.product_ids(),
                fingerprints,
                worker.schemas,
            )
            for item in _changed_messages(marketplace, claimed.kind, batches, problems):
                writer.add(item)
                if len(writer) >= SLICE_CHUNK_MESSAGES:
                    writer.flush()
            writer.finish(skipped=problems.count)
    except slices.Superseded:
        log.info(
            "Feed build %s: %s was rebuilt elsewhere",
            claimed.build,
            claimed.describe(),
        )
        return True
    except Exception as exc:
        # Whatever stops a slice (a bad schema, a lost database connection)
        # must reach the submission waiting for it, as its reason to fail.
        log.exception("Feed build %s: %s failed", claimed.build, claimed.describe())
        reason = (
            exc.merchant_message
            if isinstance(exc, AmazonError)
            else f"{type(exc).__name__}: {exc}"
        )
        slices.fail(claimed, reason)
        return False
    return True


def _batches(
    client, marketplace, kind, product_ids, fingerprints, schema_provider=None
) -> Iterator[Batch]:
    if schema_provider is None and kind == FeedKind.LISTINGS:
        schema_provider = SchemaProvider(client, marketplace)
    gate = ListingGate(
        marketplace, lookup=amazon_lookup(client, marketplace.marketplace_id)
    )
    return iter_batches(
        marketplace,
        [kind],
        product_ids=product_ids,
        schema_provider=schema_provider,
        gate=gate,
        fingerprints=fingerprints,
    )


class _ProblemRecorder:
    """Replaces the recorded reasons for what a build left out."""

    def __init__(
        self, marketplace, kind, product_ids, *, per_product=False, clear=True
    ):
        self.marketplace = marketplace
        self.kind = kind
        self.count = 0
        self.per_product = per_product
        if per_product or not clear:
            # Replaced product by product, as each is rebuilt; or, in a slice,
            # already cleared by the submission that planned it.
            return
        existing = AmazonListingProblem.objects.filter(
            marketplace=marketplace, kind=kind
        )
        if product_ids is not None:
            existing = existing.filter(product_id__in=product_ids)
        existing.delete()

    def record(self, batch: Batch) -> None:
        if self.per_product and batch.product_ids:
            AmazonListingProblem.objects.filter(
                marketplace=self.marketplace,
                kind=self.kind,
                product_id__in=batch.product_ids,
            ).delete()
        if not batch.skipped:
            return
        self.count += len(batch.skipped)
        AmazonListingProblem.objects.bulk_create(
            AmazonListingProblem(
                marketplace=self.marketplace,
                product_id=s.product_id,
                variant_id=s.variant_id,
                sku=s.sku or "",
                kind=self.kind,
                severity=s.severity,
                reason=s.reason,
                attribute=s.attribute or "",
            )
            for s in batch.skipped
        )


def _changed_messages(
    marketplace, kind, batches: Iterable[Batch], problems: _ProblemRecorder
) -> Iterator[BuiltMessage]:
    """Messages Amazon has neither accepted nor rejected as they are now
    (one query a batch)."""
    sql = _states_sql()
    for batch in batches:
        skus = [m.message.sku for m in batch.messages]
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                {
                    "marketplace": marketplace.pk,
                    "kind": FeedKind(kind).value,
                    "skus": skus,
                },
            )
            states = {row[0]: row[1:] for row in cursor.fetchall()}
        changed = []
        for built in batch.messages:
            status, accepted, rejected, feed_id, sent, sent_in = states.get(
                built.message.sku, ("", "", "", "", "", "")
            )
            if status == ListingStatus.ACCEPTED and accepted == built.digest:
                continue
            if (
                status == ListingStatus.PENDING
                and sent == built.digest
                and sent_in in OPEN_STATUSES
            ):
                # This exact message is on its way (perhaps in a feed whose
                # creation a crash or a lost answer left unrecorded, which
                # recovery settles): sending it again would double it. If that
                # feed fails, its messages are queued again (failures.py).
                continue
            if rejected and rejected == built.digest:
                batch.skipped.append(_rejected_again(built, feed_id))
                continue
            changed.append(built)
        problems.record(batch)
        yield from changed


def _states_sql() -> str:
    """What Amazon holds for a batch's SKUs: status, digests and the last
    submission's feed and status. The SKUs go as one array: as a list of
    ``IN`` parameters (some 450 a page) the driver's and the planner's work
    grew with each one."""
    state = AmazonListingState._meta.db_table
    submission = AmazonFeedSubmission._meta.db_table
    return f"""
        SELECT s.sku, s.status, s.accepted_digest, s.rejected_digest,
               f.feed_id, s.sent_digest, f.status
        FROM {state} s
        LEFT JOIN {submission} f ON f.id = s.last_submission_id
        WHERE s.marketplace_id = %(marketplace)s AND s.kind = %(kind)s
          AND s.sku = ANY(%(skus)s::text[])
    """


def _rejected_again(built: BuiltMessage, feed_id: str | None) -> Skipped:
    where = f" in feed {feed_id}" if feed_id else ""
    return Skipped(
        product_id=built.product_id,
        variant_id=built.variant_id,
        sku=built.message.sku,
        reason=(
            f"Not sent again: Amazon rejected this exact message{where} (see that "
            "submission's issues). It is sent once something in it changes."
        ),
        severity=Severity.INFO,
    )


def _deletion_messages(marketplace, product_ids) -> Iterator[BuiltMessage]:
    """DELETE for listed SKUs whose variant or product is gone or excluded."""
    states = AmazonListingState.objects.filter(
        marketplace=marketplace, kind=FeedKind.LISTINGS
    ).exclude(status=ListingStatus.DELETED)
    if product_ids is not None:
        states = states.filter(product_id__in=product_ids)
    last_pk = 0
    while True:
        rows = list(
            states.filter(pk__gt=last_pk)
            .order_by("pk")
            .values("pk", "sku", "product_id", "variant_id")[:STATE_BATCH]
        )
        if not rows:
            return
        last_pk = rows[-1]["pk"]
        variant_ids = {r["variant_id"] for r in rows if r["variant_id"]}
        existing_variants = set(
            ProductVariant.objects.filter(pk__in=variant_ids).values_list(
                "pk", flat=True
            )
        )
        products = dict(
            Product.objects.filter(pk__in={r["product_id"] for r in rows}).values_list(
                "pk", "private_metadata"
            )
        )
        excluded = {
            pk
            for pk, metadata in products.items()
            if options_from_metadata(metadata or {})[0].exclude
        }
        for row in rows:
            gone = row["product_id"] not in products or (
                row["variant_id"] and row["variant_id"] not in existing_variants
            )
            if gone or row["product_id"] in excluded:
                message = delete_message(row["sku"])
                yield BuiltMessage(
                    product_id=row["product_id"],
                    variant_id=row["variant_id"],
                    message=message,
                    feed_kind=FeedKind.DELETIONS,
                    digest=hashlib.sha256(b"DELETE").hexdigest(),
                    summary={"reason": "deleted" if gone else "excluded"},
                )


def _quota_message(marketplace, next_at) -> str:
    return (
        "Amazon accepts 5 listing feeds per 5 minutes in region "
        f"{marketplace.account.region}; the next submission is possible at "
        f"{next_at.isoformat(timespec='seconds')}."
    )


def _send_document(
    client: AmazonClient,
    marketplace: AmazonMarketplace,
    kind: FeedKind,
    trigger: str,
    document: FeedDocument,
    built: Iterable[BuiltMessage],
    slot_wait: float = 0.0,
) -> AmazonFeedSubmission:
    # ``built`` (the document's SentRecords) is read twice: here and when
    # the states are marked sent.
    correlation = {
        str(message_id): [sku, message_kind, item.variant_id, item.digest]
        for (message_id, (sku, message_kind)), item in zip(
            document.correlation.items(), built, strict=True
        )
    }
    # Recorded before Amazon hears of it, so a crash leaves a trace to recover.
    submission = AmazonFeedSubmission.objects.create(
        marketplace=marketplace,
        kind=kind,
        trigger=trigger,
        status=SubmissionStatus.PENDING,
        message_count=document.message_count,
        correlation=correlation,
    )
    account = marketplace.account
    slot = uuid.uuid4().hex
    try:
        # A drain building ahead of the slot waits for it here (slot_wait).
        client.limiter.acquire_feed_submission(
            account.seller_id,
            account.region,
            JSON_LISTINGS_FEED,
            timeout=slot_wait,
            slot=slot,
        )
        crash_point("feed.after_build")
        upload = _upload(client, document)
        submission.document_id = upload["feedDocumentId"]
        submission.status = SubmissionStatus.UPLOADED
        with transaction.atomic():
            submission.save(update_fields=["document_id", "status"])
            # States point at the submission from here on, so whatever becomes
            # of it (recorded, recovered or failed) settles them.
            _mark_sent(marketplace, kind, submission, document, built, timezone.now())
        crash_point("feed.after_upload")
        try:
            feed = client.create_feed(
                JSON_LISTINGS_FEED, [marketplace.marketplace_id], submission.document_id
            )
        finally:
            client.limiter.restamp_feed_submission(
                account.seller_id, account.region, slot, JSON_LISTINGS_FEED
            )
        crash_point("feed.after_create_feed")
    except AmazonError as exc:
        pause_if_unauthorised(account, exc)
        submission.error = exc.merchant_message
        if submission.status == SubmissionStatus.UPLOADED and _maybe_created(exc):
            # Amazon may have created the feed: recovery finds out, so it is
            # neither lost nor sent twice.
            submission.save(update_fields=["error"])
            return submission
        submission.status = SubmissionStatus.ERROR
        submission.next_check_at = exc.retry_at
        submission.finished_at = timezone.now()
        submission.save(
            update_fields=["status", "error", "next_check_at", "finished_at"]
        )
        reject_all(submission)
        log.warning(
            "Feed submission %s for marketplace %s failed: %s",
            submission.pk,
            marketplace.marketplace_id,
            exc.code,
        )
        return submission
    now = timezone.now()
    submission.feed_id = str(feed["feedId"])
    submission.status = SubmissionStatus.IN_QUEUE
    submission.submitted_at = now
    submission.next_check_at = now
    submission.save(
        update_fields=["feed_id", "status", "submitted_at", "next_check_at"]
    )
    # The states were written with the upload; only the time they went out is
    # new (writing them again costs as much as the first time: a 25,000-message
    # document's summaries are tens of megabytes of JSON).
    AmazonListingState.objects.filter(last_submission=submission).update(sent_at=now)
    return submission


def _upload(client: AmazonClient, document: FeedDocument) -> dict:
    """createFeedDocument and the upload to its presigned URL.

    The URL expires minutes after it is handed out (S3 then answers 403
    "Request has expired"): a worker that stalled in between (a long GC, a
    suspended VM, a slow network) asks for a fresh document once.
    """
    upload = client.create_feed_document()
    crash_point("feed.after_create_document")
    try:
        client.upload_feed_document(upload["url"], document.file)
    except AmazonError as exc:
        if not upload_url_expired(exc):
            raise
        log.info("Feed document upload URL refused (%s); using a new one", exc.code)
        upload = client.create_feed_document()
        client.upload_feed_document(upload["url"], document.file)
    return upload


def _maybe_created(exc: AmazonError) -> bool:
    return exc.reached_amazon and (exc.status is None or exc.status >= 500)


def _mark_sent(
    marketplace, kind, submission, document, built: Iterable[BuiltMessage], now
) -> None:
    for batch in batched(enumerate(built, 1), STATE_BATCH):
        AmazonListingState.objects.bulk_create(
            [
                AmazonListingState(
                    marketplace=marketplace,
                    sku=item.message.sku,
                    kind=kind,
                    product_id=item.product_id,
                    variant_id=item.variant_id,
                    status=ListingStatus.PENDING,
                    sent_digest=item.digest,
                    sent_summary=item.full_summary(document, message_id),
                    sent_at=now,
                    last_submission=submission,
                )
                for message_id, item in batch
            ],
            update_conflicts=True,
            unique_fields=["marketplace", "sku", "kind"],
            update_fields=[
                "product_id",
                "variant_id",
                "status",
                "sent_digest",
                "sent_summary",
                "sent_at",
                "last_submission",
            ],
        )
