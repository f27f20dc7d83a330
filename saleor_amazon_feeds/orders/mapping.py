"""Amazon order (Orders API v2026-01-01 ``Order``) -> Saleor ``orderBulkCreate`` input.

Pure: no database, no Saleor models. Everything Saleor-specific that the
conversion needs (variants by SKU, warehouse, shipping method, tax rates) comes
in a :class:`MappingContext` built by the importer in one pass per batch.

Money
-----
The Saleor order must charge exactly what the buyer paid on Amazon (the
order's ``proceeds.grandTotal``), and every amount is split into net and tax:

* Amazon reports an item's charges as proceeds breakdowns (ITEM, SHIPPING,
  DISCOUNT, TAX, ...). Whether ITEM already contains the tax is read from the
  totals themselves: if ``grandTotal`` equals the sum of all breakdowns, TAX is
  on top of the prices (US sales tax collected by Amazon as marketplace
  facilitator, EU business orders with VAT shown separately); if it equals the
  sum without TAX, the prices include it. With no tax reported at all the
  marketplace's convention decides (:attr:`MappingContext.prices_include_tax`:
  EU/UK prices include VAT, US/CA prices exclude sales tax).
* Tax on top: net = ITEM + DISCOUNT, gross = net + Amazon's TAX.
* Tax included and reported by Amazon: gross = ITEM + DISCOUNT, net = gross - TAX.
* Tax included but not reported (usual for EU consumer orders): gross = ITEM +
  DISCOUNT and net = gross / (1 + rate), where the rate is the one Saleor's
  tax configuration of the channel gives for the destination country and the
  product's tax class (0 when the channel charges no taxes there). Saleor
  then stores the channel's "entered" price (gross when prices are entered
  with tax, net otherwise) as the line's base price.

A total that does not add up (charges the plugin does not understand, such as
gift wrap or COD fees) holds the order instead of importing a wrong one.

Structure
---------
:func:`map_order` only strings together small functions, each computing one
part of the input from the Amazon order alone (and testable alone): the
``require_*`` checks that hold an order, the money (:func:`order_total`,
:func:`item_amounts`, :func:`prices_include_tax`, :func:`split_tax`), the
lines (:func:`line_input`, :func:`mapped_line`), :func:`addresses`, the
shipping (:func:`shipping_price`, :func:`delivery_method_input`), the payment
(:func:`amazon_transaction`), :func:`order_metadata` and what Amazon already
shipped (:func:`fulfillments_input`, :func:`order_status`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

ZERO = Decimal(0)
IMPORTABLE_STATUSES = frozenset({"UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED"})
PENDING_STATUSES = frozenset({"PENDING", "PENDING_AVAILABILITY"})
# Marketplaces whose prices exclude sales tax (added at checkout).
TAX_EXCLUSIVE_COUNTRIES = frozenset({"US", "CA"})
# The amazon order item id travels on the Saleor order line for confirmShipment.
ORDER_ITEM_KEY = "amazon.order_item_id"
ORDER_ID_KEY = "amazon.order_id"
MARKETPLACE_KEY = "amazon.marketplace_id"
AMAZON_TRANSACTION_NAME = "Amazon"
_LANGUAGES = {
    "DE": "DE",
    "AT": "DE",
    "FR": "FR",
    "BE": "FR",
    "IT": "IT",
    "ES": "ES",
    "NL": "NL",
    "PL": "PL",
    "SE": "SV",
    "TR": "TR",
    "JP": "JA",
    "BR": "PT_BR",
    "MX": "ES_MX",
}


class HoldOrder(Exception):
    """The order cannot be imported as it is; the message tells the merchant why."""


@dataclass(frozen=True)
class VariantInfo:
    id: str  # Saleor global ID
    sku: str
    product_name: str
    variant_name: str
    is_shipping_required: bool = True
    # Rate for splitting VAT-inclusive prices Amazon reports without tax.
    tax_rate: Decimal = ZERO
    # orderBulkCreate insists on a tax class for every line.
    tax_class_id: str | None = None


@dataclass(frozen=True)
class MappingContext:
    channel_slug: str
    currency: str
    marketplace_id: str
    warehouse_id: str  # Saleor global ID of the warehouse lines ship from
    shipping_method_id: str
    shipping_method_name: str
    variants: Mapping[str, VariantInfo] = field(default_factory=dict)
    prices_include_tax: bool = True
    shipping_tax_rate: Decimal = ZERO
    shipping_tax_class_id: str | None = None
    language_code: str = "EN"


@dataclass
class MappedLine:
    order_item_id: str
    sku: str
    variant_id: str
    quantity: int
    quantity_fulfilled: int


@dataclass
class MappedOrder:
    amazon_order_id: str
    input: dict[str, Any]
    lines: list[MappedLine]
    total: Decimal
    status: str  # Saleor OrderStatus value


# -- reading the Amazon order ----------------------------------------------------


def status_of(order: Mapping[str, Any]) -> str:
    return ((order.get("fulfillment") or {}).get("fulfillmentStatus")) or ""


def fulfilled_by(order: Mapping[str, Any]) -> str:
    return ((order.get("fulfillment") or {}).get("fulfilledBy")) or "MERCHANT"


def service_level(order: Mapping[str, Any]) -> str:
    """Amazon's ``SECOND_DAY`` as the shipping mapping's ``SecondDay``."""
    raw = (order.get("fulfillment") or {}).get("fulfillmentServiceLevel") or ""
    return "".join(part.capitalize() for part in raw.split("_"))


def sku_of(item: Mapping[str, Any]) -> str:
    return (item.get("product") or {}).get("sellerSku") or ""


def skus(order: Mapping[str, Any]) -> list[str]:
    return [sku_of(item) for item in order.get("orderItems") or []]


def destination_country(order: Mapping[str, Any]) -> str:
    address = (order.get("recipient") or {}).get("deliveryAddress") or {}
    return (address.get("countryCode") or "").upper()


def language_for(country: str) -> str:
    return _LANGUAGES.get(country.upper(), "EN")


def buyer_registration(order: Mapping[str, Any], key: str) -> Any:
    """``key`` of the first BUYER tax registration that has it, else None."""
    for registration in (order.get("tax") or {}).get("taxRegistrations") or []:
        if registration.get("entityType") == "BUYER" and registration.get(key):
            return registration[key]
    return None


def require_importable_status(order: Mapping[str, Any]) -> None:
    status = status_of(order)
    if status not in IMPORTABLE_STATUSES:
        raise HoldOrder(f"Amazon order status {status or 'unknown'} is not importable.")


def items_with_quantity(order: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The order items that become Saleor lines (Amazon keeps cancelled items
    with quantity 0)."""
    items = [i for i in order.get("orderItems") or [] if int(i["quantityOrdered"]) > 0]
    if not items:
        raise HoldOrder("The order has no items with a quantity.")
    return items


