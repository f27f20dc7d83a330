"""Automatic sync through Saleor's hooks, the outbox and the drainer, against
the sandbox (Celery runs eagerly here; see test_sync_worker for a real worker)."""

import pytest
from django.db.models.signals import post_save
from django.utils import timezone
from graphql_relay import to_global_id

from saleor_amazon_feeds.models import (
    AmazonFeedSubmission,
    AmazonListingState,
    AmazonSyncChange,
    AmazonSyncStatus,
)
from saleor_amazon_feeds.sync.drain import drain_marketplace
from saleor_amazon_feeds.sync.outbox import Change, record_variants
from tests.fixtures.feeds import wait_for_submissions

pytestmark = pytest.mark.django_db

US = "ATVPDKIKX0DER"

PRODUCT_UPDATE = """
mutation ($id: ID!, $name: String!) {
  productUpdate(id: $id, input: {name: $name}) { errors { field message } }
}
"""
PRODUCT_DELETE = """
mutation ($id: ID!) { productDelete(id: $id) { errors { field message } } }
"""


def rename(client, product, name):
    response = client.post_graphql(
        PRODUCT_UPDATE, {"id": to_global_id("Product", product.pk), "name": name}
    )
    assert response.status_code == 200
    assert response.json()["data"]["productUpdate"]["errors"] == []


def listing(sandbox, sku):
    return {item["sku"]: item for item in sandbox.listings(US)}[sku]


@pytest.fixture
def editor(staff_api_client, permission_manage_products):
    staff_api_client.user.user_permissions.add(permission_manage_products)
    return staff_api_client


def initial_sync(marketplace, product):
    record_variants(Change.CONTENT, product_ids=[product.pk])
    drain_marketplace(marketplace, force=True)
    wait_for_submissions()
    assert AmazonSyncChange.objects.count() == 0


def test_hook_records_change_and_drain_sends_it(
    editor,
    sync_marketplace,
    listable_product,
    sandbox,
    django_capture_on_commit_callbacks,
):
    variant = listable_product.variants.get()
    with django_capture_on_commit_callbacks(execute=True):
        rename(editor, listable_product, "Travel bag")
    # The nudge drained at once (no settle window, eager Celery). Saleor may
    # fire more than one hook for one mutation; without a settle window each
    # may drain, but never past Amazon's quota.
    wait_for_submissions()
    sent = AmazonFeedSubmission.objects.filter(trigger="AUTO", feed_id__gt="")
    assert {s.kind for s in sent} >= {"LISTINGS", "PRICES"}
    assert all(s.status == "DONE" and s.message_count == 1 for s in sent)
    assert listing(sandbox, variant.sku)["attributes"]["item_name"][0]["value"] == (
        "Travel bag"
    )
    assert [r for r in sandbox.requests() if r["status"] == 429] == []
    status = AmazonSyncStatus.objects.get(marketplace=sync_marketplace)
    assert status.last_submission_at is not None
    # What the quota held back is still queued, not lost.
    assert set(AmazonSyncChange.objects.values_list("kind", flat=True)) <= {
        "INVENTORY",
        "PRICES",
        "LISTINGS",
    }


def test_ten_quick_edits_become_one_message(
    editor,
    sync_marketplace,
    listable_product,
    sandbox,
    settings,
    django_capture_on_commit_callbacks,
):
    variant = listable_product.variants.get()
    initial_sync(sync_marketplace, listable_product)
    feeds_before = len(sandbox.feeds())
    settings.AMAZON_FEEDS_SYNC_SETTLE_SECONDS = 3600
    for i in range(10):
        with django_capture_on_commit_callbacks(execute=True):
            rename(editor, listable_product, f"Bag v{i}")
    # Still settling: nothing sent, one coalesced row per kind.
    assert len(sandbox.feeds()) == feeds_before
    # Saleor fires more than one hook per productUpdate: all coalesce.
    listings_row = AmazonSyncChange.objects.get(kind="LISTINGS")
    assert listings_row.version >= 10
    assert AmazonSyncChange.objects.filter(variant_id=variant.pk).count() == 4
    result = drain_marketplace(sync_marketplace)
    assert result.reason == "SETTLING"
    assert result.submitted == 0

    drain_marketplace(sync_marketplace, force=True)
    wait_for_submissions()
    new_feeds = sandbox.feeds()[feeds_before:]
    # Only the listing changed (price and stock did not): one feed, one message.
    assert len(new_feeds) == 1
    submission = AmazonFeedSubmission.objects.get(feed_id=new_feeds[0]["feedId"])
    assert (submission.kind, submission.message_count) == ("LISTINGS", 1)
    assert listing(sandbox, variant.sku)["attributes"]["item_name"][0]["value"] == (
        "Bag v9"
    )
    assert AmazonSyncChange.objects.count() == 0


