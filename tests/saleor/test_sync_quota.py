"""A sync larger than one feed, against the sandbox's enforced feed quota
(5 submissions per 5 minutes per region, time-scaled): whole feeds, no 429."""

import time

import pytest
from django.utils import timezone

from saleor_amazon_feeds.models import AmazonFeedSubmission, AmazonSyncChange
from saleor_amazon_feeds.sync.drain import drain_marketplace
from saleor_amazon_feeds.sync.outbox import Change, record_variants
from tests.fixtures.feeds import wait_for_submissions

pytestmark = pytest.mark.django_db

US = "ATVPDKIKX0DER"
FEED_SIZE = 10
PRODUCTS = 64


def test_sync_of_more_skus_than_a_feed_holds_uses_full_feeds_and_no_429(
    sync_marketplace, catalog_factory, warehouses, sandbox, settings
):
    # Amazon's ceiling is 25,000 messages a feed; the same rule at 10 keeps
    # the catalog small enough for a test.
    settings.AMAZON_FEEDS_MAX_FEED_MESSAGES = FEED_SIZE
    sync_marketplace.sync_scope = "INVENTORY"
    sync_marketplace.save(update_fields=["sync_scope"])
    sync_marketplace.warehouses.set(warehouses)
    products = catalog_factory(PRODUCTS, variants=1)
    # An INVENTORY-scope marketplace updates offers Amazon already has: the
    # seller listed these SKUs elsewhere (the listing gate looks them up).
    for product in products:
        sandbox.put_listing(product.variants.get().sku, US)
    record_variants(Change.CONTENT, product_ids=[p.pk for p in products])

    quota_waits = 0
    started = time.monotonic()
    while AmazonSyncChange.objects.exists():
        assert time.monotonic() - started < 60, "sync did not finish"
        result = drain_marketplace(sync_marketplace)
        if result.reason == "QUOTA":
            quota_waits += 1
            time.sleep(max((result.next_at - timezone.now()).total_seconds(), 0))
    elapsed = time.monotonic() - started

    sent = list(AmazonFeedSubmission.objects.filter(feed_id__gt="").order_by("pk"))
    by_kind = {}
    for submission in sent:
        by_kind.setdefault(submission.kind, []).append(submission.message_count)
    full, rest = divmod(PRODUCTS, FEED_SIZE)
    expected = [FEED_SIZE] * full + ([rest] if rest else [])
    assert by_kind == {"INVENTORY": expected, "PRICES": expected}
    # Whole feeds of both kinds went out before either kind's remainder.
    partial_at = [i for i, s in enumerate(sent) if s.message_count < FEED_SIZE]
    assert partial_at == [len(sent) - 2, len(sent) - 1]
    # 14 feeds at 5 per window: the drainer waited for the quota, and
    # Amazon never answered 429.
    assert quota_waits >= 2
    assert [r for r in sandbox.requests() if r["status"] == 429] == []
    assert not AmazonFeedSubmission.objects.filter(status="ERROR").exists()

    wait_for_submissions(timeout=20)
    assert {s.status for s in AmazonFeedSubmission.objects.filter(feed_id__gt="")} == {
        "DONE"
    }
    print(f"\n{len(sent)} feeds for {PRODUCTS} SKUs x 2 kinds in {elapsed:.1f}s")
