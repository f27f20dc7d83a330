"""Send built feed messages to Amazon and read back what it accepted.

Flow per feed kind: stream the builder's batches, drop messages whose digest
Amazon already accepted, write documents of at most 25,000 messages, and for
each document record the submission *before* talking to Amazon, then upload,
createFeed, and record the feed id. Polling reads the processing report into
per-SKU issues and moves listing states to ACCEPTED or REJECTED.

A message whose exact content Amazon's report rejected is not sent again
until something in it changes (its digest differs): the same message would
only be rejected again. Failures of the whole submission (upload errors,
FATAL feeds, reports that cannot be read) are not rejections of a message
and are retried unchanged.
"""

import hashlib
import logging
from collections.abc import Iterable, Iterator
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from saleor.product.models import Product, ProductVariant

from .. import conf
from ..amazon.client import AmazonClient
from ..amazon.errors import AmazonError
from ..amazon.rates import JSON_LISTINGS_FEED
from ..amazon_clients import client_for
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
from ..listings.report import ReportError, parse_processing_report, sent_value
from ..listings.severity import Severity
from ..mapping.options import options_from_metadata
from ..models import (
    AmazonFeedIssue,
    AmazonFeedSubmission,
    AmazonListingProblem,
    AmazonListingState,
    AmazonMarketplace,
)
from ..models.feeds import ListingStatus, SubmissionStatus
from .builder import iter_batches
from .fingerprints import Fingerprints
from .gate import ListingGate, amazon_lookup, forget_lookups
from .product_types import SchemaProvider
from .types import Batch, BuiltMessage, Skipped

log = logging.getLogger(__name__)

