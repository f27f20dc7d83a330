"""The catalog feed builder against real Saleor data."""

import json
from decimal import Decimal

import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from saleor.product.models import ProductChannelListing, ProductVariantChannelListing
from saleor.warehouse.models import Stock

from saleor_amazon_feeds import spapi_spec
from saleor_amazon_feeds.catalog.build import parent_sku
from saleor_amazon_feeds.catalog.builder import iter_batches
from saleor_amazon_feeds.catalog.types import FeedKind
from saleor_amazon_feeds.listings.feed_writer import iter_feed_documents
from saleor_amazon_feeds.listings.schema_validation import ProductTypeSchema
from saleor_amazon_feeds.models import AmazonFieldMapping, AmazonListingLookup
from saleor_amazon_feeds.models.accounts import SyncScope
from tests.fixtures.catalog import (
    DE,
    PL,
    US,
    accept_listings,
    set_options,
    write_options_raw,
)

ALL = [FeedKind.LISTINGS, FeedKind.INVENTORY, FeedKind.PRICES]


def build(marketplace, kinds=ALL, **kwargs):
    messages, skipped = [], []
    for batch in iter_batches(marketplace, kinds, **kwargs):
        messages += batch.messages
        skipped += batch.skipped
    return messages, skipped


def by_kind(messages, kind):
    return {m.message.sku: m for m in messages if m.feed_kind == kind}


def assert_valid_feed(messages, seller_id="A1SELLERCATALOG"):
    # Amazon's feed schema: tests calling this are marked `spapi`.
    schema = spapi_spec.load_json("schemas/listings-feed-schema-v2.json")
    documents = list(
        iter_feed_documents([m.message for m in messages], seller_id=seller_id)
    )
    assert documents
    for document in documents:
        jsonschema.validate(json.loads(document.content), schema)


def reasons(skipped, severity=None):
    return [s.reason for s in skipped if severity is None or s.severity == severity]


@pytest.fixture
def sample_schema():
    # The synthetic SAMPLE_PRODUCT schema: tests using it are marked `spapi_samples`.
    with open(spapi_spec.samples_dir() / "SAMPLE_PRODUCT.ptd-schema.json") as fh:
        return ProductTypeSchema(json.load(fh, parse_float=Decimal))


@pytest.fixture
def us_marketplace(make_marketplace, channel_USD, warehouse):
    return make_marketplace(channel_USD, [warehouse], handling_time=2)


# -- standalone listings, mappings and precedence -----------------------------


@pytest.mark.spapi
def test_standalone_listing_follows_mapping_precedence(
    product, us_marketplace, category
):
    # Saleor's `product` fixture: one variant "123", 10.00 USD, prior 8.00,
    # 10 units in `warehouse`, product attribute color=Red.
    set_options(
        product,
        productType={"*": "SHIRT"},
        mappings={"item_name": ["metadata:amazon_title", "product.name"]},
    )
    set_options(
        category,
        productType="LUGGAGE",
        mappings={"brand": ["literal:Category Brand"], "color": ["attribute:color"]},
    )
    for attribute, sources in {
        "item_name": ["product.seo_title"],
        "brand": ["literal:Marketplace Brand"],
        "manufacturer": ["metadata:maker", "literal:Maker Inc"],
    }.items():
        AmazonFieldMapping.objects.create(
            marketplace=us_marketplace, amazon_attribute=attribute, sources=sources
        )

    messages, skipped = build(us_marketplace)

    assert not [s for s in skipped if s.severity == "ERROR"], skipped
    listing = by_kind(messages, FeedKind.LISTINGS)["123"]
    payload = listing.message.payload
    assert payload["productType"] == "SHIRT"  # product beats category
    assert payload["requirements"] == "LISTING"
    attributes = payload["attributes"]
    tag = {"language_tag": "en_US", "marketplace_id": US}
    # Product mapping wins; its first source is empty, the second is used.
    assert attributes["item_name"] == [{"value": "Test product", **tag}]
    assert attributes["brand"] == [{"value": "Category Brand", **tag}]
    assert attributes["manufacturer"] == [{"value": "Maker Inc", **tag}]
    assert attributes["color"] == [{"value": "Red", **tag}]
    assert attributes["condition_type"] == [{"value": "new_new", "marketplace_id": US}]
    assert attributes["purchasable_offer"][0]["our_price"] == [
        {"schedule": [{"value_with_tax": Decimal("10.00")}]}
    ]
    assert attributes["fulfillment_availability"] == [
        {
            "fulfillment_channel_code": "DEFAULT",
            "quantity": 10,
            "lead_time_to_ship_max_days": 2,
        }
    ]
    assert "list_price" not in attributes  # prior 8.00 is below the price
    assert listing.summary["productType"] == "SHIRT"
    assert "item_name" in listing.summary["attributes"]
    assert listing.variant_id == product.variants.get().pk
    assert_valid_feed(messages)


