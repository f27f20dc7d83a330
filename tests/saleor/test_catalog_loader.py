"""The catalog loader's plain SQL against the ORM reading it replaced.

``orm_pages`` reads the catalog the way the loader used to, through
``values()``; every page the loader builds must equal it field for field (and
in ``repr``, so a Decimal's exponent or a datetime's tzinfo counts), on a
catalog that has each case the SQL handles separately: missing channel
listings and prices, NULL sort orders, every attribute input type, uploaded,
external and ignored media, stock in linked and other warehouses with several
allocations, a product without variants, JSON the two parsers disagree on.
"""

import datetime
import itertools
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from measurement.measures import Weight
from saleor.attribute import AttributeInputType, AttributeType
from saleor.attribute.models import (
    AssignedProductAttributeValue,
    AssignedVariantAttribute,
    AssignedVariantAttributeValue,
    Attribute,
    AttributeValue,
    AttributeVariant,
)
from saleor.core.utils import build_absolute_uri
from saleor.product import ProductMediaTypes
from saleor.product.models import (
    Product,
    ProductChannelListing,
    ProductMedia,
    ProductType,
    ProductVariant,
    ProductVariantChannelListing,
)
from saleor.warehouse.models import Allocation, Stock

from saleor_amazon_feeds.catalog import loader
from saleor_amazon_feeds.listings.messages import StockLevel
from saleor_amazon_feeds.mapping.resolution import Measure
from sample_shop.catalog import allocate

UTC = datetime.UTC
PAST = datetime.datetime(2020, 5, 17, 8, 30, 15, 123456, tzinfo=UTC)
FUTURE = datetime.datetime(2999, 1, 1, tzinfo=UTC)
RICH = {
    "time": 1,
    "blocks": [{"type": "paragraph", "data": {"text": "Soft <b>cotton</b>"}}],
    "version": "2.22.2",
}


# -- the ORM reference ----------------------------------------------------------


def orm_pages(options, *, product_ids=None, batch_size=200):
    wanted = None if product_ids is None else sorted(set(product_ids))
    last_pk = 0
    while True:
        queryset = Product.objects.filter(pk__gt=last_pk)
        if wanted is not None:
            queryset = queryset.filter(pk__in=wanted)
        rows = list(
            queryset.order_by("pk").values(
                "id",
                "name",
                "slug",
                "description",
                "seo_title",
                "seo_description",
                "product_type_id",
                "product_type__name",
                "category__name",
                "category__private_metadata",
                "weight",
                "metadata",
                "private_metadata",
            )[:batch_size]
        )
        if not rows:
            return
        last_pk = rows[-1]["id"]
        yield orm_page([orm_product(row) for row in rows], options)
        if len(rows) < batch_size:
            return


def orm_weight(value):
    if value is None:
        return None
    kilograms = Decimal(str(round(value.kg, 3)))
    return Measure(kilograms, "kg") if kilograms > 0 else None


def orm_product(row):
    return loader.ProductRow(
        id=row["id"],
        name=row["name"],
        slug=row["slug"],
        description=row["description"],
        seo_title=row["seo_title"],
        seo_description=row["seo_description"],
        product_type_id=row["product_type_id"],
        product_type_name=row["product_type__name"],
        category_name=row["category__name"],
        weight=orm_weight(row["weight"]),
        metadata=row["metadata"] or {},
        private_metadata=row["private_metadata"] or {},
        category_private_metadata=row["category__private_metadata"] or {},
    )


VALUE_FIELDS = (
    "value__attribute__slug",
    "value__attribute__input_type",
    "value__attribute__unit",
    "value__name",
    "value__plain_text",
    "value__rich_text",
    "value__numeric",
    "value__boolean",
    "value__date_time",
    "value__file_url",
)


