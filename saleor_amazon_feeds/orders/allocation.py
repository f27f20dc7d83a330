"""Stock reservation for imported merchant-fulfilled orders.

Saleor's ``orderBulkCreate`` creates no allocations for unfulfilled lines, so the
plugin reserves the stock itself, in the marketplace's warehouses: stock rows
are locked in primary-key order, the lines take what is available warehouse by
warehouse, and whatever Amazon sold beyond Saleor's available stock is still
reserved (on the first stock row, making availability negative) so the shop
never sells it a second time. The shortfall is reported back to the caller.
"""

from collections import defaultdict

from django.db.models import F
from saleor.order.models import Order
from saleor.warehouse.models import Allocation, Stock

from ..models import AmazonMarketplace


def allocate_order(
    order: Order, marketplace: AmazonMarketplace, quantities: dict[int, int]
) -> list[str]:
    """Reserve ``quantities`` ({order line pk: units}); returns shortfall notes.

    Runs inside the caller's transaction.
    """
    lines = [
        line
        for line in order.lines.select_related("variant").order_by("pk")
        if line.variant_id
        and line.variant.track_inventory
        and quantities.get(line.pk, 0) > 0
    ]
    if not lines:
        return []
    warehouse_order = list(
        marketplace.warehouses.order_by("pk").values_list("pk", flat=True)
    )
    rank = {pk: n for n, pk in enumerate(warehouse_order)}
    stocks = list(
        Stock.objects.select_for_update(of=("self",))
        .filter(
            product_variant_id__in={line.variant_id for line in lines},
            warehouse_id__in=warehouse_order,
        )
        .order_by("pk")
    )
    by_variant: dict[int, list[Stock]] = defaultdict(list)
    for stock in sorted(stocks, key=lambda s: (rank[s.warehouse_id], s.pk)):
        by_variant[stock.product_variant_id].append(stock)

    notes: list[str] = []
    allocations: list[Allocation] = []
    added: dict[int, int] = defaultdict(int)
    for line in lines:
        need = quantities[line.pk]
        candidates = by_variant.get(line.variant_id, [])
        if not candidates:
            notes.append(
                f"{line.product_sku}: no stock record in the marketplace's "
                f"warehouses, {need} unit(s) not reserved"
            )
            continue
        for stock in candidates:
            available = stock.quantity - stock.quantity_allocated - added[stock.pk]
            take = min(need, max(available, 0))
            if take:
                allocations.append(
                    Allocation(order_line=line, stock=stock, quantity_allocated=take)
                )
                added[stock.pk] += take
                need -= take
            if not need:
                break
        if need:
            stock = candidates[0]
            notes.append(
                f"{line.product_sku}: {need} unit(s) more than available stock, "
                "reserved anyway"
            )
            existing = next(
                (a for a in allocations if a.order_line is line and a.stock is stock),
                None,
            )
            if existing:
                existing.quantity_allocated += need
            else:
                allocations.append(
                    Allocation(order_line=line, stock=stock, quantity_allocated=need)
                )
            added[stock.pk] += need
    Allocation.objects.bulk_create(allocations)
    for stock_pk, quantity in added.items():
        Stock.objects.filter(pk=stock_pk).update(
            quantity_allocated=F("quantity_allocated") + quantity
        )
    return notes
