"""Which Saleor hooks record what in the sync outbox, and the beat entries."""

import pytest
from graphql_relay import to_global_id
from saleor.plugins.manager import get_plugins_manager

from saleor_amazon_feeds.models import AmazonFeedSubmission, AmazonSyncChange
from saleor_amazon_feeds.sync.drain import drain_marketplace
from saleor_amazon_feeds.sync.outbox import Change, record_variants
from tests.fixtures.feeds import wait_for_submissions

pytestmark = pytest.mark.django_db

US = "ATVPDKIKX0DER"
EXCLUDE = """
mutation ($id: ID!) {
  amazonProductOptionsUpdate(productId: $id, input: {exclude: true}) {
    errors { field message }
  }
}
"""


def outbox():
    return set(AmazonSyncChange.objects.values_list("kind", "product_id", "variant_id"))


@pytest.fixture
def quiet(settings):
    """Keep what the hooks record in the outbox (no drain during the test)."""
    settings.AMAZON_FEEDS_SYNC_SETTLE_SECONDS = 3600
    return settings


def test_order_hooks_record_stock_changes(quiet, sync_marketplace, order_with_lines):
    manager = get_plugins_manager(allow_replica=False)
    variant_ids = {line.variant_id for line in order_with_lines.lines.all()}
    manager.order_created(order_with_lines)
    assert outbox() == {
        ("INVENTORY", line.variant.product_id, line.variant_id)
        for line in order_with_lines.lines.all()
    }
    AmazonSyncChange.objects.all().delete()
    manager.order_cancelled(order_with_lines)
    assert {v for _, _, v in outbox()} == variant_ids
    AmazonSyncChange.objects.all().delete()
    manager.order_bulk_created([order_with_lines])
    assert {k for k, _, _ in outbox()} == {"INVENTORY"}


def test_variant_and_category_hooks(quiet, sync_marketplace, listable_product):
    manager = get_plugins_manager(allow_replica=False)
    variant = listable_product.variants.get()
    manager.product_variant_updated(variant)
    assert outbox() == {
        (kind, listable_product.pk, variant.pk)
        for kind in ("DELETIONS", "LISTINGS", "PRICES", "INVENTORY")
    }
    AmazonSyncChange.objects.all().delete()
    manager.category_updated(listable_product.category)
    assert {p for _, p, _ in outbox()} == {listable_product.pk}


def test_excluding_a_product_through_its_options_sends_delete(
    plugin_staff_client,
    permission_manage_products,
    sync_marketplace,
    listable_product,
    sandbox,
    django_capture_on_commit_callbacks,
):
    plugin_staff_client.user.user_permissions.add(permission_manage_products)
    sku = listable_product.variants.get().sku
    record_variants(Change.CONTENT, product_ids=[listable_product.pk])
    drain_marketplace(sync_marketplace, force=True)
    wait_for_submissions()
    assert sku in {item["sku"] for item in sandbox.listings(US)}

    with django_capture_on_commit_callbacks(execute=True):
        response = plugin_staff_client.post_graphql(
            EXCLUDE, {"id": to_global_id("Product", listable_product.pk)}
        )
    assert response.json()["data"]["amazonProductOptionsUpdate"]["errors"] == []
    wait_for_submissions()
    deletions = AmazonFeedSubmission.objects.filter(kind="DELETIONS", feed_id__gt="")
    assert [(d.status, d.message_count) for d in deletions] == [("DONE", 1)]
    assert sku not in {item["sku"] for item in sandbox.listings(US)}


def test_periodic_tasks_are_in_saleors_beat_schedule(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["amazon-feeds-drain-outbox"]["task"] == (
        "saleor_amazon_feeds.sync.tasks.drain_outbox_task"
    )
    assert schedule["amazon-feeds-reconcile"]["task"] == (
        "saleor_amazon_feeds.sync.tasks.reconcile_task"
    )
    assert schedule["amazon-feeds-poll-feed-submissions"]["task"].endswith(
        "poll_feed_submissions_task"
    )
