"""The figures of BRIEF section 6, each against a baseline measured in this run.

Run by `make bench` (bench/run.sh), never by `make test`: the file name does not
match pytest's test pattern and the project's testpaths are tests/ only. It uses
the project's own fixtures (tests/fixtures) and Saleor's, in one database
transaction per figure that is rolled back at the end.

Sizes: ``BENCH_SIZES`` (comma-separated variant counts, default in bench/run.sh).
"""

import dataclasses
import gc
import os
import time
import tracemalloc
from collections.abc import Callable

import pytest
from django.db import connection

from bench import production, report
from saleor_amazon_feeds import heap
from saleor_amazon_feeds.catalog.types import FeedKind
from saleor_amazon_feeds.listings.schema_validation import ProductTypeSchema
from sample_shop.apparel import ShirtCatalog

pytestmark = pytest.mark.django_db

SIZES = sorted(
    int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",") if s
)


class QueryCounter:
    """``connection.execute_wrapper`` hook: counts every SQL statement."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(fn: Callable, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def analyze() -> None:
    # Fresh rows inside the test transaction: give the planner statistics, for
    # Saleor's export and the plugin alike.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# -- feed build as production runs it (reconciliation and the rest: bench_sync) --


def test_feed_build(
    bench_marketplace, sample_apparel, category, channel_USD, warehouses, settings
):
    """The submission's own build of LISTINGS, INVENTORY and PRICES, local
    schema validation on against an Amazon-sized generated schema, against
    the floor (plain reads + orjson), Saleor's GraphQL and Saleor's CSV
    export over the same catalog and fields."""
    from saleor.attribute.models import Attribute

    from saleor_amazon_feeds.catalog.build import language_tag

    # One worker's build, in this process (the split build among several
    # workers: test_feed_build_workers).
    settings.AMAZON_FEEDS_PARALLEL_BUILD_MIN_PRODUCTS = 0

    schema_bytes = production.prepare_marketplace(
        bench_marketplace, language_tag(bench_marketplace.marketplace_id)
    )
    generator = ShirtCatalog(
        sample_apparel,
        category,
        channel_USD,
        warehouses,
        slug_prefix="bench-shirt",
        described=True,
    )
    export_info = {
        "fields": [
            "name",
            "description",
            "category",
            "product type",
            "product weight",
            "variant sku",
            "variant weight",
            "product media",
        ],
        "attributes": list(Attribute.objects.values_list("pk", flat=True)),
        "warehouses": [w.pk for w in warehouses[:2]],
        "channels": [channel_USD.pk],
    }
    # Warm-up (imports, caches, the compiled schema's first values): a small
    # catalog, each side once, not recorded.
    generator.grow_to(200)
    production.listed_earlier(bench_marketplace)
    analyze()
    csv_export(export_info)
    production.production_build(bench_marketplace)
    production.graphql_read(channel_USD.slug, page_size=20)

    for size in SIZES:
        grown, _ = timed(generator.grow_to, size)
        production.listed_earlier(bench_marketplace)
        analyze()
        if PROFILE:
            profile_build(bench_marketplace)
            continue
        # Baselines as the build: best of their runs (one run's three floor
        # reads took 0.72, 1.15 and 0.30 s).
        csv_runs = [timed(csv_export, export_info) for _ in range(2)]
        csv_s, csv_bytes = min(csv_runs)
        graphql_s, graphql_variants = production.graphql_read(channel_USD.slug)
        # As a worker runs it: the start-up heap frozen (tasks.freeze_worker_heap)
        # and the submission's own collector settings.
        # Alternating with the untuned runs, best of two each: the first run
        # of a size reads cold pages.
        full_runs, gc_default_runs = [], []
        for _ in range(2):
            frozen = heap.freeze_heap()
            try:
                seconds, built = timed(production.production_build, bench_marketplace)
            finally:
                gc.unfreeze()
            full_runs.append(seconds)
            # The same build with Python's collector as it comes.
            default_threshold = heap.BUILD_GEN0_THRESHOLD
            heap.BUILD_GEN0_THRESHOLD = gc.get_threshold()[0]
            try:
                seconds, _ = timed(production.production_build, bench_marketplace)
            finally:
                heap.BUILD_GEN0_THRESHOLD = default_threshold
            gc_default_runs.append(seconds)
        full_s, gc_default_s = min(full_runs), min(gc_default_runs)
        kept = production.production_build(bench_marketplace, keep_messages=True)
        messages = kept.pop("kept")
        floor_runs = [
            production.floor_read(bench_marketplace, messages) for _ in range(3)
        ]
        floor_s = min(floor_runs)
        attributes_per_listing = kept["attributes_per_listing"]
        peak = peak_memory(bench_marketplace)
        figures = {
            "catalog_seconds": round(grown, 2),
            "full_s": full_s,
            "floor_s": floor_s,
            "graphql_s": graphql_s,
            "csv_s": csv_s,
            "peak_mib": peak / 2**20,
            "gc_default_s": gc_default_s,
            "full_runs": full_runs,
            "floor_runs": floor_runs,
            "csv_runs": [seconds for seconds, _ in csv_runs],
            "gc_default_runs": gc_default_runs,
            "frozen_objects": frozen,
            "messages": built["messages"],
            "documents": built["documents"],
            "feed_bytes": built["bytes"],
            "skipped": built["skipped"],
            "attributes_per_listing": attributes_per_listing,
            "left_out_reasons": production.left_out_reasons(bench_marketplace),
            "schema_bytes": schema_bytes,
            "csv_bytes": csv_bytes,
            "graphql_variants": graphql_variants,
        }
        if size <= WHOLE_VALIDATION_MAX:
            figures["one_pass_validation_s"] = one_pass_validation_build(
                bench_marketplace
            )
        report.record_size("feed_build", generator.variants, **figures)
        print(f"\nfeed_build {generator.variants}: {figures}")
    report.record(
        "feed_build_baselines",
        baseline="full = catalog.submission.FeedBuild for LISTINGS, INVENTORY, "
        "PRICES (schema validation on, generated Amazon-sized SHIRT schema, "
        "documents written, not sent), heap frozen as in the worker; floor = one "
        "plain SELECT per table read + orjson of the built messages; graphql = "
        "Saleor's products query in-process, 100 a page, same fields; csv = "
        "Saleor's export_products_in_batches, same fields; gc_default = full "
        "with the collector untuned; one_pass_validation = full with "
        "ProductTypeSchema.validate_whole (the validator before issue 14)",
    )


def peak_memory(marketplace) -> int:
    """Bytes at the fullest moment of a build, in a pass of its own:
    tracemalloc slows Python down."""
    tracemalloc.start()
    try:
        production.production_build(marketplace)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


# BENCH_PROFILE=1: print where the production build spends its time instead of
# measuring the figures; BENCH_PROFILE=memory: what holds the most memory
# when a document is handed over (where the peak is); BENCH_PROFILE=peak: only
# the peak memory of each size (minutes at 100k, where the rest takes an hour);
# BENCH_PROFILE=time: only the full build's seconds, as the figure times it;
# BENCH_PROFILE=db: its time executing statements, by statement;
# BENCH_PROFILE=stages: its wall time by stage, without a profiler;
# BENCH_PROFILE=dump: its LISTINGS pages pickled for bench/python_build.py;
# BENCH_PROFILE=INVENTORY (or other kinds, comma-separated): profile those.
PROFILE = os.environ.get("BENCH_PROFILE", "")


def profile_build(marketplace) -> None:
    if PROFILE == "memory":
        profile_memory(marketplace)
        return
    if PROFILE == "peak":
        print(f"\npeak {peak_memory(marketplace) / 2**20:.1f} MiB")
        return
    if PROFILE == "db":
        database_time(marketplace)
        return
    if PROFILE == "stages":
        stage_times(marketplace)
        return
    if PROFILE == "dump":
        dump_pages(marketplace)
        return
    if PROFILE == "time":
        runs = []
        for _ in range(3):
            heap.freeze_heap()
            cpu = time.process_time()
            try:
                seconds, built = timed(production.production_build, marketplace)
            finally:
                gc.unfreeze()
            by_kind = {k: round(v, 2) for k, v in built.items() if k.endswith("_s")}
            runs.append(
                (round(seconds, 2), round(time.process_time() - cpu, 2), by_kind)
            )
        print(f"\nfull build {min(runs)[0]:.2f} s; runs (wall, cpu, kinds): {runs}")
        return
    kinds = [FeedKind(k) for k in PROFILE.split(",") if k in FeedKind.__members__]
    production.print_profile(
        production.production_build,
        marketplace,
        **({"kinds": tuple(kinds)} if kinds else {}),
    )


def dump_pages(marketplace) -> None:
    """BENCH_PROFILE=dump: the LISTINGS run and its catalog pages, pickled to
    BENCH_DUMP for ``bench/python_build.py``."""
    import pickle

    from saleor_amazon_feeds.catalog import build, builder

    captured: list = []
    original = build.build_batches

    def capture(run, pages, gate):
        pages = list(pages)
        captured.append((run, pages))
        return original(run, pages, gate)

    builder.build_batches = capture
    try:
        production.production_build(marketplace, kinds=(FeedKind.LISTINGS,))
    finally:
        builder.build_batches = original
    run, pages = captured[0]
    schemas = {name: s.schema for name, s in run.schemas.items() if s is not None}
    # What a run fills as it builds, or reads from the database: not pickled.
    run = dataclasses.replace(run, schema_provider=None)
    path = os.environ.get("BENCH_DUMP", "/tmp/bench-pages.pickle")
    with open(path, "wb") as out:
        pickle.dump((run, pages, schemas), out)
    print(f"\n{len(pages)} pages of the LISTINGS build written to {path}")


def stage_times(marketplace) -> None:
    """BENCH_PROFILE=stages: the full build's wall time by stage, each
    stage's own time (what it called that is another stage counts there),
    without a profiler's cost per call, the heap frozen as in a worker, and
    the collector's pauses (also inside those stages): the second of two
    runs."""
    from saleor_amazon_feeds.catalog import build, fingerprints, gate, loader
    from saleor_amazon_feeds.listings import feed_writer

    spent: dict[str, float] = {}
    stack: list[list] = []

    def timed_stage(label: str, function):
        def stage(*args, **kwargs):
            frame = [label, time.perf_counter(), 0.0]
            stack.append(frame)
            try:
                return function(*args, **kwargs)
            finally:
                stack.pop()
                took = time.perf_counter() - frame[1]
                spent[label] = spent.get(label, 0.0) + took - frame[2]
                if stack:
                    stack[-1][2] += took

        return stage

    def statement(execute, sql, params, many, context):
        caller = stack[-1][0] if stack else "the submission"
        label = f"statements of {caller}: " + " ".join(str(sql).split())[:50]
        return timed_stage(label, execute)(sql, params, many, context)

    stages = [
        (loader._Reader, "products", "loader: products"),
        (loader._Reader, "page", "loader: the rest of a page"),
        (build, "build_page", "build (pure Python)"),
        (gate.ListingGate, "prepare", "listing gate"),
        (fingerprints.Fingerprints, "remember", "fingerprints: remember"),
        (fingerprints.Fingerprints, "flush", "fingerprints: write"),
        (fingerprints.Fingerprints, "bind", "fingerprints: bind"),
        (feed_writer.FeedDocumentWriter, "add", "document writer"),
    ]
    originals = [(owner, name, getattr(owner, name)) for owner, name, _ in stages]
    for owner, name, label in stages:
        setattr(owner, name, timed_stage(label, getattr(owner, name)))
    collecting: list[float] = []
    found: dict[str, int] = {}

    def collector(phase: str, info: dict) -> None:
        # Counted apart from (and inside) the stage it interrupts.
        if phase == "start":
            collecting.append(time.perf_counter())
            return
        took = time.perf_counter() - collecting.pop()
        label = f"garbage collector (generation {info['generation']})"
        spent[label] = spent.get(label, 0.0) + took
        found[label] = found.get(label, 0) + info["collected"]

    gc.callbacks.append(collector)
    try:
        for _ in range(2):
            heap.freeze_heap()
            spent.clear()
            found.clear()
            try:
                with connection.execute_wrapper(statement):
                    seconds, _ = timed(production.production_build, marketplace)
            finally:
                gc.unfreeze()
    finally:
        gc.callbacks.remove(collector)
        for owner, name, original in originals:
            setattr(owner, name, original)
    print(f"\nfull build {seconds:.2f} s by stage (own time):")
    for label, took in sorted(spent.items(), key=lambda item: -item[1]):
        collected = f", {found[label]} objects collected" if label in found else ""
        print(f"{took:8.3f} s  {label}{collected}")
    own = sum(v for k, v in spent.items() if not k.startswith("garbage"))
    print(f"{seconds - own:8.3f} s  the rest (submission, records, collector)")


def database_time(marketplace) -> None:
    """The full build's wall time in the database (statements sent, rows
    fetched), by statement, beside its whole time: the second of two runs."""
    import re

    spent: dict[str, list[float]] = {}

    def timed_statement(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            head = re.sub(r"\s+", " ", str(sql)).strip()[:90]
            spent.setdefault(head, []).append(time.perf_counter() - started)

    for _ in range(2):
        spent.clear()
        with connection.execute_wrapper(timed_statement):
            seconds, _ = timed(production.production_build, marketplace)
    total = sum(sum(times) for times in spent.values())
    print(f"\nfull build {seconds:.2f} s, of which executing statements {total:.2f} s")
    for head, times in sorted(spent.items(), key=lambda item: -sum(item[1]))[:15]:
        print(f"{sum(times) * 1000:8.1f} ms {len(times):5d}x  {head}")


def profile_memory(marketplace) -> None:
    """The allocations alive at the fullest moment seen (within 5%): after
    each page is built and at each document's handover."""
    from saleor_amazon_feeds.catalog import build

    largest: list = [0, None, ""]

    def probe(where: str) -> None:
        current, _ = tracemalloc.get_traced_memory()
        # A snapshot only past 5% more than the last one: at 100k variants a
        # snapshot at every new high did not finish in 50 minutes.
        if current > largest[0] * 1.05:
            largest[:] = [current, tracemalloc.take_snapshot(), where]

    build_page = build.build_page

    def probed_page(*args, **kwargs):
        batch = build_page(*args, **kwargs)
        probe(f"after page of product {batch.product_ids[:1]}")
        return batch

    build.build_page = probed_page
    tracemalloc.start(12)
    try:
        production.production_build(
            marketplace, on_document=lambda document: probe("document handover")
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        build.build_page = build_page
    print(
        f"\npeak {peak / 2**20:.1f} MiB; fullest probe {largest[0] / 2**20:.1f} MiB "
        f"({largest[2]}), held by:"
    )
    for stat in largest[1].statistics("traceback")[:12]:
        print(f"{stat.size / 2**20:8.1f} MiB {stat.count:9d} blocks")
        for line in stat.traceback.format()[-8:]:
            print("    " + line)


# Above this the one-pass validator takes minutes: not measured
# (BENCH_ONE_PASS_MAX=0: at no size, for a quicker run).
WHOLE_VALIDATION_MAX = int(os.environ.get("BENCH_ONE_PASS_MAX", "10000"))


def one_pass_validation_build(marketplace) -> float:
    """Seconds of the full build validating each listing in one jsonschema
    pass over the whole message, as before the per-attribute validator."""
    fast = ProductTypeSchema.validate

    def one_pass(
        self, attributes, *, enforce_requirements=True, only=None, keys=None, part=None
    ):
        # ``keys`` and ``part`` only find outcomes validated beforehand, which
        # one pass never keeps.
        if only is not None:
            keep = set(only)
            attributes = {k: v for k, v in attributes.items() if k in keep}
            enforce_requirements = False
        return self.validate_whole(
            attributes, enforce_requirements=enforce_requirements
        )

    ProductTypeSchema.validate = one_pass
    try:
        seconds, _ = timed(production.production_build, marketplace)
    finally:
        ProductTypeSchema.validate = fast
    return seconds


def csv_export(export_info: dict) -> int:
    """Saleor's own product export to a CSV file, as its Celery task runs it
    (minus storing the file and mailing the link)."""
    from saleor.csv import FileTypes
    from saleor.csv.utils.export import (
        create_file_with_headers,
        export_products_in_batches,
    )
    from saleor.csv.utils.product_headers import (
        get_product_export_fields_and_headers_info,
    )
    from saleor.product.models import Product

    fields, file_headers, data_headers = get_product_export_fields_and_headers_info(
        export_info
    )
    temporary_file = create_file_with_headers(file_headers, ",", FileTypes.CSV)
    try:
        export_products_in_batches(
            Product.objects.all().order_by("pk"),
            export_info,
            set(fields),
            data_headers,
            ",",
            temporary_file,
            FileTypes.CSV,
        )
        temporary_file.seek(0, 2)
        return temporary_file.tell()
    finally:
        temporary_file.close()


# -- the same full build split among real Celery workers (catalog.slices) --------

# The sandbox clock for the worker runs: Amazon's feed quota (5 per 5 minutes)
# shrinks to milliseconds, so a run of any catalog size is never held by it.
WORKERS_TIME_SCALE = 100_000.0
# Redis database 15: the tests take 11 to 14 and the demo 13, and a bench
# worker left over from a killed run must not take their tasks.
WORKERS_BROKER_DB = 15


@pytest.mark.django_db(transaction=True)
def test_feed_build_workers(
    bench_marketplace,
    sample_apparel,
    category,
    channel_USD,
    warehouses,
    django_db_blocker,
    settings,
):
    """``workers1_s`` / ``workers2_s``: a manual submission of LISTINGS,
    INVENTORY and PRICES (``submit_feeds_task``) sent to one, then two real
    Celery worker processes (prefork, one task at a time each), timed from
    sending the task until every feed is created at the sandbox: the split build
    (``AMAZON_FEEDS_PARALLEL_BUILD_MIN_PRODUCTS`` 1, default slices), the
    assembly into documents, uploads and createFeed. The catalog is
    committed (the workers read it), so it is built here afresh."""
    import redis

    from saleor_amazon_feeds.catalog.build import language_tag
    from saleor_amazon_feeds.catalog.tasks import submit_feeds_task
    from saleor_amazon_feeds.models import (
        AmazonFeedSubmission,
        AmazonProductFingerprint,
    )
    from saleor_amazon_feeds.models.accounts import Environment
    from saleor_amazon_feeds.sandbox.server import SandboxServer
    from tests.fixtures import processes
    from tests.fixtures.sandbox import SandboxClient

    marketplace = bench_marketplace
    production.prepare_marketplace(
        marketplace, language_tag(marketplace.marketplace_id)
    )
    account = marketplace.account
    account.environment = Environment.LOCAL_SANDBOX
    account.save()
    server = SandboxServer(
        host="127.0.0.1", port=0, time_scale=WORKERS_TIME_SCALE
    ).start()
    sandbox = SandboxClient(server)
    # Feeds stay IN_PROGRESS: the sandbox (in this process) never spends the
    # machine's cores processing them while the workers are timed.
    sandbox.set_faults(stuck_feeds=True)
    generator = ShirtCatalog(
        sample_apparel,
        category,
        channel_USD,
        warehouses,
        slug_prefix="workers-shirt",
        described=True,
    )
    kinds = [k.value for k in production.KINDS]
    with django_db_blocker.unblock():
        database_url = processes.current_database_url()

    def run(stack) -> float:
        # As bench_figures.feed_build: every listing accepted earlier, so the
        # whole catalog is sent again; no submission or print of earlier runs.
        production.listed_earlier(marketplace)
        AmazonFeedSubmission.objects.all().delete()
        AmazonProductFingerprint.objects.all().delete()
        settings.AMAZON_FEEDS_RATE_LIMIT_PREFIX = stack.prefix
        # Helpers of the last run that found nothing to do are not this run's.
        broker = redis.Redis.from_url(stack.broker_url)
        while broker.llen("celery"):
            time.sleep(0.1)
        time.sleep(1)
        started = time.perf_counter()
        task = submit_feeds_task.delay(marketplace.pk, kinds)
        done = f"submit_feeds_task[{task.id}] succeeded".encode()
        deadline = time.monotonic() + 1800
        while not any(done in p.log_path.read_bytes() for p in stack.named("worker")):
            assert time.monotonic() < deadline, stack.logs()
            stack.assert_alive()
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        statuses = list(AmazonFeedSubmission.objects.values_list("kind", "status"))
        assert {kind for kind, _ in statuses} == set(kinds), statuses
        assert {status for _, status in statuses} == {"IN_QUEUE"}, (
            statuses,
            stack.logs(),
        )
        return seconds

    try:
        for size in SIZES:
            generator.grow_to(size)
            analyze()
            figures = {}
            for workers in (1, 2):
                with (
                    processes.stack(
                        database_url=database_url,
                        sandbox_url=server.base_url,
                        broker_db=WORKERS_BROKER_DB,
                        workers=workers,
                        worker_concurrency=1,
                        # As Saleor deploys them (its Dockerfile's default).
                        worker_pool="prefork",
                        settings_module="tests.worker_settings",
                        env={
                            "AMAZON_FEEDS_TIME_SCALE": str(WORKERS_TIME_SCALE),
                            "AMAZON_FEEDS_PARALLEL_BUILD_MIN_PRODUCTS": "1",
                            "PRIVATE_MEDIA_ROOT": str(
                                processes.ROOT / ".cache" / f"bench-media-{os.getpid()}"
                            ),
                        },
                    ) as stack,
                    processes.sending_tasks_to(stack.broker_url),
                ):
                    # Warm-up, not timed: a run's first build compiles the
                    # schema and loads code paths in each worker.
                    run(stack)
                    figures[f"workers{workers}_runs"] = [run(stack), run(stack)]
                    figures[f"workers{workers}_s"] = min(
                        figures[f"workers{workers}_runs"]
                    )
                    figures[f"workers{workers}_feeds"] = (
                        AmazonFeedSubmission.objects.count()
                    )
            report.record_size("feed_build", generator.variants, **figures)
            print(f"\nfeed_build workers {generator.variants}: {figures}")
    finally:
        sandbox.close()
        server.stop()
    report.record(
        "feed_build_baselines",
        workers="workersN = a manual submission of LISTINGS, INVENTORY, PRICES "
        "(submit_feeds_task) on N real Celery worker processes (prefork, "
        "concurrency 1), "
        "the full build split into slices of AMAZON_FEEDS_BUILD_SLICE_PRODUCTS "
        "products (catalog.slices), from sending the task until every feed is "
        "created at the sandbox (quota scaled away, feeds left unprocessed); best "
        "of two runs after a warm-up",
    )
