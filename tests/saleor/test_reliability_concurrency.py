"""Reliability under concurrency, through the real stack: four Celery worker
processes, Celery beat and two Saleor servers (``tests.fixtures.reliability``)
on PostgreSQL and Redis, the bundled sandbox as Amazon over HTTP.

What is proved, as the sandbox counts it (its request log, its listings) and
Saleor stores it: Amazon's feed quota is never exceeded (no 429, at most five
accepted submissions in any quota window), no order is created twice (Saleor
orders by ``external_reference``), no change is lost (the sandbox's quantities
equal Saleor's sellable quantities at the end). Each test writes its counts to
``.cache/reliability/`` for ``docs/reliability.md``.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx
import pytest
from django.db import connection, transaction
from django.db.models import Count
from graphql_relay import to_global_id
from saleor.order.models import Order
from saleor.warehouse.models import Stock

from saleor_amazon_feeds.catalog import submission
from saleor_amazon_feeds.catalog.submission import submit_feeds
from saleor_amazon_feeds.listings.kinds import FeedTrigger
from saleor_amazon_feeds.models import (
    AmazonFeedSubmission,
    AmazonImportedOrder,
    AmazonMarketplace,
    AmazonOrderImportJob,
    AmazonSyncChange,
)
from saleor_amazon_feeds.orders.tasks import start_import_job
from saleor_amazon_feeds.plugin import PLUGIN_ID
from saleor_amazon_feeds.saleor_compat import JobStatus, allow_writer, celery_app
from saleor_amazon_feeds.sync import hooks
from saleor_amazon_feeds.sync.drain import drain_marketplace
from saleor_amazon_feeds.sync.outbox import Change, record_variants
from tests.fixtures.feeds import wait_for_submissions
from tests.fixtures.orders import DE_ORDERS_SEEDED, seed_order, wait_for_amazon
from tests.fixtures.reliability import (
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

US = "ATVPDKIKX0DER"
DE = "A1PA6795UKMFR9"
STOCK_PATH = f"/plugins/global/{PLUGIN_ID}/sync/stock/"
GRAPHQL_PATH = f"/plugins/global/{PLUGIN_ID}/graphql/"
DRAIN = "saleor_amazon_feeds.sync.tasks.drain_outbox_task"
IMPORT_SCHEDULED = "saleor_amazon_feeds.orders.tasks.import_orders_scheduled_task"
POLL = "saleor_amazon_feeds.catalog.tasks.poll_feed_submissions_task"
SUBMIT_FEEDS = """
mutation ($ids: [ID!]!) {
  amazonSubmitFeeds(marketplaceIds: $ids, kinds: [INVENTORY, PRICES]) {
    errors { field code message }
  }
}
"""


# -- the shop ---------------------------------------------------------------------


def extra_orders(sandbox, count, prefix="302-7000000"):
    """``count`` more one-line DE orders on Amazon; returns their ids."""
    ids = []
    orders = []
    for n in range(count):
        order = seed_order(DE_ORDERS_SEEDED[0])
        order["orderId"] = f"{prefix}-{n:07d}"
        orders.append(order)
        ids.append(order["orderId"])
    assert sandbox.post_orders(orders).status_code == 200
    return ids


def change_stock(variants, quantity_of) -> None:
    """Saleor's stock changes, then what Saleor's stock event records."""
    with transaction.atomic():
        for variant in variants:
            Stock.objects.filter(product_variant=variant).update(
                quantity=quantity_of(variant)
            )
        hooks.stock_changed([v.pk for v in variants])


def send_twice_at_once(name: str, **kwargs) -> None:
    """What a beat that fires an entry twice (two beats, a restart) sends."""
    barrier = threading.Barrier(2)

    def send():
        barrier.wait()
        celery_app.send_task(name, kwargs=kwargs)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# -- counting ---------------------------------------------------------------------


def doubled_orders() -> int:
    """Amazon orders with more than one Saleor order."""
    return (
        Order.objects.exclude(external_reference__isnull=True)
        .values("external_reference")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )


# -- the tests --------------------------------------------------------------------


def test_four_workers_drain_the_outbox_and_import_orders_at_once(
    on_stack, sandbox, sync_marketplace, catalog_factory, warehouses, de_shop
):
    # 300 variants: three feeds of each kind, more than the quota's window.
    variants = listed_catalog(
        sync_marketplace, catalog_factory, warehouses, sandbox, 150
    )
    new_orders = extra_orders(sandbox, 60)
    wait_for_amazon()
    with transaction.atomic():
        record_variants(Change.CONTENT, variant_ids=[v.pk for v in variants])
    # Four import jobs over the same window (their batches overlap), eight
    # drains, while the shop keeps changing stock.
    jobs = [start_import_job([de_shop.marketplace]) for _ in range(WORKERS)]
    for _ in range(2 * WORKERS):
        celery_app.send_task(DRAIN)
    changes = 0
    for round_ in range(5):
        changed = variants[round_ * 40 : round_ * 40 + 80]
        change_stock(changed, lambda v, r=round_: 20 + r + v.pk % 7)
        changes += len(changed)
        time.sleep(0.3)

    wait_for(lambda: quiet([sync_marketplace]), 180, on_stack, "everything sent")

    report = quota_report(sandbox.requests())
    imported = set(
        Order.objects.filter(external_reference__isnull=False).values_list(
            "external_reference", flat=True
        )
    )
    expected = set(new_orders) | set(DE_ORDERS_SEEDED)
    lost = assert_amazon_equals_saleor(sandbox, sync_marketplace, variants)
    record_counts(
        "concurrent_workers_drain_and_import",
        {
            "worker_processes": WORKERS,
            "import_jobs_at_once": len(jobs),
            "drains_sent_at_once": 2 * WORKERS,
            "variants": len(variants),
            "stock_changes_during_drain": changes,
            "amazon_orders": len(expected),
            "orders_imported": len(imported),
            "orders_imported_twice": doubled_orders(),
            "updates_lost": lost,
            **report,
        },
    )
    assert_quota_held(report)
    assert imported == expected
    assert doubled_orders() == 0
    assert sum(j.imported for j in AmazonOrderImportJob.objects.all()) == len(expected)
    assert AmazonImportedOrder.objects.filter(status="IMPORTED").count() == len(
        expected
    )


def test_beat_sending_a_periodic_task_twice_at_once_doubles_nothing(
    on_stack, sandbox, sync_marketplace, catalog_factory, warehouses, de_shop
):
    variants = listed_catalog(sync_marketplace, catalog_factory, warehouses, sandbox, 4)
    wait_for_amazon()
    with transaction.atomic():
        record_variants(Change.CONTENT, variant_ids=[v.pk for v in variants])
    time.sleep(0.5)  # past the (scaled) settle window: the drain is due
    for name in (DRAIN, IMPORT_SCHEDULED, POLL):
        send_twice_at_once(name)

    wait_for(lambda: quiet([sync_marketplace]), 120, on_stack, "everything sent")

    report = quota_report(sandbox.requests())
    sent = list(
        AmazonFeedSubmission.objects.filter(feed_id__gt="").values_list(
            "kind", "message_count"
        )
    )
    jobs = list(AmazonOrderImportJob.objects.all())
    lost = assert_amazon_equals_saleor(sandbox, sync_marketplace, variants)
    record_counts(
        "beat_twice",
        {
            "tasks_sent_twice": 3,
            "feeds_created": report["feeds_created"],
            "import_jobs": len(jobs),
            "orders_imported_twice": doubled_orders(),
            "updates_lost": lost,
            **report,
        },
    )
    assert_quota_held(report)
    # One drain built the feeds, the other found the marketplace locked.
    assert sorted(sent) == [("INVENTORY", 8), ("PRICES", 8)]
    # Both runs went through the same window; each order was created once
    # (a beat of the stack's own may have added a run: it finds them done).
    assert len(jobs) >= 2
    assert sum(j.imported for j in jobs) == len(DE_ORDERS_SEEDED)
    assert doubled_orders() == 0


def test_manual_submission_during_the_automatic_drain(
    on_stack,
    sandbox,
    sync_marketplace,
    catalog_factory,
    warehouses,
    staff_user,
    permission_manage_products,
):
    from saleor.core.jwt import create_access_token

    variants = listed_catalog(
        sync_marketplace, catalog_factory, warehouses, sandbox, 40
    )
    staff_user.user_permissions.add(permission_manage_products)
    token = create_access_token(staff_user)
    with transaction.atomic():
        record_variants(Change.CONTENT, variant_ids=[v.pk for v in variants])
    celery_app.send_task(DRAIN, kwargs={"force": True})
    wait_for(
        lambda: sandbox.requests("createFeed"), 60, on_stack, "the automatic drain"
    )
    # The shop changes while the drain is under way, and the merchant asks
    # for the same kinds by hand, through the other Saleor server.
    change_stock(variants[:30], lambda v: 40 + v.pk % 5)
    response = httpx.post(
        on_stack.saleor_urls[1] + GRAPHQL_PATH,
        json={
            "query": SUBMIT_FEEDS,
            "variables": {
                "ids": [to_global_id("AmazonMarketplace", sync_marketplace.pk)]
            },
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["amazonSubmitFeeds"]["errors"] == []

    def manual_done():
        manual = AmazonFeedSubmission.objects.filter(trigger="MANUAL")
        return manual.count() >= 2 and quiet([sync_marketplace])

    wait_for(manual_done, 180, on_stack, "the manual submission")

    report = quota_report(sandbox.requests())
    manual = list(
        AmazonFeedSubmission.objects.filter(trigger="MANUAL").values_list(
            "status", flat=True
        )
    )
    lost = assert_amazon_equals_saleor(sandbox, sync_marketplace, variants)
    record_counts(
        "manual_during_drain",
        {
            "variants": len(variants),
            "manual_submissions": len(manual),
            "manual_statuses": sorted(manual),
            "updates_lost": lost,
            **report,
        },
    )
    assert_quota_held(report)
    # Refused for want of a slot is a clear status, never a 429.
    assert set(manual) <= {"DONE", "EMPTY", "ERROR"}


def test_the_same_orders_in_overlapping_import_windows(on_stack, sandbox, de_shop):
    first = extra_orders(sandbox, 70, prefix="302-7100000")
    wait_for_amazon()
    a, b = (start_import_job([de_shop.marketplace]) for _ in range(2))
    wait_for(
        lambda: Order.objects.filter(external_reference=first[0]).exists(),
        60,
        on_stack,
        "the first batch",
    )
    # Amazon changes while the jobs run: a buyer cancels, new orders arrive;
    # a third job's window overlaps both.
    cancelled = seed_order(DE_ORDERS_SEEDED[0])
    cancelled["orderId"] = first[0]
    cancelled["fulfillment"]["fulfillmentStatus"] = "CANCELLED"
    cancelled["lastUpdatedTime"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert sandbox.post_orders([cancelled]).status_code == 200
    later = extra_orders(sandbox, 10, prefix="302-7200000")
    wait_for_amazon()
    c = start_import_job([de_shop.marketplace])
    wait_for(lambda: quiet(), 120, on_stack, "the import jobs")
    # A last run after everything settled catches whatever the windows left.
    d = start_import_job([de_shop.marketplace])
    wait_for(lambda: quiet(), 60, on_stack, "the catch-up job")

    expected = set(first) | set(later) | set(DE_ORDERS_SEEDED)
    imported = set(
        Order.objects.filter(external_reference__isnull=False).values_list(
            "external_reference", flat=True
        )
    )
    jobs = AmazonOrderImportJob.objects.filter(pk__in=[a.pk, b.pk, c.pk, d.pk])
    record_counts(
        "overlapping_import_windows",
        {
            "import_jobs": jobs.count(),
            "amazon_orders": len(expected),
            "orders_imported": len(imported),
            "orders_imported_twice": doubled_orders(),
            "cancelled_on_amazon_meanwhile": 1,
        },
    )
    assert {j.status for j in jobs} == {JobStatus.SUCCESS}
    assert imported == expected
    assert doubled_orders() == 0
    order = Order.objects.get(external_reference=first[0])
    assert order.status == "canceled"


def test_two_saleor_servers_take_stock_webhooks_for_the_same_variants(
    on_stack, sandbox, sync_marketplace, catalog_factory, warehouses
):
    variants = listed_catalog(sync_marketplace, catalog_factory, warehouses, sandbox, 5)
    # Amazon has the shop's quantities first, so a sell-out is patched.
    with transaction.atomic():
        record_variants(Change.CONTENT, variant_ids=[v.pk for v in variants])
    celery_app.send_task(DRAIN, kwargs={"force": True})
    wait_for(lambda: quiet([sync_marketplace]), 60, on_stack, "the initial sync")
    first_request = len(sandbox.requests())

    deliveries = 0
    client = httpx.Client(timeout=30)
    bodies = {v.pk: stock_delivery(v) for v in variants}

    rounds = 12
    with ThreadPoolExecutor(max_workers=8) as pool:
        for round_ in range(rounds):
            # Every third round sells some variants out (urgent PATCH path).
            def quantity(v, r=round_):
                return 0 if r % 3 == 2 and v.pk % 2 else 5 + (v.pk + r) % 9

            with transaction.atomic():
                for variant in variants:
                    Stock.objects.filter(product_variant=variant).update(
                        quantity=quantity(variant)
                    )
            futures = []
            for variant in variants:
                events = ["product_variant_stock_updated"]
                if quantity(variant) == 0:
                    events.append("product_variant_out_of_stock")
                for url in on_stack.saleor_urls:
                    for event in events:
                        futures.append(
                            pool.submit(deliver, client, url, event, bodies[variant.pk])
                        )
            for future in futures:
                future.result()
            deliveries += len(futures)
            time.sleep(0.2)
    client.close()

    wait_for(lambda: quiet([sync_marketplace]), 120, on_stack, "the stock changes")

    requests = sandbox.requests()[first_request:]
    report = quota_report(requests)
    patches = sum(1 for r in requests if r["operation"] == "patchListingsItem")
    lost = assert_amazon_equals_saleor(sandbox, sync_marketplace, variants)
    record_counts(
        "two_saleor_servers_stock_webhooks",
        {
            "saleor_servers": len(on_stack.saleor_urls),
            "variants": len(variants),
            "stock_rounds": rounds,
            "webhook_deliveries": deliveries,
            "urgent_patches": patches,
            "updates_lost": lost,
            **report,
        },
    )
    assert_quota_held(report)


def test_a_manual_feed_built_before_a_change_never_lands_after_the_drains_newer_one(
    sync_marketplace, catalog_factory, warehouses, sandbox, monkeypatch
):
    """Amazon applies feeds in the order they were created: a manual
    submission built before a stock change must not create its feed after the
    drain's newer one (which consumed the change), or Amazon keeps the older
    quantity. One submission per marketplace at a time (catalog.locks)."""
    variants = listed_catalog(sync_marketplace, catalog_factory, warehouses, sandbox, 1)
    with transaction.atomic():
        record_variants(Change.CONTENT, variant_ids=[v.pk for v in variants])
    drain_marketplace(sync_marketplace, force=True)
    wait_for_submissions()

    built, drained = threading.Event(), threading.Event()
    real_send = submission._send_document

    def send_after_the_drain(client, marketplace, kind, trigger, *rest):
        if trigger == FeedTrigger.MANUAL:
            built.set()
            drained.wait(timeout=10)
        return real_send(client, marketplace, kind, trigger, *rest)

    monkeypatch.setattr(submission, "_send_document", send_after_the_drain)
    errors = []

    def in_thread(work):
        def run():
            try:
                with allow_writer():
                    work()
            except Exception as exc:  # reported below
                errors.append(exc)
            finally:
                connection.close()

        return threading.Thread(target=run)

    Stock.objects.filter(product_variant__in=variants).update(quantity=40)
    manual = in_thread(
        lambda: submit_feeds(
            AmazonMarketplace.objects.get(pk=sync_marketplace.pk), ["INVENTORY"]
        )
    )
    manual.start()
    assert built.wait(timeout=30), errors
    # Sold meanwhile: the drain's feed carries the newer quantity.
    change_stock(variants, lambda v: 12)
    drain = in_thread(
        lambda: drain_marketplace(
            AmazonMarketplace.objects.select_related("account").get(
                pk=sync_marketplace.pk
            ),
            force=True,
        )
    )
    drain.start()
    drain.join(timeout=3)
    drained.set()
    manual.join(timeout=60)
    drain.join(timeout=60)
    assert errors == []
    wait_for_submissions()

    assert not AmazonSyncChange.objects.exists()
    assert_amazon_equals_saleor(sandbox, sync_marketplace, variants)
