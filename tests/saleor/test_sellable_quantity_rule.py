"""The sellable quantity has one rule, ``listings.messages.sellable_quantity``;
the SQL of ``sync.quantities`` restates it for the drain, the urgent check and
reconciliation, per row and in set form (full reconciliation passes).
Generated cases prove the three agree on every edge: variants that do not
track inventory, the buffer, the maximum, allocations over and under the
stock (several rows per stock), several warehouses (one outside the
marketplace), variants without any stock row.

The Python side reads the rows the way the feed builder does (the catalog
loader), so the case covers what each side reads as well as what it computes.
"""

from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from saleor.product.models import ProductVariant
from saleor.warehouse.models import Stock, Warehouse

from saleor_amazon_feeds.catalog.loader import LoadOptions, iter_pages
from saleor_amazon_feeds.listings.messages import sellable_quantity
from saleor_amazon_feeds.sync.quantities import (
    PARAM_VARIANTS,
    hash_plans,
    sellable_quantity_set_sql,
    sellable_quantity_sql,
)
from sample_shop.catalog import allocate

VARIANTS = 6
# Two warehouses serve the marketplace, the third does not.
WAREHOUSES = 3


@dataclass(frozen=True)
class StockCase:
    warehouse: int
    quantity: int
    allocations: tuple[int, ...]


@dataclass(frozen=True)
class VariantCase:
    track_inventory: bool
    stocks: tuple[StockCase, ...]


stock_cases = st.builds(
    StockCase,
    warehouse=st.integers(0, WAREHOUSES - 1),
    quantity=st.integers(0, 12),
    # Allocations may exceed the stock: Saleor oversells on some paths, and an
    # over-allocated warehouse must not eat into another's stock.
    allocations=st.lists(st.integers(1, 8), max_size=3).map(tuple),
)
variant_cases = st.builds(
    VariantCase,
    track_inventory=st.booleans(),
    stocks=st.lists(
        stock_cases, max_size=WAREHOUSES, unique_by=lambda s: s.warehouse
    ).map(tuple),
)
settings_cases = st.fixed_dictionaries(
    {
        "stock_buffer": st.integers(0, 6),
        "max_quantity": st.none() | st.integers(0, 15),
        "untracked_quantity": st.integers(0, 20),
    }
)


@pytest.fixture
def world(catalog_factory, make_marketplace, channel_USD, warehouses, address):
    (product,) = catalog_factory(1, variants=VARIANTS)
    outside = Warehouse.objects.create(
        address=address.get_copy(),
        name="Warehouse outside",
        slug="warehouse-outside",
        email="outside@example.com",
    )
    marketplace = make_marketplace(channel_USD, warehouses[:2])
    variants = list(product.variants.order_by("pk"))
    return product, marketplace, [*warehouses[:2], outside], variants


def _write(case_variants, variants, warehouses, channel) -> None:
    Stock.objects.filter(product_variant__in=variants).delete()
    for variant, case in zip(variants, case_variants, strict=True):
        ProductVariant.objects.filter(pk=variant.pk).update(
            track_inventory=case.track_inventory
        )
        for stock_case in case.stocks:
            stock = Stock.objects.create(
                product_variant=variant,
                warehouse=warehouses[stock_case.warehouse],
                quantity=stock_case.quantity,
            )
            for quantity in stock_case.allocations:
                allocate([stock], quantity, channel=channel)


def _python_rule(product, marketplace) -> dict[int, int]:
    options = LoadOptions(
        channel_id=marketplace.channel_id,
        warehouse_ids=list(marketplace.warehouses.values_list("pk", flat=True)),
        content=False,
    )
    return {
        variant.id: sellable_quantity(
            variant.stocks,
            buffer=marketplace.stock_buffer,
            maximum=marketplace.max_quantity,
            track_inventory=variant.track_inventory,
            untracked_quantity=marketplace.untracked_quantity,
        )
        for page in iter_pages(options, product_ids=[product.pk])
        for row in page.products
        for variant in row.variants
    }


def _sql_rule(marketplace, variant_ids) -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            sellable_quantity_sql(),
            {"marketplace": marketplace.pk, "variants": list(variant_ids)},
        )
        return dict(cursor.fetchall())


def _sql_set_rule(marketplace, variant_ids) -> dict[int, int]:
    with hash_plans(), connection.cursor() as cursor:
        cursor.execute(
            sellable_quantity_set_sql(PARAM_VARIANTS),
            {"marketplace": marketplace.pk, "variants": list(variant_ids)},
        )
        return dict(cursor.fetchall())


class _Rollback(Exception):
    pass


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    cases=st.lists(variant_cases, min_size=VARIANTS, max_size=VARIANTS),
    marketplace_settings=settings_cases,
)
def test_sql_and_python_agree_on_generated_cases(
    world, channel_USD, cases, marketplace_settings
):
    product, marketplace, warehouses, variants = world
    try:
        # Each case in a savepoint of its own: the next starts from the fixture.
        with transaction.atomic():
            for field, value in marketplace_settings.items():
                setattr(marketplace, field, value)
            marketplace.save()
            _write(cases, variants, warehouses, channel_USD)

            python = _python_rule(product, marketplace)
            sql = _sql_rule(marketplace, [v.pk for v in variants])
            assert set(python) == {v.pk for v in variants}
            assert sql == python, (cases, marketplace_settings)
            sql_set = _sql_set_rule(marketplace, [v.pk for v in variants])
            assert sql_set == python, (cases, marketplace_settings)
            raise _Rollback
    except _Rollback:
        pass


def test_agreement_covers_the_edges(world, channel_USD):
    """The hand-picked edges, with their expected numbers: the generated test
    proves agreement, this one that the shared answer is the rule's."""
    product, marketplace, warehouses, variants = world
    marketplace.stock_buffer = 2
    marketplace.max_quantity = 9
    marketplace.untracked_quantity = 30
    marketplace.save()
    inside, inside_2, outside = (0, 1, 2)
    cases = [
        # Over-allocated first warehouse: counts 0, not -3.
        VariantCase(True, (StockCase(inside, 2, (4, 1)), StockCase(inside_2, 6, ()))),
        # Stock outside the marketplace does not count; buffer takes 2.
        VariantCase(True, (StockCase(outside, 50, ()), StockCase(inside, 5, (1,)))),
        # Untracked: the marketplace's quantity capped by the maximum.
        VariantCase(False, (StockCase(inside, 0, (3,)),)),
        # No stock row at all.
        VariantCase(True, ()),
        # Capped by the maximum.
        VariantCase(True, (StockCase(inside, 12, ()), StockCase(inside_2, 12, (2,)))),
        # The buffer eats all of it.
        VariantCase(True, (StockCase(inside_2, 2, ()),)),
    ]
    _write(cases, variants, warehouses, channel_USD)

    expected = dict(zip([v.pk for v in variants], [4, 2, 9, 0, 9, 0], strict=True))
    assert _python_rule(product, marketplace) == expected
    assert _sql_rule(marketplace, expected) == expected
    assert _sql_set_rule(marketplace, expected) == expected
