"""Amazon's faults, through the real stack: the plugin's drain, poller and
recovery against the bundled sandbox over HTTP (python-amazon-sp-api,
PostgreSQL, Redis), with the sandbox's fault switches (``PUT /_sandbox/faults``).

Each fault must end in a clear status for the merchant (the submission, the
sync status, the marketplace), back off rather than loop, and once it clears
everything pending goes out by itself, once. Counting is done in the sandbox
(``GET /_sandbox/requests``, ``/_sandbox/feeds``, ``/_sandbox/listings``).
Celery runs eagerly here: the test process plays the beat entries (drain,
poll); tests/saleor/test_reliability_crashes.py uses real worker processes.
"""

import time
from collections import Counter

import pytest
from django.utils import timezone

from saleor_amazon_feeds.amazon.lwa import TOKEN_CACHE
from saleor_amazon_feeds.catalog.results import poll_open_submissions
from saleor_amazon_feeds.models import (
    AmazonFeedSubmission,
    AmazonSyncChange,
    AmazonSyncStatus,
)
from saleor_amazon_feeds.services.marketplaces import verify_marketplace
from saleor_amazon_feeds.sync.drain import drain_marketplace
from saleor_amazon_feeds.sync.outbox import Change, record_variants
from saleor_amazon_feeds.sync.status import sync_statuses
from saleor_amazon_feeds.sync.tasks import drain_outbox_task
from tests.fixtures.feeds import wait_for_submissions
from tests.fixtures.reliability import record_counts

pytestmark = pytest.mark.django_db

US = "ATVPDKIKX0DER"


def queue_listing(product):
    """A product change, kept to the LISTINGS kind: one feed per send."""
    record_variants(Change.CONTENT, product_ids=[product.pk])
    AmazonSyncChange.objects.exclude(kind="LISTINGS").delete()


def accepted_feeds(sandbox):
    return [f for f in sandbox.feeds() if f["processingStatus"] == "DONE"]


def created_feeds(sandbox):
    return [r for r in sandbox.requests("createFeed") if r["status"] == 202]


def listed_skus(sandbox):
    return {item["sku"] for item in sandbox.listings(US)}


def sync_status(marketplace):
    return sync_statuses([marketplace])[0]


def wait_past(moment, timeout=15.0):
    """Sleep until ``moment`` (a backoff scaled by the sandbox time scale)."""
    deadline = time.monotonic() + timeout
    while timezone.now() <= moment:
        assert time.monotonic() < deadline, f"{moment} is too far away"
        time.sleep(0.05)


def retry_after_backoff(marketplace):
    """What beat does: drain again once the sync's backoff has passed."""
    status = AmazonSyncStatus.objects.get(marketplace=marketplace)
    assert status.waiting_reason == "ERROR"
    assert status.next_submission_at > status.updated_at
    wait_past(status.next_submission_at)
    return drain_marketplace(marketplace)


# Switches that only tune another (which calls, which status, the RNG).
_TUNING = {"server_error_operations", "drop_operations", "server_error_status", "seed"}
INJECTED: Counter = Counter()
PASSED: list[str] = []


@pytest.fixture(autouse=True)
def _count_faults(request, sandbox, monkeypatch):
    """Count the fault switches each passing test turned on, for the table of
    docs/reliability.md (scripts/reliability_table.py)."""
    used: set[str] = set()
    original = sandbox.set_faults

    def set_faults(**switches):
        used.update(k for k, v in switches.items() if v and k not in _TUNING)
        return original(**switches)

    monkeypatch.setattr(sandbox, "set_faults", set_faults)
    failed = request.session.testsfailed
    yield
    if request.session.testsfailed == failed:
        INJECTED.update(used)
        PASSED.append(request.node.name)


@pytest.fixture(scope="module", autouse=True)
def _write_fault_counts():
    yield
    if PASSED:
        record_counts(
            "faults",
            {
                "fault_kinds_injected": len(INJECTED),
                "switches": sorted(INJECTED),
                "tests_passed": len(PASSED),
            },
        )


@pytest.fixture(autouse=True)
def _faults_off(sandbox):
    yield
    sandbox.set_faults(
        throttle_all=False,
        throttle_next=0,
        server_error_next=0,
        server_error_rate=0.0,
        server_error_operations=None,
        slow_ms=0,
        fatal_feeds=False,
        stuck_feeds=False,
        broken_reports=False,
        revoked_refresh_token=False,
        drop_next=0,
        drop_operations=None,
        expired_upload_urls_next=0,
    )


def test_short_429_and_5xx_bursts_are_retried_with_backoff(
    sync_marketplace, listable_product, sandbox
):
    sandbox.set_faults(
        throttle_next=2,
        server_error_next=2,
        server_error_operations=["createFeedDocument", "getFeed"],
    )
    queue_listing(listable_product)
    result = drain_marketplace(sync_marketplace, force=True)
    assert result.submitted == 1
    wait_for_submissions()
    # Two 429s (on whichever calls came first) and two 500s, each retried.
    assert [r["status"] for r in sandbox.requests()].count(429) == 2
    statuses = [r["status"] for r in sandbox.requests("createFeedDocument")]
    assert statuses[-3:] == [500, 500, 201]
    assert len(created_feeds(sandbox)) == 1
    assert AmazonFeedSubmission.objects.get(feed_id__gt="").status == "DONE"
    assert listable_product.variants.get().sku in listed_skus(sandbox)
    assert sync_status(sync_marketplace).waiting_reason == "IDLE"


