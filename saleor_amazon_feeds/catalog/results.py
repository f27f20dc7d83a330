"""What became of a submission once its document was uploaded.

Recovery settles submissions whose worker died between the upload and
recording createFeed (``recover_uploaded_submissions``); polling reads each
open feed's processing report into per-SKU issues and moves the listing
states to ACCEPTED or REJECTED (``poll_open_submissions``).
"""

import logging
import uuid
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import conf
from ..amazon.client import AmazonClient
from ..amazon.errors import AmazonError
from ..amazon.rates import JSON_LISTINGS_FEED
from ..amazon_clients import client_for, pause_if_unauthorised
from ..crashpoints import crash_point
from ..listings.kinds import FeedKind
from ..listings.report import ReportError, parse_processing_report, sent_value
from ..listings.severity import Severity
from ..models import (
    AmazonFeedIssue,
    AmazonFeedSubmission,
    AmazonListingState,
    AmazonMarketplace,
)
from ..models.accounts import MarketplaceStatus
from ..models.feeds import ListingStatus, SubmissionStatus
from .failures import send_again
from .gate import forget_lookups

log = logging.getLogger(__name__)

POLL_INTERVAL = timedelta(seconds=30)
UPLOAD_GRACE = timedelta(minutes=2)


def recover_uploaded_submissions(
    limit: int = 20,
    *,
    marketplace: AmazonMarketplace | None = None,
    client: AmazonClient | None = None,
) -> int:
    """Settle submissions whose process died between upload and recording createFeed.

    Amazon's Feed carries no input document id, so a feed we never recorded is
    recognised as a JSON_LISTINGS_FEED for the marketplace created after our
    upload that no submission of ours claims. Exactly one such feed: adopt it.
    None: createFeed never arrived, so it is sent now with the same document.
    Several: we cannot tell, so nothing is sent twice and the SKUs stay
    unaccepted for the next sync.

    Beat runs it for submissions older than the grace time (a worker that
    died there). The drain runs it first for its ``marketplace`` with its
    ``client``, for submissions whose createFeed already failed without an
    answer (their worker has moved on), so a lost answer is settled before
    anything is built again.
    """
    cutoff = timezone.now() - conf.scaled(UPLOAD_GRACE)
    uploaded = AmazonFeedSubmission.objects.filter(status=SubmissionStatus.UPLOADED)
    if marketplace is None:
        _settle_unsent(cutoff)
        uploaded = uploaded.filter(created_at__lte=cutoff)
    else:
        uploaded = uploaded.filter(marketplace=marketplace).exclude(error="")
    stale = list(
        uploaded.exclude(marketplace__status=MarketplaceStatus.ERROR)
        .select_related("marketplace__account")
        .order_by("pk")[:limit]
    )
    for submission in stale:
        account = submission.marketplace.account
        try:
            if client is not None:
                _recover(client, submission)
            else:
                with client_for(account) as own:
                    _recover(own, submission)
        except AmazonError as exc:
            pause_if_unauthorised(account, exc)
            submission.attempts += 1
            submission.error = exc.merchant_message
            submission.save(update_fields=["attempts", "error"])
    return len(stale)


def _settle_unsent(cutoff) -> int:
    """Submissions whose process died before the upload: Amazon never heard
    of them, their messages were never marked sent and their outbox rows are
    still queued, so they only need a status that says so."""
    return AmazonFeedSubmission.objects.filter(
        status=SubmissionStatus.PENDING, document_id="", created_at__lte=cutoff
    ).update(
        status=SubmissionStatus.ERROR,
        error=(
            "Interrupted before the feed was uploaded (the worker stopped); "
            "nothing reached Amazon and its changes are sent with the next feed."
        ),
        finished_at=timezone.now(),
    )


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
        reject_all(submission)
        send_again(submission)
        return
    if unknown:
        feed_id = unknown[0]
    else:
        account, slot = marketplace.account, uuid.uuid4().hex
        client.limiter.acquire_feed_submission(
            account.seller_id, account.region, JSON_LISTINGS_FEED, timeout=0, slot=slot
        )
        try:
            feed_id = str(
                client.create_feed(
                    JSON_LISTINGS_FEED,
                    [marketplace.marketplace_id],
                    submission.document_id,
                )["feedId"]
            )
        finally:
            client.limiter.restamp_feed_submission(
                account.seller_id, account.region, slot, JSON_LISTINGS_FEED
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
        .exclude(marketplace__status=MarketplaceStatus.ERROR)
        .select_related("marketplace__account")
        .order_by("next_check_at")[:limit]
    )
    for submission in due:
        try:
            with client_for(submission.marketplace.account) as client:
                poll_submission(submission, client)
        except AmazonError as exc:
            pause_if_unauthorised(submission.marketplace.account, exc)
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
        started = submission.submitted_at or submission.created_at
        if now - started > conf.feed_stuck_after():
            _give_up_stuck(client, submission, status, now)
            return
        submission.status = status
        submission.next_check_at = now + conf.scaled(POLL_INTERVAL)
        submission.save(update_fields=["status", "next_check_at"])
        return
    submission.finished_at = now
    submission.next_check_at = None
    submission.result_document_id = feed.get("resultFeedDocumentId") or ""
    if status == "CANCELLED":
        submission.status = SubmissionStatus.CANCELLED
        submission.error = submission.error or (
            "The feed was cancelled at Amazon; its changes are sent again."
        )
        with transaction.atomic():
            submission.save()
            reject_all(submission)
            send_again(submission)
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
    crash_point("feed.before_result")
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
            reject_all(submission)
            send_again(submission)
        return
    if report is None:
        # DONE without a readable report: nothing is known to be accepted, so
        # the states stay unaccepted and the sync sends them again.
        submission.status = SubmissionStatus.ERROR
        submission.error = submission.error or "Amazon returned no processing report."
        with transaction.atomic():
            submission.save()
            reject_all(submission)
            send_again(submission)
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


def _give_up_stuck(client, submission, status: str, now) -> None:
    """Amazon has held the feed past the deadline: tell the merchant, cancel
    it if Amazon still can (only IN_QUEUE feeds can be cancelled) and send its
    messages again, instead of polling it for ever."""
    # In Amazon's time, as the merchant's setting says it.
    limit = conf.feed_stuck_after().total_seconds() * conf.time_scale()
    waited = f"{limit / 3600:g} hours" if limit >= 3600 else f"{limit / 60:g} minutes"
    if status == "IN_QUEUE":
        try:
            client.cancel_feed(submission.feed_id)
        except AmazonError as exc:
            log.info(
                "Cancelling stuck feed %s failed: %s", submission.feed_id, exc.code
            )
    submission.status = SubmissionStatus.ERROR
    submission.error = (
        f"Amazon kept the feed {status} for more than {waited}; the plugin "
        "stopped waiting for it and sends its changes again."
    )
    submission.finished_at = now
    submission.next_check_at = None
    with transaction.atomic():
        submission.save(
            update_fields=["status", "error", "finished_at", "next_check_at"]
        )
        reject_all(submission)
        send_again(submission)


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


def reject_all(submission) -> None:
    """Every message of the submission rejected: nothing of it counts as
    accepted, and each is sent again once it changes."""
    AmazonListingState.objects.filter(last_submission=submission).update(
        status=ListingStatus.REJECTED
    )
