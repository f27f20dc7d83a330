"""Amazon orders imported into real Saleor from the bundled sandbox: money, taxes,
addresses, shipping methods, payment, stock reservation, held and pending orders."""

from decimal import Decimal

import pytest
from saleor.order import OrderChargeStatus as ChargeStatus
from saleor.order import OrderStatus
from saleor.order.models import Order
from saleor.warehouse.models import Allocation

from saleor_amazon_feeds.models import (
    AmazonImportedOrder,
    AmazonOrderCursor,
    AmazonShippingMapping,
)
from saleor_amazon_feeds.orders.importer import import_marketplace
from saleor_amazon_feeds.orders.saleor_fixtures import AMAZON_SHIPPING_NAME
from tests.fixtures.orders import seed_order, wait_for_amazon

pytestmark = pytest.mark.django_db

DE_SINGLE = "302-4815162-3421001"
DE_PROMO = "302-9087123-5566002"
DE_FBA = "303-1122334-7788003"
DE_BUSINESS = "304-5566778-9900004"
DE_PENDING = "306-2468135-7913005"
US_MFN = "113-7781234-5521006"
US_FBA = "114-3344556-6677007"
US_CANCELLED = "112-9988776-1100008"


def run_import(marketplace, capture):
    with capture(execute=True):
        return import_marketplace(marketplace)


def saleor_order(amazon_order_id) -> Order:
    return Order.objects.get(external_reference=amazon_order_id)


def lines(order):
    return [
        (
            line.product_sku,
            line.quantity,
            line.total_price_gross_amount,
            line.total_price_net_amount,
            line.undiscounted_total_price_gross_amount,
            line.tax_rate,
        )
        for line in order.lines.order_by("product_sku")
    ]


def allocated(order):
    return sorted(
        (a.order_line.product_sku, a.stock.warehouse.slug, a.quantity_allocated)
        for a in Allocation.objects.filter(
            order_line__order=order, quantity_allocated__gt=0
        ).select_related("order_line", "stock__warehouse")
    )


def records():
    return {
        r.amazon_order_id: (r.status, r.reason)
        for r in AmazonImportedOrder.objects.all()
    }


