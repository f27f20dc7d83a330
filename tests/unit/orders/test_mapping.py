"""Amazon Order -> orderBulkCreate input: money, taxes, addresses, status (no DB)."""

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest

from saleor_amazon_feeds.orders import mapping
from saleor_amazon_feeds.orders.mapping import (
    HoldOrder,
    MappingContext,
    VariantInfo,
    map_order,
)

SEED = (
    Path(mapping.__file__).parent.parent / "sandbox" / "data" / "orders.json"
).read_text(encoding="utf-8")
ORDERS = {o["orderId"]: o for o in json.loads(SEED)["orders"]}

DE_SINGLE = "302-4815162-3421001"
DE_PROMO = "302-9087123-5566002"
DE_FBA = "303-1122334-7788003"
DE_BUSINESS = "304-5566778-9900004"
DE_PENDING = "306-2468135-7913005"
US_MFN = "113-7781234-5521006"
US_FBA = "114-3344556-6677007"


def order(order_id):
    return copy.deepcopy(ORDERS[order_id])


def ctx(currency="EUR", rate="0.19", include=True, skus=None, shipping_rate=None):
    skus = skus or [
        "TSHIRT-BLUE-M",
        "TSHIRT-RED-L",
        "MUG-CLASSIC-WHITE",
        "BACKPACK-URBAN-GREY",
        "TSHIRT-BLUE-M-US",
        "LUGGAGE-SPINNER-20",
        "TRAVEL-TAG-SET",
    ]
    return MappingContext(
        channel_slug="amazon-de",
        currency=currency,
        marketplace_id="A1PA6795UKMFR9",
        warehouse_id="V2FyZWhvdXNlOjE=",
        shipping_method_id="U2hpcHBpbmdNZXRob2Q6MQ==",
        shipping_method_name="DHL Paket",
        variants={
            sku: VariantInfo(
                id=f"variant-{sku}",
                sku=sku,
                product_name=f"Product {sku}",
                variant_name=sku,
                tax_rate=Decimal(rate),
            )
            for sku in skus
        },
        prices_include_tax=include,
        shipping_tax_rate=Decimal(shipping_rate if shipping_rate else rate),
        language_code="DE",
    )


def amounts(line):
    return (
        line["totalPrice"]["gross"],
        line["totalPrice"]["net"],
        line["undiscountedTotalPrice"]["gross"],
        line["undiscountedTotalPrice"]["net"],
        line["taxRate"],
    )


def test_eu_consumer_prices_include_vat_split_with_channel_rate():
    mapped = map_order(order(DE_SINGLE), ctx())
    data = mapped.input
    (line,) = data["lines"]
    # 24.90 incl. 19 % VAT: net 20.92, VAT 3.98; shipping 3.90 -> 3.28 net.
    assert amounts(line) == ("24.90", "20.92", "24.90", "20.92", "0.19")
    assert data["deliveryMethod"]["shippingPrice"] == {"gross": "3.90", "net": "3.28"}
    assert mapped.total == Decimal("28.80")
    assert data["transactions"][0]["amountCharged"] == {
        "amount": "28.80",
        "currency": "EUR",
    }
    assert data["externalReference"] == DE_SINGLE
    assert data["status"] == "UNFULFILLED"
    assert data["user"] == {"email": "7x2kq9l1m3b8v5n@marketplace.amazon.de"}
    assert data["shippingAddress"] == {
        "firstName": "Jonas",
        "lastName": "Becker",
        "companyName": "",
        "streetAddress1": "Lindenstraße 12",
        "streetAddress2": "",
        "city": "Berlin",
        "cityArea": "",
        "postalCode": "10969",
        "country": "DE",
        "countryArea": "",
        "phone": "+49 30 12345678",
    }
    assert data["billingAddress"] == data["shippingAddress"]
    assert {"key": "amazon.order_id", "value": DE_SINGLE} in data["metadata"]
    assert {"key": "amazon.marketplace_id", "value": "A1PA6795UKMFR9"} in data[
        "metadata"
    ]
    assert line["metadata"] == [
        {"key": "amazon.order_item_id", "value": "41520312340017"}
    ]


def test_channel_without_taxes_keeps_gross_as_net():
    data = map_order(order(DE_SINGLE), ctx(rate="0")).input
    assert amounts(data["lines"][0]) == ("24.90", "24.90", "24.90", "24.90", "0")


def test_eu_promotion_discounts_the_line_and_keeps_the_total():
    mapped = map_order(order(DE_PROMO), ctx())
    shirts, mug = mapped.input["lines"]
    # 2 x 24.90 = 49.80 minus the 4.98 promotion, VAT included.
    assert amounts(shirts) == ("44.82", "37.66", "49.80", "41.85", "0.19")
    assert shirts["unitDiscountReason"] == "Amazon promotion DE-FRUEHLING-10"
    assert shirts["quantity"] == 2
    assert amounts(mug) == ("12.50", "10.50", "12.50", "10.50", "0.19")
    assert "unitDiscountReason" not in mug
    assert mapped.input["deliveryMethod"]["shippingPrice"] == {
        "gross": "4.90",
        "net": "4.12",
    }
    assert mapped.total == Decimal("62.22")
    assert mapped.input["shippingAddress"]["streetAddress2"] == "3. OG"


def test_eu_business_order_has_vat_on_top_and_the_vat_address_as_billing():
    mapped = map_order(order(DE_BUSINESS), ctx())
    blue, red = mapped.input["lines"]
    assert amounts(blue) == ("497.90", "418.40", "497.90", "418.40", "0.1900")
    assert amounts(red) == ("248.95", "209.20", "248.95", "209.20", "0.1900")
    assert mapped.input["deliveryMethod"]["shippingPrice"] == {
        "gross": "0",
        "net": "0",
    }
    assert mapped.total == Decimal("746.85")
    assert mapped.input["billingAddress"]["companyName"] == "Brauer & Söhne GmbH"
    metadata = {m["key"]: m["value"] for m in mapped.input["metadata"]}
    assert metadata["amazon.buyer_tax_registration"] == "DE811234567"
    assert metadata["amazon.purchase_order_number"] == "PO-2026-0315"


