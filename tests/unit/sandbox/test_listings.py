import pytest

from tests.fixtures.sandbox import DE
from tests.unit.sandbox.schemas import assert_response

MODEL = "listingsItems_2021-08-01"
ITEM_DATA = "summaries,attributes,issues,offers,fulfillmentAvailability,productTypes"


def _path(sandbox, sku):
    return f"/listings/2021-08-01/items/{sandbox.seller_id}/{sku}"


def _product_attrs():
    return {
        "item_name": [
            {"value": "Acme Tasse", "language_tag": "de_DE", "marketplace_id": DE}
        ],
        "brand": [{"value": "Acme", "language_tag": "de_DE", "marketplace_id": DE}],
        "condition_type": [{"value": "new_new", "marketplace_id": DE}],
        "externally_assigned_product_identifier": [
            {"type": "ean", "value": "4006381333931", "marketplace_id": DE}
        ],
        "purchasable_offer": [
            {
                "currency": "EUR",
                "marketplace_id": DE,
                "our_price": [{"schedule": [{"value_with_tax": 12.5}]}],
            }
        ],
        "fulfillment_availability": [
            {"fulfillment_channel_code": "DEFAULT", "quantity": 7}
        ],
    }


def test_put_get_patch_delete(sandbox):
    path = _path(sandbox, "MUG/WHITE 1")  # slash and space must survive encoding
    encoded = _path(sandbox, "MUG%2FWHITE%201")
    put = sandbox.sp(
        "PUT",
        encoded,
        params={"marketplaceIds": DE},
        json={
            "productType": "PRODUCT",
            "requirements": "LISTING",
            "attributes": _product_attrs(),
        },
    )
    body = assert_response(MODEL, "putListingsItem", put)
    assert body["status"] == "ACCEPTED"
    assert body["sku"] == "MUG/WHITE 1"
    assert body["issues"] == []
    got = sandbox.sp(
        "GET",
        encoded,
        params={
            "marketplaceIds": DE,
            "includedData": ITEM_DATA,
        },
    )
    item = assert_response(MODEL, "getListingsItem", got)
    assert item["summaries"][0]["status"] == ["BUYABLE", "DISCOVERABLE"]
    assert item["summaries"][0]["itemName"] == "Acme Tasse"
    assert item["offers"][0]["price"] == {"currencyCode": "EUR", "amount": "12.5"}
    assert item["fulfillmentAvailability"] == [
        {"fulfillmentChannelCode": "DEFAULT", "quantity": 7}
    ]
    patch = sandbox.sp(
        "PATCH",
        encoded,
        params={"marketplaceIds": DE},
        json={
            "productType": "PRODUCT",
            "patches": [
                {
                    "op": "replace",
                    "path": "/attributes/fulfillment_availability",
                    "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 0}],
                }
            ],
        },
    )
    assert assert_response(MODEL, "patchListingsItem", patch)["status"] == "ACCEPTED"
    stored = {entry["sku"]: entry for entry in sandbox.listings(DE)}
    assert (
        stored["MUG/WHITE 1"]["attributes"]["fulfillment_availability"][0]["quantity"]
        == 0
    )
    deleted = sandbox.sp("DELETE", encoded, params={"marketplaceIds": DE})
    assert assert_response(MODEL, "deleteListingsItem", deleted)["status"] == "ACCEPTED"
    missing = sandbox.sp("GET", encoded, params={"marketplaceIds": DE})
    assert_response(MODEL, "getListingsItem", missing, 404)
    assert path  # the unencoded form is what the store keeps


def test_put_invalid_reports_issues_and_saves_nothing(sandbox):
    attrs = _product_attrs()
    del attrs["brand"]
    attrs["fulfillment_availability"][0]["quantity"] = -3
    put = sandbox.sp(
        "PUT",
        _path(sandbox, "BAD"),
        params={"marketplaceIds": DE},
        json={"productType": "PRODUCT", "attributes": attrs},
    )
    body = assert_response(MODEL, "putListingsItem", put)
    assert body["status"] == "INVALID"
    names = {n for issue in body["issues"] for n in issue.get("attributeNames", [])}
    assert {"brand", "fulfillment_availability"} <= names
    assert sandbox.listings(DE) == []


def test_validation_preview_saves_nothing(sandbox):
    put = sandbox.sp(
        "PUT",
        _path(sandbox, "PREVIEW"),
        params={
            "marketplaceIds": DE,
            "mode": "VALIDATION_PREVIEW",
            "includedData": "issues,identifiers",
        },
        json={"productType": "PRODUCT", "attributes": _product_attrs()},
    )
    body = assert_response(MODEL, "putListingsItem", put)
    assert body["status"] == "VALID"
    assert body["identifiers"][0]["marketplaceId"] == DE
    assert sandbox.listings(DE) == []


def test_request_validation(sandbox):
    no_market = sandbox.sp("GET", _path(sandbox, "X"))
    assert no_market.status_code == 400
    assert no_market.json()["errors"][0]["code"] == "InvalidInput"
    bad_body = sandbox.sp(
        "PUT",
        _path(sandbox, "X"),
        params={"marketplaceIds": DE},
        json={"attributes": {}},
    )
    assert bad_body.status_code == 400
    assert "productType" in bad_body.json()["errors"][0]["details"]
    other_seller = sandbox.sp(
        "GET",
        "/listings/2021-08-01/items/AOTHERSELLER/X",
        params={"marketplaceIds": DE},
    )
    assert other_seller.status_code == 403
    two_markets = sandbox.sp(
        "PUT",
        _path(sandbox, "X"),
        params={"marketplaceIds": f"{DE},ATVPDKIKX0DER"},
        json={"productType": "PRODUCT", "attributes": _product_attrs()},
    )
    assert two_markets.status_code == 400


def test_unknown_product_type_is_invalid(sandbox):
    put = sandbox.sp(
        "PUT",
        _path(sandbox, "X"),
        params={"marketplaceIds": DE},
        json={"productType": "SPACESHIP", "attributes": _product_attrs()},
    )
    body = assert_response(MODEL, "putListingsItem", put)
    assert body["status"] == "INVALID"
    assert "SPACESHIP" in body["issues"][0]["message"]


@pytest.mark.spapi
def test_patch_body_checked_against_model(sandbox):
    bad_patch = sandbox.sp(
        "PATCH",
        _path(sandbox, "X"),
        params={"marketplaceIds": DE},
        json={
            "productType": "PRODUCT",
            "patches": [{"op": "move", "path": "/attributes/x"}],
        },
    )
    assert bad_patch.status_code == 400