def test_de_import_money_addresses_shipping_payment_and_stock(
    de_shop, django_capture_on_commit_callbacks
):
    outcome = run_import(de_shop.marketplace, django_capture_on_commit_callbacks)

    assert (outcome.found, outcome.imported, outcome.held) == (5, 4, 0)
    state = records()
    assert state[DE_PENDING][0] == "PENDING"
    assert "Pending on Amazon" in state[DE_PENDING][1]
    assert {k: v[0] for k, v in state.items() if k != DE_PENDING} == {
        DE_SINGLE: "IMPORTED",
        DE_PROMO: "IMPORTED",
        DE_FBA: "IMPORTED",
        DE_BUSINESS: "IMPORTED",
    }
    assert not Order.objects.filter(external_reference=DE_PENDING).exists()

    # Single item, VAT included: 24.90 gross / 20.92 net at 19 %, shipping 3.90.
    single = saleor_order(DE_SINGLE)
    assert single.channel == de_shop.channel
    assert single.status == OrderStatus.UNFULFILLED
    assert lines(single) == [
        (
            "TSHIRT-BLUE-M",
            1,
            Decimal("24.90"),
            Decimal("20.92"),
            Decimal("24.90"),
            Decimal("0.1900"),
        )
    ]
    assert (single.shipping_price_gross_amount, single.shipping_price_net_amount) == (
        Decimal("3.90"),
        Decimal("3.28"),
    )
    assert (single.total_gross_amount, single.total_net_amount) == (
        Decimal("28.80"),
        Decimal("24.20"),
    )
    assert single.currency == "EUR"
    assert single.shipping_method_name == AMAZON_SHIPPING_NAME
    assert single.user_email == "7x2kq9l1m3b8v5n@marketplace.amazon.de"
    assert single.charge_status == ChargeStatus.FULL
    assert single.total_charged_amount == Decimal("28.80")
    assert single.metadata["amazon.order_id"] == DE_SINGLE
    assert single.metadata["amazon.marketplace_id"] == "A1PA6795UKMFR9"
    shipping = single.shipping_address
    assert (
        shipping.first_name,
        shipping.last_name,
        shipping.street_address_1,
        shipping.city,
        shipping.postal_code,
        shipping.country.code,
    ) == ("Jonas", "Becker", "Lindenstraße 12", "BERLIN", "10969", "DE")
    assert single.billing_address.last_name == "Becker"

    # Multi-item, multi-quantity, promotion on one line.
    promo = saleor_order(DE_PROMO)
    assert lines(promo) == [
        (
            "MUG-CLASSIC-WHITE",
            1,
            Decimal("12.50"),
            Decimal("10.50"),
            Decimal("12.50"),
            Decimal("0.1900"),
        ),
        (
            "TSHIRT-RED-L",
            2,
            Decimal("44.82"),
            Decimal("37.66"),
            Decimal("49.80"),
            Decimal("0.1900"),
        ),
    ]
    red = promo.lines.get(product_sku="TSHIRT-RED-L")
    assert red.unit_discount_reason == "Amazon promotion DE-FRUEHLING-10"
    assert promo.total_gross_amount == Decimal("62.22")
    assert promo.shipping_price_gross_amount == Decimal("4.90")
    assert promo.charge_status == ChargeStatus.FULL

    # Business order: VAT on top of net prices, billed to the VAT address.
    business = saleor_order(DE_BUSINESS)
    assert lines(business) == [
        (
            "TSHIRT-BLUE-M",
            20,
            Decimal("497.90"),
            Decimal("418.40"),
            Decimal("497.90"),
            Decimal("0.1900"),
        ),
        (
            "TSHIRT-RED-L",
            10,
            Decimal("248.95"),
            Decimal("209.20"),
            Decimal("248.95"),
            Decimal("0.1900"),
        ),
    ]
    assert (business.total_gross_amount, business.total_net_amount) == (
        Decimal("746.85"),
        Decimal("627.60"),
    )
    assert business.billing_address.company_name == "Brauer & Söhne GmbH"
    assert business.metadata["amazon.purchase_order_number"] == "PO-2026-0315"
    assert business.metadata["amazon.buyer_tax_registration"] == "DE811234567"

    # Merchant-fulfilled orders reserve stock in the marketplace's warehouse.
    assert allocated(single) == [("TSHIRT-BLUE-M", "acme-de", 1)]
    assert allocated(promo) == [
        ("MUG-CLASSIC-WHITE", "acme-de", 1),
        ("TSHIRT-RED-L", "acme-de", 2),
    ]
    assert allocated(business) == [
        ("TSHIRT-BLUE-M", "acme-de", 20),
        ("TSHIRT-RED-L", "acme-de", 10),
    ]
    blue = de_shop.stock("TSHIRT-BLUE-M")
    assert (blue.quantity, blue.quantity_allocated) == (50, 21)
    red_stock = de_shop.stock("TSHIRT-RED-L")
    assert (red_stock.quantity, red_stock.quantity_allocated) == (30, 12)

    # FBA: fulfilled with Amazon's tracking number, Saleor stock untouched.
    fba = saleor_order(DE_FBA)
    assert fba.status == OrderStatus.FULFILLED
    assert [f.tracking_number for f in fba.fulfillments.all()] == [
        "JJD000390007712345678"
    ]
    assert fba.total_gross_amount == Decimal("59.00")
    assert fba.charge_status == ChargeStatus.FULL
    assert allocated(fba) == []
    backpack = de_shop.stock("BACKPACK-URBAN-GREY")
    assert (backpack.quantity, backpack.quantity_allocated) == (5, 0)

    assert AmazonOrderCursor.objects.get(marketplace=de_shop.marketplace)


def test_us_import_sales_tax_on_top_fba_and_cancelled_before_import(
    us_shop, django_capture_on_commit_callbacks
):
    outcome = run_import(us_shop.marketplace, django_capture_on_commit_callbacks)

    assert (outcome.found, outcome.imported, outcome.skipped) == (3, 2, 1)
    assert records()[US_CANCELLED] == (
        "CANCELLED",
        "Cancelled on Amazon before it was imported.",
    )
    assert not Order.objects.filter(external_reference=US_CANCELLED).exists()

    mfn = saleor_order(US_MFN)
    # 19.99 + 1.80 sales tax collected by Amazon; shipping 4.99 untaxed.
    assert lines(mfn) == [
        (
            "TSHIRT-BLUE-M-US",
            1,
            Decimal("21.79"),
            Decimal("19.99"),
            Decimal("21.79"),
            Decimal("0.0900"),
        )
    ]
    line = mfn.lines.get()
    # The channel enters prices without tax: Saleor's base price is the net one.
    assert line.base_unit_price_amount == Decimal("19.99")
    assert (mfn.total_gross_amount, mfn.total_net_amount) == (
        Decimal("26.78"),
        Decimal("24.98"),
    )
    assert mfn.shipping_price_gross_amount == Decimal("4.99")
    assert mfn.charge_status == ChargeStatus.FULL
    assert mfn.total_charged_amount == Decimal("26.78")
    assert mfn.shipping_address.country_area == "OR"
    assert allocated(mfn) == [("TSHIRT-BLUE-M-US", "acme-us", 1)]

    fba = saleor_order(US_FBA)
    assert fba.status == OrderStatus.FULFILLED
    assert lines(fba) == [
        (
            "LUGGAGE-SPINNER-20",
            1,
            Decimal("119.33"),
            Decimal("109.65"),
            Decimal("138.68"),
            Decimal("0.0883"),
        ),
        (
            "TRAVEL-TAG-SET",
            2,
            Decimal("21.48"),
            Decimal("19.98"),
            Decimal("21.48"),
            Decimal("0.0751"),
        ),
    ]
    assert (fba.total_gross_amount, fba.total_net_amount) == (
        Decimal("140.81"),
        Decimal("129.63"),
    )
    assert allocated(fba) == []
    luggage = us_shop.stock("LUGGAGE-SPINNER-20")
    assert (luggage.quantity, luggage.quantity_allocated) == (3, 0)