def require_known_skus(
    items: Sequence[Mapping[str, Any]], variants: Mapping[str, VariantInfo]
) -> None:
    missing = sorted(
        {sku_of(item) or "(no SKU)" for item in items if sku_of(item) not in variants}
    )
    if missing:
        raise HoldOrder(
            "Unknown SKU(s) in Saleor: "
            + ", ".join(missing)
            + ". Create the variant(s) or fix their SKU; the order is retried "
            "at the next import."
        )


# -- money and tax ------------------------------------------------------------------


def quantize(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _money(value: Mapping[str, Any] | None, currency: str, where: str) -> Decimal:
    if not value:
        return ZERO
    code = value.get("currencyCode")
    if code and code != currency:
        raise HoldOrder(
            f"Currency mismatch: {where} is in {code}, but the linked channel "
            f"uses {currency}."
        )
    return Decimal(str(value.get("amount", "0")))


def _breakdown(
    breakdowns: Sequence[Mapping[str, Any]],
    kind: str,
    currency: str,
    where: str,
    subtypes: Sequence[str] | None = None,
    undetailed: bool = True,
) -> Decimal:
    """Sum of the ``kind`` breakdowns (only ``subtypes`` of detailed ones).

    A breakdown without details counts entirely when ``undetailed``.
    """
    total = ZERO
    for entry in breakdowns:
        if entry.get("type") != kind:
            continue
        details = entry.get("detailedBreakdowns") or []
        if subtypes is None:
            total += _money(entry.get("subtotal"), currency, where)
        elif details:
            for detail in details:
                if detail.get("subtype") in subtypes:
                    total += _money(detail.get("value"), currency, where)
        elif undetailed:
            total += _money(entry.get("subtotal"), currency, where)
    return total


def _rate(net: Decimal, gross: Decimal) -> Decimal:
    if net <= 0:
        return ZERO
    return ((gross - net) / net).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _taxed(gross: Decimal, net: Decimal) -> dict[str, str]:
    return {"gross": str(gross), "net": str(net)}


def order_total(order: Mapping[str, Any], currency: str) -> Decimal:
    """What the Saleor order must total: Amazon's ``grandTotal`` less delivery
    tips, which Amazon passes on to the courier and no Saleor line carries."""
    proceeds = order.get("proceeds") or {}
    if not proceeds.get("grandTotal"):
        raise HoldOrder("Amazon has not reported the order's total yet.")
    grand_total = _money(proceeds["grandTotal"], currency, "the order total")
    tips = _breakdown(
        proceeds.get("breakdowns") or [], "DELIVERY_TIP", currency, "the order"
    )
    return grand_total - tips


@dataclass
class ItemAmounts:
    """One order item's proceeds, sorted into what the Saleor order carries."""

    item: Decimal
    item_discount: Decimal
    item_tax: Decimal
    shipping: Decimal
    shipping_discount: Decimal
    shipping_tax: Decimal
    other: Decimal  # anything the plugin does not map (gift wrap, COD, ...)
    promotions: list[str]


def item_amounts(item: Mapping[str, Any], currency: str) -> ItemAmounts:
    where = f"order item {item.get('orderItemId')}"
    proceeds = item.get("proceeds") or {}
    breakdowns = proceeds.get("breakdowns") or []
    item_amount = _breakdown(breakdowns, "ITEM", currency, where)
    if not breakdowns:
        # No proceeds yet: the unit price times the quantity.
        price = ((item.get("product") or {}).get("price") or {}).get("unitPrice")
        item_amount = _money(price, currency, where) * int(item["quantityOrdered"])
    known = {"ITEM", "SHIPPING", "DISCOUNT", "TAX"}
    other = sum(
        (
            _money(b.get("subtotal"), currency, where)
            for b in breakdowns
            if b.get("type") not in known
        ),
        ZERO,
    )
    promotions = [
        p["promotionId"]
        for p in (item.get("promotion") or {}).get("breakdowns") or []
        if p.get("promotionId")
    ]
    return ItemAmounts(
        item=item_amount,
        item_discount=_breakdown(
            breakdowns, "DISCOUNT", currency, where, ("ITEM", "DISCOUNT")
        ),
        item_tax=_breakdown(breakdowns, "TAX", currency, where, ("ITEM", "DISCOUNT")),
        shipping=_breakdown(breakdowns, "SHIPPING", currency, where),
        shipping_discount=_breakdown(
            breakdowns, "DISCOUNT", currency, where, ("SHIPPING",), undetailed=False
        ),
        shipping_tax=_breakdown(
            breakdowns, "TAX", currency, where, ("SHIPPING",), undetailed=False
        ),
        other=other,
        promotions=promotions,
    )


def require_mapped_charges(amounts: Sequence[ItemAmounts], currency: str) -> None:
    other = sum((a.other for a in amounts), ZERO)
    if other:
        raise HoldOrder(
            f"The order has charges the plugin cannot map (gift wrap, COD fee or "
            f"other: {other} {currency})."
        )


def prices_include_tax(
    amounts: Sequence[ItemAmounts], total: Decimal, currency: str, default: bool
) -> bool:
    """Whether Amazon's item and shipping amounts include the tax, read from
    the totals (``default``, the marketplace's convention, when Amazon reports
    no tax); a total that fits neither reading holds the order."""
    tax = sum((a.item_tax + a.shipping_tax for a in amounts), ZERO)
    charges = sum(
        (a.item + a.item_discount + a.shipping + a.shipping_discount for a in amounts),
        ZERO,
    )
    if not tax:
        if charges != total:
            raise HoldOrder(
                f"Amazon's total {total} {currency} does not match its charges "
                f"{charges} {currency}."
            )
        return default
    if charges + tax == total:
        return False
    if charges == total:
        return True
    raise HoldOrder(
        f"Amazon's total {total} {currency} does not match its charges "
        f"({charges} {currency} plus {tax} {currency} tax)."
    )


class TaxSplit(NamedTuple):
    gross: Decimal
    net: Decimal
    undiscounted_gross: Decimal
    undiscounted_net: Decimal
    rate: Decimal


def split_tax(
    amount: Decimal, discount: Decimal, tax: Decimal, included: bool, rate: Decimal
) -> TaxSplit:
    """One charge (item or shipping) as gross and net, before and after its
    (negative) ``discount``; see the module docstring for the three cases.
    ``rate`` splits included tax Amazon did not report."""
    if not included:
        net_undiscounted = amount
        net = amount + discount
        return TaxSplit(
            net + tax,
            net,
            net_undiscounted + tax,
            net_undiscounted,
            _rate(net, net + tax),
        )
    gross_undiscounted = amount
    gross = amount + discount
    if tax:
        net = gross - tax
        rate = _rate(net, gross)
    else:
        net = quantize(gross / (1 + rate))
    net_undiscounted = max(quantize(gross_undiscounted / (1 + rate)), net)
    return TaxSplit(gross, net, gross_undiscounted, net_undiscounted, rate)


# -- lines --------------------------------------------------------------------------


def line_price(
    item: Mapping[str, Any], amounts: ItemAmounts, variant: VariantInfo, included: bool
) -> TaxSplit:
    price = split_tax(
        amounts.item,
        amounts.item_discount,
        amounts.item_tax,
        included,
        variant.tax_rate,
    )
    if price.gross < 0 or price.net < 0:
        raise HoldOrder(f"Order item {item['orderItemId']} has a negative price.")
    return price


def line_input(
    order: Mapping[str, Any],
    item: Mapping[str, Any],
    amounts: ItemAmounts,
    ctx: MappingContext,
    included: bool,
) -> dict[str, Any]:
    """The ``OrderBulkCreateLineInput`` of one order item."""
    sku = sku_of(item)
    variant = ctx.variants[sku]
    price = line_price(item, amounts, variant, included)
    line = {
        "variantId": variant.id,
        "productName": variant.product_name,
        "variantName": variant.variant_name,
        "productSku": sku,
        "createdAt": order["createdTime"],
        "isShippingRequired": variant.is_shipping_required,
        "isGiftCard": False,
        "quantity": int(item["quantityOrdered"]),
        "totalPrice": _taxed(price.gross, price.net),
        "undiscountedTotalPrice": _taxed(
            price.undiscounted_gross, price.undiscounted_net
        ),
        "taxRate": str(price.rate),
        "warehouse": ctx.warehouse_id,
        "metadata": [
            {"key": ORDER_ITEM_KEY, "value": str(item["orderItemId"])},
        ],
    }
    if variant.tax_class_id:
        line["taxClassId"] = variant.tax_class_id
    if amounts.promotions or amounts.item_discount:
        line["unitDiscountReason"] = "Amazon promotion " + ", ".join(
            amounts.promotions or ["(unnamed)"]
        )
    return line


def mapped_line(item: Mapping[str, Any], ctx: MappingContext) -> MappedLine:
    """What the importer keeps of a line: stock reservation and shipment
    confirmation need the Amazon item id and the units still to ship."""
    sku = sku_of(item)
    quantity = int(item["quantityOrdered"])
    fulfilled = int((item.get("fulfillment") or {}).get("quantityFulfilled") or 0)
    return MappedLine(
        order_item_id=str(item["orderItemId"]),
        sku=sku,
        variant_id=ctx.variants[sku].id,
        quantity=quantity,
        quantity_fulfilled=min(fulfilled, quantity),
    )


# -- addresses ----------------------------------------------------------------------


def _split_name(name: str) -> tuple[str, str]:
    parts = name.strip().split()
    if len(parts) <= 1:
        return "", (parts[0] if parts else "")
    return " ".join(parts[:-1]), parts[-1]


def address_input(address: Mapping[str, Any]) -> dict[str, Any]:
    """Amazon ``CustomerAddress`` -> Saleor ``AddressInput``."""
    first, last = _split_name(address.get("name") or "")
    street2 = " ".join(
        filter(None, [address.get("addressLine2"), address.get("addressLine3")])
    )
    data = {
        "firstName": first,
        "lastName": last,
        "companyName": address.get("companyName") or "",
        "streetAddress1": address.get("addressLine1") or "",
        "streetAddress2": street2,
        "city": address.get("city") or "",
        "cityArea": address.get("districtOrCounty") or "",
        "postalCode": address.get("postalCode") or "",
        "country": (address.get("countryCode") or "").upper(),
        "countryArea": address.get("stateOrRegion") or "",
    }
    if address.get("phone"):
        data["phone"] = address["phone"]
    return data


def addresses(order: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(billing, shipping). Amazon shares no billing address except a business
    buyer's tax registration address; otherwise billing = delivery address."""
    delivery = (order.get("recipient") or {}).get("deliveryAddress")
    if not delivery:
        raise HoldOrder(
            "Amazon sent no delivery address for this order; Saleor needs one."
        )
    shipping = address_input(delivery)
    registered = buyer_registration(order, "taxRegistrationAddress")
    billing = address_input(registered) if registered else shipping
    return billing, shipping


# -- shipping -----------------------------------------------------------------------


def shipping_price(
    order: Mapping[str, Any],
    amounts: Sequence[ItemAmounts],
    ctx: MappingContext,
    included: bool,
) -> TaxSplit:
    """The order's shipping charge: the items' SHIPPING proceeds, else the
    order-level SHIPPING breakdown (Amazon reports it on one or the other)."""
    charge = sum((a.shipping for a in amounts), ZERO)
    if not charge:
        charge = _breakdown(
            (order.get("proceeds") or {}).get("breakdowns") or [],
            "SHIPPING",
            ctx.currency,
            "the order",
        )
    return split_tax(
        charge,
        sum((a.shipping_discount for a in amounts), ZERO),
        sum((a.shipping_tax for a in amounts), ZERO),
        included,
        ctx.shipping_tax_rate,
    )


def delivery_method_input(ctx: MappingContext, price: TaxSplit) -> dict[str, Any]:
    data: dict[str, Any] = {
        "shippingMethodId": ctx.shipping_method_id,
        "shippingMethodName": ctx.shipping_method_name,
        "shippingPrice": _taxed(price.gross, price.net),
    }
    if ctx.shipping_tax_class_id:
        data["shippingTaxClassId"] = ctx.shipping_tax_class_id
    return data


def require_total_matches(
    lines: Sequence[Mapping[str, Any]],
    shipping: TaxSplit,
    total: Decimal,
    currency: str,
) -> None:
    """The last check on the money: the Saleor order charges what the buyer
    paid, to the cent, or it is not created."""
    computed = sum((Decimal(line["totalPrice"]["gross"]) for line in lines), ZERO)
    computed += shipping.gross
    if computed != total:
        raise HoldOrder(
            f"The Saleor order would total {computed} {currency}, but the buyer paid "
            f"{total} {currency} on Amazon."
        )


# -- customer, payment and metadata -------------------------------------------------


def customer_input(order: Mapping[str, Any]) -> dict[str, str]:
    """Amazon's masked buyer email; orderBulkCreate needs a user, so an order
    without one gets an address that can never receive mail."""
    email = (order.get("buyer") or {}).get("buyerEmail") or ""
    return (
        {"email": email} if email else {"email": f"{order['orderId']}@amazon.invalid"}
    )


def amazon_transaction(order_id: str, total: Decimal, currency: str) -> dict[str, Any]:
    """The payment: Amazon collected the whole amount, so the order is paid."""
    return {
        "name": AMAZON_TRANSACTION_NAME,
        "message": "Collected by Amazon",
        "pspReference": order_id,
        "amountCharged": {"amount": str(total), "currency": currency},
    }


def order_metadata(
    order: Mapping[str, Any], marketplace_id: str
) -> list[dict[str, str]]:
    metadata = [
        {"key": ORDER_ID_KEY, "value": order["orderId"]},
        {"key": MARKETPLACE_KEY, "value": marketplace_id},
        {"key": "amazon.fulfilled_by", "value": fulfilled_by(order)},
    ]
    purchase_order = (order.get("buyer") or {}).get("buyerPurchaseOrderNumber")
    if purchase_order:
        metadata.append(
            {"key": "amazon.purchase_order_number", "value": purchase_order}
        )
    registration = buyer_registration(order, "taxRegistrationNumber")
    if registration:
        metadata.append({"key": "amazon.buyer_tax_registration", "value": registration})
    return metadata


# -- what Amazon already shipped ----------------------------------------------------


def fulfillments_input(
    order: Mapping[str, Any], lines: list[MappedLine], ctx: MappingContext
) -> list[dict[str, Any]]:
    """Shipped units as Saleor fulfillments: one per Amazon package, plus one for
    shipped units no package accounts for."""
    if not any(line.quantity_fulfilled for line in lines):
        return []
    index = {line.order_item_id: n for n, line in enumerate(lines)}
    remaining = {n: line.quantity_fulfilled for n, line in enumerate(lines)}
    out = []
    for package in order.get("packages") or []:
        package_lines = []
        for entry in package.get("packageItems") or []:
            n = index.get(str(entry.get("orderItemId")))
            quantity = min(int(entry.get("quantity") or 0), remaining.get(n, 0))
            if n is None or quantity <= 0:
                continue
            remaining[n] -= quantity
            package_lines.append(_fulfillment_line(lines[n], n, quantity, ctx))
        if package_lines:
            out.append(
                {
                    "trackingCode": package.get("trackingNumber") or "",
                    "lines": package_lines,
                }
            )
    rest = [
        _fulfillment_line(lines[n], n, quantity, ctx)
        for n, quantity in remaining.items()
        if quantity > 0
    ]
    if rest:
        out.append({"trackingCode": "", "lines": rest})
    return out


def _fulfillment_line(
    line: MappedLine, index: int, quantity: int, ctx: MappingContext
) -> dict[str, Any]:
    return {
        "variantId": line.variant_id,
        "quantity": quantity,
        "warehouse": ctx.warehouse_id,
        "orderLineIndex": index,
    }


def order_status(lines: Sequence[MappedLine], fulfillments: Sequence[Any]) -> str:
    """The Saleor order status the fulfillments imply."""
    if not fulfillments:
        return "UNFULFILLED"
    shipped = sum(line.quantity_fulfilled for line in lines)
    ordered = sum(line.quantity for line in lines)
    return "FULFILLED" if shipped >= ordered else "PARTIALLY_FULFILLED"


# -- the conversion -----------------------------------------------------------------


def map_order(order: Mapping[str, Any], ctx: MappingContext) -> MappedOrder:
    """The ``OrderBulkCreateInput`` (GraphQL variable shape) for one Amazon order.

    Raises :class:`HoldOrder` with a merchant-readable reason when the order
    cannot be imported correctly; the checks run cheapest and most telling
    first (status, total, SKUs, then the money).
    """
    order_id = order["orderId"]
    currency = ctx.currency
    require_importable_status(order)
    total = order_total(order, currency)
    items = items_with_quantity(order)
    require_known_skus(items, ctx.variants)
    amounts = [item_amounts(item, currency) for item in items]
    require_mapped_charges(amounts, currency)
    included = prices_include_tax(amounts, total, currency, ctx.prices_include_tax)

    lines = [
        line_input(order, item, amount, ctx, included)
        for item, amount in zip(items, amounts, strict=True)
    ]
    mapped_lines = [mapped_line(item, ctx) for item in items]
    shipping = shipping_price(order, amounts, ctx, included)
    require_total_matches(lines, shipping, total, currency)
    billing, shipping_address = addresses(order)
    fulfillments = fulfillments_input(order, mapped_lines, ctx)
    status = order_status(mapped_lines, fulfillments)

    data: dict[str, Any] = {
        "externalReference": order_id,
        "channel": ctx.channel_slug,
        "createdAt": order["createdTime"],
        "status": status,
        "user": customer_input(order),
        "billingAddress": billing,
        "shippingAddress": shipping_address,
        "currency": currency,
        "languageCode": ctx.language_code,
        "lines": lines,
        "deliveryMethod": delivery_method_input(ctx, shipping),
        "metadata": order_metadata(order, ctx.marketplace_id),
        "transactions": [amazon_transaction(order_id, total, currency)],
    }
    if fulfillments:
        data["fulfillments"] = fulfillments
    return MappedOrder(
        amazon_order_id=order_id,
        input=data,
        lines=mapped_lines,
        total=total,
        status=status,
    )
