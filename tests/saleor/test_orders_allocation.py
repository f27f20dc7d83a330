"""Stock reservation of imported orders: Saleor's allocation over the
marketplace's warehouses, then the explicit oversell step (orders fed to one
batch directly, no Amazon round trip)."""

import copy
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from saleor.account.models import Address
from saleor.checkout.models import Checkout, CheckoutLine
from saleor.warehouse.models import Allocation, Reservation, Stock, Warehouse

from saleor_amazon_feeds.models import AmazonImportedOrder
from saleor_amazon_feeds.orders.batches import process_batch
from tests.fixtures.orders import seed_order

pytestmark = pytest.mark.django_db

SKU = "TSHIRT-BLUE-M"


def tshirt_order(order_id: str, *quantities: int) -> dict:
    """A merchant-fulfilled DE order with one line of ``SKU`` per quantity."""
    order = seed_order("302-4815162-3421001")
    order["orderId"] = order_id
    template = order["orderItems"][0]
    items, total = [], Decimal("3.90")
    for n, quantity in enumerate(quantities):
        item = copy.deepcopy(template)
        item["orderItemId"] = f"{template['orderItemId']}{n}"
        item["quantityOrdered"] = quantity
        amount = Decimal("24.90") * quantity
        breakdowns = [{"type": "ITEM", "subtotal": eur(amount)}]
        if n == 0:
            breakdowns.append({"type": "SHIPPING", "subtotal": eur(Decimal("3.90"))})
        item["proceeds"] = {"breakdowns": breakdowns}
        items.append(item)
        total += amount
    order["orderItems"] = items
    order["proceeds"]["grandTotal"] = eur(total)
    return order


def eur(amount: Decimal) -> dict:
    return {"amount": str(amount), "currencyCode": "EUR"}


def add_warehouse(shop, slug: str, quantity: int, *, in_marketplace: bool) -> Stock:
    address = Address.objects.create(
        street_address_1="Lagerweg 2", city="Berlin", postal_code="10115", country="DE"
    )
    warehouse = Warehouse.objects.create(
        name=slug, slug=slug, address=address, email=f"{slug}@example.com"
    )
    warehouse.channels.add(shop.channel)
    if in_marketplace:
        shop.marketplace.warehouses.add(warehouse)
    return Stock.objects.create(
        warehouse=warehouse, product_variant=shop.variants[SKU], quantity=quantity
    )


def set_quantity(stock: Stock, quantity: int) -> None:
    stock.quantity = quantity
    stock.save(update_fields=["quantity"])


def allocated(stock: Stock) -> int:
    stock.refresh_from_db()
    rows = sum(
        Allocation.objects.filter(stock=stock).values_list(
            "quantity_allocated", flat=True
        )
    )
    # Saleor's denormalised counter and its allocation rows agree.
    assert stock.quantity_allocated == rows
    return rows


@pytest.fixture
def out_of_stock_events(monkeypatch) -> list:
    """(stock pk, requestor) of each out-of-stock event Saleor triggers; the
    event itself still runs."""
    from saleor.warehouse import management

    events: list = []
    trigger = management.trigger_product_variant_out_of_stock

    def recorded(stock, requestor):
        events.append((stock.pk, requestor))
        return trigger(stock, requestor)

    monkeypatch.setattr(management, "trigger_product_variant_out_of_stock", recorded)
    return events


def import_orders(shop, capture, *orders):
    with capture(execute=True):
        return process_batch(shop.marketplace, list(orders))


def test_stock_comes_from_the_marketplaces_warehouses_then_is_oversold(
    de_shop, django_capture_on_commit_callbacks
):
    first = de_shop.stock(SKU)
    set_quantity(first, 1)
    second = add_warehouse(de_shop, "acme-de-2", 2, in_marketplace=True)
    elsewhere = add_warehouse(de_shop, "shop-only", 100, in_marketplace=False)

    outcome = import_orders(
        de_shop,
        django_capture_on_commit_callbacks,
        tshirt_order("302-0000000-0000201", 5),
    )

    assert outcome.imported == 1
    # Saleor took all both warehouses have (1 + 2); the 2 units beyond them
    # went to the first of them in warehouse order (UUIDs, so either).
    # The shop-only warehouse is untouched.
    assert allocated(elsewhere) == 0
    assert allocated(first) + allocated(second) == 5
    assert (allocated(first), allocated(second)) in ((3, 2), (1, 4))
    record = AmazonImportedOrder.objects.get(amazon_order_id="302-0000000-0000201")
    assert record.reason == (
        "Imported; TSHIRT-BLUE-M: 2 unit(s) more than available stock, reserved anyway"
    )


