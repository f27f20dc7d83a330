"""Incremental feed builds and the loader's page time (issue 14, part B).

Run by `make bench` with bench_figures.py. Per catalog size (``BENCH_SIZES``):

* ``full_s``: the baseline, a full LISTINGS+INVENTORY+PRICES build written
  into feed documents exactly as ``bench_figures.feed_build`` does;
* ``noop_s``: the same build through the fingerprints (``catalog.
  fingerprints``) when nothing changed since the last one was sent;
* ``incremental_1pct_s``: the same when 1% of the products changed price;
* ``loader_page_ms``: the loader's mean time per page of 200 products over
  the whole catalog, the figure that must stay flat as the catalog grows.

Each figure is printed as a ratio against ``full_s`` of the same run.
"""

import os
import time
import tracemalloc

import pytest
from django.db import connection

from bench import report
from saleor_amazon_feeds.catalog import loader
from saleor_amazon_feeds.catalog.builder import (
    effective_kinds,
    iter_batches,
    load_options,
)
from saleor_amazon_feeds.catalog.fingerprints import Fingerprints
from saleor_amazon_feeds.catalog.types import FeedKind
from saleor_amazon_feeds.listings.feed_writer import iter_feed_documents
from sample_shop.apparel import ShirtCatalog

pytestmark = pytest.mark.django_db

SIZES = sorted(
    int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",") if s
)
KINDS = [FeedKind.LISTINGS, FeedKind.INVENTORY, FeedKind.PRICES]


def build(marketplace, fingerprints=None) -> dict:
    """Messages built and written into feed documents, as a submission does."""
    built = 0

    def messages():
        nonlocal built
        for batch in iter_batches(
            marketplace, KINDS, batch_size=200, fingerprints=fingerprints
        ):
            built += len(batch.product_ids)
            for item in batch.messages:
                yield item.message

    documents = count = 0
    for document in iter_feed_documents(
        messages(), seller_id=marketplace.account.seller_id
    ):
        documents += 1
        count += document.message_count
    if fingerprints is not None:
        # The submission promotes once its feeds went out.
        fingerprints.promote()
    return {"products": built, "messages": count, "documents": documents}


def timed(fn, *args):
    started = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - started, result


def change_prices(fraction: float) -> int:
    """A new price for every variant of ``fraction`` of the products."""
    from saleor.product.models import Product, ProductVariantChannelListing

    step = round(1 / fraction)
    ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))[::step]
    ProductVariantChannelListing.objects.filter(variant__product_id__in=ids).update(
        price_amount=19 + (time.time_ns() % 97) / 100
    )
    return len(ids)


def loader_pages(marketplace) -> tuple[float, int]:
    options = load_options(marketplace, effective_kinds(marketplace, KINDS))
    pages = 0
    started = time.perf_counter()
    for _ in loader.iter_pages(options, batch_size=200):
        pages += 1
    return (time.perf_counter() - started) / max(pages, 1), pages


def explain_loader(marketplace) -> None:
    """EXPLAIN ANALYZE of a page in the middle of the catalog, printed."""
    from saleor.product.models import Product

    options = load_options(marketplace, effective_kinds(marketplace, KINDS))
    ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    middle = ids[len(ids) // 2 : len(ids) // 2 + 200]
    captured: list[tuple[str, list]] = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        list(loader.iter_pages(options, product_ids=middle, batch_size=200))
    with connection.cursor() as cursor:
        for sql, params in captured:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            print(f"\n--- {sql.split()[0:12]}\n{plan}")


def explain_fingerprints(marketplace) -> None:
    """EXPLAIN ANALYZE of the first fingerprint query, printed."""
    fingerprints = Fingerprints(marketplace, skip_unchanged=True)
    captured: list[tuple[str, dict]] = []

    def capture(execute, sql, params, many, context):
        if "md5" in sql:
            captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        for _ in iter_batches(marketplace, KINDS, fingerprints=fingerprints):
            pass
    with connection.cursor() as cursor:
        sql, params = captured[0]
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        print("\n--- fingerprints\n" + "\n".join(r[0] for r in cursor.fetchall()))


def test_incremental_builds(
    bench_marketplace, sample_apparel, category, channel_USD, warehouses
):
    marketplace = bench_marketplace
    generator = ShirtCatalog(
        sample_apparel,
        category,
        channel_USD,
        warehouses,
        slug_prefix="incremental-shirt",
        described=True,
    )
    generator.grow_to(200)
    build(marketplace)  # warm-up, not recorded
    for size in SIZES:
        generator.grow_to(size)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        full_s, full = timed(build, marketplace)
        # The prints of what was just sent (a manual full submission does this).
        prints_s, _ = timed(
            build, marketplace, Fingerprints(marketplace, skip_unchanged=False)
        )
        noop_s, noop = timed(
            build, marketplace, Fingerprints(marketplace, skip_unchanged=True)
        )
        changed = change_prices(0.01)
        one_s, one = timed(
            build, marketplace, Fingerprints(marketplace, skip_unchanged=True)
        )
        page_s, pages = loader_pages(marketplace)
        tracemalloc.start()
        try:
            change_prices(0.01)
            build(marketplace, Fingerprints(marketplace, skip_unchanged=True))
            _, incremental_peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        if os.environ.get("BENCH_EXPLAIN"):
            explain_loader(marketplace)
            explain_fingerprints(marketplace)
        figures = {
            "incremental_baseline_s": full_s,
            "full_messages": full["messages"],
            "full_with_prints_s": prints_s,
            "noop_s": noop_s,
            "noop_products_built": noop["products"],
            "incremental_1pct_s": one_s,
            "incremental_1pct_products": changed,
            "incremental_1pct_products_built": one["products"],
            "incremental_1pct_messages": one["messages"],
            "incremental_peak_mib": incremental_peak / 2**20,
            "loader_page_ms": page_s * 1000,
            "loader_pages": pages,
        }
        report.record_size("feed_build", generator.variants, **figures)
        print(f"\n{generator.variants} variants: {figures}")
