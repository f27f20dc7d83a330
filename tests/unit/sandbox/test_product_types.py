import base64
import hashlib

import httpx
import pytest

from tests.fixtures.sandbox import DE, US
from tests.unit.sandbox.schemas import assert_response

MODEL = "definitionsProductTypes_2020-09-01"


def test_search_by_keywords_and_item_name(sandbox):
    response = sandbox.sp(
        "GET",
        "/definitions/2020-09-01/productTypes",
        params={"marketplaceIds": US, "keywords": "suitcase"},
    )
    body = assert_response(MODEL, "searchDefinitionsProductTypes", response)
    assert [p["name"] for p in body["productTypes"]] == ["LUGGAGE"]
    by_name = sandbox.sp(
        "GET",
        "/definitions/2020-09-01/productTypes",
        params={"marketplaceIds": DE, "itemName": "Acme Cotton T-Shirt blue"},
    ).json()
    assert "SHIRT" in [p["name"] for p in by_name["productTypes"]]
    everything = sandbox.sp(
        "GET", "/definitions/2020-09-01/productTypes", params={"marketplaceIds": DE}
    ).json()
    assert {"LUGGAGE", "PRODUCT", "SHIRT"} <= {
        p["name"] for p in everything["productTypes"]
    }
    both = sandbox.sp(
        "GET",
        "/definitions/2020-09-01/productTypes",
        params={"marketplaceIds": DE, "keywords": "x", "itemName": "y"},
    )
    assert both.status_code == 400


def test_get_definition_and_download_schema(sandbox):
    response = sandbox.sp(
        "GET",
        "/definitions/2020-09-01/productTypes/SHIRT",
        params={"marketplaceIds": DE},
    )
    body = assert_response(MODEL, "getDefinitionsProductType", response)
    assert body["productType"] == "SHIRT"
    assert body["locale"] == "de_DE"
    assert body["requirements"] == "LISTING"
    assert body["requirementsEnforced"] == "ENFORCED"
    schema = httpx.get(body["schema"]["link"]["resource"])
    assert schema.status_code == 200
    assert (
        base64.b64encode(hashlib.md5(schema.content).digest()).decode()
        == body["schema"]["checksum"]
    )
    doc = schema.json()
    themes = doc["properties"]["variation_theme"]["items"]["properties"]["name"]["enum"]
    assert themes == ["SIZE", "COLOR", "SIZE/COLOR"]
    assert doc["properties"]["list_price"]["items"]["properties"]["currency"][
        "enum"
    ] == ["EUR"]
    meta = httpx.get(body["metaSchema"]["link"]["resource"])
    assert (
        base64.b64encode(hashlib.md5(meta.content).digest()).decode()
        == body["metaSchema"]["checksum"]
    )
    offer_only = sandbox.sp(
        "GET",
        "/definitions/2020-09-01/productTypes/SHIRT",
        params={"marketplaceIds": US, "requirements": "LISTING_OFFER_ONLY"},
    ).json()
    assert offer_only["schema"]["checksum"] != body["schema"]["checksum"]
    offer_schema = httpx.get(offer_only["schema"]["link"]["resource"]).json()
    assert "item_name" not in offer_schema["required"]
    assert offer_schema["properties"]["list_price"]["items"]["properties"]["currency"][
        "enum"
    ] == ["USD"]


def test_get_definition_errors(sandbox):
    unknown = sandbox.sp(
        "GET",
        "/definitions/2020-09-01/productTypes/NOPE",
        params={"marketplaceIds": DE},
    )
    assert unknown.status_code == 404
    no_market = sandbox.sp("GET", "/definitions/2020-09-01/productTypes/SHIRT")
    assert no_market.status_code == 400
    two = sandbox.sp(
        "GET",
        "/definitions/2020-09-01/productTypes/SHIRT",
        params={"marketplaceIds": f"{DE},{US}"},
    )
    assert two.status_code == 400


@pytest.mark.spapi_samples
def test_sample_product_from_spec_folder(sandbox):
    body = sandbox.sp(
        "GET",
        "/definitions/2020-09-01/productTypes/SAMPLE_PRODUCT",
        params={"marketplaceIds": DE},
    ).json()
    schema = httpx.get(body["schema"]["link"]["resource"]).json()
    assert schema["required"] == ["item_name", "brand", "condition_type"]
