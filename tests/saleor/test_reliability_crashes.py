"""Crash points: a real Celery worker killed with SIGKILL at each step.

A worker started with ``AMAZON_FEEDS_CRASH_AT=<point>`` (see
``saleor_amazon_feeds/crashpoints.py``) takes the task from its own queue
and dies at that point, as a machine would: no ``finally``, no rollback
handler. Another worker process, never armed, then plays what happens after
the restart: beat's drain and poll entries. Counting in the sandbox
(``/_sandbox/requests``, ``/_sandbox/feeds``, ``/_sandbox/listings``) and
in PostgreSQL proves nothing was lost and nothing sent or created twice.

The hook gap is proven the same way with Saleor itself: a Saleor process
armed at ``hooks.before_outbox`` commits a product rename and dies before
the plugin's hook writes the outbox row; the listing reconciliation (a beat
entry) still gets the new name to Amazon.
"""

import json
import os
import signal
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis

from saleor_amazon_feeds import conf
from saleor_amazon_feeds.catalog.tasks import poll_feed_submissions_task
from saleor_amazon_feeds.models import (
    AmazonFeedIssue,
    AmazonFeedSubmission,
    AmazonSyncChange,
)
from saleor_amazon_feeds.sync.outbox import Change, record_variants
from saleor_amazon_feeds.sync.tasks import drain_outbox_task, reconcile_listings_task
from tests.fixtures.feeds import wait_for_submissions
from tests.fixtures.processes import (
    ROOT,
    celery_worker_args,
    current_database_url,
    start,
)
from tests.fixtures.reliability import record_counts
from tests.fixtures.sandbox import SANDBOX_TIME_SCALE

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

US = "ATVPDKIKX0DER"
BROKER_DB = 11
CRASH_QUEUE = "crash"
PREFIX = f"amazon_feeds_crash:{uuid.uuid4().hex}"
PRIVATE_MEDIA = ROOT / ".cache" / f"crash-private-media-{os.getpid()}"


def _broker_url() -> str:
    return f"{conf.redis_url().rsplit('/', 1)[0]}/{BROKER_DB}"


def _env(sandbox_server, database_url: str, crash_at: str = "") -> dict[str, str]:
    return _env_without_count(sandbox_server, database_url, crash_at)


def _env_without_count(
    sandbox_server, database_url: str, crash_at: str = ""
) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": _broker_url(),
        "AMAZON_FEEDS_REDIS_URL": conf.redis_url(),
        "AMAZON_FEEDS_SANDBOX_URL": sandbox_server.base_url,
        "AMAZON_FEEDS_TIME_SCALE": str(SANDBOX_TIME_SCALE),
        "AMAZON_FEEDS_RATE_LIMIT_PREFIX": PREFIX,
        "AMAZON_FEEDS_SYNC_SETTLE_SECONDS": "0",
        "AMAZON_FEEDS_CRASH_AT": crash_at,
        "PRIVATE_MEDIA_ROOT": str(PRIVATE_MEDIA),
    }


@pytest.fixture(scope="module")
def database_url(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return current_database_url()


@pytest.fixture(scope="module")
def restarted_worker(database_url, sandbox_server):
    """The worker after the restart: never armed, on the default queue."""
    redis.Redis.from_url(_broker_url()).flushdb()
    worker = start(
        f"crash-recovery-{BROKER_DB}",
        celery_worker_args(),
        _env(sandbox_server, database_url),
    )
    worker.wait_ready(b"ready.", time.monotonic() + 120)
    yield worker
    worker.stop()


@pytest.fixture
def broker(restarted_worker, settings, amazon_sandbox_settings):
    """This process sends tasks to the workers instead of running them."""
    from saleor.celeryconf import app

    settings.AMAZON_FEEDS_RATE_LIMIT_PREFIX = PREFIX
    keys = ("CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL")
    previous = {key: app.conf.get(key) for key in keys}
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=_broker_url())
    app._pool = None
    app.amqp._producer_pool = None
    yield restarted_worker
    app.conf.update(previous)
    app._pool = None
    app.amqp._producer_pool = None


CRASHED_AT: list[str] = []


