import copy
import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.fixtures.sandbox import DE, US
from tests.unit.sandbox.schemas import assert_response

MODEL = "orders_2026-01-01"
SEARCH = "/orders/2026-01-01/orders"
ALL_DATA = (
    "BUYER,RECIPIENT,PROCEEDS,EXPENSE,PROMOTION,CANCELLATION,FULFILLMENT,PACKAGES,"
    "TAX,PAYMENT"
)


def _ago(**delta):
    return (datetime.now(UTC) - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _admin_orders(sandbox):
    return {
        o["orderId"]: o for o in sandbox.http.get("/_sandbox/orders").json()["orders"]
    }


def test_search_orders_with_pagination(sandbox):
    seen = []
    params = {
        "createdAfter": _ago(days=30),
        "marketplaceIds": DE,
        "maxResultsPerPage": 2,
        "includedData": ALL_DATA,
    }
    pages = 0
    while True:
        body = assert_response(
            MODEL, "searchOrders", sandbox.sp("GET", SEARCH, params=params)
        )
        pages += 1
        seen.extend(o["orderId"] for o in body["orders"])
        assert all(o["salesChannel"]["marketplaceId"] == DE for o in body["orders"])
        token = (body.get("pagination") or {}).get("nextToken")
        if not token:
            break
        params = {"paginationToken": token}
    assert pages == 3
    assert len(seen) == len(set(seen)) == 5
    assert body["createdBefore"]


def test_search_orders_filters(sandbox):
    us = sandbox.sp(
        "GET", SEARCH, params={"createdAfter": _ago(days=30), "marketplaceIds": US}
    ).json()
    assert len(us["orders"]) == 3
    fba = sandbox.sp(
        "GET",
        SEARCH,
        params={
            "createdAfter": _ago(days=30),
            "fulfilledBy": "AMAZON",
            "includedData": "FULFILLMENT",
        },
    ).json()
    assert {o["fulfillment"]["fulfilledBy"] for o in fba["orders"]} == {"AMAZON"}
    unshipped = sandbox.sp(
        "GET",
        SEARCH,
        params={
            "createdAfter": _ago(days=30),
            "fulfillmentStatuses": "UNSHIPPED,PENDING",
        },
    ).json()
    assert len(unshipped["orders"]) == 5
    # Datasets not asked for stay out of the response.
    assert "buyer" not in unshipped["orders"][0]
    assert "proceeds" not in unshipped["orders"][0]["orderItems"][0]


def test_search_orders_last_updated_after(sandbox):
    orders = _admin_orders(sandbox)
    newest = max(orders.values(), key=lambda o: o["lastUpdatedTime"])
    body = sandbox.sp(
        "GET", SEARCH, params={"lastUpdatedAfter": newest["lastUpdatedTime"]}
    ).json()
    assert [o["orderId"] for o in body["orders"]] == [newest["orderId"]]
    assert body["lastUpdatedBefore"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {
            "createdAfter": "2026-01-01T00:00:00Z",
            "lastUpdatedAfter": "2026-01-01T00:00:00Z",
        },
        {"createdAfter": "yesterday"},
        {
            "lastUpdatedAfter": "2026-01-01T00:00:00Z",
            "createdBefore": "2026-01-02T00:00:00Z",
        },
        {"createdAfter": "2026-01-01T00:00:00Z", "maxResultsPerPage": 101},
        {"createdAfter": "2026-01-01T00:00:00Z", "fulfillmentStatuses": "LOST"},
    ],
)
def test_search_orders_rejects_bad_queries(sandbox, params):
    response = sandbox.sp("GET", SEARCH, params=params)
    assert_response(MODEL, "searchOrders", response, 400)
    assert response.json()["errors"][0]["code"] == "InvalidInput"


def test_get_order_included_data(sandbox):
    response = sandbox.sp(
        "GET", f"{SEARCH}/304-5566778-9900004", params={"includedData": ALL_DATA}
    )
    order = assert_response(MODEL, "getOrder", response)["order"]
    assert order["tax"]["taxRegistrations"][0]["taxRegistrationNumber"] == "DE811234567"
    assert order["buyer"]["buyerCompanyName"] == "Brauer & Söhne GmbH"
    bare = sandbox.sp("GET", f"{SEARCH}/304-5566778-9900004").json()["order"]
    assert "tax" not in bare
    assert "buyer" not in bare
    assert bare["orderItems"][0]["product"]["sellerSku"] == "TSHIRT-BLUE-M"
    assert_response(
        MODEL, "getOrder", sandbox.sp("GET", f"{SEARCH}/000-0000000-0000000"), 404
    )