def orm_page(products, options):
    by_id = {p.id: p for p in products}
    for product_id, *listing in ProductChannelListing.objects.filter(
        channel_id=options.channel_id, product_id__in=list(by_id)
    ).values_list(
        "product_id", "is_published", "published_at", "available_for_purchase_at"
    ):
        by_id[product_id].listing = loader.ChannelListing(*listing)
    variants = {}
    for row in (
        ProductVariant.objects.filter(product_id__in=list(by_id))
        .order_by("product_id", "sort_order", "pk")
        .values(
            "id",
            "product_id",
            "sku",
            "name",
            "external_reference",
            "weight",
            "metadata",
            "track_inventory",
        )
    ):
        variant = loader.VariantRow(
            id=row["id"],
            sku=(row["sku"] or "").strip() or None,
            name=row["name"] or "",
            external_reference=row["external_reference"],
            weight=orm_weight(row["weight"]),
            metadata=row["metadata"] or {},
            track_inventory=row["track_inventory"],
        )
        by_id[row["product_id"]].variants.append(variant)
        variants[variant.id] = variant
    for variant_id, *price in ProductVariantChannelListing.objects.filter(
        channel_id=options.channel_id, variant__product_id__in=list(by_id)
    ).values_list("variant_id", "price_amount", "prior_price_amount", "currency"):
        variant = variants[variant_id]
        variant.price, variant.prior_price, variant.currency = price
    page = loader.CatalogPage(products)
    if options.stock and options.warehouse_ids:
        allocated = (
            Allocation.objects.filter(stock_id=OuterRef("pk"))
            .order_by()
            .values("stock_id")
            .annotate(total=Sum("quantity_allocated"))
            .values("total")
        )
        for variant_id, quantity, allocated_quantity in (
            Stock.objects.filter(
                warehouse_id__in=list(options.warehouse_ids),
                product_variant__product_id__in=list(by_id),
            )
            .annotate(
                allocated=Coalesce(Subquery(allocated, output_field=IntegerField()), 0)
            )
            .values_list("product_variant_id", "quantity", "allocated")
        ):
            variants[variant_id].stocks.append(StockLevel(quantity, allocated_quantity))
    if options.content:
        for row in (
            AssignedProductAttributeValue.objects.filter(product_id__in=list(by_id))
            .order_by("product_id", "sort_order", "pk")
            .values("product_id", *VALUE_FIELDS)
        ):
            value = loader.attribute_value(row)
            if value is not None:
                attributes = by_id[row["product_id"]].attributes
                attributes.setdefault(row["value__attribute__slug"], []).append(value)
        for row in (
            AssignedVariantAttributeValue.objects.filter(
                assignment__variant__product_id__in=list(by_id)
            )
            .order_by(
                "assignment__variant_id",
                "assignment__assignment__sort_order",
                "sort_order",
                "pk",
            )
            .values("assignment__variant_id", *VALUE_FIELDS)
        ):
            value = loader.attribute_value(row)
            if value is not None:
                attributes = variants[row["assignment__variant_id"]].attributes
                attributes.setdefault(row["value__attribute__slug"], []).append(value)
        for product_id, image, external_url in (
            ProductMedia.objects.filter(
                product_id__in=list(by_id),
                type=ProductMediaTypes.IMAGE,
                to_remove=False,
            )
            .order_by("product_id", "sort_order", "pk")
            .values_list("product_id", "image", "external_url")
        ):
            if external_url:
                by_id[product_id].media.append(external_url)
            elif image:
                by_id[product_id].media.append(
                    build_absolute_uri(default_storage.url(image))
                )
        selection = defaultdict(list)
        for product_type_id, slug, name in (
            AttributeVariant.objects.filter(
                product_type_id__in={p.product_type_id for p in products},
                variant_selection=True,
            )
            .order_by("product_type_id", "sort_order", "pk")
            .values_list("product_type_id", "attribute__slug", "attribute__name")
        ):
            selection[product_type_id].append(loader.SelectionAttribute(slug, name))
        page.selection = dict(selection)
    return page