def test_digest_is_stable_and_tracks_payload(product, us_marketplace):
    set_options(product, productType="SHIRT")
    accept_listings(us_marketplace, product.variants.all())
    first, _ = build(us_marketplace, [FeedKind.PRICES])
    again, _ = build(us_marketplace, [FeedKind.PRICES])
    assert [m.digest for m in first] == [m.digest for m in again]
    ProductVariantChannelListing.objects.filter(variant__product=product).update(
        price_amount=Decimal("11.50")
    )
    changed, _ = build(us_marketplace, [FeedKind.PRICES])
    assert changed[0].digest != first[0].digest
    assert changed[0].summary == {"price": "11.50", "currency": "USD"}


# -- inventory and prices ------------------------------------------------------


@pytest.mark.spapi
def test_inventory_counts_allocations_buffer_cap_and_linked_warehouses_only(
    allocations, warehouses, make_marketplace, channel_USD
):
    # `allocations`: `stock` = 15 units of SKU_A in `warehouse`, 1+2+4 allocated.
    stock = Stock.objects.get(pk=allocations[0].stock_id)
    variant = stock.product_variant
    Stock.objects.create(warehouse=warehouses[0], product_variant=variant, quantity=3)
    unlinked = Stock.objects.create(
        warehouse=warehouses[1], product_variant=variant, quantity=100
    )
    marketplace = make_marketplace(
        channel_USD, [stock.warehouse, warehouses[0]], stock_buffer=2, handling_time=3
    )
    accept_listings(marketplace, [variant])

    messages, _ = build(marketplace, [FeedKind.INVENTORY])

    inventory = by_kind(messages, FeedKind.INVENTORY)
    # (15 - 7) + 3 - buffer 2; the unlinked warehouse's 100 units do not count.
    assert inventory["SKU_A"].summary == {"quantity": 9}
    patch = inventory["SKU_A"].message.payload["patches"][0]
    assert patch["value"] == [
        {
            "fulfillment_channel_code": "DEFAULT",
            "quantity": 9,
            "lead_time_to_ship_max_days": 3,
        }
    ]
    assert unlinked.warehouse_id not in set(
        marketplace.warehouses.values_list("pk", flat=True)
    )

    marketplace.max_quantity = 5
    marketplace.save()
    messages, _ = build(marketplace, [FeedKind.INVENTORY])
    assert by_kind(messages, FeedKind.INVENTORY)["SKU_A"].summary == {"quantity": 5}
    assert_valid_feed(messages)


def test_over_allocated_warehouse_does_not_eat_other_stock(
    catalog_factory, make_marketplace, channel_USD, warehouses
):
    (product,) = catalog_factory(1, variants=1)
    variant = product.variants.get()
    # warehouses[0]: 10 units, 3 allocated -> 7; now 2 units, 3 allocated -> 0.
    Stock.objects.filter(product_variant=variant, warehouse=warehouses[0]).update(
        quantity=2
    )
    marketplace = make_marketplace(channel_USD, warehouses)
    accept_listings(marketplace, [variant])
    messages, _ = build(marketplace, [FeedKind.INVENTORY])
    assert by_kind(messages, FeedKind.INVENTORY)[variant.sku].summary == {
        "quantity": 50
    }