def test_us_sales_tax_is_added_on_top():
    mapped = map_order(order(US_MFN), ctx(currency="USD", rate="0", include=False))
    (line,) = mapped.input["lines"]
    assert amounts(line) == ("21.79", "19.99", "21.79", "19.99", "0.0900")
    assert mapped.input["deliveryMethod"]["shippingPrice"] == {
        "gross": "4.99",
        "net": "4.99",
    }
    assert mapped.total == Decimal("26.78")
    assert mapped.input["shippingAddress"]["countryArea"] == "OR"


def test_us_fba_order_arrives_fulfilled_with_amazon_packages():
    mapped = map_order(order(US_FBA), ctx(currency="USD", include=False))
    luggage, tags = mapped.input["lines"]
    # 129.00 - 19.35 promotion = 109.65 net, + 9.68 tax collected by Amazon.
    assert amounts(luggage) == ("119.33", "109.65", "138.68", "129.00", "0.0883")
    assert amounts(tags) == ("21.48", "19.98", "21.48", "19.98", "0.0751")
    assert mapped.total == Decimal("140.81")
    assert mapped.status == "FULFILLED"
    assert mapped.input["fulfillments"] == [
        {
            "trackingCode": "",
            "lines": [
                {
                    "variantId": "variant-LUGGAGE-SPINNER-20",
                    "quantity": 1,
                    "warehouse": "V2FyZWhvdXNlOjE=",
                    "orderLineIndex": 0,
                },
                {
                    "variantId": "variant-TRAVEL-TAG-SET",
                    "quantity": 2,
                    "warehouse": "V2FyZWhvdXNlOjE=",
                    "orderLineIndex": 1,
                },
            ],
        }
    ]


def test_de_fba_package_becomes_a_fulfillment_with_tracking():
    mapped = map_order(order(DE_FBA), ctx())
    assert mapped.status == "FULFILLED"
    (fulfillment,) = mapped.input["fulfillments"]
    assert fulfillment["trackingCode"] == "JJD000390007712345678"
    assert fulfillment["lines"][0]["quantity"] == 1


def test_unknown_sku_holds_the_order_naming_it():
    with pytest.raises(HoldOrder, match="Unknown SKU.*MUG-CLASSIC-WHITE"):
        map_order(order(DE_PROMO), ctx(skus=["TSHIRT-RED-L"]))


def test_currency_mismatch_holds_the_order():
    with pytest.raises(HoldOrder, match="Currency mismatch.*USD.*EUR"):
        map_order(order(US_MFN), ctx(currency="EUR"))


def test_unmapped_charges_hold_instead_of_a_wrong_total():
    data = order(DE_SINGLE)
    data["orderItems"][0]["proceeds"]["breakdowns"].append(
        {"type": "GIFT_WRAP", "subtotal": {"amount": "2.00", "currencyCode": "EUR"}}
    )
    data["proceeds"]["grandTotal"]["amount"] = "30.80"
    with pytest.raises(HoldOrder, match="cannot map"):
        map_order(data, ctx())


def test_total_mismatch_holds():
    data = order(DE_SINGLE)
    data["proceeds"]["grandTotal"]["amount"] = "29.80"
    with pytest.raises(HoldOrder, match="does not match"):
        map_order(data, ctx())


def test_pending_order_is_not_mapped():
    assert mapping.status_of(ORDERS[DE_PENDING]) == "PENDING"
    with pytest.raises(HoldOrder, match="PENDING"):
        map_order(order(DE_PENDING), ctx())


def test_missing_address_holds():
    data = order(DE_SINGLE)
    del data["recipient"]
    with pytest.raises(HoldOrder, match="delivery address"):
        map_order(data, ctx())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("STANDARD", "Standard"),
        ("SECOND_DAY", "SecondDay"),
        ("NEXT_DAY", "NextDay"),
        ("FREE_ECONOMY", "FreeEconomy"),
    ],
)
def test_service_levels_match_the_mapping_choices(raw, expected):
    assert mapping.service_level({"fulfillment": {"fulfillmentServiceLevel": raw}}) == (
        expected
    )


def test_partially_shipped_merchant_order_keeps_amazons_package():
    data = order(DE_PROMO)
    data["fulfillment"]["fulfillmentStatus"] = "PARTIALLY_SHIPPED"
    data["orderItems"][1]["fulfillment"] = {
        "quantityFulfilled": 1,
        "quantityUnfulfilled": 0,
    }
    data["packages"] = [
        {
            "packageReferenceId": "1",
            "trackingNumber": "SC-77",
            "packageItems": [{"orderItemId": "41520312340022", "quantity": 1}],
        }
    ]
    mapped = map_order(data, ctx())
    assert mapped.status == "PARTIALLY_FULFILLED"
    assert mapped.input["fulfillments"] == [
        {
            "trackingCode": "SC-77",
            "lines": [
                {
                    "variantId": "variant-MUG-CLASSIC-WHITE",
                    "quantity": 1,
                    "warehouse": "V2FyZWhvdXNlOjE=",
                    "orderLineIndex": 1,
                }
            ],
        }
    ]
    assert [
        (line.sku, line.quantity, line.quantity_fulfilled) for line in mapped.lines
    ] == [
        ("TSHIRT-RED-L", 2, 0),
        ("MUG-CLASSIC-WHITE", 1, 1),
    ]