def test_change_during_a_feed_build_goes_in_the_next_feed(
    sync_marketplace, listable_product, sandbox
):
    variant = listable_product.variants.get()
    initial_sync(sync_marketplace, listable_product)
    listable_product.name = "Name A"
    listable_product.save(update_fields=["name"])
    record_variants(Change.CONTENT, product_ids=[listable_product.pk])

    interleaved = []

    def edit_while_building(sender, instance, created, **kwargs):
        # The submission row is written after the document is built and
        # before the outbox is consumed: an edit lands exactly in between.
        if created and instance.kind == "LISTINGS" and not interleaved:
            listable_product.name = "Name B"
            listable_product.save(update_fields=["name"])
            record_variants(Change.CONTENT, product_ids=[listable_product.pk])
            interleaved.append(instance.pk)

    post_save.connect(edit_while_building, sender=AmazonFeedSubmission)
    try:
        drain_marketplace(sync_marketplace, force=True)
    finally:
        post_save.disconnect(edit_while_building, sender=AmazonFeedSubmission)
    assert interleaved
    wait_for_submissions()
    first = AmazonFeedSubmission.objects.get(pk=interleaved[0])
    assert first.message_count == 1
    assert listing(sandbox, variant.sku)["attributes"]["item_name"][0]["value"] == (
        "Name A"
    )
    # The edit survived the drain that was building when it happened.
    assert AmazonSyncChange.objects.filter(kind="LISTINGS").get().version == 2

    drain_marketplace(sync_marketplace, force=True)
    wait_for_submissions()
    assert listing(sandbox, variant.sku)["attributes"]["item_name"][0]["value"] == (
        "Name B"
    )
    assert not AmazonSyncChange.objects.filter(kind="LISTINGS").exists()


def test_deleting_a_product_sends_delete(
    editor,
    sync_marketplace,
    listable_product,
    sandbox,
    django_capture_on_commit_callbacks,
):
    sku = listable_product.variants.get().sku
    initial_sync(sync_marketplace, listable_product)
    assert sku in {item["sku"] for item in sandbox.listings(US)}
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post_graphql(
            PRODUCT_DELETE, {"id": to_global_id("Product", listable_product.pk)}
        )
    assert response.json()["data"]["productDelete"]["errors"] == []
    wait_for_submissions()
    deletions = AmazonFeedSubmission.objects.filter(kind="DELETIONS", feed_id__gt="")
    assert deletions
    assert {(d.status, d.message_count) for d in deletions} == {("DONE", 1)}
    assert sku not in {item["sku"] for item in sandbox.listings(US)}
    assert set(
        AmazonListingState.objects.filter(sku=sku).values_list("status", flat=True)
    ) == {"DELETED"}


def test_quota_exhausted_waits_without_calling_amazon(
    sync_marketplace, listable_product, sandbox
):
    from saleor_amazon_feeds.amazon_clients import limiter
    from tests.fixtures.sandbox import SELLER_ID

    for _ in range(5):
        limiter().acquire_feed_submission(SELLER_ID, "NA", "JSON_LISTINGS_FEED")
    record_variants(Change.CONTENT, product_ids=[listable_product.pk])
    result = drain_marketplace(sync_marketplace, force=True)
    assert result.reason == "QUOTA"
    assert result.next_at > timezone.now()
    assert sandbox.requests("createFeed") == []
    assert AmazonSyncChange.objects.count() == 4
    status = AmazonSyncStatus.objects.get(marketplace=sync_marketplace)
    assert (status.waiting_reason, status.next_submission_at) == (
        "QUOTA",
        result.next_at,
    )


