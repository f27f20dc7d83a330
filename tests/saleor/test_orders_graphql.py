"""Order import and shipment confirmation through GraphQL: the plugin's API
(start a job, follow it, held orders, confirmations) and Saleor's own
(fulfillments with tracking numbers reach the sandbox as confirmShipment)."""

import pytest
from graphql_relay import to_global_id
from saleor.order.models import Order

from saleor_amazon_feeds.models import (
    AmazonShipmentConfirmation,
    AmazonShippingMapping,
)
from saleor_amazon_feeds.orders.importer import import_marketplace
from tests.fixtures.orders import seed_order, wait_for_amazon

from .graphql_utils import assert_permission_denied, gql, gql_data

pytestmark = pytest.mark.django_db

DE_SINGLE = "302-4815162-3421001"
DE_PROMO = "302-9087123-5566002"
DE_PENDING = "306-2468135-7913005"

IMPORT_ORDERS = """
mutation ($ids: [ID!]!) {
  amazonImportOrders(marketplaceIds: $ids) {
    orderImport { id status }
    errors { field code message }
  }
}
"""
ORDER_IMPORT = """
query ($id: ID!) {
  amazonOrderImport(id: $id) {
    id status trigger requestedBy found imported updated skipped held
    issues { amazonOrderId status reason }
    errors { marketplaceId message }
    marketplaces { marketplaceId }
    startedAt finishedAt
  }
}
"""
ORDER_IMPORTS = """
{ amazonOrderImports(first: 10) { edges { node { id status imported } } } }
"""
IMPORTED_ORDERS = """
query ($status: AmazonImportedOrderStatus) {
  amazonImportedOrders(first: 50, status: $status) {
    edges { node { amazonOrderId status reason amazonStatus fulfilledBy orderId } }
  }
}
"""
CONFIRMATIONS = """
query ($id: ID!) {
  amazonShipmentConfirmations(orderId: $id) {
    packageReferenceId carrierCode carrierName trackingNumber status attempts
    lastError items { orderItemId quantity }
  }
}
"""
ORDER_FULFILL = """
mutation ($order: ID!, $input: OrderFulfillInput!) {
  orderFulfill(order: $order, input: $input) {
    fulfillments { id trackingNumber }
    errors { field code message }
  }
}
"""
UPDATE_TRACKING = """
mutation ($id: ID!, $input: FulfillmentUpdateTrackingInput!) {
  orderFulfillmentUpdateTracking(id: $id, input: $input) {
    fulfillment { trackingNumber }
    errors { field code message }
  }
}
"""


@pytest.fixture
def orders_client(plugin_staff_client, permission_manage_orders):
    plugin_staff_client.user.user_permissions.add(permission_manage_orders)
    return plugin_staff_client


def test_import_orders_mutation_runs_a_job_reported_by_queries(
    orders_client, de_shop, sandbox, django_capture_on_commit_callbacks
):
    unknown = seed_order(DE_SINGLE)
    unknown["orderId"] = "302-0000000-0000201"
    unknown["orderItems"][0]["product"]["sellerSku"] = "NOT-IN-SALEOR"
    sandbox.post_orders([unknown])
    wait_for_amazon()
    marketplace_id = to_global_id("AmazonMarketplace", de_shop.marketplace.pk)

    with django_capture_on_commit_callbacks(execute=True):
        started = gql_data(orders_client, IMPORT_ORDERS, {"ids": [marketplace_id]})
    result = started["amazonImportOrders"]
    assert result["errors"] == []
    assert result["orderImport"]["status"] == "PENDING"

    job = gql_data(orders_client, ORDER_IMPORT, {"id": result["orderImport"]["id"]})[
        "amazonOrderImport"
    ]
    assert job["status"] == "SUCCESS"
    assert job["trigger"] == "MANUAL"
    assert job["requestedBy"] == orders_client.user.email
    assert (job["found"], job["imported"], job["skipped"], job["held"]) == (6, 4, 1, 1)
    assert job["marketplaces"] == [{"marketplaceId": "A1PA6795UKMFR9"}]
    assert job["errors"] == []
    issues = {i["amazonOrderId"]: (i["status"], i["reason"]) for i in job["issues"]}
    assert issues[DE_PENDING][0] == "skipped"
    assert issues["302-0000000-0000201"][0] == "held"
    assert "Unknown SKU(s) in Saleor: NOT-IN-SALEOR" in issues["302-0000000-0000201"][1]
    assert job["startedAt"]
    assert job["finishedAt"]

    jobs = gql_data(orders_client, ORDER_IMPORTS)["amazonOrderImports"]["edges"]
    assert [edge["node"]["imported"] for edge in jobs] == [4]

    held = gql_data(orders_client, IMPORTED_ORDERS, {"status": "HELD"})[
        "amazonImportedOrders"
    ]["edges"]
    assert [e["node"]["amazonOrderId"] for e in held] == ["302-0000000-0000201"]
    assert held[0]["node"]["orderId"] is None
    imported = gql_data(orders_client, IMPORTED_ORDERS, {"status": "IMPORTED"})[
        "amazonImportedOrders"
    ]["edges"]
    by_id = {e["node"]["amazonOrderId"]: e["node"] for e in imported}
    assert by_id[DE_SINGLE]["orderId"] == to_global_id(
        "Order", Order.objects.get(external_reference=DE_SINGLE).pk
    )
    assert by_id[DE_SINGLE]["fulfilledBy"] == "MERCHANT"