@pytest.fixture(autouse=True)
def _count_crash_points(request, monkeypatch):
    """The crash points each passing test killed a process at, for the table
    of docs/reliability.md (scripts/reliability_table.py)."""
    points: list[str] = []

    def env(sandbox_server, database_url, crash_at=""):
        if crash_at:
            points.append(crash_at)
        return _env_without_count(sandbox_server, database_url, crash_at)

    monkeypatch.setitem(globals(), "_env", env)
    failed = request.session.testsfailed
    yield
    if request.session.testsfailed == failed:
        CRASHED_AT.extend(points)


@pytest.fixture(scope="module", autouse=True)
def _write_crash_counts():
    yield
    if CRASHED_AT:
        record_counts(
            "crashes",
            {
                "crash_points": len(set(CRASHED_AT)),
                "points": sorted(set(CRASHED_AT)),
                "processes_killed": len(CRASHED_AT),
                # Each test asserts these, so a passing run counted 0.
                "sent_or_created_twice": 0,
                "lost": 0,
            },
        )


def crash(sandbox_server, database_url, point, task, **kwargs):
    """Start a worker armed at ``point``, hand it ``task`` and see it die."""
    worker = start(
        f"crash-{point}",
        celery_worker_args(queues=[CRASH_QUEUE]),
        _env(sandbox_server, database_url, crash_at=point),
    )
    try:
        worker.wait_ready(b"ready.", time.monotonic() + 120)
        task.apply_async(kwargs=kwargs, queue=CRASH_QUEUE)
        deadline = time.monotonic() + 60
        while worker.alive():
            assert time.monotonic() < deadline, worker.tail()
            time.sleep(0.1)
        assert worker.popen.returncode == -signal.SIGKILL, worker.tail()
    finally:
        worker.stop()


def expire_what_the_dead_worker_held(marketplace) -> None:
    """What the dead worker held in Redis: its drain and submission locks
    (10 minutes in production) and its urgent PATCH marker (2 minutes, which
    keeps the variant out of drains meanwhile). Redis lets them expire; the
    test fast-forwards those expiries, nothing else."""
    client = redis.Redis.from_url(conf.redis_url())
    keys = [
        f"{PREFIX}:sync:lock:drain:{marketplace.pk}",
        f"{PREFIX}:submit:lock:{marketplace.pk}",
        f"{PREFIX}:sync:urgent:{marketplace.pk}",
        *client.scan_iter(match=f"{PREFIX}:sync:urgent-claim:{marketplace.pk}:*"),
    ]
    for key in keys:
        client.pexpire(key, 1)


def listed(sandbox, sku):
    return {item["sku"]: item for item in sandbox.listings(US)}.get(sku)


def recover_and_settle(marketplace, sandbox, sku, worker):
    """Beat after the restart, played on the restarted worker: drain and
    poll until Amazon lists the SKU and nothing is open or queued."""
    expire_what_the_dead_worker_held(marketplace)
    deadline = time.monotonic() + 60
    while True:
        drain_outbox_task.delay(marketplace.pk, force=True)
        poll_feed_submissions_task.delay()
        time.sleep(0.5)
        open_ = AmazonFeedSubmission.objects.filter(
            status__in=("PENDING", "UPLOADED", "IN_QUEUE", "IN_PROGRESS")
        )
        if (
            listed(sandbox, sku)
            and not open_.exists()
            and not AmazonSyncChange.objects.exists()
        ):
            return
        assert time.monotonic() < deadline, worker.tail()


def queue_listing(product):
    record_variants(Change.CONTENT, product_ids=[product.pk])
    AmazonSyncChange.objects.exclude(kind="LISTINGS").delete()


def import_again_and_check_each_order_once(worker, de_shop) -> None:
    """Beat's next import on the restarted worker: the seeded shop's four
    importable orders, each created once, stock reserved once."""
    from saleor.order.models import Order

    from saleor_amazon_feeds.models import AmazonImportedOrder
    from saleor_amazon_feeds.orders.tasks import import_orders_scheduled_task

    import_orders_scheduled_task.delay()
    deadline = time.monotonic() + 90
    while AmazonImportedOrder.objects.filter(status="IMPORTED").count() < 4:
        assert time.monotonic() < deadline, worker.tail()
        time.sleep(0.5)
    assert Order.objects.count() == 4
    for record in AmazonImportedOrder.objects.filter(status="IMPORTED"):
        assert (
            Order.objects.filter(external_reference=record.amazon_order_id).count() == 1
        )
    # Stock reserved once (as in test_orders_import), not once per attempt.
    assert de_shop.stock("TSHIRT-BLUE-M").quantity_allocated == 21


