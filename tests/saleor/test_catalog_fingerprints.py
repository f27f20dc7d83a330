"""Skipping unchanged products (catalog.fingerprints) against real Saleor data.

Every input kind a message is built from, changed through Saleor's models,
makes the product (or, for the marketplace's side, every product) be built
again; an unchanged catalog builds nothing.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from saleor.attribute.models import (
    AssignedProductAttributeValue,
    AssignedVariantAttributeValue,
    AttributeValue,
    AttributeVariant,
)
from saleor.product.models import (
    ProductChannelListing,
    ProductMedia,
    ProductVariant,
    ProductVariantChannelListing,
)
from saleor.warehouse.models import Allocation, Stock, Warehouse

from saleor_amazon_feeds.catalog import fingerprints as fingerprints_module
from saleor_amazon_feeds.catalog.builder import changed_products, iter_batches
from saleor_amazon_feeds.catalog.fingerprints import Fingerprints
from saleor_amazon_feeds.catalog.types import FeedKind
from saleor_amazon_feeds.models import (
    AmazonFieldMapping,
    AmazonListingState,
    AmazonProductFingerprint,
)
from saleor_amazon_feeds.models.feeds import ListingStatus
from tests.fixtures.catalog import accept_listings, set_options

pytestmark = pytest.mark.django_db

ALL = [FeedKind.LISTINGS, FeedKind.INVENTORY, FeedKind.PRICES]


def run(marketplace, kinds=ALL, *, skip=True, promote=True, **kwargs):
    """Product ids built by one incremental build, and its messages."""
    fingerprints = Fingerprints(marketplace, skip_unchanged=skip)
    built, messages = set(), []
    for batch in iter_batches(marketplace, kinds, fingerprints=fingerprints, **kwargs):
        built.update(batch.product_ids)
        messages += batch.messages
    if promote:
        fingerprints.promote()
    else:
        fingerprints.discard()
    return built, messages


@pytest.fixture
def shop(make_marketplace, channel_USD, warehouses, category, catalog_factory):
    marketplace = make_marketplace(channel_USD, warehouses[:2], handling_time=2)
    set_options(category, productType="SHIRT")
    AmazonFieldMapping.objects.create(
        marketplace=marketplace,
        amazon_attribute="item_name",
        sources=["product.name"],
    )
    products = catalog_factory(3)
    # Amazon has the listings: offers built alone pass the listing gate.
    accept_listings(marketplace, ProductVariant.objects.filter(product__in=products))
    built, messages = run(marketplace)
    assert built == {p.pk for p in products}
    assert messages
    return marketplace, products


def test_unchanged_catalog_builds_nothing(shop):
    marketplace, products = shop
    assert run(marketplace) == (set(), [])
    # Per kind, as the submission builds them: each has its own prints.
    for kind in ALL:
        built, _ = run(marketplace, [kind])
        assert built == {p.pk for p in products}
        assert run(marketplace, [kind]) == (set(), [])


def _first_variant(product):
    return product.variants.order_by("pk").first()


def change_price(product):
    ProductVariantChannelListing.objects.filter(variant=_first_variant(product)).update(
        price_amount=Decimal("21.50")
    )


def change_prior_price(product):
    ProductVariantChannelListing.objects.filter(variant=_first_variant(product)).update(
        prior_price_amount=Decimal("30.00")
    )


def change_stock(product):
    stock = Stock.objects.filter(product_variant=_first_variant(product)).first()
    stock.quantity += 1
    stock.save(update_fields=["quantity"])


def change_allocation(product):
    allocation = Allocation.objects.filter(
        stock__product_variant=_first_variant(product)
    ).first()
    allocation.quantity_allocated += 1
    allocation.save(update_fields=["quantity_allocated"])


def change_sku(product):
    variant = _first_variant(product)
    variant.sku = f"{variant.sku}-new"
    variant.save(update_fields=["sku"])


def change_product_name(product):
    product.name = "Renamed shirt"
    product.save(update_fields=["name"])


def change_description(product):
    product.description = {
        "blocks": [{"type": "paragraph", "data": {"text": "Now in linen."}}]
    }
    product.save(update_fields=["description"])


def change_product_metadata(product):
    product.store_value_in_metadata({"note": "restocked"})
    product.save(update_fields=["metadata"])


def change_variant_metadata(product):
    variant = _first_variant(product)
    variant.store_value_in_metadata({"note": "restocked"})
    variant.save(update_fields=["metadata"])


def change_variant_value_rich_text(product):
    _own_variant_value(
        product, rich_text={"blocks": [{"type": "paragraph", "data": {"text": "UV"}}]}
    )


def change_product_attribute_value(product):
    value = AttributeValue.objects.filter(
        productvalueassignment__product=product
    ).first()
    # A value of this product only, so the others stay as they were.
    value.pk = None
    value.slug = f"{value.slug}-{product.pk}"
    value.name = "Another maker"
    value.save()
    assignment = product.attributevalues.first()
    assignment.value = value
    assignment.save(update_fields=["value"])


def change_variant_attribute_value(product):
    _own_variant_value(product, name="Ultraviolet")


def _own_variant_value(product, **fields):
    """The first variant's first value replaced by a copy of its own with
    ``fields`` changed, so other products stay as they were."""
    row = AssignedVariantAttributeValue.objects.filter(
        assignment__variant=_first_variant(product)
    ).first()
    value = AttributeValue.objects.get(pk=row.value_id)
    value.pk = None
    value.slug = f"{value.slug}-{product.pk}"
    for name, new in fields.items():
        setattr(value, name, new)
    value.save()
    row.value = value
    row.save(update_fields=["value"])


def add_media(product):
    ProductMedia.objects.create(
        product=product, external_url="https://cdn.example.com/extra.jpg"
    )


def remove_media(product):
    ProductMedia.objects.filter(product=product).delete()


def change_product_options(product):
    set_options(product, productType="TSHIRT")


def unpublish(product):
    ProductChannelListing.objects.filter(product=product).update(is_published=False)


def add_variant(product):
    ProductVariant.objects.create(product=product, sku=f"extra-{product.pk}")


def change_variant_inventory_tracking(product):
    ProductVariant.objects.filter(pk=_first_variant(product).pk).update(
        track_inventory=False
    )


def change_variant_order(product):
    ProductVariant.objects.filter(pk=_first_variant(product).pk).update(sort_order=9)


def remove_variant_attribute_value(product):
    AssignedVariantAttributeValue.objects.filter(
        assignment__variant=_first_variant(product)
    ).first().delete()


def remove_product_attribute_value(product):
    AssignedProductAttributeValue.objects.filter(product=product).delete()


def remove_stock(product):
    Stock.objects.filter(product_variant=_first_variant(product)).first().delete()


def swap_stock_quantities(product):
    # The same quantities in other warehouses: the rows' sum must still differ.
    first, second = Stock.objects.filter(product_variant=_first_variant(product))
    first.quantity, second.quantity = second.quantity, first.quantity
    Stock.objects.bulk_update([first, second], ["quantity"])


@pytest.mark.parametrize(
    "change",
    [
        change_price,
        change_prior_price,
        change_stock,
        change_allocation,
        change_sku,
        change_product_name,
        change_description,
        change_product_metadata,
        change_variant_metadata,
        change_variant_value_rich_text,
        change_product_attribute_value,
        change_variant_attribute_value,
        add_media,
        remove_media,
        change_product_options,
        unpublish,
        add_variant,
        change_variant_inventory_tracking,
        change_variant_order,
        remove_variant_attribute_value,
        remove_product_attribute_value,
        remove_stock,
        swap_stock_quantities,
    ],
)
def test_a_changed_product_is_built_again(shop, change):
    marketplace, products = shop
    changed = products[1]
    change(changed)
    built, _ = run(marketplace)
    assert built == {changed.pk}
    assert run(marketplace) == (set(), [])


def test_a_changed_value_rebuilds_every_product_assigning_it(shop):
    marketplace, products = shop
    # The maker value is shared by the catalog: renaming it changes them all.
    value = AttributeValue.objects.filter(
        productvalueassignment__product=products[0]
    ).first()
    value.name = "Acme Industries"
    value.save(update_fields=["name"])
    built, _ = run(marketplace)
    assert built == {p.pk for p in products}


def _change_category(marketplace, products):
    category = products[0].category
    set_options(category, productType="TSHIRT")


def _change_mapping(marketplace, products):
    AmazonFieldMapping.objects.create(
        marketplace=marketplace, amazon_attribute="brand", sources=["attribute:maker"]
    )


def _change_buffer(marketplace, products):
    marketplace.stock_buffer = 2
    marketplace.save(update_fields=["stock_buffer"])


def _change_handling_time(marketplace, products):
    marketplace.handling_time = 5
    marketplace.save(update_fields=["handling_time"])


def _change_warehouses(marketplace, products):
    marketplace.warehouses.set(marketplace.warehouses.all()[:1])


def _change_category_name(marketplace, products):
    category = products[0].category
    category.name = "Tops"
    category.save(update_fields=["name"])


def _change_product_type_name(marketplace, products):
    product_type = products[0].product_type
    product_type.name = "Tops"
    product_type.save(update_fields=["name"])


def _change_variant_selection(marketplace, products):
    # The product type's attributes that choose a variant, shared by all.
    selection = AttributeVariant.objects.filter(
        product_type=products[0].product_type
    ).order_by("sort_order", "pk")
    first = selection.first()
    first.variant_selection = not first.variant_selection
    first.save(update_fields=["variant_selection"])


@pytest.mark.parametrize(
    "change",
    [
        _change_category,
        _change_mapping,
        _change_buffer,
        _change_handling_time,
        _change_warehouses,
        _change_category_name,
        _change_product_type_name,
        _change_variant_selection,
    ],
)
def test_a_change_for_every_product_rebuilds_them_all(shop, change):
    marketplace, products = shop
    change(marketplace, products)
    built, _ = run(marketplace)
    assert built == {p.pk for p in products}
    assert run(marketplace) == (set(), [])


def test_rebuilt_messages_carry_the_change(shop):
    marketplace, products = shop
    _change_buffer(marketplace, products)
    _, messages = run(marketplace)
    messages = [m for m in messages if m.feed_kind == FeedKind.INVENTORY]
    assert len(messages) == 6
    quantities = {
        m.message.payload["patches"][0]["value"][0]["quantity"] for m in messages
    }
    # 10 in stock, 3 allocated, buffer 2 in the first warehouse; 50 in the other.
    assert quantities == {55}


def test_a_product_becoming_available_is_built_again(shop):
    marketplace, products = shop
    later = timezone.now() + timezone.timedelta(hours=1)
    ProductChannelListing.objects.filter(product=products[0]).update(
        available_for_purchase_at=later
    )
    built, messages = run(marketplace)
    assert built == {products[0].pk}
    assert not messages
    # Left out for a reason its rows tell: not built again while they stay.
    assert run(marketplace)[0] == set()
    # The hour has passed: the same rows now make a sellable product.
    ProductChannelListing.objects.filter(product=products[0]).update(
        available_for_purchase_at=timezone.now() - timezone.timedelta(seconds=1)
    )
    assert run(marketplace)[0] == {products[0].pk}


def test_an_offer_the_gate_refused_is_built_every_time(shop):
    marketplace, products = shop
    # Amazon no longer has the listings of the first product.
    AmazonListingState.objects.filter(product_id=products[0].pk).delete()
    assert run(marketplace, [FeedKind.PRICES])[0] == {p.pk for p in products}
    assert run(marketplace, [FeedKind.PRICES])[0] == {products[0].pk}
    accept_listings(marketplace, products[0].variants.all())
    built, messages = run(marketplace, [FeedKind.PRICES])
    assert built == {products[0].pk}
    assert len(messages) == 2
    assert run(marketplace, [FeedKind.PRICES])[0] == set()


def _reject_prices(marketplace, product):
    """Amazon rejected the price of the product's first variant."""
    variant = _first_variant(product)
    AmazonListingState.objects.create(
        marketplace=marketplace,
        sku=variant.sku,
        kind=FeedKind.PRICES,
        product_id=product.pk,
        variant_id=variant.pk,
        status=ListingStatus.REJECTED,
    )