def test_order_queries_and_mutation_need_manage_orders(plugin_staff_client, de_shop):
    marketplace_id = to_global_id("AmazonMarketplace", de_shop.marketplace.pk)
    assert_permission_denied(
        gql(plugin_staff_client, IMPORT_ORDERS, {"ids": [marketplace_id]})
    )
    assert_permission_denied(gql(plugin_staff_client, ORDER_IMPORTS))
    assert_permission_denied(gql(plugin_staff_client, IMPORTED_ORDERS))


def test_fulfillment_with_tracking_is_confirmed_to_amazon(
    orders_client,
    staff_api_client,
    permission_group_manage_orders,
    de_shop,
    dhl_method,
    sandbox,
    django_capture_on_commit_callbacks,
):
    AmazonShippingMapping.objects.create(
        marketplace=de_shop.marketplace,
        service_level="Expedited",
        shipping_zone=dhl_method.shipping_zone,
        shipping_method=dhl_method,
    )
    with django_capture_on_commit_callbacks(execute=True):
        import_marketplace(de_shop.marketplace)
    order = Order.objects.get(external_reference=DE_PROMO)
    order_id = to_global_id("Order", order.pk)
    shirts = order.lines.get(product_sku="TSHIRT-RED-L")
    mug = order.lines.get(product_sku="MUG-CLASSIC-WHITE")
    warehouse_id = to_global_id("Warehouse", de_shop.warehouse.pk)
    permission_group_manage_orders.user_set.add(staff_api_client.user)

    # Saleor's own GraphQL: the shirts ship with a DHL tracking number.
    with django_capture_on_commit_callbacks(execute=True):
        body = gql_data(
            staff_api_client,
            ORDER_FULFILL,
            {
                "order": order_id,
                "input": {
                    "notifyCustomer": False,
                    "trackingNumber": "JJD0099887766",
                    "lines": [
                        {
                            "orderLineId": to_global_id("OrderLine", shirts.pk),
                            "stocks": [{"quantity": 2, "warehouse": warehouse_id}],
                        }
                    ],
                },
            },
        )
    assert body["orderFulfill"]["errors"] == []

    (shipment,) = sandbox.shipments()
    assert shipment["orderId"] == DE_PROMO
    detail = shipment["request"]["packageDetail"]
    assert shipment["request"]["marketplaceId"] == "A1PA6795UKMFR9"
    assert detail["packageReferenceId"] == "1"
    assert detail["carrierCode"] == "DHL"
    assert detail["trackingNumber"] == "JJD0099887766"
    assert detail["orderItems"] == [{"orderItemId": "41520312340021", "quantity": 2}]

    # The mug ships without tracking first: nothing is sent until it has one.
    with django_capture_on_commit_callbacks(execute=True):
        body = gql_data(
            staff_api_client,
            ORDER_FULFILL,
            {
                "order": order_id,
                "input": {
                    "notifyCustomer": False,
                    "lines": [
                        {
                            "orderLineId": to_global_id("OrderLine", mug.pk),
                            "stocks": [{"quantity": 1, "warehouse": warehouse_id}],
                        }
                    ],
                },
            },
        )
    fulfillment_id = body["orderFulfill"]["fulfillments"][0]["id"]
    assert len(sandbox.shipments()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        body = gql_data(
            staff_api_client,
            UPDATE_TRACKING,
            {"id": fulfillment_id, "input": {"trackingNumber": "JJD0011223344"}},
        )
    assert body["orderFulfillmentUpdateTracking"]["errors"] == []
    second = sandbox.shipments()[1]["request"]["packageDetail"]
    assert second["packageReferenceId"] == "2"
    assert second["trackingNumber"] == "JJD0011223344"
    assert second["orderItems"] == [{"orderItemId": "41520312340022", "quantity": 1}]

    confirmations = gql_data(orders_client, CONFIRMATIONS, {"id": order_id})[
        "amazonShipmentConfirmations"
    ]
    assert [
        (c["packageReferenceId"], c["status"], c["trackingNumber"], c["carrierCode"])
        for c in confirmations
    ] == [
        ("1", "CONFIRMED", "JJD0099887766", "DHL"),
        ("2", "CONFIRMED", "JJD0011223344", "DHL"),
    ]
    order.refresh_from_db()
    assert order.metadata["amazon.shipment.1"] == "CONFIRMED DHL JJD0099887766"
    assert order.metadata["amazon.shipment.2"] == "CONFIRMED DHL JJD0011223344"


def test_failed_confirmation_is_retried_and_visible(
    orders_client,
    staff_api_client,
    permission_group_manage_orders,
    de_shop,
    sandbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        import_marketplace(de_shop.marketplace)
    order = Order.objects.get(external_reference=DE_SINGLE)
    # Amazon cancelled the order meanwhile: confirmShipment is refused for good.
    cancelled = seed_order(DE_SINGLE)
    cancelled["fulfillment"]["fulfillmentStatus"] = "CANCELLED"
    sandbox.post_orders([cancelled])
    permission_group_manage_orders.user_set.add(staff_api_client.user)
    line = order.lines.get()
    with django_capture_on_commit_callbacks(execute=True):
        gql_data(
            staff_api_client,
            ORDER_FULFILL,
            {
                "order": to_global_id("Order", order.pk),
                "input": {
                    "notifyCustomer": False,
                    "trackingNumber": "1Z999",
                    "lines": [
                        {
                            "orderLineId": to_global_id("OrderLine", line.pk),
                            "stocks": [
                                {
                                    "quantity": 1,
                                    "warehouse": to_global_id(
                                        "Warehouse", de_shop.warehouse.pk
                                    ),
                                }
                            ],
                        }
                    ],
                },
            },
        )

    assert sandbox.shipments() == []
    confirmation = AmazonShipmentConfirmation.objects.get()
    assert confirmation.status == "FAILED"
    assert "cannot be shipped in status CANCELLED" in confirmation.last_error
    assert confirmation.carrier_code == "Other"
    assert confirmation.carrier_name == "Amazon shipping"
    order.refresh_from_db()
    assert order.metadata["amazon.shipment.1"].startswith("FAILED: ")


def test_amazon_server_errors_are_retried_until_confirmed(
    staff_api_client,
    permission_group_manage_orders,
    de_shop,
    sandbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        import_marketplace(de_shop.marketplace)
    order = Order.objects.get(external_reference=DE_SINGLE)
    line = order.lines.get()
    permission_group_manage_orders.user_set.add(staff_api_client.user)
    sandbox.set_faults(
        server_error_next=1,
        server_error_status=503,
        server_error_operations=["confirmShipment"],
    )

    with django_capture_on_commit_callbacks(execute=True):
        gql_data(
            staff_api_client,
            ORDER_FULFILL,
            {
                "order": to_global_id("Order", order.pk),
                "input": {
                    "notifyCustomer": False,
                    "trackingNumber": "00340434161094042557",
                    "lines": [
                        {
                            "orderLineId": to_global_id("OrderLine", line.pk),
                            "stocks": [
                                {
                                    "quantity": 1,
                                    "warehouse": to_global_id(
                                        "Warehouse", de_shop.warehouse.pk
                                    ),
                                }
                            ],
                        }
                    ],
                },
            },
        )

    (shipment,) = sandbox.shipments()
    assert shipment["request"]["packageDetail"]["trackingNumber"] == (
        "00340434161094042557"
    )
    assert len(sandbox.requests("confirmShipment")) >= 2
    confirmation = AmazonShipmentConfirmation.objects.get()
    assert confirmation.status == "CONFIRMED"
    assert confirmation.last_error == ""
    assert confirmation.carrier_code == "Other"
    assert confirmation.items == [{"orderItemId": "41520312340017", "quantity": 1}]


RETRY = """
mutation ($ids: [ID!]!, $skip: Boolean) {
  amazonImportedOrderRetry(ids: $ids, skipAddressValidation: $skip) {
    importedOrders { amazonOrderId status reason orderId }
    errors { field code message }
  }
}
"""


def test_held_address_is_imported_when_the_merchant_accepts_it(
    orders_client, us_shop, sandbox, django_capture_on_commit_callbacks
):
    from saleor_amazon_feeds.models import AmazonImportedOrder

    order = seed_order("113-7781234-5521006")
    order["orderId"] = "113-0000000-0000301"
    order["recipient"]["deliveryAddress"]["postalCode"] = "ABCDE"
    sandbox.post_orders([order])
    wait_for_amazon()
    with django_capture_on_commit_callbacks(execute=True):
        import_marketplace(us_shop.marketplace)
    record = AmazonImportedOrder.objects.get(amazon_order_id="113-0000000-0000301")
    record_id = to_global_id("AmazonImportedOrder", record.pk)
    assert record.status == "HELD"

    # Retrying as is fails the same way, with the reason.
    with django_capture_on_commit_callbacks(execute=True):
        same = gql_data(orders_client, RETRY, {"ids": [record_id], "skip": False})
    (still,) = same["amazonImportedOrderRetry"]["importedOrders"]
    assert still["status"] == "HELD"
    assert "postal_code 'ABCDE' is invalid" in still["reason"]

    with django_capture_on_commit_callbacks(execute=True):
        done = gql_data(orders_client, RETRY, {"ids": [record_id], "skip": True})
    (imported,) = done["amazonImportedOrderRetry"]["importedOrders"]
    assert imported["status"] == "IMPORTED"
    saleor = Order.objects.get(external_reference="113-0000000-0000301")
    assert imported["orderId"] == to_global_id("Order", saleor.pk)
    assert saleor.shipping_address.postal_code == "ABCDE"
    assert saleor.total_gross_amount == saleor.total_charged_amount

    # Only held orders can be retried.
    again = gql_data(orders_client, RETRY, {"ids": [record_id]})
    assert again["amazonImportedOrderRetry"]["errors"][0]["field"] == "ids"


def fulfill(client, order, warehouse, quantities, tracking=None):
    """Saleor's orderFulfill for {order line: quantity}."""
    data = {
        "notifyCustomer": False,
        "lines": [
            {
                "orderLineId": to_global_id("OrderLine", line.pk),
                "stocks": [
                    {
                        "quantity": quantity,
                        "warehouse": to_global_id("Warehouse", warehouse.pk),
                    }
                ],
            }
            for line, quantity in quantities.items()
        ],
    }
    if tracking:
        data["trackingNumber"] = tracking
    body = gql_data(
        client, ORDER_FULFILL, {"order": to_global_id("Order", order.pk), "input": data}
    )
    assert body["orderFulfill"]["errors"] == []
    return body["orderFulfill"]["fulfillments"][0]


def seller_central_confirm(sandbox, order_id, reference, tracking, item, quantity):
    response = sandbox.sp(
        "POST",
        f"/orders/v0/orders/{order_id}/shipmentConfirmation",
        json={
            "marketplaceId": "A1PA6795UKMFR9",
            "packageDetail": {
                "packageReferenceId": reference,
                "carrierCode": "DHL",
                "trackingNumber": tracking,
                "shipDate": "2026-03-03T10:00:00Z",
                "orderItems": [{"orderItemId": item, "quantity": quantity}],
            },
        },
    )
    assert response.status_code == 204, response.text


def test_reference_taken_in_seller_central_moves_to_the_next_free_one(
    staff_api_client,
    permission_group_manage_orders,
    de_shop,
    sandbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        import_marketplace(de_shop.marketplace)
    order = Order.objects.get(external_reference=DE_PROMO)
    permission_group_manage_orders.user_set.add(staff_api_client.user)
    # The merchant shipped the mug from Seller Central as package "1".
    seller_central_confirm(sandbox, DE_PROMO, "1", "SC-0001", "41520312340022", 1)

    with django_capture_on_commit_callbacks(execute=True):
        fulfill(
            staff_api_client,
            order,
            de_shop.warehouse,
            {order.lines.get(product_sku="TSHIRT-RED-L"): 2},
            tracking="JJD0055",
        )

    assert [
        s["request"]["packageDetail"]["packageReferenceId"]
        for s in (sandbox.shipments())
    ] == ["1", "2"]
    ours = sandbox.shipments()[1]["request"]["packageDetail"]
    assert ours["trackingNumber"] == "JJD0055"
    assert ours["orderItems"] == [{"orderItemId": "41520312340021", "quantity": 2}]
    confirmation = AmazonShipmentConfirmation.objects.get()
    assert (confirmation.status, confirmation.package_reference_id) == (
        "CONFIRMED",
        "2",
    )
    order.refresh_from_db()
    assert order.metadata["amazon.shipment.2"] == "CONFIRMED Other JJD0055"


def test_a_confirmation_amazon_already_got_is_not_sent_twice(
    staff_api_client,
    permission_group_manage_orders,
    de_shop,
    sandbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        import_marketplace(de_shop.marketplace)
    order = Order.objects.get(external_reference=DE_SINGLE)
    permission_group_manage_orders.user_set.add(staff_api_client.user)
    # A first attempt reached Amazon but its answer was lost (worker crash).
    seller_central_confirm(sandbox, DE_SINGLE, "1", "TRACK-1", "41520312340017", 1)

    with django_capture_on_commit_callbacks(execute=True):
        fulfill(
            staff_api_client,
            order,
            de_shop.warehouse,
            {order.lines.get(): 1},
            tracking="TRACK-1",
        )

    assert len(sandbox.shipments()) == 1
    assert len(sandbox.requests("confirmShipment")) == 2
    confirmation = AmazonShipmentConfirmation.objects.get()
    assert (confirmation.status, confirmation.package_reference_id) == (
        "CONFIRMED",
        "1",
    )


SHIPPING_ZONES = """
query Zones($marketplace: ID!) {
  amazonShippingZones(marketplaceId: $marketplace) {
    id name shippingMethods { id name }
  }
}
"""


def test_shipping_zones_for_mappings_need_only_manage_orders(plugin_world, caller):
    """The shipping-mapping pop-up lists the channel's zones and priced methods
    through the plugin, so it needs no Saleor MANAGE_SHIPPING."""
    from graphql_relay import to_global_id
    from saleor.shipping.models import ShippingZone

    zone = ShippingZone.objects.get()
    method = zone.shipping_methods.get()
    variables = {"marketplace": plugin_world.ids["marketplace"]}
    status, body = caller("staff", {"MANAGE_ORDERS"}).post(SHIPPING_ZONES, variables)
    assert body["data"]["amazonShippingZones"] == [
        {
            "id": to_global_id("ShippingZone", zone.pk),
            "name": zone.name,
            "shippingMethods": [
                {
                    "id": to_global_id("ShippingMethodType", method.pk),
                    "name": method.name,
                }
            ],
        }
    ]
    # A zone not in the marketplace's channel is not offered.
    zone.channels.clear()
    status, body = caller("staff", {"MANAGE_ORDERS"}).post(SHIPPING_ZONES, variables)
    assert body["data"]["amazonShippingZones"] == []


def test_a_job_whose_worker_died_is_failed_as_interrupted_and_its_orders_come_next_run(
    orders_client, de_shop, settings
):
    from datetime import timedelta

    from django.utils import timezone

    from saleor_amazon_feeds import conf
    from saleor_amazon_feeds.models import AmazonOrderImportJob
    from saleor_amazon_feeds.orders.jobs import INTERRUPTED
    from saleor_amazon_feeds.orders.tasks import (
        import_orders_scheduled_task,
        start_import_job,
    )

    settings.AMAZON_FEEDS_IMPORT_JOB_STALE_SECONDS = 600
    wait_for_amazon()
    # The sandbox's time scale shortens the wait like every other one.
    stale = conf.import_job_stale_after()
    long_ago = timezone.now() - stale - timedelta(seconds=1)
    # A worker took this job and died: started, no sign of life since.
    dead = start_import_job([de_shop.marketplace], run=False)
    # This one's worker is alive (it fetched a page a moment ago).
    alive = start_import_job([de_shop.marketplace], run=False)
    # Never started (waiting in the queue): not the sweeper's business.
    queued = start_import_job([de_shop.marketplace], run=False)
    AmazonOrderImportJob.objects.filter(pk=dead.pk).update(
        started_at=long_ago, updated_at=long_ago
    )
    AmazonOrderImportJob.objects.filter(pk=alive.pk).update(
        started_at=long_ago, updated_at=timezone.now() - stale / 2
    )
    AmazonOrderImportJob.objects.filter(pk=queued.pk).update(updated_at=long_ago)

    # Beat's next import run sweeps first, then imports everything.
    import_orders_scheduled_task()

    def shown(job):
        return gql_data(
            orders_client,
            ORDER_IMPORT,
            {"id": to_global_id("AmazonOrderImport", job.pk)},
        )["amazonOrderImport"]

    failed = shown(dead)
    assert failed["status"] == "FAILED"
    assert failed["errors"] == [{"marketplaceId": "", "message": INTERRUPTED}]
    assert failed["finishedAt"]
    assert shown(alive)["status"] == "RUNNING"
    assert shown(queued)["status"] == "PENDING"
    # Nothing the dead worker left is lost: the run after it imported them.
    newest = AmazonOrderImportJob.objects.order_by("-pk").first()
    assert shown(newest)["status"] == "SUCCESS"
    assert Order.objects.filter(external_reference=DE_SINGLE).count() == 1