def test_shipping_mapping_picks_the_method_for_service_level_and_zone(
    de_shop, dhl_method, django_capture_on_commit_callbacks
):
    AmazonShippingMapping.objects.create(
        marketplace=de_shop.marketplace,
        service_level="Expedited",
        shipping_zone=dhl_method.shipping_zone,
        shipping_method=dhl_method,
    )
    run_import(de_shop.marketplace, django_capture_on_commit_callbacks)

    assert saleor_order(DE_PROMO).shipping_method == dhl_method  # EXPEDITED
    assert saleor_order(DE_PROMO).shipping_method_name == "DHL Express"
    assert saleor_order(DE_SINGLE).shipping_method_name == AMAZON_SHIPPING_NAME


def test_unknown_sku_is_held_with_reason_and_imported_once_fixed(
    de_shop, sandbox, django_capture_on_commit_callbacks
):
    order = seed_order(DE_SINGLE)
    order["orderId"] = "302-0000000-0000101"
    order["orderItems"][0]["product"]["sellerSku"] = "HOODIE-GREEN-S"
    assert sandbox.post_orders([order]).status_code == 200
    wait_for_amazon()

    outcome = run_import(de_shop.marketplace, django_capture_on_commit_callbacks)

    status, reason = records()["302-0000000-0000101"]
    assert status == "HELD"
    assert "Unknown SKU(s) in Saleor: HOODIE-GREEN-S" in reason
    assert outcome.held == 1
    assert not Order.objects.filter(external_reference="302-0000000-0000101").exists()

    # The merchant fixes the SKU; the next import retries the held order.
    variant = de_shop.variants["TSHIRT-BLUE-M"]
    variant.sku = "HOODIE-GREEN-S"
    variant.save(update_fields=["sku"])
    outcome = run_import(de_shop.marketplace, django_capture_on_commit_callbacks)

    assert records()["302-0000000-0000101"][0] == "IMPORTED"
    fixed = saleor_order("302-0000000-0000101")
    assert fixed.lines.get().variant == variant
    assert fixed.total_gross_amount == Decimal("28.80")


def test_currency_mismatch_is_held(
    de_shop, sandbox, django_capture_on_commit_callbacks
):
    order = seed_order(DE_SINGLE)
    order["orderId"] = "302-0000000-0000102"
    order["proceeds"]["grandTotal"]["currencyCode"] = "GBP"
    assert sandbox.post_orders([order]).status_code == 200
    wait_for_amazon()

    run_import(de_shop.marketplace, django_capture_on_commit_callbacks)

    status, reason = records()["302-0000000-0000102"]
    assert status == "HELD"
    assert "Currency mismatch" in reason
    assert "GBP" in reason


def test_pending_order_waits_until_amazon_completes_it(
    de_shop, sandbox, django_capture_on_commit_callbacks
):
    run_import(de_shop.marketplace, django_capture_on_commit_callbacks)
    assert records()[DE_PENDING][0] == "PENDING"

    completed = seed_order(DE_PENDING)
    completed["fulfillment"]["fulfillmentStatus"] = "UNSHIPPED"
    completed["buyer"] = {"buyerEmail": "pending@marketplace.amazon.de"}
    completed["recipient"] = {
        "deliveryAddress": {
            "name": "Max Mustermann",
            "addressLine1": "Hauptstraße 1",
            "city": "Hamburg",
            "postalCode": "20095",
            "countryCode": "DE",
        }
    }
    assert sandbox.post_orders([completed]).json()["updated"] == [DE_PENDING]
    wait_for_amazon()

    outcome = run_import(de_shop.marketplace, django_capture_on_commit_callbacks)

    assert (outcome.found, outcome.imported) == (1, 1)
    assert records()[DE_PENDING][0] == "IMPORTED"
    order = saleor_order(DE_PENDING)
    assert lines(order) == [
        (
            "MUG-CLASSIC-WHITE",
            4,
            Decimal("50.00"),
            Decimal("42.02"),
            Decimal("50.00"),
            Decimal("0.1900"),
        )
    ]
    assert order.total_gross_amount == Decimal("54.90")
    assert allocated(order) == [("MUG-CLASSIC-WHITE", "acme-de", 4)]
    assert de_shop.stock("MUG-CLASSIC-WHITE").quantity_allocated == 5