def test_a_rejected_state_makes_the_product_built_again(shop):
    marketplace, products = shop
    _reject_prices(marketplace, products[2])
    assert run(marketplace)[0] == {products[2].pk}
    assert run(marketplace, [FeedKind.LISTINGS])[0] == {p.pk for p in products}


def test_discarded_prints_are_not_taken_as_sent(shop):
    marketplace, products = shop
    change_price(products[0])
    assert run(marketplace, promote=False)[0] == {products[0].pk}
    # The failed run's build is not remembered: built again.
    assert run(marketplace)[0] == {products[0].pk}
    assert not AmazonProductFingerprint.objects.exclude(pending="").exists()


def test_full_build_builds_everything_and_records_prints(shop):
    marketplace, products = shop
    built, _ = run(marketplace, skip=False)
    assert built == {p.pk for p in products}
    assert run(marketplace) == (set(), [])


def test_product_ids_narrow_the_build(shop):
    marketplace, products = shop
    change_price(products[0])
    change_price(products[1])
    built, _ = run(marketplace, product_ids=[products[1].pk, products[2].pk])
    assert built == {products[1].pk}
    assert run(marketplace)[0] == {products[0].pk}


def test_rows_the_marketplace_does_not_read_rebuild_nothing(shop, channel_EUR):
    marketplace, products = shop
    variant = _first_variant(products[0])
    ProductChannelListing.objects.create(
        product=products[0], channel=channel_EUR, is_published=False
    )
    ProductVariantChannelListing.objects.create(
        variant=variant, channel=channel_EUR, price_amount=Decimal(9), currency="EUR"
    )
    elsewhere = Warehouse.objects.create(
        address=Warehouse.objects.first().address.get_copy(),
        name="Elsewhere",
        slug="elsewhere",
    )
    Stock.objects.create(warehouse=elsewhere, product_variant=variant, quantity=7)
    assert run(marketplace) == (set(), [])