def created_feeds(sandbox):
    return [r for r in sandbox.requests("createFeed") if r["status"] == 202]


@pytest.mark.parametrize(
    ("point", "crashed_status", "created_before_restart"),
    [
        ("feed.after_build", "ERROR", 0),
        ("feed.after_create_document", "ERROR", 0),
        ("feed.after_upload", "DONE", 0),
        ("feed.after_create_feed", "DONE", 1),
    ],
)
def test_feed_submission_crash_loses_and_doubles_nothing(
    broker,
    database_url,
    sandbox_server,
    sandbox,
    sync_marketplace,
    listable_product,
    point,
    crashed_status,
    created_before_restart,
):
    sku = listable_product.variants.get().sku
    queue_listing(listable_product)
    crash(
        sandbox_server,
        database_url,
        point,
        drain_outbox_task,
        marketplace_pk=sync_marketplace.pk,
        force=True,
    )
    assert len(created_feeds(sandbox)) == created_before_restart
    crashed = AmazonFeedSubmission.objects.get()
    assert crashed.status in ("PENDING", "UPLOADED")

    recover_and_settle(sync_marketplace, sandbox, sku, broker)
    # Exactly one feed reached Amazon, and Amazon accepted it.
    assert len(created_feeds(sandbox)) == 1
    assert [f["processingStatus"] for f in sandbox.feeds()] == ["DONE"]
    crashed.refresh_from_db()
    assert crashed.status == crashed_status
    if crashed_status == "ERROR":
        # Never uploaded: it says so, and a later submission sent the change.
        assert "Interrupted before the feed was uploaded" in crashed.error
        sent = AmazonFeedSubmission.objects.get(feed_id__gt="")
        assert sent.status == "DONE"
    else:
        # Recovered: the crashed submission is the one Amazon processed.
        assert crashed.feed_id == sandbox.feeds()[0]["feedId"]
    assert AmazonFeedSubmission.objects.filter(feed_id__gt="").count() == 1


def test_crash_before_the_result_is_recorded(
    broker, database_url, sandbox_server, sandbox, sync_marketplace, listable_product
):
    sku = listable_product.variants.get().sku
    queue_listing(listable_product)
    drain_outbox_task.delay(sync_marketplace.pk, force=True)
    deadline = time.monotonic() + 60
    while not AmazonFeedSubmission.objects.filter(feed_id__gt="").exists():
        assert time.monotonic() < deadline, broker.tail()
        time.sleep(0.2)
    submission = AmazonFeedSubmission.objects.get(feed_id__gt="")
    # Let Amazon finish, then poll on the armed worker: it reads the report
    # and dies before recording it.
    deadline = time.monotonic() + 30
    while sandbox.feeds()[0]["processingStatus"] != "DONE":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    AmazonFeedSubmission.objects.filter(pk=submission.pk).update(
        next_check_at=submission.created_at
    )
    crash(
        sandbox_server, database_url, "feed.before_result", poll_feed_submissions_task
    )
    submission.refresh_from_db()
    assert submission.status in ("IN_QUEUE", "IN_PROGRESS")
    assert not AmazonFeedIssue.objects.exists()

    recover_and_settle(sync_marketplace, sandbox, sku, broker)
    submission.refresh_from_db()
    assert submission.status == "DONE"
    assert submission.accepted_count == 1
    assert len(created_feeds(sandbox)) == 1
    # Issues were recorded once (the report's warnings, if any, not twice).
    report_issues = AmazonFeedIssue.objects.filter(submission=submission).count()
    assert report_issues == submission.warning_count + submission.error_count


SALEOR_RENAME = """
import json, sys
import django
django.setup()
from django.test import Client
from saleor.account.models import User
from saleor.core.jwt import create_access_token

user = User.objects.get(pk=int(sys.argv[1]))
response = Client().post(
    "/graphql/",
    data=json.dumps({"query": sys.argv[2], "variables": json.loads(sys.argv[3])}),
    content_type="application/json",
    HTTP_AUTHORIZATION="Bearer " + create_access_token(user),
    HTTP_HOST="localhost",
)
print("answered", response.status_code, response.content[:500], flush=True)
"""

PRODUCT_UPDATE = """
mutation ($id: ID!, $name: String!) {
  productUpdate(id: $id, input: {name: $name}) { errors { field message } }
}
"""


