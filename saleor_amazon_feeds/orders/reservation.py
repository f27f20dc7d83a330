"""Stock reservation for a whole batch of imported merchant-fulfilled orders.

Reserving order by order (:mod:`.allocation`) costs a Saleor
``allocate_stocks`` call per order, and each call several queries per line:
row locks, sums, the insert, the stock update, the stock and its sum read again
for the out-of-stock check. Here the batch's stocks are locked and read once,
in primary-key order as Saleor locks them, and when that read shows what
Saleor's allocation would do, the batch's allocations are written at once:

* every variant has exactly one stock Saleor would allocate from (in one of
  the marketplace's warehouses linked to the channel), so neither the
  channel's allocation strategy nor the order of lines can pick another, and
* that stock has more available units (Saleor's count: quantity minus
  allocations) than the whole batch asks for, so Saleor would refuse no
  line, oversell nothing and never run the stock out: it sends no
  out-of-stock event, and there is none to send here either.

Then every line gets what order-by-order reservation gives it: one allocation
of all its units on that stock, rows inserted in the same order, the stock's
``quantity_allocated`` raised by their sum. Any other batch (a shortage,
several warehouses, a preorder) is reserved order by order, as before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from django.db.models import Exists, F, OuterRef
from saleor.app.models import App
from saleor.channel.models import Channel
from saleor.order.models import OrderLine
from saleor.warehouse.models import Allocation, Stock

from ..models import AmazonMarketplace
from ..saleor_compat import (
    OrderLineInfo,
    get_order_lines_with_track_inventory,
    stock_qs_select_for_update,
)
from . import mapping
from .allocation import (
    allocate_order,
    one_per_variant,
    site_settings,
)


@dataclass
class OrderToReserve:
    lines: Sequence[OrderLine]  # the order's lines with their variants, pk order
    mapped: mapping.MappedOrder


def reserve_imported_orders(
    marketplace: AmazonMarketplace,
    orders: Sequence[OrderToReserve],
    warehouse_ids: list[UUID],
    requestor: App | None = None,
) -> list[list[str]]:
    """Reserve what is left to ship of just-imported orders, in their order;
    returns each order's notes on units not reserved normally.

    ``warehouse_ids``: the marketplace's warehouses, in primary-key order.

    Runs inside the batch's transaction: the stock locks are held until it
    commits.
    """
    if not orders:
        return []
    wanted = [open_quantities(order) for order in orders]
    sole_stocks = _lock_sole_stocks(
        marketplace.channel, warehouse_ids, [w for w in wanted if w]
    )
    if sole_stocks is not None:
        _allocate_on_sole_stocks(wanted, sole_stocks)
        return [[] for _ in orders]
    site = site_settings()
    return [
        allocate_order(
            marketplace,
            {line.pk: units for line, units in order_wanted.items()},
            _country(order),
            requestor,
            site=site,
            warehouse_ids=warehouse_ids,
            lines=order.lines,
        )
        if order_wanted
        else []
        for order, order_wanted in zip(orders, wanted, strict=True)
    ]


def open_quantities(order: OrderToReserve) -> dict[OrderLine, int]:
    """{line: units still to ship} of the lines whose stock is reserved (a
    variant that tracks inventory), in line order."""
    by_item = {line.order_item_id: line for line in order.mapped.lines}
    wanted = {}
    for line in order.lines:
        item = by_item.get(line.metadata.get(mapping.ORDER_ITEM_KEY, ""))
        if item is None or not line.variant_id or not line.variant.track_inventory:
            continue
        units = item.quantity - item.quantity_fulfilled
        if units > 0:
            wanted[line] = units
    return wanted


def _in_saleor_order(wanted: dict[OrderLine, int]) -> list[tuple[OrderLine, int]]:
    """An order's lines in the order its own reservation inserts their
    allocations: the first line of each variant, then the next ones."""
    pending = [
        OrderLineInfo(line=line, quantity=units, variant=line.variant)
        for line, units in wanted.items()
    ]
    ordered: list[tuple[OrderLine, int]] = []
    while pending:
        first, pending = one_per_variant(pending)
        ordered += [(info.line, info.quantity) for info in first]
    return ordered


def _country(order: OrderToReserve) -> str:
    return (order.mapped.input.get("shippingAddress") or {}).get("country", "")


def _lock_sole_stocks(
    channel: Channel,
    warehouse_ids: list[UUID],
    wanted: Sequence[dict[OrderLine, int]],
) -> dict[int, int] | None:
    """Lock the batch's stocks in the marketplace's warehouses; {variant pk:
    its stock's pk} when each variant's units can only come from that stock
    and it has more than enough of them (see the module's docstring), else
    None."""
    lines = [line for order_wanted in wanted for line in order_wanted]
    if not lines or not warehouse_ids:
        return None
    # Lines Saleor's allocation leaves aside (preorders) take the slow way.
    infos = [
        OrderLineInfo(line=line, quantity=1, variant=line.variant) for line in lines
    ]
    if len(get_order_lines_with_track_inventory(infos)) != len(lines):
        return None
    demand: dict[int, int] = defaultdict(int)
    for order_wanted in wanted:
        for line, units in order_wanted.items():
            demand[line.variant_id] += units
    in_channel = Channel.warehouses.through.objects.filter(
        channel_id=channel.pk, warehouse_id=OuterRef("warehouse_id")
    )
    # Every stock either way may allocate from, locked at once in Saleor's
    # order: the batch never waits for a lock halfway through.
    stocks = (
        stock_qs_select_for_update()
        .filter(product_variant_id__in=demand, warehouse_id__in=warehouse_ids)
        .annotate_available_quantity()
        .annotate(in_channel=Exists(in_channel))
        .values_list("pk", "product_variant_id", "available_quantity", "in_channel")
    )
    candidates: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pk, variant_id, available, linked in stocks:
        if linked:
            candidates[variant_id].append((pk, available))
    sole: dict[int, int] = {}
    for variant_id, units in demand.items():
        if len(candidates[variant_id]) != 1:
            return None
        ((pk, available),) = candidates[variant_id]
        if available <= units:
            return None
        sole[variant_id] = pk
    return sole


def _allocate_on_sole_stocks(
    wanted: Sequence[dict[OrderLine, int]], sole_stocks: dict[int, int]
) -> None:
    allocations = [
        Allocation(
            order_line=line,
            stock_id=sole_stocks[line.variant_id],
            quantity_allocated=units,
        )
        for order_wanted in wanted
        for line, units in _in_saleor_order(order_wanted)
    ]
    if not allocations:
        return
    Allocation.objects.bulk_create(allocations)
    added: dict[int, int] = defaultdict(int)
    for allocation in allocations:
        added[allocation.stock_id] += allocation.quantity_allocated
    Stock.objects.bulk_update(
        [
            Stock(pk=pk, quantity_allocated=F("quantity_allocated") + units)
            for pk, units in added.items()
        ],
        ["quantity_allocated"],
    )