def test_chunks_split_the_catalog_and_the_wanted_ids(shop, monkeypatch):
    marketplace, products = shop
    # Three products in chunks of two: a range, then what is left past it.
    monkeypatch.setattr(fingerprints_module, "CHUNK", 2)
    assert run(marketplace) == (set(), [])
    change_price(products[0])
    change_price(products[2])
    built, _ = run(marketplace, product_ids=[p.pk for p in products])
    assert built == {products[0].pk, products[2].pk}
    change_stock(products[1])
    change_stock(products[2])
    assert run(marketplace)[0] == {products[1].pk, products[2].pk}
    assert run(marketplace) == (set(), [])


def test_a_variant_added_later_is_read_with_its_product(shop, monkeypatch, channel_USD):
    """A chunk reads stock and prices through its variants' id range: a
    variant added after the rest of the catalog, numbered past every other
    chunk's variants, is still read with its own product."""
    marketplace, products = shop
    monkeypatch.setattr(fingerprints_module, "CHUNK", 1)
    late = ProductVariant.objects.create(product=products[0], sku="late-1")
    listing = ProductVariantChannelListing.objects.create(
        variant=late, channel=channel_USD, price_amount=Decimal("9.00"), currency="USD"
    )
    stock = Stock.objects.create(
        warehouse=marketplace.warehouses.first(), product_variant=late, quantity=3
    )
    accept_listings(marketplace, ProductVariant.objects.filter(pk=late.pk))
    assert run(marketplace)[0] == {products[0].pk}
    assert run(marketplace) == (set(), [])
    stock.quantity = 4
    stock.save(update_fields=["quantity"])
    assert run(marketplace)[0] == {products[0].pk}
    listing.price_amount = Decimal("9.50")
    listing.save(update_fields=["price_amount"])
    # Narrowed to some products, the chunks are lists of ids: the same.
    narrowed = [products[0].pk, products[2].pk]
    assert run(marketplace, product_ids=narrowed)[0] == {products[0].pk}
    assert run(marketplace) == (set(), [])


