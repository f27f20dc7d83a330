"""Figures of the automatic sync, each against a baseline measured in this run:
reconciliation, feed quota ceiling, sell-out and change latency with
production settings, order import overhead.

Run by `make bench` (bench/run.sh) next to bench_figures.py, never by
`make test`. Same fixtures as the tests (tests/fixtures) and Saleor's; each
figure in a database transaction rolled back at the end, except the latency
figure, whose worker and Saleor server need committed rows.

Sizes: ``BENCH_SIZES`` (comma-separated variant counts; the largest is the
reconciled catalog).
"""

import copy
import gc
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone

from bench import report
from saleor_amazon_feeds.models import (
    AmazonFeedSubmission,
    AmazonListingState,
    AmazonMarketplace,
    AmazonSyncChange,
)
from saleor_amazon_feeds.sync import accepted, sellable
from sample_shop.apparel import ShirtCatalog

pytestmark = pytest.mark.django_db

SIZES = sorted(
    int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",") if s
)


def timed(fn: Callable, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# -- reconciliation ----------------------------------------------------------------


def test_reconciliation(
    make_marketplace, sample_apparel, category, channel_USD, warehouses
):
    marketplace = make_marketplace(channel_USD, warehouses[:2], handling_time=2)
    generator = ShirtCatalog(
        sample_apparel, category, channel_USD, warehouses, slug_prefix="bench-sync"
    )
    with _bulk_load():
        generator.grow_to(SIZES[-1])
    analyze()
    reconcile_figures(marketplace, generator.variants)


@contextmanager
def _bulk_load() -> Iterator[None]:
    """The catalog and Amazon's states loaded with the logging triggers off,
    and each kept table rebuilt whole by the next pass, as after any write
    the triggers could not see.

    A pass in production finds in the logs what was written since the
    previous pass, the rows taken before that long vacuumed. The bench loads
    and takes in one transaction, which nothing can vacuum: the rows a bulk
    load logged and the first pass took would stay behind as dead rows that
    every later take scans (300k at 100k variants, some 80 ms a pass).
    """
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        yield
        cursor.execute("SET LOCAL session_replication_role = origin")
    sellable.rebuild_later()
    for marketplace_pk in AmazonMarketplace.objects.values_list("pk", flat=True):
        accepted.rebuild_later(marketplace_pk)


def reconcile_figures(marketplace, variants: int) -> None:
    from saleor.product.models import ProductVariant, ProductVariantChannelListing
    from saleor.warehouse.models import Allocation, Stock

    from saleor_amazon_feeds.sync.reconcile import reconcile_marketplace

    states = []
    rows = ProductVariant.objects.values_list("pk", "product_id").order_by("pk")
    for i, (variant_id, product_id) in enumerate(rows.iterator(chunk_size=10_000)):
        stale = i % 10 == 0  # Amazon holds an outdated price for every tenth
        for kind, summary in (
            # Accepted listings: reconciliation compares only what passes the
            # listing gate.
            ("LISTINGS", {"productType": "SHIRT"}),
            ("INVENTORY", {"quantity": None}),
            ("PRICES", {"price": "19.00" if stale else "20.00"}),
        ):
            states.append(
                AmazonListingState(
                    marketplace=marketplace,
                    sku=f"s{variant_id}",
                    kind=kind,
                    product_id=product_id,
                    variant_id=variant_id,
                    status="ACCEPTED",
                    accepted_summary=summary,
                )
            )
    with _bulk_load():
        AmazonListingState.objects.bulk_create(states, batch_size=5000)
    del states
    # Amazon holds today's quantities (the rule's own, from Saleor's rows).
    with _bulk_load(), connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {AmazonListingState._meta.db_table} s
                SET accepted_summary = jsonb_build_object('quantity', q.quantity)
                FROM ({_quantities_sql()}) q
                WHERE s.variant_id = q.variant_id AND s.kind = 'INVENTORY'
                  AND s.marketplace_id = %(marketplace)s""",
            {"marketplace": marketplace.pk},
        )
    analyze()
    # Both kept tables built whole, as for a new marketplace (and as
    # migrations 0003 to 0005 leave one): Saleor's side first, since the
    # accepted values take what Saleor offers from it, as after every listing
    # of the marketplace was accepted.
    sellable_rebuild_s, _ = timed(sellable.refresh)
    refresh_all_s, _ = timed(accepted.refresh, marketplace.pk)
    analyze()
    # Between two passes 1% of the variants had a state written (a feed's
    # results, a PATCH): each timed pass applies the rule to those again.
    changed = list(ProductVariant.objects.order_by("pk").values_list("pk", flat=True))[
        ::100
    ]
    AmazonListingState.objects.filter(
        marketplace=marketplace, kind="INVENTORY", variant_id__in=changed
    ).update(accepted_at=timezone.now())
    # ... and the same 1% had their stock changed in Saleor (sales, restocks):
    # each timed pass applies the rule to those again.
    Stock.objects.filter(
        product_variant_id__in=changed, warehouse__in=marketplace.warehouses.all()
    ).update(quantity=F("quantity") + 1)

    runs = []
    for _ in range(3):
        sid = transaction.savepoint()
        seconds, queued = timed(reconcile_marketplace, marketplace)
        transaction.savepoint_rollback(sid)
        runs.append(seconds)
    reconcile_s = min(runs)
    if os.environ.get("BENCH_EXPLAIN"):
        _explain_reconciliation(marketplace)

    # Baseline A (lower bound): one bare SELECT reading the same rows (listing
    # states, stock, allocations, channel prices) with no comparison or write.
    bare_sql = f"""
        SELECT count(*), sum(st.quantity), sum(a.allocated), sum(pl.price_amount)
        FROM {AmazonListingState._meta.db_table} s
        JOIN {Stock._meta.db_table} st ON st.product_variant_id = s.variant_id
        LEFT JOIN (SELECT stock_id, sum(quantity_allocated) AS allocated
                   FROM {Allocation._meta.db_table} GROUP BY stock_id) a
          ON a.stock_id = st.id
        LEFT JOIN {ProductVariantChannelListing._meta.db_table} pl
          ON pl.variant_id = s.variant_id AND pl.channel_id = %(channel)s
        WHERE s.marketplace_id = %(marketplace)s
    """
    bare = []
    with connection.cursor() as cursor:
        for _ in range(3):
            started = time.perf_counter()
            cursor.execute(
                bare_sql,
                {"marketplace": marketplace.pk, "channel": marketplace.channel_id},
            )
            cursor.fetchall()
            bare.append(time.perf_counter() - started)
    bare_s = min(bare)

    # Baseline B: the per-variant ORM loop the one-pass statement replaces,
    # timed on a sample and scaled linearly (it reads, it does not even write).
    sample = list(
        AmazonListingState.objects.filter(
            marketplace=marketplace, kind="INVENTORY"
        ).values_list("variant_id", "accepted_summary")[:1000]
    )
    warehouse_ids = list(marketplace.warehouses.values_list("pk", flat=True))
    started = time.perf_counter()
    differences = 0
    for variant_id, summary in sample:
        quantity = (
            Stock.objects.filter(
                product_variant_id=variant_id, warehouse_id__in=warehouse_ids
            ).aggregate(q=Sum("quantity"))["q"]
            or 0
        )
        allocated = (
            Allocation.objects.filter(
                stock__product_variant_id=variant_id,
                stock__warehouse_id__in=warehouse_ids,
            ).aggregate(q=Sum("quantity_allocated"))["q"]
            or 0
        )
        offered = max(quantity - allocated - marketplace.stock_buffer, 0)
        price = (
            ProductVariantChannelListing.objects.filter(
                variant_id=variant_id, channel_id=marketplace.channel_id
            )
            .values_list("price_amount", flat=True)
            .first()
        )
        if summary.get("quantity") != offered or price is None:
            differences += 1
    loop_s = (time.perf_counter() - started) * (variants / len(sample))
    # Last: its hundreds of savepoints overflow the transaction's cache of
    # subtransactions, and every later read of rows this transaction wrote
    # would pay for it.
    writer_cost = _writer_cost(changed)

    report.record(
        "reconcile",
        variants=variants,
        reconcile_s=reconcile_s,
        reconcile_runs=runs,
        variants_written_since_last_pass=len(changed),
        refresh_all_s=refresh_all_s,
        sellable_rebuild_s=sellable_rebuild_s,
        **writer_cost,
        queued=queued,
        bare_read_s=bare_s,
        ratio_vs_bare_read=reconcile_s / bare_s,
        orm_loop_s_extrapolated=loop_s,
        orm_loop_sample=len(sample),
        speedup_vs_orm_loop=loop_s / reconcile_s,
        baseline="a full pass with 1% of the variants' states and stock "
        "written since the previous one (refresh_all_s: the accepted values "
        "rebuilt whole; sellable_rebuild_s: the sellable quantities). "
        "A: one bare SELECT joining the same listing states, stock, "
        "allocations and prices (ratio = reconcile / bare read); B: the "
        "per-variant ORM loop (3 queries per variant) timed on 1000 variants "
        "and scaled (speedup = loop / reconcile)",
    )


def _writer_cost(changed: list[int], rounds: int = 100) -> dict[str, float]:
    """What migration 0004's logging triggers cost Saleor's writers, each
    write timed with the triggers and without (``session_replication_role``
    replica), alternating, the median of each, every write rolled back: a
    checkout's (one allocation and its stock's ``quantity_allocated``), a
    restock of the 1% of variants (their stock's ``quantity``) and a new
    price for them (their channel listings' ``price_amount``)."""
    from saleor.product.models import ProductVariantChannelListing
    from saleor.warehouse.models import Allocation, Stock

    allocation = Allocation.objects.select_related("stock").first()
    restocked = Stock.objects.filter(product_variant_id__in=changed)
    repriced = ProductVariantChannelListing.objects.filter(variant_id__in=changed)

    def checkout() -> None:
        Allocation.objects.filter(pk=allocation.pk).update(
            quantity_allocated=F("quantity_allocated") + 1
        )
        Stock.objects.filter(pk=allocation.stock_id).update(
            quantity_allocated=F("quantity_allocated") + 1
        )

    def restock() -> None:
        restocked.update(quantity=F("quantity") + 1)

    def reprice() -> None:
        repriced.update(price_amount=F("price_amount") + 1)

    figures = {}
    for name, write, times in (
        ("checkout", checkout, rounds),
        ("restock", restock, 9),
        ("reprice", reprice, 9),
    ):
        seconds: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(times):
            for logged in (True, False):
                sid = transaction.savepoint()
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SET LOCAL session_replication_role = %s",
                        ["origin" if logged else "replica"],
                    )
                seconds[logged].append(timed(write)[0])
                transaction.savepoint_rollback(sid)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")
        figures[f"{name}_logged_ms"] = statistics.median(seconds[True]) * 1000
        figures[f"{name}_unlogged_ms"] = statistics.median(seconds[False]) * 1000
    return figures


def _explain_reconciliation(marketplace) -> None:
    """BENCH_EXPLAIN=1: the parts of a full pass timed as they run, then
    every statement of one with its plan and time (auto_explain's own
    timing inflates those)."""
    from saleor_amazon_feeds.sync import reconcile

    sid = transaction.savepoint()
    parts = {
        "accepted refresh": lambda: accepted.refresh(marketplace.pk),
        "sellable refresh": sellable.refresh,
        "queueing": lambda: reconcile._run(marketplace, None),
    }
    for name, part in parts.items():
        seconds, _ = timed(part)
        print(f"\n-- {name}: {seconds * 1000:.1f} ms")
    transaction.savepoint_rollback(sid)
    _auto_explained(reconcile.reconcile_marketplace, marketplace)


def _auto_explained(fn: Callable, *args) -> None:
    """Every statement ``fn`` runs, with its plan and time (PostgreSQL's
    auto_explain, its log sent to this session), rolled back."""
    raw = connection.connection
    logged: list[str] = []

    def keep(diagnostic) -> None:
        logged.append(diagnostic.message_primary or "")

    sid = transaction.savepoint()
    with connection.cursor() as cursor:
        cursor.execute(
            "LOAD 'auto_explain'; SET LOCAL auto_explain.log_min_duration = 0; "
            "SET LOCAL auto_explain.log_analyze = on; "
            "SET LOCAL auto_explain.log_nested_statements = on; "
            "SET LOCAL client_min_messages = log"
        )
    raw.add_notice_handler(keep)
    try:
        seconds, _ = timed(fn, *args)
    finally:
        raw.remove_notice_handler(keep)
        transaction.savepoint_rollback(sid)
    print(f"\n-- every statement of {fn.__name__} ({seconds:.3f} s with auto_explain)")
    for message in logged:
        print(message)


def _quantities_sql() -> str:
    from saleor_amazon_feeds.sync.quantities import sellable_quantity_sql

    state = AmazonListingState._meta.db_table
    return sellable_quantity_sql(
        f"(SELECT variant_id FROM {state} WHERE marketplace_id = %(marketplace)s "
        "AND kind = 'INVENTORY')"
    )


# -- 3. order import vs bare orderBulkCreate -------------------------------------

ORDERS = int(os.environ.get("BENCH_ORDERS", "50"))


def _amazon_orders(n: int, prefix: str) -> list[dict]:
    from tests.fixtures.orders import seed_order

    template = seed_order("302-4815162-3421001")
    orders = []
    for i in range(n):
        order = copy.deepcopy(template)
        order["orderId"] = f"{prefix}-{i:07d}-0000001"
        order["orderAliases"] = [
            {"aliasId": f"BENCH-{prefix}-{i}", "aliasType": "SELLER_ORDER_ID"}
        ]
        for j, item in enumerate(order["orderItems"]):
            item["orderItemId"] = f"{prefix}{i:07d}{j:03d}"
        orders.append(order)
    return orders


def test_order_import_overhead(de_shop, monkeypatch):
    from saleor.warehouse.models import Stock

    from saleor_amazon_feeds.orders import creation, importer
    from saleor_amazon_feeds.plugin_app import get_or_create_plugin_app
    from saleor_amazon_feeds.saleor_compat import execute_saleor_graphql

    Stock.objects.filter(warehouse=de_shop.warehouse).update(quantity=1_000_000)
    marketplace = de_shop.marketplace
    app = get_or_create_plugin_app()
    # Kept: what the importer creates once (shipping method, tax class).
    importer.process_batch(marketplace, _amazon_orders(2, "900"))

    captured: list[dict] = []
    inner: list[float] = []

    def capturing(query, variables=None, app=None):
        captured.append(copy.deepcopy(variables))
        started = time.perf_counter()
        try:
            return execute_saleor_graphql(query, variables, app=app)
        finally:
            inner.append(time.perf_counter() - started)

    monkeypatch.setattr(creation, "execute_saleor_graphql", capturing)
    orders = _amazon_orders(ORDERS, "302")
    batches = [
        orders[i : i + importer.BATCH_SIZE]
        for i in range(0, len(orders), importer.BATCH_SIZE)
    ]

    def run_import() -> int:
        imported = 0
        for batch in batches:
            imported += importer.process_batch(marketplace, batch).imported
        return imported

    def run_bare(inputs) -> int:
        created = 0
        for variables in inputs:
            data = execute_saleor_graphql(
                creation.ORDER_BULK_CREATE, variables, app=app
            )["orderBulkCreate"]
            created += data["count"]
        return created

    def rolled_back(fn, *args):
        sid = transaction.savepoint()
        # Every run leaves ~30k objects behind; a full collection of the
        # process's ~700k costs 0.5-0.8 s, a sixth of a 50-order run, and
        # lands in whichever side crosses the threshold. Collected before each
        # run instead, outside the timer, so neither side pays another's.
        gc.collect()
        try:
            return timed(fn, *args)
        finally:
            transaction.savepoint_rollback(sid)

    _, imported = rolled_back(run_import)  # warm-up; captures the inputs
    assert imported == ORDERS, imported
    inputs = list(captured)
    if os.environ.get("BENCH_PROFILE"):
        _profile_order_import(run_import, run_bare, inputs, rolled_back)
        return
    import_runs, bare_runs, inner_runs = [], [], []
    for _ in range(3):
        seconds, count = rolled_back(run_bare, inputs)
        assert count == ORDERS, count
        bare_runs.append(seconds)
        inner.clear()
        seconds, count = rolled_back(run_import)
        assert count == ORDERS, count
        import_runs.append(seconds)
        inner_runs.append(sum(inner))
    import_s, bare_s = statistics.median(import_runs), statistics.median(bare_runs)
    report.record(
        "order_import",
        orders=ORDERS,
        batches=len(batches),
        import_s=import_s,
        bare_s=bare_s,
        ratio=import_s / bare_s,
        import_runs=import_runs,
        bare_runs=bare_runs,
        inner_orderbulkcreate_s=statistics.median(inner_runs),
        # The plugin's own part, run by run (the import less its own
        # orderBulkCreate): steadier than the ratio on a shared machine, where
        # one side's run can take three times the other's.
        plugin_s=statistics.median(
            [i - n for i, n in zip(import_runs, inner_runs, strict=True)]
        ),
        baseline="Saleor's orderBulkCreate executed in-process (same schema "
        "execution path) on exactly the inputs the importer built, same batches "
        "of 50; import = importer.process_batch (records, locking, mapping, SKU "
        "lookup, orderBulkCreate, stock reservation); Amazon HTTP not included; "
        "medians of 3 alternating runs, each after a full collection, rolled back",
    )


def _profile_order_import(run_import, run_bare, inputs, rolled_back) -> None:
    """BENCH_PROFILE=1: queries per batch of each side, by statement kind, and
    where the import spends its time, instead of the figure."""
    import cProfile
    import pstats
    from collections import Counter

    from django.test.utils import CaptureQueriesContext

    for name, fn, args in (("bare", run_bare, (inputs,)), ("import", run_import, ())):
        with CaptureQueriesContext(connection) as queries:
            rolled_back(fn, *args)
        kinds = Counter(_query_kind(q["sql"]) for q in queries.captured_queries)
        per_batch = len(queries) / len(inputs)
        print(f"\n{name}: {per_batch:.0f} queries per batch")
        for kind, count in kinds.most_common(25):
            print(f"  {count / len(inputs):8.1f}  {kind}")
    profiler = cProfile.Profile()
    profiler.enable()
    rolled_back(run_import)
    profiler.disable()
    if os.environ.get("BENCH_PROFILE_OUT"):
        profiler.dump_stats(os.environ["BENCH_PROFILE_OUT"])
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(30)
    # The plugin's own part, and the Saleor calls it makes besides the mutation.
    stats.print_stats("saleor_amazon_feeds|warehouse/management|query.py", 60)
    stats.sort_stats("tottime").print_stats(25)


def _query_kind(sql: str) -> str:
    """The statement and its first table, enough to tell queries apart."""
    words = sql.split()
    verb = words[0] if words else ""
    for keyword in ("FROM", "INTO", "UPDATE"):
        if keyword in words[:-1] and (keyword != "UPDATE" or verb == "UPDATE"):
            table = words[words.index(keyword) + 1]
            return f"{verb} {table}{' FOR UPDATE' if 'FOR UPDATE' in sql else ''}"
    return verb + " " + " ".join(words[1:3])


# -- 4. feed quota ceiling in a time-scaled sync against the sandbox -------------

FEED_SIZE = int(os.environ.get("BENCH_FEED_SIZE", "10"))
QUOTA_PRODUCTS = int(os.environ.get("BENCH_QUOTA_SKUS", "105"))
QUOTA_RUNS = int(os.environ.get("BENCH_QUOTA_RUNS", "3"))


@pytest.mark.parametrize("run", range(QUOTA_RUNS))
def test_sync_at_quota_ceiling(
    run, sync_marketplace, catalog_factory, warehouses, sandbox, settings
):
    from saleor_amazon_feeds.sandbox.quotas import (
        LISTINGS_FEED_SUBMISSIONS,
        LISTINGS_FEED_WINDOW_SECONDS,
    )
    from saleor_amazon_feeds.sync.drain import drain_marketplace
    from saleor_amazon_feeds.sync.outbox import Change, record_variants

    settings.AMAZON_FEEDS_MAX_FEED_MESSAGES = FEED_SIZE
    sync_marketplace.sync_scope = "INVENTORY"
    sync_marketplace.save(update_fields=["sync_scope"])
    sync_marketplace.warehouses.set(warehouses)
    products = catalog_factory(QUOTA_PRODUCTS, variants=1)
    # An INVENTORY-scope marketplace updates offers Amazon already has (the
    # listing gate looks each SKU up): the seller listed them elsewhere. Not
    # timed: the figure starts with the sync.
    for product in products:
        sandbox.put_listing(product.variants.get().sku, sync_marketplace.marketplace_id)
    record_variants(Change.CONTENT, product_ids=[p.pk for p in products])

    started = time.monotonic()
    while AmazonSyncChange.objects.exists():
        assert time.monotonic() - started < 300, "sync did not finish"
        result = drain_marketplace(sync_marketplace)
        if result.reason == "QUOTA":
            time.sleep(max((result.next_at - timezone.now()).total_seconds(), 0))
    sent = list(
        AmazonFeedSubmission.objects.filter(feed_id__gt="").order_by("submitted_at")
    )
    times = [s.submitted_at for s in sent]
    window = LISTINGS_FEED_WINDOW_SECONDS / settings.AMAZON_FEEDS_TIME_SCALE
    per = LISTINGS_FEED_SUBMISSIONS
    # The fastest any client may go: a burst of 5, then 5 per window.
    ideal = (-(-len(sent) // per) - 1) * window
    actual = (times[-1] - times[0]).total_seconds()
    fraction = ideal / actual if actual else 1.0
    throttled = len([r for r in sandbox.requests() if r["status"] == 429])
    figures = {
        "skus": QUOTA_PRODUCTS,
        "kinds": ["INVENTORY", "PRICES"],
        "feed_size": FEED_SIZE,
        "feeds": len(sent),
        "full_feeds": len([s for s in sent if s.message_count == FEED_SIZE]),
        "time_scale": settings.AMAZON_FEEDS_TIME_SCALE,
        "window_s": window,
        "first_to_last_s": actual,
        "ideal_s": ideal,
        "fraction_of_ceiling": fraction,
        "feeds_per_window": fraction * per,
        "throttled": throttled,
        "errors": AmazonFeedSubmission.objects.filter(status="ERROR").count(),
        "baseline": "Amazon's ceiling: a burst of 5 then 5 feeds per window; ideal "
        "first-to-last time for N feeds = (ceil(N/5) - 1) windows; fraction = "
        "ideal / achieved",
    }
    print(f"\nquota run {run + 1}: {figures}")
    runs = report.RESULTS["figures"].get("quota", {}).get("runs", []) + [figures]
    # The figure is the worst run: the target holds in every run.
    worst = min(runs, key=lambda r: (r["fraction_of_ceiling"], -r["throttled"]))
    report.record(
        "quota",
        **{**worst, "runs": runs, "throttled": sum(r["throttled"] for r in runs)},
    )
    assert throttled == 0


# -- latency with production settings (no time scale) ----------------------------

# Not the tests' nor the demo's (bench_figures.WORKERS_BROKER_DB).
LATENCY_BROKER_DB = 15
STOCKS_UPDATE = """
mutation ($variant: ID!, $warehouse: ID!, $quantity: Int!) {
  productVariantStocksUpdate(
    variantId: $variant, stocks: [{warehouse: $warehouse, quantity: $quantity}]
  ) { errors { field message } }
}
"""


def _wait(predicate, timeout: float, processes, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    logs = "\n".join(f"--- {p.name}\n{p.tail(3000)}" for p in processes)
    pytest.fail(f"timed out waiting for {what}\n{logs}")


@pytest.fixture
def production_sync(
    sync_marketplace, settings, live_server, staff_user, permission_manage_products
):
    """A sandbox at Amazon's pace (time scale 1), a real Celery worker and
    beat with the plugin's default settle and drain settings, and Saleor
    serving HTTP (the stock webhook reaches the plugin through it)."""
    import uuid
    from pathlib import Path

    import httpx
    import redis
    from django.db import connections
    from saleor.celeryconf import app
    from saleor.core.jwt import create_access_token

    from saleor_amazon_feeds import conf
    from saleor_amazon_feeds.sandbox.server import SandboxServer
    from saleor_amazon_feeds.services.saleor_app import ensure_stock_webhook
    from tests.fixtures.processes import (
        ROOT,
        celery_beat_args,
        celery_worker_args,
        current_database_url,
        running,
        worker_settings_env,
    )
    from tests.fixtures.sandbox import SandboxClient

    server = SandboxServer(host="127.0.0.1", port=0, time_scale=1.0).start()
    sandbox = SandboxClient(server)
    broker = f"{conf.redis_url().rsplit('/', 1)[0]}/{LATENCY_BROKER_DB}"
    redis.Redis.from_url(broker).flushdb()
    prefix = f"amazon_feeds_latency:{uuid.uuid4().hex}"
    media = ROOT / ".cache" / f"latency-private-media-{os.getpid()}"
    # The production path: no time scale, the default settle and drain.
    settings.AMAZON_FEEDS_SANDBOX_URL = server.base_url
    settings.AMAZON_FEEDS_TIME_SCALE = 1.0
    del settings.AMAZON_FEEDS_SYNC_SETTLE_SECONDS
    settings.AMAZON_FEEDS_RATE_LIMIT_PREFIX = prefix
    settings.PUBLIC_URL = live_server.url
    settings.PRIVATE_MEDIA_ROOT = str(media)
    replicas = {
        alias: connections.settings[alias]["NAME"]
        for alias in connections.settings
        if alias != "default"
    }
    for alias in replicas:
        connections.settings[alias]["NAME"] = connection.settings_dict["NAME"]
    previous = {k: app.conf.get(k) for k in ("task_always_eager", "broker_url")}
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=broker)
    app._pool = None
    app.amqp._producer_pool = None
    ensure_stock_webhook()
    env = {
        **worker_settings_env(),
        "DATABASE_URL": current_database_url(),
        "CELERY_BROKER_URL": broker,
        "AMAZON_FEEDS_REDIS_URL": conf.redis_url(),
        "AMAZON_FEEDS_SANDBOX_URL": server.base_url,
        "AMAZON_FEEDS_TIME_SCALE": "1",
        "AMAZON_FEEDS_RATE_LIMIT_PREFIX": prefix,
        "PRIVATE_MEDIA_ROOT": str(media),
    }
    beat_schedule = Path(ROOT / ".cache" / f"latency-beat-{os.getpid()}")
    beat = celery_beat_args(beat_schedule)
    staff_user.user_permissions.add(permission_manage_products)
    http = httpx.Client(
        base_url=live_server.url,
        headers={"Authorization": f"Bearer {create_access_token(staff_user)}"},
        timeout=30,
    )

    def graphql(query, variables):
        response = http.post("/graphql/", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    try:
        with running(
            [
                ("latency-worker", celery_worker_args(), b"ready."),
                ("latency-beat", beat, b"beat: Starting"),
            ],
            env,
        ) as processes:
            yield sandbox, graphql, processes
    finally:
        http.close()
        sandbox.close()
        server.stop()
        for alias, name in replicas.items():
            connections.settings[alias]["NAME"] = name
        app.conf.update(
            CELERY_TASK_ALWAYS_EAGER=previous["task_always_eager"],
            CELERY_BROKER_URL=previous["broker_url"],
        )
        app._pool = None
        app.amqp._producer_pool = None
        beat_schedule.unlink(missing_ok=True)


@pytest.mark.django_db(transaction=True)
def test_latency_with_production_settings(
    production_sync, sync_marketplace, listable_product, warehouse
):
    from graphql_relay import to_global_id

    from saleor_amazon_feeds import conf
    from saleor_amazon_feeds.sandbox.feeds import PROGRESS_SECONDS, QUEUE_SECONDS
    from saleor_amazon_feeds.sync.drain import drain_marketplace
    from saleor_amazon_feeds.sync.outbox import Change, record_variants
    from saleor_amazon_feeds.sync.urgent import open_feed_for

    sandbox, graphql, processes = production_sync
    variant = listable_product.variants.get()
    market = sync_marketplace.marketplace_id

    def quantity():
        item = {i["sku"]: i for i in sandbox.listings(market)}.get(variant.sku)
        if not item:
            return None
        return item["attributes"]["fulfillment_availability"][0]["quantity"]

    # Listed first (not timed): the first feed, forced past the settle window.
    record_variants(Change.CONTENT, product_ids=[listable_product.pk])
    drain_marketplace(sync_marketplace, force=True)
    _wait(lambda: quantity() is not None, 120, processes, "the initial listing")
    _wait(
        lambda: not AmazonFeedSubmission.objects.filter(
            status__in=["PENDING", "UPLOADED", "IN_QUEUE", "IN_PROGRESS"]
        ).exists(),
        120,
        processes,
        "the initial feed to be recorded",
    )
    AmazonSyncChange.objects.all().delete()
    stock = variant.stocks.get(warehouse=warehouse)
    allocated = sum(a.quantity_allocated for a in stock.allocations.all())
    ids = {
        "variant": to_global_id("ProductVariant", variant.pk),
        "warehouse": to_global_id("Warehouse", warehouse.pk),
    }

    # An ordinary change: settle, one drain, Amazon's processing.
    before = quantity()
    started = time.monotonic()
    graphql(STOCKS_UPDATE, {**ids, "quantity": allocated + before + 3})
    _wait(lambda: quantity() == before + 3, 180, processes, "the stock change")
    change_s = time.monotonic() - started
    print(f"\nlatency: change {change_s:.1f}s")
    # The urgent PATCH waits while a feed with the SKU is open (the poll beat
    # records its result), as it would after any ordinary change.
    _wait(
        lambda: open_feed_for(sync_marketplace.pk, variant.sku) is None,
        600,
        processes,
        "the change's feed to be recorded",
    )

    # A sell-out: the urgent PATCH.
    started = time.monotonic()
    graphql(STOCKS_UPDATE, {**ids, "quantity": allocated})
    _wait(lambda: quantity() == 0, 60, processes, "quantity 0 at Amazon")
    sellout_s = time.monotonic() - started

    throttled = len([r for r in sandbox.requests() if r["status"] == 429])
    settle = conf.sync_settle_seconds()
    report.record(
        "latency",
        sellout_s=sellout_s,
        change_s=change_s,
        settle_s=settle,
        processing_s=QUEUE_SECONDS + PROGRESS_SECONDS,
        change_floor_s=settle + QUEUE_SECONDS + PROGRESS_SECONDS,
        time_scale=conf.time_scale(),
        throttled=throttled,
        baseline="sell-out: stock set to 0 through Saleor's GraphQL until the "
        "sandbox lists quantity 0 (target 10s); change: a stock change until "
        "the sandbox lists it, against its floor = the settle window plus the "
        "sandbox's feed processing time at scale 1",
    )
    print(f"\nlatency: sell-out {sellout_s:.1f}s, change {change_s:.1f}s")
    assert throttled == 0
