"""Prints the figures at the end of the run and writes bench-results/; the
marketplace every feed-build figure measures."""

import pytest
from django.db import connection

from bench import report
from saleor_amazon_feeds.models import AmazonFieldMapping
from tests.fixtures.catalog import set_options


def pytest_terminal_summary(terminalreporter):
    path = report.write()
    terminalreporter.section("Figures (BRIEF section 6), ratios against this run")
    for line in report.lines() or ["no figure measured"]:
        terminalreporter.write_line(line)
    if path:
        terminalreporter.write_line(f"written: {path} and {path.with_suffix('.png')}")


@pytest.fixture(autouse=True)
def vacuumed(django_db_setup, django_db_blocker):
    """VACUUM the kept database before each figure, on a connection of its
    own. Every figure's catalog is rolled back, and the pages of its rows
    stay in the tables until vacuumed: after a few runs at 100k variants the
    variant, stock and product tables held some 100 MB of them each, which
    the next figure's sequential scans read (a 10k no-op run measured 0.82 s
    on such a database). Rows of a rolled-back transaction are removable
    whatever else is open, and the empty pages at the end are given back."""
    # A copy of Django's connection: same settings and options, autocommit.
    vacuum = connection.copy()
    try:
        with django_db_blocker.unblock(), vacuum.cursor() as cursor:
            cursor.execute("VACUUM")
    finally:
        vacuum.close()


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
