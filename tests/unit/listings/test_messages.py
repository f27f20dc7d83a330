from decimal import Decimal

import pytest

from saleor_amazon_feeds.listings import json_encoding
from saleor_amazon_feeds.listings.messages import (
    MessageKind,
    Requirements,
    StockLevel,
    VariantListing,
    delete_message,
    inventory_patch,
    listing_update,
    localized,
    money,
    price_patch,
    sellable_quantity,
    variation_family,
    variation_theme_name,
)

DE = "A1PA6795UKMFR9"


@pytest.mark.spapi
def test_listing_update_shape(message_validator):
    msg = listing_update(
        "SKU-1",
        "SAMPLE_PRODUCT",
        {"item_name": localized("Tričko", marketplace_id=DE, language_tag="de_DE")},
        requirements=Requirements.LISTING_OFFER_ONLY,
    )
    body = msg.as_dict(7)
    assert body == {
        "messageId": 7,
        "sku": "SKU-1",
        "operationType": "UPDATE",
        "productType": "SAMPLE_PRODUCT",
        "requirements": "LISTING_OFFER_ONLY",
        "attributes": {
            "item_name": [
                {"value": "Tričko", "language_tag": "de_DE", "marketplace_id": DE}
            ]
        },
    }
    assert msg.kind is MessageKind.LISTING
    message_validator.validate(body)


@pytest.mark.spapi
def test_inventory_patch(message_validator):
    msg = inventory_patch("SKU-1", "SAMPLE_PRODUCT", 12, handling_time_days=3)
    body = msg.as_dict(1)
    assert body["operationType"] == "PATCH"
    assert body["patches"] == [
        {
            "op": "replace",
            "path": "/attributes/fulfillment_availability",
            "value": [
                {
                    "fulfillment_channel_code": "DEFAULT",
                    "quantity": 12,
                    "lead_time_to_ship_max_days": 3,
                }
            ],
        }
    ]
    message_validator.validate(body)
    no_handling = inventory_patch("SKU-1", "X", 0).as_dict(1)
    assert "lead_time_to_ship_max_days" not in no_handling["patches"][0]["value"][0]
    with pytest.raises(ValueError, match="non-negative"):
        inventory_patch("SKU-1", "X", -1)


@pytest.mark.spapi
def test_price_patch_with_and_without_list_price(message_validator):
    plain = price_patch(
        "SKU-1", "SAMPLE_PRODUCT", Decimal("24.9"), marketplace_id=DE, currency="EUR"
    ).as_dict(1)
    assert [p["path"] for p in plain["patches"]] == ["/attributes/purchasable_offer"]
    offer = plain["patches"][0]["value"][0]
    assert offer == {
        "marketplace_id": DE,
        "currency": "EUR",
        "audience": "ALL",
        "our_price": [{"schedule": [{"value_with_tax": Decimal("24.90")}]}],
    }
    message_validator.validate(plain)

    both = price_patch(
        "SKU-1",
        "SAMPLE_PRODUCT",
        "19.99",
        marketplace_id=DE,
        currency="EUR",
        compare_at_price=Decimal("29.9"),
    ).as_dict(1)
    assert both["patches"][1] == {
        "op": "replace",
        "path": "/attributes/list_price",
        "value": [
            {
                "marketplace_id": DE,
                "currency": "EUR",
                "value_with_tax": Decimal("29.90"),
            }
        ],
    }
    assert set(both) == {"messageId", "sku", "operationType", "productType", "patches"}
    message_validator.validate(both)


def test_amounts_serialise_exactly():
    # 0.1 + 0.2 style errors would show up as 0.30000000000000004.
    total = money(Decimal("0.1"), "EUR") + money(Decimal("0.2"), "EUR")
    assert json_encoding.dumps({"v": total}) == '{"v":0.30}'
    assert json_encoding.dumps({"v": money("1999", "JPY")}) == '{"v":1999}'
    assert json_encoding.dumps({"v": money("2.345", "EUR")}) == '{"v":2.35}'
    assert json_encoding.dumps(["ä", None, True, 3]) == '["ä",null,true,3]'
    with pytest.raises(TypeError):
        money(19.99, "EUR")
    with pytest.raises(ValueError):
        money("-1", "EUR")
    with pytest.raises(ValueError):
        json_encoding.dumps(Decimal("NaN"))


@pytest.mark.spapi
def test_delete(message_validator):
    body = delete_message("OLD").as_dict(3)
    assert body == {"messageId": 3, "sku": "OLD", "operationType": "DELETE"}
    message_validator.validate(body)
    with pytest.raises(ValueError):
        delete_message("")
    with pytest.raises(ValueError, match="40"):
        delete_message("X" * 41)


def test_sellable_quantity():
    stocks = [StockLevel(10, 3), StockLevel(2, 5), (4, 0)]
    # 7 + 0 (over-allocated warehouse does not go negative) + 4
    assert sellable_quantity(stocks) == 11
    assert sellable_quantity(stocks, buffer=2) == 9
    assert sellable_quantity(stocks, buffer=2, maximum=5) == 5
    assert sellable_quantity(stocks, buffer=50) == 0
    assert sellable_quantity([]) == 0