def test_cancelled_on_amazon_after_import_cancels_and_frees_stock(
    de_shop, sandbox, django_capture_on_commit_callbacks
):
    run_import(de_shop.marketplace, django_capture_on_commit_callbacks)
    order = saleor_order(DE_PROMO)
    assert de_shop.stock("TSHIRT-RED-L").quantity_allocated == 12

    cancelled = seed_order(DE_PROMO)
    cancelled["fulfillment"]["fulfillmentStatus"] = "CANCELLED"
    assert sandbox.post_orders([cancelled]).json()["updated"] == [DE_PROMO]
    wait_for_amazon()
    outcome = run_import(de_shop.marketplace, django_capture_on_commit_callbacks)

    assert outcome.updated == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    assert allocated(order) == []
    assert de_shop.stock("TSHIRT-RED-L").quantity_allocated == 10
    assert de_shop.stock("MUG-CLASSIC-WHITE").quantity_allocated == 0
    assert records()[DE_PROMO] == (
        "CANCELLED",
        "Cancelled on Amazon; the Saleor order was cancelled.",
    )


def test_importing_twice_creates_each_order_once(
    de_shop, django_capture_on_commit_callbacks
):
    first = run_import(de_shop.marketplace, django_capture_on_commit_callbacks)
    second = run_import(de_shop.marketplace, django_capture_on_commit_callbacks)
    # Same window again, as after a crash before the cursor moved.
    AmazonOrderCursor.objects.all().delete()
    third = run_import(de_shop.marketplace, django_capture_on_commit_callbacks)

    assert first.imported == 4
    assert (second.found, second.imported) == (0, 0)
    assert (third.found, third.imported) == (5, 0)
    assert Order.objects.count() == 4
    for amazon_id in (DE_SINGLE, DE_PROMO, DE_FBA, DE_BUSINESS):
        assert Order.objects.filter(external_reference=amazon_id).count() == 1
    assert de_shop.stock("TSHIRT-BLUE-M").quantity_allocated == 21

    # Even with the plugin's records lost, Saleor's externalReference is checked.
    AmazonImportedOrder.objects.all().delete()
    AmazonOrderCursor.objects.all().delete()
    fourth = run_import(de_shop.marketplace, django_capture_on_commit_callbacks)
    assert fourth.imported == 0
    assert Order.objects.count() == 4
    assert AmazonImportedOrder.objects.get(amazon_order_id=DE_SINGLE).order == (
        saleor_order(DE_SINGLE)
    )
    assert de_shop.stock("TSHIRT-BLUE-M").quantity_allocated == 21


def test_amazon_sale_beyond_saleor_stock_is_still_reserved_and_reported(
    de_shop, django_capture_on_commit_callbacks
):
    stock = de_shop.stock("TSHIRT-BLUE-M")
    stock.quantity = 5
    stock.save(update_fields=["quantity"])

    run_import(de_shop.marketplace, django_capture_on_commit_callbacks)

    # 1 + 20 units sold on Amazon, 5 in stock: all reserved, none sold twice.
    stock.refresh_from_db()
    assert (stock.quantity, stock.quantity_allocated) == (5, 21)
    status, reason = records()[DE_BUSINESS]
    assert status == "IMPORTED"
    assert "TSHIRT-BLUE-M: 16 unit(s) more than available stock" in reason
    assert allocated(saleor_order(DE_BUSINESS))[0] == ("TSHIRT-BLUE-M", "acme-de", 20)