def test_prints_are_read_without_jit_and_the_setting_is_put_back(shop):
    """PostgreSQL's JIT compiled a chunk's statement for longer than it ran."""
    marketplace, _ = shop
    seen = []

    def jit_setting(execute, sql, params, many, context):
        if "md5(ROW(" in sql:
            with context["connection"].connection.cursor() as cursor:
                cursor.execute("SHOW jit")
                seen.append(cursor.fetchone()[0])
        return execute(sql, params, many, context)

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        (before,) = cursor.fetchone()
    with connection.execute_wrapper(jit_setting):
        changed_products(marketplace, ALL)
        run(marketplace)
    assert seen
    assert set(seen) == {"off"}
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == (before,)


def _kinds_alone(marketplace):
    """Each kind built alone and sent, as a submission builds them."""
    for kind in ALL:
        run(marketplace, [kind])


def test_all_kinds_read_at_once_find_what_each_kind_alone_finds(shop):
    marketplace, products = shop
    _kinds_alone(marketplace)
    # The prints read together are those each kind's own build recorded.
    assert changed_products(marketplace, ALL) == {kind: [] for kind in ALL}
    change_stock(products[0])  # listings and quantities, not prices
    change_variant_attribute_value(products[1])  # listings only
    expected = {
        FeedKind.LISTINGS: sorted([products[0].pk, products[1].pk]),
        FeedKind.INVENTORY: [products[0].pk],
        FeedKind.PRICES: [],
    }
    assert changed_products(marketplace, ALL) == expected
    for kind, ids in expected.items():
        assert run(marketplace, [kind], promote=False)[0] == set(ids), kind
    # Reading remembers nothing: the same answer again.
    assert changed_products(marketplace, ALL) == expected