def test_inventory_scope_records_only_quantity_price_and_deletions(
    sync_marketplace, listable_product
):
    sync_marketplace.sync_scope = "INVENTORY"
    sync_marketplace.save(update_fields=["sync_scope"])
    record_variants(Change.CONTENT, product_ids=[listable_product.pk])
    assert set(AmazonSyncChange.objects.values_list("kind", flat=True)) == {
        "INVENTORY",
        "PRICES",
        "DELETIONS",
    }
    sync_marketplace.auto_sync = False
    sync_marketplace.save(update_fields=["auto_sync"])
    AmazonSyncChange.objects.all().delete()
    assert record_variants(Change.CONTENT, product_ids=[listable_product.pk]) == 0


SYNC_STATUS = """
query ($marketplace: ID) {
  amazonSyncStatus(marketplaceId: $marketplace) {
    marketplace { marketplaceId }
    pendingChanges lastSubmissionAt nextSubmissionAt waitingReason lastError
  }
}
"""


def test_sync_status_shows_outbox_and_why_it_waits(
    plugin_staff_client, permission_manage_products, sync_marketplace, listable_product
):
    from saleor_amazon_feeds.amazon_clients import limiter
    from tests.fixtures.sandbox import SELLER_ID

    from .graphql_utils import assert_permission_denied, gql, gql_data

    variables = {"marketplace": to_global_id("AmazonMarketplace", sync_marketplace.pk)}
    assert_permission_denied(gql(plugin_staff_client, SYNC_STATUS, variables))
    plugin_staff_client.user.user_permissions.add(permission_manage_products)

    idle = gql_data(plugin_staff_client, SYNC_STATUS, variables)["amazonSyncStatus"]
    assert idle == [
        {
            "marketplace": {"marketplaceId": US},
            "pendingChanges": 0,
            "lastSubmissionAt": None,
            "nextSubmissionAt": None,
            "waitingReason": "IDLE",
            "lastError": "",
        }
    ]

    for _ in range(5):
        limiter().acquire_feed_submission(SELLER_ID, "NA", "JSON_LISTINGS_FEED")
    record_variants(Change.CONTENT, product_ids=[listable_product.pk])
    waiting = gql_data(plugin_staff_client, SYNC_STATUS, variables)["amazonSyncStatus"][
        0
    ]
    assert waiting["pendingChanges"] == 4
    assert waiting["waitingReason"] == "QUOTA"
    assert waiting["nextSubmissionAt"] > timezone.now().isoformat()


def test_amazon_outage_keeps_changes_and_backs_off(
    sync_marketplace, listable_product, sandbox
):
    sandbox.set_faults(server_error_rate=1.0, server_error_operations=["createFeed"])
    record_variants(Change.CONTENT, product_ids=[listable_product.pk])
    result = drain_marketplace(sync_marketplace, force=True)
    assert result.reason == "ERROR"
    assert result.next_at > timezone.now()
    status = AmazonSyncStatus.objects.get(marketplace=sync_marketplace)
    assert status.waiting_reason == "ERROR"
    assert status.last_error
    # Only the (empty) deletion check was consumed: what failed stays queued.
    assert set(AmazonSyncChange.objects.values_list("kind", flat=True)) == {
        "LISTINGS",
        "PRICES",
        "INVENTORY",
    }
    # Until the backoff expires, a drain does not hammer Amazon.
    calls = len(sandbox.requests("createFeed"))
    assert drain_marketplace(sync_marketplace).reason == "ERROR"
    assert len(sandbox.requests("createFeed")) == calls

    sandbox.set_faults(server_error_rate=0.0, server_error_operations=None)
    AmazonSyncStatus.objects.filter(marketplace=sync_marketplace).update(
        next_submission_at=timezone.now()
    )
    drain_marketplace(sync_marketplace)
    wait_for_submissions()
    assert not AmazonSyncChange.objects.exists()
    sku = listable_product.variants.get().sku
    assert listing(sandbox, sku)["attributes"]["item_name"][0]["value"] == (
        listable_product.name
    )
