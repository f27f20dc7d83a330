"""The units map_order is built from, one behaviour each (no DB, no seed data)."""

from decimal import Decimal

import pytest

from saleor_amazon_feeds.orders import mapping
from saleor_amazon_feeds.orders.mapping import (
    HoldOrder,
    ItemAmounts,
    MappedLine,
    MappingContext,
    TaxSplit,
    VariantInfo,
)

D = Decimal


def money(amount, currency="EUR"):
    return {"amount": amount, "currencyCode": currency}


def amounts(**values):
    fields = {
        "item": D(0),
        "item_discount": D(0),
        "item_tax": D(0),
        "shipping": D(0),
        "shipping_discount": D(0),
        "shipping_tax": D(0),
        "other": D(0),
        "promotions": [],
    }
    fields.update({k: D(v) if isinstance(v, str) else v for k, v in values.items()})
    return ItemAmounts(**fields)


def context(**overrides):
    values = {
        "channel_slug": "amazon-de",
        "currency": "EUR",
        "marketplace_id": "A1PA6795UKMFR9",
        "warehouse_id": "W1",
        "shipping_method_id": "S1",
        "shipping_method_name": "DHL Paket",
        "variants": {
            "SKU-1": VariantInfo(
                id="V1", sku="SKU-1", product_name="P", variant_name="M"
            )
        },
        "shipping_tax_rate": D("0.19"),
    }
    values.update(overrides)
    return MappingContext(**values)


# -- money and tax ------------------------------------------------------------------


def test_split_tax_on_top_adds_amazons_tax_to_the_discounted_net():
    assert mapping.split_tax(D("20.00"), D("-2.00"), D("1.62"), False, D(0)) == (
        TaxSplit(D("19.62"), D("18.00"), D("21.62"), D("20.00"), D("0.0900"))
    )


def test_split_tax_included_and_reported_takes_amazons_tax_out():
    split = mapping.split_tax(D("23.80"), D(0), D("3.80"), True, D("0.07"))
    # Amazon's own tax wins over the channel's rate.
    assert split == TaxSplit(D("23.80"), D("20.00"), D("23.80"), D("20.00"), D("0.19"))


def test_split_tax_included_but_unreported_uses_the_channel_rate():
    split = mapping.split_tax(D("49.80"), D("-4.98"), D(0), True, D("0.19"))
    assert split == TaxSplit(D("44.82"), D("37.66"), D("49.80"), D("41.85"), D("0.19"))


def test_order_total_leaves_delivery_tips_out():
    order = {
        "proceeds": {
            "grandTotal": money("31.80"),
            "breakdowns": [{"type": "DELIVERY_TIP", "subtotal": money("3.00")}],
        }
    }
    assert mapping.order_total(order, "EUR") == D("28.80")


def test_order_total_missing_holds():
    with pytest.raises(HoldOrder, match="not reported the order's total"):
        mapping.order_total({"proceeds": {}}, "EUR")


def test_item_amounts_sorts_detailed_breakdowns_by_what_they_reduce():
    item = {
        "orderItemId": "1",
        "quantityOrdered": 1,
        "proceeds": {
            "breakdowns": [
                {"type": "ITEM", "subtotal": money("20.00")},
                {"type": "SHIPPING", "subtotal": money("4.00")},
                {
                    "type": "DISCOUNT",
                    "subtotal": money("-3.00"),
                    "detailedBreakdowns": [
                        {"subtype": "ITEM", "value": money("-2.00")},
                        {"subtype": "SHIPPING", "value": money("-1.00")},
                    ],
                },
                {"type": "GIFT_WRAP", "subtotal": money("1.50")},
            ]
        },
        "promotion": {"breakdowns": [{"promotionId": "PROMO-1"}, {}]},
    }
    result = mapping.item_amounts(item, "EUR")
    assert (result.item, result.item_discount, result.shipping) == (
        D("20.00"),
        D("-2.00"),
        D("4.00"),
    )
    assert (result.shipping_discount, result.other) == (D("-1.00"), D("1.50"))
    assert result.promotions == ["PROMO-1"]


def test_item_amounts_without_proceeds_is_the_unit_price_times_quantity():
    item = {
        "orderItemId": "1",
        "quantityOrdered": 3,
        "product": {"price": {"unitPrice": money("9.50")}},
    }
    assert mapping.item_amounts(item, "EUR").item == D("28.50")