def test_all_kinds_at_once_a_rejected_state_counts_for_its_kind(shop):
    marketplace, products = shop
    _kinds_alone(marketplace)
    _reject_prices(marketplace, products[2])
    assert changed_products(marketplace, ALL) == {
        FeedKind.LISTINGS: [],
        FeedKind.INVENTORY: [],
        FeedKind.PRICES: [products[2].pk],
    }


def test_all_kinds_at_once_stop_past_the_limit(shop, monkeypatch):
    marketplace, products = shop
    _kinds_alone(marketplace)
    monkeypatch.setattr(fingerprints_module, "CHUNK", 1)
    change_price(products[0])
    change_price(products[1])
    change_variant_attribute_value(products[2])
    # More than one product for every kind: too many to list; the limit
    # reached for every kind ends the reading after the second chunk.
    with CaptureQueriesContext(connection) as queries:
        assert changed_products(marketplace, ALL, limit=1) == {
            FeedKind.LISTINGS: None,
            FeedKind.INVENTORY: None,
            FeedKind.PRICES: None,
        }
    assert sum("md5(ROW(" in q["sql"] for q in queries.captured_queries) == 2
    assert changed_products(marketplace, [FeedKind.INVENTORY], limit=2) == {
        FeedKind.INVENTORY: [products[0].pk, products[1].pk]
    }