@pytest.mark.spapi
def test_prices_come_from_the_linked_channel(
    product, channel_USD, channel_PLN, make_marketplace, warehouse
):
    variant = product.variants.get()
    ProductChannelListing.objects.create(
        product=product,
        channel=channel_PLN,
        is_published=True,
        available_for_purchase_at="2000-01-01T00:00:00Z",
        currency="PLN",
    )
    ProductVariantChannelListing.objects.create(
        variant=variant,
        channel=channel_PLN,
        price_amount=Decimal("45.5"),
        prior_price_amount=Decimal("59.99"),
        currency="PLN",
    )
    marketplace = make_marketplace(
        channel_PLN, [warehouse], marketplace_id=PL, country="PL"
    )
    accept_listings(marketplace, [variant], product_type="LUGGAGE")

    messages, skipped = build(marketplace, [FeedKind.PRICES])

    assert not skipped
    price = by_kind(messages, FeedKind.PRICES)["123"]
    assert price.summary == {"price": "45.50", "currency": "PLN", "listPrice": "59.99"}
    offer, list_price = price.message.payload["patches"]
    assert offer["value"][0]["currency"] == "PLN"
    assert offer["value"][0]["marketplace_id"] == PL
    assert offer["value"][0]["our_price"][0]["schedule"][0][
        "value_with_tax"
    ] == Decimal("45.50")
    assert list_price["path"] == "/attributes/list_price"
    assert list_price["value"][0]["value_with_tax"] == Decimal("59.99")
    # The patch names the product type Amazon accepted the listing with.
    assert price.message.payload["productType"] == "LUGGAGE"
    assert_valid_feed(messages)

    usd = make_marketplace(channel_USD, [warehouse], marketplace_id="A2EUQ1WTGCTBG2")
    accept_listings(usd, [variant])
    messages, _ = build(usd, [FeedKind.PRICES])
    # USD listing: 10.00 with a prior price of 8.00, which is no saving.
    assert by_kind(messages, FeedKind.PRICES)["123"].summary == {
        "price": "10.00",
        "currency": "USD",
    }


def test_inventory_scope_ignores_listings(product, us_marketplace):
    set_options(product, productType="SHIRT")
    us_marketplace.sync_scope = SyncScope.INVENTORY
    us_marketplace.save()
    # Amazon has the SKU (getListingsItem found it earlier).
    AmazonListingLookup.objects.create(
        marketplace=us_marketplace, sku="123", found=True, product_type="SHIRT"
    )
    messages, _ = build(us_marketplace, [*ALL, FeedKind.DELETIONS])
    assert {m.feed_kind for m in messages} == {FeedKind.INVENTORY, FeedKind.PRICES}
    assert list(iter_batches(us_marketplace, [FeedKind.LISTINGS])) == []


# -- variations ----------------------------------------------------------------


@pytest.mark.spapi
def test_variation_family(catalog_factory, us_marketplace, category, warehouses):
    us_marketplace.warehouses.set(warehouses)
    (product,) = catalog_factory(1, variants=3)
    set_options(category, productType="SHIRT")
    AmazonFieldMapping.objects.create(
        marketplace=us_marketplace,
        amazon_attribute="size",
        sources=["attribute:garment-size"],
    )
    AmazonFieldMapping.objects.create(
        marketplace=us_marketplace,
        amazon_attribute="brand",
        sources=["attribute:maker"],
    )

    messages, skipped = build(us_marketplace)

    assert not reasons(skipped, "ERROR")
    listings = [m for m in messages if m.feed_kind == FeedKind.LISTINGS]
    parent, *children = listings
    assert parent.message.sku == parent_sku(product.slug) == f"{product.slug}-parent"
    assert parent.variant_id is None
    parent_attrs = parent.message.payload["attributes"]
    assert parent.message.payload["requirements"] == "LISTING_PRODUCT_ONLY"
    assert parent_attrs["parentage_level"][0]["value"] == "parent"
    assert parent_attrs["variation_theme"] == [{"name": "COLOR/SIZE"}]
    assert not {"purchasable_offer", "fulfillment_availability", "list_price"} & set(
        parent_attrs
    )
    assert parent_attrs["brand"][0]["value"] == "Acme"
    variants = {v.sku: v for v in product.variants.all()}
    assert sorted(c.message.sku for c in children) == sorted(variants)
    for child in children:
        attrs = child.message.payload["attributes"]
        assert child.variant_id == variants[child.message.sku].pk
        assert attrs["parentage_level"][0]["value"] == "child"
        assert (
            attrs["child_parent_sku_relationship"][0]["parent_sku"]
            == parent.message.sku
        )
        assert attrs["variation_theme"] == parent_attrs["variation_theme"]
        assert attrs["color"][0]["value"] in {"Red", "Blue", "Green"}
        assert attrs["size"][0]["value"] in {"S", "M", "L"}
        assert attrs["list_price"][0]["value_with_tax"] == Decimal("25.00")
        # 10 - 3 allocated in warehouses[0], plus 50 in warehouses[1].
        assert attrs["fulfillment_availability"][0]["quantity"] == 57
    # The parent is not buyable: no quantity or price patch for it.
    assert parent.message.sku not in by_kind(messages, FeedKind.INVENTORY)
    assert set(by_kind(messages, FeedKind.PRICES)) == set(variants)
    assert_valid_feed(messages)