def test_item_amounts_in_another_currency_holds():
    item = {
        "orderItemId": "7",
        "quantityOrdered": 1,
        "proceeds": {"breakdowns": [{"type": "ITEM", "subtotal": money("1", "GBP")}]},
    }
    with pytest.raises(HoldOrder, match="order item 7 is in GBP"):
        mapping.item_amounts(item, "EUR")


@pytest.mark.parametrize(
    ("tax", "total", "default", "expected"),
    [
        ("0", "10.00", True, True),  # no tax reported: the marketplace decides
        ("0", "10.00", False, False),
        ("1.90", "11.90", True, False),  # total = charges + tax: tax on top
        ("1.60", "10.00", False, True),  # total = charges: tax included
    ],
)
def test_prices_include_tax_is_read_from_the_totals(tax, total, default, expected):
    given = [amounts(item="10.00", item_tax=tax)]
    assert mapping.prices_include_tax(given, D(total), "EUR", default) is expected


def test_prices_include_tax_holds_when_no_reading_fits():
    with pytest.raises(HoldOrder, match=r"plus 1.90 EUR tax"):
        mapping.prices_include_tax(
            [amounts(item="10.00", item_tax="1.90")], D("11.00"), "EUR", True
        )


def test_unmapped_charges_hold():
    mapping.require_mapped_charges([amounts(item="1")], "EUR")
    with pytest.raises(HoldOrder, match="other: 2.00 EUR"):
        mapping.require_mapped_charges([amounts(other="2.00")], "EUR")


# -- lines --------------------------------------------------------------------------


def test_items_without_quantity_are_dropped_and_none_left_holds():
    order = {"orderItems": [{"quantityOrdered": 0}, {"quantityOrdered": 2}]}
    assert mapping.items_with_quantity(order) == [{"quantityOrdered": 2}]
    with pytest.raises(HoldOrder, match="no items"):
        mapping.items_with_quantity({"orderItems": [{"quantityOrdered": 0}]})


def test_unknown_and_missing_skus_are_named():
    items = [{"product": {"sellerSku": "SKU-1"}}, {"product": {}}]
    with pytest.raises(HoldOrder, match=r"Unknown SKU\(s\) in Saleor: \(no SKU\)\."):
        mapping.require_known_skus(items, context().variants)


def test_line_price_below_zero_holds():
    variant = context().variants["SKU-1"]
    with pytest.raises(HoldOrder, match="Order item 9 has a negative price"):
        mapping.line_price(
            {"orderItemId": "9"},
            amounts(item="5.00", item_discount="-6.00"),
            variant,
            True,
        )


def test_line_input_names_an_unnamed_promotion_and_carries_the_tax_class():
    ctx = context(
        variants={
            "SKU-1": VariantInfo(
                id="V1",
                sku="SKU-1",
                product_name="P",
                variant_name="M",
                tax_class_id="TC1",
            )
        }
    )
    item = {
        "orderItemId": 41,
        "quantityOrdered": 2,
        "product": {"sellerSku": "SKU-1"},
    }
    line = mapping.line_input(
        {"createdTime": "2026-01-01T00:00:00Z"},
        item,
        amounts(item="20.00", item_discount="-2.00"),
        ctx,
        True,
    )
    assert line["unitDiscountReason"] == "Amazon promotion (unnamed)"
    assert line["taxClassId"] == "TC1"
    assert (line["quantity"], line["warehouse"]) == (2, "W1")
    assert line["metadata"] == [{"key": "amazon.order_item_id", "value": "41"}]


def test_mapped_line_never_counts_more_shipped_than_ordered():
    item = {
        "orderItemId": 41,
        "quantityOrdered": 2,
        "product": {"sellerSku": "SKU-1"},
        "fulfillment": {"quantityFulfilled": 5},
    }
    assert mapping.mapped_line(item, context()) == MappedLine("41", "SKU-1", "V1", 2, 2)


# -- addresses, shipping, customer, metadata ------------------------------------------


def test_a_business_buyers_registration_address_is_the_billing_address():
    order = {
        "recipient": {"deliveryAddress": {"name": "Anna Maria Schmidt"}},
        "tax": {
            "taxRegistrations": [
                {"entityType": "SELLER", "taxRegistrationAddress": {"name": "Seller"}},
                {"entityType": "BUYER", "taxRegistrationNumber": "DE1"},
                {"entityType": "BUYER", "taxRegistrationAddress": {"name": "Firma"}},
            ]
        },
    }
    billing, shipping = mapping.addresses(order)
    assert (shipping["firstName"], shipping["lastName"]) == ("Anna Maria", "Schmidt")
    assert (billing["firstName"], billing["lastName"]) == ("", "Firma")
    assert mapping.buyer_registration(order, "taxRegistrationNumber") == "DE1"