POLL_INTERVAL = timedelta(seconds=30)
STATE_BATCH = 1000


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
    skip_unchanged: bool | None = None,
) -> list[AmazonFeedSubmission]:
    """Build and send one feed kind after the other; return the submissions.

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
    client = client or client_for(marketplace.account)
    kinds = list(kinds)
    try:
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
        for kind in allowed_kinds(marketplace, kinds):
            submissions.extend(
                _submit_kind(
                    client, marketplace, kind, trigger, product_ids, skip_unchanged
                )
            )
        return submissions
    finally:
        if own_client:
            client.close()


def _submit_kind(
    client: AmazonClient,
    marketplace: AmazonMarketplace,
    kind: FeedKind,
    trigger: str,
    product_ids: list[int] | None,
    skip_unchanged: bool = False,
) -> list[AmazonFeedSubmission]:
    next_at = client.next_feed_submission_at()
    if next_at > timezone.now():
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
    fingerprints = None
    if kind == FeedKind.DELETIONS:
        problems = _ProblemRecorder(marketplace, kind, product_ids)
        source = _deletion_messages(marketplace, product_ids)
    else:
        fingerprints = Fingerprints(marketplace, skip_unchanged=skip_unchanged)
        # Skipped products keep the problems recorded when they were built.
        problems = _ProblemRecorder(
            marketplace, kind, product_ids, per_product=skip_unchanged
        )
        source = _changed_messages(
            marketplace,
            kind,
            _batches(client, marketplace, kind, product_ids, fingerprints),
            problems,
        )
    built: list[BuiltMessage] = []

    def messages():
        for item in source:
            built.append(item)
            yield item.message

    submissions = []
    for document in iter_feed_documents(
        messages(),
        seller_id=marketplace.account.seller_id,
        max_messages=conf.max_feed_messages(),
    ):
        in_document, built[:] = (
            built[: document.message_count],
            built[document.message_count :],
        )
        submission = _send_document(
            client, marketplace, kind, trigger, document, in_document
        )
        submission.skipped_count = problems.count
        submission.save(update_fields=["skipped_count"])
        submissions.append(submission)
        if submission.status == SubmissionStatus.ERROR:
            break
    if fingerprints is not None:
        if any(s.status == SubmissionStatus.ERROR for s in submissions):
            fingerprints.discard()
        else:
            fingerprints.promote()
    if not submissions:
        submissions.append(
            AmazonFeedSubmission.objects.create(
                marketplace=marketplace,
                kind=kind,
                trigger=trigger,
                status=SubmissionStatus.EMPTY,
                skipped_count=problems.count,
                finished_at=timezone.now(),
            )
        )
    return submissions


def _batches(client, marketplace, kind, product_ids, fingerprints) -> Iterator[Batch]:
    schema_provider = (
        SchemaProvider(client, marketplace) if kind == FeedKind.LISTINGS else None
    )
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

    def __init__(self, marketplace, kind, product_ids, *, per_product=False):
        self.marketplace = marketplace
        self.kind = kind
        self.count = 0
        self.per_product = per_product
        if per_product:
            return  # replaced product by product, as each is rebuilt
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
    for batch in batches:
        skus = [m.message.sku for m in batch.messages]
        rows = AmazonListingState.objects.filter(
            marketplace=marketplace, kind=kind, sku__in=skus
        ).values_list(
            "sku",
            "status",
            "accepted_digest",
            "rejected_digest",
            "last_submission__feed_id",
        )
        states = {row[0]: row[1:] for row in rows}
        changed = []
        for built in batch.messages:
            status, accepted, rejected, feed_id = states.get(
                built.message.sku, ("", "", "", "")
            )
            if status == ListingStatus.ACCEPTED and accepted == built.digest:
                continue
            if rejected and rejected == built.digest:
                batch.skipped.append(_rejected_again(built, feed_id))
                continue
            changed.append(built)
        problems.record(batch)
        yield from changed


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
    built: list[BuiltMessage],
) -> AmazonFeedSubmission:
    correlation = {
        str(message_id): [sku, message_kind, item.variant_id, item.digest]
        for (message_id, (sku, message_kind)), item in zip(
            sorted(document.correlation.items()), built, strict=True
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
    try:
        client.limiter.acquire_feed_submission(
            account.seller_id, account.region, JSON_LISTINGS_FEED, timeout=0
        )
        upload = client.create_feed_document()
        client.upload_feed_document(upload["url"], document.content)
        submission.document_id = upload["feedDocumentId"]
        submission.status = SubmissionStatus.UPLOADED
        with transaction.atomic():
            submission.save(update_fields=["document_id", "status"])
            # States point at the submission from here on, so whatever becomes
            # of it (recorded, recovered or failed) settles them.
            _mark_sent(marketplace, kind, submission, built, timezone.now())
        feed = client.create_feed(
            JSON_LISTINGS_FEED, [marketplace.marketplace_id], submission.document_id
        )
    except AmazonError as exc:
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
        _reject_all(submission)
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
    _mark_sent(marketplace, kind, submission, built, now)
    return submission


def _maybe_created(exc: AmazonError) -> bool:
    return exc.reached_amazon and (exc.status is None or exc.status >= 500)


def _mark_sent(marketplace, kind, submission, built: list[BuiltMessage], now) -> None:
    for start in range(0, len(built), STATE_BATCH):
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
                    sent_summary=item.summary,
                    sent_at=now,
                    last_submission=submission,
                )
                for item in built[start : start + STATE_BATCH]
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


# -- polling -------------------------------------------------------------------


UPLOAD_GRACE = timedelta(minutes=2)


def recover_uploaded_submissions(limit: int = 20) -> int:
    """Settle submissions whose process died between upload and recording createFeed.

    Amazon's Feed carries no input document id, so a feed we never recorded is
    recognised as a JSON_LISTINGS_FEED for the marketplace created after our
    upload that no submission of ours claims. Exactly one such feed: adopt it.
    None: createFeed never arrived, so it is sent now with the same document.
    Several: we cannot tell, so nothing is sent twice and the SKUs stay
    unaccepted for the next sync.
    """
    stale = list(
        AmazonFeedSubmission.objects.filter(
            status=SubmissionStatus.UPLOADED,
            created_at__lte=timezone.now() - conf.scaled(UPLOAD_GRACE),
        ).select_related("marketplace__account")[:limit]
    )
    for submission in stale:
        marketplace = submission.marketplace
        try:
            with client_for(marketplace.account) as client:
                _recover(client, submission)
        except AmazonError as exc:
            submission.attempts += 1
            submission.error = exc.merchant_message
            submission.save(update_fields=["attempts", "error"])
    return len(stale)


def _recover(client: AmazonClient, submission: AmazonFeedSubmission) -> None:
    marketplace = submission.marketplace
    listed = client.get_feeds(
        feed_types=[JSON_LISTINGS_FEED],
        marketplace_ids=[marketplace.marketplace_id],
        created_since=submission.created_at - timedelta(minutes=1),
    )
    candidates = [str(f["feedId"]) for f in listed.get("feeds") or []]
    known = set(
        AmazonFeedSubmission.objects.filter(
            marketplace__account=marketplace.account, feed_id__in=candidates
        ).values_list("feed_id", flat=True)
    )
    unknown = [feed_id for feed_id in candidates if feed_id not in known]
    if len(unknown) > 1:
        submission.status = SubmissionStatus.ERROR
        submission.error = (
            "The feed was uploaded but its submission was not recorded, and Amazon "
            "shows several unclaimed feeds since; it is not sent again."
        )
        submission.finished_at = timezone.now()
        submission.save(update_fields=["status", "error", "finished_at"])
        _reject_all(submission)
        return
    if unknown:
        feed_id = unknown[0]
    else:
        client.limiter.acquire_feed_submission(
            marketplace.account.seller_id,
            marketplace.account.region,
            JSON_LISTINGS_FEED,
            timeout=0,
        )
        feed_id = str(
            client.create_feed(
                JSON_LISTINGS_FEED, [marketplace.marketplace_id], submission.document_id
            )["feedId"]
        )
    now = timezone.now()
    submission.feed_id = feed_id
    submission.status = SubmissionStatus.IN_QUEUE
    submission.submitted_at = submission.submitted_at or now
    submission.next_check_at = now
    submission.save(
        update_fields=["feed_id", "status", "submitted_at", "next_check_at"]
    )


def poll_open_submissions(limit: int = 50) -> int:
    """Check submissions that are due; returns how many were checked."""
    due = list(
        AmazonFeedSubmission.objects.filter(
            status__in=(SubmissionStatus.IN_QUEUE, SubmissionStatus.IN_PROGRESS),
            next_check_at__lte=timezone.now(),
        )
        .select_related("marketplace__account")
        .order_by("next_check_at")[:limit]
    )
    for submission in due:
        try:
            with client_for(submission.marketplace.account) as client:
                poll_submission(submission, client)
        except AmazonError as exc:
            submission.attempts += 1
            submission.error = exc.merchant_message
            submission.next_check_at = timezone.now() + conf.scaled(
                POLL_INTERVAL * min(2**submission.attempts, 32)
            )
            submission.save(update_fields=["attempts", "error", "next_check_at"])
    return len(due)


def poll_submission(submission: AmazonFeedSubmission, client: AmazonClient) -> None:
    feed = client.get_feed(submission.feed_id)
    status = feed.get("processingStatus")
    now = timezone.now()
    if status in ("IN_QUEUE", "IN_PROGRESS"):
        submission.status = status
        submission.next_check_at = now + conf.scaled(POLL_INTERVAL)
        submission.save(update_fields=["status", "next_check_at"])
        return
    submission.finished_at = now
    submission.next_check_at = None
    submission.result_document_id = feed.get("resultFeedDocumentId") or ""
    if status == "CANCELLED":
        submission.status = SubmissionStatus.CANCELLED
        submission.save()
        return
    report = None
    if submission.result_document_id:
        try:
            raw = client.download_feed_document(submission.result_document_id)
            report = parse_processing_report(
                raw,
                correlation={
                    int(k): (v[0], v[1]) for k, v in submission.correlation.items()
                },
            )
        except ReportError as exc:
            submission.error = f"Amazon's processing report could not be read: {exc}"
    if status == "FATAL":
        submission.status = SubmissionStatus.FATAL
        if report is not None:
            reasons = "; ".join(i.message for i in report.feed_level_issues) or (
                "; ".join(i.message for i in report.issues[:3])
            )
            submission.error = f"Amazon rejected the whole feed: {reasons}"
        elif not submission.error:
            submission.error = "Amazon rejected the whole feed (FATAL)."
        with transaction.atomic():
            submission.save()
            if report is not None:
                _store_issues(submission, report)
            _reject_all(submission)
        return
    if report is None:
        # DONE without a readable report: nothing is known to be accepted, so
        # the states stay unaccepted and the next sync sends them again.
        submission.status = SubmissionStatus.ERROR
        submission.error = submission.error or "Amazon returned no processing report."
        submission.save()
        return
    submission.status = SubmissionStatus.DONE
    summary = report.summary
    submission.accepted_count = summary.messages_accepted
    submission.invalid_count = summary.messages_invalid
    submission.error_count = summary.errors
    submission.warning_count = summary.warnings
    with transaction.atomic():
        submission.save()
        _store_issues(submission, report)
        _apply_acceptance(submission, report.failed_message_ids(), now)


def _store_issues(submission, report) -> None:
    correlation = submission.correlation
    sent = dict(
        AmazonListingState.objects.filter(
            marketplace_id=submission.marketplace_id,
            kind=submission.kind,
            last_submission=submission,
            sku__in={issue.sku for issue in report.issues if issue.sku},
        ).values_list("sku", "sent_summary")
    )
    AmazonFeedIssue.objects.bulk_create(
        AmazonFeedIssue(
            submission=submission,
            message_id=issue.message_id,
            sku=(issue.sku or "")[:64],
            variant_id=(correlation.get(str(issue.message_id)) or [None] * 3)[2],
            code=(issue.code or "")[:64],
            severity=Severity.of(issue.severity),
            message=issue.message,
            attribute=", ".join(issue.attribute_names)[:128],
            sent_value=sent_value(sent.get(issue.sku), issue.attribute_names),
        )
        for issue in report.issues
    )


def _apply_acceptance(submission, failed_ids: frozenset[int], now) -> None:
    failed_skus = {
        submission.correlation[str(i)][0]
        for i in failed_ids
        if str(i) in submission.correlation
    }
    # Only states still pointing at this submission: a newer send supersedes.
    mine = AmazonListingState.objects.filter(last_submission=submission)
    mine.filter(sku__in=failed_skus).update(
        status=ListingStatus.REJECTED, rejected_digest=F("sent_digest")
    )
    accepted = mine.exclude(sku__in=failed_skus)
    if submission.kind == FeedKind.DELETIONS:
        skus = list(accepted.values_list("sku", flat=True))
        AmazonListingState.objects.filter(
            marketplace_id=submission.marketplace_id, sku__in=skus
        ).update(
            status=ListingStatus.DELETED,
            accepted_digest="",
            rejected_digest="",
            accepted_at=now,
        )
        forget_lookups(submission.marketplace_id, skus)
        return
    accepted.update(
        status=ListingStatus.ACCEPTED,
        accepted_digest=F("sent_digest"),
        accepted_summary=F("sent_summary"),
        accepted_at=now,
        rejected_digest="",
    )


def _reject_all(submission) -> None:
    AmazonListingState.objects.filter(last_submission=submission).update(
        status=ListingStatus.REJECTED
    )
