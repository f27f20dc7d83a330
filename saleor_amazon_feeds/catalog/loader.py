"""Read the Saleor catalog for one marketplace, a page of products at a time.

Every page costs a fixed number of queries whatever its size or shape: each
relation is loaded with one ``values()`` query filtered by the page's product
ids (``__in``), never per product or per variant. Pages are keyed on the
product pk (keyset pagination), so a long export neither slows down on deep
offsets nor skips or repeats products when others are added meanwhile, and
only one page of rows is alive at a time.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from saleor.attribute import AttributeInputType
from saleor.attribute.models import (
    AssignedProductAttributeValue,
    AssignedVariantAttributeValue,
    AttributeVariant,
)
from saleor.core.utils import build_absolute_uri
from saleor.product import ProductMediaTypes
from saleor.product.models import (
    Product,
    ProductChannelListing,
    ProductMedia,
    ProductVariant,
    ProductVariantChannelListing,
)
from saleor.warehouse.models import Allocation, Stock

from ..listings.editorjs import editorjs_to_description
from ..listings.messages import StockLevel
from ..mapping.resolution import Measure, SourceValue


@dataclass(frozen=True, slots=True)
class ChannelListing:
    is_published: bool
    published_at: datetime | None
    available_for_purchase_at: datetime | None

    def problem(self, now: datetime) -> str | None:
        """Why the product cannot be sold in the channel now, or None."""
        if not self.is_published or (
            self.published_at is not None and self.published_at > now
        ):
            return "is not published"
        if (
            self.available_for_purchase_at is None
            or self.available_for_purchase_at > now
        ):
            return "is not available for purchase"
        return None


@dataclass
class VariantRow:
    id: int
    sku: str | None
    name: str
    external_reference: str | None
    weight: Measure | None
    metadata: dict[str, str]
    track_inventory: bool
    price: Decimal | None = None
    prior_price: Decimal | None = None
    currency: str | None = None
    stocks: list[StockLevel] = field(default_factory=list)
    # Saleor attribute slug -> values, in assignment order.
    attributes: dict[str, list[SourceValue]] = field(default_factory=dict)


@dataclass
class ProductRow:
    id: int
    name: str
    slug: str
    description: Any
    seo_title: str | None
    seo_description: str | None
    product_type_id: int
    product_type_name: str
    category_name: str | None
    weight: Measure | None
    metadata: dict[str, str]
    private_metadata: dict[str, Any]
    category_private_metadata: dict[str, Any]
    listing: ChannelListing | None = None
    media: list[str] = field(default_factory=list)
    attributes: dict[str, list[SourceValue]] = field(default_factory=dict)
    variants: list[VariantRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SelectionAttribute:
    slug: str
    name: str


@dataclass
class CatalogPage:
    products: list[ProductRow]
    # product type id -> variant selection attributes in their configured order.
    selection: dict[int, list[SelectionAttribute]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LoadOptions:
    channel_id: int
    warehouse_ids: Sequence[int]
    # Attribute values, media and variant selection are needed for full listings
    # only; quantity and price feeds skip those queries.
    content: bool = True
    stock: bool = True


_PRODUCT_FIELDS = (
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
)


def iter_pages(
    options: LoadOptions,
    *,
    product_ids: Iterable[int] | None = None,
    batch_size: int = 200,
) -> Iterator[CatalogPage]:
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1.")
    wanted = None if product_ids is None else sorted(set(product_ids))
    last_pk = 0
    while True:
        queryset = Product.objects.filter(pk__gt=last_pk)
        if wanted is not None:
            queryset = queryset.filter(pk__in=wanted)
        rows = list(queryset.order_by("pk").values(*_PRODUCT_FIELDS)[:batch_size])
        if not rows:
            return
        last_pk = rows[-1]["id"]
        yield load_page([_product_row(row) for row in rows], options)
        if len(rows) < batch_size:
            return


def load_page(products: list[ProductRow], options: LoadOptions) -> CatalogPage:
    by_id = {p.id: p for p in products}
    _attach_listings(by_id, options.channel_id)
    variants = _attach_variants(by_id)
    _attach_prices(variants, list(by_id), options.channel_id)
    page = CatalogPage(products)
    if options.stock:
        _attach_stock(variants, list(by_id), options.warehouse_ids)
    if options.content:
        _attach_product_attributes(by_id)
        _attach_variant_attributes(variants, list(by_id))
        _attach_media(by_id)
        page.selection = _selection_attributes({p.product_type_id for p in products})
    return page


def _product_row(row: dict[str, Any]) -> ProductRow:
    return ProductRow(
        id=row["id"],
        name=row["name"],
        slug=row["slug"],
        description=row["description"],
        seo_title=row["seo_title"],
        seo_description=row["seo_description"],
        product_type_id=row["product_type_id"],
        product_type_name=row["product_type__name"],
        category_name=row["category__name"],
        weight=_weight(row["weight"]),
        metadata=row["metadata"] or {},
        private_metadata=row["private_metadata"] or {},
        category_private_metadata=row["category__private_metadata"] or {},
    )


def _weight(value: Any) -> Measure | None:
    # MeasurementField hands back a Weight; zero is Saleor's "not set" default.
    if value is None:
        return None
    kilograms = Decimal(str(round(value.kg, 3)))
    return Measure(kilograms, "kg") if kilograms > 0 else None


def _attach_listings(by_id: dict[int, ProductRow], channel_id: int) -> None:
    rows = ProductChannelListing.objects.filter(
        channel_id=channel_id, product_id__in=list(by_id)
    ).values_list(
        "product_id", "is_published", "published_at", "available_for_purchase_at"
    )
    for product_id, published, published_at, available_at in rows:
        by_id[product_id].listing = ChannelListing(
            published, published_at, available_at
        )


def _attach_variants(by_id: dict[int, ProductRow]) -> dict[int, VariantRow]:
    rows = (
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
    )
    variants = {}
    for row in rows:
        variant = VariantRow(
            id=row["id"],
            sku=(row["sku"] or "").strip() or None,
            name=row["name"] or "",
            external_reference=row["external_reference"],
            weight=_weight(row["weight"]),
            metadata=row["metadata"] or {},
            track_inventory=row["track_inventory"],
        )
        by_id[row["product_id"]].variants.append(variant)
        variants[variant.id] = variant
    return variants


def _attach_prices(
    variants: dict[int, VariantRow], product_ids: list[int], channel_id: int
) -> None:
    rows = ProductVariantChannelListing.objects.filter(
        channel_id=channel_id, variant__product_id__in=product_ids
    ).values_list("variant_id", "price_amount", "prior_price_amount", "currency")
    for variant_id, price, prior, currency in rows:
        variant = variants[variant_id]
        variant.price, variant.prior_price, variant.currency = price, prior, currency


def _attach_stock(
    variants: dict[int, VariantRow],
    product_ids: list[int],
    warehouse_ids: Sequence[int],
) -> None:
    if not warehouse_ids:
        return
    # Allocation rows are the truth; Stock.quantity_allocated is a cache that
    # bulk writes (order import, fixtures) do not always keep in step.
    allocated = (
        Allocation.objects.filter(stock_id=OuterRef("pk"))
        .order_by()
        .values("stock_id")
        .annotate(total=Sum("quantity_allocated"))
        .values("total")
    )
    rows = (
        Stock.objects.filter(
            warehouse_id__in=list(warehouse_ids),
            product_variant__product_id__in=product_ids,
        )
        .annotate(
            allocated=Coalesce(Subquery(allocated, output_field=IntegerField()), 0)
        )
        .values_list("product_variant_id", "quantity", "allocated")
    )
    for variant_id, quantity, allocated_quantity in rows:
        variants[variant_id].stocks.append(StockLevel(quantity, allocated_quantity))


_VALUE_FIELDS = (
    "value__name",
    "value__slug",
    "value__plain_text",
    "value__rich_text",
    "value__numeric",
    "value__boolean",
    "value__date_time",
    "value__file_url",
)


def _attach_product_attributes(by_id: dict[int, ProductRow]) -> None:
    rows = (
        AssignedProductAttributeValue.objects.filter(product_id__in=list(by_id))
        .order_by("product_id", "sort_order", "pk")
        .values(
            "product_id",
            "value__attribute__slug",
            "value__attribute__input_type",
            "value__attribute__unit",
            *_VALUE_FIELDS,
        )
    )
    for row in rows:
        value = attribute_value(row)
        if value is not None:
            attributes = by_id[row["product_id"]].attributes
            attributes.setdefault(row["value__attribute__slug"], []).append(value)


def _attach_variant_attributes(
    variants: dict[int, VariantRow], product_ids: list[int]
) -> None:
    rows = (
        AssignedVariantAttributeValue.objects.filter(
            assignment__variant__product_id__in=product_ids
        )
        .order_by(
            "assignment__variant_id",
            "assignment__assignment__sort_order",
            "sort_order",
            "pk",
        )
        .values(
            "assignment__variant_id",
            "value__attribute__slug",
            "value__attribute__input_type",
            "value__attribute__unit",
            *_VALUE_FIELDS,
        )
    )
    for row in rows:
        value = attribute_value(row)
        if value is not None:
            attributes = variants[row["assignment__variant_id"]].attributes
            attributes.setdefault(row["value__attribute__slug"], []).append(value)


def attribute_value(row: dict[str, Any]) -> SourceValue | None:
    """One assigned value as text (or a number with its unit), None if blank."""
    input_type = row["value__attribute__input_type"]
    if input_type == AttributeInputType.NUMERIC:
        number = row["value__numeric"]
        if number is None:
            return None
        # repr() keeps the float's shortest exact decimal form: 0.1 stays 0.1.
        return SourceValue(Decimal(repr(number)), row["value__attribute__unit"])
    if input_type == AttributeInputType.BOOLEAN:
        flag = row["value__boolean"]
        return None if flag is None else SourceValue("true" if flag else "false")
    if input_type == AttributeInputType.PLAIN_TEXT:
        text = row["value__plain_text"]
    elif input_type == AttributeInputType.RICH_TEXT:
        text = editorjs_to_description(row["value__rich_text"]).text
    elif input_type in (AttributeInputType.DATE, AttributeInputType.DATE_TIME):
        moment = row["value__date_time"]
        if moment is None:
            return None
        text = (
            moment.date().isoformat()
            if input_type == AttributeInputType.DATE
            else moment.isoformat()
        )
    elif input_type == AttributeInputType.FILE:
        text = row["value__file_url"]
    else:
        text = row["value__name"]
    text = (text or "").strip()
    return SourceValue(text) if text else None


def _attach_media(by_id: dict[int, ProductRow]) -> None:
    rows = (
        ProductMedia.objects.filter(
            product_id__in=list(by_id), type=ProductMediaTypes.IMAGE, to_remove=False
        )
        .order_by("product_id", "sort_order", "pk")
        .values_list("product_id", "image", "external_url")
    )
    for product_id, image, external_url in rows:
        if external_url:
            by_id[product_id].media.append(external_url)
        elif image:
            by_id[product_id].media.append(
                build_absolute_uri(default_storage.url(image))
            )


def _selection_attributes(
    product_type_ids: set[int],
) -> dict[int, list[SelectionAttribute]]:
    rows = (
        AttributeVariant.objects.filter(
            product_type_id__in=product_type_ids, variant_selection=True
        )
        .order_by("product_type_id", "sort_order", "pk")
        .values_list("product_type_id", "attribute__slug", "attribute__name")
    )
    result: dict[int, list[SelectionAttribute]] = defaultdict(list)
    for product_type_id, slug, name in rows:
        result[product_type_id].append(SelectionAttribute(slug, name))
    return dict(result)


def now() -> datetime:
    return datetime.now(tz=UTC)
