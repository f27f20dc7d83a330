"""Incremental feed builds and the loader's page time (issue 14, part B).

Run by `make bench` with bench_figures.py. Every build is production's own
(``production.production_build``: catalog.submission.FeedBuild for LISTINGS,
INVENTORY and PRICES, schema validation on, documents written, nothing sent),
run as a worker runs it (start-up heap frozen). Per catalog size
(``BENCH_SIZES``):

* ``incremental_baseline_s``: a full build as a merchant's manual submission
  makes it: every product built, its fingerprints recorded and, the feeds
  having gone out, promoted;
* ``noop_s``: the automatic sync's build (``skip_unchanged``) when nothing
  changed since;
* ``incremental_1pct_s``: the same when 1% of the products changed price;
* ``loader_page_ms``: the loader's mean time per page of 200 products over
  the whole catalog, as a worker's build runs it (start-up heap frozen, the
  build's collector thresholds), the figure that must stay flat as the
  catalog grows; ``loader_page_untuned_ms`` the same with the collector as
  the bench process has it.

Each build figure is the best of two runs (the first of a size reads cold
pages) and is printed as a ratio against ``incremental_baseline_s``.
``BENCH_EXPLAIN=1`` prints the plans of a loader page and of a fingerprint
chunk; ``BENCH_PROFILE=loader`` only the loader's figure and plans, and
``BENCH_PROFILE=noop`` a profile of the no-op build, ``BENCH_PROFILE=fingerprints``
only the reading of an automatic submission's changes, timed and explained.
"""

import contextlib
import gc
import os
import time
import tracemalloc

import pytest
from django.db import connection

from bench import production, report
from saleor_amazon_feeds import heap
from saleor_amazon_feeds.catalog import loader
from saleor_amazon_feeds.catalog.build import language_tag
from saleor_amazon_feeds.catalog.builder import (
    changed_products,
    effective_kinds,
    load_options,
)
from sample_shop.apparel import ShirtCatalog

pytestmark = pytest.mark.django_db

SIZES = sorted(
    int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",") if s
)


def worker_build(marketplace, *, skip_unchanged: bool) -> tuple[float, dict]:
    """Seconds and figures of one production build, settled as a submission
    whose feeds went out, the heap frozen as in the worker."""
    heap.freeze_heap()
    try:
        started = time.perf_counter()
        built = production.production_build(
            marketplace, skip_unchanged=skip_unchanged, settle=True
        )
        return time.perf_counter() - started, built
    finally:
        gc.unfreeze()


def best_of_two(marketplace, *, skip_unchanged: bool, before=None):
    """The faster of two builds and both times; ``before`` runs (untimed)
    ahead of each, to give both the same changes to build."""
    runs = []
    for _ in range(2):
        if before is not None:
            before()
        runs.append(worker_build(marketplace, skip_unchanged=skip_unchanged))
    seconds, built = min(runs, key=lambda run: run[0])
    return seconds, built, [run[0] for run in runs]


def change_prices(fraction: float) -> int:
    """A new price for every variant of ``fraction`` of the products."""
    from saleor.product.models import Product, ProductVariantChannelListing

    step = round(1 / fraction)
    ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))[::step]
    ProductVariantChannelListing.objects.filter(variant__product_id__in=ids).update(
        price_amount=19 + (time.time_ns() % 97) / 100
    )
    return len(ids)


# Pages the loader's figure is the mean of, at least: a small catalog is
# read several times over, so that a few slow statements on a shared machine
# weigh as little in it as in a large catalog's (25 pages at 10k varied from
# 40 to 65 ms a page between runs minutes apart).
LOADER_PAGES = 250


def loader_pages(marketplace, *, as_worker: bool = True) -> tuple[float, int]:
    """Mean seconds per page of 200 products over whole passes over the
    catalog, at least LOADER_PAGES pages in all, and the catalog's pages.
    ``as_worker``: as a build runs the loader in a worker, its start-up heap
    frozen and the build's collector thresholds on; otherwise with the
    collector as this process has it."""
    options = load_options(marketplace, effective_kinds(marketplace, production.KINDS))
    read = pages = 0
    elapsed = 0.0
    with contextlib.ExitStack() as stack:
        if as_worker:
            heap.freeze_heap()
            stack.callback(gc.unfreeze)
            stack.enter_context(heap.build_collection())
        while read < LOADER_PAGES:
            started = time.perf_counter()
            pages = sum(1 for _ in loader.iter_pages(options, batch_size=200))
            elapsed += time.perf_counter() - started
            read += pages
            if not pages:
                break
    return elapsed / max(read, 1), pages


def explain(captured: list[tuple[str, object]], title: str) -> None:
    with connection.cursor() as cursor:
        for sql, params in captured:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            print(f"\n--- {title}: {' '.join(sql.split()[:12])}\n{plan}")