@pytest.mark.spapi
@pytest.mark.spapi_samples
def test_variation_theme_follows_product_type_schema(
    catalog_factory, make_marketplace, channel_EUR, category, sample_schema
):
    (product,) = catalog_factory(
        1, variants=2, channel=channel_EUR, with_allocations=False
    )
    marketplace = make_marketplace(channel_EUR, marketplace_id=DE, country="DE")
    set_options(category, productType="SAMPLE_PRODUCT")
    for attribute, sources in {
        "size": ["attribute:garment-size"],
        "brand": ["attribute:maker"],
        "item_name": ["product.name"],
        "externally_assigned_product_identifier": ["gtin:ean"],
    }.items():
        AmazonFieldMapping.objects.create(
            marketplace=marketplace, amazon_attribute=attribute, sources=sources
        )

    messages, skipped = build(
        marketplace,
        [FeedKind.LISTINGS],
        schema_provider={"SAMPLE_PRODUCT": sample_schema}.get,
    )

    assert not reasons(skipped, "ERROR"), skipped
    parent, *children = messages
    # The schema allows SIZE/COLOR, not COLOR/SIZE: same attributes, its order.
    assert parent.message.payload["attributes"]["variation_theme"] == [
        {"name": "SIZE/COLOR"}
    ]
    assert len(children) == 2
    for child in children:
        attrs = child.message.payload["attributes"]
        assert attrs["item_name"][0]["language_tag"] == "de_DE"
        identifier = attrs["externally_assigned_product_identifier"][0]
        assert identifier["type"] in {"ean", "upc"}
        assert child.message.payload["requirements"] == "LISTING"
    assert_valid_feed(messages)


# -- offer-only, validation, trimming -----------------------------------------


@pytest.mark.spapi
def test_suggested_asin_makes_an_offer_only_listing(product, us_marketplace):
    product.store_value_in_metadata({"asin": "b07xyz1234", "ean": "4006381333931"})
    product.save()
    set_options(
        product,
        productType="SHIRT",
        mappings={
            "merchant_suggested_asin": ["metadata:asin"],
            "externally_assigned_product_identifier": ["metadata:ean"],
            "item_name": ["product.name"],
        },
    )
    messages, skipped = build(us_marketplace, [FeedKind.LISTINGS])
    (listing,) = messages
    payload = listing.message.payload
    assert payload["requirements"] == "LISTING_OFFER_ONLY"
    assert payload["attributes"]["merchant_suggested_asin"] == [
        {"value": "B07XYZ1234", "marketplace_id": US}
    ]
    assert payload["attributes"]["externally_assigned_product_identifier"] == [
        {"type": "ean", "value": "4006381333931", "marketplace_id": US}
    ]
    assert "item_name" not in payload["attributes"]  # Amazon's product data rules
    assert "purchasable_offer" in payload["attributes"]
    assert_valid_feed(messages)


def test_invalid_gtin_blocks_the_listing(product, us_marketplace):
    product.store_value_in_metadata({"ean": "4006381333932"})
    product.save()
    set_options(
        product,
        productType="SHIRT",
        mappings={"externally_assigned_product_identifier": ["metadata:ean"]},
    )
    messages, skipped = build(us_marketplace)
    assert not by_kind(messages, FeedKind.LISTINGS)
    error, *gated = [s for s in skipped if s.severity == "ERROR"]
    assert error.attribute == "externally_assigned_product_identifier"
    assert error.sku == "123"
    # No listing and none accepted before: no quantity or price either, they
    # would make an empty listing on Amazon.
    assert messages == []
    assert {(s.sku, s.reason.split(":")[0]) for s in gated} == {
        ("123", "Not listed on Amazon in marketplace " + US)
    }


@pytest.mark.spapi_samples
def test_schema_issues_name_the_attribute_and_hold_the_listing(
    product, make_marketplace, channel_USD, warehouse, sample_schema
):
    marketplace = make_marketplace(
        channel_USD, [warehouse], marketplace_id=DE, country="DE", currency="USD"
    )
    set_options(
        product, productType="SAMPLE_PRODUCT", mappings={"item_name": ["product.name"]}
    )
    messages, skipped = build(
        marketplace,
        [FeedKind.LISTINGS],
        schema_provider=lambda name: sample_schema
        if name == "SAMPLE_PRODUCT"
        else None,
    )
    assert messages == []
    attributes = {s.attribute for s in skipped if s.severity == "ERROR"}
    # No brand mapped, no GTIN, and USD where the schema only knows EUR.
    assert {"brand", "externally_assigned_product_identifier"} <= attributes
    assert all(s.sku == "123" for s in skipped)