def assert_same(pages, expected):
    assert pages == expected
    assert repr(pages) == repr(expected)


# -- the catalog -----------------------------------------------------------------


@pytest.fixture
def varied_catalog(apparel_type, category, channel_USD, channel_PLN, warehouses):
    serial = itertools.count()

    def attribute(input_type, **fields):
        n = next(serial)
        return Attribute.objects.create(
            slug=f"{input_type}-{n}",
            name=f"{input_type.title()} {n}",
            type=AttributeType.PRODUCT_TYPE,
            input_type=input_type,
            **fields,
        )

    def value(attribute, name, **fields):
        return AttributeValue.objects.create(
            attribute=attribute,
            name=name,
            slug=f"{attribute.slug}-{next(serial)}",
            **fields,
        )

    dropdown = attribute(AttributeInputType.DROPDOWN)
    multiselect = attribute(AttributeInputType.MULTISELECT)
    plain = attribute(AttributeInputType.PLAIN_TEXT)
    rich = attribute(AttributeInputType.RICH_TEXT)
    numeric = attribute(AttributeInputType.NUMERIC, unit="cm")
    boolean = attribute(AttributeInputType.BOOLEAN)
    date = attribute(AttributeInputType.DATE)
    date_time = attribute(AttributeInputType.DATE_TIME)
    file = attribute(AttributeInputType.FILE)
    swatch = attribute(AttributeInputType.SWATCH)

    gadget = ProductType.objects.create(name="Gadget", slug="gadget", has_variants=True)
    # bulk_create keeps a NULL sort order (save() would number it).
    selection = AttributeVariant.objects.bulk_create(
        [
            AttributeVariant(
                attribute=a, product_type=gadget, variant_selection=s, sort_order=o
            )
            for a, s, o in (
                (numeric, True, 2),
                (boolean, False, None),
                (dropdown, True, 1),
                (rich, False, 3),
                (date_time, True, 0),
            )
        ]
    )
    values = {
        "red": value(dropdown, "Red"),
        "blank": value(dropdown, "   "),
        "a": value(multiselect, "Alpha"),
        "b": value(multiselect, " Beta "),
        "plain": value(plain, "x", plain_text=" 5901234123457 "),
        "plain_blank": value(plain, "y", plain_text=""),
        "rich": value(rich, "r", rich_text=RICH),
        "tenth": value(numeric, "0.1", numeric=0.1),
        "no_number": value(numeric, "none"),
        "no": value(boolean, "No", boolean=False),
        "yes": value(boolean, "Yes", boolean=True),
        "day": value(date, "d", date_time=PAST),
        "moment": value(date_time, "m", date_time=PAST),
        "file": value(file, "f", file_url="https://files.example.com/spec.pdf"),
        "swatch": value(swatch, "Sky"),
    }

    products = Product.objects.bulk_create(
        [
            Product(
                name="Full",
                slug="full",
                product_type=gadget,
                category=category,
                description=RICH,
                seo_title="Full SEO",
                seo_description="Full description",
                weight=Weight(g=1234.5678),
                metadata={"colour": "red"},
                # Past 64 bits: json keeps it an int, orjson would not.
                private_metadata={"big": 123456789012345678901234567890},
            ),
            Product(
                name="Bare",
                slug="bare",
                product_type=gadget,
                category=None,
                weight=Weight(g=0),
            ),
            Product(
                name="Pending",
                slug="pending",
                product_type=apparel_type,
                category=category,
                weight=Weight(g=0.4),
                metadata={"n": 1.5, "nested": {"list": [1, "two", None, True]}},
            ),
            Product(name="Empty", slug="empty", product_type=gadget),
        ]
    )
    full, bare, pending, empty = products
    ProductChannelListing.objects.bulk_create(
        [
            ProductChannelListing(
                product=full,
                channel=channel_USD,
                is_published=True,
                published_at=PAST,
                available_for_purchase_at=PAST,
                currency="USD",
            ),
            ProductChannelListing(
                product=bare, channel=channel_PLN, is_published=True, currency="PLN"
            ),
            ProductChannelListing(
                product=pending,
                channel=channel_USD,
                is_published=False,
                published_at=FUTURE,
                currency="USD",
            ),
            ProductChannelListing(
                product=empty, channel=channel_USD, is_published=True, currency="USD"
            ),
        ]
    )
    ProductMedia.objects.bulk_create(
        [
            ProductMedia(product=full, sort_order=None, image="products/last.jpg"),
            ProductMedia(product=full, sort_order=2, external_url="https://x/2.jpg"),
            ProductMedia(product=full, sort_order=1, image="products/first.png"),
            ProductMedia(
                product=full,
                sort_order=0,
                type=ProductMediaTypes.VIDEO,
                external_url="https://video.example.com/v",
            ),
            ProductMedia(product=full, sort_order=0, image="gone.jpg", to_remove=True),
            ProductMedia(product=bare, image=""),
            ProductMedia(product=pending, external_url="https://x/pending.jpg"),
        ]
    )
    AssignedProductAttributeValue.objects.bulk_create(
        [
            AssignedProductAttributeValue(product=full, value=values[v], sort_order=o)
            for v, o in (
                ("b", 2),
                ("a", 1),
                ("plain", None),
                ("rich", 0),
                ("blank", 3),
                ("swatch", 4),
                ("file", 5),
            )
        ]
        + [
            AssignedProductAttributeValue(product=bare, value=values["plain_blank"]),
            AssignedProductAttributeValue(product=pending, value=values["red"]),
        ]
    )
    variants = ProductVariant.objects.bulk_create(
        [
            ProductVariant(
                product=full,
                sku=" full-b ",
                name="B",
                sort_order=2,
                weight=Weight(g=250),
                metadata={"gtin": "5901234123457"},
                external_reference="ext-b",
            ),
            ProductVariant(product=full, sku="full-a", name="A", sort_order=1),
            ProductVariant(product=full, sku="full-null", name="", sort_order=None),
            ProductVariant(product=bare, sku="   ", name="Blank SKU"),
            ProductVariant(product=bare, sku=None, track_inventory=False),
            ProductVariant(product=pending, sku="pending-1", weight=Weight(g=0.2)),
        ]
    )
    full_b, full_a, full_null, bare_blank, bare_none, pending_1 = variants
    ProductVariantChannelListing.objects.bulk_create(
        [
            ProductVariantChannelListing(
                variant=full_b,
                channel=channel_USD,
                price_amount=Decimal("19.9"),
                prior_price_amount=Decimal("25"),
                currency="USD",
            ),
            ProductVariantChannelListing(
                variant=full_a,
                channel=channel_USD,
                price_amount=Decimal("7.125"),
                currency="USD",
            ),
            ProductVariantChannelListing(
                variant=full_a,
                channel=channel_PLN,
                price_amount=Decimal("30"),
                currency="PLN",
            ),
            ProductVariantChannelListing(
                variant=bare_blank,
                channel=channel_PLN,
                price_amount=Decimal("1"),
                currency="PLN",
            ),
        ]
    )
    assignments = {
        (variant.pk, attribute_variant.pk): AssignedVariantAttribute.objects.create(
            variant=variant, assignment=attribute_variant
        )
        for variant in (full_b, full_a, full_null, bare_blank)
        for attribute_variant in selection
    }

    def assign(variant, attribute_variant, *names):
        assignment = assignments[variant.pk, attribute_variant.pk]
        AssignedVariantAttributeValue.objects.bulk_create(
            [
                AssignedVariantAttributeValue(
                    assignment=assignment,
                    variant=variant,
                    value=values[name],
                    sort_order=order,
                )
                for name, order in zip(names, (1, None, 0), strict=False)
            ]
        )

    numeric_av, boolean_av, dropdown_av, rich_av, moment_av = selection
    assign(full_b, numeric_av, "tenth")
    assign(full_b, boolean_av, "no")
    assign(full_b, dropdown_av, "red", "blank")
    assign(full_b, rich_av, "rich")
    assign(full_b, moment_av, "moment")
    assign(full_a, numeric_av, "no_number")
    assign(full_a, boolean_av, "yes")
    assign(full_a, moment_av, "day")
    assign(full_null, dropdown_av, "red")
    assign(bare_blank, dropdown_av, "red")

    linked, other = warehouses
    stocks = Stock.objects.bulk_create(
        [
            Stock(warehouse=linked, product_variant=full_b, quantity=10),
            Stock(warehouse=other, product_variant=full_b, quantity=7),
            Stock(warehouse=linked, product_variant=full_a, quantity=2),
            Stock(warehouse=other, product_variant=bare_blank, quantity=4),
            Stock(warehouse=linked, product_variant=pending_1, quantity=0),
        ]
    )
    allocate(stocks[:3], 1)
    allocate(stocks[:1], 4)
    return {
        "products": products,
        "attributes": {
            a.input_type: a.slug
            for a in (dropdown, multiselect, plain, rich, numeric, boolean, file)
        },
        "channel": channel_USD,
        "warehouses": [linked.pk],
        "all_warehouses": [linked.pk, other.pk],
    }