def test_variation_theme_name():
    assert variation_theme_name(["size", "color"]) == "SIZE/COLOR"
    assert variation_theme_name(["color", "size"], ["SIZE/COLOR", "COLOR"]) == (
        "SIZE/COLOR"
    )
    with pytest.raises(ValueError, match="allows"):
        variation_theme_name(["material"], ["SIZE", "COLOR"])
    with pytest.raises(ValueError):
        variation_theme_name([])


@pytest.mark.spapi
def test_variation_family(message_validator):
    offer = {"purchasable_offer": [{"currency": "EUR"}], "brand": [{"value": "Acme"}]}
    messages = variation_family(
        "TSHIRT-P",
        "SAMPLE_PRODUCT",
        parent_attributes=offer,
        variants=[
            VariantListing(
                "TSHIRT-RED-L",
                {"brand": [{"value": "Acme"}]},
                {"size": "L", "color": "Rot"},
            ),
            VariantListing(
                "TSHIRT-BLUE-M",
                {"brand": [{"value": "Acme"}]},
                {"size": "M", "color": "Blau"},
            ),
        ],
        theme_attributes=["size", "color"],
        marketplace_id=DE,
        language_tag="de_DE",
    )
    assert [m.sku for m in messages] == ["TSHIRT-P", "TSHIRT-BLUE-M", "TSHIRT-RED-L"]
    assert [m.kind for m in messages] == [
        MessageKind.PARENT,
        MessageKind.CHILD,
        MessageKind.CHILD,
    ]
    parent = messages[0].as_dict(1)
    assert "purchasable_offer" not in parent["attributes"]
    assert parent["requirements"] == "LISTING_PRODUCT_ONLY"
    assert parent["attributes"]["parentage_level"][0]["value"] == "parent"
    assert parent["attributes"]["variation_theme"] == [{"name": "SIZE/COLOR"}]
    child = messages[1].as_dict(2)["attributes"]
    assert child["parentage_level"][0]["value"] == "child"
    assert child["child_parent_sku_relationship"] == [
        {
            "marketplace_id": DE,
            "child_relationship_type": "variation",
            "parent_sku": "TSHIRT-P",
        }
    ]
    assert child["size"][0]["value"] == "M"
    assert child["color"][0] == {
        "value": "Blau",
        "language_tag": "de_DE",
        "marketplace_id": DE,
    }
    for index, message in enumerate(messages, 1):
        message_validator.validate(message.as_dict(index))


def test_variation_family_shares_its_values_through_intern():
    """With ``intern`` a family's own values are made once per key (and
    shared between families by the caller): the same messages as without."""
    made: dict[tuple, list] = {}

    def intern(key, make):
        if key not in made:
            made[key] = make()
        return made[key]

    def family(parent_sku, colors, **kwargs):
        return variation_family(
            parent_sku,
            "SHIRT",
            parent_attributes={"brand": [{"value": "Acme"}]},
            variants=[
                VariantListing(f"{parent_sku}-{c}", {}, {"color": c}) for c in colors
            ],
            theme_attributes=["color"],
            marketplace_id=DE,
            language_tag="de_DE",
            **kwargs,
        )

    first = family("A", ["Rot", "Blau"], intern=intern)
    second = family("B", ["Rot"], intern=intern)
    plain = family("A", ["Rot", "Blau"])
    assert [m.as_dict(i) for i, m in enumerate(first)] == [
        m.as_dict(i) for i, m in enumerate(plain)
    ]
    a_blue, a_red = (m.payload["attributes"] for m in first[1:])
    b_red = second[1].payload["attributes"]
    assert a_red["color"] is b_red["color"]
    assert a_red["parentage_level"] is b_red["parentage_level"]
    assert a_red["variation_theme"] is first[0].payload["attributes"]["variation_theme"]
    # The relationship names the parent: shared within a family only.
    assert (
        a_red["child_parent_sku_relationship"]
        is a_blue["child_parent_sku_relationship"]
    )
    assert (
        b_red["child_parent_sku_relationship"]
        is not a_red["child_parent_sku_relationship"]
    )
    assert (
        first[0].payload["attributes"]["parentage_level"]
        is not a_red["parentage_level"]
    )


def test_variation_family_rejects_incomplete_variants():
    with pytest.raises(ValueError, match="no value for color"):
        variation_family(
            "P",
            "X",
            parent_attributes={"brand": []},
            variants=[VariantListing("C1", {}, {"size": "M"})],
            theme_attributes=["size", "color"],
            marketplace_id=DE,
        )
    with pytest.raises(ValueError, match="no variants"):
        variation_family(
            "P",
            "X",
            parent_attributes={},
            variants=[],
            theme_attributes=["size"],
            marketplace_id=DE,
        )