def test_posted_order_upserts_and_bumps_last_updated(sandbox):
    orders = _admin_orders(sandbox)
    order = copy.deepcopy(orders["306-2468135-7913005"])
    order["fulfillment"]["fulfillmentStatus"] = "UNSHIPPED"
    result = sandbox.post_orders([order]).json()
    assert result == {
        "created": [],
        "updated": ["306-2468135-7913005"],
        "unchanged": [],
    }
    again = sandbox.post_orders([order]).json()
    assert again["unchanged"] == ["306-2468135-7913005"]
    got = sandbox.sp(
        "GET", f"{SEARCH}/306-2468135-7913005", params={"includedData": "FULFILLMENT"}
    ).json()
    assert got["order"]["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    assert got["order"]["lastUpdatedTime"] > order["lastUpdatedTime"]
    since = got["order"]["lastUpdatedTime"]
    time.sleep(1.3)  # Amazon hides the last two minutes; scaled by time_scale 100
    found = sandbox.sp("GET", SEARCH, params={"lastUpdatedAfter": since}).json()
    assert [o["orderId"] for o in found["orders"]] == ["306-2468135-7913005"]


@pytest.mark.spapi
def test_posted_order_is_validated(sandbox):
    response = sandbox.post_orders([{"orderId": "X", "createdTime": "yesterday"}])
    assert response.status_code == 400
    details = response.json()["errors"][0]["details"]
    assert "createdTime" in details
    assert "salesChannel" in details


def _shipment(item_id="41520312340017", quantity=1, ref="1", marketplace=DE):
    return {
        "marketplaceId": marketplace,
        "packageDetail": {
            "packageReferenceId": ref,
            "carrierCode": "DHL",
            "trackingNumber": "JJD0099887766",
            "shipDate": _ago(minutes=5),
            "orderItems": [{"orderItemId": item_id, "quantity": quantity}],
        },
    }


def _confirm(sandbox, order_id, body):
    return sandbox.sp(
        "POST", f"/orders/v0/orders/{order_id}/shipmentConfirmation", json=body
    )


def test_confirm_shipment_ok(sandbox):
    response = _confirm(sandbox, "302-4815162-3421001", _shipment())
    assert_response("ordersV0", "confirmShipment", response, 204)
    shipments = sandbox.shipments()
    assert shipments[0]["orderId"] == "302-4815162-3421001"
    assert shipments[0]["request"]["packageDetail"]["trackingNumber"] == "JJD0099887766"
    order = sandbox.sp(
        "GET",
        f"{SEARCH}/302-4815162-3421001",
        params={"includedData": "FULFILLMENT,PACKAGES"},
    ).json()["order"]
    assert order["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert order["packages"][0]["trackingNumber"] == "JJD0099887766"
    assert order["orderItems"][0]["fulfillment"]["quantityUnfulfilled"] == 0


def test_confirm_shipment_partial(sandbox):
    response = _confirm(sandbox, "302-9087123-5566002", _shipment("41520312340021", 1))
    assert response.status_code == 204
    order = sandbox.sp(
        "GET", f"{SEARCH}/302-9087123-5566002", params={"includedData": "FULFILLMENT"}
    ).json()["order"]
    assert order["fulfillment"]["fulfillmentStatus"] == "PARTIALLY_SHIPPED"


@pytest.mark.parametrize(
    ("order_id", "body", "fragment"),
    [
        ("302-4815162-3421001", _shipment(item_id="999"), "999"),
        ("302-4815162-3421001", _shipment(quantity=2), "quantity"),
        ("302-4815162-3421001", _shipment(ref="abc"), "packageReferenceId"),
        ("302-4815162-3421001", _shipment(marketplace=US), "marketplaceId"),
        ("303-1122334-7788003", _shipment("41520312340031"), "fulfilled by Amazon"),
        ("306-2468135-7913005", _shipment("41520312340051"), "PENDING"),
        (
            "112-9988776-1100008",
            _shipment("11361234500081", marketplace=US),
            "CANCELLED",
        ),
    ],
)
def test_confirm_shipment_invalid(sandbox, order_id, body, fragment):
    response = _confirm(sandbox, order_id, body)
    assert_response("ordersV0", "confirmShipment", response, 400)
    assert fragment in response.json()["errors"][0]["details"]
    assert sandbox.shipments() == []


@pytest.mark.spapi
def test_confirm_shipment_body_validation(sandbox):
    body = _shipment()
    del body["packageDetail"]["trackingNumber"]
    body["packageDetail"]["shipDate"] = "02/21/2022"
    response = _confirm(sandbox, "302-4815162-3421001", body)
    assert response.status_code == 400
    details = response.json()["errors"][0]["details"]
    assert "trackingNumber" in details
    assert "shipDate" in details
    missing = _confirm(sandbox, "000-0000000-0000000", _shipment())
    assert missing.status_code == 404
