"""A burst of 10,000 stock changes over 1,000 variants, through the real stack
(``tests.fixtures.reliability``: four Celery workers, two Saleor servers,
beat), lands on Amazon (the sandbox, time-scaled) within its feed quota and
ends with Amazon's quantities equal to Saleor's sellable quantities and the
outbox empty.

Each change is what Saleor does for a stock update: the stock row changes,
then Saleor delivers a signed ``PRODUCT_VARIANT_STOCK_UPDATED`` webhook (and
``PRODUCT_VARIANT_OUT_OF_STOCK`` at zero) to the plugin's endpoint, here
spread over two Saleor servers as behind a load balancer.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.db import transaction
from saleor.warehouse.models import Stock

from saleor_amazon_feeds.models import AmazonFeedSubmission, AmazonSyncChange
from saleor_amazon_feeds.saleor_compat import celery_app
from saleor_amazon_feeds.sync.outbox import Change, record_variants
from tests.fixtures.reliability import (
    FEED_SIZE,
    WORKERS,
    assert_amazon_equals_saleor,
    assert_quota_held,
    deliver,
    listed_catalog,
    quiet,
    quota_report,
    record_counts,
    stock_delivery,
    wait_for,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PRODUCTS = 500  # two variants each
ROUNDS = 10
DRAIN = "saleor_amazon_feeds.sync.tasks.drain_outbox_task"


def quantity(variant, round_: int) -> int:
    # The last round sells one variant in ten out: urgent PATCHes too.
    if round_ == ROUNDS - 1 and variant.pk % 10 == 0:
        return 0
    return 4 + (variant.pk * 7 + round_ * 3) % 17


def test_burst_of_ten_thousand_stock_changes_lands_within_the_quota(
    on_stack, sandbox, sync_marketplace, catalog_factory, warehouses
):
    variants = listed_catalog(
        sync_marketplace, catalog_factory, warehouses, sandbox, PRODUCTS
    )
    with transaction.atomic():
        record_variants(Change.CONTENT, variant_ids=[v.pk for v in variants])
    celery_app.send_task(DRAIN, kwargs={"force": True})
    wait_for(lambda: quiet([sync_marketplace]), 180, on_stack, "the initial sync")
    first_request = len(sandbox.requests())
    first_submission = AmazonFeedSubmission.objects.order_by("-pk").first().pk

    bodies = {v.pk: stock_delivery(v) for v in variants}
    stocks = {
        v.pk: list(Stock.objects.filter(product_variant=v).order_by("pk"))
        for v in variants
    }
    changes = deliveries = 0
    started = time.monotonic()
    # One client per delivering thread: a shared one's pool broke a run with
    # "Bad file descriptor" under 16 threads.
    local = threading.local()
    clients = []

    def post(url, event, body):
        if not hasattr(local, "client"):
            local.client = httpx.Client(timeout=60)
            clients.append(local.client)
        deliver(local.client, url, event, body)

    with ThreadPoolExecutor(max_workers=16) as pool:
        for round_ in range(ROUNDS):
            changed = []
            for variant in variants:
                for stock in stocks[variant.pk]:
                    stock.quantity = quantity(variant, round_)
                    changed.append(stock)
            Stock.objects.bulk_update(changed, ["quantity"], batch_size=1000)
            futures = []
            for n, variant in enumerate(variants):
                url = on_stack.saleor_urls[n % len(on_stack.saleor_urls)]
                events = ["product_variant_stock_updated"]
                if quantity(variant, round_) == 0:
                    events.append("product_variant_out_of_stock")
                for event in events:
                    futures.append(pool.submit(post, url, event, bodies[variant.pk]))
            for future in futures:
                future.result()
            changes += len(variants)
            deliveries += len(futures)
    for client in clients:
        client.close()
    burst_seconds = time.monotonic() - started

    wait_for(lambda: quiet([sync_marketplace]), 300, on_stack, "the burst on Amazon")
    settled_seconds = time.monotonic() - started

    requests = sandbox.requests()[first_request:]
    report = quota_report(requests)
    feeds = list(
        AmazonFeedSubmission.objects.filter(
            pk__gt=first_submission, feed_id__gt=""
        ).values_list("kind", "message_count")
    )
    patches = sum(1 for r in requests if r["operation"] == "patchListingsItem")
    lost = assert_amazon_equals_saleor(sandbox, sync_marketplace, variants)
    record_counts(
        "load_burst",
        {
            "worker_processes": WORKERS,
            "saleor_servers": len(on_stack.saleor_urls),
            "variants": len(variants),
            "stock_changes": changes,
            "webhook_deliveries": deliveries,
            "feed_size": FEED_SIZE,
            "feeds_sent": len(feeds),
            "messages_sent": sum(n for _, n in feeds),
            "urgent_patches": patches,
            "burst_seconds": round(burst_seconds, 1),
            "settled_seconds": round(settled_seconds, 1),
            "outbox_left": AmazonSyncChange.objects.count(),
            "updates_lost": lost,
            **report,
        },
    )
    assert changes == 10_000
    assert_quota_held(report)
    assert not AmazonSyncChange.objects.exists()