def test_long_text_is_trimmed_with_a_warning(product, us_marketplace):
    product.name = "Ünïcode shirt " * 16  # 224 characters
    product.save()
    set_options(product, productType="SHIRT", mappings={"item_name": ["product.name"]})
    messages, skipped = build(us_marketplace, [FeedKind.LISTINGS])
    value = messages[0].message.payload["attributes"]["item_name"][0]["value"]
    assert len(value) <= 200
    assert product.name.startswith(value)
    (warning,) = [s for s in skipped if s.severity == "WARNING"]
    assert warning.attribute == "item_name"
    assert "shortened" in warning.reason


# -- what is left out, and why -------------------------------------------------


@pytest.mark.spapi
def test_skipped_products_and_variants_carry_reasons(
    catalog_factory, us_marketplace, channel_USD, category
):
    us_marketplace.warehouses.clear()
    (
        unpublished,
        no_sku,
        no_price,
        no_type,
        excluded,
        malformed,
        excluded_by_category,
        fine,
    ) = catalog_factory(8, variants=1)
    for product in (unpublished, no_sku, no_price, excluded, malformed, fine):
        set_options(product, productType="SHIRT")
    ProductChannelListing.objects.filter(product=unpublished).update(is_published=False)
    no_sku.variants.update(sku=None)
    ProductVariantChannelListing.objects.filter(variant__product=no_price).update(
        price_amount=None
    )
    set_options(excluded, productType="SHIRT", exclude=True)
    write_options_raw(
        malformed,
        '{"productType": "SHIRT", "mappings": {"brand": 7}, "exclude": "nope"}',
    )
    excluded_by_category.category = category.__class__.objects.create(
        name="Hidden", slug="hidden"
    )
    set_options(excluded_by_category.category, exclude=True)
    excluded_by_category.save()

    messages, skipped = build(us_marketplace)

    by_product = {}
    for item in skipped:
        by_product.setdefault(item.product_id, []).append(item)
    assert "is not published" in by_product[unpublished.pk][0].reason
    assert "has no SKU" in by_product[no_sku.pk][0].reason
    assert by_product[no_sku.pk][0].variant_id == no_sku.variants.get().pk
    assert "has no price in channel" in by_product[no_price.pk][0].reason
    assert by_product[no_price.pk][0].sku == no_price.variants.get().sku
    assert by_product[no_type.pk][0].reason.startswith("No Amazon product type chosen")
    assert by_product[no_type.pk][0].attribute == "productType"
    assert [s.severity for s in by_product[excluded.pk]] == ["INFO"]
    assert [s.severity for s in by_product[excluded_by_category.pk]] == ["INFO"]
    # Malformed parts are named and ignored; the rest of the options still apply.
    malformed_fields = {s.attribute for s in by_product[malformed.pk]}
    assert {"mappings.brand", "exclude"} <= malformed_fields
    assert all(s.severity == "WARNING" for s in by_product[malformed.pk])
    assert fine.pk not in by_product

    sent = {m.product_id for m in messages}
    assert sent == {malformed.pk, fine.pk}
    # No product type: no listing, so no quantity or price either (they would
    # make an empty listing on Amazon); the reason says so.
    no_listing, no_offer = by_product[no_type.pk]
    assert no_listing.reason.startswith("No Amazon product type chosen")
    assert no_offer.reason.startswith("Not listed on Amazon")
    assert no_offer.sku == no_type.variants.get().sku
    assert {m.feed_kind for m in messages if m.product_id == fine.pk} == set(ALL)
    assert_valid_feed(messages)


def test_invalid_json_options_do_not_break_other_products(
    catalog_factory, us_marketplace
):
    broken, fine = catalog_factory(2, variants=1)
    write_options_raw(broken, "{not json")
    set_options(fine, productType="SHIRT")
    messages, skipped = build(us_marketplace, [FeedKind.LISTINGS])
    assert {m.product_id for m in messages} == {fine.pk}
    broken_reasons = [s for s in skipped if s.product_id == broken.pk]
    assert broken_reasons[0].attribute == "amazon_feeds.options"
    assert "not valid JSON" in broken_reasons[0].reason
    assert broken_reasons[-1].reason.startswith("No Amazon product type chosen")