def test_shipping_price_falls_back_to_the_order_level_breakdown():
    order = {
        "proceeds": {"breakdowns": [{"type": "SHIPPING", "subtotal": money("5.95")}]}
    }
    price = mapping.shipping_price(order, [amounts(item="10.00")], context(), True)
    assert (price.gross, price.net) == (D("5.95"), D("5.00"))


def test_delivery_method_input_adds_the_shipping_tax_class_only_when_known():
    price = TaxSplit(D("4.90"), D("4.12"), D("4.90"), D("4.12"), D("0.19"))
    assert mapping.delivery_method_input(context(), price) == {
        "shippingMethodId": "S1",
        "shippingMethodName": "DHL Paket",
        "shippingPrice": {"gross": "4.90", "net": "4.12"},
    }
    with_class = context(shipping_tax_class_id="TC2")
    assert mapping.delivery_method_input(with_class, price)["shippingTaxClassId"] == (
        "TC2"
    )


def test_total_mismatch_names_both_totals():
    lines = [{"totalPrice": {"gross": "10.00", "net": "8.40"}}]
    shipping = TaxSplit(D("2.00"), D("1.68"), D("2.00"), D("1.68"), D("0.19"))
    mapping.require_total_matches(lines, shipping, D("12.00"), "EUR")
    with pytest.raises(HoldOrder, match="total 12.00 EUR, but the buyer paid 12.50"):
        mapping.require_total_matches(lines, shipping, D("12.50"), "EUR")


def test_an_order_without_buyer_email_gets_an_undeliverable_address():
    assert mapping.customer_input({"orderId": "1-2-3"}) == {
        "email": "1-2-3@amazon.invalid"
    }
    assert mapping.customer_input(
        {"orderId": "1-2-3", "buyer": {"buyerEmail": "x@marketplace.amazon.de"}}
    ) == {"email": "x@marketplace.amazon.de"}


def test_the_transaction_charges_the_whole_total():
    assert mapping.amazon_transaction("1-2-3", D("28.80"), "EUR") == {
        "name": "Amazon",
        "message": "Collected by Amazon",
        "pspReference": "1-2-3",
        "amountCharged": {"amount": "28.80", "currency": "EUR"},
    }


def test_order_metadata_of_a_merchant_order_without_business_data():
    assert mapping.order_metadata({"orderId": "1-2-3"}, "MP") == [
        {"key": "amazon.order_id", "value": "1-2-3"},
        {"key": "amazon.marketplace_id", "value": "MP"},
        {"key": "amazon.fulfilled_by", "value": "MERCHANT"},
    ]


# -- fulfilment state ---------------------------------------------------------------


def test_shipped_units_no_package_names_get_a_fulfillment_without_tracking():
    lines = [MappedLine("A", "SKU-1", "V1", 3, 3), MappedLine("B", "SKU-2", "V2", 1, 0)]
    order = {
        "packages": [
            {
                "trackingNumber": "T1",
                "packageItems": [{"orderItemId": "A", "quantity": 2}],
            }
        ]
    }
    assert mapping.fulfillments_input(order, lines, context()) == [
        {
            "trackingCode": "T1",
            "lines": [
                {
                    "variantId": "V1",
                    "quantity": 2,
                    "warehouse": "W1",
                    "orderLineIndex": 0,
                }
            ],
        },
        {
            "trackingCode": "",
            "lines": [
                {
                    "variantId": "V1",
                    "quantity": 1,
                    "warehouse": "W1",
                    "orderLineIndex": 0,
                }
            ],
        },
    ]
    assert mapping.order_status(lines, ["..."]) == "PARTIALLY_FULFILLED"


@pytest.mark.parametrize(
    ("shipped", "has_fulfillments", "expected"),
    [
        (0, False, "UNFULFILLED"),
        (1, True, "PARTIALLY_FULFILLED"),
        (2, True, "FULFILLED"),
    ],
)
def test_order_status_follows_the_shipped_units(shipped, has_fulfillments, expected):
    lines = [MappedLine("A", "SKU-1", "V1", 2, shipped)]
    fulfillments = [{}] if has_fulfillments else []
    assert mapping.order_status(lines, fulfillments) == expected