def test_crash_between_saleors_commit_and_the_outbox_is_repaired(
    broker,
    database_url,
    sandbox_server,
    sandbox,
    sync_marketplace,
    listable_product,
    staff_user,
    permission_manage_products,
):
    from graphql_relay import to_global_id

    from saleor_amazon_feeds.sync.drain import drain_marketplace

    sku = listable_product.variants.get().sku
    record_variants(Change.CONTENT, product_ids=[listable_product.pk])
    drain_marketplace(sync_marketplace, force=True)
    wait_for_submissions(until=lambda: listed(sandbox, sku))
    AmazonSyncChange.objects.all().delete()
    staff_user.user_permissions.add(permission_manage_products)

    # Saleor, in a process of its own armed at the hook.
    saleor = start(
        "crash-saleor-hook",
        [
            sys.executable,
            "-c",
            SALEOR_RENAME,
            str(staff_user.pk),
            PRODUCT_UPDATE,
            json.dumps(
                {
                    "id": to_global_id("Product", listable_product.pk),
                    "name": "Renamed while crashing",
                }
            ),
        ],
        _env(sandbox_server, database_url, crash_at="hooks.before_outbox"),
    )
    try:
        assert saleor.popen.wait(timeout=120) == -signal.SIGKILL, saleor.tail()
    finally:
        saleor.stop()
    assert b"answered" not in Path(saleor.log_path).read_bytes()
    listable_product.refresh_from_db()
    assert listable_product.name == "Renamed while crashing"  # committed
    assert not AmazonSyncChange.objects.exists()  # the hook's row is lost

    # Beat's listing reconciliation, then the drain, on the worker.
    reconcile_listings_task.delay()
    deadline = time.monotonic() + 60

    def item_name():
        item = listed(sandbox, sku) or {}
        return ((item.get("attributes") or {}).get("item_name") or [{}])[0].get("value")

    while item_name() != "Renamed while crashing":
        assert time.monotonic() < deadline, broker.tail()
        drain_outbox_task.delay(sync_marketplace.pk, force=True)
        poll_feed_submissions_task.delay()
        time.sleep(0.5)
    # The first listing and its repair: two LISTINGS feeds, no more.
    sent = AmazonFeedSubmission.objects.filter(kind="LISTINGS").exclude(feed_id="")
    assert sent.count() == 2


def test_order_import_crash_after_bulk_create_creates_each_order_once(
    broker, database_url, sandbox_server, sandbox, de_shop, settings
):
    from saleor.order.models import Order

    from saleor_amazon_feeds.models import AmazonImportedOrder, AmazonOrderImportJob
    from saleor_amazon_feeds.orders.jobs import (
        INTERRUPTED,
        JobState,
        job_state,
        sweep_interrupted,
    )
    from saleor_amazon_feeds.orders.tasks import import_orders_scheduled_task
    from tests.fixtures.orders import wait_for_amazon

    wait_for_amazon()
    crash(
        sandbox_server,
        database_url,
        "orders.after_bulk_create",
        import_orders_scheduled_task,
    )
    # orderBulkCreate ran in the batch's transaction: the crash undid it.
    assert not Order.objects.exists()
    assert not AmazonImportedOrder.objects.exists()
    crashed = AmazonOrderImportJob.objects.get()
    assert job_state(crashed) == JobState.RUNNING

    # The next scheduled run (here in this process, with the job already
    # stale) first fails the dead worker's job, saying why.
    settings.AMAZON_FEEDS_IMPORT_JOB_STALE_SECONDS = 0
    assert sweep_interrupted() == 1
    crashed.refresh_from_db()
    assert job_state(crashed) == JobState.FAILED
    assert crashed.errors == [{"marketplaceId": "", "message": INTERRUPTED}]

    import_again_and_check_each_order_once(broker, de_shop)
    searches = sandbox.requests("searchOrders")
    assert searches
    assert {r["status"] for r in searches} == {200}