@pytest.mark.slow
def test_429_storm_ends_in_error_status_then_goes_out_by_itself(
    sync_marketplace, listable_product, sandbox
):
    sandbox.set_faults(throttle_all=True)
    queue_listing(listable_product)
    result = drain_marketplace(sync_marketplace, force=True)
    assert result.reason == "ERROR"
    status = sync_status(sync_marketplace)
    assert status.waiting_reason == "ERROR"
    assert "throttling" in status.last_error
    assert status.next_submission_at > timezone.now()
    # Each call gave up after its retries (4), not in a loop.
    calls = [r for r in sandbox.requests() if r["operation"] != "lwaToken"]
    assert {r["status"] for r in calls} == {429}
    per_operation = Counter(r["operation"] for r in calls)
    assert set(per_operation.values()) == {5}, per_operation
    assert AmazonSyncChange.objects.filter(kind="LISTINGS").exists()

    sandbox.set_faults(throttle_all=False)
    assert retry_after_backoff(sync_marketplace).submitted == 1
    wait_for_submissions()
    assert len(accepted_feeds(sandbox)) == 1
    assert listable_product.variants.get().sku in listed_skus(sandbox)
    assert not AmazonSyncChange.objects.exists()
    assert sync_status(sync_marketplace).last_error == ""


def test_lost_create_feed_answer_is_recovered_not_sent_twice(
    sync_marketplace, listable_product, sandbox
):
    """The connection drops after Amazon created the feed: the plugin cannot
    know, so it neither resends nor forgets; recovery finds the feed."""
    sandbox.set_faults(drop_next=1, drop_operations=["createFeed"])
    queue_listing(listable_product)
    assert drain_marketplace(sync_marketplace, force=True).reason == "ERROR"
    submission = AmazonFeedSubmission.objects.get()
    assert submission.status == "UPLOADED"
    assert "could not be reached" in submission.error
    assert len(sandbox.feeds()) == 1  # Amazon did create it

    # The next drain first asks Amazon (getFeeds) and adopts the feed; the
    # message it builds again is on its way, so it is not sent twice.
    assert drain_marketplace(sync_marketplace, force=True).submitted == 0
    assert len(sandbox.requests("getFeeds")) == 1
    assert len(sandbox.requests("createFeed")) == 1
    assert not AmazonSyncChange.objects.exists()
    wait_for_submissions()
    submission.refresh_from_db()
    assert submission.status == "DONE"
    assert submission.feed_id == sandbox.feeds()[0]["feedId"]
    assert len(sandbox.requests("createFeed")) == 1
    assert listable_product.variants.get().sku in listed_skus(sandbox)


def test_dropped_reads_and_slow_answers_are_retried(
    sync_marketplace, listable_product, sandbox
):
    sandbox.set_faults(
        drop_next=2, drop_operations=["getFeed", "downloadFeedDocument"], slow_ms=50
    )
    queue_listing(listable_product)
    assert drain_marketplace(sync_marketplace, force=True).submitted == 1
    wait_for_submissions()
    submission = AmazonFeedSubmission.objects.get()
    assert submission.status == "DONE"
    assert submission.accepted_count == 1
    assert sandbox.faults()["drop_next"] == 0  # both drops happened
    assert len(created_feeds(sandbox)) == 1


def test_expired_upload_url_gets_a_fresh_document(
    sync_marketplace, listable_product, sandbox
):
    sandbox.set_faults(expired_upload_urls_next=1)
    queue_listing(listable_product)
    assert drain_marketplace(sync_marketplace, force=True).submitted == 1
    uploads = sandbox.requests("uploadFeedDocument")
    # S3's answer to an expired presigned URL, then the fresh URL's upload.
    assert [r["status"] for r in uploads] == [403, 200]
    assert len(sandbox.requests("createFeedDocument")) == 2
    wait_for_submissions()
    assert [f["processingStatus"] for f in sandbox.feeds()] == ["DONE"]
    assert AmazonFeedSubmission.objects.get().status == "DONE"


def test_fatal_feed_is_reported_then_sent_again_after_backoff(
    sync_marketplace, listable_product, sandbox
):
    sandbox.set_faults(fatal_feeds=True)
    queue_listing(listable_product)
    assert drain_marketplace(sync_marketplace, force=True).submitted == 1
    wait_for_submissions()
    fatal = AmazonFeedSubmission.objects.get()
    assert fatal.status == "FATAL"
    assert "Amazon rejected the whole feed" in fatal.error
    # Not a rejection of the message: it is queued again, the sync backs off.
    assert AmazonSyncChange.objects.filter(kind="LISTINGS").exists()
    status = sync_status(sync_marketplace)
    assert status.waiting_reason == "ERROR"
    assert status.last_error == fatal.error

    sandbox.set_faults(fatal_feeds=False)
    assert retry_after_backoff(sync_marketplace).submitted == 1
    wait_for_submissions()
    assert [f["processingStatus"] for f in sandbox.feeds()] == ["FATAL", "DONE"]
    assert listable_product.variants.get().sku in listed_skus(sandbox)
    assert not AmazonSyncChange.objects.exists()