def explain_loader(marketplace) -> None:
    """EXPLAIN ANALYZE of a page in the middle of the catalog, printed."""
    from saleor.product.models import Product

    options = load_options(marketplace, effective_kinds(marketplace, production.KINDS))
    ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    middle = ids[len(ids) // 2 : len(ids) // 2 + 200]
    captured: list[tuple[str, object]] = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        list(loader.iter_pages(options, product_ids=middle, batch_size=200))
    explain(captured, "loader")


def explain_fingerprints(marketplace) -> None:
    """EXPLAIN ANALYZE of a fingerprint chunk in the middle of the catalog,
    for each statement an automatic submission reads its changes with
    (``changed_products``: one, every kind's prints at once), printed."""
    by_statement: dict[str, list] = {}

    def capture(execute, sql, params, many, context):
        if "md5" in sql:
            by_statement.setdefault(sql, []).append(params)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        changed_products(marketplace, production.KINDS)
    explain(
        [(sql, chunks[len(chunks) // 2]) for sql, chunks in by_statement.items()],
        "fingerprints",
    )


def profile_noop(marketplace) -> None:
    """BENCH_PROFILE=noop: where a no-op automatic run spends its time."""
    production.print_profile(
        production.production_build, marketplace, skip_unchanged=True, settle=True
    )


def profile_fingerprints(marketplace) -> None:
    """BENCH_PROFILE=fingerprints: the time of the statements an automatic
    submission reads its changes with, over the whole catalog (no limit;
    best of two) and the plans of a middle chunk."""
    runs = []
    for _ in range(2):
        started = time.perf_counter()
        changes = changed_products(marketplace, production.KINDS)
        runs.append(time.perf_counter() - started)
    found = {str(kind): len(ids or ()) for kind, ids in changes.items()}
    print(f"\nfingerprints: {min(runs):.3f} s (runs {runs}), changed {found}")
    explain_fingerprints(marketplace)


def profile_loader(marketplace) -> None:
    """BENCH_PROFILE=loader: the loader's page time and the plans of a page,
    without the builds (minutes at 100k variants, not an hour)."""
    for _ in range(2):  # the first pass reads cold pages
        page_s, pages = loader_pages(marketplace)
    untuned_s, _ = loader_pages(marketplace, as_worker=False)
    print(
        f"\nloader: {page_s * 1000:.1f} ms a page as a worker runs it, "
        f"{untuned_s * 1000:.1f} ms with the collector untouched, {pages} pages"
    )
    explain_loader(marketplace)


def test_incremental_builds(
    bench_marketplace, sample_apparel, category, channel_USD, warehouses
):
    marketplace = bench_marketplace
    production.prepare_marketplace(
        marketplace, language_tag(marketplace.marketplace_id)
    )
    generator = ShirtCatalog(
        sample_apparel,
        category,
        channel_USD,
        warehouses,
        slug_prefix="incremental-shirt",
        described=True,
    )
    # Warm-up (imports, caches, the compiled schema): not recorded.
    generator.grow_to(200)
    production.listed_earlier(marketplace)
    production.production_build(marketplace, settle=True)
    for size in SIZES:
        generator.grow_to(size)
        # Amazon has every listing: offers pass the gate and get their prints.
        production.listed_earlier(marketplace)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        if os.environ.get("BENCH_PROFILE") == "loader":
            profile_loader(marketplace)
            continue
        if os.environ.get("BENCH_PROFILE") == "fingerprints":
            profile_fingerprints(marketplace)
            continue
        full_s, full, full_runs = best_of_two(marketplace, skip_unchanged=False)
        if os.environ.get("BENCH_PROFILE") == "noop":
            profile_noop(marketplace)
            if os.environ.get("BENCH_EXPLAIN"):
                explain_fingerprints(marketplace)
            continue
        noop_s, noop, noop_runs = best_of_two(marketplace, skip_unchanged=True)
        changed = 0

        def change() -> None:
            nonlocal changed
            changed = change_prices(0.01)

        one_s, one, one_runs = best_of_two(
            marketplace, skip_unchanged=True, before=change
        )
        page_s, pages = loader_pages(marketplace)
        untuned_s, _ = loader_pages(marketplace, as_worker=False)
        tracemalloc.start()
        try:
            change_prices(0.01)
            production.production_build(marketplace, skip_unchanged=True, settle=True)
            _, incremental_peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        if os.environ.get("BENCH_EXPLAIN"):
            explain_loader(marketplace)
            explain_fingerprints(marketplace)
        figures = {
            "incremental_baseline_s": full_s,
            "incremental_full_runs": full_runs,
            "full_messages": full["messages"],
            "noop_s": noop_s,
            "noop_runs": noop_runs,
            "noop_products_built": noop["products_built"],
            "noop_messages": noop["messages"],
            "incremental_1pct_s": one_s,
            "incremental_1pct_runs": one_runs,
            "incremental_1pct_products": changed,
            "incremental_1pct_products_built": one["products_built"],
            "incremental_1pct_messages": one["messages"],
            "incremental_peak_mib": incremental_peak / 2**20,
            "loader_page_ms": page_s * 1000,
            "loader_page_untuned_ms": untuned_s * 1000,
            "loader_pages": pages,
        }
        report.record_size("feed_build", generator.variants, **figures)
        print(f"\n{generator.variants} variants: {figures}")
