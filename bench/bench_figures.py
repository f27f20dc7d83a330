"""The figures of BRIEF section 6, each against a baseline measured in this run.

Run by `make bench` (bench/run.sh), never by `make test`: the file name does not
match pytest's test pattern and the project's testpaths are tests/ only. It uses
the project's own fixtures (tests/fixtures) and Saleor's, in one database
transaction per figure that is rolled back at the end.

Sizes: ``BENCH_SIZES`` (comma-separated variant counts, default in bench/run.sh).
"""

import os
import statistics
import time
import tracemalloc
from collections.abc import Callable

import pytest
from django.db import connection

from bench import report
from saleor_amazon_feeds.catalog.builder import iter_batches
from saleor_amazon_feeds.catalog.types import FeedKind
from saleor_amazon_feeds.listings.feed_writer import iter_feed_documents
from saleor_amazon_feeds.models import (
    AmazonFieldMapping,
)
from sample_shop.apparel import ShirtCatalog
from tests.fixtures.catalog import set_options

pytestmark = pytest.mark.django_db

SIZES = sorted(
    int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",") if s
)
KINDS = [FeedKind.LISTINGS, FeedKind.INVENTORY, FeedKind.PRICES]


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


# -- feed build vs Saleor's CSV export ------------------------------------------


def feed_build(marketplace, counter: QueryCounter) -> dict:
    """Build every listing, inventory and price message and write the feed
    documents (split at 25,000 messages), as a submission does."""
    per_batch: list[int] = []

    def messages():
        before = counter.count
        for batch in iter_batches(marketplace, KINDS, batch_size=200):
            per_batch.append(counter.count - before)
            for built in batch.messages:
                yield built.message
            before = counter.count

    documents = messages_count = size = 0
    for document in iter_feed_documents(
        messages(), seller_id=marketplace.account.seller_id
    ):
        documents += 1
        messages_count += document.message_count
        size += len(document.content)
    return {
        "messages": messages_count,
        "documents": documents,
        "bytes": size,
        "per_batch": per_batch,
    }


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


@pytest.fixture
def bench_marketplace(make_marketplace, channel_USD, warehouses, category):
    marketplace = make_marketplace(channel_USD, warehouses[:2], handling_time=2)
    set_options(category, productType="SHIRT")
    for attribute, sources in {
        "item_name": ["product.name"],
        "product_description": ["product.description"],
        "bullet_point": ["product.description_bullets"],
        "brand": ["attribute:maker"],
        "color": ["attribute:colour"],
        "size": ["attribute:garment-size"],
        "externally_assigned_product_identifier": ["gtin:ean"],
        "main_product_image_locator": ["product.media"],
        "item_weight": ["variant.weight", "product.weight"],
    }.items():
        AmazonFieldMapping.objects.create(
            marketplace=marketplace, amazon_attribute=attribute, sources=sources
        )
    return marketplace


def test_feed_build_and_reconciliation(
    bench_marketplace, sample_apparel, category, channel_USD, warehouses
):
    from saleor.attribute.models import Attribute

    # The tests' shirts (sample_shop.apparel), with descriptions, grown in
    # steps: every size of the run is the same catalog, larger.
    generator = ShirtCatalog(
        sample_apparel,
        category,
        channel_USD,
        warehouses,
        slug_prefix="bench-shirt",
        described=True,
    )
    # The same fields on both sides: name, description, category, product type,
    # weights, SKU, media, every attribute, stock per warehouse, channel prices.
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
    counter = QueryCounter()
    # Warm-up (imports, caches): a small catalog, each side once, not recorded.
    generator.grow_to(200)
    analyze()
    csv_export(export_info)
    feed_build(bench_marketplace, counter)

    sizes = []
    for size in SIZES:
        grown, _ = timed(generator.grow_to, size)
        analyze()
        with connection.execute_wrapper(counter):
            counter.count = 0
            csv_s, csv_bytes = timed(csv_export, export_info)
            csv_queries = counter.count
            counter.count = 0
            feed_s, built = timed(feed_build, bench_marketplace, counter)
        # Memory in a separate pass: tracemalloc slows Python down.
        tracemalloc.start()
        try:
            feed_build(bench_marketplace, QueryCounter())
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        per_batch = built["per_batch"]
        sizes.append(
            {
                "variants": generator.variants,
                "catalog_seconds": round(grown, 2),
                "csv_s": csv_s,
                "csv_bytes": csv_bytes,
                "csv_queries": csv_queries,
                "feed_s": feed_s,
                "ratio": csv_s / feed_s,
                "messages": built["messages"],
                "documents": built["documents"],
                "feed_bytes": built["bytes"],
                "batches": len(per_batch),
                "queries_first_batch": per_batch[0] if per_batch else 0,
                "queries_per_batch_max": max(per_batch[1:] or per_batch or [0]),
                "queries_per_batch_mean": statistics.mean(per_batch[1:] or [0]),
                "feed_peak_mib": peak / 2**20,
            }
        )
        print(f"\n{sizes[-1]}")
    record = {
        "sizes": sizes,
        "baseline": "saleor.csv.utils.export.export_products_in_batches over the "
        "same catalog and fields (ratio = CSV seconds / feed build seconds)",
    }
    if len(sizes) > 1:
        record["memory_ratio_largest_to_smallest"] = (
            sizes[-1]["feed_peak_mib"] / sizes[0]["feed_peak_mib"]
        )
    report.record("feed_vs_csv", **record)