def test_product_ids_limit_the_build(catalog_factory, us_marketplace):
    products = catalog_factory(3, variants=1)
    accept_listings(us_marketplace, [p.variants.get() for p in products])
    messages, _ = build(
        us_marketplace, [FeedKind.PRICES], product_ids=[products[1].pk], batch_size=1
    )
    assert {m.product_id for m in messages} == {products[1].pk}


# -- query budget ----------------------------------------------------------------


def _queries_per_batch(marketplace, batch_size):
    counts = []
    batches = iter_batches(marketplace, ALL, batch_size=batch_size)
    while True:
        with CaptureQueriesContext(connection) as ctx:
            batch = next(batches, None)
        if batch is None:
            return counts, len(ctx)
        counts.append((len(ctx), len(batch.messages)))


def test_queries_per_batch_do_not_grow_with_the_catalog(
    catalog_factory, us_marketplace, category, warehouses, django_assert_max_num_queries
):
    us_marketplace.warehouses.set(warehouses)
    set_options(category, productType="SHIRT")
    AmazonFieldMapping.objects.create(
        marketplace=us_marketplace,
        amazon_attribute="size",
        sources=["attribute:garment-size"],
    )
    n = 4
    catalog_factory(n, variants=3)
    small, _ = _queries_per_batch(us_marketplace, n)
    catalog_factory(2 * n, variants=3)
    large, tail = _queries_per_batch(us_marketplace, n)

    assert len(small) == 1
    assert len(large) == 3
    # Every batch holds n families of 1 parent + 3 children + 3 + 3 patches.
    assert all(messages == n * 10 for _, messages in large)
    setup = small[0][0] - large[1][0]
    per_batch = large[1][0]
    assert [count for count, _ in large] == [per_batch + setup, per_batch, per_batch]
    assert per_batch <= 10
    assert tail <= 1  # the keyset probe after a full last page
    with django_assert_max_num_queries(setup + 3 * per_batch + 1):
        build(us_marketplace, batch_size=n)


def test_family_without_theme_values_sends_no_parent(
    product_with_two_variants, us_marketplace
):
    # Saleor's fixture: variants chosen by Size, but none has a Size value.
    set_options(product_with_two_variants, productType="SHIRT")
    messages, skipped = build(us_marketplace)
    assert not by_kind(messages, FeedKind.LISTINGS)
    errors = [s for s in skipped if s.severity == "ERROR" and s.attribute]
    assert {(s.sku, s.attribute) for s in errors} == {
        ("Product variant #1", "size"),
        ("Product variant #2", "size"),
    }
    assert "has no Size" in errors[0].reason
    # No listing for them: no offers either, each with the reason.
    assert messages == []
    gated = [s for s in skipped if not s.attribute]
    assert {s.sku for s in gated} == {"Product variant #1", "Product variant #2"}
    assert all(s.reason.startswith("Not listed on Amazon") for s in gated)


def test_family_needs_variant_selection_attributes(
    product_with_two_variants, us_marketplace
):
    from saleor.attribute.models import AttributeVariant

    AttributeVariant.objects.filter(
        product_type=product_with_two_variants.product_type
    ).update(variant_selection=False)
    set_options(product_with_two_variants, productType="SHIRT")
    messages, skipped = build(us_marketplace, [FeedKind.LISTINGS])
    assert messages == []
    (error,) = skipped
    assert "no variant selection attributes" in error.reason
    assert error.attribute == "variation_theme"


@pytest.mark.spapi
def test_child_without_theme_value_is_left_out_alone(
    catalog_factory, us_marketplace, category
):
    from saleor.attribute.models import AssignedVariantAttributeValue

    (product,) = catalog_factory(1, variants=3)
    set_options(category, productType="SHIRT")
    lonely = product.variants.order_by("pk").first()
    AssignedVariantAttributeValue.objects.filter(
        assignment__variant=lonely, value__attribute__slug="colour"
    ).delete()
    messages, skipped = build(us_marketplace, [FeedKind.LISTINGS])
    (error,) = [s for s in skipped if s.severity == "ERROR"]
    assert error.variant_id == lonely.pk
    assert error.attribute == "color"
    skus = [m.message.sku for m in messages]
    assert skus[0] == parent_sku(product.slug)
    assert lonely.sku not in skus
    assert len(skus) == 3
    assert_valid_feed(messages)
