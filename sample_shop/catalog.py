"""Product types and products from plain specs, one bulk insert per table.

A catalog is described first (``ProductTypeSpec``, ``ProductSpec``,
``VariantSpec``) and then written with one ``bulk_create`` per table however
many products it holds, so a hundred thousand variants cost a few hundred
INSERTs when the caller writes them in chunks.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.utils.text import slugify
from saleor.attribute import AttributeInputType, AttributeType
from saleor.attribute.models import (
    AssignedProductAttributeValue,
    AssignedVariantAttribute,
    AssignedVariantAttributeValue,
    Attribute,
    AttributeProduct,
    AttributeValue,
    AttributeVariant,
)
from saleor.channel.models import Channel
from saleor.order.models import Order, OrderLine
from saleor.product import ProductMediaTypes
from saleor.product.models import (
    Category,
    Product,
    ProductChannelListing,
    ProductMedia,
    ProductType,
    ProductVariant,
    ProductVariantChannelListing,
)
from saleor.warehouse.models import Allocation, Stock, Warehouse

# Every sample product is published and on sale since then.
ON_SALE_SINCE = datetime(2000, 1, 1, tzinfo=UTC)
# What an allocation's order line costs: nothing that reads allocations
# (stock, the feeds, reconciliation) looks at it.
LINE_PRICE = Decimal(20)


@dataclass(frozen=True, slots=True)
class AttributeSpec:
    slug: str
    name: str
    # Dropdown values, in order. None makes a plain-text attribute, whose
    # values are written per variant (an EAN).
    values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProductTypeSpec:
    slug: str
    name: str
    # Variant selection attributes in their order (Amazon's variation theme).
    selection: tuple[AttributeSpec, ...] = ()
    # Plain-text variant attributes, assigned after the selection ones.
    variant_text: tuple[AttributeSpec, ...] = ()
    product_attributes: tuple[AttributeSpec, ...] = ()

    @property
    def has_variants(self) -> bool:
        return bool(self.selection)


@dataclass
class SampleType:
    """A product type as written: what product specs refer to."""

    product_type: ProductType
    # attribute slug -> value name -> value (dropdown attributes)
    values: dict[str, dict[str, AttributeValue]]
    # attribute slug -> the attribute (plain-text ones get values per variant)
    attributes: dict[str, Attribute]
    # variant attribute slug -> its assignment to this product type
    assignments: dict[str, AttributeVariant]


@dataclass(slots=True)
class VariantSpec:
    sku: str | None
    name: str
    # channel -> (price, prior price); no entry, no price in that channel.
    prices: dict[Channel, tuple[Decimal, Decimal | None]]
    # (warehouse, quantity, quantity allocated to an order line)
    stock: list[tuple[Warehouse, int, int]]
    # selection attribute slug -> value name, e.g. {"colour": "Red"}
    choices: dict[str, str] = field(default_factory=dict)
    # plain-text attribute slug -> text, e.g. {"ean": "4006381333931"}
    texts: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class ProductSpec:
    name: str
    slug: str
    product_type: SampleType
    category: Category
    # Published and on sale in these channels.
    channels: list[Channel]
    variants: list[VariantSpec]
    description: dict[str, Any] | None = None
    seo_title: str | None = None
    seo_description: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    media_url: str | None = None
    # product attribute slug -> value name, e.g. {"maker": "Acme"}
    attributes: dict[str, str] = field(default_factory=dict)


def create_product_types(*specs: ProductTypeSpec) -> dict[str, SampleType]:
    """The product types by slug; an attribute shared by several is written once."""
    attributes: dict[str, Attribute] = {}
    values: dict[str, dict[str, AttributeValue]] = {}

    def attribute(spec: AttributeSpec) -> Attribute:
        if spec.slug not in attributes:
            attributes[spec.slug] = Attribute.objects.create(
                slug=spec.slug,
                name=spec.name,
                type=AttributeType.PRODUCT_TYPE,
                input_type=AttributeInputType.DROPDOWN
                if spec.values
                else AttributeInputType.PLAIN_TEXT,
            )
            created = AttributeValue.objects.bulk_create(
                AttributeValue(
                    attribute=attributes[spec.slug],
                    name=name,
                    slug=slugify(name),
                    sort_order=order,
                )
                for order, name in enumerate(spec.values)
            )
            values[spec.slug] = {v.name: v for v in created}
        return attributes[spec.slug]

    types = {}
    for spec in specs:
        product_type = ProductType.objects.create(
            name=spec.name, slug=spec.slug, has_variants=spec.has_variants
        )
        AttributeProduct.objects.bulk_create(
            AttributeProduct(
                attribute=attribute(a), product_type=product_type, sort_order=order
            )
            for order, a in enumerate(spec.product_attributes)
        )
        variant_attributes = spec.selection + spec.variant_text
        assignments = AttributeVariant.objects.bulk_create(
            AttributeVariant(
                attribute=attribute(a),
                product_type=product_type,
                variant_selection=a in spec.selection,
                sort_order=order,
            )
            for order, a in enumerate(variant_attributes)
        )
        used = variant_attributes + spec.product_attributes
        types[spec.slug] = SampleType(
            product_type=product_type,
            values={a.slug: values[a.slug] for a in used},
            attributes={a.slug: attributes[a.slug] for a in used},
            assignments={
                a.slug: assignment
                for a, assignment in zip(variant_attributes, assignments, strict=True)
            },
        )
    return types


def write_products(specs: Sequence[ProductSpec]) -> list[Product]:
    """Write the products with everything below them; return them, saved."""
    products = Product.objects.bulk_create(
        Product(
            name=spec.name,
            slug=spec.slug,
            product_type=spec.product_type.product_type,
            category=spec.category,
            description=spec.description,
            seo_title=spec.seo_title,
            seo_description=spec.seo_description,
            metadata=spec.metadata,
        )
        for spec in specs
    )
    pairs = list(zip(products, specs, strict=True))
    ProductChannelListing.objects.bulk_create(
        ProductChannelListing(
            product=product,
            channel=channel,
            is_published=True,
            visible_in_listings=True,
            available_for_purchase_at=ON_SALE_SINCE,
            currency=channel.currency_code,
            # As Saleor's own product mutations do: its discount task fills
            # the product's discounted price.
            discounted_price_dirty=True,
        )
        for product, spec in pairs
        for channel in spec.channels
    )
    ProductMedia.objects.bulk_create(
        ProductMedia(
            product=product,
            type=ProductMediaTypes.IMAGE,
            external_url=spec.media_url,
            alt=spec.name,
        )
        for product, spec in pairs
        if spec.media_url
    )
    AssignedProductAttributeValue.objects.bulk_create(
        AssignedProductAttributeValue(
            product=product, value=spec.product_type.values[slug][name]
        )
        for product, spec in pairs
        for slug, name in spec.attributes.items()
    )
    written = _write_variants(pairs)
    _assign_variant_values(written)
    _write_stock(written)
    return products


def allocate(
    stocks: Sequence[Stock], quantity: int, *, channel: Channel | None = None
) -> None:
    """Allocate ``quantity`` of each stock to a line of one new order, as an
    unfulfilled Saleor order leaves it (``Allocation`` rows, which is what
    the plugin reads; ``Stock.quantity_allocated`` is left as it is)."""
    _allocate([(stock, quantity) for stock in stocks], channel)


@dataclass(slots=True)
class _Written:
    variant: ProductVariant
    spec: VariantSpec
    product: ProductSpec


def _write_variants(pairs: list[tuple[Product, ProductSpec]]) -> list[_Written]:
    specs = [
        (product, spec, variant, order)
        for product, spec in pairs
        for order, variant in enumerate(spec.variants)
    ]
    variants = ProductVariant.objects.bulk_create(
        ProductVariant(product=product, sku=v.sku, name=v.name, sort_order=order)
        for product, _, v, order in specs
    )
    written = [
        _Written(variant, v, spec)
        for variant, (_, spec, v, _) in zip(variants, specs, strict=True)
    ]
    ProductVariantChannelListing.objects.bulk_create(
        ProductVariantChannelListing(
            variant=w.variant,
            channel=channel,
            price_amount=price,
            # No promotion in a sample shop: the discounted price is the price.
            discounted_price_amount=price,
            prior_price_amount=prior,
            currency=channel.currency_code,
        )
        for w in written
        for channel, (price, prior) in w.spec.prices.items()
    )
    return written


def _assign_variant_values(written: list[_Written]) -> None:
    """Selection values and per-variant texts, each in its own assignment."""
    texts = AttributeValue.objects.bulk_create(
        AttributeValue(
            attribute=w.product.product_type.attributes[slug],
            name=text,
            # Unique per attribute, like the variant it belongs to.
            slug=f"{slug}-{w.variant.pk}",
            plain_text=text,
        )
        for w in written
        for slug, text in w.spec.texts.items()
    )
    text_values = iter(texts)
    chosen = []  # (variant, assignment to the type, value), in order
    for w in written:
        sample = w.product.product_type
        for slug, name in w.spec.choices.items():
            chosen.append(
                (w.variant, sample.assignments[slug], sample.values[slug][name])
            )
        for slug in w.spec.texts:
            chosen.append((w.variant, sample.assignments[slug], next(text_values)))
    assignments = AssignedVariantAttribute.objects.bulk_create(
        AssignedVariantAttribute(variant=variant, assignment=assignment)
        for variant, assignment, _ in chosen
    )
    AssignedVariantAttributeValue.objects.bulk_create(
        AssignedVariantAttributeValue(assignment=assigned, variant=variant, value=value)
        for assigned, (variant, _, value) in zip(assignments, chosen, strict=True)
    )


def _write_stock(written: list[_Written]) -> None:
    rows = [
        (
            w,
            Stock(warehouse=warehouse, product_variant=w.variant, quantity=quantity),
            allocated,
        )
        for w in written
        for warehouse, quantity, allocated in w.spec.stock
    ]
    Stock.objects.bulk_create(stock for _, stock, _ in rows)
    allocations = [(stock, allocated) for _, stock, allocated in rows if allocated]
    if allocations:
        # The channel the first allocated variant is sold in.
        first = next(w for w, _, allocated in rows if allocated)
        _allocate(allocations, first.product.channels[0])


def _allocate(
    allocations: Iterable[tuple[Stock, int]], channel: Channel | None
) -> None:
    allocations = list(allocations)
    if not allocations:
        return
    if channel is None:
        variant = allocations[0][0].product_variant
        channel = variant.channel_listings.first().channel
    order = Order.objects.create(
        channel=channel, currency=channel.currency_code, lines_count=len(allocations)
    )
    lines = OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            variant=stock.product_variant,
            product_name=stock.product_variant.product.name,
            variant_name=stock.product_variant.name,
            product_sku=stock.product_variant.sku,
            is_shipping_required=True,
            is_gift_card=False,
            quantity=quantity,
            currency=channel.currency_code,
            unit_price_net_amount=LINE_PRICE,
            unit_price_gross_amount=LINE_PRICE,
            total_price_net_amount=LINE_PRICE * quantity,
            total_price_gross_amount=LINE_PRICE * quantity,
        )
        for stock, quantity in allocations
    )
    Allocation.objects.bulk_create(
        Allocation(order_line=line, stock=stock, quantity_allocated=quantity)
        for line, (stock, quantity) in zip(lines, allocations, strict=True)
    )
