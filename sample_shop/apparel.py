"""The shirt catalog of the tests and the benchmarks.

Every product has what a full listing reads, so query counts measured on it
cover every loader query: a maker (product attribute), an image, a channel
listing, variants chosen by colour and size with an EAN each, a price with a
higher prior price, stock in two warehouses (10 and 50 units, 3 of the first
allocated to an order). The tests add a few products at a time, the benchmarks
grow it to 100k variants; both get the same shape, so the figures of one run
compare with the last.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from saleor.channel.models import Channel
from saleor.product.models import Category, Product
from saleor.warehouse.models import Warehouse

from .catalog import (
    AttributeSpec,
    ProductSpec,
    ProductTypeSpec,
    SampleType,
    VariantSpec,
    write_products,
)

COLOURS = ("Red", "Blue", "Green")
SIZES = ("S", "M", "L")
# Valid GTINs (EAN-13 and a UPC-A), so ``gtin:ean`` mappings resolve.
EANS = ("4006381333931", "5901234123457", "4012345678901", "0012345678905")
APPAREL = ProductTypeSpec(
    slug="apparel",
    name="Apparel",
    selection=(
        AttributeSpec("colour", "Colour", COLOURS),
        AttributeSpec("garment-size", "Garment size", SIZES),
    ),
    variant_text=(AttributeSpec("ean", "EAN"),),
    product_attributes=(AttributeSpec("maker", "Maker", ("Acme",)),),
)
PRICE = Decimal("20.00")
PRIOR_PRICE = Decimal("25.00")
STOCK = (10, 50)  # units in the first and the second warehouse
ALLOCATED = 3  # of the first warehouse's, when allocations are asked for
# Variants written per INSERT round while growing: memory stays flat.
CHUNK = 2000


class ShirtCatalog:
    """One growing catalog of shirts: ``add`` a few products, or ``grow_to``
    a number of variants. Products are numbered on from the last one, so
    slugs and SKUs stay unique however often it grows."""

    def __init__(
        self,
        apparel: SampleType,
        category: Category,
        channel: Channel,
        warehouses: Sequence[Warehouse],
        *,
        slug_prefix: str = "shirt",
        described: bool = False,
    ) -> None:
        self.apparel = apparel
        self.category = category
        self.channel = channel
        self.warehouses = list(warehouses)[: len(STOCK)]
        self.slug_prefix = slug_prefix
        self.described = described
        self.products = 0
        self.variants = 0

    def add(
        self,
        count: int,
        *,
        variants: int = 2,
        channel: Channel | None = None,
        allocated: bool = True,
    ) -> list[Product]:
        """``count`` products of ``variants`` variants each, sold in
        ``channel`` (the catalog's by default)."""
        specs = [
            self._product(
                self.products + i,
                variants,
                channel or self.channel,
                ALLOCATED if allocated else 0,
            )
            for i in range(count)
        ]
        products = write_products(specs)
        self.products += count
        self.variants += count * variants
        return products

    def grow_to(self, variants: int, *, per_product: int = 2) -> None:
        while self.variants < variants:
            step = min(CHUNK, variants - self.variants)
            self.add(max(step // per_product, 1), variants=per_product)

    def _product(
        self, n: int, variants: int, channel: Channel, allocated: int
    ) -> ProductSpec:
        slug = f"{self.slug_prefix}-{n}"
        first = self.variants + (n - self.products) * variants
        return ProductSpec(
            name=f"Shirt {n}",
            slug=slug,
            product_type=self.apparel,
            category=self.category,
            channels=[channel],
            description=_description(n) if self.described else None,
            seo_title=f"SEO shirt {n}",
            media_url=f"https://cdn.example.com/{slug}.jpg",
            attributes={"maker": "Acme"},
            variants=[
                self._variant(f"{slug}-{j}", f"V{j}", first + j, channel, allocated)
                for j in range(variants)
            ],
        )

    def _variant(
        self, sku: str, name: str, ordinal: int, channel: Channel, allocated: int
    ) -> VariantSpec:
        # Allocated in the first warehouse only: the other's stock shows that
        # an allocation counts against its own warehouse.
        allocations = (allocated, 0)
        return VariantSpec(
            sku=sku,
            name=name,
            prices={channel: (PRICE, PRIOR_PRICE)},
            stock=[
                (warehouse, quantity, taken)
                for warehouse, quantity, taken in zip(
                    self.warehouses, STOCK, allocations, strict=False
                )
            ],
            choices={
                "colour": COLOURS[ordinal % len(COLOURS)],
                "garment-size": SIZES[ordinal % len(SIZES)],
            },
            texts={"ean": EANS[ordinal % len(EANS)]},
        )


def _description(n: int) -> dict[str, Any]:
    """EditorJS, as Saleor stores it: a paragraph with markup and a list."""
    return {
        "time": 1,
        "blocks": [
            {"type": "paragraph", "data": {"text": f"A <b>cotton</b> shirt no. {n}."}},
            {
                "type": "list",
                "data": {"style": "unordered", "items": ["Soft", "Durable"]},
            },
        ],
        "version": "2.22.2",
    }