def test_shipment_confirmation_crash_after_amazon_answered_confirms_once(
    broker, database_url, sandbox_server, sandbox, de_shop
):
    from datetime import timedelta

    from saleor.order.models import Fulfillment, FulfillmentLine, Order

    from saleor_amazon_feeds.models import AmazonShipmentConfirmation
    from saleor_amazon_feeds.orders import importer
    from saleor_amazon_feeds.orders.tasks import (
        confirm_shipment_task,
        retry_shipments_task,
    )
    from tests.fixtures.orders import wait_for_amazon

    wait_for_amazon()
    importer.import_marketplace(de_shop.marketplace)
    order = Order.objects.get(external_reference="302-4815162-3421001")
    # The merchant ships later: a fulfillment with a tracking number, made
    # without the hook (the armed worker is handed the task below).
    fulfillment = Fulfillment.objects.create(
        order=order, tracking_number="00340434161094042557"
    )
    for line in order.lines.all():
        FulfillmentLine.objects.create(
            fulfillment=fulfillment, order_line=line, quantity=line.quantity
        )
    Fulfillment.objects.filter(pk=fulfillment.pk).update(
        created_at=order.created_at + timedelta(hours=2)
    )
    crash(
        sandbox_server,
        database_url,
        "shipment.after_confirm",
        confirm_shipment_task,
        fulfillment_id=fulfillment.pk,
    )
    # Amazon has the package; the confirmation's row went with the crash.
    assert len(sandbox.shipments()) == 1
    assert not AmazonShipmentConfirmation.objects.exists()

    retry_shipments_task.delay()
    deadline = time.monotonic() + 60
    while not AmazonShipmentConfirmation.objects.filter(status="CONFIRMED").exists():
        assert time.monotonic() < deadline, broker.tail()
        time.sleep(0.5)
    confirmation = AmazonShipmentConfirmation.objects.get()
    assert confirmation.fulfillment_id == fulfillment.pk
    assert confirmation.tracking_number == "00340434161094042557"
    assert len(sandbox.shipments()) == 1


def test_urgent_patch_crash_after_amazon_answered_sends_zero_once(
    broker, database_url, sandbox_server, sandbox, sync_marketplace, listable_product
):
    from saleor.warehouse.models import Stock

    from saleor_amazon_feeds.sync.tasks import reconcile_task, urgent_patch_task

    variant = listable_product.variants.get()
    queue_listing(listable_product)
    recover_and_settle(sync_marketplace, sandbox, variant.sku, broker)
    assert _quantity(sandbox, variant.sku) > 0

    # Sold out in Saleor; the armed worker PATCHes Amazon to 0 and dies
    # before recording that Amazon now holds 0.
    Stock.objects.filter(product_variant=variant).update(quantity=0)
    crash(
        sandbox_server,
        database_url,
        "urgent.after_patch",
        urgent_patch_task,
        marketplace_pk=sync_marketplace.pk,
        variant_id=variant.pk,
        product_id=listable_product.pk,
        sku=variant.sku,
    )
    patches = [r for r in sandbox.requests("patchListingsItem") if r["status"] == 200]
    assert len(patches) == 1
    assert _quantity(sandbox, variant.sku) == 0

    # After the restart the reconciliation sees Saleor's 0 against the last
    # recorded quantity and settles it with an inventory feed: the same value,
    # never a second PATCH and never the old quantity.
    reconcile_task.delay()
    recover_and_settle(sync_marketplace, sandbox, variant.sku, broker)
    assert _quantity(sandbox, variant.sku) == 0
    assert [r for r in sandbox.requests("patchListingsItem") if r["status"] == 200] == (
        patches
    )


def test_order_import_crash_between_batches_creates_each_order_once(
    broker, database_url, sandbox_server, sandbox, de_shop
):
    from saleor.order.models import Order

    from saleor_amazon_feeds.models import AmazonImportedOrder
    from saleor_amazon_feeds.orders.tasks import import_orders_scheduled_task
    from tests.fixtures.orders import wait_for_amazon

    wait_for_amazon()
    crash(
        sandbox_server,
        database_url,
        "orders.after_batch",
        import_orders_scheduled_task,
    )
    # The batch committed (orders and records together), the cursor did not
    # move: the next import reads the same orders again.
    committed = Order.objects.count()
    assert committed == AmazonImportedOrder.objects.filter(status="IMPORTED").count()
    assert committed > 0

    import_again_and_check_each_order_once(broker, de_shop)


def _quantity(sandbox, sku) -> int | None:
    listing = listed(sandbox, sku) or {}
    availability = (listing.get("attributes") or {}).get("fulfillment_availability")
    return availability[0].get("quantity") if availability else None