def test_scheduled_import_covers_marketplaces_with_automatic_import(
    de_shop, us_shop, django_capture_on_commit_callbacks
):
    from saleor_amazon_feeds.models import AmazonOrderImportJob
    from saleor_amazon_feeds.orders.jobs import job_state
    from saleor_amazon_feeds.orders.tasks import import_orders_scheduled_task
    from saleor_amazon_feeds.schedule import PERIODIC_TASKS

    assert PERIODIC_TASKS["amazon-feeds-orders-import"]["task"] == (
        "saleor_amazon_feeds.orders.tasks.import_orders_scheduled_task"
    )
    us_shop.marketplace.auto_import_orders = False
    us_shop.marketplace.save(update_fields=["auto_import_orders"])

    with django_capture_on_commit_callbacks(execute=True):
        import_orders_scheduled_task.delay()

    job = AmazonOrderImportJob.objects.get()
    # Saleor's JobStatus as stored; the API's SUCCESS.
    assert (job.trigger, job.status, job_state(job)) == (
        "AUTOMATIC",
        "success",
        "SUCCESS",
    )
    assert list(job.marketplaces.all()) == [de_shop.marketplace]
    assert (job.found, job.imported, job.skipped) == (5, 4, 1)
    assert not Order.objects.filter(channel=us_shop.channel).exists()


def test_address_saleor_rejects_is_held_with_saleors_reason(
    us_shop, sandbox, django_capture_on_commit_callbacks
):
    order = seed_order(US_MFN)
    order["orderId"] = "113-0000000-0000103"
    order["recipient"]["deliveryAddress"]["postalCode"] = "ABCDE"
    assert sandbox.post_orders([order]).status_code == 200
    wait_for_amazon()

    run_import(us_shop.marketplace, django_capture_on_commit_callbacks)

    status, reason = records()["113-0000000-0000103"]
    assert status == "HELD"
    assert reason.startswith("Saleor rejected the order:")
    assert "shippingAddress: postal_code 'ABCDE' is invalid" in reason
    assert not Order.objects.filter(external_reference="113-0000000-0000103").exists()
    # The other orders of the batch were imported all the same.
    assert records()[US_MFN][0] == "IMPORTED"


def test_a_deleted_saleor_order_is_not_imported_again(
    de_shop, django_capture_on_commit_callbacks
):
    run_import(de_shop.marketplace, django_capture_on_commit_callbacks)
    order = saleor_order(DE_SINGLE)
    order.payment_transactions.all().delete()
    order.delete()
    AmazonOrderCursor.objects.all().delete()

    outcome = run_import(de_shop.marketplace, django_capture_on_commit_callbacks)

    assert outcome.imported == 0
    assert not Order.objects.filter(external_reference=DE_SINGLE).exists()
    assert {
        "amazonOrderId": DE_SINGLE,
        "status": "skipped",
        "reason": "The Saleor order was deleted.",
    } in outcome.details


def test_partially_shipped_order_reserves_only_what_is_left_to_ship(
    de_shop, sandbox, django_capture_on_commit_callbacks
):
    partial = seed_order(DE_PROMO)
    partial["orderId"] = "302-0000000-0000104"
    partial["fulfillment"]["fulfillmentStatus"] = "PARTIALLY_SHIPPED"
    partial["orderItems"][1]["fulfillment"] = {
        "quantityFulfilled": 1,
        "quantityUnfulfilled": 0,
    }
    partial["packages"] = [
        {
            "packageReferenceId": "1",
            "createdTime": partial["createdTime"],
            "packageStatus": {"status": "SHIPPED"},
            "carrier": "DHL",
            "shipTime": partial["createdTime"],
            "trackingNumber": "SC-77",
            "packageItems": [{"orderItemId": "41520312340022", "quantity": 1}],
        }
    ]
    assert sandbox.post_orders([partial]).status_code == 200
    wait_for_amazon()

    run_import(de_shop.marketplace, django_capture_on_commit_callbacks)

    order = saleor_order("302-0000000-0000104")
    assert order.status == OrderStatus.PARTIALLY_FULFILLED
    assert [f.tracking_number for f in order.fulfillments.all()] == ["SC-77"]
    assert allocated(order) == [("TSHIRT-RED-L", "acme-de", 2)]
    assert order.total_gross_amount == Decimal("62.22")


def test_each_page_of_a_long_window_is_a_sign_of_life_for_the_job(de_shop, sandbox):
    from saleor_amazon_feeds.orders.paging import fetch_orders, window_start

    orders = []
    for n in range(130):
        order = seed_order(DE_SINGLE)
        order["orderId"] = f"302-8800000-{n:07d}"
        orders.append(order)
    assert sandbox.post_orders(orders).status_code == 200
    wait_for_amazon()
    pages = []

    found, _ = fetch_orders(
        de_shop.marketplace,
        window_start(de_shop.marketplace),
        on_page=lambda: pages.append(len(sandbox.requests("searchOrders"))),
    )

    # Amazon's pages hold 100 orders: two pages, two signs of life, each
    # right after its page arrived.
    assert len(found) >= 130
    assert pages == [1, 2]