def test_lines_of_the_same_variant_never_take_the_same_units_twice(
    de_shop, django_capture_on_commit_callbacks
):
    first = de_shop.stock(SKU)
    set_quantity(first, 3)
    second = add_warehouse(de_shop, "acme-de-2", 5, in_marketplace=True)

    import_orders(
        de_shop,
        django_capture_on_commit_callbacks,
        tshirt_order("302-0000000-0000202", 2, 2),
    )

    record = AmazonImportedOrder.objects.get(amazon_order_id="302-0000000-0000202")
    assert (record.status, record.reason) == ("IMPORTED", "")
    assert allocated(first) + allocated(second) == 4
    for stock in (first, second):
        stock.refresh_from_db()
        assert stock.quantity_allocated <= stock.quantity
    for line in record.order.lines.all():
        assert sum(a.quantity_allocated for a in line.allocations.all()) == 2


def test_nothing_in_stock_reserves_everything_as_oversold(
    de_shop, django_capture_on_commit_callbacks
):
    stock = de_shop.stock(SKU)
    set_quantity(stock, 0)

    import_orders(
        de_shop,
        django_capture_on_commit_callbacks,
        tshirt_order("302-0000000-0000203", 2),
    )

    assert allocated(stock) == 2
    record = AmazonImportedOrder.objects.get(amazon_order_id="302-0000000-0000203")
    assert record.status == "IMPORTED"
    assert "TSHIRT-BLUE-M: 2 unit(s) more than available stock" in record.reason


def test_taking_the_last_units_sends_saleors_out_of_stock_event(
    de_shop, django_capture_on_commit_callbacks, out_of_stock_events
):
    stock = de_shop.stock(SKU)
    set_quantity(stock, 2)

    import_orders(
        de_shop,
        django_capture_on_commit_callbacks,
        tshirt_order("302-0000000-0000204", 2),
    )

    assert allocated(stock) == 2
    ((stock_pk, requestor),) = out_of_stock_events
    assert stock_pk == stock.pk
    assert requestor.name == "Amazon Feeds"


def test_a_checkout_reservation_does_not_outrank_an_amazon_sale(
    de_shop, django_capture_on_commit_callbacks
):
    stock = de_shop.stock(SKU)
    set_quantity(stock, 3)
    checkout = Checkout.objects.create(channel=de_shop.channel, currency="EUR")
    line = CheckoutLine.objects.create(
        checkout=checkout, variant=de_shop.variants[SKU], quantity=3, currency="EUR"
    )
    Reservation.objects.create(
        checkout_line=line,
        stock=stock,
        quantity_reserved=3,
        reserved_until=timezone.now() + timedelta(minutes=20),
    )

    import_orders(
        de_shop,
        django_capture_on_commit_callbacks,
        tshirt_order("302-0000000-0000205", 2),
    )

    # Amazon's buyer has paid: the units are allocated, not reported oversold.
    assert allocated(stock) == 2
    record = AmazonImportedOrder.objects.get(amazon_order_id="302-0000000-0000205")
    assert (record.status, record.reason) == ("IMPORTED", "")


def test_a_batch_sharing_one_stock_reserves_each_line_once(
    de_shop, django_capture_on_commit_callbacks, out_of_stock_events
):
    stock = de_shop.stock(SKU)
    set_quantity(stock, 10)

    # 9 units of 10 in one batch: reserved at once, as order by order would.
    outcome = import_orders(
        de_shop,
        django_capture_on_commit_callbacks,
        tshirt_order("302-0000000-0000206", 2),
        tshirt_order("302-0000000-0000207", 3, 1),
        tshirt_order("302-0000000-0000208", 3),
    )

    assert outcome.imported == 3
    assert allocated(stock) == 9
    for record in AmazonImportedOrder.objects.filter(
        amazon_order_id__in=[
            "302-0000000-0000206",
            "302-0000000-0000207",
            "302-0000000-0000208",
        ]
    ):
        assert (record.status, record.reason) == ("IMPORTED", "")
        for line in record.order.lines.all():
            (allocation,) = line.allocations.all()
            assert (allocation.stock_id, allocation.quantity_allocated) == (
                stock.pk,
                line.quantity,
            )
    assert out_of_stock_events == []


def test_a_batch_taking_the_last_units_goes_through_saleors_allocation(
    de_shop, django_capture_on_commit_callbacks, out_of_stock_events
):
    stock = de_shop.stock(SKU)
    set_quantity(stock, 5)

    import_orders(
        de_shop,
        django_capture_on_commit_callbacks,
        tshirt_order("302-0000000-0000209", 2),
        tshirt_order("302-0000000-0000210", 3),
    )

    # Exactly the stock: Saleor allocates it and says it ran out.
    assert allocated(stock) == 5
    assert [pk for pk, _ in out_of_stock_events] == [stock.pk]
    assert set(
        AmazonImportedOrder.objects.filter(
            amazon_order_id__in=["302-0000000-0000209", "302-0000000-0000210"]
        ).values_list("reason", flat=True)
    ) == {""}
