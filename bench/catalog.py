"""Bulk catalog generator for the benchmarks (adapted from tests/fixtures/catalog.py).

Everything is written with ``bulk_create`` in chunks, so 100k variants cost a few
hundred INSERTs: products with a description, a product attribute (maker), one
image, a channel listing; variants with colour/size/EAN values, a price and a
prior price, stock in two warehouses and allocations against an order on every
other stock row.
"""

from decimal import Decimal

from saleor.attribute.models import (
    AssignedProductAttributeValue,
    AssignedVariantAttribute,
    AssignedVariantAttributeValue,
    AttributeValue,
    AttributeVariant,
)
from saleor.order.models import Order, OrderLine
from saleor.product import ProductMediaTypes
from saleor.product.models import (
    Product,
    ProductChannelListing,
    ProductMedia,
    ProductVariant,
    ProductVariantChannelListing,
)
from saleor.warehouse.models import Allocation, Stock

CHUNK = 2000
VARIANTS_PER_PRODUCT = 2
EANS = ["4006381333931", "5901234123457", "4012345678901", "0012345678905"]


def _description(i: int) -> dict:
    return {
        "time": 1,
        "blocks": [
            {"type": "paragraph", "data": {"text": f"A <b>cotton</b> shirt no. {i}."}},
            {
                "type": "list",
                "data": {"style": "unordered", "items": ["Soft", "Durable"]},
            },
        ],
        "version": "2.22.2",
    }


class CatalogGenerator:
    """Grows one catalog in steps: ``grow_to(10_000)`` then ``grow_to(100_000)``."""

    def __init__(self, product_type, category, channel, warehouses):
        self.product_type = product_type
        self.category = category
        self.channel = channel
        self.warehouses = list(warehouses)[:2]
        self.variants = 0
        self.selection = {
            av.attribute.slug: av
            for av in AttributeVariant.objects.filter(
                product_type=product_type
            ).select_related("attribute")
        }
        self.order = Order.objects.create(
            channel=channel, currency=channel.currency_code, lines_count=0
        )

    def grow_to(self, variants: int) -> None:
        while self.variants < variants:
            step = min(CHUNK, variants - self.variants)
            self._add(max(step // VARIANTS_PER_PRODUCT, 1))

    def _add(self, n: int) -> None:
        start = self.variants // VARIANTS_PER_PRODUCT
        values = self.product_type.amazon_values
        currency = self.channel.currency_code
        products = Product.objects.bulk_create(
            [
                Product(
                    name=f"Shirt {start + i}",
                    slug=f"bench-shirt-{start + i}",
                    product_type=self.product_type,
                    category=self.category,
                    seo_title=f"SEO shirt {start + i}",
                    description=_description(start + i),
                )
                for i in range(n)
            ]
        )
        ProductChannelListing.objects.bulk_create(
            [
                ProductChannelListing(
                    product=p,
                    channel=self.channel,
                    is_published=True,
                    available_for_purchase_at="1999-01-01T00:00:00Z",
                    currency=currency,
                )
                for p in products
            ]
        )
        ProductMedia.objects.bulk_create(
            [
                ProductMedia(
                    product=p,
                    type=ProductMediaTypes.IMAGE,
                    external_url=f"https://cdn.example.com/{p.slug}.jpg",
                )
                for p in products
            ]
        )
        AssignedProductAttributeValue.objects.bulk_create(
            [
                AssignedProductAttributeValue(product=p, value=values["maker"][0])
                for p in products
            ]
        )
        variants = ProductVariant.objects.bulk_create(
            [
                ProductVariant(
                    product=p, sku=f"{p.slug}-{j}", name=f"V{j}", sort_order=j
                )
                for p in products
                for j in range(VARIANTS_PER_PRODUCT)
            ]
        )
        ProductVariantChannelListing.objects.bulk_create(
            [
                ProductVariantChannelListing(
                    variant=v,
                    channel=self.channel,
                    price_amount=Decimal("20.00"),
                    prior_price_amount=Decimal("25.00"),
                    currency=currency,
                )
                for v in variants
            ]
        )
        eans = AttributeValue.objects.bulk_create(
            [
                AttributeValue(
                    attribute=self.product_type.ean_attribute,
                    name=f"EAN {v.pk}",
                    slug=f"ean-{v.pk}",
                    plain_text=EANS[v.pk % len(EANS)],
                )
                for v in variants
            ]
        )
        assignments = AssignedVariantAttribute.objects.bulk_create(
            [
                AssignedVariantAttribute(variant=v, assignment=self.selection[slug])
                for v in variants
                for slug in ("colour", "garment-size", "ean")
            ]
        )
        assigned = []
        for i, v in enumerate(variants):
            colour, size, ean = assignments[i * 3 : i * 3 + 3]
            assigned += [
                AssignedVariantAttributeValue(
                    assignment=colour, variant=v, value=values["colour"][i % 3]
                ),
                AssignedVariantAttributeValue(
                    assignment=size, variant=v, value=values["size"][i % 3]
                ),
                AssignedVariantAttributeValue(assignment=ean, variant=v, value=eans[i]),
            ]
        AssignedVariantAttributeValue.objects.bulk_create(assigned)
        stocks = Stock.objects.bulk_create(
            [
                Stock(warehouse=w, product_variant=v, quantity=q)
                for v in variants
                for w, q in zip(self.warehouses, (10, 50), strict=False)
            ]
        )
        allocated = stocks[::2]
        lines = OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=self.order,
                    variant_id=s.product_variant_id,
                    product_name="Shirt",
                    variant_name="",
                    product_sku=s.product_variant.sku,
                    is_shipping_required=True,
                    is_gift_card=False,
                    quantity=3,
                    currency=currency,
                    unit_price_net_amount=Decimal(20),
                    unit_price_gross_amount=Decimal(20),
                    total_price_net_amount=Decimal(60),
                    total_price_gross_amount=Decimal(60),
                )
                for s in allocated
            ]
        )
        Allocation.objects.bulk_create(
            [
                Allocation(order_line=line, stock=s, quantity_allocated=3)
                for line, s in zip(lines, allocated, strict=True)
            ]
        )
        self.variants += len(variants)