def test_fatal_feeds_that_persist_back_off_longer_each_time(
    sync_marketplace, listable_product, sandbox
):
    sandbox.set_faults(fatal_feeds=True)
    queue_listing(listable_product)
    waits = []
    for _ in range(3):
        drain_marketplace(sync_marketplace, force=True)
        wait_for_submissions()
        fatal = AmazonFeedSubmission.objects.filter(status="FATAL").latest("pk")
        status = AmazonSyncStatus.objects.get(marketplace=sync_marketplace)
        waits.append((status.next_submission_at - fatal.finished_at).total_seconds())
    assert AmazonFeedSubmission.objects.filter(status="FATAL").count() == 3
    # 1, 2, 4 minutes of Amazon's time, at the sandbox's time scale (100).
    assert waits == pytest.approx([0.6, 1.2, 2.4], abs=0.25)
    # Within the backoff, beat's drain leaves Amazon alone.
    calls = len(sandbox.requests())
    assert drain_marketplace(sync_marketplace).reason == "ERROR"
    assert len(sandbox.requests()) == calls


def test_feed_stuck_in_progress_past_the_deadline(
    sync_marketplace, listable_product, sandbox, settings
):
    settings.AMAZON_FEEDS_FEED_STUCK_SECONDS = 60  # 0.6 s at time scale 100
    sandbox.set_faults(stuck_feeds=True)
    queue_listing(listable_product)
    assert drain_marketplace(sync_marketplace, force=True).submitted == 1
    stuck = AmazonFeedSubmission.objects.get()
    wait_for_submissions(
        until=lambda: AmazonFeedSubmission.objects.get(pk=stuck.pk).status == "ERROR"
    )
    stuck.refresh_from_db()
    assert "IN_PROGRESS for more than 1 minutes" in stuck.error
    assert stuck.next_check_at is None
    # Not polled any more: the poller has nothing due.
    assert poll_open_submissions() == 0
    assert AmazonSyncChange.objects.filter(kind="LISTINGS").exists()

    sandbox.set_faults(stuck_feeds=False)
    assert retry_after_backoff(sync_marketplace).submitted == 1
    wait_for_submissions()
    assert AmazonFeedSubmission.objects.latest("pk").status == "DONE"
    assert listable_product.variants.get().sku in listed_skus(sandbox)


def test_broken_report_is_an_error_and_the_messages_go_again(
    sync_marketplace, listable_product, sandbox
):
    sandbox.set_faults(broken_reports=True)
    queue_listing(listable_product)
    drain_marketplace(sync_marketplace, force=True)
    wait_for_submissions()
    broken = AmazonFeedSubmission.objects.get()
    assert broken.status == "ERROR"
    assert "processing report could not be read" in broken.error
    assert AmazonSyncChange.objects.filter(kind="LISTINGS").exists()

    sandbox.set_faults(broken_reports=False)
    assert retry_after_backoff(sync_marketplace).submitted == 1
    wait_for_submissions()
    latest = AmazonFeedSubmission.objects.latest("pk")
    assert latest.status == "DONE"
    assert latest.accepted_count == 1


def test_revoked_refresh_token_pauses_the_marketplace_until_reconnected(
    sync_marketplace, listable_product, sandbox
):
    sandbox.set_faults(revoked_refresh_token=True)
    # The worker's access token has expired: the next call needs LWA.
    TOKEN_CACHE.clear()
    queue_listing(listable_product)
    drain_outbox_task(sync_marketplace.pk, force=True)
    sync_marketplace.refresh_from_db()
    assert sync_marketplace.status == "ERROR"
    assert "reconnect the account (invalid_grant)" in sync_marketplace.last_error
    status = sync_status(sync_marketplace)
    assert status.waiting_reason == "ERROR"
    assert status.last_error == sync_marketplace.last_error
    assert status.pending_changes == 1

    # Paused: beat's drains leave Amazon alone, however often they run.
    calls = len(sandbox.requests())
    for _ in range(3):
        assert drain_outbox_task(force=True) == {}
    assert len(sandbox.requests()) == calls

    # The seller authorises again; the merchant re-checks the marketplace.
    sandbox.set_faults(revoked_refresh_token=False)
    verify_marketplace(sync_marketplace)
    assert sync_marketplace.status == "CONFIGURED"
    result = drain_outbox_task(force=True)
    assert result[sync_marketplace.pk]["submitted"] == 1
    wait_for_submissions()
    assert listable_product.variants.get().sku in listed_skus(sandbox)
    assert sync_status(sync_marketplace).waiting_reason == "IDLE"
