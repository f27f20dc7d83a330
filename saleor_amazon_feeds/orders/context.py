"""What the pure mapping needs to know about Saleor, looked up once per batch.

:class:`BatchLookups` reads, with one query each, the variants of every SKU in
the batch (Saleor's ``variantSku`` lookup of ``orderBulkCreate`` is broken in
3.23, so lines get ``variantId``), the tax rates of the destination countries,
which variants have a stock record in the marketplace's warehouses, and the
shipping methods (cached per service level and country). From them
:func:`mapping_context` builds each order's :class:`~.mapping.MappingContext`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql_relay import to_global_id
from saleor.product.models import ProductVariant
from saleor.shipping.models import ShippingMethod
from saleor.tax.models import TaxClass
from saleor.warehouse.models import Stock, Warehouse

from ..models import AmazonMarketplace, AmazonShippingMapping
from . import mapping
from .saleor_fixtures import amazon_shipping_method, fallback_tax_class
from .taxes import TaxRates, rate_for, tax_rates


@dataclass
class BatchLookups:
    warehouses: list[Warehouse]  # the marketplace's, in primary-key order
    variants: dict[str, ProductVariant]  # by SKU
    rates: TaxRates
    fallback_tax_class: TaxClass
    stocked_variant_ids: set[int]  # with a stock record in those warehouses
    methods: dict[tuple[str, str], ShippingMethod] = field(default_factory=dict)

    @classmethod
    def load(
        cls, marketplace: AmazonMarketplace, orders: Iterable[Mapping[str, Any]]
    ) -> BatchLookups:
        orders = list(orders)
        warehouses = list(marketplace.warehouses.order_by("pk"))
        all_skus = {sku for order in orders for sku in mapping.skus(order) if sku}
        variants = {
            v.sku: v
            for v in ProductVariant.objects.filter(sku__in=all_skus).select_related(
                "product__product_type", "product__tax_class"
            )
        }
        countries = {mapping.destination_country(order) for order in orders} - {""}
        rates = tax_rates(marketplace.channel, countries)
        fallback = fallback_tax_class()
        stocked = set(
            Stock.objects.filter(
                product_variant_id__in=[v.pk for v in variants.values()],
                warehouse_id__in=[w.pk for w in warehouses],
            ).values_list("product_variant_id", flat=True)
        )
        return cls(warehouses, variants, rates, fallback, stocked)

    def shipping_method(
        self, marketplace: AmazonMarketplace, order: Mapping[str, Any]
    ) -> ShippingMethod:
        key = (mapping.service_level(order), mapping.destination_country(order))
        if key not in self.methods:
            self.methods[key] = shipping_method_for(marketplace, order)
        return self.methods[key]


def require_reservable(order: Mapping[str, Any], lookups: BatchLookups) -> None:
    """Hold an order whose stock could not be reserved: the marketplace has no
    warehouse, or a merchant-fulfilled line's variant tracks inventory but has
    no stock record in the marketplace's warehouses."""
    if not lookups.warehouses:
        raise mapping.HoldOrder(
            "The marketplace has no warehouses linked; link one so stock "
            "can be reserved."
        )
    variants = lookups.variants
    missing = sorted(
        {
            sku
            for sku in mapping.skus(order)
            if sku in variants
            and variants[sku].track_inventory
            and variants[sku].pk not in lookups.stocked_variant_ids
        }
    )
    if missing and mapping.fulfilled_by(order) == "MERCHANT":
        raise mapping.HoldOrder(
            "No stock record in the marketplace's warehouses for SKU(s) "
            + ", ".join(missing)
            + "; add stock so the order can be reserved."
        )


def mapping_context(
    marketplace: AmazonMarketplace, order: Mapping[str, Any], lookups: BatchLookups
) -> mapping.MappingContext:
    """One order's context: its lines ship from the marketplace's first
    warehouse, and rates depend on its destination country."""
    country = mapping.destination_country(order)
    fallback = lookups.fallback_tax_class
    infos = {}
    # The order's own SKUs only: all of the batch's, for each of its orders,
    # grows with the square of the batch.
    for sku in set(mapping.skus(order)):
        variant = lookups.variants.get(sku)
        if variant is None:
            continue
        product = variant.product
        tax_class_id = product.tax_class_id or product.product_type.tax_class_id
        infos[sku] = mapping.VariantInfo(
            id=to_global_id("ProductVariant", variant.pk),
            sku=sku,
            product_name=product.name,
            variant_name=variant.name,
            is_shipping_required=product.product_type.is_shipping_required,
            tax_rate=rate_for(lookups.rates, country, tax_class_id),
            tax_class_id=to_global_id("TaxClass", tax_class_id or fallback.pk),
        )
    method = lookups.shipping_method(marketplace, order)
    shipping_class = method.tax_class_id or fallback.pk
    return mapping.MappingContext(
        channel_slug=marketplace.channel.slug,
        currency=marketplace.channel.currency_code,
        marketplace_id=marketplace.marketplace_id,
        warehouse_id=to_global_id("Warehouse", lookups.warehouses[0].pk),
        shipping_method_id=to_global_id("ShippingMethod", method.pk),
        shipping_method_name=method.name,
        variants=infos,
        prices_include_tax=marketplace.country.upper()
        not in mapping.TAX_EXCLUSIVE_COUNTRIES,
        shipping_tax_rate=rate_for(lookups.rates, country, method.tax_class_id),
        shipping_tax_class_id=to_global_id("TaxClass", shipping_class),
        language_code=mapping.language_for(marketplace.country),
    )


def shipping_method_for(
    marketplace: AmazonMarketplace, order: Mapping[str, Any]
) -> ShippingMethod:
    """The mapped method for (service level, zone of the address), else
    the plugin's "Amazon shipping" method."""
    level = mapping.service_level(order)
    country = mapping.destination_country(order)
    if level and country:
        found = (
            AmazonShippingMapping.objects.filter(
                marketplace=marketplace,
                service_level=level,
                shipping_zone__countries__contains=country,
            )
            .select_related("shipping_method")
            .order_by("pk")
            .first()
        )
        if found is not None:
            return found.shipping_method
    return amazon_shipping_method()