# -- tests ------------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [1, 2, 3, 200])
@pytest.mark.parametrize(
    ("content", "stock"), [(True, True), (True, False), (False, True)]
)
def test_pages_equal_the_orm_reading(varied_catalog, batch_size, content, stock):
    options = loader.LoadOptions(
        channel_id=varied_catalog["channel"].pk,
        warehouse_ids=varied_catalog["all_warehouses"],
        content=content,
        stock=stock,
    )

    pages = list(loader.iter_pages(options, batch_size=batch_size))

    assert len(pages) == -(-4 // batch_size)
    assert_same(pages, list(orm_pages(options, batch_size=batch_size)))


def test_the_reference_covers_each_case(varied_catalog):
    """Guards the comparison above against a catalog that lost its cases."""
    slug = varied_catalog["attributes"]
    options = loader.LoadOptions(
        channel_id=varied_catalog["channel"].pk,
        warehouse_ids=varied_catalog["warehouses"],
    )
    page = next(loader.iter_pages(options))
    full, bare, pending, empty = page.products

    assert full.private_metadata == {"big": 123456789012345678901234567890}
    assert full.weight == Measure(Decimal("1.235"), "kg")
    assert full.listing.published_at == PAST
    assert full.listing.published_at.tzinfo is UTC
    assert [v.sku for v in full.variants] == ["full-a", "full-b", "full-null"]
    full_a, full_b, _ = full.variants
    assert (full_b.price, full_b.prior_price) == (Decimal("19.900"), Decimal("25.000"))
    assert full_b.stocks == [StockLevel(10, 5)]
    assert full_a.currency == "USD"
    # In the product type's attribute order, NULL last; a blank value dropped.
    assert list(full_b.attributes)[1:] == [
        slug["dropdown"],
        slug["numeric"],
        slug["rich-text"],
        slug["boolean"],
    ]
    assert [v.value for v in full_b.attributes[slug["dropdown"]]] == ["Red"]
    assert full_b.attributes[slug["numeric"]][0].value == Decimal("0.1")
    assert full.attributes[slug["multiselect"]][1].value == "Beta"
    assert list(full.attributes)[-1] == slug["plain-text"]
    assert len(full.media) == 3
    assert full.media[0].endswith("/products/first.png")
    assert full.media[1] == "https://x/2.jpg"
    assert full.media[2].endswith("/products/last.jpg")
    assert bare.listing is None
    assert bare.category_name is None
    assert bare.weight is None
    assert [(v.sku, v.price) for v in bare.variants] == [(None, None), (None, None)]
    assert pending.listing.available_for_purchase_at is None
    assert empty.variants == []
    assert set(page.selection) == {full.product_type_id, pending.product_type_id}


def test_product_ids_pick_products_across_pages(varied_catalog):
    full, bare, pending, empty = varied_catalog["products"]
    options = loader.LoadOptions(
        channel_id=varied_catalog["channel"].pk,
        warehouse_ids=varied_catalog["warehouses"],
    )
    wanted = [empty.pk, full.pk, empty.pk, 10**9, None, str(pending.pk)]

    pages = list(loader.iter_pages(options, product_ids=wanted, batch_size=2))

    assert [[p.id for p in page.products] for page in pages] == [
        [full.pk, pending.pk],
        [empty.pk],
    ]
    reference = orm_pages(
        options, product_ids=[empty.pk, full.pk, 10**9, pending.pk], batch_size=2
    )
    assert_same(pages, list(reference))
    assert list(loader.iter_pages(options, product_ids=[])) == []


def test_load_page_reads_the_given_products(varied_catalog):
    full, bare, pending, empty = varied_catalog["products"]
    options = loader.LoadOptions(
        channel_id=varied_catalog["channel"].pk,
        warehouse_ids=varied_catalog["warehouses"],
    )
    (expected,) = orm_pages(options, product_ids=[bare.pk, pending.pk])
    rows = [
        loader.ProductRow(**{**vars(p), "variants": [], "attributes": {}, "media": []})
        for p in expected.products
    ]
    for row in rows:
        row.listing = None

    assert_same(loader.load_page(rows, options), expected)
    assert loader.load_page([], options) == loader.CatalogPage([])


def test_without_warehouses_no_stock_is_read(varied_catalog):
    options = loader.LoadOptions(
        channel_id=varied_catalog["channel"].pk, warehouse_ids=[]
    )

    with CaptureQueriesContext(connection) as queries:
        pages = list(loader.iter_pages(options))

    assert all(not v.stocks for p in pages[0].products for v in p.variants)
    assert not any("quantity" in q["sql"] for q in queries.captured_queries)
    assert_same(pages, list(orm_pages(options)))


def test_queries_per_page_are_fixed(catalog_factory, channel_USD, warehouses):
    catalog_factory(7)
    options = loader.LoadOptions(
        channel_id=channel_USD.pk, warehouse_ids=[w.pk for w in warehouses]
    )

    with CaptureQueriesContext(connection) as queries:
        pages = list(loader.iter_pages(options, batch_size=2))

    # Products, variants, stock, product and variant assignments, values,
    # media, selection: eight a page, and the last page is short.
    assert len(pages) == 4
    assert len(queries.captured_queries) == 8 * 4


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1}',
        '{"big": 123456789012345678901234567890, "neg": -9999999999999999999}',
        '{"float": 1e400}',
        '{"text": "12345678901234567890 in a string"}',
        '{"é": "ü", "n": [1.5, 0.1, -0.0]}',
        "[]",
        '"plain"',
        "not json",
    ],
)
def test_json_reads_what_json_loads_reads(text):
    import json

    try:
        expected = json.loads(text)
    except json.JSONDecodeError:
        expected = text
    assert repr(loader._json(text)) == repr(expected)
    assert repr(loader._json(text.encode())) == repr(expected)


def test_json_passes_through_decoded_values():
    value = {"already": "decoded"}
    assert loader._json(value) is value
    assert loader._json(None) is None
    assert loader._json("{}") == {}
    assert loader._json("{}") is not loader._json("{}")


@pytest.mark.parametrize("grams", [0, 0.4, 0.5, 1, 999.4999, 1234.5678, 1e7, 0.1 + 0.2])
def test_weight_matches_the_measurement_field(grams):
    field = Product._meta.get_field("weight")
    measure = field.from_db_value(float(grams), None, connection)
    assert loader._weight(float(grams)) == orm_weight(measure)
